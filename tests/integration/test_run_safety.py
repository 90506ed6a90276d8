"""A run that wrote anything never loses its results: bad output paths are refused before any write, an
unexpected user record fails only its row, check mode writes no report, and SIGTERM mid-run reports every row.

Every test runs real ansible-playbook against the fake JumpCloud server.
"""
import csv
import datetime
import io
import json
import os
import signal
import subprocess

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import (TEMPLATE_MODULE, USERS_MODULE, apply, configure_fake, module_processes, results_by_user,
                     wait_until, write_csv)
from playbook import fake_stats, reset_stats, run_module, start_play
from workload import mismatches, to_csv, w1_rows

pytestmark = pytest.mark.integration


def report_rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding='utf-8'))))


@pytest.mark.parametrize('where', ['missing folder', 'a directory'])
def test_a_bad_report_path_fails_before_any_write(tmp_path, org, where):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Written Too Early\n')
    if where == 'missing folder':
        report, expected = tmp_path / 'missing' / 'report.csv', 'does not exist'
    else:
        report, expected = tmp_path / 'report.csv', 'is a directory'
        report.mkdir()
    run = apply(tmp_path, org.fake, path, report_path=str(report), playbook=True)
    assert run.result['failed'] and not run.result['changed']
    assert expected in run.result['msg'] and 'nothing was written' in run.result['msg'], run.result['msg']
    assert 'Traceback' not in run.output
    assert run.stats['writes'] == 0 and org.user('bob')['jobTitle'] != 'Written Too Early'


