"""Official administrative units of Việt Nam, old and new, read offline from ``vietnamadminunits``.

The package (MIT) ships an SQLite file with the 10.040 communes of the 63 provinces in force until
30/06/2025 (with their districts) and the 3.321 commune-level units of the 34 provinces from
01/07/2025, plus a JSON table from each old commune to its new unit, where a commune divided
between several new units lists them all and marks the main one (``isDefaultNewWard``). We read
those files directly (``sqlite3`` and ``json``), never the package's address parser, which may
look places up online.

Official codes were reused with new meanings (code 91 was Kiên Giang, it is now An Giang), so a
unit's key (``Unit.code``) is the product's own and the two lists can never collide:

=====================  =====================  ===========================================
unit                   key                    example
=====================  =====================  ===========================================
province from 2025     ``T`` + official code  ``T91`` Tỉnh An Giang
commune from 2025      ``X`` + official code  ``X30307`` Phường Long Xuyên
province until 2025    ``CU-T`` + code        ``CU-T89`` Tỉnh An Giang (cũ), ``CU-T91`` Kiên Giang
district until 2025    ``CU-H`` + code        ``CU-H888`` Huyện Phú Tân
commune until 2025     ``CU-X`` + code        ``CU-X30421`` Xã Phú Lâm
=====================  =====================  ===========================================

The official code is kept in the ``ma_hanh_chinh`` attribute.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

from django.db import transaction

from chiso.engine.numbers import format_date
from chiso.tabular import Row, Table, normalize_header

from .importer import UnitImportReport, import_unit_table
from .lineage import LineageReport, Link, save_links

PACKAGE = "vietnamadminunits"
REFORM_DAY = date(2025, 7, 1)  # two-level local government (Resolution 202/2025/QH15)
LAST_OLD_DAY = date(2025, 6, 30)
NEW_CATALOGUE = "34 tỉnh (từ 01/07/2025)"
OLD_CATALOGUE = "63 tỉnh (đến 30/06/2025)"
MAIN_SUCCESSOR_NOTE = "đơn vị kế thừa chính theo danh mục: nhận toàn bộ số liệu cũ (tỷ trọng 1) trừ khi khai báo khác"
OTHER_SUCCESSOR_NOTE = "nhận một phần địa bàn; số liệu cũ mặc định về {main}; tỷ trọng 0"

UNIT_FIELDS = ("code", "name", "level", "kind", "parent_code", "valid_from", "valid_to")


class RegistryError(Exception):
    """The registry cannot answer (package missing, province unknown); the message is Vietnamese."""


@dataclass(frozen=True)
class RegistryUnit:
    """One unit to create or update, in the product's own key."""

    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class ProvincePlan:
    """Everything one ``import_units --registry vn`` run writes: units (parents first) and links."""

    province: str  # the province's name as the registry has it
    as_of: date
    new: bool  # True: the two-level province from 01/07/2025
    source: str
    units: list[RegistryUnit]
    links: list[Link]

    def unit_table(self) -> Table:
        """The units as a table for :func:`chiso.units.importer.import_unit_table`."""
        attribute_names = sorted({k for u in self.units for k in u.attributes})
        fields = {name: name for name in UNIT_FIELDS}
        rows = [
            Row(
                number=index,
                cells={"code": u.code, "name": u.name, "level": u.level, "kind": u.kind,
                       "parent_code": u.parent_code, "valid_from": u.valid_from, "valid_to": u.valid_to},
                columns=fields,
                extras={name: u.attributes.get(name) for name in attribute_names},
            )
            for index, u in enumerate(self.units, start=2)
        ]
        return Table(self.source, "csv", [*UNIT_FIELDS, *attribute_names], fields,
                     {name: name for name in attribute_names}, rows)


