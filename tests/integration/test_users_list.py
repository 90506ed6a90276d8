"""The users option: a list of items, each a row in the column language, applied as the same rows of a CSV
are (results, state, report and failed-rows file), with problems located by item and key."""
import copy
import csv
import io
import json

import pytest

from helpers import USERS_MODULE, apply, run_task
from org import SEED, Org
from playbook import reset_stats, run_playbook

pytestmark = pytest.mark.integration

SECRET = 'Items-Pa55-never-shown'

# the same rows twice: as items (with the values YAML gives: booleans and numbers) and as a CSV
ITEMS = [
    {'Username': 'alice', 'jobTitle': 'Staff Engineer', 'sudo': True, 'unix_uid': 6001, 'Group1': 'Finance'},
    {'username': 'bob', 'jobTitle': '', 'sudo': False, 'unix_uid': 6002.0, 'Attribute1_name': 'team',
     'Attribute1_value': 'blue'},
    {'Username': 'nobody-here', 'jobTitle': 'Ghost'},
    {'Username': 'carol', 'Email': 'bob@example.com'},
]
CSV = ('Username,jobTitle,sudo,unix_uid,Group1,Attribute1_name,Attribute1_value,Email\n'
       'alice,Staff Engineer,true,6001,Finance,,,\n'
       'bob,,false,6002,,team,blue,\n'
       'nobody-here,Ghost,,,,,,\n'
       'carol,,,,,,,bob@example.com\n')


def _state(org):
    users = {}
    for user in org.fake.org.users.values():
        user = copy.deepcopy(user)
        for volatile in ('_id', 'id', 'created', 'password_date', 'attributes_ids'):
            user.pop(volatile, None)
        users[user['username']] = json.dumps(user, sort_keys=True, default=str)
    groups = sorted((g['name'], sorted(org.fake.org.users[m]['username'] for m in org.fake.org.group_members[g['id']]))
                    for g in org.fake.org.groups.values())
    return users, groups


def _run(tmp_path, org, source, **args):
    args = dict(skip_invalid_rows=True, missing_users='skip', report_path=str(tmp_path / 'report.csv'),
                failed_rows_path=str(tmp_path / 'failed.csv'), **args)
    if isinstance(source, list):
        run = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=source, **args))
    else:
        run = apply(tmp_path, org.fake, source, **args)
    return run.result


def _comparable(result, rows):
    """A result with each row's number replaced by its position, and the locations taken out of the messages."""
    out = []
    for position, row in enumerate(result['results']):
        row = dict(row, row=rows.index(row['row']))
        row.pop('errors', None)
        row['msg'] = row['msg'].split(': ')[-1]
        out.append(row)
    return out


def test_users_items_give_the_same_results_state_and_files_as_the_same_rows_in_a_csv(tmp_path, fake_factory):
    by_items, by_csv = Org(fake_factory(copy.deepcopy(SEED))), Org(fake_factory(copy.deepcopy(SEED)))
    (tmp_path / 'items').mkdir()
    (tmp_path / 'csv').mkdir()
    items = _run(tmp_path / 'items', by_items, ITEMS)
    from_csv = _run(tmp_path / 'csv', by_csv, CSV)

    assert [r['row'] for r in items['results']] == [0, 1, 2, 3]      # a result's row is the item's index
    assert [r['row'] for r in from_csv['results']] == [2, 3, 4, 5]
    assert _comparable(items, [0, 1, 2, 3]) == _comparable(from_csv, [2, 3, 4, 5])
    assert [r['status'] for r in items['results']] == ['updated', 'updated', 'not_found', 'invalid']
    assert items['summary'] == from_csv['summary']          # request counts included
    assert _state(by_items) == _state(by_csv)
    alice = by_items.user('alice')
    assert (alice['jobTitle'], alice['sudo'], alice['unix_uid']) == ('Staff Engineer', True, 6001)
    assert by_items.user('bob')['unix_uid'] == 6002        # 6002.0 is the number 6002, never '6002.0'

    # the report: the same but for the rows' numbers and where a problem is located
    def report(folder):
        rows = list(csv.DictReader(io.StringIO((tmp_path / folder / 'report.csv').read_text(), newline='')))
        return [dict(r, row=None, msg=r['msg'].split(': ')[-1]) for r in rows]
    assert report('items') == report('csv') and len(report('items')) == 4
    # the failed-rows file: a CSV of the failed item in the column language, as the file's failed row is
    failed_items = (tmp_path / 'items' / 'failed.csv').read_text().splitlines()
    failed_csv = (tmp_path / 'csv' / 'failed.csv').read_text().splitlines()
    assert failed_items[0] == 'Username,jobTitle,sudo,unix_uid,Group1,Attribute1_name,Attribute1_value,Email,jc_error'
    assert failed_items[1].startswith('carol,,,,,,,bob@example.com,')
    assert failed_csv[1].startswith('carol,,,,,,,bob@example.com,')


