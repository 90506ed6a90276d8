"""The results of a run: one entry per row whatever happened to it, the summary, the message that names
the failed rows, the user's diff, and the report file (formula-safe, without secrets)."""
import csv
import io
import os
import stat

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import NO_SUCH_USER
from ansible_collections.jcops.jumpcloud.plugins.filter.user_lines import user_lines
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files import write
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Outcome
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import MASK, UserPlan
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import Desired

UID = '5f0000000000000000000001'
SID = '5f00000000000000000000b1'


def desired(line=2, username='bob', problems=()):
    row = Desired(line)
    row.username = username
    row.where = {'Username': (1, 'Username'), 'sudo': (3, 'sudo'), 'Administrator': (5, 'Administrator')}
    for key, message, kind in problems:
        row.problem(key, message, kind)
    return row


def outcome(row=None, body=True, groups=(), system=None, errors=(), changed=None, fields_written=None):
    plan = UserPlan(row or desired(), {'_id': UID})
    if body:
        plan.set_field('jobTitle', 'Old', 'New')
        plan.set_field('password', None, 'hunter2')
    plan.groups = [dict(g) for g in groups]
    plan.system = system
    result = Outcome(plan)
    result.errors = list(errors)
    result.changed = bool(body) if changed is None else changed
    result.fields_written = bool(body) if fields_written is None else fields_written
    return result


def test_an_updated_row():
    done = outcome(groups=[{'name': 'Finance', 'id': 'g1', 'action': 'add'}])
    done.groups[0]['status'] = 'added'
    result = report.row_result(done.plan.desired, UID, done, 'users.csv')
    assert result == {'row': 2, 'username': 'bob', 'user_id': UID, 'status': 'updated', 'changed': True,
                      'failed': False, 'changed_fields': ['jobTitle', 'password'],
                      'groups': [{'name': 'Finance', 'id': 'g1', 'status': 'added'}], 'system': None, 'ldap': None,
                      'remove_system': None, 'remove_ldap': None, 'msg': ''}
    # the result is a copy: the outcome may be let go
    result['groups'][0]['status'] = 'changed later'
    assert done.groups[0]['status'] == 'added'


def test_an_invalid_row_says_each_problem_with_its_place():
    row = desired(problems=[('sudo', "'maybe' is not a boolean", 'invalid'), ('Username', 'no such user', 'not_found')])
    result = report.row_result(row, None, None, 'users.csv')
    assert result['status'] == 'invalid'
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['msg'] == "users.csv:2:3: sudo: 'maybe' is not a boolean; users.csv:2:1: Username: no such user"
    assert result['errors'] == [
        {'path': 'users.csv', 'line': 2, 'column': 3, 'header': 'sudo', 'message': "'maybe' is not a boolean",
         'text': "users.csv:2:3: sudo: 'maybe' is not a boolean"},
        {'path': 'users.csv', 'line': 2, 'column': 1, 'header': 'Username', 'message': 'no such user',
         'text': 'users.csv:2:1: Username: no such user'}]


def test_a_row_whose_only_problem_is_its_missing_user_is_not_found():
    row = desired(problems=[('Username', "user 'zed' does not exist in JumpCloud", NO_SUCH_USER)])
    assert report.row_result(row, None, None, 'users.csv')['status'] == 'not_found'


def test_a_valid_row_not_applied_is_skipped_with_the_reason():
    result = report.row_result(desired(), UID, None, 'users.csv', 'not applied: 1 row(s) are invalid')
    assert (result['status'], result['failed'], result['msg'], result['user_id']) == (
        'skipped', False, 'not applied: 1 row(s) are invalid', UID)
    assert report.row_result(desired(), UID, None)['msg'] == ''


def test_a_failed_row_lists_its_fields_only_when_they_were_written():
    written = outcome(errors=['group Finance: Forbidden'])
    result = report.row_result(written.plan.desired, UID, written, 'users.csv')
    assert (result['status'], result['failed'], result['changed_fields']) == ('failed', True, ['jobTitle', 'password'])
    assert result['msg'] == 'group Finance: Forbidden'
    refused = outcome(errors=['update: Conflict', 'group Finance: Forbidden'], changed=False, fields_written=False)
    result = report.row_result(refused.plan.desired, UID, refused, 'users.csv')
    assert result['changed_fields'] == []
    assert result['msg'] == 'update: Conflict; group Finance: Forbidden'


