# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Writing an output file whole or not at all: a temporary file in the same folder, its mode set before the first
byte, then a rename; the report, the failed-rows file, templates and devices files are all written here."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import signal
import stat
import tempfile
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import NEW_FILE_MODE, resolve_mode


class _Terminated(BaseException):
    def __init__(self, signum):
        super(_Terminated, self).__init__(signum)
        self.signum = signum


TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ('SIGTERM', 'SIGHUP') if hasattr(signal, name))


def _raise_terminated(signum, frame):
    raise _Terminated(signum)


def write_atomic(path, text, mode=None, unsafe_writes=False, private=False):
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename; return the permission
    bits the file had before (None when it is new). ``text`` is a string, or a tuple of strings written one after
    the other (a large text is then never copied to join them).

    The temporary file is created readable by its owner only, and its mode is set on the open descriptor (never
    by path) before the first byte: ``mode`` (a number, an octal string or a symbolic mode, see
    ``_file_modes.resolve_mode``) applied to the existing file's bits, or 0600 for a new file. An existing file
    keeps its mode, and its owner and group where the process may set them. The data reaches the disk before
    the rename, and the temporary file is removed on any error and on SIGTERM or SIGHUP (the signal is then
    delivered again, so the process still ends as it would have). With ``unsafe_writes``, a rename the file
    system refuses (a file bind-mounted into a container) falls back to rewriting the file in place.

    With ``private`` (a file that may hold passwords), the file is a new one of the running user's at 0600
    whatever was at the path: neither ``mode`` nor an earlier file's mode or owner carries over, and it is never
    written in place.
    """
    folder = os.path.dirname(os.path.abspath(path))
    before = None if private else _regular_file_status(path)
    if private:
        mode, unsafe_writes = None, False
    previous_bits = None if before is None else stat.S_IMODE(before.st_mode)
    bits = resolve_mode(mode, NEW_FILE_MODE if previous_bits is None else previous_bits)
    previous = _catch_terminating_signals()
    temp = None
    try:
        temp = _write_temporary(path, folder, text, bits, before)
        _rename(temp, path, text, bits, unsafe_writes)
        temp = None
        _fsync_folder(folder)
    except _Terminated as exc:
        _remove(temp)
        _restore(previous)
        os.kill(os.getpid(), exc.signum)
        raise
    except BaseException:
        _remove(temp)
        raise
    finally:
        _restore(previous)
    return previous_bits


def _regular_file_status(path):
    """The ``lstat`` of the regular file at ``path``; None when there is none (or something else is there)."""
    try:
        before = os.lstat(path)
    except OSError:
        return None
    return before if stat.S_ISREG(before.st_mode) else None


def _catch_terminating_signals():
    """Turn SIGTERM and SIGHUP into :class:`_Terminated` while a file is written; return the handlers to restore.

    Only in the main thread (where Python lets a handler be set), and a handler of the caller's own is left alone.
    """
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in TERMINATING_SIGNALS:
            if signal.getsignal(signum) == signal.SIG_DFL:
                previous[signum] = signal.signal(signum, _raise_terminated)
    return previous


def _write_temporary(path, folder, text, bits, before):
    """Write ``text`` to a new temporary file beside ``path``, its mode ``bits`` set before the first byte and its
    data on disk; return its name. It takes the owner of ``before`` (the file it replaces) where it may."""
    # the temporary name stays within the 255 bytes a file name may have; mkstemp creates it 0600
    handle, temp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path)[:200], dir=folder)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8', newline='') as out:
            if before is not None:
                _keep_owner(out.fileno(), before)
            os.fchmod(out.fileno(), bits)
            _write_parts(out, text)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        _remove(temp)
        raise
    return temp


def _write_parts(out, text):
    """Write ``text``, a string or a tuple of strings, to the file ``out``."""
    for part in (text,) if isinstance(text, str) else text:
        out.write(part)


def _rename(temp, path, text, bits, unsafe_writes):
    """Put ``temp`` in the place of ``path``; with ``unsafe_writes``, rewrite ``path`` in place when the file system
    refuses the rename (and remove ``temp``)."""
    try:
        os.replace(temp, path)
    except OSError as exc:
        if not unsafe_writes or exc.errno not in RENAME_REFUSED:
            raise
        _write_in_place(path, text, bits)
        _remove(temp)


# the errors of a rename that the file system, not the file, refuses (as Ansible's atomic_move falls back on)
RENAME_REFUSED = (errno.EPERM, errno.EXDEV, errno.EACCES, errno.ETXTBSY, errno.EBUSY)


def _keep_owner(fd, before):
    """Give the new file the owner and group of the one it replaces, where the process may (as root)."""
    info = os.fstat(fd)
    if (info.st_uid, info.st_gid) != (before.st_uid, before.st_gid):
        try:
            os.fchown(fd, before.st_uid, before.st_gid)
        except OSError:
            pass


def _write_in_place(path, text, bits):
    """Rewrite ``path`` in place (``unsafe_writes``): never through a link, created with ``bits`` if it is gone."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, 'O_NOFOLLOW', 0), bits)
    with os.fdopen(fd, 'w', encoding='utf-8', newline='') as out:
        os.fchmod(out.fileno(), bits)
        _write_parts(out, text)
        out.flush()
        os.fsync(out.fileno())


def _remove(temp):
    if temp is not None:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _restore(previous):
    while previous:
        signum, handler = previous.popitem()
        signal.signal(signum, handler)


def _fsync_folder(folder):
    """Make the rename itself durable (where the system lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
