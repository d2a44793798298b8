"""An unseen province, written the way clerks write files, and the answers worked out independently.

Nothing here imports Chỉ Số: the expected verdicts are computed by the small
oracle at the bottom from the targets as the seeds state them, with exact
fractions, so a test compares the product's JSON with a second opinion.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook

# --------------------------------------------------------------------------- units

# Two top-level provinces (TNX with agencies, a district, its office and communes;
# BLX smaller), Vietnamese headers, levels spelled every way, spaces around cells.
UNITS_CSV_ROWS = [
    ["Mã đơn vị", "Tên đơn vị", "Cấp", "Loại", "Đơn vị cấp trên", "Địa hình"],
    [" TNX ", " Tỉnh Tây Nguyên X ", "Cấp tỉnh", "Tỉnh", "", ""],
    ["TNX-S1", "Sở Nội vụ", "tỉnh", "Sở", "TNX", ""],
    ["TNX-S2", "Sở Tài chính", " cấp tỉnh ", "Sở", " TNX ", ""],
    ["TNX-S3", "Sở Y tế", "province", "Sở", "TNX", ""],
    ["TNX-H1", "UBND huyện Núi Cao", "huyện", "UBND huyện", "TNX", "mountain"],
    ["TNX-H1-P1", "Phòng Văn hóa - Thông tin huyện Núi Cao", "Cấp huyện", "phòng", "TNX-H1", ""],
    # a child before... no: after its parent; the next one comes before its parent row
    ["TNX-H1-X1", "UBND xã Đỉnh, huyện Núi Cao", "xã", "UBND xã", "TNX-H1", "mountain"],
    ["TNX-H1-X2", "UBND xã Suối", "Cấp xã", "UBND xã", "TNX-H1", "lowland"],
]

# Semicolon-separated, as Excel saves "CSV" in a Vietnamese locale; the child comes
# before its parent (BLX-X1 before BLX), and BLX is a second top-level unit.
UNITS_SEMICOLON_ROWS = [
    ["code", "name", "level", "kind", "parent_code", "terrain"],
    ["BLX-X1", "UBND phường Bến", "phường", "UBND xã", "BLX", "lowland"],
    ["BLX", "Tỉnh Bình Lặng X", "Tỉnh", "Tỉnh", "", ""],
]

# XLSX: one more provincial agency of BLX, with typed cells and a header in Vietnamese.
UNITS_XLSX_ROWS = [
    ["Mã đơn vị", "Tên đơn vị", "Cấp", "Loại hình", "Mã đơn vị cha", "Số biên chế"],
    ["BLX-S1", "Sở Công Thương", "Cấp tỉnh", "Sở", "BLX", 42],
]

UNIT_LEVELS = {
    "TNX": "province", "TNX-S1": "province", "TNX-S2": "province", "TNX-S3": "province",
    "TNX-H1": "district", "TNX-H1-P1": "district", "TNX-H1-X1": "commune", "TNX-H1-X2": "commune",
    "BLX": "province", "BLX-X1": "commune", "BLX-S1": "province",
}
UNIT_PARENTS = {
    "TNX": None, "TNX-S1": "TNX", "TNX-S2": "TNX", "TNX-S3": "TNX", "TNX-H1": "TNX",
    "TNX-H1-P1": "TNX-H1", "TNX-H1-X1": "TNX-H1", "TNX-H1-X2": "TNX-H1",
    "BLX": None, "BLX-X1": "BLX", "BLX-S1": "BLX",
}


def csv_bytes(rows: list[list[object]], *, delimiter: str = ",", bom: bool = True, crlf: bool = True,
              trailing_blank: int = 2, encoding: str = "utf-8") -> bytes:
    """A CSV as a spreadsheet writes it (quotes only where needed)."""
    eol = "\r\n" if crlf else "\n"

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        if any(ch in text for ch in (delimiter, '"', "\n")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    body = eol.join(delimiter.join(cell(c) for c in row) for row in rows) + eol + eol * trailing_blank
    data = _cp1258(body) if encoding == "cp1258" else body.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def _cp1258(text: str) -> bytes:
    """Legacy Vietnamese Windows encoding: base letters with combining tone marks where needed."""
    import unicodedata

    out = bytearray()
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in parts[1:] if m not in tones)
            tone = "".join(m for m in parts[1:] if m in tones)
            out += unicodedata.normalize("NFC", parts[0] + shape).encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def xlsx_bytes(sheets: dict[str, list[list[object]]], *, merged: list[str] | None = None) -> bytes:
    """An XLSX with the given sheets (first one first)."""
    wb = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
        if merged and ws is wb.active:
            for rng in merged:
                ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- values

AG_PERIOD = "2024"
NQ_PERIOD = "2025-01"
NTM_PERIOD = "2024"
XH_PERIOD = "2024"

# ag-cqdt-2021, long format, Vietnamese headers; numbers in both styles.
AG_VALUES = [
    # TNX-S1 (province agency): every one of its 9 criteria met
    ("TNX-S1", "1", "600", "1.000"), ("TNX-S1", "2", "40", "40"), ("TNX-S1", "3", "1.234", "1234"),
    ("TNX-S1", "4", "15", "15"), ("TNX-S1", "5", "Có", None), ("TNX-S1", "6", "500", "500"),
    ("TNX-S1", "7", "2.000", "2000"), ("TNX-S1", "8", "95", "100"), ("TNX-S1", "11", "9", "10"),
    # TNX-S2: 49,9% (not ≥ 50%), 40/41, a missing denominator, "không", 0/0, 10 > 5, exactly 90%, exactly 80%
    ("TNX-S2", "1", "499", "1.000"), ("TNX-S2", "2", "40", "41"), ("TNX-S2", "3", "7", None),
    ("TNX-S2", "4", "5", "5"), ("TNX-S2", "5", "không", None), ("TNX-S2", "6", "0", "0"),
    ("TNX-S2", "7", "10", "5"), ("TNX-S2", "8", "90", "100"), ("TNX-S2", "11", "8", "10"),
    # TNX-H1 (district): all met; a province-only row 8 given too (must not count)
    ("TNX-H1", "1", "54.919", "58.669"), ("TNX-H1", "2", "12", "12"), ("TNX-H1", "3", "100", "100"),
    ("TNX-H1", "4", "7", "7"), ("TNX-H1", "5", "x", None), ("TNX-H1", "6", "30", "30"),
    ("TNX-H1", "7", "300", "300"), ("TNX-H1", "9", "81", "100"), ("TNX-H1", "11", "8", "10"),
    ("TNX-H1", "8", "1", "100"),
    # TNX-H1-P1 (district office): exactly 50%, nothing else
    ("TNX-H1-P1", "1", "10", "20"),
    # TNX-H1-X1 (commune): 373/416 met, 64% < 65% on row 10
    ("TNX-H1-X1", "1", "373", "416"), ("TNX-H1-X1", "3", "50", "50"), ("TNX-H1-X1", "4", "3", "3"),
    ("TNX-H1-X1", "6", "10", "10"), ("TNX-H1-X1", "7", "100", "100"), ("TNX-H1-X1", "10", "64", "100"),
    # TNX-H1-X2 (commune): all six met, row 10 exactly 65%
    ("TNX-H1-X2", "1", "1", "2"), ("TNX-H1-X2", "3", "5", "5"), ("TNX-H1-X2", "4", "1", "1"),
    ("TNX-H1-X2", "6", "1", "1"), ("TNX-H1-X2", "7", "1", "1"), ("TNX-H1-X2", "10", "65", "100"),
    # BLX-X1: one criterion only
    ("BLX-X1", "10", "2", "3"),
]
# TNX-S3 reported only in 2023 (must stay "not reported" in 2024); BLX-S1 never.
AG_VALUES_2023 = [("TNX-S3", "1", "1", "1")]

NQ_VALUES = {
    "TNX": {
        "1": ("400", "1.000"), "2": ("54.919", "58.669"), "3": ("100", "100"), "4": ("1.234", "1.234"),
        "5": ("99", "100"), "6": "Có", "7": ("10", "10"), "8": "Đạt", "9": "x",
        "10": ("40", "100"), "11": ("54935", "62922"), "12": ("60", "100"), "13": ("59", "100"),
        "14": "không", "15": ("32.177", "32.656"), "16": ("90", "100"), "17": ("80", "100"),
        "18": ("65", "100"), "19": ("80", "100"), "20": ("30", "100"), "20.1": ("100", "100"),
        "21": ("1", "1"),
    },
    "BLX": {"20": ("51", "100"), "20.1": ("99", "100")},
}

NTM_VALUES = {
    "TNX-H1-X1": {
        "8.1.value": "1", "8.2.numerator": "5", "8.2.denominator": "5", "8.3.a.value": "Có",
        "8.3.b.numerator": "2", "8.3.b.denominator": "3", "8.4.a.numerator": "10",
        "8.4.a.denominator": "20", "8.4.b.value": "4", "8.4.c.numerator": "373",
        "8.4.c.denominator": "416",
    },
    "TNX-H1-X2": {
        "8.1.value": "0", "8.2.numerator": "4", "8.2.denominator": "5", "8.3.a.value": "không",
        "8.3.b.numerator": "1", "8.3.b.denominator": "3", "8.4.a.numerator": "9",
        "8.4.a.denominator": "20", "8.4.b.value": "93,6%",
    },
}

# xep-hang-mau through an XLSX with numeric cells (ints and floats).
XH_VALUES = {
    "TNX-S1": {"1": 15, "2": 10.5, "3": 8, "4": 12, "5": 20, "6": 14, "7": 15, "8": 12},
    "TNX-H1": {"1": 6, "2": 12, "3": 8, "4": 10, "5": 18, "6": 12, "7": 14, "8": 11},
    "TNX-S2": {"1": 7, "2": 5, "3": 4, "4": 13, "5": 10, "6": 7, "7": 5, "8": 4},
    "TNX-H1-X1": {"1": 10, "2": 8, "3": 6, "4": 6, "5": 9, "6": 5, "7": 3, "8": 3},
}


def ag_rows(values=AG_VALUES, period=AG_PERIOD) -> list[list[object]]:
    rows: list[list[object]] = [["Mã đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị", "Ghi chú"]]
    for unit, code, a, b in values:
        if b is None and code == "5":
            rows.append([f" {unit} ", period, f"{code}.value", a, "tự đánh giá"])
            continue
        rows.append([unit, period, f"{code}.numerator", f" {a} ", ""])
        if b is not None:
            rows.append([unit, period, f"{code}.denominator", b, ""])
    return rows


def nq_rows() -> list[list[object]]:
    rows: list[list[object]] = [["unit", "period", "element", "value", "comment"]]
    for unit, items in NQ_VALUES.items():
        for code, v in items.items():
            if isinstance(v, tuple):
                rows.append([unit, "01/2025", f"{code}.numerator", v[0], ""])
                rows.append([unit, NQ_PERIOD, f"{code}.denominator", v[1], ""])
            else:
                rows.append([unit, NQ_PERIOD, f"{code}.value", v, ""])
    # the same value twice (identical) is allowed
    rows.append(["TNX", NQ_PERIOD, "2.numerator", "54919", ""])
    return rows


def ntm_rows() -> list[list[object]]:
    rows: list[list[object]] = [["Đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Số liệu"]]
    for unit, items in NTM_VALUES.items():
        for element, v in items.items():
            rows.append([unit, "Năm 2024", element, v])
    return rows


def xh_rows() -> list[list[object]]:
    rows: list[list[object]] = [["Mã đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị"]]
    for unit, items in XH_VALUES.items():
        for code, v in items.items():
            rows.append([unit, 2024, f"{code}.value", v])
    return rows


def write_world(directory: Path) -> dict[str, Path]:
    """Write every good file of the world into ``directory``; name → path."""
    files = {
        "units.csv": csv_bytes(UNITS_CSV_ROWS),
        "units_semicolon.csv": csv_bytes(UNITS_SEMICOLON_ROWS, delimiter=";", bom=False, crlf=True),
        "units.xlsx": xlsx_bytes({"Đơn vị": UNITS_XLSX_ROWS}),
        "ag_2024.csv": csv_bytes(ag_rows()),
        "ag_2023.csv": csv_bytes(ag_rows(AG_VALUES_2023, "2023"), bom=False, crlf=False, trailing_blank=0),
        "nq17.csv": csv_bytes(nq_rows(), bom=False),
        "ntm.csv": csv_bytes(ntm_rows(), delimiter="\t", bom=True),
        "xh.xlsx": xlsx_bytes({"Số liệu": xh_rows()}),
    }
    out = {}
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        out[name] = path
    return out


# --------------------------------------------------------------------------- the oracle

P = Fraction
# (levels it applies to, op, threshold) per ag-cqdt-2021 row, from seed 000; None = yes/no.
AG_CRITERIA = {
    "1": ({"province", "district", "commune"}, ">=", P(1, 2)),
    "2": ({"province", "district"}, "=", P(1)),
    "3": ({"province", "district", "commune"}, "=", P(1)),
    "4": ({"province", "district", "commune"}, "=", P(1)),
    "5": ({"province", "district"}, "bool", None),
    "6": ({"province", "district", "commune"}, "=", P(1)),
    "7": ({"province", "district", "commune"}, "=", P(1)),
    "8": ({"province"}, ">=", P(9, 10)),
    "9": ({"district"}, ">=", P(8, 10)),
    "10": ({"commune"}, ">=", P(65, 100)),
    "11": ({"province", "district"}, ">=", P(8, 10)),
}
# nq17-2019: every row applies to the province as a whole (seed 002).
NQ_CRITERIA = {
    "1": (">=", P(40, 100)), "2": (">=", P(1, 2)), "3": ("=", P(1)), "4": ("=", P(1)), "5": ("=", P(1)),
    "6": ("bool", None), "7": ("=", P(1)), "8": ("bool", None), "9": ("bool", None),
    "10": (">=", P(40, 100)), "11": ("=", P(1)), "12": (">=", P(60, 100)), "13": (">=", P(60, 100)),
    "14": ("bool", None), "15": ("=", P(1)), "16": (">=", P(90, 100)), "17": (">=", P(80, 100)),
    "18": (">=", P(65, 100)), "19": (">=", P(80, 100)), "20": ("range", (P(30, 100), P(50, 100))),
    "20.1": ("=", P(1)), "21": ("=", P(1)),
}
# xep-hang-mau: (max, minimum) per level, category.
XH_CRITERIA = {
    "1": ({"province": (15, 7), "district": (15, 7), "commune": (15, 7)}, "san-sang"),
    "2": ({"province": (12, 5), "district": (12, 5), "commune": (12, 5)}, "san-sang"),
    "3": ({"province": (8, 4), "district": (8, 4), "commune": (8, 4)}, "san-sang"),
    "4": ({"province": (12, 6), "district": (10, 5), "commune": (8, 4)}, "san-sang"),
    "5": ({"province": (20, 10), "district": (18, 9), "commune": (17, 8)}, "ung-dung"),
    "6": ({"province": (14, 7), "district": (12, 6), "commune": (10, 5)}, "ung-dung"),
    "7": ({"province": (15, 5), "district": (14, 4), "commune": (12, 3)}, "ung-dung"),
    "8": ({"province": (12, 4), "district": (11, 4), "commune": (8, 3)}, "ung-dung"),
}
XH_BANDS = [("Mức 4", P(85, 100)), ("Mức 3", P(70, 100)), ("Mức 2", P(55, 100)), ("Mức 1", P(40, 100))]

YES = {"có", "x", "đạt", "yes", "1", "true", "đ"}
NO = {"không", "no", "0", "false", "không đạt", "chưa đạt"}


def read_count(text: str) -> int:
    """A whole count as clerks type it: 54.919 / 54919 / 1.000."""
    return int(text.strip().replace(".", ""))


def read_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    raise ValueError(text)


def read_number(text: str) -> Fraction:
    t = text.strip()
    if t.endswith("%"):
        return Fraction(t[:-1].replace(",", ".")) / 100
    return Fraction(t.replace(",", "."))


def bool_status(cell: str | None) -> tuple[str, bool | None]:
    """A yes/no criterion: missing when blank, met when the cell reads as yes."""
    if cell is None:
        return "missing", None
    value = read_bool(cell)
    return ("met" if value else "not_met"), value


def ratio_status(num: str | None, den: str | None, op: str, goal) -> tuple[str, Fraction | None]:
    if num is None or den is None:
        return "missing", None
    n, d = read_count(num), read_count(den)
    if d == 0 or n > d:
        return "invalid", None
    v = Fraction(n, d)
    if op == ">=":
        ok = v >= goal
    elif op == "=":
        ok = v == goal
    elif op == "range":
        ok = goal[0] <= v <= goal[1]
    else:
        raise AssertionError(op)
    return ("met" if ok else "not_met"), v


def _unit_verdict(statuses: dict[str, str], reported: bool) -> tuple[str, int, int]:
    applicable = [s for s in statuses.values() if s != "not_applicable"]
    met = sum(1 for s in applicable if s == "met")
    if not reported:
        return "not_reported", met, len(applicable)
    return ("complete" if applicable and met == len(applicable) else "incomplete"), met, len(applicable)


def expected_ag() -> dict[str, dict]:
    """unit → {status, met, applicable, indicators: code → (status, value)} for ag-cqdt-2021 in 2024."""
    given: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for unit, code, a, b in AG_VALUES:
        given.setdefault(unit, {})[code] = (a, b)
    out = {}
    for unit, level in UNIT_LEVELS.items():
        if level == "province" and UNIT_PARENTS[unit] is None:
            continue  # the province as a whole is not one of the agencies assessed
        mine = given.get(unit, {})
        indicators = {}
        for code, (levels, op, goal) in AG_CRITERIA.items():
            if level not in levels:
                indicators[code] = ("not_applicable", None)
                continue
            a, b = mine.get(code, (None, None))
            if op == "bool":
                indicators[code] = bool_status(a)
            else:
                indicators[code] = ratio_status(a, b, op, goal)
        status, met, applicable = _unit_verdict({c: s for c, (s, _) in indicators.items()}, bool(mine))
        out[unit] = {"level": level, "status": status, "met": met, "applicable": applicable,
                     "indicators": indicators}
    return out


def expected_nq() -> dict[str, dict]:
    out = {}
    for unit, level in UNIT_LEVELS.items():
        if level != "province" or UNIT_PARENTS[unit] is not None:
            continue  # nq17 assesses the province as a whole only
        mine = NQ_VALUES.get(unit, {})
        indicators = {}
        for code, (op, goal) in NQ_CRITERIA.items():
            v = mine.get(code)
            if op == "bool":
                indicators[code] = bool_status(v)
            else:
                a, b = v if v is not None else (None, None)
                indicators[code] = ratio_status(a, b, op, goal)
        status, met, applicable = _unit_verdict({c: s for c, (s, _) in indicators.items()}, bool(mine))
        out[unit] = {"level": level, "status": status, "met": met, "applicable": applicable,
                     "indicators": indicators}
    return out


def expected_ntm() -> dict[str, dict]:
    out = {}
    for unit, level in UNIT_LEVELS.items():
        if level != "commune":
            continue
        v = NTM_VALUES.get(unit, {})
        ind: dict[str, tuple[str, object]] = {}
        n81 = v.get("8.1.value")
        ind["8.1"] = ("missing", None) if n81 is None else (
            ("met" if read_number(n81) >= 1 else "not_met"), read_number(n81))
        ind["8.2"] = ratio_status(v.get("8.2.numerator"), v.get("8.2.denominator"), "=", P(1))
        a = v.get("8.3.a.value")
        sub_a = "missing" if a is None else ("met" if read_bool(a) else "not_met")
        sub_b = ratio_status(v.get("8.3.b.numerator"), v.get("8.3.b.denominator"), ">=", P(2, 3))[0]
        ind["8.3"] = (_composite([sub_a, sub_b]), None)
        s4a = ratio_status(v.get("8.4.a.numerator"), v.get("8.4.a.denominator"), ">=", P(1, 2))[0]
        b = v.get("8.4.b.value")
        s4b = "missing" if b is None else ("met" if read_number(b) >= 4 else "not_met")
        s4c = ratio_status(v.get("8.4.c.numerator"), v.get("8.4.c.denominator"), ">=", P(30, 100))[0]
        ind["8.4"] = (_composite([s4a, s4b, s4c]), None)
        status, met, applicable = _unit_verdict({c: s for c, (s, _) in ind.items()}, bool(v))
        out[unit] = {"level": level, "status": status, "met": met, "applicable": applicable, "indicators": ind,
                     "items": {"8.3.a": sub_a, "8.3.b": sub_b, "8.4.a": s4a, "8.4.b": s4b, "8.4.c": s4c}}
    return out


def _composite(statuses: list[str]) -> str:
    for s in ("invalid", "not_met", "missing"):
        if s in statuses:
            return s
    return "met"


def expected_xh() -> dict[str, dict]:
    out = {}
    for unit, level in UNIT_LEVELS.items():
        if level == "province" and UNIT_PARENTS[unit] is None:
            continue
        v = XH_VALUES.get(unit, {})
        ind = {}
        cats: dict[str, list] = {"san-sang": [], "ung-dung": []}
        for code, (limits, cat) in XH_CRITERIA.items():
            maximum, minimum = limits[level]
            p = v.get(code)
            if p is None:
                s = "missing"
            elif p > maximum or p < 0:
                s = "invalid"
            elif p < minimum:
                s = "not_met"
            else:
                s = "met"
            ind[code] = (s, None if s in ("missing", "invalid") else Fraction(p).limit_denominator(100))
            cats[cat].append((s, p, maximum))
        status, met, applicable = _unit_verdict({c: s for c, (s, _) in ind.items()}, bool(v))
        levels = {}
        for cat, entries in cats.items():
            if any(s != "met" for s, _, _ in entries):
                levels[cat] = None  # not ranked: a criterion below its minimum, missing or invalid
                continue
            share = Fraction(sum(Fraction(p).limit_denominator(100) for _, p, _ in entries),
                             sum(m for _, _, m in entries))
            levels[cat] = next((label for label, floor in XH_BANDS if share >= floor), None)
        out[unit] = {"level": level, "status": status, "met": met, "applicable": applicable,
                     "indicators": ind, "categories": levels}
    return out


def expected_summary(units: dict[str, dict]) -> dict:
    """Overall and per-level tallies; rate = complete / units in scope."""

    def tally(items: list[dict]) -> dict:
        n = len(items)
        nr = sum(1 for u in items if u["status"] == "not_reported")
        complete = sum(1 for u in items if u["status"] == "complete")
        return {"units": n, "assessed": n - nr, "not_reported": nr, "complete": complete,
                "rate": (Fraction(complete, n) if n else None)}

    levels = sorted({u["level"] for u in units.values()})
    return {
        "overall": tally(list(units.values())),
        "by_level": {lv: tally([u for u in units.values() if u["level"] == lv]) for lv in levels},
    }


# --------------------------------------------------------------------------- operational exports

# A one-stop export as a clerk tidies it: Vietnamese headers in another order, dd/mm/yyyy
# with and without time, Vietnamese codes, an extra column the system adds.
DOSSIER_HEADER = ["STT", "Mã hồ sơ", "Đơn vị tiếp nhận", "Tên thủ tục", "Mức độ", "Kênh nộp",
                  "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái",
                  "Kết quả điện tử", "Số hóa"]
DOSSIER_ROWS = [
    # D1: toàn trình, online, resolved on time, e-result, digitized
    [1, "HS-0001", "TNX-S1", "Cấp phép A", "Toàn trình", "Trực tuyến", "05/03/2024 08:30",
     "10/03/2024", "08/03/2024 17:00", "Đã giải quyết", "Có", "Có"],
    # D2: một phần, in person, resolved late, no e-result, digitized "x"
    [2, "HS-0002", "TNX-S1", "Cấp phép B", "một phần", "trực tiếp", "2024-03-06", "2024-03-10",
     "2024-03-12 09:00", "resolved", "Không", "x"],
    # D3: offline, still being handled
    [3, "HS-0003", "TNX-S1", "Cấp phép C", "Trực tiếp", "Tại bộ phận một cửa", "07/03/2024", "",
     "", "Đang xử lý", "", ""],
    # D4: mức độ 4, online, rejected → ineligible
    [4, "HS-0004", "TNX-S1", "Cấp phép A", "Mức độ 4", "trực tuyến", "20/03/2024 10:00", "",
     "", "Từ chối", "", ""],
    # D5: received in February, resolved in March on time (carried over)
    [5, "HS-0005", "TNX-S1", "Cấp phép A", "toàn trình", "Bưu chính", "25/02/2024 14:00",
     "05/03/2024", "04/03/2024 10:00", "Đã giải quyết", "Có", "Không"],
    # D6: một phần, online, received on the last evening of March (local time)
    [6, "HS-0006", "TNX-S1", "Cấp phép B", "Một phần", "online", "31/03/2024 23:30", "", "",
     "received", "", ""],
    # D7: just after midnight on 1 April: not in March
    [7, "HS-0007", "TNX-S1", "Cấp phép A", "Toàn trình", "Trực tuyến", "01/04/2024 00:10", "",
     "", "Đang xử lý", "", ""],
    # D8: another unit (commune), online, resolved on time
    [8, "HS-0008", "TNX-H1-X1", "Chứng thực", "Toàn trình", "Trực tuyến", "15/03/2024 07:45",
     "16/03/2024", "15/03/2024 15:00", "Đã giải quyết", "Có", "Có"],
]
# Metrics of TNX-S1 for March 2024, worked out by hand from the rows above.
DOSSIER_METRICS_TNX_S1_2024_03 = {
    "received": 5, "ineligible": 1, "carried_over": 1, "to_resolve": 5, "resolved": 3,
    "resolved_on_time": 2, "resolved_late": 1, "pending": 2, "online_eligible": 3, "online": 2,
    "e_result": 2, "digitized": 2,
    # by service level (mức độ 4 / 3 / 2): received D1 D4 · D2 D6 · D3; resolved D1 D5 · D2
    "received_full_online": 2, "received_partial_online": 2, "received_offline": 1,
    "resolved_full_online": 2, "resolved_partial_online": 1, "resolved_offline": 0,
}
DOSSIER_METRICS_TNX_H1_X1_2024_03 = {
    "received": 1, "ineligible": 0, "carried_over": 0, "to_resolve": 1, "resolved": 1,
    "resolved_on_time": 1, "resolved_late": 0, "pending": 0, "online_eligible": 1, "online": 1,
    "e_result": 1, "digitized": 1,
    "received_full_online": 1, "received_partial_online": 0, "received_offline": 0,
    "resolved_full_online": 1, "resolved_partial_online": 0, "resolved_offline": 0,
}
DOCUMENT_HEADER = ["Mã văn bản", "Đơn vị", "Loại văn bản", "Ngày", "Văn bản điện tử", "Ký số", "Độ mật"]
DOCUMENT_ROWS = [
    ["VB-1", "TNX-S1", "Văn bản đi", "04/03/2024", "Có", "Có", "Không"],
    ["VB-2", "TNX-S1", "đi", "2024-03-05", "Có", "Không", ""],
    ["VB-3", "TNX-S1", "Đi", "06/03/2024", "Không", "Không", ""],
    ["VB-4", "TNX-S1", "Văn bản đi", "07/03/2024", "Không", "Không", "Có"],  # secret: left out
    ["VB-5", "TNX-S1", "Văn bản đến", "08/03/2024", "Có", "Có", ""],
]
# ag-cqdt-2021 row 7 (outgoing electronic / outgoing, secret left out) → 2/3.
DOCUMENT_METRICS_TNX_S1_2024_03 = {"outgoing": 3, "outgoing_electronic": 2, "incoming": 1}
