"""Issue 2's CLI contract on data the project has never seen, checked against an independent oracle.

Units and values are written the way clerks write them (Vietnamese headers,
BOM, CRLF, ";" and tab separators, "54.919", "Có", "x", numeric XLSX cells),
imported with the real ``chiso`` console script, evaluated with
``chiso evaluate --format json`` and compared key by key with ``world``'s
own computation.
"""

from __future__ import annotations

import json

import pytest

from . import world
from .compare import compare_evaluation
from .conftest import EVALUATIONS

ORACLES = {
    "ag-cqdt-2021": world.expected_ag,
    "nq17-2019": world.expected_nq,
    "ntm-xa-2021": world.expected_ntm,
    "xep-hang-mau": world.expected_xh,
}


def test_units_arrive_with_their_hierarchy_levels_and_attributes(loaded):
    rows = loaded.site.query(
        "SELECT u.code, u.level, p.code, u.name, u.attributes FROM units_unit u "
        "LEFT JOIN units_unit p ON p.id = u.parent_id")
    got = {code: (level, parent, name, attrs) for code, level, parent, name, attrs in rows}
    assert {c: v[0] for c, v in got.items()} == world.UNIT_LEVELS
    assert {c: v[1] for c, v in got.items()} == world.UNIT_PARENTS
    assert got["TNX"][2] == "Tỉnh Tây Nguyên X"  # spaces around cells trimmed
    attrs = {c: (json.loads(v[3]) if isinstance(v[3], str) else v[3]) for c, v in got.items()}
    assert attrs["TNX-H1-X1"] == {"Địa hình": "mountain"}
    assert attrs["BLX-X1"] == {"terrain": "lowland"}
    assert attrs["BLX-S1"] == {"Số biên chế": 42}
    assert "Tạo mới: BLX, BLX-X1" in loaded.imports["units_semicolon.csv"].stdout


def test_value_imports_report_what_they_wrote(loaded):
    assert "tạo mới 80" in loaded.imports["ag_2024.csv"].stdout
    # 44 distinct values; the repeated identical 2.numerator is not a conflict
    assert "tạo mới 44" in loaded.imports["nq17.csv"].stdout
    assert "tạo mới 20" in loaded.imports["ntm.csv"].stdout
    assert "tạo mới 32" in loaded.imports["xh.xlsx"].stdout
    stored = loaded.site.query(
        "SELECT u.code, v.period, v.element, v.number FROM assessments_value v "
        "JOIN units_unit u ON u.id = v.unit_id JOIN frameworks_framework f ON f.id = v.framework_id "
        "WHERE f.code = 'nq17-2019' AND v.element IN ('2.numerator', '2.denominator', '4.numerator')")
    assert {(c, p, e): float(n) for c, p, e, n in stored} == {
        ("TNX", "2025-01", "2.numerator"): 54919.0,
        ("TNX", "2025-01", "2.denominator"): 58669.0,
        ("TNX", "2025-01", "4.numerator"): 1234.0,
    }


@pytest.mark.parametrize("framework", list(EVALUATIONS))
def test_evaluate_json_equals_independent_computation(loaded, framework):
    expected = ORACLES[framework]()
    doc = loaded.evaluations[framework]
    diffs = compare_evaluation(doc, framework, EVALUATIONS[framework], expected,
                               world.expected_summary(expected))
    assert diffs == []


