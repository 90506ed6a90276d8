# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The JumpCloud API client: one pooled session, the request mechanism, paging and the URL policy.

``request()`` sends, classifies the answer and waits; what may be retried and how long
to wait is the policy in ``_retry``. The connection options that build a client are
defined in ``_connection_options``; a service account's tokens come from ``_oauth``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
import re
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the missing-library test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible.module_utils.six.moves.urllib.parse import urljoin, urlsplit

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.backoff import parse_retry_after
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.concurrency import bounded_map
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.connection import (
    COMBINED,
    DEFAULT_API_URL,
    OPTIONS_BY_NAME,
    TOKEN_HOSTS,
    check_service_account_org,
    clean_credentials,
    resolve_token_url,
)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.deadline import DeadlineAdapter, passed_deadline
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import (
    MESSAGE_MAX, JumpCloudError, ListingChanged, ListingError,
)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.oauth import TokenSource
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.ratelimit import RateLimiter
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.redact import Redactor
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.retry import RetryPolicy
from ansible_collections.jcops.jumpcloud.plugins.module_utils._version import COLLECTION_NAME, COLLECTION_VERSION

PAGE_LIMIT = 100            # v1 GET listings and every v2 listing take at most 100 a page
SEARCH_PAGE_LIMIT = 1000    # POST /api/search/* takes up to 1000 (JumpCloud's Get-JCUser/Get-JCSystem page by 1000)


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


def check_base_url(url, allow_insecure_http=False, option='api_url', secret='the API key'):
    """Refuse a URL that would send ``secret`` in clear text, or to another host than it names.

    ``https://`` is always fine; ``http://`` only to a loopback address (a local
    test server) unless ``allow_insecure_http`` is set. A user name or password, a
    backslash, a query or a fragment is refused in any URL: two URL parsers may
    read the host of such a URL differently.
    """
    if any(not '!' <= c <= '~' for c in url):
        raise ValueError('%s must be plain ASCII without spaces or control characters' % option)
    for char, what in (('\\', 'a backslash'), ('@', 'a user name or password (@)'), ('?', 'a query (?)'),
                       ('#', 'a fragment (#)')):
        if char in url:
            raise ValueError('%s must not contain %s: give only scheme, host, port and path' % (option, what))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        raise ValueError('%s must be an http(s) URL with a host name, got %r' % (option, url))
    try:
        parts.port
    except ValueError:
        raise ValueError('%s has an invalid port, got %r' % (option, url))
    host = parts.hostname
    transport = _transport_host(url)
    if transport is not None and transport != host:
        raise ValueError('%s %r is ambiguous: its host reads as %r or as %r' % (option, url, host, transport))
    if parts.scheme.lower() == 'https' or allow_insecure_http:
        return
    if not _is_loopback(host):
        raise ValueError(
            'refusing to send %s over plain http to %s: use https, or set allow_insecure_http '
            'if this really is intended' % (secret, host))


def is_loopback_url(url):
    """Whether ``url`` names a loopback host (a local test server)."""
    return _is_loopback(urlsplit(url).hostname or '')


def check_token_host(url, allow_custom=False):
    """Refuse a token URL the client secret must not go to: one on none of JumpCloud's token hosts and
    not on a loopback address (a local test server), unless ``allow_custom``."""
    host = (urlsplit(url).hostname or '').lower()
    if allow_custom or host in TOKEN_HOSTS or _is_loopback(host):
        return
    raise ValueError(
        'refusing to send the client secret to %s: oauth_token_url must be on one of JumpCloud\'s token hosts (%s) '
        'or a loopback address; leave it unset to use your region\'s, or set allow_custom_token_url if this host '
        'really is yours' % (host, ', '.join(TOKEN_HOSTS)))


def _mount_deadlines(session, pool_size=10):
    """Give every exchange of ``session`` an overall deadline of its ``timeout`` (see ``_deadline``)."""
    adapter = DeadlineAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)


def _token_session(token_url, verify):
    """A session of its own for the token endpoint: the API's headers are not sent there, and the
    environment's proxies are used for it as for the API (never for a loopback URL)."""
    session = requests.Session()
    _mount_deadlines(session)
    session.trust_env = False
    if not is_loopback_url(token_url):
        session.proxies.update(requests.utils.get_environ_proxies(token_url))
    session.verify = verify
    return session


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


