"""Bad files a tired clerk sends, each with where the message must point.

Every case is ``(name, bytes, command args after the file, must-contain fragments)``;
the fragments are the row ("dòng N") and the column (header or letter) the
message has to name, in Vietnamese. Files are built here so the corpus needs no
binary fixtures; the world of ``world.py`` must be imported first.
"""

from __future__ import annotations

from dataclasses import dataclass

from .world import (
    DOCUMENT_HEADER,
    DOCUMENT_ROWS,
    DOSSIER_HEADER,
    DOSSIER_ROWS,
    csv_bytes,
    xlsx_bytes,
)


@dataclass(frozen=True)
class Case:
    name: str  # file name, with the suffix the clerk gave it
    data: bytes
    command: str  # import_units | import_values | ingest_dossiers | ingest_documents
    args: tuple[str, ...] = ()
    fragments: tuple[str, ...] = ()  # each must appear in stdout+stderr


AG = ("--framework", "ag-cqdt-2021")
VALUES_HEADER = ["Mã đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị"]
UNITS_HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cấp trên"]


def _values(*rows: list[object], **kw) -> bytes:
    return csv_bytes([VALUES_HEADER, *rows], **kw)


def _units(*rows: list[object], **kw) -> bytes:
    return csv_bytes([UNITS_HEADER, *rows], **kw)


GOOD_VALUE = ["TNX-S3", "2024", "1.numerator", "5"]
GOOD_UNIT = ["TNX-S9", "Sở Mới", "Cấp tỉnh", "TNX"]


def units_cases() -> list[Case]:
    c = "import_units"
    title = [["DANH SÁCH ĐƠN VỊ NĂM 2024", None, None, None], UNITS_HEADER, GOOD_UNIT]
    return [
        Case("u_level.csv", _units(GOOD_UNIT, ["TNX-S8", "Sở X", "Cấp bộ", "TNX"]), c,
             fragments=("dòng 3", "Cấp", "Cấp bộ")),
        Case("u_parent.csv", _units(GOOD_UNIT, ["TNX-S8", "Sở X", "tỉnh", "KHONG-CO"]), c,
             fragments=("dòng 3", "Đơn vị cấp trên", "KHONG-CO")),
        Case("u_cycle.csv", _units(["CY-A", "A", "tỉnh", "CY-B"], ["CY-B", "B", "tỉnh", "CY-A"]), c,
             fragments=("dòng", "Đơn vị cấp trên", "vòng")),
        Case("u_dup.csv", _units(GOOD_UNIT, ["TNX-S9", "Sở Khác Tên", "Cấp tỉnh", "TNX"]), c,
             fragments=("dòng 3", "Mã đơn vị", "dòng 2")),
        Case("u_noname.csv", _units(GOOD_UNIT, ["TNX-S8", "  ", "tỉnh", "TNX"]), c,
             fragments=("dòng 3", "Tên đơn vị")),
        Case("u_date.csv", csv_bytes([["code", "name", "level", "valid_from"],
                                      ["TNX-S8", "Sở X", "tỉnh", "31/02/2024"]]), c,
             fragments=("dòng 2", "valid_from", "31/02/2024")),
        Case("u_cp1258.csv", _units(GOOD_UNIT, bom=False, encoding="cp1258"), c,
             fragments=("dòng 1", "UTF-8")),
        Case("u_utf16.csv", "\ufeff".encode("utf-16-le") + "\r\n".join(
            "\t".join(r) for r in [UNITS_HEADER, GOOD_UNIT]).encode("utf-16-le"), c,
             fragments=("dòng 1", "UTF-8")),
        Case("u_title_row.xlsx", xlsx_bytes({"DS": title}, merged=["A1:D1"]), c,
             fragments=("dòng 1", "thiếu cột")),
        Case("u_empty.csv", b"", c, fragments=("dòng 1", "rỗng")),
        Case("u_header_only.csv", _units(), c, fragments=("dòng 2",)),
        Case("u_old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, c,
             fragments=(".xls",)),
    ]


