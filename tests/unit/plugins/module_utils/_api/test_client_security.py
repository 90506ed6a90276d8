"""The connection's security: the key's checks, redaction of every secret in every form, redirects,
URL checks, proxies for loopback, TLS refusals and the minimum wait after a 429."""
import json
import threading
from urllib.parse import quote, quote_plus

import pytest
import requests
import responses

from testenv import API_KEY, CLIENT_ID, ORG_ID
from localservers import Recorder, proxy_everything, serve_tls
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient, check_base_url
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.oauth import basic_credentials
from doubles import Sleeps

BASE = 'https://console.jumpcloud.com'
USER_PATH = '/api/systemusers/5f0000000000000000000001'
USER_URL = BASE + USER_PATH
TOKEN_URL = 'https://admin-oauth.id.jumpcloud.com/oauth2/token'
PASSWORD = 'Zoë "très" secret\\42'


def make_client(**kwargs):
    sleeps = Sleeps()
    kwargs.setdefault('api_key', API_KEY)
    kwargs.setdefault('sleep', sleeps)
    return JumpCloudClient(**kwargs), sleeps


def error_text(exc):
    return '%s %r %s %s' % (exc, exc, exc.args, exc.message)


def escaped_forms(secret):
    """How a secret looks once an error text has escaped it."""
    return {secret, repr(secret)[1:-1], ascii(secret)[1:-1], json.dumps(secret)[1:-1],
            json.dumps(json.dumps(secret)[1:-1])[1:-1], quote(secret, safe=''), quote_plus(secret),
            quote(secret, safe='').lower()}


def fragments(secret, size=6):
    """Every piece of ``secret`` long enough to give part of it away."""
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


# -- the key ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('ending', ['\n', '\r\n', ' ', '\t\n'])
@responses.activate
def test_a_key_with_a_trailing_line_break_is_stripped_and_sent_clean(ending):
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client(api_key=API_KEY + ending)
    assert client.get(USER_PATH) == {'ok': True}
    assert responses.calls[0].request.headers['x-api-key'] == API_KEY


@pytest.mark.parametrize('key,kind', [
    ('test-api-key\n5ecret-0123456789abcdef', 'a line break'),
    ('test-api-key 5ecret-0123456789abcdef', 'a space'),
    ('test-api-key\x005ecret-0123456789abcdef', 'a control character'),
    ('test-api-key\u20195ecret-0123456789abcdef', 'a non-ASCII character'),
])
def test_a_key_with_a_bad_character_inside_is_refused_without_quoting_it(key, kind):
    with pytest.raises(ValueError) as info:
        make_client(api_key=key)
    text = str(info.value)
    assert kind in text and 'printable ASCII' in text
    assert not [piece for piece in fragments(key) if piece in text]


@pytest.mark.parametrize('key', ['user', 'k3y', 'fifteen-chars-x'])
def test_a_short_key_is_refused(key):
    """Ansible masks a no_log value's text everywhere: a short key would blank words out of the output."""
    with pytest.raises(ValueError, match='too short') as info:
        make_client(api_key=key)
    assert key not in str(info.value)


def test_a_key_of_sixteen_printable_characters_is_accepted():
    assert make_client(api_key='0123456789abcdef')[0]


@responses.activate
def test_an_invalid_header_is_never_retried_and_its_text_not_shown():
    # requests quotes a refused header value (repr: a line break becomes backslash-n) in its error
    responses.get(USER_URL, body=requests.exceptions.InvalidHeader(
        'Invalid leading whitespace, reserved character(s), or return character(s) in header value: %r'
        % (API_KEY + '\n')))
    client, sleeps = make_client()
    with pytest.raises(JumpCloudError) as info:
        client.get(USER_PATH)
    assert len(responses.calls) == 1 and sleeps == []
    assert 'header' in info.value.message
    assert not [f for f in escaped_forms(API_KEY) | fragments(API_KEY) if f in error_text(info.value)]


# -- redaction ------------------------------------------------------------------------------------

@responses.activate
def test_escaped_forms_of_the_key_are_redacted():
    key = 'test/api+key="5ecret"\\0123456789%41'      # printable ASCII that JSON, repr and URLs escape
    text = ' | '.join(sorted(escaped_forms(key)))
    responses.get(USER_URL, status=400, json={'message': 'bad key: %s' % text})
    client = make_client(api_key=key)[0]
    with pytest.raises(JumpCloudError) as info:
        client.get(USER_PATH)
    assert not [f for f in escaped_forms(key) | fragments(key, 8) if f in error_text(info.value)]
    assert info.value.message.startswith('bad key: ********')


