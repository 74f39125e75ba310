"""The public pages' cache is core's (core/page_cache.py); each app registers the version of what its
pages show in its AppConfig.ready(): public the imported data, plans the publications, offers the catalogue."""

from core.page_cache import cached_page, clear

__all__ = ["cached_page", "clear"]