def package_version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def data_dir() -> Path:
    """The package's data folder, found without importing it (its ``__init__`` loads the parser)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RegistryError(
            f"chưa cài gói {PACKAGE}: cài bằng `pip install {PACKAGE}` (dữ liệu đọc ngoại tuyến)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


class VnRegistry:
    """Read-only view of the package's data; one instance per command run."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_dir()
        self.source = f"{PACKAGE} {package_version()}"

    def _query(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        # Read-only URI: the installed package's file is never written.
        uri = f"file:{self.folder / 'dataset.db'}?mode=ro"
        with sqlite3.connect(uri, uri=True) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()

    @cached_property
    def converter(self) -> dict[str, Any]:
        with open(self.folder / "converter_2025.json", encoding="utf-8") as handle:
            return json.load(handle)

    @cached_property
    def new_provinces(self) -> dict[str, sqlite3.Row]:
        """provinceKey → row (province, provinceShort, provinceCode) of the 34 provinces."""
        rows = self._query("SELECT DISTINCT provinceKey, province, provinceShort, provinceCode FROM admin_units")
        return {r["provinceKey"]: r for r in rows}

    @cached_property
    def old_provinces(self) -> dict[str, sqlite3.Row]:
        """provinceKey → row of the 63 provinces in force until 30/06/2025."""
        rows = self._query(
            "SELECT DISTINCT provinceKey, province, provinceShort, provinceCode FROM admin_units_legacy")
        return {r["provinceKey"]: r for r in rows}

    def find_province(self, name: str, new: bool) -> str:
        """The province key for ``name`` ("An Giang", "Tỉnh An Giang", "tinhangiang")."""
        wanted = normalize_header(name)
        provinces = self.new_provinces if new else self.old_provinces
        for key, row in provinces.items():
            if wanted in {normalize_header(key), normalize_header(row["province"]),
                          normalize_header(row["provinceShort"])}:
                return key
        when = f"từ {format_date(REFORM_DAY)}" if new else f"đến {format_date(LAST_OLD_DAY)}"
        if new:
            for key, row in self.old_provinces.items():
                if wanted in {normalize_header(row["province"]), normalize_header(row["provinceShort"])}:
                    successor = next(
                        (self.new_provinces[n]["provinceShort"] for n, olds in self.converter["DICT_PROVINCE"].items()
                         if key in olds), "?")
                    raise RegistryError(
                        f"{row['province']} không còn là đơn vị cấp tỉnh {when}: đã hợp nhất vào tỉnh/thành phố {successor}. "
                        f"Dùng --province \"{successor}\", hoặc --as-of trước {format_date(REFORM_DAY)} "
                        f"để nạp {row['province']} cũ"
                    )
        names = ", ".join(sorted(r["provinceShort"] for r in provinces.values()))
        raise RegistryError(f"không có tỉnh/thành phố {name!r} trong danh mục {when}; có: {names}")

    # -- plans ---------------------------------------------------------------------------

    def plan(self, name: str, as_of: date) -> ProvincePlan:
        """What to load for province ``name`` in force on ``as_of``."""
        if as_of >= REFORM_DAY:
            return self._new_plan(self.find_province(name, new=True), as_of)
        key = self.find_province(name, new=False)
        units = self._old_units([key])
        return ProvincePlan(self.old_provinces[key]["province"], as_of, False,
                            f"{self.source}, danh mục {OLD_CATALOGUE}, {self.old_provinces[key]['province']}", units, [])

    def _old_units(self, province_keys: list[str]) -> list[RegistryUnit]:
        """Old provinces with their districts and communes, parents first, valid until 30/06/2025."""
        units: list[RegistryUnit] = []
        seen: set[str] = set()
        marks = ",".join("?" * len(province_keys))
        rows = self._query(
            f"SELECT province, provinceCode, district, districtType, districtCode, ward, wardType, wardCode "
            f"FROM admin_units_legacy WHERE provinceKey IN ({marks}) "
            f"ORDER BY provinceCode, districtCode, wardCode", *province_keys)
        for r in rows:
            province = f"CU-T{r['provinceCode']}"
            if province not in seen:
                seen.add(province)
                units.append(RegistryUnit(
                    province, r["province"], "province", _province_kind(r["province"]), None, None, LAST_OLD_DAY,
                    self._attributes(r["provinceCode"], _province_kind(r["province"]), old=True)))
            district = f"CU-H{r['districtCode']}"
            if district not in seen:
                seen.add(district)
                units.append(RegistryUnit(
                    district, r["district"], "district", r["districtType"] or "", province, None, LAST_OLD_DAY,
                    self._attributes(r["districtCode"], r["districtType"], old=True)))
            if r["wardCode"]:
                units.append(RegistryUnit(
                    f"CU-X{r['wardCode']}", r["ward"], "commune", r["wardType"] or "", district, None,
                    LAST_OLD_DAY, self._attributes(r["wardCode"], r["wardType"], old=True)))
        return units

    def _attributes(self, official: str, kind: str | None, *, old: bool) -> dict[str, Any]:
        return {
            "ma_hanh_chinh": official,
            "loai_don_vi": (kind or "").lower(),
            "danh_muc": OLD_CATALOGUE if old else NEW_CATALOGUE,
        }

    def _old_keys(self, province_keys: list[str]) -> dict[str, str]:
        """Converter key "province_district_ward" → our code of the old unit it names.

        Five island districts had no communes; the converter names them with an empty ward and
        the district itself is the predecessor.
        """
        marks = ",".join("?" * len(province_keys))
        rows = self._query(
            f"SELECT provinceKey, districtKey, wardKey, districtCode, wardCode FROM admin_units_legacy "
            f"WHERE provinceKey IN ({marks})", *province_keys)
        return {
            f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}":
                f"CU-X{r['wardCode']}" if r["wardCode"] else f"CU-H{r['districtCode']}"
            for r in rows
        }

    def _new_plan(self, key: str, as_of: date) -> ProvincePlan:
        province = self.new_provinces[key]
        old_keys = list(self.converter["DICT_PROVINCE"][key])
        units = self._old_units(old_keys)
        old_code_of = self._old_keys(old_keys)
        names = {u.code: u.name for u in units}

        top = f"T{province['provinceCode']}"
        kind = _province_kind(province["province"])
        units.append(RegistryUnit(top, province["province"], "province", kind, None, REFORM_DAY, None,
                                  self._attributes(province["provinceCode"], kind, old=False)))
        wards = self._query(
            "SELECT ward, wardType, wardCode, wardKey, wardAreaKm2 FROM admin_units WHERE provinceKey = ? "
            "ORDER BY wardCode", key)
        code_of_ward: dict[str, str] = {}
        for w in wards:
            code = f"X{w['wardCode']}"
            code_of_ward[w["wardKey"]] = code
            names[code] = w["ward"]
            units.append(RegistryUnit(code, w["ward"], "commune", w["wardType"] or "", top, REFORM_DAY, None,
                                      self._attributes(w["wardCode"], w["wardType"], old=False)))

        # Whole communes (merged or kept) and divided ones, per new unit.
        whole: dict[str, list[str]] = defaultdict(list)
        for ward_key, olds in self.converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(key, {}).items():
            whole[code_of_ward[ward_key]].extend(old_code_of[o] for o in olds)
        pieces: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        main_of: dict[str, str] = {}
        for old_key, news in self.converter["DICT_PROVINCE_WARD_DIVIDED"].get(key, {}).items():
            old = old_code_of[old_key]
            for n in news:
                pieces[code_of_ward[n["newWardKey"]]].append((old, bool(n["isDefaultNewWard"])))
                if n["isDefaultNewWard"]:
                    main_of[old] = code_of_ward[n["newWardKey"]]

        links: list[Link] = []
        old_province_codes = [u.code for u in units if u.level == "province" and u.code != top]
        province_kind = "merge" if len(old_province_codes) > 1 else "rename"
        links.extend(Link(code, top, province_kind, REFORM_DAY) for code in old_province_codes)
        for w in wards:
            new_code = code_of_ward[w["wardKey"]]
            kept = whole.get(new_code, [])
            link_kind = "rename" if len(kept) == 1 and not pieces.get(new_code) else "merge"
            links.extend(Link(old, new_code, link_kind, REFORM_DAY) for old in sorted(kept))
            for old, is_main in sorted(pieces.get(new_code, [])):
                if is_main:
                    links.append(Link(old, new_code, "split", REFORM_DAY, Fraction(1), MAIN_SUCCESSOR_NOTE))
                else:
                    main = main_of.get(old)
                    note = OTHER_SUCCESSOR_NOTE.format(main=f"{names.get(main, main)} ({main})")
                    links.append(Link(old, new_code, "split", REFORM_DAY, Fraction(0), note))
        return ProvincePlan(province["province"], as_of, True,
                            f"{self.source}, danh mục {NEW_CATALOGUE}, {province['province']}", units, links)


def import_province(
    name: str, as_of: date, *, dry_run: bool = False, registry: VnRegistry | None = None,
) -> tuple[ProvincePlan, UnitImportReport, LineageReport]:
    """Create or update province ``name`` as in force on ``as_of``, with its lineage; all or nothing.

    On or after 01/07/2025: the new province and its commune-level units, the old provinces it
    was formed from (with their districts and communes, valid until 30/06/2025) and the links
    old → new. Before: the old province with its districts and communes. Safe to run twice;
    links the province has edited since (a declared share) are kept.
    """
    registry = registry or VnRegistry()
    plan = registry.plan(name, as_of)
    lineage = LineageReport(file=plan.source, dry_run=dry_run)
    with transaction.atomic():
        units = import_unit_table(plan.unit_table(), dry_run=dry_run)
        save_links(plan.links, lineage, keep_existing=True)
    return plan, units, lineage
