# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""Which cell of a row finds its user: ``match_on`` and ``match_attribute``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

USERNAME = 'username'
EMAIL = 'email'
EMPLOYEE_ID = 'employeeIdentifier'
ATTRIBUTE = 'attribute'
MATCH_ON = (USERNAME, EMAIL, EMPLOYEE_ID, ATTRIBUTE)
