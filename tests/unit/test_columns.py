"""The CSV column language: what each header means (any case, aliases, GroupN, AttributeN_name/_value), the
closest known header for a typo, and the spellings of a boolean."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _columns as columns


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
