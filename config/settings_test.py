"""The test suite's settings: every test-only override in this one block (udata's `Testing` way).

pytest reads it through pyproject.toml; nothing else imports it.
"""

from config.settings import *  # noqa: F403

# Tasks run at once, in the test's own transaction: a test sees their effects without a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Argon2 is slow on purpose; MD5 first (only here) makes the accounts tests about twice as fast
# (19.8 s -> 10.6 s, issue 10). Argon2 stays listed so a stored Argon2 hash still verifies.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

# Static files are found when asked, never listed up front. config/settings.py turns the finders
# on with DEBUG (true when the settings load), but the test runner then sets DEBUG to false, and
# whitenoise's middleware, without autorefresh, then lists the ~1,900 static files of every new
# test client (0.15 s each; 661 tests use one): 295 permission-matrix tests went 116 s -> 36 s
# (issue 10; the whole suite's timings are in docs/decisions.md, "Suite de tests").
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Offline: the maps draw on a plain background, so no browser test waits on a tile server.
MAP_TILES_URL = ""
