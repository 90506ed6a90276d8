"""Service-account login in the API client: one token shared by every thread, renewed 30 s before it
expires, one new token and one resend after a 401, a refusal by the token endpoint as one error naming it,
and the credentials and tokens kept out of every message and every other header."""
import json
import threading
from urllib.parse import parse_qs

import pytest
import requests
import responses

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET, ORG_ID
from doubles import Clock, Sleeps
from localservers import Recorder, proxy_everything
from playbook import fake_stats
from helpers import configure_fake
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.oauth import basic_credentials

USERS = '/api/systemusers'
TOKEN_URL = 'https://admin-oauth.id.jumpcloud.com/oauth2/token'
API = 'https://console.jumpcloud.com'


def all_at_once(count, work):
    """Run ``work`` on ``count`` threads that start together; the exceptions they raised."""
    start = threading.Barrier(count)
    errors = []

    def run():
        start.wait()
        try:
            work()
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
    threads = [threading.Thread(target=run) for dummy in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def service_client(fake=None, **kwargs):
    kwargs.setdefault('client_id', CLIENT_ID)
    kwargs.setdefault('client_secret', CLIENT_SECRET)
    kwargs.setdefault('org_id', ORG_ID)
    kwargs.setdefault('sleep', Sleeps())
    if fake is not None:
        kwargs.setdefault('base_url', fake.url)
        kwargs.setdefault('oauth_token_url', fake.token_url)
    return JumpCloudClient(**kwargs)


def forms(secret):
    return {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], requests.utils.quote(secret, safe='')}


# -- the token and its use ---------------------------------------------------------------------------

def test_one_token_serves_every_thread(fake):
    client = service_client(fake, max_workers=16)

    def work():
        for dummy in range(10):
            client.get(USERS, params={'limit': 1})
    errors = all_at_once(16, work)
    stats = fake_stats(fake)
    assert errors == [] and stats['total'] == 160 and stats['statuses'] == {'200': 160}
    assert stats['token_requests'] == 1 and stats['key_seen_outside_header'] == []


@responses.activate
def test_the_token_request_and_the_bearer_header_are_as_jumpcloud_takes_them():
    responses.post(TOKEN_URL, json={'access_token': 'tok-123456789', 'token_type': 'bearer', 'expires_in': 3600})
    responses.get(API + USERS, json={'results': []})
    client = service_client(org_id='a' * 24)
    client.get(USERS)
    token_call, api_call = responses.calls
    assert token_call.request.method == 'POST'
    assert token_call.request.headers['Authorization'] == basic_credentials(CLIENT_ID, CLIENT_SECRET)
    assert token_call.request.headers['Content-Type'] == 'application/x-www-form-urlencoded'
    assert parse_qs(token_call.request.body) == {'grant_type': ['client_credentials'], 'scope': ['api']}
    # the API's own headers (the org id, JSON) are not sent to the token endpoint
    assert 'x-org-id' not in token_call.request.headers and 'x-api-key' not in token_call.request.headers
    assert api_call.request.headers['Authorization'] == 'Bearer tok-123456789'
    assert api_call.request.headers['x-org-id'] == 'a' * 24 and 'x-api-key' not in api_call.request.headers


@responses.activate
def test_the_token_is_renewed_30_seconds_before_it_expires():
    issued = []

    def token(request):
        issued.append('tok-%08d' % len(issued))
        return 200, {}, json.dumps({'access_token': issued[-1], 'expires_in': 3600})
    responses.add_callback(responses.POST, TOKEN_URL, callback=token)
    responses.get(API + USERS, json={})
    clock = Clock(1000.0)
    client = service_client(clock=clock)
    client.get(USERS)
    clock.now += 3569
    client.get(USERS)
    assert issued == ['tok-00000000']
    clock.now += 1                          # 30 s before it expires
    client.get(USERS)
    assert issued == ['tok-00000000', 'tok-00000001']
    sent = [c.request.headers.get('Authorization') for c in responses.calls if c.request.url.startswith(API)]
    assert sent == ['Bearer tok-00000000', 'Bearer tok-00000000', 'Bearer tok-00000001']


@responses.activate
def test_a_short_lived_token_is_renewed_after_half_its_life_not_on_every_request():
    responses.post(TOKEN_URL, json={'access_token': 'tok-short-lived', 'expires_in': 20})
    responses.get(API + USERS, json={})
    clock = Clock(1000.0)
    client = service_client(clock=clock)
    for dummy in range(5):
        client.get(USERS)
    clock.now += 10
    client.get(USERS)
    assert len([c for c in responses.calls if c.request.url == TOKEN_URL]) == 2


