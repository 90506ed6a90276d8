# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Turn rows, plans and outcomes into the module's results, summary, diff and report file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.match import who
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import SKIP
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import PASSWORD_NOT_SENT, PASSWORD_SENT
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st

# remove_system last: a report's earlier columns keep their places
REPORT_COLUMNS = ('row', 'username', 'user_id', 'status', 'changed', 'failed', 'changed_fields', 'groups',
                  'system', 'ldap', 'msg', 'remove_system')
# the column after those of a run whose rows find their users by a key other than the username (match_on)
KEY_COLUMN = 'match_key'
ARRAY_FIELDS = ('addresses', 'phoneNumbers', 'attributes')


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
        'msg': '',
    }
    key = getattr(desired, 'key', None)
    if key is not None:
        result['match_key'] = {'name': key[0], 'value': key[1]}     # the cell that found the user (match_on)
    if desired.problems:
        result['status'] = st.problem_status(desired)
        result['failed'] = True
        result['msg'] = '; '.join(p.format(path) for p in desired.problems)
        result['errors'] = [p.as_dict(path) for p in desired.problems]
        return result
    if getattr(desired, 'missing', None) == SKIP:
        result.update(status=st.NOT_FOUND, msg='%s does not exist in JumpCloud; left alone (missing_users=skip)'
                      % who(desired))
        return result
    if outcome is None:
        result['status'] = st.SKIPPED
        result['msg'] = skipped_reason or ''
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


def summary(results, counts, check_mode=False):
    """Counts of the rows by status and of the API requests; in check mode ``by_status`` counts
    ``would_update`` where a real run counts ``updated``."""
    by_status = dict((s, 0) for s in st.summary_statuses(check_mode))
    for result in results:
        by_status[result['status']] += 1
    return {
        'rows': len(results),
        'changed': sum(1 for r in results if r['changed']),
        'failed': sum(1 for r in results if r['failed']),
        'by_status': by_status,
        'requests': {'reads': counts.get('reads', 0), 'writes': counts.get('writes', 0),
                     'retries': counts.get('retries', 0)},
    }


def user_diff(outcome):
    """The diff of one user's changed keys only (passwords masked), for --diff; None when nothing changes."""
    plan = outcome.plan
    if not plan.has_changes:
        return None
    key = getattr(plan.desired, 'key', None)
    keyed = '%s %s, ' % key if key is not None else ''
    if plan.create:
        header = '%s (%srow %d, new user)' % (plan.desired.username, keyed, plan.desired.line)
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


def failure_message(results, path):
    failed = [r for r in results if r['failed']]
    if not failed:
        return None
    lines = ['%d of %d row(s) of %s failed:' % (len(failed), len(results), path)]
    for result in failed[:20]:
        lines.append('  row %s %s (%s): %s' % (result['row'], named(result), result['status'], result['msg']))
    if len(failed) > 20:
        lines.append('  ... and %d more' % (len(failed) - 20))
    return '\n'.join(lines)


def named(result):
    """A result's user as a line names it: the username, and the key that found it (match_on) when there is one."""
    key = result.get('match_key')
    name = result.get('username') or ('' if key else '(no username)')
    if key:
        name = ('%s %s=%s' % (name, key['name'], key['value'])).strip()
    return name


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
