# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The flow of jc_users_from_csv, one way: read, validate, read state, check references, plan, apply, report.

:func:`apply_csv` takes plain parameters and returns the module's result, or raises :class:`RunFailed`
carrying the results so far; the module turns either into its exit.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import datetime
import functools
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.bulk import BulkWriter, job_fields, put_rest
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.concurrency import NOT_STARTED, UNFINISHED, bounded_map, drain
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.items import read_items
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import unpack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.failed_rows import FailedRows
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import OUTPUT_FILES
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.write import write_atomic
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.labels import read_labels
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import messages
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import nothing_written, output_path_problem, same_file_problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import (
    FAIL, SKIP, NewUsers, settle_missing_users)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan_create import NEW_USER, plan_row
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.progress import Progress, progress_path
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import (
    check_new_managers, check_references, check_restricted)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.options import RunOptions
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import RunResults
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import rollback
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import needed_fields, read_state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.deletes import check_deletes, over_limit, too_many_deletes
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.whole_record import read_whole_records


def apply_csv(options, connect, check_mode=False, want_diff=False, warn=None, now=None):
    """Apply the CSV ``options['csv_path']`` and return the module's result; raise :class:`RunFailed`
    (with every row's result that exists) when the run fails.

    ``options`` are the module's parameters (see :class:`RunOptions`). ``connect()`` gives the API client; it
    is first called once the file is read and valid in form, so a broken file needs no connection. ``warn``
    receives each warning of the rows, ``now`` (UTC) dates the MFA enrollment windows.
    """
    return UsersRun(RunOptions(options, check_mode, want_diff), connect, warn=warn, now=now).run()


