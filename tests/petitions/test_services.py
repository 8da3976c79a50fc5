"""The statutory procedure, online support and council sessions, through the services."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from petitions import services
from petitions.models import CouncilSession, Petition, PetitionEvent, PetitionReport, Support
from petitions.selectors import signature_threshold_get
from programme.models import Commune
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory, SupportFactory

pytestmark = pytest.mark.django_db

CASABLANCA = ZoneInfo("Africa/Casablanca")
State = Petition.State
Action = PetitionEvent.Action
SITE = "https://openmun.example.ma"


def at(day: datetime.date, hour: int = 10):
    """Freeze time on day, at hour in Casablanca."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CASABLANCA), tick=False)


def submit(**overrides) -> Petition:
    data = {
        "kind": Petition.Kind.CITIZENS,
        "title": "إنارة حي الأمل بالإنارة العمومية",
        "request": "نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل.",
        "reasons": "الحي يعاني من الظلام ليلا مما يهدد سلامة السكان وخاصة النساء والأطفال.",
        "domain": Petition.Domain.LIGHTING,
        "contact_email": "agent@example.ma",
        "agent_name": "فاطمة الزهراء",
        "language": "ar",
        "site_url": SITE,
    }
    return services.petition_submit(**{**data, **overrides})


def published(officer, **overrides) -> Petition:
    return services.petition_publish(petition=submit(**overrides), acting_user=officer)


def pdf_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")


def test_the_whole_life_cycle_of_an_accepted_petition(commune, officer, mailoutbox, django_capture_on_commit_callbacks):
    services.council_sessions_generate(year=2026)
    may = CouncilSession.objects.get(slug="2026-05-ordinary")
    with at(datetime.date(2026, 1, 5)), django_capture_on_commit_callbacks(execute=True):
        petition = submit()
    assert (petition.state, petition.status) == (State.SUBMITTED, Petition.Status.PENDING)
    assert petition.signature_threshold == 200
    assert not Petition.objects.public().exists()
    assert mailoutbox[-1].to == ["agent@example.ma"]

    with at(datetime.date(2026, 1, 6)), django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_publish(petition=petition, acting_user=officer, site_url=SITE)
    assert (petition.state, petition.status, petition.published_on) == (
        State.PUBLISHED,
        Petition.Status.PUBLISHED,
        datetime.date(2026, 1, 6),
    )
    assert list(Petition.objects.public()) == [petition]
    assert f"{SITE}/ar/petitions/{petition.pk}/" in mailoutbox[-1].body

    with at(datetime.date(2026, 2, 20)):
        petition = services.petition_deposit(
            petition=petition,
            receipt_number="123/2026",
            deposited_on=datetime.date(2026, 2, 20),
            paper_signature_count=215,
            document=pdf_file(),
            acting_user=officer,
        )
    assert petition.state == State.DEPOSITED
    assert petition.notice_deadline == datetime.date(2026, 5, 20)

    with at(datetime.date(2026, 2, 25)):
        petition = services.petition_review_start(
            petition=petition, started_on=datetime.date(2026, 2, 24), acting_user=officer
        )
    with at(datetime.date(2026, 3, 10)):
        petition = services.petition_accept(
            petition=petition,
            decided_on=datetime.date(2026, 3, 10),
            session=may,
            committees={"ar": "لجنة المرافق العمومية", "fr": "Commission des services publics"},
            acting_user=officer,
        )
    assert (petition.state, petition.session, petition.committees_fr) == (
        State.ACCEPTED,
        may,
        "Commission des services publics",
    )
    assert petition.notice_state_on(datetime.date(2026, 6, 1)) == ""  # accepted: no refusal to notify

    with at(datetime.date(2026, 5, 6)):
        petition = services.petition_deliberate(
            petition=petition,
            deliberated_on=datetime.date(2026, 5, 5),
            outcome=Petition.Outcome.APPROVED,
            decision_reference="45/2026",
            summaries={"ar": "وافق المجلس", "fr": "Le conseil approuve"},
            acting_user=officer,
        )
    assert (petition.state, petition.closed_on, petition.decision_reference) == (
        State.DELIBERATED,
        datetime.date(2026, 5, 5),
        "45/2026",
    )
    events = list(petition.events.order_by("date", "pk"))
    assert [(e.action, e.date) for e in events] == [
        (Action.SUBMITTED, datetime.date(2026, 1, 5)),
        (Action.PUBLISHED, datetime.date(2026, 1, 6)),
        (Action.DEPOSITED, datetime.date(2026, 2, 20)),
        (Action.REVIEW_STARTED, datetime.date(2026, 2, 24)),
        (Action.ACCEPTED, datetime.date(2026, 3, 10)),
        (Action.DELIBERATED, datetime.date(2026, 5, 5)),
    ]
    assert events[0].acting_user is None and {e.acting_user for e in events[1:]} == {officer}
    assert events[2].document.name.endswith(".pdf")


