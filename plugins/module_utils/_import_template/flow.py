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
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import OUTPUT_FILES, write_options
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.paths import output_path_problem
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.write import write_atomic
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template import render as template
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
    for name in ('groups', 'custom_attributes', 'remove_groups'):
        if not 0 <= p.get(name, 0) <= 100:
            raise RunFailed('%s must be from 0 to 100, got %d' % (name, p[name]))
    if p['prefill'] and not p['populate_users']:
        raise RunFailed('prefill needs populate_users: true (there are no user rows to fill otherwise)')

    name, systems_name = file_names(p['type'], today)
    dest = p['dest']
    if dest.lower().endswith('.csv') and not os.path.isdir(dest):
        path = dest
    elif os.path.isdir(dest):
        path = os.path.join(dest, name)
    else:
        raise RunFailed('dest %s is neither an existing directory nor a path ending in .csv' % dest)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RunFailed('the folder %s does not exist' % folder)
    for target in [path] + ([os.path.join(folder, systems_name)] if p['systems'] else []):
        problem = output_path_problem(target, 'the file')
        if problem:
            raise RunFailed('%s; nothing was written' % problem)

    columns = template.template_columns(p['type'], p['groups'], p['custom_attributes'], p.get('remove_groups', 0),
                                        p.get('all_columns', False),
                                        **dict((s, p.get(s, False)) for s in SECTION_OPTIONS))
    users, systems = [], None
    client = None
    try:
        if p['populate_users'] or p['systems']:
            client = connect()
        if p['populate_users']:
            users = list(client.v1_search(endpoints.SEARCH_USERS,
                                          fields=template.prefill_fields(columns) if p['prefill'] else 'username'))
        if p['systems']:
            systems = list(client.v1_search(endpoints.SEARCH_SYSTEMS, fields='hostname displayName lastContact'))
    except JumpCloudError as exc:
        raise RunFailed('reading JumpCloud failed; nothing was written: %s' % client.redact(exc))

    rows = len(users)
    files = [(path, template.render_csv(columns, template.iter_template_rows(columns, users, p['prefill'])))]
    if systems is not None:
        files.append((os.path.join(folder, systems_name),
                      template.render_csv(template.SYSTEM_COLUMNS, template.system_rows(systems))))

    # every existing file is checked before the first write
    currents = []
    for target, text in files:
        try:
            currents.append(_read(target, len(text.encode('utf-8'))))
        except _NotRegular as exc:
            raise RunFailed('%s; nothing was written' % exc, changed=False)
    changed = False
    diffs = []
    managed = []        # the files whose mode, owner and the rest the module then sees to
    for (target, text), current in zip(files, currents):
        if current == text:
            managed.append((target, None))
            continue
        diffs.append({'before_header': target, 'after_header': target,
                      'before': current if current is not None else '', 'after': text})
        if current is not None and not p['force']:
            warn('%s exists with other content and was left alone; set force: true to overwrite it' % target)
            continue
        changed = True
        if check_mode:
            managed.append((target, None))
        else:
            managed.append((target, write_atomic(target, text, **write_options(p))))

    result = dict(changed=changed, path=path, columns=columns, rows=rows)
    result[OUTPUT_FILES] = managed
    if systems is not None:
        result['systems_path'] = files[1][0]
    if want_diff:
        result['diff'] = diffs
    return result


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
        raise _NotRegular('%s exists and is %s, not a regular file; it was neither read nor replaced: remove it '
                          'or choose another dest' % (path, 'a symbolic link' if stat.S_ISLNK(info.st_mode)
                                                      else 'a special file or folder'))
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
            raise _NotRegular('%s is not a regular file; it was neither read nor replaced' % path)
        limit = max(size, MAX_BEFORE)
        if info.st_size > limit:
            return '(a file of %d bytes, not shown)' % info.st_size
        data = handle.read(limit + 1)
    if len(data) > limit:
        return '(a file of more than %d bytes, not shown)' % limit
    return data.decode('utf-8', 'replace')
