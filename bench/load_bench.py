"""Throughput and latency of gunicorn (2 workers) under a bounded load on loopback, page cache off and on.

Run by bench/run.py once the scratch database holds the commune's data and the static files are collected.
For each setting (uncached: OPENMUN_PAGE_CACHE_SECONDS=0; cached: the default) it starts gunicorn with
production settings, then loads the home page and a project page in turn for DURATION seconds with
CONNECTIONS keep-alive connections: wrk when it is installed (Debian's wrk; scripts/system-deps bench), else a
small Python client with threads. The load stops by itself and only ever targets 127.0.0.1.
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
PORT = 8766
DURATION = 10
CONNECTIONS = 8
PAGES = {"home": "/fr/", "project": "/fr/programme/projects/{slug}/"}


def wrk(url: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url],
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


def python_client(url: str) -> dict:
    """A bounded load from threads with keep-alive connections, for machines without wrk."""
    path = url.split(str(PORT), 1)[1]
    deadline = time.monotonic() + DURATION
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
        "rps": len(latencies) / DURATION,
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
            for page, path in PAGES.items():
                url = f"http://127.0.0.1:{PORT}{path.format(slug=slug)}"
                # Warm both workers (and, when cached, the page cache) before measuring.
                for _ in range(4):
                    urllib.request.urlopen(url, timeout=30).read()
                figures = load(url)
                print(
                    json.dumps(
                        {
                            "setting": setting,
                            "page": page,
                            "path": path.format(slug=slug),
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
