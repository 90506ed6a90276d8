# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The rollback file (``rollback_path``): a CSV in the collection's own column language that, applied, returns
every user a real run wrote to what the run read before writing.

The applier tells a :class:`Recorder` of each write as it sends it (``sent``), and what came of it: accepted,
of unknown outcome (no answer came back: undone as if it had landed, since undoing what did not land writes
nothing), or dropped (refused, or it was so already: nothing to undo). Each write is recorded, when it is
sent, as the cells that undo it (:func:`inverse_cells`, pure: from the plan, which holds the values read
before writing), compactly encoded, so a large run holds a short text per user it wrote and nothing of its
records. A write still under way when the file is made (an interrupted run) counts as of unknown outcome.
:func:`render_rollback` (pure) turns the records into the file's text: one row per user, the notes of what
the column language cannot restore in the ``jc_note`` column, which the reader ignores.

The file never holds a password: a password a run set cannot be taken back, and a deleted user's cannot be
recreated; the row's note says so.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import io
import json
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import match_name
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st

NOTE_COLUMN = 'jc_note'
DELETED = 'DELETED'                     # the state cell that deletes a user
REMOVE_LDAP_COLUMN = 'RemoveLdapServerID'

# what became of a write (the recorder's marks)
SENT, ACCEPTED, UNKNOWN, DROPPED = 'S', 'A', 'U', 'F'

# the writes of one user, as the applier names them to the recorder
FIELDS = 'fields'               # the user PUT (or its fields in a bulk job)
CREATE = 'create'
ACTIVATE = 'activate'
SYSTEM = 'system'               # the SystemID binding: added or its Administrator updated
SYSTEM_SETTLED = 'system_settled'   # an add met "Already Exists" and the binding's Administrator was updated
UNBIND = 'remove_system'
LDAP = 'ldap'
UNBIND_LDAP = 'remove_ldap'     # a RemoveLdapServerID
DELETE = 'delete'               # the user deleted (its plan holds its whole record)


def group_write(index):
    """The write of the ``index``-th group of the plan (an add or a removal)."""
    return 'group:%d' % index


# plan.before keys that are not fields of the user PUT (or are written with another)
_NOT_FIELDS = frozenset(['groups', 'system', 'ldap_server', 'unbind_system', 'unbind_ldap_server', 'suspended',
                         'username'])
_WHAT = {FIELDS: 'the update of its fields', CREATE: 'its creation', ACTIVATE: 'its activation',
         SYSTEM: 'its device binding', SYSTEM_SETTLED: 'its device binding', UNBIND: 'its device unbinding',
         LDAP: 'its LDAP binding', UNBIND_LDAP: 'its LDAP unbinding', DELETE: 'its deletion'}


# ---- the inverse of one write (pure) ----------------------------------------------------------------------

# cells: ['c', header, text or None (the clear token)], ['g', group], ['rg', group], ['a', name, value or None],
# ['m', manager id or None], ['s', device id, administrator], ['d'] (delete the user), ['n', note],
# ['r', user id] (the row recreates the user the run deleted, whose id that was), ['mg', [usernames]] (the users
# the deleted user managed: their rows point their manager at it again)

def inverse_cells(plan, write):
    """The cells that undo the ``write`` (see the names above) of ``plan``: what the plan read before writing."""
    if write == FIELDS:
        return _field_cells(plan)
    if write == CREATE:
        return [['d']]
    if write == ACTIVATE:
        return [['n', 'it was STAGED before the run activated it; JumpCloud cannot stage an active user again '
                      '(suspend it to take its access away)']]
    if write.startswith('group:'):
        group = plan.groups[int(write.split(':', 1)[1])]
        return [['rg' if group['action'] == st.ADD else 'g', group['name']]]
    if write in (SYSTEM, SYSTEM_SETTLED):
        return _system_cells(plan, write)
    if write == UNBIND:
        sid = plan.remove_system['id']
        previous = _previous(plan, 'remove_system')
        return [['s', sid, _sudo(previous)[0]]] + _passwordless_note(sid, previous, 'unbound')
    if write == LDAP:
        return [['c', REMOVE_LDAP_COLUMN, plan.ldap['id']]]
    if write == UNBIND_LDAP:
        return [['c', 'ldapserver_id', plan.remove_ldap['id']]]
    if write == DELETE:
        return recreate_cells(plan.whole_record)
    raise ValueError('unknown write %r' % write)


