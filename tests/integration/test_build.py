"""The collection builds, installs, and ansible-doc renders every module; module_defaults groups work."""
import os
import re
import subprocess
import sys
import tarfile
from importlib import metadata
from urllib.parse import urlsplit

import pytest

from helpers import USERS_MODULE, write_csv
from playbook import ansible_env, run_play
from testenv import API_KEY, ROOT

pytestmark = pytest.mark.integration
BIN = os.path.dirname(sys.executable)
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if f.endswith('.py'))


@pytest.mark.smoke
def test_build_install_and_ansible_doc(tmp_path):
    build = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', ROOT, '--output-path',
                            str(tmp_path)], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    artifact, = tmp_path.glob('jcops-jumpcloud-*.tar.gz')
    install = tmp_path / 'installed'
    env = ansible_env(extra={'ANSIBLE_COLLECTIONS_PATH': str(install)})
    done = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', str(artifact), '-p',
                           str(install)], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (install / 'ansible_collections' / 'jcops' / 'jumpcloud' / 'plugins' / 'modules').is_dir()
    assert not (install / 'ansible_collections' / 'jcops' / 'jumpcloud' / '.venv').exists()
    # the test suite and its fake server (whose control endpoints need no key) stay out of the artifact
    shipped = install / 'ansible_collections' / 'jcops' / 'jumpcloud'
    assert sorted(p.name for p in (shipped / 'tests').iterdir()) == ['config.yml', 'sanity']
    assert not (shipped / 'demo').exists() and not (shipped / 'bench').exists()
    for module in MODULES:
        doc = subprocess.run([os.path.join(BIN, 'ansible-doc'), 'jcops.jumpcloud.%s' % module], env=env,
                             capture_output=True, text=True, check=False)
        assert doc.returncode == 0, doc.stderr
        assert 'api_key' in doc.stdout and 'EXAMPLES' in doc.stdout
    # the role (both entry points), the filter and the playbooks travel with the artifact
    role = subprocess.run([os.path.join(BIN, 'ansible-doc'), '-t', 'role', 'jcops.jumpcloud.users_csv'], env=env,
                          capture_output=True, text=True, check=False)
    assert role.returncode == 0, role.stderr
    text = role.stdout.replace('*', '')          # bold, without colour
    assert 'ENTRY POINT: main' in text and 'ENTRY POINT: template' in text and 'users_csv_confirm' in text
    lines = subprocess.run([os.path.join(BIN, 'ansible-doc'), '-t', 'filter', 'jcops.jumpcloud.user_lines'], env=env,
                           capture_output=True, text=True, check=False)
    assert lines.returncode == 0 and 'one line per CSV row' in ' '.join(lines.stdout.split()), lines.stderr
    playbooks = install / 'ansible_collections' / 'jcops' / 'jumpcloud' / 'playbooks'
    assert sorted(p.name for p in playbooks.glob('*.yml')) == ['create_template.yml', 'update_users.yml']


def build(tmp_path):
    done = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', ROOT, '--output-path',
                           str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    artifact, = tmp_path.glob('jcops-jumpcloud-*.tar.gz')
    return artifact


def test_artifact_leaves_out_test_data_and_carries_the_license(tmp_path):
    artifact = build(tmp_path)
    with tarfile.open(str(artifact)) as tar:
        members = dict((m.name, m) for m in tar.getmembers() if m.isfile())
        license_text = tar.extractfile(members['LICENSE']).read().decode('utf-8')
    big = sorted(name for name, m in members.items() if name.startswith('tests/') and m.size > 100 * 1024)
    assert big == [], 'test data over 100 KB in the artifact: %s' % big
    for left_out in ('tests/data/', 'tests/fake_jumpcloud/', 'bench/results/', 'tests/output/', '.venv', '.ci/'):
        assert not [name for name in members if name.startswith(left_out)], left_out
    # the GPL-3.0 text, verbatim: the same bytes as ansible-core's own copy
    core_copying, = [f for f in metadata.distribution('ansible-core').files if str(f).endswith('licenses/COPYING')]
    assert license_text == core_copying.read_text()
    assert license_text.startswith('                    GNU GENERAL PUBLIC LICENSE\n                       Version 3')
    # the size docs/development.md states, give or take a third
    with open(os.path.join(ROOT, 'docs', 'development.md')) as handle:
        stated = int(re.search(r'The built collection \(`ansible-galaxy collection build`\) is about (\d+) KB',
                               handle.read()).group(1))
    size = artifact.stat().st_size / 1000.0
    assert stated * 0.67 <= size <= stated * 1.33, 'the artifact is %.0f KB, docs/development.md says %d KB' % (size, stated)


