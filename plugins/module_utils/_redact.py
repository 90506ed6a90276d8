# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Blank out every secret a run knows (the API key, each row's password) from text shown to people."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import threading

from ansible.module_utils.six.moves.urllib.parse import quote, quote_plus

REDACTED = '********'
# the forms are indexed by their first characters, so that one message is scanned once
# however many secrets the run holds (one password per row of a large file)
_PREFIX = 3


def secret_forms(secret):
    """Every way ``secret`` can be written in a message: as is, and escaped the ways that
    error texts escape values (Python repr, JSON with and without ASCII escapes, JSON inside
    JSON, percent-encoding as in a URL or a form body)."""
    forms = set([secret])
    json_ascii = json.dumps(secret)[1:-1]
    json_plain = json.dumps(secret, ensure_ascii=False)[1:-1]
    forms.update([
        repr(secret)[1:-1],
        ascii(secret)[1:-1],
        secret.encode('unicode_escape').decode('ascii'),
        json_ascii,
        json_plain,
        json.dumps(json_ascii)[1:-1],
        json.dumps(json_plain, ensure_ascii=False)[1:-1],
    ])
    for encoded in (quote(secret, safe=''), quote(secret), quote_plus(secret, safe=''), quote_plus(secret)):
        forms.add(encoded)
        forms.add(re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), encoded))
    forms.discard('')
    return forms


class Redactor:
    """A set of secrets, and :meth:`redact` to blank every form of each out of a text.

    Thread-safe: workers may add secrets while others redact error messages.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._by_prefix = {}
        self._short = set()
        self._secrets = set()

    def add(self, secret):
        """Hold ``secret`` (a non-empty string) from now on."""
        if not secret or not isinstance(secret, str):
            return
        with self._lock:
            if secret in self._secrets:
                return
            self._secrets.add(secret)
            for form in secret_forms(secret):
                if len(form) < _PREFIX:
                    self._short.add(form)
                else:
                    self._by_prefix.setdefault(form[:_PREFIX], set()).add(form)

    def redact(self, text):
        """``text`` (any object, as a string) with every form of every secret replaced by ``********``."""
        text = '%s' % (text,)
        with self._lock:
            found = set(self._short)
            by_prefix = self._by_prefix
            if by_prefix:
                for start in range(len(text) - _PREFIX + 1):
                    forms = by_prefix.get(text[start:start + _PREFIX])
                    if forms:
                        found.update(forms)
        # longest first, so that an escaped form is not half-replaced through a shorter one inside it
        for form in sorted(found, key=lambda f: (-len(f), f)):
            if form in text:
                text = text.replace(form, REDACTED)
        return text
