"""The bad-input corpus: every broken file or invalid cell gives one clear error, and nothing is written."""
import os

import pytest
import yaml

from testenv import ROOT
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


def test_every_bad_file_gives_one_clear_error_and_writes_nothing(tmp_path, org):
    files = [os.path.join(CORPUS, name) for name in sorted(EXPECTED)]
    out = tmp_path / 'results.json'
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'apply each bad file', 'jcops.jumpcloud.jc_users_from_csv': {'csv_path': '{{ item }}'},
             'loop': files, 'register': 'runs', 'ignore_errors': True},
            {'name': 'save', 'ansible.builtin.copy': {'content': '{{ runs.results | to_json }}', 'dest': str(out)}},
        ],
    }]
    reset_stats(org.fake)
    run = run_play(tmp_path, org.fake, play, timeout=900)
    assert out.exists(), run.output
    assert 'Traceback' not in run.output
    results = dict((os.path.basename(r['item']), r) for r in run.result_from(out))
    assert sorted(results) == sorted(EXPECTED)
    for name, expected in EXPECTED.items():
        result = results[name]
        path = os.path.join(CORPUS, name)
        assert result['failed'] is True and result['changed'] is False, name
        # ansible-core 2.19 puts '(traceback unavailable)' in every failed result; a crash would show one
        assert 'Traceback' not in '%s' % result.get('exception', '') and 'module_stderr' not in result, name
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
    stats = fake_stats(org.fake)
    assert stats['writes'] == 0, stats
