"""Sites (throwaway databases) shared by the contract tests: made once per session."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import world
from .harness import Result, Site, new_site

EVALUATIONS = {
    "ag-cqdt-2021": world.AG_PERIOD,
    "nq17-2019": world.NQ_PERIOD,
    "ntm-xa-2021": world.NTM_PERIOD,
    "xep-hang-mau": world.XH_PERIOD,
}


@dataclass
class World:
    site: Site
    files: dict[str, Path]
    imports: dict[str, Result]
    evaluations: dict[str, dict]  # framework → parsed JSON
    counts_after_load: dict[str, int]


@pytest.fixture(scope="session")
def contract_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("contract")


@pytest.fixture(scope="session")
def blank_site(contract_root):
    """Migrated, bundled frameworks loaded, nothing else; only ever copied."""
    site = new_site(contract_root)
    yield site
    site.drop()


def _parallel(site: Site, calls: list[tuple[str, ...]], workers: int = 4) -> list[Result]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda args: site.run(*args), calls))


@pytest.fixture(scope="session")
def loaded(contract_root, blank_site) -> World:
    """The unseen world imported through the CLI, and every framework evaluated as JSON."""
    site = new_site(contract_root, template=blank_site)
    files = world.write_world(site.var_dir)
    (site.var_dir / "dossiers.csv").write_bytes(
        world.csv_bytes([world.DOSSIER_HEADER, *world.DOSSIER_ROWS], bom=False, crlf=False))
    (site.var_dir / "documents.xlsx").write_bytes(
        world.xlsx_bytes({"Văn bản": [world.DOCUMENT_HEADER, *world.DOCUMENT_ROWS]}))
    imports: dict[str, Result] = {}
    # units in order (the XLSX and semicolon files hang under units of earlier files)
    for name in ("units.csv", "units_semicolon.csv", "units.xlsx"):
        imports[name] = site.run("import_units", str(files[name]))
    calls = {
        "ag_2024.csv": ("import_values", str(files["ag_2024.csv"]), "--framework", "ag-cqdt-2021"),
        "ag_2023.csv": ("import_values", str(files["ag_2023.csv"]), "--framework", "ag-cqdt-2021"),
        "nq17.csv": ("import_values", str(files["nq17.csv"]), "--framework", "nq17-2019"),
        "ntm.csv": ("import_values", str(files["ntm.csv"]), "--framework", "ntm-xa-2021"),
        "xh.xlsx": ("import_values", str(files["xh.xlsx"]), "--framework", "xep-hang-mau"),
    }
    # one writer at a time: the product's imports are transactions, not a test of concurrency
    for name, args in calls.items():
        imports[name] = site.run(*args)
    for name in ("dossiers.csv", "documents.xlsx"):
        kind = "ingest_dossiers" if name.startswith("dossiers") else "ingest_documents"
        imports[name] = site.run(kind, str(site.var_dir / name), "--no-progress")
    imports["compute"] = site.run("compute_values", "--framework", "ag-cqdt-2021", "--period", "2024-03")
    failed = {k: r.output for k, r in imports.items() if r.returncode != 0}
    assert not failed, failed
    results = _parallel(site, [("evaluate", "--framework", fw, "--period", p, "--format", "json")
                               for fw, p in EVALUATIONS.items()])
    evaluations = {}
    for fw, result in zip(EVALUATIONS, results, strict=True):
        assert result.returncode == 0, result.output
        evaluations[fw] = json.loads(result.stdout)
    return World(site, files, imports, evaluations, site.counts())
