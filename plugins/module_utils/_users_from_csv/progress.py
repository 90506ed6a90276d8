# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The progress file ``<report_path>.partial``: one report line appended as each user finishes.

A long run can be watched (``tail -f``), and a run that is killed leaves the list of the users it finished.
The lines are the report's (no secrets). The file is removed once the final report is written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import tempfile
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import render_report

SUFFIX = '.partial'


def progress_path(report_path):
    return report_path + SUFFIX


class Progress:
    """Appends each finished user's report line to the progress file; safe to call from the worker threads."""

    def __init__(self, path, keyed=False):
        self.path = path
        self.keyed = keyed      # the report has the match_key column
        self.lock = threading.Lock()
        self.handle = None
        self.identity = None    # the device and inode of the file it created
        self.failed = False     # a line could not be written

    def start(self):
        """Create the file with the report's header: a new file of the running user's, readable by its owner
        only, put in place of whatever the path holds (a file a killed run left, a link, a FIFO), so that nothing
        is ever written through a link, into a file someone else made or linked, or blocks on a FIFO."""
        folder = os.path.dirname(os.path.abspath(self.path))
        # mkstemp creates a new regular file (O_EXCL, never through a link), 0600
        fd, temp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(self.path)[:200], dir=folder)
        try:
            os.replace(temp, self.path)
        except OSError:
            os.close(fd)
            os.unlink(temp)
            raise
        info = os.fstat(fd)
        self.identity = (info.st_dev, info.st_ino)
        self.handle = os.fdopen(fd, 'w', encoding='utf-8', newline='')
        self._write(render_report([], keyed=self.keyed))

    def add(self, result):
        """Append the report line of one finished user's ``result``."""
        self._write(render_report([result], header=False, keyed=self.keyed))

    def _write(self, text):
        with self.lock:
            if self.handle is None:
                return
            try:
                self.handle.write(text)
                self.handle.flush()
            except (IOError, OSError):
                # progress is for watching: a full disk must not fail a user whose writes were made
                self.failed = True

    def close(self):
        with self.lock:
            if self.handle is not None:
                self.handle.close()
                self.handle = None

    def remove(self):
        """Close and remove the file: the final report has replaced it."""
        try:
            # ours still, not a file put there since (compared while ours is open, so its inode is not reused)
            info = os.lstat(self.path)
            if (info.st_dev, info.st_ino) == self.identity:
                os.unlink(self.path)
        except OSError:
            pass
        self.close()
