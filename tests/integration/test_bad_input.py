"""The bad-input corpus: every broken file or invalid cell gives one clear error, and nothing is written."""
import os

import pytest
import yaml

from testenv import ROOT
from inprocess import apply_csv
from playbook import fake_stats, reset_stats, run_play

pytestmark = pytest.mark.integration
CORPUS = os.path.join(ROOT, 'tests', 'data', 'bad_input')

with open(os.path.join(CORPUS, 'expected.yml'), encoding='utf-8') as _handle:
    EXPECTED = yaml.safe_load(_handle)


def test_the_corpus_is_complete():
    files = sorted(f for f in os.listdir(CORPUS) if f.endswith('.csv'))
    assert len(files) >= 40
    assert files == sorted(EXPECTED)
    assert os.path.getsize(os.path.join(CORPUS, 'one_megabyte_cell.csv')) > 1024 * 1024
    with open(os.path.join(CORPUS, 'ten_thousand_columns.csv'), encoding='utf-8') as handle:
        assert handle.readline().count(',') == 9999


# these also go through ansible-playbook, so that the controller's side of a failure is checked on every
# supported ansible-core: a file error without a line, an encoding error, a header error and a row error
# found only against JumpCloud (the rest of the corpus runs the module's own main() in this process)
THROUGH_ANSIBLE = ('empty.csv', 'header_only.csv', 'latin1_bytes.csv', 'unknown_user.csv')


def _assert_one_clear_error(name, result):
    expected = EXPECTED[name]
    path = os.path.join(CORPUS, name)
    assert result['failed'] is True and result.get('changed', False) is False, name
    errors = result['errors']
    assert [(e['line'], e['column'], e['message']) for e in errors] == \
        [(expected['line'], expected['column'], expected['message'])], name
    # the message names the file, and the line and column where there are
    where = path
    if expected['line'] is not None:
        where += ':%d' % expected['line']
        if expected['column'] is not None:
            where += ':%d' % expected['column']
    assert where in result['msg'] and 'nothing was written' in result['msg'], (name, result['msg'])


def test_every_bad_file_gives_one_clear_error_and_writes_nothing(org):
    reset_stats(org.fake)
    for name in sorted(EXPECTED):
        _assert_one_clear_error(name, apply_csv(org.fake, os.path.join(CORPUS, name)))
    stats = fake_stats(org.fake)
    assert stats['writes'] == 0, stats


@pytest.mark.smoke
def test_bad_files_through_ansible_playbook(tmp_path, org):
    files = [os.path.join(CORPUS, name) for name in THROUGH_ANSIBLE]
    out = tmp_path / 'results.json'
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'apply each bad file', 'jcops.jumpcloud.jc_users_from_csv': {'csv_path': '{{ item }}'},
             'loop': files, 'register': 'runs', 'ignore_errors': True},
            {'name': 'save', 'save_result': {'content': '{{ runs.results | to_json }}', 'dest': str(out)}},
        ],
    }]
    reset_stats(org.fake)
    run = run_play(tmp_path, org.fake, play, timeout=900)
    assert out.exists(), run.output
    assert 'Traceback' not in run.output
    results = dict((os.path.basename(r['item']), r) for r in run.result_from(out))
    assert sorted(results) == sorted(THROUGH_ANSIBLE)
    for name, result in results.items():
        assert result['changed'] is False, name
        # ansible-core 2.19 puts '(traceback unavailable)' in every failed result; a crash would show one
        assert 'Traceback' not in '%s' % result.get('exception', '') and 'module_stderr' not in result, name
        _assert_one_clear_error(name, result)
    stats = fake_stats(org.fake)
    assert stats['writes'] == 0, stats
