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

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import OBJECT_ID_RE
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, Desired, Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import fold
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.problems import shown

# Every pattern applied to a cell runs in linear time: the domain's labels cannot contain the dots
# that separate them, so no text can be matched in more than one way.
EMAIL_RE = re.compile(r'[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+')
# a custom attribute value's limit; each column's own limit is in the column table, checked before any pattern
DEFAULT_MAX_LENGTH = columns.DEFAULT_MAX_LENGTH
INTEGER_RE = re.compile(r'-?[0-9]{1,20}')


def _check_length(desired, key, limit, value, what='JumpCloud allows'):
    if limit is not None and len(value) > limit:
        desired.problem(key, 'is %d characters long; %s at most %d' % (len(value), what, limit))
        return False
    return True


def _parse_cell(desired, column, key, value, clear_token):
    """Parse one filled cell as its column's kind says, and store it in the row's slot for that column."""
    if column.mark:
        setattr(desired, column.mark, True)
    if value == clear_token:
        if not column.clearable:
            desired.problem(key, 'cannot be cleared (the clear token %r is not allowed here)' % clear_token)
            return
        value = CLEAR
    parse = _PARSERS[column.kind]
    parsed = value if value is CLEAR else parse(desired, column, key, value)
    if parsed is not _INVALID:
        column.put(desired, parsed)


# what a parser returns for a cell it found a problem in
_INVALID = object()


def _parse_text(desired, column, key, value):
    return value if _check_length(desired, key, column.max_length, value) else _INVALID


def _parse_email(desired, column, key, value):
    if not _check_length(desired, key, column.max_length, value, 'an email address has'):
        return _INVALID
    if not EMAIL_RE.fullmatch(value):
        desired.problem(key, '%s is not an email address' % shown(value))
        return _INVALID
    return value


def _parse_object_id(desired, column, key, value):
    if OBJECT_ID_RE.fullmatch(value):
        return value
    desired.problem(key, '%s is not %s (24 lowercase hexadecimal characters)' % (shown(value), column.what))
    return _INVALID


def _parse_bool(desired, column, key, value):
    flag = columns.parse_bool(value)
    if flag is None:
        desired.problem(key, '%s is not a boolean: use %s' % (shown(value), columns.BOOL_SPELLINGS))
        return _INVALID
    return flag


def _counter(what, high):
    """A parser of whole numbers from 1 to ``high``; a cell out of range is ``what`` in its message."""
    def parse(desired, column, key, value):
        number = _integer(value)
        if number is None or not 1 <= number <= high:
            desired.problem(key, '%s is not %s from 1 to %d' % (shown(value), what, high))
            return _INVALID
        return number
    return parse


_parse_unix_id = _counter('a whole number', columns.UNIX_ID_MAX)
_parse_days = _counter('a number of days', columns.MAX_DAYS)


def _parse_state(desired, column, key, value):
    state = columns.parse_state(value)
    if state is None:
        desired.problem(key, '%s is not a user state: use %s or %s (%s only for a user being created), or %s to '
                        'delete the user' % ((shown(value),) + columns.USER_STATES + (columns.DELETED,)))
        return _INVALID
    if state == columns.DELETED:
        desired.delete = True
        return _INVALID         # not a field to write: the row deletes its user
    return state


_PARSERS = {
    columns.KEY: _parse_text,
    columns.SECRET: _parse_text,        # no limit: a password is sent as written
    columns.USER_REF: _parse_text,
    columns.OBJECT_ID: _parse_object_id,
    columns.STRING: _parse_text,
    columns.EMAIL: _parse_email,
    columns.BOOL: _parse_bool,
    columns.INT: _parse_unix_id,
    columns.DAYS: _parse_days,
    columns.ADDRESS: _parse_text,
    columns.PHONE: _parse_text,
    columns.STATE: _parse_state,
}


def _integer(text):
    """An integer from plain ASCII digits only (int() would also take '1_000' and other scripts' digits).

    At most 20 digits: enough for every limit checked here, and int() refuses texts of over 4,300 digits.
    """
    if not INTEGER_RE.fullmatch(text):
        return None
    return int(text, 10)


def _parse_attributes(desired, pairs, clear_token):
    """Attribute pairs in numeric order: each name needs a value and the reverse."""
    previous = None
    for number in sorted(pairs):
        pair = pairs[number]
        name = pair.get('name')
        value = pair.get('value')
        name_key = columns.attribute_header(number, 'name')
        value_key = columns.attribute_header(number, 'value')
        if name is None:
            desired.problem(value_key, 'has a value but %s is empty' % name_key)
            continue
        if value is None:
            desired.problem(name_key, 'names attribute %s but %s is empty' % (shown(name), value_key))
            continue
        if name == clear_token:
            desired.problem(name_key, 'an attribute name cannot be cleared; put the clear token in %s' % value_key)
            continue
        if not columns.ATTRIBUTE_NAME_RE.match(name):
            desired.problem(name_key, 'attribute name %s must be letters and digits only' % shown(name))
            continue
        # named twice, also when only the case differs: both would update the same stored attribute
        if name == previous or any(fold(n) == fold(name) for n, dummy in desired.attributes):
            desired.problem(name_key, 'attribute %s is named twice in this row' % shown(name))
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
    """The reference key of a column meaning: the column's name, GroupN, RemoveGroupN, or AttributeN_name/_value."""
    if kind == 'column':
        return what.name
    if kind == 'group':
        return columns.group_header(what)
    if kind == 'remove_group':
        return columns.remove_group_header(what)
    return columns.attribute_header(*what)


