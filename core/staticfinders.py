"""Static files picked one by one from large third-party folders, instead of whole folders.

``settings.STATIC_PICKED`` maps a URL prefix to ``(folder, [files the templates name])``: the finder
serves and collects those files plus whatever their CSS reaches through ``url(...)`` (Leaflet's
images, the DSFR's icons and fonts), computed here so that the manifest storage, which rewrites
every ``url()`` and refuses a missing target, always finds them. Nothing else of the folder is
served or collected.

Why (docs/performance.md, "Fichiers statiques"): the whole of ``node_modules`` (the COG's JSON
files, 32 Mo) and the whole DSFR distribution (260 CSS files, 5 variants of the 1,196-icon sheet)
made the manifest storage rewrite ~73,000 ``url()`` and compress 127 Mo; the pages use 3 npm files
and 5 DSFR files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.finders import AppDirectoriesFinder, BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
_SOURCE_MAP = re.compile(r"^[/*]{2}# sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)


def references(path: Path) -> list[str]:
    """The relative files a stylesheet's ``url(...)`` or a script's source map comment name (no data:,
    absolute URL or #fragment): the manifest storage rewrites both and fails on a missing target."""
    text = path.read_text("utf-8", errors="replace")
    targets = _SOURCE_MAP.findall(text)
    if path.suffix == ".css":
        targets += _CSS_URL.findall(text)
    found = []
    for target in targets:
        target = target.split("#", 1)[0].split("?", 1)[0].strip()
        if not target or target.startswith(("data:", "/", "http:", "https:")):
            continue
        found.append(target)
    return found


def closure(root: Path, entries: list[str]) -> list[str]:
    """The entries (files, or folders ending in ``/``) and every file they reach, relative to root."""
    todo = []
    for entry in entries:
        if entry.endswith("/"):
            todo += [
                p.relative_to(root).as_posix() for p in (root / entry).rglob("*") if p.is_file()
            ]
        else:
            todo.append(entry)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or not (root / name).is_file():
            continue
        seen.add(name)
        if name.endswith((".css", ".js")):
            base = PurePosixPath(name).parent
            for target in references(root / name):
                resolved = (root / base / target).resolve()
                if resolved.is_relative_to(root.resolve()):
                    todo.append(resolved.relative_to(root.resolve()).as_posix())
    return sorted(seen)


@cache
def picked() -> dict[str, tuple[Path, frozenset[str]]]:
    """{prefix: (folder, the files served)} from settings.STATIC_PICKED (read once per process)."""
    return {
        prefix: (Path(root), frozenset(closure(Path(root), list(entries))))
        for prefix, (root, entries) in settings.STATIC_PICKED.items()
    }


def _split(path: str) -> tuple[str, str] | None:
    for prefix in picked():
        if path.startswith(prefix + "/"):
            return prefix, path[len(prefix) + 1 :]
    return None


class PickedFilesFinder(BaseFinder):
    """Finds only the files of settings.STATIC_PICKED (and what their CSS reaches)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages = {}
        for prefix, (root, _files) in picked().items():
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix  # collectstatic and whitenoise put the files under it
            self.storages[prefix] = storage

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        split = _split(path)
        if split is None:
            return []
        prefix, name = split
        root, files = picked()[prefix]
        if name not in files:
            return []
        match = str(root / name)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        for prefix, (_root, files) in picked().items():
            for name in sorted(files):
                yield name, self.storages[prefix]


class AppDirectoriesExceptPickedFinder(AppDirectoriesFinder):
    """Django's app finder, minus the paths under a STATIC_PICKED prefix (the DSFR's ``dsfr/dist``):
    those come from PickedFilesFinder only."""

    def find(self, path, find_all=False, **kwargs):
        if _split(path) is not None:
            return []
        return super().find(path, find_all=find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if _split(path.replace("\\", "/")) is None:
                yield path, storage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's manifest storage (config/settings_production.py), which also rewrites the icons of
    a web app manifest (the DSFR's favicon/manifest.webmanifest): with only hashed files kept
    (WHITENOISE_KEEP_ONLY_HASHED_FILES) its unhashed android-chrome-*.png would answer 404."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("*.webmanifest", ((r'(?P<matched>"src":\s*"(?P<url>[^"]+)")', '"src": "%(url)s"'),)),
    )
