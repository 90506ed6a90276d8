"""Reference checks against a known state: names match exactly first, else without regard to case."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows


def checked(csv_text):
    state = State()
    for number, name in enumerate(['jdoe', 'JDoe', 'bob', 'kim']):
        state.add_user({'_id': '%024x' % (number + 1), 'username': name, 'email': '%s%d@example.com' % (name, number),
                        'attributes': [{'name': 'Badge', 'value': '1'}, {'name': 'BADGE', 'value': '2'},
                                       {'name': 'floor', 'value': '3'}],
                        'addresses': [{'type': 'Work'}, {'type': 'WORK'}], 'phoneNumbers': [{'type': 'Mobile'}]})
    for number, name in enumerate(['Sales', 'SALES', 'Ops']):
        state.groups[name] = {'id': '%024x' % (100 + number), 'name': name}
    table, problems = read_csv('u.csv', csv_text.encode())
    assert problems == []
    rows = check_references(parse_rows(table, '__CLEAR__'), state)
    return rows, [(p.line, p.header, p.message) for r in rows for p in r.problems]


def test_users_resolve_exactly_first_then_by_case_and_take_the_stored_spelling():
    rows, problems = checked('Username,manager\nJDoe,jdoe\nBOB,JDoe\nKim,bob\n')
    assert problems == []
    assert [r.username for r in rows] == ['JDoe', 'bob', 'kim']
    assert [r.manager_id for r in rows] == ['%024x' % 1, '%024x' % 2, '%024x' % 3]


def test_ambiguous_names_are_errors_on_their_cells():
    rows, problems = checked('Username,manager,Group1,Attribute1_name,Attribute1_value,work_city\n'
                             'Jdoe,,,,,\nbob,JDOE,sales,badge,x,Paris\n')
    assert problems == [
        (2, 'Username', "user 'Jdoe' is ambiguous: it matches users 'JDoe' and 'jdoe' without regard to case, "
                        "and none exactly; write it as JumpCloud does"),
        (3, 'Group1', "user group 'sales' is ambiguous: it matches groups 'SALES' and 'Sales' without regard to "
                      "case, and none exactly; write it as JumpCloud does"),
        (3, 'manager', "manager 'JDOE' is ambiguous: it matches users 'JDoe' and 'jdoe' without regard to case, "
                       "and none exactly; write it as JumpCloud does"),
        (3, 'Attribute1_name', "custom attribute 'badge' is ambiguous: it matches the user's custom attributes "
                               "'BADGE' and 'Badge' without regard to case, and none exactly; write it as JumpCloud does"),
        (3, 'work_city', "address type 'work' is ambiguous: it matches the user's address types 'WORK' and 'Work' "
                         "without regard to case, and none exactly; write it as JumpCloud does")]
    # exact names are never ambiguous
    assert checked('Username,Group1,Attribute1_name,Attribute1_value,mobile_number\nbob,Sales,Badge,x,1\n')[1] == []


def test_rows_for_one_user_are_duplicates_whatever_their_case_and_case_twins_are_not():
    assert checked('Username\njdoe\nJDoe\n')[1] == []
    assert checked('Username\nBOB\nbob\nBob\n')[1] == [
        (3, 'Username', "user 'bob' is already updated by line 2 (written 'BOB' there)"),
        (4, 'Username', "user 'Bob' ('bob' in JumpCloud) is already updated by line 2")]


def test_a_group_named_twice_in_other_case_is_one_group():
    rows, problems = checked('Username,Group1,Group2\nbob,ops,OPS\n')
    assert problems == [(2, 'Group2', "user group 'OPS' is 'Ops', already named in Group1")]


def test_a_dynamic_group_is_an_error_on_its_cell_naming_its_method():
    state = State()
    state.add_user({'_id': '%024x' % 1, 'username': 'bob', 'email': 'bob@example.com'})
    state.groups = {'Sales': {'id': '%024x' % 100, 'name': 'Sales', 'membershipMethod': 'DYNAMIC_AUTOMATED'},
                    'Review': {'id': '%024x' % 101, 'name': 'Review', 'membershipMethod': 'DYNAMIC_REVIEW_REQUIRED'},
                    'Ops': {'id': '%024x' % 102, 'name': 'Ops', 'membershipMethod': 'STATIC'}}
    table, dummy = read_csv('u.csv', b'Username,Group1,Group2,RemoveGroup1\nbob,sales,Ops,Review\n')
    rows = check_references(parse_rows(table, '__CLEAR__'), state)
    assert [(p.header, p.message) for p in rows[0].problems] == [
        ('Group1', "user group 'Sales' is a dynamic group (membershipMethod DYNAMIC_AUTOMATED): its rules set its "
                   "members, and JumpCloud undoes a member added or removed by hand; change the user's attributes the "
                   "rules read instead, or empty this cell"),
        ('RemoveGroup1', "user group 'Review' is a dynamic group (membershipMethod DYNAMIC_REVIEW_REQUIRED): its "
                         "rules set its members, and JumpCloud undoes a member added or removed by hand; change the "
                         "user's attributes the rules read instead, or empty this cell")]
