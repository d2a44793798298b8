"""Decision 766/QĐ-TTg's service index (``qd766-2022``) worked by hand on a small dossier export.

The chain is the real one: ``load_frameworks`` → ``ingest_dossiers`` (a hand-made CSV with the
2026 columns) → ``import_values`` (what the unit reports) → ``compute_values`` → ``evaluate``.
Each component's points and each group's total below are worked out in the comments.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from io import StringIO

import pytest
from django.core.management import call_command

from chiso.assessments.evaluation import figures_for
from chiso.frameworks.loader import LIBRARY_DIR, load_framework_file
from chiso.frameworks.models import Framework
from chiso.ingest.compute import source_elements
from chiso.ingest.tests.exports import VI_HEADER, row, write_csv

QD766 = LIBRARY_DIR / "qd766-2022.yaml"
SO, XA = "AG-STTTT", "AG-PT-PL"


def late(ident: str, **kw) -> list:
    """A dossier of the sở resolved after its due date."""
    return row(ident, unit=SO, received="2025-01-06 08:00", due="2025-01-10 17:00",
               resolved="2025-01-15 09:00", status="resolved", **kw)


def on_time(ident: str, unit: str = SO, **kw) -> list:
    return row(ident, unit=unit, received="2025-01-06 08:00", due="2025-01-20 17:00",
               resolved="2025-01-10 09:00", status="resolved", **kw)


def pending(ident: str, unit: str = SO, **kw) -> list:
    return row(ident, unit=unit, received="2025-01-08 08:00", **kw)


# January 2025. Columns after the old ones: paid, published, satisfaction, reused (row()).
EXPORT = [
    # --- the sở AG-STTTT: 11 dossiers, 10 eligible (S11 rejected), 8 resolved (S7, S8 late)
    on_time("S1", paid="Có", published="Có", satisfaction="5", reused="Có", e_result="Có"),
    on_time("S2", paid="Có", published="Có", satisfaction="5", reused="Có", e_result="Có"),
    on_time("S3", paid="Có", published="Có", satisfaction="4", reused="Có", e_result="Có"),
    on_time("S4", paid="Có", published="Có", satisfaction="4", reused="Có", e_result="Có"),
    on_time("S5", paid="Không", published="Có", satisfaction="3", reused="Có", e_result="Có"),
    on_time("S6", paid="Không", published="Không", reused="Có", e_result="Không"),
    late("S7", paid="Không", reused="Không", e_result="Không"),
    late("S8", paid="Không", reused="Không", e_result="Không"),
    pending("S9", reused="Không"),
    pending("S10", reused="Không"),
    row("S11", unit=SO, paid="Có", reused="Có", received="2025-01-07 08:00", status="rejected"),
    # --- the xã AG-PT-PL: 5 dossiers, 3 resolved on time, no payment known
    on_time("X1", unit=XA, published="Có", satisfaction="5", reused="Có", e_result="Có"),
    on_time("X2", unit=XA, published="Có", satisfaction="4", reused="Có", e_result="Không"),
    on_time("X3", unit=XA, reused="Có", e_result="Có"),
    pending("X4", unit=XA, reused="Có"),
    pending("X5", unit=XA, reused="Không"),
]

# What the sở reports for the components no dossier export holds (numerator, denominator).
REPORTED_SO = {
    "1.1": (9, 10),  # 90% × 6 = 5,4
    "1.2": (10, 10),  # 100% × 4 = 4
    "1.3": (1, 2),  # 50% × 2 = 1
    "3": (30, 40),  # 75% × 12 = 9
    "4.2": (7, 10),  # 70% < 80%: 70 ÷ 80 × 4 = 3,5
    "ban-sao-dt": (1, 4),  # 25% × 2 = 0,5
    "4.4": (5, 10),  # 50% × 4 = 2
    "4.5": (0, 10),  # 0% → 0
    "tthc-dan-cu": (3, 4),  # 75% × 2 = 1,5
    "5.2": (20, 20),  # 100% × 6 = 6
    "5.3": (9, 10),  # 90% × 6 = 5,4
}

# The sở's points, component by component (computed from the export, then reported):
SO_POINTS = {
    # 1.4: published on time of resolved with a known value: S1–S5 Có, S6 Không, S7, S8 blank → 5/6 × 6 = 5
    "1.4": F(5),
    # 2.1: on time of resolved: S1–S6 of S1–S8 → 6/8 = 75% × 20 = 15
    "2.1": F(15),
    # payment: paid online of eligible received with a known value: S1–S4 of S1–S8 (S9, S10 blank;
    # S11 rejected, not counted) → 4/8 = 50% × 10 = 5
    "thanh-toan": F(5),
    # 4.1: electronic result of resolved: S1–S5 of S1–S8 → 5/8 × 6 = 3,75
    "4.1": F(15, 4),
    # 4.3: reused of eligible received with a known value: S1–S6 of S1–S10 → 60% < 80%: 60 ÷ 80 × 2 = 1,5
    "4.3": F(3, 2),
    # 5.4: rated 4–5 of rated: S1–S4 of S1–S5 → 80% < 90%: 80 ÷ 90 × 6 = 16/3 ≈ 5,33
    "5.4": F(16, 3),
    "1.1": F(27, 5), "1.2": F(4), "1.3": F(1), "3": F(9), "4.2": F(7, 2), "ban-sao-dt": F(1, 2),
    "4.4": F(2), "4.5": F(0), "tthc-dan-cu": F(3, 2), "5.2": F(6), "5.3": F(27, 5),
}
SO_GROUPS = {
    "cong-khai": (F(77, 5), 18),  # 5,4 + 4 + 1 + 5 = 15,4
    "tien-do": (F(15), 20),
    "dvctt": (F(9), 12),
    "thanh-toan": (F(5), 10),
    "so-hoa": (F(51, 4), 22),  # 3,75 + 3,5 + 0,5 + 1,5 + 2 + 0 + 1,5 = 12,75
    "hai-long": (F(251, 15), 18),  # 6 + 5,4 + 16/3 = 16,7333…
}
SO_TOTAL = F(4433, 60)  # 15,4 + 15 + 9 + 5 + 12,75 + 16,7333… = 73,8833… → "73,88"

# The xã's computed components (it reports nothing, and no dossier has a known payment):
XA_POINTS = {
    "1.4": F(6),  # X1, X2 of X1, X2 (X3 blank) → 100% × 6 = 6
    "2.1": F(20),  # X1–X3 on time of 3 resolved → 100% × 20 = 20
    "4.1": F(4),  # X1, X3 of 3 resolved → 2/3 × 6 = 4
    "4.3": F(2),  # X1–X4 of X1–X5 → 80%, at the threshold → full 2
    "5.4": F(6),  # X1 (5), X2 (4) of 2 rated → 100% ≥ 90% → 6
}


def run_chain(tmp_path) -> dict:
    """The whole chain run through the CLI (units from the ``world`` fixture); the evaluation's JSON."""
    call_command("load_frameworks", str(QD766), stdout=StringIO())
    export = write_csv(tmp_path / "igate-2025-01.csv", EXPORT, header=VI_HEADER)
    call_command("ingest_dossiers", str(export), "--no-progress", stdout=StringIO())
    reported = write_csv(tmp_path / "bao-cao.csv", [
        [SO, "2025-01", f"{code}.{part}", value]
        for code, pair in REPORTED_SO.items() for part, value in zip(("numerator", "denominator"), pair, strict=True)
    ], header=["unit", "period", "element", "value"])
    call_command("import_values", str(reported), "--framework", "qd766-2022", stdout=StringIO())
    out = StringIO()
    call_command("compute_values", "--framework", "qd766-2022", "--period", "2025-01", stdout=out)
    out = StringIO()
    call_command("evaluate", "--framework", "qd766-2022", "--period", "2025-01", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def scored(world, tmp_path):
    return run_chain(tmp_path)


def _unit(data: dict, code: str) -> dict:
    return next(u for u in data["units"] if u["unit"] == code)


def test_the_bundled_file_holds_the_portal_groups_and_points() -> None:
    fw = load_framework_file(QD766)
    assert (fw.legal_basis.number, fw.legal_basis.issuer) == ("766/QĐ-TTg", "Thủ tướng Chính phủ")
    assert fw.kind == "score" and fw.levels == ("province", "commune")
    groups: dict[str, F] = {}
    for ind in fw.indicators:
        groups[ind.category] = groups.get(ind.category, F(0)) + ind.max_points["default"]
    assert groups == {"cong-khai": 18, "tien-do": 20, "dvctt": 12, "thanh-toan": 10, "so-hoa": 22,
                      "hai-long": 18}
    assert sum(groups.values()) == 100
    thresholds = {i.code: i.scoring.threshold for i in fw.indicators if i.scoring.threshold != 1}
    assert thresholds == {"4.2": F(4, 5), "4.3": F(4, 5), "5.4": F(9, 10)}
    assert {i.scoring.method for i in fw.indicators} == {"ratio_capped"}
    for gap in ("KHOẢNG TRỐNG", "xếp loại", "2 + 2 + 6", "mẫu số bằng 0"):
        assert gap in fw.description


def test_dossier_metrics_feed_six_components_through_sources(db) -> None:
    call_command("load_frameworks", str(QD766), stdout=StringIO())
    spec = Framework.objects.latest_of("qd766-2022").spec()
    assert source_elements(spec) == {
        "1.4.numerator": "dossiers.published_on_time", "1.4.denominator": "dossiers.publication_known",
        "2.1.numerator": "dossiers.resolved_on_time", "2.1.denominator": "dossiers.resolved",
        "thanh-toan.numerator": "dossiers.paid_online", "thanh-toan.denominator": "dossiers.payment_known",
        "4.1.numerator": "dossiers.e_result", "4.1.denominator": "dossiers.resolved",
        "4.3.numerator": "dossiers.reused_digitised", "4.3.denominator": "dossiers.reuse_known",
        "5.4.numerator": "dossiers.satisfied", "5.4.denominator": "dossiers.satisfaction_rated",
    }


def test_the_so_scores_as_worked_by_hand(scored) -> None:
    so = _unit(scored, SO)
    points = {i["code"]: i["points"] for i in so["indicators"]}
    assert points == {code: pytest.approx(float(p)) for code, p in SO_POINTS.items()}
    inputs = {i["code"]: i["inputs"] for i in so["indicators"]}
    assert inputs["2.1"] == {"numerator": 6, "denominator": 8}
    assert inputs["thanh-toan"] == {"numerator": 4, "denominator": 8}
    assert inputs["5.4"] == {"numerator": 4, "denominator": 5}
    groups = {c["code"]: (c["points"], c["max_points"]) for c in so["score"]["categories"]}
    assert groups == {code: (pytest.approx(float(p)), m) for code, (p, m) in SO_GROUPS.items()}
    assert so["score"]["points"] == pytest.approx(float(SO_TOTAL))
    assert so["score"]["max_points"] == 100
    explain = {i["code"]: i["explanation"] for i in so["indicators"]}
    assert explain["5.4"] == "4/5 = 80% ÷ 90% × 6 = 5,33/6 điểm"
    assert explain["2.1"] == "6/8 = 75% ÷ 100% × 20 = 15/20 điểm"


def test_exact_points_from_the_stored_results(scored) -> None:
    from chiso.units.models import Unit

    fw = Framework.objects.latest_of("qd766-2022")
    so = figures_for(fw, "2025-01", unit=Unit.objects.get(code=SO)).evaluation.result(SO)
    assert {r.code: r.points for r in so.indicators} == SO_POINTS
    assert {c.code: (c.points, c.max_points) for c in so.score.categories} == SO_GROUPS
    assert so.score.points == SO_TOTAL


def test_the_xa_is_scored_on_its_own_dossiers_and_unknown_payment_stays_missing(scored) -> None:
    xa = _unit(scored, XA)
    assert xa["level"] == "commune"
    by_code = {i["code"]: i for i in xa["indicators"]}
    assert {c: by_code[c]["points"] for c in XA_POINTS} == {c: pytest.approx(float(p)) for c, p in XA_POINTS.items()}
    assert by_code["4.3"]["explanation"] == "4/5 = 80% ≥ 80% → 2/2 điểm"
    # No dossier of the xã has a known payment: missing, never 0 points; the reported rows too.
    assert by_code["thanh-toan"]["status"] == "missing" and by_code["thanh-toan"]["points"] is None
    assert {c for c, i in by_code.items() if i["status"] == "missing"} == {
        "thanh-toan", *(c for c in REPORTED_SO)}
    # Only what was scored adds up: 6 + 20 + 4 + 2 + 6 = 38 of 100.
    assert xa["score"]["points"] == pytest.approx(38)
    # The district is not a level of the index; the other sở has no data, so nothing is scored.
    assert "AG-PT" not in {u["unit"] for u in scored["units"]}
    snv = _unit(scored, "AG-SNV")
    assert all(i["status"] == "missing" for i in snv["indicators"])
