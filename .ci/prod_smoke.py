"""Start the portal as in production (scripts/serve-prod: gunicorn, PostgreSQL, Redis) and check it from outside.

Pages in both languages, the security headers, fingerprinted and compressed static files, the page cache and
304s, the PDF, mail delivered by the background worker to a slow mail server that refuses the first attempt, the
admin's sign-in and its lockout, the health check; then an outage of Redis and of the database, each followed by
recovery without restarting gunicorn. Everything runs on loopback and stops by
itself. Usage: .venv/bin/python .ci/prod_smoke.py (PostgreSQL on 127.0.0.1:5432, user postgres, and
redis-server must be installed).
"""

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
REDIS_PORT = 6391
PROXY_PORT = 55432
SMTP_PORT = 8725
# The mail server answers this late: a page that waited for it would take longer.
SMTP_GREETING_DELAY = 5
DATABASE = f"openmun_smoke_{uuid.uuid4().hex[:6]}"
SECURE = {"X-Forwarded-Proto": "https"}
failures: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def request(method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), response
    finally:
        connection.close()


class Proxy:
    """A TCP relay in front of PostgreSQL, to cut the database off and bring it back."""

    def __init__(self, listen: int, target: int):
        self.listen, self.target = listen, target
        self.up = False
        self.server: socket.socket | None = None
        self.connections: list[socket.socket] = []

    def start(self) -> None:
        if self.server is None:
            self.server = socket.create_server(("127.0.0.1", self.listen))
            threading.Thread(target=self.accept, daemon=True).start()
        self.up = True

    def accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            if not self.up:
                # The database is "down": the connection is dropped before PostgreSQL answers.
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def stop(self) -> None:
        """Drop new connections and break the open ones, as a database that went down."""
        self.up = False
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
        self.connections = []


class MailServer:
    """An SMTP server on loopback, slow to greet, that refuses the first message (451, try later) and keeps the rest."""

    def __init__(self, port: int, *, refusals: int = 1):
        self.refusals = refusals
        self.refused = 0
        self.messages: list[str] = []
        self.server = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(client,), daemon=True).start()

    def session(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError), client, client.makefile("rb") as lines:
            time.sleep(SMTP_GREETING_DELAY)
            client.sendall(b"220 smoke ESMTP\r\n")
            for line in lines:
                command = line.decode("ascii", "replace").strip().upper()
                if command.startswith("EHLO"):
                    client.sendall(b"250-smoke\r\n250 8BITMIME\r\n")
                elif command == "DATA":
                    client.sendall(b"354 end with .\r\n")
                    data = b""
                    while (line := lines.readline()) not in (b".\r\n", b""):
                        data += line
                    if self.refused < self.refusals:
                        self.refused += 1
                        client.sendall(b"451 busy, try again later\r\n")
                    else:
                        self.messages.append(data.decode("utf-8", "replace"))
                        client.sendall(b"250 queued\r\n")
                elif command == "QUIT":
                    client.sendall(b"221 bye\r\n")
                    return
                else:  # HELO, MAIL FROM, RCPT TO, RSET, NOOP
                    client.sendall(b"250 ok\r\n")

    def stop(self) -> None:
        self.server.close()


def wait_until(condition, seconds: float, what: str) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if condition():
                return True
        time.sleep(0.5)
    check(False, what)
    return False


def health() -> tuple[int, dict]:
    status, _headers, body, _response = request("GET", "/healthz")
    return status, json.loads(body)


