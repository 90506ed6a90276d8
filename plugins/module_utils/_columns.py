# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The CSV column language (the columns the modules' documentation lists): every column, its kind and API field."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import re

# kinds
STRING = 'string'
EMAIL = 'email'
BOOL = 'bool'
INT = 'int'
DAYS = 'days'
ADDRESS = 'address'
PHONE = 'phone'
SPECIAL = 'special'

UNIX_ID_MAX = 4294967295


class Column:
    __slots__ = ('name', 'kind', 'field', 'aliases', 'clearable')

    def __init__(self, name, kind, field=None, aliases=(), clearable=True):
        self.name = name
        self.kind = kind
        self.field = field
        self.aliases = tuple(aliases)
        self.clearable = clearable


def _address_columns(kind):
    parts = [('streetAddress', ()), ('poBox', ()), ('city', ('locality',)), ('state', ('region',)),
             ('postalCode', ()), ('country', ())]
    api = {'city': 'locality', 'state': 'region'}
    return [Column('%s_%s' % (kind, part), ADDRESS, (kind, api.get(part, part)),
                   aliases=['%s_%s' % (kind, a) for a in aliases]) for part, aliases in parts]


# In the reference's question order; the template writes columns in this order.
USERNAME = Column('Username', SPECIAL, clearable=False)
BASIC = [
    Column('FirstName', STRING, 'firstname'),
    Column('LastName', STRING, 'lastname'),
]
EMAIL_COLUMNS = [Column('Email', EMAIL, 'email', clearable=False)]
PASSWORD = Column('Password', SPECIAL, 'password', clearable=False)
USER_INFORMATION = [
    Column('MiddleName', STRING, 'middlename'),
    Column('preferredName', STRING, 'displayname'),
    Column('jobTitle', STRING, 'jobTitle'),
    Column('employeeIdentifier', STRING, 'employeeIdentifier'),
    Column('department', STRING, 'department'),
    Column('costCenter', STRING, 'costCenter'),
    Column('company', STRING, 'company'),
    Column('employeeType', STRING, 'employeeType'),
    Column('description', STRING, 'description'),
    Column('location', STRING, 'location'),
    Column('alternateEmail', EMAIL, 'alternateEmail'),
    Column('recoveryEmail', EMAIL, 'recoveryEmail'),
    Column('manager', SPECIAL, 'manager'),
    Column('managedAppleId', EMAIL, 'managedAppleId'),
]
LOCATION = _address_columns('home') + _address_columns('work')
TELEPHONY = [
    Column('mobile_number', PHONE, 'mobile'),
    Column('home_number', PHONE, 'home'),
    Column('work_number', PHONE, 'work'),
    Column('work_mobile_number', PHONE, 'work_mobile'),
    Column('work_fax_number', PHONE, 'work_fax'),
]
UNIX_IDS = [
    Column('unix_uid', INT, 'unix_uid', clearable=False),
    Column('unix_guid', INT, 'unix_guid', clearable=False),
]
MFA = [
    Column('enable_user_portal_multifactor', BOOL, 'enable_user_portal_multifactor', clearable=False),
    Column('EnrollmentDays', DAYS, clearable=False),
]
LDAP = [
    Column('ldap_binding_user', BOOL, 'ldap_binding_user', clearable=False),
    Column('ldapserver_id', SPECIAL, clearable=False),
]
SYSTEMS = [
    Column('SystemID', SPECIAL, clearable=False),
    Column('Administrator', BOOL, clearable=False),
]
FLAGS = [Column(name, BOOL, name, clearable=False) for name in (
    'account_locked', 'allow_public_key', 'enable_managed_uid', 'externally_managed', 'passwordless_sudo', 'sudo',
    'password_never_expires')]
EXTERNAL = [
    Column('external_dn', STRING, 'external_dn'),
    Column('external_source_type', STRING, 'external_source_type'),
]

FIXED_COLUMNS = [USERNAME] + BASIC + EMAIL_COLUMNS + [PASSWORD] + USER_INFORMATION + LOCATION + TELEPHONY + \
    UNIX_IDS + MFA + LDAP + SYSTEMS + FLAGS + EXTERNAL

BY_KEY = {}
for _column in FIXED_COLUMNS:
    for _name in (_column.name,) + _column.aliases:
        BY_KEY[_name.lower()] = _column

GROUP_RE = re.compile(r'^group(\d+)$', re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r'^attribute(\d+)_(name|value)$', re.IGNORECASE)
ATTRIBUTE_NAME_RE = re.compile(r'^[A-Za-z0-9]+$')

TRUE_WORDS = frozenset(['true', 'yes', '1', '$true', 'y'])
FALSE_WORDS = frozenset(['false', 'no', '0', '$false', 'n'])


def normalise_header(text):
    return text.strip().lower()


def lookup(header):
    """What a header means: ('column', Column), ('group', n), ('attribute', (n, 'name'|'value')) or None."""
    key = normalise_header(header)
    column = BY_KEY.get(key)
    if column is not None:
        return 'column', column
    match = GROUP_RE.match(key)
    if match:
        return 'group', int(match.group(1))
    match = ATTRIBUTE_RE.match(key)
    if match:
        return 'attribute', (int(match.group(1)), match.group(2).lower())
    return None


def closest_header(header):
    """The known header most like ``header``, for the 'did you mean' of an unknown one."""
    key = normalise_header(header)
    names = {}
    for column in FIXED_COLUMNS:
        for name in (column.name,) + column.aliases:
            names[name.lower()] = column.name
    digits = re.search(r'(\d+)', key)
    n = digits.group(1) if digits else '1'
    for extra in ('Group%s' % n, 'Attribute%s_name' % n, 'Attribute%s_value' % n):
        names[extra.lower()] = extra
    match = difflib.get_close_matches(key, list(names), n=1, cutoff=0.0)
    return names[match[0]] if match else None


def parse_bool(text):
    """True/False from true/false, yes/no, 1/0, $true/$false in any case; None when not a boolean."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
