# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The CSV update template: which columns the options ask for, and the rows, rendered formula-safe.

Pure functions: the module reads users and devices from the API and hands
them in; everything here is testable without HTTP.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._columns import ATTRIBUTE_NAME_RE
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv_safety import escape_cell

UPDATE_BASE = ['Username']
IMPORT_BASE = ['FirstName', 'LastName', 'Username', 'Password', 'Email']
# In the order of the reference's questions.
SECTIONS = [
    ('email', ['Email']),
    ('user_information', ['alternateEmail', 'recoveryEmail', 'manager', 'managedAppleId', 'MiddleName',
                          'preferredName', 'jobTitle', 'employeeIdentifier', 'department', 'costCenter', 'company',
                          'employeeType', 'description', 'location']),
    ('location', ['home_streetAddress', 'home_poBox', 'home_city', 'home_state', 'home_postalCode', 'home_country',
                  'work_streetAddress', 'work_poBox', 'work_city', 'work_state', 'work_postalCode', 'work_country']),
    ('telephony', ['mobile_number', 'home_number', 'work_number', 'work_mobile_number', 'work_fax_number']),
    ('unix_ids', ['unix_uid', 'unix_guid']),
    ('mfa', ['enable_user_portal_multifactor', 'EnrollmentDays']),
    ('ldap_binding', ['ldap_binding_user', 'ldapserver_id']),
    ('systems', ['SystemID', 'Administrator']),
]
# user field for a prefilled column (None: never prefilled, it would re-apply a binding or a window)
PREFILL = {
    'Username': 'username', 'Email': 'email', 'FirstName': 'firstname', 'LastName': 'lastname',
    'alternateEmail': 'alternateEmail', 'manager': 'manager', 'managedAppleId': 'managedAppleId',
    'MiddleName': 'middlename', 'preferredName': 'displayname', 'jobTitle': 'jobTitle',
    'employeeIdentifier': 'employeeIdentifier', 'department': 'department', 'costCenter': 'costCenter',
    'company': 'company', 'employeeType': 'employeeType', 'description': 'description', 'location': 'location',
    'unix_uid': 'unix_uid', 'unix_guid': 'unix_guid', 'enable_user_portal_multifactor': 'enable_user_portal_multifactor',
    'ldap_binding_user': 'ldap_binding_user',
}
ADDRESS_PARTS = {'streetAddress': 'streetAddress', 'poBox': 'poBox', 'city': 'locality', 'state': 'region',
                 'postalCode': 'postalCode', 'country': 'country'}
PHONES = {'mobile_number': 'mobile', 'home_number': 'home', 'work_number': 'work',
          'work_mobile_number': 'work_mobile', 'work_fax_number': 'work_fax'}
SYSTEM_COLUMNS = ['hostname', 'displayName', 'SystemID', 'lastContact']


def template_columns(kind='update', groups=0, custom_attributes=0, **sections):
    """The header row for the chosen options, in the reference's question order."""
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
    if column in PREFILL:
        return _text(user.get(PREFILL[column]))
    if column == 'recoveryEmail':
        return _text((user.get('recoveryEmail') or {}).get('address'))
    if column in PHONES:
        return _text(next((p.get('number') for p in user.get('phoneNumbers') or []
                           if p.get('type') == PHONES[column]), None))
    kind, dummy, part = column.partition('_')
    if kind in ('home', 'work') and part in ADDRESS_PARTS:
        return _text(next((a.get(ADDRESS_PARTS[part]) for a in user.get('addresses') or []
                           if a.get('type') == kind), None))
    if column.startswith('Attribute') and '_' in column:
        number, dummy, part = column[len('Attribute'):].partition('_')
        attributes = [a for a in user.get('attributes') or []
                      if a.get('value') and ATTRIBUTE_NAME_RE.match(a.get('name') or '')]
        index = int(number) - 1
        if index < len(attributes):
            return _text(attributes[index].get('name' if part == 'name' else 'value'))
    return ''


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
