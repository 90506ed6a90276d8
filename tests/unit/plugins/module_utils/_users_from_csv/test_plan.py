"""Planning is pure: desired plus current gives exactly the changes, and keeps everything else."""
import datetime

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import (
    MASK, merge_addresses, merge_attributes, merge_phones, plan_user)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
USER = {'_id': 'a' * 24, 'username': 'bob', 'jobTitle': 'Engineer', 'enable_user_portal_multifactor': False,
        'mfa': {'configured': False, 'exclusion': False},
        'addresses': [{'id': '1', 'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 1'}],
        'phoneNumbers': [{'id': '2', 'type': 'mobile', 'number': '1'}],
        'attributes': [{'name': 'a', 'value': '1'}]}


def plan(csv_text, user=None, update_password='always'):
    user = user or USER
    table, problems = read_csv('u.csv', csv_text.encode())
    assert problems == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == []
    state = State()
    state.add_user(dict(user))
    current = state.users_by_id[user['_id']]
    return plan_user(desired, current, state.facts_for(desired, current), NOW, update_password)


def test_only_changed_fields_are_sent():
    result = plan('Username,jobTitle,department\nbob,Engineer,Ops\n')
    assert result.body == {'department': 'Ops'}
    assert result.before == {'department': ''} and result.after == {'department': 'Ops'}


def test_mfa_switch_on_sets_the_window_from_enrollment_days():
    result = plan('Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,10\n')
    assert result.body == {'enable_user_portal_multifactor': True,
                           'mfa': {'exclusion': True, 'exclusionUntil': '2026-12-05T12:00:00Z'}}
    default = plan('Username,enable_user_portal_multifactor\nbob,yes\n')
    assert default.body['mfa']['exclusionUntil'] == '2026-12-02T12:00:00Z'


def test_password_is_masked_in_the_diff_and_skipped_with_never():
    result = plan('Username,Password\nbob,hunter2\n')
    assert result.body == {'password': 'hunter2'}
    assert result.before == {'password': MASK} and result.after == {'password': MASK}
    assert plan('Username,Password\nbob,hunter2\n', update_password='never').body == {}


def test_merges_keep_untouched_entries_exactly():
    merged, changed = merge_addresses(USER['addresses'], {'home': {'region': 'CO'}, 'work': {'locality': 'B'}})
    assert merged == [{'id': '1', 'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 1', 'region': 'CO'},
                      {'type': 'work', 'locality': 'B'}]
    assert changed == ['addresses.home.region', 'addresses.work.locality']
    merged, changed = merge_addresses(USER['addresses'], {'work': {'locality': CLEAR}})
    assert merged == USER['addresses'] and changed == []          # no empty work address is created
    merged, changed = merge_phones(USER['phoneNumbers'], {'mobile': '9', 'home': '3'})
    assert merged == [{'id': '2', 'type': 'mobile', 'number': '9'}, {'type': 'home', 'number': '3'}]
    merged, changed = merge_attributes(USER['attributes'], [('b', '2'), ('a', CLEAR)])
    assert merged == [{'name': 'b', 'value': '2'}] and changed == ['attributes.b', 'attributes.a']
    assert USER['addresses'][0] == {'id': '1', 'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 1'}


def test_nothing_to_do_when_values_match():
    result = plan('Username,jobTitle,home_city,mobile_number,Attribute1_name,Attribute1_value\n'
                  'bob,Engineer,Denver,1,a,1\n')
    assert result.body == {} and not result.has_changes


def test_custom_attribute_names_match_without_regard_to_case_and_keep_the_stored_spelling():
    stored = [{'name': 'Badge', 'value': '1'}, {'name': 'floor', 'value': '2'}]
    merged, changed = merge_attributes(stored, [('badge', '7'), ('FLOOR', '2')])
    assert merged == [{'name': 'Badge', 'value': '7'}, {'name': 'floor', 'value': '2'}]
    assert changed == ['attributes.Badge']
    merged, changed = merge_attributes(stored, [('BADGE', CLEAR)])
    assert merged == [{'name': 'floor', 'value': '2'}] and changed == ['attributes.Badge']
    # an exact name wins over its case twin
    twins = [{'name': 'Badge', 'value': '1'}, {'name': 'badge', 'value': '2'}]
    merged, changed = merge_attributes(twins, [('badge', '3')])
    assert merged == [{'name': 'Badge', 'value': '1'}, {'name': 'badge', 'value': '3'}]