def checks(proxy: Proxy, redis: subprocess.Popen, mail_server: MailServer) -> subprocess.Popen | None:
    status, body = health()
    check(status == 200 and body == {"database": "ok", "cache": "ok"}, f"/healthz answers {status} {body}")
    status, headers, _body, _r = request("GET", "/")
    check(status == 302 and headers.get("location") == "/ar/", "/ sends visitors to /ar/")

    for language, direction, text in (("ar", "rtl", "جماعة بني ملال"), ("fr", "ltr", "Béni Mellal")):
        status, headers, body, _r = request("GET", f"/{language}/", SECURE)
        html = body.decode()
        check(
            status == 200 and f'<html lang="{language}" dir="{direction}">' in html and text in html,
            f"/{language}/ renders the commune's programme",
        )
        check("max-age=31536000" in headers.get("strict-transport-security", ""), f"/{language}/ sends HSTS")
        policy = headers.get("content-security-policy", "")
        check("default-src 'self'" in policy and "frame-ancestors 'none'" in policy, f"/{language}/ sends the CSP")
        check(headers.get("x-frame-options") == "DENY", "X-Frame-Options: DENY")
        check(headers.get("x-content-type-options") == "nosniff", "X-Content-Type-Options: nosniff")
        check(headers.get("referrer-policy") == "same-origin", "Referrer-Policy: same-origin")
        check(headers.get("cross-origin-opener-policy") == "same-origin", "Cross-Origin-Opener-Policy")

    status, headers, body, _r = request("GET", "/fr/", SECURE)
    check(headers.get("x-cache") == "hit", "a second anonymous request is served by the page cache")
    status, _headers, _body, _r = request("GET", "/fr/", {**SECURE, "If-None-Match": headers.get("etag", "")})
    check(status == 304, "a browser with the current page gets 304")
    status, headers, _page, _r = request(
        "GET", "/fr/?utm_source=newsletter&fbclid=x", {**SECURE, "Accept-Encoding": "gzip"}
    )
    check(
        status == 200 and headers.get("x-cache") == "hit" and headers.get("content-encoding") == "gzip",
        "a shared link's tracking parameters are served from the cache, compressed",
    )
    status, _headers, _page, _r = request("GET", "/healthz", {"Host": "evil.example"})
    check(status == 400, f"a request for another host gets 400 ({status})")
    status, headers, _icon, _r = request("HEAD", "/favicon.ico", SECURE)
    check(status == 200 and headers.get("content-type") == "image/vnd.microsoft.icon", "/favicon.ico answers HEAD")

    stylesheet = re.search(r'href="(/static/css/openmun\.[0-9a-f]{12}\.css)"', body.decode())
    check(stylesheet is not None, "pages link to a fingerprinted stylesheet")
    if stylesheet:
        status, headers, _css, _r = request("GET", stylesheet.group(1), {"Accept-Encoding": "gzip"})
        check(status == 200 and headers.get("content-encoding") == "gzip", "static files are served compressed")
        check("immutable" in headers.get("cache-control", ""), "fingerprinted files are cached for ever")

    status, headers, body, _r = request("GET", "/fr/programme/projects/", SECURE)
    project = re.search(r'href="(/fr/programme/projects/[\w-]+/)"', body.decode())
    check(status == 200 and project is not None, "the project list links to the projects")
    if project:
        status, _headers, _body, _r = request("GET", project.group(1), SECURE)
        check(status == 200, f"{project.group(1)} renders")

    status, headers, pdf, _r = request("GET", "/fr/programme/programme.pdf", SECURE)
    check(status == 200 and pdf.startswith(b"%PDF") and "etag" in headers, "the programme's PDF is rendered")
    status, _headers, _body, _r = request(
        "GET", "/fr/programme/programme.pdf", {**SECURE, "If-None-Match": headers.get("etag", "")}
    )
    check(status == 304, "a browser with the current PDF gets 304")

    mail_delivered(mail_server)
    admin_sign_in()
    redis = redis_outage(redis)
    database_outage(proxy)
    return redis


