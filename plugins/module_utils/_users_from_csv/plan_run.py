# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Saved plans in the run: a check mode run that saves its plan, and a run that applies one as it is.

:func:`run_users` picks the run: :class:`PlanMaker` (check mode with ``plan_path`` or ``return_plan``) plans as
every check mode run does and keeps each row's plan, what it depends on and its writes; :class:`PlanRun`
(``plan_path`` in a real run, or ``plan``) reads the plan instead of the CSV, refuses one made for another org,
by another version, too old or edited, and applies each row's plan unless what the row depends on changed since
(the row is then ``stale``). Both are :class:`UsersRun`, the same stages in the same order.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import unpack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import (
    not_a_regular_file, nothing_written, output_path_problem, same_file_problem)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.write import write_atomic
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import saved_plan
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.drift import changes, depends
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.flow import UsersRun
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import CREATE, SKIP
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.options import (
    ARGUMENT_SPEC, ON_STALE_FAIL, PLAN_SHAPING_OPTIONS, RunOptions)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan_create import NEW_USER
from ansible_collections.jcops.jumpcloud.plugins.module_utils._version import COLLECTION_VERSION

# the rows a saved plan holds: those a check mode run would write or found as asked
_PLANNED = (st.WOULD_CREATE, st.WOULD_UPDATE, st.WOULD_DELETE, st.UNCHANGED)


def run_users(params, connect, check_mode=False, want_diff=False, warn=None, now=None):
    """The module's flow: a run from the CSV, a check mode run that saves its plan, or a run applying a plan."""
    options = RunOptions(params, check_mode, want_diff)
    if options.plan is not None and options.plan_path is not None:
        raise RunFailed(nothing_written('plan and plan_path are exclusive: give the plan one way'), results=[],
                        changed=False)
    if options.plan_given:
        return PlanRun(options, connect, warn=warn, org_id=params.get('org_id')).run()
    if not options.csv_path and options.users is None:
        raise RunFailed(nothing_written('csv_path or users is required, unless the run applies a saved plan '
                                        '(plan_path or plan)'), results=[], changed=False)
    if options.makes_plan:
        return PlanMaker(options, connect, warn=warn, now=now, org_id=params.get('org_id')).run()
    return UsersRun(options, connect, warn=warn, now=now).run()


def org_of(client, org_id):
    """The org a run acts in: ``org_id`` when the connection names one, else the key's own org as
    ``GET /api/organizations`` lists it (a key of one org lists that org alone)."""
    if org_id:
        return org_id
    try:
        answer = client.get(endpoints.ORGANIZATIONS, params={'fields': '_id', 'limit': 2})
    except JumpCloudError as exc:
        raise RunFailed(nothing_written('reading the key\'s organisation failed: %s' % client.redact(exc)),
                        results=[], changed=False)
    orgs = [endpoints.object_id(o) for o in (answer or {}).get('results') or []]
    if len(orgs) != 1 or not orgs[0]:
        raise RunFailed(nothing_written('the key reaches %d organisations: set org_id, the one the plan is for'
                                        % len(orgs)), results=[], changed=False)
    return orgs[0]


class _Recorder:
    """A client that keeps the writes an :class:`Applier` sends it, secrets masked, and sends none."""

    def __init__(self):
        self.writes = []

    def put(self, path, body):
        self.writes.append({'method': 'PUT', 'path': path, 'body': saved_plan.masked(body)})

    def post(self, path, body, idempotent=False):    # pylint: disable=unused-argument
        self.writes.append({'method': 'POST', 'path': path, 'body': saved_plan.masked(body)})
        return {'_id': saved_plan.NEW}

    def delete(self, path, params=None):
        self.writes.append({'method': 'DELETE', 'path': path, 'params': dict(params or {})})


def writes_of(plan, activation_email):
    """The requests applying ``plan`` sends, one a write (a user to create is named by ``saved_plan.NEW``)."""
    recorder = _Recorder()
    Applier(recorder, False, activation_email=activation_email).apply_one(plan)
    return recorder.writes


def _json(value):
    """``value`` as it reads back from JSON (tuples as lists), to compare with a plan's."""
    return json.loads(json.dumps(value))


class _PlannedRows(report.RunResults):
    """Every row's result, as a run holds them, and the lines of the rows a saved plan keeps (planned rows, noted
    as their results are made, whether or not ``return_results`` returns them)."""

    def __init__(self, *args, **kwargs):
        super(_PlannedRows, self).__init__(*args, **kwargs)
        self.planned = set()

    def keep(self, result):
        if result['status'] in _PLANNED:
            self.planned.add(result['row'])
        return super(_PlannedRows, self).keep(result)


