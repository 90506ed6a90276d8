# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The flow of jc_users_from_csv, one way: read, validate, read state, plan, apply, report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import datetime
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from ansible_collections.jcops.jumpcloud.plugins.module_utils._apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv_reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._outputs import output_path_problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._plan import plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._problems import summarise
from ansible_collections.jcops.jumpcloud.plugins.module_utils import _report as report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._state import read_state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._references import check_references, check_restricted
from ansible_collections.jcops.jumpcloud.plugins.module_utils._validate import parse_rows

# After SIGINT or SIGTERM, the users whose writes are already under way get this many seconds to finish.
INTERRUPT_GRACE = 10.0
NOT_STARTED = 'not started'
UNFINISHED = 'unfinished'


def run(module, now=None):
    p = module.params
    path = p['csv_path']
    now = now or datetime.datetime.now(datetime.timezone.utc)

    # 0. every output path is checked before anything is read or written
    if p['report_path']:
        problem = output_path_problem(p['report_path'], 'report_path')
        if problem:
            module.fail_json(msg='%s; nothing was written' % problem, results=[], changed=False)

    # 1. read the file; a broken file stops here with its problems
    table, problems = read_csv(path)
    if problems:
        module.fail_json(msg='%s cannot be used; nothing was written:\n%s' % (path, summarise(problems, path)),
                         errors=[x.as_dict(path) for x in problems], results=[], changed=False)

    # 2. validate each cell
    rows = parse_rows(table, p['clear_token'])
    table = None            # the cells are in the rows now; a large file is not held twice
    client = module.client
    for row in rows:
        client.add_secret(row.password)     # no API message may show a row's password
    applier = Applier(client, module.check_mode)
    interrupts = Interrupts(applier)
    pool = ThreadPoolExecutor(max_workers=p['max_workers'])
    try:
        # 3. read what the rows refer to, in bulk, and validate the references
        try:
            state = read_state(client, rows, pool)
        except JumpCloudError as exc:
            module.fail_json(msg='reading the current JumpCloud state failed; nothing was written: %s'
                             % client.redact(exc), results=[], changed=False)
        check_references(rows, state)
        check_restricted(rows, state, lambda desired, user: plan_user(desired, user, state.facts_for(desired, user), now,
                                                                      p['update_password']).changed_fields)
        state.keep_only_row_users()
        invalid = [r for r in rows if r.problems]
        valid = [r for r in rows if not r.problems]
        skipped_reason = None
        if invalid and not p['skip_invalid_rows']:
            skipped_reason = 'not applied: %d row(s) are invalid and skip_invalid_rows is false' % len(invalid)
            valid = []

        # 4. plan (pure), 5. apply and 6. report each user on the pool; a user's records are let go as
        # soon as its result exists, so that a large file costs about one result per row
        want_diff = module._diff

        def one_user(item):
            desired, user = item
            try:
                outcome = applier.apply_one(plan_user(desired, user, state.facts_for(desired, user), now,
                                                      p['update_password']))
                return report.row_result(desired, user['_id'], outcome, path), \
                    report.user_diff(outcome) if want_diff else None
            except Exception as exc:  # pylint: disable=broad-except
                # a record of an unexpected shape fails its own row, never the other users' results
                return internal_error_row(desired, user['_id'], exc, path), None

        def handed_out(queue):
            for desired in _drain(queue):
                yield desired, state.users_by_name.pop(desired.username)

        order = [r.line for r in rows]
        others = dict((r.line, r) for r in rows if r.problems or skipped_reason)
        # the ids for the rows not applied, taken before the applied ones let go of their users
        user_ids = dict((r.username, state.users_by_name[r.username]['_id']) for r in others.values()
                        if r.username in state.users_by_name)
        lines = [r.line for r in valid]
        queue = collections.deque(valid)
        rows = valid = None                     # each row is let go once its user is done
        # from the first write on, SIGINT and SIGTERM stop the run in order instead of losing its results
        interrupts.install()
        answers = bounded_map(pool, one_user, handed_out(queue), p['max_workers'] * 4, interrupts.stopped)
        done = dict(zip(lines, answers))
        for item in queue:                      # the users never handed out, after an interrupt
            done[item.line] = (NOT_STARTED, (item, state.users_by_name[item.username]))
        queue = None
        state = None
        return _finish(module, p, path, order, done, others, user_ids, skipped_reason, invalid, applier, interrupts,
                       want_diff)
    finally:
        # after an interrupt, the users still being written are not waited for beyond INTERRUPT_GRACE
        pool.shutdown(wait=not interrupts.stopped(), cancel_futures=True)
        interrupts.restore()


