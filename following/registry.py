"""What can be followed: each feature app registers its kinds of target and the news it announces about them.

A target is a stable key, "<kind>:<id>" ("project:12", "petition:3", "budget:participatory"). following sits below
the feature apps and never imports them: an app registers, in its ready(), a function that turns the id into the
title and the address of the page in the active language, and the sentences of its events.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


@dataclass(frozen=True)
class Followed:
    """A target as a follower sees it: its title and the path of its page, in the active language."""

    title: str
    path: str


@dataclass(frozen=True)
class TargetKind:
    """A kind of target: how to find one by its id, and the sentence of each event, with %(title)s."""

    name: str
    resolve: Callable[[str], Followed | None]
    events: dict[str, str] = field(default_factory=dict)


KINDS: dict[str, TargetKind] = {}
# Functions that return, for a day, the news that time brings (a round or a phase that opens), as
# (target, event, reference) tuples: `manage.py announce_openings` announces each once.
OPENING_SOURCES: list[Callable[[datetime.date], Iterable[tuple[str, str, str]]]] = []


def target_kind_register(kind: TargetKind) -> None:
    """Let people follow the targets of this kind."""
    KINDS[kind.name] = kind


def opening_source_register(source: Callable[[datetime.date], Iterable[tuple[str, str, str]]]) -> None:
    """Have the daily announce_openings ask source(day) for what opens."""
    if source not in OPENING_SOURCES:
        OPENING_SOURCES.append(source)


def target_key(kind: str, ident: object) -> str:
    """Return the key of a target: "project:12"."""
    return f"{kind}:{ident}"


def target_resolve(key: str) -> Followed | None:
    """Return the public title and path of the target a key names, or None when it names nothing public."""
    kind_name, _colon, ident = key.partition(":")
    kind = KINDS.get(kind_name)
    if kind is None or not ident:
        return None
    try:
        return kind.resolve(ident)
    except (ValueError, LookupError, ObjectDoesNotExist, Http404):
        return None


def event_sentence(key: str, event: str) -> str:
    """Return the registered sentence of an event of the target's kind, with %(title)s still to fill in."""
    kind = KINDS[key.partition(":")[0]]
    return kind.events[event]
