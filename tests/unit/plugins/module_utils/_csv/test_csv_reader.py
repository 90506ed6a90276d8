"""Reading the CSV: encodings, grammar and headers give one clear problem with its place."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell, unescape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows


def problems(data):
    table, found = read_csv('u.csv', data)
    return [(p.line, p.column, p.message) for p in found]


@pytest.mark.parametrize('data,line,column,fragment', [
    (b'', None, None, 'the file is empty'),
    (b'   \n\n', None, None, 'the file is empty'),
    (b'Username,jobTitle\nbob,"unclosed\n', 2, None, 'unbalanced quotes'),
    (b'Username;jobTitle\nbob;x\n', 1, 1, "containing ';'"),
    (b'Username\tjobTitle\nbob\tx\n', 1, 1, "containing '\\t'"),
    (b'\x89PNG\r\n\x1a\n\x00\x00', 3, 1, 'binary content'),
    (b'Username,jobTitle\nbob,Direktor f\xfcr IT\n', 2, 15, 'not UTF-8 (byte 0xFC)'),
    (b'Username,jobTitle,Username\nbob,x,bob\n', 1, 3, 'repeats column 1'),
    (b'jobTitle\nx\n', 1, None, 'no Username column'),
    (b'Username,,jobTitle\nbob,oops,x\n', 2, 2, 'no header'),
    (b'Username,jobTitle\nbob,x,extra\n', 2, 3, 'has 3 cells but the header has 2'),
    (b'Username,jobTitle\nbob,' + b'x' * 200000 + b'\n', 2, None, 'longer than 131072'),
])
def test_broken_files_give_one_clear_problem(data, line, column, fragment):
    found = problems(data)
    assert len(found) == 1, found
    assert found[0][:2] == (line, column)
    assert fragment in found[0][2]


@pytest.mark.parametrize('data', [b'Username,jobTitle\n', b'Username,jobTitle\n,\n\n , \n'])
def test_header_only_is_one_problem(data):
    found = read_csv('u.csv', data)[1]
    assert [(p.line, p.column, p.message) for p in found] == [
        (2, None, 'the file has a header but no user rows: there is nothing to apply')]


def test_bom_case_spaces_and_trimming():
    table, found = read_csv('u.csv', '\ufeff USERNAME , JobTitle ,home_LOCALITY\n bob , Boss ,Denver\n'.encode())
    assert found == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.username == 'bob'
    assert desired.scalars == {'jobTitle': 'Boss'}
    assert desired.addresses == {'home': {'locality': 'Denver'}}


def test_every_column_whose_header_starts_with_jc_is_ignored():
    data = b'Username,JC_Note,jobTitle, jc_error ,jc_anything_else\nbob,"undone: x, y",Boss,old,=1\n'
    table, found = read_csv('u.csv', data)
    assert found == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == [] and desired.scalars == {'jobTitle': 'Boss'}
    # a header that merely contains jc_ is still unknown
    assert [p[2][:20] for p in problems(b'Username,note_jc_\nbob,x\n')] == ["unknown column 'note"]


def test_rows_know_the_line_they_start_on_across_multiline_cells():
    table, found = read_csv('u.csv', b'Username,description\nbob,"two\nlines"\nerin,x\n')
    assert found == [] and [r.line for r in table.rows] == [2, 4]


def test_blank_rows_are_skipped_and_a_blank_header_column_is_allowed_when_empty():
    table, found = read_csv('u.csv', b'Username,jobTitle,\nbob,x,\n,,\n\nerin,y,\n')
    assert found == [] and [r.line for r in table.rows] == [2, 5]


def test_ten_thousand_columns_are_one_problem_not_a_traceback():
    header = ','.join(['Username'] + ['c%d' % i for i in range(9999)])
    found = read_csv('u.csv', (header + '\nbob\n').encode())[1]
    assert [(p.line, p.column) for p in found] == [(1, 1001)]
    assert found[0].message == 'the header has 10000 columns; a users CSV has at most 1000 (is this the right file?)'


def test_many_unknown_columns_are_summarised():
    header = ','.join(['Username'] + ['c%d' % i for i in range(900)])
    found = read_csv('u.csv', (header + '\nbob\n').encode())[1]
    assert len(found) == 900 and all(p.line == 1 for p in found)
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.problems import summarise
    text = summarise(found, 'u.csv')
    assert text.count('\n') == 20 and '... and 880 more problem(s)' in text


@pytest.mark.parametrize('value', ['=1+1', '+1 555', '-5', '@SUM(A1)', '\tx', '\rx', "'=x", "''=x", "'plain",
                                   'plain', '', "'", 'a=b'])
def test_formula_escape_round_trips(value):
    written = escape_cell(value)
    assert not written.startswith(('=', '+', '-', '@', '\t', '\r'))
    assert unescape_cell(written) == value


def test_a_value_repeated_down_a_column_is_held_once_and_unique_values_are_not_looked_up_for_ever():
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import SharedValues
    count = SharedValues.LIMIT + 10
    text = 'Username,department\n' + ''.join('user%05d,Dept %d\n' % (n, n % 3) for n in range(count))
    table, problems = read_csv('u.csv', data=text.encode('utf-8'))
    assert problems == [] and len(table.rows) == count
    departments = [row.cells[1] for row in table.rows]
    assert departments[0] is departments[3] is departments[3000]         # one object a distinct value
    assert [row.cells[0] for row in table.rows[-2:]] == ['user%05d' % (count - 2), 'user%05d' % (count - 1)]
    shared = SharedValues()
    for n in range(SharedValues.LIMIT + 1):
        shared.get(0, 'user%d' % n)
    assert shared.columns[0] is None            # a column of unique values is no longer looked up
    assert shared.get(0, 'x') == 'x'
