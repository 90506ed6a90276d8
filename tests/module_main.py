"""Run a module's real ``main()`` in this process: arguments patched in, the exit caught, the result read.

The module is the one ansible-playbook runs (argument spec, no_log masking, check and diff modes, the
module base's exits); only the process boundary is left out, so that a test can run it hundreds of times.
As community.hashi_vault's module tests do, the arguments go in through ansible's own patch point and
``AnsibleModule.warn`` is caught (ansible keeps warnings in a process-wide list otherwise).
"""
import contextlib
import functools
import io
import json
from unittest import mock

from ansible.module_utils import basic

from ansible_collections.jcops.jumpcloud.plugins.module_utils import _module
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.client import JumpCloudClient

try:
    from ansible.module_utils.testing import patch_module_args     # ansible-core 2.19 and later
except ImportError:                                                 # pragma: no cover
    patch_module_args = None


def _module_args(args):
    if patch_module_args is not None:
        return patch_module_args(args)
    return mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode())


def run_main(main, args, check_mode=False, diff=False, backoff_delay=None, client=None):
    """The result ``main()`` exits with for the module arguments ``args``, as the controller reads it.

    ``check_mode`` and ``diff`` are the play's modes; ``backoff_delay`` (seconds) shortens the API client's
    retry waits for tests that make the fake fail; ``client`` (a test double) stands in for the API client the
    module base would build. ``warnings`` holds what the module warned, if anything.
    """
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    warnings = []
    out = io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_module_args(args))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, 'warn',
                                              lambda self, warning, **kwargs: warnings.append(warning)))
        if backoff_delay is not None:
            stack.enter_context(mock.patch.object(_module, 'JumpCloudClient',
                                                  functools.partial(JumpCloudClient, backoff_delay=backoff_delay)))
        if client is not None:
            stack.enter_context(mock.patch.object(_module.JumpCloudModule, 'client', new_callable=mock.PropertyMock,
                                                  return_value=client))
        stack.enter_context(contextlib.redirect_stdout(out))
        try:
            main()
        except SystemExit:
            pass
        else:
            raise AssertionError('main() returned without exit_json or fail_json')
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    result.pop('warnings', None)
    if warnings:
        result['warnings'] = warnings
    return result
