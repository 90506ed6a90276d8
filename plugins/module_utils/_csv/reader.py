# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Read the update CSV: decoding, the CSV grammar and the header row.

Nothing here knows JumpCloud; it turns a file into rows of trimmed cells that
each know their line and column, or into problems that say where the file is
broken.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import errno
import os
import re
import stat

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import unescape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.problems import shown
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import not_a_regular_file

MAX_CELL = 131072   # the csv module's own field limit
MAX_COLUMNS = 1000  # far more than every column, 100 groups and 100 attribute pairs
DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024
DELIMITERS = (';', '\t', '|')
_INDEXES = tuple(range(MAX_COLUMNS))   # one int object per column number, shared by every row
_LINE_RE = re.compile(r'[^\r\n]*(?:\r\n?|\n)|[^\r\n]+')   # a line and its CR, LF or CRLF ending


class Row:
    __slots__ = ('line', 'values')

    def __init__(self, line, values):
        self.line = line        # the physical line the row starts on (1 = header)
        self.values = values    # flat tuple: column index, trimmed unescaped value, ... (blank cells left out)

    def items(self):
        """``(column index, value)`` of each non-blank cell, in column order."""
        values = self.values
        return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]

    @property
    def cells(self):
        """Column index -> value of the non-blank cells."""
        return dict(self.items())


class Table:
    """A read CSV: what each column means and the non-blank rows."""

    def __init__(self):
        self.headers = []       # header text per column index
        self.meanings = {}      # column index -> lookup() result
        self.rows = []
        self.ignored = set()    # column indexes of the ignored headers (jc_error), whose cells are skipped
        self.bom = False        # the file starts with a UTF-8 byte order mark
        self.newline = '\n'     # the line ending of the header row


def _decode(data, problems):
    if not data.strip():
        problems.append(Problem('the file is empty: it needs a header row naming at least Username'))
        return None
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        problems.append(Problem('the file is UTF-16; save it as "CSV UTF-8"', 1, 1))
        return None
    if b'\x00' in data:
        offset = data.index(b'\x00')
        problems.append(Problem('this is not a text CSV file (binary content: a NUL byte)', *_position(data, offset)))
        return None
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        problems.append(Problem(
            'the file is not UTF-8 (byte 0x%02X); save it as "CSV UTF-8" (Latin-1 or Windows-1252 exports '
            'are the usual cause)' % data[exc.start], line, column))
        return None


def _position(data, offset):
    line = data.count(b'\n', 0, offset) + 1
    start = data.rfind(b'\n', 0, offset) + 1
    return line, len(data[start:offset].decode('utf-8', 'replace')) + 1


def _read_header(table, cells, problems, require_username=True):
    table.headers = cells
    seen = {}
    if len(cells) > MAX_COLUMNS:
        problems.append(Problem('the header has %d columns; a users CSV has at most %d (is this the right file?)'
                                % (len(cells), MAX_COLUMNS), 1, MAX_COLUMNS + 1))
        return
    if len(cells) == 1:
        for delimiter in DELIMITERS:
            if delimiter in cells[0]:
                problems.append(Problem(
                    'the header is a single column containing %r: the file must be comma-separated'
                    % delimiter, 1, 1))
                return
    for index, raw in enumerate(cells):
        header = raw.strip()
        if not header:
            continue        # a blank header is a problem only if its column has data
        if columns.is_ignored_header(header):
            table.ignored.add(index)
            continue
        meaning = columns.lookup(header)
        if meaning is None:
            problems.append(Problem('unknown column %s; did you mean %r?' % (shown(header), columns.closest_header(header)),
                                    1, index + 1, shown(header, quote=False)))
            continue
        key = (meaning[0], meaning[1].name if meaning[0] == 'column' else meaning[1])
        if key in seen:
            problems.append(Problem('column %s repeats column %d (%s)' % (shown(header), seen[key] + 1, shown(cells[seen[key]])),
                                    1, index + 1, shown(header, quote=False)))
            continue
        seen[key] = index
        table.meanings[index] = meaning
    if not seen and problems:
        # nothing on the first line is a column this module knows: do not echo a file that is no users CSV
        del problems[:]
        problems.append(Problem('the first line names no column of a users CSV (it must be the header row, with at '
                                'least Username): is this the right file?', 1, None))
        return
    if require_username and ('column', 'Username') not in seen and not problems:
        problems.append(Problem('there is no Username column: it names the user each row updates', 1, None))


def _kind(mode):
    for test, name in ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a named pipe (FIFO)'),
                       (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'),
                       (stat.S_ISSOCK, 'a socket')):
        if test(mode):
            return name
    return None