def test_phone_and_address_types_match_without_regard_to_case():
    merged, changed = merge_phones([{'id': '1', 'type': 'Mobile', 'number': '1'}, {'type': 'home', 'number': '2'}],
                                   {'mobile': '9'})
    assert merged == [{'id': '1', 'type': 'mobile', 'number': '9'}, {'type': 'home', 'number': '2'}]
    assert changed == ['phoneNumbers.mobile']
    merged, changed = merge_phones([{'type': 'Mobile', 'number': '1'}], {'mobile': '1'})
    assert merged == [{'type': 'Mobile', 'number': '1'}] and changed == []       # nothing to write
    merged, changed = merge_addresses([{'id': '1', 'type': 'Work', 'locality': 'Paris', 'country': 'FR'}],
                                      {'work': {'locality': 'Lyon'}, 'home': {'locality': 'Nice'}})
    assert merged == [{'id': '1', 'type': 'work', 'locality': 'Lyon', 'country': 'FR'},
                      {'type': 'home', 'locality': 'Nice'}]
    assert changed == ['addresses.home.locality', 'addresses.work.locality']


def test_mfa_on_sends_only_the_window_not_the_stored_mfa():
    stored = dict(USER, mfa={'configured': True, 'exclusion': False, 'exclusionDays': 7, 'exclusionUntil': None})
    result = plan('Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,30\n', user=stored)
    assert result.body == {'enable_user_portal_multifactor': True,
                           'mfa': {'exclusion': True, 'exclusionUntil': '2026-12-25T12:00:00Z'}}
    assert result.before['mfa'] == {'exclusion': False, 'exclusionUntil': None}
    assert result.after['mfa'] == result.body['mfa']


def test_address_and_phone_entries_are_sent_without_their_ids():
    result = plan('Username,home_region,work_number\nbob,CO,5\n')
    assert result.body['addresses'] == [{'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 1',
                                         'region': 'CO'}]
    assert result.body['phoneNumbers'] == [{'type': 'mobile', 'number': '1'}, {'type': 'work', 'number': '5'}]
    assert result.before['phoneNumbers'] == [{'type': 'mobile', 'number': '1'}]
    assert USER['phoneNumbers'][0]['id'] == '2'                     # the user record is not changed


SID = 'c' * 24


def plan_binding(csv_tail, binding, user_fields=None, header='SystemID,Administrator'):
    """The plan of a row binding bob to device SID, his current binding being ``binding`` (None: unbound)."""
    table, problems = read_csv('u.csv', ('Username,%s\nbob,%s\n' % (header, csv_tail)).encode())
    assert problems == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == []
    state = State()
    state.add_user(dict(USER, **(user_fields or {})))
    if binding is not None:
        state.system_bindings[(SID, USER['_id'])] = binding
    current = state.users_by_id[USER['_id']]
    return plan_user(desired, current, state.facts_for(desired, current), NOW)


PASSWORDLESS = {'sudo': {'enabled': True, 'withoutPassword': True}}


def test_passwordless_sudo_satisfies_administrator_true():
    result = plan_binding('%s,true' % SID, PASSWORDLESS)
    assert result.system['action'] == 'present' and result.system['sudo'] is True
    assert not result.has_changes and 'system' not in result.after


def test_administrator_false_removes_passwordless_sudo_and_new_admins_need_a_password():
    result = plan_binding('%s,false' % SID, PASSWORDLESS)
    assert result.system['action'] == 'update'
    assert result.system['attributes'] == {'sudo': {'enabled': False, 'withoutPassword': False}}
    added = plan_binding('%s,true' % SID, None)
    assert added.system['attributes'] == {'sudo': {'enabled': True, 'withoutPassword': False}}
    raised = plan_binding('%s,true' % SID, {'sudo': {'enabled': False, 'withoutPassword': False}})
    assert raised.system['action'] == 'update'
    assert raised.system['attributes'] == {'sudo': {'enabled': True, 'withoutPassword': False}}


