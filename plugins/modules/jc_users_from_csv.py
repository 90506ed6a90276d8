#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: jc_users_from_csv
short_description: Update JumpCloud users from a CSV, and create the ones that do not exist yet
version_added: 0.1.0
description:
  - Applies a CSV in the format written by M(jcops.jumpcloud.jc_import_template) to existing JumpCloud users,
    updating attributes, addresses, phone numbers, unix ids, MFA, LDAP binding, user group membership, device binding
    with or without administrator rights, custom attributes and the user's state (activated or suspended).
  - 'Taking away is always explicit: C(RemoveGroup1)...C(RemoveGroupN) take the user out of those groups,
    C(RemoveSystemID) unbinds the user from that device, the O(clear_token) in an C(AttributeN_value) cell removes
    that custom attribute, and C(state=SUSPENDED) suspends the user. What is already so (not a member, not bound, no
    such attribute, already suspended) costs no write: a removal is V(absent). Check mode and the diff show every
    removal before it is made.'
  - A row that adds and removes the same group (C(GroupN) and C(RemoveGroupN)), or binds and unbinds the same device
    (C(SystemID) and C(RemoveSystemID)), is invalid. C(state=STAGED) is for a user being created; on an existing user
    it is invalid unless the user is already staged.
  - A C(state) is written as JumpCloud's own C(Set-JCUser) and C(New-JCUser) write it, C(suspended=true) beside
    C(state=SUSPENDED) and C(suspended=false) beside C(state=ACTIVATED), on an update and on a creation; a user whose
    C(suspended) flag disagrees with the state its row asks for is corrected. A C(STAGED) user set C(ACTIVATED) is
    activated by JumpCloud's activate endpoint, not by a C(PUT) (see O(activation_email)).
  - C(RemoveSystemID) removes the user's direct binding to that device only. When the user also reaches the device
    through a user group or a device group, that access stays; the row's C(remove_system) result
    (C(remaining_routes)), its diff and a warning name those routes.
  - A C(GroupN) or C(RemoveGroupN) cell naming a dynamic user group (membership method C(DYNAMIC_AUTOMATED) or
    C(DYNAMIC_REVIEW_REQUIRED)) is invalid, since the group's rules set its members and JumpCloud undoes a member
    added or removed by hand.
  - Only filled cells change anything; a blank cell leaves the field alone. To empty a field on purpose,
    put the O(clear_token) in its cell.
  - The whole file is validated before the first write; every problem is reported at once with its line
    and column, and by default an invalid file writes nothing.
  - Idempotent. The current state is read in bulk, only differences are written (one PUT per user carrying
    every changed field), existing memberships and bindings cost no write, and a second run of the same file
    changes nothing. Users are updated concurrently on O(max_workers) threads; one user's writes never overlap.
  - Addresses, phone numbers and custom attributes that a row does not touch are kept exactly as they are.
  - A row whose user does not exist is an error by default. With O(missing_users=create) the same file also
    onboards new users (the C(type=import) template of M(jcops.jumpcloud.jc_import_template) is such a file).
    The row creates its user (C(POST /api/systemusers) with every filled field), then adds its groups, device
    binding (with C(Administrator)) and LDAP binding in the same per-user task. A row that creates needs
    C(Username), C(Email), C(FirstName) and C(LastName) filled, and its email and employeeIdentifier may not
    belong to an existing user or to another row; each problem is an error on its cell, found before any write.
    A second run finds the new users and changes nothing.
  - Usernames (C(Username) and C(manager)), group names, custom attribute names and address/phone types match
    without regard to case, as JumpCloud's PowerShell module matches them. An exact match wins; otherwise the only
    name that differs by case alone is used (a custom attribute keeps its stored name); several such names are an
    error on that cell naming them.
  - C(Password) cells cannot be compared, since JumpCloud never returns passwords. By default
    (O(update_password=on_create)) a C(Password) is sent only when the row creates its user, so a second run
    writes nothing; with O(update_password=always) it is sent to existing users too, and reported as changed,
    on every run. A row whose password was not sent says so in its result (never showing the password).
  - 'Columns, by kind (header matching ignores case and surrounding spaces; column order does not matter):'
  - 'The key, an existing username (required): C(Username).'
  - 'Text: C(FirstName), C(LastName), C(MiddleName), C(preferredName), C(jobTitle), C(employeeIdentifier),
    C(department), C(costCenter), C(company), C(employeeType), C(description), C(location), C(external_dn),
    C(external_source_type).'
  - 'An email address: C(Email), C(alternateEmail), C(recoveryEmail), C(managedAppleId).'
  - 'A password, sent as written: C(Password).'
  - 'A user id, username or email: C(manager).'
  - 'Part of an address: C(home_streetAddress), C(home_poBox), C(home_city), C(home_state), C(home_postalCode),
    C(home_country), C(work_streetAddress), C(work_poBox), C(work_city), C(work_state), C(work_postalCode),
    C(work_country).'
  - 'A phone number: C(mobile_number), C(home_number), C(work_number), C(work_mobile_number), C(work_fax_number).'
  - 'A whole number from 1 to 4294967295: C(unix_uid), C(unix_guid).'
  - 'A number of days from 1 to 365: C(EnrollmentDays).'
  - 'A boolean: C(enable_user_portal_multifactor), C(ldap_binding_user), C(Administrator), C(account_locked),
    C(allow_public_key), C(enable_managed_uid), C(externally_managed), C(passwordless_sudo), C(sudo),
    C(password_never_expires).'
  - 'A JumpCloud id (24 lowercase hexadecimal characters): C(ldapserver_id), C(SystemID), C(RemoveSystemID).'
  - 'A user state, V(ACTIVATED) or V(SUSPENDED) in any case (V(STAGED) only for a user being created): C(state).'
  - 'Numbered: C(Group1)...C(GroupN), a user group''s name; C(RemoveGroup1)...C(RemoveGroupN), the name of a user
    group to take the user out of; C(Attribute1_name)/C(Attribute1_value)..., a custom attribute''s name (letters and
    digits) and value.'
  - A C(jc_error) column (the reason a row failed, which O(failed_rows_path) adds) is ignored.
  - 'The O(clear_token) cannot clear: C(Username), C(Email), C(Password), C(unix_uid), C(unix_guid),
    C(enable_user_portal_multifactor), C(EnrollmentDays), C(ldap_binding_user), C(ldapserver_id), C(SystemID),
    C(Administrator), C(RemoveSystemID), C(account_locked), C(allow_public_key), C(enable_managed_uid),
    C(externally_managed), C(passwordless_sudo), C(sudo), C(password_never_expires), C(state).'
  - Booleans accept true/false, yes/no, y/n, 1/0 and $true/$false in any case. An unknown column is an error
    naming the closest known column.
  - C(Administrator) is the device binding's sudo setting. A new administrator binding asks for the password;
    an existing binding with sudo, passwordless or not, satisfies C(Administrator=true) and is left as it is.
    A user with the user-level C(sudo) flag is administrator on every device it is bound to, so
    C(Administrator=false) for such a user is applied to the binding and warned about on its cell.
  - Fields that Active Directory, SCIM or an identity provider manages for a user (its C(restrictedFields))
    cannot be changed here; a row that would change one is invalid on that cell, naming the directory.
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
    details: Reads everything and writes nothing; the results say what a real run would do, with V(would_create),
      V(would_update), V(would_add) and V(would_remove) for each write it would make.
  diff_mode:
    support: full
    details: One diff per changed user, with the changed fields before and after, the bindings to add, and the
      removals (groups left under C(groups), a device unbound under C(unbind_system), custom attributes removed); a
      device shows its hostname, an LDAP server its name and a manager its username beside the id.
      A user to create shows every field it gets, and its groups and bindings.
      Passwords are masked. For addresses, phone numbers and custom attributes only the entries that change
      are shown. A diff is personal data and stays in the job log. A change of the report's mode, owner or group
      is shown too.
