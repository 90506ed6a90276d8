"""Reading the state a CSV refers to: in bulk (100 names a search, one listing per kind, edges from whichever
side needs fewer requests), only the fields the rows compare, and lookups by name exactly first, then without
regard to case."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import AmbiguousName
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State, needed_fields, read_state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

from doubles import Directory, uid


def rows_of(csv_text):
    table, problems = read_csv('users.csv', csv_text.encode('utf-8'))
    assert problems == []
    return parse_rows(table, '__CLEAR__')


def read(client, csv_text):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return read_state(client, rows_of(csv_text), pool)


USERS = [{'_id': uid(n), 'username': 'user%03d' % n, 'email': 'user%03d@example.com' % n,
          'employeeIdentifier': 'E%d' % n, 'jobTitle': 'T%d' % n, 'department': 'D'} for n in range(1, 251)]


def test_250_users_are_read_in_3_searches_with_only_the_fields_the_rows_compare():
    client = Directory(USERS)
    state = read(client, 'Username,jobTitle\n' + ''.join('user%03d,x\n' % n for n in range(1, 251)))
    searches = client.requests('SEARCH')
    assert len(searches) == 3
    assert len(client.calls) == 3
    assert sorted(len(s[2]['or']) for s in searches) == [50, 100, 100]
    assert {s[3] for s in searches} == {'_id email employeeIdentifier jobTitle restrictedFields username'}
    assert len(state.users_by_name) == 250
    assert 'department' not in state.users_by_name['user001']


def test_a_name_not_matching_exactly_is_searched_without_regard_to_case_with_the_managers_and_collisions():
    users = USERS[:3] + [{'_id': uid(900), 'username': 'JDoe', 'email': 'john@example.com'}]
    client = Directory(users)
    state = read(client, 'Username,manager,Email\njdoe,USER002@example.com,\nuser001,user003,user002@example.com\n')
    searches = client.requests('SEARCH')
    assert len(searches) == 2
    first, second = searches
    assert first[2] == {'or': [{'username': 'jdoe'}, {'username': 'user001'}]}
    # user003 is no row's user: as a manager it is looked up by username and by email, without regard to case
    assert second[2] == {'or': [
        {'email': {'$regex': '(?i)(^USER002\\@example\\.com$)'}},
        {'email': 'user002@example.com'},
        {'email': {'$regex': '(?i)(^user003$)'}},
        {'username': {'$regex': '(?i)(^USER002\\@example\\.com$)'}},
        {'username': {'$regex': '(?i)(^jdoe$)'}},
        {'username': {'$regex': '(?i)(^user003$)'}}]}
    # the row's own user is found there, so that search asks for every field the rows compare
    assert second[3] == first[3]
    assert state.find_user('jdoe')['_id'] == uid(900)
    assert state.resolve_manager('USER002@example.com')['_id'] == uid(2)
    assert state.resolve_manager('user003')['_id'] == uid(3)


def test_names_that_all_match_exactly_cost_one_search():
    client = Directory(USERS[:3])
    read(client, 'Username,manager\nuser001,user002\nuser002,user001@example.com\n')
    assert len(client.calls) == 1


def test_a_manager_by_id_not_among_the_users_read_is_read_by_id():
    client = Directory(USERS[:3], missing_ids=[uid(404)])
    state = read(client, 'Username,manager\nuser001,%s\nuser002,%s\n' % (uid(3), uid(404)))
    # the ids are read concurrently, in no particular order
    assert sorted(client.requests('GET')) == [
        ('GET', '/api/systemusers/%s' % uid(3), {'fields': '_id username email employeeIdentifier'}),
        ('GET', '/api/systemusers/%s' % uid(404), {'fields': '_id username email employeeIdentifier'})]
    assert state.resolve_manager(uid(3))['username'] == 'user003'
    assert state.resolve_manager(uid(404)) is None


def test_a_failing_read_of_a_manager_fails_the_state():
    client = Directory(USERS[:3], failing_ids=[uid(7)])
    with pytest.raises(JumpCloudError):
        read(client, 'Username,manager\nuser001,%s\n' % uid(7))


GROUPS = [{'id': 'g%d' % n, 'name': 'group-%d' % n} for n in range(1, 6)]
SYSTEMS = [{'_id': uid(1000 + n), 'hostname': 'host-%d' % n} for n in range(1, 4)]
LDAP = [{'id': uid(2000), 'name': 'ldap'}]


def test_groups_devices_and_ldap_servers_are_listed_once_and_only_when_the_rows_use_them():
    client = Directory(USERS[:3], GROUPS, SYSTEMS, LDAP)
    read(client, 'Username,jobTitle\nuser001,x\n')
    assert [c[1] for c in client.calls] == ['/api/search/systemusers']
    client = Directory(USERS[:3], GROUPS, SYSTEMS, LDAP)
    state = read(client, 'Username,Group1,SystemID,ldapserver_id\nuser001,group-1,%s,%s\n' % (uid(1001), uid(2000)))
    listings = sorted(c[1] for c in client.calls if c[1] in ('/api/v2/usergroups', '/api/search/systems',
                                                             '/api/v2/ldapservers'))
    assert listings == ['/api/search/systems', '/api/v2/ldapservers', '/api/v2/usergroups']
    assert client.requests('SEARCH', '/api/search/systems')[0][3] == 'hostname displayName'
    assert sorted(state.groups) == ['group-%d' % n for n in range(1, 6)]
    assert sorted(state.systems) == [uid(1001)]       # only the device the rows name
    assert list(state.ldapservers) == [uid(2000)]


def test_edges_are_read_per_target_when_there_are_fewer_targets_than_users():
    members = {('g1', uid(1)), ('g1', uid(9)), ('g2', uid(2))}
    bindings = {(uid(1001), uid(1)): {'sudo': {'enabled': True}}, (uid(1001), uid(3)): None}
    client = Directory(USERS[:3], GROUPS, SYSTEMS, LDAP, members=members, bindings=bindings,
                       ldap_users={(uid(2000), uid(2))})
    state = read(client, 'Username,Group1,SystemID,ldapserver_id\n'
                         'user001,group-1,%s,%s\nuser002,group-1,%s,%s\nuser003,group-1,%s,\n'
                         % (uid(1001), uid(2000), uid(1001), uid(2000), uid(1001)))
    edge_reads = sorted(c[1:] for c in client.calls if c[0] == 'LIST' and c[1].count('/') == 5)
    assert edge_reads == [('/api/v2/ldapservers/%s/associations' % uid(2000), {'targets': 'user'}),
                          ('/api/v2/systems/%s/associations' % uid(1001), {'targets': 'user'}),
                          ('/api/v2/usergroups/g1/members', None)]
    # only the pairs the rows ask about
    assert state.group_members == {('g1', uid(1)): {}}
    assert state.system_bindings == {(uid(1001), uid(1)): {'sudo': {'enabled': True}}, (uid(1001), uid(3)): {}}
    assert state.ldap_bindings == {(uid(2000), uid(2))}


def test_edges_are_read_per_user_when_there_are_fewer_users_than_targets():
    members = {('g1', uid(1)), ('g3', uid(1)), ('g5', uid(2))}
    bindings = {(uid(1002), uid(1)): {'sudo': {'enabled': False}}}
    client = Directory(USERS[:3], GROUPS, SYSTEMS, LDAP, members=members, bindings=bindings)
    state = read(client, 'Username,Group1,Group2,Group3\nuser001,group-1,group-2,group-3\n')
    edge_reads = [c[1:] for c in client.calls if c[0] == 'LIST' and c[1].count('/') == 5]
    assert edge_reads == [('/api/v2/users/%s/memberof' % uid(1), None)]
    assert state.group_members == {('g1', uid(1)): {}, ('g3', uid(1)): {}}


def test_devices_are_checked_by_searching_their_ids_1000_a_search_and_each_one_not_found_is_read_by_id():
    systems = [{'_id': uid(10000 + n), 'hostname': 'host-%d' % n, 'displayName': 'Host %d' % n} for n in range(1500)]
    client = Directory(USERS[:3], systems=systems)
    client.unsearchable_ids = {uid(10001)}          # the search does not return it, a GET by id does
    named = [uid(10000 + n) for n in range(1200)] + [uid(99999)]
    rows = 'Username,SystemID\n' + ''.join('user001,%s\n' % sid for sid in named)
    state = read(client, rows)
    searches = client.requests('SEARCH', '/api/search/systems')
    # 1201 ids: one search of 1000 and one of 201, by _id, never a listing of the whole fleet
    assert sorted(len(s[2]['or']) for s in searches) == [201, 1000]
    assert all(list(c) == ['_id'] for s in searches for c in s[2]['or'])
    assert {s[3] for s in searches} == {'hostname displayName'}
    # what the searches did not return is read by id: the unknown id, and the one the search missed
    assert sorted(c[1] for c in client.requests('GET')) == ['/api/systems/%s' % uid(10001), '/api/systems/%s' % uid(99999)]
    # the user search, two device searches, two GETs, and the user's bindings
    assert len(client.calls) == 1 + 2 + 2 + 1
    assert sorted(state.systems) == sorted(named[:-1])
    assert state.systems[uid(10001)]['hostname'] == 'host-1'    # the name stays, for messages and lines
    assert state.systems[uid(10500)]['displayName'] == 'Host 500'


def test_a_huge_group_is_not_paged_when_reading_its_few_users_costs_less():
    users = [{'_id': uid(n), 'username': 'user%05d' % n} for n in range(1, 5001)]
    groups = [{'id': 'all', 'name': 'All Users'}, {'id': 'small', 'name': 'small'}]
    # "All Users" holds all 5000 users (50 pages); the small group one
    members = {('all', u['_id']) for u in users} | {('small', uid(7))}
    client = Directory(users, groups, members=members)
    state = read(client, 'Username,Group1,Group2\nuser00001,All Users,\nuser00002,All Users,\n'
                         'user00003,All Users,small\n')
    edge_reads = sorted(c for c in client.calls if c[1].count('/') == 5)
    # fewer groups than users: each group's first page is read, and tells its size; the big group's other
    # 49 pages would cost more than its three users' own group lists, so those are read instead
    assert edge_reads == [('LIST', '/api/v2/usergroups/all/members', None),
                          ('LIST', '/api/v2/usergroups/small/members', None)] + [
        ('LIST', '/api/v2/users/%s/memberof' % uid(n), None) for n in (1, 2, 3)]
    assert client.counts['reads'] == 1 + 1 + 5
    assert state.group_members == {('all', uid(1)): {}, ('all', uid(2)): {}, ('all', uid(3)): {}}


def test_a_big_group_is_read_to_the_end_when_that_costs_less_than_reading_its_users():
    users = [{'_id': uid(n), 'username': 'user%05d' % n} for n in range(1, 301)]
    groups = [{'id': 'big', 'name': 'big'}]
    members = {('big', u['_id']) for u in users if u['_id'] != uid(299)}     # 299 members: 3 pages
    client = Directory(users, groups, members=members)
    csv = 'Username,Group1\n' + ''.join('user%05d,big\n' % n for n in range(295, 301))
    state = read(client, csv)
    edge_reads = [c for c in client.calls if c[1].count('/') == 5]
    # the first page and the 2 others (fewer than the 6 users' own lists)
    assert edge_reads == [('LIST', '/api/v2/usergroups/big/members', None),
                          ('REST', '/api/v2/usergroups/big/members', None, 2)]
    assert sorted(u for g, u in state.group_members) == [uid(n) for n in (295, 296, 297, 298, 300)]


def test_the_fields_a_row_needs():
    assert needed_fields(rows_of('Username\nbob\n')) == '_id email employeeIdentifier restrictedFields username'
    fields = needed_fields(rows_of('Username,SystemID,manager,enable_user_portal_multifactor,home_city,mobile_number,'
                                   'Attribute1_name,Attribute1_value,sudo\nbob,%s,alice,true,x,1,a,b,true\n' % uid(5)))
    assert fields.split() == sorted(['_id', 'email', 'employeeIdentifier', 'restrictedFields', 'username', 'sudo',
                                     'manager', 'enable_user_portal_multifactor', 'mfa', 'addresses', 'phoneNumbers',
                                     'attributes'])


def test_finding_users_exactly_first_then_without_regard_to_case():
    state = State()
    for number, name in enumerate(['jdoe', 'JDoe', 'Kim']):
        state.add_user({'id': uid(number + 1), 'username': name, 'email': '%s@example.com' % name.lower()})
    assert state.find_user('JDoe')['_id'] == uid(2)
    assert state.find_user('kim')['_id'] == uid(3)
    assert state.find_user('nobody') is None
    with pytest.raises(AmbiguousName):
        state.find_user('JDOE')
    assert state.user_by_name('JDOE') is None
    assert state.users_by_email['jdoe@example.com'] == [state.users_by_id[uid(1)], state.users_by_id[uid(2)]]
    # an email two users share names neither as a manager
    assert state.resolve_manager('JDOE@example.com') is None
    assert state.knows_manager(uid(1)) is True
    assert state.knows_manager('Kim') is True
    assert state.knows_manager('kim@EXAMPLE.com') is True
    assert state.knows_manager('kim') is False          # needs the search without regard to case
    state.keep_only_row_users()
    assert (state.users_by_id, state.users_by_email, state.users_by_folded) == ({}, {}, {})
    assert sorted(state.users_by_name) == ['JDoe', 'Kim', 'jdoe']


def test_a_user_added_twice_is_indexed_once():
    state = State()
    user = {'_id': uid(1), 'username': 'bob', 'email': 'bob@example.com', 'employeeIdentifier': 'E1'}
    state.add_user(user)
    state.add_user(user)
    assert state.users_by_email == {'bob@example.com': [user]}
    assert state.users_by_employee_id == {'E1': [user]}


def test_finding_groups_and_the_closest_name():
    state = State()
    for name in ('Sales', 'SALES', 'Finance'):
        state.groups[name] = {'id': name, 'name': name}
    assert state.find_group('finance')['name'] == 'Finance'
    with pytest.raises(AmbiguousName):
        state.find_group('sales')
    assert state.group_by_name('sales') is None
    assert state.group_by_name('Sales')['id'] == 'Sales'
    state.groups['Ops'] = {'id': 'Ops', 'name': 'Ops'}       # a group added later is found too
    assert state.find_group('OPS')['id'] == 'Ops'
    assert state.similar_group('Finanse') == 'Finance'
    assert state.similar_group('Marketing') is None


def test_a_removal_s_device_is_traversed_for_the_routes_that_leave_access():
    client = Directory(USERS[:3], GROUPS, SYSTEMS, bindings={(uid(1001), uid(1)): {}})
    device = {'id': uid(1001), 'type': 'system', 'compiledAttributes': {}, 'paths': [
        [{'to': {'id': uid(1001), 'type': 'system'}}],                                       # the direct binding
        [{'to': {'id': 'g2', 'type': 'user_group'}}, {'to': {'id': uid(1001), 'type': 'system'}}],
        [{'to': {'id': 'g3', 'type': 'user_group'}}, {'to': {'id': uid(3000), 'type': 'system_group'}},
         {'to': {'id': uid(1001), 'type': 'system'}}]]}
    other = {'id': uid(1002), 'type': 'system', 'paths': [[{'to': {'id': 'g1', 'type': 'user_group'}},
                                                           {'to': {'id': uid(1002), 'type': 'system'}}]]}
    client.reached = {uid(1): [other, device]}
    state = read(client, 'Username,RemoveSystemID\nuser001,%s\nuser002,%s\n' % (uid(1001), uid(1001)))
    assert client.requests('LIST', '/api/v2/users/%s/systems' % uid(1)) and \
        len([c for c in client.calls if c[1].endswith('/systems') and c[1].startswith('/api/v2/users/')]) == 2
    assert state.system_routes == {(uid(1001), uid(1)): [
        "user group 'group-2' (g2)", "user group 'group-3' (g3) > device group %s" % uid(3000)]}
    row = rows_of('Username,RemoveSystemID\nuser001,%s\n' % uid(1001))[0]
    facts = state.facts_for(row, state.users_by_name['user001'])
    assert facts.remove_system_bound is True and len(facts.remove_system_routes) == 2
    # no RemoveSystemID, no traversal
    quiet = Directory(USERS[:3], GROUPS, SYSTEMS)
    read(quiet, 'Username,SystemID\nuser001,%s\n' % uid(1001))
    assert not [c for c in quiet.calls if c[1].endswith('/systems') and c[1].startswith('/api/v2/users/')]


def test_a_state_cell_reads_the_suspended_flag_too():
    assert 'suspended' in needed_fields(rows_of('Username,state\nbob,SUSPENDED\n')).split()
    assert 'suspended' not in needed_fields(rows_of('Username,jobTitle\nbob,x\n')).split()


def test_the_email_and_employee_id_indexes_are_built_when_first_read_and_kept_up_to_date():
    state = State()
    state.add_user({'_id': uid(1), 'username': 'ann', 'email': 'Ann@Example.com', 'employeeIdentifier': 'E1'})
    assert state._lazy == {}        # pylint: disable=protected-access
    assert state.users_by_email['ann@example.com'][0]['_id'] == uid(1)
    state.add_user({'_id': uid(2), 'username': 'bob', 'email': 'ann@example.com', 'employeeIdentifier': 'E1'})
    assert [u['_id'] for u in state.users_by_email.get('ann@example.com')] == [uid(1), uid(2)]
    assert [u['_id'] for u in state.users_by_employee_id['E1']] == [uid(1), uid(2)]
    assert state.users_by_email.get('nobody@example.com') is None


def test_a_lowercase_username_is_found_without_regard_to_case_without_an_index_entry_of_its_own():
    state = State()
    state.add_user({'_id': uid(1), 'username': 'ann'})
    state.add_user({'_id': uid(2), 'username': 'Bob'})
    assert dict(state.users_by_folded) == {'bob': state.users_by_id[uid(2)]}      # one user: no list
    assert state.find_user('ANN')['_id'] == uid(1) and state.find_user('BOB')['_id'] == uid(2)
    state.add_user({'_id': uid(3), 'username': 'ANN'})
    assert state.find_user('ANN')['_id'] == uid(3)        # exactly
    with pytest.raises(AmbiguousName):
        state.find_user('Ann')
