"""Static files: exactly the npm and DSFR files the pages use are served and collected, and the
production collect (manifest storage, config/settings_production.py) works and is cached for good."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path, PurePath

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from dsfr.constants import DsfrStaticAssets
from whitenoise.middleware import WhiteNoiseMiddleware

import config.settings_production as production
from core import staticfinders

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")
SKIPPED = {".venv", "node_modules", "var", ".git"}


def template_references() -> set[str]:
    """Every literal {% static '...' %} of the project's templates and of django-dsfr's, plus the
    DSFR files django-dsfr names through DsfrStaticAssets."""
    roots = [Path(settings.BASE_DIR), Path(importlib.util.find_spec("dsfr").origin).parent]
    found = set()
    for root in roots:
        for path in root.rglob("*.html"):
            if SKIPPED.isdisjoint(path.relative_to(root).parts):
                found |= set(STATIC_TAG.findall(path.read_text("utf-8")))
    found |= {
        value
        for name, value in vars(DsfrStaticAssets).items()
        if name.startswith("DSFR_") and isinstance(value, str)
    }
    return found


def test_the_templates_name_npm_and_dsfr_files():
    # A sanity check of the scan itself: it sees the three npm files and the DSFR stylesheet.
    references = template_references()
    assert {
        "npm/htmx.org/dist/htmx.min.js",
        "npm/leaflet/dist/leaflet.js",
        "npm/leaflet/dist/leaflet.css",
        "dsfr/dist/dsfr/dsfr.min.css",
    } <= references


def test_every_referenced_file_is_found_and_the_rest_of_node_modules_is_not():
    for reference in template_references():
        assert finders.find(reference), f"{reference} : nommé par un gabarit, introuvable"
    for hidden in [
        "npm/axe-core/axe.min.js",
        "npm/@etalab/decoupage-administratif/data/communes.json",
        "npm/htmx.org/dist/htmx.js",
        "npm/leaflet/package.json",
        "dsfr/dist/utility/icons/icons.min.css",
        "dsfr/dist/component/component.min.css",
    ]:
        assert finders.find(hidden) is None, hidden
    assert finders.find("npm/leaflet/dist/images/marker-icon.png")  # named by leaflet.css


def test_a_path_outside_the_folder_is_not_found():
    assert finders.find("npm/../package.json") is None
    assert finders.find("npm/leaflet/dist/../package.json") is None


def test_css_references_skip_data_and_fragments(tmp_path):
    (tmp_path / "a.css").write_text(
        ".x{background:url(data:image/png;base64,AAA)}.y{behavior:url(#default#VML)}"
        ".z{src:url('fonts/f.woff2?v=1#iefix')}.w{background:url(\"https://example.org/x.png\")}"
    )
    assert staticfinders.references(tmp_path / "a.css") == ["fonts/f.woff2"]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The production collect, once: (STATIC_ROOT, {name: hashed name})."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=production.STORAGES,
        WHITENOISE_KEEP_ONLY_HASHED_FILES=True,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, json.loads((root / "staticfiles.json").read_text())["paths"]


def test_production_collects_exactly_what_the_pages_reach(collected):
    root, paths = collected
    references = template_references()
    assert references <= set(paths)
    # What a collected file reaches is read in the files the manifest storage rewrote (hashed names
    # written into the CSS and the source map comments): independent of core/staticfinders.py.
    hashed_to_name = {PurePath(hashed).name: name for name, hashed in paths.items()}
    reached = set()
    for name, hashed in paths.items():
        if name.endswith((".css", ".js", ".webmanifest")):
            text = (root / hashed).read_text("utf-8", errors="replace")
            reached |= {
                hashed_to_name[m]
                for m in re.findall(r"[\w.-]+\.[0-9a-f]{12}\.\w+", text)
                if m in hashed_to_name
            }
    for prefix in ("npm/", "dsfr/dist/"):
        picked = {name for name in paths if name.startswith(prefix)}
        expected = {name for name in references | reached if name.startswith(prefix)}
        assert picked == expected, prefix
    assert "npm/leaflet/dist/images/layers.png" in paths
    assert not any(
        name.startswith(("npm/axe-core/", "npm/@etalab/", "npm/cog2023/")) for name in paths
    )
    # Only hashed names are kept: a template always links a hashed one.
    assert not (root / "npm/leaflet/dist/leaflet.js").exists()
    assert (root / paths["npm/leaflet/dist/leaflet.js"]).exists()


def test_production_serves_hashed_files_cached_for_good(collected):
    root, paths = collected
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=production.STORAGES,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_KEEP_ONLY_HASHED_FILES=True,
    ):
        middleware = WhiteNoiseMiddleware(lambda request: None)
        url = settings.STATIC_URL + paths["npm/leaflet/dist/leaflet.js"]
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        assert "max-age=315360000" in response["Cache-Control"]
        assert response["Content-Encoding"] == "gzip"
        unhashed = settings.STATIC_URL + "npm/leaflet/dist/leaflet.js"
        assert middleware(RequestFactory().get(unhashed)) is None  # not served: not kept
