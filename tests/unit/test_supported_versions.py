"""The README's table of tested ansible-core versions agrees with meta/runtime.yml and the pinned environments."""
import glob
import os
import re
import subprocess
import sys

import yaml

from testenv import ROOT

TABLE_ROW = re.compile(r'^\| (2\.\d+) \((2\.\d+\.\d+)\) \| (3\.\d+) \|', re.M)


def pinned_environments():
    """{minor: (exact version, first Python named, requirements file)} from tests/requirements*.txt."""
    found = {}
    for path in glob.glob(os.path.join(ROOT, 'tests', 'requirements*.txt')):
        with open(path) as handle:
            text = handle.read()
        pin = re.search(r'^ansible-core==(2\.(\d+)\.\d+)$', text, re.M)
        python = re.search(r'^# python: (3\.\d+)', text, re.M)
        assert pin and python, '%s pins no ansible-core or names no Python' % path
        minor = '2.%s' % pin.group(2)
        assert minor not in found, 'ansible-core %s is pinned twice' % minor
        found[minor] = (pin.group(1), python.group(1), os.path.basename(path))
    return found


def key(version):
    return tuple(int(x) for x in version.split('.'))


def test_readme_table_lists_exactly_the_pinned_versions():
    with open(os.path.join(ROOT, 'README.md')) as handle:
        table = dict((m, (exact, py)) for m, exact, py in TABLE_ROW.findall(handle.read()))
    pinned = pinned_environments()
    assert table == dict((minor, env[:2]) for minor, env in pinned.items())
    # the newest version is the main environment's (the full suite), the others have their own file
    newest = max(pinned, key=key)
    assert pinned[newest][2] == 'requirements.txt'
    for minor, env in pinned.items():
        if minor != newest:
            assert env[2] == 'requirements-%s.txt' % minor


def load(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def test_requires_ansible_and_the_other_version_claims_match_the_tested_versions():
    pinned = pinned_environments()
    oldest, newest = min(pinned, key=key), max(pinned, key=key)
    assert load('meta', 'runtime.yml')['requires_ansible'] == '>=%s.0' % oldest
    assert load('roles', 'users_csv', 'meta', 'main.yml')['galaxy_info']['min_ansible_version'] == oldest
    # the AWX execution environment installs a tested ansible-core
    after_newest = '2.%d' % (key(newest)[1] + 1)
    ee = load('docs', 'awx', 'execution-environment.yml')
    assert ee['dependencies']['ansible_core']['package_pip'] == 'ansible-core>=%s,<%s' % (oldest, after_newest)


def test_each_tested_version_has_its_sanity_ignore_file():
    ignores = set(re.search(r'ignore-(2\.\d+)\.txt$', p).group(1)
                  for p in glob.glob(os.path.join(ROOT, 'tests', 'sanity', 'ignore-*.txt')))
    assert ignores == set(pinned_environments())


FIND_PYTHON = os.path.join(ROOT, 'tests', 'tools', 'find_python.sh')


def test_find_python_names_a_working_interpreter_of_the_version_asked():
    version = '%d.%d' % sys.version_info[:2]
    # the interpreter this venv was made from is on PATH, wherever it is installed
    env = dict(os.environ, PATH=os.path.join(sys.base_prefix, 'bin') + os.pathsep + os.environ['PATH'])
    found = subprocess.run([FIND_PYTHON, '3.99', version], capture_output=True, text=True, check=False, env=env)
    assert found.returncode == 0, found.stderr
    path = found.stdout.strip()
    reported = subprocess.run([path, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                              capture_output=True, text=True, check=True)
    assert reported.stdout.strip() == version


def test_find_python_prints_nothing_for_a_missing_version():
    env = dict(os.environ, PYENV_ROOT=os.path.join(ROOT, 'no-such-pyenv'), PATH='/usr/bin:/bin')
    found = subprocess.run([FIND_PYTHON, '3.99'], capture_output=True, text=True, check=False, env=env)
    assert (found.returncode, found.stdout) == (1, '')
