"""One user's writes: in order, each outcome recorded; a 409 to an add is "present", a write that timed out
holds back the user's others, a refused key stops the run, and an unexpected exception fails that user alone."""
import datetime

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier, Call, Outcome
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import UserPlan, plan_user, sudo_attributes
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import row_result
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

from doubles import DONE, Directory


def test_an_unexpected_exception_fails_the_user_and_keeps_the_writes_done():
    plan = UserPlan(None, {'_id': '5f0000000000000000000001'})
    plan.set_field('jobTitle', 'Old', 'New')
    plan.groups.append({'name': 'Finance', 'id': '5f00000000000000000000aa', 'action': 'add'})
    members = ('POST', '/api/v2/usergroups/5f00000000000000000000aa/members')
    client = Directory([{'_id': '5f0000000000000000000001'}], answers={members: [ValueError('a value from the record: Z9-PRIVATE')]})
    outcome = Applier(client, check_mode=False).apply_one(plan)
    assert [w[:2] for w in client.writes] == [('PUT', '/api/systemusers/5f0000000000000000000001'), members]
    assert outcome.changed and outcome.fields_written and outcome.status == 'failed'
    assert outcome.groups == [{'name': 'Finance', 'id': '5f00000000000000000000aa', 'status': 'failed'}]
    assert outcome.errors == ['internal error: ValueError; nothing more was written for this user']
    assert 'Z9-PRIVATE' not in repr(outcome.errors)


# -- the rules of each write, with a client that answers as scripted --------------------------------

UID = '5f0000000000000000000001'
GID = '5f00000000000000000000a1'
SID = '5f00000000000000000000b1'
LID = '5f00000000000000000000d1'


def scripted(answers=None, edges=None, members=(), bindings=()):
    """The directory holding the user, its writes answered as scripted first; ``edges``: what a read of the
    user's device bindings answers (a JumpCloudError: the read fails)."""
    users = [{'_id': UID, 'jobTitle': 'Old'}, {'_id': '5f0000000000000000000002', 'jobTitle': 'Old'}]
    if isinstance(edges, JumpCloudError):
        return Directory(users, members=members, bindings=bindings, answers=answers, listing_error=edges)
    bindings = dict(bindings)
    bindings.update(((e['to']['id'], UID), e['attributes']) for e in edges or [])
    return Directory(users, members=members, bindings=bindings, answers=answers)


def error(status, message='refused', **kwargs):
    return JumpCloudError(message, status=status, **kwargs)


def user_plan(body=True, groups=(), system=None, ldap=None, uid=UID):
    plan = UserPlan(None, {'_id': uid})
    if body:
        plan.set_field('jobTitle', 'Old', 'New')
    for name, action in groups:
        plan.groups.append({'name': name, 'id': GID if name == 'Finance' else name, 'action': action})
    plan.system = system
    plan.ldap = ldap
    return plan


def system(action, administrator=True):
    attributes = None if administrator is None else sudo_attributes(administrator)
    return {'id': SID, 'action': action, 'attributes': attributes, 'sudo': bool(administrator)}


PUT = ('PUT', '/api/systemusers/%s' % UID)
MEMBERS = ('POST', '/api/v2/usergroups/%s/members' % GID)
BIND = ('POST', '/api/v2/systems/%s/associations' % SID)
LDAP_BIND = ('POST', '/api/v2/ldapservers/%s/associations' % LID)


