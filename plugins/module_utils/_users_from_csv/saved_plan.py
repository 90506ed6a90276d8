# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""A saved plan: what a check mode run would write, as a document a later run applies as it is.

The document holds, for each row, what the row asks for (never its password: only whether it has one), the
current value of everything its plan depends on (see ``drift.py``) and the writes it would make (bodies with any
password masked); beside them the CSV's sha256, the options that shaped the plan, the org, the collection's
version and when it was made. Its id is the sha256 of its canonical JSON without the id, so that an edit by
hand is told by the id no longer matching. Everything here is pure: reading, writing and the clock are the
caller's.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import json

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR, Desired
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import MASK, SECRET_FIELDS

FORMAT = 1
TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
NEW = '(new user)'          # the id of a user to create, in the writes that name it
_CLEAR = {'$clear': True}   # a cell holding the clear token
# what of a Desired the document leaves out: its password (only whether it has one is kept), what the
# references resolve again at apply time, and what the run itself works out
_NOT_KEPT = frozenset(['line', 'password', 'problems', 'where', 'missing', 'manager_id', 'stale'])


class PlanRefused(Exception):
    """A plan that may not be applied: another org, another version, too old, edited, or given other options."""


def canonical(document):
    """The bytes the plan id is computed over: the document without its id, as sorted, compact UTF-8 JSON."""
    content = dict((k, v) for k, v in document.items() if k != 'id')
    return json.dumps(content, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def plan_id(document):
    return hashlib.sha256(canonical(document)).hexdigest()


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def items_sha256(items):
    """The sha256 of a ``users`` list as canonical JSON: what a plan made from items records in place of a file's."""
    text = json.dumps(items, sort_keys=True, separators=(',', ':'), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def source_sha256(options):
    """The sha256 of the run's rows: of the file at ``csv_path``, or of the ``users`` items."""
    return items_sha256(options.users) if options.users is not None else file_sha256(options.csv_path)


def make_document(rows, shaping, csv_sha256, org_id, version, made_at):
    """The plan document of ``rows`` (each a dict from :func:`row_entry`), with its id."""
    document = {
        'format': FORMAT,
        'collection_version': version,
        'made_at': made_at.strftime(TIME_FORMAT),
        'org_id': org_id,
        'csv_sha256': csv_sha256,
        'options': dict(shaping),
        'rows': rows,
    }
    document['id'] = plan_id(document)
    return document


def render(document):
    """The document as the plan file holds it: indented JSON, one line an item."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + '\n'


def row_entry(plan, depends, writes):
    """One row of the plan (``plan`` a UserPlan): its line, user, what it asks for, what it depends on and its
    writes."""
    desired = plan.desired
    return {
        'line': desired.line,
        'username': desired.username,
        'user_id': depends['user_id'] or NEW,
        'needs_password': 'password' in plan.body,
        'row': encode_row(desired),
        'where': dict((key, list(value)) for key, value in desired.where.items()),
        'depends': depends,
        'writes': writes,
    }


def encode_row(desired):
    """What ``desired`` asks for, as JSON values: the clear token as ``{"$clear": true}``, pairs as lists."""
    return dict((name, _encode(value)) for name, value in sorted(desired.fields().items()) if name not in _NOT_KEPT)


def _encode(value):
    if value is CLEAR:
        return dict(_CLEAR)
    if isinstance(value, dict):
        return dict((k, _encode(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value, pairs=False):
    if value == _CLEAR:
        return CLEAR
    if isinstance(value, dict):
        return dict((k, _decode(v)) for k, v in value.items())
    if isinstance(value, list):
        items = [_decode(v) for v in value]
        return tuple(items) if pairs else items
    return value


def decode_row(entry):
    """The :class:`Desired` a plan row asks for, as it stood once the references were checked (its manager is
    resolved again, and its password, when it needs one, taken from the CSV)."""
    desired = Desired(entry['line'])
    for name, value in entry['row'].items():
        if isinstance(value, list):
            setattr(desired, name, [_decode(v, pairs=isinstance(v, list)) for v in value])
        else:
            setattr(desired, name, _decode(value))
    desired.where = dict((key, tuple(value)) for key, value in entry['where'].items())
    return desired


def masked(body):
    """A write's body with every secret field masked."""
    return dict((k, MASK if k in SECRET_FIELDS else v) for k, v in body.items())


def parse_time(text):
    return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)


def check_document(document, version, now, max_age):
    """Refuse (:class:`PlanRefused`) a document that is not a plan, was edited (its id does not match its
    content), comes from another collection version, or is older than ``max_age`` seconds."""
    if not isinstance(document, dict) or document.get('format') != FORMAT or \
            not isinstance(document.get('rows'), list) or not isinstance(document.get('options'), dict):
        raise PlanRefused('it is not a plan of jc_users_from_csv (format %s)' % FORMAT)
    if document.get('id') != plan_id(document):
        raise PlanRefused('its content does not match its id %s: it was edited after it was made' % document.get('id'))
    if document.get('collection_version') != version:
        raise PlanRefused('it was made by version %s of the collection, this is %s; make the plan again'
                          % (document.get('collection_version'), version))
    try:
        made = parse_time(document.get('made_at'))
    except (TypeError, ValueError):
        raise PlanRefused('its made_at is not a time')
    age = (now - made).total_seconds()
    if age > max_age:
        raise PlanRefused('it was made at %s, %d seconds ago, more than plan_max_age (%d); make the plan again'
                          % (document['made_at'], age, max_age))
    if age < -300:
        raise PlanRefused('it was made at %s, in the future by this host\'s clock' % document['made_at'])
    return made


def check_options(document, given, defaults):
    """Refuse a run given a plan-shaping option other than the plan's; a value left at its default is taken from
    the plan. ``given`` and ``defaults`` map each shaping option's name to the run's value and its default."""
    planned = document['options']
    for name in sorted(given):
        if name in planned and given[name] != defaults.get(name) and given[name] != planned[name]:
            raise PlanRefused('it was made with %s=%s, and this run is given %s=%s; leave %s out, or make the plan '
                              'again' % (name, planned[name], name, given[name], name))


def check_csv(document, csv_sha256):
    """Refuse a CSV whose sha256 is not the plan's, and a missing one that the plan's passwords need."""
    if csv_sha256 is None:
        if any(row.get('needs_password') for row in document['rows']):
            raise PlanRefused('rows of it create users with a password, which a plan never holds: give csv_path, '
                              'the file the plan was made from')
        return
    if csv_sha256 != document.get('csv_sha256'):
        raise PlanRefused('csv_path is not the file it was made from (its sha256 is %s, the plan\'s %s): the file '
                          'was edited after the plan; make the plan again' % (csv_sha256, document.get('csv_sha256')))
