"""HTTP front of the fake JumpCloud API: routing, paging, auth, faults and counters.

Start it standalone, from the repository root:

    python -m tests.fake_jumpcloud --port 8089 --seed org.json --latency 0.05 \
        --rate-limit 20 --fault-rate 0.1

or in-process with ``FakeJumpCloud(...).start()`` (the pytest fixtures do).
It listens on 127.0.0.1 unless ``--host`` says otherwise.
Test-only control endpoints live under ``/__fake__/`` and are neither counted
nor authenticated: ``GET /__fake__/stats``, ``POST /__fake__/reset-stats``,
``GET /__fake__/state``, ``POST /__fake__/config`` and
``POST /__fake__/users/{id}/delete``.

Besides the API key (``x-api-key``), the API takes the bearer tokens of a
service account from the fake's token endpoint, ``POST /oauth2/token``
(see ``oauth.py``). Since they need no key, they answer
loopback clients only (127.0.0.0/8, ::1), even when the server listens on
other addresses: any other client gets 403.
"""
import argparse
import collections
import ipaddress
import json
import math
import random
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fake_jumpcloud.oauth import TOKEN_PATH, TokenService
from fake_jumpcloud.schemas import SCHEMAS
from fake_jumpcloud.store import ApiError, BadRequest, FakeOrg, NotFound

MAX_LIMIT = 100
# POST /api/search/* pages up to 1000: JumpCloud's Get-JCUser and Get-JCSystem have asked for 1000 a page
# since module 1.10.0. Over it the fake answers as the GET listings do over 100 (the same message shape).
MAX_SEARCH_LIMIT = 1000
DEFAULT_LIMIT = 10
DEFAULT_ORG_ID = '5f0000000000000000000000'
UNAUTHORIZED = {'error': 'Unauthorized', 'message': 'Unauthorized: api key user not found'}
FORBIDDEN = {'message': 'Forbidden: the administrator of this API key may not make this change'}
ID = r'(?P<id>[^/]+)'

# (method, route template, regex, handler name, kind)
ROUTES = []


def route(method, template, kind):
    pattern = re.compile('^' + template.replace('{id}', ID) + '$')

    def register(func):
        ROUTES.append((method, template, pattern, func, kind))
        return func
    return register


class FaultConfig:
    """What the server does besides answering: latency, rate limit, injected faults."""

    def __init__(self, latency=0.0, rate_limit=None, retry_after=True, fault_rate=0.0,
                 fault_kinds=('500', '502', '503', '504', 'drop'), slow_rate=0.0, slow_seconds=0.0,
                 unauthorized_after=None, random_seed=None, delete_before_first_write=(), fault_after_write=0.0,
                 read_only_after_writes=None, association_read_lag=0, echo_body_in_400=(), token_lifetime=3600,
                 expire_tokens_at_request=None, bulk_polls_before_results=1, bulk_failing_ids=(), drop_answer_to=(),
                 bulk_results_name_users=True, fail_answer_to=()):
        self.latency = latency
        self.rate_limit = rate_limit
        self.retry_after = retry_after
        self.fault_rate = fault_rate
        self.fault_kinds = tuple(fault_kinds)
        self.slow_rate = slow_rate
        self.slow_seconds = slow_seconds
        self.unauthorized_after = unauthorized_after
        self.random_seed = random_seed
        # user ids another admin deletes just before the first write arrives, so that they
        # exist while a run validates and reads, and are gone when it writes
        self.delete_before_first_write = tuple(delete_before_first_write)
        # the share of the faults injected on writes that come after the write was applied,
        # as when a gateway times out on an answer JumpCloud did send
        self.fault_after_write = fault_after_write
        # writes after the first N answer 403, as for a key whose admin role may not write;
        # 0 is a read-only key: every read works, every write is refused
        self.read_only_after_writes = read_only_after_writes
        # memberships and bindings an add made stay out of the next N reads that would show
        # them: JumpCloud applies association writes asynchronously
        self.association_read_lag = association_read_lag
        # user ids whose writes are refused with a 400 that quotes the request body word for word,
        # as a validation layer or a web application firewall in front of an API may do
        self.echo_body_in_400 = tuple(echo_body_in_400)
        # seconds a service account's token lasts (the expires_in the token endpoint answers)
        self.token_lifetime = token_lifetime
        # when the fake has counted this many API requests, every token issued so far expires at
        # once (as when a run outlives its token), once; None never
        self.expire_tokens_at_request = expire_tokens_at_request
        # a bulk job's results show only after this many reads of them (the job runs asynchronously)
        self.bulk_polls_before_results = bulk_polls_before_results
        # user ids a bulk job reports failed without updating them
        self.bulk_failing_ids = tuple(bulk_failing_ids)
        # the next write to each of these targets (a user id, or "new user <username>" for a creation) is
        # applied, then its connection dropped without an answer, once
        self.drop_answer_to = tuple(drop_answer_to)
        # false: a bulk job's results do not say which user each is about (no id in persistedFields)
        self.bulk_results_name_users = bulk_results_name_users
        # the next write to each of these targets (as drop_answer_to names them) is applied, then answered
        # 503, once: a gateway's error on a write JumpCloud did make
        self.fail_answer_to = tuple(fail_answer_to)

    def update(self, values):
        for key, value in values.items():
            if not hasattr(self, key):
                raise BadRequest('unknown fake config %r' % key)
            setattr(self, key, tuple(value) if key in ('fault_kinds', 'delete_before_first_write', 'echo_body_in_400',
                                                       'bulk_failing_ids', 'drop_answer_to', 'fail_answer_to')
                    else value)


