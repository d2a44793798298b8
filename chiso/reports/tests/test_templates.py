"""The shipped DOCX templates are exactly what scripts/build_report_templates.py makes."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

from chiso.reports.word import BUNDLED

ROOT = Path(__file__).resolve().parents[3]


def _builder():
    spec = importlib.util.spec_from_file_location("build_report_templates", ROOT / "scripts" / "build_report_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["appendix", "report", "matrix", "ranking", "statistics", "dossiers", "documents"])
def test_committed_template_matches_the_script(kind, tmp_path):
    build = _builder()
    build.BUILDERS[kind](tmp_path / f"{kind}.docx")
    fresh = zipfile.ZipFile(tmp_path / f"{kind}.docx")
    shipped = zipfile.ZipFile(BUNDLED / f"{kind}.docx")
    parts = [n for n in fresh.namelist() if n.startswith("word/") and n.endswith(".xml")]
    assert "word/document.xml" in parts
    for name in parts:
        assert fresh.read(name) == shipped.read(name), (
            f"{kind}.docx/{name} khác với kết quả của scripts/build_report_templates.py: hãy chạy lại script"
        )
