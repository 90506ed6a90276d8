"""make bench: jc_users_from_csv against the fake JumpCloud with a fixed latency per request.

Workloads (see docs/development.md, "Benchmark"):
  preflight     the fake itself reaches requests x latency / workers at the module's concurrency
  w1            10,000 users, 50 groups, 500 devices, 1 LDAP server, 50 ms; 1,000 rows each changing
                3 fields, a phone, a custom attribute, a group and a device binding: first apply,
                check mode, second run, through ansible-playbook
  baselines     on a 100-row slice of W1, same server and latency: an ansible.builtin.uri loop
                playbook, and a sequential replay of the interactive tool's requests per row
  rate_limited  the fake allows 20 requests/s and answers 429 with Retry-After; 200 rows
  scaling       100 to 100,000 rows at 5 ms, wall time and peak memory per size
  scaling_problems  the largest size again with return_results: problems (peak memory)
  w2            a large tenant (100,000 users, 20,000 devices, 200 groups: "All Users", five of 20,000
                members, the rest under 200), 50 ms; 1,000 rows changing two fields and a custom
                attribute, half joining a 20,000-member group and half a small one, each binding one
                of 1,000 distinct devices: first apply, check mode, rerun
  template      a prefilled template of all 100,000 W2 users with every column group, and the devices file
  info          jc_users_info of all 100,000 W2 users as rows (with their groups and custom attributes), at no
                more requests than the template of the same users
  w3            10,000 rows changing fields only on the W2 tenant, write_mode put and bulk, at 50 ms and
                under a 20 requests/s limit (429 with Retry-After), each on a fresh tenant

Only asked for by name (``--only``), never in the whole run:
  scaling-N     the scaling workload at N rows only (for example scaling-100000), on the same tenant
  template      the prefilled template of all 100,000 users on the large tenant, without W2 before it

Writes bench/results/<name>.json and <name>.md (the README links bench/results/latest.md).
Usage: python bench/run_bench.py [--name NAME] [--smoke] [--out DIR] [--only w1,scaling-100000,template,...]
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))

import testenv  # noqa: E402  (links the collection into a temporary tree; puts tests/integration on sys.path)
from fake_jumpcloud.seed import generate_large_org, generate_org  # noqa: E402
from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402
from playbook import INVENTORY, ansible_env  # noqa: E402
from workload import W2_HEADER, W3_HEADER, large_mismatches, mismatches, rows_csv, to_csv, w1_rows, w2_rows, w3_rows  # noqa: E402

MODULE = 'jcops.jumpcloud.jc_users_from_csv'
WORKERS = 16        # the module's default max_workers
TIMELINE = False    # --timeline: record the module process's memory about every second
MODULE_TIMEOUT = None   # --timeout: the modules' request timeout, on a machine too loaded for the default 30 s

FULL = dict(org=dict(users=10000, groups=50, systems=500), latency=0.05, w1_rows=1000, slice_rows=100,
            replay_rows=10, rate_limit=20, rate_rows=200, scaling=[100, 1000, 10000, 100000],
            scaling_latency=0.005, preflight_requests=800,
            large=dict(users=100000, systems=20000, big_groups=5, big_size=20000, small_groups=194, small_size=150),
            w2_rows=1000, w3_rows=10000, w3_rate_limit=20, w3_at_latency=True)
SMOKE = dict(org=dict(users=300, groups=10, systems=20), latency=0.005, w1_rows=30, slice_rows=6, replay_rows=2,
             rate_limit=60, rate_rows=20, scaling=[10, 40], scaling_latency=0.002, preflight_requests=160,
             large=dict(users=2000, systems=100, big_groups=5, big_size=500, small_groups=10, small_size=50),
             w2_rows=20, w3_rows=40, w3_rate_limit=200, w3_at_latency=False)

TARGETS = [
    # (key, description, check)
    ('w1_first_apply_seconds', 'W1 first apply <= 15 s', lambda v: v <= 15),
    ('w1_first_apply_writes', 'W1 first apply writes exactly 3 per row', None),
    ('w1_first_apply_reads', 'W1 first apply reads < 700', lambda v: v < 700),
    ('w1_check_seconds', 'W1 check mode <= 5 s', lambda v: v <= 5),
    ('w1_second_seconds', 'W1 second run <= 5 s', lambda v: v <= 5),
    ('w1_check_and_second_writes', 'W1 check mode and second run write nothing', lambda v: v == 0),
    ('ratio_uri_loop', 'rows/s at least 50x the uri loop', lambda v: v >= 50),
    ('ratio_reference_replay', 'rows/s at least 100x the reference replay', lambda v: v >= 100),
    ('rate_limited_share', 'rate limited: throughput >= 85% of the limit', lambda v: v >= 0.85),
    ('scaling_peak_mb', 'largest size: module peak memory <= 400 MB', lambda v: v <= 400),
    ('scaling_problems_peak_mb', 'largest size, return_results problems: module peak memory <= 200 MB',
     lambda v: v <= 200),
    ('scaling_per_row_ratio', 'largest size: time per row within 20% of the 1,000-row figure',
     lambda v: v <= 1.2),
    ('w2_first_apply_seconds', 'W2 first apply <= 25 s', lambda v: v <= 25),
    ('w2_first_apply_reads_per_row', 'W2 first apply reads <= 2.2 per row', lambda v: v <= 2.2),
    ('w2_check_seconds', 'W2 check mode <= 12 s', lambda v: v <= 12),
    ('w2_rerun_seconds', 'W2 rerun <= 12 s', lambda v: v <= 12),
    ('w2_check_and_rerun_writes', 'W2 check mode and rerun write nothing', lambda v: v == 0),
    ('w2_peak_mb', 'W2: module peak memory <= 400 MB', lambda v: v <= 400),
    ('template_seconds', 'template of 100,000 prefilled users <= 20 s', lambda v: v <= 20),
    # users 1000 a page, devices 1000 a page, the groups' members 100 a page (a group of 20,000 members is 200)
    ('template_reads', 'template of 100,000 prefilled users with their groups: reads <= 2,600', lambda v: v <= 2600),
    ('template_peak_mb', 'template of 100,000 users: module peak memory <= 400 MB', lambda v: v <= 400),
    ('info_reads', "jc_users_info of 100,000 users as rows: reads <= the template's", None),
    ('w3_bulk_speedup_rate_limited', 'W3 at 20 requests/s: bulk at least 10x faster than put', lambda v: v >= 10),
    ('w3_same_state_and_results', 'W3 at 20 requests/s: bulk and put end in the same state with the same results',
     lambda v: v is True),
]


# -- running ansible-playbook with a memory sampler ------------------------------------------------

class Sampler(threading.Thread):
    """Peak RSS of a process tree, and of its module process (the AnsiballZ python), every 20 ms."""

    def __init__(self, pid):
        super(Sampler, self).__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.stop = threading.Event()
        self.tree_peak = 0
        self.module_peak = 0
        self.timeline = []          # (seconds, module MB) about every second, with --timeline

    def run(self):
        started = time.monotonic()
        while not self.stop.is_set():
            module = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            total = 0
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    total += rss
                    if any('AnsiballZ_' in part for part in proc.cmdline()):
                        self.module_peak = max(self.module_peak, rss)
                        module = max(module, rss)
                except psutil.Error:
                    continue
            self.tree_peak = max(self.tree_peak, total)
            seconds = time.monotonic() - started
            if TIMELINE and module and (not self.timeline or seconds - self.timeline[-1][0] >= 1):
                self.timeline.append((round(seconds, 1), round(module / 2.0 ** 20, 1)))
            self.stop.wait(0.02)


def run_playbook(workdir, fake, play_text, extra_args=()):
    book = os.path.join(workdir, 'play.yml')
    with open(book, 'w', encoding='utf-8') as handle:
        handle.write(play_text)
    inventory = os.path.join(workdir, 'inventory.ini')
    with open(inventory, 'w', encoding='utf-8') as handle:
        handle.write(INVENTORY)
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, book]
    cmd.extend(extra_args)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=workdir, env=ansible_env(fake), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    if proc.returncode:
        raise RuntimeError('ansible-playbook failed:\n%s' % output[-4000:])
    run = dict(seconds=round(seconds, 2), module_peak_mb=round(sampler.module_peak / 2.0 ** 20, 1),
               tree_peak_mb=round(sampler.tree_peak / 2.0 ** 20, 1))
    if TIMELINE:
        run['module_timeline'] = sampler.timeline
    return run


def module_play(csv_path, result_path, check=False, max_workers=None, return_results=None):
    args = '        csv_path: %s\n' % csv_path
    if max_workers:
        args += '        max_workers: %d\n' % max_workers
    if return_results:
        args += '        return_results: %s\n' % return_results
    if MODULE_TIMEOUT:
        args += '        timeout: %d\n' % MODULE_TIMEOUT
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - name: apply\n      %s:\n%s      register: out\n%s'
            '    - name: save\n      ansible.builtin.copy:\n        content: "{{ out.summary | to_json }}"\n'
            '        dest: %s\n      check_mode: false\n'
            % (MODULE, args, '      check_mode: true\n' if check else '', result_path))


def measure_module(workdir, fake, rows, check=False, return_results=None):
    """One module run over ``rows`` through ansible-playbook: time, memory, the fake's counts."""
    csv_path = os.path.join(workdir, 'users.csv')
    with open(csv_path, 'w', encoding='utf-8') as handle:
        handle.write(to_csv(rows))
    result_path = os.path.join(workdir, 'summary.json')
    fake.stats.reset()
    run = run_playbook(workdir, fake, module_play(csv_path, result_path, check=check, return_results=return_results))
    stats = fake.stats.as_dict()
    with open(result_path, encoding='utf-8') as handle:
        summary = json.load(handle)
    run.update(rows=len(rows), reads=stats['reads'], writes=stats['writes'],
               retries=summary['requests']['retries'], statuses=stats['statuses'],
               by_status=summary['by_status'], rows_per_second=round(len(rows) / run['seconds'], 2),
               concurrent_user_writes=len(stats['concurrent_user_writes']))
    return run


