# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Service-account login: the OAuth 2.0 access token every worker of a run shares.

A JumpCloud service account trades its client id and secret for an access token
(``POST <oauth_token_url>`` with ``grant_type=client_credentials&scope=api`` and HTTP Basic
``client_id:client_secret``); the API then takes ``Authorization: Bearer <token>`` instead of
``x-api-key``. :class:`TokenSource` fetches one token for all threads (a lock), fetches the next
30 seconds before it expires, and once more when the API refuses the token it gave
(:meth:`TokenSource.send`). A refusal by the token endpoint is one error naming it, kept for the
rest of the run so that no worker asks again. Each token request has the overall deadline of the
client's ``timeout`` (its session's adapter, ``_deadline``), so a fetch holds the lock, and with it
every worker, at most ``(max_retries + 1) * timeout + max_retry_wait`` seconds.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import threading
import time

try:
    import requests
except ImportError:  # pragma: no cover - the client reports the missing library
    requests = None

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.backoff import jittered_backoff, parse_retry_after
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.deadline import passed_deadline
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError

# a token is replaced this many seconds before it expires (JumpCloud's CLI does the same), or after
# half its life when that is shorter
REFRESH_MARGIN = 30.0
# the lifetime assumed when the answer gives none (JumpCloud's tokens last an hour)
DEFAULT_LIFETIME = 3600.0
RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])
MESSAGE_MAX = 300


def basic_credentials(client_id, client_secret):
    """The value of the HTTP Basic ``Authorization`` header for the pair (a secret too)."""
    pair = ('%s:%s' % (client_id, client_secret)).encode('utf-8')
    return 'Basic ' + base64.b64encode(pair).decode('ascii')


def _lifetime(value):
    """Seconds from an ``expires_in`` value, or the default lifetime when it is missing or not a positive number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return DEFAULT_LIFETIME
    return float(value)


def _usable_token(value):
    """Whether ``value`` can be sent in an ``Authorization`` header."""
    return isinstance(value, str) and value != '' and all('!' <= c <= '~' for c in value)


class TokenSource:
    """The access token of one service account, shared by every thread of a client.

    ``session`` is a ``requests.Session`` used only for the token endpoint; ``add_secret`` and
    ``redact`` are the client's, so that each token joins the run's secrets and no message shows
    one. ``clock`` and ``sleep`` can be replaced by tests.
    """

    def __init__(self, client_id, client_secret, token_url, session, add_secret, redact, timeout=30, max_retries=5,
                 max_retry_wait=300.0, backoff_delay=0.5, backoff_max_delay=30.0, clock=time.monotonic,
                 sleep=time.sleep):
        self.token_url = token_url
        self._authorization = basic_credentials(client_id, client_secret)
        add_secret(self._authorization)
        add_secret(self._authorization.split(' ', 1)[1])
        self._session = session
        self._add_secret = add_secret
        self._redact = redact
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_retry_wait = max_retry_wait
        self._backoff = (backoff_delay, backoff_max_delay)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._token = None
        self._renew_at = 0.0
        self._failure = None        # (message, status) of a fetch that failed: every later one fails so
        self.fetches = 0            # token requests sent, retries included

    def token(self):
        """A token to send now: the current one, or a new one when it is due for renewal."""
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._fetch()
            return self._token

    def refresh(self, refused):
        """A token other than ``refused`` (one the API did not take): a new one, unless another worker
        already fetched it."""
        with self._lock:
            if self._token is None or self._token == refused:
                self._fetch()
            return self._token

    def send(self, exchange):
        """``exchange(token)`` (one HTTP exchange with that bearer token) with the current token; when the
        API answers 401, once more with a new token. Returns the last response."""
        token = self.token()
        response = exchange(token)
        if response.status_code == 401:
            response = exchange(self.refresh(token))
        return response

    # -- the token request ------------------------------------------------------------------------

    def _fetch(self):
        """Get a new token (the lock is held), retrying where the endpoint may answer later; a failure is
        raised as :class:`JumpCloudError` now and for every later call."""
        if self._failure is None:
            try:
                self._token, lifetime = self._request()
                self._renew_at = self._clock() + lifetime - min(REFRESH_MARGIN, lifetime / 2)
                return
            except JumpCloudError as exc:
                self._failure = (exc.message, exc.status)
                self._token = None
        raise JumpCloudError(*self._failure)

    def _request(self):
        """``(token, lifetime)`` from the token endpoint, retrying 429, 5xx and connection failures."""
        delays = jittered_backoff(self._max_retries, delay=self._backoff[0], max_delay=self._backoff[1])
        waited = 0.0
        while True:
            self.fetches += 1
            found, failure = self._attempt()
            if found:
                return found
            message, status, retryable, retry_after = failure
            delay = next(delays, None) if retryable else None
            if delay is not None and retry_after is not None:
                delay = retry_after
            if delay is None or waited + delay > self._max_retry_wait:
                raise JumpCloudError(message, status)
            waited += delay
            self._sleep(delay)

    def _attempt(self):
        """One token request: ``((token, lifetime), None)``, or ``(None, (message, status, retryable, retry_after))``."""
        try:
            response = self._session.post(
                self.token_url, data={'grant_type': 'client_credentials', 'scope': 'api'},
                headers={'Authorization': self._authorization, 'Accept': 'application/json'},
                timeout=self._timeout, allow_redirects=False)
        except requests.exceptions.SSLError:
            return None, ('the token endpoint %s could not be reached: the TLS connection failed (check its '
                          'certificate, or validate_certs)' % self.token_url, None, False, None)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            if passed_deadline(exc):
                return None, ('the token endpoint %s did not answer whole within %ss (timeout)'
                              % (self.token_url, self._timeout), None, True, None)
            return None, ('the token endpoint %s could not be reached (%s)' % (self.token_url, type(exc).__name__),
                          None, True, None)
        except requests.exceptions.RequestException as exc:
            # a fixed text: the exception's own may quote a header (the credentials)
            return None, ('the token request to %s could not be sent (%s)' % (self.token_url, type(exc).__name__),
                          None, False, None)
        status = response.status_code
        if status == 200:
            try:
                body = response.json()
            except ValueError:
                body = None
            token = body.get('access_token') if isinstance(body, dict) else None
            if _usable_token(token):
                self._add_secret(token)
                return (token, _lifetime(body.get('expires_in'))), None
            return None, ('the token endpoint %s answered without a usable access token' % self.token_url,
                          status, False, None)
        return None, (self._refusal(status, response), status, status in RETRY_STATUSES,
                      parse_retry_after(response.headers.get('Retry-After')))

    def _refusal(self, status, response):
        """The message for a token request answered ``status`` (not 200); the error adds the status."""
        if 300 <= status < 400:
            return ('the token endpoint %s answered with a redirect, which is not followed; check oauth_token_url'
                    % self.token_url)
        detail = self._answer_text(response)
        if status in (400, 401, 403):
            return ('the token endpoint %s refused the service account (%s); check client_id, client_secret and '
                    'oauth_token_url' % (self.token_url, detail))
        return 'the token endpoint %s could not give a token (%s)' % (self.token_url, detail)

    def _answer_text(self, response):
        """The OAuth error of an answer (``error_description``, ``error``), redacted and cut short."""
        try:
            body = response.json()
        except ValueError:
            body = None
        text = ''
        if isinstance(body, dict):
            text = ': '.join('%s' % body[key] for key in ('error', 'error_description', 'message') if body.get(key))
        text = self._redact(text or (response.text or '').strip() or response.reason or 'no response body').strip()
        return text[:MESSAGE_MAX] + '...' if len(text) > MESSAGE_MAX else text
