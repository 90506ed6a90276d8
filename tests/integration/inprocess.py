"""Run a module of the collection in this process against a fake server: its real ``main()`` (see
module_main.py), with the API client and the HTTP requests to the fake; only the ansible-playbook process
around it is left out. A run costs milliseconds of CPU where ansible-playbook costs about a second, so the
tests whose assertions are on the module's result and the fake's state run here; what lives at the process
boundary (the role, playbooks, what ansible-playbook prints, signals) goes through ansible-playbook.
"""
import contextlib
import os

from ansible_collections.jcops.jumpcloud.plugins.modules import jc_import_template, jc_users_from_csv
from ansible_collections.jcops.jumpcloud.plugins.modules import jc_users_info

from module_main import run_main
from testenv import API_KEY

MAINS = {
    'jcops.jumpcloud.jc_users_from_csv': jc_users_from_csv.main,
    'jcops.jumpcloud.jc_import_template': jc_import_template.main,
    'jcops.jumpcloud.jc_users_info': jc_users_info.main,
}


def run_in_process(module, args, fake=None, cwd=None, check_mode=False, diff=False, backoff_delay=None):
    """The result of ``module`` (its FQCN) for ``args``, run in this process as ansible-playbook would run it
    for a play on localhost: from ``cwd``, logged in to ``fake`` with the tests' API key unless ``args`` name
    a login or a server of their own (the playbook route takes these from JC_API_KEY and JC_API_URL). Like a
    registered result, it always has ``failed`` and ``changed``."""
    args = dict(args)
    if fake is not None:
        if not {'api_key', 'client_id', 'client_secret'} & set(args):
            args['api_key'] = API_KEY
        args.setdefault('api_url', fake.url)
    with contextlib.chdir(cwd or os.getcwd()):
        result = run_main(MAINS[module], args, check_mode=check_mode, diff=diff, backoff_delay=backoff_delay)
    # what the controller adds to a module's result before a play registers it
    result.setdefault('failed', False)
    result.setdefault('changed', False)
    return result


def apply_csv(fake, path, check_mode=False, diff=False, **params):
    """jc_users_from_csv's result for ``path``, with 8 workers and short retry waits (the property tests)."""
    params.setdefault('max_workers', 8)
    return run_in_process('jcops.jumpcloud.jc_users_from_csv', dict(csv_path=str(path), **params), fake=fake,
                          check_mode=check_mode, diff=diff, backoff_delay=0.01)
