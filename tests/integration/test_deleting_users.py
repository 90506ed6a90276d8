"""Deleting users: a state cell DELETED, allow_delete and each guardrail, check mode, the whole record in the
diff, a rerun, and a DELETE whose answer is lost."""
import pytest

from helpers import apply, configure_fake, results_by_user, write_csv
from playbook import fake_stats, reset_stats, run_playbook

pytestmark = pytest.mark.integration

DELETE = 'DELETE /api/systemusers/{id}'
UPDATE = 'jcops.jumpcloud.update_users'
ALLOW = dict(allow_delete=True)


def writes_of(run):
    return dict((k, v) for k, v in run.stats['by_route'].items() if not k.startswith(('GET', 'POST /api/search')))


def suspend(org, *usernames):
    for name in usernames:
        org.set_fields(name, state='SUSPENDED', suspended=True)


def state_cell_problem(run, username):
    row = results_by_user(run.result)[username]
    assert row['status'] == 'invalid' and row['failed'] is True
    problem, = [e for e in row['errors'] if e['header'] == 'state']
    return problem['message']


def test_check_mode_deletes_nothing_the_run_deletes_the_whole_user_and_a_rerun_is_absent(tmp_path, org):
    suspend(org, 'bob')
    bob = org.uid('bob')
    org.set_fields('bob', attributes=[{'name': 'badge', 'value': '42'}])
    org.fake.org.system_users[org.system('host-b')][bob] = {'sudo': {'enabled': True, 'withoutPassword': True}}
    org.fake.org.ldap_users[org.ldap()][bob] = None
    csv_text = 'Username,state\nbob,deleted\n'

    check = apply(tmp_path, org.fake, csv_text, check=True, diff=True, **ALLOW)
    assert not check.result.get('failed'), check.result.get('msg')
    assert check.stats['writes'] == 0
    row = results_by_user(check.result)['bob']
    assert (row['status'], row['changed'], row['user_id']) == ('would_delete', True, bob)
    assert check.result['summary']['by_status']['would_delete'] == 1
    assert check.result['msg'] == 'would update 0 user(s); 0 unchanged; would delete 1 user(s)'
    diff, = check.result['diff']
    assert diff['after'] == {} and diff['before_header'].endswith('deleted)')
    record = diff['before']
    assert (record['id'], record['username'], record['user']['email']) == (bob, 'bob', 'bob@example.com')
    assert record['groups'] == [{'id': org.group('Ops'), 'name': 'Ops'}]
    assert record['systems'] == [
        {'id': org.system('host-a'), 'hostname': 'host-a', 'administrator': False, 'passwordless_sudo': False},
        {'id': org.system('host-b'), 'hostname': 'host-b', 'administrator': True, 'passwordless_sudo': True}]
    assert record['ldap_servers'] == [{'id': org.ldap(), 'name': 'ldap-1'}]
    assert record['attributes'] == [{'name': 'badge', 'value': '42'}]
    assert (record['manager'], record['manages']) == (None, [])
    assert 'password' not in record['user']
    assert org.user('bob')['username'] == 'bob'

    real = apply(tmp_path, org.fake, csv_text, diff=True, **ALLOW)
    assert not real.result.get('failed'), real.result.get('msg')
    assert writes_of(real) == {DELETE: 1}
    row = results_by_user(real.result)['bob']
    assert (row['status'], row['changed'], row['failed']) == ('deleted', True, False)
    assert real.result['summary']['by_status']['deleted'] == 1 and real.result['changed'] is True
    assert real.result['msg'] == 'updated 0 user(s); 0 unchanged; deleted 1 user(s)'
    assert real.result['diff'][0]['before'] == record
    assert bob not in org.fake.org.users
    assert bob not in org.fake.org.group_members[org.group('Ops')]
    assert all(bob not in users for users in org.fake.org.system_users.values())
    assert bob not in org.fake.org.ldap_users[org.ldap()]

    again = apply(tmp_path, org.fake, csv_text, **ALLOW)
    assert not again.result.get('failed'), again.result.get('msg')
    assert again.stats['writes'] == 0 and again.result['changed'] is False
    row = results_by_user(again.result)['bob']
    assert (row['status'], row['failed'], row['changed']) == ('absent', False, False)
    assert again.result['summary']['by_status']['absent'] == 1
    assert again.result['msg'] == 'updated 0 user(s); 0 unchanged; 1 to delete did not exist (absent)'


