#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: jc_users_info
short_description: Read JumpCloud users as data, and as rows that M(jcops.jumpcloud.jc_users_from_csv) takes
version_added: 0.2.0
description:
  - Reads the users the selectors choose and returns them, with JumpCloud's field names, plus what O(include)
    adds. It changes nothing; RV(changed) is always V(false).
  - Selectors given together must all hold (a user named in O(usernames) and in one of O(groups), say); with no
    selector every user is read.
  - With O(as_rows), each user is also returned as a row of the CSV column language (C(Username), C(jobTitle),
    ..., C(Group1)..., C(Attribute1_name)...), every cell as a prefilled M(jcops.jumpcloud.jc_import_template)
    writes it, so that the rows applied by M(jcops.jumpcloud.jc_users_from_csv) (as its list of rows,
    O(jcops.jumpcloud.jc_users_from_csv#module:users), or written to a file) change nothing until they are edited.
  - 'Requests: the users are searched 1000 a page with no selector or O(state) alone; O(usernames) and O(emails)
    100 names a search; O(groups) lists the user groups (100 a page), each named group''s members (100 a page) and
    then searches its members by id, 1000 a search. O(include=groups) reads each group''s members (one request per
    100 members, plus one per group) when more users are read than there are groups, else each user''s own groups
    (one request each); O(include=systems) and O(include=ldap_servers) likewise list the devices or servers and
    read the bindings from the side with fewer listings; O(include=manager) searches the managers that are not
    among the users, 1000 ids a search. Every user of a large directory with O(as_rows) costs what a prefilled
    M(jcops.jumpcloud.jc_import_template) of the same users with group columns costs, or less.'
  - 'Memory: the result is the list of users, so the module holds every user it returns, with the fields listed
    under RV(users) and what O(include) adds, and, at its peak, the copies Ansible makes to send the result. With
    O(as_rows), about 15 KB a user (10,000 users: 172 MB measured); without it, about half; the controller holds the
    registered result too. Narrow the selection (O(groups), O(state)) to read a large directory in parts.'
author:
  - jcops team (@jcops)
extends_documentation_fragment:
  - jcops.jumpcloud.connection
  - jcops.jumpcloud.attributes
  - jcops.jumpcloud.attributes.ACTION_GROUP
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode reads and returns the same.
  diff_mode:
    support: none
requirements:
  - requests
options:
  usernames:
    description:
      - Select the users with these usernames (without regard to case).
    type: list
    elements: str
  emails:
    description:
      - Select the users with these email addresses (without regard to case, as JumpCloud compares them).
    type: list
    elements: str
  groups:
    description:
      - Select the members of these user groups, by name (a user in any one of them). A name matches exactly, else
        without regard to case; a name that matches no group, or several, fails the task.
    type: list
    elements: str
  state:
    description:
      - Select the users in this state, V(ACTIVATED), V(SUSPENDED) or V(STAGED), in any case.
    type: str
  include:
    description:
      - What to add to each user beside its fields.
      - V(groups), its user groups' names (RV(users[].groups)); V(systems), the devices it is bound to
        (RV(users[].systems)); V(ldap_servers), the LDAP servers it is bound to (RV(users[].ldap_servers));
        V(manager), its manager's username (RV(users[].manager_username)); V(attributes), its custom attributes
        (RV(users[].attributes)).
    type: list
    elements: str
    choices: [groups, systems, ldap_servers, manager, attributes]
    default: []
  as_rows:
    description:
      - Also return RV(rows), each user as a row of the column language, and RV(columns), a header holding every
        row's columns.
      - The rows hold the user's groups and custom attributes, so both are read (and added to RV(users)) as
        O(include=[groups, attributes]) would.
    type: bool
    default: false
notes:
  - Runs on the controller; use C(hosts=localhost) or C(delegate_to=localhost).
seealso:
  - module: jcops.jumpcloud.jc_users_from_csv
  - module: jcops.jumpcloud.jc_import_template
'''

EXAMPLES = r'''
- name: The suspended members of Engineering, with their devices
  jcops.jumpcloud.jc_users_info:
    groups: [Engineering]
    state: suspended
    include: [systems]
  register: suspended

- name: Two users with their groups, manager and custom attributes
  jcops.jumpcloud.jc_users_info:
    usernames: [alice, bob]
    include: [groups, manager, attributes]
  register: found

- name: Their usernames and job titles
  ansible.builtin.debug:
    msg: "{{ found.users | map(attribute='username') | zip(found.users | map(attribute='jobTitle')) }}"

- name: Everyone in Sales as rows, to edit and apply with jc_users_from_csv
  jcops.jumpcloud.jc_users_info:
    groups: [Sales]
    as_rows: true
  register: sales

- name: Apply them as jc_users_from_csv's list of rows (as they are, they change nothing)
  jcops.jumpcloud.jc_users_from_csv:
    users: "{{ sales.rows }}"
'''

RETURN = r'''
changed:
  description: Always V(false); the module only reads.
  returned: always
  type: bool
  sample: false
users:
  description:
    - The users selected, sorted by username, each with JumpCloud's fields C(_id), C(username), C(email),
      C(firstname), C(lastname), C(middlename), C(displayname), C(jobTitle), C(employeeIdentifier), C(department),
      C(costCenter), C(company), C(employeeType), C(description), C(location), C(alternateEmail),
      C(recoveryEmail), C(manager) (the manager's id), C(managedAppleId), C(addresses), C(phoneNumbers),
      C(unix_uid), C(unix_guid), C(enable_user_portal_multifactor), C(mfa), C(ldap_binding_user), the flags
      (C(account_locked), C(allow_public_key), C(enable_managed_uid), C(externally_managed), C(passwordless_sudo),
      C(sudo), C(password_never_expires)), C(external_dn), C(external_source_type), C(state), C(suspended),
      C(activated) and C(created), as JumpCloud returns them (a field JumpCloud leaves out is left out), plus what
      O(include) adds.
  returned: always
  type: list
  elements: dict
  contains:
    groups:
      description: The names of the user's groups, sorted.
      returned: when O(include) has V(groups), or O(as_rows)
      type: list
      elements: str
      sample: [Engineering, VPN]
    systems:
      description:
        - The devices the user is bound to directly, sorted by hostname.
        - C(administrator) is the binding's own administrator (sudo) setting; the user's C(sudo) field makes it
          administrator on every device besides.
      returned: when O(include) has V(systems)
      type: list
      elements: dict
      sample: [{id: 5f0c1b2d3e4f5a6b7c8d9e0f, hostname: build-01, administrator: true}]
    ldap_servers:
      description: The LDAP servers the user is bound to, C(id) and C(name), sorted by name.
      returned: when O(include) has V(ldap_servers)
      type: list
      elements: dict
      sample: [{id: 5f0c1b2d3e4f5a6b7c8d9e10, name: ldap-1}]
    manager_username:
      description: The username of the user's manager (C(manager) holds its id); null when there is none.
      returned: when O(include) has V(manager)
      type: str
      sample: alice
    attributes:
      description: The user's custom attributes, C(name) and C(value), as JumpCloud stores them.
      returned: when O(include) has V(attributes), or O(as_rows)
      type: list
      elements: dict
      sample: [{name: WorkdayID, value: '10442'}]
  sample:
    - _id: 5f0c1b2d3e4f5a6b7c8d9e01
      username: alice
      email: alice@example.com
      jobTitle: Engineer
      state: ACTIVATED
      groups: [Engineering]
rows:
  description:
    - Each user as a row of the column language, in RV(users)' order, every cell a string as a prefilled
      M(jcops.jumpcloud.jc_import_template) writes it.
    - A row has the columns a prefilled template fills in (C(Username), C(FirstName), C(LastName), C(Email), the
      user information, address, phone, unix id, MFA, LDAP binding, flag and external columns, C(state)) that hold
      a value (a blank cell changes nothing, so it is left out; C(Username) is always there), then C(Group1) ...
      one a group, and C(Attribute1_name), C(Attribute1_value) ... one pair an attribute.
    - Applied by M(jcops.jumpcloud.jc_users_from_csv) as they are, they write nothing.
  returned: when O(as_rows=true)
  type: list
  elements: dict
  sample: [{Username: alice, Email: alice@example.com, jobTitle: Engineer, Group1: Engineering,
            Attribute1_name: team, Attribute1_value: red}]
columns:
  description: A header holding every column of RV(rows), in the template's order (a CSV of the rows needs no other).
  returned: when O(as_rows=true)
  type: list
  elements: str
'''

from ansible_collections.jcops.jumpcloud.plugins.module_utils._module import JumpCloudModule
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.flow import read_users
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_info.include import INCLUDES


def main():
    module = JumpCloudModule(
        argument_spec=JumpCloudModule.generate_argspec(
            usernames=dict(type='list', elements='str'),
            emails=dict(type='list', elements='str'),
            groups=dict(type='list', elements='str'),
            state=dict(type='str'),
            include=dict(type='list', elements='str', choices=list(INCLUDES), default=[]),
            as_rows=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.run_flow(read_users)


if __name__ == '__main__':
    main()
