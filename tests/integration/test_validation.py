"""Every validation error names its line and column, and an invalid file writes nothing."""
import pytest

from test_users_from_csv import apply, rows

pytestmark = pytest.mark.integration


# (name, CSV given the org's ids, expected (line, column, header), fragment of the message)
CASES = [
    ('unknown header', 'Username,jobTitel\nbob,x\n', (1, 2, 'jobTitel'), "did you mean 'jobTitle'"),
    ('duplicate header', 'Username,home_city,home_locality\nbob,a,b\n', (1, 3, 'home_locality'), 'repeats column 2'),
    ('duplicate username', 'Username,jobTitle\nbob,a\nerin,b\nBOB,c\n', (4, 1, 'Username'),
     'already updated by line 2'),
    ('bad boolean', 'Username,sudo\nbob,maybe\n', (2, 2, 'sudo'), 'is not a boolean'),
    ('bad Administrator', 'Username,SystemID,Administrator\nbob,{host},admin\n', (2, 3, 'Administrator'),
     'is not a boolean'),
    ('bad integer', 'Username,unix_uid\nbob,12x\n', (2, 2, 'unix_uid'), 'not a whole number'),
    ('integer too large', 'Username,unix_guid\nbob,4294967296\n', (2, 2, 'unix_guid'), 'not a whole number'),
    ('EnrollmentDays zero', 'Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,0\n',
     (2, 3, 'EnrollmentDays'), 'from 1 to 365'),
    ('EnrollmentDays too many', 'Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,366\n',
     (2, 3, 'EnrollmentDays'), 'from 1 to 365'),
    ('EnrollmentDays without MFA', 'Username,EnrollmentDays\nbob,5\n', (2, 2, 'EnrollmentDays'),
     'needs enable_user_portal_multifactor'),
    ('attribute name without value', 'Username,Attribute1_name,Attribute1_value\nbob,team,\n',
     (2, 2, 'Attribute1_name'), 'Attribute1_value is empty'),
    ('attribute value without name', 'Username,Attribute1_name,Attribute1_value\nbob,,red\n',
     (2, 3, 'Attribute1_value'), 'Attribute1_name is empty'),
    ('attribute named twice', 'Username,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value\n'
     'bob,team,a,team,b\n', (2, 4, 'Attribute2_name'), 'named twice'),
    ('attribute name characters', 'Username,Attribute1_name,Attribute1_value\nbob,cost-code,a\n',
     (2, 2, 'Attribute1_name'), 'letters and digits'),
    ('bad email', 'Username,Email\nbob,not-an-email\n', (2, 2, 'Email'), 'not an email address'),
    ('bad device id', 'Username,SystemID\nbob,host-b\n', (2, 2, 'SystemID'), 'not a device id'),
    ('user not found', 'Username,jobTitle\nbob,a\nzed,b\n', (3, 1, 'Username'), "user 'zed' does not exist"),
    ('group not found', 'Username,Group1,Group2\nbob,Finance,finance team\n', (2, 3, 'Group2'),
     "user group 'finance team' does not exist"),
    ('group named twice in other case', 'Username,Group1,Group2\nbob,Finance,fINANCE\n', (2, 3, 'Group2'),
     "'fINANCE' is 'Finance', already named in Group1"),
    ('attribute named twice in other case',
     'Username,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value\nbob,Team,a,team,b\n',
     (2, 4, 'Attribute2_name'), "attribute 'team' is named twice"),
    ('device not found', 'Username,SystemID\nbob,%s\n' % ('f' * 24), (2, 2, 'SystemID'), 'does not exist'),
    ('LDAP server not found', 'Username,ldapserver_id\nbob,%s\n' % ('e' * 24), (2, 2, 'ldapserver_id'),
     'does not exist'),
    ('manager not found', 'Username,manager\nbob,nobody@example.com\n', (2, 2, 'manager'), 'matches no user'),
    ('own manager', 'Username,manager\nbob,bob\n', (2, 2, 'manager'), 'own manager'),
    ('employeeIdentifier of another user', 'Username,employeeIdentifier\nbob,E1\n', (2, 2, 'employeeIdentifier'),
     "already belongs to user 'alice'"),
    ('employeeIdentifier twice in the file', 'Username,employeeIdentifier\nbob,E9\nerin,E9\n',
     (3, 2, 'employeeIdentifier'), 'also given to bob on line 2'),
    ('email of another user', 'Username,Email\nbob,Alice@Example.com\n', (2, 2, 'Email'),
     "already belongs to user 'alice'"),
    ('email twice in the file', 'Username,Email\nbob,new@example.com\nerin,NEW@example.com\n', (3, 2, 'Email'),
     'also given to bob on line 2'),
    ('clear a boolean', 'Username,sudo\nbob,__CLEAR__\n', (2, 2, 'sudo'), 'cannot be cleared'),
    ('Administrator without SystemID', 'Username,Administrator\nbob,true\n', (2, 2, 'Administrator'),
     'needs a SystemID'),
    ('empty Username', 'Username,jobTitle\n,a\n', (2, None, 'Username'), 'Username is empty'),
    ('too long', 'Username,employeeIdentifier\nbob,%s\n' % ('x' * 257), (2, 2, 'employeeIdentifier'),
     'at most 256'),
]


