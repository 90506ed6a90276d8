# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Read a list of items (the ``users`` option) into the same table a CSV file is read into.

Each item is a row; its keys are the column language's headers, matched as a file's headers are (without
regard to case or surrounding spaces); its values are strings, booleans or numbers, each turned into the text
a cell would hold. Problems are located by the item's index, counted from 0, and its key: ``users[3].jobTitle``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.problems import shown
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import Row, Table

# the option whose items are read, and how their problems are located
ITEMS_OPTION = 'users'


class ItemsPath(str):
    """The name of a list of items (``users``), standing where a file's path stands: a problem on item 3's key
    ``jobTitle`` is located ``users[3].jobTitle`` instead of ``path:line:column``."""

    def locate(self, index, key):
        where = str(self)
        if index is not None:
            where += '[%d]' % index
        if key:
            where += '.%s' % key
        return where


def cell_text(value):
    """The cell text of an item's ``value``: a string trimmed, a boolean ``true``/``false``, a whole number
    without a decimal point; '' for None; None for a value no cell can hold (a list, a dict, NaN)."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return '%d' % value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return '%d' % value if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _meaning_key(meaning):
    return meaning[0], meaning[1].name if meaning[0] == 'column' else meaning[1]


def read_items(items):
    """Read the list ``items`` into a :class:`Table` (a row an item, its ``line`` the item's index); return
    ``(table, problems)``. A column's header is the key as the first item naming it wrote it."""
    table = Table()
    problems = []
    if not items:
        problems.append(Problem('is empty: there is nothing to apply'))
        return table, problems
    columns_of = {}         # meaning -> column index
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem('is not a dict of column names and values', index))
            continue
        values = _read_item(table, columns_of, index, item, problems)
        if not values and not any(p.line == index for p in problems):
            problems.append(Problem('is empty: an item needs at least the cell that finds its user', index))
        table.rows.append(Row(index, tuple(v for column in sorted(values) for v in (column, values[column]))))
    return table, problems


def _read_item(table, columns_of, index, item, problems):
    """The filled cells of one item, {column index: text}; its keys' columns are added to ``table``."""
    values = {}
    seen = {}               # meaning -> key as this item wrote it
    for raw_key, raw_value in item.items():
        key = ('%s' % raw_key).strip()
        if columns.is_ignored_header(key):
            continue
        meaning = columns.lookup(key)
        if meaning is None:
            problems.append(Problem('unknown column; did you mean %r?' % columns.closest_header(key), index, None,
                                    shown(key, quote=False)))
            continue
        mkey = _meaning_key(meaning)
        if mkey in seen:
            problems.append(Problem('repeats the key %s of this item' % shown(seen[mkey]), index, None,
                                    shown(key, quote=False)))
            continue
        seen[mkey] = key
        text = cell_text(raw_value)
        if text is None:
            # never the value itself: it may be a password
            problems.append(Problem('a %s is not a cell value: use a string, a boolean or a number'
                                    % type(raw_value).__name__, index, None, key))
            continue
        if mkey not in columns_of:
            columns_of[mkey] = len(table.headers)
            table.meanings[len(table.headers)] = meaning
            table.headers.append(key)
        if text:
            values[columns_of[mkey]] = text
    return values


def secret_values(items):
    """The values of every item's Password key (any spelling the headers allow), to keep out of every output."""
    found = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            meaning = columns.lookup(('%s' % key).strip())
            if meaning is not None and meaning[0] == 'column' and meaning[1] is columns.PASSWORD:
                text = cell_text(value)
                if text:
                    found.append(text)
    return found
