"""The rollback file: a real run's rollback_path, applied, returns every user it wrote to what the run read before
writing; applied with its own rollback_path, it gives a file that redoes the first run."""
import copy
import csv
import io
import os
import stat
import subprocess

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import USERS_MODULE, apply, configure_fake, module_processes, results_by_user, wait_until, write_csv
from org import SEED, Org
from playbook import start_play
from test_run_safety import signal_slowly
from workload import to_csv, w1_rows

pytestmark = pytest.mark.integration

# what a user's stored record holds that no run sets: its ids, creation, organisation
NOT_COMPARED = ('_id', 'id', 'created', 'organization')


def seeded(fake_factory):
    """The known organisation, with erin bound to host-b as administrator without a password, and a suspended
    leaver, gone, who has every kind of data (fields, addresses, phones, attributes, groups, a device binding
    as administrator, an LDAP binding, a manager) and manages kim."""
    seed = copy.deepcopy(SEED)
    seed['users'] += [
        {'username': 'gone', 'email': 'gone@example.com', 'firstname': 'Gone', 'lastname': 'Leaver',
         'jobTitle': 'Analyst', 'department': 'Finance', 'employeeIdentifier': 'E9', 'unix_uid': 7001,
         'unix_guid': 7001, 'state': 'SUSPENDED', 'suspended': True, 'password_never_expires': True,
         'recoveryEmail': {'address': 'gone.rec@example.com'},
         'addresses': [{'type': 'home', 'locality': 'Lyon', 'country': 'FR'}],
         'phoneNumbers': [{'type': 'mobile', 'number': '+33 6 00'}],
         'attributes': [{'name': 'badge', 'value': '42'}, {'name': 'site', 'value': 'lyon'}]},
        {'username': 'kim', 'email': 'kim@example.com', 'firstname': 'Kim', 'lastname': 'Lee'},
    ]
    seed['groups'][1]['members'] = ['gone']
    seed['systems'][0]['users'].append({'username': 'gone', 'sudo': True})
    seed['systems'][1]['users'] = [{'username': 'erin', 'sudo': True, 'withoutPassword': True}]
    seed['ldapservers'][0]['users'].append('gone')
    org = Org(fake_factory(seed))
    org.set_fields('gone', manager=org.uid('alice'))
    org.set_fields('kim', manager=org.uid('gone'))
    return org


def snapshot(org):
    """Every user (by username) with its record, groups, device bindings and LDAP bindings, ids of other users
    as usernames; what a rollback must restore."""
    fake = org.fake.org
    with fake.lock:
        names = dict((uid, u['username']) for uid, u in fake.users.items())
        hosts = dict((sid, s['hostname']) for sid, s in fake.systems.items())
        users = {}
        for uid, user in fake.users.items():
            record = dict((k, copy.deepcopy(v)) for k, v in user.items() if k not in NOT_COMPARED)
            for key in ('addresses', 'phoneNumbers'):
                record[key] = sorted((dict((k, v) for k, v in e.items() if k != 'id') for e in record.get(key) or []),
                                     key=repr)
            record['manager'] = names.get(record.get('manager'), record.get('manager'))
            # its address only: the verified flag is JumpCloud's (the rollback file's note says it is not restored),
            # and an emptied recovery email is no recovery email
            record['recoveryEmail'] = (record.get('recoveryEmail') or {}).get('address') or None
            record['groups'] = sorted(g['name'] for gid, g in fake.groups.items() if uid in fake.group_members[gid])
            record['systems'] = sorted((hosts[sid], repr(edges[uid])) for sid, edges in fake.system_users.items()
                                       if uid in edges)
            record['ldap'] = sorted(lid for lid, members in fake.ldap_users.items() if uid in members)
            users[user['username']] = record
        return users


def differences(before, after, skip=()):
    """``[(username, field, before, after)]`` where ``after`` differs from ``before``."""
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name) or {}, after.get(name) or {}
        for key in sorted(set(old) | set(new)):
            if (name, key) not in skip and old.get(key) != new.get(key):
                found.append((name, key, old.get(key), new.get(key)))
    return found


def read_rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding='utf-8'))))