HOME = 'https://github.com/jcops/jumpcloud'


def reserved_host(host):
    """A host that names no real site: a placeholder (RFC 2606, RFC 6761) or this machine."""
    labels = host.lower().rstrip('.').split('.')
    return labels[0] == 'example' or labels[-1] in ('invalid', 'test', 'example', 'localhost', 'local') or \
        host.lower() == 'localhost' or labels[-2:-1] == ['example']


@pytest.mark.parametrize('host', ['example.invalid', 'example.com', 'docs.example.org', 'jcops.invalid',
                                  'ci.test', 'site.example', 'localhost'])
def test_a_placeholder_host_is_refused(host):
    assert reserved_host(host)


def test_galaxy_metadata_is_complete():
    import yaml
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    for field in ('repository', 'documentation', 'issues', 'homepage'):
        url = urlsplit(galaxy[field])
        assert url.scheme == 'https' and not reserved_host(url.hostname), (field, galaxy[field])
    # the collection's home, its issues, and the README on main as its documentation
    assert (galaxy['repository'], galaxy['homepage']) == (HOME, HOME)
    assert galaxy['issues'] == HOME + '/issues'
    assert galaxy['documentation'] == HOME + '/blob/main/README.md'
    assert galaxy['license'] == ['GPL-3.0-or-later']
    assert 0 < len(galaxy['tags']) <= 20 and all(re.match(r'^[a-z][a-z0-9_]*$', t) for t in galaxy['tags'])


def test_action_group_lists_every_module():
    import yaml
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    assert sorted(runtime['action_groups']['jumpcloud']) == MODULES


@pytest.mark.smoke
def test_module_defaults_group_sets_connection_options(tmp_path, org):
    write_csv(tmp_path, 'Username,jobTitle\nbob,Grouped\n', 'u.csv')
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'module_defaults': {'group/jcops.jumpcloud.jumpcloud': {'api_url': org.fake.url,
                                                                'api_key': '{{ lookup("env", "KEY") }}'}},
        'tasks': [{USERS_MODULE: {'csv_path': str(tmp_path / 'u.csv')}}],
    }]
    run = run_play(tmp_path, None, play, env={'KEY': API_KEY})
    assert run.rc == 0, run.output
    assert org.user('bob')['jobTitle'] == 'Grouped'


def test_missing_api_key_is_a_clear_error(tmp_path, org):
    write_csv(tmp_path, 'Username,jobTitle\nbob,x\n', 'u.csv')
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {USERS_MODULE: {'csv_path': str(tmp_path / 'u.csv'), 'api_url': org.fake.url}}]}]
    run = run_play(tmp_path, None, play)
    assert run.rc != 0 and 'an API key is required' in run.output


def test_plain_http_to_a_remote_host_is_refused(tmp_path):
    write_csv(tmp_path, 'Username,jobTitle\nbob,x\n', 'u.csv')
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {USERS_MODULE: {
            'csv_path': str(tmp_path / 'u.csv'), 'api_key': 'a-long-test-key-0001',
            'api_url': 'http://jumpcloud.example.com'}}]}]
    run = run_play(tmp_path, None, play)
    assert run.rc != 0 and 'refusing to send the API key over plain http' in run.output
