"""Fixtures of the unit tests."""
import copy

import pytest

from module_main import run_main
from org import SEED, Org


@pytest.fixture
def module_main():
    """Run a module's real ``main()`` in this process: ``module_main(main, args, check_mode=False, diff=False)``
    gives the result it exits with (see module_main.py)."""
    return run_main


@pytest.fixture
def org(fake_factory):
    """The small organisation of the integration tests, on a fake JumpCloud (for the modules' main())."""
    return Org(fake_factory(copy.deepcopy(SEED)))
