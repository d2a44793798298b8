"""``chiso ingest_documents FILE``: import a document-system export (all or nothing)."""

from ._ingest_base import IngestCommand


class Command(IngestCommand):
    help = "Nhập tệp văn bản đi/đến (CSV/XLSX) xuất từ hệ thống quản lý văn bản"
    kind = "documents"
    noun = "văn bản"
