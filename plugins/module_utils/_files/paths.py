# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Check an output file's path before anything is written, so that a bad path never fails a run halfway."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat


def nothing_written(problem):
    """A refusal before anything was read or written (an output path, an option, a file in the way)."""
    return '%s; nothing was written' % problem


def not_a_regular_file(subject, kind=None):
    """``subject`` (a file named in a sentence) is ``kind`` (a directory, a symbolic link ...), not a regular file."""
    if kind is None:
        return '%s is not a regular file' % subject
    return '%s is %s, not a regular file' % (subject, kind)


def output_path_problem(path, what='the output file'):
    """Why ``path`` cannot be written (through a temporary file in its folder, then a rename), or None."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # never written through a link, nor onto a folder, a FIFO or a device
        kind = ('a directory' if stat.S_ISDIR(mode) else 'a symbolic link' if stat.S_ISLNK(mode)
                else 'a special file')
        return '%s; remove it or choose another path' % not_a_regular_file('%s %s' % (what, path), kind)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return 'the folder of %s (%s) does not exist' % (what, folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        return 'the folder of %s (%s) is not writable' % (what, folder)
    return None


def file_identity(path):
    """What ``path`` names, compared as a file: the device and inode of the file it reaches (through links), or
    its real path (folder links resolved) when there is none yet."""
    try:
        info = os.stat(path)
    except OSError:
        return ('path', os.path.realpath(path))
    return ('file', info.st_dev, info.st_ino)


def same_file_problem(inputs, outputs):
    """Why one of ``outputs`` would replace one of ``inputs`` or another output, or None. Both are lists of
    ``(what, path)``; ``what`` names the option in the message."""
    seen = {}
    for what, path in list(inputs) + list(outputs):
        key = file_identity(path)
        if key in seen:
            other, other_path, is_input = seen[key]
            return '%s (%s) and %s (%s) are the same file: %s; choose another path' % (
                other, other_path, what, path,
                'an output may not replace the input' if is_input else 'two outputs may not share a file')
        seen[key] = (what, path, (what, path) in inputs)
    return None
