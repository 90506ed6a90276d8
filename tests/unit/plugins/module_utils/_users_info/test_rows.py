"""Users as rows of the column language: every cell as a prefilled template writes it, one GroupN column per
group and one attribute pair per custom attribute a cell can show."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.render import cell_reader
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.rows import (
    ROW_COLUMNS, ROW_FIELDS, row_columns, user_row)

USER = {'_id': 'a' * 24, 'username': 'ann', 'email': 'ann@example.com', 'jobTitle': '=SUM(A1)', 'sudo': True,
        'unix_uid': 5001, 'manager': 'b' * 24, 'recoveryEmail': {'address': 'r@example.com'},
        'addresses': [{'type': 'home', 'locality': 'Denver'}], 'phoneNumbers': [{'type': 'mobile', 'number': '+1 5'}],
        'groups': ['Admins', 'ops'],
        'attributes': [{'name': 'team', 'value': 'red'}, {'name': 'bad name', 'value': 'x'}, {'name': 'e', 'value': ''},
                       {'name': 'site', 'value': 'hq'}]}


def test_a_row_holds_every_filled_prefilled_column_then_its_groups_and_attributes():
    row = user_row(USER)
    filled = [column for column in ROW_COLUMNS if cell_reader(column)(USER)]
    assert list(row) == filled + ['Group1', 'Group2', 'Attribute1_name', 'Attribute1_value', 'Attribute2_name',
                                  'Attribute2_value']
    assert all(row[column] == cell_reader(column)(USER) for column in row)      # the template's own cells
    assert 'FirstName' not in row and 'middlename' not in row                 # blank cells are left out
    assert user_row({'username': 'x'}) == {'Username': 'x'}
    assert (row['Username'], row['jobTitle'], row['sudo'], row['unix_uid'], row['manager']) == (
        'ann', '=SUM(A1)', 'true', '5001', 'b' * 24)
    assert (row['recoveryEmail'], row['home_city'], row['mobile_number']) == ('r@example.com', 'Denver', '+1 5')
    assert (row['Group1'], row['Group2']) == ('Admins', 'ops')
    assert (row['Attribute2_name'], row['Attribute2_value']) == ('site', 'hq')     # the ones a cell can show
    assert not {'Password', 'EnrollmentDays', 'SystemID', 'Administrator', 'ldapserver_id'} & set(ROW_COLUMNS)


def test_the_header_holds_every_row_and_the_fields_read_are_those_of_the_cells():
    rows = [user_row({'username': 'a', 'groups': ['x', 'y', 'z']}), user_row({'username': 'b', 'attributes': [
        {'name': 'k', 'value': 'v'}]}), user_row({'username': 'c'})]
    assert row_columns(rows) == ['Username', 'Group1', 'Group2', 'Group3', 'Attribute1_name', 'Attribute1_value']
    assert row_columns([user_row(USER)]) == list(user_row(USER))
    assert row_columns([]) == []
    assert {'username', 'email', 'addresses', 'phoneNumbers', 'recoveryEmail', 'manager', 'state'} <= set(ROW_FIELDS)
    assert 'attributes' not in ROW_FIELDS       # read only when they are asked for
