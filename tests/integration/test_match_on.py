"""match_on: rows that find their users by email, employeeIdentifier or a custom attribute (match_attribute)
instead of the username, against the fake: update, check mode, rerun, create, the key's errors, and the
request counts of a large file."""
import copy

import pytest

from fake_jumpcloud.seed import generate_org
from helpers import apply
from org import SEED, Org
from playbook import fake_stats, reset_stats, run_playbook

pytestmark = pytest.mark.integration

# each user's keys in the organisation of these tests (set up by keyed_org)
KEYS = {'alice': ('alice@example.com', 'E1', 'W1'), 'bob': ('bob@example.com', 'E2', 'W2'),
        'carol': ('carol@example.com', 'E3', 'W3')}
# how a row gives each key: the header and the cell (an email in another case, an attribute name in another)
KINDS = {
    'email': ('Email', lambda user: KEYS[user][0].upper(), {}),
    'employeeIdentifier': ('employeeIdentifier', lambda user: KEYS[user][1].lower(), {}),
    'attribute': ('Attribute1_name,Attribute1_value', lambda user: 'workdayID,' + KEYS[user][2],
                  {'match_attribute': 'WorkdayID'}),
}


@pytest.fixture
def keyed_org(fake_factory):
    seed = copy.deepcopy(SEED)
    for user in seed['users']:
        if user['username'] in KEYS:
            user['employeeIdentifier'] = KEYS[user['username']][1]
            user['attributes'] = list(user.get('attributes') or []) + [
                {'name': 'WorkdayID', 'value': KEYS[user['username']][2]}]
    return Org(fake_factory(seed))


def _rows(kind, lines):
    header, cell, _ = KINDS[kind]
    text = 'Username,jobTitle,%s\n' % header
    for username, user, title in lines:
        text += '%s,%s,%s\n' % (username, title, cell(user))
    return text