COLUMNS = ('Username,Email,FirstName,LastName,Password,jobTitle,department,preferredName,alternateEmail,recoveryEmail,'
           'manager,home_city,work_postalCode,mobile_number,home_number,unix_uid,enable_user_portal_multifactor,sudo,'
           'password_never_expires,external_dn,state,SystemID,Administrator,RemoveSystemID,ldapserver_id,'
           'RemoveLdapServerID,Group1,RemoveGroup1,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value,'
           'Attribute3_name,Attribute3_value').split(',')


def first_run_csv(org):
    """A run that changes every column group, adds and removes groups, binds, unbinds and changes the
    administrator on devices, binds and unbinds LDAP, suspends, creates a user and deletes a manager."""
    host_a, host_b, ldap = org.system('host-a'), org.system('host-b'), org.ldap()
    rows = [
        # plain fields set and cleared, addresses, phones, a unix id, custom attributes changed, added and
        # removed, a group joined and one left, a device bound as administrator, suspended
        dict(Username='alice', jobTitle='Manager', department='__CLEAR__', preferredName='Ally', home_city='Aurora',
             work_postalCode='80301', mobile_number='+1 555 0199', home_number='+1 555 0200', unix_uid='6001',
             state='SUSPENDED', SystemID=host_b, Administrator='true', Group1='Finance', RemoveGroup1='Engineering',
             Attribute1_name='team', Attribute1_value='blue', Attribute2_name='site', Attribute2_value='__CLEAR__',
             Attribute3_name='floor', Attribute3_value='3'),
        # a manager, MFA switched on, the administrator of a binding changed, a group left, an LDAP binding
        dict(Username='bob', manager='alice', enable_user_portal_multifactor='true', SystemID=host_a,
             Administrator='true', RemoveGroup1='Ops', ldapserver_id=ldap),
        # MFA switched off (the enrolment window cannot come back), an LDAP binding taken away
        dict(Username='carol', enable_user_portal_multifactor='false', RemoveLdapServerID=ldap),
        # a device unbound whose binding had passwordless sudo
        dict(Username='erin', RemoveSystemID=host_b),
        # emails, flags, an external DN
        dict(Username='frank.o+1', alternateEmail='frank.alt@example.com', recoveryEmail='frank.rec@example.com',
             sudo='true', password_never_expires='true', external_dn='cn=frank'),
        # a new hire with a password, a group and a device
        dict(Username='newbie', Email='newbie@example.com', FirstName='New', LastName='Hire',
             Password='N3w-Hire-Passw0rd!', Group1='Ops', SystemID=host_a, Administrator='false'),
        # a suspended leaver who manages kim
        dict(Username='gone', state='DELETED'),
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator='\n')
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# what the rollback file names as not restorable, and so stays as the first run left it
NOT_RESTORED = [('carol', 'mfa'), ('erin', 'systems'), ('bob', 'mfa')]
DELETES = dict(allow_delete=True, cascade_manager='clear', delete_requires_suspended=False)


