"""Secrets: the API key and every Password cell appear in no result, diff, warning, error, report or
-vvv output, on success and on failure; the key travels only in the x-api-key header."""
import json

import pytest
import requests

from testenv import API_KEY
from playbook import fake_stats, reset_stats, run_module

pytestmark = pytest.mark.integration
MODULE = 'jcops.jumpcloud.jc_users_from_csv'
PASSWORDS = ['Pa55-word,with "quotes"', 'Zoë-très-secret-42', 'short-but-secret-77']


def secrets_in(text):
    return [s for s in [API_KEY] + PASSWORDS if s in text]


def write(tmp_path, text):
    path = tmp_path / 'users.csv'
    path.write_text(text, encoding='utf-8')
    return path


def test_no_secret_anywhere_on_success_failure_check_and_diff(tmp_path, org):
    # bob and carol succeed; alice is deleted before the first write, so her row fails at the API
    requests.post(org.fake.url + '/__fake__/config', json={'delete_before_first_write': [org.uid('alice')]},
                  timeout=10)
    path = write(tmp_path, 'Username,Password,jobTitle\nalice,"%s",Lead\nbob,"%s",Analyst\ncarol,%s,\n' % (
        PASSWORDS[0].replace('"', '""'), PASSWORDS[1], PASSWORDS[2]))
    report = tmp_path / 'report.csv'
    reset_stats(org.fake)
    check = run_module(tmp_path, org.fake, MODULE, dict(csv_path=str(path), report_path=str(report)), check=True,
                       diff=True, verbosity=3)
    real = run_module(tmp_path, org.fake, MODULE, dict(csv_path=str(path), report_path=str(report)), diff=True,
                      verbosity=3)
    assert check.result['summary']['by_status']['updated'] == 3
    assert real.result['failed'] and 'row 2 alice' in real.result['msg']
    assert real.result['summary']['by_status'] == dict(updated=2, unchanged=0, failed=1, invalid=0, not_found=0,
                                                       skipped=0)
    for run in (check, real):
        assert secrets_in(run.output) == []
        assert secrets_in(json.dumps(run.result)) == []
        assert '********' in json.dumps(run.result['diff'])                 # the password change, masked
    assert secrets_in(report.read_text(encoding='utf-8')) == []
    assert org.fake.org.password_sets[org.uid('bob')] == 1                  # and yet it was set
    assert fake_stats(org.fake)['key_seen_outside_header'] == []


def test_a_refused_key_is_not_echoed(tmp_path, org):
    wrong = 'wrong-key-0123456789abcdefghijklmnopqrstuv'
    path = write(tmp_path, 'Username,Password\nbob,%s\n' % PASSWORDS[1])
    run = run_module(tmp_path, org.fake, MODULE, dict(csv_path=str(path)), verbosity=3,
                     env={'JC_API_KEY': wrong})
    assert run.result['failed']
    assert 'HTTP 401' in run.result['msg'] and 'nothing was written' in run.result['msg']
    assert wrong not in run.output and wrong not in json.dumps(run.result)
    assert secrets_in(run.output) == []


def test_a_key_given_as_an_option_is_masked(tmp_path, org):
    path = write(tmp_path, 'Username,jobTitle\nbob,Analyst\n')
    reset_stats(org.fake)
    run = run_module(tmp_path, org.fake, MODULE, dict(csv_path=str(path), api_key=API_KEY), verbosity=3,
                     env={'JC_API_KEY': ''})
    assert not run.result.get('failed'), run.result.get('msg')
    assert API_KEY not in run.output and API_KEY not in json.dumps(run.result)
    assert fake_stats(org.fake)['key_seen_outside_header'] == []