def play_for(module, args, result_path, check=False):
    """A play running ``module`` with ``args`` that saves its result, without the per-row results, as JSON."""
    if MODULE_TIMEOUT:
        args = dict(args, timeout=MODULE_TIMEOUT)
    lines = ''.join('        %s: %s\n' % (k, json.dumps(v)) for k, v in sorted(args.items()))
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - name: run\n      %s:\n%s      register: out\n%s'
            '    - name: save\n      ansible.builtin.copy:\n'
            '        content: "{{ out | dict2items | rejectattr(\'key\', \'in\', [\'results\', \'diff\']) | items2dict'
            ' | to_json }}"\n        dest: %s\n      check_mode: false\n'
            % (module, lines, '      check_mode: true\n' if check else '', result_path))


def measure(workdir, fake, module, args, rows, check=False):
    """One run of ``module`` through ansible-playbook: time, memory, the fake's counts, requests per row."""
    result_path = os.path.join(workdir, 'result.json')
    fake.stats.reset()
    run = run_playbook(workdir, fake, play_for(module, args, result_path, check=check))
    stats = fake.stats.as_dict()
    with open(result_path, encoding='utf-8') as handle:
        out = json.load(handle)
    run.update(rows=rows, reads=stats['reads'], writes=stats['writes'], statuses=stats['statuses'],
               by_route=stats['by_route'], reads_per_row=round(stats['reads'] / float(rows), 3),
               writes_per_row=round(stats['writes'] / float(rows), 3), rows_per_second=round(rows / run['seconds'], 2))
    if 'summary' in out:
        run.update(by_status=out['summary']['by_status'], retries=out['summary']['requests']['retries'])
    return run


