"""Every figure of the platform, computed once here: the CLI ``stats``, the API (api/v1/figures.py,
api/v1/dashboards.py), the dashboards (stats/views.py), the territory sheets and the press summaries call
these functions, never re-count. Each takes a ``territories.Phase`` and a ``scope.Scope`` (the country, a
région, a département or a territory) and, when confidential actions may count, the reader (``user=None``:
the public). All are computed by the database (aggregates, ``GROUP BY``), never loading polygons, in a
number of queries that does not grow with the programme.

- ``territories``: ``territory_counts``, ``phase_key_figures``, ``coverage``, ``lineage_counts``,
  ``area_comparison``;
- ``actions``: ``action_figures``, ``action_totals_by_area``, ``confidential_actions``;
- ``money``: ``money_figures``, ``money_totals_by_area``;
- ``requests``: ``service_request_figures`` (calls offers' ``compute_ledger``);
- ``contacts``: ``contact_figures`` (calls contacts' ``response_times.figures``);
- ``late``: ``late_territories``;
- ``dashboard``: ``dashboard_figures``, ``compare_areas``, ``compare_phases``, ``as_json``;
- ``scope``: ``Scope``, ``latest_phase``, ``phase_or_latest``; ``access``: who counts confidential actions;
  ``published``: the raw aggregates over the published plans' JSON.

``definitions.DEFINITIONS`` holds the short French definition of each figure, shown next to it on
screen and in the API's descriptions. docs/stats.md describes them for readers.
"""
