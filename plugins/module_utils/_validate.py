# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Validate the CSV rows, each cell's format, before anything is read from JumpCloud.

``parse_rows`` turns a read :class:`Table` into one :class:`Desired` per row, each carrying its own
problems, and adds the problems found across rows. The references (users, groups, devices, managers,
collisions) are checked once the state is read, by ``_references``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _columns as columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._model import CLEAR, OBJECT_ID_RE, Desired, Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._names import fold

EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
MAX_LENGTH = {'employeeIdentifier': 256}
DEFAULT_MAX_LENGTH = 1024
INTEGER_RE = re.compile(r'^-?[0-9]+$')


def _check_length(desired, key, field, value):
    limit = MAX_LENGTH.get(field, DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        desired.problem(key, 'is %d characters long; JumpCloud allows at most %d' % (len(value), limit))
        return False
    return True


def _parse_cell(desired, column, key, value, clear_token):
    if column.name == 'SystemID':
        desired.system_given = True
    if value == clear_token:
        if not column.clearable:
            desired.problem(key, 'cannot be cleared (the clear token %r is not allowed here)' % clear_token)
            return
        value = CLEAR
    kind = column.kind
    if column.name == 'Username':
        desired.username = value
    elif column.name == 'Password':
        desired.password = value
    elif column.name == 'manager':
        desired.manager = value
    elif column.name == 'ldapserver_id':
        if OBJECT_ID_RE.match(value):
            desired.ldapserver_id = value
        else:
            desired.problem(key, '%r is not an LDAP server id (24 lowercase hexadecimal characters)' % value)
    elif column.name == 'SystemID':
        if OBJECT_ID_RE.match(value):
            desired.system_id = value
        else:
            desired.problem(key, '%r is not a device id (24 lowercase hexadecimal characters)' % value)
    elif kind == columns.BOOL:
        flag = columns.parse_bool(value)
        if flag is None:
            desired.problem(key, '%r is not a boolean: use true/false, yes/no, 1/0 or $true/$false' % value)
        elif column.name == 'Administrator':
            desired.administrator = flag
        elif column.name == 'enable_user_portal_multifactor':
            desired.mfa = flag
        else:
            desired.scalars[column.field] = flag
    elif kind == columns.INT:
        number = _integer(value)
        if number is None or not 1 <= number <= columns.UNIX_ID_MAX:
            desired.problem(key, '%r is not a whole number from 1 to %d' % (value, columns.UNIX_ID_MAX))
        else:
            desired.scalars[column.field] = number
    elif kind == columns.DAYS:
        number = _integer(value)
        if number is None or not 1 <= number <= 365:
            desired.problem(key, '%r is not a number of days from 1 to 365' % value)
        else:
            desired.enrollment_days = number
    elif kind == columns.ADDRESS:
        kind_name, subfield = column.field
        if value is CLEAR or _check_length(desired, key, subfield, value):
            desired.addresses.setdefault(kind_name, {})[subfield] = value
    elif kind == columns.PHONE:
        if value is CLEAR or _check_length(desired, key, 'phone', value):
            desired.phones[column.field] = value
    elif kind == columns.EMAIL:
        if value is not CLEAR and not EMAIL_RE.match(value):
            desired.problem(key, '%r is not an email address' % value)
        else:
            desired.scalars[column.field] = value
    else:
        if value is CLEAR or _check_length(desired, key, column.field, value):
            desired.scalars[column.field] = value


def _integer(text):
    """An integer from plain ASCII digits only (int() would also take '1_000' and other scripts' digits)."""
    if not INTEGER_RE.match(text):
        return None
    return int(text, 10)


def _parse_attributes(desired, pairs, clear_token):
    """Attribute pairs in numeric order: each name needs a value and the reverse."""
    previous = None
    for number in sorted(pairs):
        pair = pairs[number]
        name = pair.get('name')
        value = pair.get('value')
        name_key = 'Attribute%d_name' % number
        value_key = 'Attribute%d_value' % number
        if name is None and value is None:
            continue
        if name is None:
            desired.problem(value_key, 'has a value but %s is empty' % name_key)
            continue
        if value is None:
            desired.problem(name_key, 'names attribute %r but %s is empty' % (name, value_key))
            continue
        if name == clear_token:
            desired.problem(name_key, 'an attribute name cannot be cleared; put the clear token in %s' % value_key)
            continue
        if not columns.ATTRIBUTE_NAME_RE.match(name):
            desired.problem(name_key, 'attribute name %r must be letters and digits only' % name)
            continue
        # named twice, also when only the case differs: both would update the same stored attribute
        if name == previous or any(fold(n) == fold(name) for n, dummy in desired.attributes):
            desired.problem(name_key, 'attribute %r is named twice in this row' % name)
            continue
        previous = name
        if value == clear_token:
            value = CLEAR
        elif len(value) > DEFAULT_MAX_LENGTH:
            desired.problem(value_key, 'is %d characters long; JumpCloud allows at most %d'
                            % (len(value), DEFAULT_MAX_LENGTH))
            continue
        desired.attributes.append((name, value))
        desired.attribute_keys[name] = name_key


def _key(kind, what):
    """The reference key of a column meaning: the column's name, GroupN, or AttributeN_name/_value."""
    if kind == 'column':
        return what.name
    if kind == 'group':
        return 'Group%d' % what
    return 'Attribute%d_%s' % what


def _where(table):
    """Reference key -> (column number, header) for every column of ``table``: one dict for all its rows."""
    return dict((_key(kind, what), (index + 1, table.headers[index].strip()))
                for index, (kind, what) in table.meanings.items())


def parse_rows(table, clear_token):
    """One :class:`Desired` per row, with its format problems, and the file-wide ones."""
    rows = []
    where = _where(table)
    for row in table.rows:
        desired = Desired(row.line)
        desired.where = where
        pairs = {}
        groups = {}
        for index, value in sorted(row.cells.items()):
            kind, what = table.meanings[index]
            if kind == 'column':
                _parse_cell(desired, what, what.name, value, clear_token)
            elif kind == 'group':
                key = _key(kind, what)
                if value == clear_token:
                    desired.problem(key, 'group membership cannot be cleared here; only additions are supported')
                else:
                    groups[what] = (value, key)
            else:
                number, part = what
                pairs.setdefault(number, {})[part] = value
        desired.groups = [groups[n] for n in sorted(groups)]
        _parse_attributes(desired, pairs, clear_token)
        _check_row(desired)
        rows.append(desired)
    _check_across_rows(rows)
    return rows


def _check_row(desired):
    if not desired.username:
        desired.problems.append(Problem('Username is empty: every row needs the user it updates', desired.line,
                                        None, 'Username'))
    if desired.enrollment_days is not None and desired.mfa is not True:
        desired.problem('EnrollmentDays', 'needs enable_user_portal_multifactor true in the same row')
    if desired.administrator is not None and desired.system_id is None and not desired.system_given:
        desired.problem('Administrator', 'needs a SystemID in the same row')
    seen = set()
    for name, key in desired.groups:
        if name in seen:
            desired.problem(key, 'group %r is named twice in this row' % name)
        seen.add(name)


def _check_across_rows(rows):
    # the same username twice; names that differ in case are compared once the users are known
    # (check_references), since two JumpCloud users may differ only by case
    first = {}
    for desired in rows:
        if desired.username:
            key = desired.username
            if key in first:
                desired.problem('Username', 'user %r is already updated by line %d' % (desired.username, first[key]))
            else:
                first[key] = desired.line
    for field in ('employeeIdentifier', 'email'):
        owners = {}
        for desired in rows:
            value = desired.scalars.get(field)
            if value is None or value is CLEAR:
                continue
            key = value.lower() if field == 'email' else value
            if key in owners:
                desired.problem(_column_of(field), '%s %r is also given to %s on line %d'
                                % (field, value, owners[key][0], owners[key][1]))
            else:
                owners[key] = (desired.username, desired.line)


def _column_of(field):
    return {'email': 'Email'}.get(field, field)
