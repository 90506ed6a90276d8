"""No data lost, by property: arbitrary users and arbitrary rows, applied, equal the expected merge.

Hypothesis generates users with any addresses, phone numbers and custom attributes, and CSV rows
touching any of those columns with any text (unicode, quotes, commas, newlines inside cells). After
the run every user equals an independently computed merge, field by field, entries the row did not
touch (and their ids) are exactly as they were, and a second run writes nothing. The flow runs in
this process (see inprocess.py) against the fake server, over real HTTP.
"""
import copy
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from testenv import API_KEY
from fake_jumpcloud.server import FakeJumpCloud
from inprocess import apply_csv

pytestmark = pytest.mark.integration

ADDRESS_PARTS = {'streetAddress': 'streetAddress', 'poBox': 'poBox', 'city': 'locality', 'state': 'region',
                 'postalCode': 'postalCode', 'country': 'country'}
PHONE_COLUMNS = {'mobile_number': 'mobile', 'home_number': 'home', 'work_number': 'work',
                 'work_mobile_number': 'work_mobile', 'work_fax_number': 'work_fax'}
ALL_ADDRESS_FIELDS = list(ADDRESS_PARTS.values()) + ['extendedAddress']

# any text a spreadsheet could hold, but not blank (a blank cell means "no change"), not the clear
# token, and not starting with an apostrophe (the template's formula guard, tested on its own)
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=('Cs', 'Cc'), blacklist_characters='\x00') |
    st.sampled_from(['"', ',', '\n', '\r', ' ', "'", '=', ';', 'é', '中', '\u00a0']),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() != '' and not s.strip().startswith("'") and s.strip() != '__CLEAR__')
stored_text = st.text(min_size=1, max_size=20).filter(lambda s: s == s.strip() and s != '')
attribute_name = st.text(alphabet='abcdefghijKLMNOP0123', min_size=1, max_size=6)

address = st.fixed_dictionaries({'type': st.sampled_from(['home', 'work', 'other'])},
                                optional=dict((f, stored_text) for f in ALL_ADDRESS_FIELDS))
# the phone types JumpCloud accepts (the published schema's enum)
phone = st.fixed_dictionaries({'type': st.sampled_from(['mobile', 'home', 'work', 'work_mobile', 'work_fax']),
                               'number': stored_text})
user = st.fixed_dictionaries({
    'addresses': st.lists(address, max_size=3),
    'phoneNumbers': st.lists(phone, max_size=3),
    'attributes': st.lists(st.fixed_dictionaries({'name': attribute_name, 'value': stored_text}), max_size=3,
                           unique_by=lambda a: a['name']),
})
row = st.fixed_dictionaries({
    'addresses': st.dictionaries(st.tuples(st.sampled_from(['home', 'work']), st.sampled_from(sorted(ADDRESS_PARTS))),
                                 cell_text, max_size=4),
    'phones': st.dictionaries(st.sampled_from(sorted(PHONE_COLUMNS)), cell_text, max_size=3),
    'attributes': st.lists(st.tuples(attribute_name, cell_text), max_size=3, unique_by=lambda a: a[0]),
})


def to_csv(users, rows):
    headers = ['Username']
    headers += ['%s_%s' % key for key in sorted(set(k for r in rows for k in r['addresses']))]
    headers += sorted(set(k for r in rows for k in r['phones']))
    pairs = max([len(r['attributes']) for r in rows] + [0])
    for n in range(1, pairs + 1):
        headers += ['Attribute%d_name' % n, 'Attribute%d_value' % n]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(headers)
    for index, r in enumerate(rows):
        cells = dict(('%s_%s' % key, value) for key, value in r['addresses'].items())
        cells.update(r['phones'])
        for n, (name, value) in enumerate(r['attributes'], 1):
            cells['Attribute%d_name' % n] = name
            cells['Attribute%d_value' % n] = value
        cells['Username'] = users[index]['username']
        writer.writerow([cells.get(h, '') for h in headers])
    return buffer.getvalue()


def _first(entries, key, value):
    return next((e for e in entries if e.get(key) == value), None)


def expected_merge(before, r):
    """What the user must look like after row ``r``: written without the collection's code."""
    after = copy.deepcopy(before)
    for kind in ('home', 'work'):
        wanted = dict((ADDRESS_PARTS[part], value.strip()) for (k, part), value in r['addresses'].items()
                      if k == kind)
        if wanted:
            entry = _first(after['addresses'], 'type', kind)
            if entry is None:
                after['addresses'].append(dict(type=kind, **wanted))
            else:
                entry.update(wanted)
    for column, value in sorted(r['phones'].items(), key=lambda item: PHONE_COLUMNS[item[0]]):
        entry = _first(after['phoneNumbers'], 'type', PHONE_COLUMNS[column])
        if entry is None:
            after['phoneNumbers'].append({'type': PHONE_COLUMNS[column], 'number': value.strip()})
        else:
            entry['number'] = value.strip()
    for name, value in r['attributes']:
        entry = _first(after['attributes'], 'name', name)
        if entry is None:
            after['attributes'].append({'name': name, 'value': value.strip()})
        else:
            entry['value'] = value.strip()
    return after


def _without_ids(entries):
    """Entries without their read-only ids: the PUT sends none, and JumpCloud gives the stored entries theirs."""
    return [dict((k, v) for k, v in e.items() if k != 'id') for e in entries]


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(user, row), min_size=1, max_size=4))
def test_applied_rows_equal_the_expected_merge_and_rerun_writes_nothing(tmp_path_factory, cases):
    seed = {'users': [dict(username='user%d' % i, email='user%d@example.com' % i, **copy.deepcopy(u))
                      for i, (u, dummy) in enumerate(cases)], 'groups': [], 'systems': [], 'ldapservers': []}
    fake = FakeJumpCloud(api_key=API_KEY, seed=seed).start()
    try:
        with fake.org.lock:
            before = dict((u['username'], copy.deepcopy(u)) for u in fake.org.users.values())
        users = [before['user%d' % i] for i in range(len(cases))]
        path = tmp_path_factory.mktemp('prop') / 'users.csv'
        path.write_bytes(to_csv(users, [r for dummy, r in cases]).encode('utf-8'))

        result = apply_csv(fake, path)
        assert not result.get('failed'), result.get('msg')
        with fake.org.lock:
            after = dict((u['username'], copy.deepcopy(u)) for u in fake.org.users.values())
        for (dummy, r), old in zip(cases, users):
            want = expected_merge(old, r)
            got = after[old['username']]
            for field in ('addresses', 'phoneNumbers'):
                assert _without_ids(got[field]) == _without_ids(want[field]), field
                assert all(e.get('id') for e in got[field]), field
            assert got['attributes'] == want['attributes']
            untouched = dict((k, v) for k, v in old.items() if k not in ('addresses', 'phoneNumbers', 'attributes'))
            assert dict((k, got.get(k)) for k in untouched) == untouched

        writes = fake.stats.as_dict()['writes']
        again = apply_csv(fake, path)
        assert not again.get('failed') and not again['changed'], again.get('msg')
        assert fake.stats.as_dict()['writes'] == writes
    finally:
        fake.stop()
