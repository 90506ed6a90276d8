"""The flow of jc_users_from_csv against an in-memory directory: what it reads, writes and answers for a
valid file, a broken one, invalid rows (skipped or not), refused writes, a refused key, an unreadable
state, a report file, and an interrupt; and the bounded, ordered hand-out of users to the workers."""
import datetime
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor


from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import flow
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import concurrency
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed

from doubles import Directory, uid

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone.utc)
BOB, ERIN, ODD = uid(2), uid(5), uid(9)
FINANCE = uid(100)
USERS = [{'_id': BOB, 'username': 'bob', 'email': 'bob@example.com', 'jobTitle': 'Clerk'},
         {'_id': ERIN, 'username': 'erin', 'email': 'erin@example.com', 'jobTitle': 'Chief'},
         # a record of an unexpected shape: a custom attribute that is a bare string
         {'_id': ODD, 'username': 'odd', 'email': 'odd@example.com', 'attributes': ['team=red']}]
PUT_BOB = ('PUT', '/api/systemusers/%s' % BOB)
ADD_BOB = ('POST', '/api/v2/usergroups/%s/members' % FINANCE)


OPTIONS = dict(skip_invalid_rows=False, update_password='always', clear_token='__CLEAR__', report_path=None,
               max_workers=4, max_file_size=100 * 1024 * 1024)


def directory(**kwargs):
    return Directory(USERS, groups=[{'id': FINANCE, 'name': 'Finance'}], **kwargs)


def run(tmp_path, client, csv_text, **options):
    """The module's result for ``csv_text``; ``warnings`` lists what it warned."""
    path = tmp_path / 'users.csv'
    path.write_text(csv_text, encoding='utf-8')
    check_mode = options.pop('check_mode', False)
    want_diff = options.pop('diff', False)
    warnings = []
    try:
        result = flow.apply_csv(dict(OPTIONS, csv_path=str(path), **options), lambda: client, check_mode=check_mode,
                                want_diff=want_diff, warn=warnings.append, now=NOW)
    except RunFailed as failed:
        result = dict(failed.result, msg=failed.msg, failed=True)
    result['warnings'] = warnings
    return result


def writes(client):
    return [c[:2] for c in client.calls if c[0] in ('PUT', 'POST')]


