# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Which cell of a row finds its user: ``match_on`` (``username``, ``email``, ``employeeIdentifier`` or a custom
``attribute`` named by ``match_attribute``).

With a key other than the username, :class:`Matcher` checks each row's key cell (filled, not cleared, not
repeated), reads the users the keys name in bulk, gives each row its user's username, and takes the key out of
what the row writes: the key finds the user and is never written as a change (a user to create is written with
it). The key is matched as JumpCloud's own tooling compares it: an email or an employeeIdentifier as names are
(exactly, else without regard to case: ``Get-JCUser`` searches both with ``(?i)``), a custom attribute's value
exactly (its name without regard to case, as every attribute name).

JumpCloud's search cannot filter on custom attributes (``docs/api-fidelity.md``, R12): with ``attribute`` the
users are listed, 1000 a page, and matched here, keeping only the users the rows name.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, NO_SUCH_USER, Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import fold
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import CASELESS, _search_users

USERNAME = 'username'
EMAIL = 'email'
EMPLOYEE_ID = 'employeeIdentifier'
ATTRIBUTE = 'attribute'
MATCH_ON = (USERNAME, EMAIL, EMPLOYEE_ID, ATTRIBUTE)
# the API field and the column of each key held in a field of its own
_FIELDS = {EMAIL: ('email', 'Email'), EMPLOYEE_ID: ('employeeIdentifier', 'employeeIdentifier')}


