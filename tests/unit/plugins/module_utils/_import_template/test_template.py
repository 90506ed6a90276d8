"""The update template: its columns in the order of the questions, the rows (prefilled or not), the devices
file, and the rendering (UTF-8 with a byte order mark, CRLF, formula-safe)."""
import csv
import io
import re

import pytest
import yaml

from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import render as template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.prefill import overflow_warnings
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.columns import BY_KEY, FIXED_COLUMNS, lookup
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template

ALICE = {
    'username': 'alice', 'email': 'alice@example.com', 'firstname': 'Alice', 'lastname': 'Smith', 'middlename': None,
    'displayname': 'Al', 'jobTitle': 'Engineer', 'unix_uid': 5001, 'enable_user_portal_multifactor': False,
    'ldap_binding_user': True, 'recoveryEmail': {'address': 'rec@example.com', 'verified': False},
    'addresses': [{'type': 'home', 'locality': 'Denver', 'region': 'CO'}, {'type': 'work', 'streetAddress': '9 Ave'}],
    'phoneNumbers': [{'type': 'mobile', 'number': '+1 555 0101'}, {'type': 'work_fax', 'number': '7'}],
    'attributes': [{'name': 'team', 'value': 'red'}, {'name': 'cost-code', 'value': 'x'}, {'name': 'empty', 'value': ''},
                   {'name': 'site', 'value': 'hq'}],
}


@pytest.mark.parametrize('options,expected', [
    ({}, ['Username']),
    ({'email': True, 'unix_ids': True}, ['Username', 'Email', 'unix_uid', 'unix_guid']),
    ({'telephony': True, 'mfa': True, 'ldap_binding': True, 'groups': 2, 'custom_attributes': 2},
     ['Username', 'mobile_number', 'home_number', 'work_number', 'work_mobile_number', 'work_fax_number',
      'enable_user_portal_multifactor', 'EnrollmentDays', 'ldap_binding_user', 'ldapserver_id', 'RemoveLdapServerID',
      'Group1', 'Group2',
      'Attribute1_name', 'Attribute1_value', 'Attribute2_name', 'Attribute2_value']),
    ({'user_information': True, 'location': True},
     ['Username', 'alternateEmail', 'recoveryEmail', 'manager', 'managedAppleId', 'MiddleName', 'preferredName',
      'jobTitle', 'employeeIdentifier', 'department', 'costCenter', 'company', 'employeeType', 'description',
      'location', 'home_streetAddress', 'home_poBox', 'home_city', 'home_state', 'home_postalCode', 'home_country',
      'work_streetAddress', 'work_poBox', 'work_city', 'work_state', 'work_postalCode', 'work_country']),
    ({'systems': True}, ['Username', 'SystemID', 'Administrator', 'RemoveSystemID']),
    ({'state': True, 'groups': 1, 'remove_groups': 2}, ['Username', 'state', 'Group1', 'RemoveGroup1', 'RemoveGroup2']),
    ({'kind': 'import', 'email': True, 'groups': 1}, ['FirstName', 'LastName', 'Username', 'Password', 'Email', 'Group1']),
])
def test_columns_follow_the_questions(options, expected):
    assert template.template_columns(**options) == expected


def test_every_template_column_is_one_the_reader_knows():
    sections = dict((name, True) for name, dummy in template.SECTIONS)
    for kind in ('update', 'import'):
        for column in template.template_columns(kind, 2, 2, **sections):
            assert lookup(column) is not None, column


def test_prefill_gives_each_column_the_cell_that_keeps_the_current_value():
    columns = ['Username', 'Email', 'MiddleName', 'preferredName', 'unix_uid', 'enable_user_portal_multifactor',
               'ldap_binding_user', 'recoveryEmail', 'mobile_number', 'work_fax_number', 'home_number', 'home_city',
               'home_state', 'work_streetAddress', 'work_city', 'Attribute1_name', 'Attribute1_value', 'Attribute2_name',
               'Attribute2_value', 'Attribute3_name', 'EnrollmentDays', 'SystemID', 'Administrator', 'Group1']
    assert [template.prefill_value(ALICE, c) for c in columns] == [
        'alice', 'alice@example.com', '', 'Al', '5001', 'false', 'true', 'rec@example.com', '+1 555 0101', '7', '',
        'Denver', 'CO', '9 Ave', '', 'team', 'red', 'site', 'hq', '', '', '', '', '']


