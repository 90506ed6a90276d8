"""The saved plan's document: its rows round-trip without their passwords, its id is the sha256 of its content,
and a plan edited, from another version, too old, given other options or another CSV is refused."""
import datetime
import json

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import CLEAR
from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.reader import read_csv
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv import saved_plan
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.validate import parse_rows

NOW = datetime.datetime(2026, 12, 7, 4, 0, 0, tzinfo=datetime.timezone.utc)
TEXT = ('Username,Password,jobTitle,Group1,RemoveGroup1,Attribute1_name,Attribute1_value,home_locality\n'
        'bob,Secret-pw-9,__CLEAR__,Ops,Finance,team,__CLEAR__,Denver\n')


def row():
    table, problems = read_csv('u.csv', TEXT.encode())
    assert problems == []
    return parse_rows(table, '__CLEAR__')[0]


def document(**options):
    return saved_plan.make_document([{'line': 2, 'needs_password': False}], dict(options or {'write_mode': 'put'}),
                                    'ab' * 32, '5f' * 12, '0.2.0', NOW)


def test_a_row_round_trips_through_json_without_its_password():
    desired = row()
    encoded = json.loads(json.dumps(saved_plan.encode_row(desired)))
    assert 'Secret-pw-9' not in json.dumps(encoded) and 'password' not in encoded
    where = dict((k, list(v)) for k, v in desired.where.items())
    back = saved_plan.decode_row({'line': 2, 'row': encoded, 'where': where})
    assert back.password is None and back.line == 2
    assert back.scalars == {'jobTitle': CLEAR}
    assert back.groups == desired.groups and back.remove_groups == desired.remove_groups
    assert back.attributes == [('team', CLEAR)] and back.addresses == desired.addresses
    assert back.where == desired.where


def test_the_id_is_the_sha256_of_the_canonical_content():
    doc = document()
    assert doc['id'] == saved_plan.plan_id(doc) and len(doc['id']) == 64
    assert saved_plan.check_document(doc, '0.2.0', NOW, 60) == NOW
    edited = dict(doc, csv_sha256='cd' * 32)
    with pytest.raises(saved_plan.PlanRefused, match='does not match its id'):
        saved_plan.check_document(edited, '0.2.0', NOW, 60)


@pytest.mark.parametrize('version, now, age, what', [
    ('0.3.0', NOW, 60, 'made by version 0.2.0 of the collection, this is 0.3.0'),
    ('0.2.0', NOW + datetime.timedelta(seconds=61), 60, 'more than plan_max_age (60)'),
    ('0.2.0', NOW - datetime.timedelta(hours=1), 60, 'in the future'),
])
def test_another_version_and_an_age_out_of_bounds_are_refused(version, now, age, what):
    with pytest.raises(saved_plan.PlanRefused, match=what.replace('(', r'\(').replace(')', r'\)')):
        saved_plan.check_document(document(), version, now, age)


def test_what_is_not_a_plan_is_refused():
    for thing in ([], {'format': 2, 'rows': [], 'options': {}}, {'format': 1}):
        with pytest.raises(saved_plan.PlanRefused, match='not a plan'):
            saved_plan.check_document(thing, '0.2.0', NOW, 60)


def test_a_shaping_option_other_than_the_plans_is_refused_unless_left_at_its_default():
    doc = document(write_mode='bulk')
    saved_plan.check_options(doc, {'write_mode': 'put'}, {'write_mode': 'put'})      # the default: the plan's
    saved_plan.check_options(doc, {'write_mode': 'bulk'}, {'write_mode': 'put'})
    doc = document(write_mode='put', update_password='never')
    with pytest.raises(saved_plan.PlanRefused, match='made with update_password=never'):
        saved_plan.check_options(doc, {'update_password': 'always'}, {'update_password': 'on_create'})


def test_the_csv_must_be_the_plans_and_is_needed_for_passwords():
    doc = document()
    saved_plan.check_csv(doc, None)
    saved_plan.check_csv(doc, 'ab' * 32)
    with pytest.raises(saved_plan.PlanRefused, match='edited after the plan'):
        saved_plan.check_csv(doc, 'cd' * 32)
    doc['rows'][0]['needs_password'] = True
    with pytest.raises(saved_plan.PlanRefused, match='give csv_path'):
        saved_plan.check_csv(doc, None)


def test_a_write_body_is_masked():
    assert saved_plan.masked({'password': 'x', 'email': 'e'}) == {'password': '********', 'email': 'e'}
