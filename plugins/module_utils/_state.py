# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

"""Read, in bulk, the current JumpCloud state that a set of CSV rows refers to.

Every read is a listing or a batched search, never a per-row lookup of the
whole directory: users by batched ``or`` search, all groups, devices and LDAP
servers in one listing each, and memberships and bindings from whichever side
needs fewer requests (one listing per referenced group/device/server, or one
per user). Independent reads run concurrently on the worker pool.
"""

import difflib

from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._validate import CLEAR, OBJECT_ID_RE

SEARCH_BATCH = 100
USERS = '/api/search/systemusers'


class State:
    """What JumpCloud holds now, as far as the CSV needs to know."""

    def __init__(self):
        self.users_by_name = {}
        self.users_by_id = {}
        self.users_by_email = {}
        self.users_by_employee_id = {}
        self.groups = {}              # name -> group
        self.systems = {}             # id -> system
        self.ldapservers = {}         # id -> server
        self.group_members = {}       # (group id, user id) -> True, for the pairs the CSV asks about
        self.system_bindings = {}     # (system id, user id) -> edge attributes ({} when none)
        self.ldap_bindings = set()    # (ldap server id, user id)

    def add_user(self, user):
        uid = user.get('_id') or user.get('id')
        user.setdefault('_id', uid)
        self.users_by_id[uid] = user
        self.users_by_name[user.get('username')] = user
        if user.get('email'):
            _index(self.users_by_email, user['email'].lower(), user)
        if user.get('employeeIdentifier'):
            _index(self.users_by_employee_id, user['employeeIdentifier'], user)

    def keep_only_row_users(self):
        """Let go of the lookup indexes once the references are checked: planning needs each row's own
        user (by name) and nothing else of the users, so that each record can be freed once planned."""
        self.users_by_id = {}
        self.users_by_email = {}
        self.users_by_employee_id = {}

    def group_by_name(self, name):
        return self.groups.get(name)

    def similar_group(self, name):
        lowered = dict((n.lower(), n) for n in self.groups)
        if name.lower() in lowered:
            return lowered[name.lower()]
        close = difflib.get_close_matches(name, list(self.groups), n=1, cutoff=0.8)
        return close[0] if close else None

    def resolve_manager(self, ref):
        """The user a manager cell means: an id first, then a username, then an email."""
        if OBJECT_ID_RE.match(ref) and ref in self.users_by_id:
            return self.users_by_id[ref]
        if ref in self.users_by_name:
            return self.users_by_name[ref]
        owners = self.users_by_email.get(ref.lower())
        if owners and len(owners) == 1:
            return owners[0]
        return None


def _index(table, key, user):
    owners = table.setdefault(key, [])
    if all(o['_id'] != user['_id'] for o in owners):
        owners.append(user)


