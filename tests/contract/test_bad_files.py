"""Bad files of many kinds: non-zero exit, a Vietnamese message naming row and column, no table changed.

The cases (``corpus.py``) are what tired clerks send: Windows-1258 and UTF-16
CSV, "54,919" from a Vietnamese-locale Excel, a title row above the header, an
instructions sheet first, formulas, "N/A", "31/02/2024", old .xls, a letter
saved as .csv, conflicting duplicates … Each good row that precedes the bad one
would change the database if imports were not all-or-nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from . import corpus
from .harness import Result, new_site

CASES = corpus.units_cases() + corpus.values_cases() + corpus.ingest_cases()


@pytest.fixture(scope="module")
def corpus_run(contract_root, blank_site, loaded):
    """Every bad file run against a copy of the loaded world; table counts before and after."""
    site = new_site(contract_root, template=loaded.site)
    before = {**site.counts(), "dataset_dossiers": site.dataset_rows("dossiers")}
    files_before = site.dataset_files()

    def run(case: corpus.Case) -> Result:
        path = site.var_dir / case.name
        path.write_bytes(case.data)
        extra = ("--no-progress",) if case.command.startswith("ingest") else ()
        return site.run(case.command, str(path), *case.args, *extra)

    with ThreadPoolExecutor(4) as pool:
        results = dict(zip((c.name for c in CASES), pool.map(run, CASES), strict=True))
    after = {**site.counts(), "dataset_dossiers": site.dataset_rows("dossiers")}
    yield before, after, results, files_before, site.dataset_files()
    site.drop()


def test_no_bad_file_changed_any_table(corpus_run):
    before, after, _, files_before, files_after = corpus_run
    assert before["units_unit"] == 11 and before["assessments_value"] > 0
    # The 8 loaded dossiers live in the records dataset (Parquet), summarised per unit and month.
    assert before["ingest_dossiermonth"] > 0 and before["ingest_datasetpart"] > 0
    assert before["dataset_dossiers"] == 8
    assert after == before
    assert files_after == files_before  # no dataset file written, replaced or removed


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_refused_and_located(corpus_run, case):
    _, _, results, _, _ = corpus_run
    result = results[case.name]
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output
    assert case.name in result.output or "khong-co-bo-nay" in result.output  # names the file
    for fragment in case.fragments:
        assert fragment in result.output
    assert "không" in result.output.lower()  # said in Vietnamese
