# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Readable names next to the ids in per-user results and diffs: a device's hostname, an LDAP server's name,
a manager's username, so that a reader understands each line without looking anything up.

The names come from what the run has read already (the devices and LDAP servers the rows bind, the managers
the rows name). The one read of its own is the usernames of the CURRENT managers of the rows that change the
manager, when the run has not read those users: one batched search per 100 ids.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.state import _search_users
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import object_id


class Labels:
    """The readable name of each device, LDAP server and user id a run reports: ``systems`` (id -> hostname),
    ``ldapservers`` (id -> name) and ``users`` (id -> username). An id without a known name is shown alone."""

    def __init__(self, systems=None, ldapservers=None, users=None):
        self.systems = dict(systems or {})
        self.ldapservers = dict(ldapservers or {})
        self.users = dict(users or {})

    def user(self, uid):
        """A user id as results and diffs show it: ``{'id', 'username'}``; None stays None (no manager)."""
        if uid is None:
            return None
        return {'id': uid, 'username': self.users.get(uid)}

    def label_result(self, result, plan=None):
        """Add the names to a row's ``result`` (in place, and returned): ``hostname`` to its ``system``, ``name``
        to its ``ldap``, and, when the row changed the manager, ``manager: {'before', 'after'}``, each a
        :meth:`user`."""
        if result.get('system'):
            result['system']['hostname'] = self.systems.get(result['system'].get('id'))
        if result.get('ldap'):
            result['ldap']['name'] = self.ldapservers.get(result['ldap'].get('id'))
        if result.get('remove_system'):
            result['remove_system']['hostname'] = self.systems.get(result['remove_system'].get('id'))
        if result.get('remove_ldap'):
            result['remove_ldap']['name'] = self.ldapservers.get(result['remove_ldap'].get('id'))
        if plan is not None and 'manager' in plan.after and 'manager' in (result.get('changed_fields') or ()):
            result['manager'] = {'before': self.user(plan.before.get('manager')), 'after': self.user(plan.after['manager'])}
        return result

    def label_diff(self, diff):
        """The per-user ``diff`` with the names beside the ids (new dicts: the plan's are shared, never changed)."""
        if diff is None:
            return None
        diff = dict(diff)
        for side in ('before', 'after'):
            values = dict(diff.get(side) or {})
            for key in ('system', 'unbind_system'):
                system = values.get(key)
                if isinstance(system, dict):
                    values[key] = dict(system, hostname=self.systems.get(system.get('id')))
            if values.get('ldap_server') is not None:
                values['ldap_server'] = {'id': values['ldap_server'], 'name': self.ldapservers.get(values['ldap_server'])}
            if isinstance(values.get('unbind_ldap_server'), dict):
                unbind = values['unbind_ldap_server']
                values['unbind_ldap_server'] = dict(unbind, name=self.ldapservers.get(unbind.get('id')))
            if 'manager' in values and not isinstance(values['manager'], dict):
                # a deleted user's whole record names its manager already
                values['manager'] = self.user(values['manager'])
            diff[side] = values
        return diff


def read_labels(client, rows, state, pool):
    """The :class:`Labels` of the checked ``rows``, from ``state`` (before its lookup indexes are let go), plus one
    batched search per 100 ids for the usernames of current managers not read yet, only for the rows that change
    the manager. Raises JumpCloudError when that search fails."""
    systems, ldapservers, users = {}, {}, {}
    current_ids = set()
    for row in rows:
        if row.problems:
            continue
        names = state.names_of(row)
        for key, system_id in (('system', row.system_id), ('remove_system', row.remove_system_id)):
            if key in names:
                systems[system_id] = names[key]
        if 'ldap' in names:
            ldapservers[row.ldapserver_id] = names['ldap']
        if 'remove_ldap' in names:
            ldapservers[row.remove_ldapserver_id] = names['remove_ldap']
        if row.manager is None:
            continue
        wanted = None if row.manager is CLEAR else row.manager_id
        if wanted is not None:
            users[wanted] = _username(state, wanted)
        user = state.user_by_name(row.username) if row.username else None
        current = (user or {}).get('manager') or None
        if user is not None and current is not None and current != wanted:
            current_ids.add(current)
    unknown = set()
    for uid in current_ids:
        name = _username(state, uid)
        if name is None:
            unknown.add(uid)
        users[uid] = name
    if unknown:
        for found in _search_users(client, pool, [('_id', uid) for uid in unknown], '_id username'):
            uid = object_id(found)
            if uid in unknown:
                users[uid] = found.get('username')
    return Labels(systems, ldapservers, users)


def _username(state, uid):
    user = state.users_by_id.get(uid)
    return None if user is None else user.get('username')
