"""The column table is the one source of the CSV language: the reader, validation, the template, prefill, the
fields read from JumpCloud, the plan and the documentation all agree with it."""
import datetime
import difflib
import os
import random
import re
import string

import pytest
import yaml

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import render as template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import KEY_FIELDS, State, needed_fields
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import _PARSERS, CLEAR, parse_rows
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template, jc_users_from_csv
from testenv import ROOT

CLEAR_TOKEN = '__CLEAR__'
NAMES = [c.name for c in columns.FIXED_COLUMNS]
NUMBERED = ['Group1', 'GroupN', 'RemoveGroup1', 'RemoveGroupN', 'Attribute1_name', 'Attribute1_value']

# a valid cell, the value it parses to, and an invalid cell, per kind
SAMPLES = {
    columns.KEY: ('bob', 'bob', 'b' * 1025),
    columns.SECRET: ('s3cret!' * 200, 's3cret!' * 200, None),
    columns.USER_REF: ('jane', 'jane', 'j' * 1025),
    columns.OBJECT_ID: ('0123456789abcdef01234567', '0123456789abcdef01234567', '0123456789ABCDEF01234567'),
    columns.STRING: ('Head of IT', 'Head of IT', 'x' * 1025),
    columns.EMAIL: ('jane@example.com', 'jane@example.com', 'jane@example'),
    columns.BOOL: ('Yes', True, 'maybe'),
    columns.INT: ('5001', 5001, '0'),
    columns.DAYS: ('30', 30, '366'),
    columns.ADDRESS: ('Denver', 'Denver', 'x' * 1025),
    columns.PHONE: ('+1 555 0100', '+1 555 0100', 'x' * 1025),
    columns.STATE: (' suspended ', 'SUSPENDED', 'REMOVED'),
}


def parse(header, cell, username='bob'):
    """The one row of a two-column file (Username and ``header``), parsed."""
    text = 'Username,%s\n%s,"%s"\n' % (header, username, cell.replace('"', '""'))
    if header == 'Username':
        text = 'Username\n"%s"\n' % cell
    table, found = read_csv('u.csv', text.encode('utf-8'))
    assert found == []
    return parse_rows(table, CLEAR_TOKEN)[0]


def messages(desired):
    return [p.message for p in desired.problems]


# --- the table itself


def test_every_name_and_alias_is_one_header():
    keys = [n.lower() for c in columns.FIXED_COLUMNS for n in (c.name,) + c.aliases]
    assert len(keys) == len(set(keys))
    for column in columns.FIXED_COLUMNS:
        for name in (column.name,) + column.aliases:
            assert columns.lookup(' %s ' % name.upper()) == ('column', column)


def test_every_entry_is_complete():
    slots = [c.slot for c in columns.FIXED_COLUMNS]
    assert len(slots) == len(set(slots))
    for column in columns.FIXED_COLUMNS:
        assert column.kind in columns.KINDS and column.kind in _PARSERS, column.name
        assert column.slot[0] in ('scalars', 'addresses', 'phones') or len(column.slot) == 1
        assert not column.prefill or column.api is not None, column.name
        assert (column.kind == columns.OBJECT_ID) == (column.what is not None), column.name
        for section, position in column.template:
            assert section in columns.TEMPLATE_BASES + columns.TEMPLATE_SECTIONS, column.name
            assert position >= 1
    assert set(_PARSERS) == set(columns.KINDS)
    assert [k for k, dummy in columns.KIND_DOCS] == sorted(columns.KINDS, key=[k for k, d in columns.KIND_DOCS].index)
    assert len(columns.KIND_DOCS) == len(columns.KINDS)


@pytest.mark.parametrize('section', columns.TEMPLATE_BASES + columns.TEMPLATE_SECTIONS)
def test_positions_in_a_section_are_one_to_n(section):
    positions = sorted(c.position(section) for c in columns.FIXED_COLUMNS if c.position(section) is not None)
    assert positions == list(range(1, len(positions) + 1))


