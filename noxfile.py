"""The sessions behind `make test`: every supported ansible-core version, each in its own environment.

- ``tests``: every pytest test on the newest version, in the main environment (``.venv``, on PATH);
- ``checks``: the newest's ansible-test sanity, antsibull-docs' docs linter and ansible-lint;
- ``older(2.N)``: each older version (``tests/requirements-2.N.txt``, built into ``.venv-2.N`` with the Python
  the file names, or ``PYTHON_2_N``): ansible-test sanity of the collection's content and the smoke tests.
  A version whose Python is not on this machine is skipped, saying so.

`make test` runs ``tests`` in one lane and ``checks`` then the ``older`` sessions in the other, a lane a core.
`nox -l` lists the sessions; `nox -s NAME` runs one. nox runs here without building environments of its own:
``make_venv.sh`` builds them from the pinned files, once.
"""
import glob
import os
import re
import subprocess

import nox

nox.options.default_venv_backend = 'none'
nox.options.sessions = ['tests', 'checks', 'older']

ROOT = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(ROOT, 'tests', 'tools')
PYTEST = ('-m', 'pytest', '-n', '2', '--dist', 'worksteal', '-p', 'no:cacheprovider')
# the repository's own tooling, which the newest version lints: the older versions' sanity leaves it out
TOOLING = ('tests/', 'bench/', 'demo/', 'noxfile.py')


def _older_versions():
    """(minor, requirements file, its Python versions) of each older supported ansible-core, oldest first."""
    found = []
    for path in glob.glob(os.path.join(ROOT, 'tests', 'requirements-2.*.txt')):
        minor = re.search(r'requirements-(2\.\d+)\.txt$', path).group(1)
        with open(path, encoding='utf-8') as handle:
            pythons = re.search(r'^# python: (.+)$', handle.read(), re.M).group(1).split()
        found.append((minor, path, pythons))
    return sorted(found, key=lambda item: tuple(int(n) for n in item[0].split('.')))


OLDER = _older_versions()


def _git_files():
    return subprocess.run(['git', 'ls-files'], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()


def _shipped():
    """The collection's content as ansible-test targets: each top-level file and folder but the tooling."""
    tops = sorted(set(re.sub(r'^([^/]+)/.*', r'\1/', path) for path in _git_files()))
    return [top for top in tops if not top.startswith(TOOLING) and not top.startswith('.')]


def _smoke_files():
    """The files holding a test marked smoke: collecting others would import what only the newest has."""
    marked = re.compile(r'^@pytest\.mark\.smoke', re.M)
    files = sorted(glob.glob(os.path.join('tests', 'integration', 'test_*.py'), root_dir=ROOT))
    return [path for path in files if marked.search(open(os.path.join(ROOT, path), encoding='utf-8').read())]


@nox.session
def tests(session):
    """Every pytest test (unit, contract, integration) on the newest ansible-core."""
    session.run('python', *PYTEST, 'tests', *session.posargs)


@nox.session
def checks(session):
    """ansible-test sanity, antsibull-docs lint-collection-docs and ansible-lint on the newest ansible-core."""
    session.run(os.path.join(TOOLS, 'sanity.sh'))
    session.run(os.path.join(TOOLS, 'docs_lint.sh'))
    session.run(os.path.join(TOOLS, 'lint.sh'))


@nox.session
@nox.parametrize('minor', [item[0] for item in OLDER], ids=[item[0] for item in OLDER])
def older(session, minor):
    """ansible-test sanity of the collection's content and the smoke tests on an older ansible-core."""
    requirements, pythons = next(item[1:] for item in OLDER if item[0] == minor)
    variable = 'PYTHON_' + minor.replace('.', '_')
    # find_python.sh prints nothing and exits 1 when no interpreter of those versions is here
    python = os.environ.get(variable) or subprocess.run(
        [os.path.join(TOOLS, 'find_python.sh')] + pythons, capture_output=True, text=True, check=False).stdout.strip()
    if not python:
        session.skip('no Python %s on this machine (set %s=/path/to/python)' % (' or '.join(pythons), variable))
    venv = os.path.join(ROOT, '.venv-' + minor)
    session.run(os.path.join(TOOLS, 'make_venv.sh'), requirements, venv, python)
    env = {'PATH': os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH']}
    session.run(os.path.join(TOOLS, 'sanity.sh'), *_shipped(), env=env)
    session.run(os.path.join(venv, 'bin', 'python'), *PYTEST, '-m', 'smoke', *_smoke_files(), env=env)
