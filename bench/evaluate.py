"""Benchmark: a full re-evaluation at national volume, against a vectorised numpy bound, in one run.

    .venv/bin/python bench/evaluate.py                      # 10.000 units × 60 indicators × 12 periods
    .venv/bin/python bench/evaluate.py --units 2000 --periods 3

It builds a synthetic criteria framework (generated YAML read by the product's
loader) of ``--indicators`` indicators of the kinds the bundled frameworks use:
mostly ratios (one target, targets by level, targets by year, "= 100%", a
range, "≤ 10%"), some numbers and yes/no questions, some limited to lower
levels, a few with CEL validation rules. ``--units`` units (1% province, 10%
district, the rest commune) report over ``--periods`` months from 07/2024
(across a target's change of year), with seeded values: some missing, some
invalid (numerator above denominator, a zero denominator, a rule broken),
some units silent for a period.

Three phases are timed apart, one period at a time as the product recomputes
(one framework-period per ``evaluate`` call):

* nạp: values (already generated as integer arrays) turned into the engine's
  input, a mapping of element id → ``Fraction``/``bool`` per unit;
* đánh giá: ``chiso.engine.evaluate.evaluate`` — values in memory to results in
  memory (every ``IndicatorResult`` with its status, target, value and inputs;
  explanations are rendered when read, see docs/engine.md);
* lưu: results reduced to compact status codes, as a results store keeps them.

The bound is the same verdicts computed by numpy over all periods at once with
exact integer comparisons (``numerator × q ≥ p × denominator``); every
indicator and unit status of the engine must equal the bound's (the run fails
otherwise). The last line is ``vs numpy bound: N.Nx, peak M MiB`` (re-evaluation
CPU time over the bound's — the machine is shared, and CPU time is what one
idle core would take; wall-clock times and their ratio are printed too — and
the process's peak resident memory, VmHWM).
Goals: ≤ 100× (aim ≤ 20×), peak ≤ 2.048 MiB.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from chiso.engine.numbers import format_int, format_number  # noqa: E402

STATUS_CODES = {"met": 0, "not_met": 1, "missing": 2, "not_applicable": 3, "invalid": 4}
UNIT_CODES = {"complete": 0, "incomplete": 1, "not_reported": 2}
LEVELS = ("province", "district", "commune")
MAX_NUMBER = 50_000  # the rule of every fifth number indicator: value <= 50000


# -- the framework ---------------------------------------------------------------------------
def _percent(p: int, q: int) -> str:
    return f'"{format_number(Fraction(100 * p, q), 2)}%"'


def indicator_specs(n: int) -> list[dict]:
    """Kinds, levels, targets and rules of ``n`` indicators, cycling through the shapes in the library.

    A target is a list of (level or None, year_from, year_to, lo, hi) with lo/hi
    = (p, q) exact fractions or None (open end); the first matching one wins.
    """
    specs = []
    for i in range(n):
        slot = i % 10
        spec = {"code": str(i + 1), "levels": LEVELS, "rule": None}
        if slot in (7, 8):
            spec["kind"] = "number"
            spec["targets"] = [(None, None, None, ((1 + i % 5), 1), None)]
            if i % 20 == 7:
                spec["rule"] = f"value <= {MAX_NUMBER}"
        elif slot == 9:
            spec["kind"] = "boolean"
            spec["targets"] = [(None, None, None, (1, 1), (1, 1))]
        else:
            spec["kind"] = "ratio"
            shape = i % 7
            if shape == 0:
                spec["targets"] = [(None, None, None, (1, 2), None)]  # ≥ 50%
            elif shape == 1:  # 90% / 80% / 65% by level
                spec["targets"] = [("province", None, None, (9, 10), None), ("district", None, None, (4, 5), None),
                                   ("commune", None, None, (13, 20), None)]
            elif shape == 2:  # 60% until 2024, 90% from 2025
                spec["targets"] = [(None, None, 2024, (3, 5), None), (None, 2025, None, (9, 10), None)]
            elif shape == 3:  # = 100%, province and district only
                spec["targets"] = [(None, None, None, (1, 1), (1, 1))]
                spec["levels"] = ("province", "district")
            elif shape == 4:  # from 30% to 70%
                spec["targets"] = [(None, None, None, (3, 10), (7, 10))]
            elif shape == 5:  # ≤ 10% (e.g. late dossiers), communes only
                spec["targets"] = [(None, None, None, None, (1, 10))]
                spec["levels"] = ("commune",)
            else:  # province has no target from 2025: not applicable there
                spec["targets"] = [("province", None, 2024, (7, 10), None), ("district", None, None, (3, 4), None),
                                   ("commune", None, None, (3, 5), None)]
            if i % 5 == 0:
                spec["rule"] = "numerator <= denominator"
        specs.append(spec)
    return specs


def _target_yaml(kind: str, level, year_from, year_to, lo, hi) -> str:
    parts = []
    if kind == "boolean":
        parts.append('op: "=", value: true')
    elif kind == "number":
        parts.append(f'op: ">=", value: {lo[0] // lo[1]}')
    elif lo is not None and hi is not None and lo == hi:
        parts.append(f'op: "=", value: {_percent(*lo)}')
    elif lo is not None and hi is not None:
        parts.append(f'op: range, min: {_percent(*lo)}, max: {_percent(*hi)}')
    elif lo is not None:
        parts.append(f'op: ">=", value: {_percent(*lo)}')
    else:
        parts.append(f'op: "<=", value: {_percent(*hi)}')
    if level:
        parts.append(f"level: {level}")
    if year_from:
        parts.append(f"year_from: {year_from}")
    if year_to:
        parts.append(f"year_to: {year_to}")
    return "{" + ", ".join(parts) + "}"


def framework_yaml(specs: list[dict]) -> str:
    lines = [
        f"code: bench-{len(specs)}",
        'version: "1"',
        f"title: Bộ chỉ tiêu đo hiệu năng ({len(specs)} chỉ tiêu)",
        "kind: criteria",
        "legal_basis: {number: 1/QĐ-BENCH, date: 2024-01-01, issuer: Chỉ Số}",
        "effective: {from: 2024-01-01, to: 2026-12-31}",
        "levels: [province, district, commune]",
        "scope: {levels: [province, district, commune], assesses: agencies}",
        "indicators:",
    ]
    for s in specs:
        lines += [f'  - code: "{s["code"]}"', f"    name: Chỉ tiêu đo hiệu năng số {s['code']}",
                  f"    kind: {s['kind']}", f"    levels: [{', '.join(s['levels'])}]", "    target:"]
        lines += [f"      - {_target_yaml(s['kind'], *t)}" for t in s["targets"]]
        if s["kind"] == "ratio":
            lines.append("    unit_label: hồ sơ")
        if s["rule"]:
            lines += ["    rules:", f"      - expr: {s['rule']}", "        message: Số liệu mâu thuẫn."]
    return "\n".join(lines) + "\n"


# -- units, periods and values ------------------------------------------------------------
def make_units(n: int):
    from chiso.engine.model import UnitInfo

    provinces, districts = max(1, n // 100), max(1, n // 10)
    units, levels = [], []
    for k in range(n):
        level = 0 if k < provinces else 1 if k < provinces + districts else 2
        units.append(UnitInfo(code=f"DV{k + 1:06d}", name=f"Đơn vị {k + 1}", level=LEVELS[level],
                              parent_code="TINH"))
        levels.append(level)
    return units, np.array(levels, dtype=np.int64)


def make_periods(n: int) -> list[str]:
    months = [(2024 + (6 + m) // 12, (6 + m) % 12 + 1) for m in range(n)]
    return [f"{y}-{m:02d}" for y, m in months]


def make_values(specs: list[dict], units: int, periods: int, seed: int) -> dict[str, np.ndarray]:
    """Seeded integer arrays (period, unit, indicator): ``a`` (numerator or value), ``b`` (denominator), masks."""
    rng = np.random.default_rng(seed)
    shape = (periods, units, len(specs))
    kinds = np.array([s["kind"] for s in specs])
    ratio, number, boolean = kinds == "ratio", kinds == "number", kinds == "boolean"
    den = rng.integers(1, 3000, size=shape)
    den[rng.random(shape) < 0.005] = 0
    share = rng.beta(6, 2, size=shape)
    num = np.floor(den * share).astype(np.int64)
    over = rng.random(shape) < 0.01
    num[over] = den[over] + rng.integers(1, 50, size=int(over.sum()))
    value = rng.integers(0, 12, size=shape)
    big = rng.random(shape) < 0.01
    value[big] = MAX_NUMBER + rng.integers(1, 1000, size=int(big.sum()))
    yes = (rng.random(shape) < 0.7).astype(np.int64)
    a = np.where(ratio, num, np.where(number, value, yes))
    b = np.where(ratio, den, 0)
    has_a = rng.random(shape) >= 0.03
    has_b = ratio & (rng.random(shape) >= 0.03)
    silent = rng.random((periods, units)) < 0.02  # reported nothing this period
    has_a &= ~silent[:, :, None]
    has_b &= ~silent[:, :, None]
    return {"a": a, "b": b, "has_a": has_a, "has_b": has_b, "ratio": ratio, "number": number, "boolean": boolean}


def engine_values(specs: list[dict], data: dict, p: int, units) -> dict[str, dict]:
    """One period's values as the product hands them to the engine (``load_values``)."""
    a, b = data["a"][p].tolist(), data["b"][p].tolist()
    has_a, has_b = data["has_a"][p].tolist(), data["has_b"][p].tolist()
    cache: dict[int, Fraction] = {}

    def frac(x: int) -> Fraction:
        f = cache.get(x)
        if f is None:
            f = cache[x] = Fraction(x)
        return f

    layout = []
    for i, s in enumerate(specs):
        if s["kind"] == "ratio":
            layout.append((i, f"{s['code']}.numerator", f"{s['code']}.denominator", False))
        else:
            layout.append((i, f"{s['code']}.value", None, s["kind"] == "boolean"))
    out: dict[str, dict] = {}
    for u, unit in enumerate(units):
        ha, hb, au, bu = has_a[u], has_b[u], a[u], b[u]
        values: dict = {}
        for i, key_a, key_b, is_bool in layout:
            if ha[i]:
                values[key_a] = bool(au[i]) if is_bool else frac(au[i])
            if key_b is not None and hb[i]:
                values[key_b] = frac(bu[i])
        if values:
            out[unit.code] = values
    return out


