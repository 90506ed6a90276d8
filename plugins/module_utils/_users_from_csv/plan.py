# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Plan one user's update: desired (a CSV row) plus current (JumpCloud) gives the changes.

Pure functions, no HTTP: the result says which fields one PUT must carry (and
nothing unchanged), and which group memberships, device binding and LDAP
binding to add or update, and which memberships and device binding to remove. Arrays (addresses, phone numbers, custom
attributes) are merged, so every entry the row does not touch is kept exactly. A state is written as JumpCloud's
Set-JCUser.ps1 writes it, ``suspended`` beside ``state``; a STAGED user set ACTIVATED is activated by its endpoint
instead (``activate``), not by the PUT.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import sys

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, DEFAULT_ENROLLMENT_DAYS, WARNING, Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import match_name
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.statuses import (
    ABSENT, ADD, NO_WRITE, NOT_SENT, PRESENT, REMOVE, SENT, UPDATE)

MASK = '********'
SECRET_FIELDS = frozenset(['password'])
MFA_WINDOW = ('exclusion', 'exclusionUntil')
# update_password: a Password cell is sent on every run, only when the user is created, or never
PASSWORD_ALWAYS, PASSWORD_ON_CREATE, PASSWORD_NEVER = 'always', 'on_create', 'never'
UPDATE_PASSWORD_CHOICES = (PASSWORD_ALWAYS, PASSWORD_ON_CREATE, PASSWORD_NEVER)
# what became of a row's Password cell
PASSWORD_SENT, PASSWORD_NOT_SENT = SENT, NOT_SENT      # whether a row's Password cell is sent


class UserPlan:
    """What to do for one user.

    ``before``, ``after`` and ``body`` share values with the current user record and with each
    other (nothing mutates them after planning), so that a plan costs little memory.
    """

    __slots__ = ('desired', 'user_id', 'body', 'changed_fields', 'before', 'after', 'groups', 'system', 'ldap', 'names',
                 'warnings', 'create', 'password', 'remove_system', 'activate', 'remove_ldap', 'delete',
                 'whole_record', 'previous_bindings')

    def __init__(self, desired, user):
        self.desired = desired
        self.user_id = user['_id']
        self.body = {}             # the PUT body: changed fields only
        self.changed_fields = []
        self.before = {}
        self.after = {}
        self.groups = []           # [{'name', 'id', 'action': ADD | PRESENT | REMOVE | ABSENT}]
        self.system = None         # {'id', 'action': ADD | UPDATE | PRESENT, 'sudo', 'attributes'}
        self.ldap = None           # {'id', 'action': ADD | PRESENT}
        self.names = {}            # the readable names of the row's device, device to unbind, LDAP server
        self.warnings = []         # [Problem]: what the row gets, but not quite as it may expect
        self.create = False        # the user does not exist: the body is a POST that creates it
        self.password = None       # the row's Password cell: PASSWORD_SENT, PASSWORD_NOT_SENT, or None (empty)
        self.remove_system = None  # {'id', 'action': REMOVE | ABSENT, 'remaining_routes'}: the device to unbind
        self.activate = False      # the user is STAGED and the row sets it ACTIVATED: its activate endpoint
        self.remove_ldap = None    # {'id', 'action': REMOVE | ABSENT}: the LDAP server to unbind
        self.delete = None         # {'cascade_manager': 'null', a user id or None}: the row deletes the user
        self.whole_record = None   # the user's whole record, read before a delete (see whole_record.py)
        self.previous_bindings = {}  # 'system', 'remove_system': the edge attributes read before (for a rollback)

    @property
    def has_changes(self):
        return bool(self.body) or self.activate or any(g['action'] not in NO_WRITE for g in self.groups) or \
            (self.system is not None and self.system['action'] != PRESENT) or \
            (self.ldap is not None and self.ldap['action'] != PRESENT) or \
            (self.remove_system is not None and self.remove_system['action'] != ABSENT) or \
            (self.remove_ldap is not None and self.remove_ldap['action'] != ABSENT) or self.delete is not None

    def warn(self, key, message):
        column, header = self.desired.where.get(key, (None, None))
        self.warnings.append(Problem(message, self.desired.line, column, header, kind=WARNING))

    def set_field(self, field, before, after, body_value=None, names=None):
        self.body[field] = after if body_value is None else body_value
        # interned: a large run holds the same few field names once, not once per row
        self.changed_fields.extend(sys.intern(name) for name in ([field] if names is None else names))
        masked = field in SECRET_FIELDS
        self.before[field] = MASK if masked else before
        self.after[field] = MASK if masked else after