def test_user_level_sudo_makes_the_user_administrator_on_the_device():
    result = plan_binding('%s,false' % SID, {'sudo': {'enabled': True, 'withoutPassword': False}}, {'sudo': True})
    assert result.system['action'] == 'update'                 # the binding is set as the row asks
    assert result.system['attributes'] == {'sudo': {'enabled': False, 'withoutPassword': False}}
    assert result.system['sudo'] is True and result.system['global_sudo'] is True
    assert result.system['binding_sudo'] is False
    assert [(w.line, w.header, w.kind) for w in result.warnings] == [(2, 'Administrator', 'warning')]
    assert 'user-level sudo flag' in result.warnings[0].message
    assert result.after['system'] == {'id': SID, 'administrator': True, 'global_sudo': True, 'binding_sudo': False}
    assert result.before['system'] == {'id': SID, 'administrator': True, 'global_sudo': True, 'binding_sudo': True}
    unbound = plan_binding('%s,false' % SID, {}, {'sudo': True})
    assert unbound.system['action'] == 'present' and unbound.system['sudo'] is True and len(unbound.warnings) == 1
    blank = plan_binding('%s,' % SID, {}, {'sudo': True})
    assert blank.system['action'] == 'present' and blank.system['sudo'] is True and blank.warnings == []


def test_the_row_own_sudo_cell_decides_the_user_level_flag():
    cleared = plan_binding('%s,false,false' % SID, {}, {'sudo': True}, header='SystemID,Administrator,sudo')
    assert cleared.warnings == [] and cleared.system['sudo'] is False and 'global_sudo' not in cleared.system
    granted = plan_binding('%s,false,true' % SID, {}, None, header='SystemID,Administrator,sudo')
    assert granted.system['global_sudo'] is True and len(granted.warnings) == 1


def planned(csv_text, user, state_setup=None):
    """The plan of the first row of ``csv_text`` against ``user``, references checked as the flow does."""
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references
    table, problems = read_csv('u.csv', csv_text.encode())
    assert problems == []
    state = State()
    state.add_user(dict(user))
    state.add_user({'_id': 'b' * 24, 'username': 'alice', 'email': 'alice@example.com'})
    if state_setup:
        state_setup(state)
    desired = check_references(parse_rows(table, '__CLEAR__'), state)[0]
    assert desired.problems == []
    user = state.users_by_name[desired.username]
    return plan_user(desired, user, state.facts_for(desired, user), NOW)


def test_the_manager_is_set_cleared_or_left_as_it_is():
    set_ = planned('Username,manager\nbob,alice@example.com\n', USER)
    assert set_.body == {'manager': 'b' * 24}
    assert (set_.before, set_.after) == ({'manager': None}, {'manager': 'b' * 24})
    managed = dict(USER, manager='b' * 24)
    assert planned('Username,manager\nbob,alice\n', managed).body == {}
    assert planned('Username,manager\nbob,__CLEAR__\n', managed).body == {'manager': None}
    assert planned('Username,manager\nbob,__CLEAR__\n', USER).body == {}


def test_recovery_email_is_sent_as_an_object_and_compared_by_address():
    stored = dict(USER, recoveryEmail={'address': 'old@example.com', 'verified': True})
    result = planned('Username,recoveryEmail\nbob,new@example.com\n', stored)
    assert result.body == {'recoveryEmail': {'address': 'new@example.com'}}
    assert (result.before, result.after) == ({'recoveryEmail': 'old@example.com'}, {'recoveryEmail': 'new@example.com'})
    assert planned('Username,recoveryEmail\nbob,old@example.com\n', stored).body == {}
    assert planned('Username,recoveryEmail\nbob,__CLEAR__\n', USER).body == {}


def test_flags_and_unix_ids_change_only_when_they_differ():
    stored = dict(USER, sudo=True, unix_uid=5001)
    result = planned('Username,sudo,account_locked,unix_uid,unix_guid\nbob,true,false,5001,7002\n', stored)
    assert result.body == {'unix_guid': 7002}
    result = planned('Username,sudo,account_locked,unix_uid\nbob,false,yes,5002\n', stored)
    assert result.body == {'sudo': False, 'account_locked': True, 'unix_uid': 5002}
    assert result.before == {'sudo': True, 'account_locked': False, 'unix_uid': 5001}


