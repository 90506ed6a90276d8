"""The fake server's success responses validate against the published JumpCloud schemas,
and it keeps the API rules of docs/api-fidelity.md. Every route it serves is exercised."""
import pytest
import requests

from testenv import API_KEY
from helpers import configure_fake
from fake_jumpcloud.schemas import SCHEMAS
from fake_jumpcloud.seed import generate_org
from fake_jumpcloud.server import ROUTES


class Recorder:
    """Calls the fake and checks every success answer against the operation's schema."""

    def __init__(self, fake):
        self.fake = fake
        self.session = requests.Session()
        self.session.headers['x-api-key'] = API_KEY
        self.seen = set()

    def call(self, method, template, ident=None, **kwargs):
        path = template.replace('{id}', ident) if ident else template
        response = self.session.request(method, self.fake.url + path, **kwargs)
        operation = '%s %s' % (method, template)
        if response.status_code < 300:
            assert response.status_code == SCHEMAS.expected_status(operation), response.text
            body = response.json() if response.content else None
            assert SCHEMAS.problems(operation, 'response', body) == [], operation
            self.seen.add(operation)
        return response


@pytest.fixture
def api(fake):
    return Recorder(fake)


def ids(fake):
    state = fake.org.snapshot()
    return state['users'][0]['id'], state['users'][1]['id'], state['systems'][0]['id'], \
        state['groups'][0]['id'], state['ldapservers'][0]['id']


