# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Plan the creation of a user that does not exist yet: a pure function, like planning an update.

The body of ``POST /api/systemusers`` carries the row's username and every filled field, each shaped by its
column's API accessor as a PUT would carry it, so that any plain column of the table is sent on creation with
no code of its own; a ``state`` goes with its ``suspended``. Arrays are built as an update would merge them into none. Then the row's groups, device
binding and LDAP binding are all to add, as for a user bound to nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, DEFAULT_ENROLLMENT_DAYS
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import CREATE
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import (
    PASSWORD_NEVER,
    PASSWORD_NOT_SENT,
    PASSWORD_ON_CREATE,
    PASSWORD_SENT,
    UserPlan,
    check_manager_resolved,
    _plan_bindings,
    plan_delete,
    plan_user,
    enrollment_window,
    merge_addresses,
    merge_attributes,
    merge_phones,
    state_fields,
)

# the record a user to create is planned against: it has no id and nothing else yet
NEW_USER = {'_id': None}


def plan_row(desired, user, facts, now, update_password=PASSWORD_ON_CREATE):
    """The plan of one checked row: :func:`plan_create` for a user to create, :func:`plan_delete` for one to
    delete, else :func:`plan_user`."""
    if desired.delete:
        return plan_delete(desired, user, facts)
    if desired.missing == CREATE:
        return plan_create(desired, facts, now, update_password)
    return plan_user(desired, user, facts, now, update_password)


def plan_create(desired, facts, now, update_password=PASSWORD_ON_CREATE):
    """The :class:`UserPlan` creating the user of the checked row ``desired`` (``desired.missing == 'create'``).

    ``facts`` are the row's :class:`UserFacts` for a user with no id (no group holds it, nothing is bound).
    """
    plan = UserPlan(desired, NEW_USER)
    plan.create = True
    plan.set_field('username', None, desired.username)
    for field, value in desired.scalars.items():
        if value is CLEAR:
            continue            # nothing to empty on a user that does not exist yet
        column = columns.BY_SLOT[('scalars', field)]
        plan.set_field(field, None, value, body_value=column.api.body(value) if column.api is not None else value)
    if desired.scalars.get('state') is not None:
        # with the matching suspended, as JumpCloud's New-JCUser.ps1 creates a user in a state
        plan.set_field('suspended', None, state_fields(desired.scalars['state'])['suspended'], names=[])
    check_manager_resolved(desired)
    if desired.manager is not None and desired.manager is not CLEAR:
        plan.set_field('manager', None, desired.manager_id)
    if desired.password:
        if update_password != PASSWORD_NEVER:
            plan.set_field('password', None, desired.password)
        plan.password = PASSWORD_NOT_SENT if update_password == PASSWORD_NEVER else PASSWORD_SENT
    _plan_mfa(plan, desired, now)
    for field, merge, wanted in (('addresses', merge_addresses, desired.addresses),
                                 ('phoneNumbers', merge_phones, desired.phones),
                                 ('attributes', merge_attributes, desired.attributes)):
        merged, changed = merge([], wanted) if wanted else ([], [])
        if merged:
            plan.set_field(field, [], merged, names=changed)
    _plan_bindings(plan, desired, {}, facts)
    return plan


def _plan_mfa(plan, desired, now):
    if desired.mfa is None:
        return
    plan.set_field('enable_user_portal_multifactor', None, desired.mfa)
    if desired.mfa:
        # a new user created STAGED gets its enrollment window as a number of days, counted from its
        # activation (JumpCloud's New-JCUser.ps1 sends exclusionDays for a STAGED user, exclusionUntil otherwise)
        if desired.scalars.get('state') == columns.STAGED:
            window = {'exclusion': True, 'exclusionDays': desired.enrollment_days or DEFAULT_ENROLLMENT_DAYS}
        else:
            window = enrollment_window(desired, now)
        plan.set_field('mfa', None, window)
