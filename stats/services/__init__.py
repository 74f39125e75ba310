"""Every figure of the platform, computed once here: the CLI ``stats``, the API (and, to come, the
dashboards, the territory sheets and the press summaries) call these functions, never re-count.

``definitions.DEFINITIONS`` holds the short French definition of each figure, shown next to it on
screen and in the API's descriptions.
"""
