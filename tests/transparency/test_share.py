import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageChops, ImageFont, features

from programme.models import Project
from tests.factories import programme_build
from transparency import share

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "share"
TITLE = "تشجيع المنتوج المحلي – منتوجات دارنا – ENABEL 2024 (مرحلة 1)"


@pytest.fixture(autouse=True)
def artifacts_folder():
    # Each test saves its drawing for a person to look at, whichever of them runs alone.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def draw(layout, title=TITLE, language="ar") -> Image.Image:
    png = share.image_draw(
        title=title, eyebrow="جماعة بني ملال", footer="برنامج انفتاح الجماعة", language=language, layout=layout
    )
    return Image.open(io.BytesIO(png)).convert("RGB")


def difference(first: Image.Image, second: Image.Image) -> float:
    """Return the share of pixels that differ clearly between two images."""
    diff = ImageChops.difference(first, second).convert("L").point(lambda value: 255 if value > 64 else 0)
    return sum(diff.histogram()[255:]) / (first.width * first.height)


def bright_pixels(image: Image.Image) -> int:
    return image.convert("L").point(lambda value: 255 if value > 200 else 0).histogram()[255]


def test_both_layouts_shape_arabic_the_same_way():
    basic = draw(ImageFont.Layout.BASIC)
    basic.save(ARTIFACTS / "test-ar-basic.png")
    assert basic.size == (1200, 630)
    # Without reshaping and reordering, the basic layout draws isolated letters left to right: very different.
    unshaped = share.image_draw(title=TITLE, eyebrow="", footer="", language="ar", layout=ImageFont.Layout.BASIC)
    assert unshaped
    if not features.check("raqm"):
        pytest.skip("Pillow is built without libraqm here: only the basic path can be drawn.")
    raqm = draw(ImageFont.Layout.RAQM)
    raqm.save(ARTIFACTS / "test-ar-raqm.png")
    # The same shaped, right-to-left text: the two drawings differ only by anti-aliasing.
    assert difference(raqm, basic) < 0.01


def test_the_basic_layout_needs_reshaping_and_reordering(monkeypatch):
    shaped = draw(ImageFont.Layout.BASIC, title="المدينة الخضراء")
    import arabic_reshaper

    monkeypatch.setattr(arabic_reshaper, "reshape", lambda text: text)
    unshaped = draw(ImageFont.Layout.BASIC, title="المدينة الخضراء")
    unshaped.save(ARTIFACTS / "test-ar-basic-unshaped.png")
    assert difference(shaped, unshaped) > 0.005


def test_raqm_path_never_imports_the_reshaper(monkeypatch):
    if not features.check("raqm"):
        pytest.skip("Pillow is built without libraqm here.")
    import sys

    monkeypatch.setitem(sys.modules, "arabic_reshaper", None)
    monkeypatch.setitem(sys.modules, "bidi", None)
    assert draw(ImageFont.Layout.RAQM).size == (1200, 630)


def test_french_images_are_left_aligned():
    image = draw(None, title="Changer la culture et le comportement du citoyen", language="fr")
    image.save(ARTIFACTS / "test-fr.png")
    left, right = image.crop((0, 190, 600, 420)), image.crop((600, 190, 1200, 420))
    ink = [bright_pixels(part) for part in (left, right)]
    assert ink[0] > ink[1]


def test_arabic_images_are_right_aligned():
    image = draw(None, title="المدينة الخضراء")
    left, right = image.crop((0, 190, 600, 420)), image.crop((600, 190, 1200, 420))
    ink = [bright_pixels(part) for part in (left, right)]
    assert ink[0] == 0 < ink[1]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_each_project_has_a_share_image_in_its_language(client, language):
    programme_build()
    project = Project.objects.get(slug="project-1")
    with translation.override(language):
        path = reverse("programme:project-share", kwargs={"slug": project.slug})
        page = reverse("programme:project-detail", kwargs={"slug": project.slug})
    response = client.get(path)
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    html = client.get(page).content.decode()
    assert f'<meta property="og:image" content="http://testserver{path}">' in html
    title = project.title_ar if language == "ar" else project.title_fr
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta property="og:locale" content="{language}_MA">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:url" content="http://testserver{page}">' in html


@pytest.mark.parametrize(
    "name",
    [
        "programme:home",
        "programme:project-list",
        "transparency:open-data",
        "consultations:round-list",
        "petitions:petition-list",
        "budgets:year-list",
    ],
)
def test_every_page_has_open_graph_and_twitter_tags(client, name):
    programme_build()
    html = client.get(reverse(name)).content.decode()
    head = html[: html.index("</head>")]
    for tag in ("og:title", "og:description", "og:url", "og:image", "og:locale", "og:site_name"):
        assert re.search(rf'<meta property="{tag}" content="[^"]+">', head), tag
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert 'content="http://testserver/ar/share.png"' in head
    assert client.get("/ar/share.png")["Content-Type"] == "image/png"
