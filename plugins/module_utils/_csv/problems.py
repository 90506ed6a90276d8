# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""How problems with the input read: a summary of many, a value echoed in a message. The :class:`Problem` itself
(a file, a row, a cell) is defined with the row model, ``_csv.model``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def summarise(problems, path, limit=20):
    """A readable multi-line account of ``problems``, the first ``limit`` in full."""
    lines = [p.format(path) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append('... and %d more problem(s)' % (len(problems) - limit))
    return '\n'.join(lines)


SHOWN_LENGTH = 60


def shown(value, quote=True, limit=SHOWN_LENGTH):
    """``value`` as an error message may echo it: at most ``limit`` characters, quoted with repr() by default.

    A file's text is echoed in several places of a result, so a long value is cut short; repr() makes
    control characters visible.
    """
    text = '%s' % value
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    if quote:
        text = repr(text)
    if cut:
        text += '... (%d characters)' % len(value)
    return text
