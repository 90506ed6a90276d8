"""Saved plans: check mode saves the plan it would apply; a run given it applies exactly its writes, refuses a
plan for another org, from another version, too old, edited, or a CSV edited since, writing nothing; a row whose
user changed since the plan in what the row touches is stale."""
import copy
import datetime
import hashlib
import json
import os
import re
import stat

import pytest

from fake_jumpcloud.server import FakeJumpCloud
from helpers import USERS_MODULE, apply, configure_fake, results_by_user, run_task, write_csv
from org import SEED
from playbook import fake_stats, reset_stats, run_playbook
from test_secrets import PASSWORDS, forms
from testenv import API_KEY, CLIENT_SECRET

pytestmark = pytest.mark.integration

MASK = '********'
NEW = '(new user)'
CSV = ('Username,jobTitle,Group1,Password,Email,FirstName,LastName,Attribute1_name,Attribute1_value\n'
       'alice,Lead,Finance,,,,,team,blue\n'
       'bob,Analyst,Ops,,,,,,\n'
       'erin,,,,,Erin,,,\n'
       'zed,,Finance,"%s",zed@example.com,Zed,Zulu,,\n' % PASSWORDS[0].replace('"', '""'))


def make_plan(tmp_path, fake, csv=CSV, **args):
    """The check mode run saving its plan in plan.json: the run, the plan file's path and the CSV's path."""
    path = write_csv(tmp_path, csv)
    plan = tmp_path / 'plan.json'
    run = apply(tmp_path, fake, path, check=True, plan_path=str(plan), missing_users='create', **args)
    assert not run.result['failed'], run.result['msg']
    assert run.stats['write_log'] == []
    return run, plan, path


def apply_plan(tmp_path, fake, check=False, playbook=False, **args):
    """A run applying a plan; the run carries the fake's stats meanwhile."""
    reset_stats(fake)
    run = run_task(tmp_path, fake, USERS_MODULE, args, check=check, playbook=playbook)
    run.stats = fake_stats(fake)
    return run


def sent(log, ids):
    """The write log as a plan names its writes: a created user's id as NEW, passwords masked."""
    def name(value):
        return NEW if isinstance(value, str) and value in ids else value
    writes = []
    for write in log:
        body = dict((k, MASK if k == 'password' else name(v)) for k, v in (write['body'] or {}).items())
        path = '/'.join(name(part) for part in write['path'].split('/'))
        writes.append(json.dumps({'method': write['method'], 'path': path, 'body': body}, sort_keys=True))
    return sorted(writes)


def planned(document):
    return sorted(json.dumps(w, sort_keys=True) for row in document['rows'] for w in row['writes'])


def rewrite(document, **changes):
    """``document`` with ``changes`` and its id made anew: a well-formed plan saying something else."""
    document = dict(copy.deepcopy(document), **changes)
    content = dict((k, v) for k, v in document.items() if k != 'id')
    document['id'] = hashlib.sha256(json.dumps(content, sort_keys=True, separators=(',', ':'),
                                               ensure_ascii=False).encode('utf-8')).hexdigest()
    return document


def test_through_ansible_playbook_the_run_sends_exactly_the_plans_writes(tmp_path, org):
    path = write_csv(tmp_path, CSV)
    plan = tmp_path / 'plan.json'
    reset_stats(org.fake)
    check = run_task(tmp_path, org.fake, USERS_MODULE, dict(csv_path=str(path), plan_path=str(plan),
                                                            missing_users='create'), check=True, playbook=True)
    assert not check.result['failed'], check.result['msg']
    document = json.loads(plan.read_text(encoding='utf-8'))
    assert check.result['plan_id'] == document['id'] and document['id'] in check.result['msg']
    assert check.result['plan'] == document and check.result['plan_path'] == str(plan)
    assert stat.S_IMODE(os.stat(plan).st_mode) == 0o600
    assert fake_stats(org.fake)['write_log'] == []
    assert [r['username'] for r in document['rows']] == ['alice', 'bob', 'erin', 'zed']

    run = apply_plan(tmp_path, org.fake, playbook=True, plan_path=str(plan), csv_path=str(path),
                     missing_users='create')
    assert not run.result['failed'], run.result['msg']
    assert run.result['plan_id'] == document['id'] and ('plan %s applied' % document['id']) in run.result['msg']
    by_user = results_by_user(run.result)
    assert [by_user[u]['status'] for u in ('alice', 'bob', 'erin', 'zed')] == ['updated', 'updated', 'unchanged',
                                                                               'created']
    created = by_user['zed']['user_id']
    assert sent(run.stats['write_log'], {created}) == planned(document)
    assert len(run.stats['write_log']) == 5         # alice's PUT and group, bob's PUT, zed's POST and group
    assert org.user('alice')['jobTitle'] == 'Lead' and org.user('bob')['jobTitle'] == 'Analyst'
    assert org.fake.org.password_sets.get(created) == 1