requirements:
  - requests
options:
  csv_path:
    description:
      - Path of the CSV on the host running the module (normally the controller). UTF-8, comma-separated,
        with a header row.
      - It must be a regular file (not a FIFO, device or folder) of at most O(max_file_size).
    type: path
    required: true
  max_file_size:
    description:
      - The largest O(csv_path) accepted, in bytes or with a unit such as V(100MB) or V(1GB).
      - A larger file is refused before any request to JumpCloud. It bounds the memory a run may use;
        reading and validating take a few times the file's size.
    type: bytes
    default: 100MB
  skip_invalid_rows:
    description:
      - With V(false), a file with any invalid row writes nothing.
      - With V(true), the valid rows are applied and the invalid ones are reported as failed.
    type: bool
    default: false
  update_password:
    description:
      - V(on_create) sends a C(Password) cell only when the row creates its user (see O(missing_users)).
        An existing user's password is left alone, and its row says C(password=not_sent).
      - V(always) also sends it to existing users, on every run (reported as changed each time). Each time
        resets the password's age, reaches every device and directory of the user, and counts in JumpCloud's
        password history.
      - V(never) ignores C(Password) cells, also for users created.
      - The default used to be V(always); a file with passwords then reset them on every run.
    type: str
    choices: [always, on_create, never]
    default: on_create
  missing_users:
    description:
      - What a row whose C(Username) matches no JumpCloud user does.
      - V(fail) makes it an error on its C(Username) cell (status V(not_found), an invalid row).
      - V(create) creates the user from the row, then adds its groups and bindings (status V(created)). The
        row needs C(Username), C(Email), C(FirstName) and C(LastName); the other filled cells are set on the
        new user. Without a C(state) JumpCloud gives the new user the organization's default state for users
        created by hand. A C(manager) must be a user that exists before the run.
      - V(skip) leaves the row alone; it is reported V(not_found) and does not fail the run.
    type: str
    choices: [fail, create, skip]
    default: fail
  activation_email:
    description:
      - Whether JumpCloud emails a user whom a row activates, that is a user who is C(STAGED) and whose row says
        C(state=ACTIVATED).
      - Such a user is activated by JumpCloud's C(POST /api/systemusers/{id}/state/activate), not by a C(PUT),
        and this option is that request's C(email) flag.
      - V(true) lets JumpCloud send its welcome email (to a user with a password) or activation email (to a user
        without one, at the alternate email if the user has one), as JumpCloud does by default.
      - V(false) activates the user without any email.
      - Check mode and the diff show the activation as a change of C(state) from C(STAGED) to C(ACTIVATED).
    type: bool
    default: true
  clear_token:
    description:
      - A cell holding exactly this text empties the field (a blank cell means no change).
      - Clearing C(manager) removes the manager; clearing a phone column removes that phone number;
        clearing an C(AttributeN_value) removes that custom attribute.
    type: str
    default: __CLEAR__
  write_mode:
    description:
      - How the changed fields of the users are written. Memberships and bindings are written per user either way.
      - V(put) sends one C(PUT /api/systemusers/{id}) per user.
      - V(bulk) sends the field changes in JumpCloud's bulk jobs (C(PATCH /api/v2/bulk/users), at most 800 users
        a job, no job result emails) and waits until every result of a job is over. A user the results do not
        name is read back (batched searches) and compared with its plan, never written again blind. The
        fields of every user its job did not write go by PUT, as with V(put), and so do C(state),
        C(suspended), C(alternateEmail) and the MFA fields (JumpCloud's own bulk tests leave them out of jobs),
        a password, a recovery email and a manager removal. Far fewer requests for a large file; the results,
        report and diff are the same as with V(put).
      - An interrupt (SIGINT, SIGTERM) sends no further job; a row whose job was accepted is reported as
        written, or C(outcome unknown) with C(changed=true), never as not attempted. A job answer of an
        unexpected shape fails no run; its users are read back, or reported C(outcome unknown).
      - Check mode never creates a job.
    type: str
    choices: [put, bulk]
    default: put
  return_results:
    description:
      - Which rows' results RV(results) holds. V(all), every row. V(changed), the rows that changed (would change,
        in check mode) or did not succeed. V(problems), only the rows that did not succeed (V(failed), V(invalid),
        V(not_found), V(skipped), or any row whose C(failed) is true).
      - RV(summary), O(report_path), O(failed_rows_path), the closing message and the module's warnings always cover
        every row, whatever this says.
      - A large file's results make a large module result. AWX and Automation Platform drop a job event's result
        data beyond 700,000 bytes (about 700 to 2,000 rows of results); V(problems) keeps the result small when few
        rows fail, and a row not returned is not held in memory until the run ends. C(--diff) still shows every
        changed user.
    type: str
    choices: [all, changed, problems]
    default: all
  return_user_lines:
    description:
      - Also return RV(user_lines), one readable line per row for every row of the file, whatever
        O(return_results) returns; much smaller than the results.
      - The role C(jcops.jumpcloud.users_csv) prints them in tasks of a bounded size, so that an AWX job shows
        every user's line however large the file.
    type: bool
    default: false
  report_path:
    description:
      - Also write the per-row results to this CSV file. It holds no secrets.
      - Its folder must exist and be writable; this is checked before anything is read or written.
      - It may not be the O(csv_path) file, nor the O(failed_rows_path) file (compared as files, so a link or another
        name of the same file is refused too); this is checked before anything is read or written.
      - Not written in check mode.
      - While the users are written, C(<report_path>.partial) gets one report line as each user finishes, so that
        a long run can be watched and a killed run leaves the list of the users it finished. It is a new file of the
        user running the module, readable by its owner only, put in place of whatever the path held. It is removed
        once the report is written.
    type: path
  failed_rows_path:
    description:
      - Write the rows that failed or were invalid to this CSV file, in the input's own columns, header, order,
        byte order mark and line ending, with a C(jc_error) column at the end saying why each failed. Fix the
        cause and apply that file; its C(jc_error) column is ignored.
      - The valid rows that were not applied because other rows are invalid (V(skipped)) are written too, so that
        the file holds every row still to apply.
      - The rows are copied as the input holds them, C(Password) cells included; keep the file as safe as the input.
      - When no row failed, nothing is written and an earlier file at this path is left alone; RV(failed_rows) is 0.
      - Since it holds passwords, it is always written as a new file of the user running the module, readable by its
        owner only (V('0600')), put in place of whatever the path held (a file or a link, whoever's it was, is
        replaced, never written through or into, and its mode and owner do not carry over). O(mode), O(owner),
        O(group) and the other file options do not apply to it, nor does O(unsafe_writes). Not written in check
        mode. Its folder must exist and be writable; this is checked before anything is read or written.
      - It may not be the O(csv_path) file (to apply a failed-rows file, give the rerun another O(failed_rows_path)),
        nor the O(report_path) file or its progress file.
    type: path
  mode:
    description:
      - The permissions of the results report (O(report_path)), as C(chmod) takes them (an octal number, quoted
        (V('0640')), or a symbolic mode such as V(u=rw,g=r)).
      - A new report is readable and writable by its owner only (V('0600')), whatever the C(umask), since it holds
        people's usernames. An existing report keeps its mode unless O(mode) is given.
      - The mode is set on the new file before anything is written to it, so its content is never readable by more
        than O(mode) allows, even for a moment.
      - O(owner), O(group), the SELinux options and O(attributes) apply to the same file, once it is written.
      - These options do not apply to the O(failed_rows_path) file, which holds passwords and is always V('0600'),
        nor to the progress file C(<report_path>.partial), created readable by its owner only.
      - In check mode the report is not written, but a change of an existing report's mode, owner or group is
        reported (and shown with C(--diff)).
    type: raw