def test_a_refusal_and_its_three_month_notice(commune, officer):
    with at(datetime.date(2025, 11, 20)):
        petition = published(officer)
    with at(datetime.date(2025, 12, 1)):
        # Deposited on 30 November: three months later is 28 February, the month having no 30th.
        petition = services.petition_deposit(
            petition=petition,
            receipt_number="7",
            paper_signature_count=230,
            deposited_on=datetime.date(2025, 11, 30),
            acting_user=officer,
        )
    assert petition.notice_deadline == datetime.date(2026, 2, 28)
    assert petition.notice_state_on(datetime.date(2026, 1, 1)) == "open"
    assert petition.notice_state_on(datetime.date(2026, 2, 10)) == "near"
    assert petition.notice_state_on(datetime.date(2026, 3, 1)) == "past"
    with at(datetime.date(2026, 2, 15)):
        petition = services.petition_review_start(
            petition=petition, started_on=datetime.date(2026, 2, 1), acting_user=officer
        )
        petition = services.petition_refuse(
            petition=petition,
            decided_on=datetime.date(2026, 2, 15),
            reasons={"ar": "خارج اختصاصات الجماعة"},
            acting_user=officer,
        )
    assert (petition.state, petition.closed_on) == (State.REFUSED, datetime.date(2026, 2, 15))
    assert petition.notice_state_on(datetime.date(2026, 3, 2)) == "past"  # decided, never notified
    with at(datetime.date(2026, 3, 4)):
        petition = services.petition_refusal_notify(
            petition=petition, notified_on=datetime.date(2026, 3, 3), acting_user=officer
        )
    assert petition.notice_state_on(datetime.date(2026, 3, 4)) == "late"
    assert petition.events.filter(action=Action.REFUSAL_NOTIFIED, date=datetime.date(2026, 3, 3)).exists()
    with pytest.raises(ValidationError) as error, at(datetime.date(2026, 3, 5)):
        services.petition_refusal_notify(petition=petition, notified_on=datetime.date(2026, 3, 5), acting_user=officer)
    assert error.value.code == "not_refused"


def test_a_refusal_notified_in_time(commune, officer):
    with at(datetime.date(2026, 3, 1)):
        petition = published(officer)
        petition = services.petition_deposit(
            petition=petition,
            receipt_number="8",
            paper_signature_count=10,
            deposited_on=datetime.date(2026, 3, 1),
            acting_user=officer,
        )
        petition = services.petition_review_start(
            petition=petition, started_on=datetime.date(2026, 3, 1), acting_user=officer
        )
        petition = services.petition_refuse(
            petition=petition,
            decided_on=datetime.date(2026, 3, 1),
            reasons={"ar": "عدد التوقيعات غير كاف"},
            notified_on=datetime.date(2026, 3, 1),
            acting_user=officer,
        )
    assert petition.notice_state_on(datetime.date(2026, 9, 1)) == "met"