def test_the_writes_of_a_user_go_in_order_with_their_bodies():
    client = scripted()
    plan = user_plan(groups=[('Finance', 'add'), ('Ops', 'present')], system=system('add'),
                     ldap={'id': LID, 'action': 'add'})
    outcome = Applier(client, check_mode=False).apply_one(plan)
    assert client.calls == [
        PUT + ({'jobTitle': 'New'},),
        MEMBERS + ({'op': 'add', 'type': 'user', 'id': UID},),
        BIND + ({'op': 'add', 'type': 'user', 'id': UID,
                 'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}},),
        LDAP_BIND + ({'op': 'add', 'type': 'user', 'id': UID},)]
    assert (outcome.status, outcome.changed, outcome.fields_written, outcome.errors) == ('updated', True, True, [])
    assert [g['status'] for g in outcome.groups] == ['added', 'present']
    assert outcome.system == {'id': SID, 'sudo': True, 'status': 'added'}
    assert outcome.ldap == {'id': LID, 'status': 'added'}


def test_before_any_write_each_operation_is_failed_until_done_or_present():
    # an operation never reached (an unexpected error before it) must not read as done
    plan = user_plan(groups=[('Finance', 'add'), ('Ops', 'present')], system=system('present'),
                     ldap={'id': LID, 'action': 'add'})
    outcome = Outcome(plan)
    assert [g['status'] for g in outcome.groups] == ['failed', 'present']
    assert outcome.system['status'] == 'present'
    assert outcome.ldap['status'] == 'failed'
    assert outcome.status == 'unchanged'


def test_nothing_to_write_sends_nothing():
    client = scripted()
    outcome = Applier(client, check_mode=False).apply_one(
        user_plan(body=False, groups=[('Ops', 'present')], system=system('present'), ldap={'id': LID, 'action': 'present'}))
    assert client.calls == []
    assert (outcome.status, outcome.changed) == ('unchanged', False)


def test_check_mode_sends_nothing_and_says_the_user_changes():
    client = scripted()
    outcome = Applier(client, check_mode=True).apply_one(user_plan(groups=[('Finance', 'add')], system=system('add')))
    assert client.calls == []
    assert outcome.changed is True
    assert outcome.errors == []
    assert outcome.status == 'would_update'
    assert outcome.groups[0]['status'] == 'would_add'
    assert outcome.system['status'] == 'would_add'


def test_a_409_to_an_add_means_present_and_after_a_resend_means_added():
    client = scripted({MEMBERS: [error(409, 'Already Exists')], LDAP_BIND: [error(409, 'Already Exists', resent=True)]})
    outcome = Applier(client, check_mode=False).apply_one(
        user_plan(body=False, groups=[('Finance', 'add')], ldap={'id': LID, 'action': 'add'}))
    assert outcome.groups[0]['status'] == 'present'
    assert outcome.ldap['status'] == 'added'           # the attempt before the resend landed
    assert outcome.errors == []
    assert outcome.changed is True
    assert outcome.status == 'updated'
    only_present = Applier(scripted({MEMBERS: [error(409, 'Already Exists')]}), check_mode=False).apply_one(
        user_plan(body=False, groups=[('Finance', 'add')]))
    assert (only_present.status, only_present.changed) == ('unchanged', False)


def test_a_409_to_the_user_put_is_a_refusal_that_says_why():
    client = scripted({PUT: [error(409, 'Conflict')]})
    outcome = Applier(client, check_mode=False).apply_one(user_plan(groups=[('Finance', 'add')]))
    assert outcome.status == 'failed'
    assert outcome.fields_written is False
    assert outcome.errors == ['update: Conflict (HTTP 409: JumpCloud refused the change; a value that must be unique, '
                              'such as the email, may belong to another user, possibly of another organisation)']
    # the user's other writes are still tried
    assert outcome.groups[0]['status'] == 'added'
    assert client.calls[-1][:2] == MEMBERS


def test_other_refusals_fail_the_operation_and_the_rest_is_still_tried():
    client = scripted({MEMBERS: [error(400, 'Bad Request: no')]})
    outcome = Applier(client, check_mode=False).apply_one(
        user_plan(groups=[('Finance', 'add')], ldap={'id': LID, 'action': 'add'}))
    assert outcome.groups[0]['status'] == 'failed'
    assert outcome.ldap['status'] == 'added'
    assert outcome.errors == ['group Finance: Bad Request: no']
    assert outcome.status == 'failed'
    assert outcome.changed is True


def test_after_a_write_timed_out_the_user_s_other_writes_are_held():
    client = scripted({PUT: [error(None, 'timed out', outcome_unknown=True)]})
    applier = Applier(client, check_mode=False)
    outcome = applier.apply_one(user_plan(groups=[('Finance', 'add')], system=system('add'),
                                          ldap={'id': LID, 'action': 'add'}))
    assert [c[:2] for c in client.calls] == [PUT]            # nothing sent over the write that may still run
    held = 'not sent: an earlier write of this user timed out; rerun to finish'
    assert outcome.errors == ['update: timed out', 'group Finance: ' + held, 'device %s: %s' % (SID, held),
                              'LDAP server %s: %s' % (LID, held)]
    assert outcome.groups[0]['status'] == 'failed'
    assert outcome.system['status'] == 'failed'
    assert outcome.ldap['status'] == 'failed'
    # other users go on
    assert not applier.abort.is_set()
    other = applier.apply_one(user_plan(uid='5f0000000000000000000002'))
    assert other.status == 'updated'


def test_a_refused_key_stops_the_run_and_the_other_users_are_not_attempted():
    client = scripted({PUT: [error(401, 'Unauthorized')]})
    applier = Applier(client, check_mode=False)
    first = applier.apply_one(user_plan(groups=[('Finance', 'add')]))
    assert applier.abort.is_set()
    assert applier.abort_reason == 'the run stopped after JumpCloud refused the API key (Unauthorized)'
    assert first.errors == ['update: Unauthorized', 'group Finance: not attempted: ' + applier.abort_reason]
    assert [c[:2] for c in client.calls] == [PUT]
    later = applier.apply_one(user_plan(uid='5f0000000000000000000002'))
    assert later.errors == ['update: not attempted: ' + applier.abort_reason]
    assert later.status == 'failed'
    assert len(client.calls) == 1


def test_a_403_before_any_write_succeeded_stops_the_run():
    applier = Applier(scripted({PUT: [error(403, 'Forbidden')]}), check_mode=False)
    outcome = applier.apply_one(user_plan())
    assert outcome.errors == ['update: Forbidden']
    assert applier.abort_reason == 'the run stopped after JumpCloud refused the first writes of this API key (Forbidden)'


def test_a_403_after_a_write_succeeded_fails_that_row_only():
    client = scripted({MEMBERS: [error(403, 'Forbidden')]})
    applier = Applier(client, check_mode=False)
    outcome = applier.apply_one(user_plan(groups=[('Finance', 'add')]))
    assert outcome.errors == ['group Finance: Forbidden']
    assert outcome.fields_written is True
    assert not applier.abort.is_set()
    assert applier.abort_reason is None


def test_a_403_after_a_409_fails_that_row_only():
    """A 409 shows the key may write: a 403 after it is about that change, not the key's role."""
    client = scripted({PUT: [error(409, 'Conflict: email already exists')], MEMBERS: [error(403, 'Forbidden')]})
    applier = Applier(client, check_mode=False)
    first = applier.apply_one(user_plan())
    assert first.errors[0].startswith('update: Conflict: email already exists')
    second = applier.apply_one(user_plan(uid='5f0000000000000000000002', body=False, groups=[('Finance', 'add')]))
    assert second.errors == ['group Finance: Forbidden']
    assert not applier.abort.is_set() and applier.abort_reason is None


def test_an_add_retried_after_it_landed_is_reported_added():
    client = scripted({BIND: [error(409, 'Already Exists', resent=True)]})
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('add', None)))
    assert outcome.system['status'] == 'added'
    assert outcome.changed is True
    assert outcome.errors == []


