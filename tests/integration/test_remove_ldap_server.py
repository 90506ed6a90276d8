"""RemoveLdapServerID: the inverse of ldapserver_id, checked, previewed, written once, and absent on a rerun."""
import pytest

from helpers import apply, results_by_user
from test_offboarding import cycle

pytestmark = pytest.mark.integration

LDAP_EDGES = 'POST /api/v2/ldapservers/{id}/associations'


def test_unbind_a_bound_user_then_a_rerun_is_absent(tmp_path, org):
    lid = org.ldap()
    assert org.uid('carol') in org.fake.org.ldap_users[lid]
    predicted, actual, diffs, again = cycle(tmp_path, org, 'Username,RemoveLdapServerID\ncarol,%s\n' % lid,
                                            {LDAP_EDGES: 1})
    assert predicted['carol']['remove_ldap'] == {'id': lid, 'name': 'ldap-1', 'status': 'would_remove'}
    assert actual['carol']['remove_ldap'] == {'id': lid, 'name': 'ldap-1', 'status': 'removed'}
    assert (diffs['carol']['before'], diffs['carol']['after']) == (
        {'unbind_ldap_server': {'id': lid, 'bound': True, 'name': 'ldap-1'}},
        {'unbind_ldap_server': {'id': lid, 'bound': False, 'name': 'ldap-1'}})
    assert org.uid('carol') not in org.fake.org.ldap_users[lid]
    assert results_by_user(again.result)['carol']['remove_ldap']['status'] == 'absent'


def test_a_user_not_bound_is_absent_without_a_write(tmp_path, org):
    run = apply(tmp_path, org.fake, 'Username,RemoveLdapServerID\nbob,%s\n' % org.ldap())
    assert not run.result.get('failed'), run.result.get('msg')
    assert run.stats['writes'] == 0
    assert results_by_user(run.result)['bob']['remove_ldap']['status'] == 'absent'


@pytest.mark.parametrize('csv_text,message', [
    ('Username,RemoveLdapServerID\nbob,nope\n', "2:2: RemoveLdapServerID: 'nope' is not an LDAP server id"),
    ('Username,RemoveLdapServerID\nbob,0123456789abcdef01234567\n',
     '2:2: RemoveLdapServerID: LDAP server 0123456789abcdef01234567 does not exist'),
    ('Username,ldapserver_id,RemoveLdapServerID\nbob,{lid},{lid}\n',
     '2:3: RemoveLdapServerID: LDAP server {lid} is also the ldapserver_id of this row'),
    ('Username,RemoveLdapServerID\nbob,__CLEAR__\n', 'RemoveLdapServerID: cannot be cleared'),
], ids=['not an id', 'no such server', 'bound and unbound', 'clear token'])
def test_a_cell_that_cannot_be_meant_is_an_error_and_nothing_is_written(tmp_path, org, csv_text, message):
    lid = org.ldap()
    run = apply(tmp_path, org.fake, csv_text.format(lid=lid))
    assert run.result['failed'] is True and run.stats['writes'] == 0
    assert message.format(lid=lid) in run.result['msg']
