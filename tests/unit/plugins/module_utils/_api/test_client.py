"""The API client: headers, retries, backoff, paging, rate limit, errors (HTTP mocked with responses)."""
import threading

import pytest
import requests
import responses

from testenv import API_KEY
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import client as client_mod
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.backoff import jittered_backoff, parse_retry_after
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient, check_base_url
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.ratelimit import RateLimiter
from doubles import Clock, Sleeps

BASE = 'https://console.jumpcloud.com'
USER_URL = BASE + '/api/systemusers/5f0000000000000000000001'


def make_client(**kwargs):
    sleeps = Sleeps()
    kwargs.setdefault('api_key', API_KEY)
    kwargs.setdefault('sleep', sleeps)
    return JumpCloudClient(**kwargs), sleeps


@responses.activate
def test_sends_auth_json_and_user_agent_headers():
    responses.get(USER_URL, json={'_id': 'x'})
    client = make_client(org_id='a' * 24)[0]
    client.get('/api/systemusers/5f0000000000000000000001')
    sent = responses.calls[0].request.headers
    assert sent['x-api-key'] == API_KEY
    assert sent['x-org-id'] == 'a' * 24
    assert sent['Accept'] == 'application/json'
    assert sent['Content-Type'] == 'application/json'
    assert sent['User-Agent'].startswith('jcops.jumpcloud/0.1.0')


@responses.activate
def test_no_org_header_without_org_id():
    responses.get(USER_URL, json={})
    client = make_client()[0]
    client.get('/api/systemusers/5f0000000000000000000001')
    assert 'x-org-id' not in responses.calls[0].request.headers


@responses.activate
def test_429_with_retry_after_waits_exactly_that_long():
    responses.get(USER_URL, status=429, json={'message': 'Too Many Requests'}, headers={'Retry-After': '3'})
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client()
    assert client.get('/api/systemusers/5f0000000000000000000001') == {'ok': True}
    assert sleeps == [3.0]
    assert client.counts['retries'] == 1


@responses.activate
def test_429_without_retry_after_uses_jittered_exponential_backoff():
    for dummy in range(3):
        responses.get(USER_URL, status=429, json={'message': 'Too Many Requests'})
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client(backoff_delay=4.0)
    client.get('/api/systemusers/5f0000000000000000000001')
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps):
        # at least the minimum wait for a 429, at most the jittered backoff
        assert 1.0 <= slept < max(1.0, 4.0 * 2 ** attempt)


@responses.activate
def test_a_429_holds_back_the_other_workers_until_retry_after():
    responses.get(USER_URL, status=429, json={'message': 'Too Many Requests'}, headers={'Retry-After': '2'})
    responses.get(USER_URL, json={'ok': True})
    clock = Clock(1000.0)
    client, sleeps = make_client(clock=clock)
    client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [2.0]
    # a request from another worker, sent while the gate is closed (neither the clock nor the sleep pass time)
    clock.now += 0.5
    client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [2.0, 1.5]
    assert len(responses.calls) == 3
    # once the gate's time has passed, nobody waits for it
    clock.now += 2.0
    client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [2.0, 1.5] and len(responses.calls) == 4


@responses.activate
def test_429s_are_bounded_by_the_wait_budget_not_max_retries():
    for dummy in range(6):
        responses.get(USER_URL, status=429, json={'message': 'Too Many Requests'}, headers={'Retry-After': '1'})
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client(max_retries=2, max_retry_wait=10)
    assert client.get('/api/systemusers/5f0000000000000000000001') == {'ok': True}
    assert sleeps == [1.0] * 6 and client.counts['retries'] == 6


@responses.activate
def test_429_is_retried_even_for_a_non_idempotent_post():
    url = BASE + '/api/v2/usergroups/g/members'
    responses.post(url, status=429, json={'message': 'Too Many Requests'}, headers={'Retry-After': '1'})
    responses.post(url, status=204)
    client, sleeps = make_client()
    client.post('/api/v2/usergroups/g/members', {'op': 'add'}, idempotent=False)
    assert len(responses.calls) == 2 and sleeps == [1.0]


