"""The fake's search by id keeps to the one form shown to work on real organisations: {"_id": {"$eq": id}}
(JumpCloud's PowerShell module, Convert-JCUserToID.ps1, exercised by its Set-JCUser tests), alone, in an
"and" or in an "or" of many; a bare id string is not taken to equal a stored id and finds nothing."""
import requests

from testenv import API_KEY


def search(fake, what, search_filter):
    response = requests.post('%s/api/search/%s' % (fake.url, what), headers={'x-api-key': API_KEY}, timeout=10,
                             json={'filter': search_filter, 'fields': 'username hostname', 'limit': 1000})
    assert response.status_code == 200, response.text
    return response.json()


def ids(fake, table):
    return sorted(getattr(fake.org, table))


def test_an_id_is_found_by_eq_alone_in_an_and_and_in_an_or_of_many(fake):
    users, systems = ids(fake, 'users'), ids(fake, 'systems')
    one = search(fake, 'systemusers', {'and': [{'_id': {'$eq': users[3]}}]})
    assert one['totalCount'] == 1 and one['results'][0]['_id'] == users[3]
    assert search(fake, 'systemusers', {'_id': {'$eq': users[4]}})['results'][0]['_id'] == users[4]
    conditions = [{'_id': {'$eq': sid}} for sid in systems[:5]] + [{'_id': {'$eq': 'f' * 24}}]
    many = search(fake, 'systems', {'or': conditions})
    assert sorted(s['_id'] for s in many['results']) == systems[:5]


def test_a_bare_id_string_finds_nothing(fake):
    users, systems = ids(fake, 'users'), ids(fake, 'systems')
    assert search(fake, 'systemusers', {'or': [{'_id': uid} for uid in users[:3]]})['totalCount'] == 0
    assert search(fake, 'systems', {'_id': systems[0]})['totalCount'] == 0
    # other fields keep matching a bare value
    name = fake.org.users[users[0]]['username']
    assert search(fake, 'systemusers', {'or': [{'username': name}]})['totalCount'] == 1
