"""Service accounts through ansible-playbook against the fake: one token for a whole run on 16 threads, a
token that expires mid-run renewed without failing a user, a wrong secret as one error with nothing
written, both or neither credential refused before any request, and neither the secret nor a token in
-vvv output, results, diffs or the report; in both modules and through the role."""
import base64
import json

import pytest

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET, ORG_ID
from helpers import TEMPLATE_MODULE, USERS_MODULE, configure_fake, results_by_user, write_csv
from playbook import fake_stats, reset_stats, run_module, run_playbook
from fake_jumpcloud.seed import generate_org, username_for

pytestmark = pytest.mark.integration
WRONG_SECRET = 'not-the-5ecret-of-this-account'


def service_account(fake, **changes):
    """The environment of a run that logs in with the fake's service account, and without an API key."""
    env = {'JC_API_KEY': '', 'JC_CLIENT_ID': CLIENT_ID, 'JC_CLIENT_SECRET': CLIENT_SECRET,
           'JC_OAUTH_TOKEN_URL': fake.token_url, 'JC_ORG_ID': ORG_ID}
    env.update(changes)
    return env


def many_users_csv(tmp_path, count, title):
    rows = ''.join('%s,%s\n' % (username_for(i), title) for i in range(1, count + 1))
    return write_csv(tmp_path, 'Username,jobTitle\n' + rows)


def titles(fake):
    return set(user['jobTitle'] for user in fake.org.snapshot()['users'])


def leaks(text, fake):
    """The service account's credentials and tokens (escaped too) found in ``text``."""
    basic = base64.b64encode(('%s:%s' % (CLIENT_ID, CLIENT_SECRET)).encode()).decode()
    found = []
    for secret in [CLIENT_ID, CLIENT_SECRET, WRONG_SECRET, basic] + fake.oauth.issued():
        for form in (secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]):
            if form in text:
                found.append(form)
    return found


def test_a_run_of_200_users_on_16_threads_fetches_one_token(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=200, groups=2, systems=2), latency=0.002)
    path = many_users_csv(tmp_path, 200, 'Auditor')
    reset_stats(fake)
    run = run_module(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path), max_workers=16),
                     env=service_account(fake))
    assert run.result is not None and not run.result.get('failed'), run.output
    assert run.result['summary']['by_status']['updated'] == 200
    stats = fake_stats(fake)
    assert stats['token_requests'] == 1
    assert stats['writes'] == 200 and set(stats['statuses']) <= {'200', '204'}
    assert stats['max_concurrency'] > 1 and stats['key_seen_outside_header'] == []
    assert titles(fake) == {'Auditor'}


def test_a_token_that_expires_mid_run_is_renewed_without_failing_a_user(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=200, groups=2, systems=2), latency=0.002)
    path = many_users_csv(tmp_path, 200, 'Auditor')
    reset_stats(fake)
    # every token issued so far expires once the run has made 60 requests: its reads are done, a third
    # of its writes too, and 16 workers hold the old token
    configure_fake(fake, expire_tokens_at_request=60)
    run = run_module(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path), max_workers=16),
                     env=service_account(fake))
    assert run.result is not None and not run.result.get('failed'), run.output
    assert run.result['summary']['by_status']['updated'] == 200
    assert all(r['status'] == 'updated' for r in run.result['results'])
    stats = fake_stats(fake)
    # the old token was refused (at most once per worker, each then sending its request again) ...
    assert 1 <= stats['statuses'].get('401', 0) <= 16, stats['statuses']
    assert stats['token_requests'] == 2                                     # ... and renewed once for all
    assert titles(fake) == {'Auditor'}


def test_a_wrong_secret_is_one_clear_error_and_nothing_is_written(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\nalice,Lead\n')
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path)), verbosity=3,
                     env=service_account(org.fake, JC_CLIENT_SECRET=WRONG_SECRET))
    assert run.result['failed']
    assert run.result['msg'] == (
        'reading the current JumpCloud state failed; nothing was written: HTTP 401: the token endpoint %s refused '
        'the service account (invalid_client: Client authentication failed (e.g., unknown client, no client '
        'authentication included, or unsupported authentication method).); check client_id, client_secret and '
        'oauth_token_url' % org.fake.token_url)
    assert run.result['results'] == []
    stats = fake_stats(org.fake)
    assert stats['token_requests'] == 1 and stats['total'] == 0          # asked once, and no API request
    assert org.user('bob').get('jobTitle') != 'Analyst'
    assert leaks(run.output + json.dumps(run.result), org.fake) == []


def test_a_wrong_secret_writes_no_template(tmp_path, org):
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, TEMPLATE_MODULE, dict(dest=str(tmp_path), populate_users=True),
                     env=service_account(org.fake, JC_CLIENT_SECRET=WRONG_SECRET))
    assert run.result['failed']
    assert 'nothing was written' in run.result['msg'] and org.fake.token_url in run.result['msg']
    assert list(tmp_path.glob('*.csv')) == []
    assert fake_stats(org.fake)['total'] == 0