def _text(value):
    return '' if value is None else value


def check_manager_resolved(desired):
    """Raise ValueError when the row names a manager not resolved to an id: a row reaches planning only once
    check_references has resolved its manager."""
    if desired.manager is not None and desired.manager is not CLEAR and desired.manager_id is None:
        raise ValueError('the manager of line %d has not been resolved to a user id' % desired.line)


def plan_user(desired, user, facts, now, update_password=PASSWORD_ON_CREATE):
    """The :class:`UserPlan` for the checked row ``desired`` against the current ``user``.

    ``facts`` (:class:`UserFacts`) holds what else of JumpCloud the row needs, already looked up; the
    manager is the id the reference check resolved (``desired.manager_id``). Nothing is looked up here.
    """
    plan = UserPlan(desired, user)
    _plan_scalars(plan, desired, user)
    _plan_state(plan, desired, user)
    _plan_manager(plan, desired, user)
    if desired.password:
        # the user exists: its password is reset only when asked every run (a reset ages the password anew,
        # reaches every device and directory, and counts in JumpCloud's password history)
        if update_password == PASSWORD_ALWAYS:
            plan.set_field('password', None, desired.password)
        plan.password = PASSWORD_SENT if update_password == PASSWORD_ALWAYS else PASSWORD_NOT_SENT
    _plan_mfa(plan, desired, user, now)
    _plan_addresses(plan, desired, user)
    _plan_phones(plan, desired, user)
    _plan_attributes(plan, desired, user)
    _plan_bindings(plan, desired, user, facts)
    _plan_removals(plan, desired, facts)
    return plan


def _plan_scalars(plan, desired, user):
    """The plain fields: each compared and written as its column's kind and API accessor say."""
    for field, value in desired.scalars.items():
        column = columns.BY_SLOT[('scalars', field)]
        if column.kind == columns.STATE:
            continue            # see _plan_state
        if column.kind == columns.BOOL:
            current = bool(user.get(field, False))
            if current != value:
                plan.set_field(field, current, value)
        elif column.kind == columns.INT:
            if user.get(field) != value:
                plan.set_field(field, user.get(field), value)
        else:
            current = _text(column.api.read(user))
            wanted = '' if value is CLEAR else value
            if current != wanted:
                plan.set_field(field, current, wanted, body_value=column.api.body(wanted))


def state_fields(state):
    """The fields a ``state`` is written with, as JumpCloud's Set-JCUser.ps1 and New-JCUser.ps1 write it:
    ``suspended`` true with SUSPENDED, false otherwise."""
    return {'state': state, 'suspended': state == columns.SUSPENDED}


def _plan_state(plan, desired, user):
    """The state cell: ``state`` and ``suspended`` together, when either differs from the user's.

    A user who is STAGED and set ACTIVATED is activated by its endpoint (``plan.activate``), not by the PUT,
    and one left STAGED (a cell saying STAGED for a user who is) is unchanged.
    """
    wanted = desired.scalars.get('state')
    current = user.get('state')
    if wanted is None or wanted == columns.STAGED:
        return
    if current == columns.STAGED and wanted == columns.ACTIVATED:
        plan.activate = True
        plan.changed_fields.append('state')
        plan.before['state'], plan.after['state'] = current, wanted
        return
    fields = state_fields(wanted)
    stored = {'state': current, 'suspended': bool(user.get('suspended'))}
    if stored != fields:
        # named by the state when it changes; by its flag alone when only that disagrees
        plan.set_field('state', current, wanted, names=['state' if current != wanted else 'suspended'])
        plan.set_field('suspended', stored['suspended'], fields['suspended'], names=[])