def test_headline_figures_of_the_unseen_province(loaded):
    summary = loaded.evaluations["ag-cqdt-2021"]["summary"]
    assert summary["overall"] == {"units": 9, "assessed": 7, "not_reported": 2, "complete": 3,
                                  "rate": pytest.approx(1 / 3)}
    assert summary["by_level"]["province"]["rate"] == 0.25
    assert summary["by_level"]["district"]["rate"] == 0.5
    units = {u["unit"]: u for u in loaded.evaluations["ag-cqdt-2021"]["units"]}
    assert (units["TNX-S2"]["met"], units["TNX-S2"]["applicable"]) == (3, 9)
    assert (units["TNX-H1-X1"]["met"], units["TNX-H1-X1"]["applicable"]) == (5, 6)
    row1 = next(i for i in units["TNX-H1"]["indicators"] if i["code"] == "1")
    assert row1["value"] == pytest.approx(54919 / 58669) and row1["target"] == "≥ 50%"
    nq = {u["unit"]: u for u in loaded.evaluations["nq17-2019"]["units"]}
    verdicts = {i["code"]: i["status"] for i in nq["TNX"]["indicators"]}
    assert (verdicts["2"], verdicts["11"], verdicts["15"], verdicts["20"]) == ("met", "not_met", "not_met", "met")
    assert (nq["TNX"]["met"], nq["TNX"]["applicable"]) == (17, 22)


def test_score_categories_match_the_bands(loaded):
    expected = world.expected_xh()
    for unit in loaded.evaluations["xep-hang-mau"]["units"]:
        levels = {c["code"]: (c["level"] if c["ranked"] else None) for c in unit["score"]["categories"]}
        assert levels == expected[unit["unit"]]["categories"], unit["unit"]
    s1 = next(u for u in loaded.evaluations["xep-hang-mau"]["units"] if u["unit"] == "TNX-S1")
    assert (s1["score"]["points"], s1["score"]["max_points"]) == (106.5, 108.0)


def test_composite_items_follow_their_own_targets(loaded):
    expected = world.expected_ntm()
    for unit in loaded.evaluations["ntm-xa-2021"]["units"]:
        items = {item["code"]: item["status"] for ind in unit["indicators"] for item in ind.get("items", [])}
        if unit["status"] != "not_reported":
            assert items == expected[unit["unit"]]["items"], unit["unit"]
    x2 = next(u for u in loaded.evaluations["ntm-xa-2021"]["units"] if u["unit"] == "TNX-H1-X2")
    b = next(i for ind in x2["indicators"] for i in ind.get("items", []) if i["code"] == "8.4.b")
    assert b["value"] == pytest.approx(0.936)  # "93,6%" read as a number


def test_one_unit_and_the_table(loaded):
    site = loaded.site
    one = site.run("evaluate", "--framework", "ag-cqdt-2021", "--period", "2024", "--unit", "TNX-H1-X1",
                   "--format", "json")
    assert one.returncode == 0, one.output
    doc = json.loads(one.stdout)
    assert [u["unit"] for u in doc["units"]] == ["TNX-H1-X1"]
    assert doc["summary"]["overall"] == {"units": 1, "assessed": 1, "not_reported": 0, "complete": 0, "rate": 0.0}
    assert doc["units"][0] == next(u for u in loaded.evaluations["ag-cqdt-2021"]["units"] if u["unit"] == "TNX-H1-X1")
    table = site.run("evaluate", "--framework", "ag-cqdt-2021", "--period", "2024", "--format", "table")
    assert table.returncode == 0, table.output
    lines = table.stdout.splitlines()
    s2 = next(line for line in lines if line.startswith("TNX-S2 "))
    assert "Chưa hoàn thành" in s2 and "3/9" in s2
    assert s2.split()[-11:] == ["K", "K", "?", "Đ", "K", "!", "!", "Đ", "−", "−", "Đ"]
    assert any("Tổng hợp: 9 đơn vị" in line and "33,33%" in line for line in lines)
    assert any("Cấp tỉnh: 4 đơn vị" in line and "25,00%" in line for line in lines)


@pytest.mark.parametrize("args, fragment", [
    (("--framework", "khong-co", "--period", "2024"), "khong-co"),
    (("--framework", "ag-cqdt-2021", "--period", "2024-13"), "tháng"),
    (("--framework", "ag-cqdt-2021", "--period", "31/02/2024"), "31/02/2024"),
    (("--framework", "ag-cqdt-2021", "--period", "2024", "--unit", "TNX-S99"), "TNX-S99"),
])
def test_unknown_framework_period_or_unit_exit_non_zero(loaded, args, fragment):
    result = loaded.site.run("evaluate", *args, "--format", "json")
    assert result.returncode != 0
    assert fragment in result.stderr
    assert result.stdout.strip() == ""
    assert "Traceback" not in result.stderr


