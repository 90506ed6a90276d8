"""make demo: the whole workflow against a local fake JumpCloud; no account needed.

1. start the fake JumpCloud API, seeded with a realistic organisation;
2. write a template with every user (jc_import_template, populate_users);
3. fill a sample CSV covering every column group;
4. preview it (check mode with diff), apply it, apply it again (nothing changes),
   each with the collection's own playbooks, jcops.jumpcloud.create_template and
   jcops.jumpcloud.update_users;
5. print the per-user summary and where the results report is; stop the server.

Usage: python demo/run_demo.py [--users N] [--workdir DIR]
"""
import argparse
import csv
import os
import pathlib
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))

import testenv  # noqa: E402  (links the collection into a temporary tree; puts tests/integration on sys.path)
from fake_jumpcloud.seed import generate_org  # noqa: E402
from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402
from playbook import run_playbook  # noqa: E402


def playbook(fake, workdir, name, extra):
    """Run one of the collection's playbooks by its FQCN, its output straight to the terminal."""
    print('\n$ ansible-playbook jcops.jumpcloud.%s %s' % (name, ' '.join('-e %s=%s' % item for item in extra.items())),
          flush=True)
    fake.stats.reset()
    run = run_playbook(pathlib.Path(workdir), fake, 'jcops.jumpcloud.' + name, extra, stream=True)
    stats = fake.stats.as_dict()
    print('Fake JumpCloud saw %d requests: %d reads, %d writes; no user had two writes in flight: %s'
          % (stats['total'], stats['reads'], stats['writes'], not stats['concurrent_user_writes']), flush=True)
    return run


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
    # the fourth user has a manager already, one the file does not name: the lines show whom it had and whom it gets
    by_name = dict((u['username'], u) for u in org.users.values())
    by_name[usernames[3]]['manager'] = by_name[usernames[-1]]['_id']
    rows[3][4] = usernames[2]
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

    fake = FakeJumpCloud(api_key=testenv.API_KEY, seed=generate_org(args.users, groups=20, systems=60),
                         latency=0.01).start()
    print('Fake JumpCloud at %s: %d users, %d groups, %d devices, %d LDAP server(s)' % (
        fake.url, len(fake.org.users), len(fake.org.groups), len(fake.org.systems), len(fake.org.ldapservers)))
    failed = False
    try:
        template_path = os.path.join(workdir, 'template.csv')
        template = dict(users_csv_template_dest=template_path, users_csv_template_populate_users=True,
                        users_csv_template_email=True, users_csv_template_user_information=True,
                        users_csv_template_systems=True, users_csv_template_groups=2,
                        users_csv_template_custom_attributes=1, users_csv_template_force=True)
        if playbook(fake, workdir, 'create_template', template).rc:
            return 1
        csv_path = os.path.join(workdir, 'users.csv')
        count = sample_csv(fake, template_path, csv_path)
        print('\nFilled %s with %d rows covering every column group.' % (csv_path, count))
        apply_vars = dict(users_csv_path=csv_path, users_csv_report_path=os.path.join(workdir, 'report.csv'))
        steps = [('preview (check mode, diff): nothing is written without users_csv_confirm',
                  dict(users_csv_show_diff=True)),
                 ('apply', dict(users_csv_preview=False)),
                 ('apply again: nothing changes', dict(users_csv_preview=False))]
        for title, extra in steps:
            print('\n=== %s' % title)
            if playbook(fake, workdir, 'update_users', dict(apply_vars, **extra)).rc:
                failed = True
                break
        print('\nResults report: %s' % apply_vars['users_csv_report_path'])
        print('Work folder:    %s' % workdir)
    finally:
        fake.stop()
        print('Fake JumpCloud stopped.')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
