"""The fake's OAuth 2.0 service: the token endpoint of JumpCloud service accounts and the tokens it issued.

``POST /oauth2/token`` with ``grant_type=client_credentials&scope=api`` (form-encoded) and HTTP Basic
``client_id:client_secret`` answers ``{"access_token", "token_type": "bearer", "expires_in", "scope"}``,
as JumpCloud's CLI (jc-cli ``internal/api/oauth.go``) expects. Errors follow RFC 6749 section 5.2: a client
that fails to authenticate gets 401 ``invalid_client``, a wrong grant type or scope 400. Client
authentication in the body (``client_secret_post``) is not accepted: JumpCloud's own clients send HTTP
Basic, and the fake is never kinder than the service.

An issued token lets its bearer call the API until it expires (``token_lifetime`` seconds, the
``expires_in`` it answered) or until the fake expires every token at once (``expire_tokens``); after that
the API answers it 401 like an unknown API key.
"""
import base64
import binascii
import secrets
import threading
import time
from urllib.parse import parse_qs

TOKEN_PATH = '/oauth2/token'
# the texts of the OAuth 2.0 server library behind such endpoints (RFC 6749 error codes)
INVALID_CLIENT = {
    'error': 'invalid_client',
    'error_description': 'Client authentication failed (e.g., unknown client, no client authentication included, '
                         'or unsupported authentication method).',
}
FORM = 'application/x-www-form-urlencoded'


class TokenService:
    """The service account the fake knows, and the tokens issued to it."""

    def __init__(self, client_id, client_secret):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.Lock()
        self.tokens = {}        # token -> monotonic time it expires

    def answer(self, method, headers, raw_body, lifetime):
        """``(status, body, headers)`` for one request to the token endpoint."""
        if method != 'POST':
            return 405, {'error': 'invalid_request', 'error_description': 'The token endpoint takes POST only.'}, \
                {'Allow': 'POST'}
        content_type = (headers.get('Content-Type') or '').split(';')[0].strip().lower()
        if content_type != FORM:
            return 400, {'error': 'invalid_request',
                         'error_description': 'The request body must be %s.' % FORM}, None
        form = parse_qs(raw_body.decode('utf-8', 'replace'), keep_blank_values=True)
        if not self.authenticated(headers.get('Authorization') or ''):
            return 401, INVALID_CLIENT, {'WWW-Authenticate': 'Basic realm="oauth2"'}
        if form.get('grant_type') != ['client_credentials']:
            return 400, {'error': 'unsupported_grant_type',
                         'error_description': 'The authorization grant type is not supported.'}, None
        if form.get('scope') != ['api']:
            return 400, {'error': 'invalid_scope',
                         'error_description': 'The requested scope is invalid, unknown, or malformed.'}, None
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.monotonic() + lifetime
        return 200, {'access_token': token, 'token_type': 'bearer', 'expires_in': lifetime, 'scope': 'api'}, \
            {'Cache-Control': 'no-store', 'Pragma': 'no-cache'}

    def authenticated(self, authorization):
        """Whether an ``Authorization`` header is HTTP Basic of the known client id and secret."""
        scheme, dummy, value = authorization.partition(' ')
        if scheme.lower() != 'basic':
            return False
        try:
            pair = base64.b64decode(value.strip(), validate=True).decode('utf-8')
        except (binascii.Error, ValueError):
            return False
        client_id, dummy, client_secret = pair.partition(':')
        return secrets.compare_digest(client_id, self.client_id) and \
            secrets.compare_digest(client_secret, self.client_secret)

    def valid(self, authorization):
        """Whether an ``Authorization`` header carries a bearer token that has not expired."""
        scheme, dummy, token = authorization.partition(' ')
        if scheme.lower() != 'bearer':
            return False
        with self.lock:
            expires = self.tokens.get(token.strip())
        return expires is not None and time.monotonic() < expires

    def expire_all(self):
        """Every token issued so far expires now (as the clock passing their lifetime would)."""
        now = time.monotonic()
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = min(self.tokens[token], now)

    def issued(self):
        """Every token issued, for tests that look for them where they must not be."""
        with self.lock:
            return list(self.tokens)

    def out_of_place(self, path, body_text, headers):
        """Where the client id or secret or a token was sent other than in a request's ``Authorization``."""
        places = []
        for what, values in (('client secret', [self.client_secret]), ('client id', [self.client_id]),
                             ('token', self.issued())):
            for value in values:
                if value in path:
                    places.append('%s in url' % what)
                if body_text and value in body_text:
                    places.append('%s in body' % what)
                places.extend('%s in header %s' % (what, name) for name, header in headers.items()
                              if name.lower() != 'authorization' and value in header)
        return places
