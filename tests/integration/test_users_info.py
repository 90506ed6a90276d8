"""jc_users_info: every selector and every include, the request counts, and rows that jc_users_from_csv applies
without a write."""
import csv
import io

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import USERS_MODULE, apply, run_task
from playbook import fake_stats, reset_stats, run_play
from testenv import API_KEY

pytestmark = pytest.mark.integration

INFO_MODULE = 'jcops.jumpcloud.jc_users_info'


def info(tmp_path, fake, check=False, **args):
    """Run jc_users_info; the run carries the result and ``stats``, what the fake counted meanwhile."""
    reset_stats(fake)
    run = run_task(tmp_path, fake, INFO_MODULE, args, check=check)
    run.stats = fake_stats(fake)
    assert run.stats['writes'] == 0
    assert run.result['changed'] is False
    return run


def names(run):
    assert not run.result.get('failed'), run.result.get('msg')
    return [user['username'] for user in run.result['users']]


def test_no_selector_reads_every_user_sorted_with_jumpcloud_field_names(tmp_path, org):
    run = info(tmp_path, org.fake)
    assert names(run) == ['abcdefabcdefabcdefabcdef', 'alice', 'bob', 'carol', 'erin', 'frank.o+1']
    alice = run.result['users'][1]
    assert (alice['_id'], alice['email'], alice['jobTitle'], alice['employeeIdentifier']) == (
        org.uid('alice'), 'alice@example.com', 'Engineer', 'E1')
    assert alice['phoneNumbers'][0]['number'] == '+1 555 0101' and alice['state'] == 'ACTIVATED'
    # nothing include did not ask for
    assert not set(alice) & {'groups', 'systems', 'ldap_servers', 'manager_username', 'attributes', 'password'}
    assert run.stats['by_route'] == {'POST /api/search/systemusers': 1}
    assert 'rows' not in run.result
    checked = info(tmp_path, org.fake, check=True)
    assert checked.result['users'] == run.result['users']


def test_usernames_and_emails_match_without_regard_to_case(tmp_path, org):
    run = info(tmp_path, org.fake, usernames=['ALICE', 'bob', 'nobody'])
    assert names(run) == ['alice', 'bob']
    assert run.stats['by_route'] == {'POST /api/search/systemusers': 1}
    assert names(info(tmp_path, org.fake, emails=['Carol@Example.COM', 'hex@example.com'])) == [
        'abcdefabcdefabcdefabcdef', 'carol']
    # both given: a user must hold both
    assert names(info(tmp_path, org.fake, usernames=['alice', 'bob'], emails=['bob@example.com'])) == ['bob']


def test_groups_select_their_members_by_name(tmp_path, org):
    org.fake.org.group_member_op(org.group('Ops'), {'op': 'add', 'type': 'user', 'id': org.uid('carol')})
    run = info(tmp_path, org.fake, groups=['ops', 'Engineering'])
    assert names(run) == ['alice', 'bob', 'carol']
    # the groups' listing, each named group's members, one search of the members by id
    assert run.stats['by_route'] == {'GET /api/v2/usergroups': 1, 'GET /api/v2/usergroups/{id}/members': 2,
                                     'POST /api/search/systemusers': 1}
    assert names(info(tmp_path, org.fake, groups=['Finance'])) == []
    missing = info(tmp_path, org.fake, groups=['Ops', 'Nope'])
    assert missing.result['failed'] and "groups[1]: there is no user group named 'Nope'" in missing.result['msg']


