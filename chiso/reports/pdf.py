"""PDF through LibreOffice (``soffice --headless --convert-to pdf``).

LibreOffice is optional on a server: without it the CLI exits non-zero and the
web page says so plainly (``PDF_UNAVAILABLE``) and offers the DOCX instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_UNAVAILABLE = "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX"


class PdfError(RuntimeError):
    """The conversion could not be done; the message is Vietnamese and shown to the user."""


class PdfUnavailable(PdfError):
    def __init__(self, message: str = PDF_UNAVAILABLE) -> None:
        super().__init__(message)


def find_soffice(configured: str | None = None) -> str | None:
    """The LibreOffice binary: the configured path, else ``soffice`` or ``libreoffice`` on PATH."""
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, name: str = "bao-cao", soffice: str | None = None, timeout: int = 180) -> bytes:
    """Convert DOCX bytes to PDF bytes.

    Each call uses its own LibreOffice profile directory so that several
    conversions (several web workers) can run at once without the profile lock.
    """
    binary = find_soffice(soffice)
    if binary is None:
        raise PdfUnavailable()
    with tempfile.TemporaryDirectory(prefix="chiso-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"{name}.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice không chuyển xong sang PDF trong {timeout} giây") from exc
        except OSError as exc:
            raise PdfUnavailable() from exc
        target = work / f"{name}.pdf"
        if done.returncode != 0 or not target.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300]
            raise PdfError(f"LibreOffice không chuyển được sang PDF (mã {done.returncode}): {detail}")
        return target.read_bytes()
