"""Fixtures of the integration tests: the small organisation every value of which the tests know."""
import copy

import pytest

from org import SEED, Org


@pytest.fixture
def org(fake_factory):
    return Org(fake_factory(copy.deepcopy(SEED)))