class UsersRun:
    """One run of jc_users_from_csv, a method a stage; :meth:`run` is their sequence."""

    results_class = RunResults      # what holds every row's result as it is made

    def __init__(self, options, connect, warn=None, now=None):
        self.options = options
        self.path = options.source
        self._connect = connect
        self.warn = warn or (lambda text: None)
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        self.client = self.applier = self.interrupts = self.pool = self.progress = self.failed_rows = None
        # every row's result as it is made: return_results applies there (report.RunResults)
        self.rows = self.results_class(options.return_results, options.check_mode, lines=options.return_user_lines,
                                       report=bool(options.report_path) and not options.check_mode,
                                       plan_run=options.plan_given, keyed=options.matcher.keyed)
        self.rollback = None        # what the run wrote, for the rollback file (a real run with rollback_path)
        self.new_users = None       # the ids of the users the run creates, for the rows they manage

    def run(self):
        """Read, validate, read the state, check references, plan and apply each user, report."""
        self.check_outputs()
        rows = self.validate(self.read())
        self.connect(rows)
        try:
            state = self.read_state(rows)
            self.check_references(rows, state)
            labels = self.read_labels(rows, state)
            work = Selection(rows, RowUsers(state, rows), self.options.skip_invalid_rows)
            rows = state = None                 # each row is let go once its user is done
            done = self.apply(work, labels)
            return self.report(work, done)
        finally:
            self.close()

    def check_outputs(self):
        """The report, the failed-rows file and the progress file can be written, and none of them is the input
        or another of them (compared as files); checked before anything is read."""
        o = self.options
        outputs = [(name, getattr(o, name)) for name in ('report_path', 'failed_rows_path', 'rollback_path')
                   if getattr(o, name)]
        if o.report_path:
            outputs.append(('the progress file of report_path', progress_path(o.report_path)))
        problems = [same_file_problem([('csv_path', o.csv_path)] if o.csv_path else [], outputs)] + \
            [output_path_problem(target, what) for what, target in outputs]
        for problem in problems:
            if problem:
                raise RunFailed(nothing_written(problem), results=[], changed=False)

    def read(self):
        """The file's table (or the ``users`` items'); a broken file stops the run here with its problems."""
        if self.options.users is not None:
            table, problems = read_items(self.options.users)
        else:
            table, problems = read_csv(self.path, max_size=self.options.max_file_size,
                                       require_username=not self.options.matcher.keyed)
        if problems:
            raise RunFailed(messages.csv_rejected(self.path, problems), errors=[x.as_dict(self.path) for x in problems],
                            results=[], changed=False)
        return table

    def validate(self, table):
        """Each row with its cells checked in form; the table itself is kept only to write the failed rows back
        (a large file is not held twice otherwise)."""
        # taken first: parsing takes each read row out of the table
        self.failed_rows = FailedRows(table) if self.options.failed_rows_path else None
        return self.options.matcher.check_rows(parse_rows(table, self.options.clear_token,
                                                          username_required=not self.options.matcher.keyed))

    def connect(self, rows):
        """The client (no API message may show a row's password), the applier, the interrupts and the pool."""
        o = self.options
        self.client = self._connect()
        for row in rows:
            self.client.add_secret(row.password)
        self.rollback = rollback.Recorder() if o.rollback_path and not o.check_mode else None
        self.applier = Applier(self.client, o.check_mode, credential=o.credential, activation_email=o.activation_email,
                               recorder=self.rollback)
        self.interrupts = Interrupts(self.applier)
        self.progress = Progress(progress_path(o.report_path), o.matcher.keyed) if o.writes_progress else None
        self.pool = ThreadPoolExecutor(max_workers=o.max_workers)

    def read_state(self, rows):
        """What the rows refer to, read in bulk."""
        try:
            state = read_state(self.client, rows, self.pool, self.options.matcher)
            read_whole_records(self.client, rows, state, self.pool)     # of the users the rows delete
            return state
        except JumpCloudError as exc:
            raise RunFailed(messages.state_read_failed(self.client.redact(exc)), results=[], changed=False)

    def check_references(self, rows, state):
        """Users, groups, devices, LDAP servers and managers that do not exist; what to do with missing users;
        the fields JumpCloud keeps from being written (each a problem on its cell)."""
        self.options.matcher.check_users(rows, state)
        check_references(rows, state)
        check_deletes(rows, state, self.options)
        settle_missing_users(rows, state, self.options.missing_users or FAIL)
        check_new_managers(rows)
        check_restricted(rows, state, lambda desired, user: self.plan(
            desired, user, state.facts_for(desired, user)).changed_fields)
        deleting = over_limit(rows, state, self.options.max_deletes)
        if deleting:
            raise RunFailed(nothing_written(too_many_deletes(deleting, self.options.max_deletes)), results=[],
                            changed=False, deletes=len(deleting))

    def read_labels(self, rows, state):
        """The readable names of the devices, LDAP servers and managers the rows name."""
        try:
            return read_labels(self.client, rows, state, self.pool)
        except JumpCloudError as exc:
            raise RunFailed(messages.state_read_failed(self.client.redact(exc)), results=[], changed=False)

    def plan(self, desired, user, facts):
        """The writes that bring ``user`` to the checked row ``desired`` (pure)."""
        return plan_row(desired, user, facts, self.now, self.options.update_password)

    def apply(self, work, labels):
        """Plan and write each selected user on the pool, and make its result; a user's record is let go as soon
        as it is handed out, so a large file costs about one result per row. With write_mode bulk every user is
        planned first and the field changes go in bulk jobs. Returns each line's answer."""
        records = work.records
        self.new_users = NewUsers(work.queue, self.options.check_mode, self.interrupts.stopped)
        bulk = BulkPlans(records) if self.options.bulk else None
        self.start_writing()
        if bulk:
            self.write_jobs(bulk, work)
        one_user = functools.partial(self._one_user, bulk, records, labels)

        def handed_out(queue):
            for desired in drain(queue):
                yield desired, bulk.take(desired) if bulk else records.take(desired)

        answers = bounded_map(self.pool, one_user, handed_out(work.queue), self.options.max_workers * 4,
                              self.interrupts.stopped)
        done = dict(zip(work.lines, answers))
        for item in work.queue:                 # the users never handed out, after an interrupt
            done[item.line] = (NOT_STARTED, (item, bulk.take(item) if bulk else {'_id': records.id_of(item.username)}))
        if bulk:
            bulk.report_sent(done, one_user)
        records.release()
        return done

    def start_writing(self):
        """From the first write on, SIGINT and SIGTERM stop the run in order instead of losing its results, and
        the progress file gets a line a finished user."""
        if self.progress is not None:
            try:
                self.progress.start()
            except (IOError, OSError) as exc:
                raise RunFailed(nothing_written('the progress file %s cannot be written (%s)' % (
                    self.progress.path, exc.strerror or type(exc).__name__)), results=[], changed=False)
        self.interrupts.install()

    def write_jobs(self, bulk, work):
        """write_mode bulk: plan every selected user, then send the field changes in bulk jobs."""
        def plan_user(desired, user):
            if desired.manager_row is not None:
                raise ValueError('planned on the pool, once its manager exists')
            return self.plan(desired, user, work.records.facts(desired, user))
        bulk.plan(work.queue, plan_user)
        writer = BulkWriter(self.client, stopped=self.interrupts.stopped, read_fields=bulk.read_fields(),
                            replan=lambda plan, user: plan_user(plan.desired, user))
        if bulk.write(writer):
            self.applier.wrote.set()            # a job wrote: the key may write, a later 403 is its row's only

    def _one_user(self, bulk, records, labels, item):
        """One user's result and diff: planned, written and labelled (on a worker of the pool)."""
        desired, user = item
        try:
            waited = self.new_users.manager_id(desired) if desired.manager_row is not None else None
            if waited:
                return not_written_row(desired, user['_id'], waited), None
            plan = bulk.plan_of(desired) if bulk else None
            if plan is None:
                plan = self.plan(desired, user, records.facts(desired, user))
            outcome = bulk.apply(self.applier, plan) if bulk else self.applier.apply_one(plan)
            if plan.create:
                self.new_users.done(desired.username, outcome.user_id if outcome.created else None)
            result = labels.label_result(report.row_result(desired, user['_id'], outcome, self.path), plan)
            if self.progress is not None:
                self.progress.add(result)
            return self.rows.keep(result), labels.label_diff(report.user_diff(outcome)) if self.options.want_diff else None
        except Exception as exc:  # pylint: disable=broad-except
            # a record of an unexpected shape fails its own row, never the other users' results
            return internal_error_row(desired, user['_id'], exc, self.path), None
        finally:
            self.new_users.done(desired.username, None)     # a row that raised created no manager of another

    def report(self, work, done):
        """The module's result: every row's result in the file's order, the summary, the diffs, the report and
        failed-rows files, and the closing message (RunFailed when the run failed)."""
        o = self.options
        results, diffs = _in_file_order(work, done, self.path, self.interrupts.name, self.rows)
        for warning in self.rows.warnings:
            self.warn(warning)
        output = dict(changed=self.rows.changed > 0, results=results, summary=self.rows.summary(self.client.counts))
        if o.want_diff:
            output['diff'] = diffs
        if o.return_user_lines:
            output['user_lines'] = self.rows.user_lines()
        self.write_rollback(output)
        self.write_report(output)
        if self.failed_rows is not None:
            self.write_failed_rows(output)
        if work.invalid:
            output['errors'] = [x.as_dict(self.path) for r in work.invalid for x in r.problems]
        msg, failed = messages.final_message(self.path, results, output['summary'], work.invalid, o.skip_invalid_rows,
                                             self.applier.abort_reason, self.interrupts.stopped(), o.check_mode,
                                             credential=self.applier.credential)
        if failed:
            raise RunFailed(msg, **output)
        output['msg'] = msg
        return output

    def write_rollback(self, output):
        """The rollback file: the rows that undo every write JumpCloud accepted, or may have (never in check mode),
        written first, so that a report that cannot be written does not cost it."""
        path = self.options.rollback_path
        if self.rollback is None:
            return
        rows = list(rollback.rollback_rows(self.rollback.entries()))
        output.update(rollback.rollback_result(rows))
        if not rows:
            return          # nothing to undo: an earlier file there (the way back from an earlier run) is left alone
        try:
            before = write_atomic(path, rollback.render_rollback(rows, self.options.clear_token),
                                  **self.options.file_options)
        except (IOError, OSError) as exc:
            raise RunFailed(messages.report_not_written(path, exc, 'the rollback file'), **output)
        output['rollback_path'] = path
        output.setdefault(OUTPUT_FILES, []).append((path, before))

    def write_report(self, output):
        """The CSV report (never in check mode, where an existing report's file attributes are still shown as a
        real run would set them); the progress file goes once the report replaced it."""
        path = self.options.report_path
        if not path:
            return
        if self.options.check_mode:
            output.setdefault(OUTPUT_FILES, []).append((path, None))
            return
        try:
            before = write_atomic(path, self.rows.report_text(), **self.options.file_options)
        except (IOError, OSError) as exc:
            raise RunFailed(messages.report_not_written(path, exc), **output)
        output['report_path'] = path
        output.setdefault(OUTPUT_FILES, []).append((path, before))
        if self.progress is not None:
            self.progress.remove()

    def write_failed_rows(self, output):
        """The rows that failed, in the input's format, at ``failed_rows_path`` (never in check mode; when none
        failed an earlier file there is left alone). The result says how many rows failed, and where they are."""
        path = self.options.failed_rows_path
        text = self.failed_rows.render(output['results'])
        output['failed_rows'] = len(self.failed_rows.selected(output['results']))
        if text is None or self.options.check_mode:
            return
        try:
            # it holds passwords: a new file of the running user's, 0600, whatever the file options or the path held
            write_atomic(path, text, private=True)
        except (IOError, OSError) as exc:
            raise RunFailed(messages.report_not_written(path, exc, 'the failed rows'), **output)
        output['failed_rows_path'] = path

    def close(self):
        """The progress file closed (left in place unless the report replaced it); after an interrupt, the users
        still being written are not waited for beyond INTERRUPT_GRACE; the signal handlers restored."""
        if self.progress is not None:
            self.progress.close()
        if self.pool is not None:
            self.pool.shutdown(wait=not self.interrupts.stopped(), cancel_futures=True)
        if self.interrupts is not None:
            self.interrupts.restore()


