"""The role on the engine AWX runs playbooks with (ansible-runner): 10,000 rows, and every job event it records
stays far below AWX's limit on a result (MAX_EVENT_RES_DATA, 700,000 bytes), while every user's line is in some
event, the failed users last, then the totals.

ansible-runner empties a result over its MAX_EVENT_RES (700,000 by default) before recording it; the run raises
that limit so that the whole of every result is recorded and measured. Not a smoke test: it runs in the main
lane of make test only (the older versions' lane runs the files holding smoke tests).
"""
import json

import ansible_runner
import pytest

from fake_jumpcloud.seed import generate_org, username_for
from helpers import write_csv
from playbook import INVENTORY, ansible_env

pytestmark = pytest.mark.integration

ROWS = 10000
LIMIT = 700000
TAKEN = 'taken@elsewhere.example'           # another organisation's email: the update of its row answers 409
FAILING = (3, 5000, 9999)                   # the users whose rows fail


def changes(n):
    """Whether row ``n``'s user changes: one in ten, as in a scheduled run over a whole directory (the others are
    unchanged, whose results are the smallest), and the failing ones."""
    return n % 10 == 0 or n in FAILING


def csv_rows():
    lines = ['Username,jobTitle,Email']
    for i in range(1, ROWS + 1):
        lines.append('%s,%s,%s' % (username_for(i), 'Title %d' % i if changes(i) else '',
                                   TAKEN.replace('taken', 'taken%d' % i) if i in FAILING else ''))
    return '\n'.join(lines) + '\n'


def line(n, status, what):
    return 'row %d %s: %s' % (n + 1, username_for(n), '%s: %s' % (status, what) if changes(n) else 'unchanged')


def size(res):
    """A result's size as AWX and ansible-runner measure it (its text), and as JSON bytes: the larger."""
    return max(len(str(res).encode('utf-8')), len(json.dumps(res).encode('utf-8')))


def lines_of(events, title):
    """The lines printed by the page tasks called ``title`` (each 'title (first to end of total)'), in order."""
    found = []
    for event in events:
        task = event['event_data'].get('task') or ''
        if event['event'] == 'runner_on_ok' and task.startswith(title + ' ('):
            found.extend(event['event_data']['res']['msg'])
    return found


def test_every_job_event_of_the_role_stays_small_and_every_user_has_a_line(tmp_path, fake_factory):
    seed = generate_org(users=ROWS, groups=2, systems=2)
    seed['foreign_emails'] = [TAKEN.replace('taken', 'taken%d' % i) for i in FAILING]
    fake = fake_factory(seed)
    source = write_csv(tmp_path, csv_rows())
    (tmp_path / 'runner').mkdir()
    book = tmp_path / 'play.yml'
    book.write_text('- ansible.builtin.import_playbook: jcops.jumpcloud.update_users\n')
    (tmp_path / 'inventory.ini').write_text(INVENTORY)

    runner = ansible_runner.run(
        private_data_dir=str(tmp_path / 'runner'), playbook=str(book), inventory=str(tmp_path / 'inventory.ini'),
        extravars={'users_csv_path': str(source), 'users_csv_confirm': True,
                   'users_csv_output_dir': str(tmp_path)},
        envvars=ansible_env(fake, {'MAX_EVENT_RES': str(10 ** 9)}), quiet=True, timeout=600)
    events = list(runner.events)
    assert runner.status == 'failed' and runner.rc == 2     # the three failed users fail the play, at its end

    # every result, the module tasks' own included, whole and far below the limit
    results = [e for e in events if 'res' in e.get('event_data', {})]
    sizes = sorted((size(e['event_data']['res']), e['event_data'].get('task')) for e in results)
    assert sizes[-1][0] < LIMIT // 2, sizes[-3:]
    tasks = [e['event_data'].get('task') for e in results]
    assert 'Preview the changes (check mode)' in tasks and 'Update the users' in tasks
    assert not [e for e in results if e['event_data']['res'] == {}]        # none was emptied by the runner

    ok = [n for n in range(1, ROWS + 1) if n not in FAILING]
    preview = lines_of(events, 'Per-user preview, failed users last')
    assert preview == [line(n, 'would update', 'jobTitle, email' if n in FAILING else 'jobTitle')
                       for n in range(1, ROWS + 1)]
    update = lines_of(events, 'Per-user summary, failed users last')
    assert update[:len(ok)] == [line(n, 'updated', 'jobTitle') for n in ok]
    assert [line.split(': ')[:2] for line in update[len(ok):]] == [
        ['row %d %s' % (n + 1, username_for(n)), 'failed'] for n in FAILING]
    assert len(update) == ROWS

    # then the totals, after the last line, and the summary published for the workflow
    names = [e['event_data'].get('task') for e in events if e['event'] == 'runner_on_ok']
    last_page = max(i for i, name in enumerate(names) if name.startswith('Per-user summary'))
    assert names.index('Totals') == last_page + 1
    totals = next(e for e in events if e['event'] == 'runner_on_ok' and e['event_data']['task'] == 'Totals')
    assert totals['event_data']['res']['msg'][1].startswith(
        "Rows by status: {'created': 0, 'updated': 999, 'unchanged': 8998, 'failed': 3,")
    stats = next(e for e in events if e['event'] == 'playbook_on_stats')['event_data']['artifact_data']
    assert stats['users_csv_summary']['applied'] is True
    assert stats['users_csv_summary']['summary']['by_status']['failed'] == 3
    assert stats['users_csv_summary']['failed_rows_path'] == str(tmp_path / 'users-failed-rows.csv')
