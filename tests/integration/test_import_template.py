"""jc_import_template, and its round trip through jc_users_from_csv: in this process (helpers.run_task), and
through real ansible-playbook for the smoke tests."""
import csv
import datetime
import io

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import TEMPLATE_MODULE, apply, run_task
from playbook import fake_stats, reset_stats, run_playbook

pytestmark = pytest.mark.integration


def template(tmp_path, fake, check=False, diff=False, playbook=False, **args):
    """Run jc_import_template (see helpers.run_task); the run also carries ``stamps``, the dates (as the file
    names write them) the run may have taken as today: the day it started, and the next when it ran over
    midnight."""
    args.setdefault('dest', str(tmp_path))
    started = datetime.date.today()
    run = run_task(tmp_path, fake, TEMPLATE_MODULE, args, check=check, diff=diff, playbook=playbook)
    run.stamps = sorted(set(day.strftime('%m-%d-%Y') for day in (started, datetime.date.today())))
    assert not run.result.get('failed'), run.result.get('msg')
    return run


def text(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def raw(path):
    with open(path, 'rb') as handle:
        return handle.read()


def read(path):
    with open(path, encoding='utf-8-sig', newline='') as handle:
        return list(csv.reader(handle))


# the column order of every option is a unit test (tests/unit/plugins/module_utils/_import_template/test_template.py); here, the file the module
# writes, once for each template type
@pytest.mark.parametrize('options,expected', [
    ({'email': True, 'unix_ids': True}, ['Username', 'Email', 'unix_uid', 'unix_guid']),
    ({'type': 'import', 'email': True, 'groups': 1},
     ['FirstName', 'LastName', 'Username', 'Password', 'Email', 'Group1']),
])
def test_header_order_follows_the_questions(tmp_path, options, expected):
    run = template(tmp_path, None, **options)
    prefix = 'JCUserImport' if options.get('type') == 'import' else 'JCUserUpdateImport'
    assert run.result['path'] in [str(tmp_path / ('%s_%s.csv' % (prefix, stamp))) for stamp in run.stamps]
    assert run.result['columns'] == expected
    assert read(run.result['path']) == [expected]
    assert run.result['changed'] is True and run.result['rows'] == 0


def test_every_option_together_is_accepted_by_the_update_module(tmp_path, org):
    run = template(tmp_path, org.fake, email=True, user_information=True, location=True, telephony=True,
                   unix_ids=True, mfa=True, ldap_binding=True, systems=True, state=True, groups=3, remove_groups=2,
                   custom_attributes=4, populate_users=True)
    assert len(run.result['columns']) == 1 + 1 + 14 + 12 + 5 + 2 + 2 + 3 + 3 + 1 + 3 + 2 + 8
    applied = apply(tmp_path, org.fake, text(run.result['path']))
    assert not applied.result['failed'], applied.result['msg']
    assert applied.stats['writes'] == 0
    assert {r['status'] for r in applied.result['results']} == {'unchanged'}


def test_populate_users_pages_over_more_than_100_users_and_devices(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=250, groups=2, systems=130))
    reset_stats(fake)
    run = template(tmp_path, fake, populate_users=True, systems=True)
    table = read(run.result['path'])
    assert run.result['rows'] == 250
    assert len(table) == 251
    assert [r[0] for r in table[1:]] == sorted('user%05d' % i for i in range(1, 251))
    assert table[0] == ['Username', 'SystemID', 'Administrator', 'RemoveSystemID']
    devices = read(run.result['systems_path'])
    assert run.result['systems_path'] in [str(tmp_path / ('JCSystems_%s.csv' % stamp)) for stamp in run.stamps]
    assert run.result['path'] == str(tmp_path / ('JCUserUpdateImport_%s.csv' % run.result['systems_path'][-14:-4]))
    assert devices[0] == ['hostname', 'displayName', 'SystemID', 'lastContact']
    assert len(devices) == 131
    assert [d[0] for d in devices[1:]] == sorted(d[0] for d in devices[1:])
    by_host = {d[0]: d for d in devices[1:]}
    assert by_host['host-0001'][3] == '2026-11-02T10:00:00.000Z'       # lastContact is filled in
    assert by_host['host-0010'][3] == ''                               # ... and empty when JumpCloud has none
    stats = fake_stats(fake)
    # searches take 1000 a page: one request for the 250 users, one for the 130 devices
    assert stats['by_route'] == {'POST /api/search/systemusers': 1, 'POST /api/search/systems': 1}

    prefilled = template(tmp_path, fake, dest=str(tmp_path / 'prefilled.csv'), populate_users=True, prefill=True,
                         user_information=True)
    table = read(prefilled.result['path'])
    assert len(table) == 251
    by_name = {r[0]: dict(zip(table[0], r)) for r in table[1:]}
    with fake.org.lock:
        for user in fake.org.users.values():
            assert by_name[user['username']]['jobTitle'] == user['jobTitle']
            assert by_name[user['username']]['employeeIdentifier'] == user['employeeIdentifier']


