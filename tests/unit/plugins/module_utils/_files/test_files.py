"""What the collection reads and writes as files: input type and size, cell limits, formula-safe CSV, atomic writes."""
import csv
import io
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest

from testenv import ROOT
from doubles import Directory
from module_main import run_main
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import flow as import_template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import report
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files import write
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell, unescape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.progress import Progress
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.render import render_csv
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import EMAIL_RE, parse_rows


def cell_problems(data):
    table, found = read_csv('u.csv', data)
    assert found == []
    return [(p.line, p.column, p.message) for d in parse_rows(table, '__CLEAR__') for p in d.problems]


def in_thread(func, *args, **kwargs):
    """``func``'s answer, or a failure (not a hung test) when it does not answer within 20 s."""
    answer = []
    worker = threading.Thread(target=lambda: answer.append(func(*args, **kwargs)), daemon=True)
    worker.start()
    worker.join(20)
    assert answer, '%s did not return within 20 s' % func.__name__
    return answer[0]


# --- input files -----------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / 'users.csv'
    os.mkfifo(str(fifo))
    try:
        table, found = in_thread(read_csv, str(fifo))
    finally:
        try:    # lets a reader blocked in open() go, should there be one
            os.close(os.open(str(fifo), os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert [(p.line, p.message) for p in found] == [
        (None, 'cannot read the file: it is a named pipe (FIFO), not a regular file')]


@pytest.mark.parametrize('path,kind', [('/dev/zero', 'a character device'), ('.', 'a directory')])
def test_devices_and_folders_are_refused(path, kind):
    table, found = in_thread(read_csv, path)
    assert [p.message for p in found] == ['cannot read the file: it is %s, not a regular file' % kind]


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / 'users.csv'
    link.symlink_to('/dev/zero')
    table, found = in_thread(read_csv, str(link))
    assert [p.message for p in found] == ['cannot read the file: it is a character device, not a regular file']


def test_a_file_over_max_size_is_refused_and_one_at_the_limit_is_read(tmp_path):
    path = tmp_path / 'users.csv'
    path.write_bytes(b'Username,jobTitle\nbob,' + b'x' * 100 + b'\n')
    size = path.stat().st_size
    table, found = read_csv(str(path), max_size=size - 1)
    assert [p.message for p in found] == [
        'the file is %d bytes, more than max_file_size (%d bytes); split it, or raise max_file_size' % (size, size - 1)]
    table, found = read_csv(str(path), max_size=size)
    assert found == [] and len(table.rows) == 1


def test_memory_stays_proportional_to_a_file_of_999_group_columns(tmp_path):
    header = 'Username,' + ','.join('Group%d' % n for n in range(1, 1000))
    body = ''.join('user%04d,%s\n' % (r, ','.join('g%d' % n for n in range(1, 1000))) for r in range(150))
    path = tmp_path / 'wide.csv'
    path.write_text(header + '\n' + body)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table, found = read_csv(str(path))
        rows = parse_rows(table, '__CLEAR__')
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [] and len(rows) == 150 and len(rows[0].groups) == 999
    assert rows[0].groups[998] == ('g999', 'Group999')
    assert peak < 10 * size, (peak, size)


# --- cells -------------------------------------------------------------------------------------------


def test_a_131_kb_email_cell_is_a_clear_cell_error_in_under_a_second():
    value = 'a@' + '.' * 131000 + '@'
    data = ('Username,Email,alternateEmail\nbob,%s,%s\n' % (value, 'b@' + 'x.' * 200 + 'x')).encode()
    started = time.monotonic()
    found = cell_problems(data)
    elapsed = time.monotonic() - started
    assert found == [(2, 2, 'is 131003 characters long; an email address has at most 254'),
                     (2, 3, 'is 403 characters long; an email address has at most 254')]
    assert elapsed < 1, elapsed


def test_the_email_pattern_is_linear_on_every_shape_of_254_characters():
    shapes = ['a@' + '.' * 252, 'a@' + 'b.' * 126, 'a' * 250 + '@b.', '@' * 254, 'a@b' + '.c' * 125 + ' ']
    started = time.monotonic()
    for text in shapes * 200:
        assert EMAIL_RE.fullmatch(text) is None
    assert time.monotonic() - started < 1
    assert EMAIL_RE.fullmatch('jane.doe+it@mail.example.co.uk')
    assert not EMAIL_RE.fullmatch('jane@example..com') and not EMAIL_RE.fullmatch('jane@.example.com')


@pytest.mark.parametrize('header,value,column,message', [
    ('unix_uid', '9' * 4401, 2, "'%s'... (4401 characters) is not a whole number from 1 to 4294967295" % ('9' * 60)),
    ('EnrollmentDays', '7' * 5000, 2, "'%s'... (5000 characters) is not a number of days from 1 to 365" % ('7' * 60)),
    ('unix_guid', '1' * 21, 2, "'%s' is not a whole number from 1 to 4294967295" % ('1' * 21)),
])
def test_huge_numbers_are_cell_errors(header, value, column, message):
    found = cell_problems(('Username,%s\nbob,%s\n' % (header, value)).encode())
    assert (2, column, message) in found


@pytest.mark.parametrize('header', ['Group' + '1' * 5000, 'Attribute' + '2' * 4400 + '_name', 'Group\uff11'])
def test_huge_or_non_ascii_column_numbers_are_header_errors(header):
    table, found = read_csv('u.csv', ('Username,%s\nbob,x\n' % header).encode())
    assert [(p.line, p.column) for p in found] == [(1, 2)]
    assert found[0].message.startswith('unknown column') and len(found[0].message) < 200


def test_a_long_username_is_one_length_error():
    found = cell_problems(('Username,jobTitle\n%s,x\n' % ('u' * 1025)).encode())
    assert found == [(2, 1, 'is 1025 characters long; JumpCloud allows at most 1024')]


def test_a_file_whose_first_line_names_no_column_is_not_echoed():
    secret = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkX.SERVICE-ACCOUNT-TOKEN.sig'
    for first in (secret, 'machine api.example.com login bob password hunter2', 'hunter2,s3cret'):
        table, found = read_csv('token', (first + '\n').encode())
        assert len(found) == 1 and found[0].line == 1
        text = found[0].format('token') + repr(found[0].as_dict('token'))
        assert 'is this the right file?' in text
        for word in first.replace(',', ' ').split():
            assert word not in text, text


def test_echoed_cells_are_cut_short():
    table, found = read_csv('u.csv', ('Username,jobTitle,%s\nbob,x,y\n' % ('z' * 5000)).encode())
    assert len(found) == 1 and len(found[0].format('u.csv')) < 300 and '(5000 characters)' in found[0].message
    found = cell_problems(('Username,sudo\nbob,%s\n' % ('m' * 100000)).encode())
    assert len(found) == 1 and len(found[0][2]) < 200


# --- formula safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize('value', ['\uff1dHYPERLINK("http://x")', '\uff0b1+1', '\uff0d1', '\uff20SUM(A1)', ' =1+1',
                                   '  +1', '\u3000=1', '\u00a0@x', "' =1", "'\uff1d1"])
