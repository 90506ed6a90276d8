# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The user groups of many users at once: read per group (each group's members, inverted), or per user.

A directory's memberships are read group by group: each group's member listing costs one request per 100
members, so every membership of the directory costs about (memberships / 100) + one request per group,
far fewer than one request per user. Only a handful of users (no more than there are groups) are read from
their own side (``/users/{id}/memberof``, one request each).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints


def list_groups(client):
    """Every user group (``id``, ``name``), in the order JumpCloud lists them."""
    return list(client.v2_list(endpoints.USER_GROUPS))


def group_order(name):
    """How a user's group names are sorted: without regard to case, then as written."""
    return (name.lower(), name)


def group_names_by_user(client, pool, groups, user_ids=None):
    """``{user id: [group name, ...]}``, each list sorted (see :func:`group_order`), for the users of
    ``user_ids`` (every member of a group when None); a user in no group is left out.

    ``groups`` are the user groups (:func:`list_groups`); ``pool`` (a concurrent.futures executor) runs the
    listings concurrently. Per user when ``user_ids`` are no more than the groups, else per group.
    """
    names = dict((group['id'], group['name']) for group in groups)
    found = {}
    if user_ids is not None and len(user_ids) <= len(names):
        users = sorted(user_ids)

        def memberof(uid):
            return [names[item['id']] for item in client.v2_list(endpoints.USER_MEMBER_OF % uid)
                    if item.get('id') in names]
        for uid, listed in zip(users, pool.map(memberof, users)):
            if listed:
                found[uid] = listed
    else:
        wanted = set(user_ids) if user_ids is not None else None
        ids = sorted(names)

        def members(gid):
            return [edge['to']['id'] for edge in client.v2_list(endpoints.GROUP_MEMBERS % gid)
                    if wanted is None or edge['to']['id'] in wanted]
        for gid, uids in zip(ids, pool.map(members, ids)):
            for uid in uids:
                found.setdefault(uid, []).append(names[gid])
    for listed in found.values():
        listed.sort(key=group_order)
    return found
