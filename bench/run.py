"""Run every benchmark on scratch databases in var/bench/ and print one table (make bench).

1. pages: each public page's median server time against a bare view returning the same bytes, and its
   queries at 1× and 100× the data (bench/pages_bench.py);
2. load: gunicorn with 2 workers under a bounded load on loopback, home and a project page, page cache off
   and on, and a static file side by side with the cached pages (bench/load_bench.py);
3. PDF: the programme's and the session report's cold and warm render, cached download and peak memory
   (bench/pdf_bench.py);
4. writes: petition supports and participatory-budget votes per second, with exact counts
   (bench/actions_bench.py and the scenarios in bench/actions/);
5. writes on PostgreSQL: the same through the services alone, then complete supports and votes through HTTP on
   gunicorn, PostgreSQL and Redis, with exact counts and one e-mail queued per person (bench/http_bench.py);
6. weight: what a phone downloads on its first and on a repeat visit of the home page, in Chromium
   (bench/weight_bench.py).
The figures depend on the machine and on what else runs on it: the table starts with the date and the machine.
No test asserts a time. The table is also written to docs/benchmarks.md, after a fixed introduction.
"""

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PAGE = ROOT / "docs" / "benchmarks.md"
# What docs/benchmarks.md says before the figures of the run; the figures follow it.
INTRODUCTION = """# Benchmarks

For developers and operators who want to know what a page, a PDF or a write costs. `make bench` writes this page
(`bench/run.py`): edit the introduction there, not here.

`make bench` runs six benchmarks, all but the fifth on scratch SQLite databases in `var/bench/`, and prints one table:

1. **pages** (`bench/pages_bench.py`): the public pages, found by following links from the home page in each
   language, one page per URL pattern. Each is rendered 15 times through the whole middleware stack with the page
   cache off (what a first visitor costs), against a bare view that returns the same bytes through the same stack:
   the ratio is the page's own work. Its queries are counted at 1× the data (the tests' factories) and at 100×.
2. **load** (`bench/load_bench.py`): gunicorn with 2 workers and production settings, on loopback, loaded for
   10 s with 8 keep-alive connections, on the French home page and a project page, page cache off ("uncached")
   and on ("cached"). With the cache on, the stylesheet (a static file WhiteNoise serves through the same
   gunicorn) and the two pages are loaded in turn, 3 rounds of 4 s each, so that both sides see the same machine;
   the rows give the medians of the rounds, and each cached page's row ends with its rate as a share of the static
   file's in the same round: a cached page should be served at 0.8× that rate or better.
   The load comes from `wrk` when it is installed, else from a small Python client; the cache is Redis (database 9
   on 127.0.0.1:6379, emptied first) when one answers there, else local memory.
3. **PDF** (`bench/pdf_bench.py`): the programme's PDF and the report of the council's next session, in Arabic
   and French: a cold render (a fresh process), a warm render, a download served from the cache, and the process's
   peak memory.
4. **writes** (`bench/actions_bench.py`, scenarios in `bench/actions/`): 200 petition supports (submitted and
   confirmed) and 200 participatory-budget votes (registered, confirmed, ballot cast) through the apps'
   services, per second, and whether the portal counted exactly what was done. Each confirmation e-mail is queued
   for the background worker, as in production.
5. **writes on PostgreSQL** (`bench/http_bench.py`): the same services on PostgreSQL, then the same actions as
   people do them, through HTTP: gunicorn with production settings (4 workers, Redis, no background worker, so the
   e-mail waits in the queue) loaded by 16 people at once on loopback. A complete support is the support form
   (POST), the e-mailed link opened (GET) and its button pressed (POST); a complete vote is the address (POST), the
   link opened and pressed, and the ballot (POST). Each person reads their link from the message queued for them.
   The row gives complete actions per second, the median and 99th-percentile time of one complete action, and
   whether the counts, and the messages queued, are exactly one per person. It needs PostgreSQL and Redis on their
   local ports (skipped otherwise) and uses the scratch database `openmun_bench_http` and Redis database 9.
6. **weight** (`bench/weight_bench.py`): the home page in Arabic and in French, opened in Chromium as a 360 × 780
   phone with an empty cache, from gunicorn with production settings (fingerprinted and compressed static files):
   the bytes transferred, headers included, as Chromium's DevTools protocol counts them (what a data plan pays), by
   kind: the page, the stylesheet, the fonts, the rest (the icon). Then the same page again: a repeat visit should
   fetch the page only (often a `304`), every static file coming from the browser's cache. The budget of the first
   visit of `/ar/` is 200 kB; the fonts are subsets made by `scripts/fonts-subset` ([operations](operations.md#fonts)).

Reading a result: "25.4 ms vs 0.29 ms bare (×87)" is the page's median time, the bare view's and their ratio;
"queries 8 at 1×, 8 at 100×" should not grow with the data. A load row gives requests per second, the median and
99th-percentile latency, the requests sent and the errors. A writes row ends with "exact" when the portal counted
what was done, "WRONG COUNT" otherwise. A weight row gives the kilobytes (1 kB = 1,024 bytes) and the responses
that came over the network, then the kilobytes of each kind.

The times depend on the machine and on what else runs on it; no test asserts a time. The query counts and the
exact counts do not depend on the machine. To measure again, run `make bench` on an otherwise idle machine: it
runs for several minutes and keeps every core busy. `scripts/system-deps bench` installs `wrk`.
"""
PYTHON = sys.executable
# Production settings but plain HTTP on loopback, local-memory cache unless a step sets REDIS_URL.
BASE_ENV = {
    **os.environ,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-" + "0123456789abcdef" * 3,
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "OPENMUN_VAR_DIR": str(WORK),
    "OPENMUN_STATIC_MANIFEST": "false",
    "OPENMUN_LOG_FORMAT": "plain",
    "DJANGO_LOG_LEVEL": "WARNING",
    "REDIS_URL": "",
    "PYTHONWARNINGS": "ignore",
}