def test_full_width_triggers_and_formulas_after_spaces_are_escaped_and_read_back(value):
    written = escape_cell(value)
    assert written.startswith("'") and unescape_cell(written) == value


@pytest.mark.parametrize('value', [' plain', "' plain", 'a\uff1db', '\u3000x'])
def test_values_that_are_no_formula_are_written_as_they_are(value):
    assert escape_cell(value) == value and unescape_cell(value) == value


def result(**fields):
    row = dict((c, None) for c in report.REPORT_COLUMNS)
    row.update(row=2, status='not_found', changed=False, failed=True, changed_fields=[], groups=[], msg='')
    row.update(fields)
    return row


def test_a_cr_inside_a_report_cell_is_quoted_and_cannot_start_a_row():
    results = [result(username="ghost\r=cmd|' /C calc'!A0", msg='a\nb\r\n=c')]
    text = report.render_report(results)
    rows = list(csv.reader(io.StringIO(text, newline='')))
    assert len(rows) == 2
    assert rows[1][1] == "ghost\r=cmd|' /C calc'!A0" and rows[1][10] == 'a\nb\r\n=c'
    # the line breaks are inside quoted cells: no spreadsheet starts a row, nor a cell, at the formula
    assert ',"ghost\r=cmd|' in text and ',"a\nb\r\n=c",,\r\n' in text


