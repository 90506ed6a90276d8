# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Read, in bulk, the current JumpCloud state that a set of CSV rows refers to.

Every read is a listing or a batched search, never a per-row lookup of the
whole directory: users by batched ``or`` search, all groups and LDAP servers
in one listing each, the devices the rows name by a search on their ids, and
memberships and bindings from whichever side costs fewer requests counted in
pages (see ``_edges``). Independent reads run concurrently on the worker pool.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import SEARCH_PAGE_LIMIT
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.edges import EdgeKind, Pairs, read_edges
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import pack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import AmbiguousName, caseless_condition, fold, match_name
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import OBJECT_ID_RE, id_condition, object_id

SEARCH_BATCH = 100


class State:
    """What JumpCloud holds now, as far as the CSV needs to know."""

    def __init__(self):
        self.users_by_name = {}
        # username without regard to case -> [users], of the users whose username is not already so (those are
        # found in users_by_name by the folded name)
        self.users_by_folded = Owners()
        self.users_by_id = {}
        # field -> Owners of the LAZY_INDEXES read so far: built when first read (a file that names no email,
        # employee id or manager needs neither), then kept up to date
        self._lazy = {}
        self.groups = {}              # name -> group
        self.systems = {}             # id -> system
        self.ldapservers = {}         # id -> server
        self.group_members = Pairs()      # (group id, user id) -> {}, for the pairs the CSV asks about
        self.system_bindings = Pairs()    # (system id, user id) -> edge attributes ({} when none)
        self.ldap_bindings = Pairs()      # (ldap server id, user id) -> {}
        self.system_routes = {}       # (system id, user id) -> [route], the indirect routes of a RemoveSystemID pair
        self.whole_records = {}       # user id -> the whole record of a user a row deletes (see whole_record.py)
        self._groups_folded = None    # (number of groups, {folded name: [groups]}), built when first needed

    def add_user(self, user):
        """Index ``user``: a record as read, or packed (see :func:`packed_user`) with its id already set."""
        uid = object_id(user)
        if isinstance(user, dict):
            user.setdefault('_id', uid)
        self.users_by_id[uid] = user
        self.users_by_name[user.get('username')] = user
        username = user.get('username')
        folded = fold(username) if username else None
        if folded is not None and folded != username:
            self.users_by_folded.add(folded, user)
        for field, owners in self._lazy.items():
            _index_by(owners, field, user)

    @property
    def users_by_email(self):
        """Email without regard to case -> [users]."""
        return self._lazy_index('email')

    @property
    def users_by_employee_id(self):
        """employeeIdentifier -> [users]."""
        return self._lazy_index('employeeIdentifier')

    def _lazy_index(self, field):
        owners = self._lazy.get(field)
        if owners is None:
            owners = self._lazy[field] = Owners()
            for user in self.users_by_id.values():
                _index_by(owners, field, user)
        return owners

    def keep_only_row_users(self):
        """Let go of the lookup indexes once the references are checked: planning needs each row's own
        user (by name) and nothing else of the users, so that each record can be freed once planned."""
        self.users_by_id = {}
        self.users_by_folded = Owners()
        self._lazy = {}

    def find_user(self, name):
        """The user called ``name``: exactly, else without regard to case (see :func:`match_name`).

        Raises :class:`AmbiguousName` when several users match without regard to case and none exactly.
        Complete once ``read_state`` has searched the names that did not match exactly.
        """
        if name in self.users_by_name:
            return self.users_by_name[name]
        folded = fold(name)
        owners = self.users_by_folded.get(folded, [])
        if folded in self.users_by_name:
            owners = [self.users_by_name[folded]] + owners
        return match_name(name, owners, lambda user: user.get('username'))

    def user_by_name(self, name):
        """The user called ``name`` as :meth:`find_user` finds it, or None when there is none or several."""
        try:
            return self.find_user(name)
        except AmbiguousName:
            return None

    def find_group(self, name):
        """The user group called ``name``: exactly, else without regard to case; raises :class:`AmbiguousName`."""
        if name in self.groups:
            return self.groups[name]
        if self._groups_folded is None or self._groups_folded[0] != len(self.groups):
            folded = {}
            for group_name, group in self.groups.items():
                folded.setdefault(fold(group_name), []).append(group)
            self._groups_folded = (len(self.groups), folded)
        return match_name(name, self._groups_folded[1].get(fold(name), []), lambda group: group['name'])

    def group_by_name(self, name):
        try:
            return self.find_group(name)
        except AmbiguousName:
            return None

    def similar_group(self, name):
        """The closest group name to ``name``, for a "did you mean" hint (only asked when none matches)."""
        close = difflib.get_close_matches(name, list(self.groups), n=1, cutoff=0.8)
        return close[0] if close else None

    def resolve_manager(self, ref):
        """The user a manager cell means: an id first, then a username (see :meth:`find_user`), then an email.

        Raises :class:`AmbiguousName` when the cell names several users that differ only by case.
        """
        if OBJECT_ID_RE.fullmatch(ref) and ref in self.users_by_id:
            return self.users_by_id[ref]
        user = self.find_user(ref)
        if user is not None:
            return user
        return self._owner_of_email(ref)

    def knows_manager(self, ref):
        """Whether the users read so far resolve the manager cell ``ref`` without a search: by id, exact
        username or email."""
        if OBJECT_ID_RE.fullmatch(ref) and ref in self.users_by_id:
            return True
        return ref in self.users_by_name or self._owner_of_email(ref) is not None

    def facts_for(self, desired, user):
        """The :class:`UserFacts` planning needs for the checked row ``desired`` and its ``user``: each group
        it names, as JumpCloud names it, and whether the user is a member; the current device binding; and
        whether the user is bound to the LDAP server."""
        uid = user['_id']
        groups = [self._group_fact(name, uid) for name, dummy in desired.groups]
        binding = self.system_bindings.get((desired.system_id, uid)) if desired.system_id else None
        ldap_bound = bool(desired.ldapserver_id) and (desired.ldapserver_id, uid) in self.ldap_bindings
        removals = [self._group_fact(name, uid) for name, dummy in desired.remove_groups]
        unbind = bool(desired.remove_system_id) and (desired.remove_system_id, uid) in self.system_bindings
        routes = self.system_routes.get((desired.remove_system_id, uid), ()) if desired.remove_system_id else ()
        facts = UserFacts(groups, binding, ldap_bound, removals, unbind, routes, self.names_of(desired),
                          self.system_bindings.get((desired.remove_system_id, uid)) if unbind else None)
        facts.remove_ldap_bound = bool(desired.remove_ldapserver_id) and \
            (desired.remove_ldapserver_id, uid) in self.ldap_bindings
        facts.whole_record = self.whole_records.get(uid) if desired.delete else None
        return facts

    def names_of(self, desired):
        """The readable names of the device, the device to unbind and the LDAP server the row names."""
        names = {}
        for key, system_id in (('system', desired.system_id), ('remove_system', desired.remove_system_id)):
            if system_id in self.systems:
                names[key] = system_name(self.systems[system_id])
        if desired.ldapserver_id in self.ldapservers:
            names['ldap'] = self.ldapservers[desired.ldapserver_id].get('name')
        if desired.remove_ldapserver_id in self.ldapservers:
            names['remove_ldap'] = self.ldapservers[desired.remove_ldapserver_id].get('name')
        return names

    def _group_fact(self, name, uid):
        group = self.group_by_name(name)
        return {'id': group['id'], 'name': group['name'], 'member': (group['id'], uid) in self.group_members}

    def _owner_of_email(self, ref):
        owners = self.users_by_email.get(fold(ref))
        if owners and len(owners) == 1:
            return owners[0]
        return None


