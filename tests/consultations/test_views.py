import datetime
import re
from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from consultations.models import Comment, Contribution
from moderation.models import Moderated
from tests.consultations.factories import CommentFactory, ContributionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [("ar", "rtl"), ("fr", "ltr")]
PAGES = [
    ("consultations:round-list", {}),
    ("consultations:round-detail", {"slug": "ideas"}),
    ("consultations:round-results", {"slug": "ideas"}),
    ("consultations:contribution-create", {"slug": "ideas"}),
    ("consultations:contribution-thanks", {"slug": "ideas"}),
]
HOSTILE = '<script>alert("x")</script>'


def url(name: str, kwargs: dict | None = None, language: str = "ar") -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or {})


def project_url(language: str = "ar", slug: str = "project-1") -> str:
    return url("programme:project-detail", {"slug": slug}, language)


def contribution_data(**overrides) -> dict:
    data = {
        "text": "نقترح إحداث مساحات خضراء قرب المدارس",
        "title": "",
        "axis": "",
        "project": "",
        "display_name": "فاطمة",
        "email": "fatima@example.ma",
        "consent": "on",
    }
    data.update(overrides)
    return data


def comment_data(**overrides) -> dict:
    data = {
        "text": "متى يبدأ هذا المشروع في حينا؟",
        "display_name": "يوسف",
        "email": "youssef@example.ma",
        "consent": "on",
    }
    data.update(overrides)
    return data