def test_groups_and_the_ldap_server_are_added_unless_present():
    gid, lid = 'a1' * 12, 'd1' * 12

    def setup(state):
        state.groups['Finance'] = {'id': gid, 'name': 'Finance'}
        state.groups['Ops'] = {'id': 'a2' * 12, 'name': 'Ops'}
        state.group_members[('a2' * 12, USER['_id'])] = {}
        state.ldapservers[lid] = {'id': lid}
    result = planned('Username,Group1,Group2,ldapserver_id\nbob,finance,Ops,%s\n' % lid, USER, setup)
    assert result.groups == [{'name': 'Finance', 'id': gid, 'action': 'add'},
                             {'name': 'Ops', 'id': 'a2' * 12, 'action': 'present'}]
    assert result.ldap == {'id': lid, 'action': 'add'}
    assert result.before == {'groups': [], 'ldap_server': None}
    assert result.after == {'groups': ['Finance'], 'ldap_server': lid}
    assert result.has_changes

    def bound(state):
        setup(state)
        state.ldap_bindings.add((lid, USER['_id']))
    assert planned('Username,ldapserver_id\nbob,%s\n' % lid, USER, bound).ldap == {'id': lid, 'action': 'present'}


# -- the state cell: state and suspended together; a STAGED user activated by its endpoint ------------------------

def test_suspending_and_reactivating_send_state_and_suspended_together():
    active = dict(USER, state='ACTIVATED', suspended=False)
    suspend = plan('Username,state\nbob,SUSPENDED\n', active)
    assert suspend.body == {'state': 'SUSPENDED', 'suspended': True} and suspend.activate is False
    assert suspend.changed_fields == ['state']
    back = plan('Username,state\nbob,activated\n', dict(USER, state='SUSPENDED', suspended=True))
    assert back.body == {'state': 'ACTIVATED', 'suspended': False}
    assert (back.before, back.after) == ({'state': 'SUSPENDED', 'suspended': True},
                                         {'state': 'ACTIVATED', 'suspended': False})
    assert plan('Username,state\nbob,ACTIVATED\n', active).has_changes is False


def test_a_suspended_flag_that_disagrees_with_the_state_is_corrected():
    # suspended by a PUT of state alone: the flag other integrations read still says active
    result = plan('Username,state\nbob,SUSPENDED\n', dict(USER, state='SUSPENDED', suspended=False))
    assert result.body == {'state': 'SUSPENDED', 'suspended': True}
    assert result.changed_fields == ['suspended']


def test_a_staged_user_set_activated_is_activated_by_its_endpoint_not_by_the_put():
    result = plan('Username,state,jobTitle\nbob,ACTIVATED,Clerk\n', dict(USER, state='STAGED', suspended=False))
    assert result.activate is True and result.has_changes
    assert result.body == {'jobTitle': 'Clerk'}             # no state in the PUT
    assert (result.before['state'], result.after['state']) == ('STAGED', 'ACTIVATED')
    assert 'state' in result.changed_fields
    only = plan('Username,state\nbob,ACTIVATED\n', dict(USER, state='STAGED', suspended=False))
    assert (only.body, only.activate, only.has_changes) == ({}, True, True)
    assert plan('Username,state\nbob,STAGED\n', dict(USER, state='STAGED')).has_changes is False


def test_a_binding_that_stays_reachable_through_groups_warns_on_the_removal():
    facts_user = dict(USER)
    table, dummy = read_csv('u.csv', ('Username,RemoveSystemID\nbob,%s\n' % ('c' * 24)).encode())
    desired = parse_rows(table, '__CLEAR__')[0]
    routes = ["user group 'Ops' (%s)" % ('d' * 24)]
    removed = plan_user(desired, facts_user, UserFacts(remove_system_bound=True, remove_system_routes=routes), NOW)
    assert removed.remove_system == {'id': 'c' * 24, 'action': 'remove', 'remaining_routes': routes}
    assert removed.after['unbind_system'] == {'id': 'c' * 24, 'bound': False, 'remaining_routes': routes}
    assert [w.message for w in removed.warnings] == [
        "device %s: user 'bob', once unbound, still reaches it through user group 'Ops' (%s); remove those routes "
        "in JumpCloud to end the access" % ('c' * 24, 'd' * 24)]
    assert removed.warnings[0].header == 'RemoveSystemID'
    absent = plan_user(desired, facts_user, UserFacts(remove_system_routes=routes), NOW)
    assert absent.remove_system['action'] == 'absent' and 'not bound directly' in absent.warnings[0].message
    assert plan_user(desired, facts_user, UserFacts(remove_system_bound=True), NOW).warnings == []
