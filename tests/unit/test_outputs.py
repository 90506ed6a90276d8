"""An output path is checked before anything is written: a directory, a missing folder, a folder without
write permission."""
import os

from ansible_collections.jcops.jumpcloud.plugins.module_utils._outputs import output_path_problem


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
