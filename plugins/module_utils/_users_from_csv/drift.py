# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""What a row's plan depends on, and what of it changed since: pure functions over a user record and its facts.

Only what the row touches counts: the user's id (or that it does not exist), the fields the row names (the
``state`` with its ``suspended``, the manager with the id the reference resolves to, the MFA switch), the
address subfields, phone types and custom attributes it names, the memberships of the groups it names, and
its device and LDAP bindings. A change anywhere else on the user is not drift. No password is ever read here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import stored_name


def depends(desired, user, facts):
    """The current value of everything the plan of the checked row ``desired`` depends on, as JSON values."""
    return {
        'user_id': user.get('_id'),
        'manager_id': desired.manager_id,
        'fields': _fields(desired, user),
        'addresses': _addresses(desired, user.get('addresses') or []),
        'phoneNumbers': _entries(desired.phones, user.get('phoneNumbers') or [], 'type', 'number'),
        'attributes': _entries([name for name, dummy in desired.attributes], user.get('attributes') or [],
                               'name', 'value'),
        'groups': [[g['id'], g['member']] for g in facts.groups],
        'remove_groups': [[g['id'], g['member']] for g in facts.remove_groups],
        'system': [desired.system_id, facts.system_binding] if desired.system_id else None,
        'ldap': [desired.ldapserver_id, facts.ldap_bound] if desired.ldapserver_id else None,
        'remove_system': [desired.remove_system_id, facts.remove_system_bound] if desired.remove_system_id else None,
    }


def _fields(desired, user):
    fields = {}
    for field in desired.scalars:
        column = columns.BY_SLOT[('scalars', field)]
        fields[field] = column.api.read(user) if column.api is not None else user.get(field)
    if 'state' in desired.scalars:
        fields['suspended'] = bool(user.get('suspended'))
    if 'sudo' in desired.scalars or desired.system_id:
        fields['sudo'] = bool(user.get('sudo'))
    if desired.manager is not None:
        fields['manager'] = user.get('manager') or None
    if desired.mfa is not None:
        fields['enable_user_portal_multifactor'] = bool(user.get('enable_user_portal_multifactor'))
    return fields


def _addresses(desired, stored):
    """For each address type the row names, the current value of each subfield it names."""
    found = {}
    for kind in sorted(desired.addresses):
        name = stored_name(kind, stored, 'type')
        entry = next((a for a in stored if a.get('type') == name), None) if name is not None else None
        found[kind] = dict((sub, (entry or {}).get(sub)) for sub in sorted(desired.addresses[kind]))
    return found


def _entries(names, stored, key, value_field):
    """For each of ``names``, the values of the stored entries it matches (as planning matches them)."""
    found = {}
    for name in sorted(names):
        match = stored_name(name, stored, key)
        found[name] = [e.get(value_field) for e in stored if match is not None and e.get(key) == match]
    return found


def changes(planned, current):
    """What changed between the ``planned`` and the ``current`` :func:`depends`, as readable words (the
    fields, entries, groups and bindings by name or id, never their values)."""
    if planned.get('user_id') != current.get('user_id'):
        if current.get('user_id') is None:
            return ['the user no longer exists']
        if planned.get('user_id') is None:
            return ['the user exists now']
        return ['the username now names another user (id %s)' % current['user_id']]
    found = []
    if planned.get('manager_id') != current.get('manager_id'):
        found.append('the manager the row names')
    for part in ('fields', 'addresses', 'phoneNumbers', 'attributes'):
        before, after = planned.get(part) or {}, current.get(part) or {}
        prefix = '' if part == 'fields' else part + '.'
        found.extend(prefix + name for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name))
    for part, what in (('groups', 'membership of group %s'), ('remove_groups', 'membership of group %s')):
        before = dict((str(g[0]), g[1]) for g in planned.get(part) or [])
        after = dict((str(g[0]), g[1]) for g in current.get(part) or [])
        found.extend(what % gid for gid in sorted(set(before) | set(after)) if before.get(gid) != after.get(gid))
    for part, form in (('system', st.DEVICE), ('ldap', st.LDAP_SERVER), ('remove_system', st.DEVICE)):
        if planned.get(part) != current.get(part):
            found.append('binding to ' + st.named(form, (planned.get(part) or current.get(part) or [None])[0]))
    return found
