"""Taking away, stage by stage: the state column, RemoveGroupN and RemoveSystemID read, validated, checked against
JumpCloud and planned; the failed-rows file and the progress file."""
import csv
import datetime
import io
import os

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.failed_rows import FailedRows
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import UserPlan, plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.progress import Progress, progress_path
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import REPORT_COLUMNS
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

from doubles import Directory

NOW = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)
UID = 'a' * 24
ENG, FIN = 'e' * 24, 'f' * 24
HOST_A, HOST_B = '1' * 24, '2' * 24


def rows_of(text):
    table, problems = read_csv('u.csv', text.encode('utf-8'))
    assert problems == []
    return parse_rows(table, '__CLEAR__')


def state_of(user_state='ACTIVATED'):
    state = State()
    state.add_user({'_id': UID, 'username': 'bob', 'state': user_state, 'suspended': user_state == 'SUSPENDED',
                    'attributes': []})
    state.groups = {'Engineering': {'id': ENG, 'name': 'Engineering'}, 'Finance': {'id': FIN, 'name': 'Finance'}}
    state.systems = {HOST_A: {'_id': HOST_A}, HOST_B: {'_id': HOST_B}}
    state.group_members[(ENG, UID)] = True
    state.system_bindings[(HOST_A, UID)] = {}
    return state


def checked(text, user_state='ACTIVATED'):
    rows = rows_of(text)
    state = state_of(user_state)
    check_references(rows, state)
    return rows[0], state


def messages(row):
    return ['%s: %s' % (p.header, p.message) for p in row.problems]


def test_the_headers_are_read_in_any_case():
    assert columns.lookup('RemoveGroup3') == ('remove_group', 3)
    assert columns.lookup(' removegroup12 ') == ('remove_group', 12)
    assert columns.lookup('removesystemid') == ('column', columns.BY_KEY['removesystemid'])
    assert columns.lookup('STATE')[1].name == 'state'
    assert columns.closest_header('RemoveGrup2') == 'RemoveGroup2'


@pytest.mark.parametrize('cell,value', [('ACTIVATED', 'ACTIVATED'), ('suspended', 'SUSPENDED'), (' Staged ', 'STAGED')])
def test_the_state_in_any_case(cell, value):
    assert rows_of('Username,state\nbob,%s\n' % cell)[0].scalars == {'state': value}


def test_the_cells_of_removals_land_in_the_row():
    row = rows_of('Username,RemoveGroup2,RemoveGroup1,RemoveSystemID\nbob,Finance,Engineering,%s\n' % HOST_A)[0]
    assert row.problems == []
    assert row.remove_groups == [('Engineering', 'RemoveGroup1'), ('Finance', 'RemoveGroup2')]
    assert row.remove_system_id == HOST_A


@pytest.mark.parametrize('text,expected', [
    ('Username,state\nbob,gone\n',
     ["state: 'gone' is not a user state: use ACTIVATED or SUSPENDED (STAGED only for a user being created), or "
      "DELETED to delete the user"]),
    ('Username,state\nbob,__CLEAR__\n', ["state: cannot be cleared (the clear token '__CLEAR__' is not allowed here)"]),
    ('Username,RemoveGroup1\nbob,__CLEAR__\n',
     ['RemoveGroup1: names the group to take the user out of; the clear token is not a group']),
    ('Username,RemoveGroup1,RemoveGroup2\nbob,Ops,Ops\n', ["RemoveGroup2: group 'Ops' is named twice in this row"]),
    ('Username,SystemID,RemoveSystemID\nbob,%s,%s\n' % (HOST_A, HOST_A),
     ['RemoveSystemID: device %s is also the SystemID of this row: a row cannot bind and unbind the same device'
      % HOST_A]),
    ('Username,RemoveSystemID\nbob,nope\n',
     ["RemoveSystemID: 'nope' is not a device id (24 lowercase hexadecimal characters)"]),
])
def test_removals_that_cannot_be_meant_are_problems_on_their_cell(text, expected):
    assert messages(rows_of(text)[0]) == expected