def read_file(path, max_size):
    """The bytes of the regular file ``path``, at most ``max_size`` of them; or a :class:`Problem`.

    The file is opened without blocking (a FIFO would wait for a writer) and its type and size are
    checked on the open descriptor, so what is read is what was checked.
    """
    flags = os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_NOCTTY', 0) | getattr(os, 'O_CLOEXEC', 0)
    try:
        fd = os.open(path, flags)
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENXIO:    # a socket, or a FIFO on some systems
            return Problem('cannot read the file: %s' % not_a_regular_file('it'))
        return Problem('cannot read the file: %s' % (exc.strerror or exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem('cannot read the file: %s' % not_a_regular_file('it', _kind(info.st_mode)))
        if info.st_size > max_size:
            return Problem('the file is %d bytes, more than max_file_size (%d bytes); split it, or raise max_file_size'
                           % (info.st_size, max_size))
        chunks = []
        left = max_size + 1         # the file may grow after the check
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            return Problem('the file is more than max_file_size (%d bytes); split it, or raise max_file_size'
                           % max_size)
        return b''.join(chunks)
    except (IOError, OSError) as exc:
        return Problem('cannot read the file: %s' % (exc.strerror or exc))
    finally:
        os.close(fd)


def read_csv(path, data=None, max_size=DEFAULT_MAX_FILE_SIZE, require_username=True):
    """Read ``path`` (or ``data`` bytes) into a :class:`Table`; return ``(table, problems)``.

    ``path`` must be a regular file of at most ``max_size`` bytes. Without ``require_username`` (rows found by
    another key) the file may have no Username column.
    """
    table = Table()
    problems = []
    if data is None:
        data = read_file(path, max_size)
        if isinstance(data, Problem):
            problems.append(data)
            return table, problems
    text = _decode(data, problems)
    table.bom = data.startswith(b'\xef\xbb\xbf')
    data = None
    if text is None:
        return table, problems
    first = _LINE_RE.match(text)
    if first is not None and first.group().endswith(('\r', '\n')):
        table.newline = first.group()[len(first.group().rstrip('\r\n')):]
    reader = csv.reader(_lines(text), strict=True)
    text = None
    try:
        cells = next(reader, None)
    except csv.Error as exc:
        problems.append(_unparsable(exc, 1))
        return table, problems
    if cells is None:
        problems.append(Problem('the file is empty: it needs a header row naming at least Username'))
        return table, problems
    _read_header(table, cells, problems, require_username)
    if problems:
        return table, problems
    table.rows = list(_rows(table, reader, problems))
    return table, problems


def _rows(table, reader, problems):
    """Each row of ``reader`` after the header, read as it is taken; the problems of the rows, and of the file's
    end, added to ``problems`` on the way."""
    start = reader.line_num + 1
    shared = SharedValues()
    count = 0
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            row = _read_row(table, line, cells, problems, shared)
            if row is not None:
                count += 1
                yield row
    except csv.Error as exc:
        problems.append(_unparsable(exc, start))
        return
    if not count and not problems:
        problems.append(Problem('the file has a header but no user rows: there is nothing to apply', 2))


def _unparsable(exc, line):
    reason = '%s' % exc
    if 'field larger than field limit' in reason:
        reason = 'a cell is longer than %d characters' % MAX_CELL
    elif 'unexpected end of data' in reason or 'EOF' in reason:
        reason = 'a quoted cell is never closed (unbalanced quotes); it starts on this row'
    return Problem('the CSV cannot be parsed: %s' % reason, line)


class SharedValues:
    """One object per distinct value of a column whose values repeat (a department, a group, a device): stored
    once however many rows hold it. A column whose values do not repeat (a username) is no longer looked up once
    it has shown ``LIMIT`` distinct values: its lookup would hold every value of the file a second time."""

    LIMIT = 5000

    def __init__(self):
        self.columns = {}       # column index -> {value: value}, or None once the column gave up

    def get(self, index, value):
        seen = self.columns.get(index, ())
        if seen is None:
            return value
        if seen == ():
            seen = self.columns[index] = {}
        value = seen.setdefault(value, value)
        if len(seen) > self.LIMIT:
            self.columns[index] = None
        return value


def _lines(text):
    """The lines of ``text``, each with its ending, one at a time (no copy of the whole text)."""
    for match in _LINE_RE.finditer(text):
        yield match.group()


def _read_row(table, line, cells, problems, shared):
    values = []
    for index, raw in enumerate(cells):
        value = raw.strip()
        if not value:
            continue
        if index >= len(table.headers):
            problems.append(Problem('this row has %d cells but the header has %d columns'
                                    % (len(cells), len(table.headers)), line, index + 1))
            return
        if index in table.ignored:
            continue
        if index not in table.meanings:
            problems.append(Problem('this cell is under a column with no header', line, index + 1))
            continue
        value = unescape_cell(value)
        values.append(_INDEXES[index])
        values.append(shared.get(index, value))
    if values or any(p.line == line for p in problems):
        return Row(line, tuple(values))
    return None
