# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The connection options every module of the collection shares, defined once.

``OPTIONS`` is the one table: each option's name, type, default, choices, environment
variable, ``no_log``, allowed range, description and the client argument it feeds.
From it come the argument spec (``CONNECTION_ARGSPEC``), the environment fallbacks,
the checks of the given values (``check_params``) and the client's keyword arguments
(``client_kwargs``). The doc fragment ``jcops.jumpcloud.connection``, the role's
``vars/main.yml`` and ``meta/argument_specs.yml`` and the AWX credential type are
compared with this table by the unit tests.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.endpoints import OBJECT_ID_RE

# JumpCloud's regions and the API each one is served from
REGION_URLS = {
    'us': 'https://console.jumpcloud.com',
    'eu': 'https://console.eu.jumpcloud.com',
    'in': 'https://console.in.jumpcloud.com',
}
DEFAULT_API_URL = REGION_URLS['us']
# where a service account of each region trades its client id and secret for an access token: the
# region's label goes before "jumpcloud.com", as for the console (JumpCloud's CLI, jc-cli
# internal/api/region.go, and JumpCloud's PowerShell service-account login, New-JCBearerToken.ps1)
REGION_TOKEN_URLS = {
    'us': 'https://admin-oauth.id.jumpcloud.com/oauth2/token',
    'eu': 'https://admin-oauth.id.eu.jumpcloud.com/oauth2/token',
    'in': 'https://admin-oauth.id.in.jumpcloud.com/oauth2/token',
}
DEFAULT_OAUTH_TOKEN_URL = REGION_TOKEN_URLS['us']
# the only hosts the client secret goes to, unless allow_custom_token_url (or a loopback test server)
TOKEN_HOSTS = tuple(urlsplit(url).hostname for url in REGION_TOKEN_URLS.values())
# where an administrator reads the organisation id (JumpCloud's own login says so, Connect-JCOnline.ps1)
ORG_ID_WHERE = ("JumpCloud's admin console shows it on the Settings page, below the organisation's contact "
                "information")
# JumpCloud's keys are 40 characters; anything much shorter is a mistake, and Ansible would
# mask a short key's text everywhere in the output (a key "user" masks every username)
API_KEY_MIN_LENGTH = 16
# the same reason for a service account's client id and secret, whose length JumpCloud does not publish
CLIENT_CREDENTIAL_MIN_LENGTH = 8
ORG_ID_RE = OBJECT_ID_RE      # an organisation id has the form of every JumpCloud object id


class Option:
    """One connection option: what the argspec, the role and the client need to know of it. Its description lives
    in the doc fragment (``plugins/doc_fragments/connection.py``) alone, which the tests hold to this table."""

    __slots__ = ('name', 'type', 'default', 'choices', 'env', 'no_log', 'minimum', 'positive', 'no_log_said')

    def __init__(self, name, type, default=None, choices=None, env=None, no_log=None, minimum=None, positive=False):
        self.name = name
        self.type = type
        self.default = default
        self.choices = choices
        self.env = env
        self.no_log = bool(no_log)
        # no_log=False goes in the argspec only when given: for a name that reads like a secret and is not one
        self.no_log_said = no_log is not None
        self.minimum = minimum          # the smallest value allowed (ints)
        self.positive = positive        # the value, when set, must be above 0

    def argspec(self):
        """This option's entry in an Ansible argument spec."""
        spec = dict(type=self.type)
        if self.default is not None:
            spec['default'] = self.default
        if self.choices:
            spec['choices'] = list(self.choices)
        if self.no_log_said:
            spec['no_log'] = self.no_log
        if self.env:
            spec['fallback'] = (env_fallback, [self.env])
        return spec

    def range_error(self, value):
        """Why ``value`` is out of this option's range, or None."""
        if self.positive and value is not None and value <= 0:
            return '%s must be positive, got %s' % (self.name, value)
        if self.minimum is not None and value < self.minimum:
            if self.minimum == 0:
                return '%s must not be negative, got %s' % (self.name, value)
            return '%s must be at least %s, got %s' % (self.name, self.minimum, value)
        return None


