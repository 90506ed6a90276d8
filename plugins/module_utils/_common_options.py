# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The connection options every module of the collection shares (the argspec)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import env_fallback

# The options every module of the collection shares. The doc fragment
# jcops.jumpcloud.connection documents exactly these.
CONNECTION_ARGSPEC = dict(
    api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['JC_API_KEY'])),
    api_url=dict(type='str', fallback=(env_fallback, ['JC_API_URL'])),
    region=dict(type='str', choices=['us', 'eu', 'in'], fallback=(env_fallback, ['JC_REGION'])),
    org_id=dict(type='str', fallback=(env_fallback, ['JC_ORG_ID'])),
    validate_certs=dict(type='bool', default=True),
    allow_insecure_http=dict(type='bool', default=False),
    timeout=dict(type='int', default=30),
    max_retries=dict(type='int', default=5),
    max_retry_wait=dict(type='int', default=300),
    max_workers=dict(type='int', default=16),
    requests_per_second=dict(type='float'),
)
