# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The status vocabulary of jc_users_from_csv, defined once: plan actions, item statuses, row statuses.

A plan says what to do with each group membership, device binding and LDAP
binding of a user (an action); applying it gives each of those an item
status, and the row of the user a row status. A real run says what happened
(``added``, ``updated``, ``removed``); check mode says what would happen
(``would_add``, ``would_update``, ``would_remove``) for every write it did not
make. Facts that are not writes (``present``, ``absent``, ``unchanged``,
``failed``, ``invalid``, ``not_found``, ``skipped``) read the same in both modes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# plan actions: what the plan does with a membership or binding (``add`` and ``update`` are also the
# ``op`` of JumpCloud's association writes)
ADD = 'add'
UPDATE = 'update'
REMOVE = 'remove'
PRESENT = 'present'             # already as the row asks: nothing to write
ABSENT = 'absent'               # a removal the row asks for that is already so: nothing to write
NO_WRITE = (PRESENT, ABSENT)    # the actions that write nothing

# item statuses: a group membership, a device binding or an LDAP binding once the row is applied
ADDED = 'added'
UPDATED = 'updated'
FAILED = 'failed'
REMOVED = 'removed'
WOULD_ADD = 'would_add'
WOULD_UPDATE = 'would_update'
WOULD_REMOVE = 'would_remove'
ITEM_STATUSES = (ADDED, UPDATED, REMOVED, PRESENT, ABSENT, FAILED, WOULD_ADD, WOULD_UPDATE, WOULD_REMOVE)

# row statuses: one CSV row (one user)
CREATED = 'created'             # a user that did not exist, created from its row (missing_users=create)
WOULD_CREATE = 'would_create'
UNCHANGED = 'unchanged'
INVALID = 'invalid'             # the row breaks a rule
NOT_FOUND = 'not_found'         # no such user (with missing_users=skip, reported without failing)
SKIPPED = 'skipped'             # valid, not applied because other rows are invalid
ROW_STATUSES = (CREATED, UPDATED, UNCHANGED, FAILED, INVALID, NOT_FOUND, SKIPPED, WOULD_CREATE, WOULD_UPDATE)
# the rows that did not succeed: what ``return_results: problems`` returns (a row whose ``failed`` is true is one
# whatever its status); a new status of a row that was not done as asked belongs here
PROBLEMS = (FAILED, INVALID, NOT_FOUND, SKIPPED)

# what became of a row's Password cell (never its value)
SENT = 'sent'
WOULD_SEND = 'would_send'
NOT_SENT = 'not_sent'

# how results and messages name the objects a row writes, each by its id; the readable-name step
# (``labels.py``) says the same with the object's name beside the id, through :func:`named`
DEVICE = 'device %s'
ADMINISTRATOR_ON = 'administrator on %s'
LDAP_SERVER = 'LDAP server %s'


def named(form, object_id, name=None):
    """``form`` (:data:`DEVICE`, :data:`ADMINISTRATOR_ON`, :data:`LDAP_SERVER`) said of ``object_id``, with its
    ``name`` before the id when it is known: ``device web-01 (5f...)``."""
    return form % ('%s (%s)' % (name, object_id) if name else object_id)


# a write not made, in check mode, and the status the real run gives it once made
_WOULD = {ADDED: WOULD_ADD, UPDATED: WOULD_UPDATE, REMOVED: WOULD_REMOVE, CREATED: WOULD_CREATE}
_DONE = dict((would, done) for done, would in _WOULD.items())
_ACTION_DONE = {ADD: ADDED, UPDATE: UPDATED, REMOVE: REMOVED}


def preview(status, check_mode=True):
    """``status`` as check mode reports it: ``added``, ``updated`` and ``removed`` become ``would_add``,
    ``would_update`` and ``would_remove``."""
    return _WOULD.get(status, status) if check_mode else status


def as_done(status):
    """The status a real run reports for ``status``: the inverse of :func:`preview`."""
    return _DONE.get(status, status)


def is_preview(status):
    """Whether ``status`` names a write that check mode did not make."""
    return status in _DONE


def item_done(action, check_mode):
    """The item status of a membership or binding whose ``add``, ``update`` or ``remove`` was made (or, in
    check mode, would be made)."""
    return preview(_ACTION_DONE[action], check_mode)


def initial(action):
    """The item status before its write: ``present`` or ``absent`` when there is nothing to write, else
    ``failed`` until the write is done (a write never reached, after an unexpected error, is not reported as
    made)."""
    return action if action in NO_WRITE else FAILED


def password_sent(check_mode):
    """The password status of a row whose Password cell was sent (in check mode: would be)."""
    return WOULD_SEND if check_mode else SENT


def problem_status(desired):
    """The status of a row (a ``Desired``) refused with problems: ``not_found`` when its only problem is a user
    that does not exist, else ``invalid``; None for a row without problems."""
    if not desired.problems:
        return None
    return NOT_FOUND if desired.user_missing else INVALID


def row_status(failed, changed, check_mode, created=False):
    """The status of an applied row; ``created`` when the row's user was created (or would be, in check mode)."""
    if failed:
        return FAILED
    if created:
        return preview(CREATED, check_mode)
    return preview(UPDATED, check_mode) if changed else UNCHANGED


def summary_statuses(check_mode):
    """The row statuses one run can report, in order: the keys of the summary's ``by_status``.

    A real run has ``created`` and ``updated``, check mode ``would_create`` and ``would_update`` in their
    place: a count of updates that were not made never reads as one that was.
    """
    return tuple(preview(s, check_mode) for s in ROW_STATUSES if not is_preview(s))