def test_the_template_writes_its_columns_in_the_order_it_always_has():
    assert template.UPDATE_BASE == ['Username']
    assert template.IMPORT_BASE == ['FirstName', 'LastName', 'Username', 'Password', 'Email']
    assert template.SECTIONS == [
        ('email', ['Email']),
        ('user_information', ['alternateEmail', 'recoveryEmail', 'manager', 'managedAppleId', 'MiddleName',
                              'preferredName', 'jobTitle', 'employeeIdentifier', 'department', 'costCenter', 'company',
                              'employeeType', 'description', 'location']),
        ('location', ['home_streetAddress', 'home_poBox', 'home_city', 'home_state', 'home_postalCode', 'home_country',
                      'work_streetAddress', 'work_poBox', 'work_city', 'work_state', 'work_postalCode',
                      'work_country']),
        ('telephony', ['mobile_number', 'home_number', 'work_number', 'work_mobile_number', 'work_fax_number']),
        ('unix_ids', ['unix_uid', 'unix_guid']),
        ('mfa', ['enable_user_portal_multifactor', 'EnrollmentDays']),
        ('ldap_binding', ['ldap_binding_user', 'ldapserver_id', 'RemoveLdapServerID']),
        ('systems', ['SystemID', 'Administrator', 'RemoveSystemID']),
        ('state', ['state']),
    ]
    every = dict((s, True) for s in columns.TEMPLATE_SECTIONS)
    assert template.template_columns('import', 1, 1, **every)[:7] == [
        'FirstName', 'LastName', 'Username', 'Password', 'Email', 'alternateEmail', 'recoveryEmail']
    assert template.template_columns('update', 1, 1, **every)[-5:] == [
        'RemoveSystemID', 'state', 'Group1', 'Attribute1_name', 'Attribute1_value']


def test_every_template_column_is_a_column_the_reader_knows():
    every = dict((s, True) for s in columns.TEMPLATE_SECTIONS)
    for kind in columns.TEMPLATE_BASES:
        header = template.template_columns(kind, 2, 2, **every)
        assert all(columns.lookup(name) is not None for name in header)
        table, found = read_csv('t.csv', (','.join(header) + '\n' + ','.join(['bob'] * len(header)) + '\n').encode())
        assert found == [] and len(table.meanings) == len(header)


# --- validation dispatches on the kind


@pytest.mark.parametrize('column', columns.FIXED_COLUMNS, ids=NAMES)
def test_a_valid_cell_lands_in_the_column_slot(column):
    cell, value, dummy = SAMPLES[column.kind]
    desired = parse(column.name, cell)
    if column.name == 'EnrollmentDays':
        assert messages(desired) == ['needs enable_user_portal_multifactor true in the same row']
    elif column.name == 'Administrator':
        assert messages(desired) == ['needs a SystemID in the same row']
    else:
        assert messages(desired) == []
    assert column.get(desired) == value
    assert [c.name for c in columns.given_columns(desired) if c is not columns.USERNAME] == \
        ([] if column is columns.USERNAME else [column.name])


@pytest.mark.parametrize('column', [c for c in columns.FIXED_COLUMNS if SAMPLES[c.kind][2] is not None],
                         ids=[c.name for c in columns.FIXED_COLUMNS if SAMPLES[c.kind][2] is not None])
def test_an_invalid_cell_is_a_problem_on_its_column(column):
    desired = parse(column.name, SAMPLES[column.kind][2])
    assert desired.problems and desired.problems[0].header == column.name
    assert column is columns.USERNAME or column.get(desired) is None


@pytest.mark.parametrize('column', columns.FIXED_COLUMNS, ids=NAMES)
def test_the_clear_token_clears_exactly_the_clearable_columns(column):
    desired = parse(column.name, CLEAR_TOKEN)
    if column.clearable:
        assert messages(desired) == [] and column.get(desired) is CLEAR
    else:
        assert "cannot be cleared (the clear token '__CLEAR__' is not allowed here)" in messages(desired)
        assert column.get(desired) is None