def recreate_cells(record):
    """The cells of a row recreating the user of ``record`` (a whole record, see ``whole_record.py``): every field
    a column holds, its groups, device binding, LDAP binding, custom attributes and manager (by username); what
    no column holds, and its password, in notes."""
    user = record['user']
    cells = [['r', record['id']]]
    for column in columns.FIXED_COLUMNS:
        if column.api is None or column.kind in (columns.KEY, columns.SECRET, columns.USER_REF) or not column.prefill:
            continue
        value = column.api.read(user)
        if column.kind == columns.BOOL:
            cells.append(['c', column.name, 'true' if value else 'false'])
        elif value not in (None, ''):
            cells.append(['c', column.name, str(value)])
    if (record.get('manager') or {}).get('username'):
        cells.append(['m', record['manager']['username']])
    cells.extend(['g', g['name']] for g in record.get('groups') or [] if g.get('name'))
    cells.extend(['a', a.get('name'), '' if a.get('value') is None else str(a.get('value'))]
                 for a in record.get('attributes') or [] if a.get('name'))
    for n, system in enumerate(record.get('systems') or []):
        if n == 0:
            cells.append(['s', system['id'], bool(system.get('administrator'))])
        else:
            cells.append(['n', '%s: the column language binds one device a row; bind it again in JumpCloud%s' % (
                st.named(st.DEVICE, system['id'], system.get('hostname')),
                ' as administrator' if system.get('administrator') else '')])
        if system.get('passwordless_sudo'):
            cells.extend(_passwordless_note(system['id'], {'sudo': {'withoutPassword': True}}, 'deleted'))
    for n, server in enumerate(record.get('ldap_servers') or []):
        cells.append(['c', 'ldapserver_id', server['id']] if n == 0 else
                     ['n', '%s: one LDAP server a row; bind it again in JumpCloud'
                      % st.named(st.LDAP_SERVER, server['id'], server.get('name'))])
    if record.get('manages'):
        cells.append(['mg', [p['username'] for p in record['manages'] if p.get('username')]])
    cells.append(['n', 'recreated from what the run read before deleting it: JumpCloud gives it a new id (it was %s) '
                       'and its password cannot come back (it sets a new one)' % record['id']])
    if user.get('enable_user_portal_multifactor'):
        cells.append(['n', 'MFA comes back on with a new enrolment window; its earlier enrolment is gone'])
    cells.extend(['n', note] for note in _unkept(user))
    return cells


def _unkept(user):
    """What of a deleted user's record no column recreates: other address types, extended addresses."""
    notes = []
    for entry in user.get('addresses') or []:
        if not isinstance(entry, dict):
            continue
        kind = entry.get('type')
        if match_name(str(kind), ['home', 'work']) is None:
            notes.append('its %s address is not recreated (no column holds it)' % kind)
        elif entry.get('extendedAddress'):
            notes.append('the extendedAddress of its %s address is not recreated' % kind)
    return notes


def _previous(plan, key):
    return (getattr(plan, 'previous_bindings', None) or {}).get(key)


def _sudo(attributes):
    sudo = (attributes or {}).get('sudo') or {}
    return bool(sudo.get('enabled')), bool(sudo.get('withoutPassword'))


def _passwordless_note(sid, previous, done):
    if not _sudo(previous)[1]:
        return []
    return [['n', '%s had passwordless sudo before the run %s it; the Administrator column gives sudo with '
                  'a password: set passwordless sudo again in JumpCloud' % (st.named(st.DEVICE, sid), done)]]


