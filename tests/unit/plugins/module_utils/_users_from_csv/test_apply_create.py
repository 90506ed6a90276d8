"""Creating a user: the POST first, never marked idempotent; its groups and bindings then use the id JumpCloud
answered, in the same task; a refused creation sends nothing else; check mode sends nothing and says would_create."""
import datetime

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Desired, UserFacts
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan_create import plan_create
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import row_result

from doubles import Directory

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone.utc)
NEW_ID, GID, SID = '5f' + '1' * 22, '5f' + '2' * 22, '5f' + '3' * 22


def directory(answer=None):
    """The directory the user is created in, with the id it gives; ``answer``: the creation's answer instead."""
    return Directory(new_ids=[NEW_ID], answers=None if answer is None else {('POST', '/api/systemusers'): [answer]})


def plan():
    desired = Desired(2)
    desired.username = 'nia'
    desired.scalars = {'email': 'nia@example.com', 'firstname': 'Nia', 'lastname': 'Moe'}
    desired.password = 'Pw-1!'
    desired.system_id, desired.administrator = SID, True
    desired.groups = [('Ops', 'Group1')]
    desired.missing = 'create'
    return plan_create(desired, UserFacts(groups=[{'id': GID, 'name': 'Ops', 'member': False}]), NOW)


def test_the_user_is_created_then_its_group_and_device_use_the_new_id():
    client = directory()
    outcome = Applier(client, check_mode=False).apply_one(plan())
    assert [(path, idempotent) for method, path, body, idempotent in client.writes] == [
        ('/api/systemusers', False), ('/api/v2/usergroups/%s/members' % GID, True),
        ('/api/v2/systems/%s/associations' % SID, True)]
    assert client.writes[0][2]['password'] == 'Pw-1!' and client.writes[0][2]['username'] == 'nia'
    assert client.writes[1][2] == {'op': 'add', 'type': 'user', 'id': NEW_ID}
    assert client.writes[2][2]['id'] == NEW_ID and client.writes[2][2]['attributes']['sudo']['enabled'] is True
    assert (outcome.status, outcome.user_id, outcome.changed) == ('created', NEW_ID, True)
    result = row_result(outcome.plan.desired, None, outcome)
    assert (result['user_id'], result['status'], result['password']) == (NEW_ID, 'created', 'sent')
    assert [g['status'] for g in result['groups']] == ['added'] and result['system']['status'] == 'added'
    assert 'Pw-1!' not in repr(result)


def test_a_refused_creation_sends_nothing_else_and_fails_the_row_with_the_api_message():
    client = directory(JumpCloudError('Already Exists', status=409))
    outcome = Applier(client, check_mode=False).apply_one(plan())
    assert [path for method, path, body, idempotent in client.writes] == ['/api/systemusers']
    result = row_result(outcome.plan.desired, None, outcome)
    assert (result['status'], result['failed'], result['changed'], result['user_id']) == ('failed', True, False, None)
    assert result['msg'].startswith('create: Already Exists (HTTP 409')
    assert [g['status'] for g in result['groups']] == ['failed'] and result['system']['status'] == 'failed'
    assert result['changed_fields'] == [] and result['password'] == 'not_sent'


def test_an_answer_without_an_id_holds_the_rest_back():
    client = directory({'username': 'nia'})
    outcome = Applier(client, check_mode=False).apply_one(plan())
    assert [path for method, path, body, idempotent in client.writes] == ['/api/systemusers']
    assert outcome.status == 'failed' and outcome.changed is True
    assert 'without the new user\'s id' in outcome.errors[0]


def test_check_mode_sends_nothing_and_says_would_create():
    client = directory()
    outcome = Applier(client, check_mode=True).apply_one(plan())
    assert client.calls == []
    result = row_result(outcome.plan.desired, None, outcome)
    assert (result['status'], result['changed'], result['user_id'], result['password']) == \
        ('would_create', True, None, 'would_send')
    assert [g['status'] for g in result['groups']] == ['would_add'] and result['system']['status'] == 'would_add'


def test_a_create_whose_connection_dropped_after_sending_may_have_created_the_user():
    dropped = JumpCloudError("ConnectionError: ('Connection aborted.', RemoteDisconnected('closed'))", status=None)
    client = directory(dropped)
    outcome = Applier(client, check_mode=False).apply_one(plan())
    assert [path for method, path, body, idempotent in client.writes] == ['/api/systemusers']      # nothing else sent
    result = row_result(outcome.plan.desired, None, outcome)
    assert (result['status'], result['failed'], result['changed'], result['user_id']) == ('failed', True, True, None)
    assert result['msg'].startswith('create: outcome unknown: ConnectionError: ')
    assert 'the user may have been created' in result['msg'] and 'rerun' in result['msg']
    assert result['password'] == 'sent' and 'Pw-1!' not in repr(result)
    assert [g['status'] for g in result['groups']] == ['failed']
