# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""What a prefilled template shows beside the user fields: each user's groups in the GroupN columns (read per
group, see ``_api/memberships.py``), and a warning naming the users with more groups or custom attributes than
the template has columns for."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import object_id
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.memberships import group_names_by_user, list_groups
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.render import shown_attributes

# a warning names at most this many users, then says how many more there are
NAMED_AT_MOST = 50


class GroupNames:
    """Every user's group names (see ``group_names_by_user``), read on ``workers`` threads in the background from
    the moment it is made, while the users are read; :meth:`take` waits for them."""

    def __init__(self, client, workers):
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._runner = ThreadPoolExecutor(max_workers=1)
        self._future = self._runner.submit(lambda: group_names_by_user(client, self._pool, list_groups(client)))

    def take(self):
        """``{user id: [group name, ...]}``, once read; raises what reading them raised."""
        try:
            return self._future.result()
        finally:
            self.close()

    def close(self):
        """Stop: no listing not started yet is started."""
        self._runner.shutdown(wait=False, cancel_futures=True)
        self._pool.shutdown(wait=False, cancel_futures=True)


def overflow_warnings(users, group_columns, attribute_columns, groups=None):
    """One warning for the users with more groups (``groups`` maps a user's id to them) than ``group_columns``,
    one for those with more custom attributes (that a cell can show) than ``attribute_columns``; none for a kind
    of column the template has not."""
    groups = groups or {}
    kinds = (('groups', 'Group', group_columns, lambda user: len(groups.get(object_id(user)) or ()), 'by name'),
             ('custom attributes', 'Attribute', attribute_columns, lambda user: len(shown_attributes(user)),
              "in JumpCloud's order"))
    warnings = []
    for what, column, columns, count, order in kinds:
        if not columns:
            continue
        over = sorted(user.get('username') or object_id(user) for user in users if count(user) > columns)
        if not over:
            continue
        named = ', '.join(over[:NAMED_AT_MOST])
        if len(over) > NAMED_AT_MOST:
            named += ' and %d more' % (len(over) - NAMED_AT_MOST)
        warnings.append('%d user%s ha%s more %s than the template\'s %d %sN column%s; the cells hold the first %d '
                        '(%s), and applying the file leaves the others as they are: %s'
                        % (len(over), '' if len(over) == 1 else 's', 's' if len(over) == 1 else 've', what, columns,
                           column, '' if columns == 1 else 's', columns, order, named))
    return warnings
