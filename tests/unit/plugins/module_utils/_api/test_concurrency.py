"""bounded_map: a window of tasks at a time, results in order, and an orderly stop."""
import collections
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jcops.jumpcloud.plugins.module_utils._api.concurrency import NOT_STARTED, UNFINISHED, bounded_map, drain


def test_results_come_in_order_with_at_most_a_window_of_items_taken_ahead():
    taken = []

    def items():
        for number in range(10):
            taken.append(number)
            yield number
    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = []
        for answer in bounded_map(pool, lambda n: n * n, items(), window=3):
            seen.append((answer, len(taken)))
    assert [a for a, dummy in seen] == [n * n for n in range(10)]
    # when the first answer is given, only the window has been taken from the items
    assert seen[0][1] == 3


def test_a_stop_leaves_queued_items_not_started_and_waits_a_grace_for_running_ones():
    release = threading.Event()
    stop = threading.Event()
    second = threading.Event()
    taken = []

    def work(n):
        if n == 0:
            second.wait(5)
            stop.set()          # the interrupt arrives while the first item is under way, the second queued
            release.wait(5)
        return n

    def items():
        for number in range(6):
            taken.append(number)
            if number == 1:
                second.set()
            yield number
    with ThreadPoolExecutor(max_workers=1) as pool:
        answers = list(bounded_map(pool, work, items(), window=2, stopped=stop.is_set, grace=0.05))
        release.set()
    assert answers == [(UNFINISHED, 0), (NOT_STARTED, 1)]
    assert taken == [0, 1]      # nothing more is taken once stopped


def test_drain_removes_each_item_as_it_is_handed_out():
    queue = collections.deque([1, 2, 3])
    handed = drain(queue)
    assert next(handed) == 1 and list(queue) == [2, 3]
    assert list(handed) == [2, 3] and not queue
