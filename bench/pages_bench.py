"""Time every public page against a bare Django view that returns the same bytes, and count its queries.

Run by bench/run.py in a fresh process per data size, on a scratch database that holds only the migrations:
  pages_bench.py --scale 1 --out pages-1.json                      builds the data, finds the pages, times them
  pages_bench.py --scale 100 --urls pages-1.json --out pages-100.json  the same pages on 100 times the data
The pages are found as a visitor finds them: by following links from the home page in each language, one page
per URL pattern (every project page costs what project-1 costs). The data is built by DATA_BUILDERS with the
apps' own test factories; an app whose factories are missing is left out and named in the output.
Each page is rendered through the whole middleware stack with the page cache off (what a first visitor
costs); "bare" is the same stack with a view that returns the page's bytes, so the ratio is what the
page's own work costs over Django's fixed cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15
MAX_PAGES = 150
SKIPPED = ("/admin/", ".pdf", ".ics", ".csv", ".xlsx")


def build_programme(scale: int) -> None:
    from tests.factories import programme_build

    programme_build(scale=scale)


def build_consultations(scale: int) -> None:
    from programme.models import Programme, Project
    from tests.consultations.factories import CommentFactory, ContributionFactory, open_round

    consultation_round = open_round(Programme.objects.current())
    ContributionFactory.create_batch(10 * scale, round=consultation_round)
    for project in Project.objects.order_by("pk")[:10]:
        CommentFactory.create_batch(scale, project=project)


def build_petitions(scale: int) -> None:
    from tests.petitions.factories import petitions_build

    petitions_build(scale=scale)


def build_budgets(scale: int) -> None:
    from tests.budgets.factories import cycle_build, year_build

    year_build(2024, scale=scale)
    cycle_build(proposals=5 * scale)


# One builder per app: the data of the pages at 1× (scale=1) and 100× (scale=100).
DATA_BUILDERS = {
    "programme": build_programme,
    "consultations": build_consultations,
    "petitions": build_petitions,
    "budgets": build_budgets,
}


class LinkParser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.links = base, []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(urljoin(self.base, href))


def public_pages(client) -> list[dict]:
    """Return one public page per URL pattern and language, found by following links from the home pages."""
    from django.urls import resolve

    pages, patterns = [], set()
    for language in ("ar", "fr"):
        start = f"/{language}/"
        queue, seen = deque([start]), {start}
        while queue and len(seen) <= MAX_PAGES:
            url = queue.popleft()
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            match = resolve(urlsplit(url).path)
            pattern = (language, match.view_name)
            if pattern not in patterns:
                patterns.add(pattern)
                pages.append({"language": language, "view": match.view_name, "url": url})
            parser = LinkParser(url)
            parser.feed(response.content.decode())
            for link in parser.links:
                parts = urlsplit(link)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if parts.netloc or not parts.path.startswith(start) or any(s in parts.path for s in SKIPPED):
                    continue
                if path not in seen:
                    seen.add(path)
                    queue.append(path)
    return pages


def median_ms(call) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(client, page: dict, timed: bool) -> dict:
    from django.db import connection
    from django.http import HttpResponse
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import path

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page["url"])
    figures = {**page, "status": response.status_code, "queries": len(queries), "bytes": len(response.content)}
    if not timed or response.status_code != 200:
        return figures
    content, content_type = response.content, response["Content-Type"]
    figures["page_ms"] = median_ms(lambda: client.get(page["url"]))

    class BareUrls:
        urlpatterns = [path("bare/", lambda request: HttpResponse(content, content_type=content_type))]

    with override_settings(ROOT_URLCONF=BareUrls):
        figures["bare_ms"] = median_ms(lambda: client.get("/bare/"))
    figures["ratio"] = figures["page_ms"] / figures["bare_ms"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--urls", help="the output of a 1× run: measure the same pages")
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmun.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    settings.OPENMUN_PAGE_CACHE_SECONDS = 0
    settings.OPENMUN_POST_RATE_LIMIT = (10**9, 1)
    missing = []
    started = time.perf_counter()
    with transaction.atomic():
        for app, builder in DATA_BUILDERS.items():
            try:
                builder(arguments.scale)
            except ImportError as error:
                missing.append(f"{app} ({error.name})")
    built_s = time.perf_counter() - started
    client = Client()
    if arguments.urls:
        pages = [
            {key: row[key] for key in ("language", "view", "url")}
            for row in json.loads(Path(arguments.urls).read_text())["pages"]
        ]
    else:
        pages = public_pages(client)
    results = [measure(client, page, timed=not arguments.urls) for page in pages]
    Path(arguments.out).write_text(
        json.dumps({"scale": arguments.scale, "built_s": built_s, "missing": missing, "pages": results}, indent=1)
    )


if __name__ == "__main__":
    main()