def _system_cells(plan, write):
    system = plan.system
    sid = system['id']
    if write == SYSTEM_SETTLED:
        wanted = bool(((system.get('attributes') or {}).get('sudo') or {}).get('enabled'))
        return [['s', sid, not wanted]]
    if system['action'] == st.ADD:
        return [['c', 'RemoveSystemID', sid]]
    previous = _previous(plan, 'system')
    return [['s', sid, _sudo(previous)[0]]] + _passwordless_note(sid, previous, 'changed')


def _field_cells(plan):
    cells = []
    for field, before in plan.before.items():
        if field in _NOT_FIELDS or (field == 'state' and plan.activate):
            continue
        if field == 'password':
            cells.append(['n', 'the password the run set cannot be taken back (it is never in this file)'])
        elif field == 'mfa':
            cells.append(['n', 'the MFA enrolment window the run set (%s) is not restored' % _window(plan.after['mfa'])])
        elif field == 'manager':
            cells.append(['m', before or None])
        elif field == 'state':
            cells.extend(_state_cells(before))
        elif field in ('addresses', 'phoneNumbers', 'attributes'):
            cells.extend(_ARRAY_CELLS[field](before, plan.after[field]))
        else:
            cells.extend(_scalar_cells(field, before))
    return cells


def _window(mfa):
    mfa = mfa or {}
    return 'until %s' % mfa['exclusionUntil'] if mfa.get('exclusionUntil') else '%s days' % mfa.get('exclusionDays')


def _state_cells(before):
    if before in (columns.ACTIVATED, columns.SUSPENDED):
        return [['c', 'state', before]]
    return [['n', 'its state was %s before the run; a state column can set ACTIVATED or SUSPENDED only' % before]]


def _scalar_cells(field, before):
    if field == 'enable_user_portal_multifactor':
        cells = [['c', field, 'true' if before else 'false']]
        if before:
            cells.append(['n', 'MFA comes back on with a new enrolment window (EnrollmentDays, 7 by default); an '
                               'enrolment the user had made is JumpCloud\'s to keep or ask again'])
        return cells
    column = columns.BY_SLOT[('scalars', field)]
    if column.kind == columns.BOOL:
        return [['c', column.name, 'true' if before else 'false']]
    if column.kind == columns.INT:
        if before is None:
            return [['n', 'it had no %s before the run; a column cannot empty it' % column.name]]
        return [['c', column.name, str(before)]]
    text = '' if before is None else str(before)
    if not text and not column.clearable:
        return [['n', 'its %s was empty before the run; the column cannot empty it' % column.name]]
    cells = [['c', column.name, text or None]]
    if field in ('email', 'recoveryEmail'):
        cells.append(['n', 'whether its earlier %s was verified is not restored by this file' % column.name])
    return cells


def _typed_value(entries, kind, key):
    """The ``key`` of the entry of type ``kind`` (matched as the plan matches types) among ``entries``."""
    entries = [e for e in entries or [] if isinstance(e, dict)]
    stored = match_name(kind, [e.get('type') for e in entries if isinstance(e.get('type'), str)])
    entry = next((e for e in entries if stored is not None and e.get('type') == stored), None) or {}
    value = entry.get(key)
    return '' if value is None else str(value)


def _address_cells(before, after):
    cells = []
    for column in columns.LOCATION:
        kind, part = column.slot[1], column.slot[2]
        old = _typed_value(before, kind, part)
        if old != _typed_value(after, kind, part):
            cells.append(['c', column.name, old or None])
    return cells


def _phone_cells(before, after):
    cells = []
    for column in columns.TELEPHONY:
        old = _typed_value(before, column.slot[1], 'number')
        if old != _typed_value(after, column.slot[1], 'number'):
            cells.append(['c', column.name, old or None])
    return cells


def _attribute_cells(before, after):
    def values(entries):
        found = {}
        for entry in entries or []:
            if isinstance(entry, dict) and isinstance(entry.get('name'), str):
                found.setdefault(entry['name'], '' if entry.get('value') is None else str(entry.get('value')))
        return found
    old, new = values(before), values(after)
    cells = []
    for name in list(new) + [n for n in old if n not in new]:
        if old.get(name) != new.get(name):
            cells.append(['a', name, old.get(name) or None])
    return cells


