"""Test-only action: write a registered result to a file on the controller, with no module process.

The integration tests save what a task registered with ``save_result: {content: '{{ out | to_json }}',
dest: /path}``. ``ansible.builtin.copy`` did the same with two more module runs (stat, then copy) for each
playbook, which was a quarter of the test suite's CPU time.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        content = self._task.args['content']
        if not isinstance(content, str):        # older ansible-core turns a JSON-looking template into data
            content = json.dumps(content)
        with open(self._task.args['dest'], 'w', encoding='utf-8') as handle:
            handle.write(content)
        result['changed'] = True
        return result
