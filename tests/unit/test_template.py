"""The update template: its columns in the order of the questions, the rows (prefilled or not), the devices
file, and the rendering (UTF-8 with a byte order mark, CRLF, formula-safe)."""
import csv
import io

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _template as template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._columns import lookup

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
      'enable_user_portal_multifactor', 'EnrollmentDays', 'ldap_binding_user', 'ldapserver_id', 'Group1', 'Group2',
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
