"""The W1 row: what a bulk run asks of each user, and a check that the fake holds exactly that.

Each row changes three scalar fields (jobTitle, department, costCenter), one phone number
(mobile), one custom attribute, and adds one group membership and one device binding that
the user does not have yet: one PUT, one membership add and one binding per row. Used by the
fault tests, the interrupted-run test and the benchmark.
"""
import csv
import io

HEADER = ['Username', 'jobTitle', 'department', 'costCenter', 'mobile_number', 'Attribute1_name',
          'Attribute1_value', 'Group1', 'SystemID', 'Administrator']


def _first_without(items, start, has_user):
    """The first of ``items``, going round from ``start``, that does not have the user yet."""
    return next(item for item in items[start % len(items):] + items[:start % len(items)] if not has_user(item))


def w1_rows(fake, count, tag='1'):
    """``count`` rows for the first ``count`` users (by username) of ``fake``; a different ``tag``
    gives different values for the same users."""
    org = fake.org
    with org.lock:
        users = sorted(org.users.values(), key=lambda u: u['username'])[:count]
        groups = sorted(org.groups.values(), key=lambda g: g['name'])
        systems = sorted(org.systems.values(), key=lambda s: s['hostname'])
        members = dict((g['id'], set(org.group_members[g['id']])) for g in groups)
        bound = dict((s['_id'], set(org.system_users[s['_id']])) for s in systems)
    if len(users) < count:
        raise ValueError('the organisation has %d users, not %d' % (len(users), count))
    rows = []
    for i, user in enumerate(users):
        uid = user['_id']
        group = _first_without(groups, i, lambda g: uid in members[g['id']])
        system = _first_without(systems, i, lambda s: uid in bound[s['_id']])
        rows.append({
            'Username': user['username'], 'jobTitle': 'Title %s-%d' % (tag, i), 'department': 'Dept %s' % tag,
            'costCenter': 'CC-%s-%d' % (tag, i % 50), 'mobile_number': '+1 555 %s%05d' % (tag[:1], i),
            'Attribute1_name': 'runTag', 'Attribute1_value': '%s-%d' % (tag, i), 'Group1': group['name'],
            'SystemID': system['_id'], 'Administrator': 'false',
            '_uid': uid, '_group_id': group['id'],
        })
    return rows


def to_csv(rows):
    return rows_csv(HEADER, rows)


def mismatches(fake, row):
    """The fields of ``row`` that the fake does not hold (an empty list when the user is exactly right)."""
    org = fake.org
    with org.lock:
        user = org.users.get(row['_uid'])
        if user is None:
            return ['user deleted']
        wrong = [f for f in ('jobTitle', 'department', 'costCenter') if user.get(f) != row[f]]
        mobiles = [p['number'] for p in user.get('phoneNumbers') or [] if p.get('type') == 'mobile']
        if mobiles[:1] != [row['mobile_number']]:
            wrong.append('phoneNumbers.mobile')
        attributes = dict((a['name'], a['value']) for a in user.get('attributes') or [])
        if attributes.get(row['Attribute1_name']) != row['Attribute1_value']:
            wrong.append('attributes')
        if row['_uid'] not in org.group_members[row['_group_id']]:
            wrong.append('group')
        binding = org.system_users[row['SystemID']].get(row['_uid'], 'absent')
        if binding == 'absent' or (binding or {}).get('sudo', {}).get('enabled'):
            wrong.append('device')
    return wrong


# -- W2 and W3: a large tenant (seed.generate_large_org) ---------------------------------------------

W2_HEADER = ['Username', 'jobTitle', 'department', 'Attribute1_name', 'Attribute1_value', 'Group1', 'SystemID']
W3_HEADER = ['Username', 'jobTitle', 'department', 'costCenter']


def _spread(org, count):
    """``count`` users spread evenly over the tenant, by username."""
    users = sorted(org.users.values(), key=lambda u: u['username'])
    if len(users) < count:
        raise ValueError('the organisation has %d users, not %d' % (len(users), count))
    step = len(users) // count
    return [users[i * step] for i in range(count)]


def w2_rows(fake, count, tag='w2'):
    """Rows changing two fields and a custom attribute; even rows join a big department group, odd rows a small
    team, each group one the user is not in yet; every row binds a distinct device the user is not bound to."""
    org = fake.org
    with org.lock:
        users = _spread(org, count)
        groups = sorted(org.groups.values(), key=lambda g: g['name'])
        big = [g for g in groups if g['name'].startswith('Department ')]
        small = [g for g in groups if g['name'].startswith('team-')]
        members = dict((g['id'], set(org.group_members[g['id']])) for g in big + small)
        systems = sorted(org.systems.values(), key=lambda s: s['hostname'])
        bound = dict((s['_id'], set(org.system_users[s['_id']])) for s in systems[:count])
    if len(systems) < count:
        raise ValueError('the organisation has %d devices, not %d' % (len(systems), count))
    rows = []
    for i, user in enumerate(users):
        uid = user['_id']
        group = _first_without(big if i % 2 == 0 else small, i // 2, lambda g: uid in members[g['id']])
        system = systems[i]
        assert uid not in bound[system['_id']]
        rows.append({'Username': user['username'], 'jobTitle': 'Title %s-%d' % (tag, i), 'department': 'Dept %s' % tag,
                     'Attribute1_name': 'runTag', 'Attribute1_value': '%s-%d' % (tag, i), 'Group1': group['name'],
                     'SystemID': system['_id'], '_uid': uid, '_group_id': group['id']})
    return rows


def w3_rows(fake, count, tag='w3'):
    """Rows that change three fields only."""
    with fake.org.lock:
        users = _spread(fake.org, count)
    return [{'Username': u['username'], 'jobTitle': 'Title %s-%d' % (tag, i), 'department': 'Dept %s' % tag,
             'costCenter': 'CC-%s-%d' % (tag, i % 50), '_uid': u['_id']} for i, u in enumerate(users)]


def rows_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[h] for h in header])
    return buffer.getvalue()


def large_mismatches(fake, row):
    """The cells of a W2 or W3 ``row`` that the fake does not hold."""
    org = fake.org
    with org.lock:
        user = org.users.get(row['_uid'])
        wrong = [f for f in ('jobTitle', 'department', 'costCenter') if f in row and user.get(f) != row[f]]
        if 'Attribute1_name' in row:
            attributes = dict((a['name'], a['value']) for a in user.get('attributes') or [])
            if attributes.get(row['Attribute1_name']) != row['Attribute1_value']:
                wrong.append('attributes')
        if '_group_id' in row and row['_uid'] not in org.group_members[row['_group_id']]:
            wrong.append('group')
        if 'SystemID' in row and row['_uid'] not in org.system_users[row['SystemID']]:
            wrong.append('device')
    return wrong
