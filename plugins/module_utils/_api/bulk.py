# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""``write_mode: bulk``: the field changes of many users in JumpCloud's bulk jobs.

``PATCH /api/v2/bulk/users?suppressEmail=true`` takes up to 800 users' field changes and answers a job id;
the job runs asynchronously and ``GET /api/v2/bulk/users/{job_id}/results`` lists its work results
(``bulk-user-update``, ``job-id`` and ``job-workresult`` in JumpCloud's v2 spec). A job is over once its
results are as many as its users and every one is terminal, as JumpCloud's own tools wait for it (they
look at the status only). A result naming a user of the job (``persistedFields.id``) settles that user;
the users no result names are re-read in batched searches and settled by comparing them with their plan
(``replan``): a user whose fields are in place is done, one whose fields are not gets its PUT. A user is
never written a second time blind.

A job carries only the fields JumpCloud's own bulk tests carry; the rest of a plan's body (``PUT_ONLY``, a
password, a cleared manager, a recovery email) goes in the user's PUT. A user whose job was accepted but
whose outcome cannot be told (an interrupt, an answer of an unexpected shape, a re-read that fails) is
reported ``unknown``: its job fields are not sent again. Memberships and bindings are never in a job.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, ListingChanged
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import id_condition, object_id

JOB_MAX_USERS = 800         # JumpCloud refuses larger jobs
POLL_FIRST = 0.5            # seconds before the first look at a job's results, doubled up to POLL_MAX
POLL_MAX = 5.0              # JumpCloud's own bulk tooling polls every 5 s
POLL_SLICE = 0.5            # a wait is slept in slices this long, so that an interrupt ends it soon
WAIT_MAX = 600.0            # after this long, the users of unfinished jobs are re-read and settled
READ_BATCH = 100            # user ids a re-read search asks for at once
TERMINAL = ('finished', 'failed', 'error')
FINISHED = 'finished'
JOB_ID_RE = re.compile(r'^[A-Za-z0-9_-]{1,128}$')   # a job id goes in a path: nothing that could change it

# The fields of ``bulk-user-update`` (v2 spec) the plans write. A password never goes in a job (its
# results may list the fields written), nor a recovery email or a manager cleared with null, which
# the job's schema does not take: those go in the user's PUT.
BULK_FIELDS = frozenset("""
account_locked addresses allow_public_key alternateEmail attributes company costCenter department description
displayname email employeeIdentifier employeeType enable_managed_uid enable_user_portal_multifactor external_dn
external_source_type externally_managed firstname jobTitle lastname ldap_binding_user location managedAppleId
manager mfa middlename password_never_expires passwordless_sudo phoneNumbers state sudo suspended unix_guid
unix_uid username
""".split())

# Fields JumpCloud's SDK bulk tests against real orgs leave out of their jobs, assertions included (state,
# alternateEmail, the MFA exclusion); enable_user_portal_multifactor travels with the MFA window it needs.
# Until a live run shows a job applies them, they go by PUT.
PUT_ONLY = frozenset(('state', 'suspended', 'alternateEmail', 'mfa', 'enable_user_portal_multifactor'))
JOB_FIELDS = BULK_FIELDS - PUT_ONLY


def _in_job(key, value):
    return key in JOB_FIELDS and not (key == 'manager' and value is None)


def job_fields(plan):
    """The names of the fields of ``plan`` a job carries (none for a user to create)."""
    if plan.create or not plan.body:
        return []
    return [key for key, value in plan.body.items() if _in_job(key, value)]


def job_item(plan):
    """The plan's field changes a job carries, as one user of a job; None when there are none."""
    keys = job_fields(plan)
    if not keys:
        return None
    return dict(((key, plan.body[key]) for key in keys), id=plan.user_id)


def put_rest(plan):
    """What of the plan's body its PUT still sends once a job has carried the rest."""
    return dict((key, value) for key, value in plan.body.items() if not _in_job(key, value))


def _user_of(result):
    fields = result.get('persistedFields')
    uid = fields.get('id') if isinstance(fields, dict) else None
    return uid if isinstance(uid, str) else None


class MalformedAnswer(Exception):
    """A bulk answer of a shape the spec does not give."""


def job_state(results, users):
    """What the results of a job of ``users`` (ids) say: None while it runs, else ``(finished, failed,
    unnamed)``: the users a result names finished, those it names failed, and those no result names.
    Raises :class:`MalformedAnswer` for results of an unexpected shape."""
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise MalformedAnswer('its results are not a list of work results')
    statuses = []
    for result in results:
        status = result.get('status')
        if not isinstance(status, str):
            raise MalformedAnswer('a work result has no status')
        statuses.append(status.lower())
    if len(results) < len(users) or any(s not in TERMINAL for s in statuses):
        return None
    finished, failed = set(), set()
    for result, status in zip(results, statuses):
        uid = _user_of(result)
        if uid in users:
            (finished if status == FINISHED else failed).add(uid)
    failed -= finished
    return finished, failed, set(users) - finished - failed


