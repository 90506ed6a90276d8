# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Cells a spreadsheet would run as a formula, written so it does not, and read back as they were.

A value starting with ``=``, ``+``, ``-``, ``@`` (or their full-width forms, which
East Asian input methods turn into them), tab or carriage return, also after
leading spaces (a spreadsheet that trims spaces would run it), is written with a
leading apostrophe, which spreadsheets show as text. So that the round trip is
exact, a value that already starts with an apostrophe followed by one of those
(or by another such apostrophe) gets one too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20')
# skipped before looking for a formula: apostrophes, and the spaces a spreadsheet may trim
LEADING = "' \u00a0\u3000"


def _guarded(value):
    """True when ``value``, leading apostrophes and spaces aside, starts like a formula."""
    return value.lstrip(LEADING).startswith(FORMULA_STARTS)


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