# -- the bound -----------------------------------------------------------------------------
def _target_tables(specs: list[dict], years: list[int]) -> dict[str, np.ndarray]:
    """Per (year, level, indicator): applicable, has lo/hi, lo = p/q, hi = p/q (first matching target)."""
    ys, n = len(years), len(specs)
    t = {k: np.zeros((ys, 3, n), dtype=np.int64) for k in ("lo_p", "lo_q", "hi_p", "hi_q")}
    t.update({k: np.zeros((ys, 3, n), dtype=bool) for k in ("applies", "has_lo", "has_hi")})
    for y, year in enumerate(years):
        for lv, level in enumerate(LEVELS):
            for i, s in enumerate(specs):
                if level not in s["levels"]:
                    continue
                for t_level, y_from, y_to, lo, hi in s["targets"]:
                    if (t_level in (None, level) and (y_from is None or year >= y_from)
                            and (y_to is None or year <= y_to)):
                        t["applies"][y, lv, i] = True
                        if lo is not None:
                            t["has_lo"][y, lv, i] = True
                            t["lo_p"][y, lv, i], t["lo_q"][y, lv, i] = lo
                        if hi is not None:
                            t["has_hi"][y, lv, i] = True
                            t["hi_p"][y, lv, i], t["hi_q"][y, lv, i] = hi
                        break
    return t


