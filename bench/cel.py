"""Benchmark: the engine's CEL rules under cel-python, the engine's compiled fast path, and compiled CEL libraries.

    .venv/bin/python bench/cel.py [--runs 20000]

The rule set is what the bundled frameworks write (``numerator <= denominator``,
the dossier identities, a bound on a number, a framework rule over ``inputs``,
an alias compared with a double). Each is compiled once and evaluated on the
same activations (whole counts as the engine hands them, some inputs missing).
It prints, per implementation, the compile time per rule and the evaluation
time per call, and whether every answer (value, "missing input" or error)
equals cel-python's as wrapped by ``chiso.engine.expressions`` — the reference
the engine's tests are written against. A line for cel-python given a whole
unit's activation (every input, as the engine did before) shows what
converting unused names cost.

Optional libraries, measured when installed (they are not dependencies):
``common-expression-language`` (Rust, module ``cel``) and ``cel-expr-python``
(Google's C++ cel-cpp, module ``cel_expr_python``).
"""

from __future__ import annotations

import argparse
import glob
import importlib.machinery
import importlib.util
import sys
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chiso.engine.expressions import ABSENT, ExpressionError, MissingInput, compile_expression  # noqa: E402
from chiso.engine.numbers import format_number  # noqa: E402

F = Fraction
RULES = [
    ("numerator <= denominator", [{"numerator": F(54919), "denominator": F(58669)},
                                  {"numerator": F(70), "denominator": F(50)}, {"denominator": F(5)}]),
    ("carried + received - ineligible == to_resolve",
     [{"carried": F(4985), "received": F(81339), "ineligible": F(538), "to_resolve": F(85786)},
      {"carried": F(4985), "received": F(81340), "ineligible": F(538), "to_resolve": F(85786)},
      {"received": F(81339), "ineligible": F(538), "to_resolve": F(85786)}]),
    ("value <= 50000", [{"value": F(12)}, {"value": F(60000)}, {}]),
    ('inputs["8.4.a.value"] >= inputs["8.4.b.value"]',
     [{"inputs": {"8.4.a.value": F(3), "8.4.b.value": F(2)}}, {"inputs": {"8.4.a.value": F(1), "8.4.b.value": F(2)}},
      {"inputs": {"8.4.a.value": F(1)}}]),
    ("online.value >= 0.5 || !value", [{"online": {"value": F(3, 4)}, "value": True},
                                       {"online": {"value": F(1)}, "value": True},
                                       {"online": {"value": F(1, 4)}, "value": True}]),
]
WHOLE_UNIT = {f"{i}.{part}": F(i * 7 + 3) for i in range(1, 56) for part in ("numerator", "denominator")}


def reference(text: str, activation: dict) -> tuple:
    """cel-python through the engine's wrapper, without the fast path: ("value", v) | ("missing",) | ("error",)."""
    expr = replace(compile_expression(text), _fast=None)
    try:
        return ("value", expr.evaluate(activation))
    except MissingInput:
        return ("missing",)
    except ExpressionError:
        return ("error",)


