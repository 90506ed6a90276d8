# -*- coding: utf-8 -*-
# Copyright (c) 2026 jcops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY: interfaces here may change in any release.

"""The error types: :class:`JumpCloudError` for the API client, :class:`RunFailed` for a module's flow."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


# the longest an API's or a token endpoint's own message is quoted in an error (after redaction)
MESSAGE_MAX = 500


class JumpCloudError(Exception):
    """One error type for everything the API client can fail with.

    ``status`` is the HTTP status (None for a connection-level failure),
    ``message`` the API's own error text, ``method`` and ``path`` the request
    that failed. The API key is never part of any of them.
    """

    def __init__(self, message, status=None, method=None, path=None, retries=0, outcome_unknown=False,
                 resent=False):
        self.message = message
        # a write that timed out after it was sent: JumpCloud may still be applying it
        self.outcome_unknown = outcome_unknown
        # the request was sent again after an attempt JumpCloud may have applied (it answered 5xx or
        # the connection dropped): a 409 "Already Exists" to an add then means an earlier attempt landed
        self.resent = resent
        self.status = status
        self.method = method
        self.path = path
        self.retries = retries
        super(JumpCloudError, self).__init__(str(self))

    @property
    def unauthorized(self):
        """The key itself was refused (not a permission on one object, which is a 403)."""
        return self.status == 401

    def __str__(self):
        where = ''
        if self.method and self.path:
            where = '%s %s' % (self.method, self.path)
        status = 'HTTP %s' % self.status if self.status is not None else 'connection failed'
        text = '%s: %s' % (status, self.message)
        if where:
            text = '%s (%s)' % (text, where)
        if self.retries:
            text += ' after %d retr%s' % (self.retries, 'y' if self.retries == 1 else 'ies')
        return text


class ListingError(JumpCloudError):
    """A paged listing whose answers cannot be trusted (a total beyond any organisation, a total that changes
    between pages, pages that never end): the run stops rather than page on. ``message`` names the endpoint."""

    def __str__(self):
        return 'the listing was stopped: %s' % self.message


class RunFailed(Exception):
    """A module's flow failed: ``msg`` says why, and ``result`` carries what the module returns with it
    (the results so far, the summary, the errors), so that no partial result is lost."""

    def __init__(self, msg, **result):
        super(RunFailed, self).__init__(msg)
        self.msg = msg
        self.result = result


class ListingChanged(ListingError):
    """A listing whose total changed between its pages: on a listing that grows while it is read (a bulk job's
    results while the job runs), a sign to read it again later rather than a broken API."""