def test_a_device_bound_under_the_user_level_sudo_flag_says_so_and_the_warning_is_the_message():
    row = desired()
    plan_system = {'id': SID, 'action': 'update', 'attributes': None, 'sudo': True, 'global_sudo': True,
                   'binding_sudo': False}
    done = outcome(row, body=False, system=plan_system, changed=True)
    done.system['status'] = 'updated'
    done.plan.warn('Administrator', 'is false, but the user is administrator everywhere')
    result = report.row_result(row, UID, done, 'users.csv')
    assert result['system'] == {'id': SID, 'sudo': True, 'status': 'updated', 'global_sudo': True,
                                'binding_sudo': False}
    assert result['warnings'] == ['users.csv:2:5: Administrator: is false, but the user is administrator everywhere']
    assert result['msg'] == result['warnings'][0]


def test_the_summary_counts_rows_by_status_and_the_requests():
    results = [{'status': s, 'changed': s == 'updated', 'failed': s in ('failed', 'invalid', 'not_found')}
               for s in ('updated', 'updated', 'unchanged', 'failed', 'invalid', 'not_found', 'skipped')]
    assert report.summary(results, {'reads': 7, 'writes': 3, 'retries': 1, 'other': 9}) == {
        'rows': 7, 'changed': 2, 'failed': 3,
        'by_status': {'created': 0, 'updated': 2, 'unchanged': 1, 'failed': 1, 'invalid': 1, 'not_found': 1,
                      'skipped': 1, 'deleted': 0, 'absent': 0},
        'requests': {'reads': 7, 'writes': 3, 'retries': 1}}
    assert report.summary([], {})['requests'] == {'reads': 0, 'writes': 0, 'retries': 0}


def failed_rows(count):
    return [{'row': n + 2, 'username': 'user%d' % n if n else None, 'status': 'failed', 'failed': True,
             'msg': 'update: Forbidden'} for n in range(count)]


def test_the_failure_message_names_each_failed_row_and_is_none_without_one():
    ok = [{'row': 9, 'username': 'erin', 'status': 'updated', 'failed': False, 'msg': ''}]
    assert report.failure_message(ok, 'users.csv') is None
    assert report.failure_message(failed_rows(2) + ok, 'users.csv') == (
        '2 of 3 row(s) of users.csv failed:\n'
        '  row 2 (no username) (failed): update: Forbidden\n'
        '  row 3 user1 (failed): update: Forbidden')


def test_the_failure_message_names_the_first_twenty_and_counts_the_rest():
    lines = report.failure_message(failed_rows(23), 'users.csv').split('\n')
    assert len(lines) == 22
    assert lines[0] == '23 of 23 row(s) of users.csv failed:'
    assert lines[20] == '  row 21 user19 (failed): update: Forbidden'
    assert lines[21] == '  ... and 3 more'


def test_the_diff_shows_changed_keys_masked_and_only_the_changed_entries_of_arrays():
    row = desired()
    plan = UserPlan(row, {'_id': UID})
    assert report.user_diff(Outcome(plan)) is None
    plan.set_field('password', None, 'hunter2')
    plan.set_field('phoneNumbers', [{'type': 'work', 'number': '1'}, {'type': 'mobile', 'number': '2'}],
                   [{'type': 'work', 'number': '1'}, {'type': 'mobile', 'number': '3'}], names=['phoneNumbers.mobile'])
    diff = report.user_diff(Outcome(plan))
    assert diff == {'before_header': 'bob (row 2, id %s)' % UID, 'after_header': 'bob (row 2, id %s)' % UID,
                    'before': {'password': MASK, 'phoneNumbers': [{'type': 'mobile', 'number': '2'}]},
                    'after': {'password': MASK, 'phoneNumbers': [{'type': 'mobile', 'number': '3'}]}}
    assert 'hunter2' not in repr(diff)
    # the plan itself keeps every entry
    assert len(plan.after['phoneNumbers']) == 2


def test_changed_entries_of_arrays_that_were_empty():
    assert report.changed_entries(None, [{'a': 1}]) == ([], [{'a': 1}])
    assert report.changed_entries([{'a': 1}], []) == ([{'a': 1}], [])


