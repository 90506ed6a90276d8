"""Edges the rows ask about: which side a kind is read from, what a listing keeps, and the pairs' store."""
import pytest

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.edges import TARGET, USER, EdgeKind, Pairs


def test_pairs_read_and_write_as_a_dict_of_pairs_does():
    pairs = Pairs({('g1', 'u1'): {}})
    pairs[('g1', 'u2')] = {'sudo': {'enabled': True}}
    pairs.add(('g2', 'u1'))
    assert ('g1', 'u2') in pairs and ('g2', 'u2') not in pairs and ('g3', 'u1') not in pairs
    assert pairs[('g1', 'u2')] == {'sudo': {'enabled': True}} and pairs.get(('g2', 'u1')) is True
    assert pairs.get(('g9', 'u1'), 'none') == 'none'
    with pytest.raises(KeyError):
        pairs[('g1', 'u9')]     # pylint: disable=pointless-statement
    assert sorted(pairs) == [('g1', 'u1'), ('g1', 'u2'), ('g2', 'u1')] and len(pairs) == 3
    assert pairs == {('g1', 'u1'): {}, ('g1', 'u2'): {'sudo': {'enabled': True}}, ('g2', 'u1'): True}
    assert pairs == {('g1', 'u1'), ('g1', 'u2'), ('g2', 'u1')} and pairs != {('g1', 'u1')}


@pytest.mark.parametrize('pairs, side', [
    ([('g1', 'u1'), ('g1', 'u2'), ('g1', 'u3')], TARGET),     # one group of three users: the group's listing
    ([('g1', 'u1'), ('g2', 'u1'), ('g3', 'u1')], USER),       # one user of three groups: the user's
])
def test_a_kind_is_read_from_its_side_with_fewer_items_and_keeps_only_the_edges_asked_about(pairs, side):
    store = Pairs()
    kind = EdgeKind(pairs, store, '/groups/%s/members', None, '/users/%s/memberof', None, memberof=True)
    assert kind.probe_side() == side and bool(kind)
    if side == TARGET:
        found = kind.wanted(TARGET, 'g1', [{'to': {'id': 'u1'}}, {'to': {'id': 'u9'}}, None])
    else:
        found = kind.wanted(USER, 'u1', [{'id': 'g1'}, {'id': 'g9'}])
    assert found == [('g1', 'u1', None)]
    kind.keep(found)
    assert store == {('g1', 'u1'): {}}
    # a listing of the other side is filtered by the same pairs
    assert kind.asked('g2' if side == USER else 'g1', 'u1') and not kind.asked('g1', 'u9')
    assert not EdgeKind((), None, '/g/%s', None, '/u/%s', None)