def test_an_items_errors_name_the_item_and_the_key_and_nothing_is_written(tmp_path, org):
    before = org.user('alice')
    items = [
        {'Username': 'alice', 'jobTitle': 'Boss', 'Password': SECRET},
        {'Username': 'bob', 'sudo': 'maybe'},
        {'Username': 'carol', 'jobTitel': 'Typo'},
        {'Username': 'erin', 'Group1': ['Ops'], 'Password': SECRET},
        {},
    ]
    run = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=items))
    result = run.result
    assert result['failed'] is True
    assert org.user('alice') == before                                   # nothing written
    msg = result['msg']
    assert "users[2].jobTitel: unknown column; did you mean 'jobTitle'?" in msg
    assert 'users[3].Group1: a list is not a cell value' in msg
    assert 'users[4]: is empty' in msg
    assert 'users[0]' not in msg and 'users[1]' not in msg     # cells are checked once the items are read
    assert SECRET not in json.dumps(result)

    # a cell's problem found by validation names the item and the key as the item wrote it
    run = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=items[:2]))
    assert run.result['failed'] is True and org.user('alice') == before
    bob = run.result['results'][1]
    assert bob['row'] == 1 and bob['status'] == 'invalid'
    assert bob['msg'].startswith("users[1].sudo: 'maybe' is not a boolean")
    assert bob['errors'][0]['path'] == 'users' and bob['errors'][0]['line'] == 1
    assert SECRET not in json.dumps(run.result)


def test_users_and_csv_path_are_exclusive_and_one_is_required(tmp_path, org):
    both = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=[{'Username': 'alice'}], csv_path='x.csv'))
    assert both.result['failed'] and 'mutually exclusive' in both.result['msg']
    neither = run_task(tmp_path, org.fake, USERS_MODULE, {})
    assert neither.result['failed'] and 'one of the following is required: csv_path, users' in neither.result['msg']
    empty = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=[]))
    assert empty.result['failed'] and 'users: is empty' in empty.result['msg']


def test_the_role_applies_users_items_through_the_preview_and_the_update_and_masks_their_passwords(tmp_path, org):
    items = [{'Username': 'alice', 'jobTitle': 'Role Engineer', 'Password': SECRET},
             {'Username': 'bob', 'sudo': True, 'unix_uid': 7002}]
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users',
                       dict(users_csv_users=items, users_csv_confirm=True, users_csv_update_password='never'),
                       verbosity=3)
    assert run.rc == 0, run.output
    assert 'row 0 alice: would update: jobTitle' in run.stdout           # the preview had the items too
    assert 'row 0 alice: updated: jobTitle' in run.stdout
    assert (org.user('alice')['jobTitle'], org.user('bob')['unix_uid'], org.user('bob')['sudo']) == \
        ('Role Engineer', 7002, True)
    assert SECRET not in run.output


def test_the_items_passwords_are_masked_in_the_invocation_its_log_and_the_results(tmp_path, org, monkeypatch):
    from ansible.module_utils import basic
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, 'log', lambda self, msg, log_args=None: logged.append((msg, log_args)))
    items = [{'Username': 'alice', 'jobTitle': 'Boss', 'Password': SECRET},
             {'Username': 'bob', 'passWORD ': 12345678901, 'jobTitle': 'Clerk'}]
    run = run_task(tmp_path, org.fake, USERS_MODULE, dict(users=items, update_password='always',
                                                         _ansible_inject_invocation=True))
    assert run.result['changed'] is True and org.user('alice')['jobTitle'] == 'Boss'
    assert run.result['invocation']['module_args']['users'][1]['jobTitle'] == 'Clerk'
    dumped = json.dumps(run.result)
    assert SECRET not in dumped and '12345678901' not in dumped
    assert logged and 'Clerk' in logged[0][0]                       # the invocation log names the items...
    assert SECRET not in repr(logged) and '12345678901' not in repr(logged)    # ...but not their passwords
