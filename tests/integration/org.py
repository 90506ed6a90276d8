"""A small, hand-built organisation whose every value the integration tests know."""
import copy

SEED = {
    'users': [
        {'username': 'alice', 'email': 'alice@example.com', 'firstname': 'Alice', 'lastname': 'Smith',
         'jobTitle': 'Engineer', 'employeeIdentifier': 'E1', 'department': 'R&D', 'unix_uid': 5001,
         'unix_guid': 5001,
         'addresses': [
             {'id': '6a0000000000000000000001', 'type': 'home', 'streetAddress': '1 Home St', 'locality': 'Denver',
              'region': 'CO', 'postalCode': '80202', 'country': 'US', 'extendedAddress': 'Apt 5'},
             {'id': '6a0000000000000000000002', 'type': 'work', 'streetAddress': '9 Work Ave', 'locality': 'Boulder',
              'country': 'US', 'extendedAddress': 'Floor 3'},
             {'id': '6a0000000000000000000003', 'type': 'other', 'locality': 'Paris', 'country': 'FR'}],
         'phoneNumbers': [
             {'id': '6b0000000000000000000001', 'type': 'mobile', 'number': '+1 555 0101'},
             {'id': '6b0000000000000000000002', 'type': 'work', 'number': '+1 555 0102'}],
         'attributes': [{'name': 'team', 'value': 'red'}, {'name': 'site', 'value': 'hq'}]},
        {'username': 'bob', 'email': 'bob@example.com', 'firstname': 'Bob', 'lastname': 'Jones'},
        {'username': 'carol', 'email': 'carol@example.com', 'firstname': 'Carol', 'lastname': 'White',
         'enable_user_portal_multifactor': True,
         'mfa': {'configured': True, 'exclusion': True, 'exclusionUntil': '2026-01-01T00:00:00Z'}},
        # a 24-character lowercase hex username: it must not be mistaken for an id
        {'username': 'abcdefabcdefabcdefabcdef', 'email': 'hex@example.com', 'firstname': 'Hex'},
        {'username': 'erin', 'email': 'erin@example.com', 'firstname': 'Erin', 'employeeIdentifier': 'E5'},
        {'username': 'frank.o+1', 'email': 'frank@example.com', 'firstname': 'Frank'},
    ],
    'groups': [
        {'name': 'Engineering', 'members': ['alice']},
        {'name': 'Finance', 'members': []},
        {'name': 'Ops', 'members': ['bob']},
    ],
    'systems': [
        {'hostname': 'host-a', 'displayName': 'Host A', 'lastContact': '2026-11-20T10:00:00.000Z',
         'users': [{'username': 'bob', 'sudo': False}]},
        {'hostname': 'host-b', 'displayName': 'Host B', 'lastContact': None, 'users': []},
    ],
    'ldapservers': [{'name': 'ldap-1', 'users': ['carol']}],
}


class Org:
    """Ids and state of the running fake, by name."""

    def __init__(self, fake):
        self.fake = fake

    def user(self, username):
        with self.fake.org.lock:
            return copy.deepcopy(next(u for u in self.fake.org.users.values() if u['username'] == username))

    def uid(self, username):
        return self.user(username)['_id']

    def system(self, hostname):
        return next(s['_id'] for s in self.fake.org.systems.values() if s['hostname'] == hostname)

    def group(self, name):
        return next(g['id'] for g in self.fake.org.groups.values() if g['name'] == name)

    def ldap(self):
        return next(iter(self.fake.org.ldapservers))

    def set_fields(self, username, **fields):
        """Change a user's stored record directly, under the fake's lock, as another admin's edit would."""
        with self.fake.org.lock:
            user = next(u for u in self.fake.org.users.values() if u['username'] == username)
            user.update(copy.deepcopy(fields))

    def members(self, group):
        return set(self.fake.org.group_members[self.group(group)])

    def binding(self, hostname, username):
        return self.fake.org.system_users[self.system(hostname)].get(self.uid(username), 'absent')
