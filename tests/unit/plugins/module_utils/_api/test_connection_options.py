"""The connection options' one table, and everything that must agree with it: the argspec, the doc
fragment, the role's vars and argument specs, the AWX credential type, the checks and the client's arguments."""
import os
import re

import pytest
import yaml

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET, ORG_ID, ROOT
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible_collections.jcops.jumpcloud.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api import connection as co
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import ClientSettings, JumpCloudClient

ROLE = os.path.join(ROOT, 'roles', 'users_csv')
NAMES = [option.name for option in co.OPTIONS]


def load(*parts):
    with open(os.path.join(*parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def yaml_value(value):
    """How a default reads in the docs' V(...) markup."""
    return {True: 'true', False: 'false'}.get(value, '%s' % (value,)) if isinstance(value, bool) else '%s' % (value,)


def given(**changes):
    """Connection parameters as AnsibleModule hands them over: every option, defaults applied."""
    params = dict((option.name, option.default) for option in co.OPTIONS)
    params['api_key'] = API_KEY
    params.update(changes)
    return params


# -- the argspec -----------------------------------------------------------------------------------

def test_the_argspec_is_the_table():
    assert list(co.CONNECTION_ARGSPEC) == NAMES
    assert co.CONNECTION_ARGSPEC['api_key'] == dict(type='str', no_log=True, fallback=(co.env_fallback, ['JC_API_KEY']))
    assert co.CONNECTION_ARGSPEC['region'] == dict(type='str', choices=['us', 'eu', 'in'],
                                                   fallback=(co.env_fallback, ['JC_REGION']))
    assert co.CONNECTION_ARGSPEC['timeout'] == dict(type='int', default=30)
    assert co.CONNECTION_ARGSPEC['requests_per_second'] == dict(type='float')
    assert co.CONNECTION_ARGSPEC['client_secret'] == dict(type='str', no_log=True,
                                                          fallback=(co.env_fallback, ['JC_CLIENT_SECRET']))
    # a URL whose name reads like a secret (validate-modules asks) is said not to be one
    # no default of its own: unset, it follows the region (see test_the_token_url_follows_the_region)
    assert co.CONNECTION_ARGSPEC['oauth_token_url'] == dict(
        type='str', no_log=False, fallback=(co.env_fallback, ['JC_OAUTH_TOKEN_URL']))
    # no environment variable: an AWX credential (or whoever sets the environment) cannot turn it on
    assert co.CONNECTION_ARGSPEC['allow_custom_token_url'] == dict(type='bool', default=False)
    for option in co.OPTIONS:
        spec = co.CONNECTION_ARGSPEC[option.name]
        assert spec['type'] == option.type and spec.get('default') == option.default
        assert ('fallback' in spec) == bool(option.env) and spec.get('no_log', False) == option.no_log


def test_the_environment_variables_keep_their_names():
    envs = dict((option.name, option.env) for option in co.OPTIONS if option.env)
    assert envs == {'api_key': 'JC_API_KEY', 'api_url': 'JC_API_URL', 'region': 'JC_REGION', 'org_id': 'JC_ORG_ID',
                    'client_id': 'JC_CLIENT_ID', 'client_secret': 'JC_CLIENT_SECRET',
                    'oauth_token_url': 'JC_OAUTH_TOKEN_URL'}


def test_the_argspec_reads_the_environment(monkeypatch):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    monkeypatch.setenv('JC_API_KEY', API_KEY)
    monkeypatch.setenv('JC_REGION', 'eu')
    monkeypatch.setenv('JC_ORG_ID', 'a' * 24)
    monkeypatch.setenv('JC_API_URL', 'https://jumpcloud.example')
    result = ArgumentSpecValidator(co.CONNECTION_ARGSPEC).validate({})
    assert result.error_messages == []
    params = result.validated_parameters
    assert (params['api_key'], params['region'], params['org_id'], params['api_url']) == (
        API_KEY, 'eu', 'a' * 24, 'https://jumpcloud.example')
    assert params['max_workers'] == 16 and params['max_retries'] == 5 and params['allow_insecure_http'] is False


# -- the doc fragment ------------------------------------------------------------------------------

def test_the_doc_fragment_documents_the_table_option_for_option():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert sorted(documented) == sorted(NAMES)
    for option in co.OPTIONS:
        doc = documented[option.name]
        assert isinstance(doc['description'], list) and doc['description'], option.name
        assert doc['type'] == option.type, option.name
        assert doc.get('default') == option.default, option.name
        assert doc.get('choices') == option.choices, option.name
        assert set(doc) <= {'description', 'type', 'default', 'choices'}, option.name


def described(name):
    """An option's description: the doc fragment's, its one place."""
    return yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options'][name]['description']


def test_each_environment_variable_is_documented_with_its_option_only():
    for option in co.OPTIONS:
        text = ' '.join(described(option.name))
        if option.env:
            assert 'If not set, the value of the E(%s) environment variable is used' % option.env in text
        mentioned = set(re.findall(r'E\((JC_\w+)\)', text))
        assert mentioned <= {option.env}, option.name


def test_the_region_docs_name_each_region_url():
    text = ' '.join(described('region'))
    for region, url in co.REGION_URLS.items():
        assert 'V(%s) is U(%s)' % (region, url) in text


# -- the role --------------------------------------------------------------------------------------

def render_role_connection(variables):
    """The role's ``users_csv__connection`` as Ansible renders it for ``variables``."""
    template = load(ROLE, 'vars', 'main.yml')['users_csv__connection']
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(template))


def test_the_role_passes_every_option_it_is_given_to_the_module():
    values = {'api_key': API_KEY, 'client_id': CLIENT_ID, 'client_secret': CLIENT_SECRET,
              'oauth_token_url': 'https://oauth.example/oauth2/token',
              'api_url': 'https://jumpcloud.example', 'region': 'eu', 'org_id': 'a' * 24,
              'allow_custom_token_url': True,
              'validate_certs': False, 'allow_insecure_http': True, 'timeout': 7, 'max_workers': 3,
              'max_retries': 2, 'max_retry_wait': 9, 'requests_per_second': 1.5}
    assert sorted(values) == sorted(NAMES)
    rendered = render_role_connection(dict(('users_csv_%s' % name, value) for name, value in values.items()))
    assert rendered == values


def test_the_role_leaves_unset_options_to_the_module():
    assert render_role_connection({}) == {}
    assert render_role_connection({'users_csv_region': '', 'users_csv_validate_certs': False}) == {
        'validate_certs': False}


@pytest.mark.parametrize('entry_point', ['template', 'main'])
def test_the_role_argument_specs_describe_every_option_as_the_module_does(entry_point):
    spec = load(ROLE, 'meta', 'argument_specs.yml')['argument_specs'][entry_point]['options']
    role_options = set(name for name in spec if name.startswith('users_csv_') and
                       name[len('users_csv_'):] in co.OPTIONS_BY_NAME)
    assert role_options == set('users_csv_%s' % name for name in NAMES)
    for option in co.OPTIONS:
        role = spec['users_csv_%s' % option.name]
        lines = role['description'] if isinstance(role['description'], list) else [role['description']]
        text = ' '.join(lines)
        assert role['type'] == option.type, option.name
        assert role.get('choices') == option.choices, option.name
        assert role.get('no_log', False) == option.no_log, option.name
        # unset means the module's default (and environment variable), so the role sets no default of its own
        assert 'default' not in role, option.name
        assert lines[0] == re.sub(r'O\((\w+)\)', r'O(users_csv_\1)', described(option.name)[0]), option.name
        assert 'O(jcops.jumpcloud.jc_users_from_csv#module:%s)' % option.name in text, option.name
        if option.env:
            assert 'E(%s)' % option.env in text, option.name
        if option.default is not None:
            assert "the module's default V(%s)" % yaml_value(option.default) in text, option.name


def test_the_role_defaults_list_every_connection_variable():
    with open(os.path.join(ROLE, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        listed = set(re.findall(r'users_csv_(\w+)', handle.read()))
    assert set(NAMES) <= listed


# -- the AWX credential type -----------------------------------------------------------------------

def test_the_awx_credential_type_injects_options_as_the_table_describes_them():
    cred = load(ROOT, 'docs', 'awx', 'credential_type.yml')
    fields = dict((field['id'], field) for field in cred['inputs']['fields'])
    by_env = dict((option.env, option) for option in co.OPTIONS if option.env)
    for env, template in cred['injectors']['env'].items():
        assert env in by_env, env
        option = by_env[env]
        assert re.match(r'^\{\{ %s\b' % option.name, template), (env, template)
        field = fields[option.name]
        assert field.get('secret', False) == option.no_log, option.name
        assert field.get('choices') == option.choices, option.name
        assert field['type'] == 'string' and option.type == 'str'
    assert set(fields) <= set(co.OPTIONS_BY_NAME)
    assert set(fields) == set(option.name for option in by_env.values() if option.env in cred['injectors']['env'])
    # the credential's region default is what the module uses when no region is set
    assert co.REGION_URLS[fields['region']['default']] == co.resolve_base_url() == co.DEFAULT_API_URL
    # an empty token URL follows the region: a default here would send an EU or IN org's secret to the US host
    assert 'default' not in fields['oauth_token_url'] and co.OPTIONS_BY_NAME['oauth_token_url'].default is None
    assert 'allow_custom_token_url' not in fields
    # both ways of logging in are offered, so neither is required: the modules refuse both or neither
    secret = [name for name, field in fields.items() if field.get('secret')]
    assert secret == ['api_key', 'client_id', 'client_secret'] and cred['inputs']['required'] == []


# -- checks and client arguments -------------------------------------------------------------------

NO_CREDENTIALS = ('an API key is required (api_key, or the JC_API_KEY environment variable), or a service '
                  "account's client_id and client_secret (JC_CLIENT_ID, JC_CLIENT_SECRET)")


@pytest.mark.parametrize('name,value,message', [
    ('timeout', 0, 'timeout must be at least 1, got 0'),
    ('max_workers', 0, 'max_workers must be at least 1, got 0'),
    ('max_retries', -1, 'max_retries must not be negative, got -1'),
    ('max_retry_wait', -5, 'max_retry_wait must not be negative, got -5'),
    ('requests_per_second', 0.0, 'requests_per_second must be positive, got 0.0'),
    ('requests_per_second', -2.5, 'requests_per_second must be positive, got -2.5'),
    ('org_id', 'ABCDEF0123456789abcdef01', 'org_id must be 24 lowercase hexadecimal characters'),
    ('org_id', 'a' * 23, 'org_id must be 24 lowercase hexadecimal characters'),
    ('api_key', '', NO_CREDENTIALS),
    ('api_key', None, NO_CREDENTIALS),
    ('api_key', ' \n', NO_CREDENTIALS),
])
def test_out_of_range_values_are_refused_with_their_message(name, value, message):
    with pytest.raises(ValueError) as info:
        co.check_params(given(**{name: value}))
    assert '%s' % info.value == message


def test_the_edges_of_the_ranges_are_accepted():
    params = co.check_params(given(timeout=1, max_workers=1, max_retries=0, max_retry_wait=0,
                                   requests_per_second=0.01))
    assert params['timeout'] == 1 and params['max_retry_wait'] == 0


def test_the_checks_run_in_order_ranges_then_org_id_then_key():
    with pytest.raises(ValueError, match='^timeout'):
        co.check_params(given(timeout=0, max_workers=0, max_retries=-1, org_id='x', api_key=''))
    with pytest.raises(ValueError, match='^max_workers'):
        co.check_params(given(max_workers=0, max_retries=-1))
    with pytest.raises(ValueError, match='^max_retries'):
        co.check_params(given(max_retries=-1, requests_per_second=0))
    with pytest.raises(ValueError, match='^org_id'):
        co.check_params(given(org_id='x', api_key=''))


def test_the_org_id_and_key_are_normalised():
    params = co.check_params(given(org_id='  %s\n' % ('a' * 24), api_key=API_KEY + '\n'))
    assert params['org_id'] == 'a' * 24 and params['api_key'] == API_KEY
    assert co.check_params(given(org_id='  '))['org_id'] is None


def test_client_kwargs_pass_every_option_the_client_takes():
    params = co.check_params(given(region='eu', org_id='a' * 24, requests_per_second=2.0))
    kwargs = co.client_kwargs(params)
    assert kwargs == {'api_key': API_KEY, 'base_url': 'https://console.eu.jumpcloud.com', 'org_id': 'a' * 24,
                      'validate_certs': True, 'allow_insecure_http': False, 'timeout': 30, 'max_workers': 16,
                      'max_retries': 5, 'max_retry_wait': 300, 'requests_per_second': 2.0,
                      'client_id': None, 'client_secret': None, 'allow_custom_token_url': False,
                      'oauth_token_url': 'https://admin-oauth.id.eu.jumpcloud.com/oauth2/token'}
    assert set(kwargs) <= set(ClientSettings.NAMES)
    client = JumpCloudClient(**kwargs)
    assert client.base_url == 'https://console.eu.jumpcloud.com' and client.timeout == 30
    assert client.retry_policy.max_retries == 5 and client.retry_policy.max_retry_wait == 300
    assert client.session.headers['x-org-id'] == 'a' * 24


def test_api_url_wins_over_the_region():
    kwargs = co.client_kwargs(given(api_url=' http://127.0.0.1:8089/ ', region='eu'))
    assert kwargs['base_url'] == 'http://127.0.0.1:8089'


def test_resolve_base_url():
    assert co.resolve_base_url() == 'https://console.jumpcloud.com'
    assert co.resolve_base_url(region='eu') == 'https://console.eu.jumpcloud.com'
    assert co.resolve_base_url(region='in') == 'https://console.in.jumpcloud.com'
    assert co.resolve_base_url('http://127.0.0.1:8089/', region='eu') == 'http://127.0.0.1:8089'
    with pytest.raises(ValueError):
        co.resolve_base_url(region='mars')


def test_a_service_account_instead_of_a_key():
    params = co.check_params(given(api_key='', client_id=' %s\n' % CLIENT_ID, client_secret=CLIENT_SECRET + '\r\n',
                                   oauth_token_url='  ', org_id=ORG_ID))
    assert (params['api_key'], params['client_id'], params['client_secret']) == (None, CLIENT_ID, CLIENT_SECRET)
    # an empty token URL (an AWX credential's empty field) is the region's, here none: the US one
    assert params['oauth_token_url'] == co.DEFAULT_OAUTH_TOKEN_URL
    kwargs = co.client_kwargs(params)
    client = JumpCloudClient(**kwargs)
    assert 'x-api-key' not in client.session.headers and client._tokens.token_url == co.DEFAULT_OAUTH_TOKEN_URL


@pytest.mark.parametrize('changes,message', [
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), 'not both'),
    (dict(client_id=CLIENT_ID), 'not both'),
    (dict(api_key=None, client_id=CLIENT_ID), 'client_secret is missing (JC_CLIENT_SECRET)'),
    (dict(api_key=' ', client_secret=CLIENT_SECRET), 'client_id is missing (JC_CLIENT_ID)'),
    (dict(api_key='', client_id='', client_secret=' '), 'an API key is required'),
    (dict(api_key=None, client_id='abc\tdefghij', client_secret=CLIENT_SECRET),
     'the client_id contains a space inside it; service account credentials are printable ASCII'),
    (dict(api_key=None, client_id=CLIENT_ID, client_secret='1234567'), 'the client_secret is too short'),
])
def test_exactly_one_of_api_key_and_service_account(changes, message):
    with pytest.raises(ValueError) as info:
        co.check_params(given(**changes))
    assert message in '%s' % info.value
    assert not [value for value in (API_KEY, CLIENT_ID, CLIENT_SECRET) if value in '%s' % info.value]


# -- the service account's token endpoint and organisation -------------------------------------------

EU_TOKEN = 'https://admin-oauth.id.eu.jumpcloud.com/oauth2/token'
IN_TOKEN = 'https://admin-oauth.id.in.jumpcloud.com/oauth2/token'
US_TOKEN = 'https://admin-oauth.id.jumpcloud.com/oauth2/token'


@pytest.mark.parametrize('changes,expected', [
    (dict(), US_TOKEN),
    (dict(region='us'), US_TOKEN),
    (dict(region='eu'), EU_TOKEN),
    (dict(region='in'), IN_TOKEN),
    # an api_url on a regional console says the region, whatever region says
    (dict(api_url='https://console.eu.jumpcloud.com'), EU_TOKEN),
    (dict(api_url='https://CONSOLE.in.jumpcloud.com/', region='us'), IN_TOKEN),
    (dict(api_url='https://console.jumpcloud.com', region='eu'), US_TOKEN),
    # any other api_url (a local test server, a proxy): the region's
    (dict(api_url='http://127.0.0.1:8089', region='in'), IN_TOKEN),
    (dict(api_url='https://jumpcloud.proxy.example'), US_TOKEN),
    # an explicit token URL wins
    (dict(region='eu', oauth_token_url=' %s ' % IN_TOKEN), IN_TOKEN),
    (dict(region='eu', oauth_token_url='  '), EU_TOKEN),
])
def test_the_token_url_follows_the_region(changes, expected):
    params = co.check_params(given(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=ORG_ID,
                                   **changes))
    assert params['oauth_token_url'] == expected
    client = JumpCloudClient(**co.client_kwargs(params))
    assert client._tokens.token_url == expected


def test_the_client_alone_takes_the_token_url_from_a_regional_console():
    def token_url(base_url):
        return JumpCloudClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=ORG_ID,
                               base_url=base_url)._tokens.token_url
    assert token_url('https://console.eu.jumpcloud.com') == EU_TOKEN
    assert token_url('https://console.in.jumpcloud.com') == IN_TOKEN
    assert token_url('https://console.jumpcloud.com') == US_TOKEN


