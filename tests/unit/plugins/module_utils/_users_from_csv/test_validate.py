"""Validation without JumpCloud: every problem of a cell names its line, column and header, with the same
words the module reports, whether it comes from the reader, from a cell's format or from a reference."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references, check_restricted, restricted_fields
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

HOST = '5f00000000000000000000b1'
LDAP = '5f00000000000000000000d1'
USERS = [
    {'_id': '5f0000000000000000000001', 'username': 'alice', 'email': 'alice@example.com', 'employeeIdentifier': 'E1'},
    {'_id': '5f0000000000000000000002', 'username': 'bob', 'email': 'bob@example.com'},
    {'_id': '5f0000000000000000000003', 'username': 'carol', 'email': 'carol@example.com'},
    {'_id': '5f0000000000000000000005', 'username': 'erin', 'email': 'erin@example.com', 'employeeIdentifier': 'E5'},
]


def org_state():
    """The users, groups, device and LDAP server of the integration tests' small organisation."""
    state = State()
    for user in USERS:
        state.add_user(dict(user))
    for number, name in enumerate(['Engineering', 'Finance', 'Ops']):
        state.groups[name] = {'id': '5f00000000000000000000a%d' % number, 'name': name}
    state.systems[HOST] = {'_id': HOST, 'hostname': 'host-b'}
    state.ldapservers[LDAP] = {'id': LDAP, 'name': 'ldap-1'}
    return state


def validate(csv_text, state=None, clear_token='__CLEAR__'):
    """The rows and every problem of ``csv_text``, in the order the module reports them: the reader's
    problems stop there; else each row's format problems, then its reference problems."""
    table, problems = read_csv('users.csv', csv_text.encode('utf-8'))
    if problems:
        return [], problems
    rows = check_references(parse_rows(table, clear_token), state or org_state())
    return rows, [p for row in rows for p in row.problems]


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
def test_each_problem_names_its_line_column_and_header(name, csv_text, where, fragment):
    text = csv_text.replace('{host}', HOST)
    with_alice = name not in ('unknown header', 'duplicate header')
    if with_alice:
        # a valid row too: its problems (none) must not hide or move the invalid one's
        text += 'alice' + ',' * text.split('\n')[0].count(',') + '\n'
    rows, problems = validate(text)
    line, column, header = where
    location = 'users.csv:%d' % line + (':%d' % column if column else '')
    matching = [p for p in problems if p.line == line and p.column == column]
    assert matching, [p.format('users.csv') for p in problems]
    assert matching[0].header == header
    assert fragment in matching[0].message
    # the text the module's message and its errors list carry
    assert matching[0].format('users.csv').startswith(location + ': ')
    assert fragment in matching[0].format('users.csv')
    assert matching[0].as_dict('users.csv')['line'] == line
    assert matching[0].as_dict('users.csv')['column'] == column
    assert matching[0].as_dict('users.csv')['header'] == header
    # the valid row stays valid
    assert [r.problems for r in rows if r.username == 'alice'] == ([[]] if with_alice else [])


def test_all_problems_are_reported_at_once():
    rows, problems = validate('Username,sudo,unix_uid,Group1\nbob,maybe,x,Finance\nzed,true,1,\nerin,true,2,Nope\n')
    assert sorted((p.line, p.column) for p in problems) == [(2, 2), (2, 3), (3, 1), (4, 4)]
    assert [st.problem_status(r) for r in rows] == ['invalid', 'not_found', 'invalid']


@pytest.mark.parametrize('spelling,enabled', [('true', True), ('TRUE', True), ('yes', True), ('1', True),
                                              ('$true', True), ('false', False), ('No', False), ('0', False),
                                              ('$False', False)])
def test_each_administrator_spelling(spelling, enabled):
    rows, problems = validate('Username,SystemID,Administrator\nalice,%s,%s\n' % (HOST, spelling))
    assert problems == []
    assert rows[0].administrator is enabled
    assert rows[0].system_id == HOST


@pytest.mark.parametrize('word', ['y', 'n', 'Y', ' yes '])
def test_single_letters_and_padded_words_are_booleans_too(word):
    rows, problems = validate('Username,sudo\nbob,%s\n' % word)
    assert problems == []
    assert rows[0].scalars == {'sudo': word.strip().lower() in ('y', 'yes')}


def test_a_row_without_problems_has_no_status_and_cells_land_where_planning_reads_them():
    rows, problems = validate('Username,Password,manager,jobTitle,home_city,mobile_number,unix_uid,'
                              'enable_user_portal_multifactor,EnrollmentDays,ldapserver_id,Group1,Group2\n'
                              'bob,pw,alice,__CLEAR__,Denver,__CLEAR__,7,yes,30,%s,Finance,Ops\n' % LDAP)
    assert problems == []
    row = rows[0]
    assert st.problem_status(row) is None
    assert (row.username, row.password, row.manager, row.manager_id) == ('bob', 'pw', 'alice', USERS[0]['_id'])
    assert row.scalars == {'jobTitle': CLEAR, 'unix_uid': 7}
    assert row.addresses == {'home': {'locality': 'Denver'}}
    assert row.phones == {'mobile': CLEAR}
    assert (row.mfa, row.enrollment_days, row.ldapserver_id) == (True, 30, LDAP)
    assert row.groups == [('Finance', 'Group1'), ('Ops', 'Group2')]


def test_a_manager_cleared_is_not_looked_up():
    rows, problems = validate('Username,manager\nbob,__CLEAR__\n')
    assert problems == []
    assert rows[0].manager is CLEAR and rows[0].manager_id is None