def start_fake(org, latency, **faults):
    started = time.monotonic()
    fake = FakeJumpCloud(api_key=testenv.API_KEY, seed=generate_org(ldapservers=1, **org), latency=latency,
                         **faults).start()
    log('  fake JumpCloud: %d users, %d groups, %d devices (seeded in %.1f s), %d ms per request'
        % (len(fake.org.users), len(fake.org.groups), len(fake.org.systems), time.monotonic() - started,
           latency * 1000))
    return fake


def log(text):
    print(text, flush=True)


# -- the workloads ---------------------------------------------------------------------------------

def preflight(cfg):
    """The fake alone, at the module's concurrency: does it reach requests x latency / workers?"""
    fake = start_fake(cfg['org'], cfg['latency'])
    try:
        n = cfg['preflight_requests']
        local = threading.local()

        def one(i):
            session = getattr(local, 'session', None)
            if session is None:
                session = local.session = requests.Session()
            session.get(fake.url + '/api/systemusers/%s' % sorted(fake.org.users)[i % 50],
                        headers={'x-api-key': testenv.API_KEY}, timeout=30).raise_for_status()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(one, range(n)))
        seconds = time.monotonic() - started
        ideal = n * cfg['latency'] / WORKERS
        return dict(requests=n, workers=WORKERS, latency_ms=cfg['latency'] * 1000, seconds=round(seconds, 2),
                    ideal_seconds=round(ideal, 2), efficiency=round(ideal / seconds, 3))
    finally:
        fake.stop()


def w1(cfg, workdir):
    fake = start_fake(cfg['org'], cfg['latency'])
    try:
        rows = w1_rows(fake, cfg['w1_rows'])
        first = measure_module(workdir, fake, rows)
        wrong = sum(1 for r in rows if mismatches(fake, r))
        log('  first apply: %(seconds)s s, %(reads)d reads, %(writes)d writes' % first)
        check = measure_module(workdir, fake, rows, check=True)
        log('  check mode:  %(seconds)s s, %(reads)d reads, %(writes)d writes' % check)
        second = measure_module(workdir, fake, rows)
        log('  second run:  %(seconds)s s, %(reads)d reads, %(writes)d writes' % second)
        return dict(first_apply=first, check=check, second=second, users_not_right=wrong)
    finally:
        fake.stop()


def uri_loop(cfg, workdir, fake, rows):
    rows_file = os.path.join(workdir, 'rows.json')
    with open(rows_file, 'w', encoding='utf-8') as handle:
        json.dump([dict((k, v) for k, v in r.items() if not k.startswith('_')) for r in rows], handle)
    with open(os.path.join(HERE, 'baselines', 'uri_loop.yml'), encoding='utf-8') as handle:
        play = handle.read()
    fake.stats.reset()
    run = run_playbook(workdir, fake, play, ['-e', json.dumps({'rows_file': rows_file, 'api_url': fake.url})])
    stats = fake.stats.as_dict()
    run.update(rows=len(rows), reads=stats['reads'], writes=stats['writes'],
               rows_per_second=round(len(rows) / run['seconds'], 3))
    return run


