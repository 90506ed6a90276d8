"""In-memory state of the fake JumpCloud organisation, and the API's rules on it.

Everything here follows the API facts in docs/api-fidelity.md and the published
schemas: PUT is a partial update whose arrays replace the stored ones; emails
and employeeIdentifiers are unique; custom attribute names are letters and
digits; adding an existing membership or binding answers 409 "Already Exists".
Emails are unique across JumpCloud, so an email another organisation holds
(``foreign_emails``, invisible to every read) makes a PUT answer 409.
Association writes are applied asynchronously: with a read lag, a new
membership or binding stays out of the next reads that would show it.
Address and phone entries sent in a PUT may carry only the keys of the PUT
schema (their read-only ``id`` is refused, as a strict server may). A user
managed by a directory (``restrictedFields``) refuses a PUT that carries one of
its restricted fields. Bindings may be passwordless (``withoutPassword``). POST creates a user under the
same rules as a PUT (username and email required; STAGED allowed).
``state`` and ``suspended`` are stored apart: nothing shows that JumpCloud derives either from the other
(JumpCloud's Set-JCUser.ps1 and New-JCUser.ps1 always send both), so the fake derives neither. A STAGED user is
activated only by ``POST /api/systemusers/{id}/state/activate`` (a PUT of ``state: ACTIVATED`` to a STAGED
user answers 400); its ``email`` flag decides the email, which the fake records in ``activation_emails``.
User groups may be bound to devices and device groups, and users to device groups: ``user_systems`` traverses
the graph as ``GET /api/v2/users/{id}/systems`` does, each device with every path that reaches it. A dynamic
user group (``membershipMethod`` DYNAMIC_AUTOMATED or DYNAMIC_REVIEW_REQUIRED) has the members its rule
(``group_rules``) selects: a member added or removed by hand is accepted, and undone as soon as the rules
apply again, which the fake does at once (JumpCloud does it nightly and whenever a user attribute changes).
The HTTP layer (server.py) maps the exceptions below to status codes.
"""
import copy
import itertools
import json
import re
import threading

ATTRIBUTE_NAME_RE = re.compile(r'^[A-Za-z0-9]+$')
PHONE_TYPES = {'mobile', 'home', 'work', 'work_mobile', 'work_fax'}
# The keys the PUT schema (systemuserput) gives address and phone entries: their read-only ``id`` is not one.
ENTRY_KEYS = {'addresses': frozenset(['type', 'streetAddress', 'poBox', 'locality', 'region', 'postalCode', 'country',
                                      'extendedAddress']),
              'phoneNumbers': frozenset(['type', 'number'])}
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')

# Top-level fields a PUT /api/systemusers/{id} may carry (see docs/api-fidelity.md).
WRITABLE_USER_FIELDS = frozenset("""
username email firstname lastname middlename displayname alternateEmail recoveryEmail managedAppleId
manager jobTitle employeeIdentifier department costCenter company employeeType description location
addresses phoneNumbers attributes unix_uid unix_guid enable_user_portal_multifactor mfa ldap_binding_user
account_locked allow_public_key enable_managed_uid externally_managed external_dn external_source_type
passwordless_sudo sudo password_never_expires password state suspended
""".split())

STRING_DEFAULTS = ('firstname', 'lastname', 'middlename', 'displayname', 'alternateEmail', 'managedAppleId',
                   'jobTitle', 'employeeIdentifier', 'department', 'costCenter', 'company', 'employeeType',
                   'description', 'location', 'external_dn', 'external_source_type')
BOOL_DEFAULTS = dict(account_locked=False, activated=True, allow_public_key=True, enable_managed_uid=False,
                     enable_user_portal_multifactor=False, externally_managed=False, ldap_binding_user=False,
                     passwordless_sudo=False, password_never_expires=False, sudo=False, suspended=False,
                     samba_service_user=False, password_expired=False, totp_enabled=False)


class ApiError(Exception):
    status = 400

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    status = 400


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


# the membership methods of a user group whose members its rules set (GroupMembershipMethodType, v2 spec)
DYNAMIC_METHODS = ('DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED')

BULK_JOB_MAX = 800      # users a bulk job takes (see docs/api-fidelity.md)
# fields a bulk job accepts and leaves as they were: JumpCloud's SDK bulk tests against real orgs leave
# them out of their jobs and their assertions (see docs/api-fidelity.md), so nothing shows a job applies them
BULK_IGNORED_FIELDS = frozenset(('state', 'suspended', 'alternateEmail', 'mfa', 'enable_user_portal_multifactor'))


