"""A diff is personal data in a job log: it shows only the array entries that change, never the user's others."""
import pytest

from helpers import USERS_MODULE, write_csv
from playbook import run_module

pytestmark = pytest.mark.integration


def test_the_diff_shows_only_the_changed_entries_of_each_array(tmp_path, org):
    path = write_csv(tmp_path, 'Username,work_number,Attribute1_name,Attribute1_value,home_city\n'
                     'alice,+1 555 0199,team,blue,Lakewood\n')
    run = run_module(tmp_path, org.fake, USERS_MODULE, {'csv_path': str(path)}, check=True, diff=True)
    assert run.result is not None and not run.result.get('failed'), run.output
    diff, = run.result['diff']
    assert diff['before']['phoneNumbers'] == [{'type': 'work', 'number': '+1 555 0102'}]
    assert diff['after']['phoneNumbers'] == [{'type': 'work', 'number': '+1 555 0199'}]
    assert diff['before']['attributes'] == [{'name': 'team', 'value': 'red'}]
    assert diff['after']['attributes'] == [{'name': 'team', 'value': 'blue'}]
    assert [a['locality'] for a in diff['before']['addresses']] == ['Denver']
    assert [a['locality'] for a in diff['after']['addresses']] == ['Lakewood']
    # the entries the row does not change appear nowhere: not in the result, not in the printed diff
    for untouched in ('+1 555 0101', 'hq', 'Boulder', '9 Work Ave', 'Paris'):
        assert untouched not in repr(run.result['diff']) and untouched not in run.output, untouched
    assert run.result['results'][0]['changed_fields'] == [
        'addresses.home.locality', 'phoneNumbers.work', 'attributes.team']