@responses.activate
def test_escaped_forms_of_the_service_account_and_its_tokens_are_redacted():
    secret = 'client/secret+"5ecret"\\0123%41'           # printable ASCII that JSON, repr and URLs escape
    token = 'tok/en+"bearer"\\0042=='
    responses.post(TOKEN_URL, json={'access_token': token, 'expires_in': 3600})
    basic = basic_credentials(CLIENT_ID, secret).split(' ', 1)[1]
    text = ' | '.join(sorted(escaped_forms(secret) | escaped_forms(token) | escaped_forms(CLIENT_ID) | {basic}))
    responses.get(USER_URL, status=400, json={'message': 'bad: %s' % text})
    client = make_client(api_key=None, client_id=CLIENT_ID, client_secret=secret, org_id=ORG_ID)[0]
    with pytest.raises(JumpCloudError) as info:
        client.get(USER_PATH)
    shown = error_text(info.value)
    assert info.value.message.startswith('bad: ********')
    assert not [f for s in (secret, token, CLIENT_ID) for f in escaped_forms(s) | fragments(s, 8) if f in shown]
    assert basic not in shown


@responses.activate
def test_a_password_sent_in_a_body_is_redacted_from_an_api_message_that_echoes_the_body():
    """A validation layer that quotes the rejected body: the password comes back JSON-escaped."""
    def echo(request):
        return 400, {}, json.dumps({'message': 'Bad Request: refused %s' % request.body.decode('utf-8')})
    responses.add_callback(responses.PUT, USER_URL, callback=echo)
    client = make_client()[0]
    with pytest.raises(JumpCloudError) as info:
        client.put(USER_PATH, {'password': PASSWORD, 'jobTitle': 'Lead'})
    text = error_text(info.value)
    assert 'Lead' in text and '********' in text
    assert not [f for f in escaped_forms(PASSWORD) if f in text]


@responses.activate
def test_every_secret_the_client_holds_is_redacted_from_plain_text_bodies():
    other = 'An0ther-Row-Passw0rd!'
    body = 'WAF says no: pass=%s; raw=%s; json=%s' % (quote_plus(other), PASSWORD, json.dumps(PASSWORD))
    responses.post(BASE + '/api/v2/usergroups/g/members', status=403, body=body)
    client = make_client()[0]
    client.add_secret(PASSWORD)
    client.add_secret(other)
    with pytest.raises(JumpCloudError) as info:
        client.post('/api/v2/usergroups/g/members', {'op': 'add'})
    text = error_text(info.value)
    assert 'WAF says no' in text
    assert not [f for f in escaped_forms(PASSWORD) | escaped_forms(other) if f in text]


@responses.activate
def test_a_long_message_is_redacted_before_it_is_cut():
    # the password straddles the point where the message is cut for display
    body = 'x' * 495 + PASSWORD + 'y' * 1000
    responses.put(USER_URL, status=400, body=body)
    client = make_client()[0]
    client.add_secret(PASSWORD)
    with pytest.raises(JumpCloudError) as info:
        client.put(USER_PATH, {'jobTitle': 'x'})
    assert not [f for f in fragments(PASSWORD, 4) if f in info.value.message]
    assert len(info.value.message) <= 520


def test_secrets_can_be_added_while_other_threads_redact():
    client = make_client()[0]
    secrets = ['row-%04d-Passw0rd' % i for i in range(2000)]
    errors = []

    def add():
        for secret in secrets:
            client.add_secret(secret)

    def redact():
        try:
            for dummy in range(200):
                client.redact('row-0001-Passw0rd and %s' % API_KEY)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
    threads = [threading.Thread(target=add)] + [threading.Thread(target=redact) for dummy in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert client.redact('%s / %s' % (secrets[-1], API_KEY)) == '******** / ********'


# -- redirects ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [301, 302, 307, 308])
def test_a_redirect_is_an_error_naming_the_other_host_and_the_key_never_reaches_it(status):
    with Recorder() as target:
        with Recorder(status=status, headers={'Location': target.url + '/api/systemusers'}) as api:
            client, sleeps = make_client(base_url=api.url)
            with pytest.raises(JumpCloudError) as info:
                client.get('/api/systemusers')
    assert info.value.status == status
    assert '127.0.0.1:%d' % target.port in info.value.message and 'not followed' in info.value.message
    assert len(api.requests) == 1 and api.requests[0][1]['x-api-key'] == API_KEY
    assert target.requests == []
    assert sleeps == []


# -- api_url -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('url', [
    'http://evil.example\\@127.0.0.1',
    'http://evil.example:18090\\@127.0.0.1:8089',
    'https://evil.example\\@console.jumpcloud.com',
    'http://evil.example@127.0.0.1',
    'https://user:secret@console.jumpcloud.com',
    'http://127.0.0.1:8089?@evil.example',
    'http://127.0.0.1:8089#@evil.example',
    'https://console.jumpcloud.com/?x=1',
    'http://127.0.0.1 :8089',
    'http://127.0.0.1:8089/\n',
    'http://127.0.0.1:99999',
])
def test_an_ambiguous_api_url_is_refused(url):
    with pytest.raises(ValueError):
        check_base_url(url)
    with pytest.raises(ValueError):
        check_base_url(url, allow_insecure_http=True)


