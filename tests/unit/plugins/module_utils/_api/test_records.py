"""Records kept as compact JSON text: equal to what they were made from, and given back whole."""
import json

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import (
    PackedMapping, PackedRecord, PackedSequence, pack, pack_in_place, packed, unpack)

USER = {'_id': 'a' * 24, 'username': 'alice', 'jobTitle': 'Engineer', 'email': 'alice@example.com',
        'phoneNumbers': [{'type': 'mobile', 'number': '+1 555 0100', 'id': 'p1'}],
        'attributes': [{'name': 'team', 'value': 'ops'}], 'suspended': False, 'mfa': {'configured': True}}
KEPT = ('_id', 'username', 'email', 'employeeIdentifier')


def test_a_packed_record_reads_and_compares_as_the_record():
    record = pack(dict(USER), KEPT)
    assert isinstance(record, PackedRecord)
    assert record == USER and USER == record
    assert record['username'] == 'alice' and record.get('jobTitle') == 'Engineer'
    assert record.get('employeeIdentifier') is None and 'employeeIdentifier' not in record
    assert record['phoneNumbers'] == USER['phoneNumbers']
    assert sorted(record) == sorted(USER) and len(record) == len(USER)


def test_unpack_gives_a_new_dict_each_time_and_leaves_others_alone():
    record = pack(dict(USER), KEPT)
    first = unpack(record)
    assert type(first) is dict and first == USER
    first['jobTitle'] = 'changed'
    first['phoneNumbers'].append({'type': 'work'})
    assert unpack(record) == USER                   # a planner's changes never reach the packed record
    plain = {'_id': 'b' * 24}
    assert unpack(plain) is plain
    assert pack(['not', 'a', 'dict'], KEPT) == ['not', 'a', 'dict']


def test_packed_containers_are_equal_and_read_only_copies():
    row = {'row': 2, 'username': 'alice', 'groups': [{'id': 'g1', 'name': 'Ops', 'status': 'added'}],
           'system': None, 'changed_fields': ['jobTitle'], 'msg': ''}
    value = packed(row)
    assert isinstance(value, PackedMapping) and value == row
    assert dict(value.items())['groups'] == row['groups']
    assert isinstance(dict(value.items())['groups'], PackedSequence)
    assert list(value['groups']) == row['groups']
    # what JSON does not give back exactly stays as it is
    for kept in ({1: 'int key'}, {'t': (1, 2)}, {'d': object()}, {}, [], 'text', 3):
        assert packed(kept) is kept


def test_the_exit_copy_of_packed_rows_is_the_rows():
    rows = [{'row': n, 'username': 'user%d' % n, 'groups': [{'id': 'g%d' % n, 'status': 'added'}],
             'changed_fields': ['jobTitle', 'department'], 'secret_note': 'holds s3cret', 'ok': True}
            for n in range(50)]
    expected = json.loads(json.dumps(remove_values({'results': rows}, {'s3cret'})))
    packed_rows = [dict(r) for r in rows]
    pack_in_place(packed_rows)
    assert all(isinstance(r, PackedMapping) for r in packed_rows)
    copy = remove_values({'results': packed_rows}, {'s3cret'})
    assert json.dumps(copy) == json.dumps(expected)
    assert copy['results'][0]['secret_note'] == 'holds ********'
    assert type(copy['results'][0]) is dict and type(copy['results'][0]['groups']) is list
