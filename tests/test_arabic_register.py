"""The Arabic catalogue speaks to citizens in one register and counts in Arabic (docs/glossary.md).

One register: the respectful plural (أدخلوا، معطياتكم) or the impersonal "يرجى + مصدر", never the masculine
singular. Counting: after a number, ngettext chooses the noun's form; a fixed "200 توقيعا" is wrong for 200.
"""

import re

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext

from openmun.templatetags.formfields import label_plain
from programme.models import Commune

LETTER = "\u0620-\u064a"
CATALOGUE = polib.pofile(str(settings.BASE_DIR / "locale" / "ar" / "LC_MESSAGES" / "django.po"))

# Words that address one man: possessives of the second person singular, and imperatives opening a sentence.
SINGULAR_WORDS = (
    "بريدك",
    "معطياتك",
    "اسمك",
    "تصويتك",
    "مقترحك",
    "اختيارك",
    "فكرتك",
    "عريضتك",
    "يمكنك",
    "لديك",
    "إليك",
    "حيك",
    "لحيك",
    "تأكيدك",
)
SINGULAR_IMPERATIVES = (
    "اختر",
    "أدخل",
    "اكتب",
    "أكد",
    "احذف",
    "اقترح",
    "افتح",
    "ابحث",
    "ضع",
    "أرسل",
    "تفقد",
    "اطلع",
    "استفسر",
    "راجع",
    "اترك",
    "صحح",
    "اذكر",
    "انشر",
    "حمل",
    "اضغط",
    "انقر",
)
POSSESSIVE = re.compile(rf"(?<![{LETTER}])(?:{'|'.join(SINGULAR_WORDS)})(?![{LETTER}])")
IMPERATIVE = re.compile(rf"(?:^|[.:؛!؟،(]\s*)(?:و|ف)?(?:{'|'.join(SINGULAR_IMPERATIVES)})(?![{LETTER}])")
# A number, then a word in the accusative singular (توقيعا، حرفا): right for 11 to 99 only, the plural form 4.
ACCUSATIVE_AFTER_NUMBER = re.compile(rf"(?:%\(\w+\)[sd]|%[sd]|(?<![\d.,])\d+)\s+([{LETTER}]{{3,}}ا)(?![{LETTER}])")
NOT_A_NOUN = {"فما", "ولا", "كما", "إذا", "أيضا", "منها", "فيها", "بها", "لها", "عنها", "هذا", "بدءا"}


def translations(entry: polib.POEntry) -> dict:
    return {None: entry.msgstr} if not entry.msgid_plural else entry.msgstr_plural


def test_the_arabic_catalogue_never_addresses_one_man():
    found = [
        (entry.msgid, text)
        for entry in CATALOGUE
        for text in translations(entry).values()
        if POSSESSIVE.search(text) or IMPERATIVE.search(text)
    ]
    assert found == []


def test_the_arabic_catalogue_separates_arabic_words_with_the_arabic_comma():
    latin_comma = re.compile(rf"[{LETTER}][)»]?\s*,\s*[«(]?[{LETTER}]")
    found = [
        (entry.msgid, text) for entry in CATALOGUE for text in translations(entry).values() if latin_comma.search(text)
    ]
    assert found == []


def test_a_number_takes_the_accusative_singular_only_in_the_form_for_11_to_99():
    found = []
    for entry in CATALOGUE:
        for form, text in translations(entry).items():
            words = {match.group(1) for match in ACCUSATIVE_AFTER_NUMBER.finditer(text)} - NOT_A_NOUN
            if words and form != 4:
                found.append((entry.msgid, form, sorted(words)))
    assert found == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "توقيع واحد مطلوب"), (2, "توقيعين مطلوبين"), (3, "3 توقيعات مطلوبة"), (15, "15 توقيعا مطلوبا")]
    + [(threshold, f"{threshold} توقيع مطلوب") for threshold in (100, 200, 400)],
)
def test_the_signature_threshold_agrees_with_its_number(count, expected):
    with translation.override("ar"):
        text = ngettext("%(threshold)s signature required", "%(threshold)s signatures required", count)
    assert text % {"threshold": count} == expected


def test_django_form_errors_use_the_portal_register():
    with translation.override("ar"):
        assert gettext("This field is required.") == "يرجى ملء هذا الحقل."
        assert gettext("Enter a valid email address.") == "يرجى إدخال عنوان بريد إلكتروني صحيح."
        too_long = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            200,
        )
    assert too_long % {"limit_value": 200, "show_value": 230} == "يرجى ألا يتجاوز النص 200 حرف (عدد حروفه حاليا: 230)."


@pytest.mark.parametrize(("label", "plain"), [("Your name", "Your name"), ("الاسم:", "الاسم"), ("I agree.", "I agree")])
def test_the_error_summary_adds_its_colon_to_a_bare_label(label, plain):
    assert label_plain(label) == plain


def test_the_dates_of_a_project_leave_no_space_before_the_colon_of_its_schedule_note():
    # The printed schedule writes "dates: note" right after the include.
    text = Template('{% include "programme/_dates.html" %}: note').render(Context({"project": None}))
    assert not re.search(r"\s:", text)


def test_the_footer_joins_the_commune_and_its_region_with_the_arabic_comma():
    commune = Commune(name_ar="جماعة بني ملال", region_ar="جهة بني ملال - خنيفرة")
    with translation.override("ar"):
        html = render_to_string("includes/footer.html", {"commune": commune})
    assert "<p>جماعة بني ملال، جهة بني ملال - خنيفرة</p>" in html
