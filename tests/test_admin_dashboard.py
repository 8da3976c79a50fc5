"""The admin's index: what needs doing today, in Arabic and French, for each staff group, in fixed queries."""

import datetime
import itertools
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from budgets.models import Phase
from consultations.models import Contribution
from moderation.models import Moderated
from moderation.selectors import moderated_models
from openmun import dashboard
from petitions.models import Petition
from tests.budgets.factories import CycleFactory, ProposalFactory
from tests.consultations.factories import CommentFactory, ContributionFactory, RoundFactory
from tests.factories import programme_build
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
# A Tuesday.
TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=CASABLANCA)
PENDING = Moderated.Status.PENDING
SERIAL = itertools.count()
PUBLISHED = Moderated.Status.PUBLISHED


@pytest.fixture(autouse=True)
def on_a_tuesday():
    with time_machine.travel(NOW, tick=False):
        yield


def moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=CASABLANCA)


def failed_mail(finished: datetime.datetime, what: str = "the confirmation link of support 12") -> DBTaskResult:
    job = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": [], "kwargs": {"what": what, "attempt": 1}},
        task_path=dashboard.MAIL_TASK,
        queue_name="mail",
        backend_name="default",
        run_after=get_date_max(),
        finished_at=finished,
        exception_class_path="openmun.tasks.MailNotSent",
        traceback="MailNotSent: ConnectionRefusedError",
    )
    return job


def today_build(programme, *, scale: int = 1) -> None:
    """Something for every panel: items to moderate, deadlines, a round and a phase this week, a failed e-mail."""
    for _index in range(scale):
        suffix = next(SERIAL)
        open_round = RoundFactory(
            programme=programme,
            slug=f"open-{suffix}",
            title_ar="التشاور المفتوح",
            title_fr="Consultation ouverte",
            opens_on=datetime.date(2026, 3, 1),
            closes_on=TODAY.replace(day=13),
        )
        RoundFactory(
            programme=programme,
            slug=f"next-{suffix}",
            title_ar="التشاور المقبل",
            title_fr="Consultation à venir",
            opens_on=TODAY,
            closes_on=datetime.date(2026, 4, 10),
        )
        ContributionFactory(round=open_round, status=PENDING, created_at=moment(datetime.date(2026, 3, 6)))
        ContributionFactory(round=open_round, status=PENDING, created_at=moment(TODAY))
        ContributionFactory(round=open_round, status=PUBLISHED, report_count=2)
        CommentFactory(project=programme.projects.first(), status=PENDING, created_at=moment(TODAY, 8))
        PetitionFactory(status=PENDING, state=Petition.State.SUBMITTED, published_on=None)
        PetitionFactory(
            state=Petition.State.DEPOSITED, deposited_on=datetime.date(2025, 12, 20), title=f"إنارة {suffix}"
        )
        PetitionFactory(state=Petition.State.UNDER_REVIEW, deposited_on=datetime.date(2025, 12, 1))
        PetitionFactory(state=Petition.State.DEPOSITED, deposited_on=datetime.date(2026, 2, 1))
        cycle = CycleFactory(slug=f"cycle-{suffix}")
        Phase.objects.create(
            cycle=cycle, kind=Phase.Kind.VOTE, starts_on=datetime.date(2026, 3, 1), ends_on=TODAY.replace(day=12)
        )
        Phase.objects.create(
            cycle=cycle, kind=Phase.Kind.RESULTS, starts_on=TODAY.replace(day=13), ends_on=datetime.date(2026, 4, 30)
        )
        ProposalFactory(cycle=cycle, status=PENDING, created_at=moment(datetime.date(2026, 3, 9)))
        failed_mail(moment(datetime.date(2026, 3, 9), 16))


@pytest.fixture
def today_data(db):
    programme = programme_build()
    today_build(programme)
    return programme


