"""The users_csv role's two entry points and the two collection playbooks, through ansible-playbook."""
import re

import pytest

from testenv import API_KEY
from helpers import configure_fake, write_csv
from playbook import fake_stats, reset_stats, run_play, run_playbook

pytestmark = pytest.mark.integration

UPDATE = 'jcops.jumpcloud.update_users'
TEMPLATE = 'jcops.jumpcloud.create_template'
PASSWORD = 'S3cret-Passw0rd-from-the-CSV!'


def update(tmp_path, org, csv_path, verbosity=0, env=None, **extra):
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, UPDATE, dict(users_csv_path=csv_path, **extra), verbosity=verbosity,
                       env=env)
    run.stats = fake_stats(org.fake)
    return run


CSV = 'Username,jobTitle,Group1,Attribute1_name,Attribute1_value\n' \
      'alice,Staff Engineer,Finance,site,remote\n' \
      'bob,Analyst,,,\n' \
      'erin,,,,\n'


@pytest.mark.smoke
def test_preview_only_writes_nothing_then_confirm_applies_then_rerun_changes_nothing(tmp_path, org):
    csv_path = str(write_csv(tmp_path, CSV))

    preview = update(tmp_path, org, csv_path)
    assert preview.rc == 0, preview.output
    assert preview.stats['writes'] == 0
    assert org.user('alice')['jobTitle'] == 'Engineer'
    assert 'row 2 alice: would update: jobTitle, attributes.site, would add group Finance' in preview.stdout
    assert 'row 3 bob: would update: jobTitle' in preview.stdout
    assert 'row 4 erin: unchanged' in preview.stdout
    assert 'added' not in preview.stdout and ': updated' not in preview.stdout     # no write it did not make
    assert 'Preview only, nothing was written: would update 2 user(s); 1 unchanged.' in preview.stdout
    assert re.search(r'TASK \[jcops.jumpcloud.users_csv : Update the users\] \**\nskipping', preview.stdout)
    assert '--- before' not in preview.stdout        # no diff unless asked for: it is personal data
    shown = update(tmp_path, org, csv_path, users_csv_show_diff=True)
    assert '--- before' in shown.stdout and 'Staff Engineer' in shown.stdout and shown.stats['writes'] == 0

    confirmed = update(tmp_path, org, csv_path, users_csv_confirm=True,
                       users_csv_report_path=str(tmp_path / 'report.csv'))
    assert confirmed.rc == 0, confirmed.output
    assert confirmed.stats['writes'] == 3            # alice PUT + group add, bob PUT
    assert org.user('alice')['jobTitle'] == 'Staff Engineer' and org.user('bob')['jobTitle'] == 'Analyst'
    assert org.uid('alice') in org.members('Finance')
    assert {'name': 'site', 'value': 'remote'} in org.user('alice')['attributes']
    assert 'updated 2 user(s); 1 unchanged' in confirmed.stdout
    assert (tmp_path / 'report.csv').read_text().count('\n') == 4

    again = update(tmp_path, org, csv_path, users_csv_confirm=True)
    assert again.rc == 0, again.output
    assert again.stats['writes'] == 0
    assert 'updated 0 user(s); 3 unchanged' in again.stdout
    for line in ('row 2 alice: unchanged', 'row 3 bob: unchanged', 'row 4 erin: unchanged'):
        assert line in again.stdout


def test_without_preview_it_applies_at_once(tmp_path, org):
    run = update(tmp_path, org, str(write_csv(tmp_path, CSV)), users_csv_preview=False)
    assert run.rc == 0, run.output
    assert re.search(r'TASK \[jcops.jumpcloud.users_csv : Preview the changes \(check mode\)\] \**\nskipping',
                     run.stdout)
    assert run.stats['writes'] == 3 and org.user('bob')['jobTitle'] == 'Analyst'


def test_write_mode_bulk_reaches_the_module_and_the_preview_creates_no_job(tmp_path, org):
    configure_fake(org.fake, bulk_polls_before_results=0)
    run = update(tmp_path, org, str(write_csv(tmp_path, CSV)), users_csv_confirm=True, users_csv_write_mode='bulk')
    assert run.rc == 0, run.output
    routes = run.stats['by_route']
    # one job for both users' fields (the preview made none), the group add per user, no PUT
    assert routes['PATCH /api/v2/bulk/users'] == 1 and len(org.fake.org.bulk_jobs) == 1
    assert 'PUT /api/systemusers/{id}' not in routes
    assert run.stats['writes'] == 2
    assert org.user('alice')['jobTitle'] == 'Staff Engineer' and org.user('bob')['jobTitle'] == 'Analyst'
    assert 'row 2 alice: updated: jobTitle, attributes.site, group Finance added' in run.stdout


