"""Fixtures of the integration tests: the small organisation served over TLS."""
import copy

import pytest

from fake_jumpcloud.server import FakeJumpCloud
from localservers import serve_tls
from org import SEED
from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET


@pytest.fixture
def tls_fake(tmp_path):
    """The small organisation on a fake served over TLS with a certificate no CA vouches for (both logins)."""
    fake = FakeJumpCloud(api_key=API_KEY, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, seed=copy.deepcopy(SEED))
    serve_tls(fake.httpd, tmp_path)
    fake.start()
    yield fake
    fake.stop()