class TokenBucket:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = None
        self.stamp = None

    def take(self, rate):
        """Take one token; return 0 when allowed, else seconds until one is free."""
        with self.lock:
            now = time.monotonic()
            burst = max(1.0, rate)
            if self.tokens is None:
                self.tokens, self.stamp = burst, now
            self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / rate


class Stats:
    """Request counters by method and route, and the per-user write concurrency check."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.by_route = collections.Counter()
            self.by_kind = collections.Counter()
            self.statuses = collections.Counter()
            self.total = 0
            self.inflight = collections.Counter()
            self.max_inflight_per_user = 0
            self.concurrent_user_writes = []
            self.max_concurrency = 0
            self.concurrency = 0
            self.key_seen_outside_header = []   # where the API key was sent other than in x-api-key (or a
            # service account's id, secret or token other than in Authorization)
            self.token_requests = 0             # requests to the token endpoint, answered or refused
            self.write_log = []                 # every write request that reached a route: method, path and body
            self.first_at = self.last_at = None  # monotonic times of the first and last counted request

    def as_dict(self):
        with self.lock:
            return {
                'total': self.total,
                'reads': self.by_kind['read'],
                'writes': self.by_kind['write'],
                'by_route': dict(self.by_route),
                'statuses': {str(k): v for k, v in self.statuses.items()},
                'concurrent_user_writes': list(self.concurrent_user_writes),
                'max_inflight_per_user': self.max_inflight_per_user,
                'max_concurrency': self.max_concurrency,
                'key_seen_outside_header': list(self.key_seen_outside_header),
                'token_requests': self.token_requests,
                'write_log': list(self.write_log),
                'window_seconds': (self.last_at - self.first_at) if self.first_at is not None else 0.0,
            }


class FakeJumpCloud:
    """The fake server: an org, its HTTP server thread, its counters and fault settings."""

    def __init__(self, api_key='test-api-key-0123456789', org_id=None, host='127.0.0.1', port=0, seed=None,
                 client_id='test-client-id-0123', client_secret='test-client-secret-0123', **faults):
        self.api_key = api_key
        self.org_id = org_id
        # the org the key belongs to, as GET /api/organizations lists it
        self.organization = {'_id': org_id or DEFAULT_ORG_ID, 'displayName': 'Fake Org', 'logoUrl': ''}
        self.oauth = TokenService(client_id, client_secret)
        self.org = FakeOrg()
        if seed:
            self.org.load(seed)
        self.config = FaultConfig(**faults)
        self.org.read_lag = lambda: self.config.association_read_lag
        self.writes_checked = 0      # writes that reached the permission check
        self.stats = Stats()
        self.bucket = TokenBucket()
        self.random = random.Random(self.config.random_seed)
        self.random_lock = threading.Lock()
        self.pending_lock = threading.Lock()    # hands delete_before_first_write (and expire_tokens_at_request) to one
        # request only
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return 'http://%s:%d' % (host, port)

    @property
    def token_url(self):
        """The URL of the fake's OAuth 2.0 token endpoint."""
        return self.url + TOKEN_PATH

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05},
                                       name='fake-jumpcloud', daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def delete_pending_users(self):
        """Delete the users of ``delete_before_first_write`` (once), as another admin would."""
        if not self.config.delete_before_first_write:
            return
        with self.pending_lock:
            pending, self.config.delete_before_first_write = self.config.delete_before_first_write, ()
        for uid in pending:
            try:
                self.org.delete_user(uid)
            except NotFound:
                pass

    def take_drop(self, target, option='drop_answer_to'):
        """Whether the answer to this write is to be dropped (``drop_answer_to``), or with ``option`` another
        such list (``fail_answer_to``); each target once."""
        with self.pending_lock:
            targets = getattr(self.config, option)
            if target is None or target not in targets:
                return False
            left = list(targets)
            left.remove(target)
            setattr(self.config, option, tuple(left))
            return True

    def chance(self, rate):
        if rate <= 0:
            return False
        with self.random_lock:
            return self.random.random() < rate

    def pick(self, choices):
        with self.random_lock:
            return self.random.choice(choices)