def _plan_manager(plan, desired, user):
    if desired.manager is None:
        return
    check_manager_resolved(desired)
    wanted = None if desired.manager is CLEAR else desired.manager_id
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
        # only the enrollment window, as JumpCloud's Set-JCUser.ps1 sends it: what else the stored mfa
        # holds (configured, exclusionDays) is the server's, and resending it could override the window
        stored = user.get('mfa') or {}
        before = dict((key, stored[key]) for key in MFA_WINDOW if key in stored)
        plan.set_field('mfa', before, enrollment_window(desired, now))


def enrollment_window(desired, now):
    """The MFA enrollment window a row switching MFA on asks for: EnrollmentDays (default 7) from ``now``."""
    days = desired.enrollment_days or DEFAULT_ENROLLMENT_DAYS
    return {'exclusion': True, 'exclusionUntil': (now + datetime.timedelta(days=days)).strftime('%Y-%m-%dT%H:%M:%SZ')}


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


def _plan_array(plan, field, merge, current, wanted, strip_ids=False):
    if not wanted:
        return
    merged, changed = merge(current, wanted)
    if changed:
        if strip_ids:
            current, merged = without_ids(current), without_ids(merged)
        plan.set_field(field, current or [], merged, names=changed)


def without_ids(entries):
    """Address or phone entries without their read-only ``id``: the PUT schema has none, and JumpCloud's
    Set-JCUser.ps1 rebuilds every entry from its other fields."""
    return [dict((k, v) for k, v in entry.items() if k != 'id') for entry in entries or []]


def _plan_addresses(plan, desired, user):
    _plan_array(plan, 'addresses', merge_addresses, user.get('addresses'), desired.addresses, strip_ids=True)


def _plan_phones(plan, desired, user):
    _plan_array(plan, 'phoneNumbers', merge_phones, user.get('phoneNumbers'), desired.phones, strip_ids=True)


def _plan_attributes(plan, desired, user):
    _plan_array(plan, 'attributes', merge_attributes, user.get('attributes'), desired.attributes)


def sudo_attributes(administrator):
    """Edge attributes for an Administrator cell: sudo enabled, with a password."""
    return {'sudo': {'enabled': bool(administrator), 'withoutPassword': False}}


def _plan_groups(plan, groups, adding):
    """Plan the memberships ``groups`` (facts) to add (or, not ``adding``, to remove); the names changed."""
    done, write = (PRESENT, ADD) if adding else (ABSENT, REMOVE)
    changed = []
    for group in groups:
        action = done if group['member'] == adding else write
        plan.groups.append({'name': group['name'], 'id': group['id'], 'action': action})
        if action == write:
            changed.append(group['name'])
    return changed


def _plan_bindings(plan, desired, user, facts):
    plan.names = dict(facts.names)
    added_groups = _plan_groups(plan, facts.groups, adding=True)
    if added_groups:
        plan.before['groups'] = []
        plan.after['groups'] = added_groups

    if desired.system_id:
        _plan_system(plan, desired, user, facts.system_binding)

    if desired.ldapserver_id:
        lid = desired.ldapserver_id
        action = PRESENT if facts.ldap_bound else ADD
        plan.ldap = {'id': lid, 'action': action}
        if action == ADD:
            plan.before['ldap_server'] = None
            plan.after['ldap_server'] = lid


def global_sudo(desired, user):
    """Whether the user-level ``sudo`` flag is on once the row is applied. It makes the user administrator on
    every device it is bound to, whatever the binding says (JumpCloud's Add-JCSystemUser.ps1 and
    Get-JCSystemUser.ps1 read it so)."""
    if 'sudo' in desired.scalars:
        return desired.scalars['sudo'] is True
    return bool(user.get('sudo'))


