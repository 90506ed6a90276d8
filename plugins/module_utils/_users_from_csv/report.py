# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Turn rows, plans and outcomes into the module's results, summary, diff and report file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import csv
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.lines import named, user_line
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.match import who
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import SKIP
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import PASSWORD_NOT_SENT, PASSWORD_SENT
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st

# remove_system, then remove_ldap, last: a report's earlier columns keep their places
REPORT_COLUMNS = ('row', 'username', 'user_id', 'status', 'changed', 'failed', 'changed_fields', 'groups',
                  'system', 'ldap', 'msg', 'remove_system', 'remove_ldap')
# the column after those of a run whose rows find their users by a key other than the username (match_on)
KEY_COLUMN = 'match_key'
ARRAY_FIELDS = ('addresses', 'phoneNumbers', 'attributes')

# return_results: the rows whose results the module returns; the summary, the report and the failed-rows file
# always cover every row
RETURN_ALL = 'all'
RETURN_CHANGED = 'changed'
RETURN_PROBLEMS = 'problems'
RETURN_RESULTS = (RETURN_ALL, RETURN_CHANGED, RETURN_PROBLEMS)


def row_result(desired, user_id=None, outcome=None, path=None, skipped_reason=None):
    """The result entry of one CSV row."""
    result = {
        'row': desired.line,
        'username': desired.username,
        'user_id': user_id,
        'status': None,
        'changed': False,
        'failed': False,
        'changed_fields': [],
        'groups': [],
        'system': None,
        'ldap': None,
        'remove_system': None,
        'remove_ldap': None,
        'msg': '',
    }
    if getattr(desired, 'stale', None):
        result.update(status=st.STALE, msg=desired.stale)       # a saved plan's row whose user changed since
        return result
    key = getattr(desired, 'key', None)
    if key is not None:
        result['match_key'] = {'name': key[0], 'value': key[1]}     # the cell that found the user (match_on)
    if _not_applied(result, desired, outcome, path, skipped_reason):
        return result
    plan = outcome.plan
    result.update(
        user_id=outcome.user_id or user_id,
        status=outcome.status,
        changed=outcome.changed,
        failed=outcome.failed,
        changed_fields=list(plan.changed_fields) if (outcome.fields_written or not outcome.failed) and (
            plan.body or plan.activate) else [],
        groups=[dict(g) for g in outcome.groups],
        system=dict(outcome.system) if outcome.system else None,
        ldap=dict(outcome.ldap) if outcome.ldap else None,
        remove_system=dict(outcome.remove_system) if outcome.remove_system else None,
        remove_ldap=dict(outcome.remove_ldap) if outcome.remove_ldap else None,
        msg='; '.join(outcome.errors),
    )
    if plan.system is not None and plan.system.get('global_sudo') and result['system'] is not None:
        result['system'].update(global_sudo=True, binding_sudo=plan.system['binding_sudo'])
    if plan.warnings:
        result['warnings'] = [w.format(path) for w in plan.warnings]
        result['msg'] = result['msg'] or '; '.join(result['warnings'])
    if plan.password is not None:
        _password_result(result, plan, outcome)
    return result


def _not_applied(result, desired, outcome, path, skipped_reason):
    """Fill in ``result`` for a row that was not applied (refused, its user missing, or skipped); False for a row
    that was."""
    if desired.problems:
        result['status'] = st.problem_status(desired)
        result['failed'] = True
        result['msg'] = '; '.join(p.format(path) for p in desired.problems)
        result['errors'] = [p.as_dict(path) for p in desired.problems]
        return True
    if getattr(desired, 'missing', None) == SKIP and desired.delete:
        result.update(status=st.ABSENT, msg='user %r does not exist in JumpCloud: nothing to delete' % desired.username)
        return True
    if getattr(desired, 'missing', None) == SKIP:
        result.update(status=st.NOT_FOUND, msg='%s does not exist in JumpCloud; left alone (missing_users=skip)'
                      % who(desired))
        return True
    if outcome is None:
        result['status'] = st.SKIPPED
        result['msg'] = skipped_reason or ''
        return True
    return False


