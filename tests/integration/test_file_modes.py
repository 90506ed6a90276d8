"""The permissions of the files the modules write (template, devices file, report): 0600 for a new file, an
existing file's mode kept, the ``mode`` option honoured, and check mode and --diff reporting a change of mode.
The modules run in this process (helpers.run_task), but for what ansible-playbook prints of a --diff and for
the role's playbooks."""
import os
import stat

import pytest

from helpers import TEMPLATE_MODULE, apply, run_task, write_csv
from playbook import run_playbook

pytestmark = pytest.mark.integration


def bits(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def template(tmp_path, check=False, diff=False, playbook=False, **args):
    args.setdefault('dest', str(tmp_path / 'template.csv'))
    return run_task(tmp_path, None, TEMPLATE_MODULE, dict(email=True, **args), check=check, diff=diff,
                    playbook=playbook)


def file_diffs(result):
    """The --diff entries of the files' attributes: {header: (before, after)}."""
    return dict((d['before_header'], (d['before'], d['after'])) for d in result.get('diff', [])
                if d['before_header'].endswith('(file attributes)'))


@pytest.fixture
def open_umask():
    """The most permissive umask: what the run creates is then only what the module asks for."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_new_template_is_readable_by_its_owner_only(tmp_path, open_umask):
    run = template(tmp_path)
    assert not run.result.get('failed'), run.result.get('msg')
    assert run.result['changed'] is True
    assert bits(tmp_path / 'template.csv') == 0o600


def test_a_new_report_is_readable_by_its_owner_only(tmp_path, org, open_umask):
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Boss\n', report_path=str(tmp_path / 'report.csv'))
    assert not run.result['failed'], run.result['msg']
    assert bits(tmp_path / 'report.csv') == 0o600


def test_a_given_mode_is_honoured_on_the_template_and_the_devices_file(tmp_path, org):
    run = run_task(tmp_path, org.fake, TEMPLATE_MODULE, dict(dest=str(tmp_path), systems=True, mode='0640'))
    assert not run.result.get('failed'), run.result.get('msg')
    assert bits(run.result['path']) == 0o640
    assert bits(run.result['systems_path']) == 0o640


def test_a_given_mode_is_honoured_on_the_report(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Boss\n', report_path=str(tmp_path / 'report.csv'),
                mode='0640')
    assert not run.result['failed'], run.result['msg']
    assert bits(tmp_path / 'report.csv') == 0o640


def test_a_symbolic_mode_applies_to_the_existing_mode(tmp_path):
    path = tmp_path / 'template.csv'
    template(tmp_path)
    path.chmod(0o644)
    run = template(tmp_path, mode='o-r')
    assert run.result['changed'] is True
    assert bits(path) == 0o640


def test_an_existing_file_keeps_its_mode_when_rewritten(tmp_path, org):
    path = tmp_path / 'template.csv'
    path.write_text('old content\n')
    path.chmod(0o644)
    run = template(tmp_path, force=True)
    assert run.result['changed'] is True
    assert path.read_text(encoding='utf-8-sig').startswith('Username,Email')
    assert bits(path) == 0o644

    report = tmp_path / 'report.csv'
    report.write_text('old report\n')
    report.chmod(0o640)
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nbob,Boss\n', report_path=str(report))
    assert not run.result['failed'], run.result['msg']
    assert report.read_text().startswith('row,username')
    assert bits(report) == 0o640


# a row that fails (not a boolean) with a password in it, for the failed-rows file
WITH_PASSWORD = 'Username,Password,sudo\nbob,S3cret-Passw0rd-Alpha!,maybe\n'


def test_the_failed_rows_file_holds_passwords_and_takes_no_mode_meant_for_the_report(tmp_path, org):
    report, failed = tmp_path / 'report.csv', tmp_path / 'failed.csv'
    failed.write_text('an earlier failed-rows file\n')
    failed.chmod(0o644)
    run = apply(tmp_path, org.fake, WITH_PASSWORD, report_path=str(report), failed_rows_path=str(failed),
                mode='0644', skip_invalid_rows=True)
    assert run.result['failed_rows'] == 1 and 'S3cret-Passw0rd-Alpha!' in failed.read_text()
    assert (bits(report), bits(failed)) == (0o644, 0o600)


@pytest.mark.skipif(os.geteuid() != 0, reason='a file of another user needs root to plant')
def test_a_failed_rows_placeholder_another_user_planted_does_not_make_the_file_theirs(tmp_path, org):
    shared = tmp_path / 'shared'
    shared.mkdir()
    shared.chmod(0o777)
    failed, keep = shared / 'failed.csv', shared / '.keep'
    failed.write_text('')
    os.chown(str(failed), 4242, 4242)
    failed.chmod(0o644)
    os.link(str(failed), str(keep))
    run = apply(tmp_path, org.fake, WITH_PASSWORD, failed_rows_path=str(failed), skip_invalid_rows=True)
    assert run.result['failed_rows'] == 1
    info = os.stat(str(failed))
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (os.getuid(), 0o600)
    assert 'S3cret' in failed.read_text() and keep.read_text() == ''


def test_check_mode_reports_a_mode_change_and_diff_shows_it(tmp_path):
    path = tmp_path / 'template.csv'
    template(tmp_path)
    assert bits(path) == 0o600
    assert template(tmp_path).result['changed'] is False

    run = template(tmp_path, check=True, diff=True, mode='0640', playbook=True)
    assert run.result['changed'] is True
    assert bits(path) == 0o600          # check mode changes nothing
    header = '%s (file attributes)' % path
    assert file_diffs(run.result) == {header: ({'mode': '0600'}, {'mode': '0640'})}
    assert '-    "mode": "0600"' in run.output and '+    "mode": "0640"' in run.output

    run = template(tmp_path, diff=True, mode='0640')
    assert run.result['changed'] is True and bits(path) == 0o640
    assert file_diffs(run.result) == {header: ({'mode': '0600'}, {'mode': '0640'})}
    assert template(tmp_path, mode='0640').result['changed'] is False


def test_a_rewrite_with_a_new_mode_shows_the_mode_change_in_the_diff(tmp_path):
    path = tmp_path / 'template.csv'
    path.write_text('old content\n')
    path.chmod(0o644)
    run = template(tmp_path, diff=True, force=True, mode='0640')
    assert run.result['changed'] is True and bits(path) == 0o640
    assert file_diffs(run.result) == {'%s (file attributes)' % path: ({'mode': '0644'}, {'mode': '0640'})}


def test_check_mode_reports_a_mode_change_of_the_report(tmp_path, org):
    report = tmp_path / 'report.csv'
    csv_text = 'Username,jobTitle\nbob,Boss\n'
    apply(tmp_path, org.fake, csv_text, report_path=str(report))
    assert bits(report) == 0o600
    before = report.read_text()

    run = apply(tmp_path, org.fake, csv_text, check=True, diff=True, report_path=str(report), mode='0640')
    assert not run.result['failed'], run.result['msg']
    assert run.result['changed'] is True
    assert bits(report) == 0o600 and report.read_text() == before
    assert file_diffs(run.result) == {'%s (file attributes)' % report: ({'mode': '0600'}, {'mode': '0640'})}

    run = apply(tmp_path, org.fake, csv_text, report_path=str(report), mode='0640')
    assert run.result['changed'] is True and bits(report) == 0o640
    run = apply(tmp_path, org.fake, csv_text, report_path=str(report), mode='0640')
    assert run.result['changed'] is False


def test_a_left_alone_file_keeps_its_mode(tmp_path):
    path = tmp_path / 'template.csv'
    path.write_text('someone else\'s file\n')
    path.chmod(0o644)
    run = template(tmp_path, mode='0600')
    assert run.result['changed'] is False
    assert bits(path) == 0o644 and path.read_text() == 'someone else\'s file\n'


def test_a_mode_that_is_neither_octal_nor_symbolic_writes_nothing(tmp_path):
    run = template(tmp_path, mode='rw-r')
    assert run.result['failed'] is True
    assert 'mode must be in octal or symbolic form' in run.result['msg']
    assert not (tmp_path / 'template.csv').exists()


def test_the_role_passes_the_modes_of_the_report_and_the_template(tmp_path, org):
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.create_template', dict(
        users_csv_template_dest=str(tmp_path / 'template.csv'), users_csv_template_mode='0640'))
    assert run.rc == 0, run.output
    assert bits(tmp_path / 'template.csv') == 0o640
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        users_csv_path=str(write_csv(tmp_path, 'Username,jobTitle\nbob,Boss\n')), users_csv_preview=False,
        users_csv_report_path=str(tmp_path / 'report.csv'), users_csv_report_mode='0640'))
    assert run.rc == 0, run.output
    assert bits(tmp_path / 'report.csv') == 0o640
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        users_csv_path=str(tmp_path / 'users.csv'), users_csv_preview=False,
        users_csv_report_path=str(tmp_path / 'other.csv')))
    assert run.rc == 0, run.output
    assert bits(tmp_path / 'other.csv') == 0o600


def test_the_role_gives_the_report_mode_to_the_report_only(tmp_path, org):
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        users_csv_path=str(write_csv(tmp_path, WITH_PASSWORD)), users_csv_preview=False,
        users_csv_skip_invalid_rows=True, users_csv_report_path=str(tmp_path / 'report.csv'),
        users_csv_failed_rows_path=str(tmp_path / 'failed.csv'), users_csv_report_mode='0644'))
    assert 'Failed rows: %s (1 row(s) to fix and rerun)' % (tmp_path / 'failed.csv') in run.stdout, run.output
    assert (bits(tmp_path / 'report.csv'), bits(tmp_path / 'failed.csv')) == (0o644, 0o600)
