from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Site public"

    def ready(self):
        from core.backups import register_manifest_extra
        from core.page_cache import register_version
        from public.services.versioning import data_version

        register_version("data", data_version)  # the public pages' cache key (core/page_cache.py)
        # A backup records the data version its pages and caches were built from (core/backups.py).
        register_manifest_extra("data_version", data_version)
        register_data_stamps()


def register_data_stamps() -> None:
    """What the data version covers (core/datastamp.py): everything a public page, the API or a public
    cache is built from. Registered here, the highest app, so that lower apps know nothing of it."""
    from contacts.models import Team, TeamMember
    from core.datastamp import register_columns, register_journal
    from offers.models import Operator, Service, ServiceRequest
    from plans.models import Action, PlanPublication
    from territories.models import Phase

    # Territories change only through a phase import, which stamps the phase's ``imported_at``.
    register_columns("territories", Phase, "imported_at")
    # A plan's public page shows its latest validated publication (rows are only ever added).
    register_columns("plans", PlanPublication, "id", "published_at")
    # The catalogue and the « Services mobilisés » blocks (a request accepted mobilises a service), and
    # the actions they name: an action made confidential disappears from them at once.
    for model in (Service, ServiceRequest, Operator):
        register_journal("offers", model)
    register_journal("plans", Action)
    # The public contacts: teams and their public members (any edit of a member moves it: cheaper to
    # read than to tell a public member from another, and edits are rare).
    for model in (Team, TeamMember):
        register_journal("contacts", model)