def test_a_failing_user_fails_the_play_and_is_named_last(tmp_path, org):
    # alice is valid while the run validates and previews, and deleted by someone else before it writes
    configure_fake(org.fake, delete_before_first_write=[org.uid('alice')])
    text = 'Username,jobTitle\nalice,Staff Engineer\nbob,Analyst\n'
    run = update(tmp_path, org, str(write_csv(tmp_path, text)), users_csv_confirm=True)
    assert run.rc != 0
    out = run.stdout
    assert 'row 3 bob: updated: jobTitle' in out
    assert 'row 2 alice: failed: update: ' in out
    # failed users come after the others
    assert out.index('row 3 bob: updated') < out.index('row 2 alice: failed')
    assert 'TASK [jcops.jumpcloud.users_csv : Fail when any user failed]' in out
    failure = out.split('TASK [jcops.jumpcloud.users_csv : Fail when any user failed]')[1]
    assert '1 of 2 row(s) of %s failed' % (tmp_path / 'users.csv') in failure and 'row 2 alice' in failure
    assert org.user('bob')['jobTitle'] == 'Analyst'


def test_an_invalid_file_stops_at_the_preview_naming_row_and_user(tmp_path, org):
    text = 'Username,unix_uid\nalice,not-a-number\nnobody-such,\n'
    run = update(tmp_path, org, str(write_csv(tmp_path, text)), users_csv_confirm=True)
    assert run.rc != 0
    assert run.stats['writes'] == 0
    assert 'Stop when the preview found problems' in run.stdout
    assert 'users.csv:2:2: unix_uid' in run.stdout
    assert 'row 3 nobody-such: not_found' in run.stdout
    assert 'Update the users' not in run.stdout


def test_skip_invalid_rows_with_the_preview_applies_the_valid_rows_and_reports_the_invalid_ones(tmp_path, org):
    text = 'Username,jobTitle,unix_uid\nalice,Staff Engineer,\ncarol,Lead,not-a-number\nnobody-such,Ghost,\n' \
           'bob,Analyst,\n'
    csv_path = str(write_csv(tmp_path, text))

    preview = update(tmp_path, org, csv_path, users_csv_skip_invalid_rows=True)
    assert preview.stats['writes'] == 0
    assert re.search(r'TASK \[jcops.jumpcloud.users_csv : Stop when the preview found problems\] \**\nskipping',
                     preview.stdout), preview.stdout
    assert 'Preview only, nothing was written' in preview.stdout

    run = update(tmp_path, org, csv_path, users_csv_skip_invalid_rows=True, users_csv_confirm=True)
    assert re.search(r'TASK \[jcops.jumpcloud.users_csv : Stop when the preview found problems\] \**\nskipping',
                     run.stdout), run.stdout
    assert run.stats['writes'] == 2                  # alice and bob
    assert org.user('alice')['jobTitle'] == 'Staff Engineer' and org.user('bob')['jobTitle'] == 'Analyst'
    assert org.user('carol').get('jobTitle') != 'Lead'
    applied = run.stdout.split('TASK [jcops.jumpcloud.users_csv : Update the users]')[1]
    assert 'row 2 alice: updated: jobTitle' in applied and 'row 5 bob: updated: jobTitle' in applied
    assert 'users.csv:3:3: unix_uid' in applied
    assert 'row 4 nobody-such: not_found' in applied
    # the invalid rows are reported as failed: the play fails after the valid rows were applied
    assert run.rc != 0
    failure = applied.split('TASK [jcops.jumpcloud.users_csv : Fail when any user failed]')[1]
    assert 'has 2 invalid row(s); the valid rows were applied' in failure


