"""The fake's OAuth 2.0 token endpoint and bearer tokens keep to what JumpCloud's service accounts do:
client credentials in HTTP Basic, a form body with grant_type=client_credentials and scope=api, RFC 6749
errors, tokens that expire and are then refused like an unknown API key."""
import time

import requests

from testenv import CLIENT_ID, CLIENT_SECRET
from helpers import configure_fake
from playbook import fake_stats
from fake_jumpcloud.oauth import INVALID_CLIENT
from fake_jumpcloud.server import UNAUTHORIZED

FORM = {'grant_type': 'client_credentials', 'scope': 'api'}


def token_request(fake, auth=(CLIENT_ID, CLIENT_SECRET), data=None, **kwargs):
    return requests.post(fake.token_url, auth=auth, data=FORM if data is None else data, timeout=10, **kwargs)


def users_with(fake, token):
    return requests.get(fake.url + '/api/systemusers', params={'limit': 1}, timeout=10,
                        headers={'Authorization': 'Bearer %s' % token})


def test_a_token_for_the_service_account_opens_the_api(fake):
    response = token_request(fake)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {'access_token', 'token_type', 'expires_in', 'scope'}
    assert body['token_type'] == 'bearer' and body['expires_in'] == 3600 and body['scope'] == 'api'
    assert response.headers['Cache-Control'] == 'no-store'
    answer = users_with(fake, body['access_token'])
    assert answer.status_code == 200 and answer.json()['totalCount'] == 30
    stats = fake_stats(fake)
    # the token request is counted apart from the API's requests
    assert stats['token_requests'] == 1 and stats['total'] == 1 and stats['key_seen_outside_header'] == []


def test_wrong_or_missing_client_credentials_are_401_invalid_client(fake):
    for auth in ((CLIENT_ID, 'not-the-secret'), ('someone-else', CLIENT_SECRET), None):
        response = token_request(fake, auth=auth)
        assert response.status_code == 401 and response.json() == INVALID_CLIENT, auth
        assert 'access_token' not in response.text
    # credentials in the body instead of HTTP Basic (client_secret_post) are not taken either
    response = token_request(fake, auth=None, data=dict(FORM, client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    assert response.status_code == 401
    assert fake_stats(fake)['token_requests'] == 4


def test_the_grant_type_scope_and_form_body_are_required(fake):
    assert token_request(fake, data={'grant_type': 'password', 'scope': 'api'}).json()['error'] == \
        'unsupported_grant_type'
    assert token_request(fake, data={'grant_type': 'client_credentials'}).json()['error'] == 'invalid_scope'
    assert token_request(fake, data={'grant_type': 'client_credentials', 'scope': 'admin'}).status_code == 400
    as_json = requests.post(fake.token_url, auth=(CLIENT_ID, CLIENT_SECRET), json=FORM, timeout=10)
    assert as_json.status_code == 400 and as_json.json()['error'] == 'invalid_request'
    assert requests.get(fake.token_url, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10).status_code == 405


def test_an_unknown_bearer_token_is_refused_like_an_unknown_key(fake):
    for header in ('Bearer not-a-token', 'Basic %s' % CLIENT_SECRET, 'Bearer '):
        response = requests.get(fake.url + '/api/systemusers', headers={'Authorization': header}, timeout=10)
        assert response.status_code == 401 and response.json() == UNAUTHORIZED


def test_a_token_expires_after_its_lifetime(fake):
    configure_fake(fake, token_lifetime=1)
    body = token_request(fake).json()
    assert body['expires_in'] == 1
    assert users_with(fake, body['access_token']).status_code == 200
    deadline = time.monotonic() + 10
    while users_with(fake, body['access_token']).status_code == 200:
        assert time.monotonic() < deadline, 'the token outlived its lifetime'
        time.sleep(0.05)
    answer = users_with(fake, body['access_token'])
    assert answer.status_code == 401 and answer.json() == UNAUTHORIZED


def test_every_token_issued_expires_at_the_configured_request(fake):
    first = token_request(fake).json()['access_token']
    configure_fake(fake, expire_tokens_at_request=2)
    assert users_with(fake, first).status_code == 200
    assert users_with(fake, first).status_code == 200
    assert users_with(fake, first).status_code == 401           # the third API request: expired
    second = token_request(fake).json()['access_token']
    assert [users_with(fake, second).status_code for dummy in range(3)] == [200, 200, 200]   # once only
    assert users_with(fake, first).status_code == 401


def test_credentials_sent_anywhere_but_the_authorization_header_are_recorded(fake):
    token = token_request(fake).json()['access_token']
    requests.get(fake.url + '/api/systemusers', params={'token': token}, headers={'x-api-key': 'x' * 20}, timeout=10)
    requests.put(fake.url + '/api/systemusers/x', json={'note': CLIENT_SECRET},
                 headers={'Authorization': 'Bearer %s' % token}, timeout=10)
    token_request(fake, headers={'X-Client': CLIENT_ID})
    assert fake_stats(fake)['key_seen_outside_header'] == ['token in url', 'client secret in body',
                                                           'client id in header X-Client']
