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

from ansible_collections.jcops.jumpcloud.plugins.module_utils._columns import ATTRIBUTE_NAME_RE, BY_KEY, TEMPLATE_SECTIONS, section_columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv_safety import escape_cell

# the columns every template starts with, and each option's columns, in the order they are written
UPDATE_BASE = section_columns('update')
IMPORT_BASE = section_columns('import')
SECTIONS = [(section, section_columns(section)) for section in TEMPLATE_SECTIONS]
SYSTEM_COLUMNS = ['hostname', 'displayName', 'SystemID', 'lastContact']


def template_columns(kind='update', groups=0, custom_attributes=0, **sections):
    """The header row for the chosen options: the base, then each chosen section's columns, groups, attributes."""
    columns = list(IMPORT_BASE if kind == 'import' else UPDATE_BASE)
    for name, names in SECTIONS:
        if sections.get(name):
            columns.extend(c for c in names if c not in columns)
    columns.extend('Group%d' % n for n in range(1, groups + 1))
    for n in range(1, custom_attributes + 1):
        columns.extend(['Attribute%d_name' % n, 'Attribute%d_value' % n])
    return columns


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '%s' % value


def prefill_value(user, column):
    """The current value of ``column`` for ``user``, as the CSV cell that keeps it."""
    entry = BY_KEY.get(column.lower())
    if entry is not None and entry.name == column:
        return _text(entry.api.read(user)) if entry.prefill else ''
    if column.startswith('Attribute') and '_' in column:
        number, dummy, part = column[len('Attribute'):].partition('_')
        attributes = [a for a in user.get('attributes') or []
                      if a.get('value') and ATTRIBUTE_NAME_RE.match(a.get('name') or '')]
        index = int(number) - 1
        if index < len(attributes):
            return _text(attributes[index].get('name' if part == 'name' else 'value'))
    return ''


def prefill_fields(columns):
    """The user fields that prefilling ``columns`` reads (space-separated, for a search's ``fields``): a large
    directory is then read without the fields no column shows."""
    fields = {'_id', 'username'}
    for column in columns:
        entry = BY_KEY.get(column.lower())
        if entry is not None and entry.name == column and entry.prefill:
            fields.update(entry.reads)
        elif column.startswith('Attribute'):
            fields.add('attributes')
    return ' '.join(sorted(fields))


def template_rows(columns, users, prefill):
    """One row per user, sorted by username; only Username is filled unless ``prefill``."""
    rows = []
    for user in sorted(users, key=lambda u: u.get('username') or ''):
        if prefill:
            rows.append([prefill_value(user, c) for c in columns])
        else:
            rows.append([user.get('username') or '' if c == 'Username' else '' for c in columns])
    return rows


def system_rows(systems):
    """The devices file: hostname, displayName, SystemID, lastContact, sorted by hostname."""
    rows = []
    for system in sorted(systems, key=lambda s: ((s.get('hostname') or '').lower(), s.get('_id') or '')):
        rows.append([_text(system.get('hostname')), _text(system.get('displayName')),
                     _text(system.get('_id') or system.get('id')), _text(system.get('lastContact'))])
    return rows


def render_csv(columns, rows):
    """UTF-8 CSV text (with a byte order mark, so spreadsheets read accents right), formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return '\ufeff' + buffer.getvalue()
