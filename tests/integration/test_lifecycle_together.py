"""The lifecycle features in one file, in process: a user created with a state, a user created while the
others' fields go in a bulk job, and STAGED kept for new users only."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import bulk as _bulk

from fake_jumpcloud.seed import generate_org
from inprocess import apply_csv
from org import Org

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(_bulk, 'POLL_FIRST', 0.01)
    monkeypatch.setattr(_bulk, 'POLL_MAX', 0.02)


def users_by_name(fake):
    return dict((u['username'], u) for u in fake.org.snapshot()['users'])


def test_new_users_are_created_in_the_state_their_row_asks(fake_factory, tmp_path):
    fake = fake_factory(generate_org(users=5, groups=2, systems=2))
    existing = sorted(users_by_name(fake))[0]
    path = tmp_path / 'users.csv'
    path.write_text('Username,Email,FirstName,LastName,state\n'
                    'newstaged,newstaged@example.com,New,Staged,staged\n'
                    'newsuspended,newsuspended@example.com,New,Suspended,SUSPENDED\n'
                    'newdefault,newdefault@example.com,New,Default,\n'
                    '%s,,,,SUSPENDED\n' % existing)
    check = apply_csv(fake, path, check_mode=True, missing_users='create')
    assert [r['status'] for r in check['results']] == ['would_create', 'would_create', 'would_create', 'would_update']
    assert fake.stats.as_dict()['writes'] == 0
    result = apply_csv(fake, path, missing_users='create')
    assert [r['status'] for r in result['results']] == ['created', 'created', 'created', 'updated'], result['msg']
    users = users_by_name(fake)
    assert users['newstaged']['state'] == 'STAGED'
    assert users['newsuspended']['state'] == 'SUSPENDED'
    assert users['newdefault']['state'] == 'ACTIVATED'          # the organisation's default for a new user
    assert users[existing]['state'] == 'SUSPENDED'
    fake.stats.reset()
    again = apply_csv(fake, path, missing_users='create')
    assert [r['status'] for r in again['results']] == ['unchanged'] * 4
    assert fake.stats.as_dict()['writes'] == 0


def test_staged_on_a_user_that_exists_is_an_error_on_its_cell(fake_factory, tmp_path):
    fake = fake_factory(generate_org(users=3, groups=1, systems=1))
    existing = sorted(users_by_name(fake))[0]
    path = tmp_path / 'users.csv'
    path.write_text('Username,Email,FirstName,LastName,state\n%s,,,,STAGED\n' % existing)
    result = apply_csv(fake, path, missing_users='create')
    assert result['failed'] is True and fake.stats.as_dict()['writes'] == 0
    assert [(e['line'], e['column']) for e in result['errors']] == [(2, 5)], result['errors']


def test_with_bulk_writes_new_users_are_posted_and_the_others_go_in_a_job(fake_factory, tmp_path):
    fake = fake_factory(generate_org(users=10, groups=2, systems=2), bulk_polls_before_results=0)
    names = sorted(users_by_name(fake))[:3]
    group = fake.org.snapshot()['groups'][0]['name']
    path = tmp_path / 'users.csv'
    path.write_text('Username,Email,FirstName,LastName,jobTitle,Group1\n'
                    + ''.join('%s,,,,Wrangler of Bulk Jobs,\n' % name for name in names)
                    + 'newhire,newhire@example.com,New,Hire,Wrangler of Bulk Jobs,%s\n' % group)
    fake.stats.reset()
    result = apply_csv(fake, path, missing_users='create', write_mode='bulk')
    assert [r['status'] for r in result['results']] == ['updated'] * 3 + ['created'], result['msg']
    routes = fake.stats.as_dict()['by_route']
    assert routes['PATCH /api/v2/bulk/users'] == 1 and routes['POST /api/systemusers'] == 1
    assert 'PUT /api/systemusers/{id}' not in routes
    (job,) = fake.org.bulk_jobs.values()
    assert len(job.results) == 3                                # the new user is not in the job
    users = users_by_name(fake)
    assert all(users[name]['jobTitle'] == 'Wrangler of Bulk Jobs' for name in names + ['newhire'])
    assert users['newhire']['id'] in Org(fake).members(group)


@pytest.mark.parametrize('write_mode', ['put', 'bulk'])
@pytest.mark.parametrize('email', [True, False])
def test_a_staged_user_is_activated_through_its_endpoint_with_the_email_flag_configured(
        fake_factory, tmp_path, write_mode, email):
    fake = fake_factory(generate_org(users=3, groups=1, systems=1), bulk_polls_before_results=0)
    quiet = fake.org.add_user('stg.one', state='STAGED', activated=False)
    welcome = fake.org.add_user('stg.two', state='STAGED', activated=False, password='S3cret!pw')
    path = tmp_path / 'users.csv'
    path.write_text('Username,state,jobTitle\nstg.one,ACTIVATED,Clerk\nstg.two,activated,\n')
    check = apply_csv(fake, path, check_mode=True, diff=True, write_mode=write_mode, activation_email=email)
    assert [r['status'] for r in check['results']] == ['would_update', 'would_update']
    assert fake.stats.as_dict()['writes'] == 0
    assert [(d['before'].get('state'), d['after'].get('state')) for d in check['diff']] == [('STAGED', 'ACTIVATED')] * 2
    fake.stats.reset()
    result = apply_csv(fake, path, write_mode=write_mode, activation_email=email)
    assert [r['status'] for r in result['results']] == ['updated', 'updated'], result['msg']
    assert [r['changed_fields'] for r in result['results']] == [['jobTitle', 'state'], ['state']]
    routes = fake.stats.as_dict()['by_route']
    assert routes['POST /api/systemusers/{id}/state/activate'] == 2
    assert 'state' not in (fake.org.last_put.get(quiet['_id']) or {})     # never a PUT of the state
    users = users_by_name(fake)
    assert [(users[n]['state'], users[n]['jobTitle']) for n in ('stg.one', 'stg.two')] == [
        ('ACTIVATED', 'Clerk'), ('ACTIVATED', '')]
    expected = [{'user': quiet['_id'], 'kind': 'activation', 'to': 'stg.one@example.com'},
                {'user': welcome['_id'], 'kind': 'welcome', 'to': 'stg.two@example.com'}] if email else []
    assert sorted(fake.org.activation_emails, key=lambda e: e['user']) == expected
    fake.stats.reset()
    again = apply_csv(fake, path, write_mode=write_mode, activation_email=email)
    assert [r['status'] for r in again['results']] == ['unchanged'] * 2 and fake.stats.as_dict()['writes'] == 0