class PlanMaker(UsersRun):
    """A check mode run that keeps each row's plan and writes (``plan_path``) or returns (``return_plan``) it."""

    results_class = _PlannedRows

    def __init__(self, options, connect, warn=None, now=None, org_id=None):
        super(PlanMaker, self).__init__(options, connect, warn=warn, now=now)
        self.now = self.now.replace(microsecond=0)     # the plan records its time to the second
        self.org_id = org_id
        self.kept = {}
        self.csv_sha256 = None

    def check_outputs(self):
        super(PlanMaker, self).check_outputs()
        path = self.options.plan_path
        if path:
            problem = same_file_problem([('csv_path', self.options.csv_path)], [('plan_path', path)]) or \
                output_path_problem(path, 'the plan')
            if problem:
                raise RunFailed(nothing_written(problem), results=[], changed=False)

    def read(self):
        """The file's table, and its sha256 (the plan records it) once the file is known to be a regular one."""
        table = super(PlanMaker, self).read()
        self.csv_sha256 = saved_plan.source_sha256(self.options)
        return table

    def connect(self, rows):
        super(PlanMaker, self).connect(rows)
        self.org_id = org_of(self.client, self.org_id)

    def plan(self, desired, user, facts):
        plan = super(PlanMaker, self).plan(desired, user, facts)
        self.kept[desired.line] = (plan, depends(desired, user, facts))
        return plan

    def report(self, work, done):
        output = super(PlanMaker, self).report(work, done)
        rows = []
        for line in sorted(self.rows.planned):
            if line in self.kept:
                plan, facts = self.kept[line]
                rows.append(saved_plan.row_entry(plan, _json(facts), writes_of(plan, self.options.activation_email)))
        o = self.options
        document = saved_plan.make_document(rows, dict((name, getattr(o, name)) for name in PLAN_SHAPING_OPTIONS),
                                            self.csv_sha256, self.org_id, COLLECTION_VERSION,
                                            self.now)
        if o.plan_path:
            try:
                # a plan holds no secret, but it is what will be applied: the running user's, 0600
                write_atomic(o.plan_path, saved_plan.render(document), private=True)
            except (IOError, OSError) as exc:
                raise RunFailed('the plan could not be written to %s (%s)' % (o.plan_path, exc.strerror or type(exc).__name__),
                                **output)
            output['plan_path'] = o.plan_path
        output['plan_id'] = document['id']
        output['plan'] = document
        output['msg'] += '; plan %s (%d row(s))' % (document['id'], len(rows))
        return output


