"""Planning a user to create is pure too: the POST body carries the row's username and every filled field, shaped
by its column as a PUT would carry it, whatever the column; the groups and bindings are all to add."""
import datetime

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import MASK, plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan_create import plan_create, plan_row
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.statuses import ADD
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
SID = 'c' * 24


def row(csv_text):
    table, problems = read_csv('u.csv', csv_text.encode())
    assert problems == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == []
    desired.missing = 'create'
    return desired


def test_the_body_is_the_username_and_every_filled_field_shaped_for_the_api():
    desired = row('Username,FirstName,LastName,Email,recoveryEmail,jobTitle,allow_public_key,unix_uid,work_city,'
                  'mobile_number,Attribute1_name,Attribute1_value,Password,department\n'
                  'nia,Nia,Moe,nia@example.com,r@example.com,Analyst,false,7001,Lyon,+33 1,team,red,Pw-1!,__CLEAR__\n')
    plan = plan_create(desired, UserFacts(), NOW)
    assert plan.create is True and plan.user_id is None
    assert plan.body == {
        'username': 'nia', 'firstname': 'Nia', 'lastname': 'Moe', 'email': 'nia@example.com',
        'recoveryEmail': {'address': 'r@example.com'}, 'jobTitle': 'Analyst',
        'allow_public_key': False,          # sent although false: JumpCloud's default for a new user may differ
        'unix_uid': 7001, 'addresses': [{'type': 'work', 'locality': 'Lyon'}],
        'phoneNumbers': [{'type': 'mobile', 'number': '+33 1'}], 'attributes': [{'name': 'team', 'value': 'red'}],
        'password': 'Pw-1!'}                # the cleared department: nothing to empty on a new user
    assert plan.after['password'] == MASK and 'Pw-1!' not in repr(plan.after) + repr(plan.before)
    assert plan.password == 'sent'
    assert plan.changed_fields == ['username', 'firstname', 'lastname', 'email', 'recoveryEmail', 'jobTitle',
                                   'allow_public_key', 'unix_uid', 'password', 'addresses.work.locality',
                                   'phoneNumbers.mobile', 'attributes.team']


@pytest.mark.parametrize('column', [c for c in columns.FIXED_COLUMNS if c.slot[0] == 'scalars'], ids=lambda c: c.name)
def test_every_plain_column_of_the_table_goes_into_the_body_as_a_put_would_send_it(column):
    values = {columns.BOOL: True, columns.INT: 42, columns.EMAIL: 'x@example.com'}
    value = values.get(column.kind, 'text')
    desired = row('Username,Email\nnia,nia@example.com\n')
    desired.scalars = dict(desired.scalars, **{column.field: value})     # a checked row's is read-only
    body = plan_create(desired, UserFacts(), NOW).body
    assert body[column.field] == column.api.body(value)


def test_a_column_added_to_the_table_later_is_sent_with_no_code_of_its_own(monkeypatch):
    # a plain column of the table, such as a user's state, needs no code in the creation plan
    extra = columns.Column('state', columns.STRING, ('scalars', 'state'), columns.Field('state'))
    monkeypatch.setitem(columns.BY_SLOT, ('scalars', 'state'), extra)
    desired = row('Username,Email,enable_user_portal_multifactor,EnrollmentDays\nnia,nia@example.com,true,5\n')
    desired.scalars = dict(desired.scalars, state='STAGED')
    plan = plan_create(desired, UserFacts(), NOW)
    assert plan.body['state'] == 'STAGED'
    # a STAGED user's enrollment window counts from its activation: days, as New-JCUser.ps1 sends them
    assert plan.body['mfa'] == {'exclusion': True, 'exclusionDays': 5}
    desired.scalars = dict(desired.scalars, state='ACTIVATED')
    assert plan_create(desired, UserFacts(), NOW).body['mfa'] == {'exclusion': True,
                                                                  'exclusionUntil': '2026-11-30T12:00:00Z'}


def test_groups_and_bindings_are_all_to_add_with_the_administrator_setting():
    desired = row('Username,Email,Group1,SystemID,Administrator,ldapserver_id\n'
                  'nia,nia@example.com,Ops,%s,true,%s\n' % (SID, 'd' * 24))
    facts = UserFacts(groups=[{'id': 'g' * 24, 'name': 'Ops', 'member': False}])
    plan = plan_create(desired, facts, NOW)
    assert plan.groups == [{'name': 'Ops', 'id': 'g' * 24, 'action': ADD}]
    assert plan.system == {'id': SID, 'action': ADD, 'sudo': True,
                           'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}}
    assert plan.ldap == {'id': 'd' * 24, 'action': ADD}
    assert plan.after['groups'] == ['Ops'] and plan.after['system'] == {'id': SID, 'administrator': True}


@pytest.mark.parametrize('mode, new_user_gets_it, existing_user_gets_it', [
    ('on_create', True, False), ('always', True, True), ('never', False, False)])
def test_update_password_decides_for_new_and_existing_users(mode, new_user_gets_it, existing_user_gets_it):
    desired = row('Username,Email,Password\nnia,nia@example.com,Pw-1!\n')
    created = plan_create(desired, UserFacts(), NOW, mode)
    assert ('password' in created.body) is new_user_gets_it
    assert created.password == ('sent' if new_user_gets_it else 'not_sent')
    desired.missing = None
    existing = plan_row(desired, {'_id': 'a' * 24, 'username': 'nia', 'email': 'nia@example.com'}, UserFacts(),
                        NOW, mode)
    assert ('password' in existing.body) is existing_user_gets_it
    assert existing.password == ('sent' if existing_user_gets_it else 'not_sent')
    assert existing.has_changes is existing_user_gets_it


def test_the_default_is_on_create():
    desired = row('Username,Password\nnia,Pw-1!\n')
    desired.missing = None
    assert plan_user(desired, {'_id': 'a' * 24, 'username': 'nia'}, UserFacts(), NOW).body == {}


def test_a_cleared_cell_sends_nothing_on_creation():
    desired = row('Username,Email,jobTitle\nnia,nia@example.com,__CLEAR__\n')
    assert desired.scalars['jobTitle'] is CLEAR
    assert plan_create(desired, UserFacts(), NOW).body == {'username': 'nia', 'email': 'nia@example.com'}


def test_a_state_on_creation_goes_with_its_suspended_flag():
    for state, suspended in (('SUSPENDED', True), ('ACTIVATED', False), ('STAGED', False)):
        body = plan_create(row('Username,Email,state\nnia,nia@example.com,%s\n' % state), UserFacts(), NOW).body
        assert (body['state'], body['suspended']) == (state, suspended)
    # no state: the organisation's default, and no flag that could contradict it
    assert 'suspended' not in plan_create(row('Username,Email\nnia,nia@example.com\n'), UserFacts(), NOW).body
