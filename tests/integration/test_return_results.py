"""return_results (all, changed, problems): the rows the module returns, while the summary, the report, the
failed-rows file, the closing message and the warnings cover every row, against the fake."""
import csv
import io

import pytest

from ansible_collections.jcops.jumpcloud.plugins.filter.user_lines import user_lines
from helpers import apply

pytestmark = pytest.mark.integration

# one row of each kind: changed, unchanged, invalid, refused by JumpCloud (409), not found (skipped over),
# and a changed row with a warning
CSV = ('Username,jobTitle,Email,sudo,Group1\n'
       'alice,Lead,,,\n'
       'bob,,,,\n'
       'carol,Auditor,,,\n'
       'erin,,,maybe,\n'
       'frank.o+1,,taken@elsewhere.example,,\n'
       'ghost,Nobody,,,\n'
       'abcdefabcdefabcdefabcdef,,,,Finance\n')
STATUSES = {'alice': 'updated', 'bob': 'unchanged', 'carol': 'updated', 'erin': 'invalid', 'frank.o+1': 'failed',
            'ghost': 'not_found', 'abcdefabcdefabcdefabcdef': 'updated'}
ORDER = ['alice', 'bob', 'carol', 'erin', 'frank.o+1', 'ghost', 'abcdefabcdefabcdefabcdef']
RETURNED = {
    'all': ORDER,
    'changed': ['alice', 'carol', 'erin', 'frank.o+1', 'ghost', 'abcdefabcdefabcdefabcdef'],
    'problems': ['erin', 'frank.o+1', 'ghost'],
}
BY_STATUS = {'created': 0, 'updated': 3, 'unchanged': 1, 'failed': 1, 'invalid': 1, 'not_found': 1, 'skipped': 0}


def run(tmp_path, org, check=False, **args):
    org.fake.org.foreign_emails.add('taken@elsewhere.example')
    return apply(tmp_path, org.fake, CSV, check=check, skip_invalid_rows=True, missing_users='skip',
                 report_path=str(tmp_path / 'report.csv'), failed_rows_path=str(tmp_path / 'failed.csv'), **args)


def report_rows(tmp_path):
    with open(tmp_path / 'report.csv', encoding='utf-8', newline='') as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize('which', ['all', 'changed', 'problems'])
def test_return_results_returns_its_rows_and_the_summary_report_and_failed_rows_cover_every_row(tmp_path, org, which):
    result = run(tmp_path, org, return_results=which, return_user_lines=True).result

    assert [r['username'] for r in result['results']] == RETURNED[which]
    # every row's line, the failed ones last, whatever was returned
    assert [line.split(':')[0] for line in result['user_lines']] == [
        'row 2 alice', 'row 3 bob', 'row 4 carol', 'row 7 ghost', 'row 8 abcdefabcdefabcdefabcdef', 'row 5 erin',
        'row 6 frank.o+1']
    assert result['user_lines'][0] == 'row 2 alice: updated: jobTitle'
    assert result['user_lines'][4] == 'row 8 abcdefabcdefabcdefabcdef: updated: group Finance added'
    if which == 'all':
        assert result['user_lines'] == user_lines(result['results'])
    assert all(r['status'] == STATUSES[r['username']] for r in result['results'])
    # the rows returned are whole results, as return_results: all gives them
    frank = next(r for r in result['results'] if r['username'] == 'frank.o+1')
    assert frank['failed'] and 'HTTP 409' in frank['msg'] and frank['row'] == 6

    # the summary, the report and the failed-rows file: every row, whatever was returned
    summary = result['summary']
    assert (summary['rows'], summary['changed'], summary['failed'], summary['by_status']) == (7, 3, 2, BY_STATUS)
    assert result['changed'] is True and result['failed'] is True
    rows = report_rows(tmp_path)
    assert [(r['row'], r['username'], r['status']) for r in rows] == [
        (str(n + 2), name, STATUSES[name]) for n, name in enumerate(ORDER)]
    assert rows[2]['changed_fields'] == 'jobTitle' and rows[6]['groups'] == 'Finance:added'
    failed = (tmp_path / 'failed.csv').read_text(encoding='utf-8').splitlines()
    assert [line.split(',')[0] for line in failed[1:]] == ['erin', 'frank.o+1']
    assert result['failed_rows'] == 2
    # the closing message counts every row of the file
    # the closing message names every failed row
    assert 'has 1 invalid row(s); the valid rows were applied' in result['msg']
    assert 'row 6 frank.o+1 (failed): update: Already Exists' in result['msg']
    # the state is the same whatever was returned
    assert (org.user('alice')['jobTitle'], org.user('carol')['jobTitle']) == ('Lead', 'Auditor')
    assert org.user('abcdefabcdefabcdefabcdef')['_id'] in org.members('Finance')


