"""Selectors of jc_users_info: each given must hold; group names match exactly, else without regard to case;
blank items and unknown states fail naming the option."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.flow import check_selectors
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.select import Selectors, named_groups

GROUPS = [{'id': '1', 'name': 'Ops'}, {'id': '2', 'name': 'ops'}, {'id': '3', 'name': 'Sales'}]


def test_every_selector_given_must_hold():
    selectors = Selectors(usernames=['Ann', 'bob'], emails=['ANN@example.com'], state='ACTIVATED')
    assert selectors.keeps({'username': 'ann', 'email': 'ann@Example.com', 'state': 'ACTIVATED'})
    assert not selectors.keeps({'username': 'bob', 'email': 'bob@example.com', 'state': 'ACTIVATED'})
    assert not selectors.keeps({'username': 'ann', 'email': 'ann@example.com', 'state': 'SUSPENDED'})
    assert Selectors().keeps({'username': 'anyone'})


def test_group_names_match_exactly_else_without_regard_to_case():
    assert [g['id'] for g in named_groups(GROUPS, ['ops', 'sales'])] == ['2', '3']
    with pytest.raises(RunFailed, match=r"groups\[0\]: 'OPS' matches 'Ops' and 'ops'"):
        named_groups(GROUPS, ['OPS'])
    with pytest.raises(RunFailed, match=r"groups\[1\]: there is no user group named 'HR'"):
        named_groups(GROUPS, ['Ops', 'HR'])


def test_the_state_in_any_case_and_blank_items_refused():
    assert check_selectors({'state': ' suspended '}).state == 'SUSPENDED'
    assert check_selectors({'usernames': [' ann ']}).usernames == ['ann']
    assert check_selectors({}).usernames is None
    with pytest.raises(RunFailed, match='state must be one of ACTIVATED, SUSPENDED, STAGED'):
        check_selectors({'state': 'deleted'})
    with pytest.raises(RunFailed, match=r'emails\[0\] is blank'):
        check_selectors({'emails': ['']})
