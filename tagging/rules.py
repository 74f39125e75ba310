"""Permissions of file tagging (docs/tagging.md « Depuis le site »).

Any signed-in account may tag a file: what it reveals (the territory of a commune, a SIREN or a point)
is public on the site and through `territoires lookup`; accounts exist only by invitation, and each
person has at most a few jobs waiting at once (tagging.services.MAX_ACTIVE_JOBS). A job and its files
are the owner's alone (administrators too: they help a person whose file failed).
"""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_signed_in


@rules.predicate
def is_job_owner(user, job) -> bool:
    return job is not None and is_signed_in(user) and job.owner_id == user.pk


rules.add_perm("tagging.tag_file", is_signed_in)
rules.add_perm("tagging.view_job", is_job_owner | is_administrator)
