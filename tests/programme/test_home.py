"""The home page's "participate now" block: what is open today in each app, or what comes next and how to follow it."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from budgets.models import Phase
from moderation.models import Moderated
from openmun.formatting import french_typography
from openmun.templatetags.openmun import fdate
from petitions.models import Petition
from tests.budgets.factories import cycle_build
from tests.consultations.factories import ContributionFactory, RoundFactory
from tests.factories import programme_build
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2027, 3, 10, 10, 0), tick=False):
        yield TODAY


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def home(client, language: str) -> str:
    with translation.override(language):
        response = client.get(reverse("programme:home"))
    assert response.status_code == 200
    return response.content.decode()


def block(html: str) -> str:
    """Return the participate-now block of the home page."""
    return html[html.index('<section class="participate"') : html.index('id="figures-title"')]


def text(language: str, message: str, **params) -> str:
    """Return the message as the page shows it: translated (templates do not escape it), with its safe values,
    and in French with its typography."""
    with translation.override(language):
        shown = gettext(message) % params if params else gettext(message)
    return french_typography(shown) if language == "fr" else shown


def date(language: str, value: datetime.date) -> str:
    with translation.override(language):
        return fdate(value)


@pytest.fixture
def everything_open(db):
    """An open round, a cycle in its vote, two petitions gathering support, a session in May."""
    programme = programme_build()
    RoundFactory(programme=programme, slug="closed-2023", number=1, opens_on=day(-400), closes_on=day(-390))
    consultation_round = RoundFactory(
        programme=programme, slug="open-now", number=2, opens_on=day(-5), closes_on=day(20), title_fr="Série ouverte"
    )
    ContributionFactory.create_batch(3, round=consultation_round)
    ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING)
    cycle = cycle_build(current=Phase.Kind.VOTE, slug="pb-2027", title_fr="Budget participatif 2027")
    PetitionFactory(title="إنارة حي الأمل ليلا", support_count=41, published_on=day(-20))
    PetitionFactory(title="تهيئة حديقة حي السلام", support_count=7, published_on=day(-3))
    # Not gathering support: deposited, or waiting for its pre-check.
    PetitionFactory(title="عريضة مودعة لدى الرئيس", state=Petition.State.DEPOSITED, deposited_on=day(-30))
    PetitionFactory(title="عريضة في انتظار الفحص", status=Moderated.Status.PENDING, published_on=None)
    CouncilSessionFactory(slug="2026-10-ordinary", period_start=datetime.date(2026, 10, 1), title_fr="Session passée")
    session = CouncilSessionFactory(
        slug="2027-05-ordinary",
        period_start=datetime.date(2027, 5, 1),
        period_end=datetime.date(2027, 5, 7),
        title_fr="Session ordinaire de mai 2027",
    )
    return {"round": consultation_round, "cycle": cycle, "session": session}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_home_page_shows_what_is_open_today(client, everything_open, language):
    html = home(client, language)
    participate = block(html)
    # Near the top: right after the programme's introduction, before its figures.
    assert html.index('id="participate-title"') < html.index('id="figures-title"')
    assert text(language, "Participate now") in participate
    assert text(language, "Nothing is open for participation today.")[:20] not in participate
    consultation_round, cycle, session = everything_open["round"], everything_open["cycle"], everything_open["session"]
    with translation.override(language):
        round_title, cycle_title, session_title = consultation_round.title, cycle.title, session.title
        contribute = reverse("consultations:contribution-create", kwargs={"slug": "open-now"})
        vote = reverse("budgets:voter-create", kwargs={"slug": "pb-2027"})
        gathering = reverse("petitions:petition-list") + "?state=published"
    # The open round, its closing date and its published contributions (the pending one is not counted).
    assert round_title in participate and f'href="{contribute}"' in participate
    assert text(language, "Open until %(date)s", date=date(language, day(20))) in participate
    with translation.override(language):
        published = ngettext("%(count)s contribution published", "%(count)s contributions published", 3)
    assert published % {"count": '<bdi dir="ltr">3</bdi>'} in participate
    assert "closed-2023" not in participate
    # The budget's vote, with what the citizen can do in it and until when.
    assert cycle_title in participate and f'href="{vote}"' in participate
    assert date(language, cycle.phase_get(Phase.Kind.VOTE).ends_on) in participate
    # The petitions gathering support, newest first, with their counts; none of the others.
    assert participate.index("تهيئة حديقة حي السلام") < participate.index("إنارة حي الأمل ليلا")
    assert 'value="41"' in participate and 'value="7"' in participate
    assert "عريضة مودعة" not in participate and "انتظار الفحص" not in participate
    assert gathering not in participate  # both are shown: no link to "all of them"
    # The council's next session, not the past one.
    assert session_title in participate and "2026-10-ordinary" not in participate
    assert date(language, datetime.date(2027, 5, 1)) in participate


def test_sections_where_a_citizen_can_act_come_first(client, db):
    programme = programme_build()
    # The consultations have nothing open; the petitions have one gathering support.
    RoundFactory(programme=programme, slug="later", opens_on=day(30), closes_on=day(60))
    PetitionFactory(title="إنارة حي الأمل ليلا")
    participate = block(home(client, "fr"))
    assert participate.index('id="participate-petitions"') < participate.index('id="participate-consultations"')
    assert participate.index('id="participate-consultations"') < participate.index('id="participate-council"')


def test_many_petitions_show_the_newest_and_a_link_to_all(client, db):
    programme_build()
    for index in range(5):
        PetitionFactory(title=f"عريضة رقم {index} حول الإنارة", published_on=day(-10 + index))
    participate = block(home(client, "fr"))
    assert "عريضة رقم 4" in participate and "عريضة رقم 2" in participate and "عريضة رقم 1" not in participate
    assert '<bdi dir="ltr">5</bdi> pétitions recueillent des soutiens en ligne.' in participate
    assert 'href="/fr/petitions/?state=published"' in participate


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_when_nothing_is_open_the_block_says_what_comes_next_and_how_to_follow_it(client, db, language):
    programme = programme_build()
    RoundFactory(programme=programme, slug="closed", number=1, opens_on=day(-100), closes_on=day(-90))
    next_round = RoundFactory(
        programme=programme, slug="next", number=2, opens_on=day(21), closes_on=day(50), title_fr="Prochaine série"
    )
    RoundFactory(programme=programme, slug="after", number=3, opens_on=day(80), closes_on=day(90))
    # A cycle whose phases are all to come, the first (information) in a week.
    cycle = cycle_build(current=None, slug="pb-next", proposals=0)
    for phase in cycle.phases.all():
        phase.starts_on += datetime.timedelta(days=80)
        phase.ends_on += datetime.timedelta(days=80)
        phase.save()
    first = cycle.phases.order_by("starts_on").first()
    assert first.starts_on > TODAY
    session = CouncilSessionFactory(slug="2027-05-ordinary", period_start=datetime.date(2027, 5, 1))
    participate = block(home(client, language))
    nothing_open = "Nothing is open for participation today. Here is what comes next, and how to hear of it."
    assert text(language, nothing_open) in participate
    with translation.override(language):
        assert next_round.title in participate and "/after/" not in participate
        assert session.title in participate
        assert reverse("transparency:feed", kwargs={"slug": "all"}) in participate
        assert reverse("transparency:calendar") in participate
        assert reverse("council:session-ical") in participate
        first_kind = str(first.get_kind_display())
    assert date(language, day(21)) in participate
    next_step = text(
        language, "Next step: %(phase)s, from %(date)s.", phase=first_kind, date=date(language, first.starts_on)
    )
    assert next_step in participate
    # No button to act: nothing is open.
    assert "participate-card__action" not in participate
    assert "participate-card--open" not in participate


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_with_no_round_cycle_petition_or_session_each_part_says_so(client, db, language):
    programme_build()
    participate = block(home(client, language))
    for message in (
        "No consultation round is open or announced at the moment.",
        "No participatory budget cycle is under way or announced at the moment.",
        "No petition gathers support at the moment. Citizens and associations may submit one to the council at any "
        "time.",
        "The council's next session has not been announced yet.",
    ):
        assert text(language, message) in participate


def test_a_cycle_in_its_review_says_what_comes_next_without_a_button(client, db):
    programme_build()
    cycle = cycle_build(current=Phase.Kind.REVIEW, slug="pb-review")
    participate = block(home(client, "fr"))
    vote = cycle.phase_get(Phase.Kind.VOTE)
    assert text("fr", "Nothing is open for participation today. Here is what comes next, and how to hear of it.") in (
        participate
    )
    assert text("fr", "Next step: %(phase)s, from %(date)s.", phase="vote", date=date("fr", vote.starts_on)) in (
        participate
    )
    assert "/vote/" not in participate and "/propose/" not in participate


def test_unpublished_and_finished_cycles_are_not_shown(client, db):
    programme_build()
    cycle_build(current=Phase.Kind.VOTE, slug="hidden", is_published=False, title_fr="Cycle caché")
    cycle_build(current=None, slug="over", title_fr="Cycle terminé")
    participate = block(home(client, "fr"))
    assert "Cycle caché" not in participate and "Cycle terminé" not in participate


def test_the_home_page_costs_a_fixed_number_of_queries_whatever_is_open(assert_queries_fixed, db):
    programme = programme_build()
    RoundFactory(programme=programme, opens_on=day(-1), closes_on=day(5))
    cycle_build(current=Phase.Kind.VOTE, proposals=2)
    PetitionFactory()
    CouncilSessionFactory(period_start=datetime.date(2027, 5, 1))

    def grow():
        for index in range(10):
            round_ = RoundFactory(programme=programme, opens_on=day(-index), closes_on=day(index + 1))
            ContributionFactory(round=round_)
            RoundFactory(programme=programme, opens_on=day(index + 3), closes_on=day(index + 30))
            cycle_build(current=Phase.Kind.PROPOSALS, proposals=1)
            PetitionFactory()
            CouncilSessionFactory(period_start=datetime.date(2027, 6 + index % 6, 1 + index))

    with translation.override("ar"):
        url = reverse("programme:home")
    # The programme's own reads, and the sections': consultations 1, budget 2 (cycles, phases), petitions 1, council 1.
    assert_queries_fixed(url, grow=grow, limit=13)
