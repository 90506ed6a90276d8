"""Names match as JumpCloud's own tooling matches them: an exact match first, else a unique match without regard
to case (the stored spelling kept), and several such matches are an error on the cell."""
import pytest

from helpers import apply, results_by_user

pytestmark = pytest.mark.integration


def add_case_twins(org):
    """Users that differ only by case (JumpCloud keeps the case of usernames), and a user whose custom
    attribute, address and phone number are stored with capitals."""
    fake = org.fake.org
    fake.add_user('jdoe', email='jdoe@example.com', jobTitle='Dev')
    fake.add_user('JDoe', email='john.doe@example.com', jobTitle='Dev')
    fake.add_user('KIM', email='kim@example.com',
                  attributes=[{'name': 'Badge', 'value': '1'}, {'name': 'floor', 'value': '2'}],
                  addresses=[{'type': 'Work', 'locality': 'Paris', 'country': 'FR'}],
                  phoneNumbers=[{'type': 'Mobile', 'number': '+33 1 00'}])


def test_names_in_another_case_update_the_right_users_groups_and_entries(tmp_path, org):
    add_case_twins(org)
    csv_text = (
        'Username,jobTitle,manager,Group1,Attribute1_name,Attribute1_value,work_city,mobile_number\n'
        'BOB,Boss,ALICE,finance,,,,\n'                 # one user 'bob', one group 'Finance', one 'alice'
        'Alice,,,OPS,TEAM,blue,,\n'                    # 'team' is updated and keeps its name
        'JDoe,Lead,jdoe,,,,,\n'                        # exact names win over their case twins
        'jdoe,Architect,JDoe,,,,,\n'                   # ... and two such rows are two users, not duplicates
        'kim,,,,badge,7,Lyon,+33 6 00\n')              # 'Badge' (kept), 'Work' and 'Mobile' (written lower case)
    run = apply(tmp_path, org.fake, csv_text, diff=True)
    assert not run.result.get('failed'), run.result.get('msg')
    results = results_by_user(run.result)
    # each result names the user as JumpCloud spells it
    assert [r['username'] for r in run.result['results']] == ['bob', 'alice', 'JDoe', 'jdoe', 'KIM']
    assert {r['status'] for r in results.values()} == {'updated'}

    bob = org.user('bob')
    assert bob['jobTitle'] == 'Boss' and bob['manager'] == org.uid('alice')
    assert org.uid('bob') in org.members('Finance')
    assert results['bob']['groups'] == [{'name': 'Finance', 'id': org.group('Finance'), 'status': 'added'}]
    alice = org.user('alice')
    assert alice['attributes'] == [{'name': 'team', 'value': 'blue'}, {'name': 'site', 'value': 'hq'}]
    assert results['alice']['changed_fields'] == ['attributes.team']
    assert org.uid('alice') in org.members('Ops')
    assert org.user('JDoe')['jobTitle'] == 'Lead' and org.user('JDoe')['manager'] == org.uid('jdoe')
    assert org.user('jdoe')['jobTitle'] == 'Architect' and org.user('jdoe')['manager'] == org.uid('JDoe')
    kim = org.user('KIM')
    assert kim['attributes'] == [{'name': 'Badge', 'value': '7'}, {'name': 'floor', 'value': '2'}]
    # the existing address and number are updated, not joined by a second one; their types are written as
    # JumpCloud's PowerShell module writes them
    assert [(a['type'], a['locality'], a['country']) for a in kim['addresses']] == [('work', 'Lyon', 'FR')]
    assert [(p['type'], p['number']) for p in kim['phoneNumbers']] == [('mobile', '+33 6 00')]
    assert results['KIM']['changed_fields'] == ['addresses.work.locality', 'phoneNumbers.mobile', 'attributes.Badge']

    # the same file again: nothing to do
    again = apply(tmp_path, org.fake, csv_text)
    assert not again.result.get('failed'), again.result.get('msg')
    assert again.stats['writes'] == 0
    assert {r['status'] for r in again.result['results']} == {'unchanged'}