class BulkWriter:
    """Sends the jobs, waits for their results and settles every user sent; ``sleep`` and ``clock`` can be
    replaced by tests.

    ``replan(plan, user)`` plans a user again against its re-read record, whose ``read_fields`` (a
    space-separated list) are read (without ``replan``, a user no result names stays unknown). ``stopped()``
    (an interrupt) sends no further job and ends the wait: the users of accepted jobs not settled by then are
    unknown. After :meth:`write`, ``done`` holds the ids of the users
    whose job fields are written, ``unknown`` {id: why} those whose job outcome cannot be told, and
    ``refused`` why each refused job was; every other user gets its whole PUT.
    """

    def __init__(self, client, sleep=time.sleep, clock=time.monotonic, stopped=lambda: False, max_wait=WAIT_MAX,
                 replan=None, read_fields=None):
        self.client = client
        self.sleep = sleep
        self.clock = clock
        self.stopped = stopped
        self.max_wait = max_wait
        self.replan = replan
        self.read_fields = read_fields
        self.refused = []           # why a job was not created, one entry per refused job
        self.done = set()
        self.unknown = {}
        self._plans = {}            # user id -> plan, for the users sent in a job

    def write(self, plans):
        """Send the job fields of ``plans`` in jobs of at most 800 users; the ids of the users whose job fields
        are written (``done``). Never raises once a job was sent: its users are then ``unknown``."""
        items = [(plan, item) for plan, item in ((plan, job_item(plan)) for plan in plans) if item is not None]
        try:
            jobs, unsure = self._send(items)
            unsure.update(self._wait(jobs))
            self._settle(unsure)
        except Exception as exc:  # pylint: disable=broad-except
            # an answer of a shape nothing foresaw: the users sent and not settled cannot be told
            why = 'an internal error (%s) while reading its outcome' % type(exc).__name__
            for uid in self._plans:
                if uid not in self.done:
                    self.unknown.setdefault(uid, why)
        return self.done

    def _send(self, items):
        """The jobs sent {job id: user ids}, and the users of jobs that may have been accepted but cannot be
        followed (a lost answer, an answer of an unexpected shape)."""
        jobs, unsure = {}, set()
        for start in range(0, len(items), JOB_MAX_USERS):
            if self.stopped():
                break               # an interrupt: no later job is sent
            chunk = items[start:start + JOB_MAX_USERS]
            users = set(item['id'] for dummy, item in chunk)
            try:
                answer = self.client.request('PATCH', endpoints.BULK_USERS, params={'suppressEmail': 'true'},
                                             body=[item for dummy, item in chunk], idempotent=False).data
            except JumpCloudError as exc:
                if not exc.outcome_unknown:
                    self.refused.append(self.client.redact(exc))
                    continue
                answer = None       # the job may have been created: its users are re-read
            self._plans.update((item['id'], plan) for plan, item in chunk)
            job_id = answer.get('jobId') if isinstance(answer, dict) else None
            if isinstance(job_id, str) and JOB_ID_RE.match(job_id):
                jobs[job_id] = users
            else:
                unsure.update(users)
        return jobs, unsure

    def _wait(self, jobs):
        """Poll the jobs until each is over; the users left to settle by a re-read."""
        unsure = set()
        started = self.clock()
        delay = POLL_FIRST
        while jobs and not self.stopped():
            self._pause(delay)
            for job_id in sorted(jobs):
                if self.stopped():
                    break
                left = self._read_job(job_id, jobs[job_id])
                if left is not None:
                    unsure.update(left)
                    del jobs[job_id]
            delay = min(delay * 2, POLL_MAX)
            if self.clock() - started + delay > self.max_wait:
                break
        for users in jobs.values():
            unsure.update(users)    # never over, or an interrupt: settled (or not) by _settle
        return unsure

    def _pause(self, seconds):
        while seconds > 0 and not self.stopped():
            step = min(seconds, POLL_SLICE)
            self.sleep(step)
            seconds -= step

    def _read_job(self, job_id, users):
        """The users of a job that is over and that its results do not settle (None while it runs)."""
        try:
            results = list(self.client.v2_list(endpoints.BULK_RESULTS % job_id))
            state = job_state(results, users)
        except ListingChanged:
            return None             # results added while they were read: the job runs, read them again later
        except (JumpCloudError, MalformedAnswer, TypeError, ValueError):
            return users            # its results cannot be read: its users are re-read
        if state is None:
            return None
        finished, dummy, unnamed = state
        self.done.update(finished)
        return unnamed

    def _settle(self, users):
        """Re-read ``users`` and mark done those whose job fields are in place; the others get their PUT,
        unless they cannot be read back (unknown)."""
        if not users:
            return
        if self.stopped():
            why = 'the run was interrupted before its results were read'
        elif self.replan is None:
            why = 'its results do not say which users it wrote'
        else:
            try:
                self.done.update(self._in_place(sorted(users)))
                return
            except (JumpCloudError, MalformedAnswer, TypeError, ValueError, AttributeError) as exc:
                why = 'its users could not be read back (%s)' % (
                    self.client.redact(exc) if isinstance(exc, JumpCloudError) else type(exc).__name__)
        for uid in users:
            self.unknown[uid] = why

    def _in_place(self, ids):
        """The users of ``ids`` whose job fields a re-plan against their current record no longer changes."""
        found = set()
        for start in range(0, len(ids), READ_BATCH):
            batch = ids[start:start + READ_BATCH]
            for user in self.client.v1_search(endpoints.SEARCH_USERS, {'or': [id_condition(uid) for uid in batch]},
                                              fields=self.read_fields):
                if not isinstance(user, dict):
                    raise MalformedAnswer('a user of the search is not an object')
                uid = object_id(user)
                plan = self._plans.get(uid) if isinstance(uid, str) else None
                if plan is None or uid not in batch:
                    continue
                try:
                    again = self.replan(plan, dict(user, _id=uid))
                except Exception as exc:  # pylint: disable=broad-except
                    self.unknown[uid] = 'its record read back has an unexpected shape (%s)' % type(exc).__name__
                    continue
                if not set(job_fields(plan)) & set(again.body):
                    found.add(uid)
        return found
