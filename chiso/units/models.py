"""Units (đơn vị): the hierarchy that is assessed, valid over time."""

from __future__ import annotations

from datetime import date

from django.db import connection, models
from django.db.models import F, Q, Value
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from chiso.engine.model import UnitInfo
from chiso.results.vocabulary import LEVEL_NAMES

LEVEL_CHOICES = list(LEVEL_NAMES.items())  # the one wording: chiso.results.vocabulary


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: date) -> UnitQuerySet:
        """Units whose validity interval contains ``day``."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it (by materialised path)."""
        return self.filter(path_prefix_q(unit.path))


class Unit(models.Model):
    """A state agency or local government at one level.

    ``level`` is the level whose targets apply (a provincial department is
    ``province``); ``kind`` is a free label (Sở, UBND huyện, UBND xã, phòng …).
    ``path`` is the materialised path of codes from the root, kept by ``save``,
    so a subtree is one indexed prefix query.
    """

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=LEVEL_CHOICES)
    kind = models.CharField(_("loại"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("đơn vị cha"),
    )
    attributes = models.JSONField(_("thuộc tính"), default=dict, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    path = models.CharField(max_length=1024, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-root descendants when a unit moves.
            for child in Unit.objects.filter(path_prefix_q(old_path)).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path):]
                Unit.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def to_info(self, has_children: bool | None = None) -> UnitInfo:
        """The engine's view of this unit."""
        if has_children is None:
            has_children = self.children.exists()
        return UnitInfo(
            code=self.code,
            name=self.name,
            level=self.level,
            kind=self.kind,
            attributes=dict(self.attributes or {}),
            parent_code=self.parent.code if self.parent_id else None,
            has_children=has_children,
        )


class UnitLineage(models.Model):
    """A predecessor → successor link (merge, split, rename), effective on a date."""

    KIND_CHOICES = [("merge", _("sáp nhập")), ("split", _("chia tách")), ("rename", _("đổi tên"))]

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default="merge")
    effective = models.DateField(_("ngày hiệu lực"))
    share = models.DecimalField(
        _("tỷ trọng"), max_digits=7, decimal_places=6, null=True, blank=True,
        help_text=_("Phần của đơn vị cũ chuyển sang đơn vị mới khi chia tách"),
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        unique_together = [("predecessor", "successor")]
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")


def dated_units() -> dict[str, tuple[date | None, date | None]]:
    """code → (valid_from, valid_to) of the units with a validity date, in one query (undated: none)."""
    rows = Unit.objects.filter(Q(valid_from__isnull=False) | Q(valid_to__isnull=False)).order_by()
    return {code: (start, end) for code, start, end in rows.values_list("code", "valid_from", "valid_to")}


def valid_at_end(infos: list[UnitInfo], end: date,
                 dated: dict[str, tuple[date | None, date | None]] | None = None) -> list[UnitInfo]:
    """``infos`` without the units that were not in force on ``end``, a period's last day.

    A period is assessed on the units in force when it closes: the year 2025 on the communes
    created on 01/07/2025, not on those dissolved on 30/06/2025, and 2024 on the old ones (a new
    commune is not "chưa báo cáo" in 2024: its figures for that year live on its predecessors,
    and ``chiso.results.history`` carries them). Units without dates are always kept;
    ``dated`` (from :func:`dated_units`) saves the query when many periods are asked.
    """
    dated = dated_units() if dated is None else dated
    if not dated:
        return infos
    return [
        info for info in infos
        if (span := dated.get(info.code)) is None
        or ((span[0] is None or span[0] <= end) and (span[1] is None or span[1] >= end))
    ]


def path_prefix_q(path: str, field: str = "path") -> Q:
    """Rows whose materialised path (``field``, e.g. ``"unit__path"``) starts with ``path``, compared
    exactly. Not ``__startswith``: on SQLite that is ``LIKE``, which ignores ASCII case, so a scope
    ``/AG-PT/`` would also cover a unit coded ``ag-pt``; and hand-written SQL compares the same way
    (``substr(path, 1, n) = path``, ``accounts.permissions.unit_scope_sql``)."""
    return Q(Exact(Substr(F(field), 1, len(path)), Value(path)))


def path_prefix_sql(column: str, path: str) -> tuple[str, list[str]]:
    """``path_prefix_q`` for hand-written SQL: ``column`` (e.g. ``u."path"``) starts with ``path``,
    compared exactly; the condition and its parameters."""
    return f"substr({column}, 1, {len(path)}) = %s", [path]


def _with_children(unit_ids: list[int]) -> set[int]:
    """Which of these units have a child unit. SQL: a deadline-day save asks it for its one unit,
    and composing the ORM's query cost more than running it."""
    if not unit_ids:
        return set()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {qn('parent_id')} FROM {qn(Unit._meta.db_table)} "
                       f"WHERE {qn('parent_id')} IN ({', '.join(['%s'] * len(unit_ids))})", unit_ids)
        return {row[0] for row in cursor.fetchall()}


def unit_infos(units) -> list[UnitInfo]:
    """Engine views of many units in at most two queries, whatever their number (a list of units
    whose ``known_has_children`` is set needs none).

    A queryset is read as plain rows (no model instances): a thousand-unit
    province is read on every dashboard page.
    """
    if not hasattr(units, "values_list"):
        units = list(units)
        # A unit read with ``known_has_children`` set (in this request, e.g. by the report page's join)
        # is not asked again.
        parent_ids = _with_children([u.pk for u in units if "known_has_children" not in u.__dict__])
        return [u.to_info(has_children=u.__dict__.get("known_has_children", u.pk in parent_ids)) for u in units]
    rows = list(units.values_list("pk", "code", "name", "level", "kind", "attributes", "parent__code"))
    parent_ids = set(
        Unit.objects.filter(parent_id__in=units.values("pk")).order_by().values_list("parent_id", flat=True).distinct()
    )
    return [
        UnitInfo(code=code, name=name, level=level, kind=kind, attributes=dict(attributes or {}),
                 parent_code=parent_code, has_children=pk in parent_ids)
        for pk, code, name, level, kind, attributes, parent_code in rows
    ]
