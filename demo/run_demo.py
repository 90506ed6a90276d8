"""make demo: the whole workflow against a local fake JumpCloud; no account needed.

1. start the fake JumpCloud API, seeded with a realistic organisation;
2. write a template with every user (jc_import_template, populate_users);
3. fill a sample CSV covering every column group;
4. preview it with --check --diff, apply it, apply it again (nothing changes);
5. print the per-user summary and where the results report is; stop the server.

Usage: python demo/run_demo.py [--users N] [--workdir DIR]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from testenv import COLLECTIONS_PATH  # noqa: E402  (the collection, linked into a temporary tree)
from fake_jumpcloud.seed import generate_org  # noqa: E402
from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402

API_KEY = 'demo-key-not-a-secret-0000'


def playbook(workdir, name, extra, check=False, diff=False):
    bindir = os.path.dirname(sys.executable)
    cmd = [os.path.join(bindir, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
           '-e', 'ansible_python_interpreter=%s' % sys.executable,
           os.path.join(HERE, name), '-e', json.dumps(extra)]
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1')
    print('\n$ ansible-playbook %s%s%s' % (name, ' --check' if check else '', ' --diff' if diff else ''), flush=True)
    return subprocess.run(cmd, env=env, cwd=workdir, check=False)


def sample_csv(fake, template_path, out_path):
    """Fill a few rows of the template, touching every column group."""
    org = fake.org
    systems = sorted(org.systems.values(), key=lambda s: s['hostname'])
    groups = sorted(g['name'] for g in org.groups.values())
    ldap = next(iter(org.ldapservers))
    with open(template_path, encoding='utf-8-sig', newline='') as handle:
        usernames = [row['Username'] for row in csv.DictReader(handle)]
    header = ['Username', 'FirstName', 'jobTitle', 'department', 'manager', 'work_city', 'mobile_number',
              'unix_uid', 'enable_user_portal_multifactor', 'EnrollmentDays', 'ldap_binding_user', 'ldapserver_id',
              'SystemID', 'Administrator', 'Group1', 'Group2', 'Attribute1_name', 'Attribute1_value', 'sudo']
    rows = [
        [usernames[0], '', 'Director of Platform', 'Engineering', usernames[1], 'Boulder', '+1 555 0100',
         '', 'true', '14', '', '', systems[0]['_id'], 'true', groups[0], groups[1], 'costCode', 'CC900', ''],
        [usernames[1], 'Zoë', 'Support Lead', '', '', '', '', '9001', '', '', 'true', ldap, '', '', groups[2], '',
         'onCall', 'yes', 'false'],
        [usernames[2], '', '', 'Finance', '', 'London', '+44 20 7946 0000', '', '', '', '', '', systems[1]['_id'],
         'false', '', '', '', '', ''],
    ]
    for username in usernames[3:12]:
        rows.append([username, '', 'Engineer II', '', '', '', '', '', '', '', '', '', '', '', groups[3], '', '',
                     '', ''])
    with open(out_path, 'w', encoding='utf-8', newline='') as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('--users', type=int, default=250)
    parser.add_argument('--workdir')
    args = parser.parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix='jcops-demo-')
    os.makedirs(workdir, exist_ok=True)

    fake = FakeJumpCloud(api_key=API_KEY, seed=generate_org(args.users, groups=20, systems=60),
                         latency=0.01).start()
    print('Fake JumpCloud at %s: %d users, %d groups, %d devices, %d LDAP server(s)' % (
        fake.url, len(fake.org.users), len(fake.org.groups), len(fake.org.systems), len(fake.org.ldapservers)))
    os.environ.update(JC_API_KEY=API_KEY, JC_API_URL=fake.url)
    failed = False
    try:
        base = {'workdir': workdir}
        if playbook(workdir, 'template.yml', base).returncode:
            return 1
        template_path = os.path.join(workdir, 'template.csv')
        csv_path = os.path.join(workdir, 'users.csv')
        count = sample_csv(fake, template_path, csv_path)
        print('\nFilled %s with %d rows covering every column group.' % (csv_path, count))
        apply_vars = dict(base, csv_path=csv_path, report_path=os.path.join(workdir, 'report.csv'))
        steps = [('preview (check mode, diff)', True, True), ('apply', False, False),
                 ('apply again: nothing changes', False, False)]
        for title, check, diff in steps:
            print('\n=== %s' % title)
            if playbook(workdir, 'apply.yml', apply_vars, check=check, diff=diff).returncode:
                failed = True
                break
        stats = fake.stats.as_dict()
        print('\nFake JumpCloud saw %d requests: %d reads, %d writes; no user ever had two writes in flight: %s'
              % (stats['total'], stats['reads'], stats['writes'], not stats['concurrent_user_writes']))
        print('Results report: %s' % apply_vars['report_path'])
        print('Work folder:    %s' % workdir)
    finally:
        fake.stop()
        print('Fake JumpCloud stopped.')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