def test_a_binding_without_a_sudo_setting_found_existing_is_present():
    client = scripted({BIND: [error(409, 'Already Exists')]})
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('add', None)))
    assert outcome.system['status'] == 'present'
    assert [c[0] for c in client.calls] == ['POST']             # nothing read back: there is no setting to keep
    assert outcome.changed is False


def test_a_binding_found_existing_with_the_setting_asked_for_is_present():
    edges = [{'to': {'id': 'other'}, 'attributes': None},
             {'to': {'id': SID}, 'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}}]
    client = scripted({BIND: [error(409, 'Already Exists')]}, edges=edges)
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('add')))
    assert outcome.system['status'] == 'present'
    assert client.calls[1] == ('LIST', '/api/v2/users/%s/associations' % UID, {'targets': 'system'})
    assert len(client.calls) == 2
    assert outcome.changed is False


@pytest.mark.parametrize('edges', [[], [{'to': {'id': SID}, 'attributes': {'sudo': {'enabled': False}}}],
                                   JumpCloudError('Not Found', status=404)],
                         ids=['not readable yet', 'other setting', 'read fails'])
def test_a_binding_found_existing_otherwise_is_updated_to_the_setting(edges):
    client = scripted({BIND: [error(409, 'Already Exists'), DONE]}, edges=edges)
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('add')))
    assert client.calls[-1] == BIND + ({'op': 'update', 'type': 'user', 'id': UID,
                                        'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}},)
    assert outcome.system['status'] == 'updated'
    assert outcome.changed is True


def test_a_binding_update_that_fails_is_failed():
    client = scripted({BIND: [error(500, 'Internal Server Error')]})
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('update')))
    assert outcome.system['status'] == 'failed'
    assert outcome.errors == ['device %s: Internal Server Error' % SID]
    assert client.calls[0][2]['op'] == 'update'


