# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The options of one jc_users_from_csv run, and the choices of its argument spec: one object built from the
module's parameters, not a dozen values handed from stage to stage."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import write_options
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import FAIL, MODES
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import PASSWORD_ON_CREATE, UPDATE_PASSWORD_CHOICES
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.report import RETURN_ALL, RETURN_RESULTS

WRITE_PUT = 'put'
WRITE_BULK = 'bulk'
WRITE_MODES = (WRITE_PUT, WRITE_BULK)
MAX_FILE_SIZE = 100 * 1024 * 1024

# the module's own options beside the connection's (jc_users_from_csv builds its argument spec from this)
ARGUMENT_SPEC = dict(
    csv_path=dict(type='path', required=True),
    max_file_size=dict(type='bytes', default='%dMB' % (MAX_FILE_SIZE // (1024 * 1024))),
    skip_invalid_rows=dict(type='bool', default=False),
    update_password=dict(type='str', choices=list(UPDATE_PASSWORD_CHOICES), default=PASSWORD_ON_CREATE, no_log=False),
    missing_users=dict(type='str', choices=list(MODES), default=FAIL),
    activation_email=dict(type='bool', default=True),
    clear_token=dict(type='str', default='__CLEAR__', no_log=False),
    report_path=dict(type='path'),
    failed_rows_path=dict(type='path'),
    write_mode=dict(type='str', choices=list(WRITE_MODES), default=WRITE_PUT),
    return_results=dict(type='str', choices=list(RETURN_RESULTS), default=RETURN_ALL),
    return_user_lines=dict(type='bool', default=False),
)


class RunOptions:
    """What one run was asked to do: the module's parameters by name, its defaults where a caller left one out,
    the check and diff modes, and the login's name for the messages."""

    def __init__(self, params, check_mode=False, want_diff=False):
        for name, spec in ARGUMENT_SPEC.items():
            setattr(self, name, params.get(name, MAX_FILE_SIZE if spec['type'] == 'bytes' else spec.get('default')))
        self.max_workers = params['max_workers']
        self.check_mode = check_mode
        self.want_diff = want_diff
        self.credential = 'service account' if params.get('client_id') else 'API key'
        # what the report's atomic write takes of the module's file options
        self.file_options = write_options(params)

    @property
    def bulk(self):
        """Whether the field changes go in bulk jobs (never in check mode, which writes nothing)."""
        return self.write_mode == WRITE_BULK and not self.check_mode

    @property
    def writes_progress(self):
        """Whether the run keeps a progress file beside its report (a real run with a report only)."""
        return bool(self.report_path) and not self.check_mode
