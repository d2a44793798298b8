"""``chiso ingest_dossiers FILE``: import a one-stop dossier export (all or nothing)."""

from ._ingest_base import IngestCommand


class Command(IngestCommand):
    help = "Nhập tệp hồ sơ thủ tục hành chính (CSV/XLSX) xuất từ hệ thống một cửa"
    kind = "dossiers"
    noun = "hồ sơ"