def run(*command: str, database: str, **extra: str) -> str:
    environment = {**BASE_ENV, "DATABASE_URL": f"sqlite:///{WORK / database}", **extra}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{' '.join(command)} failed")
    return result.stdout


def fresh_database(name: str, *, commune: bool = False, static: bool = False) -> str:
    (WORK / name).unlink(missing_ok=True)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", database=name)
    if commune:
        run(PYTHON, "manage.py", "load_commune_data", database=name)
    if static:
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", database=name, OPENMUN_STATIC_MANIFEST="true")
    return name


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GiB"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.freedesktop_os_release().get('PRETTY_NAME', '')}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, SQLite"
    )


def weight_cells(row: dict) -> tuple[str, str]:
    """Return the subject and the result of a row of bench/weight_bench.py."""
    if "skipped" in row:
        return "first and repeat visits", f"skipped: {row['skipped']}"
    kinds = ", ".join(f"{kind} {size / 1024:.1f} kB" for kind, size in row["by_kind"].items())
    responses = f"{row['responses']} response{'' if row['responses'] == 1 else 's'}"
    result = f"{row['bytes'] / 1024:.1f} kB in {responses}: {kinds}"
    if row["visit"] == "first":
        result += f"; {len(row['fonts'])} font files"
        if row["page"] == "/ar/":
            within = "within" if row["bytes"] <= row["budget"] else "OVER"
            result += f"; {within} the budget of {row['budget'] / 1024:.0f} kB"
    cache = "empty" if row["visit"] == "first" else "warm"
    return f"{row['visit']} visit of {row['page']} (phone, {cache} cache)", result


def table_lines(rows: list[tuple[str, str, str]]) -> list[str]:
    """Return the rows as a Markdown table, its columns padded to the same width."""
    header = ("benchmark", "subject", "result")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in [header, tuple("-" * width for width in widths), *rows]
    ]