def test_a_valid_file_is_applied_and_reported(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle,Group1\nbob,Boss,Finance\nerin,Chief,\n', diff=True)
    assert not result.get('failed'), result['msg']
    assert writes(client) == [PUT_BOB, ADD_BOB]
    assert result['changed'] is True
    assert result['msg'] == 'updated 1 user(s); 1 unchanged'
    assert [(r['username'], r['user_id'], r['status']) for r in result['results']] == [
        ('bob', BOB, 'updated'), ('erin', ERIN, 'unchanged')]
    assert result['summary']['by_status']['updated'] == 1
    assert result['summary']['requests']['writes'] == 2
    assert [d['before_header'] for d in result['diff']] == ['bob (row 2, id %s)' % BOB]
    assert 'report_path' not in result


def test_check_mode_writes_nothing_and_says_what_it_would_do(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', check_mode=True, report_path=str(tmp_path / 'r.csv'))
    assert writes(client) == []
    assert result['msg'] == 'would update 1 user(s); 0 unchanged'
    assert 'diff' not in result
    assert not (tmp_path / 'r.csv').exists()


def test_a_broken_file_stops_before_any_request(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username;jobTitle\nbob;x\n')
    assert result['failed'] is True
    assert result['msg'].startswith('%s cannot be used; nothing was written:\n' % (tmp_path / 'users.csv'))
    assert [e['line'] for e in result['errors']] == [1]
    assert (result['results'], result['changed']) == ([], False)
    assert client.calls == []


def test_a_report_path_that_cannot_be_written_stops_before_anything_is_read(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', report_path=str(tmp_path / 'no' / 'r.csv'))
    assert result['msg'] == 'the folder of report_path (%s) does not exist; nothing was written' % (tmp_path / 'no')
    assert client.calls == []


def test_a_state_that_cannot_be_read_stops_before_any_write_without_the_password(tmp_path):
    client = directory(search_error=JumpCloudError('Bad Gateway for S3cret-pw', status=502))
    result = run(tmp_path, client, 'Username,Password\nbob,S3cret-pw\n')
    assert result['msg'] == ('reading the current JumpCloud state failed; nothing was written: '
                             'HTTP 502: Bad Gateway for ********')
    assert writes(client) == []


def test_an_invalid_row_stops_every_write_and_the_valid_rows_are_skipped(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\nzed,x,\n')
    assert writes(client) == []
    assert result['failed'] is True
    assert result['msg'].startswith('%s has 2 invalid row(s); nothing was written:\n' % (tmp_path / 'users.csv'))
    assert [(r['status'], r['user_id']) for r in result['results']] == [
        ('skipped', BOB), ('invalid', ERIN), ('not_found', None)]
    assert result['results'][0]['msg'] == 'not applied: 2 row(s) are invalid and skip_invalid_rows is false'
    assert [(e['line'], e['column']) for e in result['errors']] == [(3, 3), (4, 1)]


def test_skip_invalid_rows_applies_the_valid_ones_and_names_their_failures_too(tmp_path):
    client = directory(answers={ADD_BOB: [JumpCloudError('Forbidden', status=403)]})
    result = run(tmp_path, client, 'Username,jobTitle,Group1,sudo\nbob,Boss,Finance,\nerin,Chief,,perhaps\n',
                 skip_invalid_rows=True)
    assert writes(client) == [PUT_BOB, ADD_BOB]
    assert result['msg'].startswith('%s has 1 invalid row(s); the valid rows were applied:\n' % (tmp_path / 'users.csv'))
    assert result['msg'].endswith(' failed:\n  row 2 bob (failed): group Finance: Forbidden')
    assert [r['status'] for r in result['results']] == ['failed', 'invalid']


def test_a_preview_with_skip_invalid_rows_says_the_valid_rows_would_be_applied(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle,sudo\nbob,Boss,\nerin,Chief,perhaps\n', skip_invalid_rows=True,
                 check_mode=True)
    assert writes(client) == []
    assert result['msg'].startswith('%s has 1 invalid row(s); the valid rows would be applied:\n' % (tmp_path / 'users.csv'))
    assert [r['status'] for r in result['results']] == ['would_update', 'invalid']


def test_a_refused_write_fails_its_row_and_the_run(tmp_path):
    client = directory(answers={PUT_BOB: [JumpCloudError('Bad Request: no', status=400)]})
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\nerin,Boss\n')
    assert result['failed'] is True
    assert result['msg'] == '1 of 2 row(s) of %s failed:\n  row 2 bob (failed): update: Bad Request: no' % (
        tmp_path / 'users.csv')
    assert result['changed'] is True          # erin was updated
    assert [r['status'] for r in result['results']] == ['failed', 'updated']


def test_a_refused_key_stops_the_run_and_says_to_rerun_when_the_key_works(tmp_path):
    client = directory(answers={PUT_BOB: [JumpCloudError('Unauthorized', status=401)]})
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', max_workers=1)
    assert result['msg'].startswith('The run stopped after JumpCloud refused the API key (Unauthorized); rerun when '
                                    'the key works, the users already updated will be unchanged.\n1 of 1 row(s)')


def test_a_refused_service_account_is_named_as_such(tmp_path):
    """A 401 that outlives the token's renewal: the run logs in with a service account, not an API key."""
    client = directory(answers={PUT_BOB: [JumpCloudError('Unauthorized', status=401)]})
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', max_workers=1, client_id='sa-id')
    assert result['msg'].startswith('The run stopped after JumpCloud refused the service account (Unauthorized); '
                                    'rerun when the service account works, the users already updated will be '
                                    'unchanged.\n1 of 1 row(s)')
    forbidden = directory(answers={PUT_BOB: [JumpCloudError('Forbidden', status=403)]})
    result = run(tmp_path, forbidden, 'Username,jobTitle\nbob,Boss\n', max_workers=1, client_id='sa-id')
    assert result['msg'].startswith('The run stopped after JumpCloud refused the first writes of this service '
                                    'account (Forbidden)')


def test_a_user_record_of_an_unexpected_shape_fails_its_row_only_without_its_values(tmp_path):
    client = directory()
    result = run(tmp_path, client, 'Username,Attribute1_name,Attribute1_value\nodd,team,blue\nbob,team,blue\n')
    odd, bob = result['results']
    assert odd['status'] == 'failed'
    assert odd['user_id'] == ODD
    assert odd['msg'] == ('internal error: AttributeError while planning or applying this user (the user record from '
                          'JumpCloud has an unexpected shape); nothing more was written for this user')
    assert 'team=red' not in repr(result)
    assert bob['status'] == 'updated'


def test_warnings_of_rows_are_the_module_s_warnings(tmp_path):
    sid = uid(300)
    client = Directory([dict(USERS[0], sudo=True)], systems=[{'_id': sid, 'hostname': 'h'}],
                       bindings={(sid, BOB): {'sudo': {'enabled': True, 'withoutPassword': False}}})
    result = run(tmp_path, client, 'Username,SystemID,Administrator\nbob,%s,false\n' % sid)
    assert not result.get('failed'), result['msg']
    assert len(result['warnings']) == 1
    assert result['warnings'][0].startswith('%s:2:3: Administrator: is false, but user ' % (tmp_path / 'users.csv'))


def test_the_report_file_is_written_and_named(tmp_path):
    client = directory()
    report = tmp_path / 'report.csv'
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', report_path=str(report))
    assert result['report_path'] == str(report)
    assert report.read_text(encoding='utf-8').splitlines()[1].startswith('2,bob,%s,updated,true,false,jobTitle' % BOB)


def test_a_report_that_fails_to_write_after_the_run_still_returns_the_results(tmp_path, monkeypatch):
    def refuse(path, text, **file_options):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(flow, 'write_atomic', refuse)
    client = directory()
    result = run(tmp_path, client, 'Username,jobTitle\nbob,Boss\n', report_path=str(tmp_path / 'report.csv'))
    assert result['failed'] is True
    assert result['msg'] == ('the results report could not be written to %s (No space left on device); the results '
                             'are here' % (tmp_path / 'report.csv'))
    assert [r['status'] for r in result['results']] == ['updated']


# -- handing users out to the workers -------------------------------------------------------------

def test_bounded_map_keeps_the_order_and_queues_at_most_the_window():
    running, most = [0], [0]
    lock = threading.Lock()

    def work(item):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.001 * (item % 3))
        with lock:
            running[0] -= 1
        return item * 2

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(concurrency.bounded_map(pool, work, iter(range(40)), window=3)) == [n * 2 for n in range(40)]
    assert most[0] <= 3


def test_once_stopped_no_item_is_taken_and_the_ones_not_started_or_still_running_say_so():
    stop, release, started = threading.Event(), threading.Event(), threading.Event()

    def work(item):
        if item == 0:
            return 'done 0'
        started.set()
        release.wait(10)          # item 1 is still running when the grace ends
        return 'late'

    with ThreadPoolExecutor(max_workers=1) as pool:
        answers = concurrency.bounded_map(pool, work, iter(range(10)), window=3, stopped=stop.is_set, grace=0.05)
        assert next(answers) == 'done 0'
        started.wait(10)
        stop.set()
        rest = list(answers)
        release.set()
    assert rest == [(concurrency.UNFINISHED, 1), (concurrency.NOT_STARTED, 2)]   # items 3 and later were never taken


def test_an_interrupt_stops_the_applier_once_and_names_the_signal():
    applier = Applier(None, check_mode=False)
    interrupts = flow.Interrupts(applier)
    assert not interrupts.stopped()
    interrupts._handle(signal.SIGTERM, None)
    interrupts._handle(signal.SIGINT, None)
    assert interrupts.name == 'SIGTERM'
    assert applier.abort.is_set()
    assert applier.abort_reason == 'the run was interrupted by SIGTERM'


def test_an_interrupt_after_the_key_was_refused_keeps_that_reason():
    applier = Applier(None, check_mode=False)
    applier.abort_reason = 'the run stopped after JumpCloud refused the API key (Unauthorized)'
    applier.abort.set()
    flow.Interrupts(applier)._handle(signal.SIGINT, None)
    assert applier.abort_reason == 'the run stopped after JumpCloud refused the API key (Unauthorized)'


def test_the_handlers_are_installed_from_the_main_thread_only_and_restored():
    before = signal.getsignal(signal.SIGTERM)
    interrupts = flow.Interrupts(Applier(None, check_mode=False))
    worker = threading.Thread(target=interrupts.install)
    worker.start()
    worker.join()
    assert interrupts.previous == {}
    interrupts.install()
    try:
        assert signal.getsignal(signal.SIGTERM) == interrupts._handle
    finally:
        interrupts.restore()
    assert signal.getsignal(signal.SIGTERM) == before
    assert interrupts.previous == {}


def test_rows_reached_by_an_interrupt_say_whether_their_writes_began():
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import Desired
    row = Desired(7)
    row.username = 'bob'
    waiting = flow.interrupted_row(concurrency.NOT_STARTED, row, BOB, 'SIGINT')
    assert (waiting['status'], waiting['changed'], waiting['user_id']) == ('failed', False, BOB)
    assert waiting['msg'] == 'not attempted: the run was interrupted by SIGINT'
    busy = flow.interrupted_row(concurrency.UNFINISHED, row, BOB, 'SIGTERM')
    assert busy['changed'] is True
    assert busy['msg'] == ('interrupted by SIGTERM while its writes were under way; they may have been applied, '
                           'rerun to finish')
