from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class ProgrammeConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "programme"
    verbose_name = _("Open programme")
    # What the printed documents show: a vote or a petition support must not re-render PDFs.
    printed_models = frozenset(
        {
            "commune",
            "programme",
            "objective",
            "principle",
            "methodstep",
            "milestone",
            "committeemember",
            "committeemeeting",
            "axis",
            "partner",
            "project",
            "activity",
            "projectupdate",
            "printsettings",
        }
    )
    # Rendered by the background worker after a change to printed_models, before a visitor asks (openmun/tasks.py).
    printed_documents = ("programme.pdf.programme_pdf_get",)
    fixtures = ("programme.json",)

    def ready(self) -> None:
        from following.registry import TargetKind, target_kind_register
        from moderation.forms import commune_names_register
        from programme.selectors import commune_names, project_followed

        # No citizen's name on a public form may be the commune's own.
        commune_names_register(commune_names)
        # A project's page can be followed by e-mail: its progress updates, the activities done, the commune's
        # replies to comments and the council sessions whose agenda it is on.
        target_kind_register(
            TargetKind(
                name="project",
                resolve=project_followed,
                events={
                    "progress": _("A progress update of the project “%(title)s” has been published."),
                    "activity_done": _("An activity of the project “%(title)s” has been done."),
                    # Announced by consultations (the commune's replies to comments) and petitions (the agenda).
                    "reply": _("The commune has replied to comments on the project “%(title)s”."),
                    "agenda": _("The project “%(title)s” has been put on the agenda of a council session."),
                },
            )
        )