def test_every_route_answers_per_schema(api, fake):
    uid, other, sid, gid, lid = ids(fake)
    api.call('GET', '/api/systemusers', params={'limit': 5, 'sort': '_id'})
    api.call('GET', '/api/systemusers', params={'fields': 'username email', 'filter': 'username:$eq:user00002'})
    api.call('POST', '/api/search/systemusers', json={'filter': {'or': [{'username': 'user00001'}]}, 'limit': 100})
    api.call('GET', '/api/systemusers/{id}', uid)
    api.call('PUT', '/api/systemusers/{id}', uid, json={
        'firstname': 'Änne', 'recoveryEmail': {'address': 'r@example.com'}, 'manager': other,
        'mfa': {'exclusion': True, 'exclusionUntil': '2026-12-01T00:00:00Z'},
        'addresses': [{'type': 'home', 'locality': 'Denver'}], 'phoneNumbers': [{'type': 'home', 'number': '1'}],
        'attributes': [{'name': 'a1', 'value': 'v'}], 'unix_uid': 7001, 'sudo': True, 'password': 'S3cret!pw'})
    api.call('POST', '/api/systemusers', json={
        'username': 'new.hire', 'email': 'new.hire@example.com', 'firstname': 'New', 'lastname': 'Hire',
        'state': 'STAGED', 'password': 'S3cret!pw', 'manager': other, 'recoveryEmail': {'address': 'nh@example.com'},
        'mfa': {'exclusion': True, 'exclusionDays': 7}, 'addresses': [{'type': 'work', 'locality': 'Lyon'}],
        'phoneNumbers': [{'type': 'mobile', 'number': '2'}], 'attributes': [{'name': 'team', 'value': 'red'}]})
    staged = [u for u in fake.org.snapshot()['users'] if u['username'] == 'new.hire'][0]['id']
    api.call('POST', '/api/systemusers/{id}/state/activate', staged, json={'email': False})
    deleted = api.call('DELETE', '/api/systemusers/{id}', staged).json()
    assert deleted['username'] == 'new.hire' and api.call('GET', '/api/systemusers/{id}', staged).status_code == 404
    api.call('GET', '/api/systems', params={'fields': 'hostname displayName lastContact', 'limit': 100})
    api.call('POST', '/api/search/systems', json={'filter': {'hostname': 'host-0001'}, 'limit': 10})
    api.call('GET', '/api/v2/usergroups', params={'filter': 'name:eq:group-001'})
    api.call('GET', '/api/v2/usergroups/{id}/members', gid)
    api.call('POST', '/api/v2/usergroups/{id}/members', gid, json={'op': 'add', 'type': 'user', 'id': other})
    api.call('GET', '/api/v2/users/{id}/memberof', other)
    api.call('GET', '/api/v2/users/{id}/associations', uid, params={'targets': 'system'})
    api.call('GET', '/api/v2/users/{id}/systems', uid)
    api.call('POST', '/api/v2/users/{id}/associations', other, json={
        'op': 'add', 'type': 'system', 'id': sid, 'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}})
    api.call('GET', '/api/v2/systems/{id}/associations', sid, params={'targets': 'user'})
    api.call('POST', '/api/v2/systems/{id}/associations', sid, json={
        'op': 'update', 'type': 'user', 'id': uid, 'attributes': {'sudo': {'enabled': False, 'withoutPassword': False}}})
    api.call('GET', '/api/v2/ldapservers')
    api.call('GET', '/api/v2/ldapservers/{id}/associations', lid, params={'targets': 'user'})
    api.call('POST', '/api/v2/ldapservers/{id}/associations', lid, json={'op': 'add', 'type': 'user', 'id': other})
    api.call('GET', '/api/systems/{id}', sid, params={'fields': 'hostname displayName'})
    api.call('GET', '/api/organizations', params={'fields': '_id', 'limit': 2})
    job = api.call('PATCH', '/api/v2/bulk/users', params={'suppressEmail': 'true'},
                   json=[{'id': uid, 'jobTitle': 'Bulk'}]).json()['jobId']
    api.call('GET', '/api/v2/bulk/users/{id}/results', job, params={'limit': 100})
    api.call('GET', '/api/v2/bulk/users/{id}/results', job, params={'limit': 100})
    served = {'%s %s' % (entry[0], entry[1]) for entry in ROUTES}
    assert served <= set(SCHEMAS.operations), 'a route without a published schema'
    assert api.seen == served


def test_schemas_reject_a_malformed_answer():
    # the validator is not vacuous: a wrong type in a user is caught
    problems = SCHEMAS.problems('GET /api/systemusers/{id}', 'response', {'_id': 'x', 'unix_uid': 'seven'})
    assert problems and 'unix_uid' in problems[0]


def test_requests_without_the_key_get_401(api, fake):
    response = requests.get(fake.url + '/api/systemusers')
    assert response.status_code == 401
    assert response.json() == {'error': 'Unauthorized', 'message': 'Unauthorized: api key user not found'}


def test_multi_tenant_key_without_org_id_gets_401(fake_factory):
    fake = fake_factory(org_id='ab' * 12)
    headers = {'x-api-key': API_KEY}
    assert requests.get(fake.url + '/api/systemusers', headers=headers).status_code == 401
    headers['x-org-id'] = 'ab' * 12
    assert requests.get(fake.url + '/api/systemusers', headers=headers).status_code == 200


def test_a_bulk_job_updates_as_put_does_and_its_results_show_after_some_reads(fake_factory, small_org):
    fake = fake_factory(seed=small_org, bulk_polls_before_results=2)
    api = Recorder(fake)
    users = fake.org.snapshot()['users']
    first, second, third = users[0]['id'], users[1]['id'], users[2]['id']
    body = [{'id': first, 'jobTitle': 'Bulk one', 'attributes': [{'name': 'team', 'value': 'x'}]},
            {'id': second, 'email': users[0]['email']},         # taken: fails, as a PUT would
            {'id': third, 'department': 'Ops'}]
    job = api.call('PATCH', '/api/v2/bulk/users', params={'suppressEmail': 'true'}, json=body).json()['jobId']
    assert fake.org.bulk_jobs[job].suppress_email is True
    for dummy in range(2):
        answer = api.call('GET', '/api/v2/bulk/users/{id}/results', job, params={'limit': 100})
        assert answer.json() == [] and answer.headers['x-total-count'] == '0'
    results = api.call('GET', '/api/v2/bulk/users/{id}/results', job, params={'limit': 100}).json()
    assert [(r['persistedFields']['id'], r['status']) for r in results] == [
        (first, 'finished'), (second, 'failed'), (third, 'finished')]
    assert 'already' in results[1]['statusMsg'] or 'exists' in results[1]['statusMsg'].lower()
    stored = dict((u['id'], u) for u in fake.org.snapshot()['users'])
    assert stored[first]['jobTitle'] == 'Bulk one' and stored[third]['department'] == 'Ops'
    assert stored[second]['email'] == users[1]['email']
    # limit over 100 on the results is refused, as on every v2 listing
    assert api.session.get(fake.url + '/api/v2/bulk/users/%s/results' % job, params={'limit': 101}).status_code == 400


def test_a_bulk_job_of_more_than_800_users_is_refused_whole(fake_factory, small_org):
    fake = fake_factory(seed=small_org)
    uid = fake.org.snapshot()['users'][0]['id']
    before = fake.org.snapshot()
    response = requests.patch(fake.url + '/api/v2/bulk/users', headers={'x-api-key': API_KEY},
                              json=[{'id': uid, 'jobTitle': 'x%d' % n} for n in range(801)])
    assert response.status_code == 400 and '800' in response.json()['message']
    assert fake.org.snapshot() == before and fake.org.bulk_jobs == {}


def test_a_bulk_job_can_report_users_failed_without_updating_them(fake_factory, small_org):
    fake = fake_factory(seed=small_org, bulk_polls_before_results=0)
    uid = fake.org.snapshot()['users'][0]['id']
    fake.config.update({'bulk_failing_ids': [uid]})
    job = requests.patch(fake.url + '/api/v2/bulk/users', headers={'x-api-key': API_KEY},
                         json=[{'id': uid, 'jobTitle': 'never'}]).json()['jobId']
    results = requests.get(fake.url + '/api/v2/bulk/users/%s/results' % job, headers={'x-api-key': API_KEY}).json()
    assert [r['status'] for r in results] == ['failed']
    assert fake.org.get_user(uid)['jobTitle'] != 'never'


@pytest.mark.parametrize('method,path,kwargs', [
    ('GET', '/api/systemusers', {'params': {'limit': 101}}),
    ('GET', '/api/systems', {'params': {'limit': 101}}),
    ('GET', '/api/v2/usergroups', {'params': {'limit': 1000}}),
    ('GET', '/api/v2/usergroups/{id}/members', {'params': {'limit': 101}}),
])
def test_listing_limit_over_100_is_400(api, fake, method, path, kwargs):
    path = path.replace('{id}', ids(fake)[3])
    response = api.session.request(method, api.fake.url + path, **kwargs)
    assert response.status_code == 400
    assert response.json() == {'message': 'Bad Request: request parameter "limit" exceeds maximum value of 100'}


@pytest.mark.parametrize('path', ['/api/search/systemusers', '/api/search/systems'])
@pytest.mark.parametrize('kwargs', [
    {'json': {'limit': 1001}},
    {'json': {}, 'params': {'limit': 1001}},
    {'json': {'limit': 1000}, 'params': {'limit': 5000}},
])
def test_search_limit_over_1000_is_400(api, path, kwargs):
    response = api.session.post(api.fake.url + path, **kwargs)
    assert response.status_code == 400
    assert response.json() == {'message': 'Bad Request: request parameter "limit" exceeds maximum value of 1000'}


def test_search_pages_up_to_1000_from_the_body_or_the_query_string(fake_factory):
    fake = fake_factory(generate_org(users=1500, groups=1, systems=1))
    api = Recorder(fake)
    by_body = api.call('POST', '/api/search/systemusers', json={'limit': 1000, 'skip': 0, 'fields': 'username'}).json()
    assert by_body['totalCount'] == 1500 and len(by_body['results']) == 1000
    by_query = api.call('POST', '/api/search/systemusers', params={'limit': 1000, 'skip': 1000},
                        json={'fields': 'username'}).json()
    assert len(by_query['results']) == 500
    assert {u['_id'] for u in by_body['results']}.isdisjoint(u['_id'] for u in by_query['results'])
    both = api.call('POST', '/api/search/systemusers', params={'limit': 1000, 'skip': 1400},
                    json={'limit': 1000, 'skip': 1400}).json()
    assert len(both['results']) == 100
    # neither: the default page of 10
    assert len(api.call('POST', '/api/search/systemusers', json={}).json()['results']) == 10


def test_v1_envelope_and_v2_total_header(api):
    body = api.call('GET', '/api/systemusers', params={'limit': 7, 'skip': 28}).json()
    assert body['totalCount'] == 30 and len(body['results']) == 2
    response = api.call('GET', '/api/v2/usergroups', params={'limit': 2})
    assert isinstance(response.json(), list) and len(response.json()) == 2
    assert response.headers['x-total-count'] == '5'


def test_default_limit_is_10(api):
    assert len(api.call('GET', '/api/systemusers').json()['results']) == 10


def test_put_is_partial_and_arrays_replace(api, fake):
    uid = ids(fake)[0]
    before = api.call('GET', '/api/systemusers/{id}', uid).json()
    after = api.call('PUT', '/api/systemusers/{id}', uid, json={'phoneNumbers': [{'type': 'home', 'number': '9'}]}).json()
    assert [(p['type'], p['number']) for p in after['phoneNumbers']] == [('home', '9')]
    assert after['addresses'] == before['addresses'] and after['lastname'] == before['lastname']
    assert after['phoneNumbers'][0]['id']          # the API assigns ids to new entries


def test_password_is_write_only(api, fake):
    uid = ids(fake)[0]
    body = api.call('PUT', '/api/systemusers/{id}', uid, json={'password': 'S3cret!pw'}).json()
    assert 'password' not in body
    assert 'S3cret!pw' not in api.call('GET', '/api/systemusers/{id}', uid).text
    assert fake.org.password_sets[uid] == 1


def test_manager_null_clears(api, fake):
    uid, other = ids(fake)[:2]
    api.call('PUT', '/api/systemusers/{id}', uid, json={'manager': other})
    body = api.call('PUT', '/api/systemusers/{id}', uid, json={'manager': None}).json()
    assert 'manager' not in body


@pytest.mark.parametrize('body,fragment', [
    ({'email': 'user00002@example.com'}, 'already exists'),
    ({'employeeIdentifier': 'E000002'}, 'already exists'),
    ({'attributes': [{'name': 'cost-code', 'value': 'x'}]}, 'letters and digits'),
    ({'unix_uid': 0}, 'unix_uid'),
    ({'unix_uid': 'x'}, 'unix_uid'),
    ({'phoneNumbers': [{'type': 'pager', 'number': '1'}]}, 'phone number type'),
    ({'manager': 'f' * 24}, 'manager'),
    ({'_id': 'f' * 24}, 'not writable'),
    ({'sudo': 'true'}, 'sudo'),
])
def test_put_validation_answers_400_with_a_message(api, fake, body, fragment):
    uid = ids(fake)[0]
    response = api.call('PUT', '/api/systemusers/{id}', uid, json=body)
    assert response.status_code == 400
    assert fragment in response.json()['message']


def test_unknown_user_is_404(api):
    assert api.call('GET', '/api/systemusers/{id}', 'f' * 24).status_code == 404
    assert api.call('PUT', '/api/systemusers/{id}', 'f' * 24, json={'firstname': 'x'}).status_code == 404


def test_existing_membership_and_bindings_answer_409(api, fake):
    uid, other, sid, gid, lid = ids(fake)
    member = {'op': 'add', 'type': 'user', 'id': other}
    assert api.call('POST', '/api/v2/usergroups/{id}/members', gid, json=member).status_code == 204
    again = api.call('POST', '/api/v2/usergroups/{id}/members', gid, json=member)
    assert again.status_code == 409 and again.json() == {'message': 'Already Exists'}
    bind = {'op': 'add', 'type': 'user', 'id': other}
    assert api.call('POST', '/api/v2/systems/{id}/associations', sid, json=bind).status_code == 204
    assert api.call('POST', '/api/v2/systems/{id}/associations', sid, json=bind).status_code == 409
    # the second user is not bound to the LDAP server in the seed: the first add makes the binding
    assert api.call('POST', '/api/v2/ldapservers/{id}/associations', lid, json=bind).status_code == 204
    assert api.call('POST', '/api/v2/ldapservers/{id}/associations', lid, json=bind).status_code == 409
    # removing a user who is not a member is a 404
    outsider = next(u['id'] for u in fake.org.snapshot()['users'] if u['id'] not in fake.org.group_members[gid])
    remove = {'op': 'remove', 'type': 'user', 'id': outsider}
    assert api.call('POST', '/api/v2/usergroups/{id}/members', gid, json=remove).status_code == 404


def test_removals_answer_204_once_and_404_after(api, fake):
    """Removing a membership or a device binding that exists answers 204; removing it again (or one that
    never existed) answers 404, never a kinder 204."""
    other, sid, gid = ids(fake)[1], ids(fake)[2], ids(fake)[3]
    edge = {'op': 'add', 'type': 'user', 'id': other}
    remove = dict(edge, op='remove')
    for route, target in (('/api/v2/usergroups/{id}/members', gid), ('/api/v2/systems/{id}/associations', sid)):
        api.call('POST', route, target, json=edge)
        assert api.call('POST', route, target, json=remove).status_code == 204
        again = api.call('POST', route, target, json=remove)
        assert again.status_code == 404 and 'Not Found' in again.json()['message']
    assert other not in fake.org.group_members[gid] and other not in fake.org.system_users[sid]


def test_state_and_suspended_are_stored_apart_and_neither_is_derived_from_the_other(api, fake):
    uid = ids(fake)[0]
    # a PUT of state alone leaves suspended as it was: nothing shows JumpCloud derives it
    alone = api.call('PUT', '/api/systemusers/{id}', uid, json={'state': 'SUSPENDED'}).json()
    assert (alone['state'], alone['suspended']) == ('SUSPENDED', False)
    both = api.call('PUT', '/api/systemusers/{id}', uid, json={'state': 'SUSPENDED', 'suspended': True}).json()
    assert (both['state'], both['suspended']) == ('SUSPENDED', True)
    flag = api.call('PUT', '/api/systemusers/{id}', uid, json={'suspended': False}).json()
    assert (flag['state'], flag['suspended']) == ('SUSPENDED', False)
    active = api.call('PUT', '/api/systemusers/{id}', uid, json={'state': 'ACTIVATED', 'suspended': False}).json()
    assert (active['state'], active['suspended']) == ('ACTIVATED', False)
    # a creation the same: state SUSPENDED alone leaves the flag at its default
    created = api.call('POST', '/api/systemusers', json={'username': 'x1', 'email': 'x1@example.com',
                                                         'state': 'SUSPENDED'}).json()
    assert (created['state'], created['suspended']) == ('SUSPENDED', False)
    # STAGED is a state for creation only: the PUT schema takes ACTIVATED or SUSPENDED
    assert api.call('PUT', '/api/systemusers/{id}', uid, json={'state': 'STAGED'}).status_code == 400


def test_a_staged_user_is_activated_only_by_its_endpoint_which_sends_the_email_its_flag_says(api, fake):
    def staged(name, **fields):
        return api.call('POST', '/api/systemusers', json=dict(
            {'username': name, 'email': '%s@example.com' % name, 'state': 'STAGED'}, **fields)).json()['_id']
    quiet, welcome, activation, elsewhere = (staged('s1'), staged('s2', password='S3cret!pw'),
                                             staged('s3', alternateEmail='alt3@example.org'), staged('s4'))
    refused = api.call('PUT', '/api/systemusers/{id}', quiet, json={'state': 'ACTIVATED', 'suspended': False})
    assert refused.status_code == 400 and 'state/activate' in refused.json()['message']
    assert fake.org.get_user(quiet)['state'] == 'STAGED'
    for user, body in ((quiet, {'email': False}), (welcome, {}), (activation, {'email': True}),
                       (elsewhere, {'email': 'hr@example.org'})):
        answer = api.call('POST', '/api/systemusers/{id}/state/activate', user, json=body)
        assert answer.status_code == 200, answer.text
        assert (fake.org.get_user(user)['state'], fake.org.get_user(user)['activated']) == ('ACTIVATED', True)
    assert fake.org.activation_emails == [
        {'user': welcome, 'kind': 'welcome', 'to': 's2@example.com'},
        {'user': activation, 'kind': 'activation', 'to': 'alt3@example.org'},
        {'user': elsewhere, 'kind': 'activation', 'to': 'hr@example.org'}]
    # a user who is not STAGED, or a flag of another kind, is refused
    again = api.call('POST', '/api/systemusers/{id}/state/activate', quiet, json={'email': False})
    assert again.status_code == 400 and 'not STAGED' in again.json()['message']
    assert api.call('POST', '/api/systemusers/{id}/state/activate', staged('s5'), json={'email': 3}).status_code == 400


def test_a_users_devices_are_listed_with_every_path_that_reaches_them(fake_factory):
    seed = {'users': [{'username': 'ann'}, {'username': 'ben'}],
            'groups': [{'name': 'Ops', 'members': ['ann'], 'systems': ['h1'], 'system_groups': ['Linux']}],
            'systems': [{'hostname': 'h1', 'users': [{'username': 'ann', 'sudo': True}]}, {'hostname': 'h2'},
                        {'hostname': 'h3'}],
            'system_groups': [{'name': 'Linux', 'systems': ['h1', 'h2'], 'users': ['ben']}]}
    fake = fake_factory(seed)
    api = Recorder(fake)
    host = dict((s['hostname'], s['id']) for s in fake.org.snapshot()['systems'])
    ann, ben = (next(u['id'] for u in fake.org.snapshot()['users'] if u['username'] == n) for n in ('ann', 'ben'))
    ops, linux = next(iter(fake.org.groups)), next(iter(fake.org.system_groups))
    reached = api.call('GET', '/api/v2/users/{id}/systems', ann)
    assert reached.headers['x-total-count'] == '2'
    by_id = dict((item['id'], item) for item in reached.json())
    assert by_id[host['h1']]['paths'] == [
        [{'to': {'id': host['h1'], 'type': 'system'}, 'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}}],
        [{'to': {'id': ops, 'type': 'user_group'}}, {'to': {'id': host['h1'], 'type': 'system'}}],
        [{'to': {'id': ops, 'type': 'user_group'}}, {'to': {'id': linux, 'type': 'system_group'}},
         {'to': {'id': host['h1'], 'type': 'system'}}]]
    assert by_id[host['h1']]['compiledAttributes'] == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert [[e['to']['type'] for e in p] for p in by_id[host['h2']]['paths']] == [['user_group', 'system_group', 'system']]
    # a user bound to a device group reaches its devices; removing the direct binding leaves the group routes
    assert [i['id'] for i in api.call('GET', '/api/v2/users/{id}/systems', ben).json()] == sorted([host['h1'], host['h2']])
    api.call('POST', '/api/v2/systems/{id}/associations', host['h1'], json={'op': 'remove', 'type': 'user', 'id': ann})
    left = dict((i['id'], i) for i in api.call('GET', '/api/v2/users/{id}/systems', ann).json())
    assert len(left[host['h1']]['paths']) == 2 and left[host['h1']]['compiledAttributes'] == {}
    assert api.call('GET', '/api/v2/users/{id}/systems', 'f' * 24).status_code == 404


def test_a_dynamic_group_keeps_the_members_its_rule_selects_whatever_is_added_or_removed_by_hand(fake_factory):
    seed = {'users': [{'username': 'ann', 'department': 'Sales'}, {'username': 'ben', 'department': 'Ops'}],
            'groups': [{'name': 'Sales team', 'membershipMethod': 'DYNAMIC_AUTOMATED', 'rule': {'department': 'Sales'}}]}
    fake = fake_factory(seed)
    api = Recorder(fake)
    gid = next(iter(fake.org.groups))
    ann, ben = (next(u['id'] for u in fake.org.snapshot()['users'] if u['username'] == n) for n in ('ann', 'ben'))
    group = api.call('GET', '/api/v2/usergroups').json()[0]
    assert group['membershipMethod'] == 'DYNAMIC_AUTOMATED' and 'rule' not in group

    def members():
        return [e['to']['id'] for e in api.call('GET', '/api/v2/usergroups/{id}/members', gid).json()]
    assert members() == [ann]
    # a manual add or removal is accepted, and the rules undo it
    assert api.call('POST', '/api/v2/usergroups/{id}/members', gid, json={'op': 'add', 'type': 'user', 'id': ben}
                    ).status_code == 204
    assert api.call('POST', '/api/v2/usergroups/{id}/members', gid, json={'op': 'remove', 'type': 'user', 'id': ann}
                    ).status_code == 204
    assert members() == [ann]
    # an attribute change is what moves a user in or out
    api.call('PUT', '/api/systemusers/{id}', ben, json={'department': 'Sales'})
    assert sorted(members()) == sorted([ann, ben])
    assert [g['id'] for g in api.call('GET', '/api/v2/users/{id}/memberof', ben).json()] == [gid]


def test_binding_update_changes_sudo(api, fake):
    uid, sid = ids(fake)[0], ids(fake)[2]
    api.session.post(api.fake.url + '/api/v2/systems/%s/associations' % sid,
                     json={'op': 'add', 'type': 'user', 'id': uid})
    api.call('POST', '/api/v2/systems/{id}/associations', sid, json={
        'op': 'update', 'type': 'user', 'id': uid, 'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}})
    edges = api.call('GET', '/api/v2/users/{id}/associations', uid, params={'targets': 'system'}).json()
    assert {'to': {'id': sid, 'type': 'system'},
            'attributes': {'sudo': {'enabled': True, 'withoutPassword': False}}} in edges


def test_counts_requests_by_method_and_route(api, fake):
    uid = ids(fake)[0]
    api.session.post(fake.url + '/__fake__/reset-stats')
    api.call('GET', '/api/systemusers/{id}', uid)
    api.call('PUT', '/api/systemusers/{id}', uid, json={'firstname': 'X'})
    stats = requests.get(fake.url + '/__fake__/stats').json()
    assert stats['reads'] == 1 and stats['writes'] == 1
    assert stats['by_route'] == {'GET /api/systemusers/{id}': 1, 'PUT /api/systemusers/{id}': 1}


def test_rate_limit_answers_429_with_retry_after(fake_factory, small_org):
    fake = fake_factory(small_org, rate_limit=2)
    session = requests.Session()
    session.headers['x-api-key'] = API_KEY
    statuses = [session.get(fake.url + '/api/systemusers').status_code for dummy in range(4)]
    assert statuses[:2] == [200, 200] and 429 in statuses
    limited = session.get(fake.url + '/api/systemusers')
    assert limited.status_code == 429 and int(limited.headers['Retry-After']) >= 1


def test_faults_answer_5xx_or_drop(fake_factory, small_org):
    fake = fake_factory(small_org, fault_rate=1.0, fault_kinds=['503'])
    assert requests.get(fake.url + '/api/systemusers', headers={'x-api-key': API_KEY}).status_code == 503
    configure_fake(fake, fault_kinds=['drop'])
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(fake.url + '/api/systemusers', headers={'x-api-key': API_KEY})


def test_the_fake_notices_the_key_outside_its_header(fake):
    headers = {'x-api-key': API_KEY}
    requests.get(fake.url + '/api/systemusers', headers=headers, timeout=10)
    assert requests.get(fake.url + '/__fake__/stats', timeout=10).json()['key_seen_outside_header'] == []
    requests.get(fake.url + '/api/systemusers', params={'key': API_KEY}, headers=headers, timeout=10)
    requests.post(fake.url + '/api/search/systemusers', json={'filter': {'note': API_KEY}}, headers=headers,
                  timeout=10)
    requests.get(fake.url + '/api/systemusers', headers=dict(headers, Authorization='Bearer ' + API_KEY),
                 timeout=10)
    seen = requests.get(fake.url + '/__fake__/stats', timeout=10).json()['key_seen_outside_header']
    assert seen == ['url', 'body', 'header Authorization']


def test_email_typed_fields_clear_with_an_empty_string(api, fake):
    uid = ids(fake)[0]
    api.call('PUT', '/api/systemusers/{id}', uid, json={
        'alternateEmail': 'alt@example.org', 'managedAppleId': 'apple@example.org',
        'recoveryEmail': {'address': 'rec@example.org'}})
    cleared = api.call('PUT', '/api/systemusers/{id}', uid, json={
        'alternateEmail': '', 'managedAppleId': '', 'recoveryEmail': {'address': ''}})
    assert cleared.status_code == 200
    user = api.call('GET', '/api/systemusers/{id}', uid).json()
    assert user['alternateEmail'] == '' and user['managedAppleId'] == '' and user['recoveryEmail']['address'] == ''


@pytest.mark.parametrize('body', [
    {'alternateEmail': None},                    # the schema has these as strings, not nullable
    {'managedAppleId': None},
    {'recoveryEmail': {'address': None}},
    {'recoveryEmail': ''},                       # recoveryEmail is an object {"address": ...}
    {'alternateEmail': 'not an address'},
    {'recoveryEmail': {'address': 'nobody@'}},
    {'managedAppleId': 'apple id'},
])
def test_email_typed_fields_refuse_null_and_malformed_values(api, fake, body):
    uid = ids(fake)[0]
    before = api.call('GET', '/api/systemusers/{id}', uid).json()
    response = api.call('PUT', '/api/systemusers/{id}', uid, json=body)
    assert response.status_code == 400 and response.json()['message'].startswith('Bad Request: ')
    assert api.call('GET', '/api/systemusers/{id}', uid).json() == before


def test_an_alternate_email_is_unique_across_users(api, fake):
    uid, other = ids(fake)[:2]
    taken = fake.org.get_user(other)['email']
    assert api.call('PUT', '/api/systemusers/{id}', uid, json={'alternateEmail': taken.upper()}).status_code == 400
    assert api.call('PUT', '/api/systemusers/{id}', other, json={'alternateEmail': 'shared@example.org'}).status_code == 200
    response = api.call('PUT', '/api/systemusers/{id}', uid, json={'alternateEmail': 'shared@example.org'})
    assert response.status_code == 400 and 'already exists' in response.json()['message']
    # an empty alternate email is "none": any number of users have it
    assert api.call('PUT', '/api/systemusers/{id}', other, json={'alternateEmail': ''}).status_code == 200
    assert api.call('PUT', '/api/systemusers/{id}', uid, json={'alternateEmail': ''}).status_code == 200


def test_search_equality_is_case_sensitive_and_regex_follows_mongodb(api, fake):
    # JumpCloud keeps the case of usernames; two users may differ only by case
    fake.org.add_user('JDoe.x', email='jdoe1@example.com')
    fake.org.add_user('jdoe.x', email='jdoe2@example.com')
    fake.org.add_user('jdoeAx', email='jdoe3@example.com')

    def names(filter_, **extra):
        body = dict({'filter': filter_, 'fields': 'username', 'limit': 100}, **extra)
        response = api.call('POST', '/api/search/systemusers', json=body)
        assert response.status_code == 200, response.text
        return sorted(u['username'] for u in response.json()['results'])

    assert names({'username': 'JDOE.X'}) == []                               # equality: exact case only
    assert names({'or': [{'username': 'jdoe.x'}]}) == ['jdoe.x']
    # the form JumpCloud's PowerShell module sends: (?i), anchored, escaped
    assert names({'username': {'$regex': r'(?i)(^jdoe\.X$)'}}) == ['JDoe.x', 'jdoe.x']
    assert names({'username': {'$regex': r'(?i)(^jdoe.X$)'}}) == ['JDoe.x', 'jdoe.x', 'jdoeAx']  # '.' unescaped
    assert names({'username': {'$regex': r'^jdoe\.x$'}}) == ['jdoe.x']     # case-sensitive without the flag
    assert names({'username': {'$regex': r'^jdoe\.x$', '$options': 'i'}}) == ['JDoe.x', 'jdoe.x']
    assert names({'username': {'$regex': r'doe\.'}}) == ['jdoe.x']         # searched, not anchored
    assert names({'or': [{'username': {'$regex': r'(?i)(^JDOEAX$)'}}, {'username': 'jdoe.x'}]}) == \
        ['jdoe.x', 'jdoeAx']
    assert names({'and': [{'username': {'$regex': r'(?i)(^jdoe\.x$)'}}, {'email': 'jdoe1@example.com'}]}) == \
        ['JDoe.x']
    assert names({'attributes': {'$regex': 'x'}}) == []                     # non-string values never match
    for bad in ({'$regex': '(?i)(^a'}, {'$regex': 'a', '$options': 'q'}, {'$regex': 7}):
        response = api.session.post(fake.url + '/api/search/systemusers', json={'filter': {'username': bad}})
        assert response.status_code == 400, bad


MANAGED_SEED = {
    'users': [
        {'username': 'adam', 'email': 'adam@example.com', 'jobTitle': 'Engineer', 'sudo': True,
         'addresses': [{'type': 'work', 'locality': 'Denver', 'extendedAddress': 'Floor 2'}],
         'phoneNumbers': [{'type': 'work', 'number': '1'}],
         'restrictedFields': [{'field': 'jobTitle', 'type': 'active_directory', 'id': 'ad' * 12},
                              {'field': 'phoneNumbers', 'type': 'scim', 'id': 'sc' * 12}],
         'mfa': {'configured': True, 'exclusion': False, 'exclusionDays': 7}},
        {'username': 'beth', 'email': 'beth@example.com'},
    ],
    'groups': [],
    'systems': [{'hostname': 'linux-1', 'users': [{'username': 'beth', 'sudo': True, 'withoutPassword': True},
                                                  {'username': 'adam'}]}],
    'ldapservers': [],
}


@pytest.fixture
def managed(fake_factory):
    fake = fake_factory(MANAGED_SEED)
    users = dict((u['username'], u['id']) for u in fake.org.snapshot()['users'])
    return Recorder(fake), users


def test_address_and_phone_entries_refuse_their_read_only_id(managed):
    api, users = managed
    stored = api.call('GET', '/api/systemusers/{id}', users['beth']).json()
    entry = {'type': 'home', 'locality': 'Boulder'}
    answer = api.call('PUT', '/api/systemusers/{id}', users['beth'], json={'addresses': [entry]})
    assert answer.status_code == 200 and answer.json()['addresses'][0]['id']     # the API gives the entry its id
    with_id = api.call('GET', '/api/systemusers/{id}', users['beth']).json()['addresses']
    refused = api.call('PUT', '/api/systemusers/{id}', users['beth'], json={'addresses': with_id})
    assert refused.status_code == 400 and 'id' in refused.json()['message']
    phone = api.call('PUT', '/api/systemusers/{id}', users['beth'],
                     json={'phoneNumbers': [{'type': 'home', 'number': '2', 'id': 'f' * 24}]})
    assert phone.status_code == 400 and 'id' in phone.json()['message']
    unknown = api.call('PUT', '/api/systemusers/{id}', users['beth'], json={'addresses': [dict(entry, floor='3')]})
    assert unknown.status_code == 400 and 'floor' in unknown.json()['message']
    assert stored['username'] == 'beth'


def test_restricted_fields_are_served_and_their_writes_refused(managed):
    api, users = managed
    adam = api.call('GET', '/api/systemusers/{id}', users['adam']).json()
    managed = [(r['field'], r['type']) for r in adam['restrictedFields']]
    assert managed == [('jobTitle', 'active_directory'), ('phoneNumbers', 'scim')]
    found = api.call('POST', '/api/search/systemusers', json={
        'filter': {'or': [{'username': 'adam'}]}, 'fields': 'username restrictedFields sudo', 'limit': 100}).json()
    assert found['results'][0]['restrictedFields'] == adam['restrictedFields']
    assert found['results'][0]['sudo'] is True
    for body, managed_by in (({'jobTitle': 'CTO'}, 'active_directory'),
                             ({'phoneNumbers': [{'type': 'work', 'number': '9'}]}, 'scim')):
        refused = api.call('PUT', '/api/systemusers/{id}', users['adam'], json=dict(body, department='Ops'))
        assert refused.status_code == 400 and managed_by in refused.json()['message']
    assert api.call('GET', '/api/systemusers/{id}', users['adam']).json()['department'] == ''   # nothing applied
    assert api.call('PUT', '/api/systemusers/{id}', users['adam'], json={'department': 'Ops'}).status_code == 200


def test_passwordless_sudo_bindings_are_served_and_kept(managed):
    api, users = managed
    sid = next(iter(api.fake.org.systems))
    edges = api.call('GET', '/api/v2/systems/{id}/associations', sid, params={'targets': 'user'}).json()
    by_user = dict((e['to']['id'], e.get('attributes')) for e in edges)
    assert by_user == {users['beth']: {'sudo': {'enabled': True, 'withoutPassword': True}}, users['adam']: None}
    keep = {'op': 'update', 'type': 'user', 'id': users['beth'],
            'attributes': {'sudo': {'enabled': True, 'withoutPassword': True}}}
    assert api.call('POST', '/api/v2/systems/{id}/associations', sid, json=keep).status_code == 204
    edges = api.call('GET', '/api/v2/users/{id}/associations', users['beth'], params={'targets': 'system'}).json()
    assert edges == [{'to': {'id': sid, 'type': 'system'},
                      'attributes': {'sudo': {'enabled': True, 'withoutPassword': True}}}]


def test_mfa_on_keeps_what_is_not_sent_and_off_ends_the_window(managed):
    api, users = managed
    on = api.call('PUT', '/api/systemusers/{id}', users['adam'], json={
        'enable_user_portal_multifactor': True, 'mfa': {'exclusion': True, 'exclusionUntil': '2026-12-01T00:00:00Z'}})
    assert on.json()['mfa'] == {'configured': True, 'exclusion': True, 'exclusionDays': 7,
                                'exclusionUntil': '2026-12-01T00:00:00Z'}
    assert api.fake.org.last_put[users['adam']]['mfa'] == {'exclusion': True, 'exclusionUntil': '2026-12-01T00:00:00Z'}
    off = api.call('PUT', '/api/systemusers/{id}', users['adam'], json={'enable_user_portal_multifactor': False})
    assert off.json()['mfa']['exclusion'] is False and 'exclusionUntil' not in off.json()['mfa']


def test_the_fake_keeps_the_last_put_without_its_password(managed):
    api, users = managed
    api.call('PUT', '/api/systemusers/{id}', users['beth'], json={'password': 'S3cret!pw', 'firstname': 'B'})
    assert api.fake.org.last_put[users['beth']] == {'password': '********', 'firstname': 'B'}
    assert 'S3cret!pw' not in repr(api.fake.org.snapshot())
