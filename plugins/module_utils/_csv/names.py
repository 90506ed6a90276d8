# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Match a name from the CSV with the names JumpCloud stores, as JumpCloud's own tooling does.

JumpCloud keeps the case of usernames (two users may differ only by case), and
its filter and search equality is case-sensitive; JumpCloud's PowerShell
module nonetheless resolves usernames, group names, custom attribute names and
address/phone types without regard to case. The rule here: an exact match
wins; otherwise a unique case-insensitive match is used; several
case-insensitive matches (and no exact one) are ambiguous.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import string

# the ASCII characters that may stand unescaped in a regular expression; every other ASCII character is escaped
_PLAIN = frozenset(string.ascii_letters + string.digits + '_')


class AmbiguousName(Exception):
    """``name`` matches several stored names, none exactly."""

    def __init__(self, name, candidates):
        self.name = name
        self.candidates = sorted(candidates)
        super(AmbiguousName, self).__init__('%r matches %s without regard to case, and none exactly' % (
            name, ' and '.join(repr(c) for c in self.candidates)))


def fold(name):
    """The case-insensitive key of ``name``."""
    return name.lower()


def match_name(name, items, name_of=None):
    """The item of ``items`` whose name is ``name``: the exact match, else the only case-insensitive one.

    Returns None when nothing matches; raises :class:`AmbiguousName` when
    several items match without regard to case and none exactly.
    ``name_of(item)`` gives an item's name (the item itself by default).
    """
    name_of = name_of or (lambda item: item)
    folded = fold(name)
    loose = []
    for item in items:
        stored = name_of(item)
        if stored == name:
            return item
        if isinstance(stored, str) and fold(stored) == folded:
            loose.append(item)
    spellings = set(name_of(item) for item in loose)
    if len(spellings) == 1:
        return loose[0]         # the first, as for an exact match, when several items are spelt the same
    if loose:
        raise AmbiguousName(name, spellings)
    return None


def regex_escape(text):
    """``text`` as a literal for a JumpCloud (MongoDB, PCRE) regular expression.

    Every ASCII character other than a letter, digit or underscore is
    backslash-escaped, which PCRE and Python both read as that literal
    character; other characters carry no special meaning and stay as they are.
    """
    return ''.join('\\' + c if ord(c) < 128 and c not in _PLAIN else c for c in text)


def caseless_condition(field, value):
    """A search filter condition: ``field`` equals ``value`` without regard to case.

    The form JumpCloud's PowerShell module uses (Get-JCUser.ps1), with the value escaped.
    """
    return {field: {'$regex': '(?i)(^%s$)' % regex_escape(value)}}
