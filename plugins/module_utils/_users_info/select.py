# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Which users jc_users_info reads: by username, email, group and state, every selector given holding.

Usernames and emails are searched 100 a search (without regard to case, as JumpCloud compares them), the
members of groups by id 1000 a search, and with no selector but ``state`` the whole directory is listed 1000 a
page; the state is part of each search's filter.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import SEARCH_PAGE_LIMIT
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import id_condition, object_id
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.memberships import GROUPS, edges_by_user
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import AmbiguousName, caseless_condition, fold, match_name

NAMES_A_SEARCH = 100        # usernames or emails in one search, as jc_users_from_csv looks users up


class Selectors:
    """The selectors the module was given: ``usernames``, ``emails``, ``groups`` (lists, None when not given)
    and ``state`` (upper case, None when not given)."""

    def __init__(self, usernames=None, emails=None, groups=None, state=None):
        self.usernames = usernames
        self.emails = emails
        self.groups = groups
        self.state = state
        self._folded = [(field, set(fold(value) for value in values)) for field, values in (
            ('username', usernames), ('email', emails)) if values is not None]

    def keeps(self, user):
        """Whether ``user`` (found by one selector) holds the username and email selectors too."""
        for field, wanted in self._folded:
            if fold(user.get(field) or '') not in wanted:
                return False
        return self.state is None or user.get('state') == self.state


def named_groups(groups, names):
    """The groups of the listing ``groups`` that ``names`` name (exactly, else without regard to case); a name
    that names none, or several, fails the task naming the item."""
    found = []
    for n, name in enumerate(names):
        try:
            group = match_name(name, groups, lambda item: item.get('name'))
        except AmbiguousName as exc:
            raise RunFailed('groups[%d]: %s' % (n, exc), changed=False)
        if group is None:
            raise RunFailed('groups[%d]: there is no user group named %r' % (n, name), changed=False)
        found.append(group)
    return found


def select_users(client, pool, selectors, fields, groups=None):
    """The users ``selectors`` select, each with ``fields``, sorted by username.

    ``groups`` is the listing of user groups (needed when ``selectors.groups`` is given); the members of the
    named groups are read per group on ``pool``.
    """
    members = None
    if selectors.groups is not None:
        wanted = [object_id(group) for group in named_groups(groups, selectors.groups)]
        members = set(edges_by_user(client, pool, GROUPS, wanted))
    state = {'state': selectors.state} if selectors.state else None
    if selectors.usernames is not None or selectors.emails is not None:
        field, values = ('username', selectors.usernames) if selectors.usernames is not None else (
            'email', selectors.emails)
        conditions = [caseless_condition(field, value) for value in sorted(set(values))]
        found = _search(client, pool, conditions, NAMES_A_SEARCH, state, fields)
        users = [user for user in found if selectors.keeps(user) and (members is None or object_id(user) in members)]
    elif members is not None:
        conditions = [id_condition(uid) for uid in sorted(members)]
        users = _search(client, pool, conditions, SEARCH_PAGE_LIMIT, state, fields)
    else:
        users = list(client.v1_search(endpoints.SEARCH_USERS, state, fields=fields))
    unique = dict((object_id(user), user) for user in users)
    return sorted(unique.values(), key=lambda user: (user.get('username') or '', object_id(user)))


def _search(client, pool, conditions, size, state, fields):
    """Every user matching one of ``conditions``, ``size`` conditions a search (and the ``state`` condition
    when given), the searches run concurrently on ``pool``."""
    batches = [conditions[i:i + size] for i in range(0, len(conditions), size)]

    def one(batch):
        search = {'or': batch} if state is None else {'and': [{'or': batch}, state]}
        return list(client.v1_search(endpoints.SEARCH_USERS, search, fields=fields))
    return [user for found in pool.map(one, batches) for user in found]
