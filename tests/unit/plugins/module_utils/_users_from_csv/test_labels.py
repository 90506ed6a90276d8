"""Readable names next to ids: device hostnames, LDAP server names and manager usernames in results, diffs and
per-user lines, from what the run has read, plus one batched search per 100 ids for current managers only."""
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.filter.user_lines import user_line
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.labels import Labels, read_labels
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import check_references
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import read_state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import plan_user

from doubles import Directory, uid

SYSTEM = uid(0x3a9)
LDAP = uid(0x3e5)
BOSS = uid(500)           # a current manager that no row names


def users():
    found = [{'_id': uid(n), 'username': 'user%03d' % n, 'email': 'user%03d@example.com' % n} for n in range(1, 251)]
    found.append({'_id': BOSS, 'username': 'the.boss', 'email': 'boss@example.com'})
    return found


def labels_of(client, csv_text):
    table, problems = read_csv('users.csv', csv_text.encode('utf-8'))
    assert problems == []
    rows = parse_rows(table, '__CLEAR__')
    with ThreadPoolExecutor(max_workers=4) as pool:
        state = read_state(client, rows, pool)
        check_references(rows, state)
        assert [p for r in rows for p in r.problems] == []
        before = len(client.calls)
        labels = read_labels(client, rows, state, pool)
    return labels, client.calls[before:]


def test_names_of_devices_ldap_servers_and_named_managers_cost_no_request():
    client = Directory(users(), systems=[{'_id': SYSTEM, 'hostname': 'web-01', 'displayName': 'Web 1'}],
                       ldapservers=[{'id': LDAP, 'name': 'Corp LDAP'}])
    labels, calls = labels_of(client, 'Username,SystemID,ldapserver_id,manager\nuser001,%s,%s,user002\n' % (SYSTEM, LDAP))
    assert calls == []
    assert labels.systems == {SYSTEM: 'web-01'} and labels.ldapservers == {LDAP: 'Corp LDAP'}
    assert labels.users == {uid(2): 'user002'}


def test_a_device_without_hostname_is_called_by_its_display_name():
    client = Directory(users(), systems=[{'_id': SYSTEM, 'displayName': 'Web 1'}])
    labels, dummy = labels_of(client, 'Username,SystemID\nuser001,%s\n' % SYSTEM)
    assert labels.systems == {SYSTEM: 'Web 1'}


def test_current_managers_not_read_are_searched_100_ids_a_search_only_for_rows_changing_the_manager():
    people = users()
    for n in range(1, 251):
        people[n - 1]['manager'] = uid(1000 + n)          # 250 different current managers, none read yet
    people += [{'_id': uid(1000 + n), 'username': 'mgr%03d' % n, 'email': 'm%d@example.com' % n} for n in range(1, 251)]
    client = Directory(people)
    # rows 1-205 change the manager; 206-210 name the manager they have (no change); 211-250 do not touch it
    text = 'Username,manager,jobTitle\n'
    text += ''.join('user%03d,the.boss,x\n' % n for n in range(1, 206))
    text += ''.join('user%03d,mgr%03d,x\n' % (n, n) for n in range(206, 211))
    text += ''.join('user%03d,,x\n' % n for n in range(211, 251))
    labels, calls = labels_of(client, text)
    assert [c[0] for c in calls] == ['SEARCH'] * 3
    assert sorted(len(c[2]['or']) for c in calls) == [5, 100, 100]
    assert set(k for c in calls for cond in c[2]['or'] for k in cond) == {'_id'}
    assert {c[3] for c in calls} == {'_id username'}
    assert labels.users[uid(1001)] == 'mgr001' and labels.users[uid(1205)] == 'mgr205'
    assert labels.users[BOSS] == 'the.boss'
    searched = set(cond['_id']['$eq'] for c in calls for cond in c[2]['or'])
    assert searched == set(uid(1000 + n) for n in range(1, 206))      # rows keeping their manager cost no read
    assert labels.users[uid(1206)] == 'mgr206'      # the manager the row names, read as the rows' managers are


def test_a_current_manager_already_read_or_a_cleared_manager_costs_no_request():
    people = users()
    people[0]['manager'] = uid(2)
    people[2]['manager'] = uid(4)
    client = Directory(people)
    labels, calls = labels_of(client, 'Username,manager\nuser001,user003\nuser003,__CLEAR__\nuser004,user002\n')
    # user004 is read as a row's user; user002 and user003 are managers the rows name
    assert calls == []
    assert labels.users == {uid(2): 'user002', uid(3): 'user003', uid(4): 'user004'}


class Plan:
    def __init__(self, before, after):
        self.before, self.after = before, after


LABELS = Labels({SYSTEM: 'web-01'}, {LDAP: 'Corp LDAP'}, {uid(2): 'alice', uid(3): 'bob'})