@pytest.mark.parametrize('status', [502, 503, 504])
@responses.activate
def test_gateway_errors_are_retried_for_idempotent_requests(status):
    responses.get(USER_URL, status=status, body='upstream trouble')
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client()
    assert client.get('/api/systemusers/5f0000000000000000000001') == {'ok': True}
    assert len(sleeps) == 1


@pytest.mark.parametrize('status', [502, 503, 504])
@responses.activate
def test_gateway_errors_are_not_retried_when_repeating_is_unsafe(status):
    url = BASE + '/api/v2/usergroups/g/members'
    responses.post(url, status=status, json={'message': 'bad gateway'})
    client, sleeps = make_client()
    with pytest.raises(JumpCloudError) as info:
        client.post('/api/v2/usergroups/g/members', {'op': 'add'}, idempotent=False)
    assert info.value.status == status
    assert len(responses.calls) == 1 and sleeps == []


@pytest.mark.parametrize('failure', [dict(status=500, json={'message': 'internal'}),
                                     dict(body=requests.exceptions.ReadTimeout('read timed out')),
                                     dict(body=requests.exceptions.ConnectionError('Connection reset by peer'))],
                         ids=['500', 'read-timeout', 'connection-reset'])
@responses.activate
def test_a_read_is_retried_after_a_500_a_timeout_or_a_reset(failure):
    responses.get(USER_URL, **failure)
    responses.get(USER_URL, json={'ok': True})
    client, sleeps = make_client()
    assert client.get('/api/systemusers/5f0000000000000000000001') == {'ok': True}
    assert len(responses.calls) == 2 and len(sleeps) == 1


@pytest.mark.parametrize('status', [500, 502, 503, 504])
@responses.activate
def test_an_idempotent_write_that_answered_5xx_is_sent_again_with_the_same_body(status):
    responses.put(USER_URL, status=status, json={'message': 'internal'})
    responses.put(USER_URL, json={'id': 'u'})
    client, sleeps = make_client()
    assert client.put('/api/systemusers/5f0000000000000000000001', {'jobTitle': 'x'}) == {'id': 'u'}
    assert len(responses.calls) == 2 and len(sleeps) == 1
    assert [c.request.body for c in responses.calls] == [b'{"jobTitle": "x"}'] * 2


@responses.activate
def test_500_is_not_retried_on_a_write_that_is_unsafe_to_repeat():
    url = BASE + '/api/v2/usergroups/g/members'
    responses.post(url, status=500, json={'message': 'internal'})
    client, sleeps = make_client()
    with pytest.raises(JumpCloudError) as info:
        client.post('/api/v2/usergroups/g/members', {'op': 'add'}, idempotent=False)
    assert info.value.status == 500 and len(responses.calls) == 1 and sleeps == []
    assert info.value.message == 'internal' and not info.value.resent


@pytest.mark.parametrize('first,resent', [
    (dict(status=502, json={'message': 'bad gateway'}), True),
    (dict(status=500, json={'message': 'internal'}), True),
    (dict(body=requests.exceptions.ConnectionError('Connection reset by peer')), True),
    (dict(body=requests.exceptions.ConnectTimeout('connect timed out')), False),
    (dict(status=429, json={'message': 'Too Many Requests'}), False),
], ids=['502', '500', 'reset', 'connect-timeout', '429'])
@responses.activate
def test_a_409_after_a_resent_add_says_an_earlier_attempt_may_have_landed(first, resent):
    url = BASE + '/api/v2/usergroups/g/members'
    responses.post(url, **first)
    responses.post(url, status=409, json={'message': 'Already Exists'})
    client = make_client()[0]
    with pytest.raises(JumpCloudError) as info:
        client.post('/api/v2/usergroups/g/members', {'op': 'add'}, idempotent=True)
    assert info.value.status == 409 and info.value.retries == 1
    assert info.value.resent is resent


