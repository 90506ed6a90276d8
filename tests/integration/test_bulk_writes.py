"""write_mode bulk against the fake JumpCloud, in process: the same results, report, diff and final state as
write_mode put, in far fewer writes; a user a job reports failed gets its PUT; check mode creates no job."""
import collections
import json
import os
import signal
import time

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import bulk as _bulk

from fake_jumpcloud.seed import generate_org
from helpers import configure_fake
from inprocess import apply_csv

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    # the fake runs a job at once; its results still show only after the first read of them
    monkeypatch.setattr(_bulk, 'POLL_FIRST', 0.01)
    monkeypatch.setattr(_bulk, 'POLL_MAX', 0.02)


def org():
    doc = generate_org(users=40, groups=4, systems=6)
    doc['foreign_emails'] = ['taken@elsewhere.example']      # another organisation's user: a write answers 409
    return doc


def csv_text(fake):
    users = sorted(fake.org.snapshot()['users'], key=lambda u: u['username'])
    taken = 'taken@elsewhere.example'
    lines = ['Username,jobTitle,department,Attribute1_name,Attribute1_value,Email,Group1']
    for n, user in enumerate(users[1:31]):
        email = taken if n == 3 else ''          # the update is refused (409), in a job as in a PUT
        group = 'group-001' if n % 2 else ''
        lines.append('%s,Title %d,Dept %d,team,t%d,%s,%s' % (user['username'], n, n % 3, n, email, group))
    return '\n'.join(lines) + '\n', [u['id'] for u in users[1:31]]


def run(fake_factory, tmp_path, mode, check_mode=False, failing=()):
    fake = fake_factory(org(), bulk_polls_before_results=1, bulk_failing_ids=failing)
    text, ids = csv_text(fake)
    folder = tmp_path / ('%s-%s' % (mode, check_mode))      # the messages name the file: the same name each
    folder.mkdir()
    path = folder / 'users.csv'
    path.write_text(text)
    report = folder / 'report.csv'
    fake.stats.reset()
    result = apply_csv(fake, path, check_mode=check_mode, diff=True, write_mode=mode, report_path=str(report))
    return fake, result, ids, report, folder


def comparable(result, folder):
    """The result without its request counts, the run's folder named the same in both runs' messages."""
    text = json.dumps(dict(result, summary=dict((k, v) for k, v in result['summary'].items() if k != 'requests')))
    return json.loads(text.replace(str(folder), 'FOLDER'))


def test_bulk_and_put_end_with_the_same_state_results_report_and_diff(fake_factory, tmp_path):
    put_fake, put, ids, put_report, put_folder = run(fake_factory, tmp_path, 'put')
    # one user the job reports failed without writing it: its PUT writes it
    bulk_fake, bulk, dummy, bulk_report, bulk_folder = run(fake_factory, tmp_path, 'bulk', failing=[ids[7]])
    assert comparable(bulk, bulk_folder) == comparable(put, put_folder)
    assert bulk_report.read_text() == put_report.read_text()
    assert bulk_fake.org.snapshot()['users'] == put_fake.org.snapshot()['users']
    statuses = [r['status'] for r in bulk['results']]
    assert statuses.count('failed') == 1 and statuses.count('updated') == 29
    # put: a PUT per user; bulk: one job, then a PUT for the user that failed in it and for the refused one
    put_routes, bulk_routes = put_fake.stats.as_dict()['by_route'], bulk_fake.stats.as_dict()['by_route']
    assert put_routes['PUT /api/systemusers/{id}'] == 30
    assert bulk_routes['PATCH /api/v2/bulk/users'] == 1
    assert bulk_routes['PUT /api/systemusers/{id}'] == 2
    assert bulk_routes['GET /api/v2/bulk/users/{id}/results'] >= 2       # the results showed on a later poll
    (job,) = bulk_fake.org.bulk_jobs.values()
    assert job.suppress_email is True and len(job.results) == 30
    assert bulk['summary']['requests']['writes'] < put['summary']['requests']['writes']


def test_check_mode_never_creates_a_job_and_says_what_put_would(fake_factory, tmp_path):
    put_fake, put, dummy, dummy2, put_folder = run(fake_factory, tmp_path, 'put', check_mode=True)
    bulk_fake, bulk, dummy, dummy2, bulk_folder = run(fake_factory, tmp_path, 'bulk', check_mode=True)
    assert bulk_fake.org.bulk_jobs == {}
    assert bulk_fake.stats.as_dict()['writes'] == 0
    assert comparable(bulk, bulk_folder) == comparable(put, put_folder)
    assert bulk['changed'] and {r['status'] for r in bulk['results']} == {'would_update'}