def test_a_name_matching_several_in_another_case_is_an_error_naming_them(tmp_path, org):
    add_case_twins(org)
    org.fake.org.add_group('FINANCE')
    org.fake.org.update_user(org.uid('KIM'), {'attributes': [{'name': 'Badge', 'value': '1'},
                                                             {'name': 'BADGE', 'value': '2'}]})
    before = org.fake.org.snapshot()
    run = apply(tmp_path, org.fake, (
        'Username,manager,Group1,Attribute1_name,Attribute1_value\n'
        'Jdoe,,,,\n'
        'bob,JDOE,finance,,\n'
        'KIM,,,badge,3\n'
        'alice,,,,\n'))
    assert run.result['failed'] is True
    errors = dict(((e['line'], e['header']), e['message']) for e in run.result['errors'])
    assert "'Jdoe' is ambiguous: it matches users 'JDoe' and 'jdoe'" in errors[(2, 'Username')]
    assert "'JDOE' is ambiguous: it matches users 'JDoe' and 'jdoe'" in errors[(3, 'manager')]
    assert "'finance' is ambiguous: it matches groups 'FINANCE' and 'Finance'" in errors[(3, 'Group1')]
    assert "'badge' is ambiguous: it matches the user's custom attributes 'BADGE' and 'Badge'" in \
        errors[(4, 'Attribute1_name')]
    assert len(errors) == 4
    assert 'users.csv:2:1' in run.result['msg'] and 'users.csv:3:3' in run.result['msg']
    assert run.stats['writes'] == 0 and org.fake.org.snapshot() == before


def test_two_rows_for_one_user_in_different_case_are_duplicates(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,a\nerin,b\nBob,c\n')
    assert run.result['failed'] is True
    [error] = run.result['errors']
    assert (error['line'], error['column'], error['header']) == (4, 1, 'Username')
    assert error['message'] == "user 'Bob' ('bob' in JumpCloud) is already updated by line 2"
    assert run.stats['writes'] == 0


EXACT = ('Username,jobTitle,manager,Group1,Attribute1_name,Attribute1_value\n'
         'alice,Engineer,bob,Engineering,team,red\n'
         'bob,,alice,Ops,,\n')


def test_names_that_all_match_exactly_cost_no_extra_request(tmp_path, org):
    # every name as JumpCloud spells it: one search for the users (managers among them), one group listing,
    # one membership listing per group, nothing else
    exact = apply(tmp_path, org.fake, EXACT, check=True)
    assert not exact.result.get('failed'), exact.result.get('msg')
    assert exact.stats['by_route'] == {'POST /api/search/systemusers': 1, 'GET /api/v2/usergroups': 1,
                                       'GET /api/v2/usergroups/{id}/members': 2}
    # a username, a manager and a group in another case: one more search finds them all, case-insensitively
    loose = apply(tmp_path, org.fake, EXACT.replace('alice,Engineer', 'ALICE,Engineer').replace(',bob,', ',Bob,')
                  .replace('Ops', 'ops'), check=True)
    assert not loose.result.get('failed'), loose.result.get('msg')
    assert loose.stats['by_route'] == {'POST /api/search/systemusers': 2, 'GET /api/v2/usergroups': 1,
                                       'GET /api/v2/usergroups/{id}/members': 2}
    assert [(r['username'], r['status']) for r in loose.result['results']] == \
        [('alice', 'would_update'), ('bob', 'would_update')]


def test_the_case_insensitive_search_takes_the_name_literally(tmp_path, org):
    # 'frank.o+1' exists: '.' and '+' are regular expression characters, so they must be escaped
    # (unescaped, 'O+1' would not match 'o+1')
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nFRANK.O+1,Chef\n')
    assert [(r['username'], r['status']) for r in run.result['results']] == [('frank.o+1', 'updated')]
    assert org.user('frank.o+1')['jobTitle'] == 'Chef'
    assert run.stats['by_route']['POST /api/search/systemusers'] == 2
    # what the search finds is compared again here: 'o.1' matches 'o+1' as a pattern, not as a name
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nfrank.o.1,Cook\n')
    assert [(r['username'], r['status']) for r in run.result['results']] == [('frank.o.1', 'not_found')]
