"""The rollback file, without HTTP: each write's inverse from the plan, the recorder's marks, and the file's text."""
import csv
import datetime
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import rollback
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

from doubles import Directory

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
UID = '5f0000000000000000000001'
BOSS = '5f0000000000000000000002'
GID, OPS = '5f00000000000000000000a1', '5f00000000000000000000a2'
SID, OLD_SID = '5f00000000000000000000b1', '5f00000000000000000000b2'
LID = '5f00000000000000000000d1'
USER = {'_id': UID, 'username': 'bob', 'jobTitle': 'Engineer', 'department': '', 'unix_uid': None, 'sudo': False,
        'state': 'ACTIVATED', 'suspended': False, 'manager': BOSS, 'enable_user_portal_multifactor': False,
        'recoveryEmail': {'address': 'old@example.com', 'verified': True},
        'addresses': [{'id': '1', 'type': 'Home', 'locality': 'Denver', 'extendedAddress': 'Apt 1'}],
        'phoneNumbers': [{'id': '2', 'type': 'mobile', 'number': '+1 555'}],
        'attributes': [{'name': 'team', 'value': 'red'}, {'name': 'site', 'value': 'hq'}]}
EVERYTHING = ('Username,jobTitle,department,unix_uid,state,manager,recoveryEmail,enable_user_portal_multifactor,'
              'home_city,work_city,mobile_number,home_number,Attribute1_name,Attribute1_value,Attribute2_name,'
              'Attribute2_value,Attribute3_name,Attribute3_value,Group1,RemoveGroup1,SystemID,Administrator,'
              'RemoveSystemID,ldapserver_id,Password\n'
              'bob,Boss,Ops,7001,SUSPENDED,__CLEAR__,new@example.com,true,Aurora,Paris,__CLEAR__,+1 777,'
              'team,blue,site,__CLEAR__,floor,3,Finance,Ops,%s,true,%s,%s,s3cret-Z9\n' % (SID, OLD_SID, LID))


def planned(csv_text, user=None, bindings=None, members=()):
    """The plan of the file's one row against ``user``; ``bindings`` {(device, user): edge attributes}."""
    user = dict(user or USER)
    table, problems = read_csv('u.csv', csv_text.encode())
    assert problems == []
    desired = parse_rows(table, '__CLEAR__')[0]
    assert desired.problems == []
    state = State()
    state.add_user(user)
    state.groups = {'Finance': {'id': GID, 'name': 'Finance'}, 'Ops': {'id': OPS, 'name': 'Ops'}}
    state.group_members = dict(((gid, UID), True) for gid in members)
    state.system_bindings = dict(bindings or {})
    state.ldapservers = {LID: {'id': LID, 'name': 'ldap-1'}}
    desired.manager_id = None
    return plan_user(desired, user, state.facts_for(desired, user), NOW, 'always')


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def everything():
    return planned(EVERYTHING, bindings={(SID, UID): {'sudo': {'enabled': False, 'withoutPassword': False}},
                                         (OLD_SID, UID): {'sudo': {'enabled': True, 'withoutPassword': True}}},
                   members=[OPS])


def test_the_inverse_of_the_fields_is_what_the_plan_read_before_writing():
    cells = rollback.inverse_cells(everything(), rollback.FIELDS)
    assert ['c', 'jobTitle', 'Engineer'] in cells and ['c', 'department', None] in cells      # None: the clear token
    assert ['c', 'state', 'ACTIVATED'] in cells and ['m', BOSS] in cells
    assert ['c', 'recoveryEmail', 'old@example.com'] in cells
    assert ['c', 'enable_user_portal_multifactor', 'false'] in cells
    # addresses and phones by column: a stored 'Home' address is the home one; a new work address is emptied
    assert ['c', 'home_city', 'Denver'] in cells and ['c', 'work_city', None] in cells
    assert ['c', 'mobile_number', '+1 555'] in cells and ['c', 'home_number', None] in cells
    # an attribute changed goes back, one removed comes back, one added is removed
    assert [c for c in cells if c[0] == 'a'] == [['a', 'team', 'red'], ['a', 'floor', None], ['a', 'site', 'hq']]
    notes = ' '.join(c[1] for c in cells if c[0] == 'n')
    assert 'no unix_uid' in notes and 'password the run set cannot be taken back' in notes
    assert 'enrolment window' in notes and 'recoveryEmail was verified' in notes
    assert 's3cret-Z9' not in repr(cells)