def forbidden(petition, step: str, officer, session=None):
    day = datetime.date(2026, 3, 1)
    calls = {
        "publish": lambda: services.petition_publish(petition=petition, acting_user=officer),
        "deposit": lambda: services.petition_deposit(
            petition=petition, receipt_number="X", deposited_on=day, paper_signature_count=300, acting_user=officer
        ),
        "review": lambda: services.petition_review_start(petition=petition, started_on=day, acting_user=officer),
        "accept": lambda: services.petition_accept(
            petition=petition, decided_on=day, session=session, committees={"ar": "لجنة"}, acting_user=officer
        ),
        "refuse": lambda: services.petition_refuse(
            petition=petition, decided_on=day, reasons={"ar": "سبب"}, acting_user=officer
        ),
        "deliberate": lambda: services.petition_deliberate(
            petition=petition,
            deliberated_on=day,
            outcome="approved",
            decision_reference="1",
            summaries={"ar": "قرار"},
            acting_user=officer,
        ),
        "withdraw": lambda: services.petition_withdraw(petition=petition, withdrawn_on=day, acting_user=officer),
    }
    with pytest.raises(ValidationError) as error:
        calls[step]()
    return error.value


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.SUBMITTED, "deposit"),
        (State.SUBMITTED, "accept"),
        (State.PUBLISHED, "review"),
        (State.PUBLISHED, "refuse"),
        (State.DEPOSITED, "accept"),
        (State.DEPOSITED, "publish"),
        (State.UNDER_REVIEW, "deliberate"),
        (State.ACCEPTED, "refuse"),
        (State.REFUSED, "accept"),
        (State.REFUSED, "withdraw"),
        (State.DELIBERATED, "withdraw"),
        (State.WITHDRAWN, "publish"),
        (State.NOT_ADMITTED, "publish"),
    ],
)
def test_the_procedure_refuses_the_steps_it_does_not_allow(commune, officer, state, step):
    session = CouncilSessionFactory(period_start=datetime.date(2026, 5, 1))
    petition = PetitionFactory(
        state=state,
        deposited_on=datetime.date(2026, 1, 10),
        receipt_number="R",
        paper_signature_count=300,
        session=session,
        decided_on=datetime.date(2026, 2, 1),
    )
    events = petition.events.count()
    with at(datetime.date(2026, 3, 2)):
        error = forbidden(petition, step, officer, session)
    assert error.code in ("transition_forbidden", "procedure_ended")
    petition.refresh_from_db()
    assert petition.state == state and petition.events.count() == events
    if error.code == "transition_forbidden":
        # The message names the state and the steps the procedure allows instead.
        message = error.messages[0]
        assert str(State(state).label) in message
        assert all(str(State(s).label) in message for s in services.allowed_next_states(petition))


def test_accepting_needs_the_signature_threshold(commune, officer):
    session = CouncilSessionFactory(period_start=datetime.date(2026, 5, 1))
    petition = PetitionFactory(
        state=State.UNDER_REVIEW, deposited_on=datetime.date(2026, 1, 10), receipt_number="R", paper_signature_count=199
    )
    with at(datetime.date(2026, 2, 1)), pytest.raises(ValidationError) as error:
        services.petition_accept(
            petition=petition,
            decided_on=datetime.date(2026, 2, 1),
            session=session,
            committees={"ar": "لجنة"},
            acting_user=officer,
        )
    assert error.value.code == "threshold_not_met"
    assert "199" in error.value.messages[0] and "200" in error.value.messages[0]


def test_accepting_needs_an_ordinary_session_to_come(commune, officer):
    petition = PetitionFactory(
        state=State.UNDER_REVIEW, deposited_on=datetime.date(2026, 1, 10), receipt_number="R", paper_signature_count=250
    )
    past = CouncilSessionFactory(period_start=datetime.date(2025, 10, 1))
    extraordinary = CouncilSessionFactory(
        kind=CouncilSession.Kind.EXTRAORDINARY, period_start=datetime.date(2026, 3, 1)
    )
    for session in (past, extraordinary):
        with at(datetime.date(2026, 2, 1)), pytest.raises(ValidationError) as error:
            services.petition_accept(
                petition=petition,
                decided_on=datetime.date(2026, 2, 1),
                session=session,
                committees={"ar": "لجنة"},
                acting_user=officer,
            )
        assert "session" in error.value.message_dict


def test_dates_in_the_future_or_before_the_previous_step_are_refused(commune, officer):
    with at(datetime.date(2026, 3, 1)):
        petition = published(officer)
        with pytest.raises(ValidationError) as error:
            services.petition_deposit(
                petition=petition,
                receipt_number="1",
                paper_signature_count=200,
                deposited_on=datetime.date(2026, 3, 2),
                acting_user=officer,
            )
        assert error.value.error_dict["deposited_on"][0].code == "future_date"
        with pytest.raises(ValidationError) as error:
            services.petition_deposit(
                petition=petition,
                receipt_number="1",
                paper_signature_count=200,
                deposited_on=datetime.date(2026, 2, 27),
                acting_user=officer,
            )
        assert error.value.error_dict["deposited_on"][0].code == "date_order"


def test_receipt_numbers_are_unique(commune, officer):
    PetitionFactory(state=State.DEPOSITED, deposited_on=datetime.date(2026, 1, 10), receipt_number="12/2026")
    with at(datetime.date(2026, 3, 1)):
        petition = published(officer)
        with pytest.raises(ValidationError):
            services.petition_deposit(
                petition=petition,
                receipt_number="12/2026",
                paper_signature_count=200,
                deposited_on=datetime.date(2026, 3, 1),
                acting_user=officer,
            )


