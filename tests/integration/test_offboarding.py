"""Taking away: state, RemoveGroupN, RemoveSystemID and cleared custom attributes.

Each change is run four times against the fake: check mode with --diff (no write, the results predicted), the
real run (the final state exact, the results as predicted), a rerun (no write) and the diff it showed.
"""
import csv
import io

import pytest

from helpers import TEMPLATE_MODULE, apply, results_by_user, run_task
from predicted import assert_run_as_predicted

pytestmark = pytest.mark.integration

PUT = 'PUT /api/systemusers/{id}'
MEMBERS = 'POST /api/v2/usergroups/{id}/members'
SYSTEM_EDGES = 'POST /api/v2/systems/{id}/associations'


def cycle(tmp_path, org, csv_text, writes):
    """Check mode with --diff, the real run, a rerun; ``writes`` is {route: count} the real run must send, and
    nothing else. Returns (predicted results, real results, the check run's diffs by username)."""
    check = apply(tmp_path, org.fake, csv_text, check=True, diff=True)
    assert not check.result.get('failed'), check.result.get('msg')
    assert check.stats['writes'] == 0
    predicted = results_by_user(check.result)
    diffs = dict((d['before_header'].split()[0], d) for d in check.result['diff'])

    real = apply(tmp_path, org.fake, csv_text)
    assert not real.result.get('failed'), real.result.get('msg')
    assert dict((k, v) for k, v in real.stats['by_route'].items() if not k.startswith(('GET', 'POST /api/search'))) \
        == writes
    actual = results_by_user(real.result)
    assert_run_as_predicted(actual, predicted)

    again = apply(tmp_path, org.fake, csv_text)
    assert not again.result.get('failed'), again.result.get('msg')
    assert again.stats['writes'] == 0
    assert again.result['changed'] is False
    assert {r['status'] for r in again.result['results']} == {'unchanged'}
    return predicted, actual, diffs, again


def test_suspend_then_reactivate(tmp_path, org):
    assert org.user('bob')['state'] == 'ACTIVATED'
    predicted, actual, diffs, again = cycle(tmp_path, org, 'Username,state\nbob,suspended\n', {PUT: 1})
    assert predicted['bob']['status'] == 'would_update' and predicted['bob']['changed_fields'] == ['state']
    assert (diffs['bob']['before'], diffs['bob']['after']) == ({'state': 'ACTIVATED', 'suspended': False},
                                                               {'state': 'SUSPENDED', 'suspended': True})
    assert actual['bob']['status'] == 'updated'
    # the state and its suspended flag in one PUT, as JumpCloud's Set-JCUser sends them (the fake derives neither)
    assert org.fake.org.last_put[org.uid('bob')] == {'state': 'SUSPENDED', 'suspended': True}
    assert (org.user('bob')['state'], org.user('bob')['suspended']) == ('SUSPENDED', True)

    predicted, actual, diffs, again = cycle(tmp_path, org, 'Username,state\nbob,Activated\n', {PUT: 1})
    assert predicted['bob']['changed_fields'] == ['state']
    assert (diffs['bob']['before'], diffs['bob']['after']) == ({'state': 'SUSPENDED', 'suspended': True},
                                                               {'state': 'ACTIVATED', 'suspended': False})
    assert org.fake.org.last_put[org.uid('bob')] == {'state': 'ACTIVATED', 'suspended': False}
    assert (org.user('bob')['state'], org.user('bob')['suspended']) == ('ACTIVATED', False)


def test_a_user_suspended_by_its_state_alone_gets_its_suspended_flag(tmp_path, org):
    # as an earlier version left it: state SUSPENDED, while the flag other integrations read says active
    org.set_fields('bob', state='SUSPENDED', suspended=False)
    predicted, actual, diffs, again = cycle(tmp_path, org, 'Username,state\nbob,SUSPENDED\n', {PUT: 1})
    assert predicted['bob']['changed_fields'] == ['suspended']
    assert org.fake.org.last_put[org.uid('bob')] == {'state': 'SUSPENDED', 'suspended': True}
    assert (org.user('bob')['state'], org.user('bob')['suspended']) == ('SUSPENDED', True)