def test_a_refused_token_is_renewed_once_and_the_request_sent_again(fake):
    client = service_client(fake)
    client.get(USERS)
    configure_fake(fake, expire_tokens_at_request=1)
    assert client.put(USERS + '/%s' % fake.org.snapshot()['users'][0]['id'], {'jobTitle': 'Lead'})['jobTitle'] == 'Lead'
    stats = fake_stats(fake)
    assert stats['token_requests'] == 2 and stats['statuses'] == {'200': 2, '401': 1}
    assert fake.org.snapshot()['users'][0]['jobTitle'] == 'Lead'


def test_a_401_brings_at_most_one_new_token_and_one_resend(fake):
    client = service_client(fake)
    configure_fake(fake, unauthorized_after=0)
    with pytest.raises(JumpCloudError) as info:
        client.get(USERS)
    assert info.value.status == 401 and info.value.retries == 0
    stats = fake_stats(fake)
    assert stats['token_requests'] == 2 and stats['total'] == 2


def test_threads_refused_together_share_one_new_token(fake):
    client = service_client(fake, max_workers=8)
    client.get(USERS)
    configure_fake(fake, expire_tokens_at_request=1)
    assert all_at_once(8, lambda: client.get(USERS, params={'limit': 1})) == []
    stats = fake_stats(fake)
    assert stats['token_requests'] == 2 and stats['statuses']['200'] == 9


# -- refusals -------------------------------------------------------------------------------------------

def test_a_wrong_secret_is_one_error_naming_the_token_url_and_no_api_request(fake):
    client = service_client(fake, client_secret='wrong-secret-value-0000')
    with pytest.raises(JumpCloudError) as info:
        client.get(USERS)
    assert info.value.status == 401
    assert str(info.value) == (
        'HTTP 401: the token endpoint %s refused the service account (invalid_client: Client authentication failed '
        '(e.g., unknown client, no client authentication included, or unsupported authentication method).); check '
        'client_id, client_secret and oauth_token_url' % fake.token_url)
    # every later request fails the same way without asking again
    with pytest.raises(JumpCloudError) as again:
        client.get(USERS)
    assert str(again.value) == str(info.value)
    stats = fake_stats(fake)
    assert stats['token_requests'] == 1 and stats['total'] == 0


@responses.activate
def test_the_token_endpoint_is_retried_after_503_and_429():
    responses.post(TOKEN_URL, status=503, body='busy')
    responses.post(TOKEN_URL, status=429, json={'error': 'slow down'}, headers={'Retry-After': '2'})
    responses.post(TOKEN_URL, json={'access_token': 'tok-after-retries', 'expires_in': 3600})
    responses.get(API + USERS, json={'ok': True})
    sleeps = Sleeps()
    client = service_client(sleep=sleeps, backoff_delay=0.01)
    assert client.get(USERS) == {'ok': True}
    assert len(sleeps) == 2 and sleeps[1] == 2.0


@responses.activate
def test_a_token_endpoint_that_stays_down_is_one_error_after_the_retries():
    responses.post(TOKEN_URL, status=502, body='<html>Bad Gateway</html>')
    client = service_client(max_retries=2, backoff_delay=0.01)
    with pytest.raises(JumpCloudError) as info:
        client.get(USERS)
    assert info.value.status == 502 and TOKEN_URL in info.value.message and 'Bad Gateway' in info.value.message
    assert len(responses.calls) == 3


@pytest.mark.parametrize('body', [{'token_type': 'bearer'}, {'access_token': ''}, {'access_token': 'a b\nc'}, []])
@responses.activate
def test_an_answer_without_a_usable_token_is_an_error(body):
    responses.post(TOKEN_URL, json=body)
    with pytest.raises(JumpCloudError, match='without a usable access token') as info:
        service_client().get(USERS)
    assert len(responses.calls) == 1 and TOKEN_URL in info.value.message


@pytest.mark.parametrize('status', [301, 302, 307])
def test_a_redirect_of_the_token_endpoint_is_not_followed(status):
    with Recorder() as target:
        with Recorder(status=status, headers={'Location': target.url + '/oauth2/token'}) as endpoint:
            client = service_client(oauth_token_url=endpoint.url + '/oauth2/token')
            with pytest.raises(JumpCloudError, match='redirect, which is not followed'):
                client.get(USERS)
    assert len(endpoint.requests) == 1 and target.requests == []


def test_the_token_url_follows_the_url_rules():
    with pytest.raises(ValueError, match='refusing to send the client secret over plain http to oauth.example'):
        service_client(oauth_token_url='http://oauth.example/oauth2/token')
    assert service_client(oauth_token_url='http://oauth.example/oauth2/token', allow_insecure_http=True,
                          allow_custom_token_url=True)
    with pytest.raises(ValueError, match='oauth_token_url must not contain a user name or password'):
        service_client(oauth_token_url='https://evil.example@admin-oauth.id.jumpcloud.com/oauth2/token')
    # a blank URL is the default one; an API key client never checks it
    assert service_client(oauth_token_url=' ')._tokens.token_url == TOKEN_URL
    assert JumpCloudClient(api_key=API_KEY, oauth_token_url='http://oauth.example/x')._tokens is None