_ARRAY_CELLS = {'addresses': _address_cells, 'phoneNumbers': _phone_cells, 'attributes': _attribute_cells}


# ---- the recorder -----------------------------------------------------------------------------------------

class Recorder:
    """What a real run wrote, user by user, as the cells that undo it (thread-safe; one short text per user)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users = {}        # row line -> text: the username, then one line per mark

    def record(self, plan, write, mark):
        """Record that ``write`` of ``plan`` was sent (SENT), accepted, of unknown outcome or dropped. A mark
        other than SENT for a write not sent before (a bulk job's fields) carries the cells too."""
        line = plan.desired.line
        with self._lock:
            text = self._users.get(line)
            if text is None:
                text = json.dumps(plan.desired.username)
            if mark == SENT or '\n%s\t%s\t' % (SENT, write) not in text:
                cells = json.dumps(inverse_cells(plan, write), separators=(',', ':'))
                text += '\n%s\t%s\t%s' % (mark, write, cells)
            else:
                text += '\n%s\t%s\t' % (mark, write)
            self._users[line] = text

    def entries(self):
        """Each user's ``(line, username, [(write, mark, cells)])``, in the file's order: a write's mark is its
        last one, and a write left SENT (still under way) is of unknown outcome."""
        with self._lock:
            users = sorted(self._users.items())
        for line, text in users:
            parts = text.split('\n')
            writes = {}
            for part in parts[1:]:
                mark, write, cells = part.split('\t', 2)
                old = writes.get(write)
                writes[write] = (mark, json.loads(cells) if cells else old[1] if old else [])
            yield line, json.loads(parts[0]), [(w, UNKNOWN if m == SENT else m, c) for w, (m, c) in writes.items()]

    def __len__(self):
        return len(self._users)


# ---- the file (pure) --------------------------------------------------------------------------------------

class RollbackRow:
    """One user's row of the rollback file, as its cells are gathered."""

    def __init__(self, username):
        self.username = username
        self.cells = {}             # header -> text or None (the clear token)
        self.groups, self.remove_groups, self.attributes, self.notes = [], [], [], []
        self.manager = False        # False: no manager cell; else the manager's id, or None to clear it
        self.delete = False
        self.recreates = None       # the id of the deleted user this row recreates
        self.manages = []           # the usernames of the users a recreated user managed

    def add(self, cell, unknown_what=None):
        kind = cell[0]
        if kind == 'c':
            self.cells.setdefault(cell[1], cell[2])
        elif kind == 's':
            if 'SystemID' in self.cells and self.cells['SystemID'] != cell[1]:
                self.notes.append('%s: the column language binds one device a row; bind it again in '
                                  'JumpCloud%s' % (st.named(st.DEVICE, cell[1]), ' as administrator' if cell[2] else ''))
            else:
                self.cells['SystemID'], self.cells['Administrator'] = cell[1], 'true' if cell[2] else 'false'
        elif kind in ('g', 'rg'):
            (self.groups if kind == 'g' else self.remove_groups).append(cell[1])
        elif kind == 'a':
            self.attributes.append((cell[1], cell[2]))
        elif kind == 'm':
            self.manager = cell[1]
        elif kind == 'd':
            self.delete = True
        elif kind == 'r':
            self.recreates = cell[1]
        elif kind == 'mg':
            self.manages.extend(cell[1])
        else:
            self.notes.append(cell[1])


def rollback_rows(entries, deleted_names=None):
    """The :class:`RollbackRow` of each recorded user (``Recorder.entries()``) that has something to undo, in the
    file's order.

    A manager cell pointing at a user the run deleted names it by username, since its recreation gives it a new
    id (``deleted_names`` adds {id: username} pairs to the ones the rows recreating users give); and each user a
    deleted user managed gets its manager back by username, in its own row or in a row of its own.
    """
    rows = []
    for dummy, username, writes in entries:
        row = RollbackRow(username)
        for write, mark, cells in writes:
            if mark == DROPPED:
                continue
            for cell in cells:
                row.add(cell)
            if mark == UNKNOWN and cells:
                row.notes.append('the outcome of %s is unknown (no answer came back once it was sent): it is undone '
                                 'here as if it had landed, which writes nothing if it did not'
                                 % _WHAT.get(write, 'its group change'))
        if row.delete or row.cells or row.groups or row.remove_groups or row.attributes or row.notes or \
                row.manager is not False:
            rows.append(row)
    _relink_managers(rows, dict(deleted_names or {}))
    return rows


def _relink_managers(rows, deleted_names):
    """Point at each recreated user, by username, the manager cells naming its old id and the users it managed."""
    deleted_names.update((row.recreates, row.username) for row in rows if row.recreates)
    by_name = dict((row.username, row) for row in rows)
    for row in rows:
        if row.manager not in (False, None) and row.manager in deleted_names:
            row.manager = deleted_names[row.manager]
    for manager in [row for row in rows if row.recreates]:
        for name in manager.manages:
            row = by_name.get(name)
            if row is None:
                row = by_name[name] = RollbackRow(name)
                row.notes.append('its manager %s was deleted by the run' % manager.username)
                rows.append(row)
            if row.recreates or row.delete:
                continue        # its own row recreates it with its manager, or deletes it
            if row.manager is False:
                row.manager = manager.username


def render_rollback(rows, clear_token):
    """The rollback file's text for ``rows`` (:class:`RollbackRow`): Username, the columns used in the order of
    the column table, the group, group removal and attribute columns, and ``jc_note``. A header alone when no
    user has anything to undo."""
    rows = list(rows)
    order = dict((c.name, n) for n, c in enumerate(columns.FIXED_COLUMNS))
    used = set()
    for row in rows:
        if row.delete:
            used.add('state')
            continue
        used.update(row.cells)
        if row.manager is not False:
            used.add('manager')
    fixed = sorted(used, key=lambda name: (order.get(name, len(order)), name))
    groups = max([len(r.groups) for r in rows if not r.delete] or [0])
    removals = max([len(r.remove_groups) for r in rows if not r.delete] or [0])
    pairs = max([len(r.attributes) for r in rows if not r.delete] or [0])
    header = ['Username'] + fixed + [columns.group_header(n + 1) for n in range(groups)] + \
        [columns.remove_group_header(n + 1) for n in range(removals)] + \
        [columns.attribute_header(n + 1, part) for n in range(pairs) for part in ('name', 'value')] + [NOTE_COLUMN]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in _row_cells(row, fixed, groups, removals, pairs, clear_token)])
    return buffer.getvalue()