@pytest.mark.parametrize('missing_users', ['fail', 'skip', 'create'])
def test_a_user_that_does_not_exist_is_absent_whatever_missing_users_says(tmp_path, org, missing_users):
    run = apply(tmp_path, org.fake, 'Username,state\nghost,DELETED\n', missing_users=missing_users, **ALLOW)
    assert not run.result.get('failed'), run.result.get('msg')
    assert run.stats['writes'] == 0
    assert results_by_user(run.result)['ghost']['status'] == 'absent'


def test_without_allow_delete_the_cell_is_invalid_and_nothing_is_written(tmp_path, org):
    suspend(org, 'bob')
    run = apply(tmp_path, org.fake, 'Username,state,jobTitle\nbob,DELETED,\nerin,,Boss\n')
    assert run.result['failed'] is True
    assert run.stats['writes'] == 0
    assert 'allow_delete: true' in state_cell_problem(run, 'bob')
    assert results_by_user(run.result)['erin']['status'] == 'skipped'
    assert org.user('bob')['username'] == 'bob'


def test_a_user_not_suspended_is_not_deleted_unless_delete_requires_suspended_is_false(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\n', **ALLOW)
    assert run.stats['writes'] == 0
    assert 'is ACTIVATED, not SUSPENDED' in state_cell_problem(run, 'bob')

    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\n', delete_requires_suspended=False, **ALLOW)
    assert results_by_user(run.result)['bob']['status'] == 'deleted'
    assert writes_of(run) == {DELETE: 1}


def test_members_of_a_protected_group_are_never_deleted(tmp_path, org):
    suspend(org, 'alice', 'bob')
    run = apply(tmp_path, org.fake, 'Username,state\nalice,DELETED\nbob,DELETED\n', protected_groups=['engineering'],
                **ALLOW)
    assert run.stats['writes'] == 0
    assert "member of 'Engineering', in protected_groups" in state_cell_problem(run, 'alice')
    assert results_by_user(run.result)['bob']['status'] == 'skipped'


def test_a_manager_is_deleted_only_with_cascade_manager(tmp_path, org):
    suspend(org, 'bob')
    org.set_fields('alice', manager=org.uid('bob'))
    org.set_fields('erin', manager=org.uid('bob'))
    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\n', **ALLOW)
    assert run.stats['writes'] == 0
    message = state_cell_problem(run, 'bob')
    assert "manages 2 user(s) ('alice', 'erin')" in message and 'cascade_manager' in message

    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\n', cascade_manager='clear', **ALLOW)
    assert results_by_user(run.result)['bob']['status'] == 'deleted'
    # the fake leaves a report's manager alone on a DELETE without cascade_manager: null was sent
    assert org.user('alice').get('manager') is None and org.user('erin').get('manager') is None


def test_cascade_manager_automatic_gives_the_reports_the_deleted_users_manager(tmp_path, org):
    suspend(org, 'bob', 'erin')
    org.set_fields('bob', manager=org.uid('carol'))
    org.set_fields('alice', manager=org.uid('bob'))
    org.set_fields('frank.o+1', manager=org.uid('erin'))      # erin has no manager: her report's is cleared
    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\nerin,DELETED\n', cascade_manager='automatic',
                diff=True, **ALLOW)
    assert not run.result.get('failed'), run.result.get('msg')
    assert writes_of(run) == {DELETE: 2}
    assert org.user('alice')['manager'] == org.uid('carol')
    assert org.user('frank.o+1').get('manager') is None
    before = dict((d['before']['username'], d['before']) for d in run.result['diff'])
    assert before['bob']['manager'] == {'id': org.uid('carol'), 'username': 'carol'}
    assert before['bob']['manages'] == [{'id': org.uid('alice'), 'username': 'alice'}]


def test_automatic_refuses_a_manager_deleted_by_the_same_run(tmp_path, org):
    suspend(org, 'bob', 'carol')
    org.set_fields('bob', manager=org.uid('carol'))
    org.set_fields('alice', manager=org.uid('bob'))
    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\ncarol,DELETED\n', cascade_manager='automatic',
                **ALLOW)
    assert run.stats['writes'] == 0
    assert 'line 3 deletes' in state_cell_problem(run, 'bob')