def test_state_in_any_case_and_every_selector_together(tmp_path, org):
    org.set_fields('erin', state='SUSPENDED', suspended=True)
    org.set_fields('bob', state='SUSPENDED', suspended=True)
    assert names(info(tmp_path, org.fake, state='suspended')) == ['bob', 'erin']
    assert names(info(tmp_path, org.fake, state='Activated', usernames=['alice', 'bob'])) == ['alice']
    assert names(info(tmp_path, org.fake, state='SUSPENDED', groups=['Ops'], usernames=['bob', 'erin'])) == ['bob']
    assert names(info(tmp_path, org.fake, state='SUSPENDED', groups=['Engineering'])) == []
    bad = info(tmp_path, org.fake, state='deleted')
    assert bad.result['failed'] and 'state must be one of ACTIVATED, SUSPENDED, STAGED' in bad.result['msg']
    blank = info(tmp_path, org.fake, usernames=['alice', ' '])
    assert blank.result['failed'] and 'usernames[1] is blank' in blank.result['msg']


def test_include_groups_systems_ldap_servers_manager_and_attributes(tmp_path, org):
    org.fake.org.group_member_op(org.group('Finance'), {'op': 'add', 'type': 'user', 'id': org.uid('alice')})
    org.fake.org.system_users[org.system('host-b')][org.uid('alice')] = {
        'sudo': {'enabled': True, 'withoutPassword': False}}
    org.set_fields('bob', manager=org.uid('alice'))
    run = info(tmp_path, org.fake, usernames=['alice', 'bob', 'carol'],
               include=['groups', 'systems', 'ldap_servers', 'manager', 'attributes'])
    users = dict((user['username'], user) for user in run.result['users'])
    assert users['alice']['groups'] == ['Engineering', 'Finance']
    assert (users['bob']['groups'], users['carol']['groups']) == (['Ops'], [])
    assert users['alice']['systems'] == [{'id': org.system('host-b'), 'hostname': 'host-b', 'administrator': True}]
    assert users['bob']['systems'] == [{'id': org.system('host-a'), 'hostname': 'host-a', 'administrator': False}]
    assert users['carol']['systems'] == []
    assert users['carol']['ldap_servers'] == [{'id': org.ldap(), 'name': 'ldap-1'}]
    assert users['alice']['ldap_servers'] == []
    assert (users['bob']['manager'], users['bob']['manager_username']) == (org.uid('alice'), 'alice')
    assert users['alice']['manager_username'] is None
    assert users['alice']['attributes'] == [{'name': 'team', 'value': 'red'}, {'name': 'site', 'value': 'hq'}]
    assert users['bob']['attributes'] == []
    # three users, fewer than the groups (3), devices (2)... : each user's own listings where that is cheaper
    routes = run.stats['by_route']
    assert routes['GET /api/v2/users/{id}/memberof'] == 3
    assert routes['GET /api/v2/systems/{id}/associations'] == 2      # two devices: fewer than three users
    assert routes['GET /api/v2/ldapservers/{id}/associations'] == 1
    assert routes['POST /api/search/systems'] == 1 and routes['GET /api/v2/ldapservers'] == 1
    # the manager is among the users read: no search for it
    assert routes['POST /api/search/systemusers'] == 1

    # a manager outside the selection is searched by id
    alone = info(tmp_path, org.fake, usernames=['bob'], include=['manager'])
    assert alone.result['users'][0]['manager_username'] == 'alice'
    assert alone.stats['by_route'] == {'POST /api/search/systemusers': 2}