def test_a_withdrawn_petition_is_closed(commune, officer):
    with at(datetime.date(2026, 3, 1)):
        petition = services.petition_withdraw(
            petition=published(officer),
            withdrawn_on=datetime.date(2026, 3, 1),
            notes={"ar": "بطلب من الوكيل"},
            acting_user=officer,
        )
    assert (petition.state, petition.closed_on) == (State.WITHDRAWN, datetime.date(2026, 3, 1))
    assert petition.events.get(action=Action.WITHDRAWN).note_ar == "بطلب من الوكيل"


def test_steps_need_the_petition_officers_permissions(commune):
    petition = submit()
    clerk = User.objects.create_user("clerk", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.petition_publish(petition=petition, acting_user=clerk)


def test_a_petition_not_admitted_stays_private_and_its_authors_learn_why(
    commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    petition = submit(contact_email="agent@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_not_admit(
            petition=petition, reason="الموضوع خارج اختصاصات الجماعة", acting_user=officer
        )
    assert (petition.state, petition.status) == (State.NOT_ADMITTED, Petition.Status.HIDDEN)
    assert not Petition.objects.public().exists()
    assert "الموضوع خارج اختصاصات الجماعة" in mailoutbox[-1].body


def test_the_same_petition_twice_is_refused(commune):
    submit()
    with pytest.raises(ValidationError) as error:
        # The same text with other spacing and letter forms.
        submit(title="إنارة  حي الامل بالإنارة العمومية")
    assert error.value.code == "duplicate"


@pytest.mark.parametrize(
    ("founded", "allowed"),
    [
        (datetime.date(2023, 3, 1), False),  # exactly three years: not more than three
        (datetime.date(2023, 2, 28), True),
        (datetime.date(2025, 6, 1), False),
    ],
)
def test_an_association_must_be_more_than_three_years_old(commune, founded, allowed):
    data = {
        "kind": Petition.Kind.ASSOCIATION,
        "agent_name": "",
        "association_name": "جمعية حي الأمل",
        "association_founded_on": founded,
        "association_seat": "حي الأمل، بني ملال",
        "association_representative": "محمد بنعلي",
    }
    with at(datetime.date(2026, 3, 1)):
        if allowed:
            petition = submit(**data)
            assert petition.signature_threshold is None and petition.agent_name == ""
        else:
            with pytest.raises(ValidationError) as error:
                submit(**data)
            assert error.value.error_dict["association_founded_on"][0].code == "association_too_recent"


@pytest.mark.parametrize(
    ("population", "arrondissements", "expected"),
    [
        (12000, False, 100),
        (34999, False, 100),
        (35000, False, 200),
        (192676, False, 200),
        (900000, True, 400),
        (20000, True, 400),
        (None, False, 200),
    ],
)
def test_the_signature_threshold_follows_the_population(db, population, arrondissements, expected):
    Commune.objects.create(name="Commune", population=population, has_arrondissements=arrondissements)
    assert signature_threshold_get() == expected


def test_the_thresholds_are_settings(db, settings):
    settings.OPENMUN_PETITION_THRESHOLDS = {
        "population_limit": 50000,
        "below_limit": 150,
        "above_limit": 300,
        "with_arrondissements": 600,
    }
    Commune.objects.create(name="Commune", population=40000)
    assert signature_threshold_get() == 150


def test_beni_mellal_needs_200_signatures(commune_data):
    assert signature_threshold_get() == 200


# Online support


def confirm_link(mail) -> str:
    return re.search(r"https?://\S+/confirm/\S+/", mail.body).group(0)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_support_counts_once_confirmed_by_e_mail(commune, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support = services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="Said@Example.MA ", consent=True, site_url=SITE
        )
    assert support.email == "said@example.ma" and support.confirmed_at is None
    petition.refresh_from_db()
    assert petition.support_count == 0
    (mail,) = mailoutbox
    assert mail.to == ["said@example.ma"]
    link = confirm_link(mail)
    assert link.startswith(f"{SITE}/ar/petitions/confirm/")
    support_id, nonce = services.support_token_read(token_of(link))
    assert support_id == support.pk
    assert services.support_confirm(support=support, nonce=nonce) is True
    assert services.support_confirm(support=support, nonce=nonce) is False
    petition.refresh_from_db()
    assert petition.support_count == 1


def test_one_support_per_e_mail_and_petition(commune, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="said@example.ma", consent=True, site_url=SITE
        )
        # Not confirmed yet: the same address gets a new link, and no second support.
        again = services.support_submit(
            petition=petition,
            name="سعيد الإدريسي",
            relation="activity",
            email="SAID@example.ma",
            consent=True,
            site_url=SITE,
        )
    assert again.pk == first.pk and again.name == "سعيد الإدريسي"
    assert len(mailoutbox) == 2
    services.support_confirm(support=again, nonce=services.support_token_read(token_of(confirm_link(mailoutbox[1])))[1])
    with django_capture_on_commit_callbacks(execute=True):
        known = services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="said@example.ma", consent=True, site_url=SITE
        )
    # Confirmed already: the address is told so (the same work as a new support), and nothing changes.
    assert len(mailoutbox) == 3 and not re.search(r"/confirm/", mailoutbox[2].body)
    assert known.name == "سعيد الإدريسي" and known.relation == "activity"
    assert Support.objects.count() == 1
    # The database refuses a second row for the address too.
    with pytest.raises(ValidationError):
        Support(petition=petition, name="x", relation="resident", email="Said@example.ma", consent=True).full_clean()
    # Another petition is another support.
    other = services.support_submit(
        petition=PetitionFactory(),
        name="سعيد",
        relation="resident",
        email="said@example.ma",
        consent=True,
        site_url=SITE,
    )
    assert other.pk != first.pk


def test_support_needs_consent_and_an_open_petition(commune):
    with pytest.raises(ValidationError):
        services.support_submit(
            petition=PetitionFactory(),
            name="سعيد",
            relation="resident",
            email="said@example.ma",
            consent=False,
            site_url=SITE,
        )
    with pytest.raises(ValidationError) as error:
        services.support_submit(
            petition=PetitionFactory(state=State.DEPOSITED, deposited_on=datetime.date(2026, 1, 1), receipt_number="1"),
            name="سعيد",
            relation="resident",
            email="said@example.ma",
            consent=True,
            site_url=SITE,
        )
    assert error.value.code == "not_gathering_support"


def test_the_confirmation_link_expires(commune):
    petition = PetitionFactory()
    with at(datetime.date(2026, 3, 1)):
        support = services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="said@example.ma", consent=True, site_url=SITE
        )
        token = services.support_token_make(support)
    with at(datetime.date(2026, 3, 4), hour=9):  # 71 hours later
        assert services.support_token_read(token) == (support.pk, support.link_nonce)
    with at(datetime.date(2026, 3, 4), hour=11), pytest.raises(signing.SignatureExpired):
        services.support_token_read(token)
    with pytest.raises(signing.BadSignature):
        services.support_token_read(token[:-2] + "xx")


