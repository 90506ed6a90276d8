# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: user_lines
short_description: One readable line per user from the results of jc_users_from_csv
version_added: 0.1.0
description:
  - Turns the C(results) of M(jcops.jumpcloud.jc_users_from_csv) into one line per CSV row, with the username,
    the status and what changed, or why the row failed.
  - Failed and invalid rows come last, so the end of the output is where the problems are.
  - "The results of a check mode run give what would happen, for example V(row 2 alice: would update: jobTitle,
    would add group Engineering); a real run's, what happened."
  - Devices, LDAP servers and managers are named beside their ids, as C(device web-01) or C(LDAP server Corp LDAP)
    followed by the id in parentheses, and a manager change as its usernames before and after, each followed by
    its id in parentheses. An id whose name is unknown is shown alone.
author:
  - jcops team (@jcops)
options:
  _input:
    description: The C(results) list returned by M(jcops.jumpcloud.jc_users_from_csv).
    type: list
    elements: dict
    required: true
'''

EXAMPLES = r'''
- name: Apply a CSV
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: users.csv
  register: update
  ignore_errors: true

- name: Per-user summary, failed users last
  ansible.builtin.debug:
    msg: "{{ update.results | jcops.jumpcloud.user_lines }}"
'''

RETURN = r'''
_value:
  description:
    - "One string per row, for example V(row 2 alice: updated: jobTitle, group Engineering added)."
    - "Removals read V(group Ops removed) and V(device 5f1b2c3d4e5f6a7b8c9d0e21 unbound) (in check mode V(would remove
      group Ops) and V(would unbind device ...)); a removal of what is already gone is not listed."
    - "In check mode, each write not made says V(would ...), for example V(row 2 alice: would update: jobTitle,
      would add group Engineering, would bind device web-01 (5f1b2c3d4e5f6a7b8c9d0e21) (admin))."
    - Rows that failed are listed after the others, each in file order.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.lines import in_order, user_line


def user_lines(results):
    if not isinstance(results, (list, tuple)):
        raise AnsibleFilterError('user_lines expects the results list of jc_users_from_csv, got %s'
                                 % type(results).__name__)
    for result in results:
        if not isinstance(result, dict):
            raise AnsibleFilterError('user_lines expects a list of result dicts, got an element of type %s'
                                     % type(result).__name__)
    return [user_line(r) for r in in_order(results)]


class FilterModule(object):
    def filters(self):
        return {'user_lines': user_lines}
