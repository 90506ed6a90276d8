"""One user's task: an unexpected exception fails that user alone and keeps what was already written."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._apply import Applier
from ansible_collections.jcops.jumpcloud.plugins.module_utils._plan import UserPlan


class Client:
    """Records the PUT, then meets an answer it cannot handle on the membership add."""

    def __init__(self):
        self.writes = []

    def put(self, path, body):
        self.writes.append(('PUT', path))

    def post(self, path, body, idempotent=False):
        raise ValueError('a value from the record: Z9-PRIVATE')


def test_an_unexpected_exception_fails_the_user_and_keeps_the_writes_done():
    plan = UserPlan(None, {'_id': '5f0000000000000000000001'})
    plan.set_field('jobTitle', 'Old', 'New')
    plan.groups.append({'name': 'Finance', 'id': '5f00000000000000000000aa', 'action': 'add'})
    client = Client()
    outcome = Applier(client, check_mode=False).apply_one(plan)
    assert client.writes == [('PUT', '/api/systemusers/5f0000000000000000000001')]
    assert outcome.changed and outcome.fields_written and outcome.status == 'failed'
    assert outcome.groups == [{'name': 'Finance', 'id': '5f00000000000000000000aa', 'status': 'failed'}]
    assert outcome.errors == ['internal error: ValueError; nothing more was written for this user']
    assert 'Z9-PRIVATE' not in repr(outcome.errors)
