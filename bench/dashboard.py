"""Benchmark: the dashboard overview of a 1,000-unit province under concurrent requests.

Builds a province (agencies, districts, communes; 1,000 units by default) and a
framework of 21 ratio criteria in a temporary SQLite database (or the database
of ``DATABASE_URL``: give it a scratch database, the bench migrates it and
adds units with codes starting "BENCH"), serves the site with a real threaded
WSGI server on 127.0.0.1, and fires bounded concurrent requests at the
overview and at a trivial view in the same run. Prints median and p95
latency of each and their ratio (overview / trivial), plus the first (cold,
uncached) overview request.

    .venv/bin/python bench/dashboard.py [--units 1000] [--periods 4] [--requests 200] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDICATORS = 21


def framework_yaml(n: int = INDICATORS) -> str:
    """A criteria framework of ``n`` ratio indicators at every level, goal 90% by 2025."""
    lines = [
        "code: bench-21",
        'version: "1"',
        "title: Bộ tiêu chí đo hiệu năng (21 tiêu chí tỷ lệ)",
        "kind: criteria",
        "legal_basis: {number: 1/QĐ-BENCH, date: 2024-01-01, issuer: Chỉ Số}",
        "effective: {from: 2024-01-01, to: 2025-12-31}",
        "levels: [province, district, commune]",
        "scope: {levels: [province, district, commune], assesses: agencies}",
        "completion_target:",
        '  - {op: ">=", value: "60%", year_to: 2024}',
        '  - {op: ">=", value: "90%", year_from: 2025}',
        "indicators:",
    ]
    for i in range(1, n + 1):
        lines += [
            f'  - code: "{i}"',
            f"    name: Tiêu chí tỷ lệ số {i}",
            "    kind: ratio",
            '    target: {op: ">=", value: "50%"}',
            "    unit_label: hồ sơ",
        ]
    return "\n".join(lines) + "\n"


def setup_django(db_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    os.environ.setdefault("CHISO_VAR_DIR", str(db_dir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_dir / 'bench.sqlite3'}")
    os.environ.setdefault("AXES_ENABLED", "false")
    # Production settings: DEBUG off, a real key, hashed static files collected below.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def build(units: int, periods: list[str]) -> None:
    """Units, the framework and values (each unit fails some criteria in some periods)."""
    import hashlib
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction

    from chiso.assessments.models import Value
    from chiso.frameworks.loader import parse_framework_text
    from chiso.frameworks.models import Framework
    from chiso.units.models import Unit

    call_command("migrate", verbosity=0)
    text = framework_yaml()
    spec = parse_framework_text(text, "bench-21.yaml")
    fw, _ = Framework.objects.update_or_create(
        code=spec.code, version=spec.version,
        defaults=dict(title=spec.title, kind=spec.kind, effective_from=spec.effective_from,
                      effective_to=spec.effective_to, document={}, source_yaml=text,
                      source_name="bench-21.yaml", checksum=hashlib.sha256(text.encode()).hexdigest()),
    )
    if Unit.objects.filter(code="BENCH").exists():
        return
    with transaction.atomic():
        root = Unit.objects.create(code="BENCH", name="Tỉnh đo hiệu năng", level="province", kind="Tỉnh")
        made: list[Unit] = []
        agencies = [Unit(code=f"BENCH-S{a:03d}", name=f"Sở {a:03d}", level="province", kind="Sở",
                         parent=root, path=f"/BENCH/BENCH-S{a:03d}/") for a in range(units // 40)]
        Unit.objects.bulk_create(agencies)
        made += agencies
        d = 0
        while len(made) < units:
            district = Unit.objects.create(code=f"BENCH-H{d:03d}", name=f"Huyện {d:03d}", level="district",
                                           kind="UBND huyện", parent=root)
            made.append(district)
            communes = [Unit(code=f"BENCH-H{d:03d}-X{c:02d}", name=f"Xã {d:03d}-{c:02d}", level="commune",
                             kind="UBND xã", parent=district, path=f"{district.path}BENCH-H{d:03d}-X{c:02d}/")
                        for c in range(min(15, units - len(made)))]
            Unit.objects.bulk_create(communes)
            made += communes
            d += 1
        rows = []
        for k, period in enumerate(periods):
            for i, unit in enumerate(made):
                if (i + k) % 17 == 0:
                    continue  # did not report
                for j in range(1, INDICATORS + 1):
                    den = 100 + (i * 7 + j) % 900
                    num = den if (i + j + k) % 9 else den // 3
                    rows.append(Value(framework=fw, unit=unit, period=period, element=f"{j}.numerator",
                                      number=Decimal(num)))
                    rows.append(Value(framework=fw, unit=unit, period=period, element=f"{j}.denominator",
                                      number=Decimal(den)))
        Value.objects.bulk_create(rows, batch_size=5000)
    print(f"Tỉnh: {len(made)} đơn vị × {INDICATORS} tiêu chí, {len(periods)} kỳ, {len(rows)} số liệu")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # keep the bench output readable
        pass


def serve():
    """The site plus a trivial view (the baseline) on a free port of 127.0.0.1, in a thread."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpResponse
    from django.urls import path

    import chiso.urls

    def trivial(request):
        return HttpResponse("ok")

    module = type(sys)("bench_urls")
    module.urlpatterns = [path("__trivial__/", trivial), *chiso.urls.urlpatterns]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingWSGIServer,
                         handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def session_cookie() -> str:
    """A logged-in administrator's session cookie, made the way Django's test client does."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", "bench@example.gov.vn", "Bench-Chiso-2025")
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def timed_get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
        if response.status != 200 or not body:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start


def measure(url: str, cookie: str, requests: int, concurrency: int) -> list[float]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda _: timed_get(url, cookie), range(requests)))


def change_one_value_and_time(url: str, cookie: str, period: str) -> float:
    """Write one figure through the guarded write path, then time the next overview."""
    from decimal import Decimal

    from chiso.assessments.models import Value
    from chiso.assessments.writes import CellWrite, write_values
    from chiso.frameworks.models import Framework

    framework = Framework.objects.get(code="bench-21")
    row = Value.objects.filter(framework=framework, period=period, element="1.numerator").first()
    write_values(framework, [CellWrite(row.unit_id, period, "1.numerator", number=Decimal(row.number) + 1)])
    return timed_get(url, cookie)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=4, help="quarters of 2024 with values (trend)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    periods = [f"2024-Q{q}" for q in range(1, args.periods + 1)]
    with tempfile.TemporaryDirectory(prefix="chiso-bench-") as tmp:
        setup_django(Path(tmp))
        t0 = time.perf_counter()
        build(args.units, periods)
        print(f"Dựng dữ liệu: {time.perf_counter() - t0:.1f} s")
        server = serve()
        base = f"http://127.0.0.1:{server.server_port}"
        cookie = session_cookie()
        overview = f"{base}/bang-dieu-khien/?framework=bench-21&period={periods[-1]}"
        trivial = f"{base}/__trivial__/"
        cold = timed_get(overview, cookie)
        timed_get(trivial, cookie)
        base_times = measure(trivial, cookie, args.requests, args.concurrency)
        page_times = measure(overview, cookie, args.requests, args.concurrency)
        after_change = change_one_value_and_time(overview, cookie, periods[-1])
        server.shutdown()
    bm, bp = statistics.median(base_times), p95(base_times)
    om, op = statistics.median(page_times), p95(page_times)
    print(f"{args.requests} yêu cầu mỗi trang, {args.concurrency} đồng thời")
    print(f"  trang tối giản : trung vị {bm * 1000:8.1f} ms   p95 {bp * 1000:8.1f} ms")
    print(f"  tổng quan      : trung vị {om * 1000:8.1f} ms   p95 {op * 1000:8.1f} ms")
    print(f"  tỷ lệ tổng quan / tối giản: trung vị {om / bm:.1f}×   p95 {op / bp:.1f}×")
    print(f"  lần đầu (chưa có kết quả lưu sẵn, đánh giá {args.units} đơn vị × {len(periods)} kỳ × 2 cơ sở): "
          f"{cold:.2f} s")
    print(f"  tổng quan đầu tiên sau khi một số liệu thay đổi (qua đường ghi): {after_change:.2f} s")


if __name__ == "__main__":
    main()