def test_remove_from_a_group_the_user_is_in_and_one_it_is_not_in(tmp_path, org):
    engineering, finance = org.group('Engineering'), org.group('Finance')
    predicted, actual, diffs, again = cycle(tmp_path, org, 'Username,RemoveGroup1,RemoveGroup2\nalice,engineering,Finance\n',
                                            {MEMBERS: 1})
    assert predicted['alice']['groups'] == [{'name': 'Engineering', 'id': engineering, 'status': 'would_remove'},
                                            {'name': 'Finance', 'id': finance, 'status': 'absent'}]
    assert predicted['alice']['changed_fields'] == []
    assert (diffs['alice']['before'], diffs['alice']['after']) == ({'groups': ['Engineering']}, {'groups': []})
    assert [g['status'] for g in actual['alice']['groups']] == ['removed', 'absent']
    assert org.uid('alice') not in org.members('Engineering')
    assert org.uid('alice') not in org.members('Finance')
    assert [g['status'] for g in results_by_user(again.result)['alice']['groups']] == ['absent', 'absent']


def test_unbind_a_bound_device_and_an_unbound_one(tmp_path, org):
    host_a = org.system('host-a')
    text = 'Username,RemoveSystemID\nbob,%s\nalice,%s\n' % (host_a, host_a)
    predicted, actual, diffs, again = cycle(tmp_path, org, text, {SYSTEM_EDGES: 1})
    assert predicted['bob']['remove_system'] == {'id': host_a, 'hostname': 'host-a', 'status': 'would_remove'}
    assert predicted['alice']['remove_system'] == {'id': host_a, 'hostname': 'host-a', 'status': 'absent'}
    assert predicted['alice']['status'] == 'unchanged' and 'alice' not in diffs
    assert (diffs['bob']['before'], diffs['bob']['after']) == (
        {'unbind_system': {'id': host_a, 'hostname': 'host-a', 'bound': True}},
        {'unbind_system': {'id': host_a, 'hostname': 'host-a', 'bound': False}})
    assert actual['bob']['remove_system']['status'] == 'removed'
    assert org.binding('host-a', 'bob') == 'absent' and org.binding('host-a', 'alice') == 'absent'
    assert results_by_user(again.result)['bob']['remove_system'] == {'id': host_a, 'hostname': 'host-a',
                                                                     'status': 'absent'}


def test_an_unbinding_that_leaves_access_through_groups_says_so_in_result_line_and_diff(tmp_path, org):
    from ansible_collections.jcops.jumpcloud.plugins.filter.user_lines import user_lines
    host_a, host_b, ops = org.system('host-a'), org.system('host-b'), org.group('Ops')
    # bob is bound to host-a directly and through his group Ops; Ops also reaches host-b through a device group
    with org.fake.org.lock:
        org.fake.org.group_systems[ops][host_a] = None
        linux = org.fake.org.add_system_group('Linux')['id']
        org.fake.org.system_group_members[linux][host_b] = None
        org.fake.org.group_system_groups[ops][linux] = None
    text = 'Username,RemoveSystemID\nbob,%s\n' % host_a
    path = str(tmp_path / 'users.csv')
    check = apply(tmp_path, org.fake, text, check=True, diff=True)
    bob = results_by_user(check.result)['bob']
    route = "user group 'Ops' (%s)" % ops
    assert bob['remove_system'] == {'id': host_a, 'hostname': 'host-a', 'status': 'would_remove',
                                    'remaining_routes': [route]}
    warning = ("device host-a (%s): user 'bob', once unbound, still reaches it through %s; remove those routes in "
               "JumpCloud to end the access" % (host_a, route))
    assert bob['warnings'] == ['%s:2:2: RemoveSystemID: %s' % (path, warning)]
    assert user_lines([bob]) == ['row 2 bob: would update: would unbind device host-a (%s), warning: %s:2:2: '
                                 'RemoveSystemID: %s' % (host_a, path, warning)]
    assert check.result['diff'][0]['after'] == {
        'unbind_system': {'id': host_a, 'hostname': 'host-a', 'bound': False, 'remaining_routes': [route]}}
    real = apply(tmp_path, org.fake, text)
    bob = results_by_user(real.result)['bob']
    assert bob['remove_system']['status'] == 'removed' and bob['remove_system']['remaining_routes'] == [route]
    assert org.binding('host-a', 'bob') == 'absent'
    # the rerun: nothing to unbind, and the access it leaves is said again
    again = results_by_user(apply(tmp_path, org.fake, text).result)['bob']
    assert again['remove_system']['status'] == 'absent' and 'not bound directly' in again['warnings'][0]
    # a device the user reaches only directly: no warning
    quiet = results_by_user(apply(tmp_path, org.fake, 'Username,RemoveSystemID\nalice,%s\n' % host_b).result)['alice']
    assert 'warnings' not in quiet and 'remaining_routes' not in quiet['remove_system']


