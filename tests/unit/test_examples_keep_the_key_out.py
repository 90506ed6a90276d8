"""The collection's own examples never pass the API key through a task's ``environment:``, which
Ansible puts on the module's command line (printed at -vvv); they show ``api_key`` or module_defaults."""
import ast
import glob
import os
import re

import pytest
import yaml

from testenv import ROOT

MODULES = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py')))
DOCS = [os.path.join(ROOT, 'README.md'), os.path.join(ROOT, 'roles', 'users_csv', 'README.md')] + \
    sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md')))
YAML_FILES = sorted(glob.glob(os.path.join(ROOT, 'playbooks', '*.yml')) +
                    glob.glob(os.path.join(ROOT, 'roles', 'users_csv', '*', '*.yml')) +
                    glob.glob(os.path.join(ROOT, 'docs', 'awx', '*.yml')))


def module_examples(path):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'EXAMPLES' for t in node.targets):
            return node.value.value
    raise AssertionError('%s has no EXAMPLES' % path)


def yaml_blocks(path):
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    return re.findall(r'```ya?ml\n(.*?)```', text, re.S)


def key_in_task_environment(node):
    """Paths of every ``environment:`` that sets JC_API_KEY, anywhere in a YAML document."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'environment' and (isinstance(value, dict) and 'JC_API_KEY' in value or
                                         isinstance(value, str) and 'JC_API_KEY' in value):
                found.append(key)
            found.extend(key_in_task_environment(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(key_in_task_environment(item))
    return found


@pytest.mark.parametrize('path', MODULES, ids=os.path.basename)
def test_module_examples_never_put_the_key_in_a_task_environment(path):
    examples = yaml.safe_load(module_examples(path))
    assert key_in_task_environment(examples) == []


def test_the_users_module_example_shows_the_key_as_an_option_and_through_module_defaults():
    text = module_examples(os.path.join(ROOT, 'plugins', 'modules', 'jc_users_from_csv.py'))
    tasks = yaml.safe_load(text)
    options = [t['jcops.jumpcloud.jc_users_from_csv'] for t in tasks if 'jcops.jumpcloud.jc_users_from_csv' in t]
    assert any('api_key' in o for o in options)
    assert any('api_key' in t.get('module_defaults', {}).get('group/jcops.jumpcloud.jumpcloud', {}) for t in tasks)
    assert 'environment' in text and '-vvv' in text          # and it says why


@pytest.mark.parametrize('path', DOCS + YAML_FILES, ids=lambda p: os.path.relpath(p, ROOT))
def test_docs_and_playbooks_never_put_the_key_in_a_task_environment(path):
    if path.endswith('.md'):
        documents = [yaml.safe_load(block) for block in yaml_blocks(path)]
    else:
        with open(path, encoding='utf-8') as handle:
            documents = list(yaml.safe_load_all(handle))
    assert key_in_task_environment(documents) == []


def test_the_readme_and_the_awx_guide_say_why():
    for name in ('README.md', os.path.join('docs', 'awx.md')):
        with open(os.path.join(ROOT, name), encoding='utf-8') as handle:
            text = handle.read()
        assert re.search(r"task's\s+`?environment", text) and '-vvv' in text, name
