"""Rebuild the search index from the public objects of every app (after fixture loading or bulk imports)."""

from django.core.management import BaseCommand

from transparency.index import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every app's public objects."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="Rebuild only these kinds (default: all).")

    def handle(self, *args, kinds, **options):
        counts = search_index_rebuild(kinds or None)
        summary = ", ".join(f"{kind}: {count}" for kind, count in counts.items())
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt ({summary or 'nothing registered'})."))
