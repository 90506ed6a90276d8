"""Opt-in checks against a real JumpCloud organisation: ``make live-test``.

Without ``JC_LIVE_API_KEY`` this prints one line and exits 0. With it, and with
the sandbox objects named by the environment, it runs the collection's own code
(the same flows the modules run, in this process) on that one user, group and
device only, and restores what it changed:

    JC_LIVE_API_KEY     an API key of the sandbox organisation (never printed)
    JC_LIVE_USER        username of a sandbox user the checks may change
    JC_LIVE_GROUP       name of a user group the sandbox user may be added to
    JC_LIVE_SYSTEM_ID   id of a device the sandbox user may be bound to
    JC_LIVE_ORG_ID      (optional) org id, for a multi-tenant key
    JC_LIVE_API_URL     (optional) another base URL than https://console.jumpcloud.com
    JC_LIVE_MFA         (optional) 1 to also switch MFA on for the user (and back off)
    JC_LIVE_ACTIVATE    (optional) 1 to also create a throwaway STAGED user (named jcops-live-..., with an
                        address at the sandbox user's email domain), activate it with {"email": false} and
                        delete it

It prints one line per check: ``VERIFIED`` (the collection did what it must; a
failure makes the exit status 1) or ``OBSERVED`` (what the API answered to a
read-only or no-op probe, compared with what docs/api-fidelity.md assumes).
Only the public API is used.
"""
import csv
import datetime
import os
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
# testenv puts the collection on sys.path
import testenv  # noqa: E402,F401  # pylint: disable=unused-import

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient  # noqa: E402
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed  # noqa: E402
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import flow as _import_template  # noqa: E402
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import flow as _users_from_csv  # noqa: E402
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.render import SECTIONS  # noqa: E402

NEEDED = ('JC_LIVE_API_KEY', 'JC_LIVE_USER', 'JC_LIVE_GROUP', 'JC_LIVE_SYSTEM_ID')
USER_FIELDS = ('description', 'alternateEmail', 'managedAppleId', 'recoveryEmail', 'addresses', 'phoneNumbers',
               'attributes', 'enable_user_portal_multifactor')
ATTRIBUTE = 'jcopsLiveCheck'
POLL_SECONDS = 30.0


def run_flow(flow, client, check_mode=False, **params):
    """What a module's flow returns for ``params``, as its module would: ``failed`` and ``msg`` when it fails."""
    try:
        return flow(params, lambda: client, check_mode=check_mode, want_diff=True)
    except RunFailed as exc:
        return dict(exc.result, msg=exc.msg, failed=True)


class Checks:
    def __init__(self, client):
        self.client = client
        self.failures = 0
        self.seen_429 = []

    def verified(self, ok, text, detail=''):
        if ok:
            print('VERIFIED  %s' % text)
        else:
            self.failures += 1
            print('FAILED    %s%s' % (text, (': %s' % self.client.redact(detail)) if detail else ''))
        return ok

    def observed(self, row, text, expected=None):
        if expected is None:
            print('OBSERVED  [%s] %s' % (row, text))
        else:
            print('OBSERVED  [%s] %s (%s)' % (row, text, 'as documented' if expected else 'DIFFERS from the document'))

    def step(self, function, *args):
        """Run one group of checks; an API error there fails it, and the next group still runs."""
        try:
            function(*args)
        except JumpCloudError as exc:
            self.verified(False, '%s stopped on an API error' % function.__name__, exc)

    def on_response(self, response, *args, **kwargs):
        if response.status_code == 429:
            self.seen_429.append(response.headers.get('Retry-After'))


def make_client(env):
    kwargs = dict(api_key=env['JC_LIVE_API_KEY'], org_id=env.get('JC_LIVE_ORG_ID') or None, max_workers=4)
    if env.get('JC_LIVE_API_URL'):
        kwargs['base_url'] = env['JC_LIVE_API_URL'].rstrip('/')
    return JumpCloudClient(**kwargs)


def users_csv(folder, header, row, name='live.csv'):
    path = os.path.join(folder, name)
    with open(path, 'w', encoding='utf-8', newline='') as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(row)
    return path


