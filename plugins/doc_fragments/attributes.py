# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/jcops.jumpcloud.jumpcloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jcops.jumpcloud.jumpcloud
'''
