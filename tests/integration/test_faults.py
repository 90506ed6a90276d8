"""The fault matrix on 220 rows: rate limits, server errors, dropped connections, slow answers, a key revoked
mid-run, users deleted mid-run, and a killed run (through ansible-playbook, which is killed).

For each: every user that could be updated is exactly right in the fake's final state, every
failure is reported on its row with the API's text, reruns converge to all unchanged, and no
user ever had two writes in flight at once.
"""
import signal

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import (USERS_MODULE, apply, configure_fake, module_processes, results_by_user, run_task,
                     wait_for_requests_to_finish, wait_until, write_csv)
from playbook import fake_stats, reset_stats, start_play
from predicted import assert_run_as_predicted
from workload import mismatches, to_csv, w1_rows

pytestmark = pytest.mark.integration
ROWS = 220


@pytest.fixture
def bulk(fake_factory, tmp_path):
    fake = fake_factory(generate_org(users=260, groups=12, systems=30), latency=0.003)
    rows = w1_rows(fake, ROWS)
    return fake, rows, write_csv(tmp_path, to_csv(rows))


def check_first_run(fake, rows, run, failure_text=None):
    """Updated rows are exactly right; failed rows say why, with the API's text."""
    results = results_by_user(run.result)
    assert len(results) == ROWS
    failed = []
    for row in rows:
        result = results[row['Username']]
        if result['status'] == 'updated':
            assert mismatches(fake, row) == [], (row['Username'], result)
        else:
            assert result['status'] == 'failed' and result['failed'] and result['msg'], result
            if failure_text:
                assert failure_text in result['msg'], result['msg']
            failed.append(row['Username'])
    if failed:
        assert run.result['failed']
        assert '%d of %d row(s)' % (len(failed), ROWS) in run.result['msg']
    return failed


def converge(tmp_path, fake, rows, path, attempts=3, **args):
    """Rerun until no row fails, then once more: every row unchanged, no write."""
    for _attempt in range(attempts):
        run = apply(tmp_path, fake, path, **args)
        if not run.result.get('failed'):
            break
    assert not run.result.get('failed'), run.result['msg']
    assert all(mismatches(fake, row) == [] for row in rows)
    final = apply(tmp_path, fake, path, **args)
    assert final.result['summary']['by_status']['unchanged'] == ROWS, final.result['summary']
    assert final.stats['writes'] == 0 and not final.result['changed']
    return final


@pytest.mark.parametrize('retry_after', [True, False], ids=['with-retry-after', 'without-retry-after'])
def test_429_bursts(tmp_path, bulk, retry_after):
    fake, rows, path = bulk
    configure_fake(fake, rate_limit=150, retry_after=retry_after)
    run = apply(tmp_path, fake, path)
    assert run.stats['statuses'].get('429', 0) > 0            # the limit was really hit
    assert check_first_run(fake, rows, run) == []              # and every user still came out right
    assert run.result['summary']['requests']['retries'] >= run.stats['statuses']['429']
    converge(tmp_path, fake, rows, path)


def predict(tmp_path, fake, path):
    """What check mode says each row will do, before any fault is switched on."""
    check = run_task(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path)), check=True)
    assert check.result['summary']['by_status']['would_update'] == ROWS, check.result['summary']
    return results_by_user(check.result)


def check_statuses_exact(run, predicted):
    """Each row reports what it did, exactly as predicted (check mode's would_add is the run's added): no add
    that landed is reported present."""
    assert_run_as_predicted(results_by_user(run.result), predicted)


def test_server_errors_at_ten_percent(tmp_path, bulk):
    fake, rows, path = bulk
    predicted = predict(tmp_path, fake, path)
    # half of the faults on writes come after JumpCloud applied the write, as behind a gateway
    configure_fake(fake, fault_rate=0.1, fault_kinds=['500', '502', '503', '504'], fault_after_write=0.5, random_seed=11)
    run = apply(tmp_path, fake, path)
    assert sum(run.stats['statuses'].get(s, 0) for s in ('500', '502', '503', '504')) > 20
    # some adds that landed behind a 5xx answered 409 when sent again
    assert run.stats['statuses'].get('409', 0) > 0
    # every 5xx is retried (reads, the PUT with the same body, the adds): every user is applied at once
    assert check_first_run(fake, rows, run) == []
    assert not run.result.get('failed'), run.result['msg']
    check_statuses_exact(run, predicted)
    converge(tmp_path, fake, rows, path)