def plain(value: object) -> object:
    """An engine value as the compiled libraries take it: whole Fractions as int, others as float."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


# -- implementations: (name, compile(text) -> program, run(program, activation) -> outcome) ------------
def _engine_outcome(run) -> tuple:
    try:
        return ("value", run())
    except MissingInput:
        return ("missing",)
    except ExpressionError:
        return ("error",)


def cel_python():
    def build(text):
        return replace(compile_expression.__wrapped__(text), _fast=None)

    return "cel-python (biên dịch một lần)", build, lambda p, act: _engine_outcome(lambda: p.evaluate(act))


class _Everything(frozenset):
    def __contains__(self, name: object) -> bool:
        return True


def cel_python_whole_unit():
    def build(text):
        return replace(compile_expression.__wrapped__(text), _fast=None, names=_Everything())

    def run(p, act):
        # before: the unit's every input (110 here) converted to CEL on every call
        full = {**act, "inputs": {**WHOLE_UNIT, **act.get("inputs", {})}}
        return _engine_outcome(lambda: p.evaluate(full))

    return "cel-python, mọi giá trị của đơn vị mỗi lần (trước đây)", build, run


def engine_fast():
    # as the engine calls it: names fetched on demand, a missing input answered without cel-python
    return ("chiso: đường nhanh + cel-python dự phòng", compile_expression.__wrapped__,
            lambda p, act: _engine_outcome(lambda: p.evaluate_lookup(lambda n: act.get(n, ABSENT))))


def _load_rust_cel():
    """The Rust extension itself: ``import cel`` would find this file, and the package's
    ``__init__`` pulls in its command line (typer, rich), which the extension does not need."""
    for base in sys.path:
        for path in glob.glob(str(Path(base) / "cel" / "cel.*.so")):
            loader = importlib.machinery.ExtensionFileLoader("cel", path)
            spec = importlib.util.spec_from_file_location("cel", path, loader=loader)
            module = importlib.util.module_from_spec(spec)
            loader.exec_module(module)
            return module
    return None


def rust_cel():
    module = _load_rust_cel()
    if module is None or not hasattr(module, "compile"):
        return None

    def run(p, act):
        try:
            return ("value", p.execute(plain(act)))
        except RuntimeError as err:
            return ("missing",) if "Undefined variable" in str(err) or "No such key" in str(err) else ("error",)
        except (TypeError, ValueError, KeyError) as err:
            return ("missing",) if "No such key" in str(err) else ("error",)

    return "common-expression-language (Rust)", module.compile, run


def cpp_cel():
    try:
        from cel_expr_python import cel
    except ImportError:
        return None
    names = {n: cel.Type.DYN for n in ("numerator", "denominator", "carried", "received", "ineligible",
                                        "to_resolve", "value", "inputs", "online")}
    env = cel.NewEnv(variables=names)

    def run(p, act):
        try:
            out = p.eval(data=plain(act))
            value = out.value()
        except Exception as err:  # noqa: BLE001 - the library raises plain exceptions
            text = str(err)
            return ("missing",) if "No value with name" in text or "Key not found" in text else ("error",)
        if out.type() == cel.Type.ERROR:
            text = str(value)
            return ("missing",) if "No value with name" in text or "Key not found" in text else ("error",)
        return ("value", value)

    return "cel-expr-python (C++)", env.compile, run


SHORT = {
    "cel-python, mọi giá trị của đơn vị mỗi lần (trước đây)": "trước đây",
    "cel-python (biên dịch một lần)": "cel-python",
    "chiso: đường nhanh + cel-python dự phòng": "chiso",
    "common-expression-language (Rust)": "Rust",
    "cel-expr-python (C++)": "C++",
}


def _us(seconds: float) -> str:
    return format_number(Fraction(round(seconds * 1e6 * 100), 100), 2) + " µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20_000, help="lần đánh giá mỗi quy tắc")
    args = parser.parse_args()
    cases = [(text, act) for text, acts in RULES for act in acts]
    expected = {(text, i): reference(text, act) for text, acts in RULES for i, act in enumerate(acts)}
    print(f"{len(RULES)} quy tắc, {len(cases)} bộ giá trị, {args.runs:,} lần đánh giá mỗi bộ".replace(",", "."))
    timings = {}
    for factory in (cel_python_whole_unit, cel_python, engine_fast, rust_cel, cpp_cel):
        impl = factory()
        if impl is None:
            print(f"{factory.__name__}: chưa cài, bỏ qua")  # optional, not a dependency
            continue
        name, build, run = impl
        t = time.perf_counter()
        programs = {text: build(text) for text, _ in RULES}
        compile_s = (time.perf_counter() - t) / len(RULES)
        differ = []
        for text, acts in RULES:
            for i, act in enumerate(acts):
                got = run(programs[text], act)
                want = expected[(text, i)]
                if got != want and not (got[0] == want[0] == "value" and got[1] == want[1]):
                    differ.append(f"{text} với {act}: {got} thay vì {want}")
        runs = max(1, args.runs // (20 if "trước đây" in name else 1))
        per_rule = {}
        for text, acts in RULES:
            present = [act for i, act in enumerate(acts) if expected[(text, i)][0] == "value"]
            program = programs[text]
            t = time.perf_counter()
            for act in present:
                for _ in range(runs):
                    run(program, act)
            per_rule[text] = (time.perf_counter() - t) / (runs * len(present))
        timings[name] = per_rule
        print(f"{name}: biên dịch {_us(compile_s)}/quy tắc; khác cel-python: {len(differ)}/{len(cases)} bộ giá trị")
        for line in differ:
            print(f"  {line}")
    print("đánh giá một lần, khi đủ giá trị (µs):")
    for text, _ in RULES:
        shown = "; ".join(f"{SHORT[name]} {_us(per_rule[text])}" for name, per_rule in timings.items())
        print(f"  {text}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
