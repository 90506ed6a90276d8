# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""An overall deadline for each HTTP exchange: the whole answer must arrive within ``timeout``.

requests applies its ``timeout`` to each read of the socket, so a server that sends one byte
just before every read would time out holds a request forever. :class:`DeadlineAdapter` gives
each exchange a deadline (``timeout`` seconds from its start): every read of its answer, the
status line, the headers and the body alike, waits at most until then, and one that would go
past it fails as :class:`DeadlinePassed`, a timeout. The reads happen on the response object,
which keeps the deadline of the exchange that made it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import socket
import threading
import time

try:
    import http.client as http_client
    from requests.adapters import HTTPAdapter
    from requests.packages.urllib3 import connection as urllib3_connection  # pylint: disable=import-error
    from requests.packages.urllib3 import connectionpool as urllib3_connectionpool  # pylint: disable=import-error
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - the client reports the missing library
    HAS_REQUESTS = False
    HTTPAdapter = object

_LOCAL = threading.local()      # the deadline of the exchange this thread is making, or None


class DeadlinePassed(socket.timeout):
    """The answer did not arrive whole within the exchange's overall deadline."""


def passed_deadline(exc):
    """Whether ``exc`` (as requests and urllib3 wrap it) is an answer that missed its deadline."""
    seen = 0
    while exc is not None and seen < 12:
        if isinstance(exc, DeadlinePassed):
            return True
        nested = [getattr(exc, 'reason', None), exc.__cause__, exc.__context__] + list(getattr(exc, 'args', ()))
        exc = next((inner for inner in nested if isinstance(inner, BaseException) and inner is not exc), None)
        seen += 1
    return False


class _DeadlineReader(io.RawIOBase):
    """The raw reads of one answer: each waits no longer than the socket's own timeout or the deadline."""

    def __init__(self, sock, deadline):
        super(_DeadlineReader, self).__init__()
        self._raw = sock.makefile('rb', buffering=0)
        self._sock = sock
        self._deadline = deadline

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed('the answer did not arrive whole in time')
        timeout = self._sock.gettimeout()
        self._sock.settimeout(left if timeout is None else min(timeout, left))
        try:
            return self._raw.readinto(buffer)
        except socket.timeout:
            if time.monotonic() >= self._deadline:
                raise DeadlinePassed('the answer did not arrive whole in time')
            raise
        finally:
            try:
                self._sock.settimeout(timeout)
            except OSError:
                pass

    def close(self):
        if not self.closed:
            self._raw.close()
        super(_DeadlineReader, self).close()


class _DeadlineSocket:
    """What :class:`_DeadlineResponse` reads its answer from: the socket, through a deadline."""

    def __init__(self, sock, deadline):
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode='rb'):
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


if HAS_REQUESTS:
    class _DeadlineResponse(http_client.HTTPResponse):
        """An answer read through the deadline of the exchange that asked for it (when there is one)."""

        def __init__(self, sock, *args, **kwargs):
            deadline = getattr(_LOCAL, 'deadline', None)
            super(_DeadlineResponse, self).__init__(sock if deadline is None else _DeadlineSocket(sock, deadline),
                                                    *args, **kwargs)

    class _HTTPConnection(urllib3_connection.HTTPConnection):
        response_class = _DeadlineResponse

    class _HTTPSConnection(urllib3_connection.HTTPSConnection):
        response_class = _DeadlineResponse

    class _HTTPConnectionPool(urllib3_connectionpool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSConnectionPool(urllib3_connectionpool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    POOLS = {'http': _HTTPConnectionPool, 'https': _HTTPSConnectionPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with an overall deadline of ``timeout`` seconds (the number, or the read part of a
    ``(connect, read)`` pair) on each exchange, from its start to the last byte of its answer. A SOCKS proxy
    keeps urllib3's own connections (and the per-read timeout only)."""

    def init_poolmanager(self, *args, **kwargs):
        super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(POOLS)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super(DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith('socks'):
            manager.pool_classes_by_scheme = dict(POOLS)
        return manager

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=too-many-arguments
        seconds = timeout[-1] if isinstance(timeout, tuple) else timeout
        _LOCAL.deadline = None if seconds is None else time.monotonic() + seconds
        try:
            return super(DeadlineAdapter, self).send(request, stream=stream, timeout=timeout, verify=verify,
                                                     cert=cert, proxies=proxies)
        finally:
            _LOCAL.deadline = None
