# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

"""The flow of jc_users_from_csv, one way: read, validate, read state, plan, apply, report."""

import collections
import datetime
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv_reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._plan import plan_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._problems import summarise
from ansible_collections.jcops.jumpcloud.plugins.module_utils import _report as report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._state import read_state
from ansible_collections.jcops.jumpcloud.plugins.module_utils._validate import check_references, parse_rows


def run(module, now=None):
    p = module.params
    path = p['csv_path']
    now = now or datetime.datetime.now(datetime.timezone.utc)

    # 1. read the file; a broken file stops here with its problems
    table, problems = read_csv(path, max_size=p['max_file_size'])
    if problems:
        module.fail_json(msg='%s cannot be used; nothing was written:\n%s' % (path, summarise(problems, path)),
                         errors=[x.as_dict(path) for x in problems], results=[], changed=False)

    # 2. validate each cell
    rows = parse_rows(table, p['clear_token'])
    table = None            # the cells are in the rows now; a large file is not held twice
    client = module.client
    with ThreadPoolExecutor(max_workers=p['max_workers']) as pool:
        # 3. read what the rows refer to, in bulk, and validate the references
        try:
            state = read_state(client, rows, pool)
        except JumpCloudError as exc:
            module.fail_json(msg='reading the current JumpCloud state failed; nothing was written: %s'
                             % client.redact(exc), results=[], changed=False)
        check_references(rows, state)
        state.keep_only_row_users()
        invalid = [r for r in rows if r.problems]
        valid = [r for r in rows if not r.problems]
        skipped_reason = None
        if invalid and not p['skip_invalid_rows']:
            skipped_reason = 'not applied: %d row(s) are invalid and skip_invalid_rows is false' % len(invalid)
            valid = []

        # 4. plan (pure), 5. apply and 6. report each user on the pool; a user's records are let go as
        # soon as its result exists, so that a large file costs about one result per row
        applier = Applier(client, module.check_mode)
        want_diff = module._diff

        def one_user(desired):
            user = state.users_by_name.pop(desired.username)
            outcome = applier.apply_one(plan_user(desired, user, state, now, p['update_password']))
            return report.row_result(desired, user['_id'], outcome, path), \
                report.user_diff(outcome) if want_diff else None

        order = [r.line for r in rows]
        others = dict((r.line, r) for r in rows if r.problems or skipped_reason)
        # the ids for the rows not applied, taken before the applied ones let go of their users
        user_ids = dict((r.username, state.users_by_name[r.username]['_id']) for r in others.values()
                        if r.username in state.users_by_name)
        lines = [r.line for r in valid]
        answers = bounded_map(pool, one_user, _drain(collections.deque(valid)), p['max_workers'] * 4)
        rows = valid = None                     # each row is let go once its user is done
        done = dict(zip(lines, answers))
        state = None

    # the results, in file order
    results, diffs = [], []
    for line in order:
        answer = done.pop(line, None)
        if answer is None:
            row = others[line]
            results.append(report.row_result(row, user_ids.get(row.username), None, path, skipped_reason))
            continue
        results.append(answer[0])
        if answer[1] is not None:
            diffs.append(answer[1])
    output = dict(changed=any(r['changed'] for r in results), results=results,
                  summary=report.summary(results, client.counts))
    if want_diff:
        output['diff'] = diffs
    if p['report_path']:
        report.write_atomic(p['report_path'], report.render_report(results))
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
            failures = '%s; rerun when the key works, the users already updated will be unchanged.\n%s' % (
                applier.abort_reason[0].upper() + applier.abort_reason[1:], failures)
        module.fail_json(msg=failures, **output)
    module.exit_json(msg=_done_message(output['summary'], module.check_mode), **output)


def _drain(queue):
    """The items of ``queue``, each removed as it is handed out."""
    while queue:
        yield queue.popleft()


def bounded_map(pool, func, items, window):
    """``pool.map(func, items)`` with at most ``window`` tasks queued at a time, in order.

    Queuing every user at once would hold a future (and its row) per user until the end.
    """
    items = iter(items)
    pending = collections.deque()
    for item in items:
        pending.append(pool.submit(func, item))
        if len(pending) >= window:
            break
    while pending:
        yield pending.popleft().result()
        for item in items:
            pending.append(pool.submit(func, item))
            break


def _done_message(summary, check_mode):
    counts = summary['by_status']
    verb = 'would update' if check_mode else 'updated'
    return '%s %d user(s); %d unchanged' % (verb, counts['updated'], counts['unchanged'])
