"""The flow of jc_import_template: its options checked before anything is read, the file names of the day, the
files written only when new or different (or forced), check mode, the diff, and a read that fails."""
import datetime
from unittest import mock

import pytest

from module_main import run_main
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import flow
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template

from doubles import Directory, uid

TODAY = datetime.date(2026, 3, 4)
USERS = [{'_id': uid(2), 'username': 'bob', 'email': 'bob@example.com', 'jobTitle': 'Clerk'},
         {'_id': uid(1), 'username': 'alice', 'email': 'alice@example.com', 'jobTitle': '=SUM(A1)'}]
SYSTEMS = [{'_id': uid(300), 'hostname': 'host-a', 'displayName': 'A', 'lastContact': None}]


class Today(datetime.date):
    @classmethod
    def today(cls):
        return TODAY


def run(client=None, check_mode=False, diff=False, **params):
    """The result jc_import_template's main() exits with on TODAY, reading from ``client``."""
    with mock.patch.object(flow.datetime, 'date', Today):
        return run_main(jc_import_template.main, params, check_mode=check_mode, diff=diff,
                        client=client or Directory(USERS, systems=SYSTEMS))


def test_the_file_names_carry_the_date_month_first():
    assert flow.file_names('update', TODAY) == ('JCUserUpdateImport_03-04-2026.csv', 'JCSystems_03-04-2026.csv')
    assert flow.file_names('import', TODAY) == ('JCUserImport_03-04-2026.csv', 'JCSystems_03-04-2026.csv')


@pytest.mark.parametrize('params,message', [
    ({'groups': 101}, 'groups must be from 0 to 100, got 101'),
    ({'custom_attributes': -1}, 'custom_attributes must be from 0 to 100, got -1'),
    ({'prefill': True}, 'prefill needs populate_users: true (there are no user rows to fill otherwise)'),
])
def test_options_out_of_range_fail_before_anything_is_read(tmp_path, params, message):
    client = Directory(USERS)
    result = run(client, dest=str(tmp_path), **params)
    assert result['failed'] is True
    assert result['msg'] == message
    assert client.calls == []


def test_a_dest_that_is_no_folder_and_no_csv_path_fails(tmp_path):
    result = run(dest=str(tmp_path / 'template.txt'))
    assert result['msg'] == 'dest %s is neither an existing directory nor a path ending in .csv' % (
        tmp_path / 'template.txt')
    result = run(dest=str(tmp_path / 'missing' / 'template.csv'))
    assert result['msg'] == 'the folder %s does not exist' % (tmp_path / 'missing')


def test_an_output_path_that_is_a_directory_fails_before_anything_is_read(tmp_path):
    (tmp_path / 'JCSystems_03-04-2026.csv').mkdir()
    client = Directory(USERS, systems=SYSTEMS)
    result = run(client, dest=str(tmp_path), systems=True)
    expected = 'the file %s is a directory, not a regular file; remove it or choose another path; nothing was written'
    assert result['msg'] == expected % (tmp_path / 'JCSystems_03-04-2026.csv')
    assert client.calls == []
    assert not (tmp_path / 'JCUserUpdateImport_03-04-2026.csv').exists()


def test_the_template_and_the_devices_file_are_written_in_the_folder(tmp_path):
    client = Directory(USERS, systems=SYSTEMS)
    result = run(client, dest=str(tmp_path), populate_users=True, systems=True, email=True)
    assert result['changed'] is True
    assert result['path'] == str(tmp_path / 'JCUserUpdateImport_03-04-2026.csv')
    assert result['systems_path'] == str(tmp_path / 'JCSystems_03-04-2026.csv')
    assert (result['columns'], result['rows']) == (['Username', 'Email', 'SystemID', 'Administrator', 'RemoveSystemID'], 2)
    assert (tmp_path / 'JCUserUpdateImport_03-04-2026.csv').read_bytes() == (
        b'\xef\xbb\xbfUsername,Email,SystemID,Administrator,RemoveSystemID\r\nalice,,,,\r\nbob,,,,\r\n')
    assert (tmp_path / 'JCSystems_03-04-2026.csv').read_bytes() == (
        b'\xef\xbb\xbfhostname,displayName,SystemID,lastContact\r\nhost-a,A,%s,\r\n' % uid(300).encode())
    # users by username only, unless prefilled
    assert [c[3] for c in client.calls if c[0] == 'SEARCH'] == ['username', 'hostname displayName lastContact']
    assert 'diff' not in result


def test_a_prefilled_template_reads_the_fields_its_columns_show_and_writes_values_formula_safe(tmp_path):
    client = Directory(USERS)
    result = run(client, dest=str(tmp_path / 'mine.csv'), populate_users=True, prefill=True, user_information=True)
    assert result['path'] == str(tmp_path / 'mine.csv')
    assert [c[3] for c in client.calls if c[0] == 'SEARCH'] == [
        '_id alternateEmail company costCenter department description displayname employeeIdentifier employeeType '
        'jobTitle location managedAppleId manager middlename recoveryEmail username']
    lines = (tmp_path / 'mine.csv').read_bytes().decode('utf-8-sig').split('\r\n')
    assert lines[1].startswith("alice,,,,,,,'=SUM(A1),")
    assert lines[2].startswith('bob,,,,,,,Clerk,')