def apply(client, path, check_mode=False):
    before = dict(client.counts)
    result = run_flow(_users_from_csv.apply_csv, client, check_mode=check_mode, csv_path=path, skip_invalid_rows=False,
                      update_password='never', clear_token='__CLEAR__', report_path=None, max_workers=4,
                      max_file_size=100 * 1024 * 1024)
    writes = client.counts['writes'] - before['writes']
    return result, writes


def find_user(client, username):
    found = list(client.v1_search('/api/search/systemusers', {'or': [{'username': username}]}, fields='_id username'))
    found = [u for u in found if u.get('username') == username]
    if len(found) != 1:
        raise SystemExit('JC_LIVE_USER %r: %d users have that username' % (username, len(found)))
    return found[0]['_id']


def find_group(client, name):
    groups = [g for g in client.v2_list('/api/v2/usergroups', {'filter': 'name:eq:%s' % name}) if g['name'] == name]
    if len(groups) != 1:
        raise SystemExit('JC_LIVE_GROUP %r: %d groups have that name' % (name, len(groups)))
    return groups[0]['id']


def edge(client, sid, uid):
    for item in client.v2_list('/api/v2/systems/%s/associations' % sid, {'targets': 'user'}):
        if item['to']['id'] == uid:
            return item.get('attributes') or {}
    return None


def is_member(client, gid, uid):
    return any(item['id'] == gid for item in client.v2_list('/api/v2/users/%s/memberof' % uid))


def poll(test, seconds=POLL_SECONDS):
    """Read until ``test()`` holds; return (reads, seconds) or None when it never did."""
    start = time.monotonic()
    reads = 0
    delay = 0.2
    while True:
        reads += 1
        if test():
            return reads, time.monotonic() - start
        if time.monotonic() - start > seconds:
            return None
        time.sleep(delay)
        delay = min(delay * 2, 3.0)


# -- the checks -------------------------------------------------------------------------------------------


def check_template(checks, client, folder, uid, user):
    params = dict(dest=os.path.join(folder, 'template.csv'), type='update', populate_users=True, prefill=True,
                  systems=False, groups=1, custom_attributes=1, force=True)
    params.update((section, section != 'systems') for section, dummy in SECTIONS)
    result = run_flow(_import_template.write_template, client, **params)
    if not checks.verified(not result.get('failed'), 'a prefilled template of every user is written',
                           result.get('msg')):
        return
    with open(result['path'], encoding='utf-8-sig', newline='') as handle:
        table = list(csv.DictReader(handle))
    row = next((r for r in table if r['Username'] == user['username']), None)
    same = row is not None and row['Email'] == user.get('email', '') and \
        row['jobTitle'] == (user.get('jobTitle') or '') and row['description'] == (user.get('description') or '')
    checks.verified(same, 'the template row of %s carries its email, jobTitle and description' % user['username'])


