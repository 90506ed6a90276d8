# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Validate the CSV rows: each cell's format first, then (with the current state) every reference.

``parse_rows`` turns a read :class:`Table` into one :class:`Desired` per row,
each carrying its own problems; ``check_references`` adds the problems that
need JumpCloud's current state: users, groups, devices, LDAP servers and
managers that do not exist, and email or employeeIdentifier collisions.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _columns as columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._names import AmbiguousName, fold, match_name
from ansible_collections.jcops.jumpcloud.plugins.module_utils._problems import Problem

OBJECT_ID_RE = re.compile(r'^[0-9a-f]{24}$')
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
MAX_LENGTH = {'employeeIdentifier': 256}
DEFAULT_MAX_LENGTH = 1024
INTEGER_RE = re.compile(r'^-?[0-9]+$')
DEFAULT_ENROLLMENT_DAYS = 7


class _Clear:
    """The value of a cell holding the clear token: set this field to empty."""

    def __repr__(self):
        return 'CLEAR'


CLEAR = _Clear()


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
        self.where = {}          # reference key -> (column number, header), shared by the rows of a file
        self.problems = []

    def problem(self, key, message, kind='invalid'):
        column, header = self.where.get(key, (None, None))
        self.problems.append(Problem(message, self.line, column, header, kind))

    @property
    def status(self):
        if not self.problems:
            return None
        return 'not_found' if all(p.kind == 'not_found' for p in self.problems) else 'invalid'


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


def check_references(rows, state):
    """Problems that need the current state: what does not exist, and what would collide."""
    first_row_of = {}       # user id -> (line, username as written) of the first row updating that user
    for desired in rows:
        if desired.problems and desired.status == 'invalid' and not desired.username:
            continue
        user = _row_user(desired, state, first_row_of) if desired.username else None
        _check_groups(desired, state)
        if desired.system_id and desired.system_id not in state.systems:
            desired.problem('SystemID', 'device %s does not exist' % desired.system_id)
        if desired.ldapserver_id and desired.ldapserver_id not in state.ldapservers:
            desired.problem('ldapserver_id', 'LDAP server %s does not exist' % desired.ldapserver_id)
        if desired.manager is not None and desired.manager is not CLEAR:
            _check_manager(desired, state, user)
        if user is not None:
            _check_entry_names(desired, user)
            _check_collision(desired, user, state.users_by_email, 'email', 'Email', lambda v: v.lower())
            _check_collision(desired, user, state.users_by_employee_id, 'employeeIdentifier', 'employeeIdentifier',
                             lambda v: v)
    return rows


def _check_entry_names(desired, user):
    """The custom attribute names and address/phone types the row writes each match one stored spelling."""
    checks = [(name, desired.attribute_keys.get(name), 'attributes', 'name', 'custom attribute')
              for name, dummy in desired.attributes]
    checks += [(kind, _first_key(columns.LOCATION, lambda c, k=kind: c.field[0] == k and c.field[1] in desired.addresses[k]),
                'addresses', 'type', 'address type') for kind in sorted(desired.addresses)]
    checks += [(kind, _first_key(columns.TELEPHONY, lambda c, k=kind: c.field == k), 'phoneNumbers', 'type', 'phone type')
               for kind in sorted(desired.phones)]
    for name, key, field, part, what in checks:
        entries = [e for e in user.get(field) or [] if isinstance(e, dict)]
        try:
            match_name(name, entries, lambda e: e.get(part))
        except AmbiguousName as exc:
            desired.problem(key, '%s %s' % (what, _ambiguous(exc, 'the user\'s %ss' % what)))


def _first_key(candidates, wanted):
    return next(c.name for c in candidates if wanted(c))


def _check_manager(desired, state, user):
    try:
        manager = state.resolve_manager(desired.manager)
    except AmbiguousName as exc:
        desired.problem('manager', 'manager %s' % _ambiguous(exc, 'users'))
        return
    if manager is None:
        desired.problem('manager', 'manager %r matches no user id, username or email' % desired.manager)
    elif user is not None and manager['_id'] == user['_id']:
        desired.problem('manager', 'a user cannot be their own manager')
    else:
        desired.manager_id = manager['_id']


def _ambiguous(exc, what):
    return '%r is ambiguous: it matches %s %s without regard to case, and none exactly; write it as JumpCloud does' % (
        exc.name, what, ' and '.join(repr(c) for c in exc.candidates))


