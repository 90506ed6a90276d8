"""The user_lines filter: one line per row, failed rows last."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.jcops.jumpcloud.plugins.filter.user_lines import FilterModule, user_lines


def result(row, username, status, **extra):
    base = {'row': row, 'username': username, 'status': status, 'changed': status == 'updated',
            'failed': status in ('failed', 'invalid', 'not_found'), 'changed_fields': [], 'groups': [],
            'system': None, 'ldap': None, 'msg': ''}
    base.update(extra)
    return base


def test_lines_say_what_changed_and_put_failures_last():
    lines = user_lines([
        result(2, 'alice', 'failed', msg='update: Not Found'),
        result(3, 'bob', 'updated', changed_fields=['jobTitle', 'phoneNumbers.mobile'],
               groups=[{'name': 'Ops', 'id': 'g1', 'status': 'present'},
                       {'name': 'Finance', 'id': 'g2', 'status': 'added'}],
               system={'id': 's1', 'sudo': True, 'status': 'added'}, ldap={'id': 'l1', 'status': 'present'}),
        result(4, 'carol', 'unchanged'),
        result(5, None, 'invalid', msg='users.csv:5:1: Username: required'),
        result(6, 'dave', 'skipped', msg='not applied: 1 row(s) are invalid'),
        result(7, 'erin', 'updated', ldap={'id': 'l1', 'status': 'added'},
               system={'id': 's2', 'sudo': False, 'status': 'updated'}),
    ])
    assert lines == [
        'row 3 bob: updated: jobTitle, phoneNumbers.mobile, group Finance added, device s1 (admin) added',
        'row 4 carol: unchanged',
        'row 6 dave: skipped: not applied: 1 row(s) are invalid',
        'row 7 erin: updated: device s2 updated, LDAP server l1 added',
        'row 2 alice: failed: update: Not Found',
        'row 5 (no username): invalid: users.csv:5:1: Username: required',
    ]


def test_check_mode_lines_say_what_would_happen_for_every_write_not_made():
    lines = user_lines([
        result(2, 'bob', 'would_update', changed=True, changed_fields=['jobTitle'],
               groups=[{'name': 'Ops', 'id': 'g1', 'status': 'present'},
                       {'name': 'Finance', 'id': 'g2', 'status': 'would_add'}],
               system={'id': 's1', 'sudo': True, 'status': 'would_add'}, ldap={'id': 'l1', 'status': 'would_add'}),
        result(3, 'erin', 'would_update', changed=True, system={'id': 's2', 'sudo': False, 'status': 'would_update'}),
        result(4, 'gus', 'would_update', changed=True,
               system={'id': 's3', 'sudo': True, 'global_sudo': True, 'binding_sudo': False, 'status': 'would_add'}),
        result(5, 'carol', 'unchanged', ldap={'id': 'l1', 'status': 'present'}),
        result(6, 'nobody', 'not_found', msg='users.csv:6:1: Username: no such user'),
    ])
    assert lines == [
        'row 2 bob: would update: jobTitle, would add group Finance, would bind device s1 (admin), '
        'would bind LDAP server l1',
        'row 3 erin: would update: would update device s2',
        'row 4 gus: would update: would bind device s3 (admin through the user-level sudo flag)',
        'row 5 carol: unchanged',
        'row 6 nobody: not_found: users.csv:6:1: Username: no such user',
    ]
    assert not [line for line in lines if ' added' in line or ': updated' in line]


def test_removals_say_what_was_or_would_be_taken_away_and_absent_ones_are_not_listed():
    groups = [{'name': 'Ops', 'id': 'g1', 'status': 'would_remove'}, {'name': 'HR', 'id': 'g2', 'status': 'absent'}]
    lines = user_lines([
        result(2, 'bob', 'would_update', changed=True, changed_fields=['state'], groups=groups,
               remove_system={'id': 's1', 'status': 'would_remove'}),
        result(3, 'bob', 'updated', changed=True, changed_fields=['state'],
               groups=[dict(groups[0], status='removed'), groups[1]], remove_system={'id': 's1', 'status': 'removed'}),
        result(4, 'erin', 'unchanged', groups=[groups[1]], remove_system={'id': 's1', 'status': 'absent'}),
    ])
    assert lines == ['row 2 bob: would update: state, would remove group Ops, would unbind device s1',
                     'row 3 bob: updated: state, group Ops removed, device s1 unbound',
                     'row 4 erin: unchanged']


def test_ldap_unbindings_and_deletions_are_said_apart():
    ldap = {'id': 'l1', 'name': 'ldap-1', 'status': 'would_remove'}
    lines = user_lines([
        result(2, 'carol', 'would_update', changed=True, remove_ldap=ldap),
        result(3, 'carol', 'updated', changed=True, remove_ldap=dict(ldap, status='removed')),
        result(4, 'bob', 'would_delete', changed=True),
        result(5, 'bob', 'deleted', changed=True),
        result(6, 'ghost', 'absent', msg="user 'ghost' does not exist in JumpCloud: nothing to delete"),
    ])
    assert lines == ['row 2 carol: would update: would unbind LDAP server ldap-1 (l1)',
                     'row 3 carol: updated: LDAP server ldap-1 (l1) unbound',
                     'row 4 bob: would delete', 'row 5 bob: deleted',
                     "row 6 ghost: absent: user 'ghost' does not exist in JumpCloud: nothing to delete"]


def test_failed_bindings_are_named_on_a_failed_row_message():
    line = user_lines([result(2, 'bob', 'failed', msg='group Ops: Forbidden',
                              groups=[{'name': 'Ops', 'id': 'g', 'status': 'failed'}])])
    assert line == ['row 2 bob: failed: group Ops: Forbidden']


def test_empty_results_give_no_lines_and_the_filter_is_registered():
    assert user_lines([]) == []
    assert FilterModule().filters()['user_lines'] is user_lines


@pytest.mark.parametrize('value', ['text', {'results': []}, [1, 2]])
def test_wrong_input_is_a_clear_filter_error(value):
    with pytest.raises(AnsibleFilterError, match='user_lines expects'):
        user_lines(value)