def test_check_mode_writes_no_report_and_still_returns_the_results(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Previewed\n')
    report = tmp_path / 'report.csv'
    run = apply(tmp_path, org.fake, path, check=True, report_path=str(report))
    assert not run.result.get('failed') and run.result['changed']
    assert [r['status'] for r in run.result['results']] == ['would_update']
    assert not report.exists() and 'report_path' not in run.result
    assert not [p for p in os.listdir(str(tmp_path)) if 'report' in p]
    assert run.stats['writes'] == 0


def test_an_unexpected_user_record_fails_only_its_row(tmp_path, fake_factory):
    seed = generate_org(users=80, groups=6, systems=10)
    odd = seed['users'][39]
    # a record of the wrong shape: one custom attribute is a bare string, not a {name, value} object
    odd['attributes'] = [{'name': 'costCode', 'value': 'CC777'}, 'costCenterOld=Z9-SECRET-VALUE']
    fake = fake_factory(seed, latency=0.005)
    rows = w1_rows(fake, 80)
    path = write_csv(tmp_path, to_csv(rows))
    report = tmp_path / 'report.csv'
    run = apply(tmp_path, fake, path, report_path=str(report), max_workers=4, playbook=True)
    assert run.result['failed'] and run.result['changed'] is True, run.output
    results = results_by_user(run.result)
    assert len(results) == 80
    bad = results[odd['username']]
    assert bad['status'] == 'failed' and bad['failed'] and not bad['changed']
    assert 'internal error: AttributeError' in bad['msg'], bad['msg']
    # the record's values never reach the row, the message or the output
    assert 'Z9-SECRET-VALUE' not in run.output and 'CC777' not in run.output
    for row in rows:
        if row['Username'] != odd['username']:
            assert results[row['Username']]['status'] == 'updated', results[row['Username']]
            assert mismatches(fake, row) == [], row['Username']
    assert run.stats['writes'] == 79 * 3
    assert '1 of 80 row(s)' in run.result['msg']
    written = report_rows(report)
    assert len(written) == 80 and run.result['report_path'] == str(report)
    assert [r['status'] for r in written if r['username'] == odd['username']] == ['failed']
    assert sum(1 for r in written if r['status'] == 'updated') == 79


def start_a_long_run(tmp_path, fake_factory):
    """ansible-playbook applying 300 rows on 4 workers against a slow fake; returns it once 150 writes are done."""
    fake = fake_factory(generate_org(users=320, groups=12, systems=30), latency=0.02)
    rows = w1_rows(fake, 300)
    path = write_csv(tmp_path, to_csv(rows))
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'module under test', USERS_MODULE: {'csv_path': str(path), 'max_workers': 4,
                                                     'report_path': str(tmp_path / 'report.csv')},
         'register': 'out', 'ignore_errors': True},
        {'name': 'save result', 'save_result': {'content': '{{ out | to_json }}',
                                                'dest': str(tmp_path / 'result.json')},
         'no_log': True}]}]
    proc = start_play(tmp_path, fake, play, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_until(lambda: fake.stats.as_dict()['writes'] >= 150 or proc.poll() is not None, 120, '150 writes')
    if proc.poll() is not None:
        raise AssertionError('the run ended before it could be interrupted: %s' % proc.communicate()[0])
    return fake, rows, path, proc


def signal_slowly(fake, process):
    """SIGTERM to ``process``, the fake answering each request after a second from then on; the fake's write
    count at the signal. The signal reaches the module's handler after a delay that a busy machine stretches
    (more so through ansible-playbook), and meanwhile a worker whose write is answered starts its next one:
    with answers that slow, each of the 4 workers starts at most one, so the writes counted after the signal
    are the ones under way, whatever the machine's load (unless the handler waits a whole second)."""
    configure_fake(fake, latency=1.0)
    process.send_signal(signal.SIGTERM)
    return fake.stats.as_dict()['writes']


def check_interrupted_report(report, rows, fake):
    """The report lists every row in file order; updated users are exactly right, the others say why."""
    written = report_rows(report)
    assert [r['username'] for r in written] == [r['Username'] for r in rows]
    updated = set(r['username'] for r in written if r['status'] == 'updated')
    assert 0 < len(updated) < len(rows)
    for row in rows:
        if row['Username'] in updated:
            assert mismatches(fake, row) == [], row['Username']
    stopped = [r for r in written if r['status'] != 'updated']
    assert all(r['status'] == 'failed' and 'interrupted by SIGTERM' in r['msg'] for r in stopped), stopped[:3]
    assert sum(1 for r in stopped if r['msg'].startswith('not attempted')) > 100
    return written


def test_sigterm_mid_run_reports_every_row_and_stops_writing(tmp_path, fake_factory):
    fake, rows, path, proc = start_a_long_run(tmp_path, fake_factory)
    report, saved = tmp_path / 'report.csv', tmp_path / 'result.json'
    try:
        modules = module_processes(proc.pid)
        assert len(modules) == 1, 'the module process was not found'
        at_signal = signal_slowly(fake, modules[0])
        output = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = fake.stats.as_dict()['writes']
    # no new user is started: only the writes already under way (at most one per worker) still land
    assert after - at_signal <= 4, (at_signal, after)
    result = json.loads(saved.read_text())
    assert result['failed'] and result['changed'] is True
    assert result['msg'].startswith('The run was interrupted by SIGTERM; rerun to finish'), result['msg']
    # ansible-playbook printed the module's own answer
    assert 'The run was interrupted by SIGTERM' in output, output
    results = result['results']
    assert len(results) == len(rows)
    updated = set(r['username'] for r in results if r['status'] == 'updated')
    # the report says the same, row for row
    written = check_interrupted_report(report, rows, fake)
    assert [(r['username'], r['status'], r['msg']) for r in written] == [
        (r['username'], r['status'], r['msg']) for r in results]
    assert not [p for p in os.listdir(str(tmp_path)) if p.startswith('.report.csv.')]

    configure_fake(fake, latency=0.02)
    rerun = apply(tmp_path, fake, path, max_workers=4)
    assert not rerun.result.get('failed'), rerun.result['msg']
    again = dict((r['username'], r['status']) for r in rerun.result['results'])
    assert all(again[name] == 'unchanged' for name in updated)
    assert all(mismatches(fake, row) == [] for row in rows)


def test_the_template_module_checks_both_output_paths_before_writing(tmp_path, org):
    stamp = datetime.date.today().strftime('%m-%d-%Y')
    (tmp_path / ('JCSystems_%s.csv' % stamp)).mkdir()           # where the devices list would go
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, TEMPLATE_MODULE,
                     {'dest': str(tmp_path), 'populate_users': True, 'systems': True})
    assert run.result['failed'] and not run.result['changed']
    expected = 'JCSystems_%s.csv is a directory, not a regular file; remove it or choose another path; nothing was written'
    assert expected % stamp in run.result['msg'], run.result['msg']
    assert not (tmp_path / ('JCUserUpdateImport_%s.csv' % stamp)).exists()
    assert 'Traceback' not in run.output and fake_stats(org.fake)['total'] == 0


def test_sigterm_to_ansible_playbook_still_leaves_the_full_report(tmp_path, fake_factory):
    """What AWX's Cancel does: ansible-playbook passes SIGTERM on to the module and exits at once, without
    waiting for the result; the module still stops in order, and the report is the record of the run."""
    fake, rows, _path, proc = start_a_long_run(tmp_path, fake_factory)
    modules = module_processes(proc.pid)
    assert len(modules) == 1, 'the module process was not found'
    try:
        at_signal = signal_slowly(fake, proc)
        proc.communicate(timeout=60)
        modules[0].wait(timeout=60)              # the module finishes on its own
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert fake.stats.as_dict()['writes'] - at_signal <= 4
    check_interrupted_report(tmp_path / 'report.csv', rows, fake)
