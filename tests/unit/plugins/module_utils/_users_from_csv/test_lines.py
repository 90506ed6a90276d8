"""The words of a row's line, shared by the user_lines filter and the module's user_lines."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.lines import in_order, user_line


def test_the_failed_rows_come_last_each_part_in_file_order():
    rows = [{'row': n, 'failed': n % 2 == 0} for n in range(2, 8)]
    assert [r['row'] for r in in_order(rows)] == [3, 5, 7, 2, 4, 6]


def test_a_line_says_the_row_the_user_the_status_and_what_changed_or_why_it_failed():
    assert user_line({'row': 2, 'username': 'alice', 'status': 'would_update', 'changed_fields': ['jobTitle'],
                      'groups': [{'name': 'Ops', 'status': 'would_add'}]}) == \
        'row 2 alice: would update: jobTitle, would add group Ops'
    assert user_line({'row': 3, 'username': None, 'status': 'invalid', 'failed': True, 'msg': 'x:3:1: bad'}) == \
        'row 3 (no username): invalid: x:3:1: bad'