def values_cases() -> list[Case]:
    c = "import_values"
    first_sheet_notes = [["Hướng dẫn: điền số liệu ở trang 2"], ["Liên hệ Sở TTTT"]]
    return [
        # Excel in a Vietnamese locale: ";" separated, "54,919" meant as fifty-four thousand
        Case("v_semicolon_comma.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "54,919"],
                                              delimiter=";"), c, AG,
             ("dòng 3", "Giá trị", "54,919")),
        Case("v_negative.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "-5"]), c, AG,
             ("dòng 3", "Giá trị", "-5")),
        Case("v_na.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "N/A"]), c, AG,
             ("dòng 3", "Giá trị", "N/A")),
        Case("v_percent_count.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "93,6%"]), c, AG,
             ("dòng 3", "Giá trị")),
        Case("v_fraction_count.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "3,5"]), c, AG,
             ("dòng 3", "Giá trị")),
        Case("v_huge.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "9" * 30]), c, AG,
             ("dòng 3", "Giá trị")),
        Case("v_bool.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "5.value", "có lẽ"]), c, AG,
             ("dòng 3", "Giá trị", "có lẽ")),
        Case("v_count_as_bool.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", "Có"]), c, AG,
             ("dòng 3", "Giá trị")),
        Case("v_conflict.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.numerator", "6"]), c, AG,
             ("dòng 3", "Giá trị", "dòng 2")),
        Case("v_unit.csv", _values(GOOD_VALUE, ["TNX-S99", "2024", "1.numerator", "5"]), c, AG,
             ("dòng 3", "Mã đơn vị", "TNX-S99")),
        Case("v_element.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.numerater", "5"]), c, AG,
             ("dòng 3", "Chỉ tiêu", "1.numerater")),
        Case("v_period_date.csv", _values(GOOD_VALUE, ["TNX-S3", "31/02/2024", "1.denominator", "5"]), c, AG,
             ("dòng 3", "Kỳ", "31/02/2024")),
        Case("v_blank.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "1.denominator", " "]), c, AG,
             ("dòng 3", "Giá trị")),
        Case("v_cp1258.csv", _values(GOOD_VALUE, ["TNX-S3", "2024", "5.value", "Không"], bom=False,
                                     encoding="cp1258"), c, AG, ("dòng 1", "UTF-8")),
        Case("v_title_row.xlsx", xlsx_bytes({"SL": [["SỐ LIỆU NĂM 2024"], VALUES_HEADER, GOOD_VALUE]},
                                            merged=["A1:D1"]), c, AG, ("dòng 1", "thiếu cột")),
        Case("v_two_sheets.xlsx", xlsx_bytes({"Hướng dẫn": first_sheet_notes,
                                              "Số liệu": [VALUES_HEADER, GOOD_VALUE]}), c, AG,
             ("dòng 1", "thiếu cột")),
        # formulas saved by a program that keeps no cached result: the cell is empty to a reader
        Case("v_formula.xlsx", xlsx_bytes({"SL": [VALUES_HEADER, GOOD_VALUE,
                                                  ["TNX-S3", "2024", "1.denominator", "=D2*2"]]}), c, AG,
             ("dòng 3", "D")),
        Case("v_xlsx_float.xlsx", xlsx_bytes({"SL": [VALUES_HEADER, GOOD_VALUE,
                                                     ["TNX-S3", "2024", "1.denominator", 12.5]]}), c, AG,
             ("dòng 3", "D")),
        Case("v_xlsx_error.xlsx", xlsx_bytes({"SL": [VALUES_HEADER, GOOD_VALUE,
                                                     ["TNX-S3", "2024", "1.denominator", "#DIV/0!"]]}), c, AG,
             ("dòng 3", "D", "#DIV/0!")),
        Case("v_text_renamed.csv", "Kính gửi Sở Thông tin và Truyền thông,\nđơn vị xin gửi số liệu.\n"
             .encode(), c, AG, ("dòng 1", "thiếu cột")),
        Case("v_xlsx_named_csv.csv", xlsx_bytes({"SL": [VALUES_HEADER, GOOD_VALUE]}), c, AG, ("dòng",)),
        Case("v_framework.csv", _values(GOOD_VALUE), c, ("--framework", "khong-co-bo-nay"),
             ("khong-co-bo-nay",)),
    ]


def _dossiers(*changes: tuple[int, int, object], extra: list[list[object]] | None = None, **kw) -> bytes:
    """The good export with cells changed: (row index in DOSSIER_ROWS, column index, new value)."""
    rows = [list(r) for r in DOSSIER_ROWS]
    for i, j, v in changes:
        rows[i][j] = v
    return csv_bytes([DOSSIER_HEADER, *rows, *(extra or [])], **kw)


def ingest_cases() -> list[Case]:
    d, v = "ingest_dossiers", "ingest_documents"
    # row index i in DOSSIER_ROWS is file row i + 2
    return [
        Case("d_unit.csv", _dossiers((2, 2, "TNX-KHONG")), d, fragments=("dòng 4", "TNX-KHONG")),
        Case("d_date.csv", _dossiers((1, 6, "31/02/2024")), d, fragments=("dòng 3", "31/02/2024")),
        Case("d_before.csv", _dossiers((0, 8, "01/03/2024 08:00")), d, fragments=("dòng 2",)),
        Case("d_resolved_no_date.csv", _dossiers((4, 8, "")), d, fragments=("dòng 6",)),
        Case("d_level.csv", _dossiers((3, 4, "Mức độ 5")), d, fragments=("dòng 5", "Mức độ 5")),
        Case("d_status.csv", _dossiers((3, 9, "Chờ bổ sung giấy tờ")), d,
             fragments=("dòng 5", "Chờ bổ sung giấy tờ")),
        Case("d_bool.csv", _dossiers((0, 10, "có lẽ")), d, fragments=("dòng 2", "có lẽ")),
        Case("d_dup.csv", _dossiers(extra=[[9, "HS-0001", "TNX-S1", "Cấp phép A", "Toàn trình", "Trực tuyến",
                                            "05/03/2024 08:30", "10/03/2024", "09/03/2024 17:00",
                                            "Đã giải quyết", "Có", "Có"]]), d,
             fragments=("HS-0001",)),
        # Refused and nothing written, but the message is DuckDB's English "CSV Error on Line: 1"
        # without saying the file is not UTF-8 (reported to the ingest owner; not asserted here).
        Case("d_cp1258.csv", _dossiers(bom=False, encoding="cp1258"), d),
        Case("d_empty.csv", b"", d),
        Case("d_missing_column.csv", csv_bytes([[h for h in DOSSIER_HEADER if h != "Trạng thái"],
                                                *[[c for k, c in enumerate(r) if k != 9] for r in DOSSIER_ROWS]]),
             d, fragments=("trạng thái",)),
        Case("d_old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, d),
        Case("doc_direction.csv", csv_bytes([DOCUMENT_HEADER, *DOCUMENT_ROWS[:2],
                                             ["VB-9", "TNX-S1", "nội bộ", "04/03/2024", "Có", "Có", ""]]), v,
             fragments=("dòng 4", "nội bộ")),
        Case("doc_date.csv", csv_bytes([DOCUMENT_HEADER, *DOCUMENT_ROWS[:2],
                                        ["VB-9", "TNX-S1", "đi", "2024-13-01", "Có", "Có", ""]]), v,
             fragments=("dòng 4", "2024-13-01")),
    ]
