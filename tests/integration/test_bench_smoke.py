"""make bench's script at tiny sizes: every workload runs, and what it records is true."""
import json
import os
import subprocess
import sys

import pytest

from testenv import ROOT

pytestmark = pytest.mark.integration


def test_bench_smoke(tmp_path):
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'run_bench.py'), '--smoke', '--out',
                           str(tmp_path)], capture_output=True, text=True, timeout=600, check=False,
                          env=dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH']))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((tmp_path / 'smoke.json').read_text())
    table = (tmp_path / 'smoke.md').read_text()
    rows = results['config']['w1_rows']

    w1 = results['w1']
    assert w1['first_apply']['writes'] == 3 * rows                 # one PUT, one group add, one binding per row
    assert w1['first_apply']['by_status']['updated'] == rows
    assert w1['users_not_right'] == 0
    assert w1['check']['writes'] == 0
    assert w1['second']['writes'] == 0
    assert w1['second']['by_status']['unchanged'] == rows
    assert w1['first_apply']['concurrent_user_writes'] == 0
    assert w1['first_apply']['module_peak_mb'] > 10                 # the sampler saw the module process

    base = results['baselines']
    assert base['uri_loop']['writes'] == base['uri_loop']['rows']   # one PUT per row
    assert base['uri_loop']['reads'] == base['uri_loop']['rows']    # after one look-up per row
    assert base['reference_replay']['writes'] == 3 * base['reference_replay']['rows']
    # per row: the whole user list twice (100 a page) and the group list, then the user itself
    pages = -(-results['config']['org']['users'] // 100)
    assert base['reference_replay']['reads'] == (2 * pages + 2) * base['reference_replay']['rows']
    # each ratio is the collection's rows per second over the baseline's, as recorded
    ours = w1['first_apply']['rows_per_second']
    assert ours == round(rows / w1['first_apply']['seconds'], 2)
    for name in ('uri_loop', 'reference_replay'):
        theirs = base[name]['rows_per_second']
        assert theirs > 0
        assert base['ratio_' + name] == round(ours / theirs, 1)
        assert base['ratio_%s_same_rows' % name] == round(base['collection']['rows_per_second'] / theirs, 1)

    limited = results['rate_limited']
    assert limited['users_not_right'] == 0
    assert limited['by_status']['failed'] == 0

    sizes = [r['rows'] for r in results['scaling']['runs']]
    assert sizes == results['config']['scaling']
    assert all(r['users_not_right'] == 0 and r['writes'] == 3 * r['rows'] for r in results['scaling']['runs'])

    # the fake alone: no faster than requests x latency / workers allows, and its efficiency is that ratio
    preflight = results['preflight']
    ideal = preflight['requests'] * preflight['latency_ms'] / 1000.0 / preflight['workers']
    assert preflight['ideal_seconds'] == round(ideal, 2)
    assert preflight['seconds'] >= preflight['ideal_seconds'] - 0.01        # both are rounded to 0.01 s
    assert 0 < preflight['efficiency'] <= 1.0
    assert {t['key'] for t in results['targets']} >= {'w1_first_apply_writes', 'w1_check_and_second_writes'}
    assert '| w1_first_apply_writes | %d |' % (3 * rows) in table and '(smoke run: tiny sizes)' in table