CREDENTIAL_MISTAKES = [
    ('both', {'JC_API_KEY': API_KEY}, 'give either an API key (api_key, JC_API_KEY) or a service account (client_id '
                                      'and client_secret, JC_CLIENT_ID and JC_CLIENT_SECRET), not both'),
    ('neither', {'JC_CLIENT_ID': '', 'JC_CLIENT_SECRET': ''},
     'an API key is required (api_key, or the JC_API_KEY environment variable), or a service account\'s client_id '
     'and client_secret (JC_CLIENT_ID, JC_CLIENT_SECRET)'),
    ('no secret', {'JC_CLIENT_SECRET': ''},
     'a service account needs both client_id and client_secret; client_secret is missing (JC_CLIENT_SECRET)'),
]


@pytest.mark.parametrize('case, changes, message', CREDENTIAL_MISTAKES, ids=[c[0] for c in CREDENTIAL_MISTAKES])
def test_both_or_neither_credential_is_a_clear_error_before_any_request(tmp_path, org, case, changes, message):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    reset_stats(org.fake)
    users = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path)),
                       env=service_account(org.fake, **changes))
    template = run_module(tmp_path, org.fake, TEMPLATE_MODULE, dict(dest=str(tmp_path), populate_users=True),
                          env=service_account(org.fake, **changes))
    for run in (users, template):
        assert run.result['failed'] and run.result['msg'] == message, run.result
    assert list(tmp_path.glob('*template*.csv')) == []
    stats = fake_stats(org.fake)
    assert stats['total'] == 0 and stats['token_requests'] == 0
    assert leaks(users.output + template.output, org.fake) == []


def test_both_given_as_options_is_the_same_error(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path), api_key=API_KEY, client_id=CLIENT_ID,
                                                            client_secret=CLIENT_SECRET, oauth_token_url=org.fake.token_url),
                     env={'JC_API_KEY': ''})
    assert run.result['failed'] and run.result['msg'].endswith('not both')


PASSWORDS = ['Pa55-word,with "quotes"', 'Zoë-très-secret-42']


def test_no_secret_or_token_in_vvv_output_results_diff_or_report(tmp_path, org):
    # the secret is given as an option, with the line break a vaulted value keeps; bob's write is refused
    # with a 400 that quotes his request body, and the first token expires after one request, so that the
    # preview needs a second one and the run a third
    configure_fake(org.fake, echo_body_in_400=[org.uid('bob')], expire_tokens_at_request=1)
    path = write_csv(tmp_path, 'Username,Password,jobTitle\nalice,"%s",Lead\nbob,"%s",Analyst\ncarol,,Chief\n' % (
        PASSWORDS[0].replace('"', '""'), PASSWORDS[1]))
    report = tmp_path / 'report.csv'
    # update_password=always: the passwords go to these existing users, so that they are in the requests
    args = dict(csv_path=str(path), report_path=str(report), client_id=CLIENT_ID + '\n',
                client_secret=CLIENT_SECRET + '\r\n', oauth_token_url=org.fake.token_url, update_password='always',
                org_id=ORG_ID)
    env = {'JC_API_KEY': ''}
    reset_stats(org.fake)
    check = run_module(tmp_path, org.fake, USERS_MODULE, args, check=True, diff=True, verbosity=3, env=env)
    real = run_module(tmp_path, org.fake, USERS_MODULE, args, diff=True, verbosity=3, env=env)
    assert check.result['summary']['by_status']['would_update'] == 3, check.output
    users = results_by_user(real.result)
    assert users['alice']['status'] == 'updated' and users['carol']['status'] == 'updated'
    assert users['bob']['status'] == 'failed' and 'Bad Request: refused {' in users['bob']['msg']
    stats = fake_stats(org.fake)
    assert stats['token_requests'] == 3 and len(org.fake.oauth.issued()) == 3
    assert stats['key_seen_outside_header'] == []
    for run in (check, real):
        assert leaks(run.output, org.fake) == []
        assert leaks(json.dumps(run.result), org.fake) == []
        assert '********' in json.dumps(run.result['diff'])         # the password change, masked
    text = report.read_text(encoding='utf-8')
    assert 'Bad Request: refused' in text and leaks(text, org.fake) == []
    assert org.user('carol')['jobTitle'] == 'Chief'


def test_the_role_passes_the_service_account_through(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        users_csv_path=str(path), users_csv_confirm=True, users_csv_client_id=CLIENT_ID,
        users_csv_client_secret=CLIENT_SECRET, users_csv_oauth_token_url=org.fake.token_url, users_csv_org_id=ORG_ID),
        verbosity=3, env={'JC_API_KEY': ''})
    assert run.rc == 0, run.output
    assert 'row 2 bob: updated: jobTitle' in run.stdout
    assert org.user('bob')['jobTitle'] == 'Analyst'
    stats = fake_stats(org.fake)
    # the preview and the run are two module runs: one token each
    assert stats['token_requests'] == 2 and stats['key_seen_outside_header'] == []
    assert leaks(run.output, org.fake) == []