def test_every_report_cell_is_formula_safe_groups_included():
    results = [result(username='bob', status='updated', failed=False,
                      groups=[{'name': '=HYPERLINK("http://evil.example/g","grp")', 'status': 'added'},
                              {'name': 'group-001', 'status': 'added'}],
                      changed_fields=['-x'], system={'id': '+1', 'status': 'added'}, ldap={'name': '@a', 'status': 'x'})]
    row = list(csv.reader(io.StringIO(report.render_report(results), newline='')))[1]
    assert row[7] == '\'=HYPERLINK("http://evil.example/g","grp"):added;group-001:added'
    assert row[6] == "'-x" and row[8] == "'+1:added" and row[9] == "'@a:x"


def test_the_template_quotes_cr_and_lf_and_escapes_full_width_formulas():
    text = render_csv(['Username', 'jobTitle'], [['bob', 'a\rb'], ['erin', '\uff1d1+1'], ['ann', ' =2']])
    rows = list(csv.reader(io.StringIO(text[1:], newline='')))
    assert rows == [['Username', 'jobTitle'], ['bob', 'a\rb'], ['erin', "'\uff1d1+1"], ['ann', "' =2"]]


# --- write_atomic ------------------------------------------------------------------------------------


def test_write_atomic_never_sets_the_mode_through_a_swapped_in_symlink(tmp_path, monkeypatch):
    victim = tmp_path / 'victim'
    victim.write_text('secret')
    victim.chmod(0o600)
    target = tmp_path / 'report.csv'
    real_chmod = os.chmod

    def swap_then_chmod(path, mode, *args, **kwargs):
        # what another user of a shared folder can do between the write and a chmod by path
        os.unlink(path)
        os.symlink(str(victim), path)
        return real_chmod(path, mode, *args, **kwargs)
    monkeypatch.setattr(os, 'chmod', swap_then_chmod)
    write.write_atomic(str(target), 'row\r\n')
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b'row\r\n'


def test_write_atomic_syncs_the_data_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, 'fsync', lambda fd: (events.append(('fsync', stat.S_ISREG(os.fstat(fd).st_mode))),
                                                 real_fsync(fd)))
    monkeypatch.setattr(os, 'replace', lambda a, b: (events.append(('replace', True)), real_replace(a, b)))
    write.write_atomic(str(tmp_path / 'r.csv'), 'x')
    assert events[:2] == [('fsync', True), ('replace', True)]


def test_write_atomic_takes_a_name_of_255_bytes(tmp_path):
    target = tmp_path / ('r' * 251 + '.csv')
    write.write_atomic(str(target), 'x')
    assert target.read_text() == 'x' and os.listdir(str(tmp_path)) == [target.name]


