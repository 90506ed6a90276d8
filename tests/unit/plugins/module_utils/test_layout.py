"""The shape of plugins/module_utils, read from the source: the package map of docs/architecture.md and which
package may import which, docstrings, exits, sizes, and the facts that have one owner."""
import ast
import glob
import os
import re
import subprocess

import pytest

from testenv import ROOT

UTILS = os.path.join(ROOT, 'plugins', 'module_utils')
OURS = 'ansible_collections.jcops.jumpcloud.plugins.module_utils'
# each package (or top-level file) and the packages it may import besides itself: the API and the files know
# nothing of each other or of the flows, the CSV language knows only the files (how a file is named when it is
# not a regular one); the flows sit on top of them; the module base knows the API and the files
MAY_IMPORT = {
    '_api': {'_version'},
    '_csv': {'_files'},
    '_files': set(),
    '_users_from_csv': {'_api', '_csv', '_files', '_version'},
    '_import_template': {'_api', '_csv', '_files'},
    '_users_info': {'_api', '_csv', '_import_template'},
    '_module': {'_api', '_files'},
    '_version': set(),
}
NAMES = sorted(os.path.relpath(path, UTILS)[:-3].replace(os.sep, '.')
               for path in glob.glob(os.path.join(UTILS, '**', '*.py'), recursive=True)
               if os.path.basename(path) != '__init__.py')
PLUGINS = sorted(glob.glob(os.path.join(ROOT, 'plugins', '**', '*.py'), recursive=True))


def source(name):
    with open(os.path.join(UTILS, *name.split('.')) + '.py', encoding='utf-8') as handle:
        return handle.read()


def tree(name):
    return ast.parse(source(name))


def imports_of_ours(name):
    """The modules of module_utils that ``name`` imports, as dotted names (``_api.client``)."""
    found = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(OURS):
            rest = node.module[len(OURS) + 1:]
            if rest in MAY_IMPORT and '.' not in rest and rest.startswith('_') and rest not in ('_module', '_version'):
                found.update('%s.%s' % (rest, alias.name) for alias in node.names)     # from package import module
            else:
                found.add(rest)
    return found


def package(name):
    return name.split('.')[0]


def test_every_file_is_in_a_package_of_the_map_but_the_module_base_and_the_version():
    assert sorted(set(package(name) for name in NAMES)) == sorted(MAY_IMPORT)
    flat = sorted(name for name in NAMES if '.' not in name)
    assert flat == ['_module', '_version']
    for folder in MAY_IMPORT:
        init = os.path.join(UTILS, folder, '__init__.py')
        if os.path.isdir(os.path.join(UTILS, folder)):
            assert os.path.getsize(init) == 0, '%s must be empty (ansible-test empty-init)' % init


@pytest.mark.parametrize('name', NAMES)
def test_a_package_imports_only_what_the_map_allows(name):
    allowed = MAY_IMPORT[package(name)] | {package(name)}
    sideways = sorted(imported for imported in imports_of_ours(name) if package(imported) not in allowed)
    assert sideways == [], '%s imports %s' % (name, sideways)


def test_the_architecture_doc_names_every_file_in_its_package():
    with open(os.path.join(ROOT, 'docs', 'architecture.md'), encoding='utf-8') as handle:
        doc = handle.read()
    section = doc.split('## The package map', 1)[1].split('\n## ', 1)[0]
    named = set()
    for row in section.splitlines():
        cells = row.split('|')
        if len(cells) > 3 and cells[1].strip().startswith('`'):
            folder = cells[1].strip().strip('`').rstrip('/')
            for file_name in re.findall(r'`([a-z_]+)\.py`', cells[2]):
                named.add(file_name if folder in ('_module.py', '_version.py') else '%s.%s' % (folder, file_name))
    assert sorted(named) == NAMES


@pytest.mark.parametrize('name', NAMES)
def test_every_module_util_has_a_docstring_python_finds(name):
    assert ast.get_docstring(tree(name)), '%s has no module docstring before its first statement' % name


