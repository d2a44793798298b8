"""`chiso load_demo`: the demo province in today's shape, its figures, demo accounts and an open round.

The new An Giang (from 01/07/2025, ``T91``: departments under their 2025 names, communes from the
official registry) with figures for 2025–2026, the old An Giang (``AG``) and part of the old Kiên
Giang (``KG``) with figures for 2023–2024, valid until 30/06/2025, and the lineage old → new
(``chiso.demo.today``). The 2025 round of ``ag-cqdt-2021`` is left open on the new units.

Safe to run twice: units are updated by code, values and accounts are only created when missing,
so whatever a person typed in the demo is kept.

Never on a real database: the demo accounts share a published password, so they are created
only with ``--demo-accounts`` (``make run`` passes it), and the command refuses any database
that has users but no demo data — a province's production database, where demo figures and
accounts would be mixed with official ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chiso.assessments.evaluation import units_in_scope
from chiso.assessments.models import Value
from chiso.demo import today
from chiso.demo.province import ACCOUNTS, DEMO_PASSWORD, PLANS, plan_values, unit_rows
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework
from chiso.units.lineage import LineageReport, Link, save_links
from chiso.units.models import Unit

# The final year of An Giang's 2021–2025 criteria, collected on today's units (root T91).
OPEN_ROUND = ("ag-cqdt-2021", "2025", date(2026, 12, 15), today.NEW_ROOT[0])


class Command(BaseCommand):
    help = ("Nạp tỉnh minh hoạ (An Giang sau sắp xếp 01/07/2025, kèm An Giang và Kiên Giang cũ): đơn vị, "
            "quan hệ kế thừa, số liệu 2023–2026, tài khoản demo và một đợt báo cáo đang mở.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts", action="store_true",
            help=f"tạo cả các tài khoản demo (mật khẩu công khai {DEMO_PASSWORD}); chỉ cho máy thử",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        self._refuse_real_database()
        plan = today.today_plan()
        units = self._units(plan)
        links = self._lineage(plan)
        created_values = self._values(plan)
        accounts = self._accounts(units) if options["demo_accounts"] else []
        round_note = self._open_round()
        self.stdout.write(f"Đơn vị minh hoạ: {len(units)} ({len(plan.new_units)} của tỉnh An Giang từ 01/07/2025, "
                          f"{len(units) - len(plan.new_units)} đơn vị cũ đến 30/06/2025); "
                          f"liên kết kế thừa: {links}; số liệu mới: {created_values}")
        self.stdout.write(f"Danh mục đơn vị hành chính: {plan.source} (đọc ngoại tuyến)")
        if round_note:
            self.stdout.write(round_note)
        if not accounts:
            self.stdout.write("Không tạo tài khoản demo (thêm --demo-accounts trên máy thử).")
            return
        self.stdout.write(f"Tài khoản demo (mật khẩu ban đầu {DEMO_PASSWORD}):")
        for username, role, scope, label in accounts:
            self.stdout.write(f"  {username:<20} {role:<14} {', '.join(scope) or 'toàn tỉnh':<12} {label}")

    def _refuse_real_database(self) -> None:
        """A database with users of its own and no demo figures is a real one: leave it alone."""
        demo_names = {username for username, *_ in ACCOUNTS}
        real_users = get_user_model().objects.exclude(username__in=demo_names)
        if real_users.exists() and not Value.objects.filter(provenance__demo=True).exists():
            raise CommandError(
                f"CSDL này đã có {real_users.count()} tài khoản thật và không phải CSDL minh hoạ: "
                "không nạp dữ liệu và tài khoản demo. Dùng một CSDL riêng để thử "
                "(ví dụ CHISO_VAR_DIR=/tmp/chiso-thu hoặc DATABASE_URL khác)."
            )

    def _units(self, plan: today.TodayPlan) -> dict[str, Unit]:
        """Old An Giang (kept as it was, now valid until 30/06/2025), old Kiên Giang part, new province."""
        rows = [(r.code, r.name, r.level, r.kind, r.parent, r.attributes, None, today.LAST_OLD_DAY)
                for r in unit_rows()]
        rows += [(u.code, u.name, u.level, u.kind, u.parent, u.attributes, u.valid_from, u.valid_to)
                 for u in [*plan.kg_units, *plan.new_units]]
        by_code = {u.code: u for u in Unit.objects.filter(code__in=[r[0] for r in rows])}
        for code, name, level, kind, parent, attributes, valid_from, valid_to in rows:
            unit = by_code.get(code) or Unit(code=code)
            unit.name, unit.level, unit.kind = name, level, kind
            unit.parent = by_code.get(parent) if parent else None
            unit.attributes = {**(unit.attributes or {}), **attributes}
            unit.valid_from, unit.valid_to = valid_from, valid_to
            unit.save()
            by_code[code] = unit
        return by_code

    def _lineage(self, plan: today.TodayPlan) -> int:
        """Old → new links; a share the province has edited since is kept (as for the registry)."""
        report = LineageReport(file="load_demo", dry_run=False)
        save_links([Link(lk.predecessor, lk.successor, lk.kind, today.REFORM_DAY, lk.share, lk.note)
                    for lk in plan.links], report, keep_existing=True)
        return len(plan.links)

    def _values(self, plan: today.TodayPlan) -> int:
        """Old figures exactly as before (same units, same generator), then the new ones (their own)."""
        created = 0
        unit_ids = dict(Unit.objects.values_list("code", "pk"))
        groups = [
            ({r.code for r in unit_rows()}, lambda spec, period, year, infos: plan_values(spec, period, year, infos),
             PLANS),
            ({u.code for u in plan.kg_units}, today.kg_values, today.KG_PLANS),
            ({u.code for u in plan.new_units}, today.new_values,
             {**today.NEW_PLANS, today.ND307[0]: {today.ND307[1]: {}}}),
        ]
        for codes, make, plans in groups:
            for code, periods in plans.items():
                framework = Framework.objects.filter(code=code).order_by("-loaded_at").first()
                if framework is None:
                    self.stderr.write(f"Chưa nạp bộ chỉ tiêu {code}: bỏ qua số liệu minh hoạ của nó "
                                      "(chạy chiso load_frameworks)")
                    continue
                spec = framework.spec()
                infos = [u for u in units_in_scope(framework) if u.code in codes]
                for period in periods:
                    year = parse_period(period).year
                    created += self._write(framework, period, make(spec, period, year, infos), unit_ids)
        return created

    def _write(self, framework: Framework, period: str, planned: dict, unit_ids: dict[str, int]) -> int:
        existing = set(Value.objects.filter(framework=framework, period=period).values_list("unit__code", flat=True))
        rows = []
        for unit_code, values in planned.items():
            if unit_code in existing:
                continue
            for element, value in values.items():
                if isinstance(value, str):
                    rows.append(Value(framework=framework, unit_id=unit_ids[unit_code], period=period,
                                      element=element, text=value, source="manual", provenance={"demo": True}))
                else:
                    number = (Decimal(int(value)) if isinstance(value, bool)
                              else Decimal(value.numerator) / Decimal(value.denominator))
                    rows.append(Value(framework=framework, unit_id=unit_ids[unit_code], period=period,
                                      element=element, number=number, source="manual", provenance={"demo": True}))
        Value.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def _accounts(self, units: dict[str, Unit]) -> list[tuple[str, str, tuple[str, ...], str]]:
        User = get_user_model()
        try:
            from chiso.accounts.models import Profile
        except ImportError:  # accounts app without profiles
            Profile = None
        for username, role, scope, label in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=label)
                if role == "administrator":
                    user.is_staff = user.is_superuser = True
                    user.save()
            if Profile is not None:
                profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": role})
                if scope and not profile.scopes.exists():
                    profile.scopes.add(*(units[code] for code in scope))
        return ACCOUNTS

    def _open_round(self) -> str:
        code, period, deadline, root_code = OPEN_ROUND
        try:
            from chiso.assessments.models import Round
            from chiso.assessments.workflow import open_round
        except ImportError:
            return ""
        framework = Framework.objects.filter(code=code).order_by("-loaded_at").first()
        if framework is None or Round.objects.filter(framework__code=code, period=period).exists():
            return ""
        admin = get_user_model().objects.filter(username="admin").first()
        root = Unit.objects.get(code=root_code)
        opened = open_round(framework=framework, period=period, deadline=deadline, opened_by=admin, root_unit=root)
        return f"Đã mở đợt báo cáo {code} kỳ {period}, hạn {deadline:%d/%m/%Y} ({opened.submissions.count()} đơn vị)"