def check_apply(checks, client, folder, env, uid, gid, sid, probe):
    header = ['Username', 'description', 'alternateEmail', 'recoveryEmail', 'managedAppleId', 'work_city',
              'work_fax_number', 'Attribute1_name', 'Attribute1_value', 'Group1', 'SystemID', 'Administrator']
    row = [env['JC_LIVE_USER'], 'jcops live check %s' % probe, 'jcops-alt-%s@example.com' % probe,
           'jcops-rec-%s@example.com' % probe, 'jcops-apple-%s@example.com' % probe, 'Live City %s' % probe,
           '+1 555 %s' % probe[:4], ATTRIBUTE, probe, env['JC_LIVE_GROUP'], sid, 'true']
    if env.get('JC_LIVE_MFA') == '1':
        header += ['enable_user_portal_multifactor', 'EnrollmentDays']
        row += ['true', '30']
    path = users_csv(folder, header, row)

    checked, writes = apply(client, path, check_mode=True)
    result = (checked.get('results') or [{}])[0]
    checks.verified(not checked.get('failed') and writes == 0 and result.get('changed'),
                    'check mode reports the change to every column group and sends no write (%d writes)' % writes,
                    checked.get('msg'))

    applied, writes = apply(client, path)
    result = (applied.get('results') or [{}])[0]
    checks.verified(not applied.get('failed') and result.get('status') == 'updated',
                    'the apply updates the user, adds the group and binds the device (%d writes)' % writes,
                    applied.get('msg') or result.get('msg'))
    user = client.get('/api/systemusers/%s' % uid)
    work = next((a for a in user.get('addresses') or [] if (a.get('type') or '').lower() == 'work'), {})
    fax = next((p for p in user.get('phoneNumbers') or [] if p.get('type') == 'work_fax'), {})
    attribute = next((a for a in user.get('attributes') or [] if a.get('name') == ATTRIBUTE), {})
    checks.verified(user.get('description') == row[1] and user.get('alternateEmail') == row[2] and
                    (user.get('recoveryEmail') or {}).get('address') == row[3] and user.get('managedAppleId') == row[4]
                    and work.get('locality') == row[5] and fax.get('number') == row[6] and
                    attribute.get('value') == probe,
                    'the user reads back with every written value (information, location, telephony, attributes)')
    if env.get('JC_LIVE_MFA') == '1':
        mfa = user.get('mfa') or {}
        until = mfa.get('exclusionUntil') or ''
        wanted = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime('%Y-%m-%d')
        checks.observed('MFA body', 'enable_user_portal_multifactor=%s, mfa.exclusion=%s, exclusionUntil=%s '
                        '(asked for %s)' % (user.get('enable_user_portal_multifactor'), mfa.get('exclusion'),
                                            until, wanted), until.startswith(wanted))

    # association writes are applied asynchronously: read until both edges show
    seen = poll(lambda: is_member(client, gid, uid) and (edge(client, sid, uid) or {}).get('sudo', {}).get('enabled'))
    checks.observed('eventual consistency', 'the group membership and the sudo binding were visible after %s' % (
        'never (%.0f s)' % POLL_SECONDS if seen is None else '%d read(s), %.1f s' % seen))
    binding = edge(client, sid, uid) or {}
    checks.verified((binding.get('sudo') or {}).get('enabled') is True,
                    'the device binding carries sudo enabled (Administrator=true): %r' % (binding,))

    again, writes = apply(client, path)
    results = (again.get('results') or [{}])[0]
    checks.verified(not again.get('failed') and writes == 0 and results.get('status') == 'unchanged',
                    'a second run of the same file sends no write (%d writes, status %s)'
                    % (writes, results.get('status')), again.get('msg'))
    return row


def check_clear(checks, client, folder, env, uid):
    path = users_csv(folder, ['Username', 'alternateEmail', 'recoveryEmail', 'managedAppleId'],
                     [env['JC_LIVE_USER'], '__CLEAR__', '__CLEAR__', '__CLEAR__'], name='clear.csv')
    cleared, writes = apply(client, path)
    result = (cleared.get('results') or [{}])[0]
    ok = checks.verified(not cleared.get('failed') and result.get('status') == 'updated',
                         'the clear token is accepted for alternateEmail, recoveryEmail and managedAppleId (sent as "")',
                         cleared.get('msg') or result.get('msg'))
    user = client.get('/api/systemusers/%s' % uid)
    values = (user.get('alternateEmail'), (user.get('recoveryEmail') or {}).get('address'), user.get('managedAppleId'))
    if ok:
        checks.verified(all(not v for v in values), 'the three fields read back empty: %r' % (values,))
        again, writes = apply(client, path)
        checks.verified(not again.get('failed') and writes == 0, 'clearing again sends no write (%d)' % writes)


