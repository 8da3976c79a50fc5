"""Complete online supports and votes through HTTP, on gunicorn, PostgreSQL and Redis, beside the services alone.

Run by bench/run.py (make bench), or alone: .venv/bin/python bench/http_bench.py [--count 400]. It needs PostgreSQL
on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379, whose database 9 it empties; without them it reports
itself skipped. It creates a scratch database, openmun_bench_http, and drops it at the end.

1. services: the write scenarios of bench/actions/ (supports submitted and confirmed, votes registered, confirmed
   and cast) called in one process, as bench/actions_bench.py does, but on PostgreSQL;
2. HTTP: gunicorn with production settings (WORKERS workers, the page cache and Redis on, no background worker:
   the mail waits in the queue), loaded by CLIENTS simultaneous people, each on a keep-alive connection. A complete
   support is what a person does: POST the support form, open the link of the e-mail (GET: the page that shows what
   it confirms), press its button (POST). A complete vote: POST the address, open the link, press its button, POST
   the ballot. Each person reads the link from the mail queued for them (the queue's row for their address), as
   from their mailbox, so that every link comes from a message the portal queued. The rate counts only complete
   actions, from the first request to the last answer.
Then it checks that the portal counted exactly what was done, and that one message per person waits in the queue.
Rate limits are raised for the run (every person comes from 127.0.0.1). Prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("OPENMUN_BENCH_HTTP_PORT", "8767"))
DATABASE = "openmun_bench_http"
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "autocommit": True}
REDIS_URL = "redis://127.0.0.1:6379/9"
WORKERS = int(os.environ.get("OPENMUN_BENCH_HTTP_WORKERS", "4"))
CLIENTS = int(os.environ.get("OPENMUN_BENCH_HTTP_CLIENTS", "16"))
SECURE = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-" + "0123456789abcdef" * 3,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": REDIS_URL,
    "OPENMUN_STATIC_MANIFEST": "false",
    "OPENMUN_SITE_URL": "https://openmun.example.ma",
    "OPENMUN_LOG_FORMAT": "plain",
    "DJANGO_LOG_LEVEL": "WARNING",
    "OPENMUN_TASKS_BACKEND": "database",
    # Every simulated person comes from 127.0.0.1: the per-client limits would stop them.
    "OPENMUN_RATE_LIMIT": "1000000/600",
    "OPENMUN_POST_RATE_LIMIT": "1000000/600",
    "PYTHONWARNINGS": "ignore",
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def services_available() -> str:
    """Return why the bench cannot run here, or an empty string."""
    import psycopg
    import redis

    try:
        psycopg.connect(**POSTGRES, connect_timeout=3).close()
    except psycopg.Error:
        return "PostgreSQL does not answer on 127.0.0.1:5432"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return "Redis does not answer on 127.0.0.1:6379"
    return ""


def database_recreate(*, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(**POSTGRES) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


class Browser:
    """One person's browser: a keep-alive connection to gunicorn and its cookies."""

    def __init__(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, dict, str]:
        headers = {**SECURE}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": "https://127.0.0.1",
                "Referer": f"https://127.0.0.1{path}",
            }
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, {key.lower(): value for key, value in response.getheaders()}, content

    def form_token(self, path: str) -> str:
        """GET a page with a form; return the form's CSRF token (the cookie is kept)."""
        status, _headers, content = self.request("GET", path)
        match = CSRF_INPUT.search(content)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path}: {status}, no form")
        return match.group(1)


def mailbox_link(address: str, pattern: str) -> str:
    """Return the path of the link in the message queued for address (the bench's mailbox), waiting for it."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = DBTaskResult.objects.filter(args_kwargs__kwargs__to=address).only("args_kwargs").first()
        if job is not None:
            return re.search(pattern, job.args_kwargs["kwargs"]["body"]).group(1)
        time.sleep(0.01)
    raise RuntimeError("no message queued")


def expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: {status}, not {wanted}")


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user and system) process pid has used so far, 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # After the command's name, in parentheses: the state is field 3, utime and stime fields 14 and 15.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes() -> dict[str, list[int]]:
    """Return the pids of what serves the bench: gunicorn's workers and the PostgreSQL backends of its database."""
    from django.db import connection

    workers = []
    if SERVER is not None:
        children = Path(f"/proc/{SERVER.pid}/task/{SERVER.pid}/children")
        with contextlib.suppress(OSError):
            workers = [int(pid) for pid in children.read_text().split()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE])
        backends = [pid for (pid,) in cursor.fetchall()]
    return {"gunicorn": workers, "postgresql": backends}


