"""The module base's exit: the per-row lists are handed over, so that the exit's copy is not held beside them,
and the JSON the module writes is the same."""
import json
import tracemalloc

import pytest

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.jcops.jumpcloud.plugins.module_utils._module import HandedOver, _handed_over

SECRET = 'test-api-key-5ecret'


def rows(count):
    return [{'row': n + 2, 'username': 'user%05d' % n, 'user_id': '%024x' % n, 'status': 'updated', 'changed': True,
             'failed': False, 'changed_fields': ['jobTitle', 'department'],
             'groups': [{'id': '%024x' % (n % 7), 'name': 'group-%d' % (n % 7), 'status': 'added'}],
             'system': None, 'msg': 'note %s' % (SECRET if n == 3 else '')} for n in range(count)]


def test_the_exit_writes_the_same_json_and_masks_as_before():
    expected = json.dumps(remove_values({'changed': True, 'results': rows(300), 'diff': [{'a': 1}]}, {SECRET}))
    result = {'changed': True, 'results': rows(300), 'diff': [{'a': 1}]}
    flows_list = result['results']
    handed = _handed_over(result)
    assert isinstance(handed['results'], HandedOver) and flows_list == []      # the flow's list holds nothing more
    copy = remove_values(handed, {SECRET})
    assert json.dumps(copy) == expected
    assert not isinstance(copy['results'], HandedOver) and copy['results'][3]['msg'] == 'note ********'
    assert handed['results'] == []                                             # read once, on the way out


def test_iterating_takes_each_entry_out_in_order():
    items = HandedOver([1, 2, 3])
    seen = []
    for item in items:
        seen.append((item, len(items)))
    assert seen == [(1, 2), (2, 1), (3, 0)]


def test_the_exit_copy_is_not_held_beside_every_row():
    def peak_of_copy(hand_over):
        tracemalloc.start()
        try:
            result = {'results': rows(5000)}
            if hand_over:
                result = _handed_over(result)
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            remove_values(result, {SECRET})
            return tracemalloc.get_traced_memory()[1] / float(held)
        finally:
            tracemalloc.stop()
    # the rows and their copy at the highest, as a share of the rows alone: about 1.7 held both, about 1.2 now
    assert peak_of_copy(False) > 1.5
    assert peak_of_copy(True) < 1.35


@pytest.mark.parametrize('profile', ['legacy', 'modern'])
def test_the_result_is_written_a_row_at_a_time_as_the_same_text(monkeypatch, profile):
    from ansible.module_utils import basic
    from ansible.module_utils.common import json as common_json
    from ansible_collections.jcops.jumpcloud.plugins.module_utils._module import _module_encoder, write_result

    monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', profile)     # as a module's arguments set it
    encoder = common_json.get_module_encoder(profile, common_json.Direction.MODULE_TO_CONTROLLER)
    assert _module_encoder() is encoder
    for result in ({'changed': True, 'results': rows(50), 'diff': [{'before': {'x': 'é'}}], 'summary': {'rows': 50},
                    'msg': 'done', 'warnings': ['w "quoted"']},
                   {'changed': False, 'results': [], 'msg': ''}, {}):
        expected = json.dumps(result, cls=encoder)
        chunks = []
        copy = dict((key, list(value) if isinstance(value, list) else value) for key, value in result.items())
        write_result(copy, encoder, chunks.append)
        assert ''.join(chunks) == expected
        assert copy.get('results', []) == [] and copy.get('diff', []) == []      # each row let go once written
        assert max(len(chunk) for chunk in chunks or ['']) < 2000              # never the whole text at once