def reference_replay(fake, rows):
    """The interactive tool's requests per row, one after another."""
    session = requests.Session()
    session.headers.update({'x-api-key': testenv.API_KEY, 'Accept': 'application/json'})
    base = fake.url

    def all_users():
        skip, users = 0, []
        while True:
            page = session.get(base + '/api/systemusers', params={'limit': 100, 'skip': skip}, timeout=60).json()
            users.extend(page['results'])
            skip += len(page['results'])
            if not page['results'] or skip >= page['totalCount']:
                return users

    def all_groups():
        skip, groups = 0, []
        while True:
            page = session.get(base + '/api/v2/usergroups', params={'limit': 100, 'skip': skip}, timeout=60).json()
            groups.extend(page)
            skip += len(page)
            if len(page) < 100:
                return groups

    fake.stats.reset()
    started = time.monotonic()
    for row in rows:
        uid = next(u['_id'] for u in all_users() if u['username'] == row['Username'])
        user = session.get(base + '/api/systemusers/%s' % uid, timeout=60).json()
        # rebuilt from type and number, without the read-only id, as Set-JCUser.ps1 does
        phones = [{'type': p['type'], 'number': p['number']} for p in user.get('phoneNumbers') or []
                  if p.get('type') != 'mobile']
        attributes = [a for a in user.get('attributes') or [] if a.get('name') != row['Attribute1_name']]
        body = {'jobTitle': row['jobTitle'], 'department': row['department'], 'costCenter': row['costCenter'],
                'phoneNumbers': phones + [{'type': 'mobile', 'number': row['mobile_number']}],
                'attributes': attributes + [{'name': row['Attribute1_name'], 'value': row['Attribute1_value']}]}
        session.put(base + '/api/systemusers/%s' % uid, json=body, timeout=60).raise_for_status()
        gid = next(g['id'] for g in all_groups() if g['name'] == row['Group1'])
        session.post(base + '/api/v2/usergroups/%s/members' % gid, json={'op': 'add', 'type': 'user', 'id': uid},
                     timeout=60).raise_for_status()
        uid = next(u['_id'] for u in all_users() if u['username'] == row['Username'])
        session.post(base + '/api/v2/systems/%s/associations' % row['SystemID'],
                     json={'op': 'add', 'type': 'user', 'id': uid}, timeout=60).raise_for_status()
    seconds = time.monotonic() - started
    stats = fake.stats.as_dict()
    return dict(rows=len(rows), seconds=round(seconds, 2), reads=stats['reads'], writes=stats['writes'],
                rows_per_second=round(len(rows) / seconds, 4))


def baselines(cfg, workdir):
    fake = start_fake(cfg['org'], cfg['latency'])
    try:
        rows = w1_rows(fake, cfg['slice_rows'], tag='2')
        ours = measure_module(workdir, fake, rows)
        log('  collection:       %(rows)d rows in %(seconds)s s' % ours)
        rows = w1_rows(fake, cfg['slice_rows'], tag='3')
        uri = uri_loop(cfg, workdir, fake, rows)
        log('  uri loop:         %(rows)d rows in %(seconds)s s' % uri)
        replay = reference_replay(fake, w1_rows(fake, cfg['replay_rows'], tag='4'))
        log('  reference replay: %(rows)d rows in %(seconds)s s' % replay)
        return dict(collection=ours, uri_loop=uri, reference_replay=replay)
    finally:
        fake.stop()


def rate_limited(cfg, workdir):
    fake = start_fake(cfg['org'], cfg['latency'], rate_limit=cfg['rate_limit'], retry_after=True)
    try:
        rows = w1_rows(fake, cfg['rate_rows'])
        run = measure_module(workdir, fake, rows)
        stats = fake.stats.as_dict()
        served = stats['total'] - int(stats['statuses'].get('429', 0))
        window = stats['window_seconds'] or run['seconds']
        run.update(limit=cfg['rate_limit'], served=served, window_seconds=round(window, 2),
                   throughput=round(served / window, 2), share=round(served / window / cfg['rate_limit'], 3),
                   users_not_right=sum(1 for r in rows if mismatches(fake, r)))
        log('  %(rows)d rows: %(served)d requests served in %(window_seconds)s s = %(throughput)s/s, '
            '%(share)s of the limit; %(users_not_right)d users not right' % run)
        return run
    finally:
        fake.stop()


def scaling(cfg, workdir):
    sizes = cfg['scaling']
    org = dict(cfg['org'], users=max([cfg['org']['users']] + sizes))
    fake = start_fake(org, cfg['scaling_latency'])
    results = []
    try:
        for n, size in enumerate(sizes):
            if cfg.get('scaling_only') and size not in cfg['scaling_only']:
                continue
            rows = w1_rows(fake, size, tag=str(5 + n))
            run = measure_module(workdir, fake, rows)
            run['ms_per_row'] = round(run['seconds'] * 1000.0 / size, 2)
            run['users_not_right'] = sum(1 for r in rows if mismatches(fake, r))
            log('  %(rows)7d rows: %(seconds)s s, %(ms_per_row)s ms/row, module peak %(module_peak_mb)s MB' % run)
            results.append(run)
    finally:
        fake.stop()
    return dict(latency_ms=cfg['scaling_latency'] * 1000, runs=results)


def scaling_problems(cfg, workdir):
    """The largest scaling size again with ``return_results: problems`` (the rows that succeed are not
    returned), on a tenant of its own, with rows of their own."""
    size = max(cfg['scaling'])
    org = dict(cfg['org'], users=max(cfg['org']['users'], size))
    fake = start_fake(org, cfg['scaling_latency'])
    try:
        rows = w1_rows(fake, size, tag='9')
        run = measure_module(workdir, fake, rows, return_results='problems')
        run['ms_per_row'] = round(run['seconds'] * 1000.0 / size, 2)
        run['users_not_right'] = sum(1 for r in rows if mismatches(fake, r))
        log('  %(rows)7d rows, return_results problems: %(seconds)s s, module peak %(module_peak_mb)s MB' % run)
        return run
    finally:
        fake.stop()