@pytest.mark.parametrize('spelling,enabled', [('true', True), ('TRUE', True), ('yes', True), ('1', True),
                                              ('$true', True), ('false', False), ('No', False), ('0', False),
                                              ('$False', False)])
def test_each_administrator_spelling_binds_the_device_with_that_sudo_setting(spelling, enabled):
    table, problems = read_csv('users.csv', ('Username,SystemID,Administrator\nalice,%s,%s\n' % (SID, spelling)).encode())
    assert problems == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == []
    state = State()
    state.add_user({'_id': UID, 'username': 'alice'})
    state.systems[SID] = {'_id': SID}
    user = state.users_by_id[UID]
    plan = plan_user(desired, user, state.facts_for(desired, user), datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc))
    client = scripted()
    outcome = Applier(client, check_mode=False).apply_one(plan)
    assert client.calls == [BIND + ({'op': 'add', 'type': 'user', 'id': UID,
                                     'attributes': {'sudo': {'enabled': enabled, 'withoutPassword': False}}},)]
    assert row_result(desired, UID, outcome, 'users.csv')['system'] == {'id': SID, 'sudo': enabled, 'status': 'added'}


# -- removals -----------------------------------------------------------------------------------------

UNBIND = ('POST', '/api/v2/systems/%s/associations' % SID)


def removal_plan(groups=(('Finance', 'remove'),), remove_system='remove'):
    plan = user_plan(body=False, groups=groups)
    plan.remove_system = None if remove_system is None else {'id': SID, 'action': remove_system}
    return plan


def test_removals_are_sent_as_op_remove_and_report_removed():
    client = scripted(members=[(GID, UID)], bindings={(SID, UID): None})
    outcome = Applier(client, check_mode=False).apply_one(removal_plan(groups=[('Finance', 'remove'), ('Ops', 'absent')]))
    assert client.calls == [MEMBERS + ({'op': 'remove', 'type': 'user', 'id': UID},),
                            UNBIND + ({'op': 'remove', 'type': 'user', 'id': UID},)]
    assert [g['status'] for g in outcome.groups] == ['removed', 'absent']
    assert outcome.remove_system == {'id': SID, 'status': 'removed'}
    assert (outcome.status, outcome.changed) == ('updated', True)


def test_check_mode_says_would_remove_and_what_is_absent_costs_nothing():
    client = scripted()
    outcome = Applier(client, check_mode=True).apply_one(removal_plan())
    assert client.calls == []
    assert (outcome.groups[0]['status'], outcome.remove_system['status'], outcome.status) == \
        ('would_remove', 'would_remove', 'would_update')
    nothing = Applier(client, check_mode=False).apply_one(removal_plan(groups=[('Ops', 'absent')], remove_system='absent'))
    assert client.calls == []
    assert (nothing.groups[0]['status'], nothing.remove_system['status'], nothing.status) == ('absent', 'absent', 'unchanged')


