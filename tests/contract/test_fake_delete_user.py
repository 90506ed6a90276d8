"""DELETE /api/systemusers/{id} in the fake: the v1 spec's answer (the user as it was, ``systemuserreturn``), its
``cascade_manager`` query parameter (spec code samples; JumpCloud's Remove-JCUser.ps1 sends ``null`` or a user id),
and that the user's group memberships, device bindings and LDAP bindings go with it."""
import pytest
import requests

from testenv import API_KEY
from fake_jumpcloud.schemas import SCHEMAS

SEED = {
    'users': [{'username': 'boss', 'email': 'boss@example.com'},
              {'username': 'lead', 'email': 'lead@example.com'},
              {'username': 'dev', 'email': 'dev@example.com'},
              {'username': 'ops', 'email': 'ops@example.com'}],
    'groups': [{'name': 'Engineering', 'members': ['lead', 'dev']}],
    'systems': [{'hostname': 'host-a', 'users': [{'username': 'lead', 'sudo': True}, {'username': 'dev',
                                                                                      'sudo': False}]}],
    'ldapservers': [{'name': 'ldap-1', 'users': ['lead']}],
}


@pytest.fixture
def fake(fake_factory):
    fake = fake_factory(SEED)
    ids = dict((u['username'], u['_id']) for u in fake.org.users.values())
    with fake.org.lock:
        fake.org.users[ids['lead']]['manager'] = ids['boss']
        fake.org.users[ids['dev']]['manager'] = ids['lead']
        fake.org.users[ids['ops']]['manager'] = ids['lead']
    fake.ids = ids
    return fake


def delete(fake, uid, **query):
    return requests.delete(fake.url + '/api/systemusers/' + uid, params=query, headers={'x-api-key': API_KEY},
                           timeout=10)


def manager_of(fake, username):
    return fake.org.users[fake.ids[username]].get('manager')


def test_a_deleted_user_is_answered_as_it_was_and_its_memberships_and_bindings_go_with_it(fake):
    lead = fake.ids['lead']
    answer = delete(fake, lead, cascade_manager='null')
    assert answer.status_code == 200, answer.text
    assert SCHEMAS.problems('DELETE /api/systemusers/{id}', 'response', answer.json()) == []
    assert answer.json()['username'] == 'lead'
    assert lead not in fake.org.users
    assert all(lead not in members for members in fake.org.group_members.values())
    assert all(lead not in users for users in fake.org.system_users.values())
    assert all(lead not in users for users in fake.org.ldap_users.values())
    # the other members and bindings are left as they were
    assert fake.ids['dev'] in fake.org.group_members[next(iter(fake.org.groups))]
    assert delete(fake, lead).status_code == 404


def test_cascade_manager_null_clears_the_reports_manager(fake):
    assert delete(fake, fake.ids['lead'], cascade_manager='null').status_code == 200
    assert manager_of(fake, 'dev') is None and manager_of(fake, 'ops') is None
    assert manager_of(fake, 'boss') is None


def test_cascade_manager_a_user_id_becomes_the_reports_manager(fake):
    assert delete(fake, fake.ids['lead'], cascade_manager=fake.ids['boss']).status_code == 200
    assert manager_of(fake, 'dev') == fake.ids['boss'] and manager_of(fake, 'ops') == fake.ids['boss']


def test_without_cascade_manager_the_reports_keep_pointing_at_the_deleted_user(fake):
    lead = fake.ids['lead']
    assert delete(fake, lead).status_code == 200
    assert manager_of(fake, 'dev') == lead


@pytest.mark.parametrize('value', ['automatic', 'Automatic', '', 'self', 'f' * 24])
def test_any_other_cascade_manager_is_refused_and_nothing_is_deleted(fake, value):
    lead = fake.ids['lead']
    value = lead if value == 'self' else value
    answer = delete(fake, lead, cascade_manager=value)
    assert answer.status_code == 400, answer.text
    assert lead in fake.org.users and manager_of(fake, 'dev') == lead