class BulkJob:
    """One PATCH /api/v2/bulk/users job and its work results (``job-workresult`` of the v2 spec).

    With ``name_users`` false, no result says which user it is about (the spec does not say one does)."""

    def __init__(self, job_id, suppress_email, polls_before_results, name_users=True):
        self.id = job_id
        self.suppress_email = suppress_email
        self.polls_before_results = polls_before_results
        self.name_users = name_users
        self.reads = 0
        self.results = []

    def result(self, uid, status, message, fields):
        # the user's id is in persistedFields, with the fields the job wrote for it (unless name_users is false)
        persisted = dict(fields, id=uid) if self.name_users else dict(fields)
        return {'id': '%s%04d' % (self.id[:20], len(self.results)), 'status': status, 'statusMsg': message,
                'persistedFields': persisted, 'meta': {}, 'createdAt': '2026-01-01T00:00:00.000Z',
                'updatedAt': '2026-01-01T00:00:01.000Z'}


class FakeOrg:
    """The directory: users, devices, user groups, LDAP servers and the edges between them."""

    def __init__(self, id_prefix='5f'):
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self._id_prefix = id_prefix
        self.users = {}            # id -> stored user (no password)
        self.systems = {}          # id -> system
        self.groups = {}           # id -> group
        self.group_members = {}    # group id -> {user id: None}, insertion ordered
        self.ldapservers = {}      # id -> ldap server
        self.ldap_users = {}       # ldap id -> {user id: None}
        self.system_users = {}     # system id -> {user id: attributes or None}
        self.password_sets = {}    # user id -> how many times a password was set (never served)
        self.foreign_emails = set()  # emails of users of other organisations (lower case)
        self.read_lag = lambda: 0  # how many reads a new edge stays out of (the server sets it)
        self._unseen = {}          # (kind, target id, user id) -> reads left that do not show it
        self.null_edge_attributes = False   # True: edges without attributes carry "attributes": null
        self.last_put = {}         # user id -> the last accepted PUT body, password masked (never served)
        self.new_user_state = 'ACTIVATED'   # the org's default state of a user created without one
        self.bulk_jobs = {}        # job id -> BulkJob (PATCH /api/v2/bulk/users)
        self.activation_emails = []  # {'user', 'kind': 'welcome' | 'activation', 'to'}: emails activations sent
        self.group_rules = {}      # dynamic user group id -> {field: value}: its members are the users matching
        self.group_systems = {}    # user group id -> {system id: attributes or None}: the group bound to devices
        self.system_groups = {}    # id -> device group
        self.system_group_members = {}  # device group id -> {system id: None}
        self.group_system_groups = {}   # user group id -> {device group id: None}
        self.user_system_groups = {}    # device group id -> {user id: None}: users bound to a device group

    # -- ids and seeding ---------------------------------------------------

    def new_id(self):
        return '%s%022x' % (self._id_prefix, next(self._ids))

    def add_user(self, username, email=None, **fields):
        with self.lock:
            uid = fields.pop('id', None) or fields.pop('_id', None) or self.new_id()
            user = dict(_id=uid, id=uid, username=username, email=email or '%s@example.com' % username)
            for name in STRING_DEFAULTS:
                user[name] = ''
            user.update(BOOL_DEFAULTS)
            user.update(state='ACTIVATED', addresses=[], phoneNumbers=[], attributes=[],
                        mfa={'configured': False, 'exclusion': False}, created='2024-01-01T00:00:00.000Z',
                        organization='%s%022x' % (self._id_prefix, 0))
            password = fields.pop('password', None)
            fields = copy.deepcopy(fields)
            for key in ('addresses', 'phoneNumbers'):
                for entry in fields.get(key) or []:
                    entry.setdefault('id', self.new_id())
            user.update(fields)
            self.users[uid] = user
            if password:
                self.password_sets[uid] = 1
            return user

    def add_system(self, hostname, display_name=None, last_contact=None, **fields):
        with self.lock:
            sid = fields.pop('id', None) or fields.pop('_id', None) or self.new_id()
            system = dict(_id=sid, id=sid, hostname=hostname, displayName=display_name or hostname,
                          lastContact=last_contact, os=fields.pop('os', 'Ubuntu'), active=True,
                          organization='%s%022x' % (self._id_prefix, 0), created='2024-01-01T00:00:00.000Z')
            system.update(fields)
            self.systems[sid] = system
            self.system_users[sid] = {}
            return system

    def add_group(self, name, **fields):
        with self.lock:
            gid = fields.pop('id', None) or self.new_id()
            rule = fields.pop('rule', None)
            group = dict(id=gid, name=name, type='user_group', description=fields.pop('description', ''))
            group.update(fields)
            self.groups[gid] = group
            self.group_members[gid] = {}
            self.group_systems[gid] = {}
            self.group_system_groups[gid] = {}
            if group.get('membershipMethod') in DYNAMIC_METHODS:
                self.group_rules[gid] = dict(rule or {})
                self._apply_rules(gid)
            return group

    def add_system_group(self, name, **fields):
        with self.lock:
            sgid = fields.pop('id', None) or self.new_id()
            group = dict(id=sgid, name=name, type='system_group')
            group.update(fields)
            self.system_groups[sgid] = group
            self.system_group_members[sgid] = {}
            self.user_system_groups[sgid] = {}
            return group

    def _apply_rules(self, gid):
        """A dynamic group's members become the users its rule selects (manual changes are undone)."""
        rule = self.group_rules.get(gid)
        if rule is not None:
            self.group_members[gid] = dict((uid, None) for uid, user in self.users.items()
                                           if all(user.get(k) == v for k, v in rule.items()))

    def add_ldapserver(self, name, **fields):
        with self.lock:
            lid = fields.pop('id', None) or self.new_id()
            server = dict(id=lid, name=name, userLockoutAction='disable', userPasswordExpirationAction='disable')
            server.update(fields)
            self.ldapservers[lid] = server
            self.ldap_users[lid] = {}
            return server

    def load(self, seed):
        """Fill the org from a seed document, of the shape seed.generate_org gives."""
        with self.lock:
            by_name = {}
            for entry in seed.get('users', []):
                entry = dict(entry)
                user = self.add_user(entry.pop('username'), entry.pop('email', None), **entry)
                by_name[user['username']] = user['id']
            links = []      # (user group id, hostnames, device group names), once devices and device groups exist
            for entry in seed.get('groups', []):
                entry = dict(entry)
                members = entry.pop('members', [])
                systems, system_groups = entry.pop('systems', []), entry.pop('system_groups', [])
                group = self.add_group(entry.pop('name'), **entry)
                for name in members:
                    self.group_members[group['id']][by_name[name]] = None
                links.append((group['id'], systems, system_groups))
            for entry in seed.get('systems', []):
                entry = dict(entry)
                users = entry.pop('users', [])
                system = self.add_system(entry.pop('hostname'), entry.pop('displayName', None),
                                         entry.pop('lastContact', None), **entry)
                for binding in users:
                    self.system_users[system['id']][by_name[binding['username']]] = _sudo(
                        binding.get('sudo'), binding.get('withoutPassword', False))
            self._load_system_groups(seed, by_name, links)
            self.foreign_emails.update(e.lower() for e in seed.get('foreign_emails', []))
            for entry in seed.get('ldapservers', []):
                entry = dict(entry)
                users = entry.pop('users', [])
                server = self.add_ldapserver(entry.pop('name'), **entry)
                for name in users:
                    self.ldap_users[server['id']][by_name[name]] = None

    def _load_system_groups(self, seed, by_name, links):
        """The seed's device groups (``system_groups``: name, ``systems`` hostnames, ``users`` bound), and the
        devices and device groups its user groups are bound to (a group's ``systems`` and ``system_groups``)."""
        hosts = dict((s['hostname'], sid) for sid, s in self.systems.items())
        named = {}
        for entry in seed.get('system_groups', []):
            entry = dict(entry)
            systems, users = entry.pop('systems', []), entry.pop('users', [])
            group = self.add_system_group(entry.pop('name'), **entry)
            named[group['name']] = group['id']
            for hostname in systems:
                self.system_group_members[group['id']][hosts[hostname]] = None
            for name in users:
                self.user_system_groups[group['id']][by_name[name]] = None
        for gid, systems, system_groups in links:
            for hostname in systems:
                self.group_systems[gid][hosts[hostname]] = None
            for name in system_groups:
                self.group_system_groups[gid][named[name]] = None

    # -- reads ---------------------------------------------------------------

    def public_user(self, user):
        # a JSON round trip: the same copy as deepcopy for JSON data, several times faster on large pages
        return json.loads(json.dumps(user))

    def get_user(self, uid):
        with self.lock:
            try:
                return self.public_user(self.users[uid])
            except KeyError:
                raise NotFound('Not Found: user %s' % uid)

    def find_users(self, predicate, arrange=None):
        """``(total, users)``: how many match, and copies of those ``arrange`` keeps (sorts and pages)."""
        return self._find(self.users, self.public_user, predicate, arrange)

    def find_systems(self, predicate, arrange=None):
        return self._find(self.systems, lambda system: json.loads(json.dumps(system)), predicate, arrange)

    def _find(self, table, public, predicate, arrange):
        with self.lock:
            found = [item for item in table.values() if predicate(item)]
            total = len(found)
            if arrange is not None:
                found = arrange(found)
            return total, [public(item) for item in found]

    def require(self, table, key, what):
        try:
            return table[key]
        except KeyError:
            raise NotFound('Not Found: %s %s' % (what, key))

    def group_member_edges(self, gid):
        with self.lock:
            self.require(self.group_members, gid, 'user group')
            self._apply_rules(gid)
            members = self.group_members[gid]
            if self._unseen:
                uids = [uid for uid in members if self._seen('group', gid, uid)]
            else:
                uids = list(members)        # nothing is hidden from this read: no edge to check one by one
            return _MemberEdges(uids)

    def user_memberof(self, uid):
        with self.lock:
            self.require(self.users, uid, 'user')
            for gid in self.group_rules:
                self._apply_rules(gid)
            return [{'id': gid, 'type': 'user_group', 'compiledAttributes': {},
                     'paths': [[{'to': {'id': gid, 'type': 'user_group'}}]]}
                    for gid, members in self.group_members.items() if uid in members and self._seen('group', gid, uid)]

    def user_associations(self, uid, target):
        with self.lock:
            self.require(self.users, uid, 'user')
            if target == 'system':
                return [_edge(sid, 'system', users[uid], self.null_edge_attributes) for sid, users in self.system_users.items()
                        if uid in users and self._seen('system', sid, uid)]
            if target == 'ldap_server':
                return [_edge(lid, 'ldap_server', None, self.null_edge_attributes) for lid, users in self.ldap_users.items()
                        if uid in users and self._seen('ldap', lid, uid)]
            raise BadRequest('Bad Request: unsupported targets %r' % target)

    def system_associations(self, sid, target):
        with self.lock:
            users = self.require(self.system_users, sid, 'system')
            if target != 'user':
                raise BadRequest('Bad Request: unsupported targets %r' % target)
            return [_edge(uid, 'user', attrs, self.null_edge_attributes) for uid, attrs in users.items() if self._seen('system', sid, uid)]

    def ldap_associations(self, lid, target):
        with self.lock:
            users = self.require(self.ldap_users, lid, 'ldap server')
            if target != 'user':
                raise BadRequest('Bad Request: unsupported targets %r' % target)
            return [_edge(uid, 'user', None, self.null_edge_attributes) for uid in users if self._seen('ldap', lid, uid)]

    def user_systems(self, uid):
        """``GET /api/v2/users/{id}/systems``: every device the user reaches, directly, through a user group
        (bound to the device, or to a device group holding it) or through a device group it is bound to, each
        with every path (a list of edges, the device last) that reaches it."""
        with self.lock:
            self.require(self.users, uid, 'user')
            for gid in self.group_rules:
                self._apply_rules(gid)
            paths = {}          # system id -> [path]

            def reach(sid, path):
                paths.setdefault(sid, []).append(path)
            for sid, users in self.system_users.items():
                if uid in users:
                    reach(sid, [_path_edge(sid, 'system', users[uid])])
            for sgid, users in self.user_system_groups.items():
                for sid in self.system_group_members[sgid] if uid in users else ():
                    reach(sid, [_path_edge(sgid, 'system_group'), _path_edge(sid, 'system')])
            for gid, members in self.group_members.items():
                if uid not in members:
                    continue
                step = _path_edge(gid, 'user_group')
                for sid, attributes in self.group_systems.get(gid, {}).items():
                    reach(sid, [step, _path_edge(sid, 'system', attributes)])
                for sgid in self.group_system_groups.get(gid, {}):
                    for sid in self.system_group_members[sgid]:
                        reach(sid, [step, _path_edge(sgid, 'system_group'), _path_edge(sid, 'system')])
            return [{'id': sid, 'type': 'system', 'compiledAttributes': _compiled(found), 'paths': found}
                    for sid, found in sorted(paths.items())]

    def _seen(self, kind, target, uid):
        """Whether a read shows this edge now; a new edge is left out of the first reads after its add."""
        key = (kind, target, uid)
        left = self._unseen.get(key)
        if not left:
            return True
        if left == 1:
            del self._unseen[key]
        else:
            self._unseen[key] = left - 1
        return False

    def _added(self, kind, target, uid):
        lag = self.read_lag()
        if lag:
            self._unseen[(kind, target, uid)] = lag

    # -- writes --------------------------------------------------------------

    def update_user(self, uid, body):
        """PUT /api/systemusers/{id}: a partial update; arrays that are sent replace."""
        with self.lock:
            user = self.require(self.users, uid, 'user')
            if not isinstance(body, dict):
                raise BadRequest('Bad Request: body must be a JSON object')
            unknown = sorted(set(body) - WRITABLE_USER_FIELDS)
            if unknown:
                raise BadRequest('Bad Request: field(s) not writable: %s' % ', '.join(unknown))
            self._check_user_update(uid, user, body)
            self._check_email_fields(uid, body)
            if body.get('state') == 'ACTIVATED' and user.get('state') == 'STAGED':
                raise BadRequest('Bad Request: a STAGED user is activated by POST /api/systemusers/{id}/state/activate')
            self.last_put[uid] = dict((k, '********' if k == 'password' else copy.deepcopy(v)) for k, v in body.items())
            for key, value in body.items():
                if key == 'password':
                    self.password_sets[uid] = self.password_sets.get(uid, 0) + 1
                elif key == 'manager' and value is None:
                    user.pop('manager', None)
                elif key == 'recoveryEmail':
                    user['recoveryEmail'] = {'address': value.get('address', ''), 'verified': False}
                elif key == 'mfa':
                    mfa = dict(user.get('mfa') or {})
                    mfa.update(value)
                    user['mfa'] = mfa
                elif key in ('addresses', 'phoneNumbers'):
                    entries = copy.deepcopy(value)
                    for entry in entries:
                        entry.setdefault('id', self.new_id())
                    user[key] = entries
                else:
                    user[key] = copy.deepcopy(value)
            for gid in self.group_rules:
                self._apply_rules(gid)      # an attribute change makes the rules apply again
            if body.get('enable_user_portal_multifactor') is False:
                # switching MFA off ends the enrollment window (the reference's Set-JCUser tests read back
                # mfa.exclusion false and no exclusionUntil)
                mfa = dict(user.get('mfa') or {})
                mfa['exclusion'] = False
                mfa.pop('exclusionUntil', None)
                user['mfa'] = mfa
            return self.public_user(user)

    def create_user(self, body):
        """POST /api/systemusers: a new user from ``systemuserputpost`` (username and email required).

        The same rules as a PUT apply to what it carries (unique username, email and employeeIdentifier,
        formats, a manager of this organisation), and ``state`` may also be STAGED. Without a ``state`` the
        user takes the organisation's default for users created by hand (``new_user_state``). The answer is
        the whole user, without its password; searches find it at once.
        """
        with self.lock:
            if not isinstance(body, dict):
                raise BadRequest('Bad Request: body must be a JSON object')
            unknown = sorted(set(body) - WRITABLE_USER_FIELDS)
            if unknown:
                raise BadRequest('Bad Request: field(s) not writable: %s' % ', '.join(unknown))
            for key in ('username', 'email'):
                if not isinstance(body.get(key), str) or not body[key]:
                    raise BadRequest('Bad Request: %s is required' % key)
            state = body.get('state', self.new_user_state)
            if state not in ('STAGED', 'ACTIVATED', 'SUSPENDED'):
                raise BadRequest('Bad Request: state must be STAGED, ACTIVATED or SUSPENDED')
            checked = dict((k, v) for k, v in body.items() if k != 'state')
            self._check_user_update(None, {'username': None}, checked)
            self._check_email_fields(None, checked)
            fields = copy.deepcopy(checked)
            if 'recoveryEmail' in fields:
                fields['recoveryEmail'] = {'address': fields['recoveryEmail'].get('address', ''), 'verified': False}
            if 'mfa' in fields:
                fields['mfa'] = dict({'configured': False, 'exclusion': False}, **fields['mfa'])
            fields.update(state=state, activated=state != 'STAGED')     # suspended: as sent, else false
            user = self.add_user(fields.pop('username'), fields.pop('email'), **fields)
            self.last_put[user['_id']] = dict((k, '********' if k == 'password' else copy.deepcopy(v))
                                              for k, v in body.items())
            return self.public_user(user)

    def _check_user_update(self, uid, user, body):
        for entry in user.get('restrictedFields') or []:
            if entry.get('field') in body:
                raise BadRequest('Bad Request: %s is managed by %s and cannot be changed here'
                                 % (entry['field'], entry.get('type')))
        for key, allowed in ENTRY_KEYS.items():
            if key not in body:
                continue
            if not isinstance(body[key], list) or not all(isinstance(e, dict) for e in body[key]):
                raise BadRequest('Bad Request: %s must be an array of objects' % key)
            for entry in body[key]:
                unknown = sorted(set(entry) - allowed)
                if unknown:
                    raise BadRequest('Bad Request: %s entries do not take %s' % (key, ', '.join(unknown)))
        if 'email' in body:
            email = body['email']
            if not isinstance(email, str) or not EMAIL_RE.match(email):
                raise BadRequest('Bad Request: invalid email address %r' % (email,))
            if any(o['email'].lower() == email.lower() for i, o in self.users.items() if i != uid):
                raise BadRequest('Bad Request: email address %s already exists' % email)
            if email.lower() in self.foreign_emails:
                # held by a user of another organisation: no read of this one shows it; 409 and
                # "Already Exists" are JumpCloud's conflict answer
                raise Conflict('Already Exists')
        if 'username' in body and body['username'] != user['username']:
            name = body['username']
            if not isinstance(name, str) or not name:
                raise BadRequest('Bad Request: username must be a non-empty string')
            if any(o['username'] == name for o in self.users.values()):
                raise BadRequest('Bad Request: username %s already exists' % name)
            if self._is_bound(uid):
                raise BadRequest('Bad Request: username cannot change while the user is bound to resources')
        if body.get('employeeIdentifier'):
            ident = body['employeeIdentifier']
            if len(ident) > 256:
                raise BadRequest('Bad Request: employeeIdentifier is longer than 256 characters')
            if any(o.get('employeeIdentifier') == ident for i, o in self.users.items() if i != uid):
                raise BadRequest('Bad Request: employeeIdentifier %s already exists' % ident)
        for key in ('unix_uid', 'unix_guid'):
            if key in body and (not isinstance(body[key], int) or isinstance(body[key], bool) or body[key] < 1):
                raise BadRequest('Bad Request: %s must be an integer of at least 1' % key)
        for attribute in body.get('attributes') or []:
            if not ATTRIBUTE_NAME_RE.match(str(attribute.get('name', ''))):
                raise BadRequest('Bad Request: attribute name %r must be letters and digits only'
                                 % (attribute.get('name'),))
            if len(str(attribute.get('value', ''))) > 1024:
                raise BadRequest('Bad Request: attribute value is longer than 1024 characters')
        for phone in body.get('phoneNumbers') or []:
            if phone.get('type') not in PHONE_TYPES:
                raise BadRequest('Bad Request: phone number type %r is not one of %s'
                                 % (phone.get('type'), ', '.join(sorted(PHONE_TYPES))))
        if 'manager' in body and body['manager'] is not None:
            if body['manager'] not in self.users or body['manager'] == uid:
                raise BadRequest('Bad Request: manager %r is not another user of this organization'
                                 % (body['manager'],))
        if 'state' in body and body['state'] not in ('ACTIVATED', 'SUSPENDED'):
            raise BadRequest('Bad Request: state must be ACTIVATED or SUSPENDED')
        if 'recoveryEmail' in body and not isinstance(body['recoveryEmail'], dict):
            raise BadRequest('Bad Request: recoveryEmail must be an object {"address": ...}')

    def _check_email_fields(self, uid, body):
        """alternateEmail, recoveryEmail.address and managedAppleId: strings (the published schema has them as
        ``string``, never null); ``""`` means "none" and clears the field; anything else must be an email
        address. An alternate email is unique across JumpCloud like the primary one (JumpCloud's "Alternate
        email for new users" article), so it may not be another user's email or alternate email."""
        values = [(key, body[key]) for key in ('alternateEmail', 'managedAppleId') if key in body]
        if isinstance(body.get('recoveryEmail'), dict):
            values.append(('recoveryEmail.address', body['recoveryEmail'].get('address', '')))
        for key, value in values:
            if not isinstance(value, str):
                raise BadRequest('Bad Request: %s must be a string, got %r' % (key, value))
            if value and not EMAIL_RE.match(value):
                raise BadRequest('Bad Request: %s is not a valid email address: %r' % (key, value))
        alternate = body.get('alternateEmail')
        if alternate:
            lowered = alternate.lower()
            for other_id, other in self.users.items():
                if other_id != uid and lowered in ((other.get('email') or '').lower(),
                                                   (other.get('alternateEmail') or '').lower()):
                    raise BadRequest('Bad Request: alternateEmail %s already exists' % alternate)

    def _is_bound(self, uid):
        return any(uid in users for users in self.system_users.values()) or \
            any(uid in users for users in self.ldap_users.values())

    def group_member_op(self, gid, body):
        with self.lock:
            self.require(self.group_members, gid, 'user group')
            op, uid = _graph_op(body, ('user',))
            self.require(self.users, uid, 'user')
            self._apply_rules(gid)
            try:
                self._member_op(gid, op, uid)
            finally:
                self._apply_rules(gid)      # a dynamic group's rules undo the change

    def _member_op(self, gid, op, uid):
        members = self.group_members[gid]
        if op == 'add':
            if uid in members:
                raise Conflict('Already Exists')
            members[uid] = None
            self._added('group', gid, uid)
        elif op == 'remove':
            if uid not in members:
                raise NotFound('Not Found: user %s is not a member' % uid)
            del members[uid]
        else:
            raise BadRequest('Bad Request: op %r is not supported for group members' % op)

    def system_user_op(self, sid, uid, op, attributes):
        with self.lock:
            users = self.require(self.system_users, sid, 'system')
            self.require(self.users, uid, 'user')
            if op == 'add':
                if uid in users:
                    raise Conflict('Already Exists')
                users[uid] = _sudo_attrs(attributes)
                self._added('system', sid, uid)
            elif op == 'update':
                if uid not in users:
                    raise NotFound('Not Found: user %s is not bound to system %s' % (uid, sid))
                users[uid] = _sudo_attrs(attributes)
            elif op == 'remove':
                if uid not in users:
                    raise NotFound('Not Found: user %s is not bound to system %s' % (uid, sid))
                del users[uid]

    def ldap_user_op(self, lid, uid, op):
        with self.lock:
            users = self.require(self.ldap_users, lid, 'ldap server')
            self.require(self.users, uid, 'user')
            if op == 'add':
                if uid in users:
                    raise Conflict('Already Exists')
                users[uid] = None
                self._added('ldap', lid, uid)
            elif op == 'remove':
                if uid not in users:
                    raise NotFound('Not Found: user %s is not bound to ldap server %s' % (uid, lid))
                del users[uid]
            else:
                raise BadRequest('Bad Request: op %r is not supported for ldap servers' % op)

    def system_association_op(self, sid, body):
        op, uid = _graph_op(body, ('user',))
        self.system_user_op(sid, uid, op, body.get('attributes'))

    def user_association_op(self, uid, body):
        op, target = _graph_op(body, ('system', 'ldap_server'))
        if body['type'] == 'system':
            self.system_user_op(target, uid, op, body.get('attributes'))
        else:
            self.ldap_user_op(target, uid, op)

    def ldap_association_op(self, lid, body):
        op, uid = _graph_op(body, ('user',))
        self.ldap_user_op(lid, uid, op)

    def get_system(self, sid):
        with self.lock:
            return copy.deepcopy(self.require(self.systems, sid, 'system'))

    def bulk_update(self, items, suppress_email, polls_before_results=0, failing_ids=(), name_users=True):
        """PATCH /api/v2/bulk/users: a job that updates each listed user as a PUT would, but for the
        fields of BULK_IGNORED_FIELDS, which it takes and leaves as they were.

        At most BULK_JOB_MAX users a job, each item an object with the ``id`` of a user: otherwise
        the whole job is refused (400) and nothing is written. Each user's update is checked and
        applied as a PUT is (a refused one fails that user only); the users of ``failing_ids`` fail
        without a write, as a job's worker may. The results show only after ``polls_before_results``
        reads of them; with ``name_users`` false, they do not say which user each is about.
        """
        if not isinstance(items, list) or not items:
            raise BadRequest('Bad Request: the body must be a non-empty array of users')
        if len(items) > BULK_JOB_MAX:
            raise BadRequest('Bad Request: a bulk job takes at most %d users, got %d' % (BULK_JOB_MAX, len(items)))
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get('id'), str):
                raise BadRequest('Bad Request: every user of a bulk job needs its id')
        with self.lock:
            job = BulkJob(self.new_id(), suppress_email, polls_before_results, name_users)
            for item in items:
                uid = item['id']
                fields = dict((k, v) for k, v in item.items() if k != 'id' and k not in BULK_IGNORED_FIELDS)
                if uid in failing_ids:
                    job.results.append(job.result(uid, 'failed', 'internal error while updating the user', {}))
                    continue
                try:
                    self.update_user(uid, fields)
                except ApiError as exc:
                    job.results.append(job.result(uid, 'failed', exc.message, {}))
                else:
                    job.results.append(job.result(uid, 'finished', '', fields))
            self.bulk_jobs[job.id] = job
            return job.id

    def bulk_results(self, job_id):
        """The work results of a job so far: none until it has been read ``polls_before_results`` times."""
        with self.lock:
            job = self.require(self.bulk_jobs, job_id, 'job')
            job.reads += 1
            if job.reads <= job.polls_before_results:
                return []
            return copy.deepcopy(job.results)

    def activate_user(self, uid, body):
        """``POST /api/systemusers/{id}/state/activate``: a STAGED user becomes ACTIVATED (v1 spec).

        ``email`` absent or true sends the default email: a welcome email to the primary address of a user
        with a password, else an activation email to the alternate address (or the primary one); an address
        sends it there; false sends none. A user who is not STAGED answers 400.
        """
        with self.lock:
            user = self.require(self.users, uid, 'user')
            body = {} if body is None else body
            if not isinstance(body, dict):
                raise BadRequest('Bad Request: body must be a JSON object')
            flag = body.get('email', True)
            if not isinstance(flag, (bool, str)) or (isinstance(flag, str) and not EMAIL_RE.match(flag)):
                raise BadRequest('Bad Request: email must be true, false or an email address')
            if user.get('state') != 'STAGED':
                raise BadRequest('Bad Request: user %s is not STAGED (state %s)' % (uid, user.get('state')))
            user.update(state='ACTIVATED', activated=True)
            if flag is not False:
                welcome = bool(self.password_sets.get(uid))
                default = user['email'] if welcome else (user.get('alternateEmail') or user['email'])
                self.activation_emails.append({'user': uid, 'kind': 'welcome' if welcome else 'activation',
                                               'to': flag if isinstance(flag, str) else default})

    def delete_user(self, uid, cascade_manager=None):
        """``DELETE /api/systemusers/{id}``: the user goes, with its group memberships, device bindings and LDAP
        bindings (JumpCloud removes a deleted user's associations), and answers the user as it was.

        ``cascade_manager`` (v1 spec code samples, JumpCloud's Remove-JCUser.ps1) says what becomes of the users
        it manages: ``null`` clears their manager, a user id (another existing user) becomes their manager. Any
        other value is a 400 (there is no evidence the API takes a word such as ``automatic``). Without it their
        manager is left pointing at the deleted user, as nothing shows JumpCloud clears it then.
        """
        with self.lock:
            user = self.require(self.users, uid, 'user')
            if cascade_manager is not None and cascade_manager != 'null':
                if not re.match(r'^[0-9a-f]{24}$', cascade_manager) or cascade_manager == uid or \
                        cascade_manager not in self.users:
                    raise BadRequest('Bad Request: cascade_manager must be null or the id of another user')
            answer = self.public_user(user)
            del self.users[uid]
            for table in (self.group_members, self.ldap_users, self.system_users, self.user_system_groups):
                for members in table.values():
                    members.pop(uid, None)
            if cascade_manager is not None:
                for report in self.users.values():
                    if report.get('manager') == uid:
                        report['manager'] = None if cascade_manager == 'null' else cascade_manager
            return answer

    # -- a snapshot for tests ------------------------------------------------

    def snapshot(self):
        with self.lock:
            return {
                'users': copy.deepcopy(list(self.users.values())),
                'systems': copy.deepcopy(list(self.systems.values())),
                'groups': [dict(g, members=list(self.group_members[g['id']])) for g in self.groups.values()],
                'ldapservers': [dict(s, users=list(self.ldap_users[s['id']])) for s in self.ldapservers.values()],
                'system_users': {sid: {uid: copy.deepcopy(a) for uid, a in users.items()}
                                 for sid, users in self.system_users.items()},
                'password_sets': dict(self.password_sets),
            }


