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
