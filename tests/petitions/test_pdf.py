"""The signature sheets: an Arabic PDF with the petition's identity, numbered rows and page numbers."""

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from petitions import pdf
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "pdf"
# pdftotext marks runs with bidi controls; they and the line breaks say nothing about the content.
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BIDI_AND_SPACE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]+")


def poppler(tool: str, *args: str) -> str:
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing: install poppler-utils (scripts/system-deps test)"
    return subprocess.run([executable, *args], capture_output=True, check=True, timeout=120).stdout.decode()


def flat(text: str) -> str:
    """Return text without bidi controls, whitespace and punctuation, which bidi reordering may move."""
    return re.sub(r"[\W_]+", "", BIDI_AND_SPACE.sub("", unicodedata.normalize("NFC", str(text))))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


@pytest.fixture
def sheets(commune, tmp_path):
    petition = PetitionFactory(
        title="إنارة حي الأمل بالإنارة العمومية",
        request="نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل خلال سنة 2026.",
        agent_name="فاطمة الزهراء العلوي",
        signature_threshold=200,
    )
    content = pdf.signature_sheets_get(petition).content
    path = tmp_path / "sheets.pdf"
    path.write_bytes(content)
    return petition, path


def test_the_sheets_carry_the_petition_and_numbered_rows(sheets):
    petition, path = sheets
    text = BIDI.sub("", poppler("pdftotext", "-enc", "UTF-8", str(path), "-"))
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(path))).group(1))
    page_texts = text.split("\f")[:pages]
    # 200 signatures and a quarter more for those found invalid: 250 rows, numbered on from page to page.
    assert pdf.signature_row_count(petition) == 250
    numbers = [int(n) for n in re.findall(r"^\s*(\d{1,3})\s*$", text, re.M)]
    assert sorted(set(numbers)) == list(range(1, 251))
    with translation.override("ar"):
        columns = [gettext(c) for c in ("Full name", "National ID card number", "Address in the commune", "Signature")]
        page_word = gettext("Page %(page)s of %(pages)s").split("%")[0].strip()
    for number, page_text in enumerate(page_texts, start=1):
        # Every page repeats the petition's identity and the columns, and says "page X of Y".
        assert flat(petition.title) in flat(page_text)
        # Words rather than lines: table headings wrap, and a figure inside Arabic text may come out of
        # pdftotext on the other side of its words.
        for expected in (petition.request, petition.agent_name, "جماعة بني ملال", *columns):
            assert set(words(expected)) <= set(words(page_text)), (number, expected)
        (footer,) = [line for line in page_text.splitlines() if page_word in line]
        assert sorted(int(n) for n in re.findall(r"\d+", footer)) == sorted([number, pages])
    assert set(words("رقم البطاقة الوطنية للتعريف")) <= set(words(text))
    # The whole document is Arabic: the shaped text comes back in logical order, without presentation forms.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)


def test_page_one_as_an_image(sheets):
    _petition, path = sheets
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    poppler(
        "pdftoppm",
        "-f",
        "1",
        "-l",
        "1",
        "-r",
        "80",
        "-png",
        "-singlefile",
        str(path),
        str(ARTIFACTS / "signature-sheets-ar-page-1"),
    )
    assert (ARTIFACTS / "signature-sheets-ar-page-1.png").stat().st_size > 10_000


def test_the_sheets_are_rendered_once_per_version(commune, monkeypatch):
    petition = PetitionFactory(signature_threshold=20)
    renders = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, title: renders.append(title) or real(html, title=title))
    first = pdf.signature_sheets_get(petition)
    assert pdf.signature_sheets_get(petition).etag == first.etag and len(renders) == 1
    petition.title = "عنوان جديد للعريضة بعد التصحيح"
    petition.save()
    assert pdf.signature_sheets_get(petition).etag != first.etag and len(renders) == 2


def test_the_sheets_download(client, commune):
    petition = PetitionFactory(signature_threshold=20)
    address = reverse("petitions:petition-sheets", kwargs={"pk": petition.pk})
    response = client.get(address)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(address, headers={"if-none-match": response.headers["ETag"]}).status_code == 304
    association = PetitionFactory(
        kind="association",
        agent_name="",
        signature_threshold=None,
        association_name="جمعية",
        association_founded_on="2010-01-01",
        association_seat="بني ملال",
        association_representative="محمد",
    )
    assert client.get(reverse("petitions:petition-sheets", kwargs={"pk": association.pk})).status_code == 404
