# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""An object of an answer kept as compact JSON text until it is used whole.

A decoded user record costs about three times its JSON text in memory (a dict per object, a string per
value). A run of many rows reads every user before it plans the first one, so each record is packed as it
arrives (:class:`PackedRecord`): the few fields looked up by every row stay as they are, the rest is its
text, and :func:`unpack` gives the record whole again when its row is planned. The text holds the values only:
the names of the fields, in their order, are held once for all the records that have the same (the records of
one answer do).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading

from collections.abc import Mapping

_ABSENT = object()
_LOCK = threading.Lock()


class PackedRecord(Mapping):
    """A JSON object read-only: ``kept`` fields as they are, the others as compact JSON text, decoded when one
    of them is read. Equal to the dict it was made from; :func:`unpack` gives that dict back.

    Each tuple of kept fields has a subclass of its own (:func:`pack` makes it) whose slots are those fields, so
    a record costs one object and its text: no tuple of values beside it.
    """

    __slots__ = ('_text',)
    _kept = ()

    def __init__(self, record):
        for number, name in enumerate(self._kept):
            setattr(self, _slot(number), record.get(name, _ABSENT))
        names = tuple(k for k in record if k not in self._kept)
        # the values only, after the number of their names' tuple in LAYOUTS: the records of one answer share it
        self._text = json.dumps([_layout(names)] + [record[k] for k in names], separators=(',', ':')) \
            if names else None

    def _rest(self):
        if self._text is None:
            return {}
        values = json.loads(self._text)
        return dict(zip(_NAMES[values[0]], values[1:]))

    def _pairs(self):
        """The kept fields and their values, those the record has."""
        for number, name in enumerate(self._kept):
            value = getattr(self, _slot(number))
            if value is not _ABSENT:
                yield name, value

    def __getitem__(self, key):
        if key in self._kept:
            value = getattr(self, _slot(self._kept.index(key)))
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


_LAYOUTS = {}    # the names of a record's packed fields, in order -> their number
_NAMES = []      # number -> those names


def _layout(names):
    """The number of the tuple of field names ``names`` (made the first time it is seen, on any thread)."""
    number = _LAYOUTS.get(names)
    if number is None:
        with _LOCK:
            number = _LAYOUTS.get(names)
            if number is None:
                _NAMES.append(names)
                number = _LAYOUTS[names] = len(_NAMES) - 1
    return number


def _slot(number):
    return '_v%d' % number


_CLASSES = {}   # kept fields -> the PackedRecord subclass keeping them


def _packed_class(kept):
    cls = _CLASSES.get(kept)
    if cls is None:
        cls = type('PackedRecord', (PackedRecord,), {'__slots__': tuple(_slot(n) for n in range(len(kept))),
                                                     '_kept': kept})
        cls = _CLASSES.setdefault(kept, cls)
    return cls


def pack(record, kept):
    """``record`` (a dict decoded from an answer) packed, keeping the fields named in the tuple ``kept``
    as they are; anything else is given back unchanged."""
    if type(record) is not dict:    # pylint: disable=unidiomatic-typecheck
        return record
    return _packed_class(tuple(kept))(record)


def unpack(record):
    """The dict a :class:`PackedRecord` was made from (a new one each time); anything else as it is."""
    if not isinstance(record, PackedRecord):
        return record
    whole = dict(record._pairs())  # pylint: disable=protected-access
    whole.update(record._rest())  # pylint: disable=protected-access
    return whole