def probe_search(checks, client):
    def search(params=None, body=None):
        return client.request('POST', '/api/search/systemusers', params=params, body=body, idempotent=True).data

    both = search({'limit': 1000, 'skip': 0}, {'limit': 1000, 'skip': 0, 'fields': 'username'})
    total = both.get('totalCount')
    checks.verified(len(both['results']) == min(1000, total),
                    'a search with limit 1000 answers min(1000, totalCount) = %d results' % min(1000, total))
    body_only = len(search(None, {'limit': 1000, 'skip': 0, 'fields': 'username'})['results'])
    query_only = len(search({'limit': 1000, 'skip': 0}, {'fields': 'username'})['results'])
    checks.observed('search paging', 'limit 1000 in the body only gave %d results, in the query string only %d '
                    '(org total %d)' % (body_only, query_only, total))
    try:
        search({'limit': 1001}, {'limit': 1001})
        checks.observed('search limit over 1000', 'limit 1001 was accepted', False)
    except JumpCloudError as exc:
        checks.observed('search limit over 1000', 'limit 1001: HTTP %s %s' % (exc.status, exc.message),
                        exc.status == 400 and 'exceeds maximum value of 1000' in exc.message)
    try:
        client.get('/api/systemusers', params={'limit': 101})
        checks.observed('listing limit over 100', 'GET /api/systemusers limit=101 was accepted', False)
    except JumpCloudError as exc:
        checks.observed('listing limit over 100', 'limit 101: HTTP %s %s' % (exc.status, exc.message),
                        exc.status == 400 and 'exceeds maximum value of 100' in exc.message)
    response = client.request('GET', '/api/v2/usergroups', params={'limit': 1})
    header = response.headers.get('x-total-count')
    checks.observed('x-total-count', 'GET /api/v2/usergroups answers x-total-count: %s' % header, header is not None)


def probe_case_and_fields(checks, client, username, uid):
    upper = username.upper()
    pattern = '(?i)(^%s$)' % ''.join('\\' + c if not c.isalnum() else c for c in upper)
    try:
        found = list(client.v1_search('/api/search/systemusers', {'or': [{'username': {'$regex': pattern}}]},
                                      fields='username'))
        checks.observed('case-insensitive names', 'a $regex (?i) search for %s found %d user(s)' % (
            upper, len(found)), any(u.get('_id') == uid for u in found))
    except JumpCloudError as exc:
        checks.observed('case-insensitive names', 'a $regex search was refused: HTTP %s %s' % (exc.status, exc.message),
                        False)
    user = client.get('/api/systemusers/%s' % uid, params={'fields': 'sudo restrictedFields passwordless_sudo'})
    checks.observed('user-level sudo', 'the user reads sudo=%r, passwordless_sudo=%r' % (
        user.get('sudo'), user.get('passwordless_sudo')))
    checks.observed('restrictedFields', 'the user reads restrictedFields=%r' % (user.get('restrictedFields'),))


def probe_conflicts(checks, client, uid, gid, other_email):
    try:
        client.post('/api/v2/usergroups/%s/members' % gid, {'op': 'add', 'type': 'user', 'id': uid})
        checks.observed('409 on association add', 'adding an existing member was accepted', False)
    except JumpCloudError as exc:
        checks.observed('409 on association add', 'adding an existing member: HTTP %s %s' % (exc.status, exc.message),
                        exc.status == 409 and exc.message == 'Already Exists')
    if not other_email:
        checks.observed('user PUT conflict', 'not probed: no other user with an email was found')
        return
    try:
        client.put('/api/systemusers/%s' % uid, {'email': other_email})
        checks.observed('user PUT conflict', "another user's email was ACCEPTED; it is being put back", False)
        return True
    except JumpCloudError as exc:
        checks.observed('user PUT conflict', "another user's email: HTTP %s %s" % (exc.status, exc.message),
                        exc.status in (400, 409))


def probe_entry_ids(checks, client, uid):
    phones = client.get('/api/systemusers/%s' % uid, params={'fields': 'phoneNumbers'}).get('phoneNumbers') or []
    if not any('id' in p for p in phones):
        checks.observed('address/phone ids', 'not probed: the user has no phone number with an id')
        return
    for label, entries in (('without', [dict((k, v) for k, v in p.items() if k != 'id') for p in phones]),
                           ('with', phones)):
        try:
            client.put('/api/systemusers/%s' % uid, {'phoneNumbers': entries})
            checks.observed('address/phone ids', 'phoneNumbers sent back %s their ids: accepted' % label,
                            True if label == 'without' else None)
        except JumpCloudError as exc:
            checks.observed('address/phone ids', 'phoneNumbers sent back %s their ids: HTTP %s %s' % (
                label, exc.status, exc.message), False if label == 'without' else None)


