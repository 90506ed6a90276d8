"""failed_rows_path (the rows that failed, in the input's format, to fix and rerun) and the <report_path>.partial
progress file, against the fake (a killed run and a slow one through ansible-playbook)."""
import csv
import io
import os
import signal
import subprocess

import pytest

from helpers import apply, configure_fake, module_processes, results_by_user, wait_until, USERS_MODULE
from playbook import start_play

pytestmark = pytest.mark.integration

SECRET = 'Pa55-word-never-shown'


def ten_users(org):
    for name in ('dave', 'gina', 'hank', 'ivy'):
        org.fake.org.add_user(name)
    return ['alice', 'bob', 'carol', 'abcdefabcdefabcdefabcdef', 'erin', 'frank.o+1', 'dave', 'gina', 'hank', 'ivy']


def test_the_failed_rows_are_written_in_the_input_format_and_apply_once_fixed(tmp_path, org):
    users = ten_users(org)
    org.fake.org.foreign_emails.add('taken@elsewhere.example')
    lines = ['jobTitle,Username,Email,sudo']
    for n, name in enumerate(users):
        if name == 'erin':
            lines.append('Tester,erin,,maybe')                                     # invalid: not a boolean
        elif name == 'frank.o+1':
            lines.append('"Ops, night",frank.o+1,taken@elsewhere.example,')       # refused: another org's email
        else:
            lines.append('Title %d,%s,,' % (n, name))
    source = tmp_path / 'users.csv'
    source.write_bytes(('\ufeff' + '\r\n'.join(lines) + '\r\n').encode('utf-8'))
    failed_path = tmp_path / 'failed.csv'

    # check mode counts them and writes nothing
    check = apply(tmp_path, org.fake, source, check=True, skip_invalid_rows=True, failed_rows_path=str(failed_path))
    assert check.result['failed_rows'] == 1 and not failed_path.exists()     # the refusal is only known by writing

    run = apply(tmp_path, org.fake, source, skip_invalid_rows=True, failed_rows_path=str(failed_path))
    assert run.result['failed'] is True
    by_user = results_by_user(run.result)
    assert (by_user['erin']['status'], by_user['frank.o+1']['status']) == ('invalid', 'failed')
    assert sum(1 for r in run.result['results'] if r['status'] == 'updated') == 8
    assert (run.result['failed_rows'], run.result['failed_rows_path']) == (2, str(failed_path))

    data = failed_path.read_bytes()
    assert data.startswith(b'\xef\xbb\xbfjobTitle,Username,Email,sudo,jc_error\r\n')
    assert data.count(b'\r\n') == 3 and not data.replace(b'\r\n', b'').count(b'\n')
    rows = list(csv.reader(io.StringIO(data.decode('utf-8-sig'), newline='')))
    assert [row[:4] for row in rows] == [['jobTitle', 'Username', 'Email', 'sudo'], ['Tester', 'erin', '', 'maybe'],
                                         ['Ops, night', 'frank.o+1', 'taken@elsewhere.example', '']]
    # each row's own line, as the input wrote it, followed by why it failed
    assert data.split(b'\r\n')[1].startswith(b'Tester,erin,,maybe,')
    assert data.split(b'\r\n')[2].startswith(b'"Ops, night",frank.o+1,taken@elsewhere.example,,')
    assert rows[1][4] == by_user['erin']['msg'] and "'maybe' is not a boolean" in rows[1][4]
    assert rows[2][4] == by_user['frank.o+1']['msg'] and 'HTTP 409' in rows[2][4]

    # fix the causes in the failed file and apply it as it is: its jc_error column is ignored
    fixed = data.replace(b'maybe', b'true').replace(b'taken@elsewhere.example', b'frank.new@example.com')
    failed_path.write_bytes(fixed)
    # the file being applied is the input: it may not be the failed-rows file of the rerun too
    refused = apply(tmp_path, org.fake, failed_path, failed_rows_path=str(failed_path))
    assert refused.result['failed'] and 'csv_path (%s) and failed_rows_path (%s) are the same file' % (
        failed_path, failed_path) in refused.result['msg']
    assert failed_path.read_bytes() == fixed and refused.stats['reads'] == refused.stats['writes'] == 0
    again = tmp_path / 'failed-again.csv'
    again.write_text('an earlier file')
    rerun = apply(tmp_path, org.fake, failed_path, failed_rows_path=str(again))
    assert not rerun.result.get('failed'), rerun.result.get('msg')
    assert [r['status'] for r in rerun.result['results']] == ['updated', 'updated']
    assert (org.user('erin')['sudo'], org.user('frank.o+1')['email']) == (True, 'frank.new@example.com')
    assert org.user('frank.o+1')['jobTitle'] == 'Ops, night'
    # none failed: the file at failed_rows_path is left alone, and the result says so
    assert rerun.result['failed_rows'] == 0 and 'failed_rows_path' not in rerun.result
    assert again.read_text() == 'an earlier file' and failed_path.read_bytes() == fixed


