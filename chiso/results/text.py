"""How a basis is named where figures are shown: one sentence for the CLI, pages and reports."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import BASIS_OFFICIAL


def status_text(status: str) -> str:
    from .vocabulary import submission_status

    return submission_status(status)


def basis_line(figures) -> str:
    """E.g. "Cơ sở số liệu: chính thức … 2 đơn vị chưa có số liệu chính thức: A (Đang nhập), …"."""
    if figures.basis != BASIS_OFFICIAL:
        return _("Cơ sở số liệu: TẠM TÍNH — mọi số liệu đang có, kể cả báo cáo chưa duyệt.") + "\n"
    line = _("Cơ sở số liệu: chính thức — chỉ báo cáo đã duyệt và số liệu ngoài đợt đánh giá.")
    if figures.left_out:
        left = ", ".join(f"{code} ({status_text(status)})" for code, status in sorted(figures.left_out.items()))
        line += " " + _("%(n)d đơn vị chưa có số liệu chính thức: %(units)s.") % {
            "n": len(figures.left_out), "units": left}
    return line + "\n"