def test_include_groups_of_many_users_is_read_per_group(tmp_path, fake_factory):
    seed = generate_org(users=300, groups=4, systems=2)
    seed['groups'][0]['members'] = [user['username'] for user in seed['users']]
    fake = fake_factory(seed)
    run = info(tmp_path, fake, include=['groups'])
    pages = sum(max(1, -(-len(group['members']) // 100)) for group in seed['groups'])
    assert run.stats['by_route'] == {'POST /api/search/systemusers': 1, 'GET /api/v2/usergroups': 1,
                                     'GET /api/v2/usergroups/{id}/members': pages}
    assert all(seed['groups'][0]['name'] in user['groups'] for user in run.result['users'])


def rows_csv(result):
    out = io.StringIO()
    writer = csv.DictWriter(out, result['columns'], restval='')
    writer.writeheader()
    writer.writerows(result['rows'])
    return out.getvalue()


def test_as_rows_applied_by_jc_users_from_csv_writes_nothing(tmp_path, org):
    org.fake.org.group_member_op(org.group('Finance'), {'op': 'add', 'type': 'user', 'id': org.uid('alice')})
    org.set_fields('bob', manager=org.uid('alice'), jobTitle='=SUM(A1)', sudo=True, account_locked=True)
    org.set_fields('erin', state='SUSPENDED', suspended=True)
    run = info(tmp_path, org.fake, as_rows=True)
    rows = dict((row['Username'], row) for row in run.result['rows'])
    assert len(rows) == 6
    alice = rows['alice']
    assert (alice['Group1'], alice['Group2'], alice['Attribute1_name'], alice['Attribute2_value']) == (
        'Engineering', 'Finance', 'team', 'hq')
    assert (alice['home_city'], alice['mobile_number'], alice['unix_uid']) == ('Denver', '+1 555 0101', '5001')
    assert (rows['bob']['manager'], rows['bob']['jobTitle'], rows['bob']['sudo']) == (
        org.uid('alice'), '=SUM(A1)', 'true')
    assert rows['erin']['state'] == 'SUSPENDED' and 'Group1' not in rows['carol']
    assert 'MiddleName' not in rows['alice']          # a blank cell is left out
    assert run.result['columns'][:3] == ['Username', 'FirstName', 'LastName']
    assert run.result['columns'][-6:] == ['Group1', 'Group2', 'Attribute1_name', 'Attribute1_value',
                                          'Attribute2_name', 'Attribute2_value']
    assert run.result['users'][1]['groups'] == ['Engineering', 'Finance']

    # fed to jc_users_from_csv as its list of rows: every user unchanged, not one write
    reset_stats(org.fake)
    items = run_task(tmp_path, org.fake, USERS_MODULE, {'users': run.result['rows']})
    assert not items.result['failed'], items.result['msg']
    assert [r['status'] for r in items.result['results']] == ['unchanged'] * 6
    assert [r['row'] for r in items.result['results']] == list(range(6))
    assert fake_stats(org.fake)['writes'] == 0 and items.result['changed'] is False

    # and written to a CSV file: the same
    applied = apply(tmp_path, org.fake, rows_csv(run.result))
    assert not applied.result['failed'], applied.result['msg']
    assert {r['status'] for r in applied.result['results']} == {'unchanged'}
    assert applied.stats['writes'] == 0 and applied.result['changed'] is False
    # the cells are compared, not passed over: one edited cell is one change, in either form
    rows['bob']['jobTitle'] = 'Lead'
    checked = apply(tmp_path, org.fake, rows_csv(run.result), check=True)
    assert [(r['username'], r['changed_fields']) for r in checked.result['results'] if r['changed']] == [
        ('bob', ['jobTitle'])]
    checked = run_task(tmp_path, org.fake, USERS_MODULE, {'users': run.result['rows']}, check=True)
    assert [(r['username'], r['changed_fields']) for r in checked.result['results'] if r['changed']] == [
        ('bob', ['jobTitle'])]


def test_module_defaults_of_the_group_apply_and_check_mode_reads_the_same(tmp_path, org):
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'module_defaults': {'group/jcops.jumpcloud.jumpcloud': {'api_url': org.fake.url,
                                                                'api_key': '{{ lookup("env", "KEY") }}'}},
        'tasks': [{INFO_MODULE: {'usernames': ['bob'], 'include': ['groups']}, 'register': 'out', 'check_mode': True},
                  {'ansible.builtin.assert': {'that': ["out.users | map(attribute='groups') | list == [['Ops']]",
                                                       'out is not changed']}}],
    }]
    run = run_play(tmp_path, None, play, env={'KEY': API_KEY})
    assert run.rc == 0, run.output
    assert API_KEY not in run.output
