"""Start the fake JumpCloud server: ``python -m tests.fake_jumpcloud --help`` from the repository root
(or ``python -m fake_jumpcloud`` with the tests folder on the path)."""
import os
import sys

if __package__ != 'fake_jumpcloud':
    # started as tests.fake_jumpcloud: its modules import each other as fake_jumpcloud, from the tests folder
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fake_jumpcloud.server import main  # noqa: E402  pylint: disable=wrong-import-position

sys.exit(main())
