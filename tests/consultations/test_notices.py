"""The authors of contributions and comments hear, by e-mail and in their language, what the commune did with them."""

import pytest
from django.utils import translation

from consultations import services
from consultations.models import Comment, Contribution
from moderation import services as moderation_services
from moderation.models import Moderated
from tests.consultations.factories import CommentFactory, ContributionFactory
from tests.test_tasks import RefusingBackend

pytestmark = pytest.mark.django_db

SITE = "https://openmun.example.ma"
PUBLISHED = Moderated.Status.PUBLISHED
HIDDEN = Moderated.Status.HIDDEN


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_one_notice(mailoutbox, to: str, *, contains: list[str], never: list[str] = ()):
    """Check that exactly one message went, to to, with its text and its HTML, both carrying what it says."""
    assert [message.to for message in mailoutbox] == [[to]]
    [message] = mailoutbox
    html = html_of(message)
    for part in contains:
        assert part in message.body and part in html, part
    for part in never:
        assert part not in message.body and part not in html and part not in message.subject, part
    return message


@pytest.fixture
def project(programme):
    return programme.projects.get(number=1)


def test_the_language_of_the_page_is_kept_with_a_comment_and_a_contribution(client, project, consultation_round):
    client.post(
        f"/fr/consultations/projects/{project.slug}/comments/",
        {"text": "Quand commence la plantation ?", "email": "a@example.ma", "consent": "on"},
    )
    assert Comment.objects.get().language == "fr"
    with translation.override("ar"):
        services.contribution_submit(consultation_round=consultation_round, text="غرس الأشجار في كل الأحياء")
    assert Contribution.objects.get().language == "ar"


