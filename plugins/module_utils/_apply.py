# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Apply one user's plan; the flow runs one such task per user on the worker pool.

A user's own writes (PUT, then group adds, device binding, LDAP binding) run
one after another in that user's task, so they are never concurrent with each
other; different users run in parallel. Every outcome is recorded per
operation. An authentication failure stops the run: the remaining users are
reported as not attempted instead of each failing against the API in turn.
A key whose first writes are all refused with 403 (a role that may not
write) stops the run the same way; once a write has succeeded, a 403 is that
row's problem only. A write that times out may still be running at JumpCloud,
so the rest of that user's writes are not sent (they would overlap it); a rerun
finishes them. A 409 "Already Exists" means "present" only for a membership or
binding add; on the user PUT it is a refusal like any other.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError


class Outcome:
    """What happened (or, in check mode, would happen) to one user."""

    def __init__(self, plan):
        self.plan = plan
        self.changed = False
        self.errors = []
        self.groups = [{'name': g['name'], 'id': g['id'], 'status': 'present' if g['action'] == 'present'
                        else 'pending'} for g in plan.groups]
        self.system = None if plan.system is None else {
            'id': plan.system['id'], 'sudo': plan.system['sudo'],
            'status': 'present' if plan.system['action'] == 'present' else 'pending'}
        self.ldap = None if plan.ldap is None else {
            'id': plan.ldap['id'], 'status': 'present' if plan.ldap['action'] == 'present' else 'pending'}
        self.fields_written = False
        self.held = None        # why this user's remaining writes are not sent

    @property
    def failed(self):
        return bool(self.errors)

    @property
    def status(self):
        if self.failed:
            return 'failed'
        return 'updated' if self.changed else 'unchanged'


class Applier:
    def __init__(self, client, check_mode):
        self.client = client
        self.check_mode = check_mode
        self.abort = threading.Event()
        self.abort_reason = None
        self.wrote = threading.Event()      # some write of this run succeeded: the key may write

    def _stop(self, reason):
        self.abort_reason = reason
        self.abort.set()

    def _call(self, outcome, what, func, *args, **kwargs):
        """Run one write; True when done, False when it failed.

        With ``add=True`` (a membership or binding add) a 409 "Already Exists" is
        not a failure: it answers 'exists', or 'landed' when the add was sent again
        after an attempt that may have been applied (that attempt made it). Any other
        409 (the user PUT's, for one) fails like every other refusal.
        """
        add = kwargs.pop('add', False)
        if self.abort.is_set():
            outcome.errors.append('%s: not attempted: %s' % (what, self.abort_reason))
            return False
        if outcome.held:
            outcome.errors.append('%s: not sent: %s' % (what, outcome.held))
            return False
        if self.check_mode:
            return True
        try:
            func(*args, **kwargs)
        except JumpCloudError as exc:
            if add and exc.status == 409:
                return 'landed' if exc.resent else 'exists'
            if exc.unauthorized:
                self._stop('the run stopped after JumpCloud refused the API key (%s)' % exc.message)
            elif exc.status == 403 and not self.wrote.is_set():
                # no write has been allowed yet: the key's role may not write at all, and every
                # other user would meet the same 403
                self._stop('the run stopped after JumpCloud refused the first writes of this API key (%s)'
                           % exc.message)
            if exc.outcome_unknown:
                outcome.held = 'an earlier write of this user timed out; rerun to finish'
            message = exc.message
            if exc.status == 409 and what == 'update':    # the user PUT
                message += (' (HTTP 409: JumpCloud refused the change; a value that must be unique, such as the'
                            ' email, may belong to another user, possibly of another organisation)')
            outcome.errors.append('%s: %s' % (what, message))
            return False
        self.wrote.set()
        return True

    def _add(self, outcome, what, path, body):
        """One membership or binding add: 'added', 'present' or 'failed'."""
        done = self._call(outcome, what, self.client.post, path, body, idempotent=True, add=True)
        if done is True or done == 'landed':
            outcome.changed = True
            return 'added'
        return 'present' if done == 'exists' else 'failed'

    def apply_one(self, plan):
        outcome = Outcome(plan)
        try:
            self._apply_steps(outcome, plan)
        except Exception as exc:  # pylint: disable=broad-except
            # an unexpected failure stops this user's writes only; the ones already done stay recorded
            outcome.errors.append('internal error: %s; nothing more was written for this user' % type(exc).__name__)
        return outcome

    def _apply_steps(self, outcome, plan):
        client = self.client
        uid = plan.user_id
        if plan.body:
            if self._call(outcome, 'update', client.put, '/api/systemusers/%s' % uid, plan.body) is True:
                outcome.changed = outcome.fields_written = True
        for group, result in zip(plan.groups, outcome.groups):
            if group['action'] == 'present':
                continue
            result['status'] = self._add(outcome, 'group %s' % group['name'],
                                         '/api/v2/usergroups/%s/members' % group['id'],
                                         {'op': 'add', 'type': 'user', 'id': uid})
        if plan.system is not None and plan.system['action'] != 'present':
            self._bind_system(outcome, plan, uid)
        if plan.ldap is not None and plan.ldap['action'] != 'present':
            outcome.ldap['status'] = self._add(outcome, 'LDAP server %s' % plan.ldap['id'],
                                               '/api/v2/ldapservers/%s/associations' % plan.ldap['id'],
                                               {'op': 'add', 'type': 'user', 'id': uid})

    def _bind_system(self, outcome, plan, uid):
        system = plan.system
        path = '/api/v2/systems/%s/associations' % system['id']
        body = {'op': system['action'], 'type': 'user', 'id': uid}
        if system['attributes'] is not None:
            body['attributes'] = system['attributes']
        what = 'device %s' % system['id']
        done = self._call(outcome, what, self.client.post, path, body, idempotent=True, add=system['action'] == 'add')
        if done == 'exists' and system['attributes'] is not None:
            # bound meanwhile, or bound by an earlier run whose write is not readable yet
            done = self._settle_binding(outcome, what, path, body, system['id'])
            system = dict(system, action='update')
        if done is True or done == 'landed':
            outcome.system['status'] = 'added' if system['action'] == 'add' else 'updated'
            outcome.changed = True
        else:
            outcome.system['status'] = 'present' if done == 'exists' else 'failed'

    def _settle_binding(self, outcome, what, path, body, sid):
        """An add of a binding answered "Already Exists": make its sudo setting the one asked for.

        The binding is read back first; when it already has that setting, nothing is
        written ('exists'). When it cannot be read yet (JumpCloud applies association
        writes asynchronously) or differs, it is updated.
        """
        wanted = _sudo_flags(body['attributes'])
        try:
            edges = self.client.v2_list('/api/v2/users/%s/associations' % body['id'], {'targets': 'system'})
            current = [e for e in edges if (e.get('to') or {}).get('id') == sid]
        except JumpCloudError:
            current = []
        if current and _sudo_flags(current[0].get('attributes')) == wanted:
            return 'exists'
        return self._call(outcome, what, self.client.post, path, dict(body, op='update'), idempotent=True)


def _sudo_flags(attributes):
    sudo = (attributes or {}).get('sudo') or {}
    return bool(sudo.get('enabled')), bool(sudo.get('withoutPassword'))