class Matcher:
    """The key of one run's rows: ``match_on`` and, for ``attribute``, the attribute's name."""

    def __init__(self, match_on=USERNAME, attribute=None):
        self.match_on = match_on or USERNAME
        self.attribute = attribute

    @property
    def keyed(self):
        """Whether rows find their users by a key other than the username."""
        return self.match_on != USERNAME

    @property
    def name(self):
        """What results and messages call the key: ``email``, ``employeeIdentifier`` or the attribute's name."""
        return self.attribute if self.match_on == ATTRIBUTE else self.match_on

    @property
    def key_field(self):
        """The user field that holds the key."""
        return _FIELDS[self.match_on][0] if self.match_on in _FIELDS else 'attributes'

    def cell(self, desired):
        """``(value, reference key)`` of the row's key cell; the value is None when the row leaves it empty."""
        if self.match_on in _FIELDS:
            field, key = _FIELDS[self.match_on]
            return desired.scalars.get(field), key
        for name, value in desired.attributes:
            if fold(name) == fold(self.attribute):
                return value, desired.attribute_keys[name][:-len('name')] + 'value'
        return None, None

    def owners_in(self, state):
        """A function giving the users of ``state`` whose key is a value: an email or employeeIdentifier as
        names are matched (B14: the users holding it exactly, else those holding it without regard to case), a
        custom attribute's value exactly."""
        exact, loose = {}, {}
        for user in state.users_by_id.values():
            value = self.value_of(user)
            if isinstance(value, str) and value:
                exact.setdefault(value, []).append(user)
                loose.setdefault(fold(value), []).append(user)
        if self.match_on == ATTRIBUTE:
            return lambda value: list(exact.get(value, ()))
        return lambda value: list(exact.get(value) or loose.get(fold(value), ()))

    def value_of(self, user):
        """The user's key: its email, employeeIdentifier or custom attribute ``match_attribute``."""
        if self.match_on in _FIELDS:
            return user.get(_FIELDS[self.match_on][0])
        return self.attribute_value(user)

    def attribute_value(self, user):
        """The value of the user's custom attribute ``match_attribute`` (its name without regard to case)."""
        for entry in user.get('attributes') or ():
            if isinstance(entry, dict) and isinstance(entry.get('name'), str) and \
                    fold(entry['name']) == fold(self.attribute):
                return entry.get('value')
        return None

    def check_rows(self, rows):
        """The key cell of every row: filled, not the clear token, and not the key of an earlier row. Each row
        keeps its key in ``desired.key`` as ``(name, value)``. Emails and employeeIdentifiers repeated in the
        rows are found by validation already (the file-wide check of those columns)."""
        if not self.keyed:
            return rows
        first = {}
        for desired in rows:
            value, key = self.cell(desired)
            if value is None:
                column = desired.where.get(key, (None,))[0]
                if column is None or not any(p.column == column for p in desired.problems):
                    # a cell refused already (an email that is not one) is not said to be empty too
                    desired.add_problem(Problem(
                        '%s is empty: with match_on %s it finds the row\'s user' % (self.name, self.match_on),
                        desired.line, column, key or self.name))
                continue
            if value is CLEAR:
                desired.problem(key, 'cannot be cleared: with match_on %s it finds the row\'s user' % self.match_on)
                continue
            desired.key, desired.key_cell = (self.name, value), key
            if self.match_on == ATTRIBUTE:
                if value in first:
                    desired.problem(key, '%s %r is also the key of line %d' % (self.name, value, first[value]))
                first.setdefault(value, desired.line)
        return rows

    def read_users(self, client, pool, rows, fields):
        """The users the rows' keys name, read in bulk: the state's batched search, 100 conditions a request,
        concurrently on ``pool``. Emails and employeeIdentifiers no user holds exactly are searched again without
        regard to case (as usernames are); a custom attribute lists the users (see the module's docstring)."""
        keys = sorted(set(r.key[1] for r in rows if r.key is not None))
        # the key's own field, also when the rows no longer write it (a saved plan's rows, their key taken out)
        fields = ' '.join(sorted(set(fields.split()) | set([self.key_field])))
        if self.match_on == ATTRIBUTE:
            return self._list_attribute_owners(client, keys, fields)
        field = _FIELDS[self.match_on][0]
        users = list(_search_users(client, pool, [(field, k) for k in keys], fields))
        found = set(u.get(field) for u in users)
        missed = [(field, k, CASELESS) for k in keys if k not in found]
        if missed:
            users.extend(_search_users(client, pool, missed, fields))
        return users

    def _list_attribute_owners(self, client, keys, fields):
        wanted = set(keys)
        return [user for user in client.v1_search(endpoints.SEARCH_USERS, None, fields=fields)
                if self.attribute_value(user) in wanted]

    def assign(self, rows, state):
        """Give each keyed row the username of the one user its key names (when its Username cell is empty or
        names that user), and take the key out of what the row writes. Rows whose key names no user, or
        several, are left as they are: :meth:`check_users` says why."""
        owners_of = self.owners_in(state)
        for desired in rows:
            if desired.key is None or desired.problems:
                continue
            owners = owners_of(desired.key[1])
            if len(owners) != 1:
                continue
            username = owners[0].get('username')
            if desired.username is None or fold(desired.username) == fold(username or ''):
                desired.username = username
                self._drop_key(desired)

    def _drop_key(self, desired):
        if self.match_on in _FIELDS:
            field = _FIELDS[self.match_on][0]
            desired.scalars = dict((k, v) for k, v in desired.scalars.items() if k != field)
            return
        desired.attributes = [(n, v) for n, v in desired.attributes if fold(n) != fold(self.attribute)]

    def check_users(self, rows, state):
        """A problem on the key cell of each row whose key names no user (``not found``: missing_users decides)
        or several, and on the Username cell that names another user than the key's."""
        if not self.keyed:
            return rows
        owners_of = self.owners_in(state)
        claimed = {}        # user id -> the line of the first row its key found
        for desired in rows:
            if desired.key is None or desired.problems:
                continue
            key = desired.key_cell
            owners = owners_of(desired.key[1])
            if len(owners) == 1 and claimed.setdefault(owners[0]['_id'], desired.line) != desired.line:
                desired.problem(key, '%s %r finds user %r, already updated by line %d' % (
                    self.name, desired.key[1], owners[0].get('username'), claimed[owners[0]['_id']]))
            elif len(owners) > 1:
                desired.problem(key, '%s %r is held by %d users (%s): it must name one user' % (
                    self.name, desired.key[1], len(owners), ', '.join(sorted(repr(u.get('username')) for u in owners))))
            elif owners and fold(owners[0].get('username') or '') != fold(desired.username or ''):
                desired.problem('Username', 'is %r, but the user whose %s is %r is %r: renaming a user is not '
                                'supported' % (desired.username, self.name, desired.key[1], owners[0].get('username')))
            elif not owners:
                self._not_found(desired, state, key)
        return rows

    def _not_found(self, desired, state, key):
        other = state.user_by_name(desired.username) if desired.username else None
        if other is not None:
            desired.problem(key, 'no user has %s %r, and user %r of the Username cell has another: the key and the '
                            'Username name different users' % (self.name, desired.key[1], other.get('username')))
        else:
            desired.problem(key, 'no user has %s %r in JumpCloud' % (self.name, desired.key[1]), kind=NO_SUCH_USER)


def who(desired):
    """A row's user as a message names it: ``user 'jdoe'``, or by its key (``the user with email 'j@x.org'``)."""
    if desired.username or desired.key is None:
        return 'user %r' % desired.username
    return 'the user with %s %r' % desired.key
