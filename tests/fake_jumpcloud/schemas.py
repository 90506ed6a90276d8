"""The published JumpCloud schemas the fake serves, as JSON Schema validators.

``api_schemas.json`` is extracted from JumpCloud's published specs by
tests/tools/extract_schemas.py (see docs/api-fidelity.md). The fake checks request bodies against it;
the contract tests check the fake's responses against it.
"""
import json
import os

import jsonschema

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'api_schemas.json')


class ApiSchemas:
    def __init__(self, path=PATH):
        with open(path, encoding='utf-8') as handle:
            self.doc = json.load(handle)
        self.operations = self.doc['operations']
        self._validators = {}

    def validator(self, operation, part):
        key = (operation, part)
        if key not in self._validators:
            schema = self.operations[operation].get(part)
            if schema is None:
                self._validators[key] = None
            else:
                root = dict(schema, definitions=self.doc['definitions'])
                self._validators[key] = jsonschema.Draft4Validator(root)
        return self._validators[key]

    def problems(self, operation, part, instance):
        validator = self.validator(operation, part)
        if validator is None:
            return []
        return ['%s: %s' % ('/'.join(str(p) for p in e.absolute_path) or '(body)', e.message)
                for e in validator.iter_errors(instance)]

    def request_problem(self, operation, body):
        if operation not in self.operations or body is None:
            return None
        problems = self.problems(operation, 'request', body)
        return problems[0] if problems else None

    def expected_status(self, operation):
        return self.operations[operation]['status']


SCHEMAS = ApiSchemas()