def test_limits_come_from_the_table():
    assert columns.BY_KEY['employeeidentifier'].max_length == 256
    assert parse('employeeIdentifier', 'x' * 256).problems == []
    assert messages(parse('employeeIdentifier', 'x' * 257)) == ['is 257 characters long; JumpCloud allows at most 256']
    long_email = 'a' * 243 + '@example.com'
    assert messages(parse('recoveryEmail', long_email)) == ['is 255 characters long; an email address has at most 254']
    assert parse('Password', 'p' * 5000).password == 'p' * 5000


def test_id_columns_say_what_they_hold():
    assert messages(parse('SystemID', 'nope')) == ["'nope' is not a device id (24 lowercase hexadecimal characters)"]
    assert messages(parse('ldapserver_id', 'nope')) == [
        "'nope' is not an LDAP server id (24 lowercase hexadecimal characters)"]
    assert parse('SystemID', 'nope').system_given is True


@pytest.mark.parametrize('true,false', columns.BOOL_WORDS)
def test_every_boolean_word_in_any_case(true, false):
    for word, value in ((true, True), (false, False), (true.upper(), True), (false.title(), False)):
        assert parse('sudo', ' %s ' % word).scalars == {'sudo': value}


def test_the_boolean_message_and_docs_name_every_accepted_word():
    message = messages(parse('sudo', 'maybe'))[0]
    assert message == "'maybe' is not a boolean: use true/false, yes/no, y/n, 1/0 or $true/$false"
    spelled = re.findall(r'([^\s,]+)/([^\s,]+)', message.split('use ')[1])
    assert sorted(spelled) == sorted(columns.BOOL_WORDS)
    assert columns.TRUE_WORDS == set(t for t, f in columns.BOOL_WORDS)
    assert columns.FALSE_WORDS == set(f for t, f in columns.BOOL_WORDS)
    docs = ' '.join(yaml.safe_load(jc_users_from_csv.DOCUMENTATION)['description'])
    assert 'Booleans accept true/false, yes/no, y/n, 1/0 and $true/$false in any case.' in docs
    reference = ' '.join(_column_reference().split())
    assert 'Booleans accept `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0` and `$true`/`$false`, in any case.' in reference


# --- prefill, the fields read, the plan

USER = {
    '_id': 'a' * 24, 'username': 'bob', 'email': 'bob@example.com', 'firstname': 'Bob', 'lastname': 'Smith',
    'middlename': 'Q', 'displayname': 'Bobby', 'jobTitle': 'Boss', 'employeeIdentifier': 'E1', 'department': 'IT',
    'costCenter': 'C1', 'company': 'Acme', 'employeeType': 'staff', 'description': 'd', 'location': 'HQ',
    'alternateEmail': 'alt@example.com', 'recoveryEmail': {'address': 'rec@example.com', 'verified': True},
    'manager': 'b' * 24, 'managedAppleId': 'bob@apple.example.com', 'unix_uid': 5001, 'unix_guid': 5002,
    'enable_user_portal_multifactor': True, 'ldap_binding_user': False, 'sudo': True, 'external_dn': 'cn=bob',
    'addresses': [{'type': 'home', 'locality': 'Denver', 'region': 'CO'}, {'type': 'work', 'country': 'US'}],
    'phoneNumbers': [{'type': 'mobile', 'number': '+1 555 0100'}, {'type': 'work_fax', 'number': '+1 555 0199'}],
    'attributes': [{'name': 'badge', 'value': '42'}], 'state': 'SUSPENDED',
}
PREFILLED = {
    'Username': 'bob', 'FirstName': 'Bob', 'LastName': 'Smith', 'Email': 'bob@example.com', 'Password': '',
    'alternateEmail': 'alt@example.com', 'recoveryEmail': 'rec@example.com', 'manager': 'b' * 24,
    'managedAppleId': 'bob@apple.example.com', 'MiddleName': 'Q', 'preferredName': 'Bobby', 'jobTitle': 'Boss',
    'employeeIdentifier': 'E1', 'department': 'IT', 'costCenter': 'C1', 'company': 'Acme', 'employeeType': 'staff',
    'description': 'd', 'location': 'HQ', 'home_streetAddress': '', 'home_poBox': '', 'home_city': 'Denver',
    'home_state': 'CO', 'home_postalCode': '', 'home_country': '', 'work_streetAddress': '', 'work_poBox': '',
    'work_city': '', 'work_state': '', 'work_postalCode': '', 'work_country': 'US', 'mobile_number': '+1 555 0100',
    'home_number': '', 'work_number': '', 'work_mobile_number': '', 'work_fax_number': '+1 555 0199',
    'unix_uid': '5001', 'unix_guid': '5002', 'enable_user_portal_multifactor': 'true', 'EnrollmentDays': '',
    'ldap_binding_user': 'false', 'ldapserver_id': '', 'RemoveLdapServerID': '', 'SystemID': '', 'Administrator': '', 'RemoveSystemID': '',
    'state': 'SUSPENDED', 'Group1': '', 'Attribute1_name': 'badge', 'Attribute1_value': '42',
}