def test_a_rollback_file_undoes_every_column_group_and_its_rollback_redoes_the_run(tmp_path, fake_factory):
    org = seeded(fake_factory)
    before, gone_id = snapshot(org), org.uid('gone')
    rollback = tmp_path / 'rollback.csv'
    run = apply(tmp_path, org.fake, first_run_csv(org), playbook=True, rollback_path=str(rollback),
                missing_users='create', allow_delete=True, cascade_manager='clear')
    assert not run.result.get('failed'), run.result['msg']
    assert [results_by_user(run.result)[n]['status'] for n in ('newbie', 'gone')] == ['created', 'deleted']
    assert run.result['rollback_path'] == str(rollback) and run.result['rollback_rows'] == 8
    assert any(n.startswith('gone: ') and 'password cannot come back' in n for n in run.result['rollback_notes'])
    assert stat.S_IMODE(os.stat(str(rollback)).st_mode) == 0o600
    text = rollback.read_text()
    assert 'N3w-Hire-Passw0rd!' not in text and 'N3w-Hire-Passw0rd!' not in run.output
    after = snapshot(org)
    assert 'gone' not in after and after['kim']['manager'] is None and 'newbie' in after

    rows = dict((r['Username'], r) for r in read_rows(rollback))
    assert set(rows) == {'alice', 'bob', 'carol', 'erin', 'frank.o+1', 'newbie', 'gone', 'kim'}
    assert 'Password' not in rows['alice']
    assert rows['alice']['department'] == 'R&D' and rows['alice']['state'] == 'ACTIVATED'
    assert rows['alice']['home_number'] == '__CLEAR__' and rows['alice']['RemoveGroup1'] == 'Finance'
    assert rows['bob']['RemoveLdapServerID'] == org.ldap() and rows['carol']['ldapserver_id'] == org.ldap()
    assert 'passwordless sudo' in rows['erin']['jc_note']
    assert 'enrolment' in rows['carol']['jc_note'] and rows['carol']['enable_user_portal_multifactor'] == 'true'
    assert 'recoveryEmail was verified' in rows['frank.o+1']['jc_note']
    assert rows['newbie']['state'] == 'DELETED' and rows['gone']['state'] == 'SUSPENDED'
    assert (rows['gone']['manager'], rows['kim']['manager']) == ('alice', 'gone')
    assert 'new id' in rows['gone']['jc_note'] and 'password cannot come back' in rows['gone']['jc_note']

    redo = tmp_path / 'redo.csv'
    undone = apply(tmp_path, org.fake, rollback, playbook=True, rollback_path=str(redo), missing_users='create',
                   **DELETES)
    assert not undone.result.get('failed'), undone.result['msg']
    assert [results_by_user(undone.result)[n]['status'] for n in ('newbie', 'gone')] == ['deleted', 'created']
    # every field, membership, binding, attribute and state as before (the recreated user but for its id and
    # password), but what the columns cannot restore: carol's MFA enrolment window, erin's passwordless sudo
    restored = snapshot(org)
    assert differences(before, restored, skip=NOT_RESTORED) == []
    assert [d[:2] for d in differences(before, restored)] == NOT_RESTORED[:2]
    assert restored['erin']['systems'] == [('host-b', repr({'sudo': {'enabled': True, 'withoutPassword': False}}))]
    assert org.uid('gone') != gone_id and gone_id in rows['gone']['jc_note']

    again = tmp_path / 'again.csv'
    redone = apply(tmp_path, org.fake, redo, playbook=True, rollback_path=str(again), missing_users='create',
                   **DELETES)
    assert not redone.result.get('failed'), redone.result['msg']
    # the first run's effect again (newbie recreated without its password)
    assert differences(after, snapshot(org), skip=NOT_RESTORED) == []
    assert set(results_by_user(redone.result)) == set(rows)


def test_check_mode_writes_no_rollback_file_and_a_run_with_nothing_to_undo_keeps_the_earlier_one(tmp_path, org):
    rollback = tmp_path / 'rollback.csv'
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Previewed\n', check=True, rollback_path=str(rollback))
    assert run.result['changed'] and not rollback.exists() and 'rollback_rows' not in run.result
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Applied\n', rollback_path=str(rollback))
    # bob had no job title: the clear token takes it away again
    assert run.result['rollback_rows'] == 1 and rollback.read_text() == 'Username,jobTitle,jc_note\nbob,__CLEAR__,\n'
    rerun = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Applied\n', rollback_path=str(rollback))
    assert rerun.result['rollback_rows'] == 0 and rerun.stats['writes'] == 0 and 'rollback_path' not in rerun.result
    assert rollback.read_text() == 'Username,jobTitle,jc_note\nbob,__CLEAR__,\n'


