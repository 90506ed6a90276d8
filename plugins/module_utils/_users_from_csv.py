# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

"""The flow of jc_users_from_csv, one way: read, validate, read state, plan, apply, report."""

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
    table, problems = read_csv(path)
    if problems:
        module.fail_json(msg='%s cannot be used; nothing was written:\n%s' % (path, summarise(problems, path)),
                         errors=[x.as_dict(path) for x in problems], results=[], changed=False)

    # 2. validate each cell
    rows = parse_rows(table, p['clear_token'])
    client = module.client
    with ThreadPoolExecutor(max_workers=p['max_workers']) as pool:
        # 3. read what the rows refer to, in bulk, and validate the references
        try:
            state = read_state(client, rows, pool)
        except JumpCloudError as exc:
            module.fail_json(msg='reading the current JumpCloud state failed; nothing was written: %s'
                             % client.redact(exc), results=[], changed=False)
        check_references(rows, state)
        invalid = [r for r in rows if r.problems]
        valid = [r for r in rows if not r.problems]
        skipped_reason = None
        if invalid and not p['skip_invalid_rows']:
            skipped_reason = 'not applied: %d row(s) are invalid and skip_invalid_rows is false' % len(invalid)
            valid = []

        # 4. plan (pure) and 5. apply
        plans = [plan_user(r, state.users_by_name[r.username], state, now, p['update_password']) for r in valid]
        applier = Applier(client, module.check_mode)
        outcomes = applier.run(plans, pool)

    # 6. report
    by_line = dict((o.plan.desired.line, o) for o in outcomes)
    results = []
    for row in rows:
        user = state.users_by_name.get(row.username) if row.username else None
        results.append(report.row_result(row, user, by_line.get(row.line), path, skipped_reason))
    output = dict(changed=any(r['changed'] for r in results), results=results,
                  summary=report.summary(results, client.counts))
    if module._diff:
        output['diff'] = report.user_diffs(outcomes)
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


def _done_message(summary, check_mode):
    counts = summary['by_status']
    verb = 'would update' if check_mode else 'updated'
    return '%s %d user(s); %d unchanged' % (verb, counts['updated'], counts['unchanged'])