def start_large(cfg, latency, **faults):
    started = time.monotonic()
    fake = FakeJumpCloud(api_key=testenv.API_KEY, seed=generate_large_org(**cfg['large']), latency=latency,
                         **faults).start()
    log('  fake JumpCloud (large tenant): %d users, %d groups, %d devices (seeded in %.1f s), %d ms per request'
        % (len(fake.org.users), len(fake.org.groups), len(fake.org.systems), time.monotonic() - started,
           latency * 1000))
    return fake


def users_csv_run(workdir, fake, header, rows, check=False, name='users.csv', **args):
    csv_path = os.path.join(workdir, name)
    with open(csv_path, 'w', encoding='utf-8') as handle:
        handle.write(rows_csv(header, rows))
    return measure(workdir, fake, MODULE, dict(args, csv_path=csv_path), len(rows), check=check)


def w2(cfg, workdir):
    """W2, then the template, on the same large tenant."""
    fake = start_large(cfg, cfg['latency'])
    try:
        rows = w2_rows(fake, cfg['w2_rows'])
        out = {}
        for name, check in (('first_apply', False), ('check', True), ('rerun', False)):
            out[name] = users_csv_run(workdir, fake, W2_HEADER, rows, check=check)
            log('  %s: %s s, %d reads (%s a row), %d writes, module peak %s MB' % (
                name, out[name]['seconds'], out[name]['reads'], out[name]['reads_per_row'], out[name]['writes'],
                out[name]['module_peak_mb']))
            if name == 'first_apply':
                out['users_not_right'] = sum(1 for r in rows if large_mismatches(fake, r))
        out['template'] = template_run(cfg, workdir, fake)
        out['info'] = info_run(workdir, fake)
        return out
    finally:
        fake.stop()


def template_run(cfg, workdir, fake):
    folder = os.path.join(workdir, 'template')
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, 'template.csv')
    if os.path.exists(dest):
        os.remove(dest)
    args = dict(dest=dest, populate_users=True, prefill=True, systems=True, groups=3, custom_attributes=3,
                email=True, user_information=True, location=True, telephony=True, unix_ids=True, mfa=True,
                ldap_binding=True)
    users = len(fake.org.users)
    run = measure(workdir, fake, 'jcops.jumpcloud.jc_import_template', args, users)
    with open(dest, encoding='utf-8-sig') as handle:
        run['lines'] = sum(1 for dummy in handle) - 1
    log('  template: %s users in %s s, %d reads, module peak %s MB' % (
        run['lines'], run['seconds'], run['reads'], run['module_peak_mb']))
    return run


def info_run(workdir, fake):
    """jc_users_info of every user as rows; the play saves how many users, rows and columns it returned."""
    result_path = os.path.join(workdir, 'info.json')
    play = ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - name: run\n      jcops.jumpcloud.jc_users_info:\n        as_rows: true\n      register: out\n'
            '    - name: save\n      ansible.builtin.copy:\n'
            '        content: "{{ dict(users=out.users | length, rows=out.rows | length, columns=out.columns | length,'
            ' changed=out.changed) | to_json }}"\n        dest: %s\n' % result_path)
    fake.stats.reset()
    run = run_playbook(workdir, fake, play)
    stats = fake.stats.as_dict()
    with open(result_path, encoding='utf-8') as handle:
        run.update(json.load(handle))
    users = len(fake.org.users)
    run.update(reads=stats['reads'], writes=stats['writes'], by_route=stats['by_route'],
               reads_per_row=round(stats['reads'] / float(users), 3), writes_per_row=round(stats['writes'] / float(users), 3))
    log('  info: %s users as rows in %s s, %d reads, module peak %s MB' % (
        run['users'], run['seconds'], run['reads'], run['module_peak_mb']))
    return run


def template(cfg, workdir):
    """The template alone, on the large tenant (``--only template``; the whole run makes it after W2)."""
    fake = start_large(cfg, cfg['latency'])
    try:
        return template_run(cfg, workdir, fake)
    finally:
        fake.stop()