def _sudo(admin, without_password=False):
    if admin is None:
        return None
    return {'sudo': {'enabled': bool(admin), 'withoutPassword': bool(without_password)}}


def _sudo_attrs(attributes):
    if not attributes:
        return None
    sudo = attributes.get('sudo')
    if sudo is None:
        return copy.deepcopy(attributes)
    if not isinstance(sudo, dict) or not isinstance(sudo.get('enabled'), bool) \
            or not isinstance(sudo.get('withoutPassword', False), bool):
        raise BadRequest('Bad Request: attributes.sudo must be {"enabled": bool, "withoutPassword": bool}')
    if sudo.get('withoutPassword') and not sudo.get('enabled'):
        raise BadRequest('Bad Request: sudo withoutPassword requires enabled')
    return {'sudo': {'enabled': sudo['enabled'], 'withoutPassword': sudo.get('withoutPassword', False)}}


def _path_edge(target_id, target_type, attributes=None):
    """One edge of a traversal's path (``GraphConnection``: ``from`` left out, as the context gives it)."""
    edge = {'to': {'id': target_id, 'type': target_type}}
    if attributes:
        edge['attributes'] = copy.deepcopy(attributes)
    return edge


def _compiled(paths):
    """The attributes compiled over every path to a device: sudo enabled (without password) when one path says so."""
    sudo = [((p[-1].get('attributes') or {}).get('sudo') or {}) for p in paths]
    if not any(s.get('enabled') for s in sudo):
        return {}
    return {'sudo': {'enabled': True, 'withoutPassword': any(s.get('enabled') and s.get('withoutPassword')
                                                             for s in sudo)}}