def test_2500_users_are_read_in_3_searches_and_1200_devices_in_2(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=2500, groups=1, systems=1200))
    reset_stats(fake)
    run = template(tmp_path, fake, populate_users=True, systems=True)
    assert run.result['rows'] == 2500
    assert len(read(run.result['systems_path'])) == 1201
    stats = fake_stats(fake)
    assert stats['by_route'] == {'POST /api/search/systemusers': 3, 'POST /api/search/systems': 2}
    assert stats['statuses'] == {'200': 5}


@pytest.mark.smoke
def test_prefill_round_trip_then_two_edited_cells(tmp_path, org):
    run = template(tmp_path, org.fake, populate_users=True, prefill=True, email=True, user_information=True,
                   location=True, telephony=True, unix_ids=True, mfa=True, ldap_binding=True, custom_attributes=3,
                   playbook=True)
    table = read(run.result['path'])
    header = table[0]
    alice = dict(zip(header, next(r for r in table if r[0] == 'alice')))
    assert alice['home_city'] == 'Denver'
    assert alice['work_city'] == 'Boulder'
    assert alice['mobile_number'] == "'+1 555 0101"
    assert alice['Attribute2_value'] == 'hq'
    assert alice['unix_uid'] == '5001'
    assert alice['enable_user_portal_multifactor'] == 'false'

    # applied unchanged: nothing to write
    unchanged = apply(tmp_path, org.fake, text(run.result['path']), playbook=True)
    assert not unchanged.result['failed'], unchanged.result['msg']
    assert unchanged.stats['writes'] == 0

    # two edited cells: exactly those fields are written
    table_rows = [dict(zip(header, r)) for r in table[1:]]
    for row in table_rows:
        if row['Username'] == 'bob':
            row['jobTitle'] = 'Head of Ops'
        if row['Username'] == 'alice':
            row['work_city'] = 'Longmont'
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    writer.writerows(table_rows)
    edited = apply(tmp_path, org.fake, out.getvalue(), playbook=True)
    assert not edited.result['failed'], edited.result['msg']
    assert edited.stats['writes'] == 2
    changed = {r['username']: r['changed_fields'] for r in edited.result['results'] if r['changed']}
    assert changed == {'bob': ['jobTitle'], 'alice': ['addresses.work.locality']}


def test_formula_like_values_are_written_safe_and_read_back(tmp_path, org):
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': '=HYPERLINK("http://x","y")', 'department': '+sales',
                                              'company': "'=quoted", 'description': '@risk',
                                              'location': '-5 floor'})
    run = template(tmp_path, org.fake, populate_users=True, prefill=True, user_information=True)
    written = text(run.result['path'])
    for escaped in ("'=HYPERLINK", "'+sales", "''=quoted", "'@risk", "'-5 floor"):
        assert escaped in written
    for line in written.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(('=', '+', '-', '@')), cell
    applied = apply(tmp_path, org.fake, written)
    assert applied.stats['writes'] == 0, applied.result['results']


def test_accents_round_trip(tmp_path, org):
    org.fake.org.update_user(org.uid('bob'), {'firstname': 'Zoë', 'lastname': 'Müller-García'})
    run = template(tmp_path, org.fake, populate_users=True, prefill=True, type='import')
    assert raw(run.result['path']).startswith(b'\xef\xbb\xbf')
    table = read(run.result['path'])
    assert ['Zoë', 'Müller-García', 'bob'] == next(r for r in table if r[2] == 'bob')[:3]


