# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Work on a thread pool, a bounded window of tasks at a time, that an interrupt can stop in order."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import time
from concurrent.futures import TimeoutError as FutureTimeout

# After SIGINT or SIGTERM, the users whose writes are already under way get this many seconds to finish.
INTERRUPT_GRACE = 10.0
NOT_STARTED = 'not started'
UNFINISHED = 'unfinished'


def drain(queue):
    """The items of ``queue``, each removed as it is handed out."""
    while queue:
        yield queue.popleft()


def bounded_map(pool, func, items, window, stopped=None, grace=INTERRUPT_GRACE):
    """``pool.map(func, items)`` with at most ``window`` tasks queued at a time, in order.

    Queuing every user at once would hold a future (and its row) per user until the end.
    Once ``stopped()`` is true no further item is taken; each task not started yet gives
    ``(NOT_STARTED, item)``, and one still running ``grace`` seconds later ``(UNFINISHED, item)``.
    """
    items = iter(items)
    pending = collections.deque()
    stopped = stopped or (lambda: False)

    def refill():
        while len(pending) < window and not stopped():
            for item in items:
                pending.append((pool.submit(func, item), item))
                break
            else:
                return

    refill()
    deadline = None
    while pending:
        future, item = pending.popleft()
        while not stopped():
            try:
                answer = future.result(timeout=0.25)
                break
            except FutureTimeout:
                continue
        if stopped():
            if deadline is None:
                deadline = time.monotonic() + grace
            if future.cancel():
                answer = (NOT_STARTED, item)
            else:
                try:
                    answer = future.result(timeout=max(0.0, deadline - time.monotonic()))
                except FutureTimeout:
                    answer = (UNFINISHED, item)
        future = item = None
        yield answer
        refill()
