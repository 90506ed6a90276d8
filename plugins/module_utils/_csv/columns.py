# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The CSV column language: one table, one entry per column, and everything derived from it.

Each :class:`Column` says what its cells hold (its kind, longest value, whether the clear token may
empty it), where the parsed value goes in a row (its slot), how it is read from and written to a
JumpCloud user (its API accessor, and the user fields that must be read to compare it), and where the
update template writes it (its template sections and positions, and whether a prefilled template fills
it in). The reader, validation, the template, the state read and the plan all take these facts from
here; the modules' documentation lists the same columns (a unit test compares them).

Adding a column is one entry in ``FIXED_COLUMNS`` (plus its documentation line and its tests).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import re

# kinds: how a cell is parsed (validation dispatches on these) and compared
KEY = 'key'             # the row's key: an existing username
SECRET = 'secret'       # sent as written, never compared
USER_REF = 'user'       # a reference to a user: an id, username or email
OBJECT_ID = 'id'        # a JumpCloud object id (24 lowercase hexadecimal characters)
STRING = 'string'
EMAIL = 'email'
BOOL = 'bool'
INT = 'int'             # a unix id, 1 to UNIX_ID_MAX
DAYS = 'days'           # a number of days, 1 to MAX_DAYS
ADDRESS = 'address'     # one part of a home or work address
PHONE = 'phone'         # one phone number of a type
STATE = 'state'         # a user state, one of USER_STATES in any case
KINDS = (KEY, SECRET, USER_REF, OBJECT_ID, STRING, EMAIL, BOOL, INT, DAYS, ADDRESS, PHONE, STATE)
# no column has this kind any more; kept so that code comparing against it keeps working
SPECIAL = 'special'
# how the jc_users_from_csv documentation names each kind, in the order it lists them
KIND_DOCS = (
    (KEY, 'The key, an existing username (required)'),
    (STRING, 'Text'),
    (EMAIL, 'An email address'),
    (SECRET, 'A password, sent as written'),
    (USER_REF, 'A user id, username or email'),
    (ADDRESS, 'Part of an address'),
    (PHONE, 'A phone number'),
    (INT, 'A whole number from 1 to 4294967295'),
    (DAYS, 'A number of days from 1 to 365'),
    (BOOL, 'A boolean'),
    (OBJECT_ID, 'A JumpCloud id (24 lowercase hexadecimal characters)'),
    (STATE, 'A user state, V(ACTIVATED) or V(SUSPENDED) in any case (V(STAGED) only for a user being created; '
            'V(DELETED) deletes the user, with O(allow_delete=true))'),
)

# the states a user may have: an existing user is set ACTIVATED or SUSPENDED (what a PUT takes); STAGED is
# for a user being created (what a POST also takes)
ACTIVATED, SUSPENDED, STAGED = 'ACTIVATED', 'SUSPENDED', 'STAGED'
USER_STATES = (ACTIVATED, SUSPENDED, STAGED)
# not a state a user has: a state cell saying DELETED deletes the user (with the module's allow_delete)
DELETED = 'DELETED'

UNIX_ID_MAX = 4294967295
MAX_DAYS = 365
MAX_EMAIL_LENGTH = 254          # the longest address mail can carry (RFC 5321)
DEFAULT_MAX_LENGTH = 1024       # JumpCloud's limit (maxLength of systemuserput) unless a column says otherwise

# the template's option sections, in the order the template writes them (the interactive tool's question
# order); the 'update' and 'import' bases come first, whichever sections are chosen
TEMPLATE_BASES = ('update', 'import')
TEMPLATE_SECTIONS = ('email', 'user_information', 'location', 'telephony', 'unix_ids', 'mfa', 'ldap_binding',
                     'systems', 'state')

# the boolean spellings, in the order the documentation and the error message give them (any case)
BOOL_WORDS = (('true', 'false'), ('yes', 'no'), ('y', 'n'), ('1', '0'), ('$true', '$false'))
TRUE_WORDS = frozenset(true for true, false in BOOL_WORDS)
FALSE_WORDS = frozenset(false for true, false in BOOL_WORDS)
BOOL_SPELLINGS = ', '.join('%s/%s' % pair for pair in BOOL_WORDS[:-1]) + ' or %s/%s' % BOOL_WORDS[-1]