def w3(cfg, workdir):
    """W3: put and bulk at 50 ms on one tenant, then each under the rate limit on a fresh tenant of its own."""
    out = {}
    fake = start_large(cfg, cfg['latency'], bulk_polls_before_results=1) if cfg['w3_at_latency'] else None
    try:
        for mode in ('put', 'bulk') if fake else ():
            rows = w3_rows(fake, cfg['w3_rows'], tag='w3-%s' % mode)
            run = users_csv_run(workdir, fake, W3_HEADER, rows, write_mode=mode)
            run['users_not_right'] = sum(1 for r in rows if large_mismatches(fake, r))
            out['%s_latency' % mode] = run
            log('  %s at %d ms: %s s, %d reads, %d writes' % (mode, cfg['latency'] * 1000, run['seconds'],
                                                              run['reads'], run['writes']))
    finally:
        if fake:
            fake.stop()
    snapshots, reports = {}, {}
    for mode in ('put', 'bulk'):
        fake = start_large(cfg, cfg['latency'], rate_limit=cfg['w3_rate_limit'], retry_after=True,
                           bulk_polls_before_results=1)
        try:
            rows = w3_rows(fake, cfg['w3_rows'], tag='w3-limited')
            report = os.path.join(workdir, 'w3-%s-report.csv' % mode)
            run = users_csv_run(workdir, fake, W3_HEADER, rows, write_mode=mode, report_path=report)
            run['users_not_right'] = sum(1 for r in rows if large_mismatches(fake, r))
            stats = fake.stats.as_dict()
            run['served'] = stats['total'] - int(stats['statuses'].get('429', 0))
            out['%s_rate_limited' % mode] = run
            with fake.org.lock:
                snapshots[mode] = json.dumps(sorted(fake.org.users.values(), key=lambda u: u['_id']), sort_keys=True)
            with open(report, encoding='utf-8') as handle:
                reports[mode] = handle.read()
            log('  %s at %d requests/s: %s s, %d reads, %d writes' % (mode, cfg['w3_rate_limit'], run['seconds'],
                                                                      run['reads'], run['writes']))
        finally:
            fake.stop()
    out['same_state'] = snapshots['put'] == snapshots['bulk']
    out['same_results'] = reports['put'] == reports['bulk']
    out['bulk_speedup_rate_limited'] = round(out['put_rate_limited']['seconds'] / out['bulk_rate_limited']['seconds'], 1)
    return out


def load_note():
    """The machine's load while the benchmark ran (this machine is shared)."""
    try:
        return subprocess.run(['uptime'], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ''


# -- results ---------------------------------------------------------------------------------------

def machine():
    cpu = platform.processor() or ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            cpu = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), cpu)
    except OSError:
        pass
    import ansible
    return dict(cpus=os.cpu_count(), cpu=cpu, memory_gb=round(psutil.virtual_memory().total / 2.0 ** 30, 1),
                python=platform.python_version(), ansible_core=ansible.__version__, system=platform.platform())


def targets(results):
    w = results.get('w1')
    values = {}
    if w:
        values.update(w1_first_apply_seconds=w['first_apply']['seconds'],
                      w1_first_apply_writes=w['first_apply']['writes'],
                      w1_first_apply_reads=w['first_apply']['reads'], w1_check_seconds=w['check']['seconds'],
                      w1_second_seconds=w['second']['seconds'],
                      w1_check_and_second_writes=w['check']['writes'] + w['second']['writes'])
    if results.get('baselines'):
        b = results['baselines']
        # ours is the collection's throughput on W1 (the baselines cost the same per row at any size);
        # the same-rows ratios compare on the 100-row slice, where ansible-playbook's start-up (about
        # 2 s) weighs on the collection's figure
        ours = w['first_apply']['rows_per_second'] if w else b['collection']['rows_per_second']
        for name in ('uri_loop', 'reference_replay'):
            b['ratio_' + name] = round(ours / b[name]['rows_per_second'], 1)
            b['ratio_%s_same_rows' % name] = round(b['collection']['rows_per_second'] / b[name]['rows_per_second'], 1)
        values.update(ratio_uri_loop=b['ratio_uri_loop'], ratio_reference_replay=b['ratio_reference_replay'])
    if results.get('rate_limited'):
        values['rate_limited_share'] = results['rate_limited']['share']
    runs = (results.get('scaling') or {}).get('runs') or []
    if runs:
        values['scaling_peak_mb'] = runs[-1]['module_peak_mb']
        base = next((r for r in runs if r['rows'] == 1000), runs[0])
        if base is not runs[-1]:
            values['scaling_per_row_ratio'] = round(runs[-1]['ms_per_row'] / base['ms_per_row'], 2)
    if results.get('scaling_problems'):
        values['scaling_problems_peak_mb'] = results['scaling_problems']['module_peak_mb']
    w = results.get('w2')
    if w:
        values.update(w2_first_apply_seconds=w['first_apply']['seconds'],
                      w2_first_apply_reads_per_row=w['first_apply']['reads_per_row'],
                      w2_check_seconds=w['check']['seconds'], w2_rerun_seconds=w['rerun']['seconds'],
                      w2_check_and_rerun_writes=w['check']['writes'] + w['rerun']['writes'],
                      w2_peak_mb=max(w[n]['module_peak_mb'] for n in ('first_apply', 'check', 'rerun')))
    t = results.get('template') or (w or {}).get('template')
    if t:
        values.update(template_seconds=t['seconds'], template_reads=t['reads'], template_peak_mb=t['module_peak_mb'])
    if w and w.get('info'):
        values['info_reads'] = w['info']['reads']
    w = results.get('w3')
    if w:
        values.update(w3_bulk_speedup_rate_limited=w['bulk_speedup_rate_limited'],
                      w3_same_state_and_results=w['same_state'] and w['same_results'])
    w = results.get('w1')
    out = []
    for key, text, check in TARGETS:
        if key not in values:
            continue
        value = values[key]
        if key == 'w1_first_apply_writes':
            met = value == 3 * w['first_apply']['rows']
        elif key == 'info_reads':
            met = value <= values.get('template_reads', value - 1)
        else:
            met = check(value)
        out.append(dict(key=key, target=text, value=value, met=bool(met)))
    return out