def test_the_inverse_of_each_binding():
    plan = everything()
    assert rollback.inverse_cells(plan, rollback.group_write(0)) == [['rg', 'Finance']]
    assert rollback.inverse_cells(plan, rollback.group_write(1)) == [['g', 'Ops']]
    # the administrator of a binding changed goes back to what it was
    assert rollback.inverse_cells(plan, rollback.SYSTEM) == [['s', SID, False]]
    unbound = rollback.inverse_cells(plan, rollback.UNBIND)
    assert unbound[0] == ['s', OLD_SID, True] and 'passwordless sudo' in unbound[1][1]
    assert rollback.inverse_cells(plan, rollback.LDAP) == [['c', 'RemoveLdapServerID', LID]]
    bound = planned('Username,SystemID,Administrator\nbob,%s,true\n' % SID)
    assert rollback.inverse_cells(bound, rollback.SYSTEM) == [['c', 'RemoveSystemID', SID]]
    assert rollback.inverse_cells(bound, rollback.SYSTEM_SETTLED) == [['s', SID, False]]
    assert rollback.inverse_cells(bound, rollback.CREATE) == [['d']]
    staged = planned('Username,state\nbob,ACTIVATED\n', user=dict(USER, state='STAGED'))
    assert staged.activate and rollback.inverse_cells(staged, rollback.FIELDS) == []
    assert 'STAGED' in rollback.inverse_cells(staged, rollback.ACTIVATE)[0][1]


def recorded(marks, plan=None):
    plan = plan or everything()
    recorder = rollback.Recorder()
    for write, mark in marks:
        recorder.record(plan, write, mark)
    return list(rollback.rollback_rows(recorder.entries()))


def test_only_accepted_and_unknown_writes_are_undone():
    rows = recorded([(rollback.FIELDS, rollback.SENT), (rollback.FIELDS, rollback.ACCEPTED),
                     (rollback.group_write(0), rollback.SENT), (rollback.group_write(0), rollback.DROPPED),
                     (rollback.group_write(1), rollback.SENT), (rollback.group_write(1), rollback.UNKNOWN),
                     (rollback.SYSTEM, rollback.SENT)])            # still under way: unknown
    row, = rows
    assert row.username == 'bob' and row.cells['jobTitle'] == 'Engineer'
    assert row.remove_groups == [] and row.groups == ['Ops']
    assert (row.cells['SystemID'], row.cells['Administrator']) == (SID, 'false')
    unknown = [n for n in row.notes if 'unknown' in n]
    assert len(unknown) == 2 and 'its group change' in unknown[0] and 'its device binding' in unknown[1]
    # a write refused outright leaves nothing to undo, and no row
    assert recorded([(rollback.FIELDS, rollback.SENT), (rollback.FIELDS, rollback.DROPPED)]) == []


