"""Secrets: the API key, a service account's client id and secret, its tokens and every Password cell
appear in no result, diff, warning, error, report or -vvv output, on success and on failure, also escaped,
also when the key was stored with its line break and the API quotes a refused request body; the key
travels only in the x-api-key header, the service account only to the token endpoint and its tokens only
in the Authorization header."""
import json
from urllib.parse import quote, quote_plus

import pytest

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET, ORG_ID
from helpers import USERS_MODULE, configure_fake, write_csv
from playbook import fake_stats, reset_stats, run_module

pytestmark = pytest.mark.integration
PASSWORDS = ['Pa55-word,with "quotes"', 'Zoë-très-secret-42', 'short-but-secret-77']


# the key as `echo KEY | ansible-vault encrypt_string` or a pasted CRLF line stores it
KEY_WITH_LINE_BREAK = API_KEY + '\n'


def forms(secret):
    """A secret as is and as error texts escape it (repr, JSON, JSON in JSON, percent-encoding)."""
    return {secret, repr(secret)[1:-1], ascii(secret)[1:-1], json.dumps(secret)[1:-1],
            json.dumps(json.dumps(secret)[1:-1])[1:-1], quote(secret, safe=''), quote_plus(secret)}


def secrets_in(text):
    return [f for s in [API_KEY] + PASSWORDS for f in forms(s) if f in text]


def test_no_secret_anywhere_on_success_failure_check_and_diff(tmp_path, org):
    # carol succeeds; alice is deleted before the first write, so her row fails at the API; bob's
    # write is refused with a 400 that quotes the request body (his password JSON-escaped in it)
    faults = {'delete_before_first_write': [org.uid('alice')], 'echo_body_in_400': [org.uid('bob')]}
    configure_fake(org.fake, **faults)
    path = write_csv(tmp_path, 'Username,Password,jobTitle\nalice,"%s",Lead\nbob,"%s",Analyst\ncarol,%s,\n' % (
        PASSWORDS[0].replace('"', '""'), PASSWORDS[1], PASSWORDS[2]))
    report = tmp_path / 'report.csv'
    reset_stats(org.fake)
    env = {'JC_API_KEY': KEY_WITH_LINE_BREAK}
    # update_password always: the passwords of these existing users are sent, and must show nowhere
    args = dict(csv_path=str(path), report_path=str(report), update_password='always')
    check = run_module(tmp_path, org.fake, USERS_MODULE, args, check=True, diff=True, verbosity=3, env=env)
    real = run_module(tmp_path, org.fake, USERS_MODULE, args, diff=True, verbosity=3, env=env)
    assert check.result['summary']['by_status']['would_update'] == 3
    assert real.result['failed'] and 'row 2 alice' in real.result['msg']
    assert real.result['summary']['by_status'] == dict(created=0, updated=1, unchanged=0, failed=2, invalid=0,
                                                       not_found=0, skipped=0, deleted=0, absent=0)
    bob = next(r for r in real.result['results'] if r['username'] == 'bob')
    assert 'Bad Request: refused {' in bob['msg'] and '"password": "********"' in bob['msg']
    for run in (check, real):
        assert secrets_in(run.output) == []
        assert secrets_in(json.dumps(run.result)) == []
        assert '********' in json.dumps(run.result['diff'])                 # the password change, masked
    assert 'Bad Request: refused' in report.read_text(encoding='utf-8')
    assert secrets_in(report.read_text(encoding='utf-8')) == []
    assert org.fake.org.password_sets[org.uid('carol')] == 1                # and yet it was set
    assert fake_stats(org.fake)['key_seen_outside_header'] == []


def test_a_refused_key_is_not_echoed(tmp_path, org):
    wrong = 'wrong-key-0123456789abcdefghijklmnopqrstuv'
    path = write_csv(tmp_path, 'Username,Password\nbob,%s\n' % PASSWORDS[1])
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path)), verbosity=3,
                     env={'JC_API_KEY': wrong})
    assert run.result['failed']
    assert 'HTTP 401' in run.result['msg'] and 'nothing was written' in run.result['msg']
    assert wrong not in run.output and wrong not in json.dumps(run.result)
    assert secrets_in(run.output) == []


def test_a_key_given_as_an_option_is_masked(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path), api_key=API_KEY + '\r\n'), verbosity=3,
                     env={'JC_API_KEY': ''})
    assert not run.result.get('failed'), run.result.get('msg')
    assert secrets_in(run.output) == [] and secrets_in(json.dumps(run.result)) == []
    assert fake_stats(org.fake)['key_seen_outside_header'] == []


def test_a_refused_client_secret_is_not_echoed(tmp_path, org):
    wrong = 'wrong-client-5ecret-0123456789'
    path = write_csv(tmp_path, 'Username,Password\nbob,%s\n' % PASSWORDS[1])
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path)), verbosity=3,
                     env={'JC_API_KEY': '', 'JC_CLIENT_ID': CLIENT_ID, 'JC_CLIENT_SECRET': wrong,
                          'JC_OAUTH_TOKEN_URL': org.fake.token_url, 'JC_ORG_ID': ORG_ID})
    assert run.result['failed']
    assert 'HTTP 401' in run.result['msg'] and org.fake.token_url in run.result['msg']
    assert 'nothing was written' in run.result['msg']
    for secret in (wrong, CLIENT_ID):
        assert [f for f in forms(secret) if f in run.output + json.dumps(run.result)] == []
    assert secrets_in(run.output) == []


def test_a_service_account_given_as_options_is_masked_and_its_tokens_never_shown(tmp_path, org):
    configure_fake(org.fake, echo_body_in_400=[org.uid('bob')])
    path = write_csv(tmp_path, 'Username,Password,jobTitle\nbob,"%s",Analyst\ncarol,,Lead\n' % PASSWORDS[1])
    report = tmp_path / 'report.csv'
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(
        csv_path=str(path), report_path=str(report), client_id=CLIENT_ID + '\n', client_secret=CLIENT_SECRET + '\r\n',
        oauth_token_url=org.fake.token_url, org_id=ORG_ID), diff=True, verbosity=3, env={'JC_API_KEY': ''})
    assert run.result['summary']['by_status']['updated'] == 1 and run.result['summary']['by_status']['failed'] == 1
    shown = run.output + json.dumps(run.result) + report.read_text(encoding='utf-8')
    tokens = org.fake.oauth.issued()
    assert len(tokens) == 1
    assert [f for s in [CLIENT_ID, CLIENT_SECRET] + tokens for f in forms(s) if f in shown] == []
    assert secrets_in(shown) == []
    assert fake_stats(org.fake)['key_seen_outside_header'] == []