def markdown(results):
    m = results['machine']
    lines = ['Measured %s on %d CPUs (%s), %s GB RAM, Python %s, ansible-core %s%s.' % (
        results['date'][:10], m['cpus'], m['cpu'], m['memory_gb'], m['python'], m['ansible_core'],
        ' (smoke run: tiny sizes)' if results['smoke'] else ''), '']
    lines += ['| measure | value | target | met |', '|---|---|---|---|']
    for t in results['targets']:
        lines.append('| %s | %s | %s | %s |' % (t['key'], t['value'], t['target'], 'yes' if t['met'] else '**no**'))
    w = results.get('w1')
    if w:
        lines += ['', '| W1 run (%d rows, %d ms/request) | seconds | reads | writes | module peak MB |' % (
            w['first_apply']['rows'], results['config']['latency'] * 1000), '|---|---|---|---|---|']
        for name in ('first_apply', 'check', 'second'):
            r = w[name]
            cells = (name.replace('_', ' '), r['seconds'], r['reads'], r['writes'], r['module_peak_mb'])
            lines.append('| %s | %s | %s | %s | %s |' % cells)
    b = results.get('baselines')
    if b:
        lines += ['', '| same server and latency | rows | seconds | rows/s | requests | W1 rows/s is |',
                  '|---|---|---|---|---|---|']
        if w:
            r = w['first_apply']
            lines.append('| collection, W1 first apply | %s | %s | %s | %s | |' % (
                r['rows'], r['seconds'], r['rows_per_second'], r['reads'] + r['writes']))
        for name, ratio in (('collection', ''), ('uri_loop', 'ratio_uri_loop'),
                            ('reference_replay', 'ratio_reference_replay')):
            r = b[name]
            lines.append('| %s | %s | %s | %s | %s | %s |' % (
                name.replace('_', ' '), r['rows'], r['seconds'], r['rows_per_second'], r['reads'] + r['writes'],
                '%sx' % b[ratio] if ratio else ''))
    r = results.get('rate_limited')
    if r:
        lines += ['', 'Rate limited (%s requests/s, 429 with Retry-After): %s rows, %s requests served in %s s '
                  '= %s/s (%s%% of the limit), %s users not right, %s failed.' % (
                      r['limit'], r['rows'], r['served'], r['window_seconds'], r['throughput'],
                      round(r['share'] * 100, 1), r['users_not_right'], r['by_status']['failed'])]
    s = results.get('scaling')
    if s:
        lines += ['', '| scaling rows (%s ms/request) | seconds | ms per row | reads | writes | module peak MB |'
                  % s['latency_ms'], '|---|---|---|---|---|---|']
        for r in s['runs']:
            cells = (r['rows'], r['seconds'], r['ms_per_row'], r['reads'], r['writes'], r['module_peak_mb'])
            lines.append('| %s | %s | %s | %s | %s | %s |' % cells)
    r = results.get('scaling_problems')
    if r:
        if not s:
            lines += ['', '| scaling rows (%s ms/request) | seconds | ms per row | reads | writes | module peak MB |'
                      % (results['config']['scaling_latency'] * 1000), '|---|---|---|---|---|---|']
        lines.append('| %s, return_results problems | %s | %s | %s | %s | %s |' % (
            r['rows'], r['seconds'], r['ms_per_row'], r['reads'], r['writes'], r['module_peak_mb']))
    w = results.get('w2')
    if w:
        lines += ['', '| W2 large tenant (%d rows, %d ms/request) | seconds | reads | writes | reads/row | writes/row '
                  '| module peak MB |' % (w['first_apply']['rows'], results['config']['latency'] * 1000),
                  '|---|---|---|---|---|---|---|']
        for name in ('first_apply', 'check', 'rerun', 'template', 'info'):
            r = w.get(name)
            if r is None:
                continue
            users = r.get('rows') if name == 'template' else r.get('users')
            lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                name.replace('_', ' ') + (' (%d users)' % users if name in ('template', 'info') else ''), r['seconds'],
                r['reads'], r['writes'], r['reads_per_row'], r['writes_per_row'], r['module_peak_mb']))
    t = results.get('template')
    if t:
        lines += ['', '| template alone (large tenant, %d ms/request) | seconds | reads | writes | module peak MB |'
                  % (results['config']['latency'] * 1000), '|---|---|---|---|---|',
                  '| %d users | %s | %s | %s | %s |' % (t['rows'], t['seconds'], t['reads'], t['writes'],
                                                        t['module_peak_mb'])]
    w = results.get('w3')
    if w:
        lines += ['', '| W3 fields only (%d rows) | seconds | reads | writes | reads/row | writes/row | module peak MB |'
                  % w['put_rate_limited']['rows'], '|---|---|---|---|---|---|---|']
        for name, text in (('put_latency', 'put, %d ms' % (results['config']['latency'] * 1000)),
                           ('bulk_latency', 'bulk, %d ms' % (results['config']['latency'] * 1000)),
                           ('put_rate_limited', 'put, %s requests/s' % results['config']['w3_rate_limit']),
                           ('bulk_rate_limited', 'bulk, %s requests/s' % results['config']['w3_rate_limit'])):
            r = w.get(name)
            if r is None:
                continue
            lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                text, r['seconds'], r['reads'], r['writes'], r['reads_per_row'], r['writes_per_row'],
                r['module_peak_mb']))
        lines += ['', 'Under the limit, bulk is %sx faster than put; same final state: %s; same results: %s.' % (
            w['bulk_speedup_rate_limited'], 'yes' if w['same_state'] else 'no', 'yes' if w['same_results'] else 'no')]
    if results.get('load'):
        lines += ['', 'Load on this shared machine when the run ended (`uptime`): %s' % results['load']]
    p = results.get('preflight')
    if p:
        lines += ['', 'Fake server alone: %s requests on %s threads at %s ms: %s s against an ideal %s s '
                  '(efficiency %s).' % (p['requests'], p['workers'], p['latency_ms'], p['seconds'],
                                        p['ideal_seconds'], p['efficiency'])]
    return '\n'.join(lines) + '\n'


