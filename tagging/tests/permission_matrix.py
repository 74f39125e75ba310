"""The tagging rows of the permission matrix (collected by accounts/tests/matrix.py).

Any signed-in account may tag a file (tagging/rules.py); a job and its result belong to its owner (the
"operateur" profile here, an operator being the typical user) and administrators.
"""

from __future__ import annotations

import uuid

from accounts.tests.matrix import ADMIN, SIGNED_IN, Endpoint

OWNER = "operateur"
# One fixed job id: each case rebuilds the job (rolled back) over the same result file.
JOB_ID = uuid.UUID("6d1f7a52-1c1e-4a57-9a11-5e1a7a6b0e14")


def _job(world):
    from tagging.tests.factories import done_job

    return done_job(world.users[OWNER], pk=JOB_ID)


PERMISSION_MATRIX = [
    Endpoint("tagging:upload", "page", "GET", allowed=SIGNED_IN, url=lambda w, t: "/etiquetage/"),
    # Without a file the form is refused (400) for those allowed: the matrix sends urlencoded forms,
    # and its "something changed" check cannot apply (no state). The upload itself, and that nothing
    # is created without a job, are tested in test_web.py; only anonymous visitors are denied here.
    Endpoint(
        "tagging:upload",
        "page",
        "POST",
        allowed=SIGNED_IN,
        url=lambda w, t: "/etiquetage/",
        data=lambda w, t: {"phase": "2023-2027", "mode": "commune", "column": "insee"},
        ok=frozenset({400}),
        label="sans fichier",
    ),
    Endpoint(
        "tagging:job",
        "page",
        "GET",
        allowed=ADMIN | {OWNER},
        setup=_job,
        url=lambda w, job: f"/etiquetage/{job.pk}/",
        label="la personne qui l'a lancé : operateur",
    ),
    Endpoint(
        "tagging:download",
        "export",
        "GET",
        allowed=ADMIN | {OWNER},
        setup=_job,
        url=lambda w, job: f"/etiquetage/{job.pk}/fichier/",
        label="la personne qui l'a lancé : operateur",
    ),
]
NOT_EDITING: dict[str, str] = {}