def test_a_group_added_and_removed_is_found_by_its_id():
    row, dummy = checked('Username,Group1,RemoveGroup1\nbob,FINANCE,finance\n')
    assert messages(row) == ["RemoveGroup1: user group 'finance' is also added by Group1 of this row: a row cannot add "
                             "and remove the same group"]


def test_staged_is_for_new_users_only():
    row, dummy = checked('Username,state\nbob,STAGED\n')
    assert messages(row) == ["state: STAGED is only for a user being created; user 'bob' exists (state ACTIVATED): use "
                             "ACTIVATED or SUSPENDED"]
    row, dummy = checked('Username,state\nbob,staged\n', user_state='STAGED')
    assert row.problems == []


def plan_of(text, user_state='ACTIVATED'):
    row, state = checked(text, user_state)
    assert row.problems == []
    user = state.users_by_name['bob']
    return plan_user(row, user, state.facts_for(row, user), NOW)


def test_the_state_is_sent_only_when_it_differs():
    plan = plan_of('Username,state\nbob,suspended\n')
    assert plan.body == {'state': 'SUSPENDED', 'suspended': True}
    assert (plan.before, plan.after) == ({'state': 'ACTIVATED', 'suspended': False}, {'state': 'SUSPENDED', 'suspended': True})
    assert plan_of('Username,state\nbob,SUSPENDED\n', 'SUSPENDED').has_changes is False
    assert plan_of('Username,state\nbob,staged\n', 'STAGED').has_changes is False


def test_removals_are_planned_from_the_current_memberships_and_bindings():
    plan = plan_of('Username,RemoveGroup1,RemoveGroup2,RemoveSystemID\nbob,engineering,Finance,%s\n' % HOST_A)
    assert plan.groups == [{'name': 'Engineering', 'id': ENG, 'action': 'remove'},
                           {'name': 'Finance', 'id': FIN, 'action': 'absent'}]
    assert plan.remove_system == {'id': HOST_A, 'action': 'remove'}
    assert plan.body == {} and plan.has_changes
    assert plan.before == {'groups': ['Engineering'], 'unbind_system': {'id': HOST_A, 'bound': True}}
    assert plan.after == {'groups': [], 'unbind_system': {'id': HOST_A, 'bound': False}}
    nothing = plan_of('Username,RemoveGroup1,RemoveSystemID\nbob,Finance,%s\n' % HOST_B)
    assert nothing.remove_system == {'id': HOST_B, 'action': 'absent'}
    assert (nothing.has_changes, nothing.before, nothing.after) == (False, {}, {})


# -- the failed-rows file -----------------------------------------------------------------------------------


def table_of(data):
    table, problems = read_csv('u.csv', data)
    assert problems == []
    return table


RESULTS = [{'row': 2, 'failed': False, 'msg': ''}, {'row': 3, 'failed': True, 'msg': 'u.csv:3:2: =bad "thing"'},
           {'row': 5, 'failed': True, 'status': 'failed', 'msg': ''}]


def test_failed_rows_keep_the_input_columns_order_bom_and_line_ending():
    data = ('\ufeffjobTitle, Username ,Group1\r\nA,alice,\r\n"B, b",bob,=x\r\n\r\nC,carol,Ops\r\n').encode('utf-8')
    text = FailedRows(table_of(data)).render(RESULTS)
    assert text == ('\ufeffjobTitle, Username ,Group1,jc_error\r\n'
                    '"B, b",bob,\'=x,"u.csv:3:2: =bad ""thing"""\r\n'
                    'C,carol,Ops,failed\r\n')
    # read back, the file means the same rows, and its jc_error column is ignored
    again = table_of(text.encode('utf-8'))
    assert [r.cells for r in again.rows] == [{0: 'B, b', 1: 'bob', 2: '=x'}, {0: 'C', 1: 'carol', 2: 'Ops'}]
    assert again.ignored == {3}


def test_failed_rows_of_a_file_with_lf_and_an_earlier_jc_error_column():
    data = b'Username,jc_error,jobTitle\nalice,old reason,A\nbob,,"two\nlines"\n'
    table = table_of(data)
    assert table.newline == '\n' and table.bom is False and table.ignored == {1}
    text = FailedRows(table).render([{'row': 2, 'failed': True, 'msg': 'new reason'},
                                     {'row': 3, 'failed': True, 'msg': 'x'}])
    assert text == 'Username,jobTitle,jc_error\nalice,A,new reason\nbob,"two\nlines",x\n'