def _args(kind, **extra):
    return dict(KINDS[kind][2], match_on=kind, **extra)


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_a_key_finds_each_user_and_is_never_written_then_a_rerun_writes_nothing(tmp_path, keyed_org, kind):
    org = keyed_org
    before = {u: org.user(u) for u in KEYS}
    # alice by her key alone; bob by his key with his username given too
    csv = _rows(kind, [('', 'alice', 'Staff Engineer'), ('bob', 'bob', 'Analyst')])

    check = apply(tmp_path, org.fake, csv, check=True, diff=True, **_args(kind))
    assert check.stats['writes'] == 0, check.result
    assert [(r['username'], r['status'], r['changed_fields']) for r in check.result['results']] == [
        ('alice', 'would_update', ['jobTitle']), ('bob', 'would_update', ['jobTitle'])]
    key = check.result['results'][0]['match_key']
    assert key == {'name': 'WorkdayID' if kind == 'attribute' else kind,
                   'value': KINDS[kind][1]('alice').split(',')[-1]}
    # the diff names the user by username and by the key
    assert check.result['diff'][0]['before_header'].startswith('alice (%s %s, row 2, id ' % (key['name'], key['value']))
    assert org.user('alice') == before['alice']

    run = apply(tmp_path, org.fake, csv, **_args(kind, report_path=str(tmp_path / 'report.csv')))
    assert run.result['changed'] is True and run.stats['writes'] == 2
    assert [(r['username'], r['status'], r['changed_fields']) for r in run.result['results']] == [
        ('alice', 'updated', ['jobTitle']), ('bob', 'updated', ['jobTitle'])]
    alice = org.user('alice')
    assert alice['jobTitle'] == 'Staff Engineer'
    # the key cell is never written: the email keeps its case, the attribute its name
    assert (alice['email'], alice['employeeIdentifier'], alice['attributes']) == \
        (before['alice']['email'], before['alice']['employeeIdentifier'], before['alice']['attributes'])
    report = (tmp_path / 'report.csv').read_text().splitlines()
    assert report[0].endswith(',match_key') and report[1].endswith(',%s=%s' % (key['name'], key['value']))

    again = apply(tmp_path, org.fake, csv, **_args(kind))
    assert again.stats['writes'] == 0
    assert [r['status'] for r in again.result['results']] == ['unchanged', 'unchanged']


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_a_key_no_user_holds_creates_the_user_with_missing_users_create(tmp_path, keyed_org, kind):
    org = keyed_org
    header, _, args = KINDS[kind]
    new_key = {'email': 'Nina@Example.com', 'employeeIdentifier': 'E9', 'attribute': 'workdayID,W9'}[kind]
    extra = '' if kind == 'email' else ',nina@example.com'
    csv = 'Username,FirstName,LastName,%s%s\nnina,Nina,Novak,%s%s\n' % (header, ',Email' if extra else '', new_key, extra)
    check = apply(tmp_path, org.fake, csv, check=True, missing_users='create', **_args(kind))
    assert check.stats['writes'] == 0 and check.result['results'][0]['status'] == 'would_create'
    run = apply(tmp_path, org.fake, csv, missing_users='create', **_args(kind))
    assert run.result['results'][0]['status'] == 'created', run.result
    nina = org.user('nina')
    held = {'email': nina['email'], 'employeeIdentifier': nina.get('employeeIdentifier'),
            'attribute': ','.join(['workdayID', (nina.get('attributes') or [{}])[0].get('value', '')])}[kind]
    assert held.lower() == new_key.lower()
    # the rerun finds her by the key: nothing to write
    again = apply(tmp_path, org.fake, csv, missing_users='create', **_args(kind))
    assert again.stats['writes'] == 0 and again.result['results'][0]['status'] == 'unchanged'
    # without Username, a user to create cannot be named
    other_key = {'email': 'Nora@Example.com', 'employeeIdentifier': 'E8', 'attribute': 'workdayID,W8'}[kind]
    nameless = csv.replace('\nnina,', '\n,').replace(new_key, other_key).replace(',nina@', ',nora@')
    refused = apply(tmp_path, org.fake, nameless, missing_users='create', **_args(kind))
    assert refused.stats['writes'] == 0 and refused.result['failed'] is True
    assert 'Username: is empty; creating the user with ' in refused.result['msg']


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_a_blank_or_repeated_key_or_another_username_is_a_cell_error_and_nothing_is_written(tmp_path, keyed_org, kind):
    org = keyed_org
    header, cell, _ = KINDS[kind]
    blanks = ',' * header.count(',')
    csv = 'Username,jobTitle,%s\n' % header + \
        ',Boss,%s\n' % cell('alice') + \
        'bob,Boss,%s\n' % blanks + \
        ',Boss,%s\n' % cell('alice') + \
        'alice,Boss,%s\n' % cell('carol')
    run = apply(tmp_path, org.fake, csv, **_args(kind))
    assert run.result['failed'] is True and run.stats['writes'] == 0
    results = run.result['results']
    assert [r['status'] for r in results] == ['skipped', 'invalid', 'invalid', 'invalid'], results
    name = 'WorkdayID' if kind == 'attribute' else kind
    column = {'email': 3, 'employeeIdentifier': 3, 'attribute': None}[kind]
    assert 'users.csv:3%s: %s: %s is empty: with match_on %s it finds' % (
        '' if column is None else ':%d' % column, 'Email' if kind == 'email' else name, name, kind) in results[1]['msg']
    assert ' is also ' in results[2]['msg'] and 'line 2' in results[2]['msg']
    assert "Username: is 'alice', but the user whose %s is " % name in results[3]['msg']
    assert "is 'carol': renaming a user is not supported" in results[3]['msg']
    # results and lines name each user by the key
    assert results[2]['match_key']['name'] == name and results[2]['username'] is None


def test_two_keys_that_differ_only_by_case_find_one_user_once(tmp_path, keyed_org):
    run = apply(tmp_path, keyed_org.fake, 'employeeIdentifier,jobTitle\nE1,Boss\ne1,Chief\n',
                match_on='employeeIdentifier')
    assert run.result['failed'] is True and run.stats['writes'] == 0
    assert "employeeIdentifier 'e1' finds user 'alice', already updated by line 2" in run.result['results'][1]['msg']


@pytest.mark.parametrize('kind', ['employeeIdentifier', 'attribute'])
def test_a_key_several_users_hold_is_an_error_on_its_cell(tmp_path, keyed_org, kind):
    org = keyed_org
    with org.fake.org.lock:     # two users holding one key (JumpCloud refuses a second employeeIdentifier on write)
        bob = next(u for u in org.fake.org.users.values() if u['username'] == 'bob')
        bob['employeeIdentifier'] = 'E1'
        bob['attributes'] = [{'name': 'WorkdayID', 'value': 'W1'}]
    run = apply(tmp_path, org.fake, _rows(kind, [('', 'alice', 'Boss'), ('carol', 'carol', 'Boss')]), **_args(kind))
    assert run.result['failed'] is True and run.stats['writes'] == 0
    first = run.result['results'][0]
    assert first['status'] == 'invalid'
    assert "'alice', 'bob'" in first['msg'] and 'it must name one user' in first['msg']
    assert run.result['results'][1]['status'] == 'skipped'


