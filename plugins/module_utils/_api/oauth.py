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

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.backoff import parse_retry_after
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.deadline import passed_deadline
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import MESSAGE_MAX, JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.retry import Failure

# a token is replaced this many seconds before it expires (JumpCloud's CLI does the same), or after
# half its life when that is shorter
REFRESH_MARGIN = 30.0
# the lifetime assumed when the answer gives none (JumpCloud's tokens last an hour)
DEFAULT_LIFETIME = 3600.0


# a failure no retry can mend (a refused certificate, an answer without a token)
FINAL = Failure(retryable=False, landed=True)


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

    ``credentials`` is the service account's ``(client_id, client_secret)``; ``session`` a
    ``requests.Session`` used only for the token endpoint; ``secrets`` the client's redactor, so that
    each token joins the run's secrets and no message shows one; ``retry_policy`` the client's, so that a
    token request is retried as every other request is. ``clock`` and ``sleep`` can be replaced by tests.
    """

    def __init__(self, credentials, token_url, session, secrets, retry_policy, timeout=30, clock=time.monotonic,
                 sleep=time.sleep):
        self.token_url = token_url
        self._authorization = basic_credentials(*credentials)
        secrets.add(self._authorization)
        secrets.add(self._authorization.split(' ', 1)[1])
        self._session = session
        self._secrets = secrets
        self._retry_policy = retry_policy
        self._timeout = timeout
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
        """``(token, lifetime)`` from the token endpoint, retried by the client's retry policy: a token request
        changes nothing, so it is retried as a read is (429, 5xx and connection failures)."""
        state = self._retry_policy.start('POST', self.token_url, idempotent=True)
        while True:
            self.fetches += 1
            found, failure = self._attempt(state)
            if found:
                return found
            message, status, verdict = failure
            delay = state.next_wait(verdict)
            if delay is None:
                raise JumpCloudError(message, status)
            self._sleep(delay)

    def _attempt(self, state):
        """One token request: ``((token, lifetime), None)``, or ``(None, (message, status, verdict))``, the
        verdict the :class:`RetryState` ``state`` gives the failure."""
        try:
            response = self._session.post(
                self.token_url, data={'grant_type': 'client_credentials', 'scope': 'api'},
                headers={'Authorization': self._authorization, 'Accept': 'application/json'},
                timeout=self._timeout, allow_redirects=False)
        except requests.exceptions.SSLError:
            return None, ('the token endpoint %s could not be reached: the TLS connection failed (check its '
                          'certificate, or validate_certs)' % self.token_url, None, FINAL)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            if passed_deadline(exc):
                return None, ('the token endpoint %s did not answer whole within %ss (timeout)'
                              % (self.token_url, self._timeout), None, state.unanswered())
            return None, ('the token endpoint %s could not be reached (%s)' % (self.token_url, type(exc).__name__),
                          None, state.unanswered())
        except requests.exceptions.RequestException as exc:
            # a fixed text: the exception's own may quote a header (the credentials)
            return None, ('the token request to %s could not be sent (%s)' % (self.token_url, type(exc).__name__),
                          None, FINAL)
        status = response.status_code
        if status == 200:
            try:
                body = response.json()
            except ValueError:
                body = None
            token = body.get('access_token') if isinstance(body, dict) else None
            if _usable_token(token):
                self._secrets.add(token)
                return (token, _lifetime(body.get('expires_in'))), None
            return None, ('the token endpoint %s answered without a usable access token' % self.token_url,
                          status, FINAL)
        return None, (self._refusal(status, response), status,
                      state.answered(status, parse_retry_after(response.headers.get('Retry-After'))))

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
        text = self._secrets.redact(text or (response.text or '').strip() or response.reason or 'no response body').strip()
        return text[:MESSAGE_MAX] + '...' if len(text) > MESSAGE_MAX else text