# -- request handling ---------------------------------------------------------


def _make_handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        server_version = 'FakeJumpCloud/1.0'

        def setup(self):
            super().setup()
            # Headers and body go out in one write, and Nagle must not hold
            # the response back waiting for an ACK.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format, *args):  # noqa: A002  (quiet by default)
            pass

        def do_GET(self):
            self.dispatch('GET')

        def do_POST(self):
            self.dispatch('POST')

        def do_PUT(self):
            self.dispatch('PUT')

        def do_PATCH(self):
            self.dispatch('PATCH')

        def do_DELETE(self):
            self.dispatch('DELETE')

        def send(self, status, body=None, headers=None):
            payload = b'' if body is None else json.dumps(body).encode('utf-8')
            reason = self.responses.get(status, ('',))[0]
            lines = ['HTTP/1.1 %d %s' % (status, reason), 'Content-Length: %d' % len(payload)]
            if body is not None:
                lines.append('Content-Type: application/json; charset=utf-8')
            for key, value in (headers or {}).items():
                lines.append('%s: %s' % (key, value))
            self.wfile.write(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + payload)
            self.wfile.flush()

        def drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def read_body(self):
            length = int(self.headers.get('Content-Length') or 0)
            raw = self.rfile.read(length) if length else b''
            self.raw_body = raw.decode('utf-8', 'replace')
            if not raw:
                return None
            try:
                return json.loads(raw.decode('utf-8'))
            except ValueError:
                raise BadRequest('Bad Request: body is not valid JSON')

        def dispatch(self, method):
            parts = urlsplit(self.path)
            path = parts.path
            query = parse_qs(parts.query, keep_blank_values=True)
            if path == TOKEN_PATH:
                return self.token_endpoint(method)
            try:
                body = self.read_body()
            except BadRequest as exc:
                return self.send(400, {'message': exc.message})
            if path.startswith('/__fake__/'):
                return self.control(method, path, body)
            self.look_for_the_key(body)
            for m, template, pattern, func, kind in ROUTES:
                match = pattern.match(path)
                if m == method and match:
                    return self.serve(method, template, func, kind, match.group('id') if 'id' in pattern.groupindex
                                      else None, query, body)
            self.send(404, {'message': 'Not Found: %s %s' % (method, path)})

        def serve(self, method, template, func, kind, ident, query, body):
            with fake.stats.lock:
                fake.stats.total += 1
                fake.stats.by_route['%s %s' % (method, template)] += 1
                fake.stats.by_kind[kind] += 1
                fake.stats.concurrency += 1
                fake.stats.max_concurrency = max(fake.stats.max_concurrency, fake.stats.concurrency)
                fake.stats.last_at = time.monotonic()
                if kind == 'write':
                    fake.stats.write_log.append({'method': method, 'path': self.path.split('?', 1)[0], 'body': body})
                if fake.stats.first_at is None:
                    fake.stats.first_at = fake.stats.last_at
                number = fake.stats.total
            writer = None
            try:
                cfg = fake.config
                if cfg.expire_tokens_at_request is not None and number > cfg.expire_tokens_at_request:
                    with fake.pending_lock:
                        due, cfg.expire_tokens_at_request = cfg.expire_tokens_at_request is not None, None
                    if due:
                        fake.oauth.expire_all()
                if not self.authenticated() or \
                        (fake.org_id and self.headers.get('x-org-id') != fake.org_id) or \
                        (cfg.unauthorized_after is not None and number > cfg.unauthorized_after):
                    return self.answer(401, UNAUTHORIZED)
                if cfg.rate_limit:
                    wait = fake.bucket.take(cfg.rate_limit)
                    if wait:
                        headers = {'Retry-After': str(max(1, int(math.ceil(wait))))} if cfg.retry_after else {}
                        return self.answer(429, {'message': 'Too Many Requests'}, headers)
                if kind == 'write' and cfg.read_only_after_writes is not None:
                    with fake.stats.lock:
                        fake.writes_checked += 1
                        refused = fake.writes_checked > cfg.read_only_after_writes
                    if refused:
                        return self.answer(403, FORBIDDEN)
                late_fault = None
                if fake.chance(cfg.fault_rate):
                    fault = fake.pick(cfg.fault_kinds)
                    if kind == 'write' and fake.chance(cfg.fault_after_write):
                        late_fault = fault          # applied below, then answered with the fault
                    elif fault == 'drop':
                        return self.drop()
                    else:
                        return self.answer(int(fault), {'message': 'injected fault %s' % fault})
                if kind == 'write' and cfg.echo_body_in_400 and \
                        _write_target(template, ident, body) in cfg.echo_body_in_400:
                    return self.answer(400, {'message': 'Bad Request: refused %s' % self.raw_body})
                problem = SCHEMAS.request_problem('%s %s' % (method, template), body)
                if problem:
                    return self.answer(400, {'message': 'Bad Request: %s' % problem})
                if kind == 'write':
                    fake.delete_pending_users()
                    writer = _write_target(template, ident, body)
                    self.enter_write(writer)
                delay = cfg.latency
                if fake.chance(cfg.slow_rate):
                    delay += cfg.slow_seconds
                try:
                    if delay:
                        time.sleep(delay)
                    status, data, headers = func(fake, ident, query, body)
                except ApiError as exc:
                    status, data, headers = exc.status, {'message': exc.message}, None
                finally:
                    # the write is over before its answer leaves: the client may
                    # send this user's next write as soon as it reads the answer
                    if writer:
                        self.leave_write(writer)
                        writer = None
                if late_fault == 'drop' or (kind == 'write' and fake.take_drop(_write_target(template, ident, body))):
                    return self.drop()
                if kind == 'write' and fake.take_drop(_write_target(template, ident, body), 'fail_answer_to'):
                    late_fault = '503'
                if late_fault:
                    return self.answer(int(late_fault), {'message': 'injected fault %s' % late_fault})
                self.answer(status, data, headers)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                if writer:
                    self.leave_write(writer)
                with fake.stats.lock:
                    fake.stats.concurrency -= 1

        def authenticated(self):
            """Whether the request carries the API key or a service account's token that has not expired."""
            if self.headers.get('x-api-key') == fake.api_key:
                return True
            return fake.oauth.valid(self.headers.get('Authorization') or '')

        def token_endpoint(self, method):
            """``/oauth2/token``: counted apart from the API, and neither rate limited nor faulted."""
            length = int(self.headers.get('Content-Length') or 0)
            raw = self.rfile.read(length) if length else b''
            with fake.stats.lock:
                fake.stats.token_requests += 1
                fake.stats.key_seen_outside_header.extend(
                    fake.oauth.out_of_place(self.path, raw.decode('utf-8', 'replace'), self.headers))
            status, data, headers = fake.oauth.answer(method, self.headers, raw, fake.config.token_lifetime)
            self.send(status, data, headers)      # not among the API's statuses

        def look_for_the_key(self, body):
            """Record it when the API key travels anywhere but its own header (URL, body, other headers)."""
            key = fake.api_key
            places = []
            if key in self.path:
                places.append('url')
            if body is not None and key in json.dumps(body):
                places.append('body')
            places.extend('header %s' % name for name, value in self.headers.items()
                          if name.lower() != 'x-api-key' and key in value)
            places.extend(fake.oauth.out_of_place(self.path, self.raw_body, self.headers))
            if places:
                with fake.stats.lock:
                    fake.stats.key_seen_outside_header.extend(places)

        def answer(self, status, data, headers=None):
            with fake.stats.lock:
                fake.stats.statuses[status] += 1
            self.send(status, data, headers)

        def enter_write(self, uid):
            with fake.stats.lock:
                fake.stats.inflight[uid] += 1
                n = fake.stats.inflight[uid]
                fake.stats.max_inflight_per_user = max(fake.stats.max_inflight_per_user, n)
                if n > 1:
                    fake.stats.concurrent_user_writes.append(uid)

        def leave_write(self, uid):
            with fake.stats.lock:
                fake.stats.inflight[uid] -= 1

        def control(self, method, path, body):
            if not is_loopback(self.client_address[0]):
                return self.send(403, {'message': 'the /__fake__/ control endpoints answer loopback clients only'})
            if method == 'GET' and path == '/__fake__/stats':
                return self.send(200, fake.stats.as_dict())
            if method == 'POST' and path == '/__fake__/reset-stats':
                fake.stats.reset()
                return self.send(204)
            if method == 'GET' and path == '/__fake__/state':
                return self.send(200, fake.org.snapshot())
            if method == 'POST' and path == '/__fake__/config':
                try:
                    fake.config.update(body or {})
                except BadRequest as exc:
                    return self.send(400, {'message': exc.message})
                return self.send(204)
            match = re.match(r'^/__fake__/users/([^/]+)/delete$', path)
            if method == 'POST' and match:
                try:
                    fake.org.delete_user(match.group(1))
                except NotFound as exc:
                    return self.send(404, {'message': exc.message})
                return self.send(204)
            return self.send(404, {'message': 'unknown control endpoint'})

    return Handler


