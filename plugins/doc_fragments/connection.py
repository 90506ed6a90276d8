# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Documents plugins/module_utils/_connection_options.py OPTIONS, option for option
    # (tests/unit/plugins/module_utils/_api/test_connection_options.py compares the two).
    DOCUMENTATION = r'''
options:
  api_key:
    description:
      - JumpCloud API key, sent only in the C(x-api-key) header. Give either this or a service account's
        O(client_id) and O(client_secret) whenever the module calls the API.
      - It never appears in results, diffs, warnings or logs.
      - If not set, the value of the E(JC_API_KEY) environment variable is used.
      - Surrounding spaces and line breaks are removed (C(echo KEY | ansible-vault encrypt_string) stores one).
        A key with a space, line break, control or non-ASCII character inside, or shorter than 16 characters,
        is refused before any request (JumpCloud keys are 40 characters); the error never quotes the key.
      - Give it here, through C(module_defaults), or in the environment of C(ansible-playbook) itself
        (an AWX credential sets E(JC_API_KEY) there). Do not set E(JC_API_KEY) in a task's C(environment),
        since Ansible puts those values on the module's command line, which C(-vvv) prints.
    type: str
  client_id:
    description:
      - Client id of a JumpCloud service account (OAuth 2.0 client credentials), to use instead of O(api_key).
        Give it with O(client_secret).
      - The module trades the two for an access token at O(oauth_token_url) once, shares it among all its
        workers, fetches a new one 30 seconds before it expires, and sends it as a bearer token in the
        C(Authorization) header. When the API refuses a token, one new token is fetched and the request sent
        once more.
      - Giving both O(api_key) and a service account, or neither, is an error before any request.
      - Treated as a secret, like the key. If not set, the value of the E(JC_CLIENT_ID) environment variable is
        used.
      - Surrounding spaces and line breaks are removed; a value with a space, control or non-ASCII character
        inside, or shorter than 8 characters, is refused.
    type: str
  client_secret:
    description:
      - Client secret of the JumpCloud service account of O(client_id).
      - It is sent only to O(oauth_token_url), and it and the access tokens never appear in results, diffs,
        warnings or logs. A secret the token endpoint refuses is one error naming O(oauth_token_url), before
        anything is written.
      - If not set, the value of the E(JC_CLIENT_SECRET) environment variable is used.
      - Surrounding spaces and line breaks are removed; a value with a space, control or non-ASCII character
        inside, or shorter than 8 characters, is refused.
    type: str
  oauth_token_url:
    description:
      - Token endpoint of JumpCloud's OAuth 2.0 service, used only with O(client_id) and O(client_secret).
      - If not set, the value of the E(JC_OAUTH_TOKEN_URL) environment variable is used; if neither is set (or
        it is empty), the token endpoint of the organisation's region (the region of O(api_url) when that is a
        JumpCloud console, else O(region), else the US one). V(us) is
        U(https://admin-oauth.id.jumpcloud.com/oauth2/token), V(eu) is
        U(https://admin-oauth.id.eu.jumpcloud.com/oauth2/token), V(in) is
        U(https://admin-oauth.id.in.jumpcloud.com/oauth2/token).
      - The client secret is sent there, so it must be on one of JumpCloud's token hosts
        (C(admin-oauth.id.jumpcloud.com), C(admin-oauth.id.eu.jumpcloud.com),
        C(admin-oauth.id.in.jumpcloud.com)) or a loopback address unless O(allow_custom_token_url) is set.
      - It follows the rules of O(api_url); C(https://) unless it is a loopback address or
        O(allow_insecure_http) is set, no user name, password, query or fragment, and redirects are not
        followed.
    type: str
  allow_custom_token_url:
    description:
      - Allow an O(oauth_token_url) that is neither one of JumpCloud's token hosts nor a loopback address (a
        token proxy of your own, say).
      - Off by default, since whoever can change the token URL could otherwise have the client secret sent to
        a host of their choosing. It has no environment variable, and the AWX credential type does not offer
        it, so that editing a credential cannot turn it on.
    type: bool
    default: false
  api_url:
    description:
      - Base URL of the JumpCloud API, without C(/api).
      - A user name or password, a backslash, a query or a fragment is refused, as a URL parser may read
        another host from it than the one the key is sent to.
      - Redirects are never followed, so that the key goes to no other host; a redirect is an error naming
        its target.
      - If not set, the value of the E(JC_API_URL) environment variable is used;
        if neither is set, the URL of O(region), and without a region
        V(https://console.jumpcloud.com).
    type: str
  region:
    description:
      - JumpCloud region whose API to use when O(api_url) is not set.
      - V(us) is U(https://console.jumpcloud.com), V(eu) is U(https://console.eu.jumpcloud.com),
        V(in) is U(https://console.in.jumpcloud.com).
      - If not set, the value of the E(JC_REGION) environment variable is used.
    type: str
    choices: [us, eu, in]
  org_id:
    description:
      - Organization id (24 hexadecimal characters) sent as C(x-org-id).
      - Required by multi-tenant (MSP) administrator keys, and with a service account (O(client_id)), whose
        every request names its organisation as JumpCloud's own service-account login does. JumpCloud's admin
        console shows it on the Settings page, below the organisation's contact information.
      - If not set, the value of the E(JC_ORG_ID) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the API's TLS certificate. Only turn this off against a test server.
      - When off, the module warns once per run. A refused certificate fails the run at once, without retries.
    type: bool
    default: true
  allow_insecure_http:
    description:
      - Allow an C(http://) O(api_url) (or O(oauth_token_url)) that is not a loopback address.
      - Off by default, since the API key (or the client secret and tokens) would travel in clear text.
      - A loopback O(api_url) (or O(oauth_token_url)) is never reached through a proxy from E(HTTP_PROXY) or
        E(HTTPS_PROXY).
    type: bool
    default: false
  timeout:
    description:
      - Seconds one request may take, from connecting to the last byte of its answer; the same for each
        request for a service account's token.
      - An answer that has not arrived whole by then counts as no answer (a read is retried, a write is
        reported with an unknown outcome), however steadily its bytes trickle in.
    type: int
    default: 30
  max_retries:
    description:
      - How many times to retry one request that hit HTTP 502, 503, 504 (or 500 on a read), a
        dropped connection or a timeout. Requests that may already have been applied are retried
        only when repeating them is safe; a write whose answer timed out is never retried.
      - Waits grow exponentially with random jitter.
      - HTTP 429 (rate limited) is retried until O(max_retry_wait) runs out instead, honouring
        its C(Retry-After) header; every worker then holds off until that time. Each such wait is at
        least one second, even after a C(Retry-After) of 0.
    type: int
    default: 5
  max_retry_wait:
    description:
      - Cap, in seconds, on the total time one request may spend waiting between retries
        (including waits for rate limits).
    type: int
    default: 300
  max_workers:
    description:
      - How many API requests may be in flight at once (threads). One user's writes are
        never sent concurrently with each other.
    type: int
    default: 16
  requests_per_second:
    description:
      - Client-side limit on requests per second, shared by all workers.
      - Unlimited when not set; the API's own HTTP 429 answers are always honoured.
    type: float
'''
