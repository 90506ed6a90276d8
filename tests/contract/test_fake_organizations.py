"""The fake's GET /api/organizations and its write log: a key of one org lists that org alone (JumpCloud's
Set-JCOrganization.ps1 takes a single result as the key's org), in the organizationslist shape; every write the
fake receives is logged with its method, path and body, and nothing else is."""
import requests

from testenv import API_KEY


def get(fake, path, **kwargs):
    return requests.get(fake.url + path, headers={'x-api-key': API_KEY}, timeout=10, **kwargs)


def test_a_key_of_one_org_lists_that_org_alone(fake_factory):
    fake = fake_factory(None)
    answer = get(fake, '/api/organizations', params={'fields': '_id displayName'}).json()
    assert answer == {'results': [{'_id': '5f0000000000000000000000', 'displayName': 'Fake Org'}], 'totalCount': 1}
    named = fake_factory(None, org_id='5f00000000000000000000aa')
    answer = requests.get(named.url + '/api/organizations', headers={'x-api-key': API_KEY,
                                                                     'x-org-id': '5f00000000000000000000aa'},
                          timeout=10).json()
    assert [o['_id'] for o in answer['results']] == ['5f00000000000000000000aa']


def test_the_organisations_need_the_key(fake_factory):
    fake = fake_factory(None)
    assert requests.get(fake.url + '/api/organizations', timeout=10).status_code == 401


def test_the_write_log_holds_every_write_and_no_read(fake):
    uid = fake.org.snapshot()['users'][0]['id']
    requests.post(fake.url + '/__fake__/reset-stats', timeout=10)
    get(fake, '/api/systemusers/%s' % uid)
    requests.put(fake.url + '/api/systemusers/%s' % uid, json={'jobTitle': 'Logged'},
                 headers={'x-api-key': API_KEY}, timeout=10)
    log = requests.get(fake.url + '/__fake__/stats', timeout=10).json()['write_log']
    assert log == [{'method': 'PUT', 'path': '/api/systemusers/%s' % uid, 'body': {'jobTitle': 'Logged'}}]
