# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

"""Plan one user's update: desired (a CSV row) plus current (JumpCloud) gives the changes.

Pure functions, no HTTP: the result says which fields one PUT must carry (and
nothing unchanged), and which group memberships, device binding and LDAP
binding to add or update. Arrays (addresses, phone numbers, custom
attributes) are merged, so every entry the row does not touch is kept exactly.
"""

import copy
import datetime
import sys

from ansible_collections.jcops.jumpcloud.plugins.module_utils._names import match_name
from ansible_collections.jcops.jumpcloud.plugins.module_utils._validate import CLEAR, DEFAULT_ENROLLMENT_DAYS

MASK = '********'
SECRET_FIELDS = frozenset(['password'])


class UserPlan:
    """What to do for one user.

    ``before``, ``after`` and ``body`` share values with the current user record and with each
    other (nothing mutates them after planning), so that a plan costs little memory.
    """

    __slots__ = ('desired', 'user_id', 'body', 'changed_fields', 'before', 'after', 'groups', 'system', 'ldap')

    def __init__(self, desired, user):
        self.desired = desired
        self.user_id = user['_id']
        self.body = {}             # the PUT body: changed fields only
        self.changed_fields = []
        self.before = {}
        self.after = {}
        self.groups = []           # [{'name', 'id', 'action': 'add' | 'present'}]
        self.system = None         # {'id', 'action': 'add' | 'update' | 'present', 'sudo', 'attributes'}
        self.ldap = None           # {'id', 'action': 'add' | 'present'}

    @property
    def has_changes(self):
        return bool(self.body) or any(g['action'] != 'present' for g in self.groups) or \
            (self.system is not None and self.system['action'] != 'present') or \
            (self.ldap is not None and self.ldap['action'] != 'present')

    def set_field(self, field, before, after, body_value=None, names=None):
        self.body[field] = after if body_value is None else body_value
        # interned: a large run holds the same few field names once, not once per row
        self.changed_fields.extend(sys.intern(name) for name in (names or [field]))
        masked = field in SECRET_FIELDS
        self.before[field] = MASK if masked else before
        self.after[field] = MASK if masked else after


def _text(value):
    return '' if value is None else value


def plan_user(desired, user, state, now, update_password='always'):
    """The :class:`UserPlan` for ``desired`` against the current ``user`` and ``state``."""
    plan = UserPlan(desired, user)
    _plan_scalars(plan, desired, user)
    _plan_manager(plan, desired, user, state)
    if desired.password and update_password == 'always':
        plan.set_field('password', None, desired.password)
    _plan_mfa(plan, desired, user, now)
    _plan_addresses(plan, desired, user)
    _plan_phones(plan, desired, user)
    _plan_attributes(plan, desired, user)
    _plan_bindings(plan, desired, user, state)
    return plan


def _plan_scalars(plan, desired, user):
    for field, value in desired.scalars.items():
        if field == 'recoveryEmail':
            current = _text((user.get('recoveryEmail') or {}).get('address'))
            wanted = '' if value is CLEAR else value
            if current != wanted:
                plan.set_field(field, current, wanted, body_value={'address': wanted})
        elif isinstance(value, bool):
            current = bool(user.get(field, False))
            if current != value:
                plan.set_field(field, current, value)
        elif isinstance(value, int):
            if user.get(field) != value:
                plan.set_field(field, user.get(field), value)
        else:
            current = _text(user.get(field))
            wanted = '' if value is CLEAR else value
            if current != wanted:
                plan.set_field(field, current, wanted)


def _plan_manager(plan, desired, user, state):
    if desired.manager is None:
        return
    if desired.manager is CLEAR:
        wanted = None
    else:
        wanted = desired.manager_id or state.resolve_manager(desired.manager)['_id']
    current = user.get('manager') or None
    if current != wanted:
        plan.set_field('manager', current, wanted)


def _plan_mfa(plan, desired, user, now):
    if desired.mfa is None:
        return
    current = bool(user.get('enable_user_portal_multifactor', False))
    if desired.mfa == current:
        return          # already on: the enrollment window is not touched again
    plan.set_field('enable_user_portal_multifactor', current, desired.mfa)
    if desired.mfa:
        days = desired.enrollment_days or DEFAULT_ENROLLMENT_DAYS
        until = (now + datetime.timedelta(days=days)).strftime('%Y-%m-%dT%H:%M:%SZ')
        before = copy.deepcopy(user.get('mfa') or {})
        after = dict(before, exclusion=True, exclusionUntil=until)
        plan.set_field('mfa', before, after)


def stored_name(name, entries, key):
    """The spelling of ``name`` among the ``key`` values of ``entries`` (matched as :func:`match_name` does,
    so ``badge`` finds a stored ``Badge``), or None when none matches."""
    return match_name(name, [e.get(key) for e in entries if isinstance(e.get(key), str)])


