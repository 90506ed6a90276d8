# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The flow of jc_import_template: choose columns, read users and devices, render, write if different.

:func:`write_template` takes plain parameters and returns the module's result, or raises :class:`RunFailed`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os
import stat

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError, RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import pack
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import OUTPUT_FILES, write_options
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import (
    nothing_written, not_a_regular_file, output_path_problem)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.write import write_atomic
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import render as template
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.prefill import GroupNames, overflow_warnings
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import endpoints

SECTION_OPTIONS = [section[0] for section in template.SECTIONS]
MAX_BEFORE = 16 * 1024 * 1024     # an existing file larger than this is compared by size, not shown in the diff


def file_names(kind, today):
    stamp = today.strftime('%m-%d-%Y')
    prefix = 'JCUserImport' if kind == 'import' else 'JCUserUpdateImport'
    return '%s_%s.csv' % (prefix, stamp), 'JCSystems_%s.csv' % stamp


def write_template(options, connect, check_mode=False, want_diff=False, warn=None, today=None):
    """Write the template ``options`` (the module's parameters) ask for and return the module's result.

    ``connect()`` gives the API client, called only when users or devices are read. ``warn`` receives the
    warnings, ``today`` names the files. Raises :class:`RunFailed` when nothing can be written.
    """
    p = options
    today = today or datetime.date.today()
    warn = warn or (lambda text: None)
    _check_options(p)
    name, systems_name = file_names(p['type'], today)
    path = _template_path(p['dest'], name)
    folder = os.path.dirname(os.path.abspath(path))
    systems_path = os.path.join(folder, systems_name) if p['systems'] else None
    for target in [path] + ([systems_path] if systems_path else []):
        problem = output_path_problem(target, 'the file')
        if problem:
            raise RunFailed(nothing_written(problem))

    columns = template.template_columns(p['type'], p['groups'], p['custom_attributes'], p.get('remove_groups', 0),
                                        p.get('all_columns', False),
                                        **dict((s, p.get(s, False)) for s in SECTION_OPTIONS))
    users, systems, groups = _read_jumpcloud(p, columns, connect)
    if p['prefill']:
        for text in overflow_warnings(users, p['groups'], p['custom_attributes'], groups):
            warn(text)
    rows = len(users)       # counted first: the rendering consumes the list
    files = [(path, template.render_body(columns, template.iter_template_rows(columns, users, p['prefill'], groups)))]
    if systems is not None:
        files.append((systems_path, template.render_body(template.SYSTEM_COLUMNS, template.system_rows(systems))))
    changed, managed, diffs = _write_files(files, p, check_mode, warn, want_diff)

    result = dict(changed=changed, path=path, columns=columns, rows=rows)
    result[OUTPUT_FILES] = managed
    if systems is not None:
        result['systems_path'] = systems_path
    if want_diff:
        result['diff'] = diffs
    return result


# the most numbered columns of one kind a template takes (the module docs, the role and the AWX survey say so)
MAX_NUMBERED_COLUMNS = 100
NUMBERED_OPTIONS = ('groups', 'remove_groups', 'custom_attributes')


def _check_options(p):
    """Refuse the options that cannot make a template."""
    for name in NUMBERED_OPTIONS:
        if not 0 <= p.get(name, 0) <= MAX_NUMBERED_COLUMNS:
            raise RunFailed('%s must be from 0 to %d, got %d' % (name, MAX_NUMBERED_COLUMNS, p[name]))
    if p['prefill'] and not p['populate_users']:
        raise RunFailed('prefill needs populate_users: true (there are no user rows to fill otherwise)')


def _template_path(dest, name):
    """The template's path: ``dest`` itself (a path ending in .csv), or ``name`` in the folder ``dest``."""
    if dest.lower().endswith('.csv') and not os.path.isdir(dest):
        path = dest
    elif os.path.isdir(dest):
        path = os.path.join(dest, name)
    else:
        raise RunFailed('dest %s is neither an existing directory nor a path ending in .csv' % dest)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RunFailed('the folder %s does not exist' % folder)
    return path


