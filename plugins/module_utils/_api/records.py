# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""An object of an answer kept as compact JSON text until it is used whole.

A decoded user record costs about three times its JSON text in memory (a dict per object, a string per
value). A run of many rows reads every user before it plans the first one, so each record is packed as it
arrives (:class:`PackedRecord`): the few fields looked up by every row stay as they are, the rest is its
text, and :func:`unpack` gives the record whole again when its row is planned.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from collections.abc import Mapping

_ABSENT = object()


class PackedRecord(Mapping):
    """A JSON object read-only: ``kept`` fields as they are, the others as compact JSON text, decoded when one
    of them is read. Equal to the dict it was made from; :func:`unpack` gives that dict back."""

    __slots__ = ('_kept', '_values', '_text')

    def __init__(self, record, kept):
        self._kept = kept
        self._values = tuple(record.get(name, _ABSENT) for name in kept)
        rest = dict((k, v) for k, v in record.items() if k not in kept)
        self._text = json.dumps(rest, separators=(',', ':')) if rest else None

    def _rest(self):
        return json.loads(self._text) if self._text is not None else {}

    def __getitem__(self, key):
        if key in self._kept:
            value = self._values[self._kept.index(key)]
            if value is _ABSENT:
                raise KeyError(key)
            return value
        return self._rest()[key]

    def __iter__(self):
        return iter(unpack(self))

    def __len__(self):
        return len(unpack(self))

    def __repr__(self):
        return 'PackedRecord(%r)' % unpack(self)


def pack(record, kept):
    """``record`` (a dict decoded from an answer) packed, keeping the fields named in the tuple ``kept``
    as they are; anything else is given back unchanged."""
    if type(record) is not dict:    # pylint: disable=unidiomatic-typecheck
        return record
    return PackedRecord(record, kept)


def unpack(record):
    """The dict a :class:`PackedRecord` was made from (a new one each time); anything else as it is."""
    if not isinstance(record, PackedRecord):
        return record
    whole = dict((name, value) for name, value in zip(record._kept, record._values)  # pylint: disable=protected-access
                 if value is not _ABSENT)
    whole.update(record._rest())  # pylint: disable=protected-access
    return whole
