# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""What ``include`` adds to each user read: its groups (names), devices (id, hostname, administrator), LDAP
servers (id, name) and manager's username. Each is read for all the users at once, from whichever side
needs fewer listings (see ``_api/memberships.py``)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import SEARCH_PAGE_LIMIT
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import id_condition, object_id
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.memberships import (
    LDAP_SERVERS, SYSTEMS, edges_by_user, group_names_by_user)

# the choices of include, in the order the documentation lists them
INCLUDES = ('groups', 'systems', 'ldap_servers', 'manager', 'attributes')
# the key a user's manager's username is added under (``manager`` is JumpCloud's field, the manager's id)
MANAGER_USERNAME = 'manager_username'


def add_groups(client, pool, users, groups):
    """Each user's ``groups``: the names of its user groups, sorted (``groups`` is the listing of them)."""
    by_user = group_names_by_user(client, pool, groups, set(object_id(user) for user in users))
    for user in users:
        user['groups'] = list(by_user.pop(object_id(user), ()))


def add_systems(client, pool, users):
    """Each user's ``systems``: the devices it is bound to directly, ``{id, hostname, administrator}`` sorted by
    hostname; ``administrator`` is the binding's own sudo setting (the user's ``sudo`` field makes it
    administrator on every device besides)."""
    systems = dict((object_id(s), s) for s in client.v1_search(endpoints.SEARCH_SYSTEMS, fields='hostname'))
    by_user = edges_by_user(client, pool, SYSTEMS, sorted(systems), set(object_id(user) for user in users))
    for user in users:
        bound = []
        for sid, attributes in by_user.pop(object_id(user), ()):
            sudo = (attributes or {}).get('sudo') or {}
            bound.append({'id': sid, 'hostname': systems[sid].get('hostname'),
                          'administrator': bool(sudo.get('enabled'))})
        user['systems'] = sorted(bound, key=lambda s: ((s['hostname'] or '').lower(), s['id']))


def add_ldap_servers(client, pool, users):
    """Each user's ``ldap_servers``: the LDAP servers it is bound to, ``{id, name}`` sorted by name."""
    servers = dict((object_id(s), s) for s in client.v2_list(endpoints.LDAP_SERVERS))
    by_user = edges_by_user(client, pool, LDAP_SERVERS, sorted(servers), set(object_id(user) for user in users))
    for user in users:
        bound = [{'id': lid, 'name': servers[lid].get('name')} for lid, dummy in by_user.pop(object_id(user), ())]
        user['ldap_servers'] = sorted(bound, key=lambda s: ((s['name'] or '').lower(), s['id']))


def add_managers(client, pool, users):
    """Each user's ``manager_username``: its manager's username (None when it has no manager, or the manager
    no longer exists). Managers outside ``users`` are searched by id, 1000 a search."""
    names = dict((object_id(user), user.get('username')) for user in users)
    missing = sorted(set(user.get('manager') for user in users if user.get('manager')) - set(names))
    batches = [missing[i:i + SEARCH_PAGE_LIMIT] for i in range(0, len(missing), SEARCH_PAGE_LIMIT)]

    def one(batch):
        search = {'or': [id_condition(uid) for uid in batch]}
        return list(client.v1_search(endpoints.SEARCH_USERS, search, fields='_id username'))
    for found in pool.map(one, batches):
        for manager in found:
            names[object_id(manager)] = manager.get('username')
    for user in users:
        user[MANAGER_USERNAME] = names.get(user.get('manager')) if user.get('manager') else None


def add_attributes(users):
    """Each user's ``attributes`` (read with its fields): its custom attributes, [] when it has none."""
    for user in users:
        user['attributes'] = user.get('attributes') or []
