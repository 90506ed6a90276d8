"""Fixtures shared by every test: fake JumpCloud servers and small organisations."""
import copy

import pytest

from testenv import API_KEY, CLIENT_ID, CLIENT_SECRET  # noqa: F401  (sets up sys.path first)
from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402
from fake_jumpcloud.seed import generate_org  # noqa: E402
from org import SEED, Org  # noqa: E402


@pytest.fixture
def fake_factory():
    """Start fake servers on free loopback ports; stop them after the test."""
    started = []

    def start(seed=None, **options):
        options.setdefault('api_key', API_KEY)
        options.setdefault('client_id', CLIENT_ID)
        options.setdefault('client_secret', CLIENT_SECRET)
        fake = FakeJumpCloud(seed=seed, **options).start()
        started.append(fake)
        return fake
    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def small_org():
    return generate_org(users=30, groups=5, systems=8)


@pytest.fixture
def fake(fake_factory, small_org):
    return fake_factory(small_org)


@pytest.fixture
def org(fake_factory):
    """The small organisation every value of which the tests know, on a fake JumpCloud."""
    return Org(fake_factory(copy.deepcopy(SEED)))
