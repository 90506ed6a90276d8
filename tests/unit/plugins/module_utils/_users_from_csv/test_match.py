"""_users_from_csv/match.py: the key cell of each row, and the users a key names."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import NO_SUCH_USER
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.match import Matcher, who
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import named
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows


def rows_of(text, matcher):
    table, problems = read_csv('u.csv', data=text.encode(), require_username=not matcher.keyed)
    assert problems == []
    return matcher.check_rows(parse_rows(table, '__CLEAR__', username_required=not matcher.keyed))


def state_of(*users):
    state = State()
    for n, user in enumerate(users):
        state.add_user(dict(user, _id='%024x' % (n + 1)))
    return state


def test_a_row_keeps_its_key_and_may_leave_username_empty():
    rows = rows_of('Email,jobTitle\nJ.Doe@Example.com,Boss\n', Matcher('email'))
    assert rows[0].problems == [] and rows[0].key == ('email', 'J.Doe@Example.com') and rows[0].key_cell == 'Email'
    assert who(rows[0]) == "the user with email 'J.Doe@Example.com'"


def test_an_attribute_key_is_the_value_of_the_pair_its_name_names_in_any_case():
    rows = rows_of('Attribute3_name,Attribute3_value\nworkdayid,W7\nWorkdayID,W7\nteam,red\n',
                   Matcher('attribute', 'WorkdayID'))
    assert rows[0].key == ('WorkdayID', 'W7') and rows[0].key_cell == 'Attribute3_value'
    assert [p.format('u.csv') for p in rows[1].problems] == [
        "u.csv:3:2: Attribute3_value: WorkdayID 'W7' is also the key of line 2"]
    assert [p.format('u.csv') for p in rows[2].problems] == [
        'u.csv:4: WorkdayID: WorkdayID is empty: with match_on attribute it finds the row\'s user']


def test_a_blank_or_cleared_key_is_an_error_on_its_cell():
    rows = rows_of('Username,employeeIdentifier\nbob,\nann,__CLEAR__\n', Matcher('employeeIdentifier'))
    assert [p.format('u.csv') for r in rows for p in r.problems] == [
        'u.csv:2:2: employeeIdentifier: employeeIdentifier is empty: with match_on employeeIdentifier it finds the '
        'row\'s user',
        'u.csv:3:2: employeeIdentifier: cannot be cleared: with match_on employeeIdentifier it finds the row\'s user']


def test_username_rows_are_left_as_they_were():
    rows = rows_of('Username,Email\nbob,b@example.com\n', Matcher())
    assert rows[0].key is None and rows[0].scalars['email'] == 'b@example.com'


@pytest.mark.parametrize('kind, stored, written, found', [
    ('email', ['a@x.org', 'A@X.org'], 'A@X.org', ['u2']),         # the exact one wins
    ('email', ['a@x.org'], 'A@x.ORG', ['u1']),                       # else the one without regard to case
    ('employeeIdentifier', ['e1', 'E1'], 'e1', ['u1']),
    ('employeeIdentifier', ['e1', 'E1'], 'E1', ['u2']),
    ('employeeIdentifier', ['e1'], 'e2', []),
])
def test_the_users_a_key_names_are_matched_as_names_are(kind, stored, written, found):
    field = {'email': 'email', 'employeeIdentifier': 'employeeIdentifier'}[kind]
    state = state_of(*[{'username': 'u%d' % (n + 1), field: value} for n, value in enumerate(stored)])
    assert sorted(u['username'] for u in Matcher(kind).owners_in(state)(written)) == found


def test_a_key_held_by_users_differing_only_by_case_and_none_exactly_is_ambiguous():
    state = state_of({'username': 'u1', 'employeeIdentifier': 'e1'}, {'username': 'u2', 'employeeIdentifier': 'E1'})
    assert [u['username'] for u in Matcher('employeeIdentifier').owners_in(state)('E1')] == ['u2']
    state.add_user({'_id': 'f' * 24, 'username': 'u3', 'employeeIdentifier': 'e1'})
    rows = rows_of('employeeIdentifier,jobTitle\ne1,x\n', Matcher('employeeIdentifier'))
    Matcher('employeeIdentifier').check_users(rows, state)
    assert "is held by 2 users ('u1', 'u3'): it must name one user" in rows[0].problems[0].message


def test_assign_names_the_user_and_takes_the_key_out_of_the_writes_and_check_users_says_why_not():
    state = state_of({'username': 'jdoe', 'email': 'j@x.org'}, {'username': 'ann', 'email': 'ann@x.org'})
    matcher = Matcher('email')
    rows = rows_of('Username,Email,jobTitle\n,J@X.org,Boss\njdoe2,ann@x.org,Boss\n,nobody@x.org,Boss\n', matcher)
    matcher.assign(rows, state)
    assert (rows[0].username, 'email' in rows[0].scalars, rows[0].scalars['jobTitle']) == ('jdoe', False, 'Boss')
    assert rows[1].username == 'jdoe2' and rows[1].scalars['email'] == 'ann@x.org'      # not the user's
    matcher.check_users(rows, state)
    assert rows[0].problems == []
    assert rows[1].problems[0].header == 'Username' and 'renaming a user is not supported' in rows[1].problems[0].message
    assert rows[2].problems[0].kind == NO_SUCH_USER and rows[2].problems[0].header == 'Email'
    again = rows_of('Username,Email\nANN,ann@x.org\n', matcher)
    matcher.assign(again, state)
    assert again[0].username == 'ann'       # a Username in another case names the same user


def test_a_result_names_its_user_and_its_key():
    assert named({'username': 'jdoe', 'match_key': {'name': 'email', 'value': 'j@x.org'}}) == 'jdoe email=j@x.org'
    assert named({'username': None, 'match_key': {'name': 'WorkdayID', 'value': 'W1'}}) == 'WorkdayID=W1'
    assert named({'username': None}) == '(no username)' and named({'username': 'bob'}) == 'bob'
