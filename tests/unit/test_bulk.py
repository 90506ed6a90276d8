"""write_mode bulk: field changes in jobs of at most 800 users, results polled with a growing wait and matched
back to each user; a user not reported finished (a failed user, a refused job, results that never show) is left
to the per-user PUT."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils import _bulk as bulk
from ansible_collections.jcops.jumpcloud.plugins.module_utils._bulk import BulkWriter, job_item
from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import JumpCloudError


def uid(n):
    return '%024x' % n


class Plan:
    def __init__(self, n, body, create=False):
        self.user_id = None if create else uid(n)
        self.body = body
        self.create = create


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class JobApi:
    """A client that creates jobs and answers their results as scripted per poll."""

    def __init__(self, statuses=None, polls_before_results=0, refuse=None):
        self.statuses = statuses or {}      # user id -> status its work result reports
        self.polls_before_results = polls_before_results
        self.refuse = refuse                # a JumpCloudError every PATCH raises
        self.jobs = {}
        self.calls = []

    def request(self, method, path, params=None, body=None, idempotent=None):
        self.calls.append((method, path, params, body, idempotent))
        if self.refuse is not None:
            raise self.refuse
        job_id = 'job%d' % len(self.jobs)
        self.jobs[job_id] = dict(users=[item['id'] for item in body], reads=0)
        return type('Answer', (), {'data': {'jobId': job_id}})

    def v2_list(self, path, params=None):
        self.calls.append(('LIST', path))
        job = self.jobs[path.split('/')[-2]]
        job['reads'] += 1
        if job['reads'] <= self.polls_before_results:
            return iter([])
        return iter({'id': 'w%d' % n, 'status': self.statuses.get(u, 'finished'), 'statusMsg': '',
                     'persistedFields': {'id': u}} for n, u in enumerate(job['users']))

    def redact(self, text):
        return '%s' % text


def writer(api, clock, **kwargs):
    return BulkWriter(api, sleep=clock.sleep, clock=clock, **kwargs)


def test_jobs_hold_at_most_800_users_and_suppress_the_result_email():
    api, clock = JobApi(), Clock()
    plans = [Plan(n, {'jobTitle': 'T%d' % n}) for n in range(1, 1701)]
    done = writer(api, clock).write(plans)
    patches = [c for c in api.calls if c[0] == 'PATCH']
    assert [len(c[3]) for c in patches] == [800, 800, 100]
    assert all(c[1] == '/api/v2/bulk/users' and c[2] == {'suppressEmail': 'true'} for c in patches)
    assert all(c[4] is False for c in patches)         # a job is never sent twice by a retry
    assert patches[0][3][0] == {'id': uid(1), 'jobTitle': 'T1'}
    assert done == set(uid(n) for n in range(1, 1701))


def test_a_user_the_job_reports_failed_is_not_done_and_the_others_are():
    api, clock = JobApi(statuses={uid(2): 'failed'}), Clock()
    done = writer(api, clock).write([Plan(n, {'department': 'D'}) for n in (1, 2, 3)])
    assert done == {uid(1), uid(3)}


def test_results_that_show_only_after_some_polls_are_waited_for_with_a_growing_wait():
    api, clock = JobApi(polls_before_results=3), Clock()
    done = writer(api, clock).write([Plan(n, {'department': 'D'}) for n in (1, 2)])
    assert done == {uid(1), uid(2)}
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]          # doubled from 0.5 s, at most 5 s
    assert [c for c in api.calls if c[0] == 'LIST'] == [('LIST', '/api/v2/bulk/users/job0/results')] * 4
    api, clock = JobApi(polls_before_results=5), Clock()
    writer(api, clock).write([Plan(1, {'department': 'D'})])
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_a_job_whose_results_never_show_is_given_up_after_the_longest_wait():
    api, clock = JobApi(polls_before_results=10 ** 6), Clock()
    done = writer(api, clock, max_wait=60).write([Plan(1, {'department': 'D'})])
    assert done == set()
    assert sum(clock.sleeps) <= 60 and clock.sleeps[-1] == 5.0


def test_a_job_refused_with_400_leaves_its_users_to_their_put_and_is_not_polled():
    api, clock = JobApi(refuse=JumpCloudError('Bad Request: too many users', status=400)), Clock()
    w = writer(api, clock)
    assert w.write([Plan(n, {'department': 'D'}) for n in (1, 2)]) == set()
    assert [c[0] for c in api.calls] == ['PATCH'] and clock.sleeps == []
    assert len(w.refused) == 1 and 'too many users' in w.refused[0]


def test_results_that_cannot_be_matched_to_a_user_leave_it_to_its_put():
    api, clock = JobApi(), Clock()
    api.v2_list = lambda path, params=None: iter([{'id': 'w1', 'status': 'finished', 'persistedFields': {}},
                                                  {'id': 'w2', 'status': 'finished'}])
    done = writer(api, clock, max_wait=20).write([Plan(1, {'department': 'D'})])
    assert done == set()


def test_an_interrupt_ends_the_wait():
    api, clock = JobApi(polls_before_results=10 ** 6), Clock()
    done = writer(api, clock, stopped=lambda: len(clock.sleeps) >= 2).write([Plan(1, {'department': 'D'})])
    assert done == set() and len(clock.sleeps) == 2


def test_only_fields_the_job_takes_go_in_a_job():
    assert job_item(Plan(1, {'jobTitle': 'x', 'attributes': [{'name': 'a', 'value': 'b'}]})) == {
        'id': uid(1), 'jobTitle': 'x', 'attributes': [{'name': 'a', 'value': 'b'}]}
    assert job_item(Plan(1, {'manager': uid(2)})) == {'id': uid(1), 'manager': uid(2)}
    # a password never travels in a job; a cleared manager and a recovery email are not in its schema
    assert job_item(Plan(1, {'jobTitle': 'x', 'password': 'S3cret!'})) is None
    assert job_item(Plan(1, {'manager': None})) is None
    assert job_item(Plan(1, {'recoveryEmail': {'address': 'a@example.com'}})) is None
    assert job_item(Plan(1, {})) is None
    # a user to create gets its POST: a job only updates users that exist
    assert job_item(Plan(1, {'username': 'new', 'email': 'new@example.com', 'jobTitle': 'x'}, create=True)) is None


def test_the_fields_a_job_takes_are_those_of_the_published_schema():
    import json
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, '..', 'fake_jumpcloud', 'api_schemas.json'), encoding='utf-8') as handle:
        schema = json.load(handle)['definitions']['v2.bulk-user-update']['properties']
    assert bulk.BULK_FIELDS <= set(schema)