def test_a_confirmation_after_the_deposit_is_not_counted(commune, officer):
    with at(datetime.date(2026, 3, 1)):
        petition = published(officer)
        support = services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="said@example.ma", consent=True, site_url=SITE
        )
        services.petition_deposit(
            petition=petition,
            receipt_number="1",
            paper_signature_count=200,
            deposited_on=datetime.date(2026, 3, 1),
            acting_user=officer,
        )
        with pytest.raises(ValidationError):
            services.support_confirm(support=support, nonce=support.link_nonce)
    support.refresh_from_db()
    petition.refresh_from_db()
    assert support.confirmed_at is None and petition.support_count == 0


def test_supporters_data_is_purged_after_the_retention_period(commune, settings):
    settings.OPENMUN_SUPPORTER_RETENTION_DAYS = 30
    old = PetitionFactory(state=State.WITHDRAWN, closed_on=datetime.date(2026, 1, 1), support_count=2)
    recent = PetitionFactory(state=State.WITHDRAWN, closed_on=datetime.date(2026, 2, 20))
    open_petition = PetitionFactory()
    SupportFactory.create_batch(2, petition=old)
    PetitionReport.objects.create(petition=old, reason=PetitionReport.Reason.OTHER, note="Mon voisin, 0612345678")
    PetitionReport.objects.create(petition=recent, reason=PetitionReport.Reason.OTHER)
    SupportFactory(petition=recent)
    SupportFactory(petition=open_petition)
    with at(datetime.date(2026, 1, 1)):
        SupportFactory(petition=open_petition, confirmed_at=None)  # its link expired long ago
    with at(datetime.date(2026, 3, 1)):
        SupportFactory(petition=open_petition, confirmed_at=None)  # its link is still valid
        counts = services.petition_data_purge()
    assert counts == {"supports": 2, "unconfirmed": 1, "contacts": 1, "reports": 1}
    # The reports of a petition closed since less than the period stay, for staff to review.
    assert list(PetitionReport.objects.values_list("petition", flat=True)) == [recent.pk]
    old.refresh_from_db()
    assert (old.contact_email, old.contact_phone, old.support_count) == ("", "", 2)
    assert not old.supports.exists() and recent.supports.count() == 1 and open_petition.supports.count() == 2


