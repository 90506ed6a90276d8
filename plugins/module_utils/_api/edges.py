# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Read memberships and bindings from whichever side costs fewer requests, counted in pages.

An edge (a membership, a device or LDAP binding) can be read from its target (the group's members, the
device's users) or from its user (the user's groups, devices, servers). A target read costs one request
per 100 edges: a group of 20,000 members costs 200, however few of its members the CSV names. So the side
with fewer items is probed first, one page each; that page's ``x-total-count`` tells what the rest would
cost. An item whose remaining pages cost more than reading each of its partners from the other side (one
page each, as a user of a few groups is) is read from there instead; otherwise its remaining pages are
read, concurrently. Every pair the rows ask about is then known from one complete listing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import PAGE_LIMIT

TARGET, USER = 'target', 'user'

# the attributes of every edge read without any: one dict for them all (a large run stores one edge a row), never
# changed by its readers
NO_ATTRIBUTES = {}


class Pairs:
    """(target id, user id) -> value, as a dict of such pairs is read and written, held a dict per target: a large
    run asks about a pair a row, and a tuple and a dict entry a pair cost three times a user id in a target's."""

    def __init__(self, items=()):
        self._targets = {}
        for pair, value in dict(items).items():
            self[pair] = value

    def put(self, target, uid, value=True):
        self._targets.setdefault(target, {})[uid] = value

    def add(self, pair):
        """Record ``pair`` (as a set of pairs does)."""
        self.put(pair[0], pair[1])

    def __setitem__(self, pair, value):
        self.put(pair[0], pair[1], value)

    def __getitem__(self, pair):
        return self._targets[pair[0]][pair[1]]

    def get(self, pair, default=None):
        users = self._targets.get(pair[0])
        return default if users is None else users.get(pair[1], default)

    def __contains__(self, pair):
        users = self._targets.get(pair[0])
        return users is not None and pair[1] in users

    def __iter__(self):
        for target, users in self._targets.items():
            for uid in users:
                yield target, uid

    def __len__(self):
        return sum(len(users) for users in self._targets.values())

    def items(self):
        for target, users in self._targets.items():
            for uid, value in users.items():
                yield (target, uid), value

    def __eq__(self, other):
        if isinstance(other, (set, frozenset)):
            return set(self) == other           # compared as a set of pairs
        return isinstance(other, (dict, Pairs)) and dict(self.items()) == dict(other.items())

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        return 'Pairs(%r)' % dict(self.items())


def by_target(pairs):
    """``{target id: set of user ids}`` of the (target id, user id) ``pairs``."""
    targets = {}
    for target, uid in pairs:
        targets.setdefault(target, set()).add(uid)
    return targets


class EdgeKind:
    """One kind of edge the rows ask about: the (target id, user id) pairs, where to read them from either
    side, and ``store`` (a :class:`Pairs`: pair -> edge attributes) to record them in."""

    def __init__(self, pairs, store, target_path, target_param, user_path, user_param, memberof=False):
        # the pairs asked about, as {target id: set of user ids} (taken as it is), or as (target, user) pairs
        targets = pairs if isinstance(pairs, dict) else by_target(pairs)
        self.store = store
        self.paths = {TARGET: (target_path, {'targets': target_param} if target_param else None),
                      USER: (user_path, {'targets': user_param} if user_param else None)}
        self.memberof = memberof        # the user side lists groups ({id}), not edges ({to: {id}})
        users = set()
        for uids in targets.values():
            users.update(uids)
        self.side = TARGET if len(targets) <= len(users) else USER
        users = None
        # each item of the probed side, and its partners (the other side's are never asked for): what a listing
        # of either side is filtered with
        self.partners = {TARGET: targets, USER: {}}
        if self.side == USER:
            self.partners = {TARGET: {}, USER: _inverted(targets)}

    def __bool__(self):
        return bool(self.partners[self.side])

    def probe_side(self):
        """The side with fewer items: it is probed (one page each)."""
        return self.side

    def listing(self, side, item):
        path, params = self.paths[side]
        return path % item, params

    def asked(self, target, uid):
        """Whether the rows ask about the edge between ``target`` and ``uid``."""
        if self.side == TARGET:
            return uid in self.partners[TARGET].get(target, ())
        return target in self.partners[USER].get(uid, ())

    def wanted(self, side, item, edges):
        """The edges of ``item`` (on ``side``) that the rows ask about, as ``[(target, user, attributes)]``: what
        is kept of a listing (a worker filters each page as it arrives; the edges read but not asked about are
        let go at once). An edge already filtered (None, see :func:`read_edges`) is skipped."""
        found = []
        for edge in edges:
            if edge is None:
                continue
            if side == TARGET:
                target, uid, attributes = item, edge['to']['id'], edge.get('attributes')
            elif self.memberof:
                target, uid, attributes = edge['id'], item, None
            else:
                target, uid, attributes = edge['to']['id'], item, edge.get('attributes')
            if self.asked(target, uid):
                found.append((target, uid, attributes))
        return found

    def keep(self, found):
        """Record the edges :meth:`wanted` found (on a worker: each store is written an edge at a time)."""
        for target, uid, attributes in found:
            self.store.put(target, uid, attributes or NO_ATTRIBUTES)


def _inverted(targets):
    users = {}
    for target, uids in targets.items():
        for uid in uids:
            users.setdefault(uid, set()).add(target)
    return users


def pages_left(first, total):
    """How many more requests a listing whose first page held ``first`` items of ``total`` costs."""
    if first < PAGE_LIMIT:
        return 0
    if total is None:
        return 1
    return max(0, -(-(total - first) // PAGE_LIMIT))


def read_edges(client, pool, kinds):
    """Fill each :class:`EdgeKind`'s store with the edges its pairs ask about, at the fewest requests.

    Three rounds on ``pool``: the first page of each item of each kind's cheaper side; then the remaining
    pages of the items worth reading to the end, together with the other-side items read instead.
    """
    kinds = [kind for kind in kinds if kind]
    probes = [(kind, kind.probe_side(), item) for kind in kinds for item in sorted(kind.partners[kind.probe_side()])]

    def first_page(probe):
        # filtered and kept on the worker: the page kept for paging on holds a placeholder per edge, not the edge
        kind, side, item = probe
        path, params = kind.listing(side, item)
        edges, total = client.v2_page(path, params)
        kind.keep(kind.wanted(side, item, edges))
        return [None] * len(edges), total
    firsts = list(pool.map(first_page, probes))

    reads = []          # (kind, side, item, first page or None)
    for kind in kinds:
        side = kind.probe_side()
        other = USER if side == TARGET else TARGET
        mine = [(probe[2], page) for probe, page in zip(probes, firsts) if probe[0] is kind]
        # the costliest first: the partners they read instead may make the others free
        mine.sort(key=lambda entry: (-pages_left(len(entry[1][0]), entry[1][1]), entry[0]))
        instead = set()
        for item, page in mine:
            left = pages_left(len(page[0]), page[1])
            if not left:
                continue
            partners = kind.partners[side][item] - instead
            if len(partners) < left:
                instead |= partners
            else:
                reads.append((kind, side, item, page))
        reads += [(kind, other, item, None) for item in sorted(instead)]

    def read(entry):
        # kept on the worker as each listing ends: no listing's edges wait for the others'
        kind, side, item, page = entry
        path, params = kind.listing(side, item)
        kind.keep(kind.wanted(side, item, client.v2_list(path, params, first=page)))
    for dummy in pool.map(read, reads):
        pass
