import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from consultations import services
from consultations.models import Comment, Contribution
from moderation import services as moderation_services
from moderation.models import Moderated
from tests.consultations.factories import CommentFactory, ContributionFactory

pytestmark = pytest.mark.django_db


def submit(consultation_round, **kwargs):
    kwargs.setdefault("text", "نقترح إحداث مساحات خضراء قرب المدارس")
    return services.contribution_submit(consultation_round=consultation_round, **kwargs)


def test_a_contribution_waits_for_review_by_default(consultation_round):
    contribution = submit(consultation_round, display_name=" فاطمة ", email="f@example.ma ")
    assert contribution.status == Moderated.Status.PENDING
    assert contribution.channel == Contribution.Channel.ONLINE
    assert (contribution.display_name, contribution.email) == ("فاطمة", "f@example.ma")
    assert contribution.fingerprint


@override_settings(OPENMUN_MODERATION_PUBLISH_FIRST=True)
def test_publish_first_publishes_at_once(consultation_round):
    assert submit(consultation_round).status == Moderated.Status.PUBLISHED


def test_a_project_gives_its_axis(consultation_round, programme):
    project = programme.projects.get(number=2)
    contribution = submit(consultation_round, project=project)
    assert contribution.axis == project.axis


def test_a_closed_round_refuses_contributions(closed_round):
    with pytest.raises(ValidationError) as error:
        submit(closed_round)
    assert error.value.code == "round_closed"
    assert not Contribution.objects.exists()


def test_the_same_text_is_refused_twice_even_restyled(consultation_round):
    submit(consultation_round, text="نقترح إحداث مساحات خضراء قرب المدارس")
    with pytest.raises(ValidationError) as error:
        submit(consultation_round, text="  نقترح احداث مساحات خضراء   قرب المدارس!")
    assert error.value.code == "duplicate"
    assert Contribution.objects.count() == 1


def test_a_duplicate_is_detected_even_when_the_cache_forgot(consultation_round):
    from django.core.cache import cache

    submit(consultation_round)
    cache.clear()
    with pytest.raises(ValidationError):
        submit(consultation_round)


def test_the_service_refuses_what_the_form_would(consultation_round):
    for text, code in [
        ("<script>alert(1)</script> et du texte", "html"),
        ("court", "min_length"),
        ("أ" * 2001, "max_length"),
    ]:
        with pytest.raises(ValidationError) as error:
            submit(consultation_round, text=text)
        assert error.value.error_dict["text"][0].code == code


def test_staff_record_paper_contributions_published(moderator, closed_round):
    when = timezone.make_aware(datetime.datetime(2023, 7, 11, 10))
    contribution = services.contribution_record(
        consultation_round=closed_round,
        channel=Contribution.Channel.PAPER,
        text="تنظيم حملات تحسيسية في الأسواق",
        created_at=when,
        acting_user=moderator,
    )
    assert contribution.status == Moderated.Status.PUBLISHED
    assert contribution.recorded_by == moderator and contribution.moderated_by == moderator
    assert contribution.created_at == when
    assert LogEntry.objects.filter(object_id=str(contribution.pk), user=moderator).exists()


def test_recording_needs_the_permission(clerk, closed_round):
    with pytest.raises(PermissionDenied):
        services.contribution_record(
            consultation_round=closed_round, channel="paper", text="تنظيم حملات تحسيسية في الأسواق", acting_user=clerk
        )


def test_answering_keeps_a_moderation_decision_taken_meanwhile(moderator, consultation_round, programme):
    contribution = submit(consultation_round)
    stale = Contribution.objects.get(pk=contribution.pk)
    moderation_services.item_moderate(item=contribution, decision=Moderated.Status.PUBLISHED, acting_user=moderator)
    project = programme.projects.get(number=1)
    services.contribution_answer(
        contribution=stale,
        outcome=Contribution.Outcome.TAKEN,
        outcome_project=project,
        answers={"ar": "أدرجت في نشاط الغرس."},
        acting_user=moderator,
    )
    contribution.refresh_from_db()
    assert contribution.status == Moderated.Status.PUBLISHED
    assert contribution.outcome_project == project
    assert contribution.answer_ar == "أدرجت في نشاط الغرس."
    assert contribution.answered_by == moderator


