# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Cells a spreadsheet would run as a formula, written so it does not, and read back as they were.

A value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
written with a leading apostrophe, which spreadsheets show as text. So that the
round trip is exact, a value that already starts with an apostrophe followed by
one of those characters (or by another such apostrophe) gets one too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def _guarded(value):
    """True when ``value``, leading apostrophes aside, starts like a formula."""
    return value.lstrip("'").startswith(FORMULA_STARTS)


def escape_cell(value):
    """The text to write for ``value``."""
    if value and _guarded(value):
        return "'" + value
    return value


def unescape_cell(text):
    """The value a written cell stands for: the inverse of :func:`escape_cell`."""
    if text.startswith("'") and _guarded(text[1:]):
        return text[1:]
    return text
