# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""One readable line per row of jc_users_from_csv: what the user_lines filter prints of the results, and what the
module returns as ``user_lines`` (``return_user_lines``), written once."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st

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
        parts.append(_item(st.DEVICE % (_named(system.get('hostname'), system.get('id')) +
                                        (' (admin through the user-level sudo flag)' if system.get('global_sudo')
                                         else ' (admin)' if system.get('sudo') else '')),
                           system.get('status'), _BIND))
    ldap = result.get('ldap')
    if ldap:
        parts.append(_item(st.LDAP_SERVER % _named(ldap.get('name'), ldap.get('id')), ldap.get('status'), _BIND))
    unbind = result.get('remove_system')
    if unbind:
        parts.append(_item(st.DEVICE % _named(unbind.get('hostname'), unbind.get('id')), unbind.get('status'),
                           _UNBIND))
    return [p for p in parts if p is not None]


def _status(status):
    """A row status as the line says it: ``would update`` for check mode's ``would_update``."""
    return status.replace('_', ' ') if st.is_preview(status) else status


def user_line(result):
    head = 'row %s %s: %s' % (result.get('row'), result.get('username') or '(no username)', _status(result.get('status')))
    if result.get('failed'):
        return '%s: %s' % (head, result.get('msg') or 'failed')
    parts = _changes(result) + ['warning: %s' % w for w in result.get('warnings') or []]
    if parts:
        return '%s: %s' % (head, ', '.join(parts))
    if result.get('msg'):
        return '%s: %s' % (head, result['msg'])
    return head


def in_order(results):
    """``results`` with the rows that failed last, each part in file order: the order of the lines."""
    return [r for r in results if not r.get('failed')] + [r for r in results if r.get('failed')]
