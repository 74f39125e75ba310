"""sitemap.xml: the static pages, every territory, région and département."""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from geo.models import Departement, Region
from territories.models import Territory


class SiteUrlMixin:
    """Absolute URLs on settings.SITE_URL rather than on the django.contrib.sites framework."""

    def get_urls(self, page=1, site=None, protocol=None):
        parsed = urlparse(settings.SITE_URL)

        class _Site:
            domain = parsed.netloc

        return super().get_urls(page=page, site=_Site(), protocol=parsed.scheme or "https")


class StaticSitemap(SiteUrlMixin, Sitemap):
    def items(self):
        return [
            "public:home",
            "public:search",
            "public:map",
            "public:site-plan",
            "public:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class TerritorySitemap(SiteUrlMixin, Sitemap):
    def items(self):
        return Territory.objects.order_by("phase__number", "ti_id").only("phase_id", "ti_id")

    def location(self, item):
        return reverse("public:territory", args=[item.phase_id, item.ti_id])


class AreaSitemap(SiteUrlMixin, Sitemap):
    def __init__(self, model, url_name):
        self.model, self.url_name = model, url_name

    def items(self):
        return self.model.objects.order_by("code").only("code")

    def location(self, item):
        return reverse(self.url_name, args=[item.code])


SITEMAPS = {
    "pages": StaticSitemap,
    "territoires": TerritorySitemap,
    "regions": AreaSitemap(Region, "public:region"),
    "departements": AreaSitemap(Departement, "public:departement"),
}
