"""Run jc_users_from_csv's flow in this process, for tests that need hundreds of runs (property tests).

Only the AnsibleModule shell is left out: the flow, the API client and the HTTP requests to the
fake server are the real ones. Everything about the module itself is tested through ansible-playbook.
"""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._client import JumpCloudClient
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import run

from testenv import API_KEY


class Finished(Exception):
    def __init__(self, result):
        super(Finished, self).__init__(result.get('msg'))
        self.result = result


class InProcessModule:
    def __init__(self, fake, check_mode=False, diff=False, **params):
        self.params = dict(skip_invalid_rows=False, update_password='always', clear_token='__CLEAR__',
                           report_path=None, max_workers=8, max_file_size=100 * 1024 * 1024)
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []
        self.client = JumpCloudClient(api_key=API_KEY, base_url=fake.url, max_workers=self.params['max_workers'],
                                      backoff_delay=0.01)

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, **result):
        result['failed'] = True
        return self.exit_json(**result)

    def exit_json(self, **result):
        if self.warnings:
            result['warnings'] = list(self.warnings)
        raise Finished(result)


def apply_csv(fake, path, check_mode=False, **params):
    """The module's result for ``path``, as jc_users_from_csv would return it."""
    module = InProcessModule(fake, check_mode=check_mode, csv_path=str(path), **params)
    try:
        run(module)
    except Finished as done:
        return done.result
    raise AssertionError('the flow ended without exit_json or fail_json')
