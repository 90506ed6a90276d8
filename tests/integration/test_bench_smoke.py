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
    # each baseline ran its configured slice, with the requests that slice implies: the uri loop's look-up and
    # PUT per row; the replay's look-ups and reads above plus its three writes per row
    config = results['config']
    assert (base['uri_loop']['rows'], base['reference_replay']['rows']) == (config['slice_rows'], config['replay_rows'])
    assert base['uri_loop']['reads'] + base['uri_loop']['writes'] == 2 * config['slice_rows']
    assert base['reference_replay']['reads'] + base['reference_replay']['writes'] == (2 * pages + 5) * config['replay_rows']
    for name in ('uri_loop', 'reference_replay'):
        theirs = base[name]['rows_per_second']
        assert base['ratio_' + name] == round(ours / theirs, 1)
        assert base['ratio_%s_same_rows' % name] == round(base['collection']['rows_per_second'] / theirs, 1)

    limited = results['rate_limited']
    assert limited['users_not_right'] == 0
    assert limited['by_status']['failed'] == 0

    sizes = [r['rows'] for r in results['scaling']['runs']]
    assert sizes == results['config']['scaling']
    assert all(r['users_not_right'] == 0 and r['writes'] == 3 * r['rows'] for r in results['scaling']['runs'])
    # the largest size again, returning only the rows that did not succeed: every row written all the same
    problems = results['scaling_problems']
    assert problems['rows'] == max(sizes) and problems['writes'] == 3 * problems['rows']
    assert problems['users_not_right'] == 0 and problems['by_status']['updated'] == problems['rows']
    assert problems['module_peak_mb'] > 10
    assert '| %d, return_results problems |' % max(sizes) in table

    # the fake alone: no faster than requests x latency / workers allows, and its efficiency is that ratio
    preflight = results['preflight']
    ideal = preflight['requests'] * preflight['latency_ms'] / 1000.0 / preflight['workers']
    assert preflight['ideal_seconds'] == round(ideal, 2)
    assert preflight['seconds'] >= preflight['ideal_seconds'] - 0.01        # both are rounded to 0.01 s
    assert 0 < preflight['efficiency'] <= 1.0
    # W2 (a large tenant at smoke size: 2000 users, "All Users", five groups of 500, ten teams of 50, 100 devices;
    # 20 rows, even ones joining a big group, odd ones a team, each binding a distinct device). Reads:
    # 1 user search, 1 page of groups, 1 device search by id; each named group's first page (5 big + 10 teams:
    # fewer groups than users); the big groups' 4 other pages each would cost more than their 2 users' own
    # group lists, so those 10 are read instead; each device's first page (20, one binding each: complete)
    w2 = results['w2']
    assert w2['first_apply']['reads'] == 1 + 1 + 1 + 15 + 10 + 20 == 48
    assert w2['first_apply']['writes'] == 3 * 20                  # a PUT, a group add and a binding per row
    assert w2['first_apply']['by_status']['updated'] == 20 and w2['users_not_right'] == 0
    for name in ('check', 'rerun'):
        assert w2[name]['reads'] == 48 and w2[name]['writes'] == 0
    assert w2['rerun']['by_status']['unchanged'] == 20
    assert w2['first_apply']['reads_per_row'] == 2.4 and w2['first_apply']['writes_per_row'] == 3.0
    # the template: 2000 users 1000 a page, 100 devices in one page, each page once; the users' groups (three
    # GroupN columns) per group: one page of the 16 groups, then each group's members 100 a page ("All Users" 20,
    # the five big groups 6 each, since the W2 rows made each of them two members more than 500, the ten teams 1
    # each), never one request per user
    template = w2['template']
    assert template['reads'] == 2 + 1 + 1 + (20 + 5 * 6 + 10) == 64
    assert template['writes'] == 0 and template['lines'] == 2000
    assert template['by_route'] == {'POST /api/search/systemusers': 2, 'POST /api/search/systems': 1,
                                    'GET /api/v2/usergroups': 1, 'GET /api/v2/usergroups/{id}/members': 60}
    # jc_users_info of every user as rows: the template's requests but the devices file's
    info = w2['info']
    assert (info['users'], info['rows'], info['changed']) == (2000, 2000, False)
    assert info['by_route'] == {'POST /api/search/systemusers': 2, 'GET /api/v2/usergroups': 1,
                                'GET /api/v2/usergroups/{id}/members': 60}
    assert info['reads'] == 63 <= template['reads'] and info['writes'] == 0

    # W3 under the limit: put sends a PUT per row; bulk one job and two reads of its results (they show on the
    # second), after the same single user search; both end the same
    w3 = results['w3']
    put, bulk = w3['put_rate_limited'], w3['bulk_rate_limited']
    w3_rows = put['rows']
    assert (put['reads'], put['writes']) == (1, w3_rows)
    assert (bulk['reads'], bulk['writes']) == (1 + 2, 1)
    assert bulk['by_route']['PATCH /api/v2/bulk/users'] == 1
    assert bulk['by_route']['GET /api/v2/bulk/users/{id}/results'] == 2
    assert put['by_status'] == bulk['by_status'] and put['by_status']['updated'] == w3_rows
    assert w3['same_state'] is True and w3['same_results'] is True
    assert put['users_not_right'] == bulk['users_not_right'] == 0
    assert '| W3 fields only' in table and 'same final state: yes; same results: yes' in table
    assert 'load average' in table

    assert {t['key'] for t in results['targets']} >= {'scaling_peak_mb', 'scaling_problems_peak_mb', 'template_peak_mb',
                                                      'w1_first_apply_writes', 'w1_check_and_second_writes',
                                                      'w2_first_apply_reads_per_row', 'template_reads', 'info_reads',
                                                      'w3_bulk_speedup_rate_limited'}
    assert '| w1_first_apply_writes | %d |' % (3 * rows) in table and '(smoke run: tiny sizes)' in table
