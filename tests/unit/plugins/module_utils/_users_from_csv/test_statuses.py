"""One status vocabulary: a real run says what happened, check mode what would happen, in results and summary."""
import ast
import inspect
import types

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import UserPlan

from doubles import Directory

UID = '5f0000000000000000000001'
GROUPS = ('5f00000000000000000000a1', '5f00000000000000000000a2')
SYSTEMS = ('5f00000000000000000000b1', '5f00000000000000000000b2')
LDAP = '5f00000000000000000000c1'


def test_the_vocabulary_module_imports_nothing_of_the_collection():
    tree = ast.parse(inspect.getsource(st))
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + \
        [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imported == ['__future__']
    assert ast.get_docstring(tree)


def test_would_forms_map_to_the_real_ones_and_back():
    assert [st.preview(s) for s in st.ITEM_STATUSES] == \
        ['would_add', 'would_update', 'would_remove', 'present', 'absent', 'failed', 'would_add', 'would_update',
         'would_remove']
    assert [st.preview(s, check_mode=False) for s in st.ITEM_STATUSES] == list(st.ITEM_STATUSES)
    assert [st.as_done(s) for s in st.ITEM_STATUSES] == \
        ['added', 'updated', 'removed', 'present', 'absent', 'failed', 'added', 'updated', 'removed']
    assert [s for s in st.ROW_STATUSES if st.is_preview(s)] == ['would_create', 'would_update', 'would_delete']
    assert (st.preview(st.DELETED), st.as_done(st.WOULD_DELETE)) == ('would_delete', 'deleted')
    assert (st.preview(st.CREATED), st.as_done(st.WOULD_CREATE)) == ('would_create', 'created')
    assert [s for s in st.ITEM_STATUSES if st.is_preview(s)] == ['would_add', 'would_update', 'would_remove']


@pytest.mark.parametrize('check_mode, expected', [(False, ('added', 'updated')), (True, ('would_add', 'would_update'))])
def test_a_write_made_is_added_or_updated_and_one_not_made_would_be(check_mode, expected):
    assert (st.item_done(st.ADD, check_mode), st.item_done(st.UPDATE, check_mode)) == expected
    assert st.row_status(False, True, check_mode) == expected[1]
    assert st.row_status(False, False, check_mode) == 'unchanged'
    assert st.row_status(True, True, check_mode) == 'failed'


def test_before_its_write_an_item_is_present_or_not_yet_done():
    assert [st.initial(a) for a in (st.PRESENT, st.ADD, st.UPDATE)] == ['present', 'failed', 'failed']


def test_the_summary_counts_would_update_in_check_mode_in_place_of_updated():
    assert st.summary_statuses(False) == ('created', 'updated', 'unchanged', 'failed', 'invalid', 'not_found',
                                          'skipped', 'deleted', 'absent')
    assert st.summary_statuses(True) == ('would_create', 'would_update', 'unchanged', 'failed', 'invalid',
                                         'not_found', 'skipped', 'would_delete', 'absent')
    results = [{'status': s, 'changed': s == 'would_update', 'failed': False}
               for s in ('would_update', 'would_update', 'unchanged')]
    summary = report.summary(results, {'reads': 4}, check_mode=True)
    assert summary['by_status'] == {'would_create': 0, 'would_update': 2, 'unchanged': 1, 'failed': 0, 'invalid': 0, 'not_found': 0,
                                    'skipped': 0, 'would_delete': 0, 'absent': 0}
    assert summary['changed'] == 2 and summary['requests'] == {'reads': 4, 'writes': 0, 'retries': 0}
    real = report.summary([dict(r, status=st.as_done(r['status'])) for r in results], {})
    assert real['by_status'] == {'created': 0, 'updated': 2, 'unchanged': 1, 'failed': 0, 'invalid': 0, 'not_found': 0,
                                 'skipped': 0, 'deleted': 0, 'absent': 0}


def directory(exists=()):
    """The directory holding the user bound to the device the plan updates; a member of the groups and
    LDAP servers in ``exists`` already, so that an add to them answers 409."""
    return Directory([{'_id': UID, 'jobTitle': 'Old'}], bindings={(SYSTEMS[0], UID): {}},
                     members=[(g, UID) for g in exists if g in GROUPS], ldap_users=[(LDAP, UID)] if LDAP in exists else [])


def user_plan():
    """A user whose row changes a field, adds a group (another is present), binds one device and an LDAP server."""
    plan = UserPlan(types.SimpleNamespace(line=2, username='bob', problems=[]), {'_id': UID})
    plan.set_field('jobTitle', 'Old', 'New')
    plan.groups.extend([{'name': 'Ops', 'id': GROUPS[0], 'action': 'present'},
                        {'name': 'Finance', 'id': GROUPS[1], 'action': 'add'}])
    plan.system = {'id': SYSTEMS[0], 'action': 'update', 'sudo': True,
                   'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}}
    plan.ldap = {'id': LDAP, 'action': 'add'}
    return plan


def statuses(result):
    return (result['status'], [(g['name'], g['status']) for g in result['groups']], result['system']['status'],
            result['ldap']['status'])


def test_check_mode_results_say_would_for_every_write_not_made_and_the_real_run_what_it_did():
    check_client, real_client = directory(), directory()
    check = report.row_result(user_plan().desired, UID, Applier(check_client, check_mode=True).apply_one(user_plan()))
    real = report.row_result(user_plan().desired, UID, Applier(real_client, check_mode=False).apply_one(user_plan()))
    assert check_client.writes == []
    assert statuses(check) == ('would_update', [('Ops', 'present'), ('Finance', 'would_add')], 'would_update',
                               'would_add')
    assert statuses(real) == ('updated', [('Ops', 'present'), ('Finance', 'added')], 'updated', 'added')
    assert len(real_client.writes) == 4
    assert check['changed'] is real['changed'] is True and check['changed_fields'] == real['changed_fields'] == ['jobTitle']


def test_a_device_add_in_check_mode_would_add_and_an_existing_membership_stays_present():
    plan = user_plan()
    plan.system = dict(plan.system, action='add')
    outcome = Applier(directory(), check_mode=True).apply_one(plan)
    assert outcome.system['status'] == 'would_add'
    # on a real run an add answered "Already Exists" is present, in either mode's vocabulary
    real = Applier(directory(exists=(GROUPS[1], LDAP)), check_mode=False).apply_one(user_plan())
    assert [g['status'] for g in real.groups] == ['present', 'present'] and real.ldap['status'] == 'present'
    assert real.status == 'updated'


@pytest.mark.parametrize('check_mode, expected', [(False, 'removed'), (True, 'would_remove')])
def test_a_removal_made_is_removed_and_one_not_made_would_be(check_mode, expected):
    assert st.item_done(st.REMOVE, check_mode) == expected
    assert st.initial(st.ABSENT) == 'absent' and st.initial(st.REMOVE) == 'failed'
