"""The opt-in live suite (``make live-test``) runs against a fake JumpCloud on loopback through
JC_LIVE_API_URL, so that its code path is tested without a real organisation."""
import copy
import os
import subprocess
import sys

import pytest

from testenv import API_KEY, ROOT
from fake_jumpcloud.seed import generate_org

SUITE = os.path.join(ROOT, 'tests', 'live', 'live_check.py')
pytestmark = pytest.mark.integration


def run_suite(env):
    clean = dict((k, v) for k, v in os.environ.items() if not k.startswith('JC_LIVE_'))
    clean.update(env)
    return subprocess.run([sys.executable, SUITE], env=clean, capture_output=True, text=True, timeout=600, check=False)


def test_without_a_key_it_says_so_in_one_line_and_succeeds():
    done = run_suite({})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        'live-test skipped: set JC_LIVE_API_KEY, JC_LIVE_USER, JC_LIVE_GROUP, JC_LIVE_SYSTEM_ID to run it '
        'against a sandbox JumpCloud organisation']


def sandbox(fake):
    state = fake.org.snapshot()
    user = next(u for u in state['users'] if u['username'] == 'user00005')
    group = next(g for g in state['groups'] if g['name'] == 'group-002')
    system = next(s for s in state['systems'] if s['hostname'] == 'host-0004')
    return user, group, system, state


def test_the_live_suite_passes_against_the_fake_and_restores_the_sandbox(fake_factory):
    # more than 1000 users, so that the search-limit probe sees a full page of 1000
    fake = fake_factory(generate_org(users=1200, groups=3, systems=4))
    user, group, system, before = sandbox(fake)
    assert user['id'] not in group['members'] and user['id'] not in before['system_users'][system['id']]
    done = run_suite({'JC_LIVE_API_KEY': API_KEY, 'JC_LIVE_USER': 'user00005', 'JC_LIVE_GROUP': 'group-002',
                      'JC_LIVE_SYSTEM_ID': system['id'], 'JC_LIVE_API_URL': fake.url, 'JC_LIVE_MFA': '1',
                      'JC_LIVE_ACTIVATE': '1'})
    output = done.stdout
    assert done.returncode == 0, output + done.stderr
    assert 'FAILED' not in output and output.strip().endswith('live-test: every check passed')
    verified = [line for line in output.splitlines() if line.startswith('VERIFIED')]
    for text in ('a prefilled template of every user is written', 'check mode reports the change',
                 'the apply updates the user', 'the user reads back with every written value',
                 'the device binding carries sudo enabled', 'a second run of the same file sends no write (0 writes',
                 'the clear token is accepted', 'the three fields read back empty', 'clearing again sends no write',
                 'a search with limit 1000 answers min(1000, totalCount) = 1000 results',
                 'the user, its group membership and its device binding are restored'):
        assert any(text in line for line in verified), text
    for row in ('search paging', 'search limit over 1000', 'listing limit over 100', 'x-total-count',
                '409 on association add', 'user PUT conflict', 'eventual consistency', 'MFA body',
                'address/phone ids', 'passwordless sudo binding', 'suspended after a state PUT',
                'users/{id}/systems paths', 'activate endpoint', '429'):
        assert 'OBSERVED  [%s]' % row in output, row
    # the fake's bulk results name their user in persistedFields.id, as the probe reports it
    assert "OBSERVED  [bulk result shape] the job answer: ['jobId'] (as documented)" in output, output
    assert any(line.startswith('OBSERVED  [bulk result shape] 1 result(s)') and
               "the user id is at ['persistedFields.id'] (as documented)" in line for line in output.splitlines())
    assert 'limit 1001: HTTP 400 Bad Request: request parameter "limit" exceeds maximum value of 1000 (as documented)' \
        in output
    assert API_KEY not in output + done.stderr
    assert "reads state='SUSPENDED', suspended=False" in output           # the fake derives neither from the other
    assert "the user reads state='ACTIVATED', activated=True, suspended=False (as documented)" in output
    assert not [u for u in fake.org.users.values() if u['username'].startswith('jcops-live-')]   # deleted again

    # the sandbox is as it was: the same field values, no group membership, no device binding
    after_user, after_group, dummy, after = sandbox(fake)
    assert user['id'] not in after_group['members'] and user['id'] not in after['system_users'][system['id']]
    untouched = copy.deepcopy(user)
    for key in ('addresses', 'phoneNumbers'):
        for entry in untouched[key] + after_user[key]:
            entry.pop('id', None)
    for key in ('recoveryEmail', 'mfa'):
        untouched.pop(key, None)
        after_user.pop(key, None)
    assert after_user == untouched
    # the other users were not written to
    others = dict((u['id'], u) for u in before['users'] if u['id'] != user['id'])
    assert all(others[u['id']] == u for u in after['users'] if u['id'] != user['id'])