def test_a_refused_job_leaves_every_user_to_its_put(fake_factory, tmp_path, monkeypatch):
    # a job larger than JumpCloud takes is refused with 400: its users are written one by one
    monkeypatch.setattr(_bulk, 'JOB_MAX_USERS', 801)
    fake = fake_factory(generate_org(users=820, groups=2, systems=2), bulk_polls_before_results=0)
    users = sorted(fake.org.snapshot()['users'], key=lambda u: u['username'])[:801]
    path = tmp_path / 'many.csv'
    path.write_text('Username,jobTitle\n' + ''.join('%s,Big job\n' % u['username'] for u in users))
    result = apply_csv(fake, path, write_mode='bulk')
    routes = fake.stats.as_dict()['by_route']
    assert fake.stats.as_dict()['statuses']['400'] == 1 and fake.org.bulk_jobs == {}
    assert routes['PUT /api/systemusers/{id}'] == 801
    assert result['summary']['by_status']['updated'] == 801
    assert all(u['jobTitle'] == 'Big job' for u in fake.org.snapshot()['users'] if u['id'] in {x['id'] for x in users})


def test_after_a_job_has_written_a_403_fails_its_row_only(fake_factory, tmp_path):
    # the key may write users (the job) but not memberships: each add fails on its row; the run goes on
    fake = fake_factory(org(), bulk_polls_before_results=0, read_only_after_writes=1)
    text, dummy = csv_text(fake)
    path = tmp_path / 'users.csv'
    path.write_text(text.replace('taken@elsewhere.example', ''))
    result = apply_csv(fake, path, write_mode='bulk')
    adds = [r for r in result['results'] if r['groups'] and r['groups'][0]['status'] != 'present']
    assert adds and all(r['status'] == 'failed' and 'not attempted' not in r['msg'] for r in adds)
    assert all(r['status'] == 'updated' for r in result['results'] if r not in adds)
    assert 'the run stopped' not in result['msg']


def count_writes(fake):
    """Each user's writes the fake applied (a job's or a PUT's), counted as they land."""
    landed = collections.Counter()
    update = fake.org.update_user

    def counted(uid, body, *args, **kwargs):
        answer = update(uid, body, *args, **kwargs)
        landed[uid] += 1
        return answer
    fake.org.update_user = counted
    return landed


def test_results_that_name_no_user_end_the_run_in_seconds_with_no_user_written_twice(
        fake_factory, tmp_path, monkeypatch):
    # JumpCloud's own waits, not the tests' quick ones: a job is over once every result is terminal
    monkeypatch.setattr(_bulk, 'POLL_FIRST', 0.5)
    monkeypatch.setattr(_bulk, 'POLL_MAX', 5.0)
    put_fake, put, ids, put_report, put_folder = run(fake_factory, tmp_path, 'put')
    fake = fake_factory(org(), bulk_polls_before_results=1)
    configure_fake(fake, bulk_results_name_users=False, bulk_failing_ids=[ids[7]])
    text, dummy = csv_text(fake)
    folder = tmp_path / 'bulk-False'
    folder.mkdir()
    (folder / 'users.csv').write_text(text)
    landed = count_writes(fake)
    started = time.monotonic()
    result = apply_csv(fake, folder / 'users.csv', diff=True, write_mode='bulk', report_path=str(folder / 'report.csv'))
    assert time.monotonic() - started < 15                      # not the 600 s of a job never seen over
    (job,) = fake.org.bulk_jobs.values()
    assert all('id' not in r['persistedFields'] for r in job.results)
    assert max(landed.values()) == 1 and len(landed) == 29       # the refused one never lands
    routes = fake.stats.as_dict()['by_route']
    assert routes['POST /api/search/systemusers'] >= 1
    # the PUTs: the user the job failed, and the one whose update is refused (409) in the job as in a PUT
    assert routes['PUT /api/systemusers/{id}'] == 2
    assert comparable(result, folder) == comparable(put, put_folder)
    assert (folder / 'report.csv').read_text() == put_report.read_text()
    assert fake.org.snapshot()['users'] == put_fake.org.snapshot()['users']


