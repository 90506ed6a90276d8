# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

"""Apply one user's plan; the flow runs one such task per user on the worker pool.

A user's own writes (PUT, then group adds, device binding, LDAP binding) run
one after another in that user's task, so they are never concurrent with each
other; different users run in parallel. Every outcome is recorded per
operation. An authentication failure stops the run: the remaining users are
reported as not attempted instead of each failing against the API in turn.
A write that times out may still be running at JumpCloud, so the rest of
that user's writes are not sent (they would overlap it); a rerun finishes them.
"""

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

    def _call(self, outcome, what, func, *args, **kwargs):
        """Run one write; True when done, 'exists' on 409, False when it failed."""
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
            return True
        except JumpCloudError as exc:
            if exc.status == 409:
                return 'exists'
            if exc.unauthorized:
                self.abort_reason = 'the run stopped after JumpCloud refused the API key (%s)' % exc.message
                self.abort.set()
            if exc.outcome_unknown:
                outcome.held = 'an earlier write of this user timed out; rerun to finish'
            outcome.errors.append('%s: %s' % (what, exc.message))
            return False

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
            done = self._call(outcome, 'group %s' % group['name'], client.post,
                              '/api/v2/usergroups/%s/members' % group['id'],
                              {'op': 'add', 'type': 'user', 'id': uid}, idempotent=True)
            result['status'] = 'added' if done is True else ('present' if done == 'exists' else 'failed')
            outcome.changed = outcome.changed or done is True
        if plan.system is not None and plan.system['action'] != 'present':
            self._bind_system(outcome, plan, uid)
        if plan.ldap is not None and plan.ldap['action'] != 'present':
            done = self._call(outcome, 'LDAP server %s' % plan.ldap['id'], client.post,
                              '/api/v2/ldapservers/%s/associations' % plan.ldap['id'],
                              {'op': 'add', 'type': 'user', 'id': uid}, idempotent=True)
            outcome.ldap['status'] = 'added' if done is True else ('present' if done == 'exists' else 'failed')
            outcome.changed = outcome.changed or done is True

    def _bind_system(self, outcome, plan, uid):
        system = plan.system
        path = '/api/v2/systems/%s/associations' % system['id']
        body = {'op': system['action'], 'type': 'user', 'id': uid}
        if system['attributes'] is not None:
            body['attributes'] = system['attributes']
        what = 'device %s' % system['id']
        done = self._call(outcome, what, self.client.post, path, body, idempotent=True)
        if done == 'exists' and system['attributes'] is not None:
            # bound meanwhile: make its sudo setting the one asked for
            done = self._call(outcome, what, self.client.post, path, dict(body, op='update'), idempotent=True)
            system = dict(system, action='update')
        if done is True:
            outcome.system['status'] = 'added' if system['action'] == 'add' else 'updated'
            outcome.changed = True
        else:
            outcome.system['status'] = 'present' if done == 'exists' else 'failed'