class _MemberEdges:
    """A group's member edges as a listing pages them: its length, and the edges of a slice, made only for that
    slice (a page of a 100,000-member group does not build 100,000 edges)."""

    def __init__(self, uids):
        self.uids = uids

    def __len__(self):
        return len(self.uids)

    def __getitem__(self, part):
        return [{'to': {'id': uid, 'type': 'user'}} for uid in self.uids[part]]


def _edge(target_id, target_type, attributes, null=False):
    edge = {'to': {'id': target_id, 'type': target_type}}
    if attributes:
        edge['attributes'] = copy.deepcopy(attributes)
    elif null:
        # as the real API answers (observed), though the spec has no null here
        edge['attributes'] = None
    # else: the spec's GraphConnection.attributes is an object, not nullable, and an edge without
    # attributes leaves the key out
    return edge


def _graph_op(body, allowed_types):
    if not isinstance(body, dict):
        raise BadRequest('Bad Request: body must be a JSON object')
    op, kind, target = body.get('op'), body.get('type'), body.get('id')
    if op not in ('add', 'remove', 'update'):
        raise BadRequest('Bad Request: op must be add, remove or update')
    if kind not in allowed_types:
        raise BadRequest('Bad Request: type %r is not one of %s' % (kind, ', '.join(allowed_types)))
    if not isinstance(target, str) or not re.match(r'^[0-9a-f]{24}$', target):
        raise BadRequest('Bad Request: id %r is not an object id' % (target,))
    return op, target
