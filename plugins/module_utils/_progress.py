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
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._file_modes import NEW_FILE_MODE
from ansible_collections.jcops.jumpcloud.plugins.module_utils._report import render_report

SUFFIX = '.partial'


def progress_path(report_path):
    return report_path + SUFFIX


class Progress:
    """Appends each finished user's report line to the progress file; safe to call from the worker threads."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.handle = None
        self.failed = False     # a line could not be written

    def start(self):
        """Create the file (emptying one a killed run left) with the report's header. Never through a link; a new
        file is readable by its owner only, as a new report is; an existing one keeps its mode."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
        fd = os.open(self.path, flags, NEW_FILE_MODE)
        self.handle = os.fdopen(fd, 'w', encoding='utf-8', newline='')
        self._write(render_report([]))

    def add(self, result):
        """Append the report line of one finished user's ``result``."""
        self._write(render_report([result], header=False))

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
        self.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
