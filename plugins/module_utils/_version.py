# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The collection's name and version, as sent in the User-Agent."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

COLLECTION_NAME = 'jcops.jumpcloud'
COLLECTION_VERSION = '0.1.0'
