"""write_mode bulk: field changes in jobs of at most 800 users, results polled with a growing wait until every
result is terminal and there is one per user; a result naming a user settles it, the users no result names are
re-read in batched searches and compared with their plan; a user whose job outcome cannot be told (an interrupt,
an answer of an unexpected shape) is unknown, never written again blind; a user not written by its job (failed,
a refused job, fields not in place) is left to the per-user PUT."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import bulk
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.bulk import BulkWriter, job_item, put_rest
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, ListingChanged

from doubles import BulkJobs, Clock, uid


class Plan:
    def __init__(self, n, body, create=False):
        self.user_id = None if create else uid(n)
        self.body = body
        self.create = create


def replan(plan, user):
    """A plan again against the re-read ``user``: the fields whose value is not in place yet."""
    return Plan(0, dict((k, v) for k, v in plan.body.items() if user.get(k) != v))


def writer(api, clock, **kwargs):
    kwargs.setdefault('replan', replan)
    return BulkWriter(api, sleep=clock.sleep, clock=clock, **kwargs)


def calls(api, kind):
    return [c for c in api.calls if c[0] == kind]


def test_jobs_hold_at_most_800_users_and_suppress_the_result_email():
    api, clock = BulkJobs(), Clock()
    plans = [Plan(n, {'jobTitle': 'T%d' % n}) for n in range(1, 1701)]
    done = writer(api, clock).write(plans)
    patches = calls(api, 'PATCH')
    assert [len(c[3]) for c in patches] == [800, 800, 100]
    assert all(c[1] == '/api/v2/bulk/users' and c[2] == {'suppressEmail': 'true'} for c in patches)
    assert all(c[4] is False for c in patches)         # a job is never sent twice by a retry
    assert patches[0][3][0] == {'id': uid(1), 'jobTitle': 'T1'}
    assert done == set(uid(n) for n in range(1, 1701))
    assert calls(api, 'SEARCH') == []                  # every result named its user: nothing to re-read


def test_a_user_the_job_reports_failed_is_not_done_and_the_others_are():
    api, clock = BulkJobs(statuses={uid(2): 'failed'}), Clock()
    w = writer(api, clock)
    assert w.write([Plan(n, {'department': 'D'}) for n in (1, 2, 3)]) == {uid(1), uid(3)}
    assert w.unknown == {}                              # the failed one gets its PUT


def test_results_that_show_only_after_some_polls_are_waited_for_with_a_growing_wait():
    clock = Clock()
    api = BulkJobs(polls_before_results=3, clock=clock)
    done = writer(api, clock).write([Plan(n, {'department': 'D'}) for n in (1, 2)])
    assert done == {uid(1), uid(2)}
    # doubled from 0.5 s, at most 5 s, each slept in slices of at most 0.5 s (an interrupt ends it soon)
    assert [c[2] for c in calls(api, 'LIST')] == [0.5, 1.5, 3.5, 7.5]
    assert max(clock.sleeps) == 0.5
    clock = Clock()
    api = BulkJobs(polls_before_results=5, clock=clock)
    writer(api, clock).write([Plan(1, {'department': 'D'})])
    assert [c[2] for c in calls(api, 'LIST')] == [0.5, 1.5, 3.5, 7.5, 12.5, 17.5]


def test_a_job_is_over_when_every_result_is_terminal_and_there_is_one_per_user():
    api, clock = BulkJobs(), Clock()
    answers = iter([
        [{'status': 'finished', 'persistedFields': {'id': uid(1)}}],                        # one of two
        [{'status': 'finished', 'persistedFields': {'id': uid(1)}}, {'status': 'pending', 'persistedFields': {}}],
        [{'status': 'Finished', 'persistedFields': {'id': uid(1)}}, {'status': 'FINISHED', 'persistedFields': {}}],
    ])
    api.v2_list = lambda path, params=None: iter(next(answers))
    w = writer(api, clock)
    assert w.write([Plan(n, {'department': 'D'}) for n in (1, 2)]) == {uid(1), uid(2)}
    assert [c[2] for c in calls(api, 'SEARCH')] == [{'or': [{'_id': {'$eq': uid(2)}}]}]    # the one no result named


def test_results_that_name_no_user_are_settled_by_one_batched_re_read_in_seconds_not_minutes():
    api, clock = BulkJobs(name_users=False, statuses={uid(7): 'failed'}), Clock()
    w = writer(api, clock, read_fields='_id department')
    done = w.write([Plan(n, {'department': 'D%d' % n}) for n in range(1, 251)])
    assert done == set(uid(n) for n in range(1, 251)) - {uid(7)}
    assert w.unknown == {}                              # the one the job did not write gets its PUT
    assert sum(clock.sleeps) == 0.5                      # over at the first look, not after 600 s
    searches = calls(api, 'SEARCH')
    assert [len(c[2]['or']) for c in searches] == [100, 100, 50]
    assert all(c[1] == '/api/search/systemusers' and c[3] == '_id department' for c in searches)


def test_without_a_way_to_re_read_a_user_no_result_names_is_unknown_never_written_again():
    api, clock = BulkJobs(name_users=False), Clock()
    w = writer(api, clock, replan=None)
    assert w.write([Plan(1, {'department': 'D'})]) == set()
    assert w.unknown == {uid(1): 'its results do not say which users it wrote'}


def test_a_job_whose_results_never_show_is_re_read_after_the_longest_wait():
    api, clock = BulkJobs(polls_before_results=10 ** 6), Clock()
    w = writer(api, clock, max_wait=60)
    assert w.write([Plan(1, {'department': 'D'})]) == {uid(1)}       # the job did write it
    assert sum(clock.sleeps) <= 60 and len(calls(api, 'SEARCH')) == 1


def test_a_job_refused_with_400_leaves_its_users_to_their_put_and_is_not_polled():
    api, clock = BulkJobs(refuse=JumpCloudError('Bad Request: too many users', status=400)), Clock()
    w = writer(api, clock)
    assert w.write([Plan(n, {'department': 'D'}) for n in (1, 2)]) == set()
    assert [c[0] for c in api.calls] == ['PATCH'] and clock.sleeps == [] and w.unknown == {}
    assert len(w.refused) == 1 and 'too many users' in w.refused[0]


def test_a_job_whose_answer_was_lost_is_settled_by_a_re_read():
    api, clock = BulkJobs(), Clock()
    sent = api.request

    def lost(*args, **kwargs):
        sent(*args, **kwargs)           # JumpCloud created the job; its answer never came back
        raise JumpCloudError('timed out', outcome_unknown=True)
    api.request = lost
    w = writer(api, clock)
    assert w.write([Plan(1, {'department': 'D'})]) == {uid(1)}
    assert w.refused == [] and calls(api, 'LIST') == []


def test_an_interrupt_ends_the_wait_and_the_users_of_the_job_are_unknown():
    api, clock = BulkJobs(polls_before_results=10 ** 6), Clock()
    w = writer(api, clock, stopped=lambda: len(clock.sleeps) >= 2)
    assert w.write([Plan(1, {'department': 'D'})]) == set()
    assert len(clock.sleeps) == 2 and calls(api, 'SEARCH') == []
    assert w.unknown == {uid(1): 'the run was interrupted before its results were read'}


def test_an_interrupt_sends_no_later_job():
    api, clock = BulkJobs(), Clock()
    w = writer(api, clock, stopped=lambda: len(calls(api, 'PATCH')) >= 1)
    assert w.write([Plan(n, {'department': 'D'}) for n in range(1, 1701)]) == set()
    assert len(calls(api, 'PATCH')) == 1
    assert set(w.unknown) == set(uid(n) for n in range(1, 801))     # the users of the job sent
    assert calls(api, 'LIST') == [] and calls(api, 'SEARCH') == []


def malformed(api, kind, shape):
    if kind == 'patch':
        api.answer = shape
    else:
        api.v2_list = lambda path, params=None: shape


def test_bulk_answers_of_an_unexpected_shape_never_raise_and_the_users_are_re_read():
    shapes = [('patch', ['x']), ('patch', {'jobId': ['x']}), ('patch', {'jobId': '../../systemusers'}),
              ('patch', 'text'), ('results', iter(['a string'])), ('results', iter([{'status': 7}])),
              ('results', 5), ('results', iter([None]))]
    for kind, shape in shapes:
        api, clock = BulkJobs(), Clock()
        malformed(api, kind, shape)
        w = writer(api, clock)
        assert w.write([Plan(1, {'department': 'D'}), Plan(2, {'department': 'E'})]) == {uid(1), uid(2)}, shape
        assert w.unknown == {} and len(calls(api, 'SEARCH')) == 1, shape


def test_a_failure_that_nothing_foresaw_leaves_the_users_sent_unknown():
    api, clock = BulkJobs(), Clock()

    def broken(*args, **kwargs):
        raise RuntimeError('boom')
    api.v2_list = broken
    api.v1_search = broken
    w = writer(api, clock)
    assert w.write([Plan(1, {'department': 'D'})]) == set()
    assert w.unknown == {uid(1): 'an internal error (RuntimeError) while reading its outcome'}
    api, clock = BulkJobs(), Clock()
    api.v1_search = lambda *a, **k: iter([[]])          # a search answer of an unexpected shape
    w = writer(api, clock)
    malformed(api, 'results', 5)
    assert w.write([Plan(1, {'department': 'D'})]) == set()
    assert 'could not be read back' in w.unknown[uid(1)]


def test_only_fields_the_job_takes_go_in_a_job():
    assert job_item(Plan(1, {'jobTitle': 'x', 'attributes': [{'name': 'a', 'value': 'b'}]})) == {
        'id': uid(1), 'jobTitle': 'x', 'attributes': [{'name': 'a', 'value': 'b'}]}
    assert job_item(Plan(1, {'manager': uid(2)})) == {'id': uid(1), 'manager': uid(2)}
    # a password never travels in a job; a cleared manager and a recovery email are not in its schema: the
    # rest of the row still goes in the job, they go in the user's PUT
    plan = Plan(1, {'jobTitle': 'x', 'password': 'S3cret!', 'manager': None})
    assert job_item(plan) == {'id': uid(1), 'jobTitle': 'x'}
    assert put_rest(plan) == {'password': 'S3cret!', 'manager': None}
    assert job_item(Plan(1, {'manager': None})) is None
    assert job_item(Plan(1, {'recoveryEmail': {'address': 'a@example.com'}})) is None
    assert job_item(Plan(1, {})) is None
    # a user to create gets its POST: a job only updates users that exist
    assert job_item(Plan(1, {'username': 'new', 'email': 'new@example.com', 'jobTitle': 'x'}, create=True)) is None


def test_the_fields_a_job_takes_are_those_of_the_published_schema():
    import json
    import os
    from testenv import TESTS
    with open(os.path.join(TESTS, 'fake_jumpcloud', 'api_schemas.json'), encoding='utf-8') as handle:
        schema = json.load(handle)['definitions']['v2.bulk-user-update']['properties']
    assert bulk.BULK_FIELDS <= set(schema)


def test_the_fields_jumpclouds_bulk_tests_leave_out_go_by_put():
    suspend = {'state': 'SUSPENDED', 'suspended': True, 'jobTitle': 'Gone', 'alternateEmail': 'a@example.com',
               'enable_user_portal_multifactor': True, 'mfa': {'exclusion': True}}
    plan = Plan(1, suspend)
    assert job_item(plan) == {'id': uid(1), 'jobTitle': 'Gone'}
    assert put_rest(plan) == dict((k, v) for k, v in suspend.items() if k != 'jobTitle')
    assert job_item(Plan(1, {'state': 'ACTIVATED', 'suspended': False})) is None
    assert bulk.PUT_ONLY & bulk.JOB_FIELDS == frozenset()


def test_results_whose_total_grows_while_they_are_read_are_read_again_later_not_re_read_as_users():
    api, clock = BulkJobs(), Clock()
    listed = api.v2_list
    changed = [ListingChanged('the total changed between its pages', None, 'GET', '/api/v2/bulk/users/job0/results')]

    def growing(path, params=None):
        if changed:
            raise changed.pop()
        return listed(path, params)
    api.v2_list = growing
    w = writer(api, clock)
    assert w.write([Plan(n, {'department': 'D'}) for n in (1, 2)]) == {uid(1), uid(2)}
    assert calls(api, 'SEARCH') == [] and w.unknown == {}     # the second look settled the job
    assert sum(clock.sleeps) == 1.5