def cpu_snapshot() -> dict[tuple[str, int], float]:
    """Return the CPU seconds used so far by each server process (kind, pid), and by this client."""
    used = {(kind, pid): process_cpu(pid) for kind, pids in server_processes().items() for pid in pids}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used["client", os.getpid()] = usage.ru_utime + usage.ru_stime
    return used


def cpu_per_action(before: dict, after: dict, done: int) -> dict[str, float]:
    """Return the milliseconds of CPU each kind of process spent per action between two snapshots."""
    spent: dict[str, float] = {"gunicorn": 0.0, "postgresql": 0.0, "client": 0.0}
    for (kind, pid), seconds in after.items():
        # A process started during the run (a new backend) had used nothing before it.
        spent[kind] += seconds - before.get((kind, pid), 0.0)
    return {kind: round(1000 * seconds / max(done, 1), 2) for kind, seconds in spent.items()}


def people_run(count: int, person) -> dict:
    """Run person(browser, index) for count people, CLIENTS at a time; return the rate, latencies and CPU."""
    durations: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def client() -> None:
        browser = Browser()
        try:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                started = time.perf_counter()
                try:
                    person(browser, index)
                except Exception as error:  # counted and reported: the run goes on
                    with lock:
                        errors.append(str(error))
                    browser = Browser()
                    continue
                with lock:
                    durations.append(time.perf_counter() - started)
        finally:
            from django.db import connection

            connection.close()

    # The machine's load when the run starts: the figures mean little on a machine busy with something else.
    load_average = os.getloadavg()[0]
    cpu_before = cpu_snapshot()
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(client) for _ in range(CLIENTS)]:
            future.result()
    seconds = time.perf_counter() - started
    cpu = cpu_per_action(cpu_before, cpu_snapshot(), len(durations))
    durations.sort()
    return {
        "done": len(durations),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "per_second": len(durations) / seconds,
        "p50_ms": 1000 * statistics.median(durations) if durations else 0,
        "p99_ms": 1000 * durations[int(0.99 * (len(durations) - 1))] if durations else 0,
        "seconds": seconds,
        "load_average": load_average,
        # What one complete action costs the machine, wherever it runs: the server's share (gunicorn and the
        # PostgreSQL backends, which also answer the client's mailbox reads) says how many cores a rate needs.
        "cpu_ms": cpu,
        "server_cpu_ms": round(cpu["gunicorn"] + cpu["postgresql"], 2),
    }


def supports_http(count: int, petition_id: int) -> dict:
    from petitions.models import Petition, Support

    page = f"/fr/petitions/{petition_id}/"
    tokens: dict[int, str] = {}

    def person(browser: Browser, index: int) -> None:
        if id(browser) not in tokens:
            tokens[id(browser)] = browser.form_token(page)
        token = tokens[id(browser)]
        address = f"http-supporter{index}@example.ma"
        fields = {"csrfmiddlewaretoken": token, "name": f"Citoyen {index}", "relation": "resident"}
        status, _headers, _body = browser.request(
            "POST", f"{page}support/", {**fields, "email": address, "consent": "on"}
        )
        expect(status, 302, "support form")
        link = mailbox_link(address, r"https://openmun\.example\.ma(/fr/petitions/confirm/[^/\s]+/)")
        status, _headers, _body = browser.request("GET", link)
        expect(status, 200, "confirmation page")
        status, _headers, _body = browser.request("POST", link, {"csrfmiddlewaretoken": token})
        expect(status, 302, "confirmation")

    result = people_run(count, person)
    petition = Petition.objects.get(pk=petition_id)
    confirmed = Support.objects.filter(petition=petition, confirmed_at__isnull=False).count()
    result["counted"] = petition.support_count if petition.support_count == confirmed else -1
    result["mail_queued"] = queued("http-supporter")
    return result