@responses.activate
def test_a_write_that_times_out_is_not_retried_and_its_outcome_is_unknown():
    responses.put(USER_URL, body=requests.exceptions.ReadTimeout('read timed out'))
    client, sleeps = make_client()
    with pytest.raises(JumpCloudError) as info:
        client.put('/api/systemusers/5f0000000000000000000001', {'jobTitle': 'x'})
    assert info.value.outcome_unknown and len(responses.calls) == 1 and sleeps == []
    assert 'may still apply this write' in info.value.message


@responses.activate
def test_connection_reset_is_not_retried_for_unsafe_post():
    url = BASE + '/api/v2/usergroups/g/members'
    responses.post(url, body=requests.exceptions.ConnectionError('Connection reset by peer'))
    client = make_client()[0]
    with pytest.raises(JumpCloudError) as info:
        client.post('/api/v2/usergroups/g/members', {'op': 'add'}, idempotent=False)
    assert info.value.status is None
    assert 'Connection reset by peer' in str(info.value)


@pytest.mark.parametrize('status,body,expected', [
    (400, {'message': 'Bad Request: email address a@b.c already exists'},
     'Bad Request: email address a@b.c already exists'),
    (401, {'error': 'Unauthorized', 'message': 'Unauthorized: api key user not found'},
     'Unauthorized: api key user not found'),
    (404, {'message': 'Not Found'}, 'Not Found'),
    (409, {'message': 'Already Exists'}, 'Already Exists'),
])
@responses.activate
def test_non_retryable_4xx_fails_at_once_with_the_api_message(status, body, expected):
    responses.put(USER_URL, status=status, json=body)
    client, sleeps = make_client()
    with pytest.raises(JumpCloudError) as info:
        client.put('/api/systemusers/5f0000000000000000000001', {'firstname': 'A'})
    assert len(responses.calls) == 1 and sleeps == []
    assert info.value.status == status
    assert info.value.message == expected
    assert info.value.method == 'PUT' and info.value.path == '/api/systemusers/5f0000000000000000000001'
    assert expected in str(info.value)


@responses.activate
def test_gives_up_after_max_retries_and_says_so():
    responses.get(USER_URL, status=503, json={'message': 'unavailable'})
    client, sleeps = make_client(max_retries=2)
    with pytest.raises(JumpCloudError) as info:
        client.get('/api/systemusers/5f0000000000000000000001')
    assert len(responses.calls) == 3 and len(sleeps) == 2
    assert info.value.status == 503 and 'after 2 retries' in str(info.value)


@responses.activate
def test_total_wait_is_capped():
    responses.get(USER_URL, status=429, json={'message': 'slow down'}, headers={'Retry-After': '50'})
    client, sleeps = make_client(max_retry_wait=120)
    with pytest.raises(JumpCloudError) as info:
        client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [50.0, 50.0]          # a third wait would pass 120 s
    assert 'retry budget' in str(info.value)


@responses.activate
def test_v1_search_pages_1000_at_a_time_in_the_query_string_and_the_body():
    import json
    users = [{'_id': '%024x' % i} for i in range(2500)]

    def page(request):
        body = json.loads(request.body)
        assert body['limit'] == 1000 and body['filter'] == {'or': [{'username': 'a'}]}
        assert request.params == {'limit': '1000', 'skip': str(body['skip'])}
        return 200, {}, json.dumps({'totalCount': 2500, 'results': users[body['skip']:body['skip'] + 1000]})
    responses.add_callback(responses.POST, BASE + '/api/search/systemusers', callback=page)
    client = make_client()[0]
    assert list(client.v1_search('/api/search/systemusers', {'or': [{'username': 'a'}]})) == users
    # the first page tells the total; the other two are read concurrently, each once
    assert sorted(json.loads(c.request.body)['skip'] for c in responses.calls) == [0, 1000, 2000]
    assert client.counts['reads'] == 3 and client.counts['writes'] == 0


