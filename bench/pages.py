"""Benchmark: the slow pages of a working day, each against a trivial view in the same run.

Loads the demo province (``chiso load_frameworks`` + ``chiso load_demo --demo-accounts``: 62
units, an open round of ag-cqdt-2021 for 2025) into a temporary SQLite database with
production settings (DEBUG off, a real key, Argon2 password hashing, collected static files),
then times, through Django's full middleware stack in this process:

- login: a POST of the login form with the right password (hashing included);
- evidence upload: a 10 KB PDF sent the way the report page sends it (htmx), stored and checked;
- draft save: "Lưu nháp" of the report form with two changed figures, sent in place (htmx) as
  the page sends it;
- opening a round: the administrator's form, one round over every unit of the framework;
- the trivial view: a view that returns "ok" (the baseline).

Prints median and p95 of each action and its ratio to the trivial view (target ≤ 5×).

    .venv/bin/python bench/pages.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import hidden  # noqa: E402 - the same reading of a page's hidden fields as the load bench

PDF_10K = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"% filler\n" * 1130 + b"trailer <<>>\n%%EOF\n"


def setup_django(var_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    os.environ["CHISO_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["CHISO_MEDIA_ROOT"] = str(var_dir / "media")
    # Production settings: DEBUG off, a real key, hashed static files collected below.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def build() -> None:
    from io import StringIO

    from django.core.management import call_command

    quiet = StringIO()
    call_command("migrate", verbosity=0)
    call_command("load_frameworks", stdout=quiet)
    call_command("load_demo", "--demo-accounts", stdout=quiet)


def trivial_urls() -> None:
    """The site's URLs plus ``/__trivial__/`` (returns "ok"): the baseline of every ratio."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import chiso.urls

    def trivial(request):
        return HttpResponse("ok")

    module = type(sys)("bench_page_urls")
    module.urlpatterns = [path("__trivial__/", trivial), *chiso.urls.urlpatterns]
    sys.modules["bench_page_urls"] = module
    settings.ROOT_URLCONF = "bench_page_urls"
    clear_url_caches()


def timed(action: Callable[[int], object], repeat: int) -> list[float]:
    action(-1)  # warm-up (first template compile, first queries), not counted
    out = []
    for i in range(repeat):
        start = time.perf_counter()
        action(i)
        out.append(time.perf_counter() - start)
    return out


def check(response, status: int, what: str) -> None:
    if response.status_code != status:
        raise SystemExit(f"{what}: HTTP {response.status_code}, cần {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="times each action runs (≤ 16 for the rounds)")
    args = parser.parse_args()
    repeat = args.repeat
    with tempfile.TemporaryDirectory(prefix="chiso-bench-pages-") as tmp:
        setup_django(Path(tmp))
        t0 = time.perf_counter()
        build()
        print(f"Dựng dữ liệu minh hoạ: {time.perf_counter() - t0:.1f} s")
        trivial_urls()

        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from chiso.assessments.forms import EntryForm
        from chiso.assessments.models import Round, Submission
        from chiso.demo.province import DEMO_PASSWORD
        from chiso.frameworks.models import Framework

        hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
        admin, reporter = Client(), Client()
        check(admin.post("/dang-nhap/", {"username": "admin", "password": DEMO_PASSWORD}), 302, "đăng nhập")
        check(reporter.post("/dang-nhap/", {"username": "xa.phutan", "password": DEMO_PASSWORD}), 302,
              "đăng nhập")
        sub = Submission.objects.select_related("unit").get(unit__code="X30406", round__period="2025")
        form = EntryForm(sub)
        counts = [row.name for row in form.plan.rows.values() if row.kind == "count"][:2]
        spec = sub.framework.spec()
        code = spec.indicators[0].code
        entry_url = reverse("assessments:submission", args=[sub.pk])
        upload_url = reverse("assessments:evidence_upload", args=[sub.pk])

        def trivial(_i: int) -> None:
            check(reporter.get("/__trivial__/"), 200, "trang tối giản")

        def login(_i: int) -> None:
            check(Client().post("/dang-nhap/", {"username": "xa.phutan", "password": DEMO_PASSWORD}), 302,
                  "đăng nhập")

        def upload(i: int) -> None:
            pdf = SimpleUploadedFile(f"bien-ban-{i + 1}.pdf", PDF_10K, content_type="application/pdf")
            check(reporter.post(upload_url, {"indicator": code, "file": pdf}, HTTP_HX_REQUEST="true"), 200,
                  "tải minh chứng")

        page_state: dict[str, str] = {}

        def draft(i: int) -> None:
            # As the page sends it: in place (htmx), carrying the version and the shown figures the
            # form page (then each answer) handed over; the answer is the page's new state.
            if not page_state:
                page = reporter.get(entry_url).content.decode()
                page_state.update({name: hidden(page, name) for name in ("version", "seen")})
            data = {**page_state, "action": "save", counts[0]: str(1000 + i + 1), counts[1]: str(2000 + i + 1)}
            response = reporter.post(entry_url, data, HTTP_HX_REQUEST="true")
            check(response, 200, "lưu nháp")
            answer = response.content.decode()
            if "Đã lưu" not in answer:
                raise SystemExit("lưu nháp: câu trả lời không báo đã lưu")
            page_state.update({name: hidden(answer, name) for name in ("version", "seen")})

        framework = Framework.objects.filter(code="ag-cqdt-2021").order_by("-loaded_at").first()
        used = set(Round.objects.filter(framework=framework).values_list("period", flat=True))
        periods = [p for p in [*(f"2025-{m:02d}" for m in range(1, 13)), *(f"2025-Q{q}" for q in range(1, 5))]
                   if p not in used]
        deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
        rounds_repeat = min(repeat, len(periods) - 1)

        def open_round(i: int) -> None:
            check(admin.post(reverse("assessments:round_create"), {
                "framework": framework.pk, "period": periods[i + 1], "deadline": deadline}), 302, "mở đợt")

        timings = {
            "trang tối giản": timed(trivial, repeat * 4),
            "đăng nhập": timed(login, repeat),
            "tải minh chứng 10 KB": timed(upload, repeat),
            "lưu nháp": timed(draft, repeat),
            "mở đợt đánh giá": timed(open_round, rounds_repeat),
        }
        units = Submission.objects.filter(round__period=periods[1], round__framework=framework).count()

    base = statistics.median(timings["trang tối giản"])
    base95 = p95(timings["trang tối giản"])
    print(f"Cấu hình như môi trường thật (DEBUG tắt), băm mật khẩu {hasher}; mỗi thao tác {repeat} lần "
          f"(mở đợt: {rounds_repeat} lần, {units} đơn vị mỗi đợt)")
    print(f"  {'thao tác':<22} {'trung vị':>10} {'p95':>10}   {'tỷ lệ / tối giản (trung vị, p95)':>30}")
    for name, values in timings.items():
        med, top = statistics.median(values), p95(values)
        print(f"  {name:<22} {med * 1000:8.1f} ms {top * 1000:8.1f} ms   {med / base:10.1f}×  {top / base95:8.1f}×")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


if __name__ == "__main__":
    main()
