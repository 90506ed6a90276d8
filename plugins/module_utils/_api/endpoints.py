# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Every JumpCloud API path the collection calls, and the form of an object id: one table, so that a path is
written once (docs/api-fidelity.md lists each request with its evidence)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# every JumpCloud object id (users, groups, devices, LDAP servers, organisations): 24 hexadecimal digits
OBJECT_ID_RE = re.compile(r'^[0-9a-f]{24}$')

# v1: users and devices
USERS = '/api/systemusers'
USER = '/api/systemusers/%s'
USER_ACTIVATE = '/api/systemusers/%s/state/activate'
SYSTEM = '/api/systems/%s'
# the organisations the key reaches (a key of one org: that org alone)
ORGANIZATIONS = '/api/organizations'
SEARCH = '/api/search/'
SEARCH_USERS = SEARCH + 'systemusers'
SEARCH_SYSTEMS = SEARCH + 'systems'

# v2: groups, bindings and the graph
USER_GROUPS = '/api/v2/usergroups'
GROUP_MEMBERS = '/api/v2/usergroups/%s/members'
USER_MEMBER_OF = '/api/v2/users/%s/memberof'
USER_ASSOCIATIONS = '/api/v2/users/%s/associations'
USER_SYSTEMS = '/api/v2/users/%s/systems'
SYSTEM_ASSOCIATIONS = '/api/v2/systems/%s/associations'
LDAP_SERVERS = '/api/v2/ldapservers'
LDAP_ASSOCIATIONS = '/api/v2/ldapservers/%s/associations'

# v2: bulk jobs
BULK_USERS = '/api/v2/bulk/users'
BULK_RESULTS = BULK_USERS + '/%s/results'


def id_condition(ident):
    """A search filter condition: the object's id is ``ident``, in the form JumpCloud's PowerShell module sends
    and its tests read back on real organisations (Convert-JCUserToID.ps1): ``{"_id": {"$eq": id}}``."""
    return {'_id': {'$eq': ident}}


def object_id(record):
    """The id of a JumpCloud object as an answer gives it: v1 answers name it ``_id``, v2 and some v1 answers
    ``id``; None when the record has neither."""
    return record.get('_id') or record.get('id')
