"""The shape of plugins/module_utils, read from the source: docstrings, exits and the import graph."""
import ast
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UTILS = os.path.join(ROOT, 'plugins', 'module_utils')
NAMES = sorted(n[:-3] for n in os.listdir(UTILS) if n.endswith('.py') and n != '__init__.py')


def tree(name):
    with open(os.path.join(UTILS, name + '.py'), encoding='utf-8') as handle:
        return ast.parse(handle.read())


@pytest.mark.parametrize('name', NAMES)
def test_every_module_util_has_a_docstring_python_finds(name):
    assert ast.get_docstring(tree(name)), '%s.py has no module docstring before its first statement' % name


def test_nothing_points_at_files_outside_the_repository():
    tracked = subprocess.run(['git', 'ls-files'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r'BEHAVIOUR\.md|JUMPCLOUD-API\.md|\.\./shared|/work/shared')
    found = []
    for path in tracked:
        if not path.endswith(('.py', '.md', '.yml', '.yaml', '.sh', '.json', '.txt', '.cfg', '.ini')) or path.startswith('.venv'):
            continue
        with open(os.path.join(ROOT, path), encoding='utf-8', errors='replace') as handle:
            for number, line in enumerate(handle, 1):
                if outside.search(line) and path != 'tests/unit/test_module_utils_layout.py':
                    found.append('%s:%d' % (path, number))
    assert found == []


def imports_of_ours(name):
    """The module_utils names ``name`` imports."""
    found = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith('ansible_collections.jcops.jumpcloud.plugins.module_utils'):
                rest = node.module.split('.')[-1]
                if rest == 'module_utils':
                    found.update(alias.name for alias in node.names)
                else:
                    found.add(rest)
    return found


def test_the_row_model_is_a_bottom_layer_importing_nothing_of_ours():
    assert imports_of_ours('_model') == set()
    for name in ('_problems', '_validate', '_state', '_references', '_plan'):
        assert '_model' in imports_of_ours(name), name


def test_only_the_flow_imports_validation():
    importers = sorted(name for name in NAMES if '_validate' in imports_of_ours(name))
    assert importers == ['_users_from_csv']


def test_the_stages_import_only_downwards():
    # the stages of the flow, in order; none imports a later stage or a peer
    stages = ['_csv_reader', '_validate', '_state', '_references', '_plan', '_apply', '_report']
    for index, name in enumerate(stages):
        assert imports_of_ours(name) & set(stages[index:]) == set(), name
    assert imports_of_ours('_references') & {'_validate', '_plan'} == set()


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
        assert exits == [], '%s.py ends the module itself (lines %s)' % (name, exits)
    assert calls_to(name, ('_diff',)) == [] or name == '_module'