def test_a_dynamic_group_in_a_group_cell_is_invalid_and_nothing_is_written(tmp_path, org):
    with org.fake.org.lock:
        org.fake.org.add_group('Sales team', membershipMethod='DYNAMIC_AUTOMATED', rule={'department': 'Sales'})
    run = apply(tmp_path, org.fake, 'Username,jobTitle,Group1\nbob,Clerk,sales team\nerin,Clerk,\n')
    assert run.result['failed'] and run.stats['writes'] == 0
    assert "2:3: Group1: user group 'Sales team' is a dynamic group (membershipMethod DYNAMIC_AUTOMATED)" in \
        run.result['msg']
    assert org.user('erin')['jobTitle'] != 'Clerk'


def test_remove_a_present_and_an_absent_custom_attribute(tmp_path, org):
    text = 'Username,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value\nalice,TEAM,__CLEAR__,badge,__CLEAR__\n'
    predicted, actual, diffs, again = cycle(tmp_path, org, text, {PUT: 1})
    # matched without regard to case, as the stored name is spelt
    assert predicted['alice']['changed_fields'] == ['attributes.team']
    assert (diffs['alice']['before'], diffs['alice']['after']) == (
        {'attributes': [{'name': 'team', 'value': 'red'}]}, {'attributes': []})
    assert org.fake.org.last_put[org.uid('alice')] == {'attributes': [{'name': 'site', 'value': 'hq'}]}
    assert org.user('alice')['attributes'] == [{'name': 'site', 'value': 'hq'}]


def test_a_file_mixing_removals_with_updates(tmp_path, org):
    host_a, host_b = org.system('host-a'), org.system('host-b')
    org.fake.org.system_users[host_b][org.uid('carol')] = None
    text = ('Username,jobTitle,state,Group1,RemoveGroup1,SystemID,Administrator,RemoveSystemID,Attribute1_name,'
            'Attribute1_value\n'
            'alice,Staff Engineer,,Finance,Engineering,%(b)s,true,,site,__CLEAR__\n'
            'bob,,SUSPENDED,,Ops,,,%(a)s,,\n'
            'carol,Auditor,suspended,,Finance,,,%(b)s,team,blue\n'
            'erin,,ACTIVATED,,,,,,,\n' % {'a': host_a, 'b': host_b})
    predicted, actual, diffs, again = cycle(tmp_path, org, text, {PUT: 3, MEMBERS: 3, SYSTEM_EDGES: 3})
    assert predicted['alice']['changed_fields'] == ['jobTitle', 'attributes.site']
    assert [(g['name'], g['status']) for g in predicted['alice']['groups']] == \
        [('Finance', 'would_add'), ('Engineering', 'would_remove')]
    assert predicted['alice']['system'] == {'id': host_b, 'hostname': 'host-b', 'sudo': True, 'status': 'would_add'}
    assert predicted['bob']['changed_fields'] == ['state']
    assert [(g['name'], g['status']) for g in predicted['bob']['groups']] == [('Ops', 'would_remove')]
    assert predicted['bob']['remove_system']['status'] == 'would_remove'
    assert predicted['carol']['changed_fields'] == ['jobTitle', 'state', 'attributes.team']
    assert [(g['name'], g['status']) for g in predicted['carol']['groups']] == [('Finance', 'absent')]
    assert predicted['carol']['remove_system']['status'] == 'would_remove'
    assert predicted['erin']['status'] == 'unchanged'
    assert diffs['alice']['before'] == {'jobTitle': 'Engineer', 'groups': ['Engineering'], 'system': None,
                                        'attributes': [{'name': 'site', 'value': 'hq'}]}
    assert diffs['alice']['after'] == {'jobTitle': 'Staff Engineer', 'groups': ['Finance'],
                                       'system': {'id': host_b, 'hostname': 'host-b', 'administrator': True},
                                       'attributes': []}
    assert diffs['bob']['before'] == {'state': 'ACTIVATED', 'suspended': False, 'groups': ['Ops'],
                                      'unbind_system': {'id': host_a, 'hostname': 'host-a', 'bound': True}}

    alice, bob, carol = org.user('alice'), org.user('bob'), org.user('carol')
    assert (alice['jobTitle'], alice['attributes']) == ('Staff Engineer', [{'name': 'team', 'value': 'red'}])
    assert org.members('Finance') == {org.uid('alice')}
    assert org.members('Engineering') == set() and org.members('Ops') == set()
    assert org.binding('host-b', 'alice') == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert org.binding('host-a', 'bob') == 'absent' and org.binding('host-b', 'carol') == 'absent'
    assert (bob['state'], carol['state'], org.user('erin')['state']) == ('SUSPENDED', 'SUSPENDED', 'ACTIVATED')
    assert (carol['jobTitle'], carol['attributes']) == ('Auditor', [{'name': 'team', 'value': 'blue'}])