class Field:
    """A top-level field of a user record, written as the value itself."""

    def __init__(self, name):
        self.name = name
        self.reads = (name,)

    def read(self, user):
        return user.get(self.name)

    def body(self, value):
        return value


class Wrapped(Field):
    """A field holding an object with the value under one key: ``recoveryEmail`` is ``{'address': ...}``."""

    def __init__(self, name, key):
        super(Wrapped, self).__init__(name)
        self.key = key

    def read(self, user):
        return (user.get(self.name) or {}).get(self.key)

    def body(self, value):
        return {self.key: value}


class Entry:
    """One value of the entry of a given type in an array of typed entries (addresses, phone numbers)."""

    def __init__(self, array, entry_type, key):
        self.name = array
        self.type = entry_type
        self.key = key
        self.reads = (array,)

    def read(self, user):
        return next((e.get(self.key) for e in user.get(self.name) or [] if e.get('type') == self.type), None)


class Column:
    """One column of the CSV language.

    ``slot`` is where a parsed cell goes in a row (see :meth:`put`): ``('scalars', API field)``,
    ``('addresses', type, API subfield)``, ``('phones', type)``, or ``(attribute,)`` for a value of its own
    (``username``, ``manager``, ``system_id``...). ``api`` reads the current value from a user record (and
    shapes it for a PUT); ``reads`` are the user fields a row filling this column must read. ``template`` is
    ``((section or base, position), ...)``; ``prefill`` says whether a prefilled template fills it in from
    ``api``. ``what`` names what an id column holds (for its error message), and ``mark`` is a row attribute
    set true whenever the cell is filled, valid or not.
    """

    __slots__ = ('name', 'kind', 'slot', 'api', 'reads', 'aliases', 'clearable', 'max_length', 'template', 'prefill',
                 'what', 'mark')

    # each trait a column may set by name, and its value when it does not
    TRAITS = {'reads': None, 'aliases': (), 'clearable': True, 'max_length': DEFAULT_MAX_LENGTH, 'template': (),
              'prefill': False, 'what': None, 'mark': None}

    def __init__(self, name, kind, slot, api=None, **traits):
        unknown = sorted(set(traits) - set(self.TRAITS))
        if unknown:
            raise TypeError('unknown column traits: %s' % ', '.join(unknown))
        self.name = name
        self.kind = kind
        self.slot = tuple(slot)
        self.api = api
        for trait, default in self.TRAITS.items():
            setattr(self, trait, traits.get(trait, default))
        self.reads = tuple(api.reads if self.reads is None and api is not None else self.reads or ())
        self.aliases = tuple(self.aliases)
        self.template = tuple(self.template)

    @property
    def field(self):
        """The API field of a plain value, ``(type, subfield)`` of an address part, the type of a phone;
        None for a column whose value has a slot of its own."""
        if self.slot[0] in ('scalars', 'phones'):
            return self.slot[1]
        if self.slot[0] == 'addresses':
            return self.slot[1:]
        return None

    def put(self, row, value):
        """Store a parsed cell in ``row`` (a :class:`Desired`)."""
        where = self.slot[0]
        if where == 'scalars' or where == 'phones':
            getattr(row, where)[self.slot[1]] = value
        elif where == 'addresses':
            row.addresses.setdefault(self.slot[1], {})[self.slot[2]] = value
        else:
            setattr(row, where, value)

    def get(self, row):
        """The parsed value ``row`` holds for this column, or None."""
        where = self.slot[0]
        if where == 'scalars' or where == 'phones':
            return getattr(row, where).get(self.slot[1])
        if where == 'addresses':
            return row.addresses.get(self.slot[1], {}).get(self.slot[2])
        return getattr(row, where)

    def position(self, section):
        """This column's position in a template section or base, or None when it is not written there."""
        return next((n for s, n in self.template if s == section), None)


def _address(kind, part, api_part, position, aliases=()):
    return Column('%s_%s' % (kind, part), ADDRESS, ('addresses', kind, api_part), Entry('addresses', kind, api_part),
                  aliases=['%s_%s' % (kind, a) for a in aliases], template=[('location', position)], prefill=True)


