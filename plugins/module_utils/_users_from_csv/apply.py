# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Apply one user's plan; the flow runs one such task per user on the worker pool.

A user's own writes (PUT, then group adds and removals, device binding and
unbinding, LDAP binding) run
one after another in that user's task, so they are never concurrent with each
other; different users run in parallel. Every outcome is recorded per
operation. An authentication failure stops the run: the remaining users are
reported as not attempted instead of each failing against the API in turn.
A key whose first writes are all refused with 403 (a role that may not
write) stops the run the same way; once a write has succeeded, a 403 is that
row's problem only. A write that times out may still be running at JumpCloud,
so the rest of that user's writes are not sent (they would overlap it); a rerun
finishes them. A 409 "Already Exists" means "present" only for a membership or
binding add; on the user PUT it is a refusal like any other. A 404 to a
membership or binding removal means it is already gone ("absent"), as a
removal of what the state read showed can only meet when another admin removed
it meanwhile (or an earlier attempt of the same removal landed). A user that does
not exist yet is created first (POST), then its groups and bindings are added with
the id JumpCloud gave it; a create that fails sends nothing else for that user. A create that got no
answer (the connection dropped or timed out once it was sent) may have been applied: it is reported as of
unknown outcome and counted as a change, and a rerun finds the user if it was created. A user who is STAGED
and set ACTIVATED is activated by JumpCloud's activate endpoint, after the PUT of its other fields, with the
run's email flag (whether JumpCloud sends its welcome or activation email).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import enum
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import rollback
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import statuses as st
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import object_id


class Call(enum.Enum):
    """What one write came to (see :meth:`Applier._call`)."""
    DONE = enum.auto()     # written (in check mode: would be)
    FAILED = enum.auto()     # refused, not sent or not attempted; the reason is in the outcome's errors
    EXISTS = enum.auto()     # an add met "Already Exists", a removal "Not Found": it was so already
    LANDED = enum.auto()     # the same, for a write sent again after an attempt that may have been applied: it was


class Outcome:
    """What happened (or, in check mode, would happen) to one user.

    Statuses are those of ``_statuses``: in check mode, the writes not made are ``would_add``,
    ``would_update`` and ``would_remove``, and the user ``would_update``.
    """

    def __init__(self, plan, check_mode=False):
        self.plan = plan
        self.check_mode = check_mode
        self.changed = False
        self.errors = []
        self.groups = [{'name': g['name'], 'id': g['id'], 'status': st.initial(g['action'])} for g in plan.groups]
        self.system = None if plan.system is None else {
            'id': plan.system['id'], 'sudo': plan.system['sudo'], 'status': st.initial(plan.system['action'])}
        self.ldap = None if plan.ldap is None else {'id': plan.ldap['id'], 'status': st.initial(plan.ldap['action'])}
        self.remove_system = None if plan.remove_system is None else {
            'id': plan.remove_system['id'], 'status': st.initial(plan.remove_system['action'])}
        if plan.remove_system is not None and plan.remove_system.get('remaining_routes'):
            # the user still reaches the device through groups: unbinding the direct binding leaves that access
            self.remove_system['remaining_routes'] = list(plan.remove_system['remaining_routes'])
        self.remove_ldap = None if plan.remove_ldap is None else {
            'id': plan.remove_ldap['id'], 'status': st.initial(plan.remove_ldap['action'])}
        # a row deleting its user: True once deleted (in check mode: would be), False when it was gone already
        self.deleted = None
        self.fields_written = False
        self.held = None        # why this user's remaining writes are not sent
        self.user_id = plan.user_id     # a created user's id once JumpCloud gave it
        self.created = False    # the user was created (in check mode: would be)
        self.last_error = None  # the JumpCloudError of the last write that failed with one

    @property
    def failed(self):
        return bool(self.errors)

    @property
    def status(self):
        return st.row_status(self.failed, self.changed, self.check_mode, self.created, self.deleted)