def test_prefill_reads_each_column_as_the_table_says():
    every = dict((s, True) for s in columns.TEMPLATE_SECTIONS)
    header = template.template_columns('import', 1, 1, **every)
    assert dict((name, template.prefill_value(USER, name)) for name in header) == PREFILLED
    assert all(template.prefill_value({}, name) == '' for name in header)
    # the flags and external columns, which only the full template writes, are prefilled like the others
    assert template.prefill_value(USER, 'sudo') == 'true' and template.prefill_value(USER, 'external_dn') == 'cn=bob'


def test_needed_fields_come_from_the_columns_a_row_fills():
    base = set(KEY_FIELDS) | set(['restrictedFields'])
    expected = {
        'jobTitle': {'jobTitle'}, 'recoveryEmail': {'recoveryEmail'}, 'manager': {'manager'},
        'home_city': {'addresses'}, 'work_fax_number': {'phoneNumbers'}, 'unix_uid': {'unix_uid'},
        'sudo': {'sudo'}, 'ldap_binding_user': {'ldap_binding_user'}, 'ldapserver_id': set(),
        'enable_user_portal_multifactor': {'enable_user_portal_multifactor', 'mfa'}, 'Password': set(),
    }
    for name, fields in expected.items():
        column = columns.BY_KEY[name.lower()]
        row = parse(name, SAMPLES[column.kind][0])
        assert set(needed_fields([row]).split()) == base | fields, name
    row = parse('SystemID', SAMPLES[columns.OBJECT_ID][0])
    assert set(needed_fields([row]).split()) == base | {'sudo'}
    table, found = read_csv('u.csv', b'Username,Attribute1_name,Attribute1_value\nbob,badge,7\n')
    assert set(needed_fields(parse_rows(table, CLEAR_TOKEN)).split()) == base | {'attributes'}


def test_every_column_that_reads_a_field_reads_what_its_accessor_reads():
    for column in columns.FIXED_COLUMNS:
        if column.api is not None:
            assert set(column.api.reads) <= set(column.reads) | set(KEY_FIELDS), column.name


def plan_cells(header, cells, user):
    table, found = read_csv('u.csv', ('Username,%s\nbob,%s\n' % (header, cells)).encode())
    desired = parse_rows(table, CLEAR_TOKEN)[0]
    assert desired.problems == []
    state = State()
    state.add_user(user)
    return plan_user(desired, user, state.facts_for(desired, user), datetime.datetime(2026, 11, 25))


def test_the_plan_writes_each_scalar_through_its_accessor():
    user = dict(USER)
    plan = plan_cells('recoveryEmail,jobTitle,unix_uid,sudo,external_dn', 'new@example.com,Chief,5001,no,cn=bob', user)
    assert plan.body == {'recoveryEmail': {'address': 'new@example.com'}, 'jobTitle': 'Chief', 'sudo': False}
    assert plan.before == {'recoveryEmail': 'rec@example.com', 'jobTitle': 'Boss', 'sudo': True}
    plan = plan_cells('recoveryEmail,location', '__CLEAR__,__CLEAR__', user)
    assert plan.body == {'recoveryEmail': {'address': ''}, 'location': ''}
    assert plan_cells('recoveryEmail', 'rec@example.com', user).body == {}


