"""Production-like settings for benchmarks/web_bench.py: DEBUG off, plain HTTP on loopback, and a bare
JSON view (the framework's floor) added to the URLs."""

from config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "benchmarks.bench_urls"
SECURE_SSL_REDIRECT = False  # loopback, no TLS in front
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
