"""The fake answers writes as JumpCloud does when they conflict, are refused, land behind a
gateway error, or are read back before JumpCloud has applied them."""
import pytest
import requests

from testenv import API_KEY


@pytest.fixture
def api(fake):
    session = requests.Session()
    session.headers['x-api-key'] = API_KEY
    session.base = fake.url
    return session


def call(api, method, path, **kwargs):
    return api.request(method, api.base + path, timeout=10, **kwargs)


def ids(fake):
    state = fake.org.snapshot()
    return state['users'][0]['id'], state['users'][1]['id'], state['systems'][0]['id'], \
        state['groups'][0]['id'], state['ldapservers'][0]['id']


def configure(fake, **values):
    response = requests.post(fake.url + '/__fake__/config', json=values, timeout=10)
    assert response.status_code == 204, response.text


def test_an_email_held_in_another_organisation_makes_the_put_answer_409(api, fake):
    uid = ids(fake)[0]
    fake.org.foreign_emails.add('taken@elsewhere.example')
    # no read of this organisation shows that user
    found = call(api, 'POST', '/api/search/systemusers', json={'filter': {'email': 'taken@elsewhere.example'}})
    assert found.status_code == 200 and found.json()['totalCount'] == 0
    before = call(api, 'GET', '/api/systemusers/%s' % uid).json()
    response = call(api, 'PUT', '/api/systemusers/%s' % uid, json={'email': 'Taken@Elsewhere.example', 'jobTitle': 'X'})
    assert response.status_code == 409 and response.json() == {'message': 'Already Exists'}
    assert call(api, 'GET', '/api/systemusers/%s' % uid).json() == before       # nothing of the PUT was applied
    assert call(api, 'PUT', '/api/systemusers/%s' % uid, json={'email': 'free@example.com'}).status_code == 200


def test_a_seed_names_emails_of_other_organisations(fake_factory, small_org):
    fake = fake_factory(dict(small_org, foreign_emails=['Other@Org.example']))
    assert fake.org.foreign_emails == {'other@org.example'}


def test_a_write_can_be_applied_and_still_answer_a_gateway_error(api, fake):
    uid, other, sid, gid, lid = ids(fake)
    configure(fake, fault_rate=1.0, fault_kinds=['502'], fault_after_write=1.0)
    add = {'op': 'add', 'type': 'user', 'id': other}
    assert call(api, 'POST', '/api/v2/usergroups/%s/members' % gid, json=add).status_code == 502
    assert other in fake.org.group_members[gid]                                 # applied all the same
    assert call(api, 'PUT', '/api/systemusers/%s' % uid, json={'jobTitle': 'Landed'}).status_code == 502
    assert fake.org.users[uid]['jobTitle'] == 'Landed'
    # reads are never applied-then-failed: they just fail
    assert call(api, 'GET', '/api/systemusers/%s' % uid).status_code == 502
    configure(fake, fault_rate=0.0)
    again = call(api, 'POST', '/api/v2/usergroups/%s/members' % gid, json=add)
    assert again.status_code == 409 and again.json() == {'message': 'Already Exists'}