def _addresses(kind, first):
    parts = [('streetAddress', 'streetAddress', ()), ('poBox', 'poBox', ()), ('city', 'locality', ('locality',)),
             ('state', 'region', ('region',)), ('postalCode', 'postalCode', ()), ('country', 'country', ())]
    return [_address(kind, part, api_part, first + n, aliases) for n, (part, api_part, aliases) in enumerate(parts)]


def _phone(name, phone_type, position):
    return Column(name, PHONE, ('phones', phone_type), Entry('phoneNumbers', phone_type, 'number'),
                  template=[('telephony', position)], prefill=True)


def _plain(name, field, template=(), max_length=DEFAULT_MAX_LENGTH, kind=STRING):
    return Column(name, kind, ('scalars', field), Field(field), max_length=max_length, template=template, prefill=True)


def _flag(name):
    return Column(name, BOOL, ('scalars', name), Field(name), clearable=False, prefill=True)


# The table, in the documentation's order; a column's template sections and positions say where the
# template writes it.
USERNAME = Column('Username', KEY, ('username',), Field('username'), clearable=False,
                  template=[('update', 1), ('import', 3)], prefill=True)
BASIC = [
    _plain('FirstName', 'firstname', [('import', 1)]),
    _plain('LastName', 'lastname', [('import', 2)]),
]
EMAIL_COLUMNS = [
    Column('Email', EMAIL, ('scalars', 'email'), Field('email'), clearable=False, max_length=MAX_EMAIL_LENGTH,
           template=[('import', 5), ('email', 1)], prefill=True),
]
# never prefilled (JumpCloud never returns a password) and never limited (it is sent as written)
PASSWORD = Column('Password', SECRET, ('password',), clearable=False, max_length=None, template=[('import', 4)])
USER_INFORMATION = [
    _plain('MiddleName', 'middlename', [('user_information', 5)]),
    _plain('preferredName', 'displayname', [('user_information', 6)]),
    _plain('jobTitle', 'jobTitle', [('user_information', 7)]),
    _plain('employeeIdentifier', 'employeeIdentifier', [('user_information', 8)], max_length=256),
    _plain('department', 'department', [('user_information', 9)]),
    _plain('costCenter', 'costCenter', [('user_information', 10)]),
    _plain('company', 'company', [('user_information', 11)]),
    _plain('employeeType', 'employeeType', [('user_information', 12)]),
    _plain('description', 'description', [('user_information', 13)]),
    _plain('location', 'location', [('user_information', 14)]),
    _plain('alternateEmail', 'alternateEmail', [('user_information', 1)], MAX_EMAIL_LENGTH, EMAIL),
    Column('recoveryEmail', EMAIL, ('scalars', 'recoveryEmail'), Wrapped('recoveryEmail', 'address'),
           max_length=MAX_EMAIL_LENGTH, template=[('user_information', 2)], prefill=True),
    # a user id, username or email: none is longer than a username may be
    Column('manager', USER_REF, ('manager',), Field('manager'), template=[('user_information', 3)], prefill=True),
    _plain('managedAppleId', 'managedAppleId', [('user_information', 4)], MAX_EMAIL_LENGTH, EMAIL),
]
LOCATION = _addresses('home', 1) + _addresses('work', 7)
TELEPHONY = [
    _phone('mobile_number', 'mobile', 1),
    _phone('home_number', 'home', 2),
    _phone('work_number', 'work', 3),
    _phone('work_mobile_number', 'work_mobile', 4),
    _phone('work_fax_number', 'work_fax', 5),
]
UNIX_IDS = [
    Column('unix_uid', INT, ('scalars', 'unix_uid'), Field('unix_uid'), clearable=False, template=[('unix_ids', 1)],
           prefill=True),
    Column('unix_guid', INT, ('scalars', 'unix_guid'), Field('unix_guid'), clearable=False, template=[('unix_ids', 2)],
           prefill=True),
]
# Bindings and the enrollment window are never prefilled: a prefilled cell would apply them again.
MFA = [
    Column('enable_user_portal_multifactor', BOOL, ('mfa',), Field('enable_user_portal_multifactor'),
           reads=('enable_user_portal_multifactor', 'mfa'), clearable=False, template=[('mfa', 1)], prefill=True),
    Column('EnrollmentDays', DAYS, ('enrollment_days',), clearable=False, template=[('mfa', 2)]),
]
LDAP = [
    Column('ldap_binding_user', BOOL, ('scalars', 'ldap_binding_user'), Field('ldap_binding_user'), clearable=False,
           template=[('ldap_binding', 1)], prefill=True),
    Column('ldapserver_id', OBJECT_ID, ('ldapserver_id',), clearable=False, template=[('ldap_binding', 2)],
           what='an LDAP server id'),
    # unbinds the user from that LDAP server: an explicit column, never prefilled
    Column('RemoveLdapServerID', OBJECT_ID, ('remove_ldapserver_id',), clearable=False,
           template=[('ldap_binding', 3)], what='an LDAP server id', mark='remove_ldapserver_given'),
]
SYSTEMS = [
    # the user-level sudo flag is read: it makes the user administrator on every bound device
    Column('SystemID', OBJECT_ID, ('system_id',), reads=('sudo',), clearable=False, template=[('systems', 1)],
           what='a device id', mark='system_given'),
    Column('Administrator', BOOL, ('administrator',), clearable=False, template=[('systems', 2)]),
    # unbinds the user from that device: an explicit column, never prefilled
    Column('RemoveSystemID', OBJECT_ID, ('remove_system_id',), clearable=False, template=[('systems', 3)],
           what='a device id', mark='remove_system_given'),
]
FLAGS = [_flag(name) for name in ('account_locked', 'allow_public_key', 'enable_managed_uid', 'externally_managed',
                                  'passwordless_sudo', 'sudo', 'password_never_expires')]
