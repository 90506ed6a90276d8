"""Name matching as JumpCloud's tooling does it: exact first, then a unique case-insensitive match."""
import re

import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.names import (
    AmbiguousName, caseless_condition, match_name, regex_escape)


def test_exact_match_wins_over_case_variants():
    assert match_name('jdoe', ['JDoe', 'jdoe', 'JDOE']) == 'jdoe'
    assert match_name('JDoe', ['JDoe', 'jdoe']) == 'JDoe'


def test_a_unique_case_insensitive_match_gives_the_stored_spelling():
    assert match_name('jdoe', ['JDoe', 'alice']) == 'JDoe'
    assert match_name('SALES', ['Sales']) == 'Sales'
    assert match_name('Ünal', ['ünal']) == 'ünal'


def test_several_case_insensitive_matches_and_no_exact_one_are_ambiguous():
    with pytest.raises(AmbiguousName) as caught:
        match_name('JDOE', ['jdoe', 'alice', 'JDoe'])
    assert caught.value.name == 'JDOE'
    assert caught.value.candidates == ['JDoe', 'jdoe']
    assert "'JDoe' and 'jdoe'" in str(caught.value)


def test_items_spelt_the_same_are_one_name_and_the_first_is_used():
    entries = [{'type': 'Work', 'n': 1}, {'type': 'home'}, {'type': 'Work', 'n': 2}]
    assert match_name('work', entries, lambda e: e['type']) is entries[0]
    assert match_name('x', ['x', 'x']) == 'x'


def test_no_match_is_none():
    assert match_name('zed', ['jdoe', 'JDoe']) is None
    assert match_name('jdoe', []) is None
    assert match_name('jdo', ['jdoe']) is None


def test_items_are_named_by_name_of():
    users = [{'username': 'JDoe', 'id': 1}, {'username': None, 'id': 2}, {'username': 'bob', 'id': 3}]
    assert match_name('jdoe', users, lambda u: u['username']) == users[0]
    assert match_name('BOB', users, lambda u: u['username']) == users[2]


@pytest.mark.parametrize('name', ['frank.o+1', 'a(b)c', 'x*y?z', 'back\\slash', '^$|[]{}', 'sp ace', 'é.ü', 'a-b_c#1'])
def test_the_regex_condition_matches_the_name_literally_in_any_case(name):
    condition = caseless_condition('username', name)
    pattern = condition['username']['$regex']
    assert pattern.startswith('(?i)(^') and pattern.endswith('$)')
    assert re.search(pattern, name) and re.search(pattern, name.upper()) and re.search(pattern, name.lower())
    assert not re.search(pattern, name + 'x') and not re.search(pattern, 'x' + name)


def test_escaping_leaves_letters_and_digits_alone():
    assert regex_escape('Abc_129') == 'Abc_129'
    assert regex_escape('a.b') == 'a\\.b'
    assert regex_escape('ü') == 'ü'
    assert not re.search('(?i)(^%s$)' % regex_escape('a.b'), 'aXb')