@pytest.mark.parametrize('csv_text,cell,message', [
    ('Username,state\nbob,DELETED\n', '2:2: state',
     "DELETED deletes user 'bob', which JumpCloud cannot undo; set allow_delete: true to allow deleting users"),
    ('Username,state\nbob,staged\n', '2:2: state', "STAGED is only for a user being created; user 'bob' exists"),
    ('Username,Group1,RemoveGroup1\nalice,Finance,finance\n', '2:3: RemoveGroup1',
     "user group 'finance' is also added by Group1 of this row: a row cannot add and remove the same group"),
    ('Username,SystemID,RemoveSystemID\nbob,{a},{a}\n', '2:3: RemoveSystemID',
     'device {a} is also the SystemID of this row: a row cannot bind and unbind the same device'),
    ('Username,RemoveGroup1\nbob,Nope\n', '2:2: RemoveGroup1', "user group 'Nope' does not exist"),
    ('Username,RemoveSystemID\nbob,0123456789abcdef01234567\n', '2:2: RemoveSystemID',
     'device 0123456789abcdef01234567 does not exist'),
], ids=['delete without allow_delete', 'staged on an existing user', 'group added and removed', 'device bound and unbound',
        'unknown group to leave', 'unknown device to unbind'])
def test_a_removal_that_cannot_be_meant_is_invalid_and_nothing_is_written(tmp_path, org, csv_text, cell, message):
    host_a = org.system('host-a')
    run = apply(tmp_path, org.fake, csv_text.format(a=host_a))
    assert run.result['failed'] is True
    assert run.stats['writes'] == 0
    text = run.result['results'][0]['msg']
    assert '%s: %s' % (cell, message.format(a=host_a)) in text, text
    assert run.result['results'][0]['status'] == 'invalid'
    assert 'nothing was written' in run.result['msg']


def test_the_template_offers_the_offboarding_columns_and_prefills_the_state(tmp_path, org):
    org.set_fields('bob', state='SUSPENDED', suspended=True)
    dest = tmp_path / 'offboard.csv'
    run = run_task(tmp_path, org.fake, TEMPLATE_MODULE, dict(dest=str(dest), populate_users=True, prefill=True,
                                                             state=True, systems=True, groups=1, remove_groups=2))
    assert not run.result.get('failed'), run.result.get('msg')
    rows = list(csv.DictReader(io.StringIO(dest.read_text(encoding='utf-8-sig'), newline='')))
    assert list(rows[0]) == ['Username', 'SystemID', 'Administrator', 'RemoveSystemID', 'state', 'Group1',
                             'RemoveGroup1', 'RemoveGroup2']
    states = dict((r['Username'], r['state']) for r in rows)
    assert (states['alice'], states['bob']) == ('ACTIVATED', 'SUSPENDED')
    assert {r['RemoveSystemID'] for r in rows} == {''} and {r['RemoveGroup1'] for r in rows} == {''}
    # applied as it is, the prefilled template changes nothing
    again = apply(tmp_path, org.fake, dest)
    assert not again.result.get('failed'), again.result.get('msg')
    assert again.stats['writes'] == 0 and again.result['changed'] is False