def _where(table):
    """Reference key -> (column number, header) for every column of ``table``: one dict for all its rows."""
    return dict((_key(kind, what), (index + 1, table.headers[index].strip()))
                for index, (kind, what) in table.meanings.items())


# the group columns, and what the clear token in one of their cells is told
_GROUP_CELLS = {
    'group': 'group membership cannot be cleared here; to take the user out of the group, name it in a RemoveGroupN '
             'cell',
    'remove_group': 'names the group to take the user out of; the clear token is not a group',
}


def parse_rows(table, clear_token, username_required=True):
    """One :class:`Desired` per row, with its format problems, and the file-wide ones. Without
    ``username_required`` (a match_on other than username) a row may leave Username empty. The table's rows are
    taken out of it as they are parsed (a caller that needs them again keeps them beforehand)."""
    rows = []
    where = _where(table)
    keys = dict((index, _key(kind, what)) for index, (kind, what) in table.meanings.items())
    shared = {}     # one (group name, key) pair per distinct pair, however many rows name it
    attribute_keys = {}     # one attribute_keys dict per distinct content (rows of a file name the same columns)
    # each read row is let go of once parsed, so a large file is never held twice (read and checked)
    read, table.rows = table.rows, []
    for row in _taken(read):
        desired = Desired(row.line)
        desired.where = where
        pairs = {}
        groups = {}
        removals = {}
        for index, value in row.items():
            kind, what = table.meanings[index]
            if kind == 'column':
                _parse_cell(desired, what, what.name, value, clear_token)
            elif kind in _GROUP_CELLS:
                key = keys[index]
                if value == clear_token:
                    desired.problem(key, _GROUP_CELLS[kind])
                else:
                    pair = (value, key)
                    (groups if kind == 'group' else removals)[what] = shared.setdefault(pair, pair)
            else:
                number, part = what
                pairs.setdefault(number, {})[part] = value
        desired.groups = [groups[n] for n in sorted(groups)]
        desired.remove_groups = [removals[n] for n in sorted(removals)]
        _parse_attributes(desired, pairs, clear_token)
        _check_row(desired, username_required)
        desired.compact(attribute_keys)
        rows.append(desired)
    _check_across_rows(rows)
    return rows


def _taken(rows):
    """Each of the list ``rows``, in order, taken out of it as it goes (so let go of once its caller is done)."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _check_row(desired, username_required=True):
    column = desired.where.get('Username', (None,))[0]
    if username_required and not desired.username and not any(p.column == column for p in desired.problems):
        desired.add_problem(Problem('Username is empty: every row needs the user it updates', desired.line,
                                    None, 'Username'))
    if desired.enrollment_days is not None and desired.mfa is not True:
        desired.problem('EnrollmentDays', 'needs enable_user_portal_multifactor true in the same row')
    if desired.administrator is not None and desired.system_id is None and not desired.system_given:
        desired.problem('Administrator', 'needs a SystemID in the same row')
    _check_named_once(desired, desired.groups)
    _check_removals(desired)
    if desired.delete:
        _check_delete_only(desired)


def _check_named_once(desired, cells):
    seen = set()
    for name, key in cells:
        if name in seen:
            desired.problem(key, 'group %r is named twice in this row' % name)
        seen.add(name)


def _check_removals(desired):
    """Each group to leave is named once; a row cannot bind and unbind one device (a group both added and removed
    is found once the names are resolved, by the reference check)."""
    _check_named_once(desired, desired.remove_groups)
    if desired.remove_system_id is not None and desired.remove_system_id == desired.system_id:
        desired.problem('RemoveSystemID', '%s is also the SystemID of this row: a row cannot bind and unbind '
                        'the same device' % (st.DEVICE % desired.remove_system_id))
    if desired.remove_ldapserver_id is not None and desired.remove_ldapserver_id == desired.ldapserver_id:
        desired.problem('RemoveLdapServerID', '%s is also the ldapserver_id of this row: a row cannot bind and unbind '
                        'the same LDAP server' % (st.LDAP_SERVER % desired.remove_ldapserver_id))


def _check_delete_only(desired):
    """A row whose state cell says DELETED deletes its user and does nothing else: every other filled cell
    (a field, a group, a binding, an attribute) is a problem on the state cell."""
    others = [c.name for c in columns.given_columns(desired) if c is not columns.USERNAME]
    others += [key for dummy, key in desired.groups + desired.remove_groups]
    others += [desired.attribute_keys.get(name, name) for name, dummy in desired.attributes]
    for flag, name in (('system_given', 'SystemID'), ('remove_system_given', 'RemoveSystemID'),
                       ('remove_ldapserver_given', 'RemoveLdapServerID')):
        if getattr(desired, flag) and name not in others:
            others.append(name)
    if others:
        desired.problem('state', 'DELETED deletes user %r; the row also fills %s: a row cannot both delete a user '
                        'and change its fields, memberships or bindings' % (desired.username, ', '.join(others)))


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
            key = fold(value) if field == 'email' else value
            if key in owners:
                desired.problem(_column_of(field), '%s %r is also given to %s on line %d'
                                % (field, value, owners[key][0] or 'the row', owners[key][1]))
            else:
                owners[key] = (desired.username, desired.line)


def _column_of(field):
    return {'email': 'Email'}.get(field, field)
