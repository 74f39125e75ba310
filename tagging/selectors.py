from __future__ import annotations

from tagging.models import TaggingJob

RECENT = 5


def recent_jobs(user, limit: int = RECENT) -> list[TaggingJob]:
    return list(TaggingJob.objects.filter(owner=user).order_by("-created_at")[:limit])
