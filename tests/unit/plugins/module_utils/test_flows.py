"""The flows take plain parameters and return the module's result, or raise RunFailed with the partial results;
the modules' real main() turns either into the exit ansible-playbook reads."""
import datetime
import os

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.flow import write_template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Desired
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import State
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.flow import RowUsers, apply_csv
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template, jc_users_from_csv

from testenv import API_KEY

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
OPTIONS = dict(report_path=None, clear_token='__CLEAR__', skip_invalid_rows=False, update_password='always',
               max_workers=4, max_file_size=100 * 1024 * 1024)
TEMPLATE = dict(type='update', populate_users=False, prefill=False, email=False, user_information=False, location=False,
                telephony=False, unix_ids=False, mfa=False, ldap_binding=False, systems=False, groups=0,
                custom_attributes=0, force=False)


def never():
    raise AssertionError('the flow connected to JumpCloud')


def connect_to(fake, api_key=API_KEY):
    clients = []

    def connect():
        clients.append(JumpCloudClient(api_key=api_key, base_url=fake.url, max_workers=4, backoff_delay=0.01))
        return clients[-1]
    connect.clients = clients
    return connect


def write(tmp_path, text, name='u.csv'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_a_run_returns_the_result_and_passes_on_the_warnings(org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle,SystemID,Administrator\nerin,Lead,%s,false\n' % org.system('host-b'))
    org.fake.org.users[org.uid('erin')]['sudo'] = True
    warnings = []
    connect = connect_to(org.fake)
    result = apply_csv(dict(OPTIONS, csv_path=path), connect, want_diff=True, warn=warnings.append, now=NOW)
    assert len(connect.clients) == 1
    assert result['msg'] == 'updated 1 user(s); 0 unchanged' and result['changed'] is True
    assert [r['status'] for r in result['results']] == ['updated']
    assert [d['before_header'] for d in result['diff']] == ['erin (row 2, id %s)' % org.uid('erin')]
    assert len(warnings) == 1 and 'user-level sudo flag' in warnings[0]
    assert result['results'][0]['warnings'] == warnings
    assert org.user('erin')['jobTitle'] == 'Lead'


def test_check_mode_returns_the_preview_and_writes_nothing(org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle\nbob,Lead\n')
    result = apply_csv(dict(OPTIONS, csv_path=path), connect_to(org.fake), check_mode=True, now=NOW)
    assert result['msg'] == 'would update 1 user(s); 0 unchanged' and 'diff' not in result
    assert org.user('bob').get('jobTitle') in (None, '')


def test_a_refused_output_path_fails_before_anything_is_read(tmp_path):
    (tmp_path / 'folder.csv').mkdir()
    with pytest.raises(RunFailed) as failed:
        apply_csv(dict(OPTIONS, csv_path=str(tmp_path / 'missing.csv'), report_path=str(tmp_path / 'folder.csv')), never)
    assert failed.value.msg.endswith('; nothing was written')
    assert failed.value.result == {'results': [], 'changed': False}


def test_a_broken_file_fails_with_its_problems_without_connecting(tmp_path):
    path = write(tmp_path, 'Username,nonsense\nbob,1\n')
    with pytest.raises(RunFailed) as failed:
        apply_csv(dict(OPTIONS, csv_path=path), never)
    assert failed.value.msg.startswith('%s cannot be used; nothing was written:\n' % path)
    assert failed.value.result['errors'][0]['header'] == 'nonsense'
    assert failed.value.result['results'] == [] and failed.value.result['changed'] is False


def test_a_state_read_failure_fails_with_no_results(org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle\nbob,Lead\n')
    with pytest.raises(RunFailed) as failed:
        apply_csv(dict(OPTIONS, csv_path=path), connect_to(org.fake, api_key='another-key-0123456789abcdef'))
    assert failed.value.msg.startswith('reading the current JumpCloud state failed; nothing was written: HTTP 401')
    assert failed.value.result == {'results': [], 'changed': False}


def test_invalid_rows_fail_the_run_with_every_row_reported(org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle\nbob,Lead\nnobody,Lead\n')
    with pytest.raises(RunFailed) as failed:
        apply_csv(dict(OPTIONS, csv_path=path), connect_to(org.fake), now=NOW)
    result = failed.value.result
    assert failed.value.msg.startswith('%s has 1 invalid row(s); nothing was written:' % path)
    assert [(r['username'], r['status']) for r in result['results']] == [('bob', 'skipped'), ('nobody', 'not_found')]
    assert result['results'][0]['user_id'] == org.uid('bob')
    assert [e['line'] for e in result['errors']] == [3]


def test_the_ids_of_rows_stay_known_after_their_users_are_taken():
    state = State()
    for number, name in enumerate(['ann', 'bob']):
        state.add_user({'_id': '%024x' % (number + 1), 'username': name, 'email': '%s@example.com' % name})
    rows = []
    for line, name in ((2, 'ann'), (3, 'bob'), (4, 'nobody')):
        rows.append(Desired(line))
        rows[-1].username = name
    records = RowUsers(state, rows)
    assert state.users_by_email == {} and state.users_by_id == {}        # the lookup indexes are let go at once
    assert records.take(rows[0])['username'] == 'ann'
    assert 'ann' not in state.users_by_name                                 # ... and each record once taken
    assert [records.id_of(r.username) for r in rows] == ['%024x' % 1, '%024x' % 2, None]
    records.release()
    assert records.id_of('ann') == '%024x' % 1


def test_the_template_flow_returns_its_result_and_warns_through_the_callback(tmp_path):
    dest = str(tmp_path / 'template.csv')
    result = write_template(dict(TEMPLATE, dest=dest), never, want_diff=True)
    assert result['changed'] is True and result['path'] == dest and result['rows'] == 0
    assert os.path.exists(dest) and len(result['diff']) == 1
    with open(dest, 'a', encoding='utf-8') as handle:
        handle.write('edited\n')
    warnings = []
    again = write_template(dict(TEMPLATE, dest=dest), never, warn=warnings.append)
    assert again['changed'] is False and 'diff' not in again
    assert warnings == ['%s exists with other content and was left alone; set force: true to overwrite it' % dest]


def test_the_template_flow_refuses_with_run_failed(tmp_path):
    with pytest.raises(RunFailed) as failed:
        write_template(dict(TEMPLATE, dest=str(tmp_path / 'nowhere' / 'x.csv')), never)
    assert failed.value.msg == 'the folder %s does not exist' % (tmp_path / 'nowhere')
    with pytest.raises(RunFailed) as failed:
        write_template(dict(TEMPLATE, dest=str(tmp_path), groups=101), never)
    assert failed.value.msg == 'groups must be from 0 to 100, got 101'


def test_the_template_flow_reads_users_through_the_client(org, tmp_path):
    connect = connect_to(org.fake)
    result = write_template(dict(TEMPLATE, dest=str(tmp_path / 't.csv'), populate_users=True), connect)
    assert len(connect.clients) == 1 and result['rows'] == 6


# -- the modules' real main(), in this process ----------------------------------------------------------------

def test_jc_users_from_csv_main_exits_with_the_result(module_main, org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle\nbob,Lead\n')
    args = dict(csv_path=path, api_key=API_KEY, api_url=org.fake.url)
    preview = module_main(jc_users_from_csv.main, args, check_mode=True, diff=True)
    assert preview['msg'] == 'would update 1 user(s); 0 unchanged' and preview['changed'] is True
    assert not preview.get('failed') and preview['diff'][0]['after'] == {'jobTitle': 'Lead'}
    result = module_main(jc_users_from_csv.main, args)
    assert result['msg'] == 'updated 1 user(s); 0 unchanged' and 'diff' not in result
    assert org.user('bob')['jobTitle'] == 'Lead'
    assert API_KEY not in repr(result)


def test_jc_users_from_csv_main_fails_with_the_partial_results(module_main, org, tmp_path):
    path = write(tmp_path, 'Username,jobTitle\nbob,Lead\nnobody,x\n')
    result = module_main(jc_users_from_csv.main, dict(csv_path=path, api_key=API_KEY, api_url=org.fake.url))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('%s has 1 invalid row(s); nothing was written:' % path)
    assert [r['status'] for r in result['results']] == ['skipped', 'not_found']
    assert result['summary']['rows'] == 2


def test_jc_import_template_main_exits_with_the_result_and_its_warning(module_main, tmp_path):
    dest = tmp_path / 'template.csv'
    dest.write_text('other\n', encoding='utf-8')
    result = module_main(jc_import_template.main, dict(dest=str(dest)))
    assert result['changed'] is False and result['path'] == str(dest)
    assert result['warnings'] == ['%s exists with other content and was left alone; set force: true to overwrite it'
                                  % dest]
    failed = module_main(jc_import_template.main, dict(dest=str(tmp_path / 'no' / 'x.csv')))
    assert failed['failed'] is True and failed['msg'] == 'the folder %s does not exist' % (tmp_path / 'no')