def test_each_outcome_is_validated(moderator, consultation_round):
    contribution = submit(consultation_round)
    with pytest.raises(ValidationError):
        services.contribution_answer(
            contribution=contribution, outcome=Contribution.Outcome.TAKEN, acting_user=moderator
        )
    with pytest.raises(ValidationError):
        services.contribution_answer(
            contribution=contribution,
            outcome=Contribution.Outcome.NOT_RETAINED,
            answers={"ar": "", "fr": ""},
            acting_user=moderator,
        )
    other = submit(consultation_round, text="إصلاح الإنارة العمومية في الحي بسرعة")
    services.contribution_answer(
        contribution=contribution, outcome=Contribution.Outcome.MERGED, merged_into=other, acting_user=moderator
    )
    assert Contribution.objects.get(pk=contribution.pk).merged_into == other
    services.contribution_answer(
        contribution=contribution, outcome=Contribution.Outcome.OUT_OF_SCOPE, merged_into=other, acting_user=moderator
    )
    # A target that no longer applies is dropped.
    assert Contribution.objects.get(pk=contribution.pk).merged_into is None


def test_moderation_publishes_or_hides_with_a_reason(moderator, programme):
    comment = CommentFactory(project=programme.projects.first(), status=Moderated.Status.PENDING, report_count=2)
    comment = moderation_services.item_moderate(
        item=comment, decision=Moderated.Status.PUBLISHED, acting_user=moderator
    )
    assert comment.status == Moderated.Status.PUBLISHED and comment.report_count == 0
    assert comment.moderated_by == moderator and comment.moderated_at is not None
    with pytest.raises(ValidationError) as error:
        moderation_services.item_moderate(
            item=comment, decision=Moderated.Status.HIDDEN, reason="  ", acting_user=moderator
        )
    assert error.value.code == "reason_required"
    comment = moderation_services.item_moderate(
        item=comment, decision=Moderated.Status.HIDDEN, reason="إساءة", acting_user=moderator
    )
    assert comment.status == Moderated.Status.HIDDEN and comment.moderation_reason == "إساءة"
    with pytest.raises(ValidationError):
        moderation_services.item_moderate(item=comment, decision="deleted", acting_user=moderator)


def test_moderation_needs_the_permission(clerk, programme):
    comment = CommentFactory(project=programme.projects.first(), status=Moderated.Status.PENDING)
    with pytest.raises(PermissionDenied):
        moderation_services.item_moderate(item=comment, decision=Moderated.Status.PUBLISHED, acting_user=clerk)


def test_bulk_moderation_is_all_or_nothing(moderator, programme, consultation_round):
    items = [
        CommentFactory(project=programme.projects.first(), status=Moderated.Status.PENDING),
        ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING),
    ]
    assert (
        moderation_services.items_moderate(items=items, decision=Moderated.Status.PUBLISHED, acting_user=moderator) == 2
    )
    with pytest.raises(ValidationError):
        moderation_services.items_moderate(items=items, decision=Moderated.Status.HIDDEN, acting_user=moderator)
    assert all(type(i).objects.get(pk=i.pk).status == Moderated.Status.PUBLISHED for i in items)


@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=3)
def test_reports_bring_an_item_back_for_review(programme):
    comment = CommentFactory(project=programme.projects.first())
    moderation_services.item_report(item=comment)
    moderation_services.item_report(item=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Moderated.Status.PUBLISHED, 2)
    assert comment in Comment.objects.for_review()
    moderation_services.item_report(item=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Moderated.Status.PENDING, 3)
    with pytest.raises(ValidationError):
        moderation_services.item_report(item=comment)


def test_official_replies_are_published_at_once_and_cannot_be_reported(moderator, programme):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(comment=comment, texts={"ar": "يبدأ الغرس في الخريف."}, acting_user=moderator)
    assert reply.is_official and reply.status == Moderated.Status.PUBLISHED and reply.author == moderator
    with pytest.raises(ValidationError):
        moderation_services.item_report(item=reply)
    with pytest.raises(ValidationError):
        services.comment_reply(comment=reply, texts={"ar": "رد على رد"}, acting_user=moderator)


def test_replying_needs_the_permission(clerk, programme):
    comment = CommentFactory(project=programme.projects.first())
    with pytest.raises(PermissionDenied):
        services.comment_reply(comment=comment, texts={"ar": "رد"}, acting_user=clerk)


