"""Run jc_users_from_csv in this process, for tests that need hundreds of runs (property tests).

The module's real ``main()`` runs (see module_main.py), with the API client and the HTTP requests to
the fake server; only the ansible-playbook process around it is left out.
"""
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_users_from_csv

from module_main import run_main
from testenv import API_KEY


def apply_csv(fake, path, check_mode=False, diff=False, **params):
    """The module's result for ``path``, as jc_users_from_csv returns it."""
    args = dict(csv_path=str(path), api_key=API_KEY, api_url=fake.url, max_workers=8)
    args.update(params)
    return run_main(jc_users_from_csv.main, args, check_mode=check_mode, diff=diff, backoff_delay=0.01)