def test_a_run_deleting_more_than_max_deletes_deletes_none_and_says_how_many(tmp_path, org):
    suspend(org, 'bob', 'erin', 'carol')
    csv_text = 'Username,state,jobTitle\nbob,DELETED,\nerin,DELETED,\ncarol,DELETED,\nalice,,Boss\nghost,DELETED,\n'
    run = apply(tmp_path, org.fake, csv_text, max_deletes=2, skip_invalid_rows=True, **ALLOW)
    assert run.result['failed'] is True
    assert run.stats['writes'] == 0
    assert 'would delete 3 users (lines 2, 3, 4), more than max_deletes (2)' in run.result['msg']
    assert 'nothing was written' in run.result['msg']
    assert org.user('alice')['jobTitle'] == 'Engineer'

    run = apply(tmp_path, org.fake, csv_text, max_deletes=3, **ALLOW)
    assert not run.result.get('failed'), run.result.get('msg')
    assert writes_of(run) == {DELETE: 3, 'PUT /api/systemusers/{id}': 1}


def test_a_row_cannot_both_delete_and_change_the_user(tmp_path, org):
    suspend(org, 'bob')
    run = apply(tmp_path, org.fake, 'Username,state,jobTitle,Group1\nbob,DELETED,Boss,Finance\n', **ALLOW)
    assert run.stats['writes'] == 0
    message = state_cell_problem(run, 'bob')
    assert 'jobTitle, Group1' in message and 'cannot both delete a user and change' in message


def test_a_delete_answered_503_after_it_landed_is_retried_and_its_404_is_deleted(tmp_path, org):
    suspend(org, 'bob')
    configure_fake(org.fake, fail_answer_to=[org.uid('bob')])
    run = apply(tmp_path, org.fake, 'Username,state\nbob,DELETED\n', **ALLOW)
    assert not run.result.get('failed'), run.result.get('msg')
    assert run.stats['by_route'][DELETE] == 2
    assert run.result['summary']['requests']['retries'] == 1
    row = results_by_user(run.result)['bob']
    assert (row['status'], row['changed'], row['failed']) == ('deleted', True, False)
    assert all(u['username'] != 'bob' for u in org.fake.org.users.values())


def test_the_role_previews_then_deletes_and_its_guardrails_reach_the_module(tmp_path, org):
    """Through ansible-playbook and the update_users playbook: protected_groups given as a survey gives it (names
    separated by commas), the preview says what it would delete, the update deletes, a rerun is absent."""
    suspend(org, 'bob')
    path = str(write_csv(tmp_path, 'Username,state\nbob,DELETED\nghost,deleted\n'))
    args = dict(users_csv_path=path, users_csv_confirm=True, users_csv_allow_delete='true')

    reset_stats(org.fake)
    refused = run_playbook(tmp_path, org.fake, UPDATE, dict(args, users_csv_protected_groups='Finance, ops'))
    assert refused.rc != 0
    assert "member of 'Ops', in protected_groups" in refused.stdout
    assert fake_stats(org.fake)['writes'] == 0 and org.user('bob')['username'] == 'bob'

    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, UPDATE, dict(args, users_csv_protected_groups='Finance',
                                                        users_csv_cascade_manager='clear', users_csv_max_deletes=1))
    assert run.rc == 0, run.output
    assert 'row 2 bob: would delete' in run.stdout and 'row 2 bob: deleted' in run.stdout
    assert "row 3 ghost: absent: user 'ghost' does not exist in JumpCloud: nothing to delete" in run.stdout
    # the update applies the preview's plan, which holds the rows it writes: the absent row is the preview's line
    assert 'deleted 1 user(s)' in run.stdout
    assert fake_stats(org.fake)['by_route'][DELETE] == 1
    assert all(u['username'] != 'bob' for u in org.fake.org.users.values())

    reset_stats(org.fake)
    again = run_playbook(tmp_path, org.fake, UPDATE, args)
    assert again.rc == 0, again.output
    assert fake_stats(org.fake)['writes'] == 0
    assert 'row 2 bob: absent' in again.stdout


def test_with_write_mode_bulk_a_delete_goes_by_its_own_request_and_the_other_rows_by_jobs(tmp_path, org):
    suspend(org, 'bob')
    run = apply(tmp_path, org.fake, 'Username,state,jobTitle\nbob,DELETED,\nalice,,Boss\n', write_mode='bulk', **ALLOW)
    assert not run.result.get('failed'), run.result.get('msg')
    rows = results_by_user(run.result)
    assert (rows['bob']['status'], rows['alice']['status']) == ('deleted', 'updated')
    assert writes_of(run) == {DELETE: 1, 'PATCH /api/v2/bulk/users': 1}
    assert org.user('alice')['jobTitle'] == 'Boss'
