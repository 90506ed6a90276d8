"""Deleting one user: the DELETE with its cascade_manager, never sent in check mode; a 404 to a DELETE sent again
after a 5xx is the earlier attempt's doing (deleted), a 404 to the first attempt a user gone already (absent)."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Desired, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import plan_delete
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import row_result, user_diff
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.whole_record import whole_record

from doubles import Directory

UID = '5f0000000000000000000001'
BOSS = '5f0000000000000000000009'
PATH = '/api/systemusers/%s' % UID


def delete_plan(cascade=None):
    desired = Desired(2)
    desired.username, desired.delete, desired.cascade_manager = 'bob', True, cascade
    user = {'_id': UID, 'username': 'bob', 'state': 'SUSPENDED', 'manager': BOSS,
            'attributes': [{'name': 'badge', 'value': '42'}]}
    facts = UserFacts()
    facts.whole_record = whole_record(user, [{'id': 'g1', 'name': 'Ops'}], [], [], {BOSS: 'boss'}, [])
    return plan_delete(desired, {'_id': UID, 'username': 'bob'}, facts)


def client(*answers):
    return Directory([{'_id': UID, 'username': 'bob'}], answers={('DELETE', PATH): list(answers)})


def test_the_delete_carries_cascade_manager_and_the_row_is_deleted():
    directory = client()
    outcome = Applier(directory, check_mode=False).apply_one(delete_plan(BOSS))
    assert directory.writes == [('DELETE', PATH, {'cascade_manager': BOSS}, True)]
    assert (outcome.status, outcome.changed, outcome.failed) == ('deleted', True, False)
    assert directory.users == []


def test_cascade_manager_null_is_sent_as_the_word_null():
    directory = client()
    Applier(directory, check_mode=False).apply_one(delete_plan('null'))
    assert directory.writes == [('DELETE', PATH, {'cascade_manager': 'null'}, True)]


def test_check_mode_sends_nothing_and_would_delete():
    directory = client()
    outcome = Applier(directory, check_mode=True).apply_one(delete_plan('null'))
    assert directory.writes == []
    assert (outcome.status, outcome.changed) == ('would_delete', True)


@pytest.mark.parametrize('resent, status, changed', [(True, 'deleted', True), (False, 'absent', False)])
def test_a_404_is_deleted_after_a_retry_and_absent_at_the_first_attempt(resent, status, changed):
    outcome = Applier(client(JumpCloudError('Not Found', status=404, resent=resent)), check_mode=False).apply_one(
        delete_plan())
    assert (outcome.status, outcome.changed, outcome.failed) == (status, changed, False)


def test_a_refused_delete_fails_its_row_with_the_apis_words():
    outcome = Applier(client(JumpCloudError('Bad Request: no', status=400)), check_mode=False).apply_one(delete_plan())
    assert (outcome.status, outcome.changed) == ('failed', False)
    assert outcome.errors == ['delete: Bad Request: no']


def test_a_delete_without_answer_may_have_landed_and_counts_as_a_change():
    lost = JumpCloudError('no answer', status=None, outcome_unknown=True)
    outcome = Applier(client(lost), check_mode=False).apply_one(delete_plan())
    assert (outcome.status, outcome.changed) == ('failed', True)


def test_the_diff_is_the_whole_record_going_away_and_the_plan_keeps_it():
    plan = delete_plan('null')
    outcome = Applier(client(), check_mode=False).apply_one(plan)
    diff = user_diff(outcome)
    assert diff['after'] == {} and diff['before'] == plan.whole_record
    assert diff['before']['manager'] == {'id': BOSS, 'username': 'boss'}
    assert diff['before']['groups'] == [{'id': 'g1', 'name': 'Ops'}]
    assert diff['before']['attributes'] == [{'name': 'badge', 'value': '42'}]
    result = row_result(plan.desired, UID, outcome, 'users.csv')
    assert (result['status'], result['changed_fields']) == ('deleted', [])


def test_a_plan_without_the_whole_record_is_refused():
    desired = Desired(2)
    desired.username, desired.delete = 'bob', True
    with pytest.raises(ValueError):
        plan_delete(desired, {'_id': UID}, UserFacts())
