"""The users a run creates, for the rows whose manager one of them is: each waits for its manager's id."""
import threading

from ansible_collections.jcops.jumpcloud.plugins.module_utils._csv.model import Desired
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.missing_users import NewUsers


def row(username, manager_row=None):
    desired = Desired(2)
    desired.username, desired.manager_row = username, manager_row
    return desired


def test_a_row_gets_the_id_of_the_manager_another_row_created():
    rows = [row('boss'), row('bob', 'boss')]
    users = NewUsers(rows, check_mode=False, stopped=lambda: False)
    threading.Timer(0.1, users.done, ('boss', '5f0000000000000000000009')).start()
    assert users.manager_id(rows[1]) is None and rows[1].manager_id == '5f0000000000000000000009'
    # a later "done" of the same row (its task's last word) changes nothing
    users.done('boss', None)
    assert users.manager_id(rows[1]) is None and rows[1].manager_id == '5f0000000000000000000009'


def test_a_manager_not_created_or_an_interrupt_says_why():
    rows = [row('boss'), row('bob', 'boss')]
    failed = NewUsers(rows, check_mode=False, stopped=lambda: False)
    failed.done('boss', None)
    assert failed.manager_id(rows[1]) == "not attempted: its manager 'boss' was not created (see its row)"
    stopped = NewUsers(rows, check_mode=False, stopped=lambda: True)
    assert 'had not been created when the run was interrupted' in stopped.manager_id(rows[1])
    # check mode creates nothing and waits for nothing
    assert NewUsers(rows, check_mode=True, stopped=lambda: False).manager_id(rows[1]) is None
