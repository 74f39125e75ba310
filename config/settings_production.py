"""Production settings: config.settings plus what only a served deployment needs.

Use with ``DJANGO_SETTINGS_MODULE=config.settings_production`` for ``collectstatic`` and for the
application servers (docs/deploiement.md, "Fichiers statiques"). Development and the tests keep the
plain storage of config/settings.py: no collect step, a changed file is served at once.
"""

from config.settings import *  # noqa: F403

# Hashed file names (leaflet.cc48e11dbfdc.js), gzip copies, and whitenoise serves a hashed file with
# "Cache-Control: max-age=315360000, public, immutable": a browser never asks for it again.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "core.staticfinders.ManifestStaticFilesStorage"},
}
# The unhashed originals are never linked by a template once the manifest exists: not kept (half the size).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Served from STATIC_ROOT as collected, never looked up through the finders.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
