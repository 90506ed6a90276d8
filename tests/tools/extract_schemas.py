"""Extract the few JumpCloud API schemas the fake server serves into tests/ data.

Reads JumpCloud's published Swagger 2.0 specs (``jumpcloud-v1.json`` and ``jumpcloud-v2.json`` in SPEC_DIR;
see docs/api-fidelity.md for where they come from) and
writes tests/fake_jumpcloud/api_schemas.json: for every operation the fake
serves, its success status and response schema, and the request body schema
where there is one, with all referenced definitions. Swagger's
``x-nullable: true`` becomes "or null" so a JSON Schema validator reads it right.

Rerun it when the specs change:  python3 tests/tools/extract_schemas.py SPEC_DIR
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'fake_jumpcloud', 'api_schemas.json')

# (api, method, spec path, path as the fake routes it)
OPERATIONS = [
    ('v1', 'get', '/systemusers', '/api/systemusers'),
    ('v1', 'get', '/systemusers/{id}', '/api/systemusers/{id}'),
    ('v1', 'put', '/systemusers/{id}', '/api/systemusers/{id}'),
    ('v1', 'delete', '/systemusers/{id}', '/api/systemusers/{id}'),
    ('v1', 'post', '/systemusers', '/api/systemusers'),
    ('v1', 'post', '/systemusers/{id}/state/activate', '/api/systemusers/{id}/state/activate'),
    ('v1', 'post', '/search/systemusers', '/api/search/systemusers'),
    ('v1', 'get', '/systems', '/api/systems'),
    ('v1', 'post', '/search/systems', '/api/search/systems'),
    ('v1', 'get', '/systems/{id}', '/api/systems/{id}'),
    ('v1', 'get', '/organizations', '/api/organizations'),
    ('v2', 'get', '/usergroups', '/api/v2/usergroups'),
    ('v2', 'get', '/usergroups/{group_id}/members', '/api/v2/usergroups/{id}/members'),
    ('v2', 'post', '/usergroups/{group_id}/members', '/api/v2/usergroups/{id}/members'),
    ('v2', 'get', '/users/{user_id}/memberof', '/api/v2/users/{id}/memberof'),
    ('v2', 'get', '/users/{user_id}/associations', '/api/v2/users/{id}/associations'),
    ('v2', 'get', '/users/{user_id}/systems', '/api/v2/users/{id}/systems'),
    ('v2', 'post', '/users/{user_id}/associations', '/api/v2/users/{id}/associations'),
    ('v2', 'get', '/systems/{system_id}/associations', '/api/v2/systems/{id}/associations'),
    ('v2', 'post', '/systems/{system_id}/associations', '/api/v2/systems/{id}/associations'),
    ('v2', 'get', '/ldapservers', '/api/v2/ldapservers'),
    ('v2', 'get', '/ldapservers/{ldapserver_id}/associations', '/api/v2/ldapservers/{id}/associations'),
    ('v2', 'post', '/ldapservers/{ldapserver_id}/associations', '/api/v2/ldapservers/{id}/associations'),
    ('v2', 'patch', '/bulk/users', '/api/v2/bulk/users'),
    ('v2', 'get', '/bulk/users/{job_id}/results', '/api/v2/bulk/users/{id}/results'),
]


# API facts the generated specs do not carry (see docs/api-fidelity.md).
# Each is (definition, property, what to allow, why).
OVERLAYS = [
    ('v1.systemuserput', 'manager', {'type': 'null'}, '"manager": null clears the manager (Set-JCUser.ps1:562-566)'),
]


# The same for a request body defined in its operation: (operation, property, what to allow, why).
REQUEST_OVERLAYS = [
    ('POST /api/systemusers/{id}/state/activate', 'email', {'type': 'boolean'},
     'the operation\'s own description sends {"email": true} and {"email": false}; its schema says string only'),
]


def apply_overlays(definitions, operations=None):
    for name, prop, extra, _why in OVERLAYS:
        schema = definitions[name]['properties'][prop]
        definitions[name]['properties'][prop] = {'anyOf': [schema, extra]}
    for operation, prop, extra, _why in REQUEST_OVERLAYS:
        if operations is not None and operation in operations:
            schema = operations[operation]['request']['properties'][prop]
            operations[operation]['request']['properties'][prop] = {'anyOf': [schema, extra]}


def rewrite(node, api, needed, specs):
    """Copy ``node`` with refs renamed to ``api.Name``, collecting the definitions it needs."""
    if isinstance(node, list):
        return [rewrite(x, api, needed, specs) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == '$ref':
            name = re.match(r'#/definitions/(.+)$', value).group(1)
            qualified = '%s.%s' % (api, name)
            out[key] = '#/definitions/%s' % qualified
            if qualified not in needed:
                needed[qualified] = None
                needed[qualified] = rewrite(specs[api]['definitions'][name], api, needed, specs)
        elif key == 'x-nullable':
            continue
        else:
            out[key] = rewrite(value, api, needed, specs)
    if node.get('x-nullable'):
        return {'anyOf': [out, {'type': 'null'}]}
    return out


def main(spec_dir):
    specs = {}
    for api in ('v1', 'v2'):
        with open(os.path.join(spec_dir, 'jumpcloud-%s.json' % api)) as handle:
            specs[api] = json.load(handle)
    needed = {}
    operations = {}
    for api, method, spec_path, fake_path in OPERATIONS:
        op = specs[api]['paths'][spec_path][method]
        (status, response), = [(k, v) for k, v in op['responses'].items() if k.startswith('2')]
        entry = {'operationId': op.get('operationId'), 'status': int(status),
                 'response': rewrite(response.get('schema'), api, needed, specs)}
        for param in op.get('parameters', []):
            if isinstance(param, dict) and param.get('in') == 'body':
                entry['request'] = rewrite(param['schema'], api, needed, specs)
        operations['%s %s' % (method.upper(), fake_path)] = entry
    apply_overlays(needed, operations)
    doc = {'overlays': [{'definition': n, 'property': p, 'allows': e, 'why': w} for n, p, e, w in OVERLAYS] +
           [{'operation': o, 'property': p, 'allows': e, 'why': w} for o, p, e, w in REQUEST_OVERLAYS],
           'source': 'extracted by tests/tools/extract_schemas.py from jumpcloud-v1.json and jumpcloud-v2.json',
           'definitions': dict(sorted(needed.items())), 'operations': operations}
    with open(OUT, 'w') as handle:
        json.dump(doc, handle, indent=1, sort_keys=True)
        handle.write('\n')
    print('wrote %s: %d operations, %d definitions' % (OUT, len(operations), len(needed)))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: python3 tests/tools/extract_schemas.py SPEC_DIR (the folder of jumpcloud-v1.json and jumpcloud-v2.json)')
    main(sys.argv[1])