SERVICE_ACCOUNT_WITHOUT_ORG = (
    "a service account needs org_id (or the JC_ORG_ID environment variable), the id of the organisation it acts "
    "for, sent as x-org-id with every request: JumpCloud's admin console shows it on the Settings page, below the "
    "organisation's contact information (24 hexadecimal characters)")


@pytest.mark.parametrize('org_id', [None, '', '  \n'])
def test_a_service_account_needs_the_org_id_and_is_told_where_to_find_it(org_id):
    with pytest.raises(ValueError) as info:
        co.check_params(given(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=org_id))
    assert '%s' % info.value == SERVICE_ACCOUNT_WITHOUT_ORG
    with pytest.raises(ValueError) as info:
        JumpCloudClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=org_id)
    assert '%s' % info.value == SERVICE_ACCOUNT_WITHOUT_ORG
    # an API key still works without one (it is needed only by multi-tenant keys)
    assert co.check_params(given(org_id=org_id))['org_id'] is None


@pytest.mark.parametrize('url', ['https://oauth.example/oauth2/token', 'https://admin-oauth.id.jumpcloud.com.evil.example/t',
                                 'https://jumpcloud.com/oauth2/token', 'https://10.0.0.1/oauth2/token'])
def test_the_token_host_must_be_jumpclouds_or_loopback_unless_allowed(url):
    kwargs = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=ORG_ID, oauth_token_url=url)
    with pytest.raises(ValueError) as info:
        JumpCloudClient(**kwargs)
    assert ('refusing to send the client secret to %s: oauth_token_url must be on one of JumpCloud\'s token hosts '
            '(admin-oauth.id.jumpcloud.com, admin-oauth.id.eu.jumpcloud.com, admin-oauth.id.in.jumpcloud.com) or a '
            'loopback address' % url.split('/')[2]) in '%s' % info.value
    assert CLIENT_SECRET not in '%s' % info.value
    assert JumpCloudClient(allow_custom_token_url=True, **kwargs)._tokens.token_url == url


@pytest.mark.parametrize('url', [EU_TOKEN, IN_TOKEN, US_TOKEN, 'https://ADMIN-OAUTH.id.jumpcloud.com:443/oauth2/token',
                                 'http://127.0.0.1:8089/oauth2/token', 'http://localhost:1/t', 'http://[::1]:2/t'])
def test_jumpclouds_token_hosts_and_loopback_are_accepted(url):
    client = JumpCloudClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=ORG_ID, oauth_token_url=url)
    assert client._tokens.token_url == url


def test_an_api_key_client_never_checks_the_token_url():
    assert JumpCloudClient(api_key=API_KEY, oauth_token_url='https://oauth.example/t')._tokens is None


def test_the_client_defaults_are_the_tables():
    settings = ClientSettings()
    for option in co.OPTIONS:
        if option.name not in co.COMBINED:
            assert getattr(settings, option.name) == option.default, option.name
    assert JumpCloudClient(api_key=API_KEY)._max_workers == 16
    with pytest.raises(TypeError, match='unknown client settings: max_worker'):
        ClientSettings(max_worker=4)