# the flags and these two are in no template section: only the full template (all_columns) writes them, and a
# prefilled one fills them in like every other plain field
EXTERNAL = [
    Column('external_dn', STRING, ('scalars', 'external_dn'), Field('external_dn'), prefill=True),
    Column('external_source_type', STRING, ('scalars', 'external_source_type'), Field('external_source_type'),
           prefill=True),
]

# the user's state, sent as ``state``; prefilled, so that a prefilled template keeps each user's state
STATE_COLUMNS = [
    Column('state', STATE, ('scalars', 'state'), Field('state'), clearable=False, max_length=None,
           template=[('state', 1)], prefill=True),
]

FIXED_COLUMNS = [USERNAME] + BASIC + EMAIL_COLUMNS + [PASSWORD] + USER_INFORMATION + LOCATION + TELEPHONY + \
    UNIX_IDS + MFA + LDAP + SYSTEMS + FLAGS + EXTERNAL + STATE_COLUMNS

BY_KEY = {}         # header, lower case (a name or an alias) -> column
for _column in FIXED_COLUMNS:
    for _name in (_column.name,) + _column.aliases:
        BY_KEY[_name.lower()] = _column
BY_SLOT = dict((_column.slot, _column) for _column in FIXED_COLUMNS)
# the columns whose value has a slot of its own (not a plain field, address part or phone)
OWN_SLOT_COLUMNS = [_column for _column in FIXED_COLUMNS if len(_column.slot) == 1]
del _column, _name

# The numbered columns: GroupN, RemoveGroupN and AttributeN_name/AttributeN_value (N: ASCII digits only, at
# most 4; int() refuses texts of over 4,300 digits, and 'Group\uff11' is not Group1).
GROUP_RE = re.compile(r'^group([0-9]{1,4})$', re.IGNORECASE)
REMOVE_GROUP_RE = re.compile(r'^removegroup([0-9]{1,4})$', re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r'^attribute([0-9]{1,4})_(name|value)$', re.IGNORECASE)
ATTRIBUTE_NAME_RE = re.compile(r'^[A-Za-z0-9]+$')


def group_header(number):
    """The header of the ``number``-th group column: GroupN."""
    return 'Group%s' % number


def remove_group_header(number):
    """The header of the ``number``-th group removal column: RemoveGroupN."""
    return 'RemoveGroup%s' % number


def attribute_header(number, part):
    """The header of the ``part`` ('name' or 'value') of the ``number``-th custom attribute: AttributeN_name."""
    return 'Attribute%s_%s' % (number, part)