def render(path):
    with open(path, encoding='utf-8') as handle:
        results = json.load(handle)
    results['targets'] = targets(results)
    table = markdown(results)
    save(os.path.dirname(path) or '.', results['name'], results, table)
    log(table)
    return 0


def save(folder, name, results, table):
    os.makedirs(folder, exist_ok=True)
    for ext, text in (('json', json.dumps(results, indent=2, sort_keys=True) + '\n'), ('md', table)):
        path = os.path.join(folder, '%s.%s' % (name, ext))
        with open(path + '.tmp', 'w', encoding='utf-8') as handle:
            handle.write(text)
        os.replace(path + '.tmp', path)
        log('wrote %s' % path)


WORKLOADS = [('preflight', 'Preflight: the fake server alone', preflight), ('w1', 'W1', w1),
             ('baselines', 'Baselines', baselines), ('rate_limited', 'Rate limited', rate_limited),
             ('scaling', 'Scaling', scaling),
             ('scaling_problems', 'Scaling, largest size, return_results problems', scaling_problems), ('w2', 'W2 and the template (large tenant)', w2),
             ('w3', 'W3 (large tenant, fields only)', w3)]
# run only when --only names them
ON_REQUEST = [('template', 'The template alone (large tenant)', template)]


def selection(text, cfg):
    """The workloads ``--only`` names (all of WORKLOADS when it names none); ``scaling-N`` is the scaling
    workload at N rows only (it sets ``cfg['scaling_only']``)."""
    names = set()
    known = [w[0] for w in WORKLOADS + ON_REQUEST]
    for item in filter(None, (part.strip() for part in text.split(','))):
        key, dummy, size = item.partition('-')
        if key not in known or (size and (key != 'scaling' or not size.isdigit())):
            raise SystemExit('--only: unknown workload %r (known: %s, scaling-N)' % (item, ', '.join(known)))
        if size:
            cfg['scaling_only'] = sorted(set(cfg.get('scaling_only', [])) | {int(size)})
            if int(size) not in cfg['scaling']:
                cfg['scaling'] = sorted(cfg['scaling'] + [int(size)])
        names.add(key)
    return [w for w in WORKLOADS + ON_REQUEST if w[0] in names] if names else WORKLOADS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--name', default=None)
    parser.add_argument('--smoke', action='store_true', help='tiny sizes, for make test')
    parser.add_argument('--out', default=os.path.join(HERE, 'results'))
    parser.add_argument('--only', default='', help='comma-separated workloads: ' +
                        ','.join(w[0] for w in WORKLOADS))
    parser.add_argument('--timeline', action='store_true',
                        help="record the module process's memory about every second (module_timeline in the JSON)")
    parser.add_argument('--timeout', type=int, default=None,
                        help='the modules\' request timeout in seconds (default theirs, 30), for a loaded machine')
    parser.add_argument('--render', metavar='JSON', help='only recompute the targets and tables of a results file')
    args = parser.parse_args(argv)
    if args.render:
        return render(args.render)
    global TIMELINE, MODULE_TIMEOUT  # pylint: disable=global-statement
    TIMELINE, MODULE_TIMEOUT = args.timeline, args.timeout
    cfg = dict(SMOKE if args.smoke else FULL)
    chosen = selection(args.only, cfg)
    if args.timeout:
        cfg['module_timeout'] = args.timeout
    name = args.name or ('smoke' if args.smoke else 'latest')
    results = dict(name=name, smoke=args.smoke, date=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                   machine=machine(), config=cfg)
    workdir = tempfile.mkdtemp(prefix='jcops-bench-')
    for key, title, func in chosen:
        log('== %s' % title)
        started = time.monotonic()
        results[key] = func(cfg) if key == 'preflight' else func(cfg, workdir)
        log('   (%.0f s)' % (time.monotonic() - started))
    results['load'] = load_note()
    results['targets'] = targets(results)
    table = markdown(results)
    save(args.out, name, results, table)
    log('\n' + table)
    return 0


if __name__ == '__main__':
    sys.exit(main())
