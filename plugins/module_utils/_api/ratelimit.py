# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""A client-side request rate limit shared by the threads of one client."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time


class RateLimiter:
    """A client-side request rate limit shared by every thread of one client.

    Each ``acquire()`` reserves the next free slot, ``1 / rate`` seconds after
    the previous one, and sleeps until it comes. Slots are handed out under a
    lock, so the threads together never exceed ``rate`` requests per second.
    """

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        if rate <= 0:
            raise ValueError('rate must be positive')
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = None

    def acquire(self):
        with self._lock:
            now = self._clock()
            slot = now if self._next is None or self._next < now else self._next
            self._next = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait
