"""The test doubles of the unit tests, one of each.

- ``Directory``: the API client over an in-memory JumpCloud directory. It answers the reads the collection makes
  (searches, listings, a user by id) and the writes as JumpCloud does: a created user comes back with its
  ``_id`` and ``id``, an add of a membership or binding that exists already answers 409 "Already Exists", a
  binding update sets its attributes. A test may script any write's answers, in order, which then come first.
  It records every call, and every write with its ``idempotent`` flag.
- ``BulkJobs``: the client of the bulk user jobs (``PATCH /api/v2/bulk/users`` and their results).
- ``Clock`` and ``Sleeps``: an injected monotonic clock and sleep that record the waits and take no time.
"""
import re

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError


DONE = {}      # a scripted answer: the write is done, the directory left as it is (a change not readable yet)


def uid(number):
    return '%024x' % number


class Sleeps(list):
    """An injected ``sleep`` that records each wait and returns at once."""

    def __call__(self, seconds):
        self.append(seconds)


class Clock:
    """A monotonic clock that stands still unless a test moves it or sleeps on it (``sleep`` records the wait)."""

    def __init__(self, now=0.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Directory:
    """A client over an in-memory directory (see the module's docstring). ``answers`` scripts writes:
    {(method, path): [an error to raise, None (answer as the directory does), or a body to answer]}."""

    def __init__(self, users=(), groups=(), systems=(), ldapservers=(), members=(), bindings=(), ldap_users=(),
                 missing_ids=(), failing_ids=(), answers=None, search_error=None, new_ids=(), listing_error=None):
        self.users = [dict(u) for u in users]
        self.groups = list(groups)
        self.systems = list(systems)
        self.ldapservers = list(ldapservers)
        self.members = set(members)          # (group id, user id)
        self.bindings = dict(bindings)       # (system id, user id) -> attributes
        self.ldap_users = set(ldap_users)    # (ldap id, user id)
        self.missing_ids = set(missing_ids)
        self.failing_ids = set(failing_ids)
        self.answers = dict((k, list(v)) for k, v in (answers or {}).items())   # {(method, path): [error or None]}
        self.search_error = search_error
        self.listing_error = listing_error   # what every v2 listing raises
        self.new_ids = list(new_ids)         # the ids created users get, in order (then uid(1000000 + n))
        self.writes = []                     # (method, path, body, idempotent)
        self.unsearchable_ids = set()        # devices a search by id does not return (a GET by id does)
        self.reached = {}                    # user id -> what GET /api/v2/users/{id}/systems answers
        self.calls = []
        self.secrets = []
        self.counts = {'reads': 0, 'writes': 0, 'retries': 0}

    def requests(self, method=None, prefix=''):
        return [c for c in self.calls if (method is None or c[0] == method) and c[1].startswith(prefix)]

    @staticmethod
    def _matches(user, condition):
        (field, wanted), = condition.items()
        value = user.get(field)
        if isinstance(wanted, dict) and '$eq' in wanted:
            return value == wanted['$eq']
        if isinstance(wanted, dict):
            pattern = wanted['$regex']
            return value is not None and re.match(pattern, value) is not None
        return value == wanted

    def add_secret(self, value):
        if value:
            self.secrets.append(value)

    def redact(self, text):
        text = '%s' % text
        for secret in self.secrets:
            text = text.replace(secret, '********')
        return text

    def _write(self, method, path, body, idempotent):
        self.calls.append((method, path, body))
        self.writes.append((method, path, body, idempotent))
        self.counts['writes'] += 1
        queue = self.answers.get((method, path))
        answer = queue.pop(0) if queue else None
        if isinstance(answer, BaseException):
            raise answer
        if answer is DONE:
            return None
        return answer if answer is not None else self._answer(method, path, body)

    def put(self, path, body):
        return self._write('PUT', path, body, True)

    def delete(self, path, params=None):
        return self._write('DELETE', path, params, True)

    def post(self, path, body, idempotent=False):
        # a second activation meets a user no longer STAGED: the client never sends one again by itself
        assert not (idempotent and path.endswith('/state/activate'))
        return self._write('POST', path, body, idempotent)

    def _answer(self, method, path, body):
        """What JumpCloud answers a write no script answers, the directory changed as it would be."""
        parts = path.strip('/').split('/')
        if path == '/api/systemusers':
            ident = self.new_ids.pop(0) if self.new_ids else uid(1000000 + len(self.users))
            self.users.append(dict(body, _id=ident))
            return dict(body, _id=ident, id=ident)
        if parts[:2] == ['api', 'systemusers'] and len(parts) == 3:
            user = next((u for u in self.users if u['_id'] == parts[2]), None)
            if user is None:
                raise JumpCloudError('Not Found', status=404)
            if method == 'DELETE':
                self.users.remove(user)
                return dict(user, id=user['_id'])
            user.update(body)
            return dict(user, id=user['_id'])
        if parts[:2] == ['api', 'v2'] and parts[2] in ('usergroups', 'systems', 'ldapservers'):
            return self._associate(parts[2], parts[3], body)
        return None

    def _associate(self, kind, ident, body):
        key = (ident, body['id'])
        if not any(u['_id'] == body['id'] for u in self.users):
            raise JumpCloudError('Not Found: user %s' % body['id'], status=404)
        edges = {'usergroups': self.members, 'ldapservers': self.ldap_users}.get(kind, self.bindings)
        if body['op'] == 'add' and key in edges:
            raise JumpCloudError('Already Exists', status=409)
        if body['op'] in ('remove', 'update') and key not in edges:
            raise JumpCloudError('Not Found', status=404)
        if body['op'] == 'remove' and isinstance(edges, set):
            edges.discard(key)
        elif body['op'] == 'remove':
            del edges[key]
        elif isinstance(edges, set):
            edges.add(key)
        else:
            edges[key] = body.get('attributes')
        return None

    def v1_search(self, path, search_filter=None, fields=None):
        self.calls.append(('SEARCH', path, search_filter, fields))
        self.counts['reads'] += 1
        if self.search_error is not None:
            raise self.search_error
        if path == '/api/search/systems':
            if search_filter is None:
                return iter(self.systems)
            ids = set(c['_id']['$eq'] for c in search_filter['or'])   # an id is searched as {"$eq": id}
            assert len(ids) <= 1000
            return iter(s for s in self.systems if s['_id'] in ids and s['_id'] not in self.unsearchable_ids)
        if search_filter is None:
            return iter(dict(u) if fields is None else dict((k, v) for k, v in u.items() if k in fields.split())
                        for u in self.users)
        conditions = search_filter['or']
        assert len(conditions) <= 100
        found = [u for u in self.users if any(self._matches(u, c) for c in conditions)]
        return iter(dict((k, v) for k, v in u.items() if k in fields.split() or k == '_id') for u in found)

    def map_requests(self, func, items):
        return [func(item) for item in items]

    def get(self, path, params=None):
        self.calls.append(('GET', path, params))
        self.counts['reads'] += 1
        ident = path.rsplit('/', 1)[1]
        if ident in self.failing_ids:
            raise JumpCloudError('Internal Server Error', status=500)
        if ident in self.missing_ids:
            raise JumpCloudError('Not Found', status=404)
        if path.startswith('/api/systems/'):
            found = [s for s in self.systems if s['_id'] == ident]
            if not found:
                raise JumpCloudError('Not Found', status=404)
            return dict(found[0])
        return next(dict((k, v) for k, v in u.items() if k in params['fields'].split())
                    for u in self.users if u['_id'] == ident)

    def v2_page(self, path, params=None, skip=0):
        """One page of 100 and the total, as ``x-total-count`` tells it."""
        self.calls.append(('LIST', path, params) if skip == 0 else ('PAGE', path, params, skip))
        self.counts['reads'] += 1
        items = self._listing(path, params)
        return items[skip:skip + 100], len(items)

    def v2_list(self, path, params=None, first=None):
        """Every item; with ``first`` (the first page, read already) the rest, 100 a page."""
        if self.listing_error is not None:
            self.calls.append(('LIST', path, params))
            raise self.listing_error
        items = self._listing(path, params)
        pages = max(1, -(-len(items) // 100))
        if first is None:
            self.calls.append(('LIST', path, params))
            self.counts['reads'] += pages
        else:
            self.calls.append(('REST', path, params, pages - 1))
            self.counts['reads'] += pages - 1
        return iter(items)

    def _listing(self, path, params):
        parts = path.strip('/').split('/')
        if path == '/api/v2/usergroups':
            return list(self.groups)
        if path == '/api/v2/ldapservers':
            return list(self.ldapservers)
        ident = parts[3]
        if parts[2] == 'usergroups':
            return [{'to': {'id': u}} for g, u in sorted(self.members) if g == ident]
        if parts[2] == 'systems':
            return [{'to': {'id': u}, 'attributes': a} for (s, u), a in sorted(self.bindings.items()) if s == ident]
        if parts[2] == 'ldapservers':
            return [{'to': {'id': u}} for lid, u in sorted(self.ldap_users) if lid == ident]
        if parts[4] == 'systems':
            return list(self.reached.get(ident, []))
        if parts[4] == 'memberof':
            return [{'id': g} for g, u in sorted(self.members) if u == ident]
        if params == {'targets': 'system'}:
            return [{'to': {'id': s}, 'attributes': a} for (s, u), a in sorted(self.bindings.items()) if u == ident]
        return [{'to': {'id': lid}} for lid, u in sorted(self.ldap_users) if u == ident]


class BulkJobs:
    """A client that creates jobs, applies them to its users and answers their results as scripted per poll."""

    def __init__(self, statuses=None, polls_before_results=0, refuse=None, name_users=True, clock=None):
        self.statuses = statuses or {}      # user id -> status its work result reports ('failed': not applied)
        self.polls_before_results = polls_before_results
        self.refuse = refuse                # a JumpCloudError every PATCH raises
        self.name_users = name_users        # False: no result names its user
        self.clock = clock
        self.users = {}                     # user id -> its fields, as the jobs left them
        self.jobs = {}
        self.calls = []
        self.answer = None                  # a PATCH answer other than {'jobId': ...}

    def request(self, method, path, params=None, body=None, idempotent=None):
        self.calls.append((method, path, params, body, idempotent))
        if self.refuse is not None:
            raise self.refuse
        job_id = 'job%d' % len(self.jobs)
        self.jobs[job_id] = dict(users=[item['id'] for item in body], reads=0)
        for item in body:
            if self.statuses.get(item['id'], 'finished') == 'finished':
                self.users.setdefault(item['id'], {}).update((k, v) for k, v in item.items() if k != 'id')
        return type('Answer', (), {'data': {'jobId': job_id} if self.answer is None else self.answer})

    def v2_list(self, path, params=None):
        self.calls.append(('LIST', path) if self.clock is None else ('LIST', path, self.clock.now))
        job = self.jobs[path.split('/')[-2]]
        job['reads'] += 1
        if job['reads'] <= self.polls_before_results:
            return iter([])
        return iter({'id': 'w%d' % n, 'status': self.statuses.get(u, 'finished'), 'statusMsg': '',
                     'persistedFields': {'id': u} if self.name_users else {}} for n, u in enumerate(job['users']))

    def v1_search(self, path, search_filter=None, fields=None):
        self.calls.append(('SEARCH', path, search_filter, fields))
        wanted = [c['_id']['$eq'] for c in search_filter['or']]
        return iter(dict(self.users.get(u, {}), _id=u) for u in wanted)

    def redact(self, text):
        return '%s' % text
