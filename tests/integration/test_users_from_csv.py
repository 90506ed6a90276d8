"""jc_users_from_csv against the fake JumpCloud server: the module in this process (helpers.apply), and through
real ansible-playbook for the smoke tests."""
import datetime

import pytest

from testenv import API_KEY
from fake_jumpcloud.seed import generate_org
from helpers import apply, results_by_user
from org import Org
from predicted import assert_run_as_predicted

pytestmark = pytest.mark.integration


def without_ids(entries):
    return [dict((k, v) for k, v in e.items() if k != 'id') for e in entries]


@pytest.mark.smoke
def test_check_apply_rerun_sequence_with_diff(tmp_path, org):
    csv_text = (
        'Username,jobTitle,mobile_number,Group1,Group2,SystemID,Administrator,ldapserver_id,Attribute1_name,'
        'Attribute1_value\n'
        'alice,Principal Engineer,+1 555 0199,Engineering,Finance,,,,site,remote\n'
        'bob,,,,,%s,true,,,\n'
        'carol,,,Finance,,,,%s,,\n'
        'erin,,,,,,,,,\n' % (org.system('host-b'), org.ldap()))

    # 1. check mode: reads only, predicts everything
    check = apply(tmp_path, org.fake, csv_text, check=True, diff=True, playbook=True)
    assert check.stats['writes'] == 0
    assert check.result['changed'] is True
    predicted = results_by_user(check.result)
    assert predicted['alice']['status'] == 'would_update'
    assert predicted['alice']['changed_fields'] == ['jobTitle', 'phoneNumbers.mobile', 'attributes.site']
    assert [(g['name'], g['status']) for g in predicted['alice']['groups']] == \
        [('Engineering', 'present'), ('Finance', 'would_add')]
    assert predicted['bob']['system'] == {'id': org.system('host-b'), 'hostname': 'host-b', 'sudo': True, 'status': 'would_add'}
    assert predicted['carol']['ldap'] == {'id': org.ldap(), 'name': 'ldap-1', 'status': 'present'}
    assert predicted['carol']['groups'] == [{'name': 'Finance', 'id': org.group('Finance'), 'status': 'would_add'}]
    assert predicted['erin']['status'] == 'unchanged'
    assert check.result['summary']['by_status'] == {'would_create': 0, 'would_update': 3, 'unchanged': 1, 'failed': 0,
                                                    'invalid': 0, 'not_found': 0, 'skipped': 0,
                                                    'would_delete': 0, 'absent': 0}
    assert check.result['msg'] == 'would update 3 user(s); 1 unchanged'
    assert org.user('alice')['jobTitle'] == 'Engineer'            # nothing written
    diffs = {d['before_header'].split()[0]: d for d in check.result['diff']}
    assert diffs['alice']['before']['jobTitle'] == 'Engineer'
    assert diffs['alice']['after']['jobTitle'] == 'Principal Engineer'
    assert diffs['alice']['after']['groups'] == ['Finance']
    assert diffs['bob']['after']['system'] == {'id': org.system('host-b'), 'hostname': 'host-b', 'administrator': True}
    assert 'erin' not in diffs
    assert '--- before' in check.stdout
    assert 'Principal Engineer' in check.stdout

    # 2. the real run: exactly what check mode said would happen
    real = apply(tmp_path, org.fake, csv_text, playbook=True)
    assert not real.result.get('failed'), real.result.get('msg')
    actual = results_by_user(real.result)
    assert_run_as_predicted(actual, predicted)
    assert actual['alice']['groups'][1]['status'] == 'added'
    assert actual['bob']['system']['status'] == 'added'
    # one PUT for alice, Finance adds for alice and carol, one device binding for bob
    assert real.stats['by_route'].get('PUT /api/systemusers/{id}') == 1
    assert real.stats['by_route'].get('POST /api/v2/usergroups/{id}/members') == 2
    assert real.stats['by_route'].get('POST /api/v2/systems/{id}/associations') == 1
    assert real.stats['writes'] == 4
    assert real.stats['concurrent_user_writes'] == []
    alice = org.user('alice')
    assert alice['jobTitle'] == 'Principal Engineer'
    assert alice['attributes'] == [{'name': 'team', 'value': 'red'}, {'name': 'site', 'value': 'remote'}]
    assert org.uid('alice') in org.members('Finance')
    assert org.uid('carol') in org.members('Finance')
    assert org.binding('host-b', 'bob') == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert real.result['summary']['requests']['writes'] == 4

    # 3. the same file again: no write, every row unchanged
    again = apply(tmp_path, org.fake, csv_text, playbook=True)
    assert not again.result.get('failed')
    assert again.stats['writes'] == 0
    assert again.result['changed'] is False
    assert {r['status'] for r in again.result['results']} == {'unchanged'}


