# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The failed-rows file: the rows that failed or were invalid, in the input's own format, to fix and rerun.

The valid rows that were not applied because others were invalid (``skipped``) are in it too: everything
that still has to be applied is in the file, so that applying it, once fixed, leaves nothing behind.

The file has the input's header and columns in their order, its byte order mark and line ending, and the
cells of each failed row as the reader read them (written formula-safe, so that reading the file back gives
the same values), plus a ``jc_error`` column at the end saying why the row failed. The reader skips a
``jc_error`` column, so the fixed file can be applied as it is.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import csv
import io

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.columns import IGNORED_HEADERS
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.safety import escape_cell
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.statuses import SKIPPED

ERROR_COLUMN = IGNORED_HEADERS[0]


class FailedRows:
    """What of a read table the failed-rows file needs: the header, the dialect and every row's cells."""

    def __init__(self, table):
        self.headers = list(table.headers)
        self.columns = [i for i in range(len(table.headers)) if i not in table.ignored]
        self.bom = table.bom
        self.newline = table.newline
        self.rows = dict((row.line, row) for row in table.rows)

    def _line(self, cells):
        # CRLF makes the csv module quote every cell holding a CR or an LF; the input's own line ending is
        # put in its place afterwards
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator='\r\n').writerow(cells)
        return buffer.getvalue()[:-2] + self.newline

    def selected(self, results):
        """The results of the rows the file holds: those that failed, were invalid or were skipped."""
        return [r for r in results if (r.get('failed') or r.get('status') == SKIPPED) and r.get('row') in self.rows]

    def render(self, results):
        """The file's text for the rows of ``results`` that failed or were skipped, in file order; None when there
        are none."""
        failed = self.selected(results)
        if not failed:
            return None
        lines = [self._line([self.headers[i] for i in self.columns] + [ERROR_COLUMN])]
        for result in failed:
            cells = self.rows[result['row']].cells
            lines.append(self._line([escape_cell(cells.get(i, '')) for i in self.columns] +
                                    [escape_cell(result.get('msg') or result.get('status') or '')]))
        return ('\ufeff' if self.bom else '') + ''.join(lines)