def _password_result(result, plan, outcome):
    """Say what became of the row's Password cell (never its value): ``sent`` (``would_send`` in check mode),
    or ``not_sent`` with the reason in the message."""
    if plan.password == PASSWORD_SENT:
        result['password'] = st.password_sent(outcome.check_mode)
        if outcome.failed and not outcome.fields_written:
            result['password'] = PASSWORD_NOT_SENT
        return
    result['password'] = PASSWORD_NOT_SENT
    why = 'update_password is never' if plan.create else \
        'the user exists, and update_password is not always'
    note = 'the Password cell was not sent: %s' % why
    result['msg'] = '%s; %s' % (result['msg'], note) if result['msg'] else note


def summary(results, counts, check_mode=False, plan_run=False):
    """Counts of the rows by status and of the API requests; in check mode ``by_status`` counts
    ``would_update`` where a real run counts ``updated``, and a run applying a saved plan counts ``stale``."""
    rows = RunResults(check_mode=check_mode, plan_run=plan_run)
    for result in results:
        rows.add(result)
    return rows.summary(counts)


def is_problem(result):
    """Whether a row did not succeed: it failed, or its status is one of :data:`statuses.PROBLEMS`."""
    return bool(result.get('failed')) or result.get('status') in st.PROBLEMS


def returned(result, return_results):
    """Whether ``return_results`` returns this row's ``result``: ``all`` every row, ``changed`` the rows that
    changed or did not succeed, ``problems`` the rows that did not succeed."""
    if return_results == RETURN_PROBLEMS:
        return is_problem(result)
    if return_results == RETURN_CHANGED:
        return bool(result.get('changed')) or is_problem(result)
    return True


# what a run holds of a row whose result it does not return: its counts, its warnings, its report line and its
# user line
Kept = collections.namedtuple('Kept', 'status changed failed warnings line user_line')


class RunResults:
    """Every row's result, as the run makes them: the one place ``return_results`` applies.

    :meth:`keep` runs as soon as a row's result exists (on the worker): a row that is not returned is let go of
    there, down to a :data:`Kept`. :meth:`add` then takes each row in the order of the file: it counts it for
    the summary, keeps its warnings, its report line (with ``report``) and its user line (with ``lines``), and
    the results that are returned. Rows that fail are always returned, so the failed-rows file and the closing
    message have them all.
    """

    def __init__(self, return_results=RETURN_ALL, check_mode=False, report=False, lines=False, plan_run=False,
                 keyed=False):
        self.which = return_results
        self.keyed = keyed          # the report has the match_key column (match_on)
        self.results = []
        self.warnings = []
        self.report_lines = [] if report else None
        self.lines = ([], []) if lines else None        # the user lines of the rows that succeeded, that failed
        self.by_status = dict((s, 0) for s in st.summary_statuses(check_mode, plan_run))
        self.rows = self.changed = self.failed = 0

    def keep(self, result):
        """What the run holds of ``result`` until its end: the result when it is returned, else its :data:`Kept`."""
        if returned(result, self.which):
            return result
        return self._kept(result)

    def _kept(self, result):
        return Kept(result['status'], result['changed'], result['failed'], result.get('warnings') or (),
                    render_report([result], header=False, keyed=self.keyed) if self.report_lines is not None else None,
                    user_line(result) if self.lines is not None else None)

    def add(self, item):
        """Count one row, a result or what :meth:`keep` made of it; rows come in the order of the file."""
        if not isinstance(item, Kept):
            if returned(item, self.which):
                self.results.append(item)
            item = self._kept(item)
        self.rows += 1
        self.changed += bool(item.changed)
        self.failed += bool(item.failed)
        self.by_status[item.status] += 1
        self.warnings.extend(item.warnings)
        if self.report_lines is not None:
            self.report_lines.append(item.line)
        if self.lines is not None:
            self.lines[bool(item.failed)].append(item.user_line)

    def summary(self, counts):
        """The summary: the rows by status, and the API requests of ``counts``."""
        return {
            'rows': self.rows,
            'changed': self.changed,
            'failed': self.failed,
            'by_status': dict(self.by_status),
            'requests': {'reads': counts.get('reads', 0), 'writes': counts.get('writes', 0),
                         'retries': counts.get('retries', 0)},
        }

    def user_lines(self):
        """Every row's user line (with ``lines``), the rows that failed last, as the user_lines filter orders them."""
        return self.lines[0] + self.lines[1]

    def report_text(self):
        """The report CSV of every row (with ``report``), as the tuple of its lines ``write_atomic`` writes one
        after the other (a large report is never joined into one text)."""
        return (render_report([], keyed=self.keyed),) + tuple(self.report_lines)


