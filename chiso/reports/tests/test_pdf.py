"""Every kind converts to PDF with the real LibreOffice; the first page is kept as a PNG to look at.

`make test` installs LibreOffice (Debian libreoffice-writer-nogui/-calc-nogui) and poppler-utils
first; the PNGs land in var/artifacts/ to be compared by eye with seed 002.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.reports.pdf import PDF_UNAVAILABLE, PdfUnavailable
from chiso.reports.services import default_meta, export_report

from .test_matrix_ranking import ntm, ranking  # noqa: F401  (fixtures)
from .test_report import cqdt  # noqa: F401  (fixture)

META = default_meta(number="05", day=date(2026, 1, 5), signer="Nguyễn Văn An")


def _first_page_png(pdf: bytes, name: str, artifacts) -> None:
    target = artifacts / f"{name}.pdf"
    target.write_bytes(pdf)
    prefix = artifacts / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(target), str(prefix)], check=True, timeout=60)
    png = prefix.with_suffix(".png")
    assert png.stat().st_size > 1000


@pytest.fixture
def needs_libreoffice():
    assert shutil.which("soffice") or shutil.which("libreoffice"), (
        "LibreOffice chưa được cài: chạy `make libreoffice` (hoặc `make test`)"
    )
    assert shutil.which("pdftoppm"), "Thiếu pdftoppm (Debian poppler-utils): chạy `make libreoffice`"


@pytest.mark.parametrize(
    ("kind", "fixture", "period", "unit_attr"),
    [
        ("appendix", "nq17", "2025-01", "province"),
        ("report", "cqdt", "2025", "province"),
        ("matrix", "ntm", "2024", "district"),
        ("ranking", "ranking", "2024", "province"),
    ],
)
def test_every_kind_converts_to_pdf(needs_libreoffice, request, world, artifacts, kind, fixture, period, unit_attr):
    framework = request.getfixturevalue(fixture)
    out = export_report(kind, "pdf", framework, period, unit=getattr(world, unit_attr), meta=META)
    assert out.content.startswith(b"%PDF-")
    assert out.content_type == "application/pdf" and out.filename.endswith(".pdf")
    _first_page_png(out.content, f"{kind}-{framework.code}", artifacts)
    text = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=out.content, capture_output=True,
                          check=True, timeout=60).stdout.decode()
    expected = {
        "appendix": "93,61%",
        "report": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "matrix": "UBND xã Phú Lâm",
        "ranking": "Không xếp hạng",
    }[kind]
    assert expected in text


def test_without_libreoffice_the_cli_fails_with_a_plain_message(nq17, world, settings, tmp_path):
    settings.CHISO_SOFFICE = str(tmp_path / "khong-co-soffice")
    with pytest.raises(PdfUnavailable, match="chưa cài LibreOffice"):
        export_report("appendix", "pdf", nq17, "2025-01", unit=world.province)
    target = tmp_path / "phu-luc.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("export", "--framework", "nq17-2019", "--period", "2025-01", "--unit", "AG",
                     "--kind", "appendix", "--format", "pdf", "-o", str(target))
    assert str(caught.value) == PDF_UNAVAILABLE
    assert not target.exists()
