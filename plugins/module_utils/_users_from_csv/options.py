# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The options of one jc_users_from_csv run, and the choices of its argument spec: one object built from the
module's parameters, not a dozen values handed from stage to stage."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv import columns
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.items import ITEMS_OPTION, ItemsPath, secret_values
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import write_options
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.match import ATTRIBUTE, MATCH_ON, USERNAME, Matcher
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import FAIL, MODES
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.plan import PASSWORD_ON_CREATE, UPDATE_PASSWORD_CHOICES

WRITE_PUT = 'put'
WRITE_BULK = 'bulk'
WRITE_MODES = (WRITE_PUT, WRITE_BULK)
MAX_FILE_SIZE = 100 * 1024 * 1024

# the module's own options beside the connection's (jc_users_from_csv builds its argument spec from this)
ARGUMENT_SPEC = dict(
    csv_path=dict(type='path'),
    max_file_size=dict(type='bytes', default='%dMB' % (MAX_FILE_SIZE // (1024 * 1024))),
    skip_invalid_rows=dict(type='bool', default=False),
    update_password=dict(type='str', choices=list(UPDATE_PASSWORD_CHOICES), default=PASSWORD_ON_CREATE, no_log=False),
    missing_users=dict(type='str', choices=list(MODES), default=FAIL),
    activation_email=dict(type='bool', default=True),
    clear_token=dict(type='str', default='__CLEAR__', no_log=False),
    report_path=dict(type='path'),
    failed_rows_path=dict(type='path'),
    write_mode=dict(type='str', choices=list(WRITE_MODES), default=WRITE_PUT),
    users=dict(type='list', elements='dict'),
    match_on=dict(type='str', choices=list(MATCH_ON), default=USERNAME),
    match_attribute=dict(type='str'),
)
# the rows come from a file or from a list, one of the two
SOURCE_RULES = dict(mutually_exclusive=[('csv_path', 'users')], required_one_of=[('csv_path', 'users')],
                    required_if=[('match_on', ATTRIBUTE, ('match_attribute',))])


def option_problem(params):
    """Why the options cannot be used together, beyond what the argument spec checks; None when they can."""
    name = params.get('match_attribute')
    if name is not None and params.get('match_on') != ATTRIBUTE:
        return 'match_attribute is only for match_on: %s (match_on is %s)' % (ATTRIBUTE, params.get('match_on'))
    if name is not None and not columns.ATTRIBUTE_NAME_RE.match(name):
        return 'match_attribute %r must be a custom attribute name: letters and digits only' % name
    return None


def secret_params(params):
    """The secrets among the module's parameters beyond its no_log options: the items' Password values."""
    return secret_values(params.get('users'))


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
        # where problems are located: the file's path, or ``users`` for a list of items
        self.source = self.csv_path if self.users is None else ItemsPath(ITEMS_OPTION)
        # which cell finds each row's user
        self.matcher = Matcher(self.match_on, self.match_attribute)

    @property
    def bulk(self):
        """Whether the field changes go in bulk jobs (never in check mode, which writes nothing)."""
        return self.write_mode == WRITE_BULK and not self.check_mode

    @property
    def writes_progress(self):
        """Whether the run keeps a progress file beside its report (a real run with a report only)."""
        return bool(self.report_path) and not self.check_mode
