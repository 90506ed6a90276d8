"""What the integration tests share: the module names, writing a CSV, running jc_users_from_csv (in this
process, or through ansible-playbook), configuring the fake server, reading results by user, and waiting for a
condition."""
import os
import pathlib
import time

import psutil
import requests

from inprocess import run_in_process
from playbook import fake_stats, reset_stats, run_module

USERS_MODULE = 'jcops.jumpcloud.jc_users_from_csv'
TEMPLATE_MODULE = 'jcops.jumpcloud.jc_import_template'


def write_csv(tmp_path, text, name='users.csv'):
    """``text`` as a UTF-8 file in ``tmp_path``; its path."""
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path


class InProcessRun:
    """A module run in this process: its ``result``; there is no ansible-playbook output or exit code."""

    def __init__(self, result):
        self.result = result


def run_task(tmp_path, fake, module, args, check=False, diff=False, playbook=False):
    """Run ``module`` (its FQCN) with ``args`` against ``fake`` (None: no server, no login) from ``tmp_path``;
    the run carries the module's result as a play registers it.

    The module's real ``main()`` runs in this process (inprocess.py) unless ``playbook`` says to go through
    ansible-playbook: for the tests of what lives at that boundary and the smoke tests, whose run also has
    ``output``, ``stdout``, ``stderr`` and ``rc``.
    """
    if playbook:
        run = run_module(tmp_path, fake, module, args, check=check, diff=diff)
        assert run.result is not None, run.output
        return run
    return InProcessRun(run_in_process(module, args, fake=fake, cwd=tmp_path, check_mode=check, diff=diff))


def apply(tmp_path, fake, csv, check=False, diff=False, playbook=False, **args):
    """Run jc_users_from_csv (see run_task) on ``csv`` (CSV text, written to users.csv, or the path of a file);
    the run also carries ``stats``, what the fake counted meanwhile.

    Whatever the run, no user ever has two writes in flight at once.
    """
    path = csv if isinstance(csv, pathlib.Path) else write_csv(tmp_path, csv)
    reset_stats(fake)
    run = run_task(tmp_path, fake, USERS_MODULE, dict(csv_path=str(path), **args), check=check, diff=diff,
                   playbook=playbook)
    run.stats = fake_stats(fake)
    assert run.stats['concurrent_user_writes'] == [], run.stats['concurrent_user_writes']
    return run


def results_by_user(result):
    """The per-row results of a module result, by username."""
    return dict((r['username'], r) for r in result['results'])


def configure_fake(fake, **values):
    """Set the fake's faults and behaviour (see FaultConfig) over its control endpoint."""
    response = requests.post(fake.url + '/__fake__/config', json=values, timeout=10)
    assert response.status_code == 204, response.text


def wait_until(condition, timeout, what):
    """Poll ``condition`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError('%s did not happen within %s s' % (what, timeout))
        time.sleep(0.02)


def requests_in_progress(fake):
    """How many requests the fake is serving now."""
    with fake.stats.lock:
        return max(0, fake.stats.concurrency)


def wait_for_requests_to_finish(fake, timeout=30):
    """Wait until the fake has answered every request it received (writes that outlived their client too)."""
    wait_until(lambda: requests_in_progress(fake) == 0, timeout, 'the end of the requests under way')


def module_processes(playbook_pid, module='jc_users_from_csv'):
    """The python processes running ``module`` under ansible-playbook ``playbook_pid`` (not the shell that
    starts them)."""
    found = []
    for process in psutil.Process(playbook_pid).children(recursive=True):
        try:
            cmdline = process.cmdline()
        except psutil.Error:
            continue
        if cmdline and 'python' in os.path.basename(cmdline[0]) and \
                any('AnsiballZ_%s' % module in part for part in cmdline):
            found.append(process)
    return found
