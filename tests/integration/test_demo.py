"""make demo's script, end to end on a smaller organisation."""
import os
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
    preview, real, again = out.split('\n=== ')[1:4]
    assert preview.startswith('preview') and '"unchanged": 0' in preview and '"updated": 12' in preview
    assert '"updated": 12' in real and '"writes": 0' not in real
    assert again.count('| unchanged |') == 12 and '"writes": 0' in again
    assert 'no user ever had two writes in flight: True' in out
    assert (tmp_path / 'report.csv').exists() and 'Fake JumpCloud stopped.' in out
