# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Exponential backoff with full jitter: the sleep times between retries of one request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
import random


def jittered_backoff(retries, delay=0.5, backoff=2.0, max_delay=30.0, rand=random.random):
    """Yield up to ``retries`` sleep times, growing exponentially with full jitter.

    Attempt ``n`` sleeps a random time in ``[0, min(max_delay, delay * backoff ** n))``,
    so many threads retrying at once spread out instead of hitting the API in step.
    """
    for attempt in range(retries):
        yield rand() * min(max_delay, delay * backoff ** attempt)


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header value, or None.

    Accepts delta-seconds (``"3"``, ``"1.5"``) and HTTP dates.
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return None if math.isnan(seconds) else max(0.0, seconds)
    try:
        from email.utils import parsedate_to_datetime
        import datetime
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return max(0.0, (when - now).total_seconds())
