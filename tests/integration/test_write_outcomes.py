"""What each row reports when JumpCloud refuses a write, refuses every write of the key, or has
not yet applied a write the run reads back: the flow in process against the fake server."""
import pytest

from fake_jumpcloud.seed import generate_org
from helpers import configure_fake, results_by_user, write_csv
from inprocess import apply_csv
from playbook import fake_stats, reset_stats
from workload import mismatches, to_csv, w1_rows

pytestmark = pytest.mark.integration


def run_csv(tmp_path, fake, text, **params):
    path = write_csv(tmp_path, text)
    reset_stats(fake)
    result = apply_csv(fake, path, **params)
    result['stats'] = fake_stats(fake)
    assert result['stats']['concurrent_user_writes'] == []
    return result


# -- a 409 on the user PUT is a refusal ------------------------------------------------------


def test_a_put_refused_with_409_fails_its_row_with_the_apis_message(tmp_path, org):
    org.fake.org.foreign_emails.add('bob.new@elsewhere.example')
    before = org.user('bob')
    result = run_csv(tmp_path, org.fake, 'Username,email,jobTitle,Group1\n'
                                         'bob,bob.new@elsewhere.example,Clerk,Finance\n'
                                         'erin,,Auditor,\n')
    bob = results_by_user(result)['bob']
    assert bob['status'] == 'failed' and bob['failed'] and not bob['changed_fields']
    assert bob['msg'].startswith('update: Already Exists (HTTP 409: ')
    assert 'another organisation' in bob['msg']
    assert result['failed'] and 'row 2 bob (failed): update: Already Exists' in result['msg']
    assert org.user('bob') == before                           # JumpCloud applied none of it
    # the row's other writes are still made, and the other rows are applied
    assert bob['groups'] == [{'name': 'Finance', 'id': org.group('Finance'), 'status': 'added'}]
    assert results_by_user(result)['erin']['status'] == 'updated' and org.user('erin')['jobTitle'] == 'Auditor'
    assert result['stats']['statuses']['409'] == 1


# -- a 403 on the first writes stops the run ---------------------------------------------------


def test_a_key_that_may_not_write_stops_the_run_at_its_first_writes(tmp_path, fake_factory):
    fake = fake_factory(generate_org(users=220, groups=12, systems=30))
    rows = w1_rows(fake, 200)
    configure_fake(fake, read_only_after_writes=0)
    before = fake.org.snapshot()
    result = run_csv(tmp_path, fake, to_csv(rows), max_workers=16)
    msg = result['msg']
    assert msg.startswith('The run stopped after JumpCloud refused the first writes of this API key '
                          '(Forbidden: the administrator of this API key may not make this change)'), msg
    # no write storm: only the writes already in flight when the first 403 came back
    assert result['stats']['writes'] <= 16 and result['stats']['statuses']['403'] == result['stats']['writes']
    results = result['results']
    assert len(results) == 200 and all(r['failed'] and r['status'] == 'failed' for r in results)
    refused = [r for r in results if r['msg'].startswith('update: Forbidden: ')]
    assert 0 < len(refused) <= 16
    others = [r for r in results if r not in refused]
    assert len(refused) + len(others) == 200
    assert all(r['msg'].startswith('update: not attempted: the run stopped after JumpCloud refused the first writes '
                                   'of this API key (Forbidden: ') for r in others)
    # the refused users' later writes were not sent either
    assert all(m.split(': ', 1)[1].startswith('not attempted') for r in refused for m in r['msg'].split('; ')[1:])
    assert fake.org.snapshot() == before
    # with write rights the rerun applies everything
    configure_fake(fake, read_only_after_writes=None)
    again = run_csv(tmp_path, fake, to_csv(rows), max_workers=16)
    assert not again.get('failed'), again['msg']
    assert all(mismatches(fake, row) == [] for row in rows)


def test_once_a_write_succeeded_a_403_is_one_rows_problem(tmp_path, org):
    # bob's two writes (PUT, group add) are allowed; the key loses its write rights after them
    configure_fake(org.fake, read_only_after_writes=2)
    result = run_csv(tmp_path, org.fake, 'Username,jobTitle,Group1\nbob,Clerk,Finance\nerin,Auditor,\n'
                                         'frank.o+1,Cook,\n', max_workers=1)
    rows = results_by_user(result)
    assert rows['bob']['status'] == 'updated' and org.user('bob')['jobTitle'] == 'Clerk'
    for name in ('erin', 'frank.o+1'):
        assert rows[name]['status'] == 'failed'
        assert rows[name]['msg'] == 'update: Forbidden: the administrator of this API key may not make this change'
    assert not result['msg'].startswith('The run stopped')
    assert result['stats']['statuses']['403'] == 2


# -- JumpCloud applies association writes asynchronously -----------------------------------


def bindings_csv(org):
    return ('Username,Group1,SystemID,Administrator,ldapserver_id\n'
            'alice,Finance,%s,true,%s\n'
            'bob,Engineering,%s,,%s\n' % (org.system('host-b'), org.ldap(), org.system('host-b'), org.ldap()))


