"""The fake's bulk jobs where the evidence is thin: a job leaves the fields JumpCloud's own bulk tests leave out
(state, suspended, alternateEmail, the MFA fields) as they were, and a mode whose results do not say which user
each is about (the spec does not say one does), set through the control endpoint like every other fault."""
import requests

from testenv import API_KEY
from fake_jumpcloud.schemas import SCHEMAS
from fake_jumpcloud.store import BULK_IGNORED_FIELDS

HEADERS = {'x-api-key': API_KEY}


def patch(fake, body):
    answer = requests.patch(fake.url + '/api/v2/bulk/users', params={'suppressEmail': 'true'}, json=body,
                            headers=HEADERS, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()['jobId']


def results(fake, job):
    answer = requests.get(fake.url + '/api/v2/bulk/users/%s/results' % job, params={'limit': 100}, headers=HEADERS,
                          timeout=10)
    assert answer.status_code == 200, answer.text
    assert SCHEMAS.problems('GET /api/v2/bulk/users/{id}/results', 'response', answer.json()) == []
    return answer.json()


def stored(fake):
    return dict((u['id'], u) for u in fake.org.snapshot()['users'])


def test_a_job_takes_but_leaves_alone_the_fields_jumpclouds_bulk_tests_leave_out(fake_factory, small_org):
    fake = fake_factory(seed=small_org, bulk_polls_before_results=0)
    uid = fake.org.snapshot()['users'][0]['id']
    before = stored(fake)[uid]
    job = patch(fake, [{'id': uid, 'jobTitle': 'Leaver', 'state': 'SUSPENDED', 'suspended': True,
                        'alternateEmail': 'alt.leaver@example.com', 'enable_user_portal_multifactor': True,
                        'mfa': {'exclusion': True, 'exclusionUntil': '2027-01-01T00:00:00Z'}}])
    (result,) = results(fake, job)
    assert result['status'] == 'finished'       # a job does not say it ignored them
    after = stored(fake)[uid]
    assert after['jobTitle'] == 'Leaver'
    for field in sorted(BULK_IGNORED_FIELDS):
        assert after.get(field) == before.get(field), field
    assert set(result['persistedFields']) == {'id', 'jobTitle'}
    assert BULK_IGNORED_FIELDS == {'state', 'suspended', 'alternateEmail', 'mfa', 'enable_user_portal_multifactor'}


def test_a_put_still_applies_those_fields(fake_factory, small_org):
    fake = fake_factory(seed=small_org)
    uid = fake.org.snapshot()['users'][0]['id']
    answer = requests.put(fake.url + '/api/systemusers/%s' % uid, headers=HEADERS, timeout=10,
                          json={'state': 'SUSPENDED', 'suspended': True, 'alternateEmail': 'alt.leaver@example.com'})
    assert answer.status_code == 200, answer.text
    after = stored(fake)[uid]
    assert (after['state'], after['alternateEmail']) == ('SUSPENDED', 'alt.leaver@example.com')


def test_results_may_name_no_user_once_configured_so(fake_factory, small_org):
    fake = fake_factory(seed=small_org, bulk_polls_before_results=0)
    users = fake.org.snapshot()['users']
    control = requests.post(fake.url + '/__fake__/config', json={'bulk_results_name_users': False}, timeout=10)
    assert control.status_code == 204
    job = patch(fake, [{'id': users[0]['id'], 'jobTitle': 'One'},
                       {'id': users[1]['id'], 'email': users[0]['email']},          # taken: fails
                       {'id': users[2]['id'], 'department': 'Ops'}])
    got = results(fake, job)
    assert [r['status'] for r in got] == ['finished', 'failed', 'finished']
    assert all('id' not in r['persistedFields'] and users[n]['id'] not in repr(r) for n, r in enumerate(got))
    assert stored(fake)[users[0]['id']]['jobTitle'] == 'One' and stored(fake)[users[2]['id']]['department'] == 'Ops'
    # by default each result names its user in persistedFields.id, as before
    requests.post(fake.url + '/__fake__/config', json={'bulk_results_name_users': True}, timeout=10)
    job = patch(fake, [{'id': users[0]['id'], 'jobTitle': 'Two'}])
    assert results(fake, job)[0]['persistedFields']['id'] == users[0]['id']
