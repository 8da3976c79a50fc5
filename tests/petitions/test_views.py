"""The public pages of petitions and council sessions, the support by e-mail, and staff's pages."""

import datetime
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from openmun.formatting import french_typography
from petitions import notices, pdf, services
from petitions.forms import SupportForm
from petitions.models import AgendaItem, CouncilSession, Petition, Support
from tests.factories import ProjectFactory
from tests.petitions.factories import (
    CouncilSessionFactory,
    PetitionEventFactory,
    PetitionFactory,
    SupportFactory,
    petitions_build,
)

pytestmark = pytest.mark.django_db

State = Petition.State
LANGUAGES = [("ar", "rtl"), ("fr", "ltr")]


def url(name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def pages() -> list[tuple[str, dict]]:
    petition = Petition.objects.public().filter(state=State.ACCEPTED).first()
    return [
        ("petitions:petition-list", {}),
        ("petitions:petition-guide", {}),
        ("petitions:petition-create", {}),
        ("petitions:petition-submitted", {}),
        ("petitions:petition-detail", {"pk": petition.pk}),
        ("petitions:support-sent", {"pk": petition.pk}),
        ("petitions:support-confirmed", {"pk": petition.pk}),
        ("council:session-list", {}),
        ("council:session-detail", {"slug": petition.session.slug}),
    ]


PAGE_NAMES = [
    "petition-list",
    "petition-guide",
    "petition-create",
    "petition-submitted",
    "petition-detail",
    "support-sent",
    "support-confirmed",
    "session-list",
    "session-detail",
]


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
@pytest.mark.parametrize("index", range(len(PAGE_NAMES)), ids=PAGE_NAMES)
def test_every_page_renders_in_both_languages(client, index, language, direction):
    petitions_build()
    name, kwargs = pages()[index]
    response = client.get(url(name, language, **kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    assert "<script" not in html and " style=" not in html and "<style" not in html
    other = "fr" if language == "ar" else "ar"
    assert f'href="{url(name, other, **kwargs)}" lang="{other}"' in html


@pytest.mark.parametrize("index", range(len(PAGE_NAMES)), ids=PAGE_NAMES)
def test_query_count_does_not_grow_with_the_data(assert_queries_fixed, index):
    petitions_build()
    name, kwargs = pages()[index]

    def grow():
        petitions_build(scale=10)
        for petition in Petition.objects.all():
            SupportFactory.create_batch(3, petition=petition)
            PetitionEventFactory.create_batch(3, petition=petition)
        session = CouncilSession.objects.get(slug=kwargs["slug"]) if "slug" in kwargs else None
        if session:
            PetitionFactory.create_batch(
                10,
                state=State.ACCEPTED,
                session=session,
                deposited_on=datetime.date(2026, 1, 1),
                decided_on=datetime.date(2026, 2, 1),
            )
            for order in range(2, 12):
                AgendaItem.objects.create(session=session, order=order, title_ar="بند", project=ProjectFactory())

    assert_queries_fixed(url(name, **kwargs), grow=grow, limit=8)


def test_only_published_petitions_are_public(client):
    shown = PetitionFactory(title="عريضة منشورة للعموم")
    private = [
        PetitionFactory(
            state=State.SUBMITTED, status=Petition.Status.PENDING, published_on=None, title="عريضة في انتظار الفحص"
        ),
        PetitionFactory(
            state=State.NOT_ADMITTED, status=Petition.Status.HIDDEN, published_on=None, title="عريضة غير مقبولة"
        ),
        # Published, then taken down by a moderator.
        PetitionFactory(status=Petition.Status.HIDDEN, title="عريضة محجوبة"),
    ]
    html = client.get(url("petitions:petition-list")).content.decode()
    assert shown.title in html
    for petition in private:
        assert petition.title not in html
        assert client.get(url("petitions:petition-detail", pk=petition.pk)).status_code == 404


def test_the_list_filters_by_state(client):
    published = PetitionFactory(title="عريضة تجمع الدعم")
    deposited = PetitionFactory(
        title="عريضة مودعة", state=State.DEPOSITED, receipt_number="3", deposited_on=datetime.date(2026, 1, 1)
    )
    html = client.get(url("petitions:petition-list", "fr") + "?state=deposited").content.decode()
    assert deposited.title in html and published.title not in html
    assert 'href="/fr/petitions/?state=deposited" aria-current="page"' in html
    # An unknown state shows every petition.
    html = client.get(url("petitions:petition-list") + "?state=nonsense").content.decode()
    assert deposited.title in html and published.title in html


def test_personal_data_never_appears_on_public_pages(client):
    petition = PetitionFactory(contact_email="agent-private@example.ma", contact_phone="0611223344")
    SupportFactory(petition=petition, name="اسم داعم سري", email="supporter-private@example.ma")
    for name, kwargs in [("petitions:petition-detail", {"pk": petition.pk}), ("petitions:petition-list", {})]:
        html = client.get(url(name, **kwargs)).content.decode()
        for secret in ("agent-private@example.ma", "0611223344", "اسم داعم سري", "supporter-private@example.ma"):
            assert secret not in html


def test_the_petition_page_shows_the_support_bar_the_threshold_and_the_non_binding_notice(client):
    petition = PetitionFactory(support_count=50, signature_threshold=200)
    html = client.get(url("petitions:petition-detail", pk=petition.pk)).content.decode()
    assert '<progress max="200" value="50"' in html
    assert url("petitions:petition-sheets", pk=petition.pk) in html
    html = client.get(url("petitions:petition-detail", "fr", pk=petition.pk)).content.decode()
    assert "il n'a aucune valeur juridique" in html
    html = client.get(url("petitions:petition-detail", "ar", pk=petition.pk)).content.decode()
    assert "ليست له أي قيمة قانونية" in html


def test_the_signature_threshold_agrees_with_its_number_in_arabic(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # 200 takes the singular genitive (200 توقيع), never the accusative of 11 to 99 (200 توقيعا).
    petition = PetitionFactory(
        support_count=50, signature_threshold=200, contact_email="agent@example.ma", language="ar"
    )
    html = [
        client.get(url("petitions:petition-detail", pk=petition.pk)).content.decode(),
        client.get(url("petitions:petition-guide")).content.decode(),
        client.get(url("petitions:petition-create")).content.decode(),
        client.get(url("petitions:support-confirmed", pk=petition.pk)).content.decode(),
        pdf.signature_sheets_html(petition),
    ]
    pages = [re.sub(r"<[^>]+>", "", page) for page in html]
    with django_capture_on_commit_callbacks(execute=True):
        notices.pre_check_notice(petition, site_url="https://openmun.example.ma")
    pages.append(mailoutbox[-1].body)
    assert "من أصل 200 توقيع مطلوب" in pages[0]
    assert "200 توقيع على الأقل" in pages[1] and "200 توقيع على الأقل" in pages[2]
    assert "ما لا يقل عن 200 توقيع في الأوراق الرسمية" in pages[3]
    assert "يشترط 200 توقيع على الأقل." in pages[4]
    assert "اجمعوا 200 توقيع على الأقل" in pages[5]
    assert [re.findall(r"\d+\s+توقيعا(?![\u0620-\u064a])", page) for page in pages] == [[]] * len(pages)
    french = re.sub(r"<[^>]+>", "", client.get(url("petitions:petition-detail", "fr", pk=petition.pk)).content.decode())
    assert "50 soutiens en ligne sur les 200 signatures requises" in french


def test_the_petition_page_shows_the_deadline_and_the_decisions(client):
    session = CouncilSessionFactory(title_ar="الدورة العادية لشهر ماي 2026", period_start=datetime.date(2026, 5, 1))
    accepted = PetitionFactory(
        state=State.ACCEPTED,
        receipt_number="12/2026",
        deposited_on=datetime.date(2026, 1, 10),
        paper_signature_count=230,
        decided_on=datetime.date(2026, 2, 1),
        session=session,
        committees_ar="لجنة المرافق العمومية",
    )
    html = client.get(url("petitions:petition-detail", pk=accepted.pk)).content.decode()
    assert session.title_ar in html and session.get_absolute_url() in html and "لجنة المرافق العمومية" in html
    assert '<bdi dir="ltr">12/2026</bdi>' in html
    refused = PetitionFactory(
        state=State.REFUSED,
        receipt_number="13/2026",
        deposited_on=datetime.date(2026, 1, 10),
        decided_on=datetime.date(2026, 2, 1),
        refusal_reasons_ar="الموضوع خارج الاختصاص",
    )
    html = client.get(url("petitions:petition-detail", pk=refused.pk)).content.decode()
    assert "الموضوع خارج الاختصاص" in html
    # Three months after 10 January 2026.
    assert '<time datetime="2026-04-10">' in html


def test_supporting_a_petition_by_e_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    data = {"name": "سعيد الإدريسي", "relation": "resident", "email": "said@example.ma", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("petitions:support-create", pk=petition.pk), data)
    assert response.status_code == 302
    assert response.headers["Location"] == url("petitions:support-sent", pk=petition.pk) + "#main"
    (mail,) = mailoutbox
    link = re.search(r"http://testserver(/ar/petitions/confirm/\S+/)", mail.body).group(1)
    # Opening the link, as a mail scanner does, confirms nothing: it shows a button.
    response = client.get(link)
    assert response.status_code == 200
    assert '<form method="post">' in response.content.decode()
    assert Petition.objects.get(pk=petition.pk).support_count == 0
    assert response.headers["Cache-Control"].startswith("max-age=0")
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == url("petitions:support-confirmed", pk=petition.pk)
    assert Petition.objects.get(pk=petition.pk).support_count == 1
    # A second press counts nothing more.
    client.post(link)
    assert Petition.objects.get(pk=petition.pk).support_count == 1


def test_the_support_form_asks_for_no_id_number():
    assert set(SupportForm().fields) == {"name", "relation", "email", "keep_informed", "consent", "hp_check"}


def test_an_invalid_support_shows_the_petition_again_with_the_errors(client):
    petition = PetitionFactory()
    response = client.post(
        url("petitions:support-create", pk=petition.pk),
        {"name": "سعيد", "relation": "resident", "email": "not-an-address"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html and 'id="id_consent_error"' in html
    assert petition.title in html
    assert not Support.objects.exists()


def test_robots_filling_the_hidden_field_are_ignored(client, mailoutbox):
    petition = PetitionFactory()
    data = {"name": "bot", "relation": "resident", "email": "bot@example.ma", "consent": "on", "hp_check": "x"}
    response = client.post(url("petitions:support-create", pk=petition.pk), data)
    assert response.status_code == 302
    assert not Support.objects.exists() and not mailoutbox


def test_support_is_rate_limited(client, settings):
    settings.OPENMUN_RATE_LIMIT = (2, 600)
    petition = PetitionFactory()
    for index in range(2):
        data = {"name": "سعيد", "relation": "resident", "email": f"s{index}@example.ma", "consent": "on"}
        assert client.post(url("petitions:support-create", pk=petition.pk), data).status_code == 302
    data = {"name": "سعيد", "relation": "resident", "email": "s3@example.ma", "consent": "on"}
    assert client.post(url("petitions:support-create", pk=petition.pk), data).status_code == 429


def test_support_is_closed_after_the_deposit(client):
    petition = PetitionFactory(state=State.DEPOSITED, receipt_number="1", deposited_on=datetime.date(2026, 1, 1))
    html = client.get(url("petitions:petition-detail", pk=petition.pk)).content.decode()
    assert url("petitions:support-create", pk=petition.pk) not in html
    data = {"name": "سعيد", "relation": "resident", "email": "said@example.ma", "consent": "on"}
    response = client.post(url("petitions:support-create", pk=petition.pk), data)
    assert response.status_code == 302 and not Support.objects.exists()
    assert client.get(url("petitions:petition-sheets", pk=petition.pk)).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "12:badsignature"])
def test_a_broken_confirmation_link_is_explained(client, token):
    response = client.get(url("petitions:support-confirm", "fr", token=token))
    assert response.status_code == 404
    assert '<html lang="fr"' in response.content.decode()


def test_a_link_to_a_deleted_support_is_explained(client):
    support = SupportFactory(confirmed_at=None)
    token = services.support_token_make(support)
    support.delete()
    assert client.post(url("petitions:support-confirm", token=token)).status_code == 404


def test_submitting_a_citizens_petition(client, commune, mailoutbox, django_capture_on_commit_callbacks):
    data = {
        "kind": "citizens",
        "title": "إنارة حي الأمل بالإنارة العمومية",
        "request": "نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل.",
        "reasons": "الحي يعاني من الظلام ليلا مما يهدد سلامة السكان وخاصة النساء والأطفال.",
        "domain": "lighting",
        "agent_name": "فاطمة الزهراء",
        "citizens_eligible": "on",
        "contact_email": "agent@example.ma",
        "within_limits": "on",
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("petitions:petition-create"), data)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert (petition.state, petition.status, petition.language) == (State.SUBMITTED, Petition.Status.PENDING, "ar")
    assert petition.signature_threshold == 200
    assert mailoutbox[0].to == ["agent@example.ma"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agent_name": ""}, "agent_name"),
        ({"citizens_eligible": ""}, "citizens_eligible"),
        ({"within_limits": ""}, "within_limits"),
        (
            {
                "kind": "association",
                "association_name": "جمعية",
                "association_founded_on": "2025-01-01",
                "association_seat": "بني ملال",
                "association_representative": "محمد",
                "association_eligible": "on",
            },
            "association_founded_on",
        ),
        ({"title": "<b>عريضة</b> عن الإنارة العمومية"}, "title"),
    ],
)
def test_the_petition_form_checks_what_can_be_checked(client, commune, changes, field):
    data = {
        "kind": "citizens",
        "title": "إنارة حي الأمل بالإنارة العمومية",
        "request": "نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل.",
        "reasons": "الحي يعاني من الظلام ليلا مما يهدد سلامة السكان وخاصة النساء والأطفال.",
        "domain": "lighting",
        "agent_name": "فاطمة الزهراء",
        "citizens_eligible": "on",
        "contact_email": "agent@example.ma",
        "within_limits": "on",
        "consent": "on",
        **changes,
    }
    response = client.post(url("petitions:petition-create"), {k: v for k, v in data.items() if v})
    assert response.status_code == 200
    assert len(response.context["form"].errors[field]) == 1
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Petition.objects.exists()


def test_the_guide_states_the_commune_threshold(client, commune):
    html = client.get(url("petitions:petition-guide", "fr")).content.decode()
    assert '<bdi dir="ltr">200</bdi>' in html
    assert '<bdi dir="ltr">35\xa0000</bdi>' in html and '<bdi dir="ltr">400</bdi>' in html
    assert "113-14" in html and "2-16-403" in html


def test_the_council_pages_list_sessions_and_their_agenda(client):
    services.council_sessions_generate(year=2031)
    session = CouncilSession.objects.get(slug="2031-05-ordinary")
    petition = PetitionFactory(
        state=State.ACCEPTED,
        receipt_number="4",
        deposited_on=datetime.date(2026, 1, 1),
        decided_on=datetime.date(2026, 2, 1),
        session=session,
    )
    project = ProjectFactory()
    AgendaItem.objects.create(
        session=session, order=1, title_ar="حصيلة المشروع", title_fr="Bilan du projet", project=project
    )
    html = client.get(url("council:session-list")).content.decode()
    assert session.get_absolute_url() in html
    assert url("council:session-ical") in html
    html = client.get(session.get_absolute_url()).content.decode()
    assert petition.get_absolute_url() in html and project.get_absolute_url() in html and "حصيلة المشروع" in html
    assert '<time datetime="2031-05-01">' in html and '<time datetime="2031-05-07">' in html
    assert client.get(url("council:session-detail", slug="nope")).status_code == 404


def test_the_sessions_calendar_feed(client):
    services.council_sessions_generate(year=2031)
    CouncilSessionFactory(
        kind=CouncilSession.Kind.EXTRAORDINARY,
        slug="2031-07-extraordinary",
        title_ar="دورة استثنائية، يوليوز 2031; " + "ب" * 60,
        period_start=datetime.date(2031, 7, 1),
        starts_on=datetime.date(2031, 7, 14),
        ends_on=datetime.date(2031, 7, 15),
    )
    response = client.get(url("council:session-ical"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 4
    assert "DTSTART;VALUE=DATE:20310201\r\nDTEND;VALUE=DATE:20310208\r\n" in body
    assert "DTSTART;VALUE=DATE:20310714\r\nDTEND;VALUE=DATE:20310716\r\n" in body
    assert "STATUS:TENTATIVE" in body and "STATUS:CONFIRMED" in body
    assert "يوليوز 2031\\; " in body.replace("\r\n ", "")  # escaped, and unfolded again
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


@pytest.mark.parametrize(
    ("language", "held", "opened", "expected", "first_of_february"),
    [
        ("ar", "انعقدت ما بين", "افتتحت بتاريخ", "متوقعة ما بين", ">1 فبراير 2031<"),
        ("fr", "tenue entre le", "ouverte le", "prévue entre le", ">1er février 2031<"),
    ],
)
def test_past_sessions_are_no_longer_expected_on_the_pages(client, language, held, opened, expected, first_of_february):
    services.council_sessions_generate(year=2031)
    CouncilSessionFactory(
        kind=CouncilSession.Kind.EXTRAORDINARY,
        slug="2031-03-extraordinary",
        period_start=datetime.date(2031, 3, 1),
        period_end=datetime.date(2031, 3, 31),
        starts_on=datetime.date(2031, 3, 10),
    )
    with time_machine.travel(datetime.datetime(2031, 5, 20, 12, tzinfo=datetime.UTC), tick=False):
        listing = client.get(url("council:session-list", language)).content.decode()
        february = client.get(url("council:session-detail", language, slug="2031-02-ordinary")).content.decode()
        october = client.get(url("council:session-detail", language, slug="2031-10-ordinary")).content.decode()
    assert listing.count(expected) == 1 and listing.count(held) == 2 and listing.count(opened) == 1
    assert held in february and expected not in february and first_of_february in february
    assert expected in october and held not in october


def test_the_calendar_feed_confirms_sessions_whose_period_is_over(client):
    services.council_sessions_generate(year=2031)
    with time_machine.travel(datetime.datetime(2031, 5, 20, 12, tzinfo=datetime.UTC), tick=False):
        body = client.get(url("council:session-ical")).content.decode()
    status = {}
    for event in body.split("BEGIN:VEVENT")[1:]:
        uid = re.search(r"UID:council-session-(\d+)", event).group(1)
        status[CouncilSession.objects.get(pk=uid).slug] = re.search(r"STATUS:(\w+)", event).group(1)
    assert status == {
        "2031-02-ordinary": "CONFIRMED",
        "2031-05-ordinary": "CONFIRMED",
        "2031-10-ordinary": "TENTATIVE",
    }


def test_supporters_export_is_for_petition_officers_only(client, officer):
    petition = PetitionFactory()
    SupportFactory(petition=petition, name="=HYPERLINK(1)", email="a@example.ma")
    SupportFactory(petition=petition, name="سعيد", email="b@example.ma", confirmed_at=None)
    export = url("petitions:support-export", pk=petition.pk)
    assert client.get(export).status_code == 302  # to the staff sign-in
    client.force_login(officer.__class__.objects.create_user("clerk", is_staff=True))
    assert client.get(export).status_code == 403
    client.force_login(officer)
    response = client.get(export)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK(1)" in text and "a@example.ma" in text
    assert "b@example.ma" not in text  # never confirmed
    assert LogEntry.objects.filter(object_id=str(petition.pk), user=officer).exists()


def test_the_deadline_dashboard_lists_petitions_near_or_past_their_limit(client, officer):
    today = datetime.date.today()
    past = PetitionFactory(
        title="عريضة تجاوزت الأجل",
        state=State.UNDER_REVIEW,
        receipt_number="1",
        deposited_on=today - datetime.timedelta(days=120),
    )
    near = PetitionFactory(
        title="عريضة تقترب من الأجل",
        state=State.DEPOSITED,
        receipt_number="2",
        deposited_on=today - datetime.timedelta(days=80),
    )
    done = PetitionFactory(
        title="عريضة مقبولة",
        state=State.ACCEPTED,
        receipt_number="3",
        deposited_on=today - datetime.timedelta(days=120),
        decided_on=today,
        session=CouncilSessionFactory(),
    )
    dashboard = url("petitions:petition-deadlines")
    assert client.get(dashboard).status_code == 302
    client.force_login(officer)
    response = client.get(dashboard)
    html = response.content.decode()
    assert [row.petition for row in response.context["past"]] == [past]
    assert [row.petition for row in response.context["near"]] == [near]
    assert done.title not in html
    assert reverse("admin:petitions_petition_change", args=[past.pk]) in html


def test_public_pages_refuse_posts(client):
    assert client.post(url("petitions:petition-list")).status_code == 405
    assert client.post(url("council:session-list")).status_code == 405
    assert client.get(url("petitions:support-create", pk=PetitionFactory().pk)).status_code == 405


# Issue 13: the page after a confirmed support, the error summary first, sharing.


def confirmed_support(client, petition: Petition, language: str = "ar"):
    support = SupportFactory(petition=petition, confirmed_at=None)
    token = services.support_token_make(support)
    return client.post(url("petitions:support-confirm", language, token=token))


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_confirmed_support_lands_on_a_page_of_thanks_without_a_form(client, language):
    petition = PetitionFactory(support_count=41)
    response = confirmed_support(client, petition, language)
    assert response.status_code == 302
    assert response["Location"] == url("petitions:support-confirmed", language, pk=petition.pk)
    html = client.get(response["Location"]).content.decode()
    # The thanks is the page's heading, at its top; the count includes the new support.
    with translation.override(language):
        thanks = translation.gettext("Thank you: your support is counted.")
    thanks = french_typography(thanks) if language == "fr" else thanks
    assert re.search(r"<h1[^>]*>([^<]*)</h1>", html).group(1) == thanks
    assert 'value="42"' in html
    # No support form: nothing invites the supporter to sign again.
    main = html.split('<main id="main"')[1].split("</main>")[0]
    assert "<form" not in main and 'name="email"' not in main
    # What happens next: the paper signatures the law counts, and where to follow the petition.
    assert url("petitions:petition-sheets", language, pk=petition.pk) in html
    assert "wa.me" in html


def test_a_support_that_can_no_longer_count_is_explained_at_the_top_of_the_petition(client):
    petition = PetitionFactory()
    support = SupportFactory(petition=petition, confirmed_at=None)
    token = services.support_token_make(support)
    Petition.objects.filter(pk=petition.pk).update(
        state=State.DEPOSITED, deposited_on=datetime.date(2026, 1, 10), receipt_number="7/2026"
    )
    response = client.post(url("petitions:support-confirm", "fr", token=token))
    # The petition's page at its top, where the message is; not its support section further down.
    assert response["Location"] == url("petitions:petition-detail", "fr", pk=petition.pk)
    html = client.get(response["Location"]).content.decode()
    with translation.override("fr"):
        message = translation.gettext("This petition no longer gathers support: your support was not counted.")
    assert escape(french_typography(message)) in html


def test_a_failed_petition_opens_on_its_error_summary(client, commune):
    form_url = url("petitions:petition-create", "fr")
    assert f'action="{form_url}#errors"' in client.get(form_url).content.decode()
    html = client.post(form_url, {"kind": "citizens", "title": "court"}).content.decode()
    summary = re.search(r'<div class="error-summary" id="errors" tabindex="-1" role="alert"', html)
    assert summary and summary.start() < html.index('name="title"')
    assert not Petition.objects.exists()


def test_a_failed_support_opens_on_its_error_summary(client):
    petition = PetitionFactory()
    support_url = url("petitions:support-create", "fr", pk=petition.pk)
    assert (
        f'action="{support_url}#errors"'
        in client.get(url("petitions:petition-detail", "fr", pk=petition.pk)).content.decode()
    )
    html = client.post(support_url, {"name": "سعيد", "relation": "resident", "email": "nope"}).content.decode()
    summary = re.search(r'<div class="error-summary" id="errors" tabindex="-1"', html)
    assert summary and summary.start() < html.index('name="name"')


def test_the_petition_page_can_be_shared_without_a_third_party_script(client, settings):
    settings.OPENMUN_SITE_URL = "https://openmun.example.ma"
    petition = PetitionFactory(title="إنارة حي الأمل ليلا")
    html = client.get(url("petitions:petition-detail", "fr", pk=petition.pk)).content.decode()
    page = f"https%3A%2F%2Fopenmun.example.ma%2Ffr%2Fpetitions%2F{petition.pk}%2F"
    title = "%D8%A5%D9%86%D8%A7%D8%B1%D8%A9%20%D8%AD%D9%8A%20%D8%A7%D9%84%D8%A3%D9%85%D9%84%20%D9%84%D9%8A%D9%84%D8%A7"
    assert f'href="https://wa.me/?text={title}%0A{page}"' in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={page}"' in html
    assert f'href="mailto:?subject={title}&amp;body={page}"' in html
    assert "Partager cette pétition" in html and "<script" not in html
    # The submitted page says where the sharing links will be, once the petition is published.
    html = client.get(url("petitions:petition-submitted", "ar")).content.decode()
    assert "واتساب" in html