def _batches(values, size=SEARCH_BATCH):
    values = list(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


# what every user record needs: its id, and what rows look users up or collide by
KEY_FIELDS = ('_id', 'username', 'email', 'employeeIdentifier')


def needed_fields(rows):
    """The user fields ``rows`` compare against, so that a large run holds no more of each user than that."""
    fields = set(KEY_FIELDS)
    fields.add('restrictedFields')      # what a directory (AD, SCIM, an identity provider) manages
    for row in rows:
        fields.update(row.scalars)
        if row.system_id:
            fields.add('sudo')          # the user-level flag: administrator on every bound device
        if row.manager is not None:
            fields.add('manager')
        if row.mfa is not None:
            fields.update(('enable_user_portal_multifactor', 'mfa'))
        if row.addresses:
            fields.add('addresses')
        if row.phones:
            fields.add('phoneNumbers')
        if row.attributes:
            fields.add('attributes')
    return ' '.join(sorted(fields))


def _search_users(client, pool, conditions, fields):
    """Every user matching one of ``conditions`` [(field, value)], 100 conditions per search, searched
    concurrently on ``pool``."""
    def one(batch):
        return list(client.v1_search(USERS, {'or': [{f: v} for f, v in batch]}, fields=fields))
    for found in pool.map(one, _batches(sorted(set(conditions)))):
        yield from found


def _get_user(client, uid):
    try:
        return client.get('/api/systemusers/%s' % uid, params={'fields': ' '.join(KEY_FIELDS)})
    except JumpCloudError as exc:
        if exc.status == 404:
            return None
        raise


def read_state(client, rows, pool):
    """Read everything ``rows`` refers to. ``pool`` is a concurrent.futures executor."""
    state = State()
    listings = _start_listings(client, rows, pool)

    # 1. the users themselves, then users the rows point at (managers, collisions)
    usernames = [('username', r.username) for r in rows if r.username]
    for user in _search_users(client, pool, usernames, needed_fields(rows)):
        state.add_user(user)
    lookups = []
    ids = set()
    for row in rows:
        user = state.users_by_name.get(row.username)
        if row.manager is not None and row.manager is not CLEAR and state.resolve_manager(row.manager) is None:
            lookups.append(('username', row.manager))
            lookups.append(('email', row.manager))
            lookups.append(('email', row.manager.lower()))
            if OBJECT_ID_RE.match(row.manager):
                ids.add(row.manager)
        for field in ('email', 'employeeIdentifier'):
            value = row.scalars.get(field)
            if value is not None and value is not CLEAR and (user is None or user.get(field) != value):
                lookups.append((field, value))
    if lookups:
        for user in _search_users(client, pool, lookups, ' '.join(KEY_FIELDS)):
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
                state.systems[item.get('_id') or item.get('id')] = item
            else:
                state.ldapservers[item['id']] = item

    _read_edges(client, rows, state, pool)
    return state


def _start_listings(client, rows, pool):
    """Start listing the groups, devices and LDAP servers the rows use; they do not depend on the users."""
    jobs = []
    if any(r.groups for r in rows):
        jobs.append(('groups', lambda: list(client.v2_list('/api/v2/usergroups'))))
    if any(r.system_id for r in rows):
        jobs.append(('systems', lambda: list(client.v1_list('/api/systems', fields='hostname displayName'))))
    if any(r.ldapserver_id for r in rows):
        jobs.append(('ldap', lambda: list(client.v2_list('/api/v2/ldapservers'))))
    return [(job, pool.submit(job[1])) for job in jobs]


def _read_edges(client, rows, state, pool):
    """Current memberships and bindings for the (target, user) pairs the rows ask about."""
    group_pairs, system_pairs, ldap_pairs = set(), set(), set()
    for row in rows:
        user = state.users_by_name.get(row.username)
        if user is None:
            continue
        uid = user['_id']
        for name, dummy in row.groups:
            group = state.group_by_name(name)
            if group:
                group_pairs.add((group['id'], uid))
        if row.system_id in state.systems:
            system_pairs.add((row.system_id, uid))
        if row.ldapserver_id in state.ldapservers:
            ldap_pairs.add((row.ldapserver_id, uid))

    jobs = []
    jobs += _edge_jobs(client, group_pairs, '/api/v2/usergroups/%s/members', None,
                       '/api/v2/users/%s/memberof', None, state.group_members, by_user_kind='memberof')
    jobs += _edge_jobs(client, system_pairs, '/api/v2/systems/%s/associations', 'user',
                       '/api/v2/users/%s/associations', 'system', state.system_bindings)
    jobs += _edge_jobs(client, ldap_pairs, '/api/v2/ldapservers/%s/associations', 'user',
                       '/api/v2/users/%s/associations', 'ldap_server', state.ldap_bindings)
    for record in pool.map(lambda job: job(), jobs):
        record()


def _edge_jobs(client, pairs, by_target_path, target_param, by_user_path, user_param, store, by_user_kind=None):
    """Listing jobs for ``pairs``: one per target or one per user, whichever is fewer.

    Each job reads in a worker thread and returns a function that records what
    it found in ``store`` on the calling thread.
    """
    if not pairs:
        return []
    targets = sorted(set(pair[0] for pair in pairs))
    users = sorted(set(pair[1] for pair in pairs))
    wanted = set(pairs)

    def record_edge(target, uid, attributes):
        if (target, uid) not in wanted:
            return
        if isinstance(store, set):
            store.add((target, uid))
        else:
            store[(target, uid)] = attributes or {}

    def by_target(target):
        def job():
            params = {'targets': target_param} if target_param else None
            edges = list(client.v2_list(by_target_path % target, params))
            return lambda: [record_edge(target, e['to']['id'], e.get('attributes')) for e in edges]
        return job

    def by_user(uid):
        def job():
            params = {'targets': user_param} if user_param else None
            edges = list(client.v2_list(by_user_path % uid, params))
            if by_user_kind == 'memberof':
                return lambda: [record_edge(e['id'], uid, None) for e in edges]
            return lambda: [record_edge(e['to']['id'], uid, e.get('attributes')) for e in edges]
        return job

    if len(targets) <= len(users):
        return [by_target(t) for t in targets]
    return [by_user(u) for u in users]