def is_loopback(host):
    """True for a loopback client address (IPv4, IPv6, or IPv4 mapped into IPv6)."""
    try:
        address = ipaddress.ip_address(host.split('%', 1)[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _write_target(template, ident, body):
    """The user a write request changes, for the one-write-per-user-at-a-time check."""
    if template in ('/api/systemusers/{id}', '/api/systemusers/{id}/state/activate', '/api/v2/users/{id}/associations'):
        return ident
    if template == '/api/systemusers':
        # a user being created has no id yet: its username names it
        return 'new user %s' % (body.get('username') if isinstance(body, dict) else None)
    if isinstance(body, dict):
        return body.get('id')
    return None


# -- query helpers --------------------------------------------------------------


def _one(query, name, default=None):
    values = query.get(name)
    return values[-1] if values else default


def _paging(limit, skip, maximum=MAX_LIMIT):
    try:
        limit = DEFAULT_LIMIT if limit in (None, '') else int(limit)
        skip = 0 if skip in (None, '') else int(skip)
    except (TypeError, ValueError):
        raise BadRequest('Bad Request: limit and skip must be integers')
    if limit > maximum:
        raise BadRequest('Bad Request: request parameter "limit" exceeds maximum value of %d' % maximum)
    if limit < 0 or skip < 0:
        raise BadRequest('Bad Request: limit and skip must not be negative')
    return limit, skip


def _sorted(items, sort, separator):
    if (sort or '').strip() in ('_id', 'id'):
        key = sort.strip()
        ids = [item.get(key) for item in items]
        if all(isinstance(i, str) for i in ids) and ids == sorted(ids):
            return items        # already in order (ids are handed out in order): a large tenant pages fast
    for key in reversed([k for k in (sort or '').split(separator) if k.strip()]):
        key = key.strip()
        reverse = key.startswith('-')
        name = key.lstrip('-')
        items = sorted(items, key=lambda item: (item.get(name) is None, '%s' % (item.get(name),)), reverse=reverse)
    return items


def _fields(items, fields, separator):
    names = [f for f in (fields or '').replace(',' if separator == ' ' else ' ', separator).split(separator) if f]
    if not names:
        return items
    keep = set(names) | {'_id', 'id'}
    return [{k: v for k, v in item.items() if k in keep} for item in items]


def _v1_filter(expressions):
    """``field:$op:value`` query filters (ANDed): $eq, $ne, $in (values split on |)."""
    tests = []
    for expression in expressions:
        match = re.match(r'^([^:]+):\$(eq|ne|in):(.*)$', expression)
        if not match:
            raise BadRequest('Bad Request: invalid filter %r' % expression)
        field, op, value = match.groups()
        if op == 'eq':
            tests.append(lambda item, f=field, v=value: '%s' % (item.get(f),) == v)
        elif op == 'ne':
            tests.append(lambda item, f=field, v=value: '%s' % (item.get(f),) != v)
        else:
            tests.append(lambda item, f=field, v=value.split('|'): '%s' % (item.get(f),) in v)
    return lambda item: all(test(item) for test in tests)


def _equality_sets(parts):
    """{field: set of values} when every part is one ``{field: string}`` or ``{field: {"$eq": string}}`` (a bare
    ``_id`` aside, see :func:`_search_filter`), else None (same meaning, faster)."""
    sets = {}
    for part in parts:
        if not isinstance(part, dict) or len(part) != 1:
            return None
        (field, value), = part.items()
        if isinstance(value, dict) and set(value) == {'$eq'}:
            value = value['$eq']
        elif field == '_id':
            return None
        if not isinstance(value, str):
            return None
        sets.setdefault(field, set()).add(value)
    return sets


def _search_filter(spec):
    """The body filter of POST /api/search/*: {"or": [...]}, {"and": [...]} or {field: value}."""
    if spec is None:
        return lambda item: True
    if not isinstance(spec, dict):
        raise BadRequest('Bad Request: filter must be an object')
    if set(spec) == {'or'} or set(spec) == {'and'}:
        (op, parts), = spec.items()
        if not isinstance(parts, list):
            raise BadRequest('Bad Request: filter.%s must be an array' % op)
        if op == 'or':
            fast = _equality_sets(parts)
            if fast is not None:
                return lambda item: any(isinstance(item.get(f), str) and item.get(f) in values
                                        for f, values in fast.items())
        tests = [_search_filter(p) for p in parts]
        combine = any if op == 'or' else all
        return lambda item: combine(test(item) for test in tests)

    tests = []
    for field, value in spec.items():
        if isinstance(value, dict) and '$regex' in value:
            tests.append(_regex_test(field, value))
        elif isinstance(value, dict) and set(value) == {'$eq'}:
            tests.append(lambda item, f=field, v=value['$eq']: item.get(f) == v)
        elif isinstance(value, dict):
            if set(value) != {'$in'}:
                raise BadRequest('Bad Request: unsupported filter operator in %r' % (value,))
            tests.append(lambda item, f=field, v=value['$in']: item.get(f) in v)
        elif field == '_id':
            # an id is found by {"_id": {"$eq": id}}, the only form shown to work (JumpCloud's PowerShell
            # module, tested on real orgs); a bare string is not taken to equal a stored ObjectId
            tests.append(lambda item: False)
        else:
            tests.append(lambda item, f=field, v=value: item.get(f) == v)
    return lambda item: all(test(item) for test in tests)


# MongoDB's $options letters and their Python equivalents
_REGEX_OPTIONS = {'i': re.IGNORECASE, 'm': re.MULTILINE, 's': re.DOTALL, 'x': re.VERBOSE}


def _regex_test(field, operator):
    """A MongoDB ``{"$regex": pattern, "$options": letters}`` condition on ``field``.

    As MongoDB does: the pattern is searched for (not anchored unless it says so), inline flags such as
    ``(?i)`` work, a string field matches, an array matches when one of its strings does, and other
    values never match. A pattern that does not compile is a 400.
    """
    if set(operator) - {'$regex', '$options'}:
        raise BadRequest('Bad Request: unsupported filter operator in %r' % (operator,))
    pattern, options = operator['$regex'], operator.get('$options', '')
    if not isinstance(pattern, str) or not isinstance(options, str):
        raise BadRequest('Bad Request: $regex has to be a string')
    flags = 0
    for letter in options:
        if letter not in _REGEX_OPTIONS:
            raise BadRequest('Bad Request: invalid flag in regex options: %s' % letter)
        flags |= _REGEX_OPTIONS[letter]
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise BadRequest('Bad Request: invalid regular expression %r: %s' % (pattern, exc))

    def test(item):
        value = item.get(field)
        values = value if isinstance(value, list) else [value]
        return any(isinstance(v, str) and compiled.search(v) is not None for v in values)
    return test


def _v1_found(find, predicate, sort, limit, skip):
    """One page of a v1 listing or search, sorted then paged before anything is copied."""
    total, page = find(predicate, lambda items: _sorted(items, sort, ' ')[skip:skip + limit])
    return {'totalCount': total, 'results': page}


def _v2_page(items, query):
    limit, skip = _paging(_one(query, 'limit'), _one(query, 'skip'))
    return 200, items[skip:skip + limit], {'x-total-count': str(len(items))}


def _v2_filter(items, query):
    for expression in query.get('filter', []):
        match = re.match(r'^([^:]+):(eq|ne):(.*)$', expression)
        if not match:
            raise BadRequest('Bad Request: invalid filter %r' % expression)
        field, op, value = match.groups()
        items = [i for i in items if ('%s' % (i.get(field),) == value) == (op == 'eq')]
    return items


def _targets(query):
    target = _one(query, 'targets')
    if not target:
        raise BadRequest('Bad Request: the targets parameter is required')
    return target


# -- routes -----------------------------------------------------------------------


def _v1_listing(find, query):
    """A v1 GET listing: query filters, sort, fields, limit/skip, in a {totalCount, results} envelope."""
    limit, skip = _paging(_one(query, 'limit'), _one(query, 'skip'))
    page = _v1_found(find, _v1_filter(query.get('filter', [])), _one(query, 'sort'), limit, skip)
    page['results'] = _fields(page['results'], _one(query, 'fields'), ' ')
    return 200, page, None


def _v1_search(find, query, body):
    """A v1 POST /search: the body's filter, sort, fields and paging (the query string's, too)."""
    body = body or {}
    # limit/skip are read from the body or the query string (the body wins); each one given is checked
    _paging(_one(query, 'limit'), _one(query, 'skip'), MAX_SEARCH_LIMIT)
    limit, skip = _paging(body.get('limit', _one(query, 'limit')), body.get('skip', _one(query, 'skip')),
                          MAX_SEARCH_LIMIT)
    page = _v1_found(find, _search_filter(body.get('filter')), body.get('sort') or _one(query, 'sort'), limit, skip)
    page['results'] = _fields(page['results'], body.get('fields'), ' ')
    return 200, page, None


@route('GET', '/api/systemusers', 'read')
def list_users(fake, _id, query, _body):
    return _v1_listing(fake.org.find_users, query)


@route('POST', '/api/search/systemusers', 'read')
def search_users(fake, _id, query, body):
    return _v1_search(fake.org.find_users, query, body)


@route('GET', '/api/systemusers/{id}', 'read')
def get_user(fake, ident, query, _body):
    return 200, _fields([fake.org.get_user(ident)], _one(query, 'fields'), ' ')[0], None


@route('PUT', '/api/systemusers/{id}', 'write')
def put_user(fake, ident, _query, body):
    return 200, fake.org.update_user(ident, body), None


@route('POST', '/api/systemusers', 'write')
def create_user(fake, _id, _query, body):
    return 200, fake.org.create_user(body), None


@route('DELETE', '/api/systemusers/{id}', 'write')
def delete_user(fake, ident, query, _body):
    return 200, fake.org.delete_user(ident, _one(query, 'cascade_manager')), None


@route('POST', '/api/systemusers/{id}/state/activate', 'write')
def activate_user(fake, ident, _query, body):
    fake.org.activate_user(ident, body)
    return 200, None, None


@route('GET', '/api/organizations', 'read')
def list_organizations(fake, _id, query, _body):
    """The organisations the key reaches, as the v1 listing of organizationslist: a key of one org lists that
    org alone (Set-JCOrganization.ps1 reads ``_id`` and ``displayName`` and takes a single result as the key's org)."""
    limit, skip = _paging(_one(query, 'limit'), _one(query, 'skip'))
    found = [dict(fake.organization)][skip:skip + limit]
    return 200, {'results': _fields(found, _one(query, 'fields'), ' '), 'totalCount': 1}, None


@route('GET', '/api/systems', 'read')
def list_systems(fake, _id, query, _body):
    return _v1_listing(fake.org.find_systems, query)


@route('POST', '/api/search/systems', 'read')
def search_systems(fake, _id, query, body):
    return _v1_search(fake.org.find_systems, query, body)


@route('GET', '/api/systems/{id}', 'read')
def get_system(fake, ident, query, _body):
    return 200, _fields([fake.org.get_system(ident)], _one(query, 'fields'), ' ')[0], None


@route('PATCH', '/api/v2/bulk/users', 'write')
def bulk_update_users(fake, _id, query, body):
    suppress = _one(query, 'suppressEmail')
    if suppress not in (None, 'true', 'false'):
        raise BadRequest('Bad Request: suppressEmail must be true or false')
    job_id = fake.org.bulk_update(body, suppress == 'true', fake.config.bulk_polls_before_results,
                                  fake.config.bulk_failing_ids, fake.config.bulk_results_name_users)
    return 200, {'jobId': job_id}, None


@route('GET', '/api/v2/bulk/users/{id}/results', 'read')
def bulk_user_results(fake, ident, query, _body):
    return _v2_page(fake.org.bulk_results(ident), query)


@route('GET', '/api/v2/usergroups', 'read')
def list_groups(fake, _id, query, _body):
    with fake.org.lock:
        groups = [dict(g) for g in fake.org.groups.values()]
    groups = _sorted(_v2_filter(groups, query), _one(query, 'sort'), ',')
    return _v2_page(_fields(groups, _one(query, 'fields'), ','), query)


@route('GET', '/api/v2/usergroups/{id}/members', 'read')
def list_group_members(fake, ident, query, _body):
    return _v2_page(fake.org.group_member_edges(ident), query)


@route('POST', '/api/v2/usergroups/{id}/members', 'write')
def change_group_members(fake, ident, _query, body):
    fake.org.group_member_op(ident, body)
    return 204, None, None


@route('GET', '/api/v2/users/{id}/memberof', 'read')
def user_memberof(fake, ident, query, _body):
    return _v2_page(fake.org.user_memberof(ident), query)


@route('GET', '/api/v2/users/{id}/systems', 'read')
def user_systems(fake, ident, query, _body):
    return _v2_page(fake.org.user_systems(ident), query)


@route('GET', '/api/v2/users/{id}/associations', 'read')
def user_associations(fake, ident, query, _body):
    return _v2_page(fake.org.user_associations(ident, _targets(query)), query)


@route('POST', '/api/v2/users/{id}/associations', 'write')
def change_user_associations(fake, ident, _query, body):
    fake.org.user_association_op(ident, body)
    return 204, None, None


@route('GET', '/api/v2/systems/{id}/associations', 'read')
def system_associations(fake, ident, query, _body):
    return _v2_page(fake.org.system_associations(ident, _targets(query)), query)


@route('POST', '/api/v2/systems/{id}/associations', 'write')
def change_system_associations(fake, ident, _query, body):
    fake.org.system_association_op(ident, body)
    return 204, None, None


@route('GET', '/api/v2/ldapservers', 'read')
def list_ldapservers(fake, _id, query, _body):
    with fake.org.lock:
        servers = [dict(s) for s in fake.org.ldapservers.values()]
    return _v2_page(_v2_filter(servers, query), query)


@route('GET', '/api/v2/ldapservers/{id}/associations', 'read')
def ldap_associations(fake, ident, query, _body):
    return _v2_page(fake.org.ldap_associations(ident, _targets(query)), query)


@route('POST', '/api/v2/ldapservers/{id}/associations', 'write')
def change_ldap_associations(fake, ident, _query, body):
    fake.org.ldap_association_op(ident, body)
    return 204, None, None


# -- command line ------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(prog='fake_jumpcloud', description='A fake JumpCloud API for tests and demos.')
    parser.add_argument('--host', default='127.0.0.1',
                        help='address to listen on; the /__fake__/ control endpoints answer loopback clients only')
    parser.add_argument('--port', type=int, default=8089)
    parser.add_argument('--api-key', default='test-api-key-0123456789')
    parser.add_argument('--org-id')
    parser.add_argument('--client-id', default='test-client-id-0123', help='the service account of /oauth2/token')
    parser.add_argument('--client-secret', default='test-client-secret-0123')
    parser.add_argument('--token-lifetime', type=int, default=3600, help='seconds a service account token lasts')
    parser.add_argument('--seed', help='a seed JSON file (users, groups, systems, ldapservers)')
    parser.add_argument('--generate', type=int, metavar='USERS', help='generate an org of this many users')
    parser.add_argument('--groups', type=int, default=50)
    parser.add_argument('--systems', type=int, default=500)
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every API request')
    parser.add_argument('--rate-limit', type=float, help='requests per second before answering 429')
    parser.add_argument('--no-retry-after', action='store_true', help='answer 429 without Retry-After')
    parser.add_argument('--fault-rate', type=float, default=0.0, help='share of requests answered 5xx or dropped')
    parser.add_argument('--fault-kinds', default='500,502,503,504,drop')
    parser.add_argument('--random-seed', type=int)
    parser.add_argument('--ready-file', help='write the base URL here once listening')
    args = parser.parse_args(argv)

    seed = None
    if args.seed:
        with open(args.seed, encoding='utf-8') as handle:
            seed = json.load(handle)
    elif args.generate:
        from fake_jumpcloud.seed import generate_org
        seed = generate_org(args.generate, args.groups, args.systems)
    fake = FakeJumpCloud(api_key=args.api_key, org_id=args.org_id, host=args.host, port=args.port, seed=seed,
                         client_id=args.client_id, client_secret=args.client_secret, token_lifetime=args.token_lifetime,
                         latency=args.latency, rate_limit=args.rate_limit, retry_after=not args.no_retry_after,
                         fault_rate=args.fault_rate, fault_kinds=args.fault_kinds.split(','), random_seed=args.random_seed)
    print('fake JumpCloud listening on %s (%d users)' % (fake.url, len(fake.org.users)), flush=True)
    if args.ready_file:
        with open(args.ready_file, 'w') as handle:
            handle.write(fake.url)
    try:
        fake.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
