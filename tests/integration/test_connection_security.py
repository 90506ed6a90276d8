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
from localservers import LoopbackServer

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


# -- a hostile API on loopback: paging it controls, answers that trickle in ------------------------------

HOSTILE_RUN = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import testenv  # noqa: F401  (the collection's import path)
from inprocess import run_in_process
started = time.monotonic()
result = run_in_process('jcops.jumpcloud.jc_users_from_csv', json.loads(sys.argv[2]), check_mode=True)
print(json.dumps({'result': result, 'seconds': time.monotonic() - started,
                  'max_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))
'''


class HostileApi(LoopbackServer):
    """A JumpCloud API on 127.0.0.1 that knows one user (alice) and lies about one listing: ``scenario`` is
    ``bigtotal`` (full group pages, x-total-count 10^8), ``endless`` (full group pages, no total, never
    ending) or ``v1trickle`` (one user a search page, totalCount 10^9)."""

    def __init__(self, scenario):
        import http.server
        import json as json_
        self.requests = 0
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def answer(self, body, headers=()):
                payload = json_.dumps(body).encode()
                self.send_response(200)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length') or 0))
                api.requests += 1
                alice = {'_id': 'a' * 24, 'username': 'alice', 'email': 'alice@example.com'}
                if scenario == 'v1trickle':
                    return self.answer({'totalCount': 10 ** 9, 'results': [alice]})
                return self.answer({'totalCount': 1, 'results': [alice]})

            def do_GET(self):
                api.requests += 1
                if self.path.startswith('/api/v2/usergroups'):
                    page = [{'id': '%024x' % api.requests, 'name': 'g%d' % api.requests} for dummy in range(100)]
                    return self.answer(page, [('x-total-count', str(10 ** 8))] if scenario == 'bigtotal' else [])
                return self.answer([], [('x-total-count', '0')])

        self.serve(Handler, http.server.ThreadingHTTPServer)


def hostile_run(tmp_path, api, csv_text):
    """The check-mode result of a module run against ``api`` in a process of its own, with its wall time and
    its peak memory."""
    from testenv import TESTS
    path = write_csv(tmp_path, csv_text)
    args = dict(csv_path=str(path), api_url=api.url, api_key=API_KEY, max_workers=4)
    proc = subprocess.run([sys.executable, '-c', HOSTILE_RUN, TESTS, json.dumps(args)], capture_output=True,
                          text=True, timeout=120, cwd=str(tmp_path), env=dict(os.environ, JC_API_KEY=''), check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_hostile_total_of_a_hundred_million_ends_the_run_quickly_with_a_clear_error(tmp_path):
    with HostileApi('bigtotal') as api:
        run = hostile_run(tmp_path, api, 'Username,Group1\nalice,g0\n')
    assert run['result']['failed']
    assert ('the listing was stopped: GET /api/v2/usergroups says it holds 100000000 items, more than the 100000 '
            'user groups any organisation is taken to hold') in run['result']['msg']
    assert run['seconds'] < 10 and run['max_rss_mb'] < 200, run
    assert api.requests < 10


@pytest.mark.parametrize('scenario, message', [
    ('endless', 'GET /api/v2/usergroups listed more than 100000 user groups without ending'),
    ('v1trickle', 'POST /api/search/systemusers says it holds 1000000000 items, more than the 500000 users'),
])
def test_an_endless_listing_ends_at_its_bound(tmp_path, scenario, message):
    with HostileApi(scenario) as api:
        run = hostile_run(tmp_path, api, 'Username,Group1\nalice,g0\n')
    assert run['result']['failed'] and message in run['result']['msg'], run['result']['msg']
    assert run['seconds'] < 60 and run['max_rss_mb'] < 200, run
    # at most the bound's pages (1000 of 100 groups), and not one more
    assert api.requests <= 1002


@pytest.mark.parametrize('where', ['api_url', 'oauth_token_url'])
def test_an_answer_that_trickles_in_does_not_hold_the_run(tmp_path, org, where):
    from localservers import Drip
    from testenv import CLIENT_ID, CLIENT_SECRET, ORG_ID
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n'))
    with Drip(interval=0.5) as drip:
        args = dict(csv_path=csv_path, timeout=2, max_retries=0)
        env = {'JC_API_KEY': API_KEY, 'JC_API_URL': drip.url}
        if where == 'oauth_token_url':
            env = {'JC_API_KEY': '', 'JC_API_URL': org.fake.url, 'JC_CLIENT_ID': CLIENT_ID, 'JC_ORG_ID': ORG_ID,
                   'JC_CLIENT_SECRET': CLIENT_SECRET, 'JC_OAUTH_TOKEN_URL': drip.url + '/oauth2/token'}
        run = run_module(tmp_path, None, USERS_MODULE, args, env=env, timeout=60)
    assert run.result['failed']
    assert 'did not arrive whole within 2s (timeout)' in run.result['msg'] or \
        'did not answer whole within 2s (timeout)' in run.result['msg'], run.result['msg']
    assert drip.requests >= 1
