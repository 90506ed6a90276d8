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
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import named

# what a write not made (check mode) would do, by what it writes
_ADD_TO_GROUP = {st.WOULD_ADD: 'would add', st.WOULD_REMOVE: 'would remove'}
_BIND = {st.WOULD_ADD: 'would bind', st.WOULD_UPDATE: 'would update'}
_UNBIND = {st.WOULD_REMOVE: 'would unbind', st.REMOVED: None}
# the other statuses worth a mention; present and absent (nothing to write) are not
_SAID = (st.ADDED, st.UPDATED, st.REMOVED, st.FAILED)


def _item(thing, status, would):
    """``group Finance added`` for what a run did, ``would add group Finance`` for what check mode would do."""
    if status in would:
        return '%s %s' % (would[status], thing) if would[status] else '%s unbound' % thing
    if status in _SAID:
        return '%s %s' % (thing, status)
    return None


def _named(name, object_id):
    """``web-01 (5f1b...)``: a readable name with its id, or the id alone when the name is unknown."""
    return '%s (%s)' % (name, object_id) if name else '%s' % object_id


def _manager(manager):
    """``manager alice (5f...) -> bob (5f...)``: the manager change of a row, each side named."""
    sides = [_named(side.get('username'), side.get('id')) if side else '(none)'
             for side in (manager.get('before'), manager.get('after'))]
    return 'manager %s -> %s' % tuple(sides)


def _changes(result):
    parts = list(result.get('changed_fields') or [])
    if isinstance(result.get('manager'), dict) and 'manager' in parts:
        parts[parts.index('manager')] = _manager(result['manager'])
    for group in result.get('groups') or []:
        parts.append(_item('group %s' % group.get('name'), group.get('status'), _ADD_TO_GROUP))
    system = result.get('system')
    if system:
        parts.append(_item('device %s%s' % (_named(system.get('hostname'), system.get('id')),
                                            ' (admin through the user-level sudo flag)' if system.get('global_sudo')
                                            else ' (admin)' if system.get('sudo') else ''),
                           system.get('status'), _BIND))
    ldap = result.get('ldap')
    if ldap:
        parts.append(_item('LDAP server %s' % _named(ldap.get('name'), ldap.get('id')), ldap.get('status'), _BIND))
    unbind = result.get('remove_system')
    if unbind:
        parts.append(_item('device %s' % _named(unbind.get('hostname'), unbind.get('id')), unbind.get('status'),
                           _UNBIND))
    return [p for p in parts if p is not None]


def _status(status):
    """A row status as the line says it: ``would update`` for check mode's ``would_update``."""
    return status.replace('_', ' ') if st.is_preview(status) else status


def user_line(result):
    head = 'row %s %s: %s' % (result.get('row'), named(result), _status(result.get('status')))
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