def test_results_carry_the_names_beside_the_ids():
    result = {'row': 2, 'username': 'carol', 'status': 'updated', 'changed_fields': ['jobTitle', 'manager'],
              'groups': [], 'system': {'id': SYSTEM, 'sudo': True, 'status': 'added'},
              'ldap': {'id': LDAP, 'status': 'added'}}
    LABELS.label_result(result, Plan({'manager': uid(2)}, {'manager': uid(3)}))
    assert result['system']['hostname'] == 'web-01' and result['ldap']['name'] == 'Corp LDAP'
    assert result['manager'] == {'before': {'id': uid(2), 'username': 'alice'}, 'after': {'id': uid(3), 'username': 'bob'}}
    assert user_line(result) == ('row 2 carol: updated: jobTitle, manager alice (%s) -> bob (%s), device web-01 (%s) '
                                 '(admin) added, LDAP server Corp LDAP (%s) added' % (uid(2), uid(3), SYSTEM, LDAP))
    cells = report.render_report([dict(result, user_id=uid(9), failed=False, changed=True, msg='')]).splitlines()[1]
    assert 'web-01 (%s):added' % SYSTEM in cells and 'Corp LDAP (%s):added' % LDAP in cells


def test_check_mode_lines_and_a_cleared_or_first_manager_name_both_sides():
    result = {'row': 3, 'username': 'dan', 'status': 'would_update', 'changed_fields': ['manager'], 'groups': [],
              'system': {'id': SYSTEM, 'sudo': False, 'status': 'would_add'}, 'ldap': None}
    LABELS.label_result(result, Plan({'manager': None}, {'manager': uid(3)}))
    assert user_line(result) == ('row 3 dan: would update: manager (none) -> bob (%s), would bind device web-01 (%s)'
                                 % (uid(3), SYSTEM))
    result = {'row': 4, 'username': 'eve', 'status': 'updated', 'changed_fields': ['manager'], 'groups': []}
    LABELS.label_result(result, Plan({'manager': uid(2)}, {'manager': None}))
    assert user_line(result) == 'row 4 eve: updated: manager alice (%s) -> (none)' % uid(2)


def test_an_id_without_a_known_name_is_shown_alone():
    result = {'row': 5, 'username': 'fay', 'status': 'updated', 'changed_fields': [], 'groups': [],
              'system': {'id': uid(77), 'sudo': False, 'status': 'added'}, 'ldap': None}
    LABELS.label_result(result)
    assert user_line(result) == 'row 5 fay: updated: device %s added' % uid(77)


def test_the_diff_names_devices_ldap_servers_and_managers_without_changing_the_plan():
    shared = {'id': SYSTEM, 'administrator': False}
    diff = {'before_header': 'h', 'after_header': 'h',
            'before': {'manager': uid(2), 'system': shared, 'ldap_server': None},
            'after': {'manager': uid(3), 'system': {'id': SYSTEM, 'administrator': True}, 'ldap_server': LDAP}}
    named = LABELS.label_diff(diff)
    assert named['before'] == {'manager': {'id': uid(2), 'username': 'alice'},
                               'system': {'id': SYSTEM, 'administrator': False, 'hostname': 'web-01'},
                               'ldap_server': None}
    assert named['after'] == {'manager': {'id': uid(3), 'username': 'bob'},
                              'system': {'id': SYSTEM, 'administrator': True, 'hostname': 'web-01'},
                              'ldap_server': {'id': LDAP, 'name': 'Corp LDAP'}}
    assert shared == {'id': SYSTEM, 'administrator': False} and diff['before']['manager'] == uid(2)
    assert LABELS.label_diff(None) is None


def test_a_failed_binding_and_a_sudo_warning_name_the_device_and_the_server():
    """The plan and the writes name the device and the server as the state read them: no message is
    rewritten afterwards."""
    gus = {'_id': uid(6), 'username': 'gus', 'email': 'gus@example.com', 'sudo': True}
    bind, ldap = '/api/v2/systems/%s/associations' % SYSTEM, '/api/v2/ldapservers/%s/associations' % LDAP
    client = Directory([gus], systems=[{'_id': SYSTEM, 'hostname': 'web-01'}],
                       ldapservers=[{'id': LDAP, 'name': 'Corp LDAP'}],
                       answers={('POST', bind): [JumpCloudError('Bad Request: no', status=400)],
                                ('POST', ldap): [JumpCloudError('oops', status=500)]})
    table, problems = read_csv('users.csv', b'Username,SystemID,Administrator,ldapserver_id\n'
                               b'gus,%s,false,%s\n' % (SYSTEM.encode(), LDAP.encode()))
    rows = parse_rows(table, '__CLEAR__')
    with ThreadPoolExecutor(max_workers=4) as pool:
        state = read_state(client, rows, pool)
    check_references(rows, state)
    desired, = rows
    user = state.users_by_name['gus']
    plan = plan_user(desired, user, state.facts_for(desired, user), None)
    outcome = Applier(client, check_mode=False).apply_one(plan)
    result = LABELS.label_result(report.row_result(desired, user['_id'], outcome, 'users.csv'), plan)
    assert result['msg'] == 'device web-01 (%s): Bad Request: no; LDAP server Corp LDAP (%s): oops' % (SYSTEM, LDAP)
    assert result['warnings'][0].endswith('stays administrator on web-01 (%s)' % SYSTEM)
    assert user_line(result).startswith('row 2 gus: failed: device web-01 (%s): Bad Request' % SYSTEM)