def test_the_token_endpoint_certificate_is_checked_and_validate_certs_false_warns_once(tmp_path, tls_fake):
    url = 'https://127.0.0.1:%d' % tls_fake.httpd.server_address[1]
    token_url = url + '/oauth2/token'
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n'))
    env = {'JC_API_KEY': '', 'JC_API_URL': url, 'JC_CLIENT_ID': CLIENT_ID, 'JC_CLIENT_SECRET': CLIENT_SECRET,
           'JC_OAUTH_TOKEN_URL': token_url, 'JC_ORG_ID': ORG_ID, 'REQUESTS_CA_BUNDLE': '', 'CURL_CA_BUNDLE': ''}
    checked = run_module(tmp_path, None, USERS_MODULE, dict(csv_path=csv_path), env=env)
    assert checked.result['failed']
    assert checked.result['msg'] == (
        'reading the current JumpCloud state failed; nothing was written: connection failed: the token endpoint %s '
        'could not be reached: the TLS connection failed (check its certificate, or validate_certs)' % token_url)
    assert tls_fake.stats.as_dict()['token_requests'] == 0           # the handshake failed: no secret was sent
    insecure = run_module(tmp_path, None, USERS_MODULE, dict(csv_path=csv_path, validate_certs=False), env=env)
    assert not insecure.result.get('failed'), insecure.result.get('msg')
    assert [w for w in insecure.result.get('warnings', []) if 'validate_certs' in w] == [
        "validate_certs is false: the service account's secret and tokens are sent to %s and %s without checking "
        "those servers' certificates" % (url, token_url)]
    assert tls_fake.stats.as_dict()['token_requests'] == 1


# -- the region's token host, the organisation ---------------------------------------------------------

REGION_TOKEN_HOSTS = {'eu': 'admin-oauth.id.eu.jumpcloud.com', 'in': 'admin-oauth.id.in.jumpcloud.com'}


@pytest.mark.parametrize('region', ['eu', 'in'])
def test_a_service_account_of_a_region_asks_that_regions_token_host(tmp_path, region):
    """The run's api_url is a local server (the fake over TLS); its token URL is not set, so it is the
    region's, reached through the HTTPS proxy of the environment. The proxy records the host each tunnel is
    asked for and leads it to the fake, whose certificate is made for the regions' token hosts."""
    import copy
    from fake_jumpcloud.server import FakeJumpCloud
    from localservers import TunnelProxy, serve_tls
    from org import SEED
    fake = FakeJumpCloud(api_key=API_KEY, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=ORG_ID,
                         seed=copy.deepcopy(SEED))
    cert = serve_tls(fake.httpd, tmp_path, names=sorted(REGION_TOKEN_HOSTS.values()))
    fake.start()
    try:
        url = 'https://127.0.0.1:%d' % fake.httpd.server_address[1]
        path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
        with TunnelProxy(fake.httpd.server_address[:2]) as proxy:
            env = {'JC_API_KEY': '', 'JC_CLIENT_ID': CLIENT_ID, 'JC_CLIENT_SECRET': CLIENT_SECRET, 'JC_ORG_ID': ORG_ID,
                   'JC_OAUTH_TOKEN_URL': '', 'JC_API_URL': url, 'JC_REGION': region, 'REQUESTS_CA_BUNDLE': str(cert),
                   'CURL_CA_BUNDLE': '', 'HTTPS_PROXY': proxy.url, 'https_proxy': proxy.url, 'NO_PROXY': '',
                   'no_proxy': ''}
            run = run_module(tmp_path, None, USERS_MODULE, dict(csv_path=str(path)), env=env)
        assert not run.result.get('failed'), run.result.get('msg')
        assert run.result['summary']['by_status']['updated'] == 1
        # the token came from the region's host (and only the token: the API is loopback, never proxied)
        assert proxy.targets == ['CONNECT %s:443' % REGION_TOKEN_HOSTS[region]]
        stats = fake.stats.as_dict()
        assert stats['token_requests'] == 1 and stats['writes'] == 1
    finally:
        fake.stop()


def test_a_service_account_without_an_org_id_is_told_where_to_find_it_before_any_request(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path)),
                     env=service_account(org.fake, JC_ORG_ID=''))
    assert run.result['failed']
    assert run.result['msg'] == (
        "a service account needs org_id (or the JC_ORG_ID environment variable), the id of the organisation it acts "
        "for, sent as x-org-id with every request: JumpCloud's admin console shows it on the Settings page, below "
        "the organisation's contact information (24 hexadecimal characters)")
    stats = fake_stats(org.fake)
    assert stats['total'] == 0 and stats['token_requests'] == 0


def test_every_bearer_request_names_the_organisation(tmp_path, fake_factory):
    # this fake answers 401 to any API request whose x-org-id is not its organisation's
    fake = fake_factory(generate_org(users=20, groups=2, systems=2), org_id=ORG_ID)
    path = many_users_csv(tmp_path, 20, 'Auditor')
    reset_stats(fake)
    run = run_module(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path), max_workers=4),
                     env=service_account(fake))
    assert not run.result.get('failed'), run.result.get('msg')
    stats = fake_stats(fake)
    assert stats['token_requests'] == 1 and stats['writes'] == 20 and '401' not in stats['statuses']
