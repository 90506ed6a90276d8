# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Check the rows' references against JumpCloud's current state: the stage between reading state and planning.

``check_references`` adds the problems that need the state: users, groups, devices, LDAP servers and
managers that do not exist or are ambiguous, and email or employeeIdentifier collisions; it resolves each
row's user to JumpCloud's spelling and its manager to an id. ``check_restricted`` refuses the cells that
would change a field a directory (Active Directory, SCIM, an identity provider) manages for the user.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import unpack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, NO_SUCH_USER
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import AmbiguousName, fold, match_name


def check_references(rows, state):
    """Problems that need the current state: what does not exist, and what would collide."""
    first_row_of = {}       # user id -> (line, username as written) of the first row updating that user
    # the usernames the file names that do not exist: a row may create one of them (missing_users=create) and
    # another row name it as its manager
    unknown = dict((fold(r.username), r.username) for r in rows if r.username and state.user_by_name(r.username) is None)
    for desired in rows:
        if desired.problems and not desired.user_missing and not desired.username:
            continue
        user = _row_user(desired, state, first_row_of) if desired.username else None
        _check_groups(desired, state)
        if desired.system_id and desired.system_id not in state.systems:
            desired.problem('SystemID', '%s does not exist' % (st.DEVICE % desired.system_id))
        if desired.ldapserver_id and desired.ldapserver_id not in state.ldapservers:
            desired.problem('ldapserver_id', '%s does not exist' % (st.LDAP_SERVER % desired.ldapserver_id))
        _check_removals(desired, state)
        if desired.manager is not None and desired.manager is not CLEAR:
            _check_manager(desired, state, user, unknown)
        if user is not None:
            _check_state(desired, user)
            _check_entry_names(desired, user)
            _check_collision(desired, user, state.users_by_email, 'email', 'Email', fold)
            _check_collision(desired, user, state.users_by_employee_id, 'employeeIdentifier', 'employeeIdentifier',
                             lambda v: v)
    return rows


def _check_entry_names(desired, user):
    """The custom attribute names and address/phone types the row writes each match one stored spelling."""
    checks = [(name, desired.attribute_keys.get(name), 'attributes', 'name', 'custom attribute')
              for name, dummy in desired.attributes]
    checks += [(kind, _first_key(columns.LOCATION, lambda c, k=kind: c.field[0] == k and c.field[1] in desired.addresses[k]),
                'addresses', 'type', 'address type') for kind in sorted(desired.addresses)]
    checks += [(kind, _first_key(columns.TELEPHONY, lambda c, k=kind: c.field == k), 'phoneNumbers', 'type', 'phone type')
               for kind in sorted(desired.phones)]
    for name, key, field, part, what in checks:
        entries = [e for e in user.get(field) or [] if isinstance(e, dict)]
        try:
            match_name(name, entries, lambda e: e.get(part))
        except AmbiguousName as exc:
            desired.problem(key, '%s %s' % (what, _ambiguous(exc, 'the user\'s %ss' % what)))


def _first_key(candidates, wanted):
    return next(c.name for c in candidates if wanted(c))


def _check_manager(desired, state, user, unknown=None):
    try:
        manager = state.resolve_manager(desired.manager)
    except AmbiguousName as exc:
        desired.problem('manager', 'manager %s' % _ambiguous(exc, 'users'))
        return
    new = (unknown or {}).get(fold(desired.manager)) if manager is None else None
    if new is not None and new != desired.username:
        desired.manager_row = new       # a row of the file that may create it: see check_new_managers
    elif manager is None:
        desired.problem('manager', 'manager %r matches no user id, username or email' % desired.manager)
    elif user is not None and manager['_id'] == user['_id']:
        desired.problem('manager', 'a user cannot be their own manager')
    else:
        desired.manager_id = manager['_id']