def merge_addresses(current, wanted):
    """``current`` addresses with the ``wanted`` {type: {subfield: value}} applied; and what changed.

    Address types match as :func:`match_name` does: a stored ``Work`` address is the ``work`` one, and
    once changed it is written with the type ``work``, as JumpCloud's PowerShell module writes it.
    """
    merged = copy.deepcopy(current or [])
    changed = []
    for kind in sorted(wanted):
        values = wanted[kind]
        stored = stored_name(kind, merged, 'type')
        entry = next((a for a in merged if a.get('type') == stored), None) if stored is not None else None
        if entry is None:
            fresh = dict((k, v) for k, v in values.items() if v is not CLEAR)
            if fresh:
                entry = {'type': kind}
                entry.update(fresh)
                merged.append(entry)
                changed.extend('addresses.%s.%s' % (kind, k) for k in sorted(fresh))
            continue
        for sub in sorted(values):
            value = values[sub]
            wanted_text = '' if value is CLEAR else value
            if _text(entry.get(sub)) != wanted_text:
                if value is CLEAR:
                    entry.pop(sub, None)
                else:
                    entry[sub] = value
                entry['type'] = kind
                changed.append('addresses.%s.%s' % (kind, sub))
    return merged, changed


def _merge_keyed(current, wanted, key, value_field, prefix, keep_spelling):
    """Merge ``wanted`` [(key, value or CLEAR)] into the ``current`` entries keyed by ``key``.

    A changed value is written into the first entry with that key (its other
    fields, such as ``id``, kept); a new key appends an entry; CLEAR removes
    the key's entries. Entries of other keys are left exactly as they are.
    Keys match as :func:`match_name` does, never adding a twin: ``badge``
    updates a stored ``Badge``. A changed entry keeps its stored spelling
    when ``keep_spelling``, else takes the wanted one.
    """
    merged = copy.deepcopy(current or [])
    changed = []
    for wanted_name, value in wanted:
        stored = stored_name(wanted_name, merged, key)
        entries = [e for e in merged if e.get(key) == stored] if stored is not None else []
        name = stored if stored is not None and keep_spelling else wanted_name
        if value is CLEAR:
            if not entries:
                continue
            merged = [e for e in merged if e.get(key) != stored]
        elif not entries:
            merged.append({key: name, value_field: value})
        elif entries[0].get(value_field) != value:
            entries[0][value_field] = value
            entries[0][key] = name
        else:
            continue
        changed.append('%s.%s' % (prefix, name))
    return merged, changed


def merge_phones(current, wanted):
    """``current`` phone numbers with the ``wanted`` {type: number} applied; and what changed.

    A stored ``Mobile`` number is the ``mobile`` one; once changed it is written with the type ``mobile``,
    as JumpCloud's PowerShell module writes it.
    """
    return _merge_keyed(current, sorted(wanted.items()), 'type', 'number', 'phoneNumbers', keep_spelling=False)


def merge_attributes(current, wanted):
    """``current`` custom attributes with the ``wanted`` [(name, value)] merged by name; and what changed."""
    return _merge_keyed(current, wanted, 'name', 'value', 'attributes', keep_spelling=True)


def _plan_array(plan, field, merge, current, wanted):
    if not wanted:
        return
    merged, changed = merge(current, wanted)
    if changed:
        plan.set_field(field, current or [], merged, names=changed)


def _plan_addresses(plan, desired, user):
    _plan_array(plan, 'addresses', merge_addresses, user.get('addresses'), desired.addresses)


def _plan_phones(plan, desired, user):
    _plan_array(plan, 'phoneNumbers', merge_phones, user.get('phoneNumbers'), desired.phones)


def _plan_attributes(plan, desired, user):
    _plan_array(plan, 'attributes', merge_attributes, user.get('attributes'), desired.attributes)


def sudo_attributes(administrator):
    """Edge attributes for an Administrator cell: sudo enabled, with a password."""
    return {'sudo': {'enabled': bool(administrator), 'withoutPassword': False}}


def _plan_bindings(plan, desired, user, state):
    uid = user['_id']
    added_groups = []
    for name, dummy in desired.groups:
        group = state.group_by_name(name)
        action = 'present' if (group['id'], uid) in state.group_members else 'add'
        plan.groups.append({'name': group['name'], 'id': group['id'], 'action': action})
        if action == 'add':
            added_groups.append(group['name'])
    if added_groups:
        plan.before['groups'] = []
        plan.after['groups'] = added_groups

    if desired.system_id:
        sid = desired.system_id
        current = state.system_bindings.get((sid, uid))
        wanted = sudo_attributes(desired.administrator) if desired.administrator is not None else None
        if current is None:
            action = 'add'
        elif wanted is None:
            action = 'present'
        else:
            now_sudo = current.get('sudo') or {}
            same = bool(now_sudo.get('enabled')) == wanted['sudo']['enabled'] and \
                bool(now_sudo.get('withoutPassword')) == wanted['sudo']['withoutPassword']
            action = 'present' if same else 'update'
        plan.system = {'id': sid, 'action': action, 'attributes': wanted,
                       'sudo': desired.administrator if wanted is not None else _sudo_enabled(current)}
        if action != 'present':
            plan.before['system'] = None if current is None else {'id': sid, 'administrator': _sudo_enabled(current)}
            plan.after['system'] = {'id': sid, 'administrator': plan.system['sudo']}

    if desired.ldapserver_id:
        lid = desired.ldapserver_id
        action = 'present' if (lid, uid) in state.ldap_bindings else 'add'
        plan.ldap = {'id': lid, 'action': action}
        if action == 'add':
            plan.before['ldap_server'] = None
            plan.after['ldap_server'] = lid


def _sudo_enabled(attributes):
    if not attributes:
        return False
    return bool((attributes.get('sudo') or {}).get('enabled'))
