"""Uploaded files: limited in size and type, stored outside the static root, served only after a permission check.

Use on a model::

    from core.uploads import private_storage, validate_upload
    attachment = models.FileField(upload_to="plans/%Y/", storage=private_storage, validators=[validate_upload])

and serve it from a view guarded by core.authz with ``serve_private_file(field_file)``.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible

# Extension -> the first bytes every such file starts with (what the browser says is not trusted).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


@deconstructible
class UploadValidator:
    def __init__(self, extensions: tuple[str, ...] | None = None, max_size: int | None = None):
        self.extensions = extensions
        self.max_size = max_size

    def __call__(self, upload) -> None:
        name = getattr(upload, "name", "") or ""
        max_size = self.max_size or settings.UPLOAD_MAX_SIZE
        if upload.size > max_size:
            raise ValidationError(
                f"Le fichier « {name} » pèse {upload.size / (1024 * 1024):.1f} Mo : "
                f"la taille maximale est de {_megabytes(max_size)}."
            )
        extension = Path(name).suffix.lower()
        allowed = self.extensions or tuple(ALLOWED_TYPES)
        if extension not in allowed or extension not in ALLOWED_TYPES:
            raise ValidationError(
                f"Le fichier « {name} » n'est pas d'un type accepté ({', '.join(sorted(allowed))})."
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(ALLOWED_TYPES[extension][1]):
            raise ValidationError(
                f"Le contenu du fichier « {name} » ne correspond pas à son extension {extension}."
            )

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.extensions, self.max_size) == (
            other.extensions,
            other.max_size,
        )


validate_upload = UploadValidator()


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError(
            "Un fichier privé n'a pas d'adresse publique : servez-le par une vue protégée."
        )


def private_storage() -> FileSystemStorage:
    """MEDIA_ROOT/private, with no public URL: files are only reachable through a guarded view.

    A callable, so that migrations record a reference rather than a path of this machine.
    """
    return PrivateFileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private")


def serve_private_file(field_file) -> FileResponse:
    """Stream a stored file as a download; call it only from a view guarded by ``core.authz``."""
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404("Ce fichier n'existe plus.")
    extension = Path(field_file.name).suffix.lower()
    content_type = ALLOWED_TYPES.get(extension, ("application/octet-stream",))[0]
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=Path(field_file.name).name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- files waiting for an import's confirmation ------------------------------------------------------------

# Every import keeps its uploaded file under this folder of the private storage until it is confirmed or
# cancelled; what a crashed request or an abandoned preview leaves is deleted once older than
# STALE_UPLOAD_AGE (at each new upload, and by the `purge-uploads` command).
IMPORTS_FOLDER = "imports"
# A preview is confirmed within minutes; a day leaves room for a background import waiting in the queue.
STALE_UPLOAD_AGE = timedelta(hours=24)


def purge_stale_uploads(age: timedelta = STALE_UPLOAD_AGE, keep: set[str] = frozenset()) -> int:
    """Delete the import uploads older than ``age``, except the storage names in ``keep`` (those of
    imports still queued or running); returns how many files were deleted."""
    root = Path(private_storage().location) / IMPORTS_FOLDER
    if not root.is_dir():
        return 0
    limit = time.time() - age.total_seconds()
    deleted = 0
    for path in root.rglob("*"):
        name = path.relative_to(root.parent).as_posix()
        try:
            if path.is_file() and path.stat().st_mtime < limit and name not in keep:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # deleted meanwhile by a confirmation or another purge
            continue
    return deleted


# --- other files of the private storage with their own retention ---------------------------------------

# An app whose private files expire (the tagging jobs' results) registers its purge in its
# AppConfig.ready(); `territoires purge-uploads` runs each after the import uploads. core names no app.
_PURGES: list[tuple[str, str, object]] = []


def register_purge(singular: str, plural: str, purge) -> None:
    """``purge()`` deletes what has expired and returns how many (files, or jobs) it deleted;
    ``singular``/``plural`` end the command's line (« 1 résultat d'étiquetage supprimé. »)."""
    entry = (singular, plural, purge)
    if entry not in _PURGES:  # ready() may run twice in tests
        _PURGES.append(entry)


def registered_purges() -> list[tuple[str, str, object]]:
    return list(_PURGES)