def test_rows_skipped_because_others_are_invalid_are_written_too():
    rows = FailedRows(table_of(b'Username\nalice\nbob\ncarol\n'))
    results = [{'row': 2, 'failed': True, 'status': 'invalid', 'msg': 'bad'},
               {'row': 3, 'failed': False, 'status': 'skipped', 'msg': 'not applied: 1 row(s) are invalid'},
               {'row': 4, 'failed': False, 'status': 'unchanged', 'msg': ''}]
    assert [r['row'] for r in rows.selected(results)] == [2, 3]
    assert rows.render(results) == 'Username,jc_error\nalice,bad\nbob,not applied: 1 row(s) are invalid\n'


def test_no_failed_row_no_file():
    assert FailedRows(table_of(b'Username\nalice\n')).render([{'row': 2, 'failed': False}]) is None


# -- the progress file ----------------------------------------------------------------------------------------


def test_the_progress_file_gets_a_line_per_finished_user_then_goes(tmp_path):
    path = progress_path(str(tmp_path / 'report.csv'))
    assert path.endswith('report.csv.partial')
    with open(path, 'w') as stale:
        stale.write('left by a killed run\n')
    progress = Progress(path)
    progress.start()
    progress.add({'row': 2, 'username': 'bob', 'status': 'updated', 'changed': True, 'failed': False,
                  'changed_fields': ['state'], 'groups': [{'name': 'Ops', 'status': 'removed'}], 'msg': ''})
    with open(path, newline='') as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == list(REPORT_COLUMNS)
    assert lines[1][:8] == ['2', 'bob', '', 'updated', 'true', 'false', 'state', 'Ops:removed']
    assert len(lines) == 2
    progress.remove()
    assert not os.path.exists(path)
    progress.add({'row': 3})            # after the end: nothing, and no error


def test_the_progress_file_is_never_written_through_a_link(tmp_path):
    target = tmp_path / 'elsewhere'
    target.write_text('keep')
    link = tmp_path / 'report.csv.partial'
    link.symlink_to(target)
    progress = Progress(str(link))
    progress.start()
    progress.close()
    # the link is replaced by a new file, never followed
    assert target.read_text() == 'keep' and not link.is_symlink() and link.read_text().startswith('row,username')


def test_a_full_disk_does_not_fail_the_users(tmp_path):
    class Full(io.StringIO):
        def write(self, text):
            raise OSError(28, 'No space left on device')

    progress = Progress(str(tmp_path / 'r.partial'))
    progress.start()
    progress.handle.close()
    progress.handle = Full()
    progress.add({'row': 2})
    assert progress.failed is True


def test_an_unbound_device_is_named_by_its_hostname():
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.labels import Labels
    labels = Labels(systems={HOST_A: 'web-01'})
    plan = UserPlan(None, {'_id': UID})
    plan.remove_system = {'id': HOST_A, 'action': 'remove'}
    plan.names = {'remove_system': 'web-01'}
    path = '/api/v2/systems/%s/associations' % HOST_A
    client = Directory([{'_id': UID}], bindings={(HOST_A, UID): {}},
                       answers={('POST', path): [JumpCloudError('Bad Request: no', status=400)]})
    outcome = Applier(client, check_mode=False).apply_one(plan)
    result = labels.label_result({'remove_system': outcome.remove_system, 'msg': '; '.join(outcome.errors)})
    assert result['remove_system'] == {'id': HOST_A, 'status': 'failed', 'hostname': 'web-01'}
    assert result['msg'] == 'unbind device web-01 (%s): Bad Request: no' % HOST_A
    diff = labels.label_diff({'before': {'unbind_system': {'id': HOST_A, 'bound': True}},
                              'after': {'unbind_system': {'id': HOST_A, 'bound': False}}})
    assert diff['after']['unbind_system'] == {'id': HOST_A, 'bound': False, 'hostname': 'web-01'}
