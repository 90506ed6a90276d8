"""The README stays a short page for users, and every link of the README and docs/ leads to a file here."""
import glob
import os
import re

from testenv import ROOT

LINK = re.compile(r'\]\(([^)#\s]+)(?:#[^)]*)?\)')
PAGES = [os.path.join(ROOT, 'README.md')] + sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md')))


def test_the_readme_is_at_most_about_12_kb():
    assert os.path.getsize(os.path.join(ROOT, 'README.md')) <= 12 * 1024


def test_the_readme_links_the_user_docs_and_the_benchmark():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as handle:
        linked = set(LINK.findall(handle.read()))
    for page in ('docs/architecture.md', 'docs/development.md', 'docs/troubleshooting.md', 'docs/columns.md',
                 'docs/login.md', 'docs/results.md', 'docs/awx.md', 'bench/results/latest.md'):
        assert page in linked, page


def test_every_relative_link_leads_to_a_file():
    broken = []
    for page in PAGES:
        with open(page, encoding='utf-8') as handle:
            for target in LINK.findall(handle.read()):
                if '://' in target or target.startswith('mailto:'):
                    continue
                if not os.path.exists(os.path.join(os.path.dirname(page), target)):
                    broken.append('%s -> %s' % (os.path.relpath(page, ROOT), target))
    assert broken == []


def test_nothing_generates_readme_content():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as handle:
        assert '<!--' not in handle.read()
    with open(os.path.join(ROOT, 'bench', 'run_bench.py'), encoding='utf-8') as handle:
        assert 'README.md' not in handle.read().replace('the README links', '')


def test_the_readme_lists_the_stages_of_an_update_run_as_the_run_has_them():
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.flow import UsersRun
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as handle:
        section = handle.read().split('## How an update run works', 1)[1].split('\n## ', 1)[0]
    stages = [name.lower().replace(' ', '_') for name in re.findall(r'^\d+\. \*\*([A-Za-z ]+)\*\*', section, re.M)]
    assert stages == ['read', 'validate', 'read_the_state', 'check_references', 'plan', 'apply', 'report']
    for stage in stages:
        assert callable(getattr(UsersRun, stage.replace('the_', ''))), stage


def test_every_test_file_the_docs_name_exists():
    named = set()
    for page in PAGES + [os.path.join(ROOT, 'roles', 'users_csv', 'README.md')]:
        with open(page, encoding='utf-8') as handle:
            named.update(re.findall(r'tests/[A-Za-z0-9_/]+\.py', handle.read()))
    assert sorted(path for path in named if not os.path.exists(os.path.join(ROOT, path))) == []