def test_match_attribute_is_required_with_attribute_and_refused_otherwise(tmp_path, keyed_org):
    csv = 'Username,jobTitle\nalice,Boss\n'
    missing = apply(tmp_path, keyed_org.fake, csv, match_on='attribute')
    assert missing.result['failed'] and 'match_attribute' in missing.result['msg']
    stray = apply(tmp_path, keyed_org.fake, csv, match_attribute='WorkdayID')
    assert stray.result['failed'] and 'match_attribute is only for match_on: attribute' in stray.result['msg']
    assert missing.stats['reads'] == stray.stats['reads'] == 0


ROWS = 1000


@pytest.fixture(scope='module')
def big_seed():
    seed = generate_org(users=2000, groups=5, systems=5)
    for n, user in enumerate(seed['users']):
        user['attributes'].append({'name': 'WorkdayID', 'value': 'W%06d' % n})
    return seed


def test_request_counts_for_1000_rows_stay_within_10_percent_of_match_on_username(tmp_path, fake_factory, big_seed):
    counts = {}
    for kind in ('username', 'email', 'employeeIdentifier', 'attribute'):
        org = Org(fake_factory(copy.deepcopy(big_seed)))
        lines = ['Username,jobTitle,Email,employeeIdentifier,Attribute1_name,Attribute1_value']
        for n, user in enumerate(big_seed['users'][:ROWS]):
            username = user['username'] if kind == 'username' else ''
            lines.append('%s,Title %d,%s,%s,WorkdayID,W%06d' % (username, n, user['email'], user['employeeIdentifier'], n))
        csv = '\n'.join(lines) + '\n'
        args = {} if kind == 'username' else dict(match_on=kind)
        if kind == 'attribute':
            args['match_attribute'] = 'WorkdayID'
        (tmp_path / kind).mkdir()
        first = apply(tmp_path / kind, org.fake, csv, **args)
        assert first.result['summary']['by_status']['updated'] == ROWS, first.result['msg']
        rerun = apply(tmp_path / kind, org.fake, csv, **args)
        assert rerun.stats['writes'] == 0
        counts[kind] = (first.stats['reads'] + first.stats['writes'], rerun.stats['reads'])
    base_first, base_rerun = counts['username']
    assert base_first == ROWS + base_rerun        # a PUT a row
    for kind, (total, rerun_reads) in counts.items():
        assert abs(total - base_first) <= 0.1 * base_first, counts
        assert rerun_reads <= 1.1 * base_rerun, counts
    # the same searches, 100 keys a request, for the email and the employeeIdentifier
    assert counts['email'] == counts['employeeIdentifier'] == counts['username'], counts
    # the attribute lists the 2000 users: 2 pages of 1000, fewer than 10 searches
    assert counts['attribute'][1] == base_rerun - 10 + 2, counts


def test_the_role_passes_match_on_and_the_items_to_the_preview_and_the_update(tmp_path, keyed_org):
    org = keyed_org
    items = [{'Attribute1_name': 'WorkdayID', 'Attribute1_value': 'W1', 'jobTitle': 'Role Engineer'},
             {'Username': 'bob', 'Attribute1_name': 'WorkdayID', 'Attribute1_value': 'W2', 'jobTitle': 'Role Analyst'}]
    reset_stats(org.fake)
    run = run_playbook(tmp_path, org.fake, 'jcops.jumpcloud.update_users', dict(
        users_csv_users=items, users_csv_match_on='attribute', users_csv_match_attribute='WorkdayID',
        users_csv_confirm=True))
    assert run.rc == 0, run.output
    # the preview found the users by the key (no Username in the first item), then the update wrote them
    assert 'row 0 alice WorkdayID=W1: would update: jobTitle' in run.stdout
    assert 'row 1 bob WorkdayID=W2: updated: jobTitle' in run.stdout
    assert (org.user('alice')['jobTitle'], org.user('bob')['jobTitle']) == ('Role Engineer', 'Role Analyst')
    assert fake_stats(org.fake)['writes'] == 2
