"""What a row depends on: only what it touches, so that a change elsewhere on the user is no drift."""
import copy

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.drift import changes, depends
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

USER = {'_id': 'a' * 24, 'username': 'bob', 'jobTitle': 'Engineer', 'department': 'R&D', 'state': 'ACTIVATED',
        'suspended': False, 'attributes': [{'name': 'Team', 'value': 'red'}, {'name': 'site', 'value': 'hq'}],
        'phoneNumbers': [{'type': 'mobile', 'number': '1'}, {'type': 'work', 'number': '2'}],
        'addresses': [{'type': 'work', 'locality': 'Boulder', 'country': 'US'}]}
GROUPS = [{'id': 'g' * 24, 'name': 'Ops', 'member': False}]


def row(text='Username,jobTitle,state,Group1,Attribute1_name,Attribute1_value,mobile_number,work_locality\n'
             'bob,Lead,SUSPENDED,Ops,team,blue,9,Denver\n'):
    table, problems = read_csv('u.csv', text.encode())
    assert problems == []
    return parse_rows(table, '__CLEAR__')[0]


def test_a_change_elsewhere_on_the_user_is_no_drift():
    desired = row()
    before = depends(desired, USER, UserFacts(GROUPS))
    other = copy.deepcopy(USER)
    other.update(department='Sales', attributes=[{'name': 'Team', 'value': 'red'}, {'name': 'site', 'value': 'x'}],
                 phoneNumbers=[{'type': 'mobile', 'number': '1'}], addresses=[{'type': 'work', 'locality': 'Boulder'}])
    assert depends(desired, other, UserFacts(GROUPS)) == before


def test_each_thing_the_row_touches_is_named_when_it_changes():
    desired = row()
    before = depends(desired, USER, UserFacts(GROUPS))
    other = copy.deepcopy(USER)
    other.update(jobTitle='Boss', suspended=True, attributes=[{'name': 'Team', 'value': 'green'}],
                 phoneNumbers=[{'type': 'mobile', 'number': '5'}], addresses=[{'type': 'work', 'locality': 'Lyon'}])
    after = depends(desired, other, UserFacts([dict(GROUPS[0], member=True)]))
    assert changes(before, after) == ['jobTitle', 'suspended', 'addresses.work', 'phoneNumbers.mobile',
                                      'attributes.team', 'membership of group %s' % ('g' * 24)]


def test_a_user_gone_or_come_is_named():
    desired = row()
    there = depends(desired, USER, UserFacts(GROUPS))
    gone = depends(desired, {'_id': None}, UserFacts(GROUPS))
    assert changes(there, gone) == ['the user no longer exists']
    assert changes(gone, there) == ['the user exists now']


def test_no_password_is_read():
    desired = row('Username,Password\nbob,Secret-pw-1\n')
    assert 'Secret-pw-1' not in repr(depends(desired, dict(USER, password='x'), UserFacts()))