# Council sessions


def test_ordinary_sessions_are_generated_once_per_year(db):
    created = services.council_sessions_generate(year=2027)
    assert [(s.period_start, s.period_end) for s in created] == [
        (datetime.date(2027, 2, 1), datetime.date(2027, 2, 7)),
        (datetime.date(2027, 5, 1), datetime.date(2027, 5, 7)),
        (datetime.date(2027, 10, 1), datetime.date(2027, 10, 7)),
    ]
    assert all(s.kind == CouncilSession.Kind.ORDINARY and s.starts_on is None for s in created)
    assert services.council_sessions_generate(year=2027) == []
    assert CouncilSession.objects.count() == 3


def test_session_titles_are_in_both_languages(db):
    services.council_sessions_generate(year=2027)
    october = CouncilSession.objects.get(slug="2027-10-ordinary")
    assert october.title_ar == "الدورة العادية لشهر أكتوبر 2027"
    assert october.title_fr == "Session ordinaire d'octobre 2027"


PAPER = {
    "kind": Petition.Kind.CITIZENS,
    "title": "تهيئة حديقة حي النصر",
    "request": "نطلب من المجلس إدراج نقطة تتعلق بتهيئة حديقة حي النصر.",
    "reasons": "لا توجد مساحة خضراء في الحي ويحتاجها الأطفال والمسنون.",
    "domain": Petition.Domain.GREEN_SPACES,
    "contact_email": "",
    "agent_name": "محمد أمين",
    "language": "ar",
}


def test_staff_record_a_petition_filed_on_paper(commune, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_record_paper(acting_user=officer, **PAPER)
    petition.refresh_from_db()
    assert (petition.channel, petition.recorded_by) == (Petition.Channel.PAPER, officer)
    # The same start as online: private until the pre-check, with the commune's threshold.
    assert (petition.state, petition.status, petition.is_public) == (State.SUBMITTED, Petition.Status.PENDING, False)
    assert petition.signature_threshold == 200
    event = petition.events.get()
    assert (event.action, event.acting_user) == (Action.SUBMITTED, officer)
    # No address given on paper: nobody to acknowledge by e-mail.
    assert mailoutbox == []
    # Then the normal states.
    services.petition_publish(petition=petition, acting_user=officer)
    services.petition_deposit(
        petition=petition,
        receipt_number="BM-2026-7",
        deposited_on=timezone.localdate(),
        paper_signature_count=230,
        acting_user=officer,
    )
    petition.refresh_from_db()
    assert (petition.state, petition.paper_signature_count) == (State.DEPOSITED, 230)


def test_a_paper_petition_is_checked_like_an_online_one(commune, officer):
    with pytest.raises(ValidationError) as error:
        services.petition_record_paper(acting_user=officer, **{**PAPER, "agent_name": ""})
    assert "agent_name" in error.value.error_dict
    too_recent = {
        **PAPER,
        "kind": Petition.Kind.ASSOCIATION,
        "agent_name": "",
        "association_name": "جمعية الأمل",
        "association_founded_on": timezone.localdate() - datetime.timedelta(days=365),
        "association_seat": "حي النصر، بني ملال",
        "association_representative": "سعاد العلوي",
    }
    with pytest.raises(ValidationError) as error:
        services.petition_record_paper(acting_user=officer, **too_recent)
    assert error.value.error_dict["association_founded_on"][0].code == "association_too_recent"
    submit(title=PAPER["title"], request=PAPER["request"])
    with pytest.raises(ValidationError) as error:
        services.petition_record_paper(acting_user=officer, **PAPER)
    assert error.value.code == "duplicate"
    assert not Petition.objects.filter(channel=Petition.Channel.PAPER).exists()


def test_recording_a_paper_petition_needs_the_permission(commune):
    clerk = User.objects.create_user("clerk", password="x-Strong-pass-1", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.petition_record_paper(acting_user=clerk, **PAPER)
    assert not Petition.objects.exists()
