"""Compare a real run with what check mode predicted: check mode's would-forms are the real run's statuses."""
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.statuses import as_done, is_preview

OUTCOME_KEYS = ('status', 'changed_fields', 'groups', 'system', 'ldap', 'remove_system')


def as_run(result):
    """What the real run must report for a row check mode predicted as ``result``: the statuses of the writes
    check mode did not make in their real form (``would_add`` is ``added``), all else as predicted."""
    def item(entry):
        return None if entry is None else dict(entry, status=as_done(entry['status']))
    return dict(result, status=as_done(result['status']), groups=[item(g) for g in result['groups']],
                system=item(result['system']), ldap=item(result['ldap']), remove_system=item(result.get('remove_system')))


def outcome(result):
    return tuple(result.get(key) for key in OUTCOME_KEYS)


def assert_run_as_predicted(real, predicted):
    """Each row of ``real`` reports exactly what check mode predicted, and check mode said "would" for every
    write it did not make (no prediction reads as a write made)."""
    for row in predicted.values():
        items = row['groups'] + [row['system'], row['ldap'], row.get('remove_system')]
        statuses = [row['status']] + [e['status'] for e in items if e]
        assert not [s for s in statuses if s in ('added', 'updated', 'removed')], row
        assert row['changed'] == any(is_preview(s) for s in statuses), row
    for name, result in real.items():
        assert outcome(result) == outcome(as_run(predicted[name])), name
