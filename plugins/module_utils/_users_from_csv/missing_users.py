# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Rows whose user does not exist: what ``missing_users`` makes of them, and what a user to create needs.

This runs with the reference checks, once ``check_references`` has marked such a row's Username cell
``not_found``. With ``fail`` the row stays invalid, as before. With ``skip`` it is set aside and reported
``not_found`` without failing. With ``create`` the row creates its user: the columns JumpCloud's own import
requires (``Username``, ``Email``, ``FirstName``, ``LastName``; JumpCloud's New-JCUser.ps1 makes the four
mandatory) must be filled, and its email and employeeIdentifier may not belong to an existing user. Two rows
of the file sharing an email or employeeIdentifier, new users or not, are found by validation already.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import fold
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, NO_SUCH_USER, Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.match import who
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.references import _check_collision

FAIL = 'fail'
CREATE = 'create'
SKIP = 'skip'
MODES = (FAIL, CREATE, SKIP)
# the columns a row must fill to create its user, in the order the messages name them
REQUIRED_TO_CREATE = ('Username', 'Email', 'FirstName', 'LastName')


def settle_missing_users(rows, state, mode):
    """Apply ``mode`` (one of ``MODES``) to the checked ``rows`` whose user does not exist; return ``rows``.

    A settled row loses its ``not_found`` problem and says what becomes of it in ``desired.missing``; a row
    that creates its user gets the problems creating finds (empty required cells, collisions).
    """
    if mode == FAIL:
        return rows
    for desired in rows:
        if not any(p.kind == NO_SUCH_USER for p in desired.problems):
            continue
        desired.problems = [p for p in desired.problems if p.kind != NO_SUCH_USER]
        desired.missing = mode
        if mode == CREATE:
            _check_new_user(desired, state)
    return rows


def _check_new_user(desired, state):
    for name in REQUIRED_TO_CREATE:
        column = columns.BY_KEY[name.lower()]
        if column.get(desired) not in (None, CLEAR):
            continue
        where = desired.where.get(name)
        if where is None:
            desired.add_problem(Problem('the file has no %s column; creating %s needs %s' % (
                name, who(desired), _required()), desired.line, None, name))
        elif not any(p.column == where[0] for p in desired.problems):
            # a cell already refused (an email that is not one) is not reported twice
            desired.problem(name, 'is empty; creating %s needs %s' % (who(desired), _required()))
    nobody = {'_id': None}
    _check_collision(desired, nobody, state.users_by_email, 'email', 'Email', fold)
    _check_collision(desired, nobody, state.users_by_employee_id, 'employeeIdentifier', 'employeeIdentifier',
                     lambda v: v)


def _required():
    return '%s and %s filled' % (', '.join(REQUIRED_TO_CREATE[:-1]), REQUIRED_TO_CREATE[-1])


class NewUsers:
    """The ids of the users the run creates, for the rows whose manager is one of them (``Desired.manager_row``).

    Such a row is handed out after every other row (see ``flow.Selection``), so the row creating its manager has
    started by then; it waits for that user's id (:meth:`manager_id`), which :meth:`done` gives once its row is
    done, created or not. In check mode nothing is created: the manager is named by its username.
    """

    def __init__(self, rows, check_mode, stopped):
        wanted = set(r.manager_row for r in rows if r.manager_row is not None)
        self._ids = dict((name, [threading.Event(), None]) for name in wanted)
        self._check_mode = check_mode
        self._stopped = stopped

    def done(self, username, user_id):
        """The row creating ``username`` is done: JumpCloud gave it ``user_id`` (None: not created)."""
        entry = self._ids.get(username)
        if entry is not None and not entry[0].is_set():
            entry[1] = user_id
            entry[0].set()

    def manager_id(self, desired):
        """Set ``desired.manager_id`` to the id of the user its ``manager_row`` created; the reason when there is
        none (its row failed, or the run was interrupted), else None. In check mode the plan shows the username."""
        if self._check_mode:
            return None
        event, dummy = self._ids[desired.manager_row]
        while not event.wait(0.05):
            if self._stopped():
                return 'not attempted: its manager %r had not been created when the run was interrupted' % (
                    desired.manager_row)
        desired.manager_id = self._ids[desired.manager_row][1]
        if desired.manager_id is None:
            return 'not attempted: its manager %r was not created (see its row)' % desired.manager_row
        return None