class Selection:
    """Which checked rows are written (the queue handed out to the pool), and the order of every row's result.

    With an invalid row and ``skip_invalid_rows`` false, no row is written: each valid row says why.
    """

    def __init__(self, rows, records, skip_invalid_rows):
        self.records = records
        self.invalid = [r for r in rows if r.problems]
        valid = [r for r in rows if not r.problems and r.missing != SKIP and not getattr(r, 'stale', None)]
        self.skipped_reason = None
        if self.invalid and not skip_invalid_rows:
            self.skipped_reason = 'not applied: %d row(s) are invalid and skip_invalid_rows is false' % len(self.invalid)
            valid = []
        # a row whose manager another row creates goes last: every row creating a user has started before it
        valid = [r for r in valid if r.manager_row is None] + [r for r in valid if r.manager_row is not None]
        self.order = [r.line for r in rows]
        self.others = dict((r.line, r) for r in rows if r.problems or self.skipped_reason or r.missing == SKIP or
                           getattr(r, 'stale', None))
        self.lines = [r.line for r in valid]
        self.queue = collections.deque(valid)


class RowUsers:
    """The user record of each checked row, handed out once, and each row's user id for the report.

    Made once the references are checked, it lets go at once of the state's lookup indexes (planning needs
    each row's own user and nothing else of the users), and of each user's record as its row is handed out
    (:meth:`take`), so that a large file holds about one result per row by the end. The ids are kept from
    the start, whatever is taken later, so a row reported without a plan (refused, skipped, not attempted)
    still names its user: the order of these steps is not the caller's to get right.
    """

    def __init__(self, state, rows):
        state.keep_only_row_users()
        self._state = state
        self._ids = {}
        for row in rows:
            user = state.users_by_name.get(row.username)
            if user is not None:
                self._ids[row.username] = user['_id']

    def take(self, desired):
        """The current record of the user of the checked row ``desired``, let go of here (an empty record
        without an id for a user to create)."""
        if desired.missing is not None:
            return dict(NEW_USER)
        return unpack(self._state.users_by_name.pop(desired.username))

    def facts(self, desired, user):
        """The :class:`UserFacts` that planning ``desired`` for ``user`` needs."""
        return self._state.facts_for(desired, user)

    def id_of(self, username):
        """The id of the user called ``username`` (as JumpCloud spells it), or None when there is none."""
        return self._ids.get(username)

    def release(self):
        """Let go of the state once every row is done."""
        self._state = None