@pytest.mark.parametrize('which', ['all', 'changed', 'problems'])
def test_return_results_in_check_mode_counts_what_would_change(tmp_path, org, which):
    """Check mode: a row that would change is a changed row (frank's refusal is only known by writing)."""
    result = run(tmp_path, org, check=True, return_results=which).result
    returned = {'all': ORDER, 'changed': [u for u in ORDER if u != 'bob'], 'problems': ['erin', 'ghost']}[which]
    assert [r['username'] for r in result['results']] == returned
    assert result['summary']['by_status'] == {'would_create': 0, 'would_update': 4, 'unchanged': 1, 'failed': 0,
                                              'invalid': 1, 'not_found': 1, 'skipped': 0}
    assert result['summary']['rows'] == 7 and result['failed_rows'] == 1
    assert not (tmp_path / 'report.csv').exists()


def test_the_closing_message_and_the_warnings_cover_the_rows_not_returned(tmp_path, org):
    """problems returns only the failed row, yet the message counts every row of the file, and the warning of a
    row not returned is still a module warning."""
    org.fake.org.foreign_emails.add('taken@elsewhere.example')
    org.set_fields('alice', sudo=True)          # the user-level sudo flag: Administrator false is warned about
    text = 'Username,jobTitle,Email,SystemID,Administrator\nalice,Lead,,%s,false\nbob,,taken@elsewhere.example,,\n' % (
        org.system('host-b'))
    result = apply(tmp_path, org.fake, text, return_results='problems').result
    assert [r['username'] for r in result['results']] == ['bob']
    assert result['msg'].startswith('1 of 2 row(s) of %s failed:' % (tmp_path / 'users.csv'))
    assert [w for w in result['warnings'] if 'user-level sudo flag' in w] == [
        "%s:2:5: Administrator: is false, but user 'alice' has the user-level sudo flag, which makes it administrator "
        "on every device it is bound to: the binding is set without sudo, and the user stays administrator on "
        "host-b (%s)" % (tmp_path / 'users.csv', org.system('host-b'))]
    assert result['summary']['by_status']['updated'] == 1 and result['changed'] is True

    nothing_failed = apply(tmp_path, org.fake, 'Username,jobTitle\nalice,Lead\nbob,Clerk\n', check=True,
                           return_results='problems').result
    assert nothing_failed['results'] == [] and nothing_failed['msg'] == 'would update 1 user(s); 1 unchanged'


def test_an_unknown_return_results_value_is_refused_before_anything_is_read(tmp_path, org):
    result = apply(tmp_path, org.fake, 'Username,jobTitle\nalice,Lead\n', return_results='some').result
    assert result['failed'] and 'return_results' in result['msg'] and 'all, changed, problems' in result['msg']
    assert org.user('alice')['jobTitle'] == 'Engineer'


def test_the_report_is_the_same_whatever_is_returned(tmp_path, org):
    """The report of a problems run is byte for byte the report of an all run (the user ids aside, none here
    change: the second run finds every row as the first left it, so both runs are reruns)."""
    first = run(tmp_path, org, return_results='all')
    assert first.result['failed']
    reports = {}
    for which in ('all', 'problems'):
        run(tmp_path, org, return_results=which)
        reports[which] = (tmp_path / 'report.csv').read_bytes()
    assert reports['all'] == reports['problems']
    assert len(list(csv.reader(io.StringIO(reports['all'].decode('utf-8'))))) == 8