def _ambiguous(exc, what):
    return '%r is ambiguous: it matches %s %s without regard to case, and none exactly; write it as JumpCloud does' % (
        exc.name, what, ' and '.join(repr(c) for c in exc.candidates))


def _row_user(desired, state, first_row_of):
    """The user a row updates (its username matched as :func:`match_name` does), or None with a problem.

    The row then names the user as JumpCloud spells it. Two rows meaning the same user are a problem on the
    second, unless they are written the same (then the file check has reported it already).
    """
    written = desired.username
    try:
        user = state.find_user(written)
    except AmbiguousName as exc:
        desired.problem('Username', 'user %s' % _ambiguous(exc, 'users'))
        return None
    if user is None:
        desired.problem('Username', 'user %r does not exist in JumpCloud' % written, kind=NO_SUCH_USER)
        return None
    desired.username = user['username']
    first = first_row_of.setdefault(user['_id'], (desired.line, written))
    if first[0] != desired.line and first[1] != written:
        if written != user['username']:
            message = 'user %r (%r in JumpCloud) is already updated by line %d' % (written, user['username'], first[0])
        else:
            message = 'user %r is already updated by line %d (written %r there)' % (written, first[0], first[1])
        desired.problem('Username', message)
    return user


# the membership methods of a user group whose members its rules set (GroupMembershipMethodType, v2 spec)
DYNAMIC_GROUPS = ('DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED')


def _check_groups(desired, state, cells=None):
    """Every group cell names one existing group (matched as :func:`match_name` does), each group once.

    Returns {group id: (name as written, reference key)} of the groups found.
    """
    seen = {}
    for name, key in desired.groups if cells is None else cells:
        try:
            group = state.find_group(name)
        except AmbiguousName as exc:
            desired.problem(key, 'user group %s' % _ambiguous(exc, 'groups'))
            continue
        if group is None:
            hint = state.similar_group(name)
            desired.problem(key, 'user group %r does not exist%s' % (name, '; did you mean %r?' % hint if hint else ''))
        elif group.get('membershipMethod') in DYNAMIC_GROUPS:
            desired.problem(key, 'user group %r is a dynamic group (membershipMethod %s): its rules set its members, '
                            'and JumpCloud undoes a member added or removed by hand; change the user\'s attributes '
                            'the rules read instead, or empty this cell' % (group['name'], group['membershipMethod']))
        elif group['id'] in seen and seen[group['id']][0] != name:
            desired.problem(key, 'user group %r is %r, already named in %s' % (name, group['name'], seen[group['id']][1]))
        else:
            seen.setdefault(group['id'], (name, key))
    return seen


def _check_removals(desired, state):
    """RemoveGroupN cells name existing groups, none of which a GroupN cell of the row adds; RemoveSystemID
    names an existing device, RemoveLdapServerID an existing LDAP server. A removal that is already so (not a
    member, not bound) is no problem."""
    if desired.remove_groups:
        added = dict((group['id'], key) for name, key in desired.groups
                     for group in [state.group_by_name(name)] if group is not None)
        removed = _check_groups(desired, state, desired.remove_groups)
        for gid, (name, key) in removed.items():
            if gid in added:
                desired.problem(key, 'user group %r is also added by %s of this row: a row cannot add and remove the '
                                'same group' % (name, added[gid]))
    if desired.remove_system_id and desired.remove_system_id not in state.systems:
        desired.problem('RemoveSystemID', '%s does not exist' % (st.DEVICE % desired.remove_system_id))
    if desired.remove_ldapserver_id and desired.remove_ldapserver_id not in state.ldapservers:
        desired.problem('RemoveLdapServerID', '%s does not exist' % (st.LDAP_SERVER % desired.remove_ldapserver_id))


def _check_state(desired, user):
    """STAGED is a state for a user being created: an existing user can only be set ACTIVATED or SUSPENDED
    (a STAGED user is activated by its endpoint, the others by a PUT). A user already STAGED stays as it is."""
    wanted = desired.scalars.get('state')
    if wanted == columns.STAGED and user.get('state') != columns.STAGED:
        desired.problem('state', 'STAGED is only for a user being created; user %r exists (state %s): use '
                        'ACTIVATED or SUSPENDED' % (desired.username, user.get('state') or 'unknown'))