class BulkPlans:
    """``write_mode: bulk``: every checked row planned before the writes, and what became of each user's job.

    A row whose planning raised keeps its user record, and is planned (and fails) again on the pool. A user
    whose job fields are written gets a PUT of the rest of its fields only; one whose job outcome cannot be
    told sends none of its job fields again and says so; every other user gets its whole PUT.
    """

    def __init__(self, records):
        self._records = records
        self._plans = {}            # line -> plan
        self._users = {}            # line -> what the pool is handed as the row's user
        self._done = set()          # user ids whose job fields a job wrote
        self._unknown = {}          # user id -> why its job's outcome cannot be told

    def plan(self, rows, plan_user):
        for desired in rows:
            user = self._records.take(desired)
            try:
                self._plans[desired.line] = plan_user(desired, user)
                user = {'_id': user['_id']}
            except Exception:  # pylint: disable=broad-except
                pass
            self._users[desired.line] = user

    def read_fields(self):
        """The user fields a re-read of the planned users needs to plan them again."""
        return needed_fields([plan.desired for plan in self._plans.values()])

    def write(self, writer):
        """Send the plans' job fields in bulk jobs; whether a job wrote any user's."""
        writer.write(list(self._plans.values()))
        self._done, self._unknown = writer.done, writer.unknown
        return bool(self._done)

    def take(self, desired):
        return self._users.pop(desired.line)

    def plan_of(self, desired):
        return self._plans.pop(desired.line, None)

    def sent(self, line):
        """Whether the job fields of the plan of ``line`` (not yet handed out) were in an accepted job."""
        plan = self._plans.get(line)
        return plan is not None and (plan.user_id in self._done or plan.user_id in self._unknown)

    def apply(self, applier, plan):
        """Apply ``plan``: its PUT carries only what no job wrote, or may have written."""
        uid = plan.user_id
        if plan.create or (uid not in self._done and uid not in self._unknown):
            return applier.apply_one(plan)
        fields = job_fields(plan)
        rest = put_rest(plan)
        if uid in self._done and not rest:
            return applier.apply_one(plan, fields_written=True)
        body = plan.body
        plan.body = rest
        try:
            outcome = applier.apply_one(plan)
        finally:
            plan.body = body
        # the job's fields are undone with the rest (undoing what was not written writes nothing)
        applier.record(plan, rollback.FIELDS, rollback.UNKNOWN if uid in self._unknown else rollback.ACCEPTED)
        outcome.changed = True
        if uid in self._unknown:
            outcome.errors.insert(0, 'outcome unknown: its bulk job was accepted, but %s; %s not sent again, '
                                  'rerun to finish' % (self._unknown[uid], ', '.join(fields)))
        elif outcome.failed and not outcome.fields_written:
            outcome.errors.append('its bulk job wrote %s' % ', '.join(fields))
        return outcome

    def report_sent(self, done, one_user):
        """After an interrupt: each row not started whose job was accepted is reported as its job left it
        (written, or outcome unknown), with its other writes not attempted, never as not attempted whole."""
        for line, answer in done.items():
            if answer[0] == NOT_STARTED and self.sent(line):
                done[line] = one_user(answer[1])