@pytest.mark.parametrize('reference', [USERS[0]['_id'], 'alice', 'ALICE@example.com'])
def test_a_manager_is_found_by_id_username_or_email(reference):
    rows, problems = validate('Username,manager\nbob,%s\n' % reference)
    assert problems == []
    assert rows[0].manager_id == USERS[0]['_id']


@pytest.mark.parametrize('csv_text,key,message', [
    ('Username,Group1\nbob,__CLEAR__\n', 'Group1', 'group membership cannot be cleared here; to take the user out '
                                                   'of the group, name it in a RemoveGroupN cell'),
    ('Username,Attribute1_name,Attribute1_value\nbob,__CLEAR__,x\n', 'Attribute1_name',
     'an attribute name cannot be cleared; put the clear token in Attribute1_value'),
    ('Username,Attribute1_name,Attribute1_value\nbob,team,%s\n' % ('v' * 1025), 'Attribute1_value',
     'is 1025 characters long; JumpCloud allows at most 1024'),
    ('Username,home_city\nbob,%s\n' % ('c' * 1025), 'home_city', 'is 1025 characters long; JumpCloud allows at most 1024'),
    ('Username,mobile_number\nbob,%s\n' % ('1' * 1025), 'mobile_number',
     'is 1025 characters long; JumpCloud allows at most 1024'),
    ('Username,ldapserver_id\nbob,ldap-1\n', 'ldapserver_id',
     "'ldap-1' is not an LDAP server id (24 lowercase hexadecimal characters)"),
    ('Username,Group1,Group2\nbob,Finance,Finance\n', 'Group2', "group 'Finance' is named twice in this row"),
    ('Username,EnrollmentDays,enable_user_portal_multifactor\nbob,x,true\n', 'EnrollmentDays',
     "'x' is not a number of days from 1 to 365"),
])
def test_more_cell_rules(csv_text, key, message):
    rows, problems = validate(csv_text)
    assert [(p.header, p.message) for p in problems] == [(key, message)]


def test_an_attribute_pair_left_empty_is_no_problem_and_a_cleared_value_is_clear():
    rows, problems = validate('Username,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value\n'
                              'bob,,,team,__CLEAR__\n')
    assert problems == []
    assert rows[0].attributes == [('team', CLEAR)]
    assert rows[0].attribute_keys == {'team': 'Attribute2_name'}


def test_a_custom_clear_token():
    rows, problems = validate('Username,jobTitle,department\nbob,<none>,__CLEAR__\n', clear_token='<none>')
    assert problems == []
    assert rows[0].scalars == {'jobTitle': CLEAR, 'department': '__CLEAR__'}


def test_the_same_user_written_the_same_twice_is_reported_once_by_the_file_check():
    rows, problems = validate('Username,jobTitle\nbob,a\nbob,b\n')
    assert [(p.line, p.column, p.message) for p in problems] == [(3, 1, "user 'bob' is already updated by line 2")]


def test_an_email_or_employee_id_the_user_already_has_is_no_collision():
    rows, problems = validate('Username,Email,employeeIdentifier\nalice,ALICE@example.com,E1\n')
    assert problems == []


def test_restricted_fields_read_the_directory_of_each_managed_field():
    user = {'restrictedFields': [{'field': 'department', 'type': 'active_directory'}, {'field': 'jobTitle'},
                                 {'type': 'scim'}, 'not-a-dict', {'field': 'department', 'type': 'scim'}]}
    assert restricted_fields(user) == {'department': 'active_directory', 'jobTitle': None}
    assert restricted_fields(None) == {}
    assert restricted_fields({'restrictedFields': None}) == {}


def test_a_change_to_a_directory_managed_field_is_a_problem_on_its_cell():
    state = org_state()
    state.users_by_name['bob']['restrictedFields'] = [
        {'field': 'department', 'type': 'active_directory'}, {'field': 'addresses', 'type': 'scim'},
        {'field': 'phoneNumbers', 'type': 'okta'}, {'field': 'password'}, {'field': 'jobTitle', 'type': 'scim'}]
    rows, problems = validate('Username,department,home_city,work_city,mobile_number,Password,jobTitle\n'
                              'bob,Sales,Denver,Paris,1,pw,\nalice,Sales,,,,,\n', state)
    assert problems == []
    changes = {'bob': ['department', 'addresses.home.locality', 'addresses.work.locality', 'phoneNumbers.mobile',
                       'password', 'employeeType'],
               'alice': ['department']}
    check_restricted(rows, state, lambda desired, user: changes[desired.username])
    bob = [(p.header, p.message) for p in rows[0].problems]
    assert bob == [
        ('department', "department of user 'bob' is managed by Active Directory (active_directory) and cannot be "
                       "changed here; change it there, or leave this cell empty"),
        ('home_city', "addresses of user 'bob' is managed by a SCIM provisioning integration (scim) and cannot be "
                      "changed here; change it there, or leave this cell empty"),
        ('work_city', "addresses of user 'bob' is managed by a SCIM provisioning integration (scim) and cannot be "
                      "changed here; change it there, or leave this cell empty"),
        ('mobile_number', "phoneNumbers of user 'bob' is managed by okta (okta) and cannot be changed here; change it "
                          "there, or leave this cell empty"),
        ('Password', "password of user 'bob' is managed by a directory and cannot be changed here; change it there, "
                     "or leave this cell empty")]
    assert rows[1].problems == []


def test_rows_with_problems_are_not_checked_for_managed_fields():
    state = org_state()
    state.users_by_name['bob']['restrictedFields'] = [{'field': 'department', 'type': 'scim'}]
    rows, problems = validate('Username,department,sudo\nbob,Sales,maybe\n', state)
    assert len(problems) == 1
    check_restricted(rows, state, lambda desired, user: pytest.fail('a row with problems is not planned'))
    assert len(rows[0].problems) == 1