def test_a_suspension_goes_by_put_and_the_rest_of_the_row_in_the_job(fake_factory, tmp_path):
    fake = fake_factory(org(), bulk_polls_before_results=0)
    users = sorted(fake.org.snapshot()['users'], key=lambda u: u['username'])
    path = tmp_path / 'users.csv'
    path.write_text('Username,state,jobTitle\n%s,SUSPENDED,Leaver\n%s,,Stayer\n' % (
        users[1]['username'], users[2]['username']))
    result = apply_csv(fake, path, write_mode='bulk')
    assert [r['status'] for r in result['results']] == ['updated', 'updated'], result['results']
    stored = dict((u['id'], u) for u in fake.org.snapshot()['users'])
    leaver, stayer = stored[users[1]['id']], stored[users[2]['id']]
    assert (leaver['state'], leaver['jobTitle'], stayer['jobTitle']) == ('SUSPENDED', 'Leaver', 'Stayer')
    (job,) = fake.org.bulk_jobs.values()
    assert [set(r['persistedFields']) for r in job.results] == [{'id', 'jobTitle'}] * 2
    routes = fake.stats.as_dict()['by_route']
    assert routes['PUT /api/systemusers/{id}'] == 1              # the state, alone: the job wrote the title
    # the state with its suspended flag, in one PUT, as in put mode; nothing else of the row
    assert fake.org.last_put[leaver['id']] == {'state': 'SUSPENDED', 'suspended': True}
    assert leaver['suspended'] is True
    assert {'state', 'jobTitle'} <= set(result['results'][0]['changed_fields'])
    # and back: the reactivation likewise
    path.write_text('Username,state,jobTitle\n%s,ACTIVATED,Back\n' % users[1]['username'])
    result = apply_csv(fake, path, write_mode='bulk')
    assert [r['status'] for r in result['results']] == ['updated'], result['results']
    assert fake.org.last_put[leaver['id']] == {'state': 'ACTIVATED', 'suspended': False}
    back = dict((u['id'], u) for u in fake.org.snapshot()['users'])[leaver['id']]
    assert (back['state'], back['suspended'], back['jobTitle']) == ('ACTIVATED', False, 'Back')


def test_sigterm_during_the_first_job_sends_no_later_job_and_reports_the_job_accepted(
        fake_factory, tmp_path, monkeypatch):
    monkeypatch.setattr(_bulk, 'JOB_MAX_USERS', 5)
    fake = fake_factory(org(), bulk_polls_before_results=0)
    users = sorted(fake.org.snapshot()['users'], key=lambda u: u['username'])[:15]
    path = tmp_path / 'users.csv'
    path.write_text('Username,jobTitle\n' + ''.join('%s,Cancelled\n' % u['username'] for u in users))
    job = fake.org.bulk_update

    def signalled(*args, **kwargs):
        # what AWX's Cancel does while the first job is on its way: the module's handler runs meanwhile
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.3)
        return job(*args, **kwargs)
    fake.org.bulk_update = signalled
    report = tmp_path / 'report.csv'
    result = apply_csv(fake, path, write_mode='bulk', report_path=str(report))
    assert fake.stats.as_dict()['by_route']['PATCH /api/v2/bulk/users'] == 1       # no later job
    assert result['failed'] and result['changed'] is True
    results = result['results']
    assert len(results) == 15 and len(report.read_text().splitlines()) == 16
    accepted, later = results[:5], results[5:]
    for row in accepted:
        assert row['changed'] is True and 'not attempted' not in row['msg'], row
        assert row['status'] == 'updated' or row['msg'].startswith('outcome unknown: its bulk job was accepted'), row
    assert all(row['msg'] == 'not attempted: the run was interrupted by SIGTERM' and not row['changed']
               for row in later)
    stored = dict((u['id'], u['jobTitle']) for u in fake.org.snapshot()['users'])
    assert [stored[u['id']] for u in users[:5]] == ['Cancelled'] * 5
    assert all(stored[u['id']] != 'Cancelled' for u in users[5:])


@pytest.mark.parametrize('where', ['job answer', 'results'])
def test_a_bulk_answer_of_an_unexpected_shape_fails_nothing_and_writes_no_user_twice(fake_factory, tmp_path, where):
    fake = fake_factory(org(), bulk_polls_before_results=0)
    if where == 'job answer':
        job = fake.org.bulk_update
        fake.org.bulk_update = lambda *args, **kwargs: [job(*args, **kwargs)]     # {"jobId": ["..."]}
    else:
        fake.org.bulk_results = lambda job_id: ['not a work result']
    text, dummy = csv_text(fake)
    path = tmp_path / 'users.csv'
    path.write_text(text.replace('taken@elsewhere.example', ''))
    landed = count_writes(fake)
    report = tmp_path / 'report.csv'
    result = apply_csv(fake, path, write_mode='bulk', report_path=str(report))
    assert not result['failed'], result['msg']
    assert [r['status'] for r in result['results']] == ['updated'] * 30
    assert len(report.read_text().splitlines()) == 31
    # the job wrote them; the re-read saw it, so no PUT follows
    assert max(landed.values()) == 1 and len(landed) == 30
    assert 'PUT /api/systemusers/{id}' not in fake.stats.as_dict()['by_route']