def test_a_dropped_connection_can_come_after_the_write_was_applied(api, fake):
    uid = ids(fake)[0]
    configure(fake, fault_rate=1.0, fault_kinds=['drop'], fault_after_write=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(api, 'PUT', '/api/systemusers/%s' % uid, json={'jobTitle': 'Dropped'})
    assert fake.org.users[uid]['jobTitle'] == 'Dropped'


def test_a_read_only_key_reads_but_every_write_answers_403(api, fake):
    uid, other, sid, gid, lid = ids(fake)
    configure(fake, read_only_after_writes=0)
    before = fake.org.snapshot()
    assert call(api, 'GET', '/api/systemusers', params={'limit': 5}).status_code == 200
    assert call(api, 'POST', '/api/search/systemusers', json={'limit': 5}).status_code == 200
    add = {'op': 'add', 'type': 'user', 'id': other}
    for method, path, body in [('PUT', '/api/systemusers/%s' % uid, {'jobTitle': 'No'}),
                               ('POST', '/api/v2/usergroups/%s/members' % gid, add),
                               ('POST', '/api/v2/systems/%s/associations' % sid, add),
                               ('POST', '/api/v2/ldapservers/%s/associations' % lid, add)]:
        response = call(api, method, path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json()['message'].startswith('Forbidden: ')
    assert fake.org.snapshot() == before


def test_a_key_can_lose_its_write_rights_after_some_writes(api, fake):
    uid = ids(fake)[0]
    configure(fake, read_only_after_writes=2)
    statuses = [call(api, 'PUT', '/api/systemusers/%s' % uid, json={'jobTitle': 'T%d' % i}).status_code
                for i in range(4)]
    assert statuses == [200, 200, 403, 403]
    assert fake.org.users[uid]['jobTitle'] == 'T1'


def edges(api, uid, sid, gid, lid):
    """Which of the six reads that could show the new user's edges do show them."""
    def read(path, **params):
        return call(api, 'GET', path, params=dict(params, limit=100)).json()
    return {
        'members': any(e['to']['id'] == uid for e in read('/api/v2/usergroups/%s/members' % gid)),
        'memberof': any(e['id'] == gid for e in read('/api/v2/users/%s/memberof' % uid)),
        'system': any(e['to']['id'] == uid for e in read('/api/v2/systems/%s/associations' % sid, targets='user')),
        'user-system': any(e['to']['id'] == sid for e in read('/api/v2/users/%s/associations' % uid, targets='system')),
        'ldap': any(e['to']['id'] == uid for e in read('/api/v2/ldapservers/%s/associations' % lid, targets='user')),
        'user-ldap': any(e['to']['id'] == lid
                         for e in read('/api/v2/users/%s/associations' % uid, targets='ldap_server')),
    }


def fresh_user(fake, sid, gid, lid):
    """A user in none of the group, device and LDAP server."""
    with fake.org.lock:
        return next(u for u in fake.org.users if u not in fake.org.group_members[gid]
                    and u not in fake.org.system_users[sid] and u not in fake.org.ldap_users[lid])


def test_new_memberships_and_bindings_are_read_back_late_with_a_read_lag(api, fake):
    dummy, dummy2, sid, gid, lid = ids(fake)
    uid = fresh_user(fake, sid, gid, lid)
    configure(fake, association_read_lag=2)
    add = {'op': 'add', 'type': 'user', 'id': uid}
    assert call(api, 'POST', '/api/v2/usergroups/%s/members' % gid, json=add).status_code == 204
    assert call(api, 'POST', '/api/v2/systems/%s/associations' % sid, json=dict(add, attributes={
        'sudo': {'enabled': True, 'withoutPassword': False}})).status_code == 204
    assert call(api, 'POST', '/api/v2/ldapservers/%s/associations' % lid, json=add).status_code == 204
    # each edge is left out of the next two reads that would show it, from either side
    assert edges(api, uid, sid, gid, lid) == dict.fromkeys(['members', 'memberof', 'system', 'user-system', 'ldap',
                                                            'user-ldap'], False)
    assert edges(api, uid, sid, gid, lid) == dict.fromkeys(['members', 'memberof', 'system', 'user-system', 'ldap',
                                                            'user-ldap'], True)
    # the write side knows at once: a second add answers 409
    again = call(api, 'POST', '/api/v2/usergroups/%s/members' % gid, json=add)
    assert again.status_code == 409 and again.json() == {'message': 'Already Exists'}


def test_without_a_read_lag_a_new_edge_is_read_at_once(api, fake):
    dummy, dummy2, sid, gid, lid = ids(fake)
    uid = fresh_user(fake, sid, gid, lid)
    add = {'op': 'add', 'type': 'user', 'id': uid}
    call(api, 'POST', '/api/v2/usergroups/%s/members' % gid, json=add)
    call(api, 'POST', '/api/v2/systems/%s/associations' % sid, json=add)
    call(api, 'POST', '/api/v2/ldapservers/%s/associations' % lid, json=add)
    assert all(edges(api, uid, sid, gid, lid).values())


def test_the_answer_to_one_write_can_be_dropped_after_it_was_applied_once(api, fake):
    configure(fake, drop_answer_to=['new user dropped.hire'])
    body = {'username': 'dropped.hire', 'email': 'dropped.hire@example.com'}
    with pytest.raises(requests.exceptions.ConnectionError):
        call(api, 'POST', '/api/systemusers', json=body)
    assert [u['username'] for u in fake.org.users.values()].count('dropped.hire') == 1     # created all the same
    # once only: the next write to it is answered, and other writes never were touched
    assert fake.config.drop_answer_to == ()
    assert call(api, 'POST', '/api/systemusers', json=body).status_code == 400        # it exists now