def test_comments_are_checked_like_contributions(programme):
    project = programme.projects.first()
    comment = services.comment_post(
        project=project, text="متى يبدأ المشروع؟", display_name="يوسف", email="y@example.ma"
    )
    assert comment.status == Moderated.Status.PENDING and not comment.is_official
    with pytest.raises(ValidationError):
        services.comment_post(project=project, text="متى  يبدأ المشروع")
    # The same question on another project is not a duplicate.
    services.comment_post(project=programme.projects.exclude(pk=project.pk).first(), text="متى يبدأ المشروع؟")


def test_purge_erases_contact_details_after_the_retention_and_keeps_the_text(programme, consultation_round):
    now = timezone.now()
    old = ContributionFactory(round=consultation_round, created_at=now - datetime.timedelta(days=400))
    recent = ContributionFactory(round=consultation_round, created_at=now - datetime.timedelta(days=10))
    old_comment = CommentFactory(project=programme.projects.first(), created_at=now - datetime.timedelta(days=400))
    counts = moderation_services.personal_data_purge(before=now - datetime.timedelta(days=365))
    # The follows never confirmed and the followers' old news are purged in the same pass (following/services.py).
    assert counts == {"contribution": 1, "comment": 1, "proposal": 0, "unconfirmed follow": 0, "news": 0}
    old.refresh_from_db()
    recent.refresh_from_db()
    old_comment.refresh_from_db()
    assert (old.display_name, old.email, old_comment.display_name, old_comment.email) == ("", "", "", "")
    assert old.text and old_comment.text
    assert recent.email and recent.display_name
    # Nothing left to erase the second time.
    assert moderation_services.personal_data_purge(before=now - datetime.timedelta(days=365)) == {
        "contribution": 0,
        "comment": 0,
        "proposal": 0,
        "unconfirmed follow": 0,
        "news": 0,
    }


def test_an_official_reply_in_both_languages(moderator, programme):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(
        comment=comment,
        texts={"ar": " يبدأ الغرس في الخريف. ", "fr": "Les plantations commencent en automne."},
        acting_user=moderator,
    )
    reply.refresh_from_db()
    assert reply.official_texts() == {"ar": "يبدأ الغرس في الخريف.", "fr": "Les plantations commencent en automne."}
    # The text as first written, for the admin's lists, the exports and the logs.
    assert reply.text == "يبدأ الغرس في الخريف."


def test_an_official_reply_needs_one_language(moderator, programme):
    comment = CommentFactory(project=programme.projects.first())
    with pytest.raises(ValidationError) as error:
        services.comment_reply(comment=comment, texts={"ar": " ", "fr": ""}, acting_user=moderator)
    assert error.value.code == "reply_required"
    assert not Comment.objects.filter(parent=comment).exists()


def test_a_reply_in_french_only_is_kept_in_french(moderator, programme):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(comment=comment, texts={"fr": "Au printemps."}, acting_user=moderator)
    reply.refresh_from_db()
    assert (reply.official_text_ar or "", reply.official_text_fr, reply.text) == ("", "Au printemps.", "Au printemps.")


def test_staff_add_a_language_to_a_reply(moderator, programme):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(comment=comment, texts={"ar": "في الربيع."}, acting_user=moderator)
    services.comment_reply_update(reply=reply, texts={"ar": "في الربيع.", "fr": "Au printemps."}, acting_user=moderator)
    reply.refresh_from_db()
    assert reply.official_texts() == {"ar": "في الربيع.", "fr": "Au printemps."}
    assert Comment.objects.filter(parent=comment).count() == 1
    with pytest.raises(ValidationError):
        services.comment_reply_update(reply=reply, texts={"ar": "", "fr": ""}, acting_user=moderator)
    with pytest.raises(ValidationError):
        services.comment_reply_update(reply=comment, texts={"ar": "رد"}, acting_user=moderator)


def test_changing_a_reply_needs_the_permission(moderator, clerk, programme):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(comment=comment, texts={"ar": "في الربيع."}, acting_user=moderator)
    with pytest.raises(PermissionDenied):
        services.comment_reply_update(reply=reply, texts={"ar": "رد آخر"}, acting_user=clerk)