@responses.activate
def test_v1_search_follows_total_count_past_pages_shorter_than_asked_for():
    # a server that caps a page below the limit asked for is still read to the end
    import json
    users = [{'_id': '%024x' % i} for i in range(250)]

    def page(request):
        skip = json.loads(request.body)['skip']
        return 200, {}, json.dumps({'totalCount': 250, 'results': users[skip:skip + 100]})
    responses.add_callback(responses.POST, BASE + '/api/search/systems', callback=page)
    client = make_client()[0]
    assert list(client.v1_search('/api/search/systems')) == users
    assert len(responses.calls) == 3


@responses.activate
def test_v1_search_without_total_count_stops_on_a_short_page():
    import json
    responses.post(BASE + '/api/search/systems', body=json.dumps({'results': [{'_id': 'a'}]}))
    client = make_client()[0]
    assert list(client.v1_search('/api/search/systems')) == [{'_id': 'a'}]
    assert len(responses.calls) == 1


@responses.activate
def test_v2_paging_uses_bare_arrays_and_x_total_count():
    import json
    groups = [{'id': '%024x' % i, 'name': 'g%d' % i} for i in range(200)]

    def page(request):
        skip = int(request.params['skip'])
        assert request.params['limit'] == '100'
        return 200, {'x-total-count': '200'}, json.dumps(groups[skip:skip + 100])
    responses.add_callback(responses.GET, BASE + '/api/v2/usergroups', callback=page)
    client = make_client()[0]
    assert list(client.v2_list('/api/v2/usergroups')) == groups
    # the second page is full, but x-total-count says there is no third one
    assert len(responses.calls) == 2


@responses.activate
def test_v2_paging_without_total_stops_on_a_short_page():
    import json
    items = [{'id': str(i)} for i in range(130)]

    def page(request):
        skip = int(request.params['skip'])
        return 200, {}, json.dumps(items[skip:skip + 100])
    responses.add_callback(responses.GET, BASE + '/api/v2/ldapservers', callback=page)
    client = make_client()[0]
    assert len(list(client.v2_list('/api/v2/ldapservers'))) == 130
    assert len(responses.calls) == 2


def test_rate_limiter_spaces_requests_across_threads():
    now = [100.0]
    lock = threading.Lock()
    waits = []

    def clock():
        with lock:
            return now[0]

    limiter = RateLimiter(10, clock=clock, sleep=lambda s: None)
    threads = [threading.Thread(target=lambda: waits.append(limiter.acquire())) for dummy in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 20 requests at 10/s with the clock standing still: slots 0, 0.1, ... 1.9 s ahead
    assert sorted(round(w, 6) for w in waits) == [round(i * 0.1, 6) for i in range(20)]


def test_rate_limiter_does_not_delay_requests_that_are_already_spaced():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0], sleep=lambda s: None)
    waits = []
    for dummy in range(3):
        waits.append(limiter.acquire())
        now[0] += 1.0
    assert waits == [0, 0, 0]


@responses.activate
def test_client_applies_the_rate_limit_to_every_request(monkeypatch):
    responses.get(USER_URL, json={})
    acquired = []
    monkeypatch.setattr(RateLimiter, 'acquire', lambda self: acquired.append(self.interval))
    client = make_client(requests_per_second=4)[0]
    for dummy in range(3):
        client.get('/api/systemusers/5f0000000000000000000001')
    assert acquired == [0.25, 0.25, 0.25]


@responses.activate
def test_api_key_appears_in_no_error_message():
    # an API that echoes the key back, and a transport error that mentions it
    responses.get(USER_URL, status=400, json={'message': 'bad key %s' % API_KEY})
    responses.get(BASE + '/api/systems', body=requests.exceptions.ConnectionError('refused for %s' % API_KEY))
    client = make_client(max_retries=0)[0]
    for path in ('/api/systemusers/5f0000000000000000000001', '/api/systems'):
        with pytest.raises(JumpCloudError) as info:
            client.get(path)
        text = '%s %r %s' % (info.value, info.value, info.value.args)
        assert API_KEY not in text
        assert '********' in text