def test_a_user_changed_since_the_plan_is_stale_and_the_others_apply(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake)
    document = check.result['plan']
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': 'Manager'})         # what bob's row changes
    org.fake.org.update_user(org.uid('alice'), {'department': 'Sales'})       # what alice's row does not touch
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path))
    assert not run.result['failed'], run.result['msg']
    by_user = results_by_user(run.result)
    assert by_user['bob']['status'] == 'stale' and 'jobTitle' in by_user['bob']['msg']
    assert by_user['alice']['status'] == 'updated' and by_user['zed']['status'] == 'created'
    assert run.result['summary']['by_status']['stale'] == 1
    assert 'bob (row 3)' in run.result['msg'] and '1 stale' in run.result['msg']
    assert org.user('bob')['jobTitle'] == 'Manager'
    assert org.user('alice')['department'] == 'Sales' and org.user('alice')['jobTitle'] == 'Lead'
    bob_writes = [w for w in run.stats['write_log'] if org.uid('bob') in w['path'] or
                  (w['body'] or {}).get('id') == org.uid('bob')]
    assert bob_writes == []
    others = [w for row in document['rows'] if row['username'] != 'bob' for w in row['writes']]
    expected = sorted(json.dumps(w, sort_keys=True) for w in others)
    assert sent(run.stats['write_log'], {by_user['zed']['user_id']}) == expected


def test_on_stale_fail_writes_nothing(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake)
    org.fake.org.update_user(org.uid('alice'), {'attributes': [{'name': 'team', 'value': 'green'}]})
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path), on_stale='fail')
    assert run.result['failed'] and 'nothing was written' in run.result['msg'] and 'alice (row 2)' in run.result['msg']
    assert run.stats['write_log'] == []
    assert results_by_user(run.result)['alice']['status'] == 'stale'
    assert results_by_user(run.result)['bob']['status'] == 'skipped'
    assert run.result['plan_id'] == check.result['plan_id']


def test_applied_twice_the_second_run_writes_nothing(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake)
    first = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path))
    assert not first.result['failed'], first.result['msg']
    again = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path))
    assert not again.result['failed'], again.result['msg']
    assert again.stats['write_log'] == []
    assert set(r['status'] for r in again.result['results']) == {'unchanged'}
    assert check.result['plan_id'] in again.result['msg']


def test_check_mode_with_the_plan_as_data_predicts_its_run_stale_included(tmp_path, org):
    check, dummy, path = make_plan(tmp_path, org.fake)
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': 'Manager'})
    run = apply_plan(tmp_path, org.fake, check=True, plan=check.result['plan'], csv_path=str(path))
    assert not run.result['failed'], run.result['msg']
    assert run.stats['write_log'] == []
    statuses = dict((r['username'], r['status']) for r in run.result['results'])
    assert statuses == {'alice': 'would_update', 'bob': 'stale', 'erin': 'unchanged', 'zed': 'would_create'}
    assert 'would be applied' in run.result['msg']


def test_a_plan_as_data_gives_the_same_run_as_by_path(tmp_path, fake_factory):
    runs = []
    for how in ('path', 'data'):
        fake = fake_factory(copy.deepcopy(SEED))
        folder = tmp_path / how
        folder.mkdir()
        check, plan, path = make_plan(folder, fake)
        given = dict(plan_path=str(plan)) if how == 'path' else dict(plan=check.result['plan'])
        runs.append(apply_plan(folder, fake, csv_path=str(path), **given))
    by_path, by_data = runs
    assert by_path.result['results'] == by_data.result['results']
    assert by_path.result['summary']['by_status'] == by_data.result['summary']['by_status']
    assert sorted(map(json.dumps, by_path.stats['write_log'])) == sorted(map(json.dumps, by_data.stats['write_log']))
    assert by_path.stats['write_log']


