"""Throughput and latency of gunicorn (2 workers) under a bounded load on loopback, page cache off and on.

Run by bench/run.py once the scratch database holds the commune's data and the static files are collected.
For each setting (uncached: OPENMUN_PAGE_CACHE_SECONDS=0; cached: the default) it starts gunicorn with
production settings, then loads the home page and a project page in turn for DURATION seconds with
CONNECTIONS keep-alive connections: wrk when it is installed (Debian's wrk; scripts/system-deps bench), else a
small Python client with threads. The load stops by itself and only ever targets 127.0.0.1.
With the page cache on, it also loads the stylesheet, a static file WhiteNoise serves through the same gunicorn,
in turn with the pages, in ROUNDS rounds: each cached page's row gives its rate as a share of the static file's
in the same round (the median of the rounds): "static_ratio", which should be at least 0.8.
Prints one JSON object per line: setting, page, requests per second, median and 99th-percentile latency.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("OPENMUN_BENCH_PORT", "8766"))
DURATION = 10
CONNECTIONS = 8
PAGES = {"home": "/fr/", "project": "/fr/programme/projects/{slug}/"}
# With the cache on: rounds of the static file and the pages in turn, and the length of each run in a round.
ROUNDS = 3
SIDE_BY_SIDE_SECONDS = 4


def wrk(url: str, duration: int = DURATION) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def milliseconds(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds("50%"),
        "p99_ms": milliseconds("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "client": "wrk",
    }


def python_client(url: str, duration: int = DURATION) -> dict:
    """A bounded load from threads with keep-alive connections, for machines without wrk."""
    path = url.split(str(PORT), 1)[1]
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / duration,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "errors": errors[0],
        "client": "python",
    }


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


def redis_url() -> str:
    """Return a Redis database for the benchmark when a local Redis answers, else empty (local memory)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return "redis://127.0.0.1:6379/9"
    return ""


def stylesheet_path(home: str) -> str:
    """Return the address of the stylesheet the home page links to: a static file WhiteNoise serves."""
    html = urllib.request.urlopen(f"http://127.0.0.1:{PORT}{home}", timeout=30).read().decode()
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


def measure(path: str, load, duration: int = DURATION) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    # Warm both workers (and, when cached, the page cache) before measuring.
    for _ in range(4):
        urllib.request.urlopen(url, timeout=30).read()
    return {"path": path, **load(url, duration)}


def setting_run(setting: str, *, slug: str, load):
    """Yield (page, figures) for each page; with the cache on, the static file side by side with the pages.

    With the cache on, the static file and the pages are loaded in turn, ROUNDS times, SIDE_BY_SIDE_SECONDS
    each, so that a change in the machine's load weighs on both sides: a row gives the median of its rounds, and a
    page's static_ratio is the median of its rate over the static file's in the same round.
    """
    pages = [(page, path.format(slug=slug)) for page, path in PAGES.items()]
    if setting != "cached":
        for page, path in pages:
            yield page, measure(path, load)
        return
    targets = [("static", stylesheet_path(PAGES["home"])), *pages]
    rounds = [{name: measure(path, load, SIDE_BY_SIDE_SECONDS) for name, path in targets} for _ in range(ROUNDS)]
    for name, path in targets:
        runs = [each[name] for each in rounds]
        row = {
            "path": path,
            "requests": sum(run["requests"] for run in runs),
            "rps": statistics.median(run["rps"] for run in runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in runs),
            "p99_ms": statistics.median(run["p99_ms"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "client": runs[0]["client"],
            "rounds": ROUNDS,
        }
        if name != "static":
            row["static_ratio"] = round(
                statistics.median(each[name]["rps"] / each["static"]["rps"] for each in rounds), 2
            )
        yield name, row


def main() -> None:
    slug = sys.argv[1] if len(sys.argv) > 1 else "green-city"
    load = wrk if shutil.which("wrk") else python_client
    redis = redis_url()
    if redis:
        subprocess.run(["redis-cli", "-n", "9", "flushdb"], capture_output=True, check=False)
    for setting, seconds in (("uncached", "0"), ("cached", "300")):
        environment = {
            **os.environ,
            "OPENMUN_PAGE_CACHE_SECONDS": seconds,
            "REDIS_URL": redis,
            "DJANGO_DEBUG": "false",
            "OPENMUN_STATIC_MANIFEST": "true",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "openmun.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        try:
            wait_for_server()
            for page, figures in setting_run(setting, slug=slug, load=load):
                print(
                    json.dumps(
                        {
                            "setting": setting,
                            "page": page,
                            "cache": "redis" if redis else "local memory",
                            **figures,
                        }
                    ),
                    flush=True,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