def _in_file_order(work, done, path, signal_name, rows):
    """Every row's result handed to ``rows`` (a ``report.RunResults``) in the order of the file; the results it
    returns, and the diffs."""
    diffs = []
    for line in work.order:
        answer = done.pop(line, None)
        if answer is None:
            row = work.others[line]
            rows.add(report.row_result(row, work.records.id_of(row.username), None, path, work.skipped_reason))
            continue
        if answer[0] in (NOT_STARTED, UNFINISHED):
            desired, user = answer[1]
            rows.add(interrupted_row(answer[0], desired, user['_id'], signal_name))
            continue
        rows.add(answer[0])
        if answer[1] is not None:
            diffs.append(answer[1])
    return rows.results, diffs


def internal_error_row(desired, user_id, exc, path):
    """The failed row of a user whose task raised: the exception's type only, never a value of the record."""
    result = report.row_result(desired, user_id, None, path)
    result.update(status=st.FAILED, failed=True,
                  msg='internal error: %s while planning or applying this user (the user record from JumpCloud has '
                  'an unexpected shape); nothing more was written for this user' % type(exc).__name__)
    return result


def not_written_row(desired, user_id, why):
    """The failed row of a user none of whose writes was sent, and why."""
    result = report.row_result(desired, user_id, None)
    result.update(status=st.FAILED, failed=True, msg=why)
    return result


def interrupted_row(kind, desired, user_id, signal_name):
    """The row of a user the interrupt reached before (NOT_STARTED) or during (UNFINISHED) its writes."""
    result = report.row_result(desired, user_id, None)
    if kind == NOT_STARTED:
        msg = 'not attempted: the run was interrupted by %s' % signal_name
    else:
        msg = ('interrupted by %s while its writes were under way; they may have been applied, rerun to finish'
               % signal_name)
    result.update(status=st.FAILED, failed=True, changed=kind == UNFINISHED, msg=msg)
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