class Applier:
    def __init__(self, client, check_mode, credential='API key', activation_email=True, recorder=None):
        self.client = client
        self.recorder = recorder            # the rollback file's :class:`rollback.Recorder` (a real run only)
        self.check_mode = check_mode
        self.credential = credential        # what the run logs in with, as its messages name it
        self.activation_email = activation_email    # the email flag of the activation of a STAGED user
        self.abort = threading.Event()
        self.abort_reason = None
        self.wrote = threading.Event()      # some write of this run succeeded or met a conflict: the key may write

    def record(self, plan, write, mark):
        """Tell the rollback recorder what became of ``write`` of ``plan`` (see ``rollback.Recorder``)."""
        if write is not None and self.recorder is not None and not self.check_mode:
            self.recorder.record(plan, write, mark)

    def _stop(self, reason):
        self.abort_reason = reason
        self.abort.set()

    def _call(self, outcome, what, func, *args, **kwargs):
        """Run one write; :attr:`Call.DONE` when done, :attr:`Call.FAILED` when it failed.

        With ``add=True`` (a membership or binding add) a 409 "Already Exists" is
        not a failure: it answers :attr:`Call.EXISTS`, or :attr:`Call.LANDED` when the add was sent again
        after an attempt that may have been applied (that attempt made it). Any other
        409 (the user PUT's, for one) fails like every other refusal. With ``remove=True`` (a membership or
        binding removal) a 404 answers :attr:`Call.EXISTS` (already gone) or :attr:`Call.LANDED` the same way.
        """
        add = kwargs.pop('add', False)
        remove = kwargs.pop('remove', False)
        undo = kwargs.pop('undo', None)     # the write's name for the rollback file
        outcome.last_error = None
        if self.abort.is_set():
            outcome.errors.append('%s: not attempted: %s' % (what, self.abort_reason))
            return Call.FAILED
        if outcome.held:
            outcome.errors.append('%s: not sent: %s' % (what, outcome.held))
            return Call.FAILED
        if self.check_mode:
            return Call.DONE
        self.record(outcome.plan, undo, rollback.SENT)
        try:
            func(*args, **kwargs)
        except JumpCloudError as exc:
            outcome.last_error = exc
            self.record(outcome.plan, undo, _rollback_mark(exc, add, remove))
            if exc.status == 409:
                # a conflict: JumpCloud weighed the change, past the check of what this login may do, so a
                # later 403 is that row's alone, as after a write that succeeded
                self.wrote.set()
            if (add and exc.status == 409) or (remove and exc.status == 404):
                return Call.LANDED if exc.resent else Call.EXISTS
            if exc.unauthorized:
                self._stop('the run stopped after JumpCloud refused the %s (%s)' % (self.credential, exc.message))
            elif exc.status == 403 and not self.wrote.is_set():
                # no write has been allowed yet: the key's role may not write at all, and every
                # other user would meet the same 403
                self._stop('the run stopped after JumpCloud refused the first writes of this %s (%s)'
                           % (self.credential, exc.message))
            if exc.outcome_unknown:
                outcome.held = 'an earlier write of this user timed out; rerun to finish'
            message = exc.message
            if exc.status == 409 and what in ('update', 'create'):    # the user PUT or POST
                message += (' (HTTP 409: JumpCloud refused the change; a value that must be unique, such as the'
                            ' email, may belong to another user, possibly of another organisation)')
            outcome.errors.append('%s: %s' % (what, message))
            return Call.FAILED
        except BaseException:
            self.record(outcome.plan, undo, rollback.UNKNOWN)
            raise
        self.record(outcome.plan, undo, rollback.ACCEPTED)
        self.wrote.set()
        return Call.DONE

    def _add(self, outcome, what, path, body, undo=None):
        """One membership or binding add: 'added' ('would_add' in check mode), 'present' or 'failed'."""
        return self._edge_write(outcome, what, path, body, st.ADD, st.PRESENT, undo)

    def _remove(self, outcome, what, path, body, undo=None):
        """One membership or binding removal: 'removed' ('would_remove' in check mode), 'absent' or 'failed'."""
        return self._edge_write(outcome, what, path, body, st.REMOVE, st.ABSENT, undo)

    def _edge_write(self, outcome, what, path, body, action, already, undo=None):
        """An ``action`` (add or remove) of a membership or binding; ``already`` when JumpCloud says it is so."""
        done = self._call(outcome, what, self.client.post, path, body, idempotent=True, undo=undo,
                          **{'add' if action == st.ADD else 'remove': True})
        if done in (Call.DONE, Call.LANDED):
            outcome.changed = True
            return st.item_done(action, self.check_mode)
        return already if done is Call.EXISTS else st.FAILED

    def apply_one(self, plan, fields_written=False):
        """Apply ``plan``; ``fields_written`` says a bulk job has written its fields already (no PUT)."""
        outcome = Outcome(plan, self.check_mode)
        try:
            self._apply_steps(outcome, plan, fields_written and not self.check_mode)
        except Exception as exc:  # pylint: disable=broad-except
            # an unexpected failure stops this user's writes only; the ones already done stay recorded
            outcome.errors.append('internal error: %s; nothing more was written for this user' % type(exc).__name__)
        return outcome

    def _apply_steps(self, outcome, plan, fields_written=False):
        client = self.client
        uid = plan.user_id
        if plan.delete is not None:
            self._delete(outcome, plan)
            return
        if plan.create:
            uid = self._create(outcome, plan)
            if not outcome.created:
                return
        elif plan.body and fields_written:
            outcome.changed = outcome.fields_written = True
            self.record(plan, rollback.FIELDS, rollback.ACCEPTED)
        elif plan.body:
            if self._call(outcome, 'update', client.put, endpoints.USER % uid, plan.body,
                          undo=rollback.FIELDS) is Call.DONE:
                outcome.changed = outcome.fields_written = True
        if plan.activate:
            self._activate(outcome, uid)
        for index, (group, result) in enumerate(zip(plan.groups, outcome.groups)):
            if group['action'] in st.NO_WRITE:
                continue
            write = self._remove if group['action'] == st.REMOVE else self._add
            result['status'] = write(outcome, 'group %s' % group['name'], endpoints.GROUP_MEMBERS % group['id'],
                                     {'op': group['action'], 'type': 'user', 'id': uid}, rollback.group_write(index))
        if plan.system is not None and plan.system['action'] != st.PRESENT:
            self._bind_system(outcome, plan, uid)
        if plan.remove_system is not None and plan.remove_system['action'] == st.REMOVE:
            sid = plan.remove_system['id']
            what = 'unbind ' + st.named(st.DEVICE, sid, plan.names.get('remove_system'))
            outcome.remove_system['status'] = self._remove(outcome, what, endpoints.SYSTEM_ASSOCIATIONS % sid,
                                                           {'op': 'remove', 'type': 'user', 'id': uid}, rollback.UNBIND)
        if plan.ldap is not None and plan.ldap['action'] != st.PRESENT:
            lid = plan.ldap['id']
            outcome.ldap['status'] = self._add(outcome, st.named(st.LDAP_SERVER, lid, plan.names.get('ldap')),
                                               endpoints.LDAP_ASSOCIATIONS % lid, {'op': 'add', 'type': 'user', 'id': uid},
                                               rollback.LDAP)
        if plan.remove_ldap is not None and plan.remove_ldap['action'] == st.REMOVE:
            lid = plan.remove_ldap['id']
            what = 'unbind ' + st.named(st.LDAP_SERVER, lid, plan.names.get('remove_ldap'))
            outcome.remove_ldap['status'] = self._remove(outcome, what, endpoints.LDAP_ASSOCIATIONS % lid,
                                                         {'op': 'remove', 'type': 'user', 'id': uid}, rollback.UNBIND_LDAP)

    def _delete(self, outcome, plan):
        """Delete the user (``DELETE /api/systemusers/{id}``, with ``cascade_manager`` when it manages others).

        A 5xx is retried (a DELETE is idempotent); a 404 after such a retry means an earlier attempt deleted the
        user (``deleted``), a 404 at the first attempt that it was gone already (``absent``).
        """
        cascade = plan.delete.get('cascade_manager')
        params = {'cascade_manager': cascade} if cascade else None
        done = self._call(outcome, 'delete', self.client.delete, endpoints.USER % plan.user_id, params, remove=True,
                          undo=rollback.DELETE)
        if done in (Call.DONE, Call.LANDED):
            outcome.deleted = outcome.changed = True
        elif done is Call.EXISTS:
            outcome.deleted = False
        elif outcome.last_error is not None and outcome.last_error.outcome_unknown:
            outcome.changed = True      # sent, and no answer came back: the user may be deleted

    def _create(self, outcome, plan):
        """Create the user of a creating plan (POST, never resent after an unknown outcome); its id, or None.

        When the user is not created, none of its groups and bindings is sent (each stays failed).
        """
        created = []
        done = self._call(outcome, 'create', lambda: created.append(self.client.post(endpoints.USERS, plan.body)),
                          undo=rollback.CREATE)
        if done is not Call.DONE:
            if outcome.last_error is not None and outcome.last_error.status is None:
                # sent, and no answer came back: JumpCloud may have created the user
                outcome.errors[-1] = ('create: outcome unknown: %s; the request was sent and no answer came back, '
                                      'so the user may have been created: rerun, which finds it if it was (its '
                                      'groups and bindings were not sent)' % outcome.last_error.message)
                outcome.changed = outcome.fields_written = True
            return None
        outcome.created = outcome.changed = outcome.fields_written = True
        if self.check_mode:
            return None
        answer = created[0] if isinstance(created[0], dict) else {}
        outcome.user_id = object_id(answer)
        if not outcome.user_id:
            outcome.errors.append('create: JumpCloud answered without the new user\'s id; its groups and bindings '
                                  'were not sent, rerun to finish')
            outcome.held = 'the new user\'s id is unknown'
        return outcome.user_id

    def _activate(self, outcome, uid):
        """Activate a STAGED user (``POST /api/systemusers/{id}/state/activate``), unless its PUT failed.

        The body's ``email`` flag is the run's: true lets JumpCloud send its welcome or activation email (its
        default), false suppresses it. Not resent after an attempt that may have landed.
        """
        if outcome.errors and outcome.errors[-1].startswith('update: '):
            outcome.errors.append('activate: not sent: the update of this user failed; rerun to finish')
            return
        done = self._call(outcome, 'activate', self.client.post, endpoints.USER_ACTIVATE % uid,
                          {'email': self.activation_email}, idempotent=False, undo=rollback.ACTIVATE)
        if done is Call.DONE:
            outcome.changed = outcome.fields_written = True

    def _bind_system(self, outcome, plan, uid):
        system = plan.system
        path = endpoints.SYSTEM_ASSOCIATIONS % system['id']
        body = {'op': system['action'], 'type': 'user', 'id': uid}
        if system['attributes'] is not None:
            body['attributes'] = system['attributes']
        what = st.named(st.DEVICE, system['id'], plan.names.get('system'))
        done = self._call(outcome, what, self.client.post, path, body, idempotent=True, add=system['action'] == st.ADD,
                          undo=rollback.SYSTEM)
        if done is Call.EXISTS and system['attributes'] is not None:
            # bound meanwhile, or bound by an earlier run whose write is not readable yet
            done = self._settle_binding(outcome, what, path, body, system['id'])
            system = dict(system, action=st.UPDATE)
        if done in (Call.DONE, Call.LANDED):
            outcome.system['status'] = st.item_done(system['action'], self.check_mode)
            outcome.changed = True
        else:
            outcome.system['status'] = st.PRESENT if done is Call.EXISTS else st.FAILED

    def _settle_binding(self, outcome, what, path, body, sid):
        """An add of a binding answered "Already Exists": make its Administrator value the one asked for.

        The binding is read back first; when its sudo ``enabled`` is the one asked for, nothing is
        written (:attr:`Call.EXISTS`), as the plan compares it: a passwordless sudo (``withoutPassword``) is the
        admin's choice and is kept. When it differs, or cannot be read yet (JumpCloud applies
        association writes asynchronously), it is updated to the setting asked for.
        """
        wanted = _sudo_flags(body['attributes'])
        try:
            edges = self.client.v2_list(endpoints.USER_ASSOCIATIONS % body['id'], {'targets': 'system'})
            current = [e for e in edges if (e.get('to') or {}).get('id') == sid]
        except JumpCloudError:
            current = []
        if current and _sudo_flags(current[0].get('attributes'))[0] == wanted[0]:
            return Call.EXISTS
        # a stored passwordless sudo is enabled sudo, so an update (enabled differs) never meets one to keep
        return self._call(outcome, what, self.client.post, path, dict(body, op='update'), idempotent=True,
                          undo=rollback.SYSTEM_SETTLED)


def _rollback_mark(exc, add, remove):
    """What a write that raised ``exc`` leaves to undo: a write that got no answer may have landed (unknown); an
    add met by "Already Exists" or a removal by "Not Found" landed when sent again after such an attempt, and
    was so already otherwise (nothing to undo); any other refusal wrote nothing."""
    if (add and exc.status == 409) or (remove and exc.status == 404):
        return rollback.ACCEPTED if exc.resent else rollback.DROPPED
    return rollback.UNKNOWN if exc.status is None else rollback.DROPPED


def _sudo_flags(attributes):
    sudo = (attributes or {}).get('sudo') or {}
    return bool(sudo.get('enabled')), bool(sudo.get('withoutPassword'))
