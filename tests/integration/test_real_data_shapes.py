"""What real JumpCloud users carry and the API expects: passwordless sudo bindings, the user-level sudo flag,
directory-managed fields (restrictedFields), the MFA window, and address/phone entries sent without their ids.

Most cases run the module's flow in this process (the real client against the fake server); one runs it
through ansible-playbook to see warnings and validation errors as an Ansible user sees them.
"""
import copy
import datetime

import pytest

from helpers import USERS_MODULE, results_by_user, write_csv
from inprocess import apply_csv
from playbook import fake_stats, reset_stats, run_module

pytestmark = pytest.mark.integration

SEED = {
    'users': [
        # bound to linux-1 with passwordless sudo
        {'username': 'pat', 'email': 'pat@example.com'},
        # the user-level sudo flag: administrator on every device it is bound to
        {'username': 'gus', 'email': 'gus@example.com', 'sudo': True},
        # managed by Active Directory (jobTitle, password) and by SCIM (phone numbers)
        {'username': 'ada', 'email': 'ada@example.com', 'jobTitle': 'Engineer',
         'phoneNumbers': [{'type': 'work', 'number': '+1 555 0100'}],
         'restrictedFields': [{'field': 'jobTitle', 'type': 'active_directory', 'id': 'ad' * 12},
                              {'field': 'password', 'type': 'active_directory', 'id': 'ad' * 12},
                              {'field': 'phoneNumbers', 'type': 'scim', 'id': 'sc' * 12}]},
        # MFA off, with what JumpCloud keeps of an earlier enrollment
        {'username': 'mia', 'email': 'mia@example.com',
         'mfa': {'configured': True, 'exclusion': False, 'exclusionDays': 3}},
        {'username': 'bob', 'email': 'bob@example.com',
         'addresses': [{'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 5'},
                       {'type': 'other', 'locality': 'Paris'}],
         'phoneNumbers': [{'type': 'mobile', 'number': '1'}, {'type': 'work', 'number': '2'}]},
    ],
    'groups': [],
    'systems': [
        {'hostname': 'linux-1', 'users': [{'username': 'pat', 'sudo': True, 'withoutPassword': True},
                                          {'username': 'gus'}]},
        {'hostname': 'linux-2', 'users': [{'username': 'gus', 'sudo': True}]},
    ],
    'ldapservers': [],
}


@pytest.fixture
def fake(fake_factory):
    return fake_factory(copy.deepcopy(SEED))


def ids(fake):
    users = dict((u['username'], u['_id']) for u in fake.org.users.values())
    systems = dict((s['hostname'], s['_id']) for s in fake.org.systems.values())
    return users, systems


def run(fake, tmp_path, text, **params):
    path = write_csv(tmp_path, text)
    fake.stats.reset()
    result = apply_csv(fake, path, **params)
    result['stats'] = fake.stats.as_dict()
    return result


def test_passwordless_sudo_satisfies_administrator_true_and_is_kept(fake, tmp_path):
    users, systems = ids(fake)
    result = run(fake, tmp_path, 'Username,SystemID,Administrator\npat,%s,true\n' % systems['linux-1'], diff=True)
    assert not result.get('failed'), result.get('msg')
    assert results_by_user(result)['pat']['system'] == {'id': systems['linux-1'], 'hostname': 'linux-1', 'sudo': True, 'status': 'present'}
    assert results_by_user(result)['pat']['status'] == 'unchanged' and result['diff'] == []
    assert result['stats']['writes'] == 0
    assert fake.org.system_users[systems['linux-1']][users['pat']] == {'sudo': {'enabled': True,
                                                                                'withoutPassword': True}}


def test_administrator_false_takes_passwordless_sudo_away(fake, tmp_path):
    users, systems = ids(fake)
    result = run(fake, tmp_path, 'Username,SystemID,Administrator\npat,%s,false\n' % systems['linux-1'])
    assert not result.get('failed'), result.get('msg')
    assert results_by_user(result)['pat']['system'] == {'id': systems['linux-1'], 'hostname': 'linux-1', 'sudo': False, 'status': 'updated'}
    assert fake.org.system_users[systems['linux-1']][users['pat']] == {'sudo': {'enabled': False,
                                                                                'withoutPassword': False}}


