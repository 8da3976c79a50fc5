"""Supports and votes per second, with exact counts (make bench).

Runs every scenario that the modules of bench/actions/ register (SCENARIOS), each COUNT times in a row through
the apps' own services, on the scratch database, and checks that the portal counted exactly what was done.
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


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmun.settings")
    import django

    django.setup()
    from django.conf import settings

    # Confirmation e-mails stay in memory: the figure is the portal's work, not an SMTP server's.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from bench import actions

    for module_info in pkgutil.iter_modules(actions.__path__):
        try:
            module = importlib.import_module(f"bench.actions.{module_info.name}")
            scenarios = module.SCENARIOS
        except ImportError as error:
            print(json.dumps({"scenario": module_info.name, "skipped": f"not installed ({error.name})"}))
            continue
        for name, scenario in scenarios.items():
            started = time.perf_counter()
            try:
                result = scenario(COUNT)
            except ImportError as error:
                print(json.dumps({"scenario": name, "skipped": f"not installed ({error.name})"}))
                continue
            seconds = time.perf_counter() - started
            print(
                json.dumps(
                    {
                        "scenario": name,
                        "done": result["done"],
                        "counted": result["counted"],
                        "exact": result["done"] == result["counted"],
                        "per_second": result["done"] / seconds,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
