# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The guardrails of deleting users: which rows whose state cell says DELETED may delete their user.

JumpCloud cannot restore a deleted user. A row deletes its user only when the run allows it
(``allow_delete``), and each guardrail is a problem on the row's state cell, found before anything is
written: the user must be SUSPENDED already (``delete_requires_suspended``), may not be a member of a
``protected_groups`` group, and may manage other users only with ``cascade_manager`` (``clear``: their
manager is cleared, the API's ``cascade_manager=null``; ``automatic``: they get the deleted user's own
manager, sent as its id, or ``null`` when it has none, as JumpCloud's ``Remove-JCUser -CascadeManager
Automatic`` does). A run that would delete more than ``max_deletes`` users deletes none (:func:`over_limit`).
A row deleting a user that does not exist is ``absent``: nothing to do, whatever ``missing_users`` says.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import NO_SUCH_USER
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import fold
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import SKIP

CLEAR_MANAGER = 'clear'
AUTOMATIC = 'automatic'
CASCADE_CHOICES = (CLEAR_MANAGER, AUTOMATIC)
DEFAULT_MAX_DELETES = 10
# the API's word for "the reports lose their manager" (the query parameter's value)
API_NULL = 'null'


def check_deletes(rows, state, options):
    """Add the guardrails' problems to the rows that delete a user, settle the rows deleting a user that does
    not exist (``absent``), and set each allowed row's ``cascade_manager``. Run after check_references and
    before the missing users are settled. Returns ``rows``."""
    deleting = {}           # user id -> line, of the rows that delete an existing user
    for desired in rows:
        if desired.delete and desired.username:
            _check_one(desired, state, options, deleting)
    for desired in rows:
        if desired.delete and desired.cascade_manager not in (None, API_NULL) and desired.cascade_manager in deleting:
            record = state.whole_records[_user_id(desired, state)]
            desired.problem('state', 'cascade_manager automatic would make manager %r of the users %r manages '
                            'their manager, and line %d deletes %r too: use cascade_manager clear, or delete them '
                            'in separate runs' % (record['manager']['username'], desired.username,
                                                  deleting[desired.cascade_manager], record['manager']['username']))
    return rows


def _user_id(desired, state):
    user = state.user_by_name(desired.username)
    return None if user is None else user['_id']


def _check_one(desired, state, options, deleting):
    if not options.allow_delete:
        desired.problem('state', 'DELETED deletes user %r, which JumpCloud cannot undo; set allow_delete: true to '
                        'allow deleting users' % desired.username)
    if any(p.kind == NO_SUCH_USER for p in desired.problems):
        if options.allow_delete:
            # already gone: nothing to do, whatever missing_users says
            desired.problems = [p for p in desired.problems if p.kind != NO_SUCH_USER]
            desired.missing = SKIP
        return
    uid = _user_id(desired, state)
    record = state.whole_records.get(uid)
    if record is None:
        return                  # a row refused already (an ambiguous name): nothing more to say
    deleting[uid] = desired.line
    user = record['user']
    if options.delete_requires_suspended and user.get('state') != columns.SUSPENDED:
        state = user.get('state') or 'of unknown state'
        desired.problem('state', 'user %r is %s, not SUSPENDED: suspend users before deleting them (in an earlier '
                        'run), or set delete_requires_suspended: false' % (desired.username, state))
    protected = set(fold(name) for name in options.protected_groups or ())
    hits = [g['name'] for g in record['groups'] if g['name'] is not None and fold(g['name']) in protected]
    if hits:
        desired.problem('state', 'user %r is a member of %s, in protected_groups: its members are never deleted'
                        % (desired.username, ', '.join(repr(h) for h in hits)))
    _settle_cascade(desired, record, options.cascade_manager)


def _settle_cascade(desired, record, cascade):
    """The DELETE's cascade_manager. A user who manages nobody is deleted with ``null``, as Remove-JCUser.ps1
    deletes every user that is not a manager (and every user with -Force)."""
    manages = record['manages']
    if not manages:
        desired.cascade_manager = API_NULL
        return
    if cascade is None:
        desired.problem('state', 'user %r manages %d user(s) (%s): set cascade_manager to clear (their manager is '
                        'cleared) or automatic (they get %r\'s own manager)' % (
                            desired.username, len(manages), ', '.join(repr(p['username']) for p in manages[:5]) +
                            (', ...' if len(manages) > 5 else ''), desired.username))
    elif cascade == AUTOMATIC and record['manager'] is not None:
        desired.cascade_manager = record['manager']['id']
    else:
        desired.cascade_manager = API_NULL


def over_limit(rows, state, max_deletes):
    """The lines of the rows that delete an existing user, when there are more than ``max_deletes``, else []."""
    lines = [r.line for r in rows if r.delete and r.username and _user_id(r, state) in state.whole_records]
    return lines if len(lines) > max_deletes else []


def too_many_deletes(lines, max_deletes):
    """What a run refused by :func:`over_limit` says (the flow adds that it wrote nothing)."""
    shown = ', '.join(str(n) for n in lines[:20]) + (', ...' if len(lines) > 20 else '')
    return ('the file would delete %d users (lines %s), more than max_deletes (%d): no user was deleted; raise '
            'max_deletes for this run, or delete them in smaller files' % (len(lines), shown, max_deletes))