def system_name(system):
    """What a device is called: its hostname, else its display name."""
    return system.get('hostname') or system.get('displayName')


class Owners(dict):
    """A lookup index of users: key -> [users]. One user is kept as it is, not in a list of its own (a large
    tenant has one owner a key almost always); reading gives a list either way."""

    def add(self, key, user):
        owners = dict.get(self, key)
        if owners is None:
            self[key] = user
        elif type(owners) is not list:      # pylint: disable=unidiomatic-typecheck
            if owners['_id'] != user['_id']:
                self[key] = [owners, user]
        elif all(o['_id'] != user['_id'] for o in owners):
            owners.append(user)

    def __getitem__(self, key):
        owners = dict.__getitem__(self, key)
        return owners if type(owners) is list else [owners]     # pylint: disable=unidiomatic-typecheck

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __eq__(self, other):
        return isinstance(other, dict) and dict((key, self[key]) for key in self) == \
            dict((key, other[key]) for key in other)

    def __ne__(self, other):
        return not self == other

    __hash__ = None


def _index_by(owners, field, user):
    value = user.get(field)
    if value:
        owners.add(LAZY_INDEXES[field](value), user)


def _folded(value):
    """``value`` without regard to case: the same string when it is already folded (most are), so that an index
    by it costs no second copy."""
    folded = fold(value)
    return value if folded == value else folded


