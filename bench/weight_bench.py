"""What a phone downloads: the first visit of the home page with an empty cache, then a repeat visit.

Run by bench/run.py once the scratch database holds the commune's data and the static files are collected (the
fingerprinted, compressed files of production). It starts gunicorn with production settings on 127.0.0.1, opens
each page in Chromium as a 360 x 780 phone with an empty cache, and sums the bytes transferred as Chromium's
DevTools protocol counts them (headers and compressed bodies, what a data plan pays), by kind: the page, the
stylesheet, fonts, the rest. Then it opens the same page again in the same browser: a repeat visit should fetch
the page only, the static files coming from the cache (WhiteNoise serves them as immutable for ten years).
Prints one JSON object per line: page, visit, bytes, responses, bytes by kind and the font files fetched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("OPENMUN_BENCH_WEIGHT_PORT", "8767"))
CHROMIUM = os.environ.get("OPENMUN_CHROMIUM", "/usr/bin/chromium")
PAGES = ["/ar/", "/fr/"]
# Issue 13's budget for the first visit of the Arabic home page: HTML, stylesheet and fonts together.
BUDGET = 200 * 1024
KINDS = {"Document": "page", "Stylesheet": "stylesheet", "Font": "fonts"}


def wait_for_server(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def visits(browser, path: str):
    """Yield (visit, figures) for a first and a repeat visit of path by a phone that starts with an empty cache."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True)
    page = context.new_page()
    protocol = context.new_cdp_session(page)
    protocol.send("Network.enable")
    responses: dict[str, dict] = {}

    def received(event):
        response, seen = event["response"], responses.setdefault(event["requestId"], {})
        seen.update(url=response["url"], kind=KINDS.get(event["type"], "other"))
        seen["cached"] = seen.get("cached", False) or response.get("fromDiskCache", False)

    def finished(event):
        responses.setdefault(event["requestId"], {})["bytes"] = event["encodedDataLength"]

    def served_from_cache(event):
        responses.setdefault(event["requestId"], {})["cached"] = True

    protocol.on("Network.responseReceived", received)
    protocol.on("Network.loadingFinished", finished)
    protocol.on("Network.requestServedFromCache", served_from_cache)
    try:
        for visit in ("first", "repeat"):
            responses.clear()
            page.goto(f"http://127.0.0.1:{PORT}{path}", wait_until="networkidle")
            fetched = [each for each in responses.values() if "url" in each and not each.get("cached")]
            by_kind: dict[str, int] = {}
            for each in fetched:
                by_kind[each["kind"]] = by_kind.get(each["kind"], 0) + each.get("bytes", 0)
            yield (
                visit,
                {
                    "bytes": sum(by_kind.values()),
                    "responses": len(fetched),
                    "by_kind": by_kind,
                    "fonts": sorted(each["url"].rsplit("/", 1)[-1] for each in fetched if each["kind"] == "fonts"),
                },
            )
    finally:
        context.close()


def main() -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print(json.dumps({"skipped": "Playwright is not installed (the test extras)"}))
        return
    if not shutil.which(CHROMIUM):
        print(json.dumps({"skipped": f"no Chromium at {CHROMIUM}"}))
        return
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "OPENMUN_STATIC_MANIFEST": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "openmun.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    try:
        wait_for_server()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for path in PAGES:
                for visit, figures in visits(browser, path):
                    print(json.dumps({"page": path, "visit": visit, "budget": BUDGET, **figures}), flush=True)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