@pytest.mark.parametrize('name', ['users.csv', 'hard-link.csv', 'link.csv', 'sub/../users.csv'])
def test_an_output_that_is_the_input_is_refused_before_anything_is_read(tmp_path, org, name):
    source = tmp_path / 'users.csv'
    source.write_text('Username,Password,jobTitle\nbob,S3cret-Passw0rd!,Boss\n')
    os.link(str(source), str(tmp_path / 'hard-link.csv'))
    (tmp_path / 'link.csv').symlink_to(source)
    (tmp_path / 'sub').mkdir()
    before = source.read_bytes()
    for option in ('report_path', 'failed_rows_path'):
        run = apply(tmp_path, org.fake, source, **{option: str(tmp_path / name)})
        assert run.result['failed'] and run.result['msg'] == (
            'csv_path (%s) and %s (%s) are the same file: an output may not replace the input; choose another '
            'path; nothing was written' % (source, option, tmp_path / name))
        assert source.read_bytes() == before and run.stats['reads'] == run.stats['writes'] == 0
    assert org.user('bob').get('jobTitle') != 'Boss'


def test_outputs_that_are_one_file_are_refused_before_anything_is_read(tmp_path, org):
    report = tmp_path / 'report.csv'
    for failed in (report, tmp_path / 'report.csv.partial'):
        run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Boss\n', report_path=str(report),
                    failed_rows_path=str(failed))
        assert run.result['failed'] and 'two outputs may not share a file' in run.result['msg']
        assert 'failed_rows_path (%s)' % failed in run.result['msg']
        assert ('report_path (%s)' % report if failed == report else 'the progress file of report_path (%s)' % failed) \
            in run.result['msg']
        assert run.stats['reads'] == run.stats['writes'] == 0 and not report.exists()


def test_progress_file_grows_during_a_slow_run_and_is_gone_after_it(tmp_path, org):
    users = ten_users(org)
    text = 'Username,jobTitle,Password\n' + ''.join('%s,Leaver %d,%s\n' % (u, n, SECRET) for n, u in enumerate(users))
    source = tmp_path / 'users.csv'
    source.write_text(text)
    report = tmp_path / 'report.csv'
    partial = tmp_path / 'report.csv.partial'
    configure_fake(org.fake, latency=0.15)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {USERS_MODULE: {'csv_path': str(source), 'report_path': str(report), 'max_workers': 1,
                        'update_password': 'always'}}]}]
    proc = start_play(tmp_path, org.fake, play)
    seen = []
    try:
        def two_users_listed():
            if partial.exists():
                seen.append(partial.read_bytes().decode('utf-8'))
            return proc.poll() is not None or (seen and seen[-1].count('\r\n') >= 3)
        wait_until(two_users_listed, 120, 'two finished users in the progress file')
        assert proc.poll() is None, 'the run ended before the progress file was seen'
        during = seen[-1]
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not partial.exists()
    assert report.exists()
    lines = list(csv.DictReader(io.StringIO(during, newline='')))
    finished = [line['username'] for line in lines if line['username']]
    assert len(finished) >= 2 and finished == users[:len(finished)]        # one worker: in file order
    assert all(line['status'] == 'updated' and line['changed_fields'] == 'jobTitle;password' for line in lines)
    assert SECRET not in during
    final = list(csv.DictReader(io.StringIO(report.read_bytes().decode('utf-8'), newline='')))
    assert [r['username'] for r in final] == users


def test_a_killed_run_leaves_the_users_it_finished_in_the_progress_file(tmp_path, org):
    users = ten_users(org)
    source = tmp_path / 'users.csv'
    source.write_text('Username,jobTitle\n' + ''.join('%s,Gone %d\n' % (u, n) for n, u in enumerate(users)))
    report = tmp_path / 'report.csv'
    partial = tmp_path / 'report.csv.partial'
    configure_fake(org.fake, latency=0.15)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {USERS_MODULE: {'csv_path': str(source), 'report_path': str(report), 'max_workers': 1}}]}]
    proc = start_play(tmp_path, org.fake, play, stdout=subprocess.DEVNULL)
    try:
        wait_until(lambda: proc.poll() is not None or (partial.exists() and partial.read_bytes().count(b'\r\n') >= 4),
                   120, 'three finished users in the progress file')
        modules = module_processes(proc.pid)
        assert len(modules) == 1, 'the module process was not found'
        modules[0].send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not report.exists()
    lines = list(csv.DictReader(io.StringIO(partial.read_bytes().decode('utf-8'), newline='')))
    finished = [line['username'] for line in lines]
    assert 3 <= len(finished) < len(users)
    for n, name in enumerate(finished):
        assert org.user(name)['jobTitle'] == 'Gone %d' % users.index(name)