def test_a_published_comment_is_told_in_arabic_without_quoting_it(
    project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        project=project, status=Moderated.Status.PENDING, language="ar", email="youssef@example.ma"
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.item_moderate(item=comment, decision=PUBLISHED, acting_user=moderator, site_url=SITE)
    message = assert_one_notice(
        mailoutbox,
        "youssef@example.ma",
        contains=[
            "نحيطكم علما",
            project.title_ar,
            f"{SITE}/ar/programme/projects/{project.slug}/#comment-{comment.pk}",
            "جماعة تجريبية",
        ],
        # Nobody confirmed the address: no text a visitor typed, not even the name.
        never=[comment.text, comment.display_name],
    )
    assert message.subject == "تم نشر تعليقكم"
    assert 'lang="ar" dir="rtl"' in html_of(message)


def test_a_hidden_contribution_is_told_in_french_with_the_reason(
    consultation_round, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory(round=consultation_round, language="fr", email="said@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.item_moderate(
            item=contribution,
            decision=HIDDEN,
            reason="Propos injurieux envers un tiers.",
            acting_user=moderator,
            site_url=SITE,
        )
    message = assert_one_notice(
        mailoutbox,
        "said@example.ma",
        contains=[
            "Nous vous informons",
            "Propos injurieux envers un tiers.",
            f"n° {contribution.pk}",
            consultation_round.title_fr,
            f"{SITE}/fr/consultations/{consultation_round.slug}/",
            "essai",  # signed by the commune
        ],
        never=[contribution.text, contribution.display_name],
    )
    assert message.subject == "Votre contribution a été masquée"


def test_each_author_of_a_bulk_decision_gets_one_message_and_a_decision_that_changes_nothing_none(
    project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    first = CommentFactory(project=project, status=Moderated.Status.PENDING, language="ar", email="one@example.ma")
    second = CommentFactory(project=project, status=Moderated.Status.PENDING, language="fr", email="two@example.ma")
    silent = CommentFactory(project=project, status=Moderated.Status.PENDING, email="")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.items_moderate(
            items=[first, second, silent], decision=PUBLISHED, acting_user=moderator, site_url=SITE
        )
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("one@example.ma", "تم نشر تعليقكم"),
        ("two@example.ma", "Votre commentaire est publié"),
    ]
    # Published again after visitors' reports: the author already knows.
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.item_moderate(item=first, decision=PUBLISHED, acting_user=moderator, site_url=SITE)
    assert len(mailoutbox) == 2


def test_an_official_reply_is_sent_to_the_comments_author_in_their_language(
    project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(project=project, language="fr", email="amal@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_reply(
            comment=comment,
            texts={"ar": "تبدأ الأشغال في الربيع.", "fr": "Les travaux commencent au printemps."},
            acting_user=moderator,
            site_url=SITE,
        )
    message = assert_one_notice(
        mailoutbox,
        "amal@example.ma",
        contains=[
            "Les travaux commencent au printemps.",
            f"{SITE}/fr/programme/projects/{project.slug}/#comment-{reply.pk}",
        ],
        never=["تبدأ الأشغال", comment.text],
    )
    assert message.subject == "La commune a répondu à votre commentaire"
    # Correcting the reply sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_update(reply=reply, texts={"fr": "Au printemps 2027."}, acting_user=moderator)
    assert len(mailoutbox) == 1


def test_a_reply_given_in_the_other_language_is_quoted_marked_with_it(
    project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(project=project, language="fr", email="amal@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply(comment=comment, texts={"ar": "في الربيع."}, acting_user=moderator, site_url=SITE)
    assert '<blockquote lang="ar" dir="rtl"' in html_of(mailoutbox[0])


def test_an_outcome_is_told_once_with_the_project_and_the_answer(
    consultation_round, project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory(round=consultation_round, language="ar", email="fatima@example.ma")
    answer = {"outcome": Contribution.Outcome.TAKEN, "outcome_project": project, "acting_user": moderator}
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_answer(
            contribution=contribution, answers={"ar": "أدرجت في نشاط الغرس."}, site_url=SITE, **answer
        )
    message = assert_one_notice(
        mailoutbox,
        "fatima@example.ma",
        contains=[
            "أدرجت في نشاط الغرس.",
            project.title_ar,
            "أدرجت في مشروع",
            f"{SITE}/ar/consultations/{consultation_round.slug}/results/#contribution-{contribution.pk}",
        ],
        never=[contribution.text],
    )
    assert message.subject == "أجابت الجماعة عن مساهمتكم"
    # Correcting the answer's text keeps the outcome: no second message.
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_answer(
            contribution=contribution, answers={"ar": "أدرجت في نشاط الغرس بالحي."}, site_url=SITE, **answer
        )
    assert len(mailoutbox) == 1


def test_a_failing_mail_server_leaves_the_decision_saved(
    settings, project, moderator, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.test_tasks.RefusingBackend"
    RefusingBackend.refusals = 1
    comment = CommentFactory(project=project, status=Moderated.Status.PENDING, email="youssef@example.ma")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moderation_services.item_moderate(item=comment, decision=PUBLISHED, acting_user=moderator, site_url=SITE)
    finally:
        RefusingBackend.refusals = 0
    comment.refresh_from_db()
    assert comment.status == PUBLISHED and mailoutbox == []
    # The failure is logged by what the message was, never by its address.
    assert f"the moderation notice of comment {comment.pk}" in caplog.text and "youssef@" not in caplog.text


def test_the_moderation_queue_passes_the_portals_address(
    admin_client, project, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OPENMUN_SITE_URL = SITE
    comment = CommentFactory(project=project, status=Moderated.Status.PENDING, language="fr", email="a@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/fr/consultations/moderation/", {"comments": [comment.pk], "decision": PUBLISHED, "reason": ""}
        )
    assert response.status_code == 302
    assert f"{SITE}/fr/programme/projects/{project.slug}/#comment-{comment.pk}" in mailoutbox[0].body


def test_no_address_no_message(project, moderator, mailoutbox, django_capture_on_commit_callbacks):
    comment = CommentFactory(project=project, status=Moderated.Status.PENDING, email="")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.item_moderate(item=comment, decision=HIDDEN, reason="Hors sujet.", acting_user=moderator)
    assert mailoutbox == []
