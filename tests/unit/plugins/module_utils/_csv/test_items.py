"""_csv/items.py: a list of items read into the table a CSV is read into."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.items import ItemsPath, cell_text, read_items, secret_values
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows


@pytest.mark.parametrize('value, text', [
    (True, 'true'), (False, 'false'), (6001, '6001'), (6001.0, '6001'), (1.5, '1.5'), (-3, '-3'),
    ('  Staff Engineer ', 'Staff Engineer'), ('', ''), (None, ''), ([], None), ({}, None),
    (float('nan'), None), (float('inf'), None),
])
def test_a_value_becomes_the_text_its_cell_would_hold(value, text):
    assert cell_text(value) == text


def test_items_are_read_as_the_same_rows_of_a_csv():
    items = [{'Username': 'alice', 'jobTitle': 'Boss', 'sudo': True, 'unix_uid': 5001},
             {'username ': 'bob', 'SUDO': False, 'Group1': 'Ops', 'jobTitle': None}]
    table, problems = read_items(items)
    assert problems == []
    assert table.headers == ['Username', 'jobTitle', 'sudo', 'unix_uid', 'Group1']
    csv_table, csv_problems = read_csv('x.csv', data=b'Username,jobTitle,sudo,unix_uid,Group1\n'
                                                     b'alice,Boss,true,5001,\nbob,,false,,Ops\n')
    assert csv_problems == []
    assert [r.values for r in table.rows] == [r.values for r in csv_table.rows]
    assert [r.line for r in table.rows] == [0, 1]                  # the item's index, counted from 0
    rows = parse_rows(table, '__CLEAR__')
    assert [(r.username, r.scalars.get('sudo'), r.groups) for r in rows] == [
        ('alice', True, []), ('bob', False, [('Ops', 'Group1')])]


def test_every_problem_is_located_by_item_and_key():
    items = [{'Username': 'alice', 'jobTitel': 'x'}, {'Username': 'bob', 'Group1': ['Ops'], 'group1': 'Ops'}, {}]
    table, problems = read_items(items)
    path = ItemsPath('users')
    assert [p.format(path) for p in problems] == [
        "users[0].jobTitel: unknown column; did you mean 'jobTitle'?",
        'users[1].Group1: a list is not a cell value: use a string, a boolean or a number',
        "users[1].group1: repeats the key 'Group1' of this item",
        'users[2]: is empty: an item needs at least the cell that finds its user',
    ]
    assert table.rows[0].line == 0
    assert read_items([])[1][0].format(path) == 'users: is empty: there is nothing to apply'
    assert Problem('m', 3, 7, 'jobTitle').as_dict(path) == {
        'path': 'users', 'line': 3, 'column': 7, 'header': 'jobTitle', 'message': 'm', 'text': 'users[3].jobTitle: m'}
    assert Problem('m', 3, 7, 'jobTitle').format('f.csv') == 'f.csv:3:7: jobTitle: m'      # a file's as before


def test_the_passwords_of_the_items_are_found_in_any_spelling_of_the_header():
    items = [{'Password': 's1'}, {' password ': 12345}, {'Username': 'x'}, {'PASSWORD': ''}]
    assert secret_values(items) == ['s1', '12345']
    assert secret_values(None) == []
