#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: jc_import_template
short_description: Write the CSV template for updating (or importing) JumpCloud users
version_added: 0.1.0
description:
  - Writes the CSV template that M(jcops.jumpcloud.jc_users_from_csv) applies, with the columns chosen by the
    options (one option per question of the interactive template tool), in that tool's question order.
  - With O(populate_users), one row per existing user, sorted by username; with O(prefill) too, every chosen
    column holds the user's current value, so an admin edits cells in place and only edited cells change anything.
  - Idempotent; the file is written atomically. An existing file with other content is left alone unless O(force).
  - Cells starting with C(=), C(+), C(-), C(@), tab or carriage return are written with a leading apostrophe so
    spreadsheets show them as text; M(jcops.jumpcloud.jc_users_from_csv) reads them back as the original value.
  - The file is UTF-8 with a byte order mark, so spreadsheet programs read accents right.
  - The API (and so O(api_key)) is needed only for O(populate_users), O(prefill) and O(systems).
author:
  - jcops team (@jcops)
extends_documentation_fragment:
  - jcops.jumpcloud.connection
  - jcops.jumpcloud.attributes
  - jcops.jumpcloud.attributes.ACTION_GROUP
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    details: Reads from the API but writes no file; reports whether the files would change, in content or in mode,
      owner or group.
  diff_mode:
    support: full
    details: Shows each file's content before and after, and a change of its mode, owner or group.
requirements:
  - requests (only for the options that read JumpCloud)
options:
  dest:
    description:
      - A directory, in which the file is named C(JCUserUpdateImport_<MM-DD-YYYY>.csv) (or C(JCUserImport_...)
        for O(type=import)) with today's date; or a file path ending in C(.csv).
    type: path
    required: true
  type:
    description:
      - V(update) writes a template for existing users, keyed by C(Username).
      - V(import) writes a template for new users, with C(FirstName), C(LastName), C(Username), C(Password) and
        C(Email) first, the columns that creating a user needs. Apply it with M(jcops.jumpcloud.jc_users_from_csv)
        and O(jcops.jumpcloud.jc_users_from_csv#module:missing_users=create), which creates the users that do not
        exist and updates the others from the same file.
      - O(all_columns) writes the same columns for both types, with the key column first, as JumpCloud's full
        template does.
    type: str
    choices: [update, import]
    default: update
  all_columns:
    description:
      - Write every column of the CSV language at once, as JumpCloud's C(New-JCImportTemplate -Force) does, for
        either O(type).
      - In that tool's order, C(Username), C(FirstName), C(LastName), C(Password), C(Email), C(alternateEmail),
        C(recoveryEmail), C(manager), C(managedAppleId), C(MiddleName), C(preferredName), C(jobTitle),
        C(employeeIdentifier), C(department), C(costCenter), C(company), C(employeeType), C(description),
        C(location), C(home_streetAddress), C(home_city), C(home_state), C(home_postalCode), C(home_poBox),
        C(home_country), C(work_streetAddress), C(work_poBox), C(work_city), C(work_state), C(work_postalCode),
        then C(work_country), which that tool leaves out, then C(mobile_number), C(home_number), C(work_number),
        C(work_mobile_number), C(work_fax_number), C(unix_guid), C(unix_uid), C(enable_user_portal_multifactor),
        C(EnrollmentDays), C(ldap_binding_user), C(ldapserver_id), C(account_locked), C(allow_public_key),
        C(enable_managed_uid), C(externally_managed), C(external_dn), C(external_source_type),
        C(passwordless_sudo), C(sudo), C(password_never_expires); then the columns that tool does not have,
        C(RemoveLdapServerID), C(SystemID), C(Administrator), C(RemoveSystemID) and C(state); then the numbered
        columns.
      - It stands for every column option (O(email), O(user_information), O(location), O(telephony), O(unix_ids),
        O(mfa), O(ldap_binding), O(systems), O(state)); setting one of them to V(false) does not take its columns
        out. It chooses columns only; it reads nothing from JumpCloud and writes no other file, so the devices file
        still needs O(systems=true).
      - The numbered columns still come from O(groups), O(remove_groups) and O(custom_attributes), 0 unless set,
        as in that tool's full template, which has none.
      - Rows come from O(populate_users) as for any template (that tool fills in the usernames for its V(Update)
        type); with O(prefill) too, every column holds the user's current value except those O(prefill) never
        fills, so the file applied unedited changes nothing.
    type: bool
    default: false
  populate_users:
    description: One row per existing user, with the Username filled in, sorted by username.
    type: bool
    default: false
  prefill:
    description:
      - With O(populate_users), fill every chosen column with the user's current value (with O(all_columns), the
        seven booleans, C(external_dn) and C(external_source_type) too).
      - C(Password), the enrollment window (C(EnrollmentDays)), the bindings (C(ldapserver_id),
        C(RemoveLdapServerID), C(SystemID), C(Administrator), C(RemoveSystemID)) and the groups to take users out
        of are never prefilled.
      - The C(GroupN) columns (O(groups)) hold the user's groups, sorted by name, and the C(AttributeN_name) and
        C(AttributeN_value) columns (O(custom_attributes)) its custom attributes, in JumpCloud's order. A user with
        more of either than there are columns is named in a warning; the file applied as it is leaves the ones it
        does not show as they are.
      - Group memberships are read per group, each group's members listed (one request per 100 members) and
        inverted, never one request per user.
    type: bool
    default: false
  email:
    description: Add the C(Email) column.
    type: bool
    default: false
  user_information:
    description:
      - Add C(alternateEmail), C(recoveryEmail), C(manager), C(managedAppleId), C(MiddleName), C(preferredName),
        C(jobTitle), C(employeeIdentifier), C(department), C(costCenter), C(company), C(employeeType),
        C(description) and C(location).
    type: bool
    default: false
  location:
    description:
      - Add the twelve address columns, C(home_streetAddress), C(home_poBox), C(home_city), C(home_state),
        C(home_postalCode), C(home_country), C(work_streetAddress), C(work_poBox), C(work_city), C(work_state),
        C(work_postalCode) and C(work_country).
    type: bool
    default: false
  telephony:
    description: Add C(mobile_number), C(home_number), C(work_number), C(work_mobile_number), C(work_fax_number).
    type: bool
    default: false
  unix_ids:
    description: Add C(unix_uid) and C(unix_guid).
    type: bool
    default: false
  mfa:
    description: Add C(enable_user_portal_multifactor) and C(EnrollmentDays).
    type: bool
    default: false
  ldap_binding:
    description: Add C(ldap_binding_user), C(ldapserver_id) and C(RemoveLdapServerID) (unbinds the user from that
      LDAP server; never prefilled).
    type: bool
    default: false
  systems:
    description:
      - Add C(SystemID), C(Administrator) and C(RemoveSystemID), and write the devices file
        C(JCSystems_<MM-DD-YYYY>.csv) beside the template, with hostname, displayName, SystemID and lastContact,
        sorted by hostname.
    type: bool
    default: false
  state:
    description:
      - Add the C(state) column (V(ACTIVATED) or V(SUSPENDED); V(STAGED) for a user being created). With
        O(prefill), it holds each user's current state.
    type: bool
    default: false
  groups:
    description: How many group columns (C(Group1) ... C(GroupN)) to add, 0 to 100.
    type: int
    default: 0
  remove_groups:
    description: How many columns of groups to take users out of (C(RemoveGroup1) ... C(RemoveGroupN)) to add, 0 to 100.
    type: int
    default: 0
  custom_attributes:
    description: How many custom attribute column pairs (C(Attribute1_name), C(Attribute1_value), ...) to add, 0 to 100.
    type: int
    default: 0
  force:
    description:
      - Overwrite an existing file whose content differs. Without it, such a file is left alone and the task
        warns and reports the difference.
    type: bool
    default: false
  mode:
    description:
      - The permissions of the template and, with O(systems), the devices file, as C(chmod) takes them (an octal
        number, quoted (V('0640')), or a symbolic mode such as V(u=rw,g=r)).
      - A new file is readable and writable by its owner only (V('0600')), whatever the C(umask), since it holds
        people's personal data. An existing file keeps its mode unless O(mode) is given.
      - The mode is set on the new file before anything is written to it, so its content is never readable by more
        than O(mode) allows, even for a moment.
      - O(owner), O(group), the SELinux options and O(attributes) apply to the same files, once they are written.
      - A file left alone (see O(force)) keeps its mode, owner and group.
    type: raw
