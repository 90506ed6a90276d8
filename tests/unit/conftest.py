"""Fixtures of the unit tests."""
import pytest

from module_main import run_main


@pytest.fixture
def module_main():
    """Run a module's real ``main()`` in this process: ``module_main(main, args, check_mode=False, diff=False)``
    gives the result it exits with (see module_main.py)."""
    return run_main
