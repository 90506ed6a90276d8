"""Onboarding from the same CSV as the updates (missing_users=create) against the fake JumpCloud: check mode,
the real run, a second run and the diff, through real ansible-playbook, on a file of three new users and three
existing ones with groups, a device binding with Administrator, custom attributes and passwords; the other
cases with the module in this process (helpers.apply)."""
import os
import pathlib

import pytest
import yaml

from testenv import ROOT
from helpers import TEMPLATE_MODULE, apply, results_by_user, run_task, write_csv
from playbook import fake_stats, reset_stats, run_playbook
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import REQUIRED_TO_CREATE
from predicted import assert_run_as_predicted

pytestmark = pytest.mark.integration

NEW = ('dana', 'evan', 'fay')
PASSWORDS = ('Dana-Pw-4471!', 'Evan-Pw-8812!', 'Alice-Pw-0033!')


def load(*parts):
    with open(os.path.join(*parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def mixed_csv(org):
    host_a, host_b = org.system('host-a'), org.system('host-b')
    return (
        'Username,FirstName,LastName,Email,Password,jobTitle,employeeIdentifier,Group1,SystemID,Administrator,'
        'Attribute1_name,Attribute1_value\n'
        'dana,Dana,Lee,dana@example.com,%s,Analyst,E100,Finance,%s,true,team,blue\n'
        'alice,,,,%s,Principal Engineer,,Finance,,,,\n'
        'evan,Evan,Park,evan@example.com,%s,,,Engineering,,,site,lab\n'
        'bob,,,,,,,,%s,true,team,ops\n'
        'fay,Fay,Moss,fay@example.com,,Designer,,,%s,false,,\n'
        'carol,,,,,Auditor,,Engineering,,,,\n'
        % (PASSWORDS[0], host_b, PASSWORDS[2], PASSWORDS[1], host_b, host_a))


def test_one_file_creates_the_new_users_and_updates_the_others_check_real_rerun(tmp_path, org):
    csv_text = mixed_csv(org)
    before = org.fake.org.snapshot()

    # 1. check mode: reads only, predicts the creations with their groups and bindings
    check = apply(tmp_path, org.fake, csv_text, check=True, diff=True, missing_users='create', playbook=True)
    assert not check.result.get('failed'), check.result.get('msg')
    assert check.stats['writes'] == 0
    assert org.fake.org.snapshot() == before
    predicted = results_by_user(check.result)
    for name in NEW:
        assert predicted[name]['status'] == 'would_create', predicted[name]
        assert predicted[name]['changed'] is True and predicted[name]['user_id'] is None
    assert predicted['dana']['changed_fields'] == ['username', 'firstname', 'lastname', 'email', 'jobTitle',
                                                   'employeeIdentifier', 'password', 'attributes.team']
    assert predicted['dana']['groups'] == [{'name': 'Finance', 'id': org.group('Finance'), 'status': 'would_add'}]
    assert predicted['dana']['system'] == {'id': org.system('host-b'), 'hostname': 'host-b', 'sudo': True,
                                           'status': 'would_add'}
    assert predicted['fay']['system'] == {'id': org.system('host-a'), 'hostname': 'host-a', 'sudo': False,
                                          'status': 'would_add'}
    assert (predicted['dana']['password'], predicted['evan']['password']) == ('would_send', 'would_send')
    assert 'password' not in predicted['fay']
    assert predicted['alice']['status'] == 'would_update' and predicted['alice']['password'] == 'not_sent'
    assert 'update_password is not always' in predicted['alice']['msg']
    assert [predicted[n]['status'] for n in ('bob', 'carol')] == ['would_update', 'would_update']
    assert check.result['summary']['by_status'] == {'would_create': 3, 'would_update': 3, 'unchanged': 0,
                                                    'failed': 0, 'invalid': 0, 'not_found': 0, 'skipped': 0,
                                                    'would_delete': 0, 'absent': 0}
    assert check.result['msg'] == 'would update 3 user(s); 0 unchanged; would create 3 user(s)'
    diffs = {d['before_header'].split()[0]: d for d in check.result['diff']}
    assert diffs['dana']['before_header'] == 'dana (row 2, new user)'
    assert diffs['dana']['before'] == {}
    assert diffs['dana']['after'] == {
        'username': 'dana', 'firstname': 'Dana', 'lastname': 'Lee', 'email': 'dana@example.com',
        'jobTitle': 'Analyst', 'employeeIdentifier': 'E100', 'password': '********',
        'attributes': [{'name': 'team', 'value': 'blue'}], 'groups': ['Finance'],
        'system': {'id': org.system('host-b'), 'hostname': 'host-b', 'administrator': True}}
    assert 'password' not in diffs['alice']['after']
    for secret in PASSWORDS:
        assert secret not in check.output

    # 2. the real run: what check mode predicted, and exactly that state
    real = apply(tmp_path, org.fake, csv_text, missing_users='create', playbook=True)
    assert not real.result.get('failed'), real.result.get('msg')
    actual = results_by_user(real.result)
    assert_run_as_predicted(actual, predicted)
    assert real.stats['by_route']['POST /api/systemusers'] == 3
    assert real.stats['by_route']['PUT /api/systemusers/{id}'] == 3          # alice, bob, carol
    assert real.stats['by_route']['POST /api/v2/usergroups/{id}/members'] == 4
    assert real.stats['by_route']['POST /api/v2/systems/{id}/associations'] == 3
    assert real.stats['writes'] == 13
    assert real.result['msg'] == 'updated 3 user(s); 0 unchanged; created 3 user(s)'
    dana, evan, fay = (org.user(n) for n in NEW)
    for name, user in zip(NEW, (dana, evan, fay)):
        assert actual[name]['status'] == 'created' and actual[name]['user_id'] == user['_id']
    assert (dana['firstname'], dana['lastname'], dana['email'], dana['jobTitle'], dana['employeeIdentifier']) == \
        ('Dana', 'Lee', 'dana@example.com', 'Analyst', 'E100')
    assert dana['attributes'] == [{'name': 'team', 'value': 'blue'}]
    assert evan['attributes'] == [{'name': 'site', 'value': 'lab'}] and evan['jobTitle'] == ''
    assert (fay['firstname'], fay['jobTitle'], fay['attributes']) == ('Fay', 'Designer', [])
    assert org.members('Finance') == {org.uid('alice'), dana['_id']}
    assert org.members('Engineering') == {org.uid('alice'), evan['_id'], org.uid('carol')}
    assert org.binding('host-b', 'dana') == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert org.binding('host-a', 'fay') == {'sudo': {'enabled': False, 'withoutPassword': False}}
    assert org.binding('host-b', 'bob') == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert org.user('alice')['jobTitle'] == 'Principal Engineer'
    assert org.user('carol')['jobTitle'] == 'Auditor'
    assert org.user('bob')['attributes'] == [{'name': 'team', 'value': 'ops'}]
    # passwords: set once on each new user that has one, never on an existing user
    assert org.fake.org.password_sets == {dana['_id']: 1, evan['_id']: 1}
    assert actual['alice']['password'] == 'not_sent' and actual['dana']['password'] == 'sent'
    assert len(org.fake.org.users) == len(before['users']) + 3

    # 3. the same file again: the new users are found, nothing is written
    again = apply(tmp_path, org.fake, csv_text, missing_users='create', playbook=True)
    assert not again.result.get('failed'), again.result.get('msg')
    assert again.stats['writes'] == 0
    assert again.result['changed'] is False
    assert {r['status'] for r in again.result['results']} == {'unchanged'}
    assert results_by_user(again.result)['dana']['password'] == 'not_sent'
    assert org.fake.org.password_sets == {dana['_id']: 1, evan['_id']: 1}


def test_the_diff_of_a_creation_shows_no_password_anywhere(tmp_path, org):
    csv_text = mixed_csv(org)
    run = apply(tmp_path, org.fake, csv_text, diff=True, missing_users='create', update_password='always', playbook=True)
    assert not run.result.get('failed'), run.result.get('msg')
    assert '--- before' in run.stdout and 'dana (row 2, new user)' in run.stdout
    for secret in PASSWORDS:
        assert secret not in run.output
        assert secret not in repr(run.result)
    assert org.fake.org.password_sets == {org.uid('dana'): 1, org.uid('evan'): 1, org.uid('alice'): 1}


@pytest.mark.parametrize('mode, created, sent_to_existing', [
    ('always', True, True),
    ('on_create', True, False),
    ('never', False, False),
])
def test_update_password_on_new_and_existing_users(tmp_path, org, mode, created, sent_to_existing):
    csv_text = 'Username,FirstName,LastName,Email,Password\nnewbie,New,Bie,newbie@example.com,Nb-Pw-1!\n' \
        'bob,,,,Bob-Pw-2!\n'
    first = apply(tmp_path, org.fake, csv_text, missing_users='create', update_password=mode)
    assert not first.result.get('failed'), first.result.get('msg')
    rows = results_by_user(first.result)
    newbie, bob = org.uid('newbie'), org.uid('bob')
    expected = {}
    if created:
        expected[newbie] = 1
    if sent_to_existing:
        expected[bob] = 1
    assert org.fake.org.password_sets == expected
    assert rows['newbie']['status'] == 'created'
    assert rows['newbie']['password'] == ('sent' if created else 'not_sent')
    assert rows['bob']['password'] == ('sent' if sent_to_existing else 'not_sent')
    assert rows['bob']['status'] == ('updated' if sent_to_existing else 'unchanged')
    assert ('password' in rows['bob']['changed_fields']) is sent_to_existing

    again = apply(tmp_path, org.fake, csv_text, missing_users='create', update_password=mode)
    rows = results_by_user(again.result)
    if mode == 'always':
        # always resends to every existing user, the new one included now that it exists
        assert again.stats['writes'] == 2 and org.fake.org.password_sets == {newbie: 2, bob: 2}
        assert rows['newbie']['status'] == rows['bob']['status'] == 'updated'
    else:
        assert again.stats['writes'] == 0, 'a rerun with %s writes nothing' % mode
        assert org.fake.org.password_sets == expected
        assert rows['newbie']['status'] == rows['bob']['status'] == 'unchanged'
        assert rows['newbie']['password'] == rows['bob']['password'] == 'not_sent'
        assert 'update_password' in rows['bob']['msg'] and 'Bob-Pw-2!' not in repr(again.result)


def test_rows_that_cannot_create_are_errors_on_their_cells_and_nothing_is_written(tmp_path, org):
    csv_text = ('Username,FirstName,LastName,Email,employeeIdentifier,jobTitle\n'
                'n1,,Lee,n1@example.com,,\n'            # line 2: FirstName empty
                'n2,Nia,,n2@example.com,,\n'            # line 3: LastName empty
                'n3,Nia,Moe,,,\n'                       # line 4: Email empty
                'n4,Nia,Moe,ALICE@example.com,,\n'      # line 5: alice's email (any case)
                'n5,Nia,Moe,n5@example.com,E1,\n'       # line 6: alice's employeeIdentifier
                'n6,Nia,Moe,same@example.com,E7,\n'
                'n7,Nia,Moe,Same@example.com,E7,\n'     # line 8: both collide with the new user of line 7
                'bob,,,,,Boss\n')                       # line 9: valid
    run = apply(tmp_path, org.fake, csv_text, missing_users='create')
    assert run.result.get('failed') is True
    assert run.stats['writes'] == 0
    assert org.user('bob')['jobTitle'] == ''
    errors = sorted((e['line'], e['column'], e['header']) for e in run.result['errors'])
    assert errors == [(2, 2, 'FirstName'), (3, 3, 'LastName'), (4, 4, 'Email'), (5, 4, 'Email'),
                      (6, 5, 'employeeIdentifier'), (8, 4, 'Email'), (8, 5, 'employeeIdentifier')]
    texts = dict(((e['line'], e['header']), e['text']) for e in run.result['errors'])
    assert texts[(2, 'FirstName')] == ("%s:2:2: FirstName: is empty; creating user 'n1' needs Username, Email, "
                                       "FirstName and LastName filled" % (tmp_path / 'users.csv'))
    assert "email 'ALICE@example.com' already belongs to user 'alice'" in texts[(5, 'Email')]
    assert "employeeIdentifier 'E1' already belongs to user 'alice'" in texts[(6, 'employeeIdentifier')]
    assert "email 'Same@example.com' is also given to n6 on line 7" in texts[(8, 'Email')]
    by_user = results_by_user(run.result)
    assert by_user['n1']['status'] == 'invalid' and by_user['bob']['status'] == 'skipped'
    assert 'nothing was written' in run.result['msg']


def test_a_file_without_a_required_column_cannot_create(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,FirstName,Email\nnewbie,New,newbie@example.com\nbob,Bob,\n',
                missing_users='create')
    assert run.result.get('failed') is True and run.stats['writes'] == 0
    assert [(e['line'], e['column'], e['header'], e['message']) for e in run.result['errors']] == [
        (2, None, 'LastName', "the file has no LastName column; creating user 'newbie' needs Username, Email, "
                              "FirstName and LastName filled")]


def test_missing_users_fail_and_skip_on_the_same_file(tmp_path, org):
    csv_text = 'Username,jobTitle\nbob,Boss\nghost,Nobody\n'
    failed = apply(tmp_path, org.fake, csv_text)          # fail is the default
    assert failed.result.get('failed') is True and failed.stats['writes'] == 0
    ghost = results_by_user(failed.result)['ghost']
    assert (ghost['status'], ghost['failed']) == ('not_found', True)
    assert [(e['line'], e['column'], e['header']) for e in failed.result['errors']] == [(3, 1, 'Username')]

    skipped = apply(tmp_path, org.fake, csv_text, missing_users='skip')
    assert not skipped.result.get('failed'), skipped.result.get('msg')
    rows = results_by_user(skipped.result)
    assert (rows['ghost']['status'], rows['ghost']['failed'], rows['ghost']['changed']) == ('not_found', False, False)
    assert rows['ghost']['msg'] == "user 'ghost' does not exist in JumpCloud; left alone (missing_users=skip)"
    assert rows['bob']['status'] == 'updated' and org.user('bob')['jobTitle'] == 'Boss'
    assert skipped.stats['writes'] == 1 and 'errors' not in skipped.result
    assert skipped.result['summary']['by_status']['not_found'] == 1
    assert skipped.result['msg'] == 'updated 1 user(s); 0 unchanged; 1 not found, left alone'
    assert not any(u['username'] == 'ghost' for u in org.fake.org.users.values())


def test_the_update_playbook_previews_then_onboards_with_users_csv_missing_users(tmp_path, org):
    csv_path = str(write_csv(tmp_path, 'Username,FirstName,LastName,Email,Password,Group1\n'
                                       'newbie,New,Bie,newbie@example.com,Nb-Pw-1!,Finance\n'
                                       'bob,,,,Bob-Pw-2!,\n'))
    extra = dict(users_csv_path=csv_path, users_csv_missing_users='create', users_csv_confirm=True)
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', extra)
    assert run.rc == 0, run.output
    assert 'row 2 newbie: would create: username, firstname, lastname, email, password, would add group Finance' \
        in run.stdout
    assert 'row 2 newbie: created: username, firstname, lastname, email, password, group Finance added' in run.stdout
    assert 'row 3 bob: unchanged: the Password cell was not sent' in run.stdout
    assert 'Nb-Pw-1!' not in run.output and 'Bob-Pw-2!' not in run.output
    assert org.uid('newbie') in org.members('Finance')
    assert org.fake.org.password_sets == {org.uid('newbie'): 1}
    assert fake_stats(org.fake)['writes'] == 2


def test_the_role_and_the_awx_survey_offer_missing_users():
    spec = load(ROOT, 'roles', 'users_csv', 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    assert spec['users_csv_missing_users']['choices'] == ['fail', 'create', 'skip']
    assert spec['users_csv_missing_users']['default'] == 'fail'
    assert spec['users_csv_update_password']['default'] == 'on_create'
    defaults = load(ROOT, 'roles', 'users_csv', 'defaults', 'main.yml')
    assert (defaults['users_csv_missing_users'], defaults['users_csv_update_password']) == ('fail', 'on_create')
    survey = dict((q['variable'], q) for q in load(ROOT, 'docs', 'awx', 'job_templates.yml')['job_templates'][1]['survey'])
    assert survey['users_csv_missing_users']['choices'] == ['fail', 'create', 'skip']
    assert survey['users_csv_missing_users']['default'] == 'fail'
    assert set(survey['users_csv_update_password']['choices']) == {'on_create', 'always', 'never'}


def test_the_import_template_filled_in_creates_its_users(tmp_path, org):
    written = run_task(tmp_path, None, TEMPLATE_MODULE, {'dest': str(tmp_path), 'type': 'import', 'groups': 1})
    assert not written.result.get('failed'), written.result.get('msg')
    columns = written.result['columns']
    # exactly what creating needs (and the Password it may send), then the asked-for group column
    assert columns == ['FirstName', 'LastName', 'Username', 'Password', 'Email', 'Group1']
    assert set(columns[:5]) == set(REQUIRED_TO_CREATE) | {'Password'}
    path = pathlib.Path(written.result['path'])
    with open(path, 'a', encoding='utf-8', newline='') as handle:
        handle.write('Gil,Ray,gil,Gil-Pw-5!,gil@example.com,Ops\r\n')
    created = apply(tmp_path, org.fake, path, missing_users='create')
    assert not created.result.get('failed'), created.result.get('msg')
    assert results_by_user(created.result)['gil']['status'] == 'created'
    assert org.uid('gil') in org.members('Ops') and org.user('gil')['lastname'] == 'Ray'
    again = apply(tmp_path, org.fake, path, missing_users='create')
    assert again.stats['writes'] == 0 and results_by_user(again.result)['gil']['status'] == 'unchanged'