@pytest.mark.parametrize('name,csv_text,where,fragment', CASES, ids=[c[0] for c in CASES])
def test_validation_error_names_line_and_column_and_writes_nothing(tmp_path, org, name, csv_text, where, fragment):
    text = csv_text.replace('{host}', org.system('host-b'))
    if name not in ('unknown header', 'duplicate header'):
        # a valid row too, so that "nothing written" is not trivially true
        text += 'alice' + ',' * text.split('\n')[0].count(',') + '\n'
    before = org.fake.org.snapshot()
    run = apply(tmp_path, org, text)
    result = run.result
    assert result['failed'] is True
    line, column, header = where
    location = 'users.csv:%d' % line + (':%d' % column if column else '')
    assert location in result['msg'], result['msg']
    assert fragment in result['msg']
    matching = [e for e in result['errors'] if e['line'] == line and e['column'] == column]
    assert matching and matching[0]['header'] == header and fragment in matching[0]['message']
    assert run.stats['writes'] == 0
    assert org.fake.org.snapshot() == before
    assert 'nothing was written' in result['msg']
    assert 'Traceback' not in run.output


def test_all_problems_are_reported_at_once(tmp_path, org):
    run = apply(tmp_path, org, 'Username,sudo,unix_uid,Group1\nbob,maybe,x,Finance\nzed,true,1,\n'
                'erin,true,2,Nope\n')
    lines = sorted((e['line'], e['column']) for e in run.result['errors'])
    assert lines == [(2, 2), (2, 3), (3, 1), (4, 4)]
    statuses = [r['status'] for r in run.result['results']]
    assert statuses == ['invalid', 'not_found', 'invalid']


def test_valid_rows_of_an_invalid_file_are_skipped(tmp_path, org):
    run = apply(tmp_path, org, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\n')
    assert [r['status'] for r in run.result['results']] == ['skipped', 'invalid']
    assert run.stats['writes'] == 0 and org.user('bob')['jobTitle'] == ''
    assert [r['user_id'] for r in run.result['results']] == [org.uid('bob'), org.uid('erin')]


def test_skip_invalid_rows_applies_the_valid_ones(tmp_path, org):
    run = apply(tmp_path, org, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\nzed,X,\n',
                skip_invalid_rows=True)
    assert run.result['failed'] is True
    assert [r['status'] for r in run.result['results']] == ['updated', 'invalid', 'not_found']
    assert org.user('bob')['jobTitle'] == 'Boss' and org.user('erin')['jobTitle'] == ''
    assert [r['user_id'] for r in run.result['results']] == [org.uid('bob'), org.uid('erin'), None]
    assert 'the valid rows were applied' in run.result['msg']
    assert 'users.csv:3:3' in run.result['msg'] and 'users.csv:4:1' in run.result['msg']


def test_a_repeated_username_keeps_its_user_id_on_the_refused_row(tmp_path, org):
    run = apply(tmp_path, org, 'Username,jobTitle\nbob,Boss\nbob,Chief\n', skip_invalid_rows=True)
    assert [(r['status'], r['user_id']) for r in run.result['results']] == \
        [('updated', org.uid('bob')), ('invalid', org.uid('bob'))]
    assert org.user('bob')['jobTitle'] == 'Boss'


def test_a_user_the_api_refuses_fails_alone_with_the_api_text(tmp_path, org):
    # the API compares emails without regard to case; the search that validation uses does not,
    # so this collision is only found by the API itself
    org.fake.org.users[org.uid('erin')]['email'] = 'Taken@Example.com'
    run = apply(tmp_path, org, 'Username,Email,Group1\nbob,taken@example.com,Finance\nalice,,Finance\n')
    result = run.result
    assert result['failed'] is True
    bob, alice = rows(run)['bob'], rows(run)['alice']
    assert bob['status'] == 'failed' and bob['failed'] is True
    assert 'email address taken@example.com already exists' in bob['msg']
    assert bob['groups'][0]['status'] == 'added'          # the rest of bob's row was still tried
    assert alice['status'] == 'updated' and alice['groups'][0]['status'] == 'added'
    assert 'row 2 bob (failed)' in result['msg']
    assert result['summary']['by_status'] == {'updated': 1, 'unchanged': 0, 'failed': 1, 'invalid': 0,
                                              'not_found': 0, 'skipped': 0}