def _refused(tmp_path, fake, what, **args):
    run = apply_plan(tmp_path, fake, **args)
    assert run.result['failed'], what
    assert 'nothing was written' in run.result['msg'] and what in run.result['msg'], run.result['msg']
    assert run.stats['write_log'] == [], what
    user_reads = [r for r in run.stats['by_route'] if 'systemusers' in r]
    assert user_reads == [], (what, run.stats['by_route'])
    return run


def test_a_csv_edited_after_the_plan_is_refused(tmp_path, org):
    dummy, plan, path = make_plan(tmp_path, org.fake)
    path.write_text(CSV.replace('Analyst', 'Director'), encoding='utf-8')
    _refused(tmp_path, org.fake, 'is not the file it was made from', plan_path=str(plan), csv_path=str(path))


def test_a_plan_creating_users_with_passwords_needs_its_csv(tmp_path, org):
    dummy, plan, dummy = make_plan(tmp_path, org.fake)
    _refused(tmp_path, org.fake, 'give csv_path', plan_path=str(plan))


def test_a_plan_without_passwords_applies_without_its_csv(tmp_path, org):
    check, plan, dummy = make_plan(tmp_path, org.fake, csv='Username,jobTitle\nbob,Analyst\n')
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan))
    assert not run.result['failed'], run.result['msg']
    assert sent(run.stats['write_log'], set()) == planned(check.result['plan'])


@pytest.mark.parametrize('change, what', [
    (dict(org_id='5f00000000000000000000ff'), 'it was made for org 5f00000000000000000000ff'),
    (dict(collection_version='0.0.9'), 'made by version 0.0.9'),
    (dict(made_at='2020-01-01T00:00:00Z'), 'more than plan_max_age'),
])
def test_a_plan_for_another_org_version_or_too_old_is_refused(tmp_path, org, change, what):
    check, plan, path = make_plan(tmp_path, org.fake)
    plan.write_text(json.dumps(rewrite(check.result['plan'], **change)), encoding='utf-8')
    _refused(tmp_path, org.fake, what, plan_path=str(plan), csv_path=str(path))


def test_a_plan_older_than_plan_max_age_is_refused(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake)
    made = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=120)
    older = rewrite(check.result['plan'], made_at=made.strftime('%Y-%m-%dT%H:%M:%SZ'))
    _refused(tmp_path, org.fake, 'more than plan_max_age (60)', plan=older, csv_path=str(path), plan_max_age=60)


def test_a_plan_edited_by_hand_is_refused(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake)
    document = copy.deepcopy(check.result['plan'])
    document['rows'][1]['writes'][0]['body']['jobTitle'] = 'CEO'
    plan.write_text(json.dumps(document), encoding='utf-8')
    _refused(tmp_path, org.fake, 'does not match its id', plan_path=str(plan), csv_path=str(path))


def test_a_plan_run_given_other_shaping_options_is_refused(tmp_path, org):
    dummy, plan, path = make_plan(tmp_path, org.fake)
    _refused(tmp_path, org.fake, 'missing_users=create, and this run is given missing_users=skip',
             plan_path=str(plan), csv_path=str(path), missing_users='skip')


def test_a_plan_for_another_org_named_by_org_id_is_refused(tmp_path, fake_factory):
    fake = fake_factory(copy.deepcopy(SEED), org_id='5f00000000000000000000aa')
    check, plan, path = make_plan(tmp_path, fake, org_id='5f00000000000000000000aa')
    assert check.result['plan']['org_id'] == '5f00000000000000000000aa'
    other = FakeJumpCloud(api_key=API_KEY, seed=copy.deepcopy(SEED)).start()
    try:
        _refused(tmp_path, other, 'this run acts in org 5f0000000000000000000000', plan_path=str(plan),
                 csv_path=str(path))
    finally:
        other.stop()


def test_the_plan_holds_no_password_key_or_token(tmp_path, org):
    csv = ('Username,Password,Email,FirstName,LastName\n'
           'zed,"%s",zed@example.com,Zed,Zulu\nyan,%s,yan@example.com,Yan,Young\nbob,%s,,,\n'
           % (PASSWORDS[0].replace('"', '""'), PASSWORDS[1], PASSWORDS[2]))
    check, plan, path = make_plan(tmp_path, org.fake, csv=csv, update_password='always')
    text = plan.read_text(encoding='utf-8')
    secrets = [API_KEY, CLIENT_SECRET] + PASSWORDS
    assert [f for s in secrets for f in forms(s) if f in text] == []
    assert [f for s in secrets for f in forms(s) if f in json.dumps(check.result)] == []
    assert MASK in text                                 # the password writes are there, masked
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path))
    assert not run.result['failed'], run.result['msg']
    assert org.fake.org.password_sets.get(org.uid('bob')) == 1       # and yet the passwords are sent
    assert [f for s in secrets for f in forms(s) if f in json.dumps(run.result)] == []


