# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The JumpCloud API client: requests with retries, the shared 429 gate, paging and redacted errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
import ssl
import threading
import time

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the missing-library test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible.module_utils.six.moves.urllib.parse import urljoin, urlsplit

from ansible_collections.jcops.jumpcloud.plugins.module_utils._backoff import jittered_backoff, parse_retry_after
from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._ratelimit import RateLimiter
from ansible_collections.jcops.jumpcloud.plugins.module_utils._redact import Redactor
from ansible_collections.jcops.jumpcloud.plugins.module_utils._version import COLLECTION_NAME, COLLECTION_VERSION

REGION_URLS = {
    'us': 'https://console.jumpcloud.com',
    'eu': 'https://console.eu.jumpcloud.com',
    'in': 'https://console.in.jumpcloud.com',
}
DEFAULT_API_URL = REGION_URLS['us']
PAGE_LIMIT = 100            # v1 GET listings and every v2 listing take at most 100 a page
SEARCH_PAGE_LIMIT = 1000    # POST /api/search/* takes up to 1000 (JumpCloud's Get-JCUser/Get-JCSystem page by 1000)
RETRY_STATUSES = frozenset([429, 502, 503, 504])
# a read changes nothing, so a 500 on it is retried too; so is an idempotent write: it got an
# answer, so it is not still running, and sending it again gives the same result
READ_RETRY_STATUSES = RETRY_STATUSES | frozenset([500])
RATE_LIMIT_RETRIES = 1000   # 429s are bounded by max_retry_wait instead
# every 429 waits at least this long, even after "Retry-After: 0", so max_retry_wait bounds them
RATE_LIMIT_MIN_WAIT = 1.0
IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
# JumpCloud's keys are 40 characters; anything much shorter is a mistake, and Ansible would
# mask a short key's text everywhere in the output (a key "user" masks every username)
API_KEY_MIN_LENGTH = 16
API_MESSAGE_MAX = 500


def resolve_base_url(api_url=None, region=None):
    """The API base URL: ``api_url`` when given, else the region's, else the US one."""
    if api_url and api_url.strip():
        return api_url.strip().rstrip('/')
    if region:
        try:
            return REGION_URLS[region]
        except KeyError:
            raise ValueError('unknown region %r: choose one of %s' % (region, ', '.join(sorted(REGION_URLS))))
    return DEFAULT_API_URL


def clean_api_key(api_key):
    """``api_key`` without surrounding whitespace, or ValueError when it cannot be a JumpCloud key.

    A key pasted or vaulted with its line break (``echo KEY | ansible-vault encrypt_string``)
    works; a key with a space, a control or non-ASCII character inside, or a very short one,
    is refused. The message never quotes the key.
    """
    key = (api_key or '').strip()
    if not key:
        raise ValueError('an API key is required (api_key, or the JC_API_KEY environment variable)')
    kinds = []
    for char in key:
        kind = _character_kind(char)
        if kind and kind not in kinds:
            kinds.append(kind)
    if kinds:
        raise ValueError(
            'the API key contains %s inside it; JumpCloud API keys are printable ASCII without spaces. '
            'Check how it was stored (for ansible-vault encrypt_string, pass it with printf %%s or echo -n)'
            % ' and '.join(kinds))
    if len(key) < API_KEY_MIN_LENGTH:
        raise ValueError('the API key is too short to be a JumpCloud API key (at least %d characters; JumpCloud '
                         'issues 40); check the value' % API_KEY_MIN_LENGTH)
    return key


def _character_kind(char):
    """What is wrong with ``char`` in an API key, or None for printable ASCII."""
    if char in '\r\n':
        return 'a line break'
    if char.isspace():
        return 'a space'
    if ord(char) < 0x20 or ord(char) == 0x7f:
        return 'a control character'
    if ord(char) > 0x7f:
        return 'a non-ASCII character'
    return None


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _transport_host(url):
    """The host requests (through urllib3) would connect to for ``url``, lower case, or None."""
    if not HAS_REQUESTS:
        return None
    from requests.packages.urllib3.util import parse_url  # pylint: disable=import-error
    try:
        host = parse_url(url).host
    # urllib3 raises its own LocationParseError, a ValueError in some versions and not in others
    except Exception:  # pylint: disable=broad-except
        return ''
    return (host or '').strip('[]').lower()