notes:
  - Runs on the controller; use C(hosts=localhost) or C(delegate_to=localhost).
  - Group memberships and device bindings are removed only by C(RemoveGroupN) and C(RemoveSystemID) cells; LDAP
    bindings are only ever added.
  - A run that wrote anything always returns every row's result (of the rows O(return_results) returns) and writes
    the report. A user whose record from
    JumpCloud has an unexpected shape fails on its own row (C(internal error) and the exception's type only).
  - SIGINT or SIGTERM (what AWX's Cancel sends) during the writes stops the run in order, no further user is
    started, the users already under way get up to 10 seconds to finish, and every row is reported (updated,
    failed, or C(not attempted)), in the result and in the report.
seealso:
  - module: jcops.jumpcloud.jc_import_template
'''

EXAMPLES = r'''
- name: Preview the update (no writes)
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: /srv/jumpcloud/JCUserUpdateImport_11-25-2026.csv
  check_mode: true
  diff: true
  register: preview

- name: Onboard the new hires and update everyone else from the same file
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: /srv/jumpcloud/hr-export.csv
    missing_users: create

- name: Apply it, with a report for the service desk
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: /srv/jumpcloud/JCUserUpdateImport_11-25-2026.csv
    report_path: /srv/jumpcloud/update-report.csv
    update_password: never

# The key as an option (no_log masks it) from a vault. Do not pass it through a task's
# "environment:": Ansible puts those values on the module's command line, which -vvv prints.
# Without api_key, the JC_API_KEY of ansible-playbook's own environment is used (an AWX credential sets it).
- name: Apply the valid rows even if some are invalid, in the EU region
  jcops.jumpcloud.jc_users_from_csv:
    csv_path: users.csv
    api_key: "{{ vault_jumpcloud_api_key }}"
    region: eu
    skip_invalid_rows: true

- name: Several tasks sharing one connection through module_defaults
  module_defaults:
    group/jcops.jumpcloud.jumpcloud:
      api_key: "{{ vault_jumpcloud_api_key }}"
      region: eu
  block:
    - name: Preview
      jcops.jumpcloud.jc_users_from_csv:
        csv_path: users.csv
      check_mode: true
    - name: Apply
      jcops.jumpcloud.jc_users_from_csv:
        csv_path: users.csv
'''

RETURN = r'''
results:
  description:
    - One entry per CSV row, in file order; with O(return_results=changed) or O(return_results=problems), only the
      rows it returns (RV(summary) counts every row).
    - A real run says what happened. In check mode, each write not made says what would happen
      (V(would_update), V(would_add)); the statuses of what is already so (V(present), V(unchanged)) and of
      rows that fail read the same in both modes.
  returned: when the file could be read
  type: list
  elements: dict
  contains:
    row:
      description: The CSV line number the row starts on (the header is line 1).
      type: int
    username:
      description: The row's Username, as JumpCloud spells it once the user is found.
      type: str
    user_id:
      description: The user's JumpCloud id, when the user exists (for a user created, the id JumpCloud gave it).
      type: str
    status:
      description:
        - V(created) (the user did not exist and was created, O(missing_users=create)), V(updated),
          V(unchanged), V(failed), V(invalid) (the row breaks a rule), V(not_found) (no such user; invalid with
          O(missing_users=fail), left alone and not failed with O(missing_users=skip)), or V(skipped) (a valid
          row not applied because other rows are invalid and O(skip_invalid_rows=false)).
        - In check mode, V(would_create) and V(would_update) in place of V(created) and V(updated).
      type: str
    password:
      description:
        - What became of the row's C(Password) cell, never its value. V(sent) (in check mode V(would_send)),
          or V(not_sent) (see O(update_password); the message says why).
      type: str
      returned: when the row has a Password
    changed:
      description: Whether anything of this user changed (would change, in check mode).
      type: bool
    failed:
      description: Whether this row failed or is invalid.
      type: bool
    changed_fields:
      description: The fields written (in check mode, the fields that would be written), for example C(jobTitle),
        C(addresses.work.locality), C(attributes.costCode).
      type: list
      elements: str
    groups:
      description: Per group of the row, its C(name), C(id) and C(status) (V(added), V(present) or V(failed); in check
        mode V(would_add) in place of V(added)). A C(RemoveGroupN) group is V(removed) (V(would_remove) in check
        mode), V(absent) when the user is not in it, or V(failed).
      type: list
      elements: dict
    system:
      description:
        - The device binding, with C(id), C(hostname) (the device's hostname, else its display name), C(sudo)
          (whether the user is administrator on the device) and C(status)
          (V(added), V(updated), V(present), V(failed); in check mode V(would_add) and V(would_update) in place of
          V(added) and V(updated)).
        - For a user with the user-level sudo flag, also C(global_sudo=true) and C(binding_sudo), the binding's
          own sudo setting.
      type: dict
    ldap:
      description: The LDAP server binding, with C(id), C(name) (the server's name) and C(status) (V(added),
        V(present), V(failed); in check mode V(would_add) in place of V(added)).
      type: dict
    remove_system:
      description: The C(RemoveSystemID) device, with C(id) and C(status) (V(removed), V(absent) when the user is not
        bound to it, V(failed); in check mode V(would_remove) in place of V(removed)), and C(remaining_routes) when
        the user still reaches the device through groups, each route naming the groups it passes through, for
        example C(user group 'Ops' > device group 5f1b2c3d4e5f6a7b8c9d0e24), a user group with its id after its
        name.
      type: dict
    manager:
      description: The manager change, C(before) and C(after), each C(id) and C(username) of the manager, or null for
        none.
      type: dict
      returned: when the row changed the manager (would change it, in check mode)
      sample: {before: {id: 5f1b2c3d4e5f6a7b8c9d0e21, username: asmith}, after: {id: 5f1b2c3d4e5f6a7b8c9d0e22, username: bjones}}
    msg:
      description: Why the row failed, with the API's own error text, or the validation problems.
      type: str
    errors:
      description: For invalid rows, each problem with its C(line), C(column), C(header) and C(message).
      type: list
      elements: dict
      returned: when the row is invalid
    warnings:
      description: What the row gets, but perhaps not as expected (each also a module warning), with the file,
        line and column of its cell.
      type: list
      elements: str
      returned: when the row has warnings
  sample:
    - row: 2
      username: jdoe
      user_id: 5f1b2c3d4e5f6a7b8c9d0e1f
      status: updated
      changed: true
      failed: false
      changed_fields: [jobTitle, phoneNumbers.mobile]
      groups: [{name: Engineering, id: 5f1b2c3d4e5f6a7b8c9d0e20, status: added}]
      system: null
      ldap: null
      remove_system: null
      msg: ''
summary:
  description:
    - Counts of rows by status, and of API requests made.
    - C(by_status) has one key per status a run can report, counted 0 when no row has it. In check mode the keys
      V(would_create) and V(would_update) replace V(created) and V(updated), so that a preview's count is never
      read as writes made.
  returned: when the file could be read
  type: dict
  sample:
    rows: 2
    changed: 1
    failed: 0
    by_status: {created: 0, updated: 1, unchanged: 1, failed: 0, invalid: 0, not_found: 0, skipped: 0}
    requests: {reads: 5, writes: 2, retries: 0}
user_lines:
  description:
    - One line per row of the file, as the P(jcops.jumpcloud.user_lines#filter) filter makes them of
      RV(results), for example V(row 2 alice: updated: jobTitle, group Finance added); the rows that failed come
      last, each part in file order.
    - Every row is here, whatever O(return_results) says.
  returned: with O(return_user_lines=true), when the file could be read
  type: list
  elements: str
  sample: ['row 2 alice: updated: jobTitle', 'row 3 bob: failed: update: Forbidden (HTTP 403)']
errors:
  description: Every validation problem of the file, each with C(path), C(line), C(column), C(header), C(message)
    and C(text).
  returned: when the file is invalid
  type: list
  elements: dict
report_path:
  description: Where the results report was written.
  returned: when O(report_path) is set and the report was written (never in check mode)
  type: str
failed_rows:
  description: How many rows failed, were invalid or were skipped (0 when none, and then no file is written).
  returned: when O(failed_rows_path) is set and the file's rows were checked
  type: int
failed_rows_path:
  description: Where the failed rows were written.
  returned: when O(failed_rows_path) is set and some row failed (never in check mode)
  type: str
'''

from ansible_collections.jcops.jumpcloud.plugins.module_utils._module import JumpCloudModule
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.options import ARGUMENT_SPEC
from ansible_collections.jcops.jumpcloud.plugins.module_utils._users_from_csv.flow import apply_csv


def main():
    module = JumpCloudModule(
        argument_spec=JumpCloudModule.generate_argspec(**ARGUMENT_SPEC),
        supports_check_mode=True,
        add_file_common_args=True,
    )
    if module.params['max_file_size'] < 1:
        module.fail_json(msg='max_file_size must be at least 1 byte, got %s' % module.params['max_file_size'])
    module.run_flow(apply_csv)


if __name__ == '__main__':
    main()