def _plan_system(plan, desired, user, current):
    sid = desired.system_id
    wanted = sudo_attributes(desired.administrator) if desired.administrator is not None else None
    if current is None:
        action = ADD
    elif wanted is None or _sudo_enabled(current) == desired.administrator:
        # the Administrator value is the binding's sudo.enabled; an existing withoutPassword (passwordless
        # sudo) is the admin's choice and is left alone
        action = PRESENT
    else:
        action = UPDATE
    binding_sudo = desired.administrator if wanted is not None else _sudo_enabled(current)
    everywhere = global_sudo(desired, user)
    plan.system = {'id': sid, 'action': action, 'attributes': wanted, 'sudo': binding_sudo or everywhere}
    plan.previous_bindings['system'] = current
    if everywhere:
        plan.system.update(global_sudo=True, binding_sudo=binding_sudo)
        if desired.administrator is False:
            plan.warn('Administrator', 'is false, but user %r has the user-level sudo flag, which makes it administrator '
                      'on every device it is bound to: the binding is set without sudo, and the user stays '
                      '%s' % (desired.username, st.named(st.ADMINISTRATOR_ON, sid, plan.names.get('system'))))
    if action != PRESENT:
        plan.before['system'] = None if current is None else \
            _administrator(sid, _sudo_enabled(current), bool(user.get('sudo')))
        plan.after['system'] = _administrator(sid, binding_sudo, everywhere)


def _administrator(sid, binding_sudo, everywhere):
    """A device binding as the diff shows it: whether the user is administrator there, and why."""
    entry = {'id': sid, 'administrator': binding_sudo or everywhere}
    if everywhere:
        entry.update(global_sudo=True, binding_sudo=binding_sudo)
    return entry


def _sudo_enabled(attributes):
    if not attributes:
        return False
    return bool((attributes.get('sudo') or {}).get('enabled'))


def _plan_removals(plan, desired, facts):
    """The RemoveGroupN memberships, the RemoveSystemID and RemoveLdapServerID bindings: removed when they exist,
    else ``absent`` (nothing to write). The diff lists the groups left under ``groups`` (before: a member; after:
    not), the device unbound under ``unbind_system`` and the LDAP server under ``unbind_ldap_server``."""
    removed_groups = _plan_groups(plan, facts.remove_groups, adding=False)
    if removed_groups:
        plan.before['groups'] = plan.before.get('groups', []) + removed_groups
        plan.after.setdefault('groups', [])
    if desired.remove_ldapserver_id:
        lid = desired.remove_ldapserver_id
        action = REMOVE if facts.remove_ldap_bound else ABSENT
        plan.remove_ldap = {'id': lid, 'action': action}
        if action == REMOVE:
            plan.before['unbind_ldap_server'] = {'id': lid, 'bound': True}
            plan.after['unbind_ldap_server'] = {'id': lid, 'bound': False}
    if desired.remove_system_id:
        sid = desired.remove_system_id
        action = REMOVE if facts.remove_system_bound else ABSENT
        routes = list(facts.remove_system_routes)
        plan.remove_system = {'id': sid, 'action': action}
        plan.previous_bindings['remove_system'] = facts.remove_system_binding
        if action == REMOVE:
            plan.before['unbind_system'] = {'id': sid, 'bound': True}
            plan.after['unbind_system'] = {'id': sid, 'bound': False}
        if routes:
            _warn_remaining_access(plan, desired, sid, action, routes)


def _warn_remaining_access(plan, desired, sid, action, routes):
    """RemoveSystemID removes the direct binding only: a user who reaches the device through a user group or a
    device group keeps that access, which the binding's result, the diff and a warning say."""
    plan.remove_system['remaining_routes'] = routes
    if action == REMOVE:
        plan.after['unbind_system'] = dict(plan.after['unbind_system'], remaining_routes=routes)
    done = 'once unbound' if action == REMOVE else 'not bound directly'
    plan.warn('RemoveSystemID', '%s: user %r, %s, still reaches it through %s; remove those routes in '
              'JumpCloud to end the access' % (st.named(st.DEVICE, sid, plan.names.get('remove_system')), desired.username, done,
                                               '; '.join(routes)))


def plan_delete(desired, user, facts):
    """The :class:`UserPlan` of a row deleting its user: the DELETE, with the ``cascade_manager`` the guardrails
    settled. Its ``before`` is the user's whole record (``facts.whole_record``), its ``after`` nothing: the diff
    shows the whole user going away."""
    if facts.whole_record is None:
        raise ValueError('line %d deletes a user whose whole record was not read' % desired.line)
    plan = UserPlan(desired, user)
    plan.delete = {'cascade_manager': desired.cascade_manager}
    plan.whole_record = facts.whole_record
    plan.before = dict(facts.whole_record)
    return plan