def test_nothing_points_at_files_outside_the_repository():
    tracked = subprocess.run(['git', 'ls-files'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r'BEHAVIOUR\.md|JUMPCLOUD-API\.md|\.\./shared|/work/shared')
    found = []
    for path in tracked:
        if not path.endswith(('.py', '.md', '.yml', '.yaml', '.sh', '.json', '.txt', '.cfg', '.ini')):
            continue
        with open(os.path.join(ROOT, path), encoding='utf-8', errors='replace') as handle:
            for number, line in enumerate(handle, 1):
                if outside.search(line) and not path.endswith('test_layout.py'):
                    found.append('%s:%d' % (path, number))
    assert found == []


def test_the_row_model_is_a_bottom_layer_importing_nothing_of_ours():
    assert imports_of_ours('_csv.model') == set()
    for name in ('_csv.reader', '_users_from_csv.validate', '_users_from_csv.state', '_users_from_csv.references',
                 '_users_from_csv.plan'):
        assert '_csv.model' in imports_of_ours(name), name


def test_only_the_flow_imports_validation():
    importers = sorted(name for name in NAMES if '_users_from_csv.validate' in imports_of_ours(name))
    assert importers == ['_users_from_csv.flow']


def test_the_stages_import_only_downwards():
    # the stages of the flow, in order; none imports a later stage or a peer
    stages = ['_csv.reader', '_users_from_csv.validate', '_users_from_csv.state', '_users_from_csv.references',
              '_users_from_csv.plan', '_users_from_csv.apply', '_users_from_csv.report']
    for index, name in enumerate(stages):
        assert imports_of_ours(name) & set(stages[index:]) == set(), name
    assert imports_of_ours('_users_from_csv.references') & {'_users_from_csv.validate', '_users_from_csv.plan'} == set()


def calls_to(name, attributes):
    """The lines of ``name`` that call or read one of ``attributes`` of anything."""
    return [node.lineno for node in ast.walk(tree(name))
            if isinstance(node, ast.Attribute) and node.attr in attributes]


@pytest.mark.parametrize('name', NAMES)
def test_only_the_module_base_ends_the_module(name):
    exits = calls_to(name, ('exit_json', 'fail_json'))
    if name == '_module':
        assert exits, 'the module base is where the flows end the module'
    else:
        assert exits == [], '%s ends the module itself (lines %s)' % (name, exits)
    assert calls_to(name, ('_diff',)) == [] or name == '_module'


def functions(path):
    with open(path, encoding='utf-8') as handle:
        parsed = ast.parse(handle.read())
    return [node for node in ast.walk(parsed) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_in_plugins_is_longer_than_60_lines():
    long = ['%s:%d %s (%d lines)' % (os.path.relpath(path, ROOT), node.lineno, node.name,
                                     node.end_lineno - node.lineno + 1)
            for path in PLUGINS for node in functions(path) if node.end_lineno - node.lineno + 1 > 60]
    assert long == []


def test_no_constructor_in_plugins_takes_more_than_8_parameters():
    wide = []
    for path in PLUGINS:
        for node in functions(path):
            if node.name == '__init__':
                count = len(node.args.args) - 1 + len(node.args.kwonlyargs)
                if count > 8:
                    wide.append('%s:%d (%d parameters)' % (os.path.relpath(path, ROOT), node.lineno, count))
    assert wide == []


def test_the_update_runs_top_level_method_is_its_stages():
    run, = [node for node in functions(os.path.join(UTILS, '_users_from_csv', 'flow.py'))
            if node.name == 'run']
    assert run.end_lineno - run.lineno + 1 <= 30
    in_order = sorted(ast.walk(run), key=lambda n: (getattr(n, 'lineno', 0), getattr(n, 'col_offset', 0)))
    called = [node.func.attr for node in in_order
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == 'self']
    assert called == ['check_outputs', 'validate', 'read', 'connect', 'read_state', 'check_references',
                      'read_labels', 'apply', 'report', 'close']


def test_every_api_path_is_written_once_in_the_endpoints_table():
    literal = re.compile(r'''['"]/api/''')
    found = []
    for name in NAMES:
        if name == '_api.endpoints':
            continue
        for number, line in enumerate(source(name).splitlines(), 1):
            if literal.search(line):
                found.append('%s:%d' % (name, number))
    assert found == []


def string_constants(name):
    return [(node.lineno, node.value) for node in ast.walk(tree(name))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_status_words_are_written_only_in_the_statuses_module():
    # words that are nothing but statuses; 'failed', 'added' and the like are also result keys or API ops, so
    # those are checked where a status is set: a status= keyword or a comparison of a result's status
    only_statuses = {'not_found', 'invalid', 'unchanged', 'skipped', 'not_sent', 'would_send'}
    found = []
    for name in NAMES:
        if name == '_users_from_csv.statuses':
            continue
        found += ['%s:%d %r' % (name, line, value) for line, value in string_constants(name)
                  if value in only_statuses or value.startswith('would_')]
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.keyword) and node.arg == 'status' and isinstance(node.value, ast.Constant):
                found.append('%s:%d status=%r' % (name, node.value.lineno, node.value.value))
    assert found == []


@pytest.mark.parametrize('pattern, owner', [
    (r'''['"](Remove)?Group%|['"]Attribute%''', '_csv.columns'),            # numbered headers
    (r'''['"](unbind )?device %s|LDAP server %s|administrator on %s''', '_users_from_csv.statuses'),
    (r'nothing was written|not a regular file', '_files.paths'),
    (r'has not been resolved to a user id', '_users_from_csv.plan'),
])
def test_a_text_that_could_drift_is_written_by_one_owner(pattern, owner):
    found = []
    for name in NAMES:
        for number, line in enumerate(source(name).splitlines(), 1):
            if re.search(pattern, line) and not line.lstrip().startswith('#'):
                found.append(name)
    assert sorted(set(found)) == [owner], found


def test_emails_are_folded_by_the_one_fold_of_names():
    lowered = ['%s:%d' % (name, number) for name in NAMES if name.startswith('_users_from_csv.')
               for number, line in enumerate(source(name).splitlines(), 1)
               if re.search(r'''email.*\.lower\(\)|lambda v: v\.lower\(\)''', line)]
    assert lowered == []


def test_readable_names_are_given_where_a_message_is_written_never_patched_in_afterwards():
    labels = source('_users_from_csv.labels')
    assert '.replace(' not in labels and "result['msg']" not in labels and "result['warnings']" not in labels


def test_an_objects_id_is_read_in_one_place():
    """v1 answers name an id ``_id``, v2 ones ``id``: endpoints.object_id reads either, and nothing else does."""
    either = re.compile(r"get\('_id'\) or")
    assert [name for name in NAMES if name != '_api.endpoints' and either.search(source(name))] == []