def test_the_report_has_one_line_per_result_in_its_columns_formula_safe():
    results = [
        {'row': 2, 'username': '=cmd()', 'user_id': UID, 'status': 'updated', 'changed': True, 'failed': False,
         'changed_fields': ['jobTitle', 'password'], 'groups': [{'name': 'Finance', 'id': 'g', 'status': 'added'}],
         'system': {'id': SID, 'sudo': True, 'status': 'added'}, 'ldap': None, 'msg': '', 'warnings': ['not a column']},
        {'row': 3, 'username': None, 'user_id': None, 'status': 'invalid', 'changed': False, 'failed': True,
         'changed_fields': [], 'groups': [], 'system': None, 'ldap': {'id': 'l1', 'status': 'present'},
         'msg': '+1 is, "quoted"', 'errors': []}]
    text = report.render_report(results)
    assert text.split('\r\n')[0] == \
        'row,username,user_id,status,changed,failed,changed_fields,groups,system,ldap,msg,remove_system,remove_ldap'
    assert list(csv.reader(io.StringIO(text))) == [
        list(report.REPORT_COLUMNS),
        ['2', "'=cmd()", UID, 'updated', 'true', 'false', 'jobTitle;password', 'Finance:added', '%s:added' % SID, '', '',
         '', ''],
        ['3', '', '', 'invalid', 'false', 'true', '', '', '', 'l1:present', "'+1 is, \"quoted\"", '', '']]


def test_the_report_is_written_whole_through_a_temporary_file(tmp_path):
    path = tmp_path / 'report.csv'
    path.write_text('old')
    write.write_atomic(str(path), 'row,username\r\n2,bob\n')
    assert path.read_bytes() == b'row,username\r\n2,bob\n'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ['report.csv']


def test_a_report_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    (tmp_path / 'report.csv').mkdir()
    with pytest.raises(OSError):
        write.write_atomic(str(tmp_path / 'report.csv'), 'x')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['report.csv']


def run_rows():
    """One row of each row status of a real run, a changed one with a warning, in file order."""
    rows = []
    for n, status in enumerate(('updated', 'unchanged', 'created', 'failed', 'invalid', 'not_found', 'skipped')):
        rows.append({'row': n + 2, 'username': 'u%d' % n, 'user_id': None, 'status': status,
                     'changed': status in ('updated', 'created'), 'failed': status in ('failed', 'invalid'),
                     'changed_fields': ['jobTitle'] if status == 'updated' else [], 'groups': [], 'system': None,
                     'ldap': None, 'remove_system': None, 'msg': ''})
    rows[0]['warnings'] = ['users.csv:2:3: a warning']
    return rows


@pytest.mark.parametrize('which, returned', [
    ('all', ['updated', 'unchanged', 'created', 'failed', 'invalid', 'not_found', 'skipped']),
    ('changed', ['updated', 'created', 'failed', 'invalid', 'not_found', 'skipped']),
    ('problems', ['failed', 'invalid', 'not_found', 'skipped'])])
def test_run_results_return_their_rows_and_count_every_row(which, returned):
    rows = report.RunResults(which, report=True)
    for result in run_rows():
        # what the run holds of a row until the end: the result itself only when it is returned
        kept = rows.keep(result)
        assert (kept is result) == (result['status'] in returned)
        rows.add(kept)
    assert [r['status'] for r in rows.results] == returned
    assert rows.summary({'reads': 2}) == report.summary(run_rows(), {'reads': 2})
    assert rows.summary({})['rows'] == 7 and rows.changed == 2 and rows.failed == 2
    assert ''.join(rows.report_text()) == report.render_report(run_rows())
    assert rows.warnings == ['users.csv:2:3: a warning']


def test_a_row_that_failed_is_a_problem_whatever_its_status():
    result = dict(run_rows()[0], failed=True)
    assert report.returned(result, 'problems') and report.returned(result, 'changed')
    assert not report.returned(run_rows()[1], 'changed') and report.returned(run_rows()[1], 'all')


def test_run_results_without_a_report_keep_no_report_lines():
    rows = report.RunResults('problems')
    kept = rows.keep(run_rows()[0])
    assert kept.line is None and kept.warnings == ['users.csv:2:3: a warning']
    rows.add(kept)
    assert rows.results == [] and rows.report_lines is None and rows.summary({})['changed'] == 1


def test_run_results_give_every_row_its_user_line_failed_rows_last_whatever_is_returned():
    every = report.RunResults('all', lines=True)
    few = report.RunResults('problems', lines=True)
    for result in run_rows():
        every.add(every.keep(result))
        few.add(few.keep(result))
    assert few.user_lines() == every.user_lines() == user_lines(run_rows())
    assert few.user_lines()[-2:] == ['row 5 u3: failed: failed', 'row 6 u4: invalid: failed']
    assert report.RunResults('all').lines is None