def user_diff(outcome):
    """The diff of one user's changed keys only (passwords masked), for --diff; None when nothing changes."""
    plan = outcome.plan
    if not plan.has_changes:
        return None
    key = getattr(plan.desired, 'key', None)
    keyed = '%s %s, ' % key if key is not None else ''
    if plan.create:
        header = '%s (%srow %d, new user)' % (plan.desired.username, keyed, plan.desired.line)
    elif plan.delete is not None:
        # the whole record going away
        header = '%s (%srow %d, id %s, deleted)' % (plan.desired.username, keyed, plan.desired.line, plan.user_id)
        return {'before_header': header, 'after_header': header, 'before': dict(plan.before), 'after': {}}
    else:
        header = '%s (%srow %d, id %s)' % (plan.desired.username, keyed, plan.desired.line, plan.user_id)
    before, after = dict(plan.before), dict(plan.after)
    for field in ARRAY_FIELDS:
        if field in after:
            before[field], after[field] = changed_entries(before.get(field), after[field])
    if plan.create:
        before = {}         # the user does not exist yet
    return {'before_header': header, 'after_header': header, 'before': before, 'after': after}


def changed_entries(before, after):
    """Only the entries of an array that change: removed or altered ones before, added or altered ones after.

    A diff is personal data in a job log: the user's other addresses, phones and attributes stay out of it.
    """
    before, after = list(before or []), list(after or [])
    return [e for e in before if e not in after], [e for e in after if e not in before]


def failure_message(results, path, rows=None):
    """The failed rows of ``results`` (of ``rows`` rows, all of them unless said), the first twenty by name."""
    failed = [r for r in results if r['failed']]
    if not failed:
        return None
    lines = ['%d of %d row(s) of %s failed:' % (len(failed), len(results) if rows is None else rows, path)]
    for result in failed[:20]:
        lines.append('  row %s %s (%s): %s' % (result['row'], named(result), result['status'], result['msg']))
    if len(failed) > 20:
        lines.append('  ... and %d more' % (len(failed) - 20))
    return '\n'.join(lines)


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return ';'.join(_text(v) for v in value)
    if isinstance(value, dict):
        return '%s:%s' % (value.get('name') or value.get('id'), value.get('status'))
    return '%s' % value


# the report columns of a binding whose id is shown with its readable name
LABELLED_COLUMNS = ('system', 'ldap')


def _labelled(value):
    """A binding as its report cell shows it: ``web-01 (5f0...):added``, or ``5f0...:added`` with no name."""
    if not isinstance(value, dict):
        return value
    name, object_id = value.get('hostname') or value.get('name'), value.get('id')
    return '%s:%s' % ('%s (%s)' % (name, object_id) if name and object_id else name or object_id, value.get('status'))


def _key_text(value):
    """A report cell's value; a ``match_key`` as ``email=j@x.org``."""
    if isinstance(value, dict) and set(value) == {'name', 'value'}:
        return '%s=%s' % (value['name'], value['value'])
    return value


def _cell(value):
    """The report cell of ``value``, formula-safe whatever it holds (group names come from JumpCloud)."""
    return escape_cell(_text(value))


def render_report(results, header=True, keyed=False):
    """The report CSV (its rows only, without ``header``); ``keyed`` adds the ``match_key`` column. CRLF line
    endings make the csv module quote every cell holding a CR or an LF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    names = REPORT_COLUMNS + ((KEY_COLUMN,) if keyed else ())
    if header:
        writer.writerow(names)
    for result in results:
        writer.writerow([_cell(_labelled(result.get(column)) if column in LABELLED_COLUMNS else _key_text(result.get(column)))
                         for column in names])
    return buffer.getvalue()
