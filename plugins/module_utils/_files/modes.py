# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The permissions of the files the collection writes (templates, devices files, reports): they hold people's
names, emails, phone numbers and addresses, so a new file is readable by its owner only (0600), an existing
file keeps its permissions, and the ``mode`` option, as Ansible's file modules take it, overrides both.

The flows name the files they manage in their result under :data:`OUTPUT_FILES`; the module base applies the
common file options (owner, group, SELinux context, attributes, and mode once more) to them after the flow.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat

from ansible.module_utils.basic import AnsibleModule

NEW_FILE_MODE = 0o600

# the result key under which a flow lists [(path, permission bits before it was rewritten, or None)]: each file
# it wrote or found already as wanted, whose file options the module base then applies; never returned
OUTPUT_FILES = '_output_files'


class _Bits(object):
    """Enough of a stat result for AnsibleModule's symbolic mode parser: a regular file with these bits."""

    def __init__(self, bits):
        self.st_mode = stat.S_IFREG | bits


def resolve_mode(mode, current):
    """The permission bits that ``mode`` gives a regular file whose bits are ``current`` now.

    ``mode`` is the module's ``mode`` option: None (keep ``current``), a number, an octal string (V('0640')) or
    a symbolic mode as chmod takes it (V(u=rw,g=r)), applied to ``current``. Raises ValueError when it is none
    of these, or holds more than permission bits.
    """
    if mode is None:
        return current
    if isinstance(mode, bool):
        raise ValueError('mode must be in octal or symbolic form, got %r' % mode)
    if isinstance(mode, int):
        bits = mode
    else:
        try:
            bits = int(str(mode), 8)
        except ValueError:
            bits = AnsibleModule._symbolic_mode_to_octal(_Bits(current), str(mode))  # pylint: disable=protected-access
    if bits != stat.S_IMODE(bits):
        raise ValueError('mode %r holds more than permission bits' % (mode,))
    return bits


def current_bits(path):
    """The permission bits of the regular file at ``path`` (never followed through a link), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def write_options(params):
    """What the atomic write needs of the module's file options ``params``: the ``mode`` the new file has from its
    first byte, and whether it may fall back to writing in place (``unsafe_writes``)."""
    return {'mode': params.get('mode'), 'unsafe_writes': bool(params.get('unsafe_writes'))}
