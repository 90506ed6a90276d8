# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The whole record of each user a run deletes, read before anything is written.

JumpCloud cannot restore a deleted user, so before a row deletes one the run reads everything the user is:
its every field, its groups, its device bindings with their sudo settings, its LDAP bindings, its custom
attributes, its manager and the users it manages. That record is the diff's ``before`` (the whole user going
away), what the guardrails check (state, protected groups, reports), and what is needed to recreate the user.

A whole record is a plain dict (:func:`whole_record`), kept by user id in ``State.whole_records``, handed to
planning as ``UserFacts.whole_record`` and kept on the row's plan as ``UserPlan.whole_record``::

    {'id': user id, 'username': ...,
     'user': {every field JumpCloud returned of the user; a password is never returned},
     'groups': [{'id', 'name'}],                                   # its user groups, by name
     'systems': [{'id', 'hostname', 'administrator', 'passwordless_sudo'}],   # direct device bindings
     'ldap_servers': [{'id', 'name'}],
     'attributes': [{'name', 'value'}],                             # its custom attributes
     'manager': {'id', 'username'} or None,                         # who manages it
     'manages': [{'id', 'username'}]}                               # the users it manages

``administrator`` and ``passwordless_sudo`` are the binding's ``sudo.enabled`` and ``sudo.withoutPassword``
association attributes (the user-level ``sudo`` flag is in ``user``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import object_id
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import unpack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import (
    _search_users, read_systems, system_name)

# what is read of the users a deleted user manages, and of its manager
PEOPLE_FIELDS = '_id username manager'


def rows_to_delete(rows, state):
    """{user id: user} of the rows that delete an existing user."""
    found = {}
    for row in rows:
        user = state.user_by_name(row.username) if row.delete and row.username else None
        if user is not None:
            found[user['_id']] = user
    return found


def read_whole_records(client, rows, state, pool):
    """Read the whole record of every user a row deletes into ``state.whole_records`` (user id -> record).

    Batched searches for the users' every field, for the users they manage and for their managers'
    usernames; one listing each of the user's groups (``memberof``), device and LDAP associations; the
    devices' hostnames by one search. Groups and LDAP servers are named from the state's listings.
    Raises JumpCloudError when a read fails.
    """
    users = rows_to_delete(rows, state)
    if not users:
        return
    ids = sorted(users)
    full = dict((object_id(u), u) for u in _search_users(client, pool, [('_id', uid) for uid in ids], None))
    edges = list(pool.map(lambda uid: _edges_of(client, uid), ids))
    managed = {}
    for report in _search_users(client, pool, [('manager', uid) for uid in ids], PEOPLE_FIELDS):
        managed.setdefault(report.get('manager'), []).append(_person(report))
    managers = _usernames(client, pool, state, set(
        (full.get(uid) or users[uid]).get('manager') for uid in ids) - set([None, '']))
    hostnames = _hostnames(client, set(e['id'] for groups, systems, ldap in edges for e in systems))
    group_names = dict((g['id'], name) for name, g in state.groups.items())
    for uid, (groups, systems, ldap) in zip(ids, edges):
        user = full.get(uid) or users[uid]
        state.whole_records[uid] = whole_record(
            user, [{'id': gid, 'name': group_names.get(gid)} for gid in groups],
            [dict(s, hostname=hostnames.get(s['id'])) for s in systems],
            [{'id': lid, 'name': (state.ldapservers.get(lid) or {}).get('name')} for lid in ldap],
            managers, sorted(managed.get(uid, []), key=lambda p: p['username'] or ''))


def whole_record(user, groups, systems, ldap_servers, managers, manages):
    """The whole record of ``user`` (see the module's docstring); ``managers`` maps ids to usernames."""
    user = copy.deepcopy(unpack(user))         # a state's record may be packed (see _api.records)
    user.pop('password', None)          # never returned; never kept if it were
    manager = user.get('manager') or None
    return {
        'id': object_id(user),
        'username': user.get('username'),
        'user': user,
        'groups': sorted(groups, key=lambda g: (g['name'] or '', g['id'])),
        'systems': sorted(systems, key=lambda s: s['id']),
        'ldap_servers': sorted(ldap_servers, key=lambda s: s['id']),
        'attributes': [dict(a) for a in user.get('attributes') or [] if isinstance(a, dict)],
        'manager': None if manager is None else {'id': manager, 'username': managers.get(manager)},
        'manages': list(manages),
    }


def _edges_of(client, uid):
    """The user's direct groups (ids), device bindings and LDAP servers (ids)."""
    groups = [g.get('id') for g in client.v2_list(endpoints.USER_MEMBER_OF % uid)
              if isinstance(g, dict) and _direct(g)]
    systems = []
    for edge in client.v2_list(endpoints.USER_ASSOCIATIONS % uid, {'targets': 'system'}):
        target = (edge or {}).get('to') or {}
        sudo = ((edge or {}).get('attributes') or {}).get('sudo') or {}
        systems.append({'id': target.get('id'), 'administrator': bool(sudo.get('enabled')),
                        'passwordless_sudo': bool(sudo.get('withoutPassword'))})
    ldap = [((edge or {}).get('to') or {}).get('id')
            for edge in client.v2_list(endpoints.USER_ASSOCIATIONS % uid, {'targets': 'ldap_server'})]
    return groups, systems, ldap


def _direct(group):
    """Whether a ``memberof`` entry is a direct membership (a path of one edge, or no paths given)."""
    paths = group.get('paths')
    return not paths or any(isinstance(p, list) and len(p) == 1 for p in paths)


def _person(user):
    return {'id': object_id(user), 'username': user.get('username')}


def _usernames(client, pool, state, ids):
    """{user id: username} of ``ids``, from the users read already, else one batched search."""
    names = {}
    unknown = []
    for uid in ids:
        user = state.users_by_id.get(uid)
        if user is None:
            unknown.append(uid)
        else:
            names[uid] = user.get('username')
    if unknown:
        for user in _search_users(client, pool, [('_id', uid) for uid in unknown], PEOPLE_FIELDS):
            names[object_id(user)] = user.get('username')
    return names


def _hostnames(client, ids):
    """{device id: hostname} of the devices the users are bound to."""
    if not ids:
        return {}
    return dict((object_id(s), system_name(s)) for s in read_systems(client, ids))
