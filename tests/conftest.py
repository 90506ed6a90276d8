"""Test set-up shared by every test: the collection on sys.path, and the fake server.

The collection's code imports itself as ``ansible_collections.jcops.jumpcloud``;
a temporary tree with a link to this checkout gives it that name without
changing the repo. Ansible subprocesses find it through ANSIBLE_COLLECTIONS_PATH.
"""
import atexit
import os
import shutil
import sys
import tempfile

import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)

_tree = tempfile.mkdtemp(prefix='jcops-collections-')
atexit.register(shutil.rmtree, _tree, True)
os.makedirs(os.path.join(_tree, 'ansible_collections', 'jcops'))
os.symlink(ROOT, os.path.join(_tree, 'ansible_collections', 'jcops', 'jumpcloud'))
sys.path.insert(0, _tree)
sys.path.insert(0, TESTS)
os.environ['ANSIBLE_COLLECTIONS_PATH'] = _tree
COLLECTIONS_PATH = _tree

from fake_jumpcloud.server import FakeJumpCloud  # noqa: E402
from fake_jumpcloud.seed import generate_org  # noqa: E402

API_KEY = 'test-api-key-5ecret-0123456789abcdef'


@pytest.fixture
def fake_factory():
    """Start fake servers on free loopback ports; stop them after the test."""
    started = []

    def start(seed=None, **options):
        options.setdefault('api_key', API_KEY)
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
