# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The module base: AnsibleModule with the connection options, the API client, and the exits."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.jcops.jumpcloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    JumpCloudClient,
    clean_api_key,
    resolve_base_url,
)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._common_options import CONNECTION_ARGSPEC
from ansible_collections.jcops.jumpcloud.plugins.module_utils._errors import RunFailed
from ansible_collections.jcops.jumpcloud.plugins.module_utils._model import OBJECT_ID_RE

ORG_ID_RE = OBJECT_ID_RE      # an organisation id has the form of every JumpCloud object id


class JumpCloudModule(AnsibleModule):
    """AnsibleModule with the collection's connection options and an API client."""

    def __init__(self, *args, **kwargs):
        super(JumpCloudModule, self).__init__(*args, **kwargs)
        self._client = None

    def run_flow(self, flow):
        """Run a module's ``flow`` with this module's parameters, client, check and diff modes and warnings,
        and exit with what it gives: its result through exit_json, or the message and the partial results
        of a :class:`RunFailed` through fail_json. The one place the flows' outcomes become the module's exit."""
        try:
            result = flow(self.params, lambda: self.client, check_mode=self.check_mode, want_diff=self._diff,
                          warn=self.warn)
        except RunFailed as exc:
            self.fail_json(msg=exc.msg, **exc.result)
        self.exit_json(**result)

    @classmethod
    def generate_argspec(cls, **kwargs):
        """The shared connection options plus the module's own ``kwargs``."""
        spec = dict((name, dict(option)) for name, option in CONNECTION_ARGSPEC.items())
        spec.update(kwargs)
        return spec

    def _check_connection_params(self):
        p = self.params
        for name in ('timeout', 'max_workers'):
            if p[name] < 1:
                self.fail_json(msg='%s must be at least 1, got %s' % (name, p[name]))
        for name in ('max_retries', 'max_retry_wait'):
            if p[name] < 0:
                self.fail_json(msg='%s must not be negative, got %s' % (name, p[name]))
        if p['requests_per_second'] is not None and p['requests_per_second'] <= 0:
            self.fail_json(msg='requests_per_second must be positive, got %s' % p['requests_per_second'])
        if p['org_id'] is not None:
            p['org_id'] = p['org_id'].strip() or None
        if p['org_id'] and not ORG_ID_RE.fullmatch(p['org_id']):
            self.fail_json(msg='org_id must be 24 lowercase hexadecimal characters')
        self._check_api_key()

    def _check_api_key(self):
        """Strip the key (a vaulted or pasted key often ends in a line break) and refuse one that
        cannot be a JumpCloud key, before it goes anywhere near a header; the message never quotes it."""
        p = self.params
        raw = p['api_key']
        try:
            key = clean_api_key(raw)
        except ValueError as exc:
            self.fail_json(msg='%s' % exc)
        if key != raw:
            # Ansible masks the value as given; the stripped one is masked too
            self.no_log_values.add(key)
        p['api_key'] = key

    @property
    def client(self):
        """The API client, built on first use from the connection options."""
        if self._client is None:
            if not HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
            self._check_connection_params()
            p = self.params
            try:
                self._client = JumpCloudClient(
                    api_key=p['api_key'],
                    base_url=resolve_base_url(p['api_url'], p['region']),
                    org_id=p['org_id'],
                    validate_certs=p['validate_certs'],
                    timeout=p['timeout'],
                    max_retries=p['max_retries'],
                    max_retry_wait=p['max_retry_wait'],
                    max_workers=p['max_workers'],
                    requests_per_second=p['requests_per_second'],
                    allow_insecure_http=p['allow_insecure_http'],
                )
            except (ValueError, RuntimeError) as exc:
                self.fail_json(msg='%s' % exc, exception=traceback.format_exc())
            if not p['validate_certs'] and self._client.base_url.lower().startswith('https://'):
                self.warn('validate_certs is false: the API key is sent to %s without checking that server\'s '
                          'certificate' % self._client.base_url)
        return self._client
