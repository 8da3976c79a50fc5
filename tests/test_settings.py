"""Production settings: refuse to start without a secret, and pass check --deploy."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-variety-0123456789",
    "DJANGO_ALLOWED_HOSTS": "openmun.example.ma",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_postgresql_is_configured_from_database_url():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://openmun:pw@db.example:5432/openmun"}
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'])"
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.split()[-2:] == ["django.db.backends.postgresql", "db.example"], result.stderr


def test_redis_is_the_cache_when_redis_url_is_set():
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/3"}
    result = manage(
        "shell", "-c", "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])", env=env
    )
    assert result.stdout.split()[-1] == "django_redis.cache.RedisCache", result.stderr


def test_security_headers(client):
    response = client.get("/robots.txt")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_healthz_is_never_redirected_to_https(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/ar/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_uploads_go_to_s3_compatible_storage_when_asked(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "OPENMUN_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "beni-mellal-uploads",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.ma",
    }
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'])"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.split()[-3:] == [
        "storages.backends.s3.S3Storage",
        "beni-mellal-uploads",
        "https://s3.example.ma",
    ], result.stderr
    result = manage("check", env={**PRODUCTION_ENV, "OPENMUN_STORAGE": "ftp"})
    assert result.returncode != 0 and "OPENMUN_STORAGE must be filesystem or s3" in result.stderr


def test_production_logs_are_json_lines():
    code = "import logging; logging.getLogger('openmun').warning('Sent to amina@example.ma')"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["message"] == "Sent to [e-mail removed]"