def test_the_file_names_each_column_once_numbers_the_groups_and_applies_as_it_is():
    rows = recorded([(w, rollback.ACCEPTED) for w in (rollback.FIELDS, rollback.group_write(0), rollback.group_write(1),
                                                      rollback.SYSTEM, rollback.UNBIND, rollback.LDAP)])
    text = rollback.render_rollback(rows, '<none>')
    row, = rows_of(text)
    assert list(row)[0] == 'Username' and list(row)[-1] == 'jc_note'
    assert row['department'] == '<none>' and row['manager'] == BOSS and row['Group1'] == 'Ops'
    assert row['RemoveGroup1'] == 'Finance'
    assert (row['Attribute1_name'], row['Attribute1_value'], row['Attribute2_value']) == ('team', 'red', '<none>')
    # one SystemID a row: the administrator change goes back, the device unbound is named in the note
    assert row['SystemID'] == SID and row['Administrator'] == 'false'
    assert 'device %s: the column language binds one device a row; bind it again in JumpCloud as administrator' \
        % OLD_SID in row['jc_note']
    assert row['mobile_number'] == "'+1 555"          # written formula-safe; the reader reads +1 555
    assert 'Password' not in row and 's3cret-Z9' not in text
    table, problems = read_csv('r.csv', text.replace('RemoveLdapServerID', 'ldap_binding_user').replace(LID, 'true')
                               .encode())
    assert problems == []
    desired = parse_rows(table, '<none>')[0]
    assert desired.problems == [] and desired.phones['mobile'] == '+1 555'


def test_a_created_user_becomes_a_row_deleting_it_and_nothing_else():
    rows = recorded([(rollback.CREATE, rollback.UNKNOWN), (rollback.group_write(0), rollback.ACCEPTED)])
    text = rollback.render_rollback(rows, '__CLEAR__')
    row, = rows_of(text)
    assert list(row) == ['Username', 'state', 'jc_note'] and (row['Username'], row['state']) == ('bob', 'DELETED')
    assert row['jc_note'].startswith('the outcome of its creation is unknown')


def test_a_run_with_nothing_to_undo_gives_the_header_alone():
    assert rollback.render_rollback([], '__CLEAR__') == 'Username,jc_note\r\n'


def test_a_manager_the_run_deleted_is_named_by_its_username():
    plan = planned('Username,manager\nbob,__CLEAR__\n')
    recorder = rollback.Recorder()
    recorder.record(plan, rollback.FIELDS, rollback.ACCEPTED)
    row, = rollback.rollback_rows(recorder.entries(), deleted_names={BOSS: 'boss'})
    assert row.manager == 'boss'


def test_the_applier_records_each_write_as_it_came_out():
    plan = everything()
    put = ('PUT', '/api/systemusers/%s' % UID)
    add = ('POST', '/api/v2/usergroups/%s/members' % GID)
    remove = ('POST', '/api/v2/usergroups/%s/members' % OPS)
    client = Directory([dict(USER)], answers={
        put: [None], add: [JumpCloudError('Already Exists', status=409)],
        remove: [JumpCloudError('no answer', status=None, outcome_unknown=True)]})
    recorder = rollback.Recorder()
    outcome = Applier(client, check_mode=False, recorder=recorder).apply_one(plan)
    assert outcome.failed
    (line, username, writes), = recorder.entries()
    marks = dict((w, m) for w, m, cells in writes)
    # the PUT landed; the group add was so already; the removal got no answer; the rest was held back
    assert marks == {rollback.FIELDS: rollback.ACCEPTED, rollback.group_write(0): rollback.DROPPED,
                     rollback.group_write(1): rollback.UNKNOWN}
    # check mode records nothing
    silent = rollback.Recorder()
    Applier(Directory([dict(USER)]), check_mode=True, recorder=silent).apply_one(everything())
    assert len(silent) == 0


def test_a_user_costs_the_recorder_one_short_text():
    recorder = rollback.Recorder()
    plan = planned('Username,jobTitle,department,mobile_number,Attribute1_name,Attribute1_value,Group1,SystemID\n'
                   'bob,Boss,Ops,+1 777,team,blue,Finance,%s\n' % SID)
    for write in (rollback.FIELDS, rollback.group_write(0), rollback.SYSTEM):
        recorder.record(plan, write, rollback.SENT)
        recorder.record(plan, write, rollback.ACCEPTED)
    stored = list(recorder._users.values())     # pylint: disable=protected-access
    assert len(stored) == 1 and isinstance(stored[0], str) and len(stored[0]) < 400, stored