def test_dry_run_and_reimport_write_nothing(loaded, contract_root):
    site = loaded.site
    before = site.counts()
    changed = world.csv_bytes(world.ag_rows([("TNX-S3", "1", "7", "8"), ("TNX-S1", "1", "601", "1.000")]))
    (site.var_dir / "ag_changed.csv").write_bytes(changed)
    dry = site.run("import_values", str(site.var_dir / "ag_changed.csv"), "--framework", "ag-cqdt-2021",
                   "--dry-run")
    assert dry.returncode == 0, dry.output
    assert "sẽ tạo mới 2" in dry.stdout and "sẽ cập nhật 1" in dry.stdout
    assert "600 → 601" in dry.stdout
    units_dry = site.run("import_units", str(site.var_dir / "units.csv"), "--dry-run")
    assert units_dry.returncode == 0 and "Sẽ tạo 0 đơn vị" in units_dry.stdout
    again = site.run("import_values", str(loaded.files["ag_2024.csv"]), "--framework", "ag-cqdt-2021")
    assert again.returncode == 0 and "tạo mới 0, cập nhật 0, không đổi 80" in again.stdout
    units_again = site.run("import_units", str(loaded.files["units.csv"]))
    assert units_again.returncode == 0 and "không đổi 8" in units_again.stdout
    assert site.counts() == before


def test_dossier_export_metrics_and_evaluation(loaded):
    """Issue 4: an unseen export → metrics worked out by hand → computed values → verdicts."""
    site = loaded.site
    assert "8 hồ sơ: 8 thêm mới" in loaded.imports["dossiers.csv"].stdout
    result = site.run("metrics", "--source", "dossiers", "--period", "2024-03", "--format", "json")
    assert result.returncode == 0, result.output
    metrics: dict[str, dict[str, int]] = {}
    for m in json.loads(result.stdout)["metrics"]:
        assert m["period"] == "2024-03"
        metrics.setdefault(m["unit"], {})[m["name"]] = m["value"]
    assert metrics == {"TNX-S1": world.DOSSIER_METRICS_TNX_S1_2024_03,
                       "TNX-H1-X1": world.DOSSIER_METRICS_TNX_H1_X1_2024_03}
    docs = site.run("metrics", "--source", "documents", "--period", "2024-03", "--unit", "TNX-S1",
                    "--format", "json")
    got = {m["name"]: m["value"] for m in json.loads(docs.stdout)["metrics"]}
    assert {k: got[k] for k in world.DOCUMENT_METRICS_TNX_S1_2024_03} == world.DOCUMENT_METRICS_TNX_S1_2024_03
    ev = site.run("evaluate", "--framework", "ag-cqdt-2021", "--period", "2024-03", "--unit", "TNX-S1",
                  "--format", "json")
    unit = json.loads(ev.stdout)["units"][0]
    ind = {i["code"]: i for i in unit["indicators"]}
    assert (ind["1"]["status"], ind["1"]["value"]) == ("met", pytest.approx(2 / 3))  # online 2 / eligible 3
    assert (ind["6"]["status"], ind["6"]["value"]) == ("not_met", pytest.approx(2 / 3))  # e-result 2 / resolved 3
    assert (ind["7"]["status"], ind["7"]["value"]) == ("not_met", pytest.approx(2 / 3))  # electronic 2 / outgoing 3
    assert ind["1"]["inputs"] == {"numerator": 2, "denominator": 3}
    # the same export again changes nothing
    before = site.counts()
    again = site.run("ingest_dossiers", str(site.var_dir / "dossiers.csv"), "--no-progress")
    assert again.returncode == 0 and "0 thêm mới, 0 cập nhật, 8 không đổi" in again.stdout
    after = site.counts()
    assert {k: v for k, v in after.items() if k != "ingest_ingestbatch"} == \
           {k: v for k, v in before.items() if k != "ingest_ingestbatch"}
