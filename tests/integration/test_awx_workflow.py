"""The AWX workflow of docs/awx/workflow_template.yml: preview (the plan handed on with set_stats), approval,
apply of exactly that plan. Checked against the options of the AWX collection's workflow_job_template module
(awx_collection/plugins/modules/workflow_job_template.py of the AWX repository: its argument spec and the
suboptions of ``schema``, whose newer name is ``workflow_nodes``), and run as AWX runs it: the preview job with
the survey's answers, then the apply job given the preview's custom stats as extra variables."""
import json
import os
import re

import pytest
import yaml

from testenv import ROOT
from helpers import write_csv
from playbook import fake_stats, reset_stats, run_playbook
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.options import ARGUMENT_SPEC

pytestmark = pytest.mark.integration
AWX = os.path.join(ROOT, 'docs', 'awx')
UPDATE = 'jcops.jumpcloud.update_users'

# awx.awx.workflow_job_template: its options, a node's (``schema`` elements), a node's unified_job_template's
WORKFLOW_OPTIONS = {'name', 'new_name', 'copy_from', 'description', 'extra_vars', 'organization', 'survey_spec',
                    'survey', 'survey_enabled', 'allow_simultaneous', 'ask_variables_on_launch', 'inventory', 'limit',
                    'scm_branch', 'ask_inventory_on_launch', 'ask_scm_branch_on_launch', 'ask_limit_on_launch',
                    'webhook_service', 'webhook_credential', 'labels', 'notification_templates_started',
                    'notification_templates_success', 'notification_templates_error',
                    'notification_templates_approvals', 'schema', 'destroy_current_schema', 'state'}
NODE_OPTIONS = {'extra_data', 'inventory', 'scm_branch', 'job_type', 'job_tags', 'skip_tags', 'limit', 'diff_mode',
                'verbosity', 'all_parents_must_converge', 'identifier', 'state', 'unified_job_template', 'related'}
TEMPLATE_OPTIONS = {'organization', 'inventory', 'name', 'description', 'type', 'timeout'}
TEMPLATE_TYPES = {'job_template', 'project', 'inventory_source', 'system_job', 'workflow_approval',
                  'workflow_job_template'}
RELATED = {'always_nodes', 'success_nodes', 'failure_nodes', 'credentials'}     # "must include ... even if empty"
SURVEY_TYPES = {'text', 'textarea', 'password', 'integer', 'float', 'multiplechoice', 'multiselect'}


def load(name):
    with open(os.path.join(AWX, name), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def role_main():
    with open(os.path.join(ROOT, 'roles', 'users_csv', 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['argument_specs']['main']['options']


def test_the_workflow_has_only_options_the_awx_module_takes():
    workflow = load('workflow_template.yml')['workflow_job_template']
    assert set(workflow) <= WORKFLOW_OPTIONS, set(workflow) - WORKFLOW_OPTIONS
    identifiers = [node['identifier'] for node in workflow['schema']]
    assert len(set(identifiers)) == len(identifiers)
    for node in workflow['schema']:
        assert set(node) <= NODE_OPTIONS, node['identifier']
        assert set(node['unified_job_template']) <= TEMPLATE_OPTIONS, node['identifier']
        assert node['unified_job_template']['type'] in TEMPLATE_TYPES
        assert set(node['related']) == RELATED, node['identifier']
        for kind in RELATED - {'credentials'}:
            assert all(set(link) == {'identifier'} and link['identifier'] in identifiers
                       for link in node['related'][kind])
    for question in workflow['survey_spec']['spec']:
        assert {'variable', 'question_name', 'type', 'required'} <= set(question) and question['type'] in SURVEY_TYPES


def test_preview_then_approval_then_apply_of_the_update_job_template():
    workflow = load('workflow_template.yml')['workflow_job_template']
    nodes = dict((node['identifier'], node) for node in workflow['schema'])
    assert [link['identifier'] for link in nodes['preview']['related']['success_nodes']] == ['approve']
    assert [link['identifier'] for link in nodes['approve']['related']['success_nodes']] == ['apply']
    assert nodes['approve']['unified_job_template']['type'] == 'workflow_approval'
    # the approver has at most the plan's lifetime: an older plan is refused anyway
    assert 0 < nodes['approve']['unified_job_template']['timeout'] <= ARGUMENT_SPEC['plan_max_age']['default']
    update = load('job_templates.yml')['job_templates'][1]
    asked = set(q['variable'] for q in update['survey'])
    for name in ('preview', 'apply'):
        assert nodes[name]['unified_job_template']['name'] == update['name']
        # a node's extra_data reaches the job only when the job template's survey asks for those variables
        assert set(nodes[name]['extra_data']) <= asked
    assert nodes['preview']['extra_data'] == {'users_csv_confirm': False}
    assert nodes['apply']['extra_data'] == {'users_csv_confirm': True}


def test_the_workflow_survey_asks_only_for_role_variables():
    spec = role_main()
    for question in load('workflow_template.yml')['workflow_job_template']['survey_spec']['spec']:
        option = spec[question['variable']]
        if option.get('choices'):
            assert set(question['choices']) <= set(option['choices']), question['variable']
            assert question['default'] == option['default'], question['variable']
    assert spec['users_csv_plan']['type'] == 'dict'


def custom_stats(output):
    """The set_stats data of a run (ANSIBLE_SHOW_CUSTOM_STATS), what AWX keeps as the job's artifacts."""
    found = re.search(r'CUSTOM STATS: \**\s*\n\s*RUN: (\{.*?\})\s*\n\s*\n', output, re.S)
    assert found, output[-3000:]
    return json.loads(found.group(1))


def test_the_workflow_as_awx_runs_it_applies_the_approved_plan(tmp_path, org):
    path = write_csv(tmp_path, 'Username,jobTitle\nalice,Lead\nbob,Analyst\n')
    survey = {'users_csv_path': str(path), 'users_csv_missing_users': 'fail', 'users_csv_on_stale': 'skip'}
    env = {'ANSIBLE_SHOW_CUSTOM_STATS': 'true'}
    reset_stats(org.fake)
    preview = run_playbook(tmp_path, org.fake, UPDATE, dict(survey, users_csv_confirm=False), env=env)
    assert preview.rc == 0, preview.output
    plan = custom_stats(preview.stdout)['users_csv_plan']
    assert 'Plan %s: the update applies this plan and nothing else' % plan['id'] in preview.stdout
    assert fake_stats(org.fake)['write_log'] == []
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': 'Director'})       # while the approver reads
    reset_stats(org.fake)
    apply = run_playbook(tmp_path, org.fake, UPDATE, dict(survey, users_csv_confirm=True, users_csv_plan=plan))
    assert apply.rc == 0, apply.output
    assert 'row 3 bob: stale' in apply.stdout, apply.stdout
    assert 'plan %s applied' % plan['id'] in apply.stdout
    assert fake_stats(org.fake)['write_log'] == [
        {'method': 'PUT', 'path': '/api/systemusers/%s' % org.uid('alice'), 'body': {'jobTitle': 'Lead'}}]
    assert org.user('bob')['jobTitle'] == 'Director'
