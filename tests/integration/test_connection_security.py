"""The connection's security through ansible-playbook: a key stored with its line break (vaulted,
or in the environment) works and is never shown; a key that cannot be a JumpCloud key is refused
before any request without being quoted; validate_certs false warns once."""
import json
import os
import subprocess
import sys

import pytest

from testenv import API_KEY
from fake_jumpcloud.seed import generate_org
from helpers import USERS_MODULE, write_csv
from playbook import ansible_env, fake_stats, reset_stats, run_module, run_playbook

pytestmark = pytest.mark.integration
UPDATE = 'jcops.jumpcloud.update_users'
PASSWORD = 'S3cret-Passw0rd-from-the-CSV!'


def leaks(text, secret):
    """The secret as is or escaped as error texts escape it (a line break as backslash-n, JSON in JSON)."""
    forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(json.dumps(secret)[1:-1])[1:-1]}
    return [f for f in forms if f in text]


def pieces(secret, size=6):
    return [secret[i:i + size] for i in range(len(secret) - size + 1)]


def vault(tmp_path, name, plaintext):
    """``plaintext`` vaulted as an administrator would: ``echo KEY | ansible-vault encrypt_string --stdin-name``.
    Return the vars file and the vault password file."""
    password_file = tmp_path / 'vault-password'
    password_file.write_text('correct horse battery staple\n')
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt_string', '--vault-password-file',
         str(password_file), '--stdin-name', name], input=plaintext, capture_output=True, text=True,
        env=ansible_env(), check=True, timeout=120)
    vars_file = tmp_path / 'vault.yml'
    vars_file.write_text(proc.stdout)
    return vars_file, password_file


def decrypt(vars_file, password_file, name):
    from ansible.parsing.vault import VaultLib, VaultSecret
    import yaml
    block = yaml.safe_load(vars_file.read_text().replace('!vault', ''))[name]
    lib = VaultLib([('default', VaultSecret(password_file.read_bytes().strip()))])
    return lib.decrypt(block).decode('utf-8')


def test_a_vaulted_key_with_its_line_break_works_through_the_role_and_is_never_shown(tmp_path, org):
    vars_file, password_file = vault(tmp_path, 'vault_jumpcloud_api_key', API_KEY + '\n')
    assert decrypt(vars_file, password_file, 'vault_jumpcloud_api_key') == API_KEY + '\n'
    csv_path = str(write_csv(tmp_path, 'Username,Password,jobTitle\nbob,%s,Analyst\n' % PASSWORD))
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, UPDATE, dict(users_csv_path=csv_path, users_csv_confirm=True,
                                                        users_csv_api_key='{{ vault_jumpcloud_api_key }}'),
                       verbosity=3, env={'JC_API_KEY': ''},
                       extra_args=['--vault-password-file', str(password_file), '-e', '@%s' % vars_file])
    assert run.rc == 0, run.output
    assert 'row 2 bob: updated: ' in run.stdout
    assert org.user('bob')['jobTitle'] == 'Analyst'
    assert leaks(run.output, API_KEY + '\n') == [] and leaks(run.output, API_KEY) == []
    assert PASSWORD not in run.output
    assert fake_stats(org.fake)['key_seen_outside_header'] == []


@pytest.mark.parametrize('ending', ['\n', '\r\n'])
def test_a_key_from_the_environment_with_its_line_break_works_and_is_never_shown(tmp_path, org, ending):
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n'))
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=csv_path), verbosity=3,
                     env={'JC_API_KEY': API_KEY + ending})
    assert not run.result.get('failed'), run.result.get('msg')
    assert run.result['summary']['by_status']['updated'] == 1
    assert leaks(run.output, API_KEY + ending) == [] and leaks(run.output, API_KEY) == []


@pytest.mark.parametrize('where', ['option', 'environment'])
def test_a_key_with_a_line_break_inside_is_refused_unquoted_and_nothing_is_sent(tmp_path, org, where):
    broken = API_KEY[:12] + '\r\n' + API_KEY[12:]
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n'))
    args = dict(csv_path=csv_path)
    env = {'JC_API_KEY': broken}
    if where == 'option':
        args['api_key'], env = broken, {'JC_API_KEY': ''}
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, args, verbosity=3, env=env)
    assert run.result['failed']
    assert 'the API key contains a line break inside it' in run.result['msg']
    assert fake_stats(org.fake)['total'] == 0
    assert [p for p in pieces(broken) if p in run.output] == []


def test_a_short_key_is_refused_before_ansible_masks_its_text_everywhere(tmp_path, fake_factory):
    """A key "user" would blank "user" out of every username in the output."""
    fake = fake_factory(generate_org(users=10, groups=2, systems=2), api_key='user')
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nuser00008,Analyst\n'))
    run = run_module(tmp_path, fake, USERS_MODULE, dict(csv_path=csv_path), env={'JC_API_KEY': 'user'})
    assert run.result['failed']
    assert 'the API key is too short' in run.result['msg']
    assert '********' not in run.result['msg']
    assert fake_stats(fake)['total'] == 0


def test_an_org_id_with_a_line_break_inside_is_refused(tmp_path, org):
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n'))
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=csv_path, org_id='a' * 24 + '\nb'))
    assert run.result['failed'] and 'org_id must be 24 lowercase hexadecimal characters' in run.result['msg']
    assert fake_stats(org.fake)['total'] == 0
    # a trailing line break alone is stripped, as for the key
    fine = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=csv_path, org_id='a' * 24 + '\n'))
    assert not fine.result.get('failed'), fine.result.get('msg')


def test_validate_certs_false_warns_once_per_run_and_true_refuses_at_once(tmp_path, tls_fake):
    url = 'https://127.0.0.1:%d' % tls_fake.httpd.server_address[1]
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\nalice,Lead\n'))
    env = {'JC_API_URL': url, 'REQUESTS_CA_BUNDLE': '', 'CURL_CA_BUNDLE': ''}
    insecure = run_module(tmp_path, None, USERS_MODULE, dict(csv_path=csv_path, validate_certs=False),
                          env=dict(env, JC_API_KEY=API_KEY))
    assert not insecure.result.get('failed'), insecure.result.get('msg')
    assert insecure.result['summary']['requests']['writes'] >= 2
    warnings = [w for w in insecure.result.get('warnings', []) if 'validate_certs' in w]
    assert len(warnings) == 1 and 'certificate' in warnings[0] and url in warnings[0]

    checked = run_module(tmp_path, None, USERS_MODULE, dict(csv_path=csv_path), env=dict(env, JC_API_KEY=API_KEY))
    assert checked.result['failed'] and 'certificate was not accepted' in checked.result['msg']
    assert 'retr' not in checked.result['msg']           # refused at once, not after retries
    assert not [w for w in checked.result.get('warnings', []) if 'validate_certs' in w]
