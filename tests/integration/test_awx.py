"""AWX fit: the credential type injects what the modules read, the surveys match the role, the EE resolves."""
import os
import subprocess
import sys

import jinja2
import pytest
import yaml

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET, COLLECTIONS_PATH, ORG_ID, ROOT
from helpers import write_csv
from playbook import fake_stats, run_playbook
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.connection import CONNECTION_ARGSPEC

pytestmark = pytest.mark.integration
AWX = os.path.join(ROOT, 'docs', 'awx')


def load(*parts):
    with open(os.path.join(*parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def role_spec(entry_point):
    return load(ROOT, 'roles', 'users_csv', 'meta', 'argument_specs.yml')['argument_specs'][entry_point]['options']


def injected_env(inputs):
    injectors = load(AWX, 'credential_type.yml')['injectors']['env']
    env = jinja2.Environment(undefined=jinja2.Undefined)
    return dict((name, env.from_string(template).render(**inputs)) for name, template in injectors.items())


def test_credential_type_injects_the_variables_the_modules_read():
    cred = load(AWX, 'credential_type.yml')
    fields = dict((f['id'], f) for f in cred['inputs']['fields'])
    assert fields['api_key']['secret'] is True and cred['inputs']['required'] == []
    assert fields['client_id']['secret'] is True and fields['client_secret']['secret'] is True
    assert fields['region']['choices'] == CONNECTION_ARGSPEC['region']['choices']
    read = dict((spec['fallback'][1][0], name) for name, spec in CONNECTION_ARGSPEC.items() if 'fallback' in spec)
    assert set(cred['injectors']['env']) == {'JC_API_KEY', 'JC_ORG_ID', 'JC_REGION', 'JC_CLIENT_ID', 'JC_CLIENT_SECRET',
                                             'JC_OAUTH_TOKEN_URL'}
    assert set(cred['injectors']['env']) <= set(read)
    env = injected_env({'api_key': 'k' * 40, 'region': 'eu'})
    assert env == {'JC_API_KEY': 'k' * 40, 'JC_ORG_ID': '', 'JC_REGION': 'eu', 'JC_CLIENT_ID': '', 'JC_CLIENT_SECRET': '',
                   'JC_OAUTH_TOKEN_URL': ''}
    env = injected_env({'client_id': 'i' * 36, 'client_secret': 's' * 40})
    assert env == {'JC_API_KEY': '', 'JC_ORG_ID': '', 'JC_REGION': 'us', 'JC_CLIENT_ID': 'i' * 36,
                   'JC_CLIENT_SECRET': 's' * 40, 'JC_OAUTH_TOKEN_URL': ''}


@pytest.mark.smoke
@pytest.mark.parametrize('login', ['api key', 'service account'])
def test_a_run_with_the_credential_injected_as_awx_does(tmp_path, org, login):
    """The update playbook with exactly the credential's environment (the org id only with the service account,
    which needs it) and the survey's strings."""
    if login == 'api key':
        env = injected_env({'api_key': API_KEY, 'region': 'us'})
    else:
        env = injected_env({'client_id': CLIENT_ID, 'client_secret': CLIENT_SECRET, 'region': 'us',
                            'oauth_token_url': org.fake.token_url, 'org_id': ORG_ID})
    env['JC_API_URL'] = org.fake.url        # the fake stands in for the region's URL
    path = write_csv(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    survey = {'users_csv_path': str(path), 'users_csv_confirm': 'true', 'users_csv_skip_invalid_rows': 'false',
              'users_csv_update_password': 'never', 'users_csv_report_path': ''}
    run = run_playbook(tmp_path, None, 'jcops.jumpcloud.update_users', survey, env=env)
    assert run.rc == 0, run.output
    assert 'row 2 bob: updated: jobTitle' in run.stdout
    assert org.user('bob')['jobTitle'] == 'Analyst' and fake_stats(org.fake)['writes'] == 1
    assert 'not written (set users_csv_report_path)' in run.stdout
    # the preview and the apply: one token each with a service account, none with a key
    assert fake_stats(org.fake)['token_requests'] == (0 if login == 'api key' else 2)


@pytest.mark.parametrize('index, entry_point', [(0, 'template'), (1, 'main')])
def test_job_template_surveys_ask_only_for_role_variables(index, entry_point):
    template = load(AWX, 'job_templates.yml')['job_templates'][index]
    spec = role_spec(entry_point)
    asked = dict((q['variable'], q) for q in template['survey'])
    assert set(asked) <= set(spec), set(asked) - set(spec)
    for name, option in spec.items():
        if option.get('required'):
            assert asked[name]['required'] is True, name
    for name, question in asked.items():
        option = spec[name]
        if option.get('type') == 'bool':
            assert question['type'] == 'multiplechoice' and set(question['choices']) == {'true', 'false'}, name
        if option.get('choices'):
            assert set(question['choices']) <= set(option['choices']), name
        if option.get('type') == 'int':
            assert question['type'] == 'integer', name
    assert os.path.basename(template['playbook']) in os.listdir(os.path.join(ROOT, 'playbooks'))


def test_the_update_survey_offers_the_personal_data_diff_off_by_default():
    template = load(AWX, 'job_templates.yml')['job_templates'][1]
    asked = dict((q['variable'], q) for q in template['survey'])
    assert asked['users_csv_show_diff']['default'] == 'false'
    assert 'personal data' in asked['users_csv_show_diff']['question_name']
    assert role_spec('main')['users_csv_show_diff']['default'] is False


def test_the_update_survey_asks_for_an_output_folder_not_for_file_paths():
    """Whoever launches the job chooses a folder; the files in it have fixed names, so no answer makes the job
    replace an arbitrary file."""
    template = load(AWX, 'job_templates.yml')['job_templates'][1]
    asked = dict((q['variable'], q) for q in template['survey'])
    assert 'users_csv_report_path' not in asked and 'users_csv_failed_rows_path' not in asked
    assert asked['users_csv_output_dir']['required'] is False
    assert 'rollback file' in asked['users_csv_output_dir']['question_name']
    assert 'users_csv_rollback_path' not in asked and role_spec('main')['users_csv_rollback_path']['type'] == 'path'
    assert role_spec('main')['users_csv_output_dir']['type'] == 'path'


WITH_PASSWORD = 'Username,Password,jobTitle,sudo\nbob,S3cret-Passw0rd-Alpha!,Analyst,maybe\ncarol,,Lead,\n'


def test_the_output_folder_gets_the_report_and_the_failed_rows_under_fixed_names(tmp_path, org):
    out = tmp_path / 'out'
    out.mkdir()
    survey = {'users_csv_path': str(write_csv(tmp_path, WITH_PASSWORD)), 'users_csv_confirm': 'true',
              'users_csv_skip_invalid_rows': 'true', 'users_csv_output_dir': str(out)}
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(survey, users_csv_report_mode='0644'))
    assert 'Results report: %s' % (out / 'users-report.csv') in run.stdout, run.output
    assert 'Failed rows: %s (1 row(s) to fix and rerun)' % (out / 'users-failed-rows.csv') in run.stdout
    listed = sorted(os.listdir(str(out)))
    assert listed[:2] == ['users-failed-rows.csv', 'users-report.csv'] and len(listed) == 3, listed
    # and the rollback file, named by the run's time, undoing carol's update (bob's row is invalid)
    assert listed[2].startswith('users-rollback-') and listed[2].endswith('Z.csv')
    assert 'Rollback file: %s (1 user(s); apply it to undo this run)' % (out / listed[2]) in run.stdout
    assert (out / listed[2]).read_text() == 'Username,jobTitle,jc_note\ncarol,__CLEAR__,\n'
    assert 'S3cret-Passw0rd-Alpha!' not in (out / listed[2]).read_text()
    assert 'S3cret-Passw0rd-Alpha!' in (out / 'users-failed-rows.csv').read_text()
    assert oct(os.stat(str(out / 'users-failed-rows.csv')).st_mode & 0o777) == oct(0o600)
    assert org.user('carol')['jobTitle'] == 'Lead'
    # a path given as before takes precedence over the folder, for its own file
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        survey, users_csv_report_path=str(tmp_path / 'mine.csv')))
    assert 'Results report: %s' % (tmp_path / 'mine.csv') in run.stdout, run.output
    assert (tmp_path / 'mine.csv').is_file() and 'Failed rows: %s' % (out / 'users-failed-rows.csv') in run.stdout


def test_ansible_builder_introspect_finds_the_collection_requirements():
    builder = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')
    proc = subprocess.run([builder, 'introspect', '--sanitize', COLLECTIONS_PATH], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(proc.stdout)
    assert data['python'] == ['requests>=2.25.0  # from collection jcops.jumpcloud']
    assert data['system'] == []
    with open(os.path.join(ROOT, 'meta', 'ee-requirements.txt'), encoding='utf-8') as handle:
        assert handle.read().split() == ['requests>=2.25.0']


def test_the_documented_execution_environment_builds_a_context(tmp_path):
    builder = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')
    proc = subprocess.run([builder, 'create', '-f', os.path.join(AWX, 'execution-environment.yml'), '-c',
                           str(tmp_path / 'context')], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    requirements = yaml.safe_load((tmp_path / 'context' / '_build' / 'requirements.yml').read_text())
    assert requirements['collections'][0]['name'] == 'jcops.jumpcloud'
