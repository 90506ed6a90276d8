# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The module base: AnsibleModule with the connection options, the API client, and the exits."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import sys
import traceback

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    JumpCloudClient,
)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.connection import (
    CONNECTION_ARGSPEC,
    OPTIONS,
    check_params,
    client_kwargs,
)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._files.modes import (
    NEW_FILE_MODE,
    OUTPUT_FILES,
    current_bits,
    resolve_mode,
)

# the connection options Ansible masks in its output (the key, the service account)
SECRET_OPTIONS = tuple(option.name for option in OPTIONS if option.no_log)


# the lists of a result that grow with its rows (see _handed_over)
ROW_LISTS = ('results', 'diff')


class HandedOver(list):
    """A list read once, on the way out: iterating it takes each entry out of it.

    AnsibleModule's exit copies the whole result (to mask secrets), breadth first, before it writes it as JSON.
    Iterated this way, each row's dict is let go of once its copy is made, instead of every row being held
    twice at the end of a large run. The copy, and so the JSON the module writes, is the same.
    """

    def __iter__(self):
        self.reverse()
        while self:
            yield self.pop()


def _handed_over(result):
    """``result`` with its per-row lists (``ROW_LISTS``) made :class:`HandedOver`, the flow's lists emptied."""
    for key in ROW_LISTS:
        rows = result.get(key)
        if type(rows) is list:      # pylint: disable=unidiomatic-typecheck
            result[key] = HandedOver(rows)
            del rows[:]
    return result


def _module_encoder():
    """The JSON encoder AnsibleModule writes its result with (ansible-core 2.19 and later), or None."""
    try:
        from ansible.module_utils.common import json as common_json
        return common_json.get_module_encoder(getattr(basic, '_ANSIBLE_PROFILE'), common_json.Direction.MODULE_TO_CONTROLLER)
    except (ImportError, AttributeError, ValueError):
        return None


def write_result(result, encoder, write):
    """Write ``result`` as ``json.dumps(result, cls=encoder)`` would, with its per-row lists (``ROW_LISTS``)
    encoded a row at a time and each row let go of once written: the whole text is never held."""
    write('{')
    for number, (key, value) in enumerate(result.items()):
        write('%s%s: ' % (', ' if number else '', json.dumps(key, cls=encoder)))
        if key not in ROW_LISTS or type(value) is not list:     # pylint: disable=unidiomatic-typecheck
            write(json.dumps(value, cls=encoder))
            continue
        write('[')
        value.reverse()
        first = True
        while value:
            write(('' if first else ', ') + json.dumps(value.pop(), cls=encoder))
            first = False
        write(']')
    write('}')


