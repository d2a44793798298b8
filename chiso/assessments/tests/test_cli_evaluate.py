"""Golden round trip through the CLI: seed 002's figures in, Resolution 17 verdicts out."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .import_fixtures import LIBRARY, library_framework, spec_framework

# Seed 002 (An Giang, January 2025): indicator 2 = 54.919 / 58.669 (93,6% ≥ 50%: met);
# indicator 11 = 54.935 / 62.922 (87,3% < 100%: not met).
SEED_002 = """Mã đơn vị,Kỳ,Chỉ tiêu,Giá trị,Ghi chú
AG,2025-01,2.numerator,54.919,Tổng số hồ sơ trực tuyến mức độ một phần, toàn trình
AG,2025-01,2.denominator,58.669,
AG,2025-01,11.numerator,54.935,hồ sơ cấp kết quả bản điện tử
AG,2025-01,11.denominator,62.922,
"""


def cli(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def nq17(world):
    return library_framework("nq17-2019")


@pytest.fixture
def seed_values(nq17, tmp_path):
    path = tmp_path / "nq17-thang-01.csv"
    # Commas inside the note need quoting: write it the way Excel would.
    path.write_text(SEED_002.replace("Tổng số hồ sơ trực tuyến mức độ một phần, toàn trình",
                                     '"Tổng số hồ sơ trực tuyến mức độ một phần, toàn trình"'),
                    encoding="utf-8")
    out = cli("import_values", str(path), "--framework", "nq17-2019")
    assert "tạo mới 4, cập nhật 0, không đổi 0" in out
    return path


def test_json_round_trip_gives_seed_002_verdicts(seed_values):
    data = json.loads(cli("evaluate", "--framework", "nq17-2019", "--period", "2025-01", "--format", "json"))

    assert data["framework"] == "nq17-2019"
    assert data["period"] == "2025-01"
    units = {u["unit"]: u for u in data["units"]}
    # Resolution 17 assesses each province as a whole: AG and KG of the test world.
    assert set(units) == {"AG", "KG"}
    ag = {i["code"]: i for i in units["AG"]["indicators"]}
    assert ag["2"]["status"] == "met"
    assert ag["2"]["value"] == pytest.approx(54919 / 58669, abs=1e-12)
    assert round(ag["2"]["value"], 3) == 0.936
    assert ag["2"]["target"] == "≥ 50%"
    assert ag["11"]["status"] == "not_met"
    assert ag["11"]["value"] == pytest.approx(54935 / 62922, abs=1e-12)
    assert round(ag["11"]["value"], 3) == 0.873
    assert ag["1"]["status"] == "missing"
    assert ag["1"]["value"] is None
    assert units["AG"]["level"] == "province"
    assert units["AG"]["status"] == "incomplete"
    assert units["AG"]["met"] == 1
    assert units["AG"]["applicable"] == len(ag)
    assert units["KG"]["status"] == "not_reported"
    assert data["summary"]["overall"] == {
        "units": 2, "assessed": 1, "not_reported": 1, "complete": 0, "rate": 0.0,
    }
    assert data["summary"]["by_level"]["province"]["units"] == 2


def test_json_is_exactly_one_object_and_one_unit_can_be_asked_for(seed_values):
    text = cli("evaluate", "--framework", "nq17-2019", "--period", "2025-01", "--unit", "AG",
               "--format", "json")
    data = json.loads(text)  # fails if anything else were printed
    assert [u["unit"] for u in data["units"]] == ["AG"]
    assert data["summary"]["overall"]["units"] == 1
    assert data["summary"]["overall"]["rate"] == 0.0


def test_the_table_is_vietnamese_with_marks_and_rates(seed_values):
    text = cli("evaluate", "--framework", "nq17-2019", "--period", "2025-01")
    lines = text.splitlines()
    header = re.split(r"\s{2,}", next(line for line in lines if line.startswith("Đơn vị")))
    assert header[:4] == ["Đơn vị", "Cấp", "Trạng thái", "Đạt/Áp dụng"]
    ag = re.split(r"\s{2,}", next(line for line in lines if line.startswith("AG Tỉnh An Giang")))
    assert ag[:4] == ["AG Tỉnh An Giang", "Cấp tỉnh", "Chưa hoàn thành", f"1/{len(header) - 4}"]
    marks = dict(zip(header[4:], ag[4:], strict=True))
    assert marks["2"] == "Đ"
    assert marks["11"] == "K"
    assert marks["1"] == "?"
    kg = next(line for line in lines if line.startswith("KG Tỉnh Kiên Giang"))
    assert "Chưa báo cáo" in kg
    assert "Kỳ: Tháng 01/2025 (2025-01)" in text
    assert ("Tổng hợp: 2 đơn vị; đã đánh giá 1; chưa báo cáo 1; hoàn thành 0; "
            "tỷ lệ hoàn thành 0,00%") in text


def test_table_rates_have_two_decimals(world, monkeypatch, tmp_path):
    spec_framework(monkeypatch)
    # Two agencies meet everything; the other units in scope have no values.
    rows = ["unit,period,element,value"]
    for code in ("AG-STTTT", "AG-SNV"):
        rows += [f"{code},2025,2.numerator,60", f"{code},2025,2.denominator,100",
                 f"{code},2025,11.numerator,5", f"{code},2025,11.denominator,5",
                 f"{code},2025,5.value,Có", f"{code},2025,7.value,4",
                 f"{code},2025,8.a.numerator,1", f"{code},2025,8.a.denominator,1",
                 f"{code},2025,21.value,Đã làm"]
    path = tmp_path / "v.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli("import_values", str(path), "--framework", "mau-nhap")
    data = json.loads(cli("evaluate", "--framework", "mau-nhap", "--period", "2025", "--format", "json"))
    overall = data["summary"]["overall"]
    assert overall["complete"] == 2
    assert overall["rate"] == pytest.approx(2 / overall["units"])
    text = cli("evaluate", "--framework", "mau-nhap", "--period", "2025")
    expected = f"{Fraction(200, overall['units']):.2f}".replace(".", ",")
    assert f"tỷ lệ hoàn thành {expected}%" in text


@pytest.mark.parametrize("args,message", [
    (["--framework", "khong-co", "--period", "2025-01"], "Không có bộ chỉ tiêu mã 'khong-co'"),
    (["--framework", "nq17-2019", "--period", "2025-13"], "Kỳ không hợp lệ: tháng 13 không hợp lệ"),
    (["--framework", "nq17-2019", "--period", "2025-01", "--unit", "ZZ"], "Không có đơn vị mã 'ZZ'"),
])
def test_unknown_framework_period_or_unit_is_refused_in_vietnamese(nq17, args, message):
    with pytest.raises(CommandError, match=message):
        cli("evaluate", *args)


UNITS_CSV = """code,name,level,kind,parent_code
AG,Tỉnh An Giang,tỉnh,Tỉnh,
AG-STTTT,Sở Thông tin và Truyền thông,province,Sở,AG
"""


def test_the_installed_chiso_script_runs_the_round_trip(tmp_path):
    """One real run of `.venv/bin/chiso` in its own process, on its own SQLite database."""
    chiso = Path(sys.executable).with_name("chiso")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "CHISO_VAR_DIR": str(tmp_path / "var"), "PYTHONIOENCODING": "utf-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(chiso), *args], env=env, capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)

    assert run("migrate", "--noinput", "-v", "0", "--skip-checks").returncode == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    done = run("import_units", "units.csv")
    assert done.returncode == 0, done.stderr
    assert "Đã tạo 2 đơn vị" in done.stdout
    done = run("load_frameworks", str(LIBRARY / "nq17-2019.yaml"))
    assert done.returncode == 0, done.stderr
    (tmp_path / "values.csv").write_text(SEED_002.replace(", toàn trình", " và toàn trình"), encoding="utf-8")

    bad = run("import_values", "values.csv", "--framework", "khong-co")
    assert bad.returncode != 0
    assert "Không có bộ chỉ tiêu mã 'khong-co'" in bad.stderr

    done = run("import_values", "values.csv", "--framework", "nq17-2019")
    assert done.returncode == 0, done.stderr
    assert "tạo mới 4" in done.stdout

    done = run("evaluate", "--framework", "nq17-2019", "--period", "2025-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    [ag] = data["units"]
    indicators = {i["code"]: i for i in ag["indicators"]}
    assert indicators["2"]["status"] == "met"
    assert indicators["2"]["value"] == pytest.approx(54919 / 58669, abs=1e-12)
    assert indicators["11"]["status"] == "not_met"
    assert indicators["11"]["value"] == pytest.approx(54935 / 62922, abs=1e-12)
    assert data["summary"]["overall"]["assessed"] == 1


def test_a_score_framework_shows_points_and_category_levels(world, tmp_path):
    library_framework("xep-hang-mau")
    points = {"1": 14, "2": 10, "3": 7, "4": 11, "5": 15, "6": 10, "7": 4, "8": 10}
    path = tmp_path / "diem.csv"
    path.write_text("unit,period,element,value\n" + "".join(
        f"AG-STTTT,2024,{code}.value,{p}\n" for code, p in points.items()), encoding="utf-8")
    cli("import_values", str(path), "--framework", "xep-hang-mau")

    text = cli("evaluate", "--framework", "xep-hang-mau", "--period", "2024", "--unit", "AG-STTTT")
    lines = text.splitlines()
    header = re.split(r"\s{2,}", next(line for line in lines if line.startswith("Đơn vị")))
    row = re.split(r"\s{2,}", next(line for line in lines if line.startswith("AG-STTTT")))
    cells = dict(zip(header, row, strict=True))
    # 81 of the 108 points a provincial agency can earn; readiness 42/47 ≥ 85% → Mức 4;
    # criterion 7 scores 4, below its minimum of 5, so its category is not ranked.
    assert cells["Điểm"] == "81/108 (75,00%)"
    assert cells["Điều kiện sẵn sàng"] == "Mức 4"
    assert cells["Ứng dụng và cung cấp dịch vụ"] == "Không xếp hạng"

    data = json.loads(cli("evaluate", "--framework", "xep-hang-mau", "--period", "2024",
                          "--unit", "AG-STTTT", "--format", "json"))
    score = data["units"][0]["score"]
    assert (score["points"], score["max_points"]) == (81.0, 108.0)
    categories = {c["code"]: c for c in score["categories"]}
    assert categories["san-sang"]["level"] == "Mức 4"
    assert categories["ung-dung"]["ranked"] is False
    assert categories["ung-dung"]["blocking"] == ["7"]