def test_information_columns(tmp_path, org):
    run = apply(tmp_path, org.fake, (
        'username ,FirstName,LastName,middlename,preferredName,jobTitle,employeeIdentifier,department,costCenter,'
        'company,employeeType,description,location,alternateEmail,recoveryEmail,managedAppleId,external_dn,'
        'external_source_type\n'
        'bob,Robert,Jones-Smith,Q,Bobby,CTO,E2,Exec,CC1,Acme,Full time,"Says ""hi"", a lot",Denver,'
        'bob.alt@example.com,bob.rec@example.com,bob@icloud.example.com,"cn=bob,dc=example",ad\n'))
    assert not run.result.get('failed'), run.result.get('msg')
    bob = org.user('bob')
    expected = dict(firstname='Robert', lastname='Jones-Smith', middlename='Q', displayname='Bobby', jobTitle='CTO',
                    employeeIdentifier='E2', department='Exec', costCenter='CC1', company='Acme',
                    employeeType='Full time', description='Says "hi", a lot', location='Denver',
                    alternateEmail='bob.alt@example.com', managedAppleId='bob@icloud.example.com',
                    external_dn='cn=bob,dc=example', external_source_type='ad')
    assert {k: bob[k] for k in expected} == expected
    assert bob['recoveryEmail']['address'] == 'bob.rec@example.com'
    # one search for the user, one to check that no other user has employeeIdentifier E2
    assert run.stats['by_route'] == {'POST /api/search/systemusers': 2, 'PUT /api/systemusers/{id}': 1}


def test_location_columns_merge_and_keep_other_addresses(tmp_path, org):
    before = org.user('alice')['addresses']
    run = apply(tmp_path, org.fake, 'Username,home_city,home_state,work_streetAddress,work_poBox,work_postalCode,'
                'work_country\nalice,Aurora,CO,10 New Rd,PO 7,80301,US\n'
                'bob,,,1 Bob Way,,,US\n')
    assert not run.result.get('failed'), run.result.get('msg')
    after = without_ids(org.user('alice')['addresses'])                  # sent without ids: JumpCloud gives new ones
    before = without_ids(before)
    assert after[0] == dict(before[0], locality='Aurora')                 # region was CO already
    assert after[1] == dict(before[1], streetAddress='10 New Rd', poBox='PO 7', postalCode='80301')
    assert after[2] == before[2]                                           # the 'other' address, untouched
    assert results_by_user(run.result)['alice']['changed_fields'] == [
        'addresses.home.locality', 'addresses.work.poBox', 'addresses.work.postalCode', 'addresses.work.streetAddress']
    bob = org.user('bob')['addresses']
    assert [(a['type'], a['streetAddress'], a['country']) for a in bob] == [('work', '1 Bob Way', 'US')]
    assert 'home' not in [a['type'] for a in bob]                          # no empty objects created


def test_telephony_columns_keep_other_types(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,mobile_number,home_number,work_number,work_mobile_number,work_fax_number\n'
                'alice,+1 555 0999,+1 555 0300,,+1 555 0400,+1 555 0500\n')
    assert not run.result.get('failed'), run.result.get('msg')
    phones = without_ids(org.user('alice')['phoneNumbers'])
    assert phones[0] == {'type': 'mobile', 'number': '+1 555 0999'}
    assert phones[1] == {'type': 'work', 'number': '+1 555 0102'}
    assert [(p['type'], p['number']) for p in phones[2:]] == [
        ('home', '+1 555 0300'), ('work_fax', '+1 555 0500'), ('work_mobile', '+1 555 0400')]