class JumpCloudModule(AnsibleModule):
    """AnsibleModule with the collection's connection options and an API client."""

    def __init__(self, *args, **kwargs):
        # secrets(params): secrets inside options that cannot be no_log whole (a list's Password values)
        self._nested_secrets = kwargs.pop('secrets', None)
        super(JumpCloudModule, self).__init__(*args, **kwargs)
        self._client = None

    def _record_module_result(self, o):
        """Write the module's result (already masked) as AnsibleModule does, a row at a time: at 100,000 rows the
        JSON text is tens of MB, which AnsibleModule holds twice (the text, then the text after a newline). The
        text written is the same. A core without this hook, or without the encoder, writes it its own way."""
        encoder = _module_encoder()
        if encoder is None:
            return super(JumpCloudModule, self)._record_module_result(o)
        write = sys.stdout.write
        write('\n')
        write_result(o, encoder, write)
        write('\n')
        return None

    def _log_invocation(self):
        """Log the invocation with the nested secrets masked too; they are masked from every output from here on."""
        self.mask_nested_secrets()
        super(JumpCloudModule, self)._log_invocation()

    def mask_nested_secrets(self):
        """Add the module's nested secrets to the values Ansible masks in its logs and results."""
        if self._nested_secrets is not None:
            self.no_log_values.update(value for value in self._nested_secrets(self.params) if value)

    def run_flow(self, flow):
        """Run a module's ``flow`` with this module's parameters, client, check and diff modes and warnings,
        and exit with what it gives: its result through exit_json, or the message and the partial results
        of a :class:`RunFailed` through fail_json. The one place the flows' outcomes become the module's exit."""
        self._check_file_mode()
        try:
            result = flow(self.params, lambda: self.client, check_mode=self.check_mode, want_diff=self._diff,
                          warn=self.warn)
        except RunFailed as exc:
            self._set_file_attributes(exc.result)
            self.fail_json(msg=exc.msg, **_handed_over(exc.result))
        self._set_file_attributes(result)
        self.exit_json(**_handed_over(result))

    def _check_file_mode(self):
        """A ``mode`` that is neither octal nor symbolic fails the task before anything is read or written."""
        if self.params.get('mode') is None:
            return
        try:
            resolve_mode(self.params['mode'], NEW_FILE_MODE)
        except ValueError as exc:
            self.fail_json(msg='mode must be in octal or symbolic form (for example "0640" or "u=rw,g=r"): %s' % exc)

    def _set_file_attributes(self, result):
        """Apply the common file options (mode, owner, group, SELinux context, attributes) to each file the flow
        lists in ``result`` under OUTPUT_FILES (and take the list out of the result): a change counts as
        ``changed``, check mode only reports it, and the diff shows it. A file the flow rewrote already has its
        mode from its first byte; the change from the mode it had before is reported here."""
        files = result.pop(OUTPUT_FILES, None) or []
        if 'mode' not in self.params:
            return          # a module without the file options
        for path, before in files:
            if current_bits(path) is None:
                continue    # nothing there: in check mode, a file a real run would create
            entry = {}
            changed = self.set_fs_attributes_if_different(self.load_file_common_arguments(self.params, path=path),
                                                          False, diff=entry)
            after = current_bits(path)
            if before is not None and after is not None and before != after and 'mode' not in entry.get('before', {}):
                entry.setdefault('before', {})['mode'] = '0%03o' % before
                entry.setdefault('after', {})['mode'] = '0%03o' % after
                changed = True
            if changed:
                result['changed'] = True
            if entry and self._diff:
                header = '%s (file attributes)' % path
                result.setdefault('diff', []).append({'before_header': header, 'after_header': header,
                                                      'before': entry.get('before', {}), 'after': entry.get('after', {})})

    @classmethod
    def generate_argspec(cls, **kwargs):
        """The shared connection options plus the module's own ``kwargs``."""
        spec = dict((name, dict(option)) for name, option in CONNECTION_ARGSPEC.items())
        spec.update(kwargs)
        return spec

    def _check_connection_params(self):
        """Check the connection options (see ``_connection_options.check_params``); the key, or the service
        account's id and secret, are stripped of surrounding whitespace (a vaulted or pasted value often ends in
        a line break), and a message never quotes them."""
        raw = dict((name, self.params[name]) for name in SECRET_OPTIONS)
        try:
            check_params(self.params)
        except ValueError as exc:
            self.fail_json(msg='%s' % exc)
        for name, value in raw.items():
            if self.params[name] and self.params[name] != value:
                # Ansible masks the value as given; the stripped one is masked too
                self.no_log_values.add(self.params[name])

    @property
    def client(self):
        """The API client, built on first use from the connection options."""
        if self._client is None:
            if not HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
            self._check_connection_params()
            p = self.params
            try:
                self._client = JumpCloudClient(**client_kwargs(p))
            except (ValueError, RuntimeError) as exc:
                self.fail_json(msg='%s' % exc, exception=traceback.format_exc())
            if not p['validate_certs']:
                self._warn_unchecked_certificates(p)
        return self._client

    def _warn_unchecked_certificates(self, p):
        """Warn once that the credentials go to https servers whose certificates are not checked."""
        urls = [self._client.base_url] + ([p['oauth_token_url']] if p['client_id'] else [])
        unchecked = [url for url in urls if url.lower().startswith('https://')]
        if not unchecked:
            return
        what = 'the API key is' if p['api_key'] else "the service account's secret and tokens are"
        whose = "that server's certificate" if len(unchecked) == 1 else "those servers' certificates"
        self.warn('validate_certs is false: %s sent to %s without checking %s' % (what, ' and '.join(unchecked), whose))
