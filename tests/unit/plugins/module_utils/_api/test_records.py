"""Records kept as compact JSON text: equal to what they were made from, and given back whole."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.records import PackedRecord, pack, unpack

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
    assert isinstance(first, dict) and first == USER
    first['jobTitle'] = 'changed'
    first['phoneNumbers'].append({'type': 'work'})
    assert unpack(record) == USER                   # a planner's changes never reach the packed record
    plain = {'_id': 'b' * 24}
    assert unpack(plain) is plain
    assert pack(['not', 'a', 'dict'], KEPT) == ['not', 'a', 'dict']


def test_the_text_holds_the_values_only_and_records_of_the_same_fields_share_their_names():
    first, second = pack(dict(USER), KEPT), pack(dict(USER, jobTitle='Boss', username='bob'), KEPT)
    for record in (first, second):
        text = record._text     # pylint: disable=protected-access
        assert '"jobTitle"' not in text and '"phoneNumbers"' not in text and '"number"' in text    # nested: kept
    assert first._text.split(',')[0] == second._text.split(',')[0]      # pylint: disable=protected-access
    assert unpack(second) == dict(USER, jobTitle='Boss', username='bob')
    # another order of the same fields, or other fields, is a layout of its own and reads back as it was
    reordered = pack(dict(reversed(list(USER.items()))), KEPT)
    assert unpack(reordered) == USER
    assert reordered._text.split(',')[0] != first._text.split(',')[0]    # pylint: disable=protected-access
    assert unpack(pack({'_id': 'b' * 24, 'x': None}, KEPT)) == {'_id': 'b' * 24, 'x': None}
    assert unpack(pack({'_id': 'c' * 24}, KEPT)) == {'_id': 'c' * 24}
