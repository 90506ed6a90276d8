"""The retry policy on its own: what may be sent again, how long to wait first, and when to give up."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.retry import (
    RATE_LIMIT_MIN_WAIT, RetryPolicy, is_read)

USER = '/api/systemusers/5f0000000000000000000001'
MEMBERS = '/api/v2/usergroups/g/members'


def policy(**kwargs):
    kwargs.setdefault('rand', lambda: 0.5)
    return RetryPolicy(**kwargs)


@pytest.mark.parametrize('method,path,read', [
    ('GET', USER, True), ('POST', '/api/search/systemusers', True), ('POST', MEMBERS, False),
    ('PUT', USER, False), ('DELETE', USER, False), ('POST', '/api/systemusers', False),
])
def test_what_counts_as_a_read(method, path, read):
    assert is_read(method, path) is read


@pytest.mark.parametrize('method,path,idempotent,statuses', [
    ('GET', USER, None, {429, 500, 502, 503, 504}),
    ('POST', '/api/search/systems', True, {429, 500, 502, 503, 504}),
    ('PUT', USER, None, {429, 500, 502, 503, 504}),
    ('DELETE', USER, None, {429, 500, 502, 503, 504}),
    ('POST', MEMBERS, True, {429, 500, 502, 503, 504}),
    ('POST', MEMBERS, False, {429}),
    ('POST', MEMBERS, None, {429}),
    ('PUT', USER, False, {429}),
])
def test_which_answers_are_retried(method, path, idempotent, statuses):
    state = policy().start(method, path, idempotent)
    retried = set(s for s in (400, 401, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504, 505)
                  if state.answered(s).retryable)
    assert retried == statuses


def test_a_429_did_not_land_and_closes_the_gate_a_5xx_may_have_landed():
    state = policy().start('PUT', USER)
    limited = state.answered(429, retry_after=3.0)
    assert limited.rate_limited and not limited.landed and limited.retry_after == 3.0
    failed = state.answered(503, retry_after=4.0)
    assert failed.landed and not failed.rate_limited and failed.retry_after == 4.0
    assert state.answered(404, retry_after=4.0).retry_after is None


@pytest.mark.parametrize('method,path,idempotent,read_timeout,connect_timeout,retryable,unknown,landed', [
    ('GET', USER, None, True, False, True, False, True),        # a read that timed out: read again
    ('GET', USER, None, False, False, True, False, True),       # a read on a reset connection
    ('PUT', USER, None, True, False, False, True, True),        # a timed-out write is never retried
    ('POST', MEMBERS, True, True, False, False, True, True),
    ('PUT', USER, None, False, False, True, False, True),       # an idempotent write on a reset connection
    ('POST', MEMBERS, False, False, False, False, False, True),  # an unsafe write on a reset connection
    ('POST', MEMBERS, False, False, True, True, False, False),   # never connected: surely not applied
])
def test_requests_without_an_answer(method, path, idempotent, read_timeout, connect_timeout, retryable, unknown,
                                    landed):
    failure = policy().start(method, path, idempotent).unanswered(read_timeout=read_timeout,
                                                                  connect_timeout=connect_timeout)
    assert (failure.retryable, failure.outcome_unknown, failure.landed) == (retryable, unknown, landed)


def test_waits_grow_with_jitter_up_to_max_retries():
    state = policy(max_retries=4, delay=1.0, max_delay=3.0, rand=lambda: 0.5).start('GET', USER)
    waits = [state.next_wait(state.answered(503)) for dummy in range(5)]
    assert waits == [0.5, 1.0, 1.5, 1.5, None]
    assert state.retries == 4 and state.waited == 4.5 and not state.budget_spent


def test_retry_after_replaces_the_backoff():
    state = policy().start('GET', USER)
    assert state.next_wait(state.answered(503, retry_after=7.0)) == 7.0
    assert state.next_wait(state.answered(503, retry_after=0.0)) == 0.0


def test_429s_wait_at_least_a_second_and_are_bounded_by_the_budget_not_max_retries():
    state = policy(max_retries=1, max_retry_wait=5).start('POST', MEMBERS, False)
    waits = []
    while True:
        wait = state.next_wait(state.answered(429, retry_after=0.0))
        if wait is None:
            break
        waits.append(wait)
    assert waits == [RATE_LIMIT_MIN_WAIT] * 5
    assert state.budget_spent and state.retries == 5 and state.waited == 5.0


def test_the_budget_counts_every_wait_of_one_request():
    state = policy(max_retry_wait=120).start('GET', USER)
    assert state.next_wait(state.answered(429, retry_after=50.0)) == 50.0
    assert state.next_wait(state.answered(503, retry_after=50.0)) == 50.0
    assert state.next_wait(state.answered(429, retry_after=50.0)) is None
    assert state.budget_spent and state.retries == 2


def test_no_wait_for_what_is_not_retried():
    state = policy().start('POST', MEMBERS, False)
    assert state.next_wait(state.answered(500)) is None
    assert state.retries == 0 and not state.budget_spent


@pytest.mark.parametrize('first,resent', [(503, True), (500, True), (429, False)])
def test_an_idempotent_write_sent_again_after_it_may_have_landed_is_resent(first, resent):
    state = policy().start('POST', MEMBERS, True)
    assert state.next_wait(state.answered(first)) is not None
    assert state.resent is resent


def test_a_read_is_never_resent_and_a_connect_timeout_never_landed():
    read = policy().start('GET', USER)
    read.next_wait(read.answered(503))
    assert not read.resent
    write = policy().start('POST', MEMBERS, False)
    assert write.next_wait(write.unanswered(connect_timeout=True)) is not None
    assert not write.resent and write.retries == 1
    write.next_wait(write.unanswered())
    assert write.retries == 1
