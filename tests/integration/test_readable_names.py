"""Per-user lines, results, the report and the diff name devices, LDAP servers and managers beside their ids,
through the role's playbook and the module, against the fake."""
import pytest

from helpers import apply, write_csv
from playbook import run_playbook

pytestmark = pytest.mark.integration


def test_lines_and_diff_show_hostnames_ldap_server_names_and_manager_usernames(tmp_path, org):
    # erin's current manager is frank.o+1, whom no row names: the run reads that username with one search
    org.set_fields('erin', manager=org.uid('frank.o+1'))
    host, ldap = org.system('host-b'), org.ldap()
    csv_path = str(write_csv(tmp_path, 'Username,SystemID,Administrator,ldapserver_id,manager\n'
                                       'alice,%s,true,%s,bob\n'
                                       'erin,,,,carol\n' % (host, ldap)))
    preview = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users',
                           dict(users_csv_path=csv_path, users_csv_show_diff=True))
    assert preview.rc == 0, preview.output
    out = preview.stdout
    assert ('row 2 alice: would update: manager (none) -> bob (%s), would bind device host-b (%s) (admin), '
            'would bind LDAP server ldap-1 (%s)' % (org.uid('bob'), host, ldap)) in out
    assert 'row 3 erin: would update: manager frank.o+1 (%s) -> carol (%s)' % (org.uid('frank.o+1'), org.uid('carol')) in out
    # the diff: each id with its name
    assert '"hostname": "host-b"' in out and '"name": "ldap-1"' in out
    assert '-        "username": "frank.o+1"' in out and '+        "username": "carol"' in out
    assert '+        "username": "bob"' in out

    run = apply(tmp_path, org.fake, write_csv(tmp_path, open(csv_path).read(), name='again.csv'),
                report_path=str(tmp_path / 'report.csv'))
    assert not run.result['failed'], run.result['msg']
    alice, erin = run.result['results']
    assert alice['system']['hostname'] == 'host-b' and alice['ldap']['name'] == 'ldap-1'
    assert alice['manager'] == {'before': None, 'after': {'id': org.uid('bob'), 'username': 'bob'}}
    assert erin['manager'] == {'before': {'id': org.uid('frank.o+1'), 'username': 'frank.o+1'},
                               'after': {'id': org.uid('carol'), 'username': 'carol'}}
    report = (tmp_path / 'report.csv').read_text()
    assert 'host-b (%s):added' % host in report and 'ldap-1 (%s):added' % ldap in report
    # the rows' users, the managers they name, the devices, the LDAP servers, the device and LDAP bindings: 6;
    # erin's current manager, read by id for its username: 1 more
    assert run.stats['reads'] == 7
