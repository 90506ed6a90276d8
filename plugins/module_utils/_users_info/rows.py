# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Users as rows of the column language, each cell as a prefilled template writes it, so that the rows applied
by jc_users_from_csv change nothing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.columns import BY_KEY, attribute_header, group_header
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.render import (
    FULL_COLUMNS, GROUPS, cell_reader, prefill_fields, shown_attributes)

# the columns a prefilled template fills in, in the full template's order
ROW_COLUMNS = [name for name in FULL_COLUMNS if BY_KEY[name.lower()].prefill]
# the user fields those cells read (custom attributes are read only when asked for)
ROW_FIELDS = tuple(field for field in prefill_fields(ROW_COLUMNS).split() if field != 'attributes')
_READERS = {}


def _reader(column):
    if column not in _READERS:
        _READERS[column] = cell_reader(column)
    return _READERS[column]


def numbered_columns(groups, attributes):
    """The headers of ``groups`` GroupN columns and ``attributes`` attribute pairs, in the template's order."""
    headers = [group_header(n) for n in range(1, groups + 1)]
    for n in range(1, attributes + 1):
        headers.extend([attribute_header(n, 'name'), attribute_header(n, 'value')])
    return headers


def user_row(user):
    """``user`` as a row: its cell of each column of ``ROW_COLUMNS`` that holds a value (a blank cell changes
    nothing, so it is left out; ``Username`` is always there), then one GroupN column per group and one attribute
    pair per custom attribute it has (see :func:`numbered_columns`)."""
    columns = ROW_COLUMNS + numbered_columns(len(user.get(GROUPS) or ()), len(shown_attributes(user)))
    row = {}
    for column in columns:
        cell = _reader(column)(user)
        if cell or column == 'Username':
            row[column] = cell
    return row


def row_columns(rows):
    """Every header of ``rows``, in the template's order: a CSV header that holds them all."""
    present = set()
    for row in rows:
        present.update(row)
    groups = sum(1 for n in range(1, len(present) + 1) if group_header(n) in present)
    attributes = sum(1 for n in range(1, len(present) + 1) if attribute_header(n, 'name') in present)
    return [column for column in ROW_COLUMNS if column in present] + numbered_columns(groups, attributes)