def test_user_level_sudo_is_administrator_and_administrator_false_warns_on_its_cell(fake, tmp_path):
    users, systems = ids(fake)
    text = 'Username,jobTitle,SystemID,Administrator\ngus,,%s,false\n' % systems['linux-1']
    check = run(fake, tmp_path, text, check_mode=True, diff=True)
    result = run(fake, tmp_path, text, diff=True)
    for outcome in (check, result):
        assert not outcome.get('failed'), outcome.get('msg')
        gus = results_by_user(outcome)['gus']
        assert gus['system'] == {'id': systems['linux-1'], 'hostname': 'linux-1', 'sudo': True, 'status': 'present', 'global_sudo': True,
                                 'binding_sudo': False}
        path = str(tmp_path / 'users.csv')
        assert gus['warnings'] == [
            "%s:2:4: Administrator: is false, but user 'gus' has the user-level sudo flag, which makes it "
            "administrator on every device it is bound to: the binding is set without sudo, and the user stays "
            "administrator on linux-1 (%s)" % (path, systems['linux-1'])]
        assert outcome['warnings'] == gus['warnings'] and gus['msg'] == gus['warnings'][0]
    assert result['stats']['writes'] == 0

    # the binding with sudo is set as the row asks; the diff says the user stays administrator, and why
    other = run(fake, tmp_path, 'Username,SystemID,Administrator\ngus,%s,false\n' % systems['linux-2'], diff=True)
    assert results_by_user(other)['gus']['system'] == {'id': systems['linux-2'], 'hostname': 'linux-2', 'sudo': True, 'status': 'updated',
                                                       'global_sudo': True, 'binding_sudo': False}
    assert other['diff'][0]['before']['system'] == {'id': systems['linux-2'], 'hostname': 'linux-2', 'administrator': True,
                                                    'global_sudo': True, 'binding_sudo': True}
    assert other['diff'][0]['after']['system'] == {'id': systems['linux-2'], 'hostname': 'linux-2', 'administrator': True,
                                                   'global_sudo': True, 'binding_sudo': False}
    assert fake.org.system_users[systems['linux-2']][users['gus']] == {'sudo': {'enabled': False,
                                                                                'withoutPassword': False}}


def test_mfa_on_sends_only_the_enrollment_window(fake, tmp_path):
    users = ids(fake)[0]
    result = run(fake, tmp_path, 'Username,enable_user_portal_multifactor,EnrollmentDays\nmia,true,30\n')
    assert not result.get('failed'), result.get('msg')
    sent = fake.org.last_put[users['mia']]
    assert sorted(sent) == ['enable_user_portal_multifactor', 'mfa']
    assert sorted(sent['mfa']) == ['exclusion', 'exclusionUntil'] and sent['mfa']['exclusion'] is True
    until = datetime.datetime.strptime(sent['mfa']['exclusionUntil'], '%Y-%m-%dT%H:%M:%SZ')
    assert datetime.timedelta(days=29) < until - datetime.datetime.utcnow() <= datetime.timedelta(days=30)
    stored = fake.org.users[users['mia']]['mfa']
    assert (stored['configured'], stored['exclusionDays']) == (True, 3)      # JumpCloud's own, kept


def test_address_and_phone_entries_are_sent_without_ids_and_keep_their_fields(fake, tmp_path):
    users = ids(fake)[0]
    result = run(fake, tmp_path, 'Username,home_region,work_number\nbob,CO,3\n')
    assert not result.get('failed'), result.get('msg')
    sent = fake.org.last_put[users['bob']]
    assert sent['addresses'] == [{'type': 'home', 'locality': 'Denver', 'extendedAddress': 'Apt 5', 'region': 'CO'},
                                 {'type': 'other', 'locality': 'Paris'}]
    assert sent['phoneNumbers'] == [{'type': 'mobile', 'number': '1'}, {'type': 'work', 'number': '3'}]
    again = run(fake, tmp_path, 'Username,home_region,work_number\nbob,CO,3\n')
    assert again['stats']['writes'] == 0 and results_by_user(again)['bob']['status'] == 'unchanged'


