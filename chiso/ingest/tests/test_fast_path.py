"""The reader's one-pass path for clean files gives exactly the records of the exact path.

``ExportReader._fast`` reads a clean export once, in parallel; anything in doubt goes to the
exact path (file order). Both must store the same records, whatever spellings the file uses.
"""

from __future__ import annotations

import pytest

from chiso.ingest import reader
from chiso.ingest.importer import ingest_file
from chiso.ingest.records import records
from chiso.tabular import ImportError_

from .exports import VI_HEADER, row, write_csv

# Padded cells, Vietnamese codes, several yes/no spellings, dates in the usual spelling and
# others (Vietnamese, ISO with a zone, a deadline given as a day), the 2026 columns.
ROWS = [
    row("H-1", unit="  AG-STTTT ", level="toàn trình", channel="trực tuyến", received="2025-01-05 08:30:00",
        due="2025-01-15 17:00:00", resolved="2025-01-09 15:00:00", status="đã giải quyết", e_result="Có",
        digitized="x", paid="1", published="Không", satisfaction="hài lòng", reused="có", office="cấp xã"),
    row("H-2", unit="Sở Nội vụ", level="mức độ 3", channel="bưu chính", received="06/01/2025 09:00",
        due="10/01/2025", status="đang xử lý", digitized="Không", satisfaction="5", office="tỉnh"),
    row("H-3", level="trực tiếp", channel="trực tiếp", received="2025-01-06T09:00:00+07:00",
        due="", status="từ chối", e_result=" Có "),
    row(" H-4 ", received="2025-01-31 23:30:00", due="2025-02-05 17:00:00", resolved="2025-02-01 08:00:00",
        status="resolved", satisfaction="4.0", paid="Không", reused="0"),
    row("H-5", received="2025-02-01 00:10:00", status="withdrawn", office="huyện"),
]


def _import(tmp_path, name, system, monkeypatch, fast: bool, usual: str | None = None):
    taken = []
    if usual:  # the spelling most cells have, as if sniffed from a larger file: the others fall back
        monkeypatch.setattr(reader.ExportReader, "_usual_format", lambda self, dates: usual)
    original = reader.ExportReader._fast

    def spy(self):
        done = original(self) if fast else False
        taken.append(done)
        return done

    monkeypatch.setattr(reader.ExportReader, "_fast", spy)
    path = tmp_path / f"{name}.csv"
    path.write_text(",".join(VI_HEADER) + "\n" + "\n".join(
        ",".join(f'"{c}"' if "," in c else c for c in r) for r in ROWS[:2]) + "\n\n"
        + "\n".join(",".join(r) for r in ROWS[2:]) + "\n", encoding="utf-8-sig")
    batch = ingest_file(path, "dossiers", system=system)
    return batch, taken


def _without(rows, *names):
    return [{k: v for k, v in r.items() if k not in names} for r in rows]


@pytest.mark.parametrize("usual", [None, "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"])
def test_a_clean_file_gives_the_same_records_by_either_path(world, tmp_path, monkeypatch, usual):
    fast, taken_fast = _import(tmp_path, "a", "fast", monkeypatch, fast=True, usual=usual)
    exact, taken_exact = _import(tmp_path, "b", "exact", monkeypatch, fast=False)
    assert taken_fast == [True] and taken_exact == [False]
    assert (fast.rows, fast.created) == (exact.rows, exact.created) == (5, 5)
    a = _without(records("dossiers", "fast"), "system", "batch")
    b = _without(records("dossiers", "exact"), "system", "batch")
    assert a == b
    assert [r["dossier_id"] for r in a] == ["H-1", "H-2", "H-3", "H-4", "H-5"]
    h1 = a[0]
    assert (h1["unit_id"], h1["service_level"], h1["status"], h1["satisfaction"]) == \
        (world.agency_a.pk, "full_online", "resolved", 4)


@pytest.mark.parametrize("sample", [0, 1])
def test_spellings_met_only_after_the_sample_are_read_the_same(world, tmp_path, monkeypatch, sample):
    """The one pass reads coded cells by the spellings of the file's first rows and the catalogue's;
    the others (a padded unit, " Có ", "4.0") are read after it, with the same
    rules: the records are the exact path's."""
    monkeypatch.setattr(reader, "SAMPLE_ROWS", sample)
    fast, taken_fast = _import(tmp_path, "a", "fast", monkeypatch, fast=True)
    exact, taken_exact = _import(tmp_path, "b", "exact", monkeypatch, fast=False)
    assert taken_fast == [True] and taken_exact == [False]
    a = _without(records("dossiers", "fast"), "system", "batch")
    assert a == _without(records("dossiers", "exact"), "system", "batch")
    assert (a[0]["unit_id"], a[0]["e_result"], a[2]["e_result"], a[3]["satisfaction"]) == \
        (world.agency_a.pk, True, True, 4)


def test_a_cell_of_spaces_met_after_the_sample_is_blank(world, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "SAMPLE_ROWS", 0)
    taken = []
    original = reader.ExportReader._fast
    monkeypatch.setattr(reader.ExportReader, "_fast", lambda self: taken.append(original(self)) or taken[-1])
    path = write_csv(tmp_path / "spaces.csv", [row("S-1", paid="   ", office="  "), row("S-2", paid="Có")],
                     header=VI_HEADER)
    batch = ingest_file(path, "dossiers", system="spaces")
    assert taken == [True] and batch.created == 2
    assert [(r["paid_online"], r["office_level"]) for r in records("dossiers", "spaces")] == \
        [(None, None), (True, None)]


def test_a_problem_found_by_the_fast_pass_is_named_by_the_exact_path(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        ["A", "AG-STTTT", "1.001", "full_online", "online", "2025-01-10 08:00:00", "", "", "received", "", ""],
        ["B", "AG-STTTT", "1.001", "full_online", "online", "2025-01-10 08:00:00", "", "", "received", "có lẽ", ""],
    ])
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "e_result")]


def test_a_quoted_cell_after_the_sniffers_sample_is_read_not_refused(world, tmp_path):
    """DuckDB's sniffer reads the first ~20.000 rows; when none of them is quoted it used to settle
    on no quote character, and a valid file quoting a comma further down was refused. A CSV's quote
    is '"' (RFC 4180, and the exact path's csv module) unless the sniffer finds another."""
    from .exports import dossier, write_csv

    rows = [dossier(f"H-{i}") for i in range(21_000)]
    rows.append(dossier("H-cuối", procedure="Cấp phép, gia hạn"))  # quoted by the writer: it holds a comma
    path = write_csv(tmp_path / "muon.csv", rows)
    assert '"Cấp phép, gia hạn"' in path.read_text(encoding="utf-8").splitlines()[-1]
    batch = ingest_file(path, "dossiers", system="quote")
    assert batch.rows == 21_001 and batch.created == 21_001
    last = [r for r in records("dossiers", system="quote") if r["dossier_id"] == "H-cuối"]
    assert [r["procedure"] for r in last] == ["Cấp phép, gia hạn"]