def _read_jumpcloud(p, columns, connect):
    """``(users, systems, groups)``: the users the template lists ([] unless populate_users), the devices (None
    unless systems) and each user's group names by id (None unless prefilled GroupN columns), read through
    ``connect()`` only when asked for."""
    users, systems, groups = [], None, None
    client = None
    reading = None
    try:
        if p['populate_users'] or p['systems']:
            client = connect()
        if p['populate_users'] and p['prefill'] and p['groups']:
            reading = GroupNames(client, p.get('max_workers') or 1)      # read meanwhile
        if p['populate_users']:
            # each user packed as its page arrives (compact JSON text, see _api.records): the whole directory is
            # read before the first row is rendered
            users = [pack(user, template.PACKED_KEPT) for user in client.v1_search(
                endpoints.SEARCH_USERS, fields=template.prefill_fields(columns) if p['prefill'] else 'username')]
        if reading is not None:
            groups = reading.take()
        if p['systems']:
            systems = list(client.v1_search(endpoints.SEARCH_SYSTEMS, fields='hostname displayName lastContact'))
    except JumpCloudError as exc:
        raise RunFailed('%s: %s' % (nothing_written('reading JumpCloud failed'), client.redact(exc)))
    finally:
        if reading is not None:
            reading.close()
    return users, systems, groups


def _write_files(files, p, check_mode, warn, want_diff=False):
    """Write each ``(path, text)`` of ``files`` (``text`` without its byte order mark, which the file starts with)
    that differs from what is there (an other file only with force); return ``(changed, managed, diffs)``,
    ``managed`` the files whose mode, owner and the rest the module then sees to. Every existing file is checked
    before the first write."""
    currents = []
    for target, text in files:
        try:
            currents.append(_read(target, len(text.encode('utf-8')) + len(template.BOM.encode('utf-8'))))
        except _NotRegular as exc:
            raise RunFailed(nothing_written(exc), changed=False)
    changed = False
    diffs = []
    managed = []
    for (target, text), current in zip(files, currents):
        before = current[1:] if current is not None and current[:1] == template.BOM else current
        if before is not None and before is not current and before == text:
            managed.append((target, None))
            continue
        if want_diff:       # the new text with its mark, as the file has it: a copy of it made only for the diff
            diffs.append({'before_header': target, 'after_header': target,
                          'before': current if current is not None else '', 'after': template.BOM + text})
        if current is not None and not p['force']:
            warn('%s exists with other content and was left alone; set force: true to overwrite it' % target)
            continue
        changed = True
        if check_mode:
            managed.append((target, None))
        else:
            managed.append((target, write_atomic(target, (template.BOM, text), **write_options(p))))
    return changed, managed, diffs


class _NotRegular(Exception):
    pass


def _read(path, size):
    """The text of the file at ``path`` (None when there is none), to compare with text of ``size`` bytes.

    Only a regular file is read, never through a symbolic link: a link or a special file planted at the
    template's name must not put another file's content into the diff, nor block the run (a FIFO, a device).
    It is refused rather than replaced, since replacing it would silently break a link set up on purpose.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = 'a symbolic link' if stat.S_ISLNK(info.st_mode) else 'a special file or folder'
        raise _NotRegular('%s; it was neither read nor replaced: remove it or choose another dest'
                          % not_a_regular_file('%s exists and' % path, kind))
    flags = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_CLOEXEC', 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if os.path.islink(path):
            raise _NotRegular('%s is a symbolic link; it was neither read nor replaced' % path)
        return ''     # unreadable: shown as different, and replaced only with force
    with os.fdopen(fd, 'rb') as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular('%s; it was neither read nor replaced' % not_a_regular_file(path))
        limit = max(size, MAX_BEFORE)
        if info.st_size > limit:
            return '(a file of %d bytes, not shown)' % info.st_size
        data = handle.read(limit + 1)
    if len(data) > limit:
        return '(a file of more than %d bytes, not shown)' % limit
    return data.decode('utf-8', 'replace')