def _finish(module, p, path, order, done, others, user_ids, skipped_reason, invalid, applier, interrupts, want_diff):
    client = module.client
    # the results, in file order
    results, diffs = [], []
    for line in order:
        answer = done.pop(line, None)
        if answer is None:
            row = others[line]
            results.append(report.row_result(row, user_ids.get(row.username), None, path, skipped_reason))
            continue
        if answer[0] in (NOT_STARTED, UNFINISHED):
            results.append(interrupted_row(answer[0], answer[1], interrupts.name))
            continue
        results.append(answer[0])
        if answer[1] is not None:
            diffs.append(answer[1])
    for result in results:
        for warning in result.get('warnings', ()):
            module.warn(warning)
    output = dict(changed=any(r['changed'] for r in results), results=results,
                  summary=report.summary(results, client.counts))
    if want_diff:
        output['diff'] = diffs
    if p['report_path'] and not module.check_mode:
        try:
            report.write_atomic(p['report_path'], report.render_report(results))
        except (IOError, OSError) as exc:
            module.fail_json(msg='the results report could not be written to %s (%s); the results are here'
                             % (p['report_path'], exc.strerror or type(exc).__name__), **output)
        output['report_path'] = p['report_path']
    if invalid:
        problems = [x for r in invalid for x in r.problems]
        output['errors'] = [x.as_dict(path) for x in problems]
        lead = '%s has %d invalid row(s)' % (path, len(invalid))
        lead += '; the valid rows were applied' if p['skip_invalid_rows'] else '; nothing was written'
        failures = report.failure_message([r for r in results if r['status'] == 'failed'], path)
        msg = '%s:\n%s' % (lead, summarise(problems, path))
        if failures:
            msg += '\n' + failures
        module.fail_json(msg=msg, **output)
    failures = report.failure_message(results, path)
    if failures:
        if applier.abort_reason:
            rerun = 'rerun to finish' if interrupts.stopped() else 'rerun when the key works'
            failures = '%s; %s, the users already updated will be unchanged.\n%s' % (
                applier.abort_reason[0].upper() + applier.abort_reason[1:], rerun, failures)
        module.fail_json(msg=failures, **output)
    module.exit_json(msg=_done_message(output['summary'], module.check_mode), **output)


def internal_error_row(desired, user_id, exc, path):
    """The failed row of a user whose task raised: the exception's type only, never a value of the record."""
    result = report.row_result(desired, user_id, None, path)
    result.update(status='failed', failed=True,
                  msg='internal error: %s while planning or applying this user (the user record from JumpCloud has '
                  'an unexpected shape); nothing more was written for this user' % type(exc).__name__)
    return result


def interrupted_row(kind, item, signal_name):
    """The row of a user the interrupt reached before (NOT_STARTED) or during (UNFINISHED) its writes."""
    desired, user = item
    result = report.row_result(desired, user['_id'], None)
    if kind == NOT_STARTED:
        msg = 'not attempted: the run was interrupted by %s' % signal_name
    else:
        msg = ('interrupted by %s while its writes were under way; they may have been applied, rerun to finish'
               % signal_name)
    result.update(status='failed', failed=True, changed=kind == UNFINISHED, msg=msg)
    return result


class Interrupts:
    """SIGINT and SIGTERM during the writes: stop handing out users and let the ones under way finish.

    The handler only records the signal and stops the applier (the users already handed out send no
    further write); the flow then reports every row: done, failed, or not attempted.
    """

    def __init__(self, applier):
        self.applier = applier
        self.name = None
        self.previous = {}

    def stopped(self):
        return self.name is not None

    def install(self):
        if threading.current_thread() is not threading.main_thread():
            return              # signal handlers can only be set from the main thread
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.previous[signum] = signal.signal(signum, self._handle)

    def restore(self):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self.previous = {}

    def _handle(self, signum, _frame):
        if self.name is not None:
            return
        self.name = signal.Signals(signum).name
        if not self.applier.abort.is_set():
            self.applier.abort_reason = 'the run was interrupted by %s' % self.name
            self.applier.abort.set()


def _drain(queue):
    """The items of ``queue``, each removed as it is handed out."""
    while queue:
        yield queue.popleft()


def bounded_map(pool, func, items, window, stopped=None, grace=INTERRUPT_GRACE):
    """``pool.map(func, items)`` with at most ``window`` tasks queued at a time, in order.

    Queuing every user at once would hold a future (and its row) per user until the end.
    Once ``stopped()`` is true no further item is taken; each task not started yet gives
    ``(NOT_STARTED, item)``, and one still running ``grace`` seconds later ``(UNFINISHED, item)``.
    """
    items = iter(items)
    pending = collections.deque()
    stopped = stopped or (lambda: False)

    def refill():
        while len(pending) < window and not stopped():
            for item in items:
                pending.append((pool.submit(func, item), item))
                break
            else:
                return

    refill()
    deadline = None
    while pending:
        future, item = pending.popleft()
        while not stopped():
            try:
                answer = future.result(timeout=0.25)
                break
            except FutureTimeout:
                continue
        if stopped():
            if deadline is None:
                deadline = time.monotonic() + grace
            if future.cancel():
                answer = (NOT_STARTED, item)
            else:
                try:
                    answer = future.result(timeout=max(0.0, deadline - time.monotonic()))
                except FutureTimeout:
                    answer = (UNFINISHED, item)
        future = item = None
        yield answer
        refill()


def _done_message(summary, check_mode):
    counts = summary['by_status']
    verb = 'would update' if check_mode else 'updated'
    return '%s %d user(s); %d unchanged' % (verb, counts['updated'], counts['unchanged'])
