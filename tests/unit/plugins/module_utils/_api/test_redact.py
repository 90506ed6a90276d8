"""Redaction of the secrets a run holds: every escaped form (HTML character references too), overlapping secrets,
and a cost that grows with the message's length only, not with the number of secrets."""
import html
import json
import time

import pytest
import responses

from testenv import API_KEY
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.errors import JumpCloudError
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.redact import REDACTED, Redactor

USER_PATH = '/api/systemusers/5f0000000000000000000001'
USER_URL = 'https://console.jumpcloud.com' + USER_PATH
PASSWORD = 'Tr0ub4dor&<3>"x\'y'


def fragments(secret, size=5):
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def numeric(text, form, only=None):
    """``text`` with each character (or each of ``only``) as an HTML numeric reference in ``form``."""
    return ''.join(form % ord(c) if only is None or c in only else c for c in text)


HTML_FORMS = {
    'html.escape': html.escape(PASSWORD),                                   # &amp; &lt; &gt; &quot; &#x27;
    'apostrophe as &#39;': html.escape(PASSWORD).replace('&#x27;', '&#39;'),
    'quotes left alone': html.escape(PASSWORD, quote=False),
    'decimal references': numeric(PASSWORD, '&#%d;', '&<>"\''),
    'hex references': numeric(PASSWORD, '&#x%x;', '&<>"\''),
    'upper-case hex references': numeric(PASSWORD, '&#X%X;', '&<>"\''),
    'every character a reference': numeric(PASSWORD, '&#%d;'),
    'mixed': 'T&#114;0ub4dor&amp;&#x3C;3&gt;&#34;x&apos;y',
    'JSON in HTML': html.escape(json.dumps(PASSWORD)[1:-1]),
}


@pytest.mark.parametrize('name', sorted(HTML_FORMS))
def test_a_password_echoed_html_escaped_is_redacted(name):
    redactor = Redactor()
    redactor.add(PASSWORD)
    shown = redactor.redact('<p>Rejected parameter password=%s</p> (row 2)' % HTML_FORMS[name])
    assert shown == '<p>Rejected parameter password=%s</p> (row 2)' % REDACTED


def test_text_with_references_but_no_secret_is_left_as_it_is():
    redactor = Redactor()
    redactor.add(PASSWORD)
    text = 'Tom &amp; Jerry &lt;3 &#8212; &bogus; & Tr0ub4dor'
    assert redactor.redact(text) == text


@responses.activate
def test_an_html_error_page_that_echoes_the_password_escaped_shows_no_part_of_it():
    def echo(request):
        body = json.loads(request.body)
        return 400, {'Content-Type': 'text/html'}, '<html><body><p>Rejected parameter password=%s</p></body></html>' \
            % html.escape(body['password'])
    responses.add_callback(responses.PUT, USER_URL, callback=echo)
    client = JumpCloudClient(api_key=API_KEY, sleep=lambda seconds: None)
    with pytest.raises(JumpCloudError) as info:
        client.put(USER_PATH, {'password': PASSWORD, 'jobTitle': 'Lead'})
    shown = '%s %r %s' % (info.value, info.value, info.value.message)
    assert 'password=%s' % REDACTED in shown
    assert not [f for f in fragments(PASSWORD) | fragments(html.escape(PASSWORD)) if f in shown]


def test_overlapping_secrets_are_redacted_together_and_the_longest_wins():
    redactor = Redactor()
    for secret in ('abc', 'abcdef', 'cdefgh', 'xyz'):
        redactor.add(secret)
    assert redactor.redact('1 abcdef 2 abc 3 abcdefgh 4 xyzxyz 5 ab') == \
        '1 %s 2 %s 3 %s 4 %s%s 5 ab' % ((REDACTED,) * 5)


def test_secrets_added_after_a_message_are_redacted_in_the_next_one():
    redactor = Redactor()
    redactor.add('first-secret')
    assert redactor.redact('first-secret second-secret') == '%s second-secret' % REDACTED
    for n in range(5):
        redactor.add('later-%d-secret' % n)
        assert redactor.redact('first-secret later-%d-secret' % n) == '%s %s' % (REDACTED, REDACTED)
    assert redactor.redact(' '.join('later-%d-secret' % n for n in range(5))) == ' '.join([REDACTED] * 5)


def prefixed(count):
    """A redactor holding ``count`` passwords that share their first 13 characters."""
    redactor = Redactor()
    for n in range(count):
        redactor.add('Welcome-2026-%06d!' % n)
    redactor.redact('')         # built before anything is measured
    return redactor


MESSAGE = 'HTTP 429: Too many requests for Welcome-2026- (retry later) &amp; Welcome-2026-0000 ' * 10


def test_the_cost_of_a_message_does_not_grow_with_the_number_of_secrets():
    few, many = prefixed(10), prefixed(20000)
    assert few.redact(MESSAGE) == many.redact(MESSAGE) == MESSAGE
    # automaton steps: at most two per character per scan (the text as it is, and HTML-decoded) whatever the
    # number of passwords
    assert few.steps <= 2 * 2 * len(MESSAGE) and many.steps <= 2 * 2 * len(MESSAGE)
    many.redact(MESSAGE * 2)
    assert many.steps <= 2 * 2 * len(MESSAGE * 2)


def best_time(func, *args):
    best = None
    for dummy in range(5):
        start = time.perf_counter()
        func(*args)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def test_the_time_of_a_message_does_not_grow_with_the_number_of_secrets():
    # a generous ratio: the cost used to grow about linearly with the passwords sharing a prefix (some 2,000
    # times from 10 to 20,000)
    few, many = prefixed(10), prefixed(20000)
    assert best_time(many.redact, MESSAGE) < 5 * best_time(few.redact, MESSAGE) + 0.005
