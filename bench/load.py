"""Benchmark: deadline day — N reporters saving drafts and M leaders on the dashboard, at once.

Builds a province (one commune per reporter, a 10-criteria framework, an open
round) in a temporary SQLite database — or in the database of
``DATABASE_URL``: give it a scratch database, the bench migrates it and
empties it first — then starts the production server (``chiso serve``:
gunicorn, production settings, DEBUG off) on a free port of 127.0.0.1, with
background work as production runs it (``TASKS_BACKEND=database`` and one
``chiso db_worker``; ``--tasks immediate`` does it in the request, as ``make
run`` does), and fires, for a bounded number of rounds and seconds:

* each reporter: open the report form once, then change two figures and "Lưu nháp", again and
  again, as the page sends it (in place, htmx: one request per save, no reload);
* each viewer: open the dashboard overview;
* the liveness page ``/suc-khoe/`` under the same load (the baseline).

Before timing, each web process serves every kind of page a few times (start-up is not
load). Prints requests per second, median and p95 per kind, errors, the ratio of the
save p95 to the baseline's, and checks afterwards that every saved figure is
stored (lost writes).

    .venv/bin/python bench/load.py [--reporters 100] [--viewers 10] [--rounds 5] [--seconds 120]
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CRITERIA = 10
PERIOD = "2026"


def framework_yaml() -> str:
    lines = [
        "code: bench-load",
        'version: "1"',
        "title: Bộ tiêu chí đo tải ngày hạn nộp",
        "kind: criteria",
        "legal_basis: {number: 2/QĐ-BENCH, date: 2026-01-01, issuer: Chỉ Số}",
        "effective: {from: 2026-01-01, to: 2026-12-31}",
        "levels: [province, commune]",
        "scope: {levels: [province, commune], assesses: agencies}",
        "indicators:",
    ]
    for i in range(1, CRITERIA + 1):
        lines += [f'  - code: "{i}"', f"    name: Tiêu chí tỷ lệ số {i}", "    kind: ratio",
                  '    target: {op: ">=", value: "50%"}', "    unit_label: hồ sơ"]
    return "\n".join(lines) + "\n"


def environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CHISO_TESTING", "DJANGO_SETTINGS_MODULE"}}
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'load.sqlite3'}")
    env.update({
        "DJANGO_SETTINGS_MODULE": "chiso.settings", "CHISO_VAR_DIR": str(var_dir), "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64), "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_ENABLED": "false", "PYTHONIOENCODING": "utf-8",
    })
    return env


def build(reporters: int, env: dict[str, str]) -> None:
    """Migrate, load the framework, make one commune and one reporter per reporter, open the round."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    from chiso.accounts.models import ROLE_ADMIN, ROLE_REPORTER, ROLE_VIEWER, Profile
    from chiso.assessments.workflow import open_round
    from chiso.frameworks.loader import parse_framework_text
    from chiso.frameworks.services import store_framework
    from chiso.units.models import Unit

    def make_user(username: str, role: str, scopes=()):
        # Sessions are made directly below, so no password hashing (Argon2) slows the set-up.
        user = get_user_model().objects.create(username=username, email=f"{username}@example.gov.vn")
        user.set_unusable_password()
        user.save()
        Profile.objects.create(user=user, role=role).scopes.set(scopes)
        return user

    text = framework_yaml()
    framework, _action = store_framework(parse_framework_text(text, "bench-load.yaml"), text, "bench-load.yaml")
    with transaction.atomic():
        root = Unit.objects.create(code="LOAD", name="Tỉnh đo tải", level="province", kind="Tỉnh")
        units = [Unit.objects.create(code=f"LOAD-X{i:03d}", name=f"Xã {i:03d}", level="commune",
                                     kind="UBND xã", parent=root) for i in range(reporters)]
        admin = make_user("quantri", ROLE_ADMIN)
        users = [make_user(f"xa{i:03d}", ROLE_REPORTER, [u]) for i, u in enumerate(units)]
        viewer = make_user("lanhdao", ROLE_VIEWER, [root])
        open_round(framework, PERIOD, timezone.localdate() + timedelta(days=3), admin, root_unit=root)
    sessions = []
    for user in [*users, viewer]:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "chiso.accounts.backends.ProfileBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    (Path(env["CHISO_VAR_DIR"]) / "sessions.txt").write_text("\n".join(sessions))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One browser: a cookie jar with its session, CSRF from the page like a real form."""

    def __init__(self, base: str, session_key: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Cookie", f"sessionid={session_key}")]
        self.session_key = session_key

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], htmx: bool = False) -> tuple[int, str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        headers = {"Cookie": f"sessionid={self.session_key}; csrftoken={token}", "Referer": self.base + path}
        if htmx:
            headers["HX-Request"] = "true"
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode(),
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, ""


def hidden(page: str, name: str) -> str:
    """The value of a hidden field of a page (``version``, ``seen``, ``csrfmiddlewaretoken``)."""
    match = re.search(rf'name="{name}"(?: id="[^"]*")? value="([^"]*)"', page)
    return "" if match is None else html.unescape(match.group(1))


def warm_up(base: str, sessions: list[str], workers: int) -> None:
    """Before anything is timed, every web process has started and served each kind of page once.

    A process imports its code, compiles its templates and reads the framework on its first requests
    (seconds of CPU for five processes); a short run would otherwise measure start-up, not the load.
    Only pages that change nothing: the form, the reporter's list and the dashboard.
    """
    def visit(i: int) -> None:
        client = Client(base, sessions[i % (len(sessions) - 1)])
        page = client.get("/danh-gia/viec-cua-toi/")
        pk = re.search(r"/danh-gia/bao-cao/(\d+)/", page).group(1)
        client.get(f"/danh-gia/bao-cao/{pk}/")
        Client(base, sessions[-1]).get("/bang-dieu-khien/?framework=bench-load&period=" + PERIOD + "&basis=provisional")

    for _ in range(3):
        threads = [threading.Thread(target=visit, args=(i,)) for i in range(workers * 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def reporter(client: Client, rounds: int, deadline: float, index: int, out: dict, lock: threading.Lock) -> None:
    """Open the form once, then "Lưu nháp" again and again as the page sends it: in place (htmx),
    one request per save, carrying the version and the stored state the last answer handed back."""
    my_work = client.get("/danh-gia/viec-cua-toi/")
    pk = re.search(r"/danh-gia/bao-cao/(\d+)/", my_work).group(1)
    url = f"/danh-gia/bao-cao/{pk}/"
    start = time.perf_counter()
    page = client.get(url)
    with lock:
        out["form"].append(time.perf_counter() - start)
    state = {name: hidden(page, name) for name in ("csrfmiddlewaretoken", "version", "seen")}
    for r in range(rounds):
        if time.monotonic() > deadline:
            break
        numerator, denominator = 40 + r + index % 7, 100 + r
        fields = {**state, "action": "save", "v-1.numerator": str(numerator), "v-1.denominator": str(denominator)}
        start = time.perf_counter()
        status, answer = client.post(url, fields, htmx=True)
        done = time.perf_counter()
        state["version"], state["seen"] = hidden(answer, "version"), hidden(answer, "seen")
        with lock:
            out["save"].append(done - start)
            if status != 200 or "Đã lưu" not in answer:
                out["errors"].append(f"lưu {status}")
            else:
                out["expected"][pk] = (numerator, denominator)


def viewer(client: Client, rounds: int, deadline: float, out: dict, lock: threading.Lock) -> None:
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            client.get("/bang-dieu-khien/?framework=bench-load&period=" + PERIOD + "&basis=provisional")
            ok = True
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            ok, error = False, exc
        with lock:
            out["dashboard"].append(time.perf_counter() - start)
            if not ok:
                out["errors"].append(f"bảng điều khiển {error}")


def baseline(base: str, count: int, deadline: float, out: dict, lock: threading.Lock) -> None:
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        with urllib.request.urlopen(base + "/suc-khoe/", timeout=60) as response:
            response.read()
        with lock:
            out["trivial"].append(time.perf_counter() - start)


def process_cpu(pid: int, with_children: bool = False) -> float:
    """CPU seconds (user + system) used so far by a live process, and by its child processes
    (gunicorn's workers) when asked — read from /proc, so the figure is each process's own."""
    pids = [pid]
    if with_children:
        try:
            pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL server process on this machine (pid → seconds): the
    database's share of the load when ``DATABASE_URL`` points to a local server."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    out[int(entry.name)] = process_cpu(int(entry.name))
            except OSError:
                continue
    return out


def machine_speed() -> float:
    """Milliseconds for a fixed pure-Python loop on this machine now (best of three).

    This 2-core machine runs up to twice as fast at one hour as at another, with the same code; the
    figure, printed beside every run, says which kind of hour a run's numbers come from.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def lost_writes(expected: dict, env: dict[str, str]) -> int:
    from decimal import Decimal

    from chiso.assessments.models import Submission

    lost = 0
    for pk, (num, den) in expected.items():
        stored = {v.element: v.number for v in Submission.objects.get(pk=pk).values()}
        if stored.get("1.numerator") != Decimal(num) or stored.get("1.denominator") != Decimal(den):
            lost += 1
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reporters", type=int, default=100)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="saves per reporter, views per viewer")
    parser.add_argument("--seconds", type=float, default=120, help="upper bound on the load phase")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: chiso serve's rule)")
    parser.add_argument("--tasks", choices=["database", "immediate"], default="database",
                        help="background work as in production (database queue + one `chiso db_worker`, the "
                             "default) or in the request (the embedded default of `make run`)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chiso-load-") as tmp:
        env = environment(Path(tmp))
        env["TASKS_BACKEND"] = args.tasks
        t0 = time.perf_counter()
        build(args.reporters, env)
        from django.db import connection

        print(f"Dựng dữ liệu ({connection.vendor}): {args.reporters} xã, {args.reporters} người báo cáo, "
              f"{time.perf_counter() - t0:.1f} s; công việc nền: {args.tasks}")
        print(f"Tốc độ máy lúc này: vòng lặp Python chuẩn {machine_speed():.0f} ms (nhỏ hơn là nhanh hơn; "
              "so các lần đo ở những giờ khác nhau)")
        sessions = (Path(tmp) / "sessions.txt").read_text().split()
        port = free_port()
        command = [sys.executable, "-m", "django", "serve", "--bind", f"127.0.0.1:{port}"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        worker = None
        if args.tasks == "database":  # the documented production setup: a worker beside the web server
            worker = subprocess.Popen([sys.executable, "-m", "django", "db_worker", "--no-reload"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/suc-khoe/", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            warm_up(base, sessions, workers=args.workers or 5)
            out: dict = {"form": [], "save": [], "dashboard": [], "trivial": [], "errors": [], "expected": {}}
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=reporter, args=(Client(base, sessions[i]), args.rounds, deadline,
                                                               i, out, lock)) for i in range(args.reporters)]
            threads += [threading.Thread(target=viewer, args=(Client(base, sessions[-1]), args.rounds, deadline,
                                                              out, lock)) for _ in range(args.viewers)]
            threads += [threading.Thread(target=baseline, args=(base, args.rounds * 4, deadline, out, lock))
                        for _ in range(5)]
            start = time.perf_counter()
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            web_cpu_before = process_cpu(server.pid, with_children=True)
            worker_cpu_before = process_cpu(worker.pid) if worker is not None else 0.0
            db_cpu_before = postgres_cpu()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            web_cpu = process_cpu(server.pid, with_children=True) - web_cpu_before
            worker_cpu = (process_cpu(worker.pid) - worker_cpu_before) if worker is not None else 0.0
            db_cpu = sum(cpu - db_cpu_before.get(pid, 0.0) for pid, cpu in postgres_cpu().items())
        finally:
            for process in (server, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=60)
        # CPU seconds of the server (gunicorn and its workers, reaped) and of this load generator
        # (the children's figure includes the server's start-up; the generator's counts the load only)
        server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        client_seconds = (self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime)
        # one request per save (in place), one per opened form, dashboard and baseline
        requests = len(out["form"]) + len(out["save"]) + len(out["dashboard"]) + len(out["trivial"])
        print(f"{args.reporters} người báo cáo + {args.viewers} người xem, {wall:.1f} s: "
              f"{requests / wall:.1f} yêu cầu/giây, {len(out['errors'])} lỗi")
        for kind, label in (("form", "mở biểu mẫu"), ("save", "lưu nháp"), ("dashboard", "bảng điều khiển"),
                            ("trivial", "trang tối giản")):
            values = out[kind]
            if values:
                print(f"  {label:16}: {len(values):5} lần, trung vị {statistics.median(values) * 1000:8.1f} ms"
                      f"   p95 {p95(values) * 1000:8.1f} ms")
        print(f"  CPU trong lúc đo: web (gunicorn) {web_cpu:.1f} s, tiến trình nền {worker_cpu:.1f} s, "
              f"bộ sinh tải {client_seconds:.1f} s"
              + (f", PostgreSQL {db_cpu:.1f} s" if connection.vendor == "postgresql" else "")
              + f"; cả đợt kể cả khởi động máy chủ "
              f"{server_cpu.ru_utime + server_cpu.ru_stime:.1f} s (2 lõi × {wall:.1f} s = {2 * wall:.1f} s)")
        if requests:
            print(f"  CPU web trung bình mỗi yêu cầu: {web_cpu / requests * 1000:.1f} ms")
        print(f"  mất số liệu: {lost_writes(out['expected'], env)} trên {len(out['expected'])} báo cáo đã lưu")
        if out["save"] and out["trivial"]:
            print(f"  tỷ lệ lưu nháp / tối giản: p95 {p95(out['save']) / p95(out['trivial']):.1f}×")
        for error in out["errors"][:5]:
            print(f"  lỗi: {error}")


if __name__ == "__main__":
    main()
