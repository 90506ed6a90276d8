# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The closing message of a run: what was done, or why the run failed, in words for the job log."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.problems import summarise
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import nothing_written
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import failure_message


def csv_rejected(path, problems):
    return '%s:\n%s' % (nothing_written('%s cannot be used' % path), summarise(problems, path))


def state_read_failed(detail):
    return '%s: %s' % (nothing_written('reading the current JumpCloud state failed'), detail)


def report_not_written(report_path, exc, what='the results report'):
    return '%s could not be written to %s (%s); the results are here' % (
        what, report_path, exc.strerror or type(exc).__name__)


def final_message(path, results, summary, invalid, skip_invalid_rows, abort_reason, interrupted, check_mode,
                  credential='API key'):
    """``(msg, failed)``: the closing message of a run over ``path``, and whether the run failed.

    ``invalid`` are the rows refused with problems, ``abort_reason`` why the writes stopped early (a refused
    key, an interrupt) or None, ``interrupted`` whether a signal stopped them, ``credential`` what the run logs
    in with ('API key' or 'service account').
    """
    if invalid:
        problems = [x for r in invalid for x in r.problems]
        lead = '%s has %d invalid row(s)' % (path, len(invalid))
        if not skip_invalid_rows:
            lead = nothing_written(lead)
        else:
            lead += '; the valid rows would be applied' if check_mode else '; the valid rows were applied'
        failures = failure_message([r for r in results if r['status'] == st.FAILED], path)
        msg = '%s:\n%s' % (lead, summarise(problems, path))
        if failures:
            msg += '\n' + failures
        return msg, True
    failures = failure_message(results, path, summary.get('rows'))
    if failures:
        if abort_reason:
            rerun = 'rerun to finish' if interrupted else 'rerun when the %s works' % (
                'key' if credential == 'API key' else credential)
            failures = '%s; %s, the users already updated will be unchanged.\n%s' % (
                abort_reason[0].upper() + abort_reason[1:], rerun, failures)
        return failures, True
    return done_message(summary, check_mode), False


def done_message(summary, check_mode):
    counts = summary['by_status']
    verb = 'would update' if check_mode else 'updated'
    text = '%s %d user(s); %d unchanged' % (verb, counts[st.preview(st.UPDATED, check_mode)], counts[st.UNCHANGED])
    return text + _onboarding_counts(counts, check_mode)


def _onboarding_counts(counts, check_mode):
    """The users created and the rows of users that do not exist, when a run has any."""
    text = ''
    created = counts.get(st.preview(st.CREATED, check_mode), 0)
    if created:
        text += '; %s %d user(s)' % ('would create' if check_mode else 'created', created)
    if counts.get(st.NOT_FOUND):
        text += '; %d not found, left alone' % counts[st.NOT_FOUND]
    return text
