# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Problems with the input (a file, a row, a cell), where they are and how they read."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class Problem:
    """One thing wrong with the input, where it is and what to do about it."""

    __slots__ = ('line', 'column', 'header', 'message', 'kind')

    def __init__(self, message, line=None, column=None, header=None, kind='invalid'):
        self.message = message
        self.line = line
        self.column = column
        self.header = header
        self.kind = kind          # 'invalid', or 'not_found' for a user that does not exist

    def location(self, path):
        where = path
        if self.line is not None:
            where += ':%d' % self.line
            if self.column is not None:
                where += ':%d' % self.column
        return where

    def format(self, path):
        text = '%s: ' % self.location(path)
        if self.header:
            text += '%s: ' % self.header
        return text + self.message

    def as_dict(self, path):
        return {'path': path, 'line': self.line, 'column': self.column, 'header': self.header,
                'message': self.message, 'text': self.format(path)}


def summarise(problems, path, limit=20):
    """A readable multi-line account of ``problems``, the first ``limit`` in full."""
    lines = [p.format(path) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append('... and %d more problem(s)' % (len(problems) - limit))
    return '\n'.join(lines)