# The most items one listing may hold, by what it lists: above any JumpCloud organisation, so that a
# hostile or broken API cannot have a run page (and hold items) without end. The first matching pattern wins.
LISTING_BOUNDS = (
    (re.compile(r'^/api/v2/bulk/'), 'bulk job results', 10000),
    (re.compile(r'^/api/v2/ldapservers$'), 'LDAP servers', 1000),
    (re.compile(r'^/api/v2/usergroups$'), 'user groups', 100000),
    (re.compile(r'^/api/(search/)?systemusers$'), 'users', 500000),
    (re.compile(r'^/api/(search/)?systems$'), 'devices', 500000),
    (re.compile(r'^/api/v2/'), 'members or associations', 500000),
)
DEFAULT_LISTING_BOUND = ('items', 500000)
# the smallest page a server may cap a listing to (JumpCloud's own caps are 100 and 1000)
MIN_CAPPED_PAGE = PAGE_LIMIT


def listing_bound(path):
    """``(what, most items)`` for a listing of ``path`` (see ``LISTING_BOUNDS``)."""
    for pattern, what, bound in LISTING_BOUNDS:
        if pattern.match(path):
            return what, bound
    return DEFAULT_LISTING_BOUND


class Listing:
    """One paged listing's endpoint and bound, and the checks that stop it when its answers cannot be trusted."""

    def __init__(self, method, path):
        self.endpoint = '%s %s' % (method, path)
        self.method, self.path = method, path
        self.what, self.bound = listing_bound(path)

    def _stop(self, message):
        raise ListingError(message, None, self.method, self.path)

    def check_total(self, total, first):
        """A page's total: within the bound, and (``first`` is the first page's) the same on every page."""
        if first is None and total is not None and total > self.bound:
            self._stop('%s says it holds %d items, more than the %d %s any organisation is taken to hold; the '
                       'API is not answering as JumpCloud does' % (self.endpoint, total, self.bound, self.what))
        if first is not None and total != first:
            raise ListingChanged('the total of %s changed from %s to %s between its pages: the listing changed while it '
                                 'was read, or the API is not answering consistently; run again'
                                 % (self.endpoint, first, total), None, self.method, self.path)

    def check_count(self, count):
        """The items read so far: within the bound."""
        if count > self.bound:
            self._stop('%s listed more than %d %s without ending; the API is not answering as JumpCloud does'
                       % (self.endpoint, self.bound, self.what))

    def check_capped(self, size, limit, left):
        """A page shorter than asked while the total says ``left`` more remain: a cap, not too small a one."""
        if size < min(limit, MIN_CAPPED_PAGE):
            self._stop('%s answered a page of %d items where %d were asked, while its total says %d more remain; '
                       'the API is not answering as JumpCloud does' % (self.endpoint, size, limit, left))


class ApiResponse:
    """What one successful request returned: status, decoded JSON body and headers."""

    __slots__ = ('status', 'data', 'headers')

    def __init__(self, status, data, headers):
        self.status = status
        self.data = data
        self.headers = headers


def _ca_bundle():
    """What TLS verification trusts: the CA bundle (a file or a folder) that REQUESTS_CA_BUNDLE or
    CURL_CA_BUNDLE names, as requests itself reads them, else True (certifi's bundle). A name that does not
    exist is a clear error before any request, not an OSError from the first one."""
    for variable in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        bundle = os.environ.get(variable)
        if bundle:
            if not os.path.exists(bundle):
                raise ValueError('%s names %s, which does not exist: point it at a CA bundle file or folder, or '
                                 'unset it to use the bundle requests ships' % (variable, bundle))
            return bundle
    return True


class Login:
    """The checked credentials of a client: an API key, or a service account with its token URL; the org id."""

    __slots__ = ('api_key', 'client_id', 'client_secret', 'org_id', 'token_url')


def _login(settings):
    """The :class:`Login` of ``settings``, checked before any request: credentials, the org id a service account
    needs, the base URL and, for a service account, its token URL and host."""
    login = Login()
    login.api_key, login.client_id, login.client_secret = clean_credentials(
        settings.api_key, settings.client_id, settings.client_secret)
    login.org_id = (settings.org_id or '').strip() or None
    check_service_account_org(login.client_id, login.org_id)
    check_base_url(settings.base_url, settings.allow_insecure_http,
                   secret='the API key' if login.api_key else 'the access token')
    # not given: the token endpoint of the region whose console base_url is (the US one for any other host)
    login.token_url = resolve_token_url(settings.oauth_token_url, settings.base_url)
    if login.client_id:
        check_base_url(login.token_url, settings.allow_insecure_http, 'oauth_token_url', 'the client secret')
        check_token_host(login.token_url, settings.allow_custom_token_url)
    return login