def _row_cells(row, fixed, groups, removals, pairs, clear_token):
    def text(value):
        return clear_token if value is None else value
    if row.delete:
        values = dict(state=DELETED)
        listed = ([], [], [])
    else:
        values = dict((name, text(value)) for name, value in row.cells.items())
        if row.manager is not False:
            values['manager'] = text(row.manager)
        listed = (row.groups, row.remove_groups, row.attributes)
    cells = [row.username] + [values.get(name, '') for name in fixed]
    cells += _padded(listed[0], groups) + _padded(listed[1], removals)
    for n in range(pairs):
        name, value = listed[2][n] if n < len(listed[2]) else ('', '')
        cells += [name, text(value) if name else '']
    return cells + ['; '.join(row.notes)]


def _padded(values, width):
    return list(values) + [''] * (width - len(values))


# the notes a result lists (each row's are all in the file's jc_note column)
MAX_RESULT_NOTES = 100


def rollback_result(rows):
    """What the module's result says of the rollback file of ``rows``: how many rows, and each row's notes (what
    the file cannot restore), at most MAX_RESULT_NOTES of them."""
    notes = ['%s: %s' % (row.username, note) for row in rows for note in row.notes]
    if len(notes) > MAX_RESULT_NOTES:
        notes = notes[:MAX_RESULT_NOTES] + ['... and %d more in the file\'s %s column'
                                            % (len(notes) - MAX_RESULT_NOTES, NOTE_COLUMN)]
    return {'rollback_rows': len(rows), 'rollback_notes': notes}