def test_dropped_connections(tmp_path, bulk):
    fake, rows, path = bulk
    predicted = predict(tmp_path, fake, path)
    configure_fake(fake, fault_rate=0.1, fault_kinds=['drop'], fault_after_write=0.5, random_seed=5)
    run = apply(tmp_path, fake, path)
    assert run.result['summary']['requests']['retries'] > 10
    assert check_first_run(fake, rows, run) == []
    check_statuses_exact(run, predicted)
    converge(tmp_path, fake, rows, path)


def test_answers_slower_than_the_timeout(tmp_path, bulk):
    fake, rows, path = bulk
    configure_fake(fake, slow_rate=0.03, slow_seconds=2.0, random_seed=3)
    run = apply(tmp_path, fake, path, timeout=1)
    failed = check_first_run(fake, rows, run, failure_text='may still apply this write')
    assert failed                      # some writes timed out: their users are reported, not retried blindly
    for name in failed:
        result = results_by_user(run.result)[name]
        # the user's later writes were held back rather than sent over the one that timed out
        later = [m for m in result['msg'].split('; ') if 'not sent' in m]
        assert all('an earlier write of this user timed out' in m for m in later)
    wait_for_requests_to_finish(fake)  # JumpCloud finishes the writes that timed out
    configure_fake(fake, slow_rate=0.0)
    converge(tmp_path, fake, rows, path)


def test_key_revoked_mid_run_stops_quickly(tmp_path, bulk):
    fake, rows, path = bulk
    reset_stats(fake)
    check = run_task(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path)), check=True)
    reads = fake_stats(fake)['total']
    assert check.result['summary']['by_status']['would_update'] == ROWS
    configure_fake(fake, unauthorized_after=reads + 150)
    run = apply(tmp_path, fake, path)
    msg = run.result['msg']
    assert msg.startswith('The run stopped after JumpCloud refused the API key (Unauthorized')
    assert 'rerun when the key works' in msg
    # no retry storm: at most the requests already in flight meet the 401
    assert run.stats['statuses']['401'] <= 16
    assert run.stats['total'] <= reads + 150 + 16
    results = results_by_user(run.result)
    stopped = [r for r in results.values() if r['failed']]
    assert stopped
    assert all('not attempted' in r['msg'] or 'Unauthorized' in r['msg'] for r in stopped)
    check_first_run(fake, rows, run)
    configure_fake(fake, unauthorized_after=None)
    converge(tmp_path, fake, rows, path)


def test_users_deleted_between_validation_and_write(tmp_path, bulk):
    fake, rows, path = bulk
    gone = [rows[5], rows[77], rows[150]]
    configure_fake(fake, delete_before_first_write=[r['_uid'] for r in gone])
    run = apply(tmp_path, fake, path)
    failed = check_first_run(fake, rows, run)
    assert sorted(failed) == sorted(r['Username'] for r in gone)
    for row in gone:
        msg = results_by_user(run.result)[row['Username']]['msg']
        assert msg.startswith('update: ') and 'not found' in msg.lower(), msg
    again = apply(tmp_path, fake, path, skip_invalid_rows=True)
    statuses = results_by_user(again.result)
    assert all(statuses[r['Username']]['status'] == 'not_found' for r in gone)
    assert again.result['summary']['by_status']['unchanged'] == ROWS - len(gone)
    assert again.stats['writes'] == 0


def test_a_killed_run_is_finished_by_the_rerun(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=320, groups=12, systems=30), latency=0.02)
    rows = w1_rows(fake, 300)
    path = write_csv(tmp_path, to_csv(rows))
    proc = start_play(tmp_path, fake, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {USERS_MODULE: {'csv_path': str(path), 'max_workers': 4}}]}])
    try:
        wait_until(lambda: fake.stats.as_dict()['writes'] >= 200 or proc.poll() is not None, 120, '200 writes')
        assert proc.poll() is None, 'the run ended before it could be killed'
        # the module runs in its own session (ansible's workers call setsid): kill it, not just the playbook
        modules = module_processes(proc.pid)
        assert modules, 'the module process was not found'
        for module in modules:
            module.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    wait_for_requests_to_finish(fake)  # writes already at the server finish
    done = set(r['Username'] for r in rows if mismatches(fake, r) == [])
    assert 0 < len(done) < len(rows)

    rerun = apply(tmp_path, fake, path)
    assert not rerun.result.get('failed'), rerun.result['msg']
    statuses = results_by_user(rerun.result)
    assert set(n for n, r in statuses.items() if r['status'] == 'unchanged') == done
    assert set(n for n, r in statuses.items() if r['status'] == 'updated') == set(statuses) - done
    assert all(mismatches(fake, row) == [] for row in rows)
    final = apply(tmp_path, fake, path)
    assert final.stats['writes'] == 0 and final.result['summary']['by_status']['unchanged'] == len(rows)