# --- the documentation lists the table


def _description(documentation):
    return [' '.join(item.split()) for item in yaml.safe_load(documentation)['description']]


def _names_in(text):
    return [n for n in re.findall(r'C\(([^)]*)\)', text) if re.match(r'^[A-Za-z_0-9]+$', n)]


def test_the_update_module_documents_every_column_with_its_kind():
    description = _description(jc_users_from_csv.DOCUMENTATION)
    for kind, label in columns.KIND_DOCS:
        names = [c.name for c in columns.FIXED_COLUMNS if c.kind == kind]
        assert '%s: %s.' % (label, ', '.join('C(%s)' % n for n in names)) in description, kind
    not_clearable = [c.name for c in columns.FIXED_COLUMNS if not c.clearable]
    assert 'The O(clear_token) cannot clear: %s.' % ', '.join('C(%s)' % n for n in not_clearable) in description
    listed = [n for item in description for n in _names_in(item)
              if item.split(':')[0] in dict(columns.KIND_DOCS).values()]
    assert sorted(listed) == sorted(NAMES)


def test_the_template_module_documents_each_section_and_base():
    options = yaml.safe_load(jc_import_template.DOCUMENTATION)['options']
    for section in columns.TEMPLATE_SECTIONS:
        description = options[section]['description']
        text = ' '.join(description) if isinstance(description, list) else description
        assert _names_in(text) == columns.section_columns(section), section
    kinds = options['type']['description']
    assert _names_in(kinds[0]) == columns.section_columns('update')
    assert _names_in(kinds[1]) == columns.section_columns('import')
    every = dict((s, True) for s in columns.TEMPLATE_SECTIONS)
    never = [n for n in template.template_columns('import', **every) if not columns.BY_KEY[n.lower()].prefill]
    assert sorted(_names_in(' '.join(options['prefill']['description'][1].split()))) == sorted(never)


def _column_reference():
    with open(os.path.join(ROOT, 'docs', 'columns.md'), encoding='utf-8') as handle:
        return handle.read()


def test_the_column_reference_lists_every_column_once():
    section = _column_reference().split('## Columns', 1)[1].split('\n## ', 1)[0]
    rows = [line.split('|') for line in section.splitlines() if line.startswith('| ') and '---' not in line][1:]
    listed = [n for row in rows for n in re.findall(r'`([A-Za-z_0-9]+)`', row[2])]
    assert sorted(listed) == sorted(NAMES + NUMBERED)


# header lookup, typos and boolean words, as the reader sees them
@pytest.mark.parametrize('header,kind,name,field', [
    ('Username', 'column', 'Username', None),
    (' USERNAME ', 'column', 'Username', None),
    ('jobtitle', 'column', 'jobTitle', 'jobTitle'),
    ('preferredName', 'column', 'preferredName', 'displayname'),
    ('home_city', 'column', 'home_city', ('home', 'locality')),
    ('home_locality', 'column', 'home_city', ('home', 'locality')),
    ('work_region', 'column', 'work_state', ('work', 'region')),
    ('mobile_number', 'column', 'mobile_number', 'mobile'),
    ('unix_guid', 'column', 'unix_guid', 'unix_guid'),
    ('sudo', 'column', 'sudo', 'sudo'),
])
def test_columns_by_header(header, kind, name, field):
    meaning, column = columns.lookup(header)
    assert meaning == kind
    assert (column.name, column.field) == (name, field)


def test_groups_and_attributes_by_number():
    assert columns.lookup('Group12') == ('group', 12)
    assert columns.lookup('group1') == ('group', 1)
    assert columns.lookup('Attribute3_Name') == ('attribute', (3, 'name'))
    assert columns.lookup('ATTRIBUTE10_value') == ('attribute', (10, 'value'))
    assert columns.lookup('Group') is None
    assert columns.lookup('Attribute1') is None
    assert columns.lookup('jobTitel') is None


