"""The one vocabulary: every code has a word, in Vietnamese and in English, and nobody else defines them."""

import re
from pathlib import Path

from django.utils import translation

from chiso.assessments.models import SUBMISSION_STATUS_CHOICES
from chiso.engine.forecast import VERDICTS as FORECAST_VERDICTS
from chiso.engine.model import LEVELS, STATUSES
from chiso.results import vocabulary as v

CHISO = Path(__file__).resolve().parents[2]


def test_every_engine_code_has_a_word_and_a_mark():
    assert set(v.VERDICTS) == set(STATUSES) == set(v.VERDICT_MARKS)
    assert set(v.UNIT_STATUSES) == {"complete", "incomplete", "not_reported"} == set(v.UNIT_STATUS_MARKS)
    assert set(v.LEVEL_NAMES) == set(v.LEVEL_AGENCIES) == set(v.LEVEL_WORDS) == set(LEVELS)
    assert set(v.BASES) == {"official", "provisional"}
    assert set(v.FORECAST_VERDICTS) == set(FORECAST_VERDICTS)


def test_submission_statuses_are_worded_as_the_workflow_words_them():
    assert {k: str(label) for k, label in SUBMISSION_STATUS_CHOICES} == {
        k: str(label) for k, label in v.SUBMISSION_STATUSES.items()}


def test_vietnamese_words_follow_the_provinces_documents():
    with translation.override("vi"):
        assert [v.level_agency(lv) for lv in LEVELS] == ["CQNN cấp tỉnh", "UBND cấp huyện", "UBND cấp xã"]
        assert [v.level_name(lv) for lv in LEVELS] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
        assert v.level_words("commune") == "cấp xã"
        assert [v.verdict(s) for s in ("met", "not_met", "missing", "invalid", "not_applicable")] == [
            "Đạt", "Chưa đạt", "Chưa có số liệu", "Số liệu không hợp lệ", "Không áp dụng"]
        assert [v.unit_status(s) for s in ("complete", "incomplete", "not_reported")] == [
            "Hoàn thành", "Chưa hoàn thành", "Chưa báo cáo"]
        assert v.submission_status("approved") == "Đã duyệt"
        assert (v.basis_label("official"), v.basis_label("provisional")) == ("Chính thức", "Tạm tính")
        assert str(v.NOT_OFFICIAL) == "chưa có số liệu chính thức"
        assert str(v.NOT_RANKED) == "Không xếp hạng"
        assert (v.status_mark("met"), v.status_mark("not_met", icon=True), v.status_mark("not_reported")) == (
            "Đ", "✗", "CBC")
        assert v.rate(13 / 20) == "65,00%"
        assert v.forecast_verdict("at_risk") == "có nguy cơ"


def test_english_words_come_from_the_catalogue():
    with translation.override("en"):
        assert [v.level_agency(lv) for lv in LEVELS] == [
            "Provincial agency", "District People's Committee", "Commune People's Committee"]
        assert v.level_name("district") == "District level"
        assert [v.verdict(s) for s in ("met", "not_met", "missing", "invalid", "not_applicable")] == [
            "Met", "Not met", "No figures yet", "Invalid figures", "Not applicable"]
        assert v.unit_status("not_reported") == "Not reported"
        assert v.submission_status("submitted") == "Submitted, awaiting review"
        assert (v.basis_label("official"), v.basis_label("provisional")) == ("Official", "Provisional")
        assert str(v.NOT_OFFICIAL) == "no official figures yet"
        assert str(v.PROVISIONAL_BANNER) == "PROVISIONAL FIGURES"
        assert str(v.NOT_RANKED) == "Not ranked"
        assert str(v.MARK_LEGEND).startswith("Đ: met · K: not met")
        assert v.forecast_verdict("on_track") == "on track"
        assert v.rate(13 / 20) == "65,00%"  # figures keep the Vietnamese style in every language


# The engine's explanations ("Không áp dụng cho cấp xã") stay Django-free and untranslated.
# "missing" and "invalid" are left out of the pattern: Django forms key their error messages by "invalid".
ENGINE_EXPLANATIONS = {"engine/evaluate.py"}
LABEL_DICT = re.compile(
    r'"(?:met|not_met|not_applicable|complete|incomplete|not_reported|province|district|'
    r'commune|draft|submitted|returned|approved|official|provisional)"\s*:\s*(?:_\(|gettext\w*\()?\s*"'
)


def test_no_other_module_defines_these_words():
    offenders = []
    for path in sorted(CHISO.rglob("*.py")):
        rel = path.relative_to(CHISO).as_posix()
        if "/tests/" in f"/{rel}" or "migrations/" in rel or rel == "results/vocabulary.py":
            continue
        if rel in ENGINE_EXPLANATIONS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LABEL_DICT.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
