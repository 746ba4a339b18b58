"""HTML to PDF with WeasyPrint, for documents that must show Chinese: the application form in the package.

WeasyPrint draws a missing glyph as an empty box and says nothing, so a machine without a CJK font would hand
out forms no one can read. `render_pdf` refuses instead, naming the Debian package to install.
"""

import io
import subprocess
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader

CJK_FONT_PACKAGE = "fonts-noto-cjk"


@lru_cache(maxsize=1)
def cjk_font_families() -> tuple[str, ...]:
    """The font families fontconfig offers for Chinese; asked once per process."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"],  # noqa: S607 - fontconfig's own tool, found on PATH like WeasyPrint's
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in listed.stdout.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


@lru_cache(maxsize=1)
def _font_configuration():
    """One font configuration per process: a new one per render leaks memory (measured by bench/certificates.py),
    and sharing it is safe while the templates declare no @font-face."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def ensure_cjk_font() -> None:
    if not cjk_font_families():
        raise RuntimeError(
            "No font with Chinese glyphs is installed, so a PDF would show empty boxes instead of Chinese text. "
            f"Install the Debian package {CJK_FONT_PACKAGE} (apt-get install {CJK_FONT_PACKAGE}) and restart."
        )


def may_fetch(url: str) -> bool:
    """Whether a PDF may load `url`: inline data and files under the project's static folders, nothing else. The
    form shows text typed by applicants, and the renderer must never be made to reach the network or the disk."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path.is_relative_to(Path(folder).resolve()) for folder in settings.STATICFILES_DIRS)


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not may_fetch(url):
                raise ValueError(f"refused to fetch {url!r} while rendering a PDF")
            return super().fetch(url, headers)

    return StaticOnlyFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes. Raises RuntimeError when no CJK font is installed."""
    ensure_cjk_font()
    # Imported here: WeasyPrint loads Pango and HarfBuzz on import, which only the export views need.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    font_config = _font_configuration()
    fetcher = _fetcher_class()(allowed_protocols={"data", "file"}, allow_redirects=False)
    document = HTML(string=html, base_url=f"{Path(settings.BASE_DIR).as_uri()}/", url_fetcher=fetcher)
    return document.write_pdf(font_config=font_config)


def _base_font_names(page) -> list[str]:
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return []
    names = []
    for font in fonts.get_object().values():
        base = str(font.get_object().get("/BaseFont", ""))
        # Embedded subsets are named "ABCDEF+Family-Style"; the prefix only tells subsets apart.
        names.append(base.lstrip("/").split("+", 1)[-1])
    return names


def pdf_text_and_fonts(data: bytes) -> tuple[str, list[str]]:
    """The text of a PDF and the names of the fonts its pages use, without subset prefixes (for tests)."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    fonts = sorted({name for page in reader.pages for name in _base_font_names(page) if name})
    return text, fonts
