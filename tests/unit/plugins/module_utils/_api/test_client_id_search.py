"""Searches by id send {"_id": {"$eq": id}}, the form JumpCloud's PowerShell module sends on real organisations
(Convert-JCUserToID.ps1): devices named by id are found by one search (no per-device read), and the usernames of
current managers are found by id."""
from concurrent.futures import ThreadPoolExecutor

from testenv import API_KEY
from playbook import fake_stats, reset_stats
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import state as _state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import id_condition


def client_of(fake):
    return JumpCloudClient(api_key=API_KEY, base_url=fake.url)


def test_the_id_condition_is_the_references():
    assert id_condition('5f0000000000000000000001') == {'_id': {'$eq': '5f0000000000000000000001'}}


def test_devices_named_by_id_are_found_by_one_search(fake):
    systems = sorted(fake.org.systems)
    reset_stats(fake)
    found = _state.read_systems(client_of(fake), systems[:5] + ['f' * 24])
    assert sorted(s['_id'] for s in found) == systems[:5]
    routes = fake_stats(fake)['by_route']
    # one search found all five; only the id that does not exist is read on its own
    assert routes.get('POST /api/search/systems') == 1
    assert routes.get('GET /api/systems/{id}') == 1


def test_users_are_found_by_id(fake):
    users = sorted(fake.org.users)
    with ThreadPoolExecutor(2) as pool:
        found = list(_state._search_users(client_of(fake), pool, [('_id', uid) for uid in users[:3]], '_id username'))
    assert sorted(u['_id'] for u in found) == users[:3]
