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
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _columns as columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv_safety import unescape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._problems import Problem

MAX_CELL = 131072   # the csv module's own field limit
MAX_COLUMNS = 1000  # far more than every column, 100 groups and 100 attribute pairs
DELIMITERS = (';', '\t', '|')


class Row:
    __slots__ = ('line', 'cells')

    def __init__(self, line, cells):
        self.line = line        # the physical line the row starts on (1 = header)
        self.cells = cells      # column index -> trimmed, unescaped value (blank cells left out)


class Table:
    """A read CSV: what each column means and the non-blank rows."""

    def __init__(self, path):
        self.path = path
        self.headers = []       # header text per column index
        self.meanings = {}      # column index -> lookup() result
        self.rows = []

    def column_number(self, index):
        return index + 1


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


def _read_header(table, cells, problems):
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
        meaning = columns.lookup(header)
        if meaning is None:
            problems.append(Problem('unknown column %r; did you mean %r?' % (header, columns.closest_header(header)),
                                    1, index + 1, header))
            continue
        key = (meaning[0], meaning[1].name if meaning[0] == 'column' else meaning[1])
        if key in seen:
            problems.append(Problem('column %r repeats column %d (%r)' % (header, seen[key] + 1, cells[seen[key]]),
                                    1, index + 1, header))
            continue
        seen[key] = index
        table.meanings[index] = meaning
    if ('column', 'Username') not in seen and not problems:
        problems.append(Problem('there is no Username column: it names the user each row updates', 1, None))


def read_csv(path, data=None):
    """Read ``path`` (or ``data`` bytes) into a :class:`Table`; return ``(table, problems)``."""
    table = Table(path)
    problems = []
    if data is None:
        try:
            with open(path, 'rb') as handle:
                data = handle.read()
        except (IOError, OSError) as exc:
            problems.append(Problem('cannot read the file: %s' % (exc.strerror or exc)))
            return table, problems
    text = _decode(data, problems)
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if line == 1:
                _read_header(table, cells, problems)
                if problems:
                    return table, problems
                continue
            _read_row(table, line, cells, problems)
    except csv.Error as exc:
        reason = '%s' % exc
        if 'field larger than field limit' in reason:
            reason = 'a cell is longer than %d characters' % MAX_CELL
        elif 'unexpected end of data' in reason or 'EOF' in reason:
            reason = 'a quoted cell is never closed (unbalanced quotes); it starts on this row'
        problems.append(Problem('the CSV cannot be parsed: %s' % reason, start))
        return table, problems
    if not table.headers:
        problems.append(Problem('the file is empty: it needs a header row naming at least Username'))
    elif not table.rows and not problems:
        problems.append(Problem('the file has a header but no user rows: there is nothing to apply', 2))
    return table, problems


def _read_row(table, line, cells, problems):
    values = {}
    for index, raw in enumerate(cells):
        value = raw.strip()
        if not value:
            continue
        if index >= len(table.headers):
            problems.append(Problem('this row has %d cells but the header has %d columns'
                                    % (len(cells), len(table.headers)), line, index + 1))
            return
        if index not in table.meanings:
            problems.append(Problem('this cell is under a column with no header', line, index + 1))
            continue
        values[index] = unescape_cell(value)
    if values or any(p.line == line for p in problems):
        table.rows.append(Row(line, values))