def numpy_bound(specs: list[dict], data: dict, levels: np.ndarray, years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Indicator statuses (period, unit, indicator) and unit statuses (period, unit), vectorised and exact."""
    year_list = sorted(set(years))
    tables = _target_tables(specs, year_list)
    year_index = np.array([year_list.index(y) for y in years])
    g = {k: v[year_index[:, None], levels[None, :]] for k, v in tables.items()}  # (P, U, I)
    a, b, has_a, has_b = data["a"], data["b"], data["has_a"], data["has_b"]
    ratio, number = data["ratio"], data["number"]
    d = np.where(ratio, b, 1)  # numbers and yes/no compare a/1
    met = (~g["has_lo"] | (a * g["lo_q"] >= g["lo_p"] * d)) & (~g["has_hi"] | (a * g["hi_q"] <= g["hi_p"] * d))
    missing = ~has_a | (ratio & ~has_b)
    invalid = ratio & ((b == 0) | (a > b))
    rule = np.array([s["rule"] == f"value <= {MAX_NUMBER}" for s in specs])
    invalid |= number & rule & (a > MAX_NUMBER)
    status = np.where(met, 0, 1).astype(np.int8)
    status[invalid] = 4
    status[missing] = 2
    status[~g["applies"]] = 3
    applicable = (status != 3).sum(axis=2)
    met_count = (status == 0).sum(axis=2)
    reported = has_a.any(axis=2) | has_b.any(axis=2)
    unit = np.where(~reported, 2, np.where((applicable > 0) & (met_count == applicable), 0, 1)).astype(np.int8)
    return status, unit


# -- memory --------------------------------------------------------------------------------
def peak_mib() -> float:
    """This process's peak resident memory (VmHWM), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _s(seconds: float) -> str:
    return format_number(Fraction(round(seconds * 1000), 1000), 3) + " s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from chiso.engine.evaluate import evaluate
    from chiso.engine.periods import parse_period
    from chiso.frameworks.loader import parse_framework_text

    t = time.perf_counter()
    specs = indicator_specs(args.indicators)
    framework = parse_framework_text(framework_yaml(specs), "bench.yaml")
    units, levels = make_units(args.units)
    periods = make_periods(args.periods)
    data = make_values(specs, args.units, args.periods, args.seed)
    results = args.units * args.indicators * args.periods
    print(f"dữ liệu: {format_int(args.units)} đơn vị × {args.indicators} chỉ tiêu × {args.periods} kỳ "
          f"= {format_int(results)} kết quả chỉ tiêu, tạo trong {_s(time.perf_counter() - t)}")

    codes = np.empty((args.periods, args.units, args.indicators), dtype=np.int8)
    unit_codes = np.empty((args.periods, args.units), dtype=np.int8)
    load_s = eval_s = store_s = eval_cpu = 0.0
    for p, period in enumerate(periods):
        t0 = time.perf_counter()
        values = engine_values(specs, data, p, units)
        t1, c1 = time.perf_counter(), time.process_time()
        evaluation = evaluate(framework, units, values, period)
        t2, c2 = time.perf_counter(), time.process_time()
        flat = [STATUS_CODES[r.status] for ur in evaluation.results for r in ur.indicators]
        codes[p] = np.array(flat, dtype=np.int8).reshape(args.units, args.indicators)
        unit_codes[p] = [UNIT_CODES[ur.status] for ur in evaluation.results]
        t3 = time.perf_counter()
        load_s, eval_s, store_s = load_s + t1 - t0, eval_s + t2 - t1, store_s + t3 - t2
        eval_cpu += c2 - c1
        del values, evaluation, flat
        gc.collect()

    bound_s = bound_cpu = float("inf")
    for _ in range(3):  # the best of three: the first pays for the page faults of fresh arrays
        t, c = time.perf_counter(), time.process_time()
        bound, bound_units = numpy_bound(specs, data, levels, [parse_period(p).year for p in periods])
        bound_s, bound_cpu = min(bound_s, time.perf_counter() - t), min(bound_cpu, time.process_time() - c)

    differ = int((codes != bound).sum())
    differ_units = int((unit_codes != bound_units).sum())
    counts = {s: int((codes == c).sum()) for s, c in STATUS_CODES.items()}
    print("trạng thái: " + ", ".join(f"{s} {format_int(n)}" for s, n in counts.items()))
    print(f"khớp numpy: {'có' if not differ and not differ_units else 'KHÔNG'} "
          f"({format_int(differ)} kết quả chỉ tiêu, {format_int(differ_units)} trạng thái đơn vị khác)")
    if differ:
        where = np.argwhere(codes != bound)[:3]
        for p, u, i in where:
            print(f"  kỳ {periods[p]}, {units[u].code}, chỉ tiêu {specs[i]['code']}: "
                  f"engine {codes[p, u, i]}, numpy {bound[p, u, i]}")
    per_result_us = eval_cpu / results * 1e6
    print(f"nạp giá trị: {_s(load_s)}")
    print(f"đánh giá lại: {_s(eval_s)}, CPU {_s(eval_cpu)} ({format_number(Fraction(round(per_result_us * 100), 100), 2)}"
          f" µs CPU mỗi kết quả, {format_int(round(results / eval_cpu))} kết quả/giây)")
    print(f"lưu trạng thái: {_s(store_s)}")
    print(f"cận dưới numpy: {_s(bound_s)}, CPU {_s(bound_cpu)} (nhanh nhất trong 3 lần)")
    print(f"tỷ lệ theo đồng hồ: {eval_s / bound_s:.1f}x; theo CPU (máy dùng chung): {eval_cpu / bound_cpu:.1f}x")
    ratio = eval_cpu / bound_cpu
    peak = peak_mib()
    print(f"vs numpy bound: {ratio:.1f}x, peak {peak:.0f} MiB")
    return 0 if not differ and not differ_units else 1


if __name__ == "__main__":
    sys.exit(main())
