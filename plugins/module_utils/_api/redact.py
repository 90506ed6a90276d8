# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Blank out every secret a run knows (the API key, each row's password) from text shown to people.

A message is scanned once per automaton of secrets (an Aho-Corasick automaton over every written form of every
secret), so its cost grows with the message's length only, not with the number of secrets or how many share a
prefix. The text is scanned as it is and, when it holds ``&``, once more with its HTML character references
decoded (``&amp;``, ``&lt;``, ``&quot;``, ``&#39;``, ``&#x27;``, any numeric or named reference), so that a
secret an HTML page echoes escaped in any mix of those is found too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import bisect
import json
import re
import threading
from array import array
from html.entities import html5

from ansible.module_utils.six.moves.urllib.parse import quote, quote_plus

REDACTED = '********'
_REFERENCE = re.compile(r'&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,10})|([A-Za-z][A-Za-z0-9]{0,31}));?')


def secret_forms(secret):
    """Every way ``secret`` can be written in a message: as is, and escaped the ways that
    error texts escape values (Python repr, JSON with and without ASCII escapes, JSON inside
    JSON, percent-encoding as in a URL or a form body). HTML escapes are found by decoding
    the message instead (see :func:`html_decoded`)."""
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


def _reference_text(match):
    """The characters an HTML character reference stands for, or None when it stands for none."""
    hexa, decimal, name = match.groups()
    if name is not None:
        return html5.get(name + ';') or (html5.get(name) if not match.group(0).endswith(';') else None)
    try:
        return chr(int(hexa, 16) if hexa is not None else int(decimal))
    except (ValueError, OverflowError):
        return None


def html_decoded(text):
    """``text`` with its HTML character references decoded, and for each decoded character the span
    ``(start, end)`` of the text it came from."""
    chars, spans, done = [], [], 0
    for match in _REFERENCE.finditer(text):
        decoded = _reference_text(match)
        if not decoded:
            continue
        for index in range(done, match.start()):
            chars.append(text[index])
            spans.append((index, index + 1))
        for char in decoded:
            chars.append(char)
            spans.append(match.span())
        done = match.end()
    for index in range(done, len(text)):
        chars.append(text[index])
        spans.append((index, index + 1))
    return ''.join(chars), spans


class Automaton:
    """An Aho-Corasick automaton over a set of strings, in flat arrays (a few bytes per trie node, so that
    the passwords of a large file cost little memory).

    The nodes are numbered breadth first, so the children of a node are consecutive: those of node ``n`` are
    ``first[n]`` to ``first[n + 1]``, sorted by the character on their edge (``char``). ``fail`` is the node of
    the longest proper suffix, ``longest`` the length of the longest string that ends at a node (its own or one
    reached through ``fail``), 0 when none does.
    """

    def __init__(self, strings):
        self.strings = sorted(set(s for s in strings if s))
        self.char, self.first = array('i', [0]), array('i')
        self.fail, self.longest = array('i', [0]), array('i', [0])
        self._build()

    def _build(self):
        strings, chars, first, fail, longest = self.strings, self.char, self.first, self.fail, self.longest
        level = [(0, 0, len(strings))]         # (node, lo, hi): the strings from lo to hi share the node's prefix
        depth = 0
        while level:
            following = []
            for node, lo, hi in level:
                first.append(len(chars))
                while lo < hi and len(strings[lo]) == depth:
                    lo += 1             # the node's own string sorts first
                while lo < hi:
                    code = ord(strings[lo][depth])
                    end = hi if code == 0x10ffff else \
                        bisect.bisect_left(strings, strings[lo][:depth] + chr(code + 1), lo, hi)
                    found = 0
                    if node:
                        state = fail[node]
                        while True:     # the longest proper suffix of the child that is a node
                            found = self.child(state, code)
                            if found or not state:
                                break
                            state = fail[state]
                    chars.append(code)
                    fail.append(found)
                    longest.append(depth + 1 if len(strings[lo]) == depth + 1 else longest[found])
                    following.append((len(chars) - 1, lo, end))
                    lo = end
            level = following
            depth += 1
        first.append(len(chars))

    def child(self, node, code):
        """The child of ``node`` along the character ``code``, or 0 when it has none."""
        lo, hi = self.first[node], self.first[node + 1]
        index = bisect.bisect_left(self.char, code, lo, hi)
        return index if index < hi and self.char[index] == code else 0

    def scan(self, text):
        """The ``(start, end)`` of the longest string ending at each position of ``text`` where one does, and
        the number of steps taken (at most twice the length of ``text``)."""
        found, state, steps = [], 0, 0
        for index, char in enumerate(text):
            code = ord(char)
            while True:
                steps += 1
                following = self.child(state, code)
                if following or state == 0:
                    state = following
                    break
                state = self.fail[state]
            if self.longest[state]:
                found.append((index + 1 - self.longest[state], index + 1))
        return found, steps


def _merged(spans):
    """The overlapping ``(start, end)`` spans joined, in order."""
    merged = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class Redactor:
    """A set of secrets, and :meth:`redact` to blank every form of each out of a text.

    Thread-safe: workers may add secrets while others redact error messages. The secrets added since the last
    message go into a new automaton, merged with the newest ones of no larger size (a binary counter): a run
    adds its rows' passwords before its first message, so a message is scanned by one or two automata, and by
    at most log2 of the number of secrets however they are added.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._secrets = set()
        self._pending = []
        self._automata = []
        self.steps = 0          # the automaton steps of the last message, for tests of the cost

    def add(self, secret):
        """Hold ``secret`` (a non-empty string) from now on."""
        if not secret or not isinstance(secret, str):
            return
        with self._lock:
            if secret in self._secrets:
                return
            self._secrets.add(secret)
            self._pending.extend(secret_forms(secret))

    def _current(self):
        with self._lock:
            if self._pending:
                strings = self._pending
                self._pending = []
                while self._automata and len(self._automata[-1].strings) <= len(strings):
                    strings = self._automata.pop().strings + strings
                self._automata.append(Automaton(strings))
            return list(self._automata)

    def redact(self, text):
        """``text`` (any object, as a string) with every form of every secret replaced by ``********``; where
        forms overlap, the text they cover together is replaced once."""
        text = '%s' % (text,)
        spans, steps = [], 0
        decoded, decoded_spans = html_decoded(text) if '&' in text else (None, None)
        for automaton in self._current():
            found, count = automaton.scan(text)
            spans.extend(found)
            steps += count
            if decoded is not None:
                found, count = automaton.scan(decoded)
                spans.extend((decoded_spans[start][0], decoded_spans[end - 1][1]) for start, end in found)
                steps += count
        self.steps = steps
        if not spans:
            return text
        parts, done = [], 0
        for start, end in _merged(spans):
            parts.extend((text[done:start], REDACTED))
            done = end
        parts.append(text[done:])
        return ''.join(parts)