def test_a_rerun_that_reads_memberships_and_bindings_before_jumpcloud_shows_them_is_harmless(tmp_path, org):
    configure_fake(org.fake, association_read_lag=1)
    first = run_csv(tmp_path, org.fake, bindings_csv(org))
    assert not first.get('failed'), first['msg']
    assert [r['status'] for r in first['results']] == ['updated', 'updated']
    # the rerun's reads do not show the new edges yet: its adds answer 409, which means present
    again = run_csv(tmp_path, org.fake, bindings_csv(org))
    assert not again.get('failed') and not again['changed'], again['msg']
    assert again['stats']['statuses']['409'] == again['stats']['writes'] == 6
    for row in again['results']:
        assert row['status'] == 'unchanged' and not row['failed'] and row['msg'] == ''
        assert [g['status'] for g in row['groups']] == ['present']
        assert row['system']['status'] == 'present' and row['ldap']['status'] == 'present'
    # the device binding with an Administrator value was read back, not written again
    assert 'POST /api/v2/systems/{id}/associations' in again['stats']['by_route']
    assert again['stats']['by_route']['GET /api/v2/users/{id}/associations'] >= 1
    assert org.binding('host-b', 'alice') == {'sudo': {'enabled': True, 'withoutPassword': False}}


def test_a_binding_still_unreadable_after_409_gets_its_sudo_setting_written_again(tmp_path, org):
    configure_fake(org.fake, association_read_lag=3)
    run_csv(tmp_path, org.fake, bindings_csv(org))
    again = run_csv(tmp_path, org.fake, bindings_csv(org))
    assert not again.get('failed'), again['msg']
    alice, bob = results_by_user(again)['alice'], results_by_user(again)['bob']
    # the binding cannot be read yet, so its sudo setting is made sure of with an update
    assert alice['system']['status'] == 'updated' and alice['status'] == 'updated'
    assert bob['system']['status'] == 'present' and bob['status'] == 'unchanged'
    assert [g['status'] for g in alice['groups'] + bob['groups']] == ['present', 'present']
    assert org.binding('host-b', 'alice') == {'sudo': {'enabled': True, 'withoutPassword': False}}


def bind_meanwhile(org, sudo):
    """Someone else binds the user with ``sudo`` between the run's read and its add: JumpCloud answers it 409."""
    original = org.fake.org.system_user_op

    def bind_first(sid_, uid, op, attributes):
        if op == 'add':
            original(sid_, uid, 'add', {'sudo': sudo})
        return original(sid_, uid, op, attributes)
    org.fake.org.system_user_op = bind_first


def test_a_binding_found_with_another_sudo_setting_after_409_is_updated(tmp_path, org):
    # bound by someone else between the run's read and its write, as an administrator
    path = write_csv(tmp_path, 'Username,SystemID,Administrator\nerin,%s,false\n' % org.system('host-b'))
    bind_meanwhile(org, {'enabled': True, 'withoutPassword': False})
    reset_stats(org.fake)
    result = apply_csv(org.fake, path)
    assert not result.get('failed'), result['msg']
    assert results_by_user(result)['erin']['system']['status'] == 'updated'
    assert org.binding('host-b', 'erin') == {'sudo': {'enabled': False, 'withoutPassword': False}}


def test_a_passwordless_binding_met_by_a_409_keeps_its_passwordless_sudo(tmp_path, org):
    # bound with passwordless sudo by someone else between the run's read and its add
    path = write_csv(tmp_path, 'Username,SystemID,Administrator\nerin,%s,true\n' % org.system('host-b'))
    bind_meanwhile(org, {'enabled': True, 'withoutPassword': True})
    reset_stats(org.fake)
    result = apply_csv(org.fake, path)
    assert not result.get('failed'), result['msg']
    assert results_by_user(result)['erin']['system']['status'] == 'present' and not result['changed']
    assert org.binding('host-b', 'erin') == {'sudo': {'enabled': True, 'withoutPassword': True}}


def test_a_create_whose_answer_is_lost_may_have_created_the_user_and_the_rerun_finds_it(tmp_path, org):
    text = 'Username,Email,FirstName,LastName,Group1\ncarl,carl@example.com,Carl,New,Finance\n'
    configure_fake(org.fake, drop_answer_to=['new user carl'])
    first = run_csv(tmp_path, org.fake, text, missing_users='create')
    carl = results_by_user(first)['carl']
    assert (carl['status'], carl['failed'], carl['changed']) == ('failed', True, True)
    assert carl['msg'].startswith('create: outcome unknown: ') and 'the user may have been created' in carl['msg']
    assert first['changed'] is True and first['failed'] is True
    assert first['stats']['by_route']['POST /api/systemusers'] == 1        # never sent twice
    created = org.uid('carl')                                            # JumpCloud did create it
    assert created not in org.members('Finance')
    again = run_csv(tmp_path, org.fake, text, missing_users='create')
    carl = results_by_user(again)['carl']
    assert not again.get('failed'), again['msg']
    assert (carl['status'], carl['user_id']) == ('updated', created)
    assert [g['status'] for g in carl['groups']] == ['added'] and created in org.members('Finance')
    assert 'POST /api/systemusers' not in again['stats']['by_route']
