# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The row model every stage shares: what a CSV row asks for, the clear sentinel, problems and defaults.

This is the bottom layer of the CSV language: it imports nothing of the collection, and every stage (reading,
validation, state, references, planning, applying, reporting) may import it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# the MFA enrollment window, in days, when a row switches MFA on without EnrollmentDays
DEFAULT_ENROLLMENT_DAYS = 7


class _Clear:
    """The value of a cell holding the clear token: set this field to empty."""

    def __repr__(self):
        return 'CLEAR'


CLEAR = _Clear()

# the kinds of problem (a row's status words are the flow's, in ``_users_from_csv.statuses``)
BROKEN_RULE = 'broken_rule'     # the input breaks a rule
NO_SUCH_USER = 'no_such_user'   # the row's user does not exist in JumpCloud
WARNING = 'warning'             # a warning about a row that is applied


class Problem:
    """One thing wrong with the input, where it is and what to do about it."""

    __slots__ = ('line', 'column', 'header', 'message', 'kind')

    def __init__(self, message, line=None, column=None, header=None, kind=BROKEN_RULE):
        self.message = message
        self.line = line
        self.column = column
        self.header = header
        self.kind = kind          # BROKEN_RULE, NO_SUCH_USER or WARNING

    def location(self, path):
        locate = getattr(path, 'locate', None)     # a list of items (``_csv.items.ItemsPath``): users[3]
        if locate is not None:
            return locate(self.line, None)
        where = path
        if self.line is not None:
            where += ':%d' % self.line
            if self.column is not None:
                where += ':%d' % self.column
        return where

    def format(self, path):
        if getattr(path, 'locate', None) is not None:
            return '%s: %s' % (path.locate(self.line, self.header), self.message)
        text = '%s: ' % self.location(path)
        if self.header:
            text += '%s: ' % self.header
        return text + self.message

    def as_dict(self, path):
        return {'path': path, 'line': self.line, 'column': self.column, 'header': self.header,
                'message': self.message, 'text': self.format(path)}


class Desired:
    """What one CSV row asks for. Only filled cells appear here."""

    def __init__(self, line):
        self.line = line
        self.username = None
        self.scalars = {}        # API field -> value or CLEAR
        self.manager = None      # raw reference (id, username or email) or CLEAR
        self.manager_id = None   # the manager's id, once check_references resolved it
        self.password = None
        self.addresses = {}      # 'home'/'work' -> {API subfield: value or CLEAR}
        self.phones = {}         # phone type -> number or CLEAR
        self.attributes = []     # [(name, value or CLEAR)] in column order
        self.attribute_keys = {}  # attribute name -> the reference key of its name cell
        self.mfa = None          # True/False
        self.enrollment_days = None
        self.ldapserver_id = None
        self.system_id = None
        self.system_given = False  # the SystemID cell is filled (valid or not)
        self.administrator = None
        self.groups = []         # group names, column order
        self.remove_groups = []  # (group name, reference key) of the RemoveGroupN cells, column order
        self.remove_system_id = None
        self.remove_system_given = False  # the RemoveSystemID cell is filled (valid or not)
        self.where = {}          # reference key -> (column number, header), shared by the rows of a file
        self.problems = []
        self.missing = None      # the user does not exist: 'create' it, or 'skip' the row (missing_users)
        self.key = None          # (name, value) of the cell that finds the user, with a match_on other than username
        self.key_cell = None     # the reference key of that cell

    def problem(self, key, message, kind=BROKEN_RULE):
        column, header = self.where.get(key, (None, None))
        self.problems.append(Problem(message, self.line, column, header, kind))

    @property
    def user_missing(self):
        """Whether the row's only problem is that its user does not exist (no problem: False)."""
        return bool(self.problems) and all(p.kind == NO_SUCH_USER for p in self.problems)


class UserFacts:
    """What planning one row needs of JumpCloud beyond the user's own record, already looked up.

    ``groups`` has one entry per group cell of the row, in column order: ``{'id', 'name', 'member'}``, the
    group as JumpCloud names it and whether the user is in it now. ``system_binding`` is the current
    binding of the user to the row's device (its edge attributes, ``{}`` when it has none), or None when
    unbound. ``ldap_bound`` says whether the user is bound to the row's LDAP server. ``remove_groups`` has
    one entry per RemoveGroupN cell, of the same shape as ``groups``; ``remove_system_bound`` says whether
    the user is bound to the row's RemoveSystemID device, and ``remove_system_routes`` names the other routes
    (through user groups, device groups) by which the user reaches that device, which unbinding leaves.
    ``names`` holds the readable names of the row's device (``system``), device to unbind (``remove_system``)
    and LDAP server (``ldap``), for the messages that name them.
    """

    __slots__ = ('groups', 'system_binding', 'ldap_bound', 'remove_groups', 'remove_system_bound',
                 'remove_system_routes', 'names')

    def __init__(self, groups=(), system_binding=None, ldap_bound=False, remove_groups=(), remove_system_bound=False,
                 remove_system_routes=(), names=None):
        self.groups = list(groups)
        self.system_binding = system_binding
        self.ldap_bound = ldap_bound
        self.remove_groups = list(remove_groups)
        self.remove_system_bound = remove_system_bound
        self.remove_system_routes = list(remove_system_routes)
        self.names = dict(names or {})