def test_unix_ids(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,unix_uid,unix_guid\nbob,4294967295,7002\nalice,5001,5001\n')
    assert not run.result.get('failed'), run.result.get('msg')
    assert (org.user('bob')['unix_uid'], org.user('bob')['unix_guid']) == (4294967295, 7002)
    assert results_by_user(run.result)['alice']['status'] == 'unchanged'


def test_mfa_with_and_without_enrollment_days(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,enable_user_portal_multifactor,EnrollmentDays\n'
                'bob,true,30\nerin,$True,\ncarol,yes,14\n')
    assert not run.result.get('failed'), run.result.get('msg')
    bob, erin, carol = org.user('bob'), org.user('erin'), org.user('carol')
    for user, days in ((bob, 30), (erin, 7)):
        assert user['enable_user_portal_multifactor'] is True
        assert user['mfa']['exclusion'] is True
        until = datetime.datetime.strptime(user['mfa']['exclusionUntil'], '%Y-%m-%dT%H:%M:%SZ').replace(
            tzinfo=datetime.timezone.utc)
        delta = until - datetime.datetime.now(datetime.timezone.utc)
        assert datetime.timedelta(days=days - 1) < delta <= datetime.timedelta(days=days)
    # already on: the enrollment window is not touched again
    assert carol['mfa']['exclusionUntil'] == '2026-01-01T00:00:00Z'
    assert results_by_user(run.result)['carol']['status'] == 'unchanged'
    again = apply(tmp_path, org.fake, 'Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,30\n')
    assert again.stats['writes'] == 0
    assert org.user('bob')['mfa'] == bob['mfa']


def test_ldap_binding(tmp_path, org):
    lid = org.ldap()
    run = apply(tmp_path, org.fake, 'Username,ldap_binding_user,ldapserver_id\nbob,true,%s\ncarol,,%s\n' % (lid, lid))
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.user('bob')['ldap_binding_user'] is True
    assert org.uid('bob') in org.fake.org.ldap_users[lid]
    assert results_by_user(run.result)['bob']['ldap'] == {'id': lid, 'name': 'ldap-1', 'status': 'added'}
    assert results_by_user(run.result)['carol']['ldap'] == {'id': lid, 'name': 'ldap-1', 'status': 'present'}
    assert run.stats['by_route']['POST /api/v2/ldapservers/{id}/associations'] == 1


# every spelling of a boolean: test_validate.py and test_apply.py in tests/unit/plugins/module_utils/_users_from_csv/
@pytest.mark.parametrize('spelling,enabled', [('TRUE', True)])
def test_device_binding_with_an_administrator_cell(tmp_path, org, spelling, enabled):
    sid = org.system('host-b')
    run = apply(tmp_path, org.fake, 'Username,SystemID,Administrator\nalice,%s,%s\n' % (sid, spelling))
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.binding('host-b', 'alice') == {'sudo': {'enabled': enabled, 'withoutPassword': False}}
    assert results_by_user(run.result)['alice']['system'] == {'id': sid, 'hostname': 'host-b', 'sudo': enabled, 'status': 'added'}


def test_device_binding_sudo_change_is_an_update(tmp_path, org):
    sid = org.system('host-a')     # bob is bound there without sudo
    run = apply(tmp_path, org.fake, 'Username,SystemID,Administrator\nbob,%s,true\n' % sid)
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.binding('host-a', 'bob') == {'sudo': {'enabled': True, 'withoutPassword': False}}
    assert results_by_user(run.result)['bob']['system']['status'] == 'updated'
    assert run.stats['writes'] == 1
    assert run.stats['statuses'].get('409') is None
    blank = apply(tmp_path, org.fake, 'Username,SystemID,Administrator\nbob,%s,\n' % sid)
    assert results_by_user(blank.result)['bob']['system']['status'] == 'present'
    assert blank.stats['writes'] == 0


def test_groups(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,Group1,Group2,Group3\nbob,Finance,Ops,Engineering\n')
    assert not run.result.get('failed'), run.result.get('msg')
    assert [(g['name'], g['status']) for g in results_by_user(run.result)['bob']['groups']] == [
        ('Finance', 'added'), ('Ops', 'present'), ('Engineering', 'added')]
    assert org.uid('bob') in org.members('Finance')
    assert org.uid('bob') in org.members('Engineering')
    assert run.stats['statuses'].get('409') is None


def test_eleven_custom_attribute_pairs_with_gaps(tmp_path, org):
    numbers = [1, 2, 3, 5, 8, 9, 10, 12, 13, 20, 21]
    header = ['Username'] + ['Attribute%d_%s' % (n, part) for n in numbers for part in ('name', 'value')]
    cells = ['alice'] + [v for n in numbers for v in ('attr%d' % n, 'value %d' % n)]
    run = apply(tmp_path, org.fake, ','.join(header) + '\n' + ','.join(cells) + '\n')
    assert not run.result.get('failed'), run.result.get('msg')
    attributes = org.user('alice')['attributes']
    assert attributes[:2] == [{'name': 'team', 'value': 'red'}, {'name': 'site', 'value': 'hq'}]
    # numeric order: 10 after 9, not after 1
    assert [a['name'] for a in attributes[2:]] == ['attr%d' % n for n in numbers]


def test_the_seven_boolean_columns(tmp_path, org):
    names = ['account_locked', 'allow_public_key', 'enable_managed_uid', 'externally_managed', 'passwordless_sudo',
             'sudo', 'password_never_expires']
    run = apply(tmp_path, org.fake, 'Username,%s\nbob,true,false,yes,1,$true,TRUE,Yes\n' % ','.join(names))
    assert not run.result.get('failed'), run.result.get('msg')
    bob = org.user('bob')
    assert [bob[n] for n in names] == [True, False, True, True, True, True, True]
    assert results_by_user(run.result)['bob']['changed_fields'] == names   # allow_public_key was true


@pytest.mark.parametrize('reference', ['id', 'alice', 'ALICE@example.com'])
def test_manager_by_id_username_or_email(tmp_path, org, reference):
    if reference == 'id':
        reference = org.uid('alice')
    run = apply(tmp_path, org.fake, 'Username,manager\nbob,%s\n' % reference)
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.user('bob')['manager'] == org.uid('alice')


def test_manager_with_a_24_hex_username_and_regex_characters(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,manager\nbob,abcdefabcdefabcdefabcdef\nerin,frank.o+1\n')
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.user('bob')['manager'] == org.uid('abcdefabcdefabcdefabcdef')
    assert org.user('erin')['manager'] == org.uid('frank.o+1')


def test_email(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,Email\nbob,robert@example.com\n')
    assert not run.result.get('failed'), run.result.get('msg')
    assert org.user('bob')['email'] == 'robert@example.com'


def test_clearing_fields_on_purpose(tmp_path, org):
    org.fake.org.update_user(org.uid('bob'), {'manager': org.uid('alice')})
    run = apply(tmp_path, org.fake, 'Username,jobTitle,department,mobile_number,home_city,Attribute1_name,'
                'Attribute1_value,manager\n'
                'alice,__CLEAR__,,__CLEAR__,__CLEAR__,team,__CLEAR__,\n'
                'bob,,,,,,,__CLEAR__\n')
    assert not run.result.get('failed'), run.result.get('msg')
    alice = org.user('alice')
    assert alice['jobTitle'] == ''
    assert alice['department'] == 'R&D'
    assert [p['type'] for p in alice['phoneNumbers']] == ['work']
    assert 'locality' not in alice['addresses'][0]
    assert alice['addresses'][0]['streetAddress'] == '1 Home St'
    assert alice['attributes'] == [{'name': 'site', 'value': 'hq'}]
    assert 'manager' not in org.user('bob')
    again = apply(tmp_path, org.fake, (tmp_path / 'users.csv').read_text())
    assert again.stats['writes'] == 0


def test_clear_token_empties_the_email_typed_fields_with_empty_strings(tmp_path, org):
    org.fake.org.update_user(org.uid('bob'), {'alternateEmail': 'bob.alt@example.org', 'managedAppleId':
                                              'bob@apple.example.org', 'recoveryEmail': {'address': 'bob.rec@example.org'}})
    csv_text = 'Username,alternateEmail,recoveryEmail,managedAppleId\nbob,__CLEAR__,__CLEAR__,__CLEAR__\n'
    checked = apply(tmp_path, org.fake, csv_text, check=True, diff=True)
    assert checked.stats['writes'] == 0
    assert results_by_user(checked.result)['bob']['changed_fields'] == ['alternateEmail', 'recoveryEmail', 'managedAppleId']
    run = apply(tmp_path, org.fake, csv_text)
    assert not run.result.get('failed'), run.result.get('msg')
    assert results_by_user(run.result)['bob']['status'] == 'updated'
    bob = org.user('bob')
    assert bob['alternateEmail'] == ''
    assert bob['managedAppleId'] == ''
    assert bob['recoveryEmail']['address'] == ''
    assert run.stats['by_route']['PUT /api/systemusers/{id}'] == 1
    again = apply(tmp_path, org.fake, csv_text)
    assert again.stats['writes'] == 0
    assert results_by_user(again.result)['bob']['status'] == 'unchanged'


def test_custom_clear_token(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,jobTitle\nalice,<none>\n', clear_token='<none>')
    assert not run.result.get('failed')
    assert org.user('alice')['jobTitle'] == ''


@pytest.mark.smoke
def test_password_is_sent_every_run_and_never_shown(tmp_path, org):
    secret = 'S3cret!Pa55word'
    csv_text = 'Username,Password,jobTitle\nbob,%s,Boss\n' % secret
    report = tmp_path / 'report.csv'
    first = apply(tmp_path, org.fake, csv_text, diff=True, report_path=str(report), update_password='always', playbook=True)
    assert not first.result.get('failed'), first.result.get('msg')
    assert first.result['report_path'] == str(report)
    report_text = report.read_text(encoding='utf-8')
    assert report_text.splitlines()[0].startswith('row,username,user_id,status,changed')
    assert 'bob' in report_text
    assert 'jobTitle;password' in report_text
    assert secret not in report_text
    assert API_KEY not in report_text
    assert org.fake.org.password_sets[org.uid('bob')] == 1
    assert results_by_user(first.result)['bob']['changed_fields'] == ['jobTitle', 'password']
    again = apply(tmp_path, org.fake, csv_text, diff=True, update_password='always', playbook=True)
    assert results_by_user(again.result)['bob']['status'] == 'updated'
    assert results_by_user(again.result)['bob']['changed_fields'] == ['password']
    assert org.fake.org.password_sets[org.uid('bob')] == 2
    never = apply(tmp_path, org.fake, csv_text, update_password='never', playbook=True)
    assert never.stats['writes'] == 0
    assert results_by_user(never.result)['bob']['status'] == 'unchanged'
    for run in (first, again, never):
        assert secret not in run.output
        assert secret not in repr(run.result)
        assert API_KEY not in run.output


def test_untouched_data_survives_byte_for_byte(tmp_path, org):
    before = org.user('alice')
    run = apply(tmp_path, org.fake, 'Username,work_city,mobile_number,Attribute1_name,Attribute1_value\n'
                'alice,Longmont,+1 555 0777,site,branch\n')
    assert not run.result.get('failed'), run.result.get('msg')
    after = org.user('alice')
    # every entry is sent back without its read-only id (JumpCloud gives the stored entries theirs), all else kept
    addresses, phones = without_ids(after['addresses']), without_ids(after['phoneNumbers'])
    assert addresses[0] == without_ids(before['addresses'])[0]
    assert addresses[1] == dict(without_ids(before['addresses'])[1], locality='Longmont')
    assert addresses[2] == without_ids(before['addresses'])[2]
    assert addresses[1]['extendedAddress'] == 'Floor 3'
    assert phones[1] == without_ids(before['phoneNumbers'])[1]
    assert all(entry['id'] for entry in after['addresses'] + after['phoneNumbers'])
    assert after['attributes'][0] == before['attributes'][0]
    untouched = {k: v for k, v in before.items() if k not in ('addresses', 'phoneNumbers', 'attributes')}
    assert {k: after[k] for k in untouched} == untouched


def test_values_ending_in_null_or_equals_and_containing_equals_are_kept(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,description,jobTitle,Attribute1_name,Attribute1_value,Group1\n'
                'bob,a=b=c,Head of null,formula,x==y=,Finance\n')
    assert not run.result.get('failed'), run.result.get('msg')
    bob = org.user('bob')
    assert bob['description'] == 'a=b=c'
    assert bob['jobTitle'] == 'Head of null'
    assert bob['attributes'] == [{'name': 'formula', 'value': 'x==y='}]


def test_reads_are_bulk_not_per_row(tmp_path, fake_factory):
    # a little latency, as on the real API, so that concurrent writes overlap
    org = Org(fake_factory(generate_org(users=300, groups=10, systems=20), latency=0.01))
    lines = ['Username,jobTitle,Group1,SystemID']
    for i in range(1, 251):
        lines.append('user%05d,Title %d,group-%03d,%s' % (i, i, 1 + i % 10, org.system('host-%04d' % (1 + i % 20))))
    run = apply(tmp_path, org.fake, '\n'.join(lines) + '\n')
    assert not run.result.get('failed'), run.result.get('msg')
    # 3 user searches, 1 group listing, 10 group member listings, 1 device listing, 20 device listings
    assert run.stats['reads'] <= 3 + 1 + 10 + 1 + 20 + 5
    assert run.stats['by_route'].get('GET /api/systemusers', 0) == 0   # never the whole user list
    # the devices are listed by one search (1000 a page), not the GET listing's 100 a page
    assert run.stats['by_route']['POST /api/search/systems'] == 1
    assert run.stats['by_route'].get('GET /api/systems', 0) == 0
    assert run.stats['by_route']['PUT /api/systemusers/{id}'] == 250
    assert run.stats['concurrent_user_writes'] == []
    assert run.stats['max_concurrency'] > 1