OPTIONS = (
    Option('api_key', 'str', no_log=True, env='JC_API_KEY'),
    Option('client_id', 'str', no_log=True, env='JC_CLIENT_ID'),
    Option('client_secret', 'str', no_log=True, env='JC_CLIENT_SECRET'),
    Option('oauth_token_url', 'str', env='JC_OAUTH_TOKEN_URL', no_log=False),
    Option('allow_custom_token_url', 'bool', default=False),
    Option('api_url', 'str', env='JC_API_URL'),
    Option('region', 'str', choices=list(REGION_URLS), env='JC_REGION'),
    Option('org_id', 'str', env='JC_ORG_ID'),
    Option('validate_certs', 'bool', default=True),
    Option('allow_insecure_http', 'bool', default=False),
    # the range checks run in this table's order
    Option('timeout', 'int', default=30, minimum=1),
    Option('max_workers', 'int', default=16, minimum=1),
    Option('max_retries', 'int', default=5, minimum=0),
    Option('max_retry_wait', 'int', default=300, minimum=0),
    Option('requests_per_second', 'float', positive=True),
)
OPTIONS_BY_NAME = dict((option.name, option) for option in OPTIONS)

# The options every module of the collection shares. The doc fragment
# jcops.jumpcloud.connection documents exactly these.
CONNECTION_ARGSPEC = dict((option.name, option.argspec()) for option in OPTIONS)


def resolve_base_url(api_url=None, region=None):
    """The API base URL: ``api_url`` when given, else the region's, else the US one."""
    if api_url and api_url.strip():
        return api_url.strip().rstrip('/')
    if region:
        try:
            return REGION_URLS[region]
        except KeyError:
            raise ValueError('unknown region %r: choose one of %s' % (region, ', '.join(sorted(REGION_URLS))))
    return DEFAULT_API_URL


def region_of_url(url):
    """The region whose JumpCloud console ``url`` is on, or None for any other host."""
    host = (urlsplit(url or '').hostname or '').lower()
    for region, console in REGION_URLS.items():
        if host == urlsplit(console).hostname:
            return region
    return None


def resolve_token_url(oauth_token_url=None, api_url=None, region=None):
    """The service account's token endpoint: ``oauth_token_url`` when given, else the one of the region
    ``api_url`` is a console of, else ``region``'s, else the US one."""
    if oauth_token_url and oauth_token_url.strip():
        return oauth_token_url.strip()
    base_url = resolve_base_url(api_url, region)
    return REGION_TOKEN_URLS[region_of_url(base_url) or region or 'us']


def check_service_account_org(client_id, org_id):
    """ValueError when a service account (``client_id``) comes without the organisation it acts for."""
    if client_id and not org_id:
        raise ValueError('a service account needs org_id (or the JC_ORG_ID environment variable), the id of the '
                         'organisation it acts for, sent as x-org-id with every request: %s (24 hexadecimal '
                         'characters)' % ORG_ID_WHERE)


def clean_api_key(api_key):
    """``api_key`` without surrounding whitespace, or ValueError when it cannot be a JumpCloud key.

    A key pasted or vaulted with its line break (``echo KEY | ansible-vault encrypt_string``)
    works; a key with a space, a control or non-ASCII character inside, or a very short one,
    is refused. The message never quotes the key.
    """
    key = (api_key or '').strip()
    if not key:
        raise ValueError('an API key is required (api_key, or the JC_API_KEY environment variable), or a service '
                         'account\'s client_id and client_secret (JC_CLIENT_ID, JC_CLIENT_SECRET)')
    return _clean_secret(key, 'the API key', 'JumpCloud API keys are', API_KEY_MIN_LENGTH,
                         ' to be a JumpCloud API key (at least %d characters; JumpCloud issues 40)' % API_KEY_MIN_LENGTH)


