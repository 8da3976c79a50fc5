"""The admin's list columns in the public site's formats: dirhams, Moroccan dates, excerpts, translated statuses."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Comment
from moderation.models import Moderated
from openmun import admin_columns as columns
from programme.models import Project
from tests.factories import programme_build
from tests.months import MOROCCAN_MONTHS

LONG_TEXT = "نقترح أن تشمل أشغال التهيئة كذلك الأزقة الداخلية لحي الأمل " * 4


def test_an_excerpt_is_one_line_of_at_most_80_characters_cut_with_an_ellipsis():
    text = columns.excerpt(LONG_TEXT + "\n\nسطر ثان")
    assert len(text) <= 80 and text.endswith("…") and "\n" not in text
    assert columns.excerpt("نص قصير") == "نص قصير"
    assert columns.excerpt("") == columns.excerpt(None) == "-"


@pytest.mark.parametrize(("language", "unit"), [("ar", "درهم"), ("fr", "DH")])
def test_an_amount_reads_as_on_the_public_pages(language, unit):
    with translation.override(language):
        html = str(columns.amount(Decimal("40000")))
    assert '<bdi dir="ltr">40\xa0000,00</bdi>' in html and html.endswith(f"\xa0{unit}</span>")
    assert columns.amount(None) == "-"


def test_dates_and_periods_use_the_moroccan_months():
    with translation.override("ar"):
        day = str(columns.day(datetime.date(2024, 8, 31)))
        period = str(columns.period(datetime.date(2024, 5, 1), None))
    assert day == '<time datetime="2024-08-31">31 غشت 2024</time>'
    assert "1 ماي 2024" in period and "…" in period
    assert columns.day(None) == columns.period(None, None) == "-"


@pytest.mark.django_db
def test_the_projects_list_shows_dirhams_periods_and_translated_statuses(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    with translation.override("ar"):
        html = admin_client.get(reverse("admin:programme_project_changelist")).content.decode()
    assert "40000,00" not in html
    assert '<bdi dir="ltr">40\xa0000,00</bdi>\xa0درهم' in html
    assert f"{project.start_date.day} {MOROCCAN_MONTHS[project.start_date.month - 1]}" in html
    assert "مبرمج" in html  # the status "planned", translated
    assert "column-schedule" in html and "column-start_date" not in html


@pytest.mark.django_db
def test_the_comments_list_shows_an_excerpt_the_status_and_the_moroccan_date(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    created = timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 0))
    Comment.objects.create(project=project, text=LONG_TEXT, status=Moderated.Status.PENDING, created_at=created)
    with translation.override("ar"):
        response = admin_client.get(reverse("admin:consultations_comment_changelist"))
    html = response.content.decode()
    assert LONG_TEXT not in html and columns.excerpt(LONG_TEXT) in html
    assert "في انتظار الإشراف" in html
    assert '<time datetime="2026-05-04T10:00:00+01:00">4 ماي 2026</time>' in html
    for column in ("excerpt", "project_number", "status", "report_count", "created"):
        assert f"column-{column}" in html, column


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "consultations_round",
        "consultations_contribution",
        "petitions_petition",
        "petitions_councilsession",
        "budgets_cycle",
        "budgets_proposal",
        "budgets_ballot",
    ],
)
def test_every_portal_change_list_opens_in_arabic(admin_client, name):
    programme_build()
    with translation.override("ar"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