def test_the_same_content_again_is_unchanged_other_content_is_left_alone_unless_forced(tmp_path):
    dest = str(tmp_path / 'template.csv')
    first = run(dest=dest, populate_users=True)
    written = (tmp_path / 'template.csv').read_bytes()
    again = run(dest=dest, populate_users=True, diff=True)
    assert (first['changed'], again['changed'], again['diff']) == (True, False, [])
    other = run(dest=dest, populate_users=True, email=True, diff=True)
    assert other['changed'] is False
    assert other['warnings'] == ['%s exists with other content and was left alone; set force: true to overwrite it'
                                 % dest]
    assert (tmp_path / 'template.csv').read_bytes() == written
    assert other['diff'] == [{'before_header': dest, 'after_header': dest, 'before': written.decode('utf-8'),
                              'after': '\ufeffUsername,Email\r\nalice,\r\nbob,\r\n'}]
    forced = run(dest=dest, populate_users=True, email=True, force=True)
    assert forced['changed'] is True
    assert (tmp_path / 'template.csv').read_bytes() == b'\xef\xbb\xbfUsername,Email\r\nalice,\r\nbob,\r\n'


def test_check_mode_writes_nothing_and_says_it_would_change(tmp_path):
    result = run(check_mode=True, dest=str(tmp_path), diff=True)
    assert result['changed'] is True
    assert result['diff'][0]['before'] == ''
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_utf8_is_other_content(tmp_path):
    (tmp_path / 'template.csv').write_bytes(b'\xff\xfe binary')
    result = run(dest=str(tmp_path / 'template.csv'), diff=True)
    assert result['changed'] is False
    assert result['diff'][0]['before'] == '\ufffd\ufffd binary'      # shown with replacement characters
    assert len(result['warnings']) == 1


def test_a_read_that_fails_writes_nothing(tmp_path):
    client = Directory(USERS, search_error=JumpCloudError('Service Unavailable', status=503))
    result = run(client, dest=str(tmp_path), populate_users=True)
    assert result['msg'] == 'reading JumpCloud failed; nothing was written: HTTP 503: Service Unavailable'
    assert list(tmp_path.iterdir()) == []


def test_all_columns_writes_every_column_reads_nothing_and_no_devices_file(tmp_path):
    client = Directory(USERS, systems=SYSTEMS)
    result = run(client, dest=str(tmp_path), all_columns=True, groups=1)
    assert result['columns'][:5] == ['Username', 'FirstName', 'LastName', 'Password', 'Email']
    assert result['columns'][-7:] == ['password_never_expires', 'RemoveLdapServerID', 'SystemID', 'Administrator',
                                      'RemoveSystemID', 'state', 'Group1']
    assert len(result['columns']) == 57 and result['rows'] == 0
    assert (tmp_path / 'JCUserUpdateImport_03-04-2026.csv').read_bytes().decode('utf-8-sig') == (
        ','.join(result['columns']) + '\r\n')
    assert client.calls == [] and 'systems_path' not in result
    # for new users, the same columns under the import file name
    imported = run(client, dest=str(tmp_path), all_columns=True, groups=1, type='import')
    assert imported['columns'] == result['columns']
    assert imported['path'] == str(tmp_path / 'JCUserImport_03-04-2026.csv')
    # the devices file still comes with systems
    devices = run(client, dest=str(tmp_path / 'with-devices.csv'), all_columns=True, systems=True)
    assert devices['columns'] == result['columns'][:-1]
    assert devices['systems_path'] == str(tmp_path / 'JCSystems_03-04-2026.csv')


def test_a_prefilled_full_template_reads_the_fields_of_every_column(tmp_path):
    client = Directory(USERS)
    result = run(client, dest=str(tmp_path / 'all.csv'), all_columns=True, populate_users=True, prefill=True)
    fields = [c[3] for c in client.calls if c[0] == 'SEARCH'][0].split()
    for field in ('account_locked', 'external_dn', 'external_source_type', 'sudo', 'password_never_expires',
                  'addresses', 'phoneNumbers', 'mfa', 'state', 'firstname', 'unix_guid'):
        assert field in fields, field
    table = (tmp_path / 'all.csv').read_bytes().decode('utf-8-sig').split('\r\n')
    assert result['rows'] == 2 and table[1].startswith('alice,,,,alice@example.com,')


def test_the_limit_on_numbered_columns_is_said_as_the_flow_has_it():
    """The module docs, the role and the AWX survey say the limit the flow holds (MAX_NUMBERED_COLUMNS)."""
    import os
    import yaml
    from testenv import ROOT
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import flow
    from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template
    limit = flow.MAX_NUMBERED_COLUMNS
    options = yaml.safe_load(jc_import_template.DOCUMENTATION)['options']
    for name in flow.NUMBERED_OPTIONS:
        assert options[name]['description'].endswith('0 to %d.' % limit), name
    with open(os.path.join(ROOT, 'roles', 'users_csv', 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        role = yaml.safe_load(handle)['argument_specs']['template']['options']
    for name in flow.NUMBERED_OPTIONS:
        assert role['users_csv_template_%s' % name]['description'].endswith('(0 to %d).' % limit), name
    with open(os.path.join(ROOT, 'docs', 'awx', 'job_templates.yml'), encoding='utf-8') as handle:
        questions = [q for t in yaml.safe_load(handle)['job_templates'] for q in t.get('survey', [])]
    numbered = [q for q in questions if q['variable'].replace('users_csv_template_', '') in flow.NUMBERED_OPTIONS]
    assert numbered and all(q['max'] == limit for q in numbered)


def test_the_version_is_galaxys():
    import os
    import yaml
    from testenv import ROOT
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._version import COLLECTION_NAME, COLLECTION_VERSION
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert (COLLECTION_NAME, COLLECTION_VERSION) == ('%s.%s' % (galaxy['namespace'], galaxy['name']), galaxy['version'])