def test_write_atomic_gives_the_data_no_wider_mode_than_wanted_from_the_first_byte(tmp_path, monkeypatch):
    """The mode is on the descriptor before any data: with the most permissive umask, no write ever lands in a
    file readable by others (a new file, and one rewritten with a narrower mode)."""
    seen = []
    real_fdopen = os.fdopen

    class Watched:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

        def write(self, text):
            seen.append(stat.S_IMODE(os.fstat(self.handle.fileno()).st_mode))
            return self.handle.write(text)

        def __getattr__(self, name):
            return getattr(self.handle, name)
    monkeypatch.setattr(os, 'fdopen', lambda *args, **kwargs: Watched(real_fdopen(*args, **kwargs)))
    old = os.umask(0)
    try:
        assert write.write_atomic(str(tmp_path / 'new.csv'), 'x' * 100) is None
        existing = tmp_path / 'old.csv'
        existing.write_text('y')
        existing.chmod(0o644)
        assert write.write_atomic(str(existing), 'z' * 100, mode='0600') == 0o644
    finally:
        os.umask(old)
    assert seen and set(seen) == {0o600}
    assert stat.S_IMODE((tmp_path / 'new.csv').stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600 and existing.read_text() == 'z' * 100


@pytest.mark.parametrize('mode,before,after', [
    (None, 0o640, 0o640), ('0640', 0o600, 0o640), (0o640, 0o600, 0o640), ('g+r', 0o600, 0o640),
    ('u=rw,go=', 0o644, 0o600), ('o-r', 0o644, 0o640),
])
def test_write_atomic_keeps_or_sets_the_mode_of_an_existing_file(tmp_path, mode, before, after):
    path = tmp_path / 'r.csv'
    path.write_text('old')
    path.chmod(before)
    assert write.write_atomic(str(path), 'new', mode=mode) == before
    assert stat.S_IMODE(path.stat().st_mode) == after and path.read_text() == 'new'


def test_write_atomic_falls_back_to_writing_in_place_only_with_unsafe_writes(tmp_path, monkeypatch):
    import errno

    def busy(src, dst):
        raise OSError(errno.EBUSY, 'Device or resource busy')
    monkeypatch.setattr(os, 'replace', busy)
    path = tmp_path / 'mounted.csv'
    path.write_text('old')
    with pytest.raises(OSError):
        write.write_atomic(str(path), 'new')
    assert path.read_text() == 'old' and os.listdir(str(tmp_path)) == ['mounted.csv']
    with pytest.raises(OSError):        # a file that may hold passwords is never written in place
        write.write_atomic(str(path), 'new', unsafe_writes=True, private=True)
    assert path.read_text() == 'old' and os.listdir(str(tmp_path)) == ['mounted.csv']
    write.write_atomic(str(path), 'new', unsafe_writes=True)
    assert path.read_text() == 'new' and os.listdir(str(tmp_path)) == ['mounted.csv']


# --- a file that may hold passwords (the failed rows) -----------------------------------------------------

OTHER_UID = 4242
as_root = pytest.mark.skipif(os.geteuid() != 0, reason='giving a file to another user needs root')


def test_a_private_file_takes_no_mode_and_no_earlier_mode(tmp_path):
    path = tmp_path / 'failed.csv'
    path.write_text('old')
    os.chmod(str(path), 0o644)
    assert write.write_atomic(str(path), 'new', mode='0644', private=True) is None
    assert path.read_text() == 'new' and stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600


@as_root
def test_a_private_file_planted_by_another_user_is_replaced_by_a_new_one_of_ours(tmp_path):
    """A placeholder someone else made (and kept a hard link to) is neither written into nor keeps its owner."""
    tmp_path.chmod(0o777)
    path, keep = tmp_path / 'failed.csv', tmp_path / '.keep'
    path.write_text('placeholder')
    os.chown(str(path), OTHER_UID, OTHER_UID)
    os.chmod(str(path), 0o600)
    os.link(str(path), str(keep))
    before = os.stat(str(path))
    write.write_atomic(str(path), 'Username,Password\r\nbob,S3cret\r\n', private=True)
    after = os.stat(str(path))
    assert (after.st_uid, stat.S_IMODE(after.st_mode)) == (os.getuid(), 0o600)
    assert after.st_ino != before.st_ino and keep.read_text() == 'placeholder'


def test_a_private_file_replaces_a_link_and_never_follows_it(tmp_path):
    target, path = tmp_path / 'elsewhere', tmp_path / 'failed.csv'
    target.write_text('keep')
    os.chmod(str(target), 0o644)
    path.symlink_to(target)
    write.write_atomic(str(path), 'new', private=True)
    assert target.read_text() == 'keep' and stat.S_IMODE(os.stat(str(target)).st_mode) == 0o644
    assert not path.is_symlink() and path.read_text() == 'new'


# --- the progress file ----------------------------------------------------------------------------------


def test_a_fifo_made_at_the_progress_path_neither_hangs_the_run_nor_is_written_into(tmp_path):
    path = tmp_path / 'report.csv.partial'
    progress = Progress(str(path))       # the path was checked when the run started; a FIFO appears since
    os.mkfifo(str(path))
    try:
        in_thread(progress.start)
    finally:
        try:    # lets an open() blocked on the FIFO go, should there be one
            os.close(os.open(str(path), os.O_RDONLY | os.O_NONBLOCK))
        except OSError:
            pass
    progress.add({'row': 2, 'username': 'bob'})
    progress.close()
    info = os.lstat(str(path))
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert path.read_text().splitlines()[1].startswith('2,bob,')


def test_a_file_or_hard_link_made_at_the_progress_path_is_not_written_into(tmp_path):
    path, keep = tmp_path / 'report.csv.partial', tmp_path / '.keep'
    progress = Progress(str(path))
    path.write_text('')
    os.chmod(str(path), 0o644)
    os.link(str(path), str(keep))
    progress.start()
    progress.add({'row': 2, 'username': 'bob'})
    progress.close()
    assert keep.read_text() == '' and 'bob' in path.read_text()
    assert os.stat(str(path)).st_ino != os.stat(str(keep)).st_ino
    assert (os.stat(str(path)).st_uid, stat.S_IMODE(os.stat(str(path)).st_mode)) == (os.getuid(), 0o600)


def test_the_progress_file_is_removed_only_while_it_is_ours(tmp_path):
    path = tmp_path / 'report.csv.partial'
    progress = Progress(str(path))
    progress.start()
    os.unlink(str(path))
    path.write_text('put there since')
    progress.remove()
    assert path.read_text() == 'put there since'
    progress = Progress(str(path))
    progress.start()
    progress.remove()
    assert not path.exists() and os.listdir(str(tmp_path)) == []


SIGTERM_CHILD = r'''
import os, sys
sys.path.insert(0, sys.argv[1])
import testenv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files import write
real_fsync = os.fsync
def stop_here(fd):
    os.write(1, b'writing\n')
    sys.stdin.read()            # waits here until the test is done (the signal comes first)
os.fsync = stop_here
write.write_atomic(sys.argv[2], 'x' * 1000)
'''


def test_sigterm_during_write_atomic_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / 'out'
    folder.mkdir()
    child = subprocess.Popen([sys.executable, '-c', SIGTERM_CHILD, os.path.join(ROOT, 'tests'), str(folder / 'r.csv')],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b'writing\n'
        assert len(os.listdir(str(folder))) == 1            # the temporary file, being written
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == -signal.SIGTERM          # the process still ends by the signal
    finally:
        if child.poll() is None:
            child.kill()
        child.stdin.close()
        child.stdout.close()
    assert os.listdir(str(folder)) == []


# --- jc_import_template's existing files -------------------------------------------------------------


def run_template(dest, client=None, **params):
    """The result jc_import_template's main() exits with, forced, with the diff, reading from ``client``."""
    return run_main(jc_import_template.main, dict(dict(dest=str(dest), force=True), **params), diff=True,
                    client=client or Directory())


@pytest.mark.parametrize('kind', ['symlink to a secret', 'symlink to /dev/zero', 'fifo', 'folder'])
def test_import_template_never_reads_or_replaces_what_is_not_a_regular_file(tmp_path, kind):
    secret = tmp_path / 'secret'
    secret.write_text('TOP-SECRET-CONTENT')
    target = tmp_path / 'out' / 'template.csv'
    target.parent.mkdir()
    if kind == 'symlink to a secret':
        target.symlink_to(secret)
    elif kind == 'symlink to /dev/zero':
        target.symlink_to('/dev/zero')
    elif kind == 'fifo':
        os.mkfifo(str(target))
    else:
        target.mkdir()
        target = target.parent / 'template.csv'
    if kind == 'folder':     # dest is the folder: the dated name is created inside it; a folder of that name is refused
        name = import_template.file_names('update', import_template.datetime.date.today())[0]
        (target.parent / name).mkdir()
    result = in_thread(run_template, target.parent if kind == 'folder' else target)
    assert result['failed'] is True and 'not a regular file' in result['msg'] and 'nothing was written' in result['msg']
    assert 'TOP-SECRET' not in repr(result) and 'diff' not in result
    if kind.startswith('symlink'):
        assert os.path.islink(str(target))


def test_import_template_checks_the_devices_file_before_writing_the_template(tmp_path, monkeypatch):
    today = import_template.datetime.date.today()
    name, systems_name = import_template.file_names('update', today)
    (tmp_path / systems_name).symlink_to('/dev/zero')
    client = Directory(systems=[{'_id': 'a' * 24, 'hostname': 'h'}])
    result = in_thread(run_template, tmp_path, client, systems=True)
    assert result['failed'] is True and systems_name in result['msg']
    assert not (tmp_path / name).exists()


def test_import_template_still_compares_a_regular_file(tmp_path):
    first = run_template(tmp_path / 't.csv')
    assert first['changed'] is True
    second = run_template(tmp_path / 't.csv')
    assert second['changed'] is False and second['diff'] == []