@pytest.mark.parametrize('url,ok', [
    ('https://console.jumpcloud.com', True),
    ('http://127.0.0.1:8089', True),
    ('http://localhost:8089', True),
    ('http://[::1]:8089', True),
    ('http://jumpcloud.example.com', False),
    ('http://10.1.2.3', False),
    ('ftp://console.jumpcloud.com', False),
])
def test_plain_http_is_refused_except_to_loopback(url, ok):
    if ok:
        check_base_url(url)
    else:
        with pytest.raises(ValueError):
            check_base_url(url)


def test_plain_http_can_be_allowed_explicitly():
    check_base_url('http://jumpcloud.example.com', allow_insecure_http=True)


def test_tls_verification_is_on_by_default(monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    client = make_client()[0]
    assert client.session.verify is True


def test_the_environment_is_read_once_proxies_and_ca_bundle_kept_netrc_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.setenv('NO_PROXY', 'internal.example')
    (tmp_path / 'corporate-ca.pem').write_text('-----BEGIN CERTIFICATE-----\n')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'corporate-ca.pem'))
    (tmp_path / '.netrc').write_text('machine console.jumpcloud.com login someone password other-secret\n')
    monkeypatch.setenv('NETRC', str(tmp_path / '.netrc'))
    session = JumpCloudClient(api_key=API_KEY, base_url='https://console.jumpcloud.com').session
    assert session.trust_env is False
    assert session.proxies['https'] == 'http://proxy.example:3128'
    assert session.verify == str(tmp_path / 'corporate-ca.pem')
    assert JumpCloudClient(api_key=API_KEY, base_url='https://console.jumpcloud.com',
                           validate_certs=False).session.verify is False
    prepared = session.prepare_request(requests.Request('GET', 'https://console.jumpcloud.com/api/systemusers'))
    assert 'Authorization' not in prepared.headers
    bypass = JumpCloudClient(api_key=API_KEY, base_url='https://internal.example').session
    assert 'https' not in bypass.proxies


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_a_ca_bundle_that_does_not_exist_is_a_clear_error_before_any_request(monkeypatch, tmp_path, variable):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    missing = str(tmp_path / 'gone' / 'ca.pem')
    monkeypatch.setenv(variable, missing)
    with pytest.raises(ValueError) as info:
        JumpCloudClient(api_key=API_KEY, base_url='https://console.jumpcloud.com')
    assert str(info.value).startswith('%s names %s, which does not exist' % (variable, missing))
    # unused when certificates are not checked; a folder of certificates is a bundle too
    assert JumpCloudClient(api_key=API_KEY, base_url='https://console.jumpcloud.com',
                           validate_certs=False).session.verify is False
    monkeypatch.setenv(variable, str(tmp_path))
    assert JumpCloudClient(api_key=API_KEY, base_url='https://console.jumpcloud.com').session.verify == str(tmp_path)


def test_connection_pool_is_sized_for_the_workers():
    client = make_client(max_workers=16)[0]
    adapter = client.session.get_adapter(BASE)
    assert adapter._pool_maxsize >= 16


def test_jittered_backoff_is_bounded_and_finite():
    values = list(jittered_backoff(6, delay=0.5, backoff=2.0, max_delay=4.0, rand=lambda: 0.999))
    assert len(values) == 6
    assert values == pytest.approx([0.4995, 0.999, 1.998, 3.996, 3.996, 3.996])
    assert list(jittered_backoff(3, rand=lambda: 0.0)) == [0.0, 0.0, 0.0]