def staff_in(*groups: str, username: str = "staff") -> User:
    user = User.objects.create_user(username, password="x-Strong-pass-1", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return User.objects.get(pk=user.pk)


def entry_texts(panel_html: str) -> list[str]:
    """Return each entry of a panel as its text, tags removed and spaces collapsed."""
    entries = re.findall(r'<li class="todo__entry[^"]*">(.*?)</li>', panel_html, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", entry)).strip()) for entry in entries]


def main_content(html: str) -> str:
    return html[html.index('<div id="content-main">') : html.index('<div id="content-related">')]


def panel(html: str, name: str) -> str:
    match = re.search(rf'<section class="[^"]*todo__panel--{name}".*?</section>', html, re.S)
    assert match, f"no panel {name}"
    return match.group(0)


@pytest.mark.parametrize(
    ("language", "direction", "title", "expected"),
    [
        (
            "ar",
            "rtl",
            "ما ينبغي القيام به اليوم",
            [
                "المساهمات في انتظار الإشراف",
                "أقدمها ينتظر منذ 4 أيام",
                "المساهمات المبلغ عنها من الزوار",
                "التعليقات في انتظار الإشراف",
                "أقدمها وصل اليوم",
                "العرائض في انتظار الإشراف",
                "المقترحات في انتظار الإشراف",
                "انقضى الأجل منذ 9 أيام",
                "بقيت 10 أيام",
                "التشاور الرقمي: الافتتاح اليوم",
                '<time datetime="2026-03-13">الجمعة 13 مارس</time>',
                "رسائل إلكترونية لم ترسل",
                "ما يمكن للموظفين تعديله",
            ],
        ),
        (
            "fr",
            "ltr",
            "À faire aujourd'hui",
            [
                "Contributions en attente de modération",
                "l'élément le plus ancien attend depuis 4 jours",
                "Contributions faisant l'objet de signalements",
                "Commentaires en attente de modération",
                "l'élément le plus ancien est arrivé aujourd'hui",
                "Pétitions en attente de modération",
                "Propositions en attente de modération",
                "délai dépassé depuis 9 jours",
                "10 jours restants",
                "Consultation numérique\xa0: ouverture aujourd'hui",
                '<time datetime="2026-03-13">vendredi 13 mars</time>',
                "Courriels non envoyés",
                "Ce que le personnel peut modifier",
            ],
        ),
    ],
)
def test_the_dashboard_says_what_needs_doing_today_in_each_language(
    admin_client, today_data, language, direction, title, expected
):
    response = admin_client.get(f"/{language}/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'dir="{direction}"' in html
    assert f"<h1>{escape(title)}</h1>" in html
    content = main_content(html)
    missing = [text for text in expected if text not in content and escape(text) not in content]
    assert missing == []
    # Panels in order, the app list kept below them.
    positions = [content.index(f"todo__panel--{name}") for name in ("moderation", "deadlines", "this-week", "jobs")]
    assert positions == sorted(positions)
    assert content.index("todo__panel--jobs") < content.index('class="app-consultations module')
    # Each entry links to the screen that does the work, in the page's language.
    assert f'href="/{language}/consultations/moderation/"' in panel(content, "moderation")
    assert f'href="/{language}/admin/petitions/petition/?status__exact=pending"' in panel(content, "moderation")
    assert f'href="/{language}/admin/budgets/proposal/?status__exact=pending"' in panel(content, "moderation")
    assert (
        f'href="/{language}/admin/openmun/backgroundjob/?status=FAILED&amp;kind=openmun.tasks.mail_send&amp;days=7"'
        in (panel(content, "jobs"))
    )
    # Overdue and late items say so in words, not only by colour.
    assert panel(content, "deadlines").count("todo__entry--urgent") == 1
    # The far deadline (1 May) is not listed.
    assert "2026-05-01" not in panel(content, "deadlines")


def test_the_counts_and_ages(admin_client, today_data):
    content = main_content(admin_client.get("/fr/admin/").content.decode())
    texts = entry_texts(panel(content, "moderation"))
    assert texts == [
        "Contributions en attente de modération 2 en retard l'élément le plus ancien attend depuis 4 jours",
        "Contributions faisant l'objet de signalements 1 2 signalements en tout ; toujours en ligne",
        "Commentaires en attente de modération 1 l'élément le plus ancien est arrivé aujourd'hui",
        "Pétitions en attente de modération 1 l'élément le plus ancien est arrivé aujourd'hui",
        "Propositions en attente de modération 1 l'élément le plus ancien attend depuis 1 jour",
    ]
    assert entry_texts(panel(content, "this-week")) == [
        "Consultation à venir Consultation numérique : ouverture aujourd'hui",
        "Budget participatif 2025 Vote : dernier jour le jeudi 12 mars",
        "Consultation ouverte Consultation numérique : dernier jour le vendredi 13 mars",
        "Budget participatif 2025 Résultats : ouverture le vendredi 13 mars",
    ]


def test_every_link_of_the_dashboard_opens_for_the_account_that_sees_it(admin_client, today_data):
    content = main_content(admin_client.get("/ar/admin/").content.decode())
    links = set(re.findall(r'<a class="todo__link" href="([^"]+)"', content))
    assert len(links) >= 8
    for link in links:
        assert admin_client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_every_moderated_model_is_on_the_dashboard(admin_user, db):
    programme_build()
    models = moderated_models()
    assert {model._meta.label_lower for model in models} == {
        "consultations.contribution",
        "consultations.comment",
        "petitions.petition",
        "budgets.proposal",
    }
    dashboard.dashboard_discover()
    names = {source.name for source in dashboard.sources.values()}
    assert {f"moderation:{model._meta.label_lower}" for model in models} <= names
    assert entry_labels(admin_user) == {"moderation": [], "deadlines": [], "this-week": [], "jobs": []}


def entry_labels(user) -> dict[str, list[str]]:
    with translation.override("fr"):
        return {
            shown.panel.name: [str(entry.label) for entry in shown.entries]
            for shown in dashboard.dashboard_panels(user)
        }


def test_each_staff_group_sees_only_what_its_permissions_allow(today_data):
    moderator = staff_in("moderators", username="moderator")
    officer = staff_in("petition officers", username="officer")
    budget_editor = staff_in("budget editors", username="budget")
    programme_editor = staff_in("programme editors", username="editor")

    seen = entry_labels(moderator)
    assert set(seen) == {"moderation", "this-week"}
    assert seen["moderation"] == [
        "Contributions en attente de modération",
        "Contributions faisant l'objet de signalements",
        "Commentaires en attente de modération",
        "Propositions en attente de modération",
    ]
    # The rounds (view_round), not the budget's phases (no view_phase).
    assert seen["this-week"] == ["Consultation à venir", "Consultation ouverte"]

    seen = entry_labels(officer)
    assert set(seen) == {"moderation", "deadlines"}
    assert seen["moderation"] == ["Pétitions en attente de modération"]
    assert len(seen["deadlines"]) == 2

    seen = entry_labels(budget_editor)
    assert set(seen) == {"moderation", "this-week"}
    assert seen["moderation"] == ["Propositions en attente de modération"]
    assert seen["this-week"] == ["Budget participatif 2025", "Budget participatif 2025"]

    # No group may view the background jobs: superusers only, unless given the permission.
    assert entry_labels(programme_editor) == {}
    programme_editor.user_permissions.add(Permission.objects.get(codename="view_backgroundjob"))
    assert entry_labels(User.objects.get(pk=programme_editor.pk)) == {"jobs": ["Courriels non envoyés"]}


def test_a_source_the_account_may_not_see_is_not_read(today_data, django_assert_num_queries):
    nobody = staff_in(username="nobody")
    # The account's permissions, by user and by group: nothing else.
    with django_assert_num_queries(2):
        assert dashboard.dashboard_panels(nobody) == []


def test_the_index_without_anything_to_see_and_the_header_links_by_permission(client, today_data):
    client.force_login(staff_in("programme editors", username="editor"))
    html = client.get("/fr/admin/").content.decode()
    assert "Rien ici pour votre compte" in html
    assert "staff-screens" not in html

    client.force_login(staff_in("moderators", username="moderator"))
    html = client.get("/ar/admin/").content.decode()
    nav = re.search(r'<nav class="staff-screens".*?</nav>', html, re.S).group(0)
    assert 'href="/ar/consultations/moderation/"' in nav and "petitions/deadlines" not in nav
    # On the other pages of the admin too.
    assert (
        'href="/ar/consultations/moderation/"' in client.get("/ar/admin/consultations/contribution/").content.decode()
    )

    client.force_login(staff_in("petition officers", username="officer"))
    nav = re.search(r'<nav class="staff-screens".*?</nav>', client.get("/fr/admin/").content.decode(), re.S).group(0)
    assert 'href="/fr/petitions/deadlines/"' in nav and "moderation" not in nav


def test_the_dashboard_costs_a_fixed_number_of_queries(client, admin_user, assert_queries_fixed):
    programme = programme_build()
    today_build(programme)
    client.force_login(admin_user)

    def grow():
        today_build(programme, scale=20)
        for day in range(1, 9):
            failed_mail(moment(TODAY - datetime.timedelta(days=day % 6)), what=f"message {day}")

    assert_queries_fixed("/ar/admin/", "/fr/admin/", grow=grow, limit=30)


def test_the_dashboard_follows_the_data_after_growing(admin_client, db):
    programme = programme_build()
    today_build(programme, scale=8)
    content = main_content(admin_client.get("/fr/admin/").content.decode())
    # Five petitions past or near their limit are listed, and the others counted on a link to the deadlines page.
    deadlines = panel(content, "deadlines")
    assert deadlines.count('class="todo__entry') == 6
    assert "11 autres pétitions sur la page des délais" in deadlines
    assert 'href="/fr/petitions/deadlines/"' in deadlines
    assert '<span class="todo__count"><bdi dir="ltr">16</bdi></span>' in panel(content, "moderation")


def test_failed_mail_of_the_week_only(db):
    user = User.objects.create_superuser("root", password="x-Strong-pass-1")
    today = dashboard.today_for(user)
    assert dashboard.failed_mail_entries(today) == []
    failed_mail(moment(datetime.date(2026, 3, 1)))  # more than seven days ago
    DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL,
        args_kwargs={"args": [], "kwargs": {"what": "a message", "attempt": 2}},
        task_path=dashboard.MAIL_TASK,
        queue_name="mail",
        backend_name="default",
        run_after=get_date_max(),
        finished_at=timezone.now(),
    )
    assert dashboard.failed_mail_entries(today) == []
    failed_mail(moment(datetime.date(2026, 3, 4)))
    failed_mail(moment(datetime.date(2026, 3, 9), 16))
    [entry] = dashboard.failed_mail_entries(today)
    assert entry.count == 2 and entry.urgent
    assert 'datetime="2026-03-09T16:00:00' in entry.detail


def test_the_jobs_list_keeps_the_failures_of_the_week(admin_client, db):
    failed_mail(moment(datetime.date(2026, 3, 1)), what="an old message")
    failed_mail(moment(datetime.date(2026, 3, 9)), what="a recent message")
    html = admin_client.get("/fr/admin/openmun/backgroundjob/?status=FAILED&kind=openmun.tasks.mail_send&days=7")
    html = html.content.decode()
    assert "a recent message" in html and "an old message" not in html


def test_the_moderation_lists_filter_the_reported_items(admin_client, today_data):
    html = admin_client.get("/fr/admin/consultations/contribution/?status__exact=published&reported=yes")
    rows = re.findall(r'<tr>\s*<td class="action-checkbox">', html.content.decode())
    assert len(rows) == Contribution.objects.filter(status=PUBLISHED, report_count__gt=0).count() == 1


@pytest.mark.parametrize(
    ("language", "published", "hidden"),
    [("ar", "تم نشر عنصرين.", "تم حجب عنصر واحد."), ("fr", "2 éléments publiés.", "1 élément masqué.")],
)
def test_the_moderation_actions_say_what_they_did(admin_client, today_data, language, published, hidden):
    pending = list(Contribution.objects.filter(status=PENDING))
    target = f"/{language}/admin/consultations/contribution/"
    response = admin_client.post(
        target, {"action": "publish_selected", "_selected_action": [item.pk for item in pending]}, follow=True
    )
    assert published in response.content.decode()
    response = admin_client.post(
        target,
        {"action": "hide_selected", "_selected_action": [pending[0].pk], "apply": "1", "reason": "Hors sujet"},
        follow=True,
    )
    assert hidden in response.content.decode()
    assert Contribution.objects.get(pk=pending[0].pk).status == Moderated.Status.HIDDEN


def test_the_proposal_entry_links_to_its_list_for_a_budget_editor(client, today_data):
    client.force_login(staff_in("budget editors", username="budget"))
    content = main_content(client.get("/ar/admin/").content.decode())
    assert 'href="/ar/admin/budgets/proposal/?status__exact=pending"' in content
    assert client.get("/ar/admin/budgets/proposal/?status__exact=pending").status_code == 200