def probe_passwordless(checks, client, sid, uid):
    body = {'op': 'update', 'type': 'user', 'id': uid,
            'attributes': {'sudo': {'enabled': True, 'withoutPassword': True}}}
    try:
        client.post('/api/v2/systems/%s/associations' % sid, body, idempotent=True)
    except JumpCloudError as exc:
        checks.observed('passwordless sudo binding', 'update to withoutPassword=true: HTTP %s %s' % (
            exc.status, exc.message), False)
        return
    seen = poll(lambda: ((edge(client, sid, uid) or {}).get('sudo') or {}).get('withoutPassword') is True)
    checks.observed('passwordless sudo binding', 'the edge read back as %r' % (edge(client, sid, uid),), seen is not None)


def probe_suspended_after_state(checks, client, uid):
    """What ``suspended`` reads after a PUT of ``state`` alone (the collection always sends both, as
    JumpCloud's Set-JCUser does); the user's state and flag are put back at once."""
    user = client.get('/api/systemusers/%s' % uid, params={'fields': 'state suspended'})
    state, flag = user.get('state'), user.get('suspended')
    if state != 'ACTIVATED':
        checks.observed('suspended after a state PUT', 'not probed: the sandbox user is %s, not ACTIVATED' % state)
        return
    try:
        client.put('/api/systemusers/%s' % uid, {'state': 'SUSPENDED'})
        after = client.get('/api/systemusers/%s' % uid, params={'fields': 'state suspended'})
        checks.observed('suspended after a state PUT', 'PUT {"state": "SUSPENDED"} alone: the user reads state=%r, '
                        'suspended=%r (the collection sends both either way)' % (after.get('state'),
                                                                                 after.get('suspended')))
    finally:
        client.put('/api/systemusers/%s' % uid, {'state': state, 'suspended': bool(flag)})


def probe_user_systems(checks, client, uid, sid):
    """``GET /api/v2/users/{id}/systems``: the shape of its ``paths``, which name the routes a RemoveSystemID
    leaves (each path a list of edges ``{"to": {"id", "type"}}``, the device last)."""
    reached = list(client.v2_list('/api/v2/users/%s/systems' % uid))
    paths = [p for item in reached for p in item.get('paths') or []]
    shaped = all(isinstance(p, list) and p and all(isinstance((e or {}).get('to'), dict) for e in p) for p in paths)
    last = all(p[-1]['to'].get('type') == 'system' for p in paths) if shaped else False
    kinds = sorted(set(e['to'].get('type') for p in paths for e in p[:-1])) if shaped else []
    sandbox = [item for item in reached if item.get('id') == sid]
    checks.observed('users/{id}/systems paths', '%d device(s), %d path(s), through %s; the sandbox device %s' % (
        len(reached), len(paths), ', '.join(kinds) or 'no group',
        'with %d path(s)' % len(sandbox[0].get('paths') or []) if sandbox else 'not reached'),
        shaped and last)


def probe_activate(checks, client, uid, probe):
    """``POST /api/systemusers/{id}/state/activate`` with ``{"email": false}`` on a throwaway STAGED user, which
    is deleted afterwards."""
    domain = (client.get('/api/systemusers/%s' % uid, params={'fields': 'email'}).get('email') or '@').split('@')[-1]
    name = 'jcops-live-%s' % probe
    created = client.post('/api/systemusers', {'username': name, 'email': '%s@%s' % (name, domain),
                                               'firstname': 'Live', 'lastname': 'Check', 'state': 'STAGED',
                                               'suspended': False})
    new_id = created.get('_id') or created.get('id')
    try:
        try:
            client.post('/api/systemusers/%s/state/activate' % new_id, {'email': False})
        except JumpCloudError as exc:
            checks.observed('activate endpoint', 'state/activate with {"email": false}: HTTP %s %s' % (
                exc.status, exc.message), False)
            return
        after = client.get('/api/systemusers/%s' % new_id, params={'fields': 'state activated suspended'})
        checks.observed('activate endpoint', 'state/activate with {"email": false}: the user reads state=%r, '
                        'activated=%r, suspended=%r' % (after.get('state'), after.get('activated'),
                                                        after.get('suspended')), after.get('state') == 'ACTIVATED')
    finally:
        client.request('DELETE', '/api/systemusers/%s' % new_id)