def parse_attribute_header(header):
    """``(number, 'name'|'value')`` of an AttributeN_name or AttributeN_value header, else None."""
    match = ATTRIBUTE_RE.match(normalise_header(header))
    return (int(match.group(1)), match.group(2).lower()) if match else None


ATTRIBUTE_READS = ('attributes',)       # the user fields a row with custom attributes must read
# a column the reader skips: the reason a row failed, which a failed-rows file adds at its end
IGNORED_HEADERS = ('jc_error',)
# every column whose header starts with this is the collection's own note (jc_error, a rollback file's jc_note):
# the reader skips it, so such a file applies as it is
IGNORED_PREFIX = 'jc_'


def section_columns(section):
    """The names of the columns a template section (or base) writes, in the order it writes them."""
    placed = [(c.position(section), c.name) for c in FIXED_COLUMNS if c.position(section) is not None]
    return [name for dummy, name in sorted(placed)]


def given_columns(row):
    """The columns whose value ``row`` (a :class:`Desired`) holds."""
    for field in row.scalars:
        yield BY_SLOT[('scalars', field)]
    for kind, parts in row.addresses.items():
        for part in parts:
            yield BY_SLOT[('addresses', kind, part)]
    for phone_type in row.phones:
        yield BY_SLOT[('phones', phone_type)]
    for column in OWN_SLOT_COLUMNS:
        if column.get(row) is not None:
            yield column


def normalise_header(text):
    return text.strip().lower()


def lookup(header):
    """What a header means: ('column', Column), ('group', n), ('remove_group', n), ('attribute', (n,
    'name'|'value')) or None."""
    key = normalise_header(header)
    column = BY_KEY.get(key)
    if column is not None:
        return 'column', column
    match = GROUP_RE.match(key)
    if match:
        return 'group', int(match.group(1))
    match = REMOVE_GROUP_RE.match(key)
    if match:
        return 'remove_group', int(match.group(1))
    attribute = parse_attribute_header(key)
    if attribute:
        return 'attribute', attribute
    return None


def _fixed_header_names():
    """Every fixed column's name and alias, lower-cased, mapped to the column's name (built once)."""
    names = {}
    for column in FIXED_COLUMNS:
        for name in (column.name,) + column.aliases:
            names[name.lower()] = column.name
    return names


_FIXED_HEADER_NAMES = _fixed_header_names()


def closest_header(header):
    """The known header most like ``header``, for the 'did you mean' of an unknown one.

    The answer is difflib's ``get_close_matches(key, names, n=1, cutoff=0.0)``: the name of the highest
    ratio, the greater name on a tie. Candidates are taken in the order of their cheapest upper bound, and
    the search stops once no remaining bound can beat the best ratio found, so a file of hundreds of
    unknown headers costs a few ratios per header, not one per known name.
    """
    key = normalise_header(header)
    names = dict(_FIXED_HEADER_NAMES)
    digits = re.search(r'[0-9]+', key)
    n = digits.group() if digits and len(digits.group()) <= 4 else '1'
    for extra in (group_header(n), remove_group_header(n), attribute_header(n, 'name'), attribute_header(n, 'value')):
        names[extra.lower()] = extra
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    # difflib's real_quick_ratio: the bound that lengths alone give
    bounds = sorted(((2.0 * min(len(name), len(key)) / ((len(name) + len(key)) or 1), name) for name in names),
                    reverse=True)
    best = None
    for bound, name in bounds:
        if best is not None and bound < best[0]:
            break
        matcher.set_seq1(name)
        if best is not None and matcher.quick_ratio() < best[0]:
            continue
        best = max(best or (-1.0, ''), (matcher.ratio(), name))
    return names[best[1]] if best else None


def parse_bool(text):
    """True/False from one of ``BOOL_WORDS`` in any case; None when not a boolean."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_state(text):
    """The user state ``text`` names (one of ``USER_STATES``, or ``DELETED``, in any case), or None."""
    word = text.strip().upper()
    return word if word in USER_STATES + (DELETED,) else None


def is_ignored_header(header):
    """Whether the reader skips the column of ``header``: every header starting with ``IGNORED_PREFIX`` (``jc_``)."""
    return normalise_header(header).startswith(IGNORED_PREFIX)
