# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The flow of jc_users_info: check the selectors, select the users, add what ``include`` asks for, and (with
``as_rows``) give them as rows of the column language. It reads only; nothing is ever written.

:func:`read_users` takes plain parameters and returns the module's result, or raises :class:`RunFailed`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.memberships import list_groups
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.columns import USER_STATES
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info import include as add
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.rows import ROW_FIELDS, row_columns, user_row
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.select import Selectors, select_users

# the user fields every user is read with, beside those its row's cells need
BASE_FIELDS = ('_id', 'username', 'email', 'state', 'suspended', 'activated', 'created')


def read_users(options, connect, check_mode=False, want_diff=False, warn=None):
    """Read the users ``options`` (the module's parameters) select and return the module's result.

    ``connect()`` gives the API client. Check mode and diff mode change nothing: the module only reads.
    """
    p = options
    selectors = check_selectors(p)
    include = set(p.get('include') or ())
    if p.get('as_rows'):
        include |= {'groups', 'attributes'}     # a row holds the user's groups and custom attributes
    client = connect()
    try:
        with ThreadPoolExecutor(max_workers=p.get('max_workers') or 1) as pool:
            users = _read(client, pool, selectors, include)
    except JumpCloudError as exc:
        raise RunFailed('reading JumpCloud failed: %s' % client.redact(exc), changed=False)
    result = dict(changed=False, users=users)
    if p.get('as_rows'):
        rows = [user_row(user) for user in users]
        result.update(rows=rows, columns=row_columns(rows))
    return result


def _read(client, pool, selectors, include):
    fields = set(BASE_FIELDS + ROW_FIELDS)
    if 'attributes' in include:
        fields.add('attributes')
    groups = list_groups(client) if selectors.groups is not None or 'groups' in include else None
    users = select_users(client, pool, selectors, ' '.join(sorted(fields)), groups)
    if 'groups' in include:
        add.add_groups(client, pool, users, groups)
    if 'systems' in include:
        add.add_systems(client, pool, users)
    if 'ldap_servers' in include:
        add.add_ldap_servers(client, pool, users)
    if 'manager' in include:
        add.add_managers(client, pool, users)
    if 'attributes' in include:
        add.add_attributes(users)
    return users


def check_selectors(p):
    """The :class:`Selectors` of the parameters; a blank item, or a state JumpCloud has not, fails the task."""
    for name in ('usernames', 'emails', 'groups'):
        for n, value in enumerate(p.get(name) or ()):
            if not (value or '').strip():
                raise RunFailed('%s[%d] is blank: name a %s' % (name, n, name[:-1]), changed=False)
    state = p.get('state')
    if state is not None and state.strip().upper() not in USER_STATES:
        raise RunFailed('state must be one of %s (in any case), got %r' % (', '.join(USER_STATES), state),
                        changed=False)
    return Selectors(usernames=_stripped(p.get('usernames')), emails=_stripped(p.get('emails')),
                     groups=_stripped(p.get('groups')), state=state.strip().upper() if state is not None else None)


def _stripped(values):
    return [value.strip() for value in values] if values is not None else None