def probe_bulk_result_shape(checks, client, uid, probe):
    """One bulk job changing the sandbox user's description (restored at the end): what its results look like,
    whether one names the user and where, and what status words they pass through."""
    answer = client.request('PATCH', '/api/v2/bulk/users', params={'suppressEmail': 'true'},
                            body=[{'id': uid, 'description': 'jcops bulk probe %s' % probe}], idempotent=False).data
    job_id = answer.get('jobId') if isinstance(answer, dict) else None
    shape = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
    checks.observed('bulk result shape', 'the job answer: %r' % (shape,), isinstance(job_id, str))
    if not isinstance(job_id, str):
        return
    seen = []

    def over():
        results = list(client.v2_list('/api/v2/bulk/users/%s/results' % job_id))
        seen.append(sorted(set('%s' % (r.get('status'),) for r in results if isinstance(r, dict))))
        return results if results and all(isinstance(r, dict) and '%s' % r.get('status') in (
            'finished', 'failed', 'error') for r in results) else None
    if poll(over, 120.0) is None:
        checks.observed('bulk result shape', 'no terminal results within 120 s; statuses seen: %r' % (seen,))
        return
    results = over()
    where = sorted(set('%s.%s' % (key, sub) if sub else key for r in results for key, value in r.items()
                       for sub in ((k for k, v in value.items() if v == uid) if isinstance(value, dict) else
                                   ([None] if value == uid else []))))
    checks.observed('bulk result shape', '%d result(s); keys %r; persistedFields keys %r; statuses over time %r; '
                    'the user id is at %r' % (len(results), sorted(set(k for r in results for k in r)), sorted(set(
                        k for r in results for k in (r.get('persistedFields') or {}))), seen, where or 'nowhere'),
                    where == ['persistedFields.id'])
    stored = client.get('/api/systemusers/%s' % uid, params={'fields': 'description'}).get('description')
    checks.observed('bulk result shape', 'the description read back %s the job\'s value' % (
        'as' if stored == 'jcops bulk probe %s' % probe else 'NOT as'))


def other_email(client, uid):
    """The email of some other user of the organisation, for the conflict probe."""
    page = client.request('POST', '/api/search/systemusers', params={'limit': 2, 'skip': 0},
                          body={'limit': 2, 'skip': 0, 'fields': 'email'}, idempotent=True).data or {}
    return next((u['email'] for u in page.get('results') or [] if u.get('_id') != uid and u.get('email')), None)


# -- bookkeeping ------------------------------------------------------------------------------------------


def snapshot(client, uid, gid, sid):
    user = client.get('/api/systemusers/%s' % uid)
    return {'user': dict((k, user.get(k)) for k in USER_FIELDS + ('email',)),
            'member': is_member(client, gid, uid), 'binding': edge(client, sid, uid)}


def restore(client, uid, gid, sid, before):
    """Put the sandbox objects back as they were; return what could not be restored."""
    problems = []
    fields = dict(before['user'])       # email too: a conflict probe that was accepted is undone
    fields['recoveryEmail'] = {'address': (fields.get('recoveryEmail') or {}).get('address') or ''}
    for key in ('alternateEmail', 'managedAppleId', 'description'):
        fields[key] = fields.get(key) or ''
    for key in ('addresses', 'phoneNumbers', 'attributes'):
        fields[key] = fields.get(key) or []
    fields['enable_user_portal_multifactor'] = bool(fields.get('enable_user_portal_multifactor'))
    try:
        client.put('/api/systemusers/%s' % uid, fields)
    except JumpCloudError:
        # the entries' ids may be refused: send them without
        for key in ('addresses', 'phoneNumbers'):
            fields[key] = [dict((k, v) for k, v in e.items() if k != 'id') for e in fields[key]]
        try:
            client.put('/api/systemusers/%s' % uid, fields)
        except JumpCloudError as exc:
            problems.append('user fields: %s' % client.redact(exc))
    try:
        if not before['member'] and is_member(client, gid, uid):
            client.post('/api/v2/usergroups/%s/members' % gid, {'op': 'remove', 'type': 'user', 'id': uid})
    except JumpCloudError as exc:
        problems.append('group membership: %s' % client.redact(exc))
    try:
        now = edge(client, sid, uid)
        if before['binding'] is None and now is not None:
            client.post('/api/v2/systems/%s/associations' % sid, {'op': 'remove', 'type': 'user', 'id': uid})
        elif before['binding'] is not None and now != before['binding']:
            sudo = (before['binding'] or {}).get('sudo') or {'enabled': False, 'withoutPassword': False}
            body = {'op': 'update', 'type': 'user', 'id': uid, 'attributes': {'sudo': sudo}}
            client.post('/api/v2/systems/%s/associations' % sid, body, idempotent=True)
    except JumpCloudError as exc:
        problems.append('device binding: %s' % client.redact(exc))
    return problems


