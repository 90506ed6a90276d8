"""Planning takes the facts it needs, already looked up: no state, no lookups, no second resolution."""
import datetime

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Desired, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
UID, BOSS, GID, SID, LID = 'a' * 24, 'b' * 24, 'c' * 24, 'd' * 24, 'e' * 24


def test_a_plan_from_facts_alone():
    desired = Desired(2)
    desired.username = 'bob'
    desired.manager, desired.manager_id = 'boss@example.com', BOSS
    desired.groups = [('sales', 'Group1'), ('Ops', 'Group2')]
    desired.system_id, desired.administrator = SID, True
    desired.ldapserver_id = LID
    facts = UserFacts(groups=[{'id': GID, 'name': 'Sales', 'member': False}, {'id': 'f' * 24, 'name': 'Ops', 'member': True}],
                      system_binding={'sudo': {'enabled': False}}, ldap_bound=True)
    plan = plan_user(desired, {'_id': UID, 'username': 'bob'}, facts, NOW)
    assert plan.body == {'manager': BOSS}
    assert plan.groups == [{'name': 'Sales', 'id': GID, 'action': 'add'}, {'name': 'Ops', 'id': 'f' * 24, 'action': 'present'}]
    assert plan.after['groups'] == ['Sales']
    assert plan.system['action'] == 'update' and plan.system['sudo'] is True
    assert plan.ldap == {'id': LID, 'action': 'present'}


def test_an_unresolved_manager_is_never_planned_as_a_clear():
    desired = Desired(2)
    desired.username, desired.manager = 'bob', 'boss'
    with pytest.raises(ValueError, match='line 2'):
        plan_user(desired, {'_id': UID, 'username': 'bob', 'manager': BOSS}, UserFacts(), NOW)


def test_the_facts_come_from_the_state_and_outlive_its_user_indexes():
    state = State()
    state.add_user({'_id': UID, 'username': 'bob', 'email': 'bob@example.com'})
    state.add_user({'_id': BOSS, 'username': 'boss', 'email': 'boss@example.com'})
    state.groups['Sales'] = {'id': GID, 'name': 'Sales'}
    state.group_members[(GID, UID)] = True
    table, problems = read_csv('u.csv', b'Username,manager,Group1\nbob,BOSS@example.com,sales\n')
    assert problems == []
    rows = check_references(parse_rows(table, '__CLEAR__'), state)
    assert rows[0].problems == [] and rows[0].manager_id == BOSS
    state.keep_only_row_users()             # the manager is no longer reachable through the state
    user = state.users_by_name['bob']
    plan = plan_user(rows[0], user, state.facts_for(rows[0], user), NOW)
    assert plan.body == {'manager': BOSS}
    assert plan.groups == [{'name': 'Sales', 'id': GID, 'action': 'present'}]
