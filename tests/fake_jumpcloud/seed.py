"""Generated organisations for tests, benchmarks and the demo: deterministic, realistic."""
import random

FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'John', 'Radia',
         'Edsger', 'Hedy', 'Tim', 'Katherine', 'Donald', 'Shafi', 'Whitfield', 'Joan', 'Niklaus', 'Zoë', 'José']
LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen',
        'Backus', 'Perlman', 'Dijkstra', 'Lamarr', 'Berners', 'Johnson', 'Knuth', 'Goldwasser', 'Diffie',
        'Clarke', 'Wirth', 'Müller', 'García']
DEPARTMENTS = ['Engineering', 'Finance', 'Sales', 'Support', 'Marketing', 'People', 'Legal', 'IT']
CITIES = [('Denver', 'CO', 'US'), ('Boulder', 'CO', 'US'), ('London', '', 'GB'), ('Berlin', 'BE', 'DE'),
          ('Pune', 'MH', 'IN'), ('Austin', 'TX', 'US')]


def username_for(i):
    return 'user%05d' % i


def generate_org(users=200, groups=20, systems=50, ldapservers=1, random_seed=7, dynamic_groups=0):
    """A seed document with ``users`` users, some groups, devices and one LDAP server.

    ``dynamic_groups`` more groups are dynamic (``DYNAMIC_AUTOMATED``), each holding the users of one department.
    """
    rnd = random.Random(random_seed)
    doc = {'users': [], 'groups': [], 'systems': [], 'ldapservers': []}
    for i in range(1, users + 1):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        city, region, country = rnd.choice(CITIES)
        user = {
            'username': username_for(i),
            'email': '%s@example.com' % username_for(i),
            'firstname': first,
            'lastname': last,
            'department': rnd.choice(DEPARTMENTS),
            'jobTitle': rnd.choice(['Engineer', 'Analyst', 'Manager', 'Director', 'Technician']),
            'employeeIdentifier': 'E%06d' % i,
            'unix_uid': 5000 + i,
            'unix_guid': 5000 + i,
            'addresses': [{'type': 'work', 'streetAddress': '%d Main St' % rnd.randint(1, 999),
                           'locality': city, 'region': region, 'country': country, 'postalCode': '%05d' % i,
                           'extendedAddress': 'Floor %d' % rnd.randint(1, 9)}],
            'phoneNumbers': [{'type': 'work', 'number': '+1 555 %04d' % (i % 10000)}],
            'attributes': [{'name': 'costCode', 'value': 'CC%03d' % rnd.randint(1, 200)}],
        }
        if i % 3 == 0:
            user['addresses'].append({'type': 'home', 'streetAddress': '%d Elm Rd' % i, 'locality': city,
                                      'country': country})
            user['phoneNumbers'].append({'type': 'mobile', 'number': '+1 555 9%03d' % (i % 1000)})
        doc['users'].append(user)
    for g in range(1, groups + 1):
        members = [username_for(i) for i in range(g, users + 1, max(groups, 1) * 3)]
        doc['groups'].append({'name': 'group-%03d' % g, 'members': members})
    for g in range(1, dynamic_groups + 1):
        department = DEPARTMENTS[(g - 1) % len(DEPARTMENTS)]
        doc['groups'].append({'name': 'dynamic-%s' % department.lower(), 'membershipMethod': 'DYNAMIC_AUTOMATED',
                              'rule': {'department': department}})
    for s in range(1, systems + 1):
        bound = [{'username': username_for(i), 'sudo': i % 2 == 0} for i in range(s, min(users, s * 7) + 1, 97)]
        doc['systems'].append({'hostname': 'host-%04d' % s, 'displayName': 'Host %04d' % s,
                               'lastContact': None if s % 10 == 0 else '2026-11-%02dT10:00:00.000Z' % (1 + s % 24),
                               'os': rnd.choice(['Ubuntu', 'Mac OS X', 'Windows']), 'users': bound})
    for n in range(1, ldapservers + 1):
        doc['ldapservers'].append({'name': 'ldap-%d' % n,
                                   'users': [username_for(i) for i in range(1, users + 1, 10)]})
    return doc


def generate_large_org(users=100000, systems=20000, big_groups=5, big_size=20000, small_groups=194, small_size=150,
                       random_seed=11):
    """A large tenant: an "All Users" group with every user, ``big_groups`` department groups of ``big_size``
    members, ``small_groups`` teams of ``small_size`` (under 200), ``systems`` devices each bound to one
    user, one LDAP server."""
    doc = generate_org(users, groups=0, systems=0, ldapservers=1, random_seed=random_seed)
    names = [u['username'] for u in doc['users']]
    doc['groups'].append({'name': 'All Users', 'members': names})
    for g in range(big_groups):
        start = (g * big_size) % max(1, users)
        doc['groups'].append({'name': 'Department %d' % (g + 1),
                              'members': [names[(start + i) % users] for i in range(min(big_size, users))]})
    for g in range(small_groups):
        start = (g * 97 * small_size) % max(1, users)
        doc['groups'].append({'name': 'team-%03d' % (g + 1),
                              'members': [names[(start + i) % users] for i in range(min(small_size, users))]})
    for s in range(1, systems + 1):
        doc['systems'].append({'hostname': 'device-%05d' % s, 'displayName': 'Device %05d' % s,
                               'lastContact': '2026-11-%02dT10:00:00.000Z' % (1 + s % 24), 'os': 'Mac OS X',
                               'users': [{'username': names[(s * 37) % users], 'sudo': False}]})
    return doc
