# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""``write_mode: bulk``: the field changes of many users in JumpCloud's bulk jobs.

``PATCH /api/v2/bulk/users?suppressEmail=true`` takes up to 800 users' field changes and answers a job id;
the job runs asynchronously and ``GET /api/v2/bulk/users/{job_id}/results`` lists a work result per user
once it has run (``bulk-user-update``, ``job-id`` and ``job-workresult`` in JumpCloud's v2 spec). The
results are polled with a growing wait, and each result is matched back to its user by the id in its
``persistedFields``. A user is done only when its job reports it ``finished``; every other user of the
plans (a refused job, a failed user, a result that never shows or cannot be matched, fields the job does
not take) gets its fields written by the per-user PUT as in ``write_mode: put``, whose outcome is reported
as usual. Memberships and bindings are never in a job.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError

BULK_PATH = '/api/v2/bulk/users'
JOB_MAX_USERS = 800         # JumpCloud refuses larger jobs
POLL_FIRST = 0.5            # seconds before the first look at a job's results, doubled up to POLL_MAX
POLL_MAX = 5.0              # JumpCloud's own bulk tooling polls every 5 s
WAIT_MAX = 600.0            # after this long, the users of unfinished jobs get their PUT

# The fields of ``bulk-user-update`` (v2 spec) the plans write. A password never goes in a job (its
# results may list the fields written), nor a recovery email or a manager cleared with null, which
# the job's schema does not take: those users get their PUT.
BULK_FIELDS = frozenset("""
account_locked addresses allow_public_key alternateEmail attributes company costCenter department description
displayname email employeeIdentifier employeeType enable_managed_uid enable_user_portal_multifactor external_dn
external_source_type externally_managed firstname jobTitle lastname ldap_binding_user location managedAppleId
manager mfa middlename password_never_expires passwordless_sudo phoneNumbers state sudo suspended unix_guid
unix_uid username
""".split())


def job_item(plan):
    """The plan's field changes as one user of a job, or None when they must go in a PUT or a create's POST
    (or there are none)."""
    body = plan.body
    if not body or plan.create or any(key not in BULK_FIELDS for key in body) or ('manager' in body and body['manager'] is None):
        return None
    return dict(body, id=plan.user_id)


def _user_of(result):
    fields = result.get('persistedFields') if isinstance(result, dict) else None
    return fields.get('id') if isinstance(fields, dict) else None


class BulkWriter:
    """Sends the jobs and waits for their results; ``sleep`` and ``clock`` can be replaced by tests.

    ``stopped()`` (an interrupt) ends the wait early: the users not reported done then get their PUT.
    """

    def __init__(self, client, sleep=time.sleep, clock=time.monotonic, stopped=lambda: False, max_wait=WAIT_MAX):
        self.client = client
        self.sleep = sleep
        self.clock = clock
        self.stopped = stopped
        self.max_wait = max_wait
        self.refused = []           # why a job was not created, one entry per refused job

    def write(self, plans):
        """Send the field changes of ``plans`` in jobs of at most 800 users; the ids of the users whose
        changes a job reports ``finished``."""
        items = [item for item in (job_item(plan) for plan in plans) if item is not None]
        jobs = {}
        for start in range(0, len(items), JOB_MAX_USERS):
            chunk = items[start:start + JOB_MAX_USERS]
            try:
                answer = self.client.request('PATCH', BULK_PATH, params={'suppressEmail': 'true'}, body=chunk,
                                             idempotent=False).data
            except JumpCloudError as exc:
                self.refused.append(self.client.redact(exc))
                continue
            job_id = answer.get('jobId') if isinstance(answer, dict) else None
            if job_id:
                jobs[job_id] = set(item['id'] for item in chunk)
        return self._wait(jobs)

    def _wait(self, jobs):
        done = set()
        started = self.clock()
        delay = POLL_FIRST
        while jobs and not self.stopped():
            self.sleep(delay)
            for job_id in sorted(jobs):
                users = jobs[job_id]
                try:
                    results = list(self.client.v2_list('%s/%s/results' % (BULK_PATH, job_id)))
                except JumpCloudError:
                    del jobs[job_id]            # its results cannot be read: its users get their PUT
                    continue
                ended = set()
                for result in results:
                    uid = _user_of(result)
                    status = '%s' % (result.get('status') or '',)
                    if uid in users and status.lower() in ('finished', 'failed', 'error'):
                        ended.add(uid)
                        if status.lower() == 'finished':
                            done.add(uid)
                if ended >= users:
                    del jobs[job_id]
            delay = min(delay * 2, POLL_MAX)
            if self.clock() - started + delay > self.max_wait:
                break
        return done
