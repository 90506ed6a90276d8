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


class _ReadOnly:
    """A container of a checked row that cannot be changed in place (see :meth:`Desired.compact`): an empty one
    that rows share, or one made from the row's packed values each time it is read. Changing it is refused,
    since the change would go to every row, or nowhere; the row's attribute is assigned a new one instead."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError('a checked row\'s %s cannot be changed in place: assign a new one instead' % type(self).__name__)

    append = extend = insert = remove = pop = clear = sort = reverse = __setitem__ = __delitem__ = __iadd__ = \
        setdefault = update = popitem = _refuse


class ReadOnlyList(_ReadOnly, list):
    __slots__ = ()


class ReadOnlyDict(_ReadOnly, dict):
    __slots__ = ()


NO_ITEMS = ReadOnlyList()
NO_ENTRIES = ReadOnlyDict()


# the attributes of a checked row that most rows leave as they are, and their values then: held in one dict made
# only for a row that sets one (see Desired)
RARE = (
    ('manager', None),          # raw reference (id, username or email) or CLEAR
    ('manager_id', None),       # the manager's id, once check_references resolved it
    ('password', None),
    ('mfa', None),              # True/False
    ('enrollment_days', None),
    ('ldapserver_id', None),
    ('remove_system_id', None),
    ('remove_system_given', False),     # the RemoveSystemID cell is filled (valid or not)
    ('remove_ldapserver_id', None),
    ('remove_ldapserver_given', False),  # the RemoveLdapServerID cell is filled (valid or not)
    ('delete', False),          # the state cell says DELETED: the row deletes its user
    ('cascade_manager', None),  # the DELETE's cascade_manager ('null' or a user id), once the guardrails set it
    ('missing', None),          # the user does not exist: 'create' it, or 'skip' the row (missing_users)
    ('key', None),              # (name, value) of the cell that finds the user, with a match_on other than username
    ('key_cell', None),         # the reference key of that cell
    ('manager_row', None),      # the username of the row of the same file that creates this row's manager
    ('stale', None),            # why a saved plan's row is not applied: its user changed since the plan
)


def _flat(value, paired):
    """The items of one packed container (see :data:`PACKED`): a dict's or a list of pairs' keys and values one
    after the other (``paired``), or a list's items as they are (the groups' pairs: one object each, shared by the
    rows naming the same group)."""
    if not paired:
        return list(value)
    return [part for pair in (value.items() if isinstance(value, dict) else value) for part in pair]


def _section(flat, number):
    """The items of the ``number``-th container of a row's packed tuple: each is its length, then its items."""
    start = 0
    for dummy in range(number):
        start += 1 + flat[start]
    return flat[start + 1:start + 1 + flat[start]]


def _packed_attribute(number, name, kind, paired=True):
    """The property of a container a checked row keeps packed: while the row is parsed it is the container itself
    (filled in place); once :meth:`Desired.compact` packed it, each read gives a read-only one made anew, and
    assigning one unpacks the row."""
    slot = '_' + name

    def get(self):
        flat = self._packed        # pylint: disable=protected-access
        if flat is None:
            return getattr(self, slot)
        items = _section(flat, number)
        if not items:
            return NO_ENTRIES if kind is dict else NO_ITEMS
        if not paired:
            return ReadOnlyList(items)
        pairs = zip(items[::2], items[1::2])
        return ReadOnlyDict(pairs) if kind is dict else ReadOnlyList(pairs)

    def put(self, value):
        if self._packed is not None:    # pylint: disable=protected-access
            self._unpack()              # pylint: disable=protected-access
        setattr(self, slot, value)
    return property(get, put)


def _rare_attribute(name):
    """The property of one of the :data:`RARE` attributes of a checked row."""
    default = dict(RARE)[name]

    def get(self):
        rare = self._rare      # pylint: disable=protected-access
        return default if rare is None else rare.get(name, default)

    def put(self, value):
        if self._rare is None:     # pylint: disable=protected-access
            if value is default:
                return
            self._rare = {}        # pylint: disable=protected-access
        self._rare[name] = value   # pylint: disable=protected-access
    return property(get, put)


# the containers of a checked row kept packed into one tuple once it is checked, their kinds, and whether they
# are packed as key, value pairs
PACKED = (('scalars', dict, True), ('phones', dict, True), ('attributes', list, True), ('groups', list, False))