def form_open(path: str) -> tuple[dict, str] | None:
    """GET the page of a form as a browser would: return the headers its POST needs (CSRF cookie) and the token."""
    _status, headers, body, _r = request("GET", path, SECURE)
    cookie = re.search(r"csrftoken=(\w+)", headers.get("set-cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', body.decode())
    if not (cookie and token):
        return None
    form = {
        "Cookie": f"csrftoken={cookie.group(1)}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "https://127.0.0.1",
        "Referer": f"https://127.0.0.1{path}",
        **SECURE,
    }
    return form, token.group(1)


def mail_delivered(mail_server: MailServer) -> None:
    """Submit a petition: its agent's acknowledgement is sent by the background worker, not by the request."""
    opened = form_open("/fr/petitions/new/")
    if opened is None:
        check(False, "the petition form sets a CSRF cookie and token")
        return
    form, token = opened
    fields = {
        "csrfmiddlewaretoken": token,
        "kind": "citizens",
        "title": "Éclairage public du quartier Al Amal",
        "request": "Inscrire à l'ordre du jour l'éclairage public du quartier Al Amal.",
        "reasons": "Le quartier est sans éclairage la nuit, ce qui menace la sécurité des habitants.",
        "domain": "lighting",
        "agent_name": "Fatima Zahra",
        "citizens_eligible": "on",
        "contact_email": "smoke-agent@example.ma",
        "within_limits": "on",
        "consent": "on",
    }
    started = time.monotonic()
    status, _headers, _body, _r = request("POST", "/fr/petitions/new/", form, urllib.parse.urlencode(fields).encode())
    seconds = time.monotonic() - started
    check(status == 302, f"a petition is submitted ({status})")
    check(seconds < SMTP_GREETING_DELAY, f"the page does not wait for the mail server ({seconds:.1f} s)")
    wait_until(lambda: mail_server.messages, 90, "the background worker delivers the acknowledgement")
    if mail_server.messages:
        message = mail_server.messages[0]
        check("To: smoke-agent@example.ma" in message, "the acknowledgement goes to the petition's agent")
        check(mail_server.refused == 1, "the attempt the mail server refused was made again, and delivered")


def admin_sign_in() -> None:
    status, _headers, body, _r = request("GET", "/fr/admin/login/", SECURE)
    check(status == 200 and 'name="password"' in body.decode(), "the admin's sign-in page renders")
    opened = form_open("/fr/admin/login/")
    if opened is None:
        check(False, "the sign-in page sets a CSRF cookie and token")
        return
    form, token = opened
    body = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong".encode()
    statuses = [request("POST", "/fr/admin/login/", form, body)[0] for _ in range(6)]
    check(statuses[0] == 200, f"a wrong password is refused with the form again ({statuses[0]})")
    check(statuses[-1] == 429, f"repeated failures lock the sign-in out ({statuses})")


def redis_outage(redis: subprocess.Popen) -> subprocess.Popen:
    redis.terminate()
    redis.wait(10)
    status, body = health()
    check(status == 503 and body["cache"] == "unavailable", f"/healthz reports Redis down ({status} {body})")
    status, _headers, _body, _r = request("GET", "/fr/programme/calendar/", SECURE)
    check(status == 200, "pages still render from the database while Redis is down")
    # A form with its CSRF token (the POST budget counts only what the CSRF check accepts), which needs the cache.
    opened = form_open("/fr/petitions/new/")
    form, token = opened or ({**SECURE}, "")
    status, headers, body, _r = request("POST", "/fr/petitions/new/", form, f"csrfmiddlewaretoken={token}".encode())
    check(
        status == 503 and headers.get("retry-after") == "30",
        f"a form sent while Redis is down gets the 503 page ({status})",
    )
    redis = redis_start()
    wait_until(lambda: health()[0] == 200, 30, "the portal recovers from Redis without a restart")
    check(health()[0] == 200, "after Redis is back, /healthz is ok again")
    return redis


def database_outage(proxy: Proxy) -> None:
    proxy.stop()
    status, body = health()
    check(status == 503 and body["database"] == "unavailable", f"/healthz reports the database down ({status})")
    status, headers, body, _r = request("GET", "/ar/programme/committee/?page=1", SECURE)
    check(
        status == 503 and headers.get("retry-after") == "30" and 'lang="ar"' in body.decode(),
        f"a page that needs the database gets the translated 503 page ({status})",
    )
    proxy.start()
    wait_until(lambda: health()[0] == 200, 30, "the portal recovers from the database without a restart")
    status, _headers, _body, _r = request("GET", "/ar/programme/committee/?page=1", SECURE)
    check(status == 200, "after the database is back, pages render again")


def redis_start() -> subprocess.Popen:
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1):
            return redis
        time.sleep(0.2)
    raise SystemExit("redis-server did not start")


def main() -> None:
    admin = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    proxy = Proxy(PROXY_PORT, 5432)
    proxy.start()
    redis = redis_start()
    mail_server = MailServer(SMTP_PORT)
    environment = {
        **os.environ,
        "PORT": str(PORT),
        "DJANGO_SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PROXY_PORT}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "OPENMUN_VAR_DIR": str(ROOT / "var" / "smoke"),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(SMTP_PORT),
        "DJANGO_EMAIL_USE_TLS": "false",
        "OPENMUN_MAIL_RETRY_DELAYS": "2",
    }
    server = subprocess.Popen([str(ROOT / "scripts" / "serve-prod")], cwd=ROOT, env=environment, start_new_session=True)
    try:
        if wait_until(lambda: health()[0] == 200, 300, "gunicorn starts with production settings"):
            redis = checks(proxy, redis, mail_server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        redis.terminate()
        redis.wait(10)
        proxy.stop()
        mail_server.stop()
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if failures:
        print(f"\n{len(failures)} check(s) failed: {failures}")
        sys.exit(1)
    print("\nThe production smoke test passed.")


if __name__ == "__main__":
    main()
