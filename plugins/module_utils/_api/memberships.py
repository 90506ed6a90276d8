# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The user groups (and device and LDAP bindings) of many users at once: read per group (each group's members,
inverted), or per user.

A directory's memberships are read group by group: each group's member listing costs one request per 100
members, so every membership of the directory costs about (memberships / 100) + one request per group,
far fewer than one request per user. Only a handful of users (no more than there are groups) are read from
their own side (``/users/{id}/memberof``, one request each).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.edges import TARGET, USER, EdgeKind


def list_groups(client):
    """Every user group (``id``, ``name``), in the order JumpCloud lists them."""
    return list(client.v2_list(endpoints.USER_GROUPS))


def group_order(name):
    """How a user's group names are sorted: without regard to case, then as written."""
    return (name.lower(), name)


def group_names_by_user(client, pool, groups, user_ids=None):
    """``{user id: (group name, ...)}``, each sorted (see :func:`group_order`), for the users of ``user_ids``
    (every member of a group when None); a user in no group is left out.

    ``groups`` are the user groups (:func:`list_groups`); ``pool`` (a concurrent.futures executor) runs the
    listings concurrently. Per user when ``user_ids`` are no more than the groups, else per group, each member
    recorded as its page arrives. Users in the same groups share one tuple: a directory's 100,000 users in a
    few hundred groups hold a few hundred tuples, not 100,000 lists.
    """
    names = dict((group['id'], group['name']) for group in groups)
    if user_ids is not None and len(user_ids) <= len(names):
        found = dict((uid, tuple(names[target] for target, dummy in edges))
                     for uid, edges in edges_by_user(client, pool, GROUPS, sorted(names), user_ids).items())
    else:
        found = _members_by_user(client, pool, names, user_ids)
    shared = {}
    for uid, listed in found.items():
        found[uid] = shared.setdefault(listed, tuple(sorted(listed, key=group_order)))
    return found


def _members_by_user(client, pool, names, user_ids):
    """``{user id: (group name, ...)}`` (unsorted) from each group's member listing, on ``pool``."""
    wanted = set(user_ids) if user_ids is not None else None
    found = {}
    lock = threading.Lock()

    def members(gid):
        name = names[gid]
        for edge in client.v2_list(endpoints.GROUP_MEMBERS % gid):
            uid = edge['to']['id']
            if wanted is None or uid in wanted:
                with lock:
                    found[uid] = found.get(uid, ()) + (name,)
    list(pool.map(members, sorted(names)))
    return found


# the edges a user has, as read from either side: groups (memberships), devices and LDAP servers (bindings)
GROUPS = EdgeKind((), None, endpoints.GROUP_MEMBERS, None, endpoints.USER_MEMBER_OF, None, memberof=True)
SYSTEMS = EdgeKind((), None, endpoints.SYSTEM_ASSOCIATIONS, 'user', endpoints.USER_ASSOCIATIONS, 'system')
LDAP_SERVERS = EdgeKind((), None, endpoints.LDAP_ASSOCIATIONS, 'user', endpoints.USER_ASSOCIATIONS, 'ldap_server')


def edges_by_user(client, pool, kind, target_ids, user_ids=None):
    """``{user id: [(target id, edge attributes or None), ...]}``: the edges of ``kind`` (an ``EdgeKind``) between
    the targets of ``target_ids`` and the users of ``user_ids`` (every user when None), on ``pool``.

    Read per user (one listing each) when ``user_ids`` are no more than the targets, else per target, each
    target's listing inverted: the side with fewer listings.
    """
    targets = set(target_ids)
    found = {}
    if user_ids is not None and len(user_ids) <= len(targets):
        users = sorted(user_ids)

        def of_user(uid):
            path, params = kind.listing(USER, uid)
            edges = [_user_edge(kind, edge) for edge in client.v2_list(path, params)]
            return [edge for edge in edges if edge[0] in targets]
        for uid, edges in zip(users, pool.map(of_user, users)):
            if edges:
                found[uid] = edges
        return found
    wanted = set(user_ids) if user_ids is not None else None

    def of_target(target):
        path, params = kind.listing(TARGET, target)
        return [(edge['to']['id'], edge.get('attributes')) for edge in client.v2_list(path, params)
                if wanted is None or edge['to']['id'] in wanted]
    ordered = sorted(targets)
    for target, edges in zip(ordered, pool.map(of_target, ordered)):
        for uid, attributes in edges:
            found.setdefault(uid, []).append((target, attributes))
    return found


def _user_edge(kind, edge):
    """``(target id, attributes)`` of an item of a user's own listing."""
    if kind.memberof:
        return edge.get('id'), None
    return edge['to']['id'], edge.get('attributes')
