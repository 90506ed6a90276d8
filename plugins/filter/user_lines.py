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
    - Rows that failed are listed after the others, each in file order.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError


def _changes(result):
    parts = list(result.get('changed_fields') or [])
    for group in result.get('groups') or []:
        if group.get('status') in ('added', 'pending', 'failed'):
            parts.append('group %s %s' % (group.get('name'), 'to add' if group['status'] == 'pending'
                                          else group['status']))
    system = result.get('system')
    if system and system.get('status') in ('added', 'updated', 'pending', 'failed'):
        parts.append('device %s%s %s' % (system.get('id'), ' (admin through the user-level sudo flag)'
                                         if system.get('global_sudo') else ' (admin)' if system.get('sudo') else '',
                                         'to bind' if system['status'] == 'pending' else system['status']))
    ldap = result.get('ldap')
    if ldap and ldap.get('status') in ('added', 'pending', 'failed'):
        parts.append('LDAP server %s %s' % (ldap.get('id'), 'to bind' if ldap['status'] == 'pending'
                                            else ldap['status']))
    return parts


def user_line(result):
    head = 'row %s %s: %s' % (result.get('row'), result.get('username') or '(no username)', result.get('status'))
    if result.get('failed'):
        return '%s: %s' % (head, result.get('msg') or 'failed')
    parts = _changes(result) + ['warning: %s' % w for w in result.get('warnings') or []]
    if parts:
        return '%s: %s' % (head, ', '.join(parts))
    if result.get('msg'):
        return '%s: %s' % (head, result['msg'])
    return head


def user_lines(results):
    if not isinstance(results, (list, tuple)):
        raise AnsibleFilterError('user_lines expects the results list of jc_users_from_csv, got %s'
                                 % type(results).__name__)
    for result in results:
        if not isinstance(result, dict):
            raise AnsibleFilterError('user_lines expects a list of result dicts, got an element of type %s'
                                     % type(result).__name__)
    ordered = [r for r in results if not r.get('failed')] + [r for r in results if r.get('failed')]
    return [user_line(r) for r in ordered]


class FilterModule(object):
    def filters(self):
        return {'user_lines': user_lines}
