"""The checked row (Desired) as a large file holds it: packed once checked, read as it was parsed, and refusing
to be changed in place where a change would be lost or shared."""
import sys
import tracemalloc

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import (
    CLEAR, FIELDS, NO_ENTRIES, NO_ITEMS, RARE, Desired)
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

HEADER = ('Username,jobTitle,department,costCenter,mobile_number,Attribute1_name,Attribute1_value,Group1,SystemID,'
          'Administrator\n')


def w1_like(count):
    return HEADER + ''.join('user%05d,Title %d,Dept,CC-%d,+1 555 %05d,runTag,%d,Group %d,%024x,false\n'
                            % (n, n, n % 50, n, n, n % 50, n % 500) for n in range(count))


def checked(text):
    table, problems = read_csv('u.csv', data=text.encode('utf-8'))
    assert problems == []
    return parse_rows(table, '-')


def test_a_checked_row_reads_as_it_was_parsed():
    row = checked(HEADER + 'ann,Boss,-,CC-1,+1 555 1,team,-,Ops,%s,true\n' % ('5f' * 12))[0]
    assert row.scalars == {'jobTitle': 'Boss', 'department': CLEAR, 'costCenter': 'CC-1'}
    assert row.phones == {'mobile': '+1 555 1'}
    assert row.attributes == [('team', CLEAR)] and row.attribute_keys == {'team': 'Attribute1_name'}
    assert row.groups == [('Ops', 'Group1')] and row.system_id == '5f' * 12 and row.administrator is True
    assert row.addresses == {} and row.remove_groups == [] and row.problems == []
    assert row.manager is None and row.delete is False and row.remove_system_given is False
    assert set(row.fields()) == set(FIELDS) and len(FIELDS) == 31


def test_a_checked_row_shares_what_its_rows_have_in_common():
    first, second = checked(w1_like(2))
    assert first.attribute_keys is second.attribute_keys
    assert first.addresses is second.addresses is NO_ENTRIES and first.problems is second.problems is NO_ITEMS


@pytest.mark.parametrize('change', [
    lambda row: row.scalars.update(jobTitle='x'),
    lambda row: row.scalars.pop('jobTitle'),
    lambda row: row.phones.__setitem__('work', '1'),
    lambda row: row.attributes.append(('a', 'b')),
    lambda row: row.addresses.setdefault('home', {}),
    lambda row: row.problems.append('a problem'),
    lambda row: row.remove_groups.extend([('Ops', 'RemoveGroup1')]),
])
def test_changing_a_checked_rows_container_in_place_is_refused(change):
    # the change would be lost (a packed container is made anew each time it is read) or go to every row
    row = checked(w1_like(1))[0]
    with pytest.raises(TypeError, match='assign a new one'):
        change(row)


def test_assigning_and_adding_problems_still_work():
    row = checked(w1_like(1))[0]
    row.scalars = dict(row.scalars, jobTitle='x')
    row.attributes = []
    row.problem('jobTitle', 'is wrong')
    row.missing, row.stale = 'skip', 'changed'
    assert row.scalars['jobTitle'] == 'x' and row.attributes == []
    assert row.phones == {'mobile': '+1 555 00000'} and row.groups == [('Group 0', 'Group1')]    # kept as they were
    row.groups.append(('Ops', 'Group2'))        # assigned one, the row holds its own containers again
    assert [p.header for p in row.problems] == ['jobTitle'] and (row.missing, row.stale) == ('skip', 'changed')
    assert checked(w1_like(1))[0].problems == []         # the other rows' are untouched


def test_a_row_sets_its_rare_attributes_only_when_one_is_set():
    assert all(isinstance(vars(Desired)[name], property) for name, dummy in RARE)     # each one a property
    row = Desired(2)
    for name, default in RARE:
        setattr(row, name, default)
    assert row._rare is None    # pylint: disable=protected-access
    row.manager_id = '5f' * 12
    assert row.manager_id == '5f' * 12 and row.manager is None


def test_a_checked_row_of_ten_cells_costs_well_under_a_kilobyte():
    # it was 1.5 KB (an instance dict, seven containers a row): 100,000 rows held 150 MB before their users were read
    text = w1_like(4000)
    tracemalloc.start()
    try:
        rows = checked(text)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(rows) == 4000
    assert held / 4000.0 < 700, held / 4000.0
    assert sys.getsizeof(rows[0]) < 200