def test_parse_retry_after():
    import datetime
    now = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
    assert parse_retry_after('7') == 7.0
    assert parse_retry_after('0.5') == 0.5
    assert parse_retry_after('Thu, 01 Jan 2026 12:00:10 GMT', now=now) == 10.0
    assert parse_retry_after('nonsense') is None
    assert parse_retry_after(None) is None
    assert parse_retry_after('-3') == 0.0


def test_missing_api_key_is_refused():
    with pytest.raises(ValueError, match='API key'):
        JumpCloudClient(api_key='')


def test_module_reports_missing_requests(monkeypatch):
    monkeypatch.setattr(client_mod, 'HAS_REQUESTS', False)
    with pytest.raises(RuntimeError, match='requests'):
        JumpCloudClient(api_key='k')


@pytest.mark.parametrize('pages,limit,follow_total,expected_fetches', [
    ([([1, 2], 5), ([3, 4], 5), ([5], 5)], 2, False, [0, 2, 4]),        # total reached
    ([([1, 2], None), ([3], None)], 2, False, [0, 2]),                  # a short page ends it
    ([([1], 3)], 2, False, [0]),                                        # not followed: a short page ends it
    ([([1], None)], 2, True, [0]),                                      # no total: a short page ends it
    ([([1, 2], None), ([], None)], 2, True, [0, 2]),                    # an empty page ends it
])
def test_one_paging_generator_for_every_listing(pages, limit, follow_total, expected_fetches):
    fetched = []

    def fetch(skip):
        fetched.append(skip)
        return pages[expected_fetches.index(skip)]
    items = list(make_client()[0]._pages(fetch, limit, follow_total))
    assert items == [item for page, total in pages for item in page]
    assert sorted(fetched) == expected_fetches


@responses.activate
def test_the_rate_limit_runs_on_the_injected_clock_and_sleep():
    responses.get(USER_URL, json={})
    clock = Clock(1000.0)
    client, sleeps = make_client(requests_per_second=4, clock=clock)
    for dummy in range(3):
        client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [0.25, 0.5]          # the clock stands still: the 2nd and 3rd wait for their slots
    clock.now += 10
    client.get('/api/systemusers/5f0000000000000000000001')
    assert sleeps == [0.25, 0.5]


def test_pages_after_the_first_are_read_concurrently_each_exactly_once_and_given_in_order():
    limit, total = 10, 45
    data = list(range(total))
    last_page_read = threading.Event()
    fetched = []
    lock = threading.Lock()

    def fetch(skip):
        with lock:
            fetched.append(skip)
        if skip == 10:
            # the second page answers only once the last one has: the pages are read at once,
            # and the items still come out in the listing's order
            assert last_page_read.wait(10)
        if skip == 40:
            last_page_read.set()
        return data[skip:skip + limit], total
    client = make_client(max_workers=4)[0]
    assert list(client._pages(fetch, limit, follow_total=False)) == data
    assert sorted(fetched) == [0, 10, 20, 30, 40] and fetched[0] == 0


def test_a_first_page_already_read_is_not_read_again():
    fetched = []

    def fetch(skip):
        fetched.append(skip)
        return [skip], 3
    client = make_client()[0]
    assert list(client._pages(fetch, 1, follow_total=False, first=(['first'], 3))) == ['first', 1, 2]
    assert sorted(fetched) == [1, 2]


# -- a hostile API's paging --------------------------------------------------------------------------

def hostile(path, page):
    """Serve ``page(request)`` -> ``(headers, items or body)`` on every GET and POST of ``path``; count the calls."""
    import json
    calls = []

    def answer(request):
        calls.append(request)
        headers, body = page(request)
        return 200, headers, json.dumps(body)
    for method in (responses.GET, responses.POST):
        responses.add_callback(method, BASE + path, callback=answer)
    return calls