@pytest.mark.smoke
def test_idempotent_check_diff_and_force(tmp_path, org):
    dest = str(tmp_path / 'template.csv')
    check = template(tmp_path, org.fake, dest=dest, populate_users=True, check=True, playbook=True)
    assert check.result['changed'] is True
    assert not (tmp_path / 'template.csv').exists()
    first = template(tmp_path, org.fake, dest=dest, populate_users=True, playbook=True)
    content = raw(dest)
    second = template(tmp_path, org.fake, dest=dest, populate_users=True, diff=True, playbook=True)
    assert first.result['changed'] is True
    assert second.result['changed'] is False
    assert raw(dest) == content

    # other content: left alone with a warning, unless force
    other = template(tmp_path, org.fake, dest=dest, populate_users=True, email=True, diff=True, playbook=True)
    assert other.result['changed'] is False
    assert 'force' in ' '.join(other.result.get('warnings', []))
    assert raw(dest) == content
    assert other.result['diff'][0]['after'].startswith('\ufeffUsername,Email')
    forced = template(tmp_path, org.fake, dest=dest, populate_users=True, email=True, force=True, playbook=True)
    assert forced.result['changed'] is True
    assert read(dest)[0] == ['Username', 'Email']


def test_bad_options_fail_clearly(tmp_path):
    run = run_task(tmp_path, None, TEMPLATE_MODULE, {'dest': str(tmp_path), 'groups': 101})
    assert run.result['failed']
    assert 'groups must be from 0 to 100' in run.result['msg']
    run = run_task(tmp_path, None, TEMPLATE_MODULE, {'dest': str(tmp_path / 'missing' / 'x.csv')})
    assert run.result['failed']
    assert 'does not exist' in run.result['msg']
    run = run_task(tmp_path, None, TEMPLATE_MODULE, {'dest': str(tmp_path), 'prefill': True})
    assert run.result['failed']
    assert 'populate_users' in run.result['msg']
    assert not list(tmp_path.glob('*.csv'))


def test_a_prefilled_full_template_applied_unedited_changes_nothing(tmp_path, org):
    # values in every kind of column, the flags and external columns (which only the full template writes) too
    org.set_fields('bob', account_locked=True, allow_public_key=False, enable_managed_uid=True, sudo=True,
                   password_never_expires=True, ldap_binding_user=True, external_dn='cn=bob,ou=people,dc=example',
                   external_source_type='ldap', middlename='Q', jobTitle='=SUM(A1)', manager=org.uid('alice'))
    org.set_fields('erin', state='SUSPENDED', suspended=True)
    org.set_fields('frank.o+1', state='STAGED', activated=False)
    run = template(tmp_path, org.fake, all_columns=True, populate_users=True, prefill=True, groups=2,
                   remove_groups=1, custom_attributes=3, playbook=True)
    table = read(run.result['path'])
    header = table[0]
    assert header == run.result['columns'] and len(header) == 56 + 2 + 1 + 6
    assert header[:5] == ['Username', 'FirstName', 'LastName', 'Password', 'Email']
    assert header[42:59] == ['account_locked', 'allow_public_key', 'enable_managed_uid', 'externally_managed',
                             'external_dn', 'external_source_type', 'passwordless_sudo', 'sudo',
                             'password_never_expires', 'RemoveLdapServerID', 'SystemID', 'Administrator',
                             'RemoveSystemID', 'state', 'Group1', 'Group2', 'RemoveGroup1']
    rows = dict((r[0], dict(zip(header, r))) for r in table[1:])
    assert run.result['rows'] == len(rows) == 6
    bob = rows['bob']
    assert [bob[c] for c in header[42:51]] == ['true', 'false', 'true', 'false', 'cn=bob,ou=people,dc=example', 'ldap',
                                               'false', 'true', 'true']
    assert (bob['MiddleName'], bob['jobTitle'], bob['manager'], bob['state']) == (
        'Q', "'=SUM(A1)", org.uid('alice'), 'ACTIVATED')
    assert (rows['erin']['state'], rows['frank.o+1']['state']) == ('SUSPENDED', 'STAGED')
    assert (rows['alice']['home_city'], rows['alice']['Attribute2_value']) == ('Denver', 'hq')

    # applied as it is, in check mode: every row unchanged, nothing to write
    checked = apply(tmp_path, org.fake, text(run.result['path']), check=True)
    assert not checked.result['failed'], checked.result['msg']
    assert checked.result['changed'] is False
    assert {r['status'] for r in checked.result['results']} == {'unchanged'}
    assert len(checked.result['results']) == 6
    assert checked.stats['writes'] == 0

    # the cells are read, not passed over: two edited cells of bob's are exactly what check mode would change
    bob.update(account_locked='no', external_dn='cn=bob2,ou=people,dc=example')
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    writer.writerows(rows.values())
    edited = out.getvalue()
    checked = apply(tmp_path, org.fake, edited, check=True)
    changed = dict((r['username'], r['changed_fields']) for r in checked.result['results'] if r['changed'])
    assert changed == {'bob': ['account_locked', 'external_dn']}
    assert checked.stats['writes'] == 0


