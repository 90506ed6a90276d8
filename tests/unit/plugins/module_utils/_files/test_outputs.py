"""An output path is checked before anything is written: a directory, a missing folder, a folder without
write permission, and an output that is the input or another output (compared as files)."""
import os

from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import output_path_problem, same_file_problem


def test_a_writable_path_has_no_problem(tmp_path):
    assert output_path_problem(str(tmp_path / 'report.csv')) is None
    (tmp_path / 'report.csv').write_text('old')
    assert output_path_problem(str(tmp_path / 'report.csv')) is None


def test_a_directory_and_a_missing_folder(tmp_path):
    assert output_path_problem(str(tmp_path), 'report_path') == 'report_path %s is a directory, not a regular file; remove it or choose another path' % tmp_path
    assert output_path_problem(str(tmp_path / 'no' / 'r.csv')) == \
        'the folder of the output file (%s) does not exist' % (tmp_path / 'no')


def test_a_folder_without_write_permission(tmp_path, monkeypatch):
    # the tests may run as root, who may write anywhere: the permission check itself answers no
    asked = []
    monkeypatch.setattr(os, 'access', lambda path, mode: asked.append((path, mode)) and False)
    assert output_path_problem(str(tmp_path / 'r.csv'), 'report_path') == \
        'the folder of report_path (%s) is not writable' % tmp_path
    assert asked == [(str(tmp_path), os.W_OK | os.X_OK)]


def test_an_output_that_is_the_input_by_any_name_is_refused(tmp_path):
    source = tmp_path / 'users.csv'
    source.write_text('Username\nbob\n')
    os.link(str(source), str(tmp_path / 'hard.csv'))
    (tmp_path / 'soft.csv').symlink_to(source)
    (tmp_path / 'sub').mkdir()
    inputs = [('csv_path', str(source))]
    for name in ('users.csv', 'hard.csv', 'soft.csv', 'sub/../users.csv'):
        output = str(tmp_path / name)
        assert same_file_problem(inputs, [('report_path', output)]) == (
            'csv_path (%s) and report_path (%s) are the same file: an output may not replace the input; choose '
            'another path' % (source, output))
    assert same_file_problem(inputs, [('report_path', str(tmp_path / 'report.csv'))]) is None


def test_two_outputs_that_are_one_file_are_refused_even_before_it_exists(tmp_path):
    (tmp_path / 'here').symlink_to(tmp_path)
    inputs = [('csv_path', str(tmp_path / 'users.csv'))]
    report, failed = str(tmp_path / 'out.csv'), str(tmp_path / 'here' / 'out.csv')
    assert same_file_problem(inputs, [('report_path', report), ('failed_rows_path', failed)]) == (
        'report_path (%s) and failed_rows_path (%s) are the same file: two outputs may not share a file; choose '
        'another path' % (report, failed))
    assert same_file_problem(inputs, [('report_path', report), ('the progress file of report_path', report)])
    assert same_file_problem(inputs, [('report_path', report), ('failed_rows_path', report + '.x')]) is None