notes:
  - Runs on the controller; use C(hosts=localhost) or C(delegate_to=localhost).
seealso:
  - module: jcops.jumpcloud.jc_users_from_csv
'''

EXAMPLES = r'''
- name: A prefilled template of every user's information and phones, to edit in place
  jcops.jumpcloud.jc_import_template:
    dest: /srv/jumpcloud/
    populate_users: true
    prefill: true
    user_information: true
    telephony: true
  register: template

- name: An empty template with device binding, three group columns and two custom attributes
  jcops.jumpcloud.jc_import_template:
    dest: /srv/jumpcloud/devices-update.csv
    systems: true
    groups: 3
    custom_attributes: 2
    force: true

- name: Every column, one prefilled row per user (JumpCloud's full update template, with current values)
  jcops.jumpcloud.jc_import_template:
    dest: /srv/jumpcloud/everything.csv
    all_columns: true
    populate_users: true
    prefill: true
    groups: 2
    custom_attributes: 2

- name: A template for new hires, with their groups; fill it in, then apply it with missing_users=create
  jcops.jumpcloud.jc_import_template:
    dest: /srv/jumpcloud/new-hires.csv
    type: import
    groups: 2
  register: new_hires

- name: Create the new hires (and update whoever already exists)
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: "{{ new_hires.path }}"
    missing_users: create
'''

RETURN = r'''
path:
  description: The template's path.
  returned: always
  type: str
  sample: /srv/jumpcloud/JCUserUpdateImport_11-25-2026.csv
columns:
  description: The header row.
  returned: always
  type: list
  elements: str
  sample: [Username, Email, jobTitle]
rows:
  description: How many user rows the template has.
  returned: always
  type: int
systems_path:
  description: The devices file's path.
  returned: when O(systems=true)
  type: str
'''

from ansible_collections.jcops.jumpcloud.plugins.module_utils._module import JumpCloudModule
from ansible_collections.jcops.jumpcloud.plugins.module_utils._import_template.flow import write_template


def main():
    module = JumpCloudModule(
        argument_spec=JumpCloudModule.generate_argspec(
            dest=dict(type='path', required=True),
            type=dict(type='str', choices=['update', 'import'], default='update'),
            all_columns=dict(type='bool', default=False),
            populate_users=dict(type='bool', default=False),
            prefill=dict(type='bool', default=False),
            email=dict(type='bool', default=False),
            user_information=dict(type='bool', default=False),
            location=dict(type='bool', default=False),
            telephony=dict(type='bool', default=False),
            unix_ids=dict(type='bool', default=False),
            mfa=dict(type='bool', default=False),
            ldap_binding=dict(type='bool', default=False),
            systems=dict(type='bool', default=False),
            state=dict(type='bool', default=False),
            groups=dict(type='int', default=0),
            remove_groups=dict(type='int', default=0),
            custom_attributes=dict(type='int', default=0),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        add_file_common_args=True,
    )
    module.run_flow(write_template)


if __name__ == '__main__':
    main()