@responses.activate
def test_a_total_beyond_any_organisation_stops_the_listing_at_its_first_page():
    calls = hostile('/api/v2/usergroups', lambda r: ({'x-total-count': '100000000'},
                                                     [{'id': str(i)} for i in range(100)]))
    with pytest.raises(JumpCloudError) as info:
        list(make_client()[0].v2_list('/api/v2/usergroups'))
    assert str(info.value) == (
        'the listing was stopped: GET /api/v2/usergroups says it holds 100000000 items, more than the 100000 user '
        'groups any organisation is taken to hold; the API is not answering as JumpCloud does')
    assert len(calls) == 1


@responses.activate
def test_a_v1_search_whose_total_is_beyond_any_organisation_stops_at_once():
    calls = hostile('/api/search/systemusers', lambda r: ({}, {'totalCount': 10 ** 9, 'results': [{'_id': 'a'}]}))
    with pytest.raises(JumpCloudError, match='POST /api/search/systemusers says it holds 1000000000 items, more than '
                                             'the 500000 users'):
        list(make_client()[0].v1_search('/api/search/systemusers'))
    assert len(calls) == 1


@responses.activate
def test_a_v1_search_of_one_item_a_page_under_a_plausible_total_stops_at_its_second_page():
    calls = hostile('/api/search/systems', lambda r: ({}, {'totalCount': 400000, 'results': [{'_id': 'a'}]}))
    with pytest.raises(JumpCloudError, match='POST /api/search/systems answered a page of 1 items where 1000 were '
                                             'asked, while its total says 399999 more remain'):
        list(make_client()[0].v1_search('/api/search/systems'))
    assert len(calls) == 1


@responses.activate
def test_an_endless_listing_without_a_total_ends_at_its_bound():
    calls = hostile('/api/v2/ldapservers', lambda r: ({}, [{'id': r.params['skip']}] * 100))
    items = []
    with pytest.raises(JumpCloudError, match='GET /api/v2/ldapservers listed more than 1000 LDAP servers without '
                                             'ending'):
        for item in make_client()[0].v2_list('/api/v2/ldapservers'):
            items.append(item)
    assert len(items) == 1000 and len(calls) == 11


@pytest.mark.parametrize('first_page_full', [True, False])
@responses.activate
def test_a_total_that_changes_between_pages_stops_the_listing(first_page_full):
    totals = iter(['250', '251', '251'])
    size = 100 if first_page_full else 99
    hostile('/api/v2/usergroups', lambda r: ({'x-total-count': next(totals)}, [{'id': 'g'}] * size))
    client = make_client()[0]
    if not first_page_full:
        # a v2 listing ends on its first short page: nothing to compare
        assert len(list(client.v2_list('/api/v2/usergroups'))) == 99
        return
    with pytest.raises(JumpCloudError) as info:
        list(client.v2_list('/api/v2/usergroups'))
    assert str(info.value) == (
        'the listing was stopped: the total of GET /api/v2/usergroups changed from 250 to 251 between its pages: '
        'the listing changed while it was read, or the API is not answering consistently; run again')


def test_pages_are_asked_for_through_a_window_no_wider_than_the_workers():
    limit, total, workers = 10, 10 * 1000, 4
    started = []
    lock = threading.Lock()
    release = threading.Event()

    def fetch(skip):
        with lock:
            started.append(skip)
        if skip == limit:
            assert release.wait(10)
        return list(range(skip, min(skip + limit, total))), total
    client = make_client(max_workers=workers)[0]
    listing = client._pages(fetch, limit, follow_total=False)
    first = [next(listing) for dummy in range(limit)]
    assert first == list(range(limit))
    waiter = threading.Thread(target=lambda: first.append(next(listing)))
    waiter.start()
    import time
    time.sleep(0.5)
    # the second page holds back: at most the window is asked for meanwhile, not the 999 pages the total promises
    with lock:
        assert 2 <= len(started) <= 1 + workers, started
    release.set()
    waiter.join(10)
    assert list(listing) == list(range(limit + 1, total))
    assert sorted(started) == list(range(0, total, limit))
