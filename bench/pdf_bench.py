"""Time the printed documents and measure their memory, in Arabic and in French (make bench).

The documents: the programme, and the report of the council's next ordinary session (the period since the
previous one). Each document and language runs in a fresh process, so that its peak memory (ru_maxrss) is its own:
- cold: the first render in the process (fonts loaded, WeasyPrint's caches empty), through the cached
  getter with an empty cache, as the first download after a change does;
- warm: a second render in the same process, the cache emptied again;
- cached: a download served from the cache, which renders nothing.
The database must hold the programme (make bench loads fixtures/programme.json into a scratch SQLite file). The
report needs the council's sessions: they are generated for this year and the next inside a transaction that is
rolled back, so the database is left as it was.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ar", "fr")
DOCUMENTS = ("programme", "report")


def maxrss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(document: str, language: str) -> dict:
    """Render a document in one language in this process and return the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmun.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    import weasyprint  # imported before the baseline: its import is not the render's cost
    from django.db import transaction
    from django.utils import timezone

    from petitions.models import CouncilSession
    from petitions.reports import session_report_get
    from petitions.services import council_sessions_generate
    from programme import pdf
    from programme.models import Programme, Project

    if not Programme.objects.exists():
        raise SystemExit("The database holds no programme: load fixtures/programme.json first (make bench).")
    with transaction.atomic():
        if document == "report":
            today = timezone.localdate()
            for year in (today.year, today.year + 1):
                council_sessions_generate(year=year)
            session = CouncilSession.objects.ordinary().upcoming(today).first()

            def get():
                return session_report_get(session, language=language)

        else:

            def get():
                return pdf.programme_pdf_get(language=language)

        figures = timed(get, document=document, language=language)
        figures["projects"] = Project.objects.count()
        transaction.set_rollback(True)
    figures["weasyprint"] = weasyprint.__version__
    return figures


def timed(get, **figures) -> dict:
    """Return the cold, warm and cached times of get() and the peak memory after each render."""
    from django.core.cache import cache

    figures["baseline_mb"] = maxrss_mb()
    cache.clear()
    started = time.perf_counter()
    document = get()
    figures["cold_s"] = time.perf_counter() - started
    figures["cold_peak_mb"] = maxrss_mb()

    cache.clear()
    started = time.perf_counter()
    get()
    figures["warm_s"] = time.perf_counter() - started
    figures["warm_peak_mb"] = maxrss_mb()

    started = time.perf_counter()
    get()
    figures["cached_s"] = time.perf_counter() - started

    figures["bytes"] = len(document.content)
    figures["pages"] = pages_of(document.content)
    return figures


def pages_of(content: bytes) -> int | None:
    """Return the page count from pdfinfo, or None when poppler-utils is missing."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in info.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    rows = []
    for document in DOCUMENTS:
        for language in LANGUAGES:
            child = subprocess.run(
                [sys.executable, __file__, "--measure", document, language], cwd=ROOT, capture_output=True, text=True
            )
            if child.returncode != 0:
                sys.stderr.write(child.stderr)
                raise SystemExit(child.returncode)
            rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    if "--json" in sys.argv:
        # For bench/run.py's table.
        for row in rows:
            print(json.dumps(row))
        return
    print(
        f"Printed documents, {rows[0]['projects']} projects, {os.cpu_count()} CPUs, WeasyPrint {rows[0]['weasyprint']}"
    )
    print(
        f"{'document':<11}{'lang':<5}{'pages':>6}{'size':>9}{'cold':>9}{'warm':>9}{'cached':>10}"
        f"{'baseline':>11}{'peak cold':>11}{'peak warm':>11}"
    )
    for row in rows:
        print(
            f"{row['document']:<11}{row['language']:<5}{row['pages'] or '?':>6}{row['bytes'] / 1024:>7.0f}kB"
            f"{row['cold_s']:>8.2f}s{row['warm_s']:>8.2f}s{row['cached_s'] * 1000:>8.1f}ms"
            f"{row['baseline_mb']:>9.0f}MB{row['cold_peak_mb']:>9.0f}MB{row['warm_peak_mb']:>9.0f}MB"
        )
    print("cold: first render in a fresh process; warm: second render; cached: download from the cache.")
    print("Peak memory is the process's ru_maxrss (baseline: Django and WeasyPrint loaded, before rendering).")
    print("report: the council's next ordinary session, from the period since the previous one.")


if __name__ == "__main__":
    main()