def votes_http(count: int, slug: str, proposals: list[int], first: int) -> dict:
    from budgets.models import BallotChoice

    cycle_page = f"/fr/budget/participatory/{slug}/"

    def person(browser: Browser, index: int) -> None:
        # A new person on the same connection: a browser of their own (cookies, session).
        browser.cookies = {}
        token = browser.form_token(f"{cycle_page}vote/")
        address = f"http-voter{index}@example.ma"
        status, _headers, _body = browser.request(
            "POST", f"{cycle_page}vote/", {"csrfmiddlewaretoken": token, "email": address}
        )
        expect(status, 302, "address form")
        link = mailbox_link(
            address, r"https://openmun\.example\.ma(/fr/budget/participatory/[^/]+/vote/confirm/[^/\s]+/)"
        )
        status, _headers, _body = browser.request("GET", link)
        expect(status, 200, "link page")
        status, _headers, _body = browser.request("POST", link, {"csrfmiddlewaretoken": token})
        expect(status, 302, "link confirmed")
        status, _headers, _body = browser.request(
            "POST", f"{cycle_page}ballot/", {"csrfmiddlewaretoken": token, "proposals": [str(p) for p in proposals]}
        )
        expect(status, 302, "ballot")

    result = people_run(count, person)
    result["counted"] = BallotChoice.objects.filter(ballot__cycle__slug=slug, proposal_id=first).count()
    result["mail_queued"] = queued("http-voter")
    return result


def queued(prefix: str) -> int:
    """Return how many messages to the addresses that start with prefix wait in the queue for the worker."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status="READY", task_path="openmun.tasks.mail_send", args_kwargs__kwargs__to__startswith=prefix
    ).count()


# The gunicorn master while it runs: its children are the workers whose CPU the run counts.
SERVER: subprocess.Popen | None = None


@contextlib.contextmanager
def gunicorn():
    global SERVER
    environment = {**os.environ, **ENVIRONMENT}
    server = SERVER = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "openmun.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                connection.request("GET", "/healthz", headers=SECURE)
                if connection.getresponse().status == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield
    finally:
        SERVER = None
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="people per HTTP scenario")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if reason := services_available():
        print(json.dumps({"scenario": "supports and votes on PostgreSQL", "skipped": reason}))
        return
    database_recreate()
    os.environ.update(ENVIRONMENT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "openmun.settings"
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    from bench import actions_bench

    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        call_command("migrate", verbosity=0)
        # The settings' LocMem-or-Redis choice is made at import: the confirmation mails stay in the queue anyway.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        for row in actions_bench.scenarios_run(actions_bench.COUNT):
            print(json.dumps({**row, "scenario": f"{row['scenario']}, services only, PostgreSQL"}), flush=True)

        from tests.budgets.factories import cycle_build
        from tests.petitions.factories import PetitionFactory

        petition = PetitionFactory()
        cycle = cycle_build(proposals=5, year=2098, slug="bench-http-vote")
        proposals = list(cycle.proposals.order_by("pk").values_list("pk", flat=True)[:2])
        with gunicorn():
            rows = {
                "petition supports through HTTP (submit + open link + confirm)": supports_http(
                    arguments.count, petition.pk
                ),
                "participatory-budget votes through HTTP (address + open link + confirm + ballot)": votes_http(
                    arguments.count, cycle.slug, proposals, proposals[0]
                ),
            }
        for name, row in rows.items():
            row["exact"] = row["done"] == row["counted"] == row["mail_queued"]
            print(json.dumps({"scenario": name, "workers": WORKERS, "clients": CLIENTS, **row}), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        database_recreate(drop_only=True)


if __name__ == "__main__":
    main()
