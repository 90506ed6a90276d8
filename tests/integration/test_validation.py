"""Every validation error names its line and column, and an invalid file writes nothing."""
import pytest

from helpers import apply, results_by_user

pytestmark = pytest.mark.integration


# Every rule of the reader, of a cell and of a reference, with its line, column and header:
# tests/unit/plugins/module_utils/_users_from_csv/test_validate.py. Here, once each through the whole module: a problem the reader finds,
# one in a cell's format, and two references JumpCloud does not have (a group, and a user: not_found).
# (name, CSV given the org's ids, expected (line, column, header), fragment of the message)
CASES = [
    ('unknown header', 'Username,jobTitel\nbob,x\n', (1, 2, 'jobTitel'), "did you mean 'jobTitle'"),
    ('bad boolean', 'Username,sudo\nbob,maybe\n', (2, 2, 'sudo'), 'is not a boolean'),
    ('user not found', 'Username,jobTitle\nbob,a\nzed,b\n', (3, 1, 'Username'), "user 'zed' does not exist"),
    ('group not found', 'Username,Group1,Group2\nbob,Finance,finance team\n', (2, 3, 'Group2'),
     "user group 'finance team' does not exist"),
]


@pytest.mark.parametrize('name,csv_text,where,fragment', CASES, ids=[c[0] for c in CASES])
def test_validation_error_names_line_and_column_and_writes_nothing(tmp_path, org, name, csv_text, where, fragment):
    text = csv_text.replace('{host}', org.system('host-b'))
    if name != 'unknown header':
        # a valid row too, so that "nothing written" is not trivially true
        text += 'alice' + ',' * text.split('\n')[0].count(',') + '\n'
    before = org.fake.org.snapshot()
    run = apply(tmp_path, org.fake, text, playbook=True)
    result = run.result
    assert result['failed'] is True
    line, column, header = where
    location = 'users.csv:%d' % line + (':%d' % column if column else '')
    assert location in result['msg'], result['msg']
    assert fragment in result['msg']
    matching = [e for e in result['errors'] if e['line'] == line and e['column'] == column]
    assert matching, result['errors']
    assert matching[0]['header'] == header
    assert fragment in matching[0]['message']
    assert run.stats['writes'] == 0
    assert org.fake.org.snapshot() == before
    assert 'nothing was written' in result['msg']
    assert 'Traceback' not in run.output


def test_valid_rows_of_an_invalid_file_are_skipped(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\n')
    assert [r['status'] for r in run.result['results']] == ['skipped', 'invalid']
    assert run.stats['writes'] == 0
    assert org.user('bob')['jobTitle'] == ''
    assert [r['user_id'] for r in run.result['results']] == [org.uid('bob'), org.uid('erin')]


def test_skip_invalid_rows_applies_the_valid_ones(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\nzed,X,\n',
                skip_invalid_rows=True)
    assert run.result['failed'] is True
    assert [r['status'] for r in run.result['results']] == ['updated', 'invalid', 'not_found']
    assert org.user('bob')['jobTitle'] == 'Boss'
    assert org.user('erin')['jobTitle'] == ''
    assert [r['user_id'] for r in run.result['results']] == [org.uid('bob'), org.uid('erin'), None]
    assert 'the valid rows were applied' in run.result['msg']
    assert 'users.csv:3:3' in run.result['msg']
    assert 'users.csv:4:1' in run.result['msg']


def test_a_repeated_username_keeps_its_user_id_on_the_refused_row(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Boss\nbob,Chief\n', skip_invalid_rows=True)
    assert [(r['status'], r['user_id']) for r in run.result['results']] == \
        [('updated', org.uid('bob')), ('invalid', org.uid('bob'))]
    assert org.user('bob')['jobTitle'] == 'Boss'


def test_a_user_the_api_refuses_fails_alone_with_the_api_text(tmp_path, org):
    # the API compares emails without regard to case; the search that validation uses does not,
    # so this collision is only found by the API itself
    org.set_fields('erin', email='Taken@Example.com')
    run = apply(tmp_path, org.fake, 'Username,Email,Group1\nbob,taken@example.com,Finance\nalice,,Finance\n')
    result = run.result
    assert result['failed'] is True
    bob, alice = results_by_user(run.result)['bob'], results_by_user(run.result)['alice']
    assert bob['status'] == 'failed'
    assert bob['failed'] is True
    assert 'email address taken@example.com already exists' in bob['msg']
    assert bob['groups'][0]['status'] == 'added'          # the rest of bob's row was still tried
    assert alice['status'] == 'updated'
    assert alice['groups'][0]['status'] == 'added'
    assert 'row 2 bob (failed)' in result['msg']
    assert result['summary']['by_status'] == {'created': 0, 'updated': 1, 'unchanged': 0, 'failed': 1, 'invalid': 0,
                                              'not_found': 0, 'skipped': 0, 'deleted': 0, 'absent': 0}