def main(env=None):
    env = dict(os.environ if env is None else env)
    missing = [name for name in NEEDED if not env.get(name)]
    if missing:
        print('live-test skipped: set %s to run it against a sandbox JumpCloud organisation' % ', '.join(missing))
        return 0
    client = make_client(env)
    checks = Checks(client)
    client.session.hooks['response'].append(checks.on_response)
    uid = find_user(client, env['JC_LIVE_USER'])
    gid = find_group(client, env['JC_LIVE_GROUP'])
    sid = env['JC_LIVE_SYSTEM_ID']
    before = snapshot(client, uid, gid, sid)
    print('live-test against %s: user %s, group %s, device %s' % (client.base_url, env['JC_LIVE_USER'],
                                                                  env['JC_LIVE_GROUP'], sid))
    probe = uuid.uuid4().hex[:8]
    problems = []
    try:
        with tempfile.TemporaryDirectory(prefix='jcops-live-') as folder:
            user = client.get('/api/systemusers/%s' % uid)
            checks.step(check_template, checks, client, folder, uid, user)
            checks.step(probe_search, checks, client)
            checks.step(check_apply, checks, client, folder, env, uid, gid, sid, probe)
            checks.step(check_clear, checks, client, folder, env, uid)
            checks.step(probe_case_and_fields, checks, client, env['JC_LIVE_USER'], uid)
            checks.step(probe_entry_ids, checks, client, uid)
            checks.step(probe_conflicts, checks, client, uid, gid, other_email(client, uid))
            checks.step(probe_passwordless, checks, client, sid, uid)
            checks.step(probe_suspended_after_state, checks, client, uid)
            checks.step(probe_user_systems, checks, client, uid, sid)
            if env.get('JC_LIVE_ACTIVATE') == '1':
                checks.step(probe_activate, checks, client, uid, probe)
            checks.step(probe_bulk_result_shape, checks, client, uid, probe)
    finally:
        problems = restore(client, uid, gid, sid, before)
        after = snapshot(client, uid, gid, sid)
        differ = [k for k in USER_FIELDS + ('email',) if not _same(after['user'].get(k), before['user'].get(k))]
        if after['member'] != before['member']:
            differ.append('group membership')
        if after['binding'] != before['binding']:
            differ.append('device binding')
        checks.verified(not differ and not problems, 'the user, its group membership and its device binding are restored',
                        '; '.join(problems) or 'differs after restoring: %s' % ', '.join(differ))
    if checks.seen_429:
        checks.observed('429', '%d answer(s) 429; Retry-After: %s' % (len(checks.seen_429), ', '.join(
            '%s' % v for v in checks.seen_429)))
    else:
        checks.observed('429', 'no 429 was seen (%d requests)' % (client.counts['reads'] + client.counts['writes']))
    print('live-test: %d check(s) failed' % checks.failures if checks.failures else 'live-test: every check passed')
    return 1 if checks.failures else 0


def _same(a, b):
    """Equal as the collection compares values: empty and absent alike, entry ids left out."""
    def norm(value):
        if isinstance(value, dict):
            value = dict((k, norm(v)) for k, v in value.items() if k not in ('id', 'verified', 'verifiedAt'))
            return dict((k, v) for k, v in value.items() if v is not None) or None
        if isinstance(value, list):
            return [norm(v) for v in value] or None
        return value if value not in ('', None, False) else None
    return norm(a) == norm(b)


if __name__ == '__main__':
    sys.exit(main())
