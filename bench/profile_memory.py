"""Where jc_users_from_csv's memory goes: tracemalloc of one run, in this process, stage by stage.

Runs the module's real main() (tests/module_main.py) on W1 rows against the fake JumpCloud, with
tracemalloc tracing only the collection's allocations (and what they call: json, csv, requests), and
prints, for each stage of the run (read, validate, read the state, apply, report, the module's exit),
the memory live when it ends and the highest reached during it, then the largest holders at the two
moments the profile in bench/results/memory-profile.md names: the first row planned (every row and
user record read) and the summary (every result built).

With ``--rss`` nothing is traced: the process's resident memory is sampled every 20 ms instead (what
``make bench`` measures, with the interpreter and every module in it), which runs at full speed, so a
100,000-row run takes minutes, not hours.

Usage: python bench/profile_memory.py [--rows 20000] [--top 12] [--return-results all|changed|problems] [--rss]
"""
import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests'))

import testenv  # noqa: E402,F401  (the collection's import name; tests/integration on sys.path)
from fake_jumpcloud.seed import generate_org  # noqa: E402
from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402
from inprocess import run_in_process  # noqa: E402
from workload import to_csv, w1_rows  # noqa: E402

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import flow, report, state  # noqa: E402
from ansible.module_utils import basic  # noqa: E402

MB = 2.0 ** 20
STAGES = ('read', 'validate', 'connect', 'read_state', 'check_references', 'read_labels', 'apply', 'report')


def traced():
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    return current / MB, peak / MB


class Resident:
    """This process's resident memory, sampled every 20 ms: :meth:`__call__` gives the MB now and the highest
    since the last call, as :func:`traced` does for the traced memory."""

    def __init__(self):
        self.page = os.sysconf('SC_PAGE_SIZE')
        self.peak = self.overall = 0
        self.stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def now(self):
        with open('/proc/self/statm', encoding='ascii') as handle:
            return int(handle.read().split()[1]) * self.page

    def _sample(self):
        while not self.stop.wait(0.02):
            value = self.now()
            self.peak = max(self.peak, value)
            self.overall = max(self.overall, value)

    def __call__(self):
        current = self.now()
        peak, self.peak = max(self.peak, current), current
        self.overall = max(self.overall, peak)
        return current / MB, peak / MB


def start_fake(folder, seed):
    """The fake JumpCloud in a process of its own (its allocations stay out of the profile), and its URL."""
    seed_path, ready = os.path.join(folder, 'seed.json'), os.path.join(folder, 'ready')
    with open(seed_path, 'w', encoding='utf-8') as handle:
        json.dump(seed, handle)
    proc = subprocess.Popen([sys.executable, '-m', 'fake_jumpcloud', '--seed', seed_path, '--port', '0',
                             '--api-key', testenv.API_KEY, '--ready-file', ready],
                            cwd=os.path.join(os.path.dirname(HERE), 'tests'), stdout=subprocess.DEVNULL)
    while not os.path.exists(ready) or not open(ready, encoding='utf-8').read():
        if proc.poll() is not None:
            raise RuntimeError('the fake JumpCloud did not start')
        time.sleep(0.2)
    with open(ready, encoding='utf-8') as handle:
        return proc, handle.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rows', type=int, default=20000)
    parser.add_argument('--top', type=int, default=12)
    parser.add_argument('--return-results', default=None)
    parser.add_argument('--frames', type=int, default=1, help='frames tracemalloc keeps of each allocation')
    parser.add_argument('--rss', action='store_true', help='sample resident memory instead of tracing')
    parser.add_argument('--run', nargs=2, metavar=('FOLDER', 'URL'), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        return profile_run(args, *args.run)
    folder = tempfile.mkdtemp(prefix='jcops-profile-')
    seed = generate_org(users=args.rows, groups=50, systems=500, ldapservers=1)
    model = FakeJumpCloud(api_key=testenv.API_KEY, seed=seed)      # never started: it only names the rows
    model.httpd.server_close()
    fake, server = start_fake(folder, seed)
    seed = None
    try:
        with open(os.path.join(folder, 'users.csv'), 'w', encoding='utf-8') as handle:
            handle.write(to_csv(w1_rows(model, args.rows)))
        model = None
        # the run in a process of its own: nothing of the seed or the rows made here is in its memory
        return subprocess.call([sys.executable, os.path.abspath(__file__), '--run', folder, server] +
                               list(argv if argv is not None else sys.argv[1:]))
    finally:
        fake.terminate()
        fake.wait()


def profile_run(args, folder, server):
    """The measured run: the module on the CSV of ``folder`` against the fake at ``server``."""
    measure = Resident() if args.rss else traced
    lines, snapshots = [], {}

    def stage(name, method):
        @functools.wraps(method)
        def wrapped(*a, **kw):
            before = measure()[0]
            try:
                return method(*a, **kw)
            finally:
                lines.append((name, before) + measure())
        return wrapped

    def snap(name, func):
        @functools.wraps(func)
        def wrapped(*a, **kw):
            if name not in snapshots and not args.rss:
                snapshots[name] = tracemalloc.take_snapshot()
            return func(*a, **kw)
        return wrapped

    for name in STAGES:
        setattr(flow.UsersRun, name, stage(name, getattr(flow.UsersRun, name)))
    for name in ('_start_listings', '_read_edges', '_read_routes'):
        setattr(state, name, stage('  read_state: ' + name, getattr(state, name)))
    report.row_result = snap('first row planned', report.row_result)
    report.summary = snap('every result built', report.summary)
    basic.AnsibleModule._return_formatted = stage('exit_json', basic.AnsibleModule._return_formatted)
    params = dict(csv_path=os.path.join(folder, 'users.csv'), max_workers=16, api_key=testenv.API_KEY,
                  api_url=server, report_path=os.path.join(folder, 'report.csv'))
    if args.return_results:
        params['return_results'] = args.return_results
    if not args.rss:
        tracemalloc.start(args.frames)
    started = measure()[0]
    began = time.time()
    result = run_in_process('jcops.jumpcloud.jc_users_from_csv', params)
    seconds = time.time() - began
    measure()
    overall = tracemalloc.get_traced_memory() if not args.rss else (measure.now(), measure.overall)
    tracemalloc.stop()
    print('%d rows: %s; %d results returned' % (args.rows, result['summary']['by_status'], len(result['results'])))
    what = 'resident memory (RSS): %.1f MB before the module started' % started if args.rss else 'traced memory'
    print('%.0f s; %s' % (seconds, what))
    print('\n| stage | MB at its start | MB at its end | highest MB during it |\n|---|---|---|---|')
    for name, before, current, peak in lines:
        print('| %s | %.1f | %.1f | %.1f |' % (name, before, current, peak))
    for name, snapshot in snapshots.items():
        stats = snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)]).statistics('lineno')
        total = sum(s.size for s in stats) / MB
        print('\n%s: %.1f MB live; largest holders:' % (name, total))
        for item in stats[:args.top]:
            frame = item.traceback[0]
            where = frame.filename.split('site-packages/')[-1].split('jumpcloud/plugins/')[-1]
            print('  %7.1f MB %8d blocks  %s:%d' % (item.size / MB, item.count, where, frame.lineno))
    print('\n%s overall: %.1f MB at the end, %.1f MB at the highest' % (
        'resident' if args.rss else 'traced', overall[0] / MB, overall[1] / MB))
    return 0


if __name__ == '__main__':
    sys.exit(main())