def test_which_columns_can_be_cleared():
    clearable = dict((c.name, c.clearable) for c in columns.FIXED_COLUMNS)
    assert [n for n, can in clearable.items() if can] == [
        'FirstName', 'LastName', 'MiddleName', 'preferredName', 'jobTitle', 'employeeIdentifier', 'department',
        'costCenter', 'company', 'employeeType', 'description', 'location', 'alternateEmail', 'recoveryEmail',
        'manager', 'managedAppleId'] + [c.name for c in columns.LOCATION] + [c.name for c in columns.TELEPHONY] + [
        'external_dn', 'external_source_type']


def test_every_name_and_alias_is_one_column():
    names = [n.lower() for c in columns.FIXED_COLUMNS for n in (c.name,) + c.aliases]
    assert len(names) == len(set(names))
    assert sorted(columns.BY_KEY) == sorted(names)


@pytest.mark.parametrize('header,closest', [
    ('jobTitel', 'jobTitle'), ('usrname', 'Username'), ('Grop2', 'Group2'), ('Atribute3_value', 'Attribute3_value'),
    ('home_citty', 'home_city'), ('home_localty', 'home_city'),
])
def test_the_closest_header(header, closest):
    assert columns.closest_header(header) == closest


@pytest.mark.parametrize('text,value', [
    ('true', True), ('TRUE', True), ('yes', True), ('1', True), ('$true', True), ('y', True), (' Yes ', True),
    ('false', False), ('No', False), ('0', False), ('$False', False), ('n', False),
    ('maybe', None), ('', None), ('2', None), ('on', None), ('t', None),
])
def test_boolean_spellings(text, value):
    assert columns.parse_bool(text) is value


def _difflib_closest(header):
    """The answer closest_header must give: difflib's own search over every known name."""
    key = columns.normalise_header(header)
    names = dict(columns._FIXED_HEADER_NAMES)
    digits = re.search(r'[0-9]+', key)
    n = digits.group() if digits and len(digits.group()) <= 4 else '1'
    for extra in ('Group%s' % n, 'RemoveGroup%s' % n, 'Attribute%s_name' % n, 'Attribute%s_value' % n):
        names[extra.lower()] = extra
    match = difflib.get_close_matches(key, list(names), n=1, cutoff=0.0)
    return names[match[0]]


def test_the_closest_header_is_difflibs_answer_for_typos_fragments_and_noise():
    rng = random.Random(7)
    known = sorted(columns._FIXED_HEADER_NAMES)
    headers = ['z' * 5000, '1' * 5005, 'Group' + '1' * 500, '', ' ', 'c1', 'c899']
    for dummy in range(600):
        name = list(rng.choice(known))
        for dummy in range(rng.randint(1, 4)):
            name[rng.randrange(len(name))] = rng.choice(string.ascii_letters + '_ ')
        headers.append(''.join(name))
        headers.append(rng.choice(known)[:rng.randint(1, 12)] + str(rng.randint(0, 99)))
        headers.append(''.join(rng.choice(string.ascii_letters + string.digits) for dummy in range(rng.randint(1, 30))))
    assert [columns.closest_header(h) for h in headers] == [_difflib_closest(h) for h in headers]


def test_the_closest_header_computes_few_full_ratios(monkeypatch):
    """Hundreds of unknown headers once cost one full difflib ratio per known name each (seconds in all)."""
    calls = []
    ratio = difflib.SequenceMatcher.ratio

    def counted(self):
        calls.append(1)
        return ratio(self)
    monkeypatch.setattr(difflib.SequenceMatcher, 'ratio', counted)
    for i in range(900):
        columns.closest_header('c%d' % i)
    assert len(calls) < 900 * len(columns._FIXED_HEADER_NAMES) / 10


def test_a_column_takes_only_the_traits_it_knows():
    with pytest.raises(TypeError, match='unknown column traits: clearble'):
        columns.Column('x', columns.STRING, ('scalars', 'x'), clearble=False)
