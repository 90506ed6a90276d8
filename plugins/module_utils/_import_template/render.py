# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The CSV update template: which columns the options ask for, and the rows, rendered formula-safe.

Pure functions: the module reads users and devices from the API and hands
them in; everything here is testable without HTTP. The columns, their order
and how each is prefilled come from the column table (``_columns``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.columns import (
    ATTRIBUTE_NAME_RE, BY_KEY, FIXED_COLUMNS, GROUP_RE, TEMPLATE_SECTIONS, attribute_header, group_header,
    normalise_header, parse_attribute_header, remove_group_header, section_columns)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import object_id
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import unpack

# the columns every template starts with, and each option's columns, in the order they are written
UPDATE_BASE = section_columns('update')
IMPORT_BASE = section_columns('import')
SECTIONS = [(section, section_columns(section)) for section in TEMPLATE_SECTIONS]
SYSTEM_COLUMNS = ['hostname', 'displayName', 'SystemID', 'lastContact']

# The header JumpCloud's New-JCImportTemplate writes with -Force, the same for its two types (Update and Import),
# in its order and spelling (New-JCImportTemplate.ps1, the ordered table of its 'force' parameter set). It leaves
# out work_country, which its own location question writes after work_postalCode.
REFERENCE_FULL = (
    'Username', 'FirstName', 'LastName', 'Password', 'Email', 'alternateEmail', 'recoveryEmail', 'manager',
    'managedAppleId', 'middlename', 'preferredName', 'jobTitle', 'employeeIdentifier', 'department', 'costCenter',
    'company', 'employeeType', 'description', 'location', 'home_streetAddress', 'home_city', 'home_state',
    'home_postalCode', 'home_poBox', 'home_country', 'work_streetAddress', 'work_poBox', 'work_city', 'work_state',
    'work_postalCode', 'mobile_number', 'home_number', 'work_number', 'work_mobile_number', 'work_fax_number',
    'unix_guid', 'unix_uid', 'enable_user_portal_multifactor', 'EnrollmentDays', 'ldap_binding_user',
    'ldapserver_id', 'account_locked', 'allow_public_key', 'enable_managed_uid', 'externally_managed', 'external_dn',
    'external_source_type', 'passwordless_sudo', 'sudo', 'password_never_expires',
)


def _full_columns():
    """Every column of the language, for ``all_columns``: the reference's full header in its order (our spelling of
    each name, work_country after work_postalCode), then every other column the sections write, in their order,
    then any other column of the table."""
    names = [BY_KEY[name.lower()].name for name in REFERENCE_FULL]
    names.insert(names.index('work_postalCode') + 1, 'work_country')
    ours = UPDATE_BASE + IMPORT_BASE + [name for dummy, section in SECTIONS for name in section]
    ours += [column.name for column in FIXED_COLUMNS]
    for name in ours:
        if name not in names:
            names.append(name)
    return names


FULL_COLUMNS = _full_columns()


def template_columns(kind='update', groups=0, custom_attributes=0, remove_groups=0, all_columns=False, **sections):
    """The header row for the chosen options: the base (every column of the language with ``all_columns``, for
    either kind), then each chosen section's columns, groups, the groups to take users out of, attributes."""
    if all_columns:
        columns = list(FULL_COLUMNS)
    else:
        columns = list(IMPORT_BASE if kind == 'import' else UPDATE_BASE)
    for name, names in SECTIONS:
        if sections.get(name):
            columns.extend(c for c in names if c not in columns)
    columns.extend(group_header(n) for n in range(1, groups + 1))
    columns.extend(remove_group_header(n) for n in range(1, remove_groups + 1))
    for n in range(1, custom_attributes + 1):
        columns.extend([attribute_header(n, 'name'), attribute_header(n, 'value')])
    return columns


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '%s' % value


def prefill_value(user, column):
    """The current value of ``column`` for ``user``, as the CSV cell that keeps it."""
    return cell_reader(column)(user)


def cell_reader(column):
    """A function giving, for a user, the cell of ``column`` that keeps its current value (see :func:`prefill_value`);
    made once per column, so that a large template looks the column up once, not once per user."""
    entry = BY_KEY.get(column.lower())
    if entry is not None and entry.name == column:
        if not entry.prefill:
            return lambda user: ''
        read = entry.api.read
        return lambda user: _text(read(user))
    attribute = parse_attribute_header(column)
    if attribute:
        index = attribute[0] - 1
        key = attribute[1]

        def attribute(user):
            attributes = shown_attributes(user)
            return _text(attributes[index].get(key)) if index < len(attributes) else ''
        return attribute
    group = GROUP_RE.match(normalise_header(column))
    if group:
        index = int(group.group(1)) - 1
        return lambda user: _text(_nth(user.get(GROUPS), index))
    return lambda user: ''


# where a user record carries the names of its user groups once they are read (sorted, see
# _api/memberships.py): the GroupN cells show them, one a column
GROUPS = 'groups'


def _nth(items, index):
    return items[index] if items and index < len(items) else None


def shown_attributes(user):
    """The custom attributes of ``user`` that AttributeN cells can show, in the user's order: those with a value
    and a name of letters and digits (what JumpCloud's attribute names are)."""
    return [a for a in user.get('attributes') or [] if a.get('value') and ATTRIBUTE_NAME_RE.match(a.get('name') or '')]


def prefill_fields(columns):
    """The user fields that prefilling ``columns`` reads (space-separated, for a search's ``fields``): a large
    directory is then read without the fields no column shows."""
    fields = {'_id', 'username'}
    for column in columns:
        entry = BY_KEY.get(column.lower())
        if entry is not None and entry.name == column and entry.prefill:
            fields.update(entry.reads)
        elif parse_attribute_header(column):
            fields.add('attributes')
    return ' '.join(sorted(fields))


def template_rows(columns, users, prefill):
    """One row per user, sorted by username; only Username is filled unless ``prefill``."""
    return list(iter_template_rows(columns, list(users), prefill))


# the field of a user record read before its row is made (the order of the rows): kept as it is in a packed record
PACKED_KEPT = ('username',)


def iter_template_rows(columns, users, prefill, groups=None):
    """The rows of :func:`template_rows` one at a time, each user let go of once its row is made: a template of
    a large directory never holds every row's cells at once, nor the users already written. A user may be
    packed (``_api.records``): it is unpacked when its row is made.

    ``groups`` maps a user's id to its group names, for the GroupN cells; each entry is taken as its row is made
    (the users' records are not given a key more: a dict grown by one key may take twice the memory)."""
    users.sort(key=lambda u: u.get('username') or '')
    users.reverse()
    readers = [cell_reader(c) for c in columns]
    while users:
        user = unpack(users.pop())
        if prefill:
            if groups is not None:
                user = dict(user)
                user[GROUPS] = groups.pop(object_id(user), ())
            yield [read(user) for read in readers]
        else:
            yield [user.get('username') or '' if c == 'Username' else '' for c in columns]


def system_rows(systems):
    """The devices file: hostname, displayName, SystemID, lastContact, sorted by hostname."""
    rows = []
    for system in sorted(systems, key=lambda s: ((s.get('hostname') or '').lower(), object_id(s) or '')):
        rows.append([_text(system.get('hostname')), _text(system.get('displayName')),
                     _text(object_id(system)), _text(system.get('lastContact'))])
    return rows


# the byte order mark a written CSV starts with, so that spreadsheets read accents right
BOM = '\ufeff'


def render_csv(columns, rows):
    """UTF-8 CSV text (with a byte order mark, so spreadsheets read accents right), formula-safe."""
    return BOM + render_body(columns, rows)


def render_body(columns, rows):
    """The text of :func:`render_csv` without its byte order mark: a text of Latin letters then takes one byte a
    character (the mark alone would make Python keep every character in two), and a large file is not copied
    once more to put the mark in front."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(cell) if cell else cell for cell in row])
    return buffer.getvalue()