def test_a_directory_managed_field_is_an_error_on_its_cell_and_nothing_is_written(fake, tmp_path):
    text = ('Username,jobTitle,department,work_number,Password\n'
            'ada,CTO,Ops,+1 555 0199,\n'
            'bob,Boss,,,\n')
    result = run(fake, tmp_path, text)
    assert result['failed'] and result['stats']['writes'] == 0
    path = str(tmp_path / 'users.csv')
    ada = results_by_user(result)['ada']
    assert ada['status'] == 'invalid'
    cells = [(e['line'], e['column'], e['header']) for e in ada['errors']]
    assert cells == [(2, 2, 'jobTitle'), (2, 4, 'work_number')]
    assert ada['errors'][0]['text'] == (
        "%s:2:2: jobTitle: jobTitle of user 'ada' is managed by Active Directory (active_directory) and cannot "
        "be changed here; change it there, or leave this cell empty" % path)
    assert 'SCIM' in ada['errors'][1]['message'] and '(scim)' in ada['errors'][1]['message']
    assert results_by_user(result)['bob']['status'] == 'skipped'

    # the other rows can go ahead; the managed user gets nothing, not even its unmanaged department
    users = ids(fake)[0]
    partial = run(fake, tmp_path, text, skip_invalid_rows=True)
    assert results_by_user(partial)['bob']['status'] == 'updated' and results_by_user(partial)['ada']['status'] == 'invalid'
    assert users['ada'] not in fake.org.last_put and fake.org.users[users['ada']]['department'] == ''

    # the same value, or a field no directory manages, is fine; a password is the directory's too
    same = run(fake, tmp_path, 'Username,jobTitle,department\nada,Engineer,Ops\n')
    assert not same.get('failed'), same.get('msg')
    assert fake.org.last_put[users['ada']] == {'department': 'Ops'}
    password = run(fake, tmp_path, 'Username,Password\nada,N3w-pass-word\n', update_password='always')
    assert [(e['line'], e['header']) for e in password['errors']] == [(2, 'Password')]
    assert 'N3w-pass-word' not in repr(password)


def test_warnings_and_managed_fields_through_ansible(fake, tmp_path):
    systems = ids(fake)[1]
    path = write_csv(tmp_path, 'Username,SystemID,Administrator\ngus,%s,no\n' % systems['linux-1'])
    reset_stats(fake)
    warned = run_module(tmp_path, fake, USERS_MODULE, {'csv_path': str(path)})
    assert not warned.result.get('failed'), warned.output
    assert "[WARNING]: %s:2:3: Administrator: is false, but user 'gus'" % path in warned.output
    assert warned.result['results'][0]['system']['global_sudo'] is True

    write_csv(tmp_path, 'Username,jobTitle\nada,CTO\n')
    refused = run_module(tmp_path, fake, USERS_MODULE, {'csv_path': str(path)})
    assert refused.result['failed'] and fake_stats(fake)['writes'] == 0
    assert "%s:2:2: jobTitle: jobTitle of user 'ada' is managed by Active Directory" % path in refused.result['msg']


def test_null_arrays_and_null_edge_attributes_as_real_users_carry_them(fake_factory, tmp_path):
    seed = copy.deepcopy(SEED)
    seed['users'].append({'username': 'nel', 'email': 'nel@example.com', 'addresses': None, 'phoneNumbers': None,
                          'attributes': None, 'mfa': None, 'restrictedFields': None, 'recoveryEmail': None,
                          'sudo': None})
    seed['systems'][0]['users'].append({'username': 'nel'})
    fake = fake_factory(seed)
    fake.org.null_edge_attributes = True
    users, systems = ids(fake)
    assert {'to': {'id': users['nel'], 'type': 'user'}, 'attributes': None} in \
        fake.org.system_associations(systems['linux-1'], 'user')
    text = ('Username,home_city,mobile_number,Attribute1_name,Attribute1_value,enable_user_portal_multifactor,'
            'recoveryEmail,SystemID,Administrator\n'
            'nel,Denver,1,team,red,true,nel.r@example.com,%s,\n' % systems['linux-1'])
    result = run(fake, tmp_path, text)
    assert not result.get('failed'), result.get('msg')
    nel = results_by_user(result)['nel']
    assert nel['system'] == {'id': systems['linux-1'], 'hostname': 'linux-1', 'sudo': False, 'status': 'present'}
    assert nel['changed_fields'] == ['recoveryEmail', 'enable_user_portal_multifactor', 'mfa',
                                     'addresses.home.locality', 'phoneNumbers.mobile', 'attributes.team']
    stored = fake.org.users[users['nel']]
    assert [(a['type'], a['locality']) for a in stored['addresses']] == [('home', 'Denver')]
    assert run(fake, tmp_path, text)['stats']['writes'] == 0