def test_prefill_needs_only_the_fields_prefill_fields_names():
    sections = dict((name, True) for name, dummy in template.SECTIONS)
    user = dict(ALICE, _id='a' * 24, manager='b' * 24, employeeIdentifier='E1', middlename='M', unix_guid=7,
                mfa={'exclusion': True}, ldap_binding_user=True, alternateEmail='alt@example.com', company='C')
    for kind in ('update', 'import'):
        columns = template.template_columns(kind, 2, 3, **sections)
        fields = template.prefill_fields(columns).split()
        narrowed = dict((k, v) for k, v in user.items() if k in fields)
        assert [template.prefill_value(narrowed, c) for c in columns] == [template.prefill_value(user, c) for c in columns]
        assert not {'organization', 'created', 'ssh_keys', 'totp_enabled'} & set(fields)


def test_prefill_of_a_user_with_nothing_stored():
    user = {'username': 'bob', 'addresses': None, 'phoneNumbers': None, 'attributes': None, 'recoveryEmail': None}
    for column in ('recoveryEmail', 'mobile_number', 'home_city', 'Attribute1_name', 'jobTitle'):
        assert template.prefill_value(user, column) == '', column


def test_rows_are_sorted_by_username_and_only_the_username_is_filled_without_prefill():
    users = [ALICE, {'username': 'Zed', 'jobTitle': 'Boss'}, {'username': None}, {'username': 'bob', 'jobTitle': 'x'}]
    assert template.template_rows(['Username', 'jobTitle'], users, prefill=False) == [
        ['', ''], ['Zed', ''], ['alice', ''], ['bob', '']]
    assert template.template_rows(['Username', 'jobTitle'], users, prefill=True) == [
        ['', ''], ['Zed', 'Boss'], ['alice', 'Engineer'], ['bob', 'x']]


def test_the_devices_file_is_sorted_by_hostname_without_regard_to_case():
    systems = [{'_id': 's2', 'hostname': 'b-host', 'displayName': 'B', 'lastContact': '2026-11-20T10:00:00.000Z'},
               {'id': 's1', 'hostname': 'A-host', 'displayName': None, 'lastContact': None},
               {'_id': 's3', 'hostname': None}]
    assert template.system_rows(systems) == [['', '', 's3', ''], ['A-host', '', 's1', ''],
                                             ['b-host', 'B', 's2', '2026-11-20T10:00:00.000Z']]


def test_rendering_is_utf8_with_a_bom_crlf_and_formula_safe():
    text = template.render_csv(['Username', 'jobTitle'], [['zoë', '=1+1'], ['bob', 'a,"b"']])
    assert text.startswith('\ufeffUsername,jobTitle\r\n')
    assert text.endswith('\r\n')
    assert list(csv.reader(io.StringIO(text[1:]))) == [['Username', 'jobTitle'], ['zoë', "'=1+1"], ['bob', 'a,"b"']]


# --- the full template (all_columns): JumpCloud's New-JCImportTemplate -Force, then ours

# the header New-JCImportTemplate.ps1 writes with -Force, for Update and for Import alike, as our names spell it
# (it writes 'middlename'); work_country, which it forgets, where its location question puts it; then ours
FULL = [
    'Username', 'FirstName', 'LastName', 'Password', 'Email', 'alternateEmail', 'recoveryEmail', 'manager',
    'managedAppleId', 'MiddleName', 'preferredName', 'jobTitle', 'employeeIdentifier', 'department', 'costCenter',
    'company', 'employeeType', 'description', 'location', 'home_streetAddress', 'home_city', 'home_state',
    'home_postalCode', 'home_poBox', 'home_country', 'work_streetAddress', 'work_poBox', 'work_city', 'work_state',
    'work_postalCode', 'work_country', 'mobile_number', 'home_number', 'work_number', 'work_mobile_number',
    'work_fax_number', 'unix_guid', 'unix_uid', 'enable_user_portal_multifactor', 'EnrollmentDays',
    'ldap_binding_user', 'ldapserver_id', 'account_locked', 'allow_public_key', 'enable_managed_uid',
    'externally_managed', 'external_dn', 'external_source_type', 'passwordless_sudo', 'sudo', 'password_never_expires',
    'RemoveLdapServerID', 'SystemID', 'Administrator', 'RemoveSystemID', 'state',
]
EVERY_SECTION = dict((name, True) for name, dummy in template.SECTIONS)


@pytest.mark.parametrize('kind', ['update', 'import'])
def test_all_columns_is_the_reference_full_header_then_ours_for_either_type(kind):
    assert template.template_columns(kind, all_columns=True) == FULL
    # the section options add nothing more, and the numbered columns follow, as many as asked
    assert template.template_columns(kind, 2, 1, 1, all_columns=True, **EVERY_SECTION) == FULL + [
        'Group1', 'Group2', 'RemoveGroup1', 'Attribute1_name', 'Attribute1_value']