def page_write(path: Path, *, started: datetime.datetime, machine: str, rows: list[tuple[str, str, str]]) -> None:
    """Write the benchmarks page: the fixed introduction, then the date, the machine and the table of the run."""
    run = f"## The last run\n\n{started:%Y-%m-%d %H:%M}, {machine}.\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(INTRODUCTION + "\n" + run + "\n".join(table_lines(rows)) + "\n")


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    started = datetime.datetime.now()

    print("pages: 1× data…", file=sys.stderr)
    run(
        PYTHON,
        "bench/pages_bench.py",
        "--scale",
        "1",
        "--out",
        str(WORK / "pages-1.json"),
        database=fresh_database("pages-1.sqlite3"),
    )
    print("pages: 100× data (a few minutes)…", file=sys.stderr)
    run(
        PYTHON,
        "bench/pages_bench.py",
        "--scale",
        "100",
        "--urls",
        str(WORK / "pages-1.json"),
        "--out",
        str(WORK / "pages-100.json"),
        database=fresh_database("pages-100.sqlite3"),
    )
    small = json.loads((WORK / "pages-1.json").read_text())
    large = json.loads((WORK / "pages-100.json").read_text())
    for missing in small["missing"]:
        rows.append(("pages", missing, "left out: the app or its factories are not installed"))
    for page, scaled in zip(small["pages"], large["pages"], strict=True):
        if page["status"] != 200:
            continue
        rows.append(
            (
                "pages",
                f"{page['language']} {page['view']}",
                f"{page['page_ms']:.1f} ms vs {page['bare_ms']:.2f} ms bare (×{page['ratio']:.0f}); "
                f"queries {page['queries']} at 1×, {scaled['queries']} at 100×",
            )
        )

    print("load: gunicorn, 2 workers…", file=sys.stderr)
    database = fresh_database("load.sqlite3", commune=True, static=True)
    for row in json_lines(run(PYTHON, "bench/load_bench.py", database=database, OPENMUN_STATIC_MANIFEST="true")):
        rows.append(
            (
                "load",
                f"{row['setting']} {row['page']} ({row['cache']}, {row['client']})",
                f"{row['rps']:.0f} req/s, median {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, "
                f"{row['requests']} requests, {row['errors']} errors"
                + (f"; {row['static_ratio']:.2f}× the static file's rate" if "static_ratio" in row else ""),
            )
        )

    print("PDF…", file=sys.stderr)
    for row in json_lines(run(PYTHON, "bench/pdf_bench.py", "--json", database=database)):
        rows.append(
            (
                "PDF",
                f"{row.get('document', 'programme')}, {row['language']}",
                f"{row['pages'] or '?'} pages, {row['bytes'] / 1024:.0f} kB; cold {row['cold_s']:.2f} s, "
                f"warm {row['warm_s']:.2f} s, cached {row['cached_s'] * 1000:.1f} ms; "
                f"peak {row['warm_peak_mb']:.0f} MB",
            )
        )

    print("writes…", file=sys.stderr)
    for row in json_lines(run(PYTHON, "bench/actions_bench.py", database=fresh_database("actions.sqlite3"))):
        if "skipped" in row:
            rows.append(("writes", row["scenario"], f"skipped: {row['skipped']}"))
        else:
            exact = "exact" if row["exact"] else "WRONG COUNT"
            rows.append(
                (
                    "writes",
                    row["scenario"],
                    f"{row['per_second']:.1f} /s; {row['done']} done, {row['counted']} counted ({exact})",
                )
            )

    print("writes on PostgreSQL: services, then HTTP…", file=sys.stderr)
    output = subprocess.run(
        [PYTHON, "bench/http_bench.py"], cwd=ROOT, env=BASE_ENV, capture_output=True, text=True, check=True
    ).stdout
    for row in json_lines(output):
        if "skipped" in row:
            rows.append(("writes (PostgreSQL)", row["scenario"], f"skipped: {row['skipped']}"))
            continue
        exact = "exact" if row["exact"] else "WRONG COUNT"
        result = f"{row['per_second']:.1f} /s; {row['done']} done, {row['counted']} counted"
        if "mail_queued" in row:
            result += (
                f", {row['mail_queued']} e-mails queued ({exact}); median {row['p50_ms']:.0f} ms, p99 "
                f"{row['p99_ms']:.0f} ms, {row['errors']} errors; load average {row['load_average']:.1f} before; "
                f"CPU per action: gunicorn {row['cpu_ms']['gunicorn']:.1f} ms, PostgreSQL "
                f"{row['cpu_ms']['postgresql']:.1f} ms, client {row['cpu_ms']['client']:.1f} ms"
            )
        else:
            result += f" ({exact})"
        rows.append(("writes (PostgreSQL)", row["scenario"], result))

    print("weight: a phone's first and repeat visits, Chromium…", file=sys.stderr)
    for row in json_lines(run(PYTHON, "bench/weight_bench.py", database=database, OPENMUN_STATIC_MANIFEST="true")):
        rows.append(("weight", *weight_cells(row)))

    described = machine()
    print(f"openmun benchmarks, {started:%Y-%m-%d %H:%M}, {described}")
    print("\n".join(table_lines(rows)))
    (WORK / "results.json").write_text(
        json.dumps({"date": started.isoformat(), "machine": described, "rows": rows}, indent=1, ensure_ascii=False)
    )
    page_write(PAGE, started=started, machine=described, rows=rows)
    print(f"Written to {PAGE.relative_to(ROOT)}.")
    if shutil.which("wrk") is None:
        print("wrk is not installed: the load was generated by the Python client (scripts/system-deps bench).")


if __name__ == "__main__":
    main()