def test_a_404_to_a_removal_means_absent_and_after_a_resend_means_removed():
    client = scripted({MEMBERS: [error(404, 'Not Found')], UNBIND: [error(404, 'Not Found', resent=True)]})
    outcome = Applier(client, check_mode=False).apply_one(removal_plan())
    assert outcome.groups[0]['status'] == 'absent'
    assert outcome.remove_system['status'] == 'removed'      # the attempt before the resend landed
    assert (outcome.errors, outcome.status) == ([], 'updated')


def test_a_404_to_an_add_and_other_refusals_of_a_removal_fail():
    client = scripted({MEMBERS: [error(404, 'Not Found')], UNBIND: [error(400, 'Bad Request: no')]})
    outcome = Applier(client, check_mode=False).apply_one(
        removal_plan(groups=[('Finance', 'add')]))
    assert (outcome.groups[0]['status'], outcome.remove_system['status']) == ('failed', 'failed')
    assert outcome.errors == ['group Finance: Not Found', 'unbind device %s: Bad Request: no' % SID]


def test_a_passwordless_binding_found_after_409_is_kept_not_downgraded():
    # bound with passwordless sudo meanwhile (or by a run whose add is not readable yet); the row says
    # Administrator=true, which passwordless sudo already is, as the plan compares it
    edges = [{'to': {'id': SID}, 'attributes': {'sudo': {'enabled': True, 'withoutPassword': True}}}]
    client = scripted({BIND: [error(409, 'Already Exists')]}, edges=edges)
    outcome = Applier(client, check_mode=False).apply_one(user_plan(body=False, system=system('add')))
    assert [c[0] for c in client.calls] == ['POST', 'LIST']     # no update: withoutPassword stays true
    assert outcome.system['status'] == 'present' and outcome.changed is False


def test_a_staged_user_is_activated_by_its_endpoint_with_the_email_flag_after_its_put():
    plan = user_plan()
    plan.activate = True
    for flag in (True, False):
        client = scripted()
        outcome = Applier(client, check_mode=False, activation_email=flag).apply_one(plan)
        assert client.calls == [PUT + ({'jobTitle': 'New'},),
                                ('POST', '/api/systemusers/%s/state/activate' % UID, {'email': flag})]
        assert (outcome.status, outcome.changed, outcome.errors) == ('updated', True, [])
    checked = scripted()
    assert Applier(checked, check_mode=True).apply_one(plan).status == 'would_update' and checked.calls == []


def test_an_activation_is_not_sent_after_its_put_failed_and_its_own_refusal_fails_the_row():
    plan = user_plan()
    plan.activate = True
    client = scripted({PUT: [error(400, 'Bad Request: nope')]})
    outcome = Applier(client, check_mode=False).apply_one(plan)
    assert [c[:2] for c in client.calls] == [PUT]
    assert outcome.errors == ['update: Bad Request: nope',
                              'activate: not sent: the update of this user failed; rerun to finish']
    alone = user_plan(body=False)
    alone.activate = True
    activate = ('POST', '/api/systemusers/%s/state/activate' % UID)
    refused = Applier(scripted({activate: [error(400, 'Bad Request: not STAGED')]}), check_mode=False).apply_one(alone)
    assert refused.status == 'failed' and refused.errors == ['activate: Bad Request: not STAGED']


@pytest.mark.parametrize('error, add, remove, answer', [
    (None, False, False, Call.DONE),
    (JumpCloudError('Already Exists', status=409), True, False, Call.EXISTS),
    (JumpCloudError('Already Exists', status=409, resent=True), True, False, Call.LANDED),
    (JumpCloudError('Not Found', status=404), False, True, Call.EXISTS),
    (JumpCloudError('Not Found', status=404, resent=True), False, True, Call.LANDED),
    (JumpCloudError('Already Exists', status=409), False, False, Call.FAILED),
    (JumpCloudError('Bad Request', status=400), True, False, Call.FAILED),
])
def test_a_write_answers_one_named_result(error, add, remove, answer):
    client = Directory(answers={('POST', '/p'): [error]})
    outcome = Outcome(UserPlan(None, {'_id': UID}))
    assert Applier(client, check_mode=False)._call(outcome, 'w', client.post, '/p', {}, idempotent=True,
                                                   add=add, remove=remove) is answer
    assert (outcome.errors != []) is (answer is Call.FAILED)