class ClientSettings:
    """What a client is built from: the connection options by name (a value not given takes the option's
    default from the connection-options table, its one owner), the API's base URL, and the backoff's first
    and longest waits."""

    OWN = {'base_url': DEFAULT_API_URL, 'backoff_delay': 0.5, 'backoff_max_delay': 30.0}
    NAMES = tuple(name for name in OPTIONS_BY_NAME if name not in COMBINED) + tuple(OWN)

    def __init__(self, **values):
        unknown = sorted(set(values) - set(self.NAMES))
        if unknown:
            raise TypeError('unknown client settings: %s' % ', '.join(unknown))
        for name in self.NAMES:
            default = self.OWN[name] if name in self.OWN else OPTIONS_BY_NAME[name].default
            setattr(self, name, values.get(name, default))


class JumpCloudClient:
    """A thread-safe JumpCloud REST client.

    One pooled ``requests.Session`` serves every thread; retries follow the
    :class:`RetryPolicy`; an optional :class:`RateLimiter` is shared by all
    threads; every failure is raised as :class:`JumpCloudError`. It logs in
    with an API key, or with a service account's ``client_id`` and
    ``client_secret`` (a bearer token from ``oauth_token_url``, see
    ``oauth``). It is built from a :class:`ClientSettings`, or from their values by name
    (``JumpCloudClient(api_key=..., base_url=...)``). ``clock`` and ``sleep``
    (``time.monotonic`` and ``time.sleep``) can be replaced by tests.
    """

    def __init__(self, settings=None, clock=time.monotonic, sleep=time.sleep, **values):
        if not HAS_REQUESTS:
            raise RuntimeError('the requests library is required')
        settings = settings or ClientSettings(**values)
        login = _login(settings)
        self.base_url = settings.base_url.rstrip('/')
        # every value of this run that must never be shown: the key or the service account and its
        # tokens, each row's password, ...
        self._secrets = Redactor()
        for secret in (login.api_key, login.client_id, login.client_secret):
            self._secrets.add(secret)
        self.timeout = settings.timeout
        self.retry_policy = RetryPolicy(max_retries=settings.max_retries, max_retry_wait=settings.max_retry_wait,
                                        delay=settings.backoff_delay, max_delay=settings.backoff_max_delay)
        self._sleep = sleep
        self._clock = clock
        rate = settings.requests_per_second
        self._limiter = RateLimiter(rate, clock=clock, sleep=sleep) if rate else None
        self._lock = threading.Lock()
        self._gate = 0.0         # monotonic time before which no request is sent (after a 429)
        self.counts = {'reads': 0, 'writes': 0, 'retries': 0}
        self._max_workers = max(1, settings.max_workers)
        self._leaf_pool = None    # the client's own workers for single requests (see map_requests)
        self.session = self._new_session(settings.validate_certs, login)
        self._tokens = None
        if login.client_id:
            self._tokens = TokenSource(
                (login.client_id, login.client_secret), login.token_url,
                _token_session(login.token_url, self.session.verify), self._secrets, self.retry_policy,
                timeout=settings.timeout, clock=clock, sleep=sleep)

    def _new_session(self, validate_certs, login):
        """The pooled session every request goes through, with the run's login headers."""
        session = requests.Session()
        # the flow's workers and the client's own (pages, reads by id) may all have a request open
        _mount_deadlines(session, 2 * self._max_workers + 2)
        # What requests would read from the environment on every request (proxies, a CA bundle,
        # ~/.netrc), read once here instead: per request it costs file system lookups on each of
        # thousands of calls, and a netrc entry must not add credentials to JumpCloud requests.
        session.trust_env = False
        if not is_loopback_url(self.base_url):
            # a proxy for a loopback URL would carry the key off this host (in clear, for http)
            session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        session.verify = _ca_bundle() if validate_certs else False
        session.headers.update({
            'Accept': 'application/json',
            'Content-Type': 'application/json',
            'User-Agent': '%s/%s (Ansible collection) python-requests/%s' % (
                COLLECTION_NAME, COLLECTION_VERSION, requests.__version__),
        })
        if login.api_key:
            session.headers['x-api-key'] = login.api_key
        if login.org_id:
            session.headers['x-org-id'] = login.org_id
        return session

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
        if len(text) > MESSAGE_MAX:
            text = text[:MESSAGE_MAX] + '...'
        return text

    def _count(self, key, n=1):
        with self._lock:
            self.counts[key] += n

    @staticmethod
    def _api_message(response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in ('message', 'error'):
                if body.get(key):
                    return '%s' % (body[key],)
        text = (response.text or '').strip()
        # an HTML error page can be large: keep enough to redact and show its start
        return text[:65536] if text else (response.reason or 'no response body')

    # -- the request mechanism: send, classify, wait ------------------------

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
        overlap it. Its error says ``outcome_unknown``. The rules are ``_retry``'s.
        """
        method = method.upper()
        if isinstance(body, dict) and isinstance(body.get('password'), str):
            self.add_secret(body['password'])
        state = self.retry_policy.start(method, path, idempotent)
        self._count('reads' if state.is_read else 'writes')
        url = self.base_url + path
        passed_gate = 0.0
        while True:
            passed_gate = self._wait_for_gate(passed_gate)
            if self._limiter is not None:
                self._limiter.acquire()
            response, failure, error = self._attempt(method, url, path, params, body, state)
            if response is not None:
                return response
            delay = state.next_wait(failure)
            if delay is None:
                if state.budget_spent:
                    error.message += (' (gave up: the next wait would pass the %ss retry budget)'
                                      % self.retry_policy.max_retry_wait)
                raise error
            self._count('retries')
            if failure.rate_limited:
                # every worker holds off until then, instead of each finding the limit on its own
                passed_gate = self._close_gate(delay)
            if delay > 0:
                self._sleep(delay)

    def _attempt(self, method, url, path, params, body, state):
        """Send once: ``(ApiResponse, None, None)`` on success, else ``(None, Failure, JumpCloudError)``.

        A request that cannot succeed as sent, or a redirect, raises its error at once.
        """
        try:
            response = self._send(method, url, params, body)
        except _Refused as exc:
            raise JumpCloudError(self._short_message(exc.args[0]), None, method, path, state.retries)
        except requests.exceptions.RequestException as exc:
            late = passed_deadline(exc)
            failure = state.unanswered(read_timeout=late or isinstance(exc, requests.exceptions.ReadTimeout),
                                       connect_timeout=isinstance(exc, requests.exceptions.ConnectTimeout))
            message = self._describe_exception(exc)
            if late:
                message = 'the answer did not arrive whole within %ss (timeout)' % self.timeout
            if failure.outcome_unknown:
                message = ('no answer within %ss; JumpCloud may still apply this write, so it was not retried'
                           % self.timeout)
            return None, failure, JumpCloudError(self.redact(message), None, method, path, state.retries,
                                                 outcome_unknown=failure.outcome_unknown, resent=state.resent)
        status = response.status_code
        if 300 <= status < 400:
            raise JumpCloudError(self._short_message(self._describe_redirect(url, response)), status, method, path,
                                 state.retries)
        if status < 400:
            return self._success(response), None, None
        failure = state.answered(status, parse_retry_after(response.headers.get('Retry-After')))
        return None, failure, JumpCloudError(self._short_message(self._api_message(response)), status, method, path,
                                             state.retries, resent=state.resent)

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
        """One HTTP exchange, redirects not followed; :class:`_Refused` when repeating it cannot help.

        With a service account, the exchange carries its bearer token, and a 401 is sent once more
        with a new token."""
        def exchange(token=None):
            return self.session.request(method, url, params=params, json=body, timeout=self.timeout,
                                        allow_redirects=False,
                                        headers={'Authorization': 'Bearer ' + token} if token else None)
        try:
            return self._tokens.send(exchange) if self._tokens else exchange()
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

    def _leaf(self):
        """The client's own workers (made when first needed, as many as ``max_workers``)."""
        with self._lock:
            if self._leaf_pool is None:
                self._leaf_pool = ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix='jc-request')
            return self._leaf_pool

    def map_requests(self, func, items):
        """``func(item)`` for each of ``items`` on the client's own workers, results in the order of ``items``.

        ``func`` sends requests and never waits on other work, so any thread (a worker of the flow's
        pool too) may call this without the risk of workers waiting on each other.
        """
        items = list(items)
        if len(items) <= 1:
            return [func(item) for item in items]
        return list(self._leaf().map(func, items))

    def _pages(self, fetch, limit, follow_total, first=None, listing=None):
        """Every item of a paged listing, in order: ``fetch(skip)`` gives one page's ``(items, total)``.

        ``first`` is the first page when it was read already; ``listing`` (a :class:`Listing`) names the
        endpoint and bounds it. Once a full first page has told the total, the remaining pages are read
        concurrently through a window of ``max_workers`` (never more asked for than are in flight), each
        once. The listing ends on an empty page, once ``total`` items are read, or on a page shorter than
        ``limit``; with ``follow_total``, a short page does not end it while the total says more remain (a
        server that caps a page lower than asked is still read to the end). A total above the listing's
        bound or one that changes between pages, more items than the bound, or a page capped below
        ``MIN_CAPPED_PAGE`` raise :class:`ListingError`.
        """
        listing = listing or Listing('GET', 'a listing')
        skip = 0
        items, total = first if first is not None else fetch(0)
        listing.check_total(total, None)
        while True:
            listing.check_count(skip + len(items))
            yield from items
            skip += len(items)
            if not items or (total is not None and skip >= total):
                return
            if len(items) < limit:
                if not (follow_total and total is not None):
                    return
                listing.check_capped(len(items), limit, total - skip)
            elif total is not None:
                short = None
                for items, page_total in bounded_map(self._leaf(), fetch, range(skip, total, limit),
                                                     self._max_workers):
                    listing.check_total(page_total, total)
                    if len(items) < limit and skip + len(items) < total:
                        short = items     # a page shorter than asked, not the last: read on from it, in order
                        break
                    listing.check_count(skip + len(items))
                    yield from items
                    skip += len(items)
                if short is None:
                    return
                items = short
                continue
            items, page_total = fetch(skip)
            listing.check_total(page_total, total)

    def v1_search_page(self, path, search_filter=None, fields=None, skip=0):
        """One page (1000 results) of a v1 ``POST /api/search/...`` query: ``(results, totalCount or None)``.

        ``limit`` and ``skip`` go in the query string and in the body alike: JumpCloud's
        PowerShell module pages searches through the query string, its SDKs and CLI through
        the body. Results are sorted by ``_id`` so that pages read concurrently do not overlap.
        """
        paging = {'limit': SEARCH_PAGE_LIMIT, 'skip': skip}
        query = dict(paging, sort='_id')
        if search_filter:
            query['filter'] = search_filter
        if fields:
            query['fields'] = fields if isinstance(fields, str) else ' '.join(fields)
        page = self.request('POST', path, params=paging, body=query, idempotent=True).data or {}
        total = page.get('totalCount')
        return page.get('results') or [], total if isinstance(total, int) and not isinstance(total, bool) else None

    def v1_search(self, path, search_filter=None, fields=None):
        """Every result of a v1 ``POST /api/search/...`` query, 1000 a page (see :meth:`v1_search_page`).

        Paging follows ``totalCount``, so that a page shorter than asked for (a server that caps it
        lower) is not taken for the last one.
        """
        return self._pages(lambda skip: self.v1_search_page(path, search_filter, fields, skip), SEARCH_PAGE_LIMIT,
                           follow_total=True, listing=Listing('POST', path))

    def v2_page(self, path, params=None, skip=0):
        """One page (100 items) of a v2 listing: ``(items, x-total-count or None)``."""
        params = dict(params or {}, limit=PAGE_LIMIT, skip=skip)
        response = self.request('GET', path, params=params)
        total = response.headers.get('x-total-count')
        try:
            total = int(total) if total is not None else None
        except ValueError:
            total = None
        return response.data or [], total

    def v2_list(self, path, params=None, first=None):
        """Every item of a v2 listing (a bare array with ``x-total-count``); ``first`` is its first page
        (:meth:`v2_page`) when that was read already."""
        return self._pages(lambda skip: self.v2_page(path, params, skip), PAGE_LIMIT, follow_total=False, first=first,
                           listing=Listing('GET', path))