def test_a_loopback_token_url_is_never_proxied(monkeypatch):
    with Recorder(status=502) as proxy, Recorder(body=b'{"access_token": "tok-local", "expires_in": 60}') as local:
        proxy_everything(monkeypatch, proxy.url)
        client = service_client(base_url='https://console.jumpcloud.com', oauth_token_url=local.url + '/oauth2/token')
        assert client._tokens.token() == 'tok-local'
    assert proxy.requests == [] and len(local.requests) == 1
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    assert service_client()._tokens._session.proxies['https'] == 'http://proxy.example:3128'


# -- which credentials ----------------------------------------------------------------------------------

@pytest.mark.parametrize('given,message', [
    (dict(api_key=API_KEY, client_id=CLIENT_ID, client_secret=CLIENT_SECRET), 'not both'),
    (dict(api_key=API_KEY, client_secret=CLIENT_SECRET), 'not both'),
    (dict(client_id=CLIENT_ID), 'client_secret is missing'),
    (dict(client_secret=CLIENT_SECRET, client_id='  '), 'client_id is missing'),
    (dict(), 'an API key is required'),
    (dict(client_id='short', client_secret=CLIENT_SECRET), 'the client_id is too short'),
    (dict(client_id=CLIENT_ID, client_secret='sec ret-with-space'), 'the client_secret contains a space'),
])
def test_exactly_one_way_of_logging_in(given, message):
    with pytest.raises(ValueError, match=message) as info:
        JumpCloudClient(**given)
    assert not [secret for secret in (API_KEY, CLIENT_ID, CLIENT_SECRET, 'sec ret') if secret in str(info.value)]


@responses.activate
def test_credentials_are_stripped_and_a_blank_api_key_is_no_key():
    responses.post(TOKEN_URL, json={'access_token': 'tok-stripped', 'expires_in': 3600})
    responses.get(API + USERS, json={})
    service_client(api_key='  ', client_id=CLIENT_ID + '\n', client_secret=CLIENT_SECRET + '\r\n').get(USERS)
    assert responses.calls[0].request.headers['Authorization'] == basic_credentials(CLIENT_ID, CLIENT_SECRET)


# -- secrets -------------------------------------------------------------------------------------------

@responses.activate
def test_the_secret_and_tokens_are_redacted_from_every_message():
    basic = basic_credentials(CLIENT_ID, CLIENT_SECRET)
    responses.post(TOKEN_URL, json={'access_token': 'tok-5ecret-bearer-0001', 'expires_in': 3600})
    # a gateway that quotes the request it refused, headers and all
    responses.get(API + USERS, status=400,
                  body='refused: Authorization: Bearer tok-5ecret-bearer-0001; id=%s secret=%s basic=%s' % (
                      CLIENT_ID, json.dumps(CLIENT_SECRET), basic))
    client = service_client()
    with pytest.raises(JumpCloudError) as info:
        client.get(USERS)
    text = '%s %r' % (info.value, info.value.args)
    assert 'refused: Authorization: Bearer ********' in text
    leaked = [f for s in (CLIENT_ID, CLIENT_SECRET, 'tok-5ecret-bearer-0001', basic.split()[1]) for f in forms(s)
              if f in text]
    assert leaked == []


@responses.activate
def test_a_token_endpoint_that_echoes_the_credentials_has_them_redacted():
    basic = basic_credentials(CLIENT_ID, CLIENT_SECRET)
    responses.post(TOKEN_URL, status=400, json={'error': 'invalid_request',
                                                'error_description': 'bad header %s for %s' % (basic, CLIENT_SECRET)})
    with pytest.raises(JumpCloudError) as info:
        service_client().get(USERS)
    text = str(info.value)
    assert 'invalid_request: bad header ******** for ********' in text
    assert CLIENT_SECRET not in text and basic.split()[1] not in text


def test_a_token_endpoint_that_trickles_its_answer_holds_no_worker_past_its_deadline():
    import time
    from localservers import Drip
    with Drip(interval=0.05) as drip, Recorder() as api:
        client = service_client(base_url=api.url, oauth_token_url=drip.url + '/oauth2/token', timeout=1,
                                max_retries=1, backoff_delay=0.01, max_workers=4)
        started = time.monotonic()
        errors = all_at_once(4, lambda: client.get(USERS))
        took = time.monotonic() - started
    # one fetch (and its one retry) for all four workers, each attempt cut at a second; then every worker fails
    assert took < 4, took
    assert drip.requests == 2 and api.requests == []
    assert len(errors) == 4 and all(isinstance(e, JumpCloudError) for e in errors)
    assert errors[0].message == ('the token endpoint %s/oauth2/token did not answer whole within 1s (timeout)'
                                 % drip.url)
