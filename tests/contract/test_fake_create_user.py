"""POST /api/systemusers in the fake: what the v1 spec requires (``systemuserputpost``: username and email), the
uniqueness rules it shares with a PUT (username, email and employeeIdentifier; an email held in another
organisation answers 409), what the created user looks like (no password, STAGED allowed, the org's default
state otherwise), and that searches find the new user at once."""
import pytest
import requests

from testenv import API_KEY
from fake_jumpcloud.schemas import SCHEMAS

SEED = {'users': [{'username': 'alice', 'email': 'alice@example.com', 'employeeIdentifier': 'E1'}],
        'foreign_emails': ['taken@elsewhere.example']}
NEW = {'username': 'new.hire', 'email': 'new.hire@example.com', 'firstname': 'New', 'lastname': 'Hire'}


@pytest.fixture
def fake(fake_factory):
    return fake_factory(SEED)


def post(fake, body):
    return requests.post(fake.url + '/api/systemusers', json=body, headers={'x-api-key': API_KEY}, timeout=10)


def search(fake, **condition):
    answer = requests.post(fake.url + '/api/search/systemusers', json={'filter': condition, 'limit': 10},
                           headers={'x-api-key': API_KEY}, timeout=10)
    assert answer.status_code == 200
    return answer.json()


def test_a_created_user_is_answered_whole_without_its_password_and_found_by_searches(fake):
    answer = post(fake, dict(NEW, password='S3cret!pw', attributes=[{'name': 'team', 'value': 'red'}],
                             phoneNumbers=[{'type': 'mobile', 'number': '+1 555 0100'}]))
    assert answer.status_code == 200, answer.text
    user = answer.json()
    assert SCHEMAS.problems('POST /api/systemusers', 'response', user) == []
    assert user['_id'] == user['id'] and len(user['_id']) == 24
    assert (user['username'], user['email'], user['firstname'], user['lastname']) == \
        ('new.hire', 'new.hire@example.com', 'New', 'Hire')
    assert 'password' not in user and 'S3cret!pw' not in answer.text
    assert user['attributes'] == [{'name': 'team', 'value': 'red'}]
    assert user['phoneNumbers'][0]['number'] == '+1 555 0100' and user['phoneNumbers'][0]['id']
    assert user['state'] == 'ACTIVATED'          # the org's default for users created by hand
    assert fake.org.password_sets[user['_id']] == 1
    found = search(fake, username='new.hire')
    assert found['totalCount'] == 1 and found['results'][0]['_id'] == user['_id']


def test_state_may_be_staged_on_creation_and_the_org_default_applies_without_one(fake):
    staged = post(fake, dict(NEW, state='STAGED')).json()
    assert (staged['state'], staged['activated'], staged['suspended']) == ('STAGED', False, False)
    fake.org.new_user_state = 'STAGED'
    other = post(fake, dict(NEW, username='second', email='second@example.com')).json()
    assert other['state'] == 'STAGED'
    assert post(fake, dict(NEW, username='third', email='third@example.com', state='DELETED')).status_code == 400


@pytest.mark.parametrize('missing', ['username', 'email'])
def test_username_and_email_are_required(fake, missing):
    body = dict(NEW)
    del body[missing]
    answer = post(fake, body)
    assert answer.status_code == 400 and missing in answer.json()['message']
    assert post(fake, dict(NEW, **{missing: ''})).status_code == 400
    assert search(fake, username='new.hire')['totalCount'] == 0


@pytest.mark.parametrize('field, value, status', [
    ('username', 'alice', 400),
    ('email', 'ALICE@example.com', 400),                  # emails are unique without regard to case
    ('employeeIdentifier', 'E1', 400),
    ('email', 'taken@elsewhere.example', 409),            # held by a user of another organisation
])
def test_a_value_another_user_holds_is_refused_and_nothing_is_created(fake, field, value, status):
    answer = post(fake, dict(NEW, **{field: value}))
    assert answer.status_code == status, answer.text
    assert answer.json()['message'] == 'Already Exists' if status == 409 else 'already exists' in answer.json()['message']
    assert len(fake.org.users) == 1


def test_what_a_put_refuses_a_post_refuses_too(fake):
    manager = search(fake, username='alice')['results'][0]['_id']
    assert post(fake, dict(NEW, manager=manager)).status_code == 200
    for extra in ({'manager': 'f' * 24}, {'unix_uid': 0}, {'attributes': [{'name': 'has space', 'value': 'v'}]},
                  {'addresses': [{'type': 'home', 'id': 'a' * 24}]}, {'alternateEmail': 'alice@example.com'},
                  {'password_expired': True}, {'email': 'not-an-email'}):
        body = dict(NEW, username='other', email='other@example.com')
        body.update(extra)
        assert post(fake, body).status_code == 400, extra
    assert search(fake, username='other')['totalCount'] == 0