def test_the_role_applies_the_plan_its_own_preview_made(tmp_path, org):
    path = str(write_csv(tmp_path, 'Username,jobTitle\nalice,Lead\nbob,Analyst\n'))
    plan = tmp_path / 'role.plan.json'
    preview = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users',
                           dict(users_csv_path=path, users_csv_plan_path=str(plan)))
    assert preview.rc == 0, preview.output
    saved = json.loads(plan.read_text(encoding='utf-8'))
    assert 'Plan %s: the update applies this plan and nothing else' % saved['id'] in preview.stdout
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': 'Director'})
    reset_stats(org.fake)
    later = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users',
                         dict(users_csv_path=path, users_csv_plan_path=str(plan), users_csv_preview=False))
    assert later.rc == 0, later.output
    assert 'row 3 bob: stale' in later.stdout and 'plan %s applied' % saved['id'] in later.stdout
    assert [w['path'] for w in fake_stats(org.fake)['write_log']] == ['/api/systemusers/%s' % org.uid('alice')]

    confirmed = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users',
                             dict(users_csv_path=path, users_csv_confirm=True))
    shown = re.search(r'Plan ([0-9a-f]{64}): the update applies this plan', confirmed.stdout)
    assert shown and 'plan %s applied' % shown.group(1) in confirmed.stdout, confirmed.output


def test_a_plan_path_that_is_not_a_regular_file_or_not_json_is_refused(tmp_path, org):
    folder = tmp_path / 'plans'
    folder.mkdir()
    _refused(tmp_path, org.fake, 'is not a regular file', plan_path=str(folder))
    (folder / 'bad.json').write_text('{"rows": [', encoding='utf-8')
    _refused(tmp_path, org.fake, 'it is not JSON', plan_path=str(folder / 'bad.json'))
    _refused(tmp_path, org.fake, 'not a plan of jc_users_from_csv', plan={'rows': []})


def test_the_report_and_the_failed_rows_work_in_a_plan_run(tmp_path, org):
    dummy, plan, path = make_plan(tmp_path, org.fake)
    configure_fake(org.fake, delete_before_first_write=[org.uid('bob')])
    report, failed = tmp_path / 'report.csv', tmp_path / 'failed.csv'
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan), csv_path=str(path), report_path=str(report),
                     failed_rows_path=str(failed))
    assert run.result['failed'] and results_by_user(run.result)['bob']['status'] == 'failed'
    assert run.result['report_path'] == str(report) and report.read_text(encoding='utf-8').count('\n') == 5
    rows = failed.read_text(encoding='utf-8').splitlines()
    assert len(rows) == 2 and rows[1].startswith('bob,Analyst,Ops,')
    assert stat.S_IMODE(os.stat(failed).st_mode) == 0o600
    _refused(tmp_path, org.fake, 'give csv_path', plan_path=str(plan), failed_rows_path=str(failed))


def test_a_plan_made_for_bulk_jobs_applies_in_them_and_leaves_a_stale_user_out(tmp_path, org):
    check, plan, path = make_plan(tmp_path, org.fake, csv='Username,jobTitle\nalice,Lead\nbob,Analyst\n',
                                  write_mode='bulk')
    assert check.result['plan']['options']['write_mode'] == 'bulk'
    org.fake.org.update_user(org.uid('bob'), {'jobTitle': 'Director'})
    run = apply_plan(tmp_path, org.fake, plan_path=str(plan))         # write_mode comes from the plan
    assert not run.result['failed'], run.result['msg']
    assert [w['method'] + ' ' + w['path'] for w in run.stats['write_log']] == ['PATCH /api/v2/bulk/users']
    assert [u['id'] for u in run.stats['write_log'][0]['body']] == [org.uid('alice')]
    assert org.user('alice')['jobTitle'] == 'Lead' and org.user('bob')['jobTitle'] == 'Director'
    assert results_by_user(run.result)['bob']['status'] == 'stale'