def _check_collision(desired, user, owners, field, key, normalise):
    value = desired.scalars.get(field)
    if value is None or value is CLEAR:
        return
    for other in owners.get(normalise(value), []):
        if other['_id'] != user['_id']:
            desired.problem(key, '%s %r already belongs to user %r' % (field, value, other.get('username')))
            return


DIRECTORIES = {'active_directory': 'Active Directory', 'scim': 'a SCIM provisioning integration',
               'federated_identity_provider': 'a federated identity provider'}


def restricted_fields(user):
    """{API field: directory type} for the fields a directory manages for ``user`` (its ``restrictedFields``)."""
    managed = {}
    for entry in (user or {}).get('restrictedFields') or []:
        if isinstance(entry, dict) and entry.get('field'):
            managed.setdefault(entry['field'], entry.get('type'))
    return managed


def _cell_of_change(name):
    """The API field and the reference key (the column) of one changed-field name of a plan:
    ``jobTitle``, ``password``, ``addresses.home.locality`` or ``phoneNumbers.mobile``."""
    parts = name.split('.')
    if parts[0] == 'addresses' and len(parts) == 3:
        matches = [c.name for c in columns.LOCATION if c.field == (parts[1], parts[2])]
    elif parts[0] == 'phoneNumbers' and len(parts) == 2:
        matches = [c.name for c in columns.TELEPHONY if c.field == parts[1]]
    elif name == 'password':
        matches = [columns.PASSWORD.name]
    elif name == 'suspended':
        matches = ['state']             # written with the state, from its cell
    else:
        matches = [c.name for c in columns.FIXED_COLUMNS if c.field == name and c.kind != columns.SPECIAL]
    return parts[0], matches[0] if matches else None


def check_restricted(rows, state, changes):
    """A problem on every cell that would change a field the user's directory manages.

    JumpCloud refuses (or ignores) writes to a user's ``restrictedFields``, which Active Directory, SCIM
    or an identity provider own. ``changes(desired, user)`` gives the changed-field names the row's plan
    would write; a row with such a cell is invalid, so nothing is written for that user.
    """
    for desired in rows:
        if desired.problems:
            continue
        user = state.users_by_name.get(desired.username)
        managed = restricted_fields(user)
        if not managed:
            continue
        reported = set()
        for name in changes(desired, unpack(user)):
            field, key = _cell_of_change(name)
            if field not in managed or key in reported:
                continue
            reported.add(key)
            directory = managed[field]
            named = '%s (%s)' % (DIRECTORIES.get(directory, directory), directory) if directory else 'a directory'
            desired.problem(key, '%s of user %r is managed by %s and cannot be changed here; change it there, or '
                            'leave this cell empty' % (field, desired.username, named))
    return rows


def check_new_managers(rows):
    """A row whose manager is a user another row of the file creates (``manager_row``, once the missing users are
    settled): that row must create it (missing_users=create) and be valid, else the manager cell is a problem.
    The row is then applied once that user exists (``missing_users.NewUsers``)."""
    creating = dict((r.username, r) for r in rows if r.missing == 'create' and not r.problems)
    for desired in rows:
        if desired.manager_row is None:
            continue
        if desired.manager_row not in creating:
            desired.problem('manager', 'manager %r matches no user id, username or email (no valid row of this file '
                            'creates it)' % desired.manager)
        else:
            # what planning shows until the user exists: the applier waits for its id (never sent as it is)
            desired.manager_id = new_user_placeholder(desired.manager_row)
    return rows


def new_user_placeholder(username):
    """The manager a plan shows for a user the same file creates, until JumpCloud gives it its id."""
    return '(new user %s)' % username
