"""jc_users_from_csv refuses what is not a regular file, or is too large, before any request to JumpCloud."""
import os
import threading

import pytest

from inprocess import apply_csv
from playbook import fake_stats, reset_stats, run_module

pytestmark = pytest.mark.integration
MODULE = 'jcops.jumpcloud.jc_users_from_csv'


def apply_within(fake, path, **params):
    """The in-process run's result, or a failure (not a hung test) when it does not end within 30 s."""
    answer = []
    worker = threading.Thread(target=lambda: answer.append(apply_csv(fake, path, **params)), daemon=True)
    worker.start()
    worker.join(30)
    assert answer, 'the run did not end within 30 s'
    return answer[0]


def test_a_fifo_is_refused_before_any_request(tmp_path, org):
    fifo = tmp_path / 'users.csv'
    os.mkfifo(str(fifo))
    reset_stats(org.fake)
    try:
        result = apply_within(org.fake, fifo)
    finally:
        try:
            os.close(os.open(str(fifo), os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert result['failed'] is True and result['changed'] is False
    assert 'it is a named pipe (FIFO), not a regular file' in result['msg'] and 'nothing was written' in result['msg']
    assert fake_stats(org.fake)['total'] == 0


def test_a_file_over_max_file_size_is_refused_before_any_request(tmp_path, org):
    path = tmp_path / 'users.csv'
    path.write_text('Username,jobTitle\n' + ''.join('user%05d,Analyst\n' % n for n in range(100)))
    size = path.stat().st_size
    reset_stats(org.fake)
    result = apply_within(org.fake, path, max_file_size=size - 1)
    assert result['failed'] is True and result['errors'][0]['message'] == (
        'the file is %d bytes, more than max_file_size (%d bytes); split it, or raise max_file_size' % (size, size - 1))
    assert fake_stats(org.fake)['total'] == 0


def test_max_file_size_takes_units_through_the_module(tmp_path, org):
    path = tmp_path / 'users.csv'
    path.write_text('Username,jobTitle\nbob,' + 'x' * 1100 + '\n')
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, MODULE, {'csv_path': str(path), 'max_file_size': '1KB'})
    assert run.result['failed'] is True, run.output
    assert 'more than max_file_size (1024 bytes)' in run.result['msg']
    assert fake_stats(org.fake)['total'] == 0
    run = run_module(tmp_path, org.fake, MODULE, {'csv_path': str(path), 'max_file_size': 0})
    assert run.result['failed'] is True and run.result['msg'] == 'max_file_size must be at least 1 byte, got 0'