def test_all_columns_keeps_the_reference_order_and_spelling_apart_from_its_one_gap():
    from_reference = [c for c in FULL if c.lower() in [n.lower() for n in template.REFERENCE_FULL]]
    assert [c.lower() for c in from_reference] == [n.lower() for n in template.REFERENCE_FULL]
    assert len(template.REFERENCE_FULL) == 50
    ours = ['work_country', 'RemoveLdapServerID', 'SystemID', 'Administrator', 'RemoveSystemID', 'state']
    assert [c for c in FULL if c not in from_reference] == ours


def test_all_columns_holds_every_column_of_the_language_once_and_the_reader_takes_them():
    assert sorted(FULL) == sorted(c.name for c in FIXED_COLUMNS)
    every_section = template.template_columns('update', **EVERY_SECTION) + template.template_columns('import')
    assert set(every_section) < set(FULL)
    header = template.template_columns('update', 1, 1, 1, all_columns=True)
    table, found = read_csv('t.csv', (','.join(header) + '\r\nbob' + ',' * (len(header) - 1) + '\r\n').encode())
    assert found == [] and len(table.meanings) == len(header)


def test_a_prefilled_full_template_fills_the_flags_and_external_columns_too():
    user = dict(ALICE, account_locked=True, allow_public_key=False, enable_managed_uid=True, externally_managed=False,
                passwordless_sudo=False, sudo=True, password_never_expires=True, external_dn='cn=alice,dc=example',
                external_source_type='ldap')
    cells = dict(zip(FULL, template.template_rows(FULL, [user], prefill=True)[0]))
    assert [cells[c] for c in FULL[42:51]] == ['true', 'false', 'true', 'false', 'cn=alice,dc=example', 'ldap',
                                               'false', 'true', 'true']
    fields = template.prefill_fields(FULL).split()
    for name in FULL[42:51]:
        assert name in fields, name
    # the columns a prefilled template leaves blank are the ones the prefill option names
    assert [c for c in FULL if not BY_KEY[c.lower()].prefill] == [
        'Password', 'EnrollmentDays', 'ldapserver_id', 'RemoveLdapServerID', 'SystemID', 'Administrator',
        'RemoveSystemID']


def test_the_module_documents_the_full_header_in_its_order():
    options = yaml.safe_load(jc_import_template.DOCUMENTATION)['options']
    listed = re.findall(r'C\(([A-Za-z_0-9]+)\)', ' '.join(options['all_columns']['description'][1].split()))
    assert listed == FULL
    never = re.findall(r'C\(([A-Za-z_0-9]+)\)', options['prefill']['description'][1])
    assert sorted(never) == sorted(c for c in FULL if not BY_KEY[c.lower()].prefill)


def test_group_cells_hold_the_users_groups_and_users_over_the_columns_are_named():
    users = [{'_id': '1', 'username': 'ann', 'attributes': [{'name': 'x', 'value': '1'}]},
             {'_id': '2', 'username': 'bob', 'attributes': [{'name': 'x', 'value': '1'}, {'name': 'y', 'value': '2'},
                                                            {'name': 'bad name', 'value': '3'}]},
             {'_id': '3', 'username': 'cy'}]
    groups = {'1': ['a', 'b', 'c'], '2': ['a']}
    assert overflow_warnings(users, 3, 2, groups) == []
    assert overflow_warnings(users, 0, 0, groups) == []
    warnings = overflow_warnings(users, 2, 1, groups)
    assert warnings[0].startswith("1 user has more groups than the template's 2 GroupN columns; the cells hold the "
                                  "first 2 (by name)")
    assert warnings[0].endswith(': ann')
    assert warnings[1].startswith("1 user has more custom attributes than the template's 1 AttributeN column")
    assert warnings[1].endswith(': bob')
    many = [{'_id': str(n), 'username': 'u%03d' % n} for n in range(60)]
    assert overflow_warnings(many, 1, 0, dict((str(n), ['a', 'b']) for n in range(60)))[0].endswith('u049 and 10 more')
    # the cells: each user's groups, taken from the map as its row is made; its record is not changed
    columns = ['Username', 'Group1', 'Group2', 'Group3', 'Group4']
    rows = list(template.iter_template_rows(columns, list(users), True, groups))
    assert rows == [['ann', 'a', 'b', 'c', ''], ['bob', 'a', '', '', ''], ['cy', '', '', '', '']]
    assert groups == {} and 'groups' not in users[0]
    assert template.prefill_value({'groups': ['x']}, 'Group1') == 'x'
