"""Supports and votes per second, with exact counts (make bench).

Runs every scenario that the modules of bench/actions/ register (SCENARIOS), each COUNT times in a row through
the apps' own services, on the scratch database, and checks that the portal counted exactly what was done. Each
confirmation e-mail is queued for the background worker, as in production (none runs here: they stay queued).
A scenario whose app or factories are missing is reported as skipped. Prints one JSON object per line.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = 200


def scenarios_run(count: int):
    """Run every scenario of bench/actions/ count times; yield one result per scenario (Django is set up)."""
    from bench import actions

    for module_info in pkgutil.iter_modules(actions.__path__):
        try:
            module = importlib.import_module(f"bench.actions.{module_info.name}")
            scenarios = module.SCENARIOS
        except ImportError as error:
            yield {"scenario": module_info.name, "skipped": f"not installed ({error.name})"}
            continue
        for name, scenario in scenarios.items():
            started = time.perf_counter()
            try:
                result = scenario(count)
            except ImportError as error:
                yield {"scenario": name, "skipped": f"not installed ({error.name})"}
                continue
            seconds = time.perf_counter() - started
            yield {
                "scenario": name,
                "done": result["done"],
                "counted": result["counted"],
                "exact": result["done"] == result["counted"],
                "per_second": result["done"] / seconds,
            }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmun.settings")
    import django

    django.setup()
    from django.conf import settings

    # Confirmation e-mails stay in memory: the figure is the portal's work, not an SMTP server's.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for row in scenarios_run(COUNT):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
