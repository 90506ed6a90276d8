"""A stand-in for the API client in unit tests: an in-memory JumpCloud directory that answers the reads
the collection makes (searches, listings, a user by id) and the writes, each as scripted, recording them all."""
import re

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError


def uid(number):
    return '%024x' % number


class Directory:
    """A client over an in-memory directory that answers the reads ``read_state`` makes and records them."""

    def __init__(self, users=(), groups=(), systems=(), ldapservers=(), members=(), bindings=(), ldap_users=(),
                 missing_ids=(), failing_ids=(), answers=None, search_error=None):
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

    def _write(self, method, path, body):
        self.calls.append((method, path, body))
        self.counts['writes'] += 1
        queue = self.answers.get((method, path))
        error = queue.pop(0) if queue else None
        if error is not None:
            raise error

    def put(self, path, body):
        self._write('PUT', path, body)

    def post(self, path, body, idempotent=False):
        self._write('POST', path, body)

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