def test_a_run_interrupted_by_sigterm_leaves_a_rollback_file_that_undoes_exactly_what_it_wrote(tmp_path, fake_factory):
    """ansible-playbook applying 300 rows on 4 workers, SIGTERM to the module once 150 writes are done: the rollback
    file it still writes, applied, gives back every user as it was, including the users whose writes were under
    way at the signal (undone as if they had landed)."""
    fake = fake_factory(generate_org(users=320, groups=12, systems=30), latency=0.02)
    org = Org(fake)
    before = snapshot(org)
    path = write_csv(tmp_path, to_csv(w1_rows(fake, 300)))
    rollback = tmp_path / 'rollback.csv'
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'module under test', USERS_MODULE: {'csv_path': str(path), 'max_workers': 4,
                                                     'rollback_path': str(rollback)},
         'register': 'out', 'ignore_errors': True}]}]
    proc = start_play(tmp_path, fake, play, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: fake.stats.as_dict()['writes'] >= 150 or proc.poll() is not None, 120, '150 writes')
        assert proc.poll() is None, 'the run ended before it could be interrupted: %s' % proc.communicate()[0]
        modules = module_processes(proc.pid)
        assert len(modules) == 1, 'the module process was not found'
        signal_slowly(fake, modules[0])
        output = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert 'interrupted by SIGTERM' in output, output
    configure_fake(fake, latency=0)
    interrupted = snapshot(org)
    touched = set(name for name, field, old, new in differences(before, interrupted))
    rows = read_rows(rollback)
    assert 0 < len(touched) < 300
    # a row for every user the run wrote, and only for them (a user whose writes were still under way may have
    # a row undoing writes that never landed: undoing them writes nothing)
    assert touched <= set(r['Username'] for r in rows) <= touched | set(
        r['Username'] for r in rows if 'unknown' in r['jc_note'])
    undone = apply(tmp_path, fake, rollback)
    assert not undone.result.get('failed'), undone.result['msg']
    assert differences(before, snapshot(org)) == []


@pytest.mark.parametrize('write_mode', ['put', 'bulk'])
def test_a_manager_that_the_same_file_creates_is_linked_once_it_exists(tmp_path, org, write_mode):
    """What a rollback recreating a deleted manager needs: rows naming as manager a user another row creates."""
    text = ('Username,Email,FirstName,LastName,manager\n'
            'bob,,,,boss\n'
            'intern,intern@example.com,In,Tern,Boss\n'
            'boss,boss@example.com,Big,Boss,\n')
    check = apply(tmp_path, org.fake, text, check=True, missing_users='create')
    assert not check.result.get('failed'), check.result['msg']
    assert [r['status'] for r in check.result['results']] == ['would_update', 'would_create', 'would_create']
    assert check.stats['writes'] == 0
    run = apply(tmp_path, org.fake, text, missing_users='create', max_workers=4, write_mode=write_mode)
    assert not run.result.get('failed'), run.result['msg']
    boss = org.uid('boss')
    assert org.user('bob')['manager'] == boss and org.user('intern')['manager'] == boss
    # the rows come back in the file's order
    assert [r['username'] for r in run.result['results']] == ['bob', 'intern', 'boss']
    # a manager that no valid row creates is an error on the manager cell, and nothing is written
    refused = apply(tmp_path, org.fake, 'Username,Email,FirstName,LastName,manager\nerin,,,,chief\n'
                    'chief,not-an-email,Chief,One,\n', missing_users='create')
    assert refused.result['failed'] and refused.stats['writes'] == 0
    erin = results_by_user(refused.result)['erin']
    assert erin['status'] == 'invalid' and "manager 'chief' matches no user id" in erin['msg']


@pytest.mark.parametrize('where', ['a directory', 'the input'])
def test_a_rollback_path_that_cannot_be_written_is_refused_before_anything_is_written(tmp_path, org, where):
    path = tmp_path / 'users.csv'
    path.write_text('Username,jobTitle\nbob,Written Too Early\n', encoding='utf-8')
    rollback = path if where == 'the input' else tmp_path / 'rollback.csv'
    if where == 'a directory':
        rollback.mkdir()
    run = apply(tmp_path, org.fake, path, rollback_path=str(rollback))
    assert run.result['failed'] and not run.result['changed'] and run.stats['writes'] == 0
    expected = 'is a directory, not a regular file' if where == 'a directory' else 'rollback_path (%s) are the same file' % path
    assert expected in run.result['msg'] and run.result['msg'].endswith('nothing was written'), run.result['msg']
    assert org.user('bob')['jobTitle'] != 'Written Too Early'
