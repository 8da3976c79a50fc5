"""Reads of follows for public pages and open data: how many confirmed followers, never who."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from following.models import Follow


def follower_count(target: str) -> int:
    """Return how many confirmed addresses follow a target; one query."""
    return Follow.objects.confirmed().filter(target=target).count()


def follower_counts(targets: Iterable[str]) -> dict[str, int]:
    """Return the number of confirmed followers of each target (0 for none); one grouped query."""
    targets = list(targets)
    counts = dict.fromkeys(targets, 0)
    if targets:
        rows = (
            Follow.objects.confirmed()
            .filter(target__in=targets)
            .values_list("target")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts.update(rows)
    return counts