# the user fields the lookup indexes built when first read are keyed by, and how a value becomes its key
LAZY_INDEXES = {'email': _folded, 'employeeIdentifier': lambda value: value}


def _batches(values, size=SEARCH_BATCH):
    values = list(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


# what every user record needs: its id, and what rows look users up or collide by
KEY_FIELDS = ('_id', 'username', 'email', 'employeeIdentifier')
# the fields of a user record read for every row before it is planned: kept as they are in a packed record (an
# email or employee id is read only for the rows that name one, or to find users by it)
PACKED_KEPT = ('_id', 'username', 'restrictedFields')


def packed_user(user):
    """A user record of a search as the state keeps it until its row is planned: with its ``_id``, and the
    fields other than ``PACKED_KEPT`` as compact JSON text (see ``_api.records``), a third of the memory."""
    if isinstance(user, dict):
        user.setdefault('_id', object_id(user))
    return pack(user, PACKED_KEPT)


def needed_fields(rows):
    """The user fields ``rows`` compare against, so that a large run holds no more of each user than that.

    Each filled column says which fields it needs read (its ``reads`` in the column table).
    """
    fields = set(KEY_FIELDS)
    fields.add('restrictedFields')      # what a directory (AD, SCIM, an identity provider) manages
    for row in rows:
        if 'state' in row.scalars:
            fields.add('suspended')     # written with the state, and compared as it is
        for column in columns.given_columns(row):
            fields.update(column.reads)
        if row.attributes:
            fields.update(columns.ATTRIBUTE_READS)
    return ' '.join(sorted(fields))


def _search_users(client, pool, conditions, fields):
    """Every user matching one of ``conditions`` [(field, value)] or [(field, value, CASELESS)], 100
    conditions per search, searched concurrently on ``pool``."""
    def one(batch):
        # packed on the worker as each page arrives: a batch waiting to be indexed holds no decoded records
        return [packed_user(user) for user in client.v1_search(
            endpoints.SEARCH_USERS, {'or': [_condition(*c) for c in batch]}, fields=fields)]
    for found in pool.map(one, _batches(sorted(set(conditions)))):
        yield from found


# marks a search condition that matches without regard to case
CASELESS = 'caseless'


def _condition(field, value, how=None):
    if how == CASELESS:
        return caseless_condition(field, value)
    return id_condition(value) if field == '_id' else {field: value}


def _get_user(client, uid):
    try:
        return client.get(endpoints.USER % uid, params={'fields': ' '.join(KEY_FIELDS)})
    except JumpCloudError as exc:
        if exc.status == 404:
            return None
        raise


def read_state(client, rows, pool, matcher=None):
    """Read everything ``rows`` refers to. ``pool`` is a concurrent.futures executor; ``matcher`` (a
    ``match.Matcher``) finds the rows' users by another key than the username."""
    state = State()
    listings = _start_listings(client, rows, pool)

    # 1. the users themselves, then users the rows point at (managers, collisions)
    if matcher is not None and matcher.keyed:
        for user in matcher.read_users(client, pool, rows, needed_fields(rows)):
            if object_id(user) not in state.users_by_id:
                state.add_user(user)
        matcher.assign(rows, state)         # each row found by its key now names its user
    else:
        usernames = [('username', r.username) for r in rows if r.username]
        for user in _search_users(client, pool, usernames, needed_fields(rows)):
            state.add_user(user)
    # names not found exactly: every user whose username or email matches without regard to case, in the
    # same searches as the managers and collisions (a file whose names all match exactly costs nothing more)
    lookups = []
    ids = set()
    row_lookups = False
    for row in rows:
        user = state.users_by_name.get(row.username)
        if user is not None:
            row.username = user['username']     # the same text: the row's and its user's are one string
        if row.username and user is None:
            lookups.append(('username', row.username, CASELESS))
            row_lookups = True
        if row.manager is not None and row.manager is not CLEAR and not state.knows_manager(row.manager):
            lookups.append(('username', row.manager, CASELESS))
            lookups.append(('email', row.manager, CASELESS))
            if OBJECT_ID_RE.fullmatch(row.manager):
                ids.add(row.manager)
        for field in ('email', 'employeeIdentifier'):
            value = row.scalars.get(field)
            if value is not None and value is not CLEAR and (user is None or user.get(field) != value):
                lookups.append((field, value))
    if lookups:
        # the rows' own users need every field the rows compare
        fields = needed_fields(rows) if row_lookups else ' '.join(KEY_FIELDS)
        for user in _search_users(client, pool, lookups, fields):
            if user.get('_id') not in state.users_by_id:
                state.add_user(user)
    for user in pool.map(lambda uid: _get_user(client, uid), sorted(ids)):
        if user is not None and user.get('_id') not in state.users_by_id:
            state.add_user(user)

    # 2. groups, devices and LDAP servers (listed meanwhile, see _start_listings)
    for (name, dummy), future in listings:
        for item in future.result():
            if name == 'groups':
                state.groups.setdefault(item['name'], item)
            elif name == 'systems':
                state.systems[object_id(item)] = item
            else:
                state.ldapservers[item['id']] = item

    _read_edges(client, rows, state, pool)
    _read_routes(client, rows, state, pool)
    return state


def _start_listings(client, rows, pool):
    """Start listing the groups, devices and LDAP servers the rows use; they do not depend on the users."""
    jobs = []
    # the groups name the routes a RemoveSystemID leaves, too
    # a user to delete: its groups are named in its whole record, and checked against protected_groups
    if any(r.groups or r.remove_groups or r.remove_system_id or r.delete for r in rows):
        jobs.append(('groups', lambda: list(client.v2_list(endpoints.USER_GROUPS))))
    system_ids = set(sid for r in rows for sid in (r.system_id, r.remove_system_id) if sid)
    if system_ids:
        jobs.append(('systems', lambda: read_systems(client, system_ids)))
    if any(r.ldapserver_id or r.remove_ldapserver_id or r.delete for r in rows):
        jobs.append(('ldap', lambda: list(client.v2_list(endpoints.LDAP_SERVERS))))
    return [(job, pool.submit(job[1])) for job in jobs]


# what the device read returns of each device: its name, for messages and per-user lines
SYSTEM_FIELDS = 'hostname displayName'


def read_systems(client, ids):
    """The devices of ``ids`` that exist: searched by id, 1000 ids a search.

    An id the search does not return is read on its own (``GET /api/systems/{id}``, concurrently),
    and is missing only when that answers 404: a device is never called missing on the strength of
    the search alone.
    """
    wanted = set(ids)
    found = []
    for batch in _batches(sorted(wanted), SEARCH_PAGE_LIMIT):
        for system in client.v1_search(endpoints.SEARCH_SYSTEMS, {'or': [id_condition(sid) for sid in batch]},
                                       fields=SYSTEM_FIELDS):
            if object_id(system) in wanted:
                found.append(system)
    seen = set(object_id(s) for s in found)
    for system in client.map_requests(lambda sid: _get_system(client, sid), sorted(wanted - seen)):
        if system is not None:
            found.append(system)
    return found


def _get_system(client, sid):
    try:
        return client.get(endpoints.SYSTEM % sid, params={'fields': SYSTEM_FIELDS})
    except JumpCloudError as exc:
        if exc.status == 404:
            return None
        raise


def _read_edges(client, rows, state, pool):
    """Current memberships and bindings for the (target, user) pairs the rows ask about."""
    # {target id: set of user ids}, as EdgeKind takes them (no tuple a pair)
    group_pairs, system_pairs, ldap_pairs = {}, {}, {}
    for row in rows:
        user = state.user_by_name(row.username) if row.username else None
        if user is None:
            continue
        uid = user['_id']
        for name, dummy in row.groups + row.remove_groups:
            group = state.group_by_name(name)
            if group:
                _add_pair(group_pairs, group['id'], uid)
        for system_id in (row.system_id, row.remove_system_id):
            if system_id in state.systems:
                _add_pair(system_pairs, system_id, uid)
        for ldap_id in (row.ldapserver_id, row.remove_ldapserver_id):
            if ldap_id in state.ldapservers:
                _add_pair(ldap_pairs, ldap_id, uid)
    read_edges(client, pool, [
        EdgeKind(group_pairs, state.group_members, endpoints.GROUP_MEMBERS, None,
                 endpoints.USER_MEMBER_OF, None, memberof=True),
        EdgeKind(system_pairs, state.system_bindings, endpoints.SYSTEM_ASSOCIATIONS, 'user',
                 endpoints.USER_ASSOCIATIONS, 'system'),
        EdgeKind(ldap_pairs, state.ldap_bindings, endpoints.LDAP_ASSOCIATIONS, 'user',
                 endpoints.USER_ASSOCIATIONS, 'ldap_server')])


def _add_pair(targets, target, uid):
    targets.setdefault(target, set()).add(uid)


def _read_routes(client, rows, state, pool):
    """The routes other than the direct binding by which each RemoveSystemID user reaches its device.

    ``GET /api/v2/users/{id}/systems`` lists every device a user reaches, directly or through groups, each
    with the ``paths`` that would all have to be removed to end that access (``/associations`` lists direct
    edges only). One listing per such user, concurrently.
    """
    wanted = {}
    for row in rows:
        user = state.user_by_name(row.username) if row.username else None
        if user is not None and row.remove_system_id in state.systems:
            wanted.setdefault(user['_id'], set()).add(row.remove_system_id)
    users = sorted(wanted)
    group_names = dict((group['id'], name) for name, group in state.groups.items())
    for uid, reached in zip(users, pool.map(lambda u: list(client.v2_list(endpoints.USER_SYSTEMS % u)), users)):
        for item in reached:
            if isinstance(item, dict) and item.get('id') in wanted[uid]:
                routes = [route_text(path, group_names) for path in item.get('paths') or []
                          if isinstance(path, list) and len(path) > 1]
                if routes:
                    state.system_routes[(item['id'], uid)] = sorted(set(routes))


# the kinds of graph object a route to a device passes through, as messages name them
ROUTE_KINDS = {'user_group': 'user group', 'system_group': 'device group'}


def route_text(path, group_names):
    """A path of the graph from a user to a device, as a person reads it: the objects it passes through
    (``user group 'Ops' > device group 5f...``), the device itself left out. User groups are named when known."""
    steps = []
    for edge in path[:-1]:
        target = (edge.get('to') if isinstance(edge, dict) else None) or {}
        kind, target_id = target.get('type'), target.get('id')
        name = group_names.get(target_id) if kind == 'user_group' else None
        steps.append('%s %s' % (ROUTE_KINDS.get(kind, kind), '%r (%s)' % (name, target_id) if name else target_id))
    return ' > '.join(steps)