def _row_user(desired, state, first_row_of):
    """The user a row updates (its username matched as :func:`match_name` does), or None with a problem.

    The row then names the user as JumpCloud spells it. Two rows meaning the same user are a problem on the
    second, unless they are written the same (then the file check has reported it already).
    """
    written = desired.username
    try:
        user = state.find_user(written)
    except AmbiguousName as exc:
        desired.problem('Username', 'user %s' % _ambiguous(exc, 'users'))
        return None
    if user is None:
        desired.problem('Username', 'user %r does not exist in JumpCloud' % written, kind='not_found')
        return None
    desired.username = user['username']
    first = first_row_of.setdefault(user['_id'], (desired.line, written))
    if first[0] != desired.line and first[1] != written:
        if written != user['username']:
            message = 'user %r (%r in JumpCloud) is already updated by line %d' % (written, user['username'], first[0])
        else:
            message = 'user %r is already updated by line %d (written %r there)' % (written, first[0], first[1])
        desired.problem('Username', message)
    return user


def _check_groups(desired, state):
    """Every group cell names one existing group (matched as :func:`match_name` does), each group once."""
    seen = {}
    for name, key in desired.groups:
        try:
            group = state.find_group(name)
        except AmbiguousName as exc:
            desired.problem(key, 'user group %s' % _ambiguous(exc, 'groups'))
            continue
        if group is None:
            hint = state.similar_group(name)
            desired.problem(key, 'user group %r does not exist%s' % (name, '; did you mean %r?' % hint if hint else ''))
        elif group['id'] in seen and seen[group['id']][0] != name:
            desired.problem(key, 'user group %r is %r, already named in %s' % (name, group['name'], seen[group['id']][1]))
        else:
            seen.setdefault(group['id'], (name, key))


def _check_collision(desired, user, owners, field, key, normalise):
    value = desired.scalars.get(field)
    if value is None or value is CLEAR:
        return
    for other in owners.get(normalise(value), []):
        if other['_id'] != user['_id']:
            desired.problem(key, '%s %r already belongs to user %r' % (field, value, other.get('username')))
            return


DIRECTORIES = {'active_directory': 'Active Directory', 'scim': 'a SCIM provisioning integration',
               'federated_identity_provider': 'a federated identity provider'}


def restricted_fields(user):
    """{API field: directory type} for the fields a directory manages for ``user`` (its ``restrictedFields``)."""
    managed = {}
    for entry in (user or {}).get('restrictedFields') or []:
        if isinstance(entry, dict) and entry.get('field'):
            managed.setdefault(entry['field'], entry.get('type'))
    return managed


def _cell_of_change(name):
    """The API field and the reference key (the column) of one changed-field name of a plan:
    ``jobTitle``, ``password``, ``addresses.home.locality`` or ``phoneNumbers.mobile``."""
    parts = name.split('.')
    if parts[0] == 'addresses' and len(parts) == 3:
        matches = [c.name for c in columns.LOCATION if c.field == (parts[1], parts[2])]
    elif parts[0] == 'phoneNumbers' and len(parts) == 2:
        matches = [c.name for c in columns.TELEPHONY if c.field == parts[1]]
    elif name == 'password':
        matches = [columns.PASSWORD.name]
    else:
        matches = [c.name for c in columns.FIXED_COLUMNS if c.field == name and c.kind != columns.SPECIAL]
    return parts[0], matches[0] if matches else None


def check_restricted(rows, state, changes):
    """A problem on every cell that would change a field the user's directory manages.

    JumpCloud refuses (or ignores) writes to a user's ``restrictedFields``, which Active Directory, SCIM
    or an identity provider own. ``changes(desired, user)`` gives the changed-field names the row's plan
    would write; a row with such a cell is invalid, so nothing is written for that user.
    """
    for desired in rows:
        if desired.problems:
            continue
        user = state.users_by_name.get(desired.username)
        managed = restricted_fields(user)
        if not managed:
            continue
        reported = set()
        for name in changes(desired, user):
            field, key = _cell_of_change(name)
            if field not in managed or key in reported:
                continue
            reported.add(key)
            directory = managed[field]
            named = '%s (%s)' % (DIRECTORIES.get(directory, directory), directory) if directory else 'a directory'
            desired.problem(key, '%s of user %r is managed by %s and cannot be changed here; change it there, or '
                            'leave this cell empty' % (field, desired.username, named))
    return rows