class Desired:
    """What one CSV row asks for. Only filled cells appear here.

    A large file holds one per row until its user is planned, so it is small: slotted (an instance dict of this
    many attributes is not key-shared, over a kilobyte a row), the attributes of :data:`RARE` in one dict made
    only when one of them is set, and, once checked (:meth:`compact`), the containers of :data:`PACKED` in one
    tuple and the empty ones shared.
    """

    __slots__ = ('line', 'username', '_scalars', 'addresses', '_phones', '_attributes', 'attribute_keys',
                 'system_id', 'system_given', 'administrator', '_groups', 'remove_groups', 'where', 'problems',
                 '_rare', '_packed')

    # the containers of PACKED, and the attributes of RARE
    scalars = _packed_attribute(0, 'scalars', dict)
    phones = _packed_attribute(1, 'phones', dict)
    attributes = _packed_attribute(2, 'attributes', list)
    groups = _packed_attribute(3, 'groups', list, paired=False)
    manager = _rare_attribute('manager')
    manager_id = _rare_attribute('manager_id')
    password = _rare_attribute('password')
    mfa = _rare_attribute('mfa')
    enrollment_days = _rare_attribute('enrollment_days')
    ldapserver_id = _rare_attribute('ldapserver_id')
    remove_system_id = _rare_attribute('remove_system_id')
    remove_system_given = _rare_attribute('remove_system_given')
    remove_ldapserver_id = _rare_attribute('remove_ldapserver_id')
    remove_ldapserver_given = _rare_attribute('remove_ldapserver_given')
    delete = _rare_attribute('delete')
    cascade_manager = _rare_attribute('cascade_manager')
    missing = _rare_attribute('missing')
    key = _rare_attribute('key')
    key_cell = _rare_attribute('key_cell')
    manager_row = _rare_attribute('manager_row')
    stale = _rare_attribute('stale')

    def __init__(self, line):
        self._packed = None      # the containers of PACKED, once checked (see compact)
        self.line = line
        self.username = None
        self.scalars = {}        # API field -> value or CLEAR
        self.addresses = {}      # 'home'/'work' -> {API subfield: value or CLEAR}
        self.phones = {}         # phone type -> number or CLEAR
        self.attributes = []     # [(name, value or CLEAR)] in column order
        self.attribute_keys = {}  # attribute name -> the reference key of its name cell
        self.system_id = None
        self.system_given = False  # the SystemID cell is filled (valid or not)
        self.administrator = None
        self.groups = []         # group names, column order
        self.remove_groups = []  # (group name, reference key) of the RemoveGroupN cells, column order
        self.where = {}          # reference key -> (column number, header), shared by the rows of a file
        self.problems = []
        self._rare = None        # name -> value of the RARE attributes set

    def compact(self, attribute_keys):
        """Once the row is parsed, its empty containers are replaced by shared ones, its ``attribute_keys`` by
        the equal dict of ``attribute_keys`` (a cache of the file's rows), and the containers of :data:`PACKED`
        packed into one tuple (read, they are read-only ones made anew): a large file holds one row per line until
        its user is planned, and these cost more than the cells."""
        for name in ('addresses', 'remove_groups', 'problems'):
            value = getattr(self, name)
            if not value:
                setattr(self, name, NO_ITEMS if isinstance(value, list) else NO_ENTRIES)
        if self._packed is None:
            flat = []
            for name, dummy, paired in PACKED:
                items = _flat(getattr(self, '_' + name), paired)
                flat.append(len(items))
                flat.extend(items)
                setattr(self, '_' + name, None)
            self._packed = tuple(flat)
        if self.attribute_keys:
            key = tuple(self.attribute_keys.items())
            self.attribute_keys = attribute_keys.setdefault(key, self.attribute_keys)
        else:
            self.attribute_keys = NO_ENTRIES

    def _unpack(self):
        """The containers of :data:`PACKED` as containers of their own again (one of them is being assigned)."""
        values = [(name, kind(getattr(self, name))) for name, kind, dummy in PACKED]
        self._packed = None
        for name, value in values:
            setattr(self, '_' + name, value)

    def add_problem(self, problem):
        """Add ``problem`` (a :class:`Problem`) to the row's."""
        if self.problems is NO_ITEMS:
            self.problems = []
        self.problems.append(problem)

    def fields(self):
        """Every attribute by name (what ``vars()`` gives of an object without slots)."""
        return dict((name, getattr(self, name)) for name in FIELDS)

    def problem(self, key, message, kind=BROKEN_RULE):
        column, header = self.where.get(key, (None, None))
        self.add_problem(Problem(message, self.line, column, header, kind))

    @property
    def user_missing(self):
        """Whether the row's only problem is that its user does not exist (no problem: False)."""
        return bool(self.problems) and all(p.kind == NO_SUCH_USER for p in self.problems)


# every attribute of a checked row, by name
FIELDS = tuple(name for name in Desired.__slots__ if not name.startswith('_')) + tuple(entry[0] for entry in PACKED) + \
    tuple(name for name, dummy in RARE)


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
    and LDAP server (``ldap``), for the messages that name them. ``remove_ldap_bound`` says whether the user is
    bound to the row's RemoveLdapServerID server. ``whole_record`` is the :data:`WHOLE_RECORD` of a user the row
    deletes (None otherwise). ``remove_system_binding`` is the edge attributes of the binding RemoveSystemID would
    remove (None when unbound), which a rollback restores.
    """

    __slots__ = ('groups', 'system_binding', 'ldap_bound', 'remove_groups', 'remove_system_bound',
                 'remove_system_routes', 'names', 'remove_ldap_bound', 'whole_record', 'remove_system_binding')

    def __init__(self, groups=(), system_binding=None, ldap_bound=False, remove_groups=(), remove_system_bound=False,
                 remove_system_routes=(), names=None, remove_system_binding=None):
        self.remove_ldap_bound = False      # set by the state read, as whole_record is
        self.whole_record = None
        self.groups = list(groups)
        self.system_binding = system_binding
        self.ldap_bound = ldap_bound
        self.remove_groups = list(remove_groups)
        self.remove_system_bound = remove_system_bound
        self.remove_system_routes = list(remove_system_routes)
        self.names = dict(names or {})
        self.remove_system_binding = remove_system_binding