def test_an_api_url_with_a_backslash_sends_nothing(monkeypatch):
    with Recorder() as local:
        with pytest.raises(ValueError, match='backslash'):
            make_client(base_url='http://127.0.0.2:%d\\@127.0.0.1:%d' % (local.port, local.port))
    assert local.requests == []


@pytest.mark.parametrize('url', ['https://console.eu.jumpcloud.com', 'https://gateway.example/jumpcloud',
                                 'http://127.0.0.1:8089', 'http://[::1]:8089', 'hTTp://LOCALHOST:8089'])
def test_plain_api_urls_are_still_accepted(url):
    check_base_url(url)


# -- proxies ---------------------------------------------------------------------------------------

def test_plain_http_to_loopback_never_goes_through_a_proxy(monkeypatch):
    with Recorder(status=502) as proxy, Recorder(body=b'{"ok": true}') as api:
        proxy_everything(monkeypatch, proxy.url)
        client = make_client(base_url=api.url, max_retries=0)[0]
        assert client.get('/api/systemusers') == {'ok': True}
    assert proxy.requests == []
    assert len(api.requests) == 1


def test_a_remote_url_still_uses_the_proxy_from_the_environment(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    assert make_client()[0].session.proxies['https'] == 'http://proxy.example:3128'


# -- TLS -------------------------------------------------------------------------------------------

def test_a_refused_certificate_is_not_retried(tmp_path, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    server = Recorder()
    serve_tls(server.httpd, tmp_path)
    with server:
        client, sleeps = make_client(base_url='https://127.0.0.1:%d' % server.port, max_retries=5)
        with pytest.raises(JumpCloudError) as info:
            client.get('/api/systemusers')
        assert 'certificate' in info.value.message
        assert sleeps == [] and info.value.retries == 0
        assert server.requests == []
        # with validate_certs false the same server answers
        insecure = make_client(base_url='https://127.0.0.1:%d' % server.port, validate_certs=False)[0]
        assert insecure.get('/api/systemusers') == {}


# -- 429 -------------------------------------------------------------------------------------------

@responses.activate
def test_retry_after_zero_waits_a_minimum_and_the_budget_bounds_the_429s():
    responses.get(USER_URL, status=429, json={'message': 'Too Many Requests'}, headers={'Retry-After': '0'})
    client, sleeps = make_client(max_retry_wait=10)
    with pytest.raises(JumpCloudError) as info:
        client.get(USER_PATH)
    assert 'retry budget' in str(info.value)
    assert sleeps and min(sleeps) >= 1.0 and sum(sleeps) <= 10
    assert len(responses.calls) <= 11
    assert client.counts['retries'] == len(sleeps)


# -- timeout bounds the whole answer -----------------------------------------------------------------

@pytest.mark.parametrize('headers_first', [False, True], ids=['status-line-drips', 'body-drips'])
def test_an_answer_that_trickles_in_fails_once_timeout_has_passed(headers_first):
    import time
    from localservers import Drip
    with Drip(interval=0.05, headers_first=headers_first) as drip:
        client = make_client(base_url=drip.url, timeout=1, max_retries=1, backoff_delay=0.01)[0]
        started = time.monotonic()
        with pytest.raises(JumpCloudError) as info:
            client.get('/api/systemusers')
        took = time.monotonic() - started
    # a read is retried once: two answers of a second each, where each byte came well within the timeout
    assert took < 4, took
    assert drip.requests == 2
    assert str(info.value) == ('connection failed: the answer did not arrive whole within 1s (timeout) '
                               '(GET /api/systemusers) after 1 retry')


def test_a_write_whose_answer_trickles_in_is_not_sent_again_and_its_outcome_is_unknown():
    import time
    from localservers import Drip
    with Drip(interval=0.05) as drip:
        client = make_client(base_url=drip.url, timeout=1)[0]
        started = time.monotonic()
        with pytest.raises(JumpCloudError) as info:
            client.put('/api/systemusers/5f0000000000000000000001', {'jobTitle': 'x'})
        assert time.monotonic() - started < 3
    assert drip.requests == 1 and info.value.outcome_unknown