def test_the_create_template_playbook_passes_all_columns(tmp_path, org):
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.create_template', dict(
        users_csv_template_dest=str(tmp_path / 'all.csv'), users_csv_template_all_columns=True,
        users_csv_template_custom_attributes=1))
    assert run.rc == 0, run.output
    header = read(tmp_path / 'all.csv')[0]
    assert len(header) == 56 + 2
    assert header[:3] + header[-8:] == ['Username', 'FirstName', 'LastName', 'password_never_expires',
                                        'RemoveLdapServerID', 'SystemID', 'Administrator', 'RemoveSystemID', 'state',
                                        'Attribute1_name', 'Attribute1_value']
    assert 'Devices: not written' in run.stdout


def test_a_template_prefilled_with_every_column_group_applied_as_it_is_writes_nothing(tmp_path, org):
    # alice is in two groups and has two custom attributes, bob in one group; the template has room for both
    org.fake.org.group_member_op(org.group('Finance'), {'op': 'add', 'type': 'user', 'id': org.uid('alice')})
    run = template(tmp_path, org.fake, all_columns=True, populate_users=True, prefill=True, groups=2,
                   remove_groups=1, custom_attributes=2)
    assert not run.result.get('warnings')
    rows = dict((r['Username'], r) for r in csv.DictReader(io.StringIO(text(run.result['path']).lstrip('\ufeff'))))
    assert (rows['alice']['Group1'], rows['alice']['Group2']) == ('Engineering', 'Finance')
    assert (rows['bob']['Group1'], rows['bob']['Group2']) == ('Ops', '')
    assert (rows['alice']['Attribute1_name'], rows['alice']['Attribute1_value']) == ('team', 'red')
    assert (rows['alice']['Attribute2_name'], rows['alice']['Attribute2_value']) == ('site', 'hq')
    assert rows['carol']['Group1'] == rows['carol']['Attribute1_name'] == ''

    applied = apply(tmp_path, org.fake, text(run.result['path']))
    assert not applied.result['failed'], applied.result['msg']
    assert applied.result['changed'] is False
    assert {r['status'] for r in applied.result['results']} == {'unchanged'}
    assert applied.stats['writes'] == 0
    # the group cells were read and checked, not passed over: a group named in a cell that the user is not in
    # would be joined
    rows['bob']['Group2'] = 'Finance'
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows['bob']))
    writer.writeheader()
    writer.writerows(rows.values())
    checked = apply(tmp_path, org.fake, out.getvalue(), check=True)
    assert [r['username'] for r in checked.result['results'] if r['changed']] == ['bob']


def test_group_memberships_are_read_per_group_and_users_over_the_columns_are_named(tmp_path, fake_factory):
    org = generate_org(users=300, groups=4, systems=2)
    # everyone in the first group (three pages of members), so the users of the other groups are in two
    org['groups'][0]['members'] = [user['username'] for user in org['users']]
    fake = fake_factory(org)
    reset_stats(fake)
    run = template(tmp_path, fake, populate_users=True, prefill=True, groups=1, custom_attributes=1)
    stats = fake_stats(fake)
    members = dict((g['name'], len(g['members'])) for g in org['groups'])
    pages = sum(max(1, -(-n // 100)) for n in members.values())
    # one search of the 300 users, one page of groups, each group's members: never one request per user
    assert stats['by_route'] == {'POST /api/search/systemusers': 1, 'GET /api/v2/usergroups': 1,
                                 'GET /api/v2/usergroups/{id}/members': pages}
    table = read(run.result['path'])
    header = table[0]
    by_name = dict((r[0], dict(zip(header, r))) for r in table[1:])
    names = dict((u['_id'], u['username']) for u in fake.org.users.values())
    groups_of = {}
    for group in fake.org.groups.values():
        for uid in fake.org.group_members[group['id']]:
            groups_of.setdefault(names[uid], []).append(group['name'])
    over = sorted(name for name, listed in groups_of.items() if len(listed) > 1)
    assert over, 'the seed has users in several groups'
    for name, listed in groups_of.items():
        assert by_name[name]['Group1'] == sorted(listed, key=lambda n: (n.lower(), n))[0]
    warning = next(w for w in run.result['warnings'] if 'more groups' in w)
    assert warning.startswith('%d users have more groups than the template\'s 1 GroupN column' % len(over))
    assert warning.endswith(', '.join(over[:50]) + ' and %d more' % (len(over) - 50))