def _clean_secret(value, what, kind_text, minimum, short_text):
    """``value`` (stripped), or ValueError naming ``what`` is wrong with it, never quoting it."""
    kinds = []
    for char in value:
        kind = _character_kind(char)
        if kind and kind not in kinds:
            kinds.append(kind)
    if kinds:
        raise ValueError(
            '%s contains %s inside it; %s printable ASCII without spaces. '
            'Check how it was stored (for ansible-vault encrypt_string, pass it with printf %%s or echo -n)'
            % (what, ' and '.join(kinds), kind_text))
    if len(value) < minimum:
        raise ValueError('%s is too short%s; check the value' % (what, short_text))
    return value


def clean_credentials(api_key, client_id, client_secret):
    """``(api_key, client_id, client_secret)`` cleaned, with exactly one way of logging in set and the other None.

    Either an API key, or a service account's client id and secret together; a blank value counts as not
    given (an AWX credential injects empty variables for the fields left empty). Anything else is a
    ValueError that never quotes a value.
    """
    api_key, client_id, client_secret = [(value or '').strip() or None for value in (api_key, client_id, client_secret)]
    if api_key and (client_id or client_secret):
        raise ValueError('give either an API key (api_key, JC_API_KEY) or a service account (client_id and '
                         'client_secret, JC_CLIENT_ID and JC_CLIENT_SECRET), not both')
    if not (client_id or client_secret):
        return clean_api_key(api_key), None, None
    if not (client_id and client_secret):
        raise ValueError('a service account needs both client_id and client_secret; %s is missing (%s)' % (
            ('client_secret', 'JC_CLIENT_SECRET') if client_id else ('client_id', 'JC_CLIENT_ID')))
    service_account = []
    for value, what in ((client_id, 'client_id'), (client_secret, 'client_secret')):
        service_account.append(_clean_secret(value, 'the %s' % what, 'service account credentials are',
                                             CLIENT_CREDENTIAL_MIN_LENGTH,
                                             ' (at least %d characters)' % CLIENT_CREDENTIAL_MIN_LENGTH))
    return None, service_account[0], service_account[1]


def _character_kind(char):
    """What is wrong with ``char`` in an API key, or None for printable ASCII."""
    if char in '\r\n':
        return 'a line break'
    if char.isspace():
        return 'a space'
    if ord(char) < 0x20 or ord(char) == 0x7f:
        return 'a control character'
    if ord(char) > 0x7f:
        return 'a non-ASCII character'
    return None


def check_params(params):
    """Check and normalise the connection options in ``params`` (changed in place); ValueError says what is wrong.

    The ranges are checked first, in table order, then the organisation id (blank means
    none), then the credentials: an API key or a service account, exactly one (stripped; see
    :func:`clean_credentials`); a service account needs ``org_id``. A blank token URL means the
    region's (:func:`resolve_token_url`).
    """
    for option in OPTIONS:
        if option.minimum is not None or option.positive:
            error = option.range_error(params[option.name])
            if error:
                raise ValueError(error)
    if params['org_id'] is not None:
        params['org_id'] = params['org_id'].strip() or None
    if params['org_id'] and not ORG_ID_RE.fullmatch(params['org_id']):
        raise ValueError('org_id must be 24 lowercase hexadecimal characters')
    params['api_key'], params['client_id'], params['client_secret'] = clean_credentials(
        params['api_key'], params['client_id'], params['client_secret'])
    check_service_account_org(params['client_id'], params['org_id'])
    params['oauth_token_url'] = resolve_token_url(params['oauth_token_url'], params['api_url'], params['region'])
    return params


# the options client_kwargs combines into one JumpCloudClient argument (the API's base URL)
COMBINED = ('api_url', 'region')


def client_kwargs(params):
    """The ``JumpCloudClient`` keyword arguments for checked connection ``params``."""
    kwargs = dict((option.name, params[option.name]) for option in OPTIONS if option.name not in COMBINED)
    kwargs['base_url'] = resolve_base_url(params['api_url'], params['region'])
    return kwargs
