# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The retry policy: which failed requests may be sent again, and how long to wait first.

The client (``_client.JumpCloudClient.request``) sends, asks a :class:`RetryState`
what a failure means, and waits; every rule lives here:

- a 429 was not processed: it is always retried, bounded by the wait budget
  (``max_retry_wait``) rather than by ``max_retries``, and waits at least
  :data:`RATE_LIMIT_MIN_WAIT` even after ``Retry-After: 0``;
- a read, or an idempotent write, is retried after 500, 502, 503 or 504, a dropped
  connection or a timeout; an idempotent write sent again after an attempt that may
  have been applied is marked ``resent``;
- a write that is not idempotent is retried only when it surely was not applied
  (429, or a connection that was never made);
- a write whose answer timed out is never retried: JumpCloud may still be applying
  it. Its outcome is unknown.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.backoff import jittered_backoff
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints

RETRY_STATUSES = frozenset([429, 502, 503, 504])
# a read changes nothing, so a 500 on it is retried too; so is an idempotent write: it got an
# answer, so it is not still running, and sending it again gives the same result
READ_RETRY_STATUSES = RETRY_STATUSES | frozenset([500])
RATE_LIMIT_RETRIES = 1000   # 429s are bounded by max_retry_wait instead
# every 429 waits at least this long, even after "Retry-After: 0", so max_retry_wait bounds them
RATE_LIMIT_MIN_WAIT = 1.0
IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])


def is_read(method, path):
    """Whether a request only reads: a GET, or a POST to a search endpoint."""
    return method == 'GET' or (method == 'POST' and path.startswith(endpoints.SEARCH))


class Failure:
    """What one failed attempt means for retrying it."""

    __slots__ = ('retryable', 'landed', 'rate_limited', 'outcome_unknown', 'retry_after')

    def __init__(self, retryable, landed, rate_limited=False, outcome_unknown=False, retry_after=None):
        self.retryable = retryable              # sending it again is allowed
        self.landed = landed                    # the attempt may have been applied
        self.rate_limited = rate_limited        # a 429: every worker should hold off
        self.outcome_unknown = outcome_unknown  # a write that may still be applied
        self.retry_after = retry_after          # seconds the server asked to wait, or None


class RetryPolicy:
    """The retry settings of one client; :meth:`start` gives the state of one request."""

    def __init__(self, max_retries=5, max_retry_wait=300.0, delay=0.5, max_delay=30.0, rand=random.random):
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.delay = delay
        self.max_delay = max_delay
        self.rand = rand

    def start(self, method, path, idempotent=None):
        """The retry state of one request; ``idempotent`` defaults to True for GET, HEAD, PUT, DELETE, OPTIONS."""
        return RetryState(self, method.upper(), path, idempotent)


class RetryState:
    """The retries of one request so far, and the decision for the next failure."""

    def __init__(self, policy, method, path, idempotent=None):
        self.policy = policy
        self.is_read = is_read(method, path)
        self.idempotent = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        self.retries = 0
        self.waited = 0.0
        self.resent = False     # sent again after an attempt that may have been applied
        self.budget_spent = False
        self._delays = jittered_backoff(policy.max_retries, delay=policy.delay, max_delay=policy.max_delay,
                                        rand=policy.rand)
        # a 429 means "not processed, come back later": it is bounded by max_retry_wait, not max_retries
        self._rate_delays = jittered_backoff(RATE_LIMIT_RETRIES, delay=policy.delay, max_delay=policy.max_delay,
                                             rand=policy.rand)

    @property
    def repeatable(self):
        """Whether sending this request twice is safe: it reads, or it is idempotent."""
        return self.is_read or self.idempotent

    def answered(self, status, retry_after=None):
        """The :class:`Failure` for an HTTP error answer ``status``; ``retry_after`` is the header's seconds."""
        retryable = status == 429 or (self.repeatable and status in READ_RETRY_STATUSES)
        return Failure(retryable, landed=status != 429, rate_limited=status == 429,
                       retry_after=retry_after if retryable else None)

    def unanswered(self, read_timeout=False, connect_timeout=False):
        """The :class:`Failure` for a request that got no answer (a timeout, a dropped connection).

        A connection that was never made surely did not land, so even a write is retried; a
        write whose answer timed out may still be applied, so it is never retried.
        """
        unknown = not self.is_read and read_timeout
        retryable = not unknown and (self.repeatable or connect_timeout)
        return Failure(retryable, landed=not connect_timeout, outcome_unknown=unknown)

    def next_wait(self, failure):
        """Seconds to wait before sending again after ``failure``, or None to give up.

        When the wait budget is what ran out, :attr:`budget_spent` is set. A wait given
        here is counted as a retry: the caller must wait and send again.
        """
        if not failure.retryable:
            return None
        delay = next(self._rate_delays if failure.rate_limited else self._delays, None)
        if delay is None:
            return None
        if failure.retry_after is not None:
            delay = failure.retry_after
        if failure.rate_limited:
            delay = max(delay, RATE_LIMIT_MIN_WAIT)
        if self.waited + delay > self.policy.max_retry_wait:
            self.budget_spent = True
            return None
        self.retries += 1
        self.resent = self.resent or (failure.landed and not self.is_read)
        self.waited += delay
        return delay
