"""Drill-down: which dossiers a metric counts, read from the dataset, paged, within the user's scope."""

from __future__ import annotations

from django.urls import reverse

from chiso.conftest import client_for
from chiso.ingest.importer import ingest_file
from chiso.ingest.metrics import dossier_metrics
from chiso.ingest.records import DRILL_METRICS, drill_down

from .exports import dossier, write_csv

COMMUNE = "AG-PT-PL"
ROWS = [
    dossier("LATE-1", unit=COMMUNE, received="2025-01-02 08:00", due="2025-01-06 17:00",
            resolved="2025-01-09 10:00", status="resolved"),
    dossier("LATE-2", unit=COMMUNE, received="2024-12-20 08:00", due="2024-12-30 17:00",
            resolved="2025-01-03 10:00", status="resolved", e_result="Có"),
    dossier("ON-TIME", unit=COMMUNE, received="2025-01-05 08:00", due="2025-01-20 17:00",
            resolved="2025-01-08 10:00", status="resolved", e_result="Có"),
    dossier("PENDING", unit=COMMUNE, received="2025-01-15 08:00", level="offline", channel="in_person"),
    dossier("CARRIED", unit=COMMUNE, received="2024-11-15 08:00"),
    dossier("REJECTED", unit=COMMUNE, received="2025-01-16 08:00", status="rejected"),
    dossier("FEBRUARY", unit=COMMUNE, received="2025-02-01 08:00"),
    dossier("OTHER-UNIT", received="2025-01-02 08:00", due="2025-01-03 17:00", resolved="2025-01-09 10:00",
            status="resolved"),
]


def _ids(page) -> list[str]:
    return [r["dossier_id"] for r in page.rows]


def test_the_late_dossiers_of_a_commune_in_a_month(world, tmp_path):
    ingest_file(write_csv(tmp_path / "xa.csv", ROWS), "dossiers")
    page = drill_down(world.commune_a.pk, "2025-01", "resolved_late")
    assert (page.total, _ids(page)) == (2, ["LATE-2", "LATE-1"])  # by received time
    assert _ids(drill_down(world.commune_a.pk, "2025-01", "pending")) == ["CARRIED", "PENDING"]
    assert _ids(drill_down(world.commune_a.pk, "2025-01", "carried_over")) == ["CARRIED", "LATE-2"]
    assert _ids(drill_down(world.commune_a.pk, "2025-01", "ineligible")) == ["REJECTED"]


def test_every_list_has_as_many_dossiers_as_its_metric(world, tmp_path):
    ingest_file(write_csv(tmp_path / "xa.csv", ROWS), "dossiers")
    for period in ("2024-12", "2025-01", "2025-Q1", "2025"):
        figures = dossier_metrics(period)[world.commune_a.pk]
        for metric in DRILL_METRICS:
            if metric in figures:
                assert drill_down(world.commune_a.pk, period, metric).total == figures[metric], (period, metric)


def test_a_list_is_paged(world, tmp_path):
    rows = [dossier(f"H{i:03d}", unit=COMMUNE, received=f"2025-01-{1 + i % 28:02d} 08:00") for i in range(120)]
    ingest_file(write_csv(tmp_path / "nhieu.csv", rows), "dossiers")
    pages = [drill_down(world.commune_a.pk, "2025-01", "received", page=n) for n in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [50, 50, 20] and pages[0].pages == 3
    assert len({i for p in pages for i in _ids(p)}) == 120


def test_the_page_lists_them_for_a_user_who_may_see_the_unit(world, tmp_path):
    ingest_file(write_csv(tmp_path / "xa.csv", ROWS), "dossiers")
    url = reverse("ingest:dossiers") + f"?don_vi={COMMUNE}&ky=2025-01&chi_so=resolved_late"
    response = client_for(world.reporters[COMMUNE]).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "giải quyết quá hạn: 2 hồ sơ" in text
    assert "LATE-1" in text and "LATE-2" in text and "ON-TIME" not in text
    assert "09/01/2025 10:00" in text  # local time, dd/mm/yyyy
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.reporters["AG-STTTT"]).get(url).status_code == 404
    bad = client_for(world.admin).get(reverse("ingest:dossiers") + f"?don_vi={COMMUNE}&ky=2025-13")
    assert bad.status_code == 200 and "Tháng" in bad.content.decode()