class PlanRun(UsersRun):
    """A run applying a saved plan (``plan_path`` or ``plan``): each row's plan, or ``stale`` when what it
    depends on changed since; in check mode, the prediction of that run."""

    def __init__(self, options, connect, warn=None, org_id=None):
        super(PlanRun, self).__init__(options, connect, warn=warn)
        self.path = options.source if options.csv_path or options.users is not None else options.plan_path or 'plan'
        self.org_id = org_id
        self.document = None

    def check_outputs(self):
        if self.options.failed_rows_path and not self.options.csv_path and self.options.users is None:
            raise RunFailed(nothing_written('failed_rows_path writes the failed rows in the CSV\'s format: give '
                                            'csv_path, the file the plan was made from'), results=[], changed=False)
        super(PlanRun, self).check_outputs()

    def refuse(self, reason):
        where = self.options.plan_path or 'the plan given in plan'
        return RunFailed(nothing_written('%s cannot be applied: %s' % (where, reason)), results=[], changed=False,
                         plan_id=(self.document or {}).get('id'))

    def read(self):
        """The plan, checked (its id, version, age and options), then the CSV's table when it is given, checked
        against the plan's sha256."""
        o = self.options
        self.document = o.plan if o.plan is not None else self._load(o.plan_path)
        try:
            made = saved_plan.check_document(self.document, COLLECTION_VERSION, self.now, o.plan_max_age)
            shaping = dict((name, getattr(o, name)) for name in PLAN_SHAPING_OPTIONS)
            defaults = dict((name, ARGUMENT_SPEC[name].get('default')) for name in PLAN_SHAPING_OPTIONS)
            saved_plan.check_options(self.document, shaping, defaults)
            if not o.csv_path and o.users is None:
                saved_plan.check_csv(self.document, None)
        except saved_plan.PlanRefused as exc:
            raise self.refuse(str(exc))
        for name, value in self.document['options'].items():
            if name in PLAN_SHAPING_OPTIONS:
                setattr(o, name, value)
        self.now = made             # an MFA enrollment window is the plan's, to the second
        if not o.csv_path and o.users is None:
            return None
        table = super(PlanRun, self).read()      # a regular file of at most max_file_size, or refused here
        try:
            saved_plan.check_csv(self.document, saved_plan.source_sha256(o))
        except saved_plan.PlanRefused as exc:
            raise self.refuse(str(exc))
        except (IOError, OSError) as exc:
            raise self.refuse('csv_path %s cannot be read (%s)' % (o.csv_path, exc.strerror or type(exc).__name__))
        return table

    def _load(self, path):
        """The plan file's JSON; a folder, a FIFO or a device, or a file over max_file_size, is refused."""
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise self.refuse(not_a_regular_file('it'))
            if info.st_size > self.options.max_file_size:
                raise self.refuse('it is larger than max_file_size (%d bytes)' % self.options.max_file_size)
            with open(path, 'rb') as handle:
                return json.loads(handle.read().decode('utf-8'))
        except (IOError, OSError) as exc:
            raise self.refuse('it cannot be read (%s)' % (exc.strerror or type(exc).__name__))
        except ValueError as exc:
            raise self.refuse('it is not JSON (%s)' % exc)

    def validate(self, table):
        """Each planned row as it stood at planning, with its password from the CSV when it needs one."""
        rows = [saved_plan.decode_row(entry) for entry in self.document['rows']]
        if table is not None:
            passwords = dict((r.line, r.password) for r in super(PlanRun, self).validate(table))
            for row, entry in zip(rows, self.document['rows']):
                if entry.get('needs_password'):
                    row.password = passwords.get(row.line)
        return rows

    def connect(self, rows):
        """Connect, and refuse a plan made for another org before any user is read."""
        super(PlanRun, self).connect(rows)
        org = org_of(self.client, self.org_id)
        if org != self.document.get('org_id'):
            raise self.refuse('it was made for org %s, and this run acts in org %s' % (self.document.get('org_id'), org))

    def check_references(self, rows, state):
        """The references as every run checks them, then each row's drift: a row whose user changed in what the
        row touches since the plan is stale, unless it is already as the plan leaves it."""
        super(PlanRun, self).check_references(rows, state)
        planned = dict((entry['line'], entry['depends']) for entry in self.document['rows'])
        for row in rows:
            if row.problems or row.missing == SKIP:
                reasons = [p.message for p in row.problems] or ['the user no longer exists']
                row.problems = []
                row.stale = _stale(reasons)
                continue
            user = dict(NEW_USER) if row.missing == CREATE else unpack(state.users_by_name.get(row.username))
            facts = state.facts_for(row, user)
            current = _json(depends(row, user, facts))
            if current != planned[row.line] and self.plan(row, user, facts).has_changes:
                row.stale = _stale(changes(planned[row.line], current))
        stale = [r for r in rows if getattr(r, 'stale', None)]
        if stale and self.options.on_stale == ON_STALE_FAIL:
            self._fail_stale(rows, stale, state)

    def _fail_stale(self, rows, stale, state):
        reason = 'not applied: %d row(s) are stale and on_stale is fail' % len(stale)
        results = []
        for row in rows:
            user = state.users_by_name.get(row.username) or {}
            results.append(report.row_result(row, user.get('_id'), None, self.path, reason))
        summary = report.summary(results, self.client.counts, self.options.check_mode, plan_run=True)
        raise RunFailed(nothing_written('%s: %s' % (reason, _named(stale))), results=results, summary=summary,
                        changed=False, plan_id=self.document['id'])

    def report(self, work, done):
        try:
            output = super(PlanRun, self).report(work, done)
        except RunFailed as exc:
            exc.result['plan_id'] = self.document['id']
            exc.msg = _with_plan(exc.msg, exc.result.get('results', ()), self.document['id'], self.options.check_mode)
            raise
        output['plan_id'] = self.document['id']
        output['msg'] = _with_plan(output['msg'], output['results'], self.document['id'], self.options.check_mode)
        return output


def _stale(changed):
    """The message of a stale row: what changed since the plan."""
    return 'stale: changed since the plan: %s; this user was left as it is' % '; '.join(changed)


def _named(rows):
    return ', '.join('%s (row %d)' % (r.username, r.line) for r in rows)


def _with_plan(msg, results, plan, check_mode):
    """A plan run's message: the plan applied, and the stale rows by name."""
    stale = [r for r in results if r.get('status') == st.STALE]
    if stale:
        msg += '; %d stale (changed since the plan, not written): %s' % (
            len(stale), ', '.join('%s (row %d)' % (r['username'], r['row']) for r in stale))
    return '%s; plan %s %s' % (msg, plan, 'would be applied' if check_mode else 'applied')
