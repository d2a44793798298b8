"""Reporting periods: codes, labels, bounds and sequences."""

from datetime import date

import pytest

from chiso.engine.periods import Period, PeriodError, parse_period, periods_of_kind_between


@pytest.mark.parametrize(
    ("text", "code", "kind", "label", "start", "end"),
    [
        ("2025-01", "2025-01", "month", "Tháng 01/2025", date(2025, 1, 1), date(2025, 1, 31)),
        ("2024-02", "2024-02", "month", "Tháng 02/2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-Q1", "2025-Q1", "quarter", "Quý I/2025", date(2025, 1, 1), date(2025, 3, 31)),
        ("2025-q4", "2025-Q4", "quarter", "Quý IV/2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025-H1", "2025-H1", "half", "6 tháng đầu năm 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("2025-H2", "2025-H2", "half", "6 tháng cuối năm 2025", date(2025, 7, 1), date(2025, 12, 31)),
        ("2025", "2025", "year", "Năm 2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_it_reads_codes(text, code, kind, label, start, end):
    p = parse_period(text)
    assert (p.code, p.kind, p.label, p.start, p.end) == (code, kind, label, start, end)
    assert str(p) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tháng 01/2025", "2025-01"),
        ("01/2025", "2025-01"),
        ("Quý III/2024", "2024-Q3"),
        ("6 tháng đầu năm 2023", "2023-H1"),
        ("6 tháng cuối năm 2023", "2023-H2"),
        ("Năm 2023", "2023"),
        ("  2025-Q2 ", "2025-Q2"),
    ],
)
def test_it_reads_its_own_labels(text, code):
    assert parse_period(text).code == code


def test_labels_round_trip():
    for code in ["2025-01", "2025-12", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025-H1", "2025-H2", "2025"]:
        p = parse_period(code)
        assert parse_period(p.label) == p


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", 'Tháng 13 không hợp lệ trong "2025-13": tháng phải từ 01 đến 12'),
        ("2025-Q5", 'Quý 5 không hợp lệ trong "2025-Q5": quý phải từ 1 (Q1) đến 4 (Q4)'),
        ("2025-H3", "chỉ có H1 (đầu năm) và H2 (cuối năm)"),
        ("abc", 'Không hiểu kỳ báo cáo "abc": cần dạng 2025-01 (tháng), 2025-Q1 (quý), 2025-H1 (6 tháng) hoặc 2025 (năm)'),
        ("", "Chưa ghi kỳ báo cáo"),
        ("0999", "năm phải từ 1900"),
        ("Quý V/2025", "Quý V không hợp lệ"),
    ],
)
def test_it_refuses_bad_periods_naming_what_was_expected(text, message):
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert message in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_previous_and_next_cross_years():
    assert parse_period("2025-01").previous().code == "2024-12"
    assert parse_period("2025-Q1").previous().code == "2024-Q4"
    assert parse_period("2025-H1").previous().code == "2024-H2"
    assert parse_period("2025").previous().code == "2024"
    assert parse_period("2024-12").next().code == "2025-01"


def test_contains_includes_both_ends():
    q1 = parse_period("2025-Q1")
    assert q1.contains(date(2025, 1, 1))
    assert q1.contains(date(2025, 3, 31))
    assert not q1.contains(date(2025, 4, 1))
    assert not q1.contains(date(2024, 12, 31))


def test_periods_sort_chronologically_shorter_first():
    codes = ["2025", "2025-Q1", "2025-01", "2024-H2", "2025-H1"]
    assert [p.code for p in sorted(parse_period(c) for c in codes)] == [
        "2024-H2", "2025-01", "2025-Q1", "2025-H1", "2025",
    ]
    assert parse_period("2025-01").sort_key == (date(2025, 1, 1), date(2025, 1, 31))


def test_periods_between_for_trends():
    assert [p.code for p in periods_of_kind_between("2024-11", "2025-02")] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [p.code for p in periods_of_kind_between("2023", "2025")] == ["2023", "2024", "2025"]
    assert periods_of_kind_between("2025-Q3", "2025-Q1") == []
    with pytest.raises(PeriodError, match="khác loại"):
        periods_of_kind_between("2025-01", "2025-Q2")


def test_period_is_hashable_value_and_accepts_itself():
    p = Period("quarter", 2025, 2)
    assert parse_period(p) is p
    assert {p, parse_period("2025-Q2")} == {p}
    with pytest.raises(PeriodError):
        Period("month", 2025, 13)