def grow(consultation_round, programme, factor: int) -> None:
    """Add published contributions, meetings and comments with replies, with every relation filled."""
    project = programme.projects.get(number=1)
    for index in range(factor):
        MeetingFactory(round=consultation_round, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index))
        target = ContributionFactory(round=consultation_round, axis=project.axis, project=project)
        ContributionFactory(
            round=consultation_round,
            outcome=Contribution.Outcome.TAKEN,
            outcome_project=project,
            answer_ar="أدرجت",
            answer_fr="Intégrée",
        )
        ContributionFactory(round=consultation_round, outcome=Contribution.Outcome.MERGED, merged_into=target)
        ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING)
        comment = CommentFactory(project=project)
        CommentFactory(project=project, parent=comment, is_official=True)
        CommentFactory(project=project, status=Moderated.Status.HIDDEN)


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_renders_in_both_languages(client, consultation_round, name, kwargs, language, direction):
    response = client.get(url(name, kwargs, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    assert "<script" not in html and " style=" not in html and "<style" not in html
    other = "fr" if language == "ar" else "ar"
    assert f'href="{url(name, kwargs, other)}" lang="{other}"' in html


@pytest.mark.parametrize(("name", "kwargs"), [*PAGES, ("programme:project-detail", {"slug": "project-1"})])
def test_query_count_does_not_grow_with_the_data(assert_queries_fixed, consultation_round, programme, name, kwargs):
    grow(consultation_round, programme, 1)
    # The project page: the programme's reads, the participation section's two queries, the count of followers.
    assert_queries_fixed(
        url(name, kwargs),
        grow=lambda: grow(consultation_round, programme, 12),
        limit=10 if name == "programme:project-detail" else 8,
    )


def test_the_list_shows_the_rounds_and_invites_to_the_open_one(client, consultation_round, closed_round):
    html = client.get(url("consultations:round-list", language="fr")).content.decode()
    assert consultation_round.title_fr in html and closed_round.title_fr in html
    assert html.count(url("consultations:contribution-create", {"slug": "ideas"}, "fr")) == 1
    assert "Proposez votre idée" in html
    assert "status--round-open" in html and "status--round-closed" in html


def test_a_round_page_states_unknown_counts_as_not_stated(client, closed_round):
    MeetingFactory(round=closed_round, participant_count=None, place_ar="", place_fr="")
    html = client.get(url("consultations:round-detail", {"slug": "closed"}, "fr")).content.decode()
    assert "non précisé" in html
    assert "Proposez votre idée" not in unescape(html)


def test_a_contribution_is_received_then_published_with_its_outcome(client, consultation_round, programme, moderator):
    response = client.post(url("consultations:contribution-create", {"slug": "ideas"}), contribution_data())
    assert response.status_code == 302
    assert response["Location"] == url("consultations:contribution-thanks", {"slug": "ideas"}) + "#main"
    html = client.get(response["Location"]).content.decode()
    assert "شكرا لكم: تم استلام مساهمتكم" in html
    assert "يطلع المشرف على كل مساهمة قبل نشرها." in html
    contribution = Contribution.objects.get()
    assert contribution.status == Moderated.Status.PENDING
    results = url("consultations:round-results", {"slug": "ideas"})
    assert contribution.text not in client.get(results).content.decode()

    from consultations import services
    from moderation import services as moderation_services

    moderation_services.item_moderate(item=contribution, decision=Moderated.Status.PUBLISHED, acting_user=moderator)
    project = programme.projects.get(number=1)
    services.contribution_answer(
        contribution=contribution,
        outcome=Contribution.Outcome.TAKEN,
        outcome_project=project,
        answers={"ar": "أدرجت في نشاط الغرس."},
        acting_user=moderator,
    )
    html = client.get(results).content.decode()
    assert contribution.text in html and "أدرجت في نشاط الغرس." in html
    assert f'href="{project.get_absolute_url()}"' in html
    # The project page shows the contribution that shaped it.
    html = client.get(project_url()).content.decode()
    assert "مساهمات المواطنات والمواطنين التي أسهمت في بلورة هذا المشروع" in html
    assert contribution.text in html


def test_bad_input_is_shown_again_with_translated_errors(client, consultation_round):
    data = contribution_data(text="قصير", title="عنوان محفوظ", consent="")
    response = client.post(url("consultations:contribution-create", {"slug": "ideas"}, "fr"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Veuillez corriger ce qui est signalé ci-dessous." in html
    assert "Cochez cette case pour envoyer votre texte." in html
    assert 'value="عنوان محفوظ"' in html and "قصير</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert not Contribution.objects.exists()


def test_a_duplicate_is_refused_with_a_message(client, consultation_round):
    target = url("consultations:contribution-create", {"slug": "ideas"})
    client.post(target, contribution_data())
    response = client.post(target, contribution_data(text="نقترح احداث مساحات خضراء قرب المدارس!"))
    assert response.status_code == 200
    assert "سبق إرسال النص نفسه هنا." in response.content.decode()
    assert Contribution.objects.count() == 1


def test_a_closed_round_shows_no_form_and_refuses_posts(client, closed_round):
    target = url("consultations:contribution-create", {"slug": "closed"}, "fr")
    html = client.get(target).content.decode()
    assert "n'accepte pas de contributions" in unescape(html) and "<textarea" not in html
    assert client.post(target, contribution_data()).status_code == 403
    assert not Contribution.objects.exists()


def test_the_honeypot_discards_silently(client, consultation_round):
    response = client.post(
        url("consultations:contribution-create", {"slug": "ideas"}), contribution_data(hp_check="http://spam.example")
    )
    assert response.status_code == 302
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("field", ["text", "title", "display_name"])
def test_html_is_refused_in_every_field(client, consultation_round, field):
    value = f"{HOSTILE} نص طويل بما يكفي"
    response = client.post(
        url("consultations:contribution-create", {"slug": "ideas"}, "fr"), contribution_data(**{field: value})
    )
    html = response.content.decode()
    assert "les balises HTML ne sont pas acceptées" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert not Contribution.objects.exists()


def test_homoglyph_spam_and_overlong_text_are_refused(client, consultation_round):
    target = url("consultations:contribution-create", {"slug": "ideas"}, "fr")
    html = client.post(target, contribution_data(text="Frее mоnеy for everyone here")).content.decode()
    assert "mélange des lettres de différents alphabets" in html
    html = client.post(target, contribution_data(text="أ" * 2001)).content.decode()
    assert "2000" in html and "2001" in html
    assert not Contribution.objects.exists()


def test_what_citizens_write_is_inert_everywhere(client, admin_client, consultation_round, programme):
    # Stored directly, as if it had slipped past the checks: the pages still escape it.
    hostile = '"><img src=x onerror=alert(1)> javascript:alert(1) https://evil.example'
    contribution = ContributionFactory(round=consultation_round, text=hostile, title=hostile, display_name=hostile)
    CommentFactory(project=programme.projects.get(number=1), text=hostile, display_name=hostile)
    CommentFactory(
        project=programme.projects.get(number=1), text="x" * 3, status=Moderated.Status.PENDING, display_name=hostile
    )
    pages = [
        url("consultations:round-results", {"slug": "ideas"}),
        project_url(),
        url("consultations:moderation-queue"),
    ]
    admin_pages = [
        reverse("admin:consultations_contribution_changelist"),
        reverse("admin:consultations_contribution_change", args=[contribution.pk]),
        reverse("admin:consultations_comment_changelist"),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert "<img src=x" not in html
    for page in [*pages, *admin_pages]:
        html = admin_client.get(page).content.decode()
        assert "<img src=x" not in html, page
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, page
        # Links in citizens' text stay text.
        assert 'href="https://evil.example' not in html and 'href="javascript:' not in html


def test_email_addresses_never_reach_public_pages(client, consultation_round, programme):
    ContributionFactory(
        round=consultation_round,
        email="secret-contributor@example.ma",
        outcome=Contribution.Outcome.TAKEN,
        outcome_project=programme.projects.get(number=1),
    )
    CommentFactory(project=programme.projects.get(number=1), email="secret-commenter@example.ma")
    for language in ("ar", "fr"):
        for page in [
            url("consultations:round-list", language=language),
            url("consultations:round-detail", {"slug": "ideas"}, language),
            url("consultations:round-results", {"slug": "ideas"}, language),
            project_url(language),
        ]:
            assert "secret-" not in client.get(page).content.decode()


def test_email_addresses_are_never_logged(client, consultation_round, caplog):
    with caplog.at_level("DEBUG"):
        client.post(
            url("consultations:contribution-create", {"slug": "ideas"}),
            contribution_data(text="<b>x</b> نص مرفوض", email="logged@example.ma"),
        )
        client.post(
            url("consultations:contribution-create", {"slug": "ideas"}), contribution_data(email="logged@example.ma")
        )
    assert "logged@example.ma" not in caplog.text


@override_settings(OPENMUN_RATE_LIMIT=(2, 600))
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_too_many_posts_get_a_translated_429(client, consultation_round, language):
    target = url("consultations:contribution-create", {"slug": "ideas"}, language)
    for index in range(2):
        client.post(target, contribution_data(text=f"فكرة رقم {index} لتحسين الحي"))
    response = client.post(target, contribution_data(text="فكرة ثالثة لتحسين الحي"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert {"ar": "طلبات كثيرة جدا", "fr": "Trop de requêtes"}[language] in html
    assert Contribution.objects.count() == 2
    # Reading the pages is not limited.
    assert client.get(target).status_code == 200


def test_forms_need_the_csrf_token(consultation_round, programme):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(url("consultations:contribution-create", {"slug": "ideas"}), contribution_data()).status_code == 403
    )
    assert client.post(url("consultations:comment-create", {"slug": "project-1"}), comment_data()).status_code == 403
    html = client.get(project_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "شكرا لكم. سيظهر تعليقكم بعد اطلاع المشرف عليه."),
        ("fr", "Merci. Votre commentaire apparaîtra dès qu'un modérateur l'aura lu."),
    ],
)
def test_commenting_on_a_project(client, programme, language, message):
    response = client.post(url("consultations:comment-create", {"slug": "project-1"}, language), comment_data())
    assert response.status_code == 302
    assert response["Location"] == project_url(language) + "#comments"
    comment = Comment.objects.get()
    assert comment.status == Moderated.Status.PENDING
    html = unescape(client.get(response["Location"]).content.decode())
    assert message in html
    assert comment.text not in html


def test_a_bad_comment_shows_the_project_page_again_with_the_errors(client, programme):
    response = client.post(
        url("consultations:comment-create", {"slug": "project-1"}, "fr"),
        comment_data(text=HOSTILE, display_name="Youssef B."),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="project-title">{programme.projects.get(number=1).title_fr}</h1>' in html
    assert "les balises HTML ne sont pas acceptées" in html
    assert 'value="Youssef B."' in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>" in html
    assert not Comment.objects.exists()


def test_comments_and_official_replies_on_the_project_page(client, programme):
    project = programme.projects.get(number=1)
    comment = CommentFactory(project=project, text="سؤال عن موعد الغرس")
    CommentFactory(project=project, parent=comment, is_official=True, text="في الخريف", display_name="")
    CommentFactory(project=project, text="تعليق محجوب", status=Moderated.Status.HIDDEN)
    CommentFactory(project=project, text="تعليق في الانتظار", status=Moderated.Status.PENDING)
    CommentFactory(project=programme.projects.get(number=2), text="تعليق على مشروع آخر")
    html = client.get(project_url("fr")).content.decode()
    assert "سؤال عن موعد الغرس" in html and "في الخريف" in html
    assert "Réponse officielle de la commune" in html
    for hidden in ("تعليق محجوب", "تعليق في الانتظار", "تعليق على مشروع آخر"):
        assert hidden not in html
    assert html.index("سؤال عن موعد الغرس") < html.index("في الخريف")
    # Visitors see no reply form; staff who may reply do.
    assert "Répondre au nom de la commune" not in html


def test_staff_reply_from_the_project_page(client, programme, moderator):
    comment = CommentFactory(project=programme.projects.get(number=1))
    client.force_login(moderator)
    html = client.get(project_url("fr")).content.decode()
    assert "Répondre au nom de la commune" in html
    response = client.post(
        url("consultations:comment-reply", {"pk": comment.pk}, "fr"),
        {f"reply-{comment.pk}-text_fr": "Les plantations commencent en automne."},
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.is_official and reply.author == moderator
    assert "Les plantations commencent en automne." in client.get(project_url("fr")).content.decode()


def test_replying_is_for_staff_with_the_permission(client, programme, clerk):
    comment = CommentFactory(project=programme.projects.get(number=1))
    target = url("consultations:comment-reply", {"pk": comment.pk})
    assert client.post(target, {f"reply-{comment.pk}-text_ar": "رد"}).status_code == 302  # to the login page
    client.force_login(clerk)
    assert client.post(target, {f"reply-{comment.pk}-text_ar": "رد"}).status_code == 403
    assert not Comment.objects.filter(parent=comment).exists()


@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=2)
def test_reporting_a_comment_counts_once_per_visitor(client, programme):
    comment = CommentFactory(project=programme.projects.get(number=1))
    target = url("consultations:comment-report", {"pk": comment.pk}, "fr")
    response = client.post(target, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    client.post(target, REMOTE_ADDR="192.0.2.1")
    comment.refresh_from_db()
    assert comment.report_count == 1 and comment.status == Moderated.Status.PUBLISHED
    client.post(target, REMOTE_ADDR="192.0.2.2")
    comment.refresh_from_db()
    assert comment.report_count == 2 and comment.status == Moderated.Status.PENDING
    assert "Merci. Un modérateur va l'examiner." in unescape(client.get(project_url("fr")).content.decode())


def test_reporting_what_is_not_published_is_404(client, programme, consultation_round):
    pending = CommentFactory(project=programme.projects.get(number=1), status=Moderated.Status.PENDING)
    assert client.post(url("consultations:comment-report", {"pk": pending.pk})).status_code == 404
    contribution = ContributionFactory(round=consultation_round)
    response = client.post(url("consultations:contribution-report", {"pk": contribution.pk}))
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.report_count == 1


def test_the_moderation_queue_is_for_moderators(client, clerk, moderator):
    target = url("consultations:moderation-queue")
    assert client.get(target).status_code == 302
    client.force_login(clerk)
    assert client.get(target).status_code == 403
    client.force_login(moderator)
    assert client.get(target).status_code == 200


def test_the_moderation_queue_publishes_and_hides_in_bulk(client, moderator, programme, consultation_round):
    pending = ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING, text="فكرة جديدة للحي")
    reported = CommentFactory(project=programme.projects.get(number=1), report_count=1, text="تعليق مبلغ عنه")
    quiet = CommentFactory(project=programme.projects.get(number=1), text="تعليق منشور بلا إبلاغ")
    client.force_login(moderator)
    target = url("consultations:moderation-queue", language="fr")
    html = client.get(target).content.decode()
    assert "فكرة جديدة للحي" in html and "تعليق مبلغ عنه" in html and "تعليق منشور بلا إبلاغ" not in html
    assert pending.email not in html

    response = client.post(target, {"contributions": [pending.pk], "comments": [reported.pk], "decision": "hidden"})
    assert response.status_code == 200
    assert "Indiquez la raison pour laquelle vous les masquez." in response.content.decode()
    assert f'value="{pending.pk}" id="select-contribution-{pending.pk}" checked' in (response.content.decode())

    response = client.post(
        target,
        {"contributions": [pending.pk], "comments": [reported.pk], "decision": "hidden", "reason": "Propos injurieux"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    reported.refresh_from_db()
    assert pending.status == reported.status == Moderated.Status.HIDDEN
    assert reported.moderation_reason == "Propos injurieux" and reported.report_count == 0
    assert "2 éléments masqués." in client.get(target).content.decode()
    quiet.refresh_from_db()
    assert quiet.status == Moderated.Status.PUBLISHED


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_moderation_queue_renders_in_both_languages(client, moderator, consultation_round, language):
    ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING)
    client.force_login(moderator)
    html = client.get(url("consultations:moderation-queue", language=language)).content.decode()
    assert f'<html lang="{language}"' in html
    assert {"ar": "نشر العناصر المختارة", "fr": "Publier les éléments sélectionnés"}[language] in html


def test_results_charts_count_published_contributions(client, consultation_round, programme):
    axis = programme.axes.get(number=1)
    ContributionFactory(round=consultation_round, axis=axis, channel=Contribution.Channel.PAPER)
    ContributionFactory(round=consultation_round, axis=axis)
    ContributionFactory(round=consultation_round, outcome=Contribution.Outcome.OUT_OF_SCOPE)
    ContributionFactory(round=consultation_round, axis=axis, status=Moderated.Status.PENDING)
    html = client.get(url("consultations:round-results", {"slug": "ideas"}, "fr")).content.decode()
    axis_table = html[html.index('id="chart-axis-caption"') : html.index('id="chart-channel-caption"')]
    row = re.search(rf"Axe 1\xa0: {axis.title_fr}</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", axis_table, re.S)
    assert "2" in row.group(1) and "67" in row.group(2)
    assert '<rect class="bar__value" x="0" y="0" width="67" height="10"/>' in axis_table
    channel_table = html[html.index('id="chart-channel-caption"') : html.index('id="chart-outcome-caption"')]
    assert "formulaire papier" in channel_table
    assert "hors des compétences de la commune" in html


def test_results_are_paginated(client, consultation_round):
    for index in range(30):
        ContributionFactory(round=consultation_round, text=f"فكرة رقم {index:02d} لتحسين الحي")
    target = url("consultations:round-results", {"slug": "ideas"}, "fr")
    html = client.get(target).content.decode()
    assert "فكرة رقم 00" in html and "فكرة رقم 29" not in html and "Page 1 sur 2" in html
    assert "فكرة رقم 29" in client.get(target + "?page=2").content.decode()


def test_unknown_rounds_are_404(client, programme):
    assert client.get("/fr/consultations/nope/").status_code == 404
    assert client.get("/ar/consultations/nope/results/").status_code == 404


def test_consultation_pages_refuse_other_methods(client, consultation_round):
    assert client.post(url("consultations:round-list")).status_code == 405
    assert client.get(url("consultations:comment-create", {"slug": "project-1"})).status_code == 405


def test_the_header_links_to_citizen_participation(client, consultation_round):
    html = client.get(url("consultations:round-list", language="fr")).content.decode()
    assert f'<a href="{url("consultations:round-list", language="fr")}" aria-current="page">' in html


def test_the_moderation_queue_query_count_does_not_grow(
    assert_queries_fixed, client, moderator, consultation_round, programme
):
    client.force_login(moderator)
    target = url("consultations:moderation-queue")

    def add(count: int) -> None:
        for _ in range(count):
            ContributionFactory(
                round=consultation_round,
                status=Moderated.Status.PENDING,
                project=programme.projects.get(number=1),
                axis=programme.axes.get(number=1),
            )
            CommentFactory(project=programme.projects.get(number=2), status=Moderated.Status.PENDING)
            CommentFactory(project=programme.projects.get(number=3), report_count=2)

    add(1)
    assert_queries_fixed(target, grow=lambda: add(12), limit=12)


@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=1)
def test_cached_pages_follow_reports_and_the_purge(client, programme, consultation_round):
    from moderation import services as moderation_services

    comment = CommentFactory(project=programme.projects.get(number=1), text="تعليق سيبلغ عنه")
    ContributionFactory(
        round=consultation_round,
        display_name="اسم سيحذف",
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    results = url("consultations:round-results", {"slug": "ideas"})
    for _ in range(2):  # the second answer may come from the page cache
        assert "تعليق سيبلغ عنه" in client.get(project_url()).content.decode()
        assert "اسم سيحذف" in client.get(results).content.decode()
    moderation_services.item_report(item=comment)
    moderation_services.personal_data_purge(before=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC))
    assert "تعليق سيبلغ عنه" not in client.get(project_url()).content.decode()
    assert "اسم سيحذف" not in client.get(results).content.decode()


# Issue 13: open rounds first, result pages, limits stated before typing, the error summary first, sharing.


def test_open_rounds_come_first_then_upcoming_then_closed(client, programme):
    from tests.consultations.factories import RoundFactory, open_round

    today = datetime.date.today()
    RoundFactory(
        programme=programme,
        number=1,
        slug="closed-2023",
        opens_on=datetime.date(2023, 7, 19),
        closes_on=datetime.date(2023, 7, 30),
        title_fr="Série close",
    )
    RoundFactory(
        programme=programme,
        number=2,
        slug="later",
        opens_on=today + datetime.timedelta(days=40),
        closes_on=today + datetime.timedelta(days=60),
        title_fr="Série à venir",
    )
    open_round(programme, number=3, slug="now", title_fr="Série ouverte")
    html = client.get(url("consultations:round-list", language="fr")).content.decode()
    assert html.index("Série ouverte") < html.index("Série à venir") < html.index("Série close")


def test_a_round_without_contributions_says_so_instead_of_tables_of_zeros(client, consultation_round, closed_round):
    for slug, message in (
        ("ideas", "Aucune contribution à ce tour n'a encore été publiée sur ce portail."),
        ("closed", "Aucune contribution à ce tour n'a été publiée sur ce portail."),
    ):
        html = client.get(url("consultations:round-results", {"slug": slug}, "fr")).content.decode()
        assert message in unescape(html)
        assert "<table" not in html and 'id="charts-title"' not in html
    # The open round invites to contribute instead.
    html = client.get(url("consultations:round-results", {"slug": "ideas"}, "fr")).content.decode()
    assert url("consultations:contribution-create", {"slug": "ideas"}, "fr") in html
    ContributionFactory(round=consultation_round)
    html = client.get(url("consultations:round-results", {"slug": "ideas"}, "fr")).content.decode()
    assert 'id="charts-title"' in html and "<table" in html


@pytest.mark.parametrize(
    ("language", "limits"),
    [("ar", "ما بين 10 و2\xa0000 حرف."), ("fr", "Entre 10 et 2\xa0000 caractères.")],
)
def test_the_contribution_form_states_its_limits_before_typing(client, consultation_round, language, limits):
    html = client.get(url("consultations:contribution-create", {"slug": "ideas"}, language)).content.decode()
    assert f'<span class="field__limits">{limits}</span>' in html
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'maxlength="2000"' in textarea and 'aria-describedby="id_text_helptext"' in textarea


def test_the_comment_form_states_its_limit(client, programme):
    html = client.get(project_url("fr")).content.decode()
    textarea = re.search(r'<textarea name="text"[^>]*>', html).group(0)
    assert 'maxlength="1000"' in textarea and 'aria-describedby="id_text_helptext"' in textarea
    assert (
        '<div class="field__help" id="id_text_helptext"><span class="field__limits">Entre 2 et 1\xa0000 caractères.'
        in html
    )


def test_a_failed_contribution_opens_on_its_error_summary(client, consultation_round):
    form_url = url("consultations:contribution-create", {"slug": "ideas"}, "fr")
    assert f'action="{form_url}#errors"' in client.get(form_url).content.decode()
    response = client.post(form_url, contribution_data(text="court", consent=""))
    html = response.content.decode()
    assert response.status_code == 200 and not Contribution.objects.exists()
    summary = re.search(r'<div class="error-summary" id="errors" tabindex="-1" role="alert"', html)
    # The summary comes first in the form, before the first field.
    assert summary and summary.start() < html.index('<textarea name="text"')
    assert html.index(f'action="{form_url}#errors"') < summary.start()


@override_settings(OPENMUN_SITE_URL="https://openmun.example.ma")
def test_the_round_and_the_thanks_page_can_be_shared(client, consultation_round):
    page = "https%3A%2F%2Fopenmun.example.ma%2Ffr%2Fconsultations%2Fideas%2F"
    for name in ("consultations:round-detail", "consultations:contribution-thanks"):
        html = client.get(url(name, {"slug": "ideas"}, "fr")).content.decode()
        assert f'href="https://www.facebook.com/sharer/sharer.php?u={page}"' in html
        assert f'%0A{page}"' in html and 'href="https://wa.me/?text=' in html
        assert 'href="mailto:?subject=Participation%20citoyenne%20' in html and f"&amp;body={page}" in html
        assert "Partager sur WhatsApp" in html
    html = client.get(url("consultations:contribution-thanks", {"slug": "ideas"}, "ar")).content.decode()
    assert "ادعوا غيركم إلى المشاركة" in html and "المشاركة عبر واتساب" in html


def reply_block(html: str, reply_pk: int) -> str:
    start = html.index(f'id="comment-{reply_pk}"')
    return html[start : html.index("</div>", html.index('class="citizen-text"', start)) + len("</div>")]


@pytest.mark.parametrize(
    ("language", "shown", "direction"),
    [("ar", "يبدأ الغرس في الخريف.", "rtl"), ("fr", "Les plantations commencent en automne.", "ltr")],
)
def test_an_official_reply_shows_in_the_visitor_s_language(client, programme, language, shown, direction):
    comment = CommentFactory(project=programme.projects.get(number=1))
    reply = CommentFactory(
        project=comment.project,
        parent=comment,
        is_official=True,
        display_name="",
        text="يبدأ الغرس في الخريف.",
        official_text_ar="يبدأ الغرس في الخريف.",
        official_text_fr="Les plantations commencent en automne.",
    )
    block = reply_block(client.get(project_url(language)).content.decode(), reply.pk)
    assert f'lang="{language}" dir="{direction}">' in block
    assert shown in block
    other = "Les plantations" if language == "ar" else "يبدأ الغرس"
    assert other not in block
    assert 'class="comment__language"' not in block


@pytest.mark.parametrize(
    ("language", "note"),
    [("ar", None), ("fr", "La commune a donné cette réponse en arabe uniquement.")],
)
def test_a_reply_in_one_language_says_which(client, programme, language, note):
    comment = CommentFactory(project=programme.projects.get(number=1))
    reply = CommentFactory(
        project=comment.project,
        parent=comment,
        is_official=True,
        display_name="",
        text="في الربيع المقبل.",
        official_text_ar="في الربيع المقبل.",
    )
    block = reply_block(client.get(project_url(language)).content.decode(), reply.pk)
    assert 'lang="ar" dir="rtl"><p>في الربيع المقبل.</p>' in block
    if note:
        assert note in block
    else:
        assert 'class="comment__language"' not in block


def test_a_reply_in_french_only_on_the_arabic_page(client, programme):
    comment = CommentFactory(project=programme.projects.get(number=1))
    reply = CommentFactory(
        project=comment.project,
        parent=comment,
        is_official=True,
        display_name="",
        text="Au printemps prochain.",
        official_text_fr="Au printemps prochain.",
    )
    block = reply_block(client.get(project_url("ar")).content.decode(), reply.pk)
    assert 'lang="fr" dir="ltr"><p>Au printemps prochain.</p>' in block
    assert "قدمت الجماعة هذا الرد باللغة الفرنسية فقط." in block


def test_staff_reply_in_both_languages_from_the_project_page(client, programme, moderator):
    comment = CommentFactory(project=programme.projects.get(number=1))
    client.force_login(moderator)
    html = client.get(project_url("ar")).content.decode()
    assert f'name="reply-{comment.pk}-text_ar" rows="4" maxlength="1000" lang="ar" dir="rtl"' in html
    assert f'name="reply-{comment.pk}-text_fr" rows="4" maxlength="1000" lang="fr" dir="ltr"' in html
    target = url("consultations:comment-reply", {"pk": comment.pk})
    client.post(target, {f"reply-{comment.pk}-text_ar": "", f"reply-{comment.pk}-text_fr": ""})
    assert not Comment.objects.filter(parent=comment).exists()
    client.post(target, {f"reply-{comment.pk}-text_ar": "في الخريف.", f"reply-{comment.pk}-text_fr": "En automne."})
    reply = Comment.objects.get(parent=comment)
    assert reply.official_texts() == {"ar": "في الخريف.", "fr": "En automne."}
    client.logout()
    assert "En automne." in client.get(project_url("fr")).content.decode()
    assert "في الخريف." in client.get(project_url("ar")).content.decode()