def test_the_summary_says_where_the_failed_rows_are_or_that_none_failed(tmp_path, org):
    failed = tmp_path / 'failed.csv'
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle,unix_uid\nalice,Staff Engineer,\ncarol,Lead,not-a-number\n'))
    run = update(tmp_path, org, csv_path, users_csv_skip_invalid_rows=True, users_csv_confirm=True,
                 users_csv_failed_rows_path=str(failed))
    assert run.rc != 0 and org.user('alice')['jobTitle'] == 'Staff Engineer'
    assert 'Failed rows: %s (1 row(s) to fix and rerun)' % failed in run.stdout
    lines = failed.read_text().splitlines()
    assert len(lines) == 2 and lines[0] == 'Username,jobTitle,unix_uid,jc_error'
    assert lines[1].startswith('carol,Lead,not-a-number,')

    clean = str(write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n', name='clean.csv'))
    before = failed.read_bytes()
    run = update(tmp_path, org, clean, users_csv_confirm=True, users_csv_failed_rows_path=str(failed))
    assert run.rc == 0, run.output
    assert 'Failed rows: none failed, nothing written' in run.stdout
    assert failed.read_bytes() == before
    run = update(tmp_path, org, clean, users_csv_confirm=True)
    assert 'Failed rows: not written (set users_csv_failed_rows_path)' in run.stdout


def test_skip_invalid_rows_still_stops_at_the_preview_for_a_broken_file(tmp_path, org):
    csv_path = str(write_csv(tmp_path, 'Username,jobTitle,jobTitle\nalice,A,B\n'))
    run = update(tmp_path, org, csv_path, users_csv_skip_invalid_rows=True, users_csv_confirm=True)
    assert run.rc != 0
    assert run.stats['writes'] == 0
    assert 'Preview failed; nothing was written' in run.stdout
    assert 'Update the users' not in run.stdout


@pytest.mark.smoke
def test_secrets_are_never_printed_at_vvv(tmp_path, org):
    text = 'Username,Password,jobTitle\nbob,%s,Analyst\n' % PASSWORD
    csv_path = str(write_csv(tmp_path, text))
    # the key in the environment, as an AWX credential injects it
    # (update_password always: the password is sent to the existing user each time, and never shown)
    by_env = update(tmp_path, org, csv_path, verbosity=3, users_csv_confirm=True, users_csv_update_password='always')
    # and the key as a role variable
    by_var = update(tmp_path, org, csv_path, verbosity=3, env={'JC_API_KEY': ''}, users_csv_confirm=True,
                    users_csv_api_key=API_KEY, users_csv_update_password='always')
    for run in (by_env, by_var):
        assert run.rc == 0, run.output
        assert 'row 2 bob: updated: ' in run.stdout
        assert API_KEY not in run.output
        assert PASSWORD not in run.output
        assert run.stats['writes'] == 1
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in by_var.output or '********' in by_var.output
    assert org.fake.org.password_sets[org.uid('bob')] == 2     # the password was applied each time


@pytest.mark.smoke
def test_argument_specs_reject_a_wrong_type(tmp_path, org):
    csv_path = str(write_csv(tmp_path, CSV))
    run = update(tmp_path, org, csv_path, users_csv_confirm='maybe')
    assert run.rc != 0
    assert "Validating arguments against arg spec 'main'" in run.stdout
    assert "argument 'users_csv_confirm' is of type str and we were unable to convert to bool" in run.stdout
    assert run.stats['total'] == 0

    wrong = run_playbook(tmp_path, org.fake, TEMPLATE, dict(users_csv_template_groups='several',
                                                            users_csv_template_dest=str(tmp_path)))
    assert wrong.rc != 0
    assert "argument 'users_csv_template_groups' is of type str and we were unable to convert to int" in wrong.stdout
    assert not list(tmp_path.glob('JCUser*.csv'))

    missing = run_playbook(tmp_path, org.fake, UPDATE, {})
    assert missing.rc != 0 and 'one of the following is required: csv_path, users' in missing.stdout


def test_template_playbook_by_fqcn(tmp_path, org):
    run = run_playbook(tmp_path, org.fake, TEMPLATE, dict(
        users_csv_template_dest=str(tmp_path / 'template.csv'), users_csv_template_populate_users=True,
        users_csv_template_user_information=True, users_csv_template_systems=True, users_csv_template_groups=2))
    assert run.rc == 0, run.output
    text = (tmp_path / 'template.csv').read_text(encoding='utf-8-sig')
    lines = text.splitlines()
    assert lines[0].startswith('Username,') and 'jobTitle' in lines[0] and lines[0].endswith('Group1,Group2')
    usernames = sorted(u['username'] for u in org.fake.org.users.values())
    assert sorted(line.split(',')[0] for line in lines[1:]) == usernames
    assert 'Template: %s (6 user rows)' % (tmp_path / 'template.csv') in run.stdout
    assert 'Devices: %s' % tmp_path in run.stdout


@pytest.mark.smoke
def test_role_entry_points_in_a_play(tmp_path, org):
    """Both entry points as a play's own tasks, the way a team's playbook would use the role."""
    csv_path = str(write_csv(tmp_path, CSV))
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'template', 'ansible.builtin.import_role': {'name': 'jcops.jumpcloud.users_csv',
                                                                 'tasks_from': 'template'},
             'vars': {'users_csv_template_dest': str(tmp_path / 'empty.csv'), 'users_csv_template_mfa': True}},
            {'name': 'apply', 'ansible.builtin.include_role': {'name': 'jcops.jumpcloud.users_csv'},
             'vars': {'users_csv_path': csv_path, 'users_csv_preview': False}},
        ],
    }]
    run = run_play(tmp_path, org.fake, play)
    assert run.rc == 0, run.output
    assert (tmp_path / 'empty.csv').read_text(encoding='utf-8-sig').splitlines() == \
        ['Username,enable_user_portal_multifactor,EnrollmentDays']
    assert org.user('alice')['jobTitle'] == 'Staff Engineer'
