"""make demo's script, end to end on a smaller organisation."""
import os
import re
import subprocess
import sys

import pytest

from testenv import ROOT

pytestmark = pytest.mark.integration


def test_demo_runs_end_to_end(tmp_path):
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'demo', 'run_demo.py'), '--users', '40',
                           '--workdir', str(tmp_path)], capture_output=True, text=True, timeout=600, check=False,
                          env=dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH']))
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert 'Fake JumpCloud at http://127.0.0.1:' in out and '40 users, 20 groups, 60 devices, 1 LDAP server(s)' in out
    template, steps = out.split('\n=== ', 1)
    assert 'ansible-playbook jcops.jumpcloud.create_template' in template and '(40 user rows)' in template
    preview, real, again = steps.split('\n=== ')
    assert preview.startswith('preview') and '--- before: ' in preview
    assert 'would update 12 user(s); 0 unchanged' in preview and '0 writes;' in preview
    assert 'row 3 user00002: would update: firstname, jobTitle, unix_uid' in preview
    # each device, LDAP server and manager is named beside its id, in the lines and in the diff
    ident = r' \([0-9a-f]{24}\)'
    assert re.search(r'row 2 user00001: would update: jobTitle, manager \(none\) -> user00002' + ident, preview)
    assert re.search(r'would update device host-\d+' + ident + r' \(admin\)"', preview)
    assert re.search(r'row 3 user00002: .*would bind LDAP server ldap-1' + ident, preview)
    assert re.search(r'row 5 user00004: would update: jobTitle, manager user00040' + ident + ' -> user00003' + ident,
                     preview)
    assert re.search(r'row 4 user00003: .*device host-\d+' + ident + r' added', real)
    assert '-        "username": "user00040"' in preview and '+        "username": "user00003"' in preview
    assert '"hostname": "host-' in preview and '"name": "ldap-1"' in preview
    assert 'updated 12 user(s); 0 unchanged' in real and ' 25 writes;' in real
    assert 'row 3 user00002: updated: firstname, jobTitle, unix_uid' in real
    assert again.count(': unchanged"') == 12 and '0 writes;' in again
    assert 'updated 0 user(s); 12 unchanged' in again
    assert out.count('no user had two writes in flight: True') == 4
    assert (tmp_path / 'report.csv').exists() and 'Fake JumpCloud stopped.' in out
    assert 'Results report: %s' % (tmp_path / 'report.csv') in out
