"""The groups and bindings of many users: per target (each listing inverted) or per user, whichever side has
fewer listings; names sorted without regard to case."""
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.memberships import (
    SYSTEMS, edges_by_user, group_names_by_user)

from doubles import Directory, uid

GROUPS = [{'id': uid(100), 'name': 'ops'}, {'id': uid(101), 'name': 'Admins'}, {'id': uid(102), 'name': 'empty'}]


def directory():
    members = [(uid(100), uid(1)), (uid(101), uid(1)), (uid(100), uid(2)), (uid(101), uid(3))]
    members += [(uid(100), uid(n)) for n in range(10, 260)]      # ops: 252 members, three pages
    return Directory(groups=GROUPS, members=members,
                     bindings={(uid(200), uid(1)): {'sudo': {'enabled': True}}, (uid(201), uid(2)): None})


def test_more_users_than_groups_are_read_per_group_and_inverted():
    client = directory()
    with ThreadPoolExecutor(2) as pool:
        found = group_names_by_user(client, pool, GROUPS, set(uid(n) for n in range(1, 20)))
    assert found[uid(1)] == ('Admins', 'ops')          # sorted without regard to case
    assert (found[uid(2)], found[uid(3)], found[uid(10)]) == (('ops',), ('Admins',), ('ops',))
    assert found[uid(2)] is found[uid(10)]              # users in the same groups share one tuple
    assert set(found) == set([uid(1), uid(2), uid(3)] + [uid(n) for n in range(10, 20)])   # only the users asked
    assert sorted(c[1] for c in client.calls) == sorted('/api/v2/usergroups/%s/members' % g['id'] for g in GROUPS)
    assert client.counts['reads'] == 3 + 1 + 1          # ops' three pages, one page each for the others


def test_every_member_when_no_users_are_named():
    with ThreadPoolExecutor(2) as pool:
        found = group_names_by_user(directory(), pool, GROUPS)
    assert len(found) == 3 + 250 and found[uid(259)] == ('ops',)


def test_no_more_users_than_groups_are_read_from_their_own_side():
    client = directory()
    with ThreadPoolExecutor(2) as pool:
        found = group_names_by_user(client, pool, GROUPS, {uid(1), uid(3), uid(4)})
    assert found == {uid(1): ('Admins', 'ops'), uid(3): ('Admins',)}
    assert sorted(c[1] for c in client.calls) == ['/api/v2/users/%s/memberof' % uid(n) for n in (1, 3, 4)]


def test_bindings_keep_their_attributes_from_either_side():
    targets = [uid(200), uid(201)]
    expected = {uid(1): [(uid(200), {'sudo': {'enabled': True}})], uid(2): [(uid(201), None)]}
    for users in ({uid(1), uid(2)}, {uid(1), uid(2), uid(3)}):
        client = directory()
        with ThreadPoolExecutor(2) as pool:
            assert edges_by_user(client, pool, SYSTEMS, targets, users) == expected
        side = 'users' if len(users) <= 2 else 'systems'
        assert all(c[1].startswith('/api/v2/%s/' % side) for c in client.calls)
