"""Benchmark certificate rendering: 100 Chinese certificates in one process, without the database.

Prints the median seconds per certificate, the ratio to the same template filled with ASCII-only text, and the
growth of the resident memory over the run. Targets on this machine: median under 0.3 s, CJK/ASCII ratio under 2,
growth under 50 MB per 100. The timings are reported, not judged: the script exits non-zero only on errors.

    .venv/bin/python bench/certificates.py [--count 100]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

# Run as a plain script from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.utils.translation import override  # noqa: E402

from applications.pdf import pdf_text_and_fonts, render_pdf  # noqa: E402
from decisions.certificates import TEMPLATE, certificate_context, release_memory  # noqa: E402
from decisions.models import Certificate  # noqa: E402

TARGET_MEDIAN = 0.3
TARGET_RATIO = 2.0
TARGET_GROWTH_MB = 50.0
WARM_UP = 3
COMMAND = ".venv/bin/python bench/certificates.py --count 100"

CJK = {
    "title": "威海市市长质量奖",
    "winner_name": "李质量",
    "unit_name": "威海港务集团有限公司",
    "edition_title": "2026年度",
    "issuing_body": "威海市质量强市及品牌战略推进工作领导小组",
}
ASCII = {
    "title": "Weihai Mayor's Quality Award",
    "winner_name": "Li Zhiliang",
    "unit_name": "Weihai Port Group Co., Ltd.",
    "edition_title": "2026",
    "issuing_body": "Weihai Quality and Brand Strategy Leading Group",
}


def certificate(i: int, text: dict) -> Certificate:
    """An unsaved certificate: the template reads attributes only, so no database row is needed."""
    return Certificate(
        number=f"WH-2026-U-{i:03d}",
        token=f"bench{i:017d}",
        issued_on=date(2026, 9, 28),
        **{**text, "winner_name": f"{text['winner_name']}{i}"},
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def render(i: int, text: dict, language: str) -> tuple[float, bytes]:
    context = certificate_context(certificate(i, text))
    started = time.perf_counter()
    with override(language):
        data = render_pdf(TEMPLATE, context)
    elapsed = time.perf_counter() - started
    return elapsed, data


def run(count: int, text: dict, language: str) -> list[float]:
    times = []
    for i in range(1, count + 1):
        elapsed, _data = render(i, text, language)
        release_memory()  # as certificate_render does after each document
        times.append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    # WeasyPrint logs seven progress steps per document at INFO; the figures are what this script is for.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    # Warm-up outside the measurement: the first render loads Pango, HarfBuzz and the font files.
    _elapsed, sample = render(0, CJK, "zh-hans")
    text, fonts = pdf_text_and_fonts(sample)
    if "李质量0" not in text.replace("\n", "") or not any("CJK" in f for f in fonts):
        print(f"error: the sample certificate lost its Chinese text or CJK font (fonts: {fonts})", file=sys.stderr)
        return 1
    run(WARM_UP, CJK, "zh-hans")
    run(WARM_UP, ASCII, "en")

    rss_before = rss_mb()
    cjk = run(args.count, CJK, "zh-hans")
    rss_after = rss_mb()
    ascii_times = run(args.count, ASCII, "en")

    median_cjk = statistics.median(cjk)
    median_ascii = statistics.median(ascii_times)
    ratio = median_cjk / median_ascii
    growth = rss_after - rss_before
    per_100 = growth * 100 / args.count

    def verdict(ok: bool) -> str:
        return "within target" if ok else "OVER TARGET"

    print(f"certificates rendered: {args.count} Chinese + {args.count} ASCII ({WARM_UP} warm-up each, not counted)")
    print(f"embedded fonts: {', '.join(fonts)}")
    print(
        f"median per certificate (Chinese): {median_cjk:.3f} s  "
        f"[p90 {statistics.quantiles(cjk, n=10)[-1]:.3f} s]  "
        f"target < {TARGET_MEDIAN} s: {verdict(median_cjk < TARGET_MEDIAN)}"
    )
    print(f"median per certificate (ASCII):   {median_ascii:.3f} s")
    print(f"CJK/ASCII ratio: {ratio:.2f}  target < {TARGET_RATIO}: {verdict(ratio < TARGET_RATIO)}")
    print(
        f"RSS {rss_before:.1f} MB -> {rss_after:.1f} MB over the Chinese run: growth {growth:+.1f} MB "
        f"({per_100:+.1f} MB per 100)  target < {TARGET_GROWTH_MB} MB per 100: {verdict(per_100 < TARGET_GROWTH_MB)}"
    )
    print(f"reproduce: {COMMAND}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