def check_base_url(url, allow_insecure_http=False):
    """Refuse a URL that would send the API key in clear text, or to another host than it names.

    ``https://`` is always fine; ``http://`` only to a loopback address (a local
    test server) unless ``allow_insecure_http`` is set. A user name or password, a
    backslash, a query or a fragment is refused in any URL: two URL parsers may
    read the host of such a URL differently.
    """
    if any(not '!' <= c <= '~' for c in url):
        raise ValueError('api_url must be plain ASCII without spaces or control characters')
    for char, what in (('\\', 'a backslash'), ('@', 'a user name or password (@)'), ('?', 'a query (?)'),
                       ('#', 'a fragment (#)')):
        if char in url:
            raise ValueError('api_url must not contain %s: give only scheme, host, port and path' % what)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        raise ValueError('api_url must be an http(s) URL with a host name, got %r' % url)
    try:
        parts.port
    except ValueError:
        raise ValueError('api_url has an invalid port, got %r' % url)
    host = parts.hostname
    transport = _transport_host(url)
    if transport is not None and transport != host:
        raise ValueError('api_url %r is ambiguous: its host reads as %r or as %r' % (url, host, transport))
    if parts.scheme.lower() == 'https' or allow_insecure_http:
        return
    if not _is_loopback(host):
        raise ValueError(
            'refusing to send the API key over plain http to %s: use https, or set allow_insecure_http '
            'if this really is intended' % host)


def is_loopback_url(url):
    """Whether ``url`` names a loopback host (a local test server)."""
    return _is_loopback(urlsplit(url).hostname or '')


if HAS_REQUESTS:
    # requests that cannot succeed however often they are repeated: never retried
    NEVER_RETRIED = (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL,
                     requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema, UnicodeError)
else:  # pragma: no cover
    NEVER_RETRIED = ()


class _Refused(Exception):
    """A request that cannot succeed as sent (a bad header, a refused certificate): not retried."""


def _innermost(exc):
    """The deepest reason of an exception as requests and urllib3 nest them."""
    for dummy in range(10):
        inner = getattr(exc, 'reason', None)
        if not isinstance(inner, BaseException) and exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]
        if not isinstance(inner, BaseException) or inner is exc:
            break
        exc = inner
    return exc


def _certificate_refused(exc):
    """Whether a TLS failure is the server's certificate being refused (the same on every try)."""
    inner = _innermost(exc)
    if isinstance(inner, ssl.SSLCertVerificationError):
        return True
    text = '%s' % (inner,)
    return 'CERTIFICATE_VERIFY_FAILED' in text or "doesn't match" in text


class ApiResponse:
    """What one successful request returned: status, decoded JSON body and headers."""

    __slots__ = ('status', 'data', 'headers')

    def __init__(self, status, data, headers):
        self.status = status
        self.data = data
        self.headers = headers


class JumpCloudClient:
    """A thread-safe JumpCloud REST client.

    One pooled ``requests.Session`` serves every thread; retries follow the
    rules in ``_is_retryable``; an optional :class:`RateLimiter` is shared by
    all threads; every failure is raised as :class:`JumpCloudError`.
    """

    def __init__(self, api_key, base_url=DEFAULT_API_URL, org_id=None, validate_certs=True, timeout=30,
                 max_retries=5, max_workers=8, requests_per_second=None, max_retry_wait=300.0,
                 backoff_delay=0.5, backoff_max_delay=30.0, sleep=time.sleep, allow_insecure_http=False):
        if not HAS_REQUESTS:
            raise RuntimeError('the requests library is required')
        api_key = clean_api_key(api_key)
        check_base_url(base_url, allow_insecure_http)
        self.base_url = base_url.rstrip('/')
        self._api_key = api_key
        # every value of this run that must never be shown: the key, each row's password, ...
        self._secrets = Redactor()
        self._secrets.add(api_key)
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.backoff_delay = backoff_delay
        self.backoff_max_delay = backoff_max_delay
        self._sleep = sleep
        self._limiter = RateLimiter(requests_per_second) if requests_per_second else None
        self._lock = threading.Lock()
        self._clock = time.monotonic
        self._gate = 0.0         # monotonic time before which no request is sent (after a 429)
        self.counts = {'reads': 0, 'writes': 0, 'retries': 0}

        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, max_workers) + 2, max_retries=0)
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        # What requests would read from the environment on every request (proxies, a CA bundle,
        # ~/.netrc), read once here instead: per request it costs file system lookups on each of
        # thousands of calls, and a netrc entry must not add credentials to JumpCloud requests.
        session.trust_env = False
        if not is_loopback_url(self.base_url):
            # a proxy for a loopback URL would carry the key off this host (in clear, for http)
            session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        bundle = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE')
        session.verify = (bundle or True) if validate_certs else False
        session.headers.update({
            'x-api-key': api_key,
            'Accept': 'application/json',
            'Content-Type': 'application/json',
            'User-Agent': '%s/%s (Ansible collection) python-requests/%s' % (
                COLLECTION_NAME, COLLECTION_VERSION, requests.__version__),
        })
        if org_id:
            session.headers['x-org-id'] = org_id
        self.session = session

    # -- helpers -----------------------------------------------------------

    def add_secret(self, value):
        """Blank ``value`` (a row's password, say) out of every message from now on."""
        self._secrets.add(value)

    def redact(self, text):
        """``text`` with every secret of the run blanked out, escaped forms included."""
        return self._secrets.redact(text)

    def _short_message(self, text):
        """``text`` redacted, then cut to a readable length (cutting first could leave half a secret)."""
        text = self.redact(text).strip()
        if len(text) > API_MESSAGE_MAX:
            text = text[:API_MESSAGE_MAX] + '...'
        return text

    def _count(self, key, n=1):
        with self._lock:
            self.counts[key] += n

    @staticmethod
    def _is_read(method, path):
        return method == 'GET' or (method == 'POST' and path.startswith('/api/search/'))

    @staticmethod
    def _api_message(response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in ('message', 'error'):
                if body.get(key):
                    msg = body[key]
                    if key == 'error' and body.get('message'):
                        msg = body['message']
                    return '%s' % (msg,)
        text = (response.text or '').strip()
        # an HTML error page can be large: keep enough to redact and show its start
        return text[:65536] if text else (response.reason or 'no response body')

    # -- the request loop ----------------------------------------------------

    def request(self, method, path, params=None, body=None, idempotent=None):
        """Send one request, retrying where that is safe, and return an :class:`ApiResponse`.

        ``idempotent`` says whether repeating the request after an unknown outcome
        (5xx, dropped connection) is safe; it defaults to True for GET, PUT and
        DELETE. A 429 is always retried: the API did not process it. An idempotent
        write that answered 500, 502, 503 or 504 is retried with the same body: it
        got an answer, so it is not still running. When such a retry fails, its
        error says ``resent`` (a 409 to an add then means an earlier attempt landed).
        A write whose answer times out is never retried, idempotent or not: JumpCloud
        may still be working on it, and a second write to the same user would
        overlap it. Its error says ``outcome_unknown``.
        """
        method = method.upper()
        if isinstance(body, dict) and isinstance(body.get('password'), str):
            self.add_secret(body['password'])
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.base_url + path
        delays = jittered_backoff(self.max_retries, delay=self.backoff_delay, max_delay=self.backoff_max_delay)
        # a 429 means "not processed, come back later": it is bounded by max_retry_wait, not max_retries
        rate_delays = jittered_backoff(RATE_LIMIT_RETRIES, delay=self.backoff_delay,
                                       max_delay=self.backoff_max_delay)
        waited = 0.0
        retries = 0
        passed_gate = 0.0
        is_read = self._is_read(method, path)
        self._count('reads' if is_read else 'writes')
        statuses = READ_RETRY_STATUSES if (is_read or idempotent) else RETRY_STATUSES
        resent = False           # sent again after an attempt that may have been applied
        while True:
            passed_gate = self._wait_for_gate(passed_gate)
            if self._limiter is not None:
                self._limiter.acquire()
            error = None
            retry_after = None
            status = None
            try:
                response = self._send(method, url, params, body)
            except _Refused as exc:
                raise JumpCloudError(self._short_message(exc.args[0]), None, method, path, retries)
            except requests.exceptions.RequestException as exc:
                unknown = not is_read and isinstance(exc, requests.exceptions.ReadTimeout)
                message = self._describe_exception(exc)
                if unknown:
                    message = ('no answer within %ss; JumpCloud may still apply this write, so it was not retried'
                               % self.timeout)
                error = JumpCloudError(self.redact(message), None, method, path, retries, outcome_unknown=unknown,
                                       resent=resent)
                retryable = not unknown and (idempotent or is_read or
                                             isinstance(exc, requests.exceptions.ConnectTimeout))
                landed = not isinstance(exc, requests.exceptions.ConnectTimeout)
            else:
                status = response.status_code
                if 300 <= status < 400:
                    raise JumpCloudError(self._short_message(self._describe_redirect(url, response)), status, method,
                                         path, retries)
                if status < 400:
                    return self._success(response)
                error = JumpCloudError(self._short_message(self._api_message(response)), status, method, path,
                                       retries, resent=resent)
                retryable = status == 429 or (status in statuses and (idempotent or is_read))
                landed = status != 429        # a 429 was not processed; a 5xx may have been
                if retryable:
                    retry_after = parse_retry_after(response.headers.get('Retry-After'))
            if not retryable:
                raise error
            delay = next(rate_delays if status == 429 else delays, None)
            if delay is None:
                raise error
            if retry_after is not None:
                delay = retry_after
            if status == 429:
                delay = max(delay, RATE_LIMIT_MIN_WAIT)
            if waited + delay > self.max_retry_wait:
                error.message += ' (gave up: the next wait would pass the %ss retry budget)' % self.max_retry_wait
                raise error
            retries += 1
            self._count('retries')
            resent = resent or (landed and not is_read)
            waited += delay
            if status == 429:
                # every worker holds off until then, instead of each finding the limit on its own
                passed_gate = self._close_gate(delay)
            if delay > 0:
                self._sleep(delay)

    def _close_gate(self, delay):
        """Hold every request of this client back for ``delay`` seconds; return the gate's time."""
        with self._lock:
            self._gate = max(self._gate, self._clock() + delay)
            return self._gate

    def _wait_for_gate(self, passed):
        """Wait for a gate closed by another worker's 429 (once per gate); return the gate passed."""
        with self._lock:
            gate = self._gate
        if gate > passed:
            wait = gate - self._clock()
            if wait > 0:
                self._sleep(wait)
            return gate
        return passed

    def _describe_redirect(self, url, response):
        location = response.headers.get('Location') or ''
        target = urlsplit(urljoin(url, location)) if location else None
        where = 'to %s' % (target.netloc.rpartition('@')[2] or 'an unnamed host') if target else 'without a Location'
        return ('the API answered with a redirect %s, which is not followed: the API key goes only to %s. '
                'Check api_url (or region)' % (where, urlsplit(self.base_url).netloc))

    def _send(self, method, url, params, body):
        """One HTTP exchange, redirects not followed; :class:`_Refused` when repeating it cannot help."""
        try:
            return self.session.request(method, url, params=params, json=body, timeout=self.timeout,
                                        allow_redirects=False)
        except NEVER_RETRIED as exc:
            # a fixed text: the exception's own may quote a header value (the key)
            if isinstance(exc, (UnicodeError, requests.exceptions.InvalidHeader)):
                raise _Refused('%s: a request header could not be sent (a value with a character HTTP headers '
                               'cannot carry)' % type(exc).__name__)
            raise _Refused('%s: the request URL was refused; check api_url' % type(exc).__name__)
        except requests.exceptions.SSLError as exc:
            if _certificate_refused(exc):
                raise _Refused("SSLError: the API's TLS certificate was not accepted (%s)" % _innermost(exc))
            raise

    @staticmethod
    def _describe_exception(exc):
        kind = type(exc).__name__
        reason = exc.args[0] if exc.args else ''
        # urllib3 wraps the real reason several layers deep; keep it short
        reason = getattr(reason, 'reason', reason)
        return '%s: %s' % (kind, reason) if reason else kind

    @staticmethod
    def _success(response):
        data = None
        if response.status_code != 204 and response.content:
            try:
                data = response.json()
            except ValueError:
                data = response.text
        return ApiResponse(response.status_code, data, response.headers)

    def get(self, path, params=None):
        return self.request('GET', path, params=params).data

    def put(self, path, body):
        return self.request('PUT', path, body=body).data

    def post(self, path, body, idempotent=False):
        return self.request('POST', path, body=body, idempotent=idempotent).data

    # -- paging ------------------------------------------------------------

    def v1_list(self, path, params=None, fields=None, sort='_id'):
        """Every result of a v1 ``{totalCount, results}`` listing, page by page."""
        params = dict(params or {})
        if fields:
            params['fields'] = fields if isinstance(fields, str) else ' '.join(fields)
        if sort:
            params['sort'] = sort
        skip = 0
        while True:
            params.update(limit=PAGE_LIMIT, skip=skip)
            page = self.get(path, params=params) or {}
            results = page.get('results') or []
            yield from results
            skip += len(results)
            if not results or len(results) < PAGE_LIMIT or skip >= (page.get('totalCount') or 0):
                return

    def v1_search(self, path, search_filter=None, fields=None):
        """Every result of a v1 ``POST /api/search/...`` query, 1000 a page.

        ``limit`` and ``skip`` go in the query string and in the body alike: JumpCloud's
        PowerShell module pages searches through the query string, its SDKs and CLI through
        the body. Paging follows ``totalCount``, so that a page shorter than asked for (a
        server that caps it lower) is not taken for the last one.
        """
        skip = 0
        while True:
            paging = {'limit': SEARCH_PAGE_LIMIT, 'skip': skip}
            body = dict(paging)
            if search_filter:
                body['filter'] = search_filter
            if fields:
                body['fields'] = fields if isinstance(fields, str) else ' '.join(fields)
            page = self.request('POST', path, params=paging, body=body, idempotent=True).data or {}
            results = page.get('results') or []
            yield from results
            skip += len(results)
            if _search_done(results, skip, page.get('totalCount')):
                return

    def v2_list(self, path, params=None):
        """Every item of a v2 listing (a bare array with ``x-total-count``), page by page."""
        params = dict(params or {})
        skip = 0
        while True:
            params.update(limit=PAGE_LIMIT, skip=skip)
            response = self.request('GET', path, params=params)
            items = response.data or []
            yield from items
            skip += len(items)
            total = response.headers.get('x-total-count')
            try:
                total = int(total) if total is not None else None
            except ValueError:
                total = None
            if not items or len(items) < PAGE_LIMIT or (total is not None and skip >= total):
                return


def _search_done(results, skip, total):
    """Whether a search has no further page. ``totalCount`` decides when the answer has it, so that a
    server that gives fewer than the ``limit`` asked for a page (a smaller cap) is still read to the end;
    without it, a short page is the last."""
    if not results:
        return True
    if isinstance(total, int) and not isinstance(total, bool):
        return skip >= total
    return len(results) < SEARCH_PAGE_LIMIT
