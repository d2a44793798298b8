"""Framework YAML → the engine's dataclasses (``chiso.engine.model.Framework``).

Pure Python (no Django) so the CLI, the web upload, the tests and the engine's
own benchmarks all read frameworks the same way. Frameworks are written by
methodologists, not programmers, so every problem is reported at once, in
Vietnamese, naming the file, the path in the document (``indicators[3].target.op``)
and the line: first the JSON Schema (``schema.json``), then the checks a schema
cannot express (duplicate codes, CEL expressions, ratio bounds, rule order…).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from chiso.engine.model import (
    KIND_INPUTS,
    RATIO_INPUTS,
    Band,
    Category,
    Framework,
    Indicator,
    LegalBasis,
    PointBand,
    Rule,
    Scope,
    Scoring,
    Target,
    TargetRule,
)

SCHEMA_PATH = Path(__file__).with_name("schema.json")
LIBRARY_DIR = Path(__file__).with_name("library")

LEVELS = ("province", "district", "commune")
RESERVED_NAMES = frozenset(
    {"numerator", "denominator", "value", "inputs", "true", "false", "null", "in", "as",
     "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
     "package", "namespace", "return", "var", "void", "while"}
)
_METRIC = re.compile(r"^(dossiers|documents)\.[a-z][a-z0-9_]*$")
_SHORTHAND_RANGE = re.compile(
    r"^\s*(?P<a>[0-9]+(?:[.,][0-9]+)?\s*%?)\s*(?:-|–|đến)\s*(?P<b>[0-9]+(?:[.,][0-9]+)?\s*%?)\s*$"
)
_SHORTHAND_CMP = re.compile(r"^\s*(?P<op>>=|≥|>|<=|≤|<|=)?\s*(?P<v>[0-9]+(?:[.,][0-9]+)?\s*%?)\s*$")
_OPS_FROM_SYMBOL = {"≥": ">=", "≤": "<=", None: ">="}

_TYPE_NAMES = {
    "string": "chuỗi",
    "number": "số",
    "integer": "số nguyên",
    "boolean": "true/false",
    "object": "bảng khoá: giá trị",
    "array": "danh sách",
    "null": "giá trị rỗng",
}

_YAML_PROBLEMS = {
    "mapping values are not allowed here": "không được có dấu “:” ở đây (thiếu ngoặc kép hoặc thụt lề sai?)",
    "could not find expected ':'": "thiếu dấu “:” sau khoá",
    "did not find expected key": "thụt lề không khớp hoặc thiếu khoá",
    "found character '\\t' that cannot start any token": "có ký tự tab; hãy thụt lề bằng dấu cách",
    "did not find expected '-' indicator": "thiếu dấu “-” đầu phần tử danh sách",
    "found unexpected end of stream": "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép đóng?)",
    "found undefined alias": "dùng bí danh (*alias) chưa được định nghĩa",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework file: where it is and what was expected."""

    file: str
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        suffix = ""
        if self.line and self.column:
            suffix = f" (dòng {self.line}, cột {self.column})"
        elif self.line:
            suffix = f" (dòng {self.line})"
        return f"{where}{self.message}{suffix}"


class FrameworkError(ValueError):
    """A framework file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


# ---------------------------------------------------------------- YAML reading


MAX_YAML_CHARS = 2_000_000  # the bundled frameworks are under 15.000 characters
MAX_YAML_NODES = 200_000
ALIAS_REFUSED = ("không dùng bí danh YAML (*tên, <<: *tên): hãy viết đầy đủ nội dung; "
                 "bí danh lồng nhau có thể nhân một tệp vài trăm byte thành hàng tỷ phần tử")


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: dates stay strings the schema can check
    and the document stays JSON-serialisable for the database.

    Bounded: aliases are refused (nine nested aliases of nine make a 364-byte "billion
    laughs" that the duplicate-key walk, the schema and the database would each expand) and
    the node count is capped, so an uploaded file cannot hold a worker at 100% CPU.
    """

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, ALIAS_REFUSED, mark)
        self._nodes = getattr(self, "_nodes", 0) + 1
        if self._nodes > MAX_YAML_NODES:
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, f"tệp có hơn {MAX_YAML_NODES:_} phần tử YAML".replace("_", "."), mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _display_name(filename: str | Path) -> str:
    return str(filename) or "framework.yaml"


def _format_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_line(root: yaml.Node | None, parts: Sequence[Any]) -> int | None:
    """1-based line of the node at ``parts`` (or of the nearest ancestor found)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in parts:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    nxt = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                nxt = node.value[part]
                line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def _duplicate_keys(node: yaml.Node, parts: list[Any], found: list[tuple[list[Any], int]]) -> None:
    """PyYAML silently keeps the last of two equal keys; a methodologist's copy-paste
    slip would then vanish, so duplicates are reported."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    found.append((parts + [key.value], key.start_mark.line + 1))
                seen.add(key.value)
                _duplicate_keys(value, parts + [key.value], found)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _duplicate_keys(item, parts + [i], found)


def _read_yaml(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    if len(text) > MAX_YAML_CHARS:
        raise FrameworkError([Problem(
            name, "", f"tệp quá lớn ({len(text):_} ký tự, tối đa {MAX_YAML_CHARS:_})".replace("_", "."))])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        message = f"lỗi cú pháp YAML: {_YAML_PROBLEMS.get(problem, problem)}"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise FrameworkError([Problem(name, "", message, line, column)]) from exc
    except yaml.YAMLError as exc:
        raise FrameworkError([Problem(name, "", f"lỗi cú pháp YAML: {exc}")]) from exc
    if node is None:
        raise FrameworkError([Problem(name, "", "tệp rỗng: cần một bộ chỉ tiêu (code, version, title, …)")])
    dups: list[tuple[list[Any], int]] = []
    _duplicate_keys(node, [], dups)
    if dups:
        raise FrameworkError(
            [Problem(name, _format_path(p), "khoá bị lặp lại (khoá sau sẽ ghi đè khoá trước)", line)
             for p, line in dups]
        )
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:  # e.g. an unhashable key
        raise FrameworkError([Problem(name, "", f"không đọc được YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    return data, node


# ---------------------------------------------------------------- schema


@lru_cache(maxsize=1)
def framework_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the framework format."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = framework_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _schema_problem(error: ValidationError, name: str, root: yaml.Node | None) -> Problem:
    parts = list(error.absolute_path)
    validator = error.validator
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if validator == "required":
        missing = [k for k in error.validator_value if isinstance(instance, dict) and k not in instance]
        key = missing[0] if missing else "?"
        return Problem(name, _format_path(parts + [key]), "thiếu (bắt buộc phải có)", _node_line(root, parts))
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        unknown = [k for k in instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        msg = f"khoá không hợp lệ “{key}”"
        msg += f" (có phải “{hint[0]}”?)" if hint else f"; các khoá hợp lệ: {', '.join(allowed)}"
        return Problem(name, _format_path(parts + [key]), msg, _node_line(root, parts + [key]))
    line = _node_line(root, parts)
    path = _format_path(parts)
    if validator == "not":  # a key that must not appear in this combination
        why = schema.get("description") or "không dùng được ở đây"
        return Problem(name, path, f"khoá này không dùng được ở đây: {why}", line)
    if validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return Problem(name, path, f"cần một trong {options} (gặp {_shown(instance)})", line)
    if validator == "const":
        return Problem(name, path, f"cần {_shown(error.validator_value)} (gặp {_shown(instance)})", line)
    if validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = " hoặc ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        msg = f"cần {names} (gặp {_shown(instance)})"
        if "string" in wanted and isinstance(instance, (int, float)) and not isinstance(instance, bool):
            msg += f"; hãy viết trong ngoặc kép, ví dụ \"{instance}\""
        return Problem(name, path, msg, line)
    if validator == "pattern":
        what = schema.get("description") or f"dạng {error.validator_value}"
        return Problem(name, path, f"không đúng dạng: {what} (gặp {_shown(instance)})", line)
    if validator == "propertyNames":
        return Problem(name, path, f"tên khoá không hợp lệ; chỉ dùng numerator, denominator, value (gặp {_shown(instance)})", line)
    if validator in ("minimum", "exclusiveMinimum"):
        return Problem(name, path, f"phải ≥ {error.validator_value} (gặp {_shown(instance)})", line)
    if validator in ("maximum", "exclusiveMaximum"):
        return Problem(name, path, f"phải ≤ {error.validator_value} (gặp {_shown(instance)})", line)
    if validator == "minItems":
        return Problem(name, path, f"cần ít nhất {error.validator_value} phần tử", line)
    if validator == "minLength":
        return Problem(name, path, "không được để trống", line)
    if validator == "minProperties":
        return Problem(name, path, f"cần ít nhất {error.validator_value} khoá", line)
    if validator == "uniqueItems":
        return Problem(name, path, "có phần tử bị lặp lại", line)
    return Problem(name, path, error.message, line)


def _schema_problems(data: Any, name: str, root: yaml.Node | None) -> list[Problem]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in errors:
        problem = _schema_problem(error, name, root)
        key = f"{problem.path}|{problem.message}"
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    problems.sort(key=lambda p: (p.line or 0, p.path))
    return problems


def read_document(text: str, filename: str | Path = "framework.yaml") -> dict[str, Any]:
    """The YAML document as plain data (dates as strings), schema-checked.

    This is what the database keeps in ``Framework.document``.
    """
    name = _display_name(filename)
    data, root = _read_yaml(text, name)
    problems = _schema_problems(data, name, root)
    if problems:
        raise FrameworkError(problems)
    return data


# ---------------------------------------------------------------- expressions


def _compile_cel(expr: str) -> str | None:
    """None when ``expr`` compiles, else why not.

    Uses the engine's compiler so that what loads is exactly what evaluates;
    falls back to cel-python's parser while the engine module is absent.
    """
    try:
        from chiso.engine.expressions import compile_expression
    except ImportError:
        compile_expression = None
    try:
        if compile_expression is not None:
            compile_expression(expr)
        else:
            import celpy

            celpy.Environment().compile(expr)
    except Exception as exc:  # the compiler's own error types vary by backend
        first = str(exc).strip().splitlines()
        return first[0].rstrip(" :") if first else exc.__class__.__name__
    return None


# ---------------------------------------------------------------- building


def _parse_date(text: str) -> date:
    if "/" in text:
        d, m, y = (int(x) for x in text.split("/"))
        return date(y, m, d)
    return date.fromisoformat(text)


class _Builder:
    """Turns a schema-valid document into dataclasses, collecting semantic problems."""

    def __init__(self, data: dict[str, Any], name: str, root: yaml.Node | None):
        self.data = data
        self.name = name
        self.root = root
        self.problems: list[Problem] = []
        self.kind = data.get("kind", "criteria")
        self.levels: tuple[str, ...] = tuple(data["levels"])
        self.category_codes: set[str] = set()
        self.aliases: dict[str, str] = {}

    def problem(self, parts: Sequence[Any], message: str) -> None:
        self.problems.append(Problem(self.name, _format_path(parts), message, _node_line(self.root, parts)))

    # -- small values

    def date(self, raw: str | None, parts: Sequence[Any]) -> date | None:
        if raw is None:
            return None
        try:
            return _parse_date(raw)
        except ValueError:
            self.problem(parts, f"ngày không tồn tại (gặp {_shown(raw)})")
            return None

    def quantity(self, raw: Any, parts: Sequence[Any], kind: str) -> Fraction | None:
        """A target number; for ratios a share in [0, 1] ("50%" = 0.5)."""
        if isinstance(raw, bool):
            self.problem(parts, f"cần một số (gặp {_shown(raw)})")
            return None
        if isinstance(raw, (int, float)):
            q = Fraction(str(raw))
        else:
            s = str(raw).replace(" ", "")
            if s.endswith("%"):
                if kind != "ratio":
                    self.problem(parts, f"phần trăm chỉ dùng cho chỉ tiêu tỷ lệ (ratio), chỉ tiêu này là {kind} (gặp {_shown(raw)})")
                    return None
                q = Fraction(s[:-1].replace(",", ".")) / 100
            elif "/" in s:
                a, b = s.split("/")
                q = Fraction(int(a), int(b))
            else:
                q = Fraction(s.replace(",", "."))
        if kind == "ratio" and not (0 <= q <= 1):
            self.problem(parts, f"tỷ lệ phải nằm trong [0, 1] (gặp {_shown(raw)}); viết 0.5 hoặc \"50%\"")
            return None
        return q

    def points(self, raw: Any, parts: Sequence[Any]) -> dict[str, Fraction]:
        if raw is None:
            return {}
        if isinstance(raw, dict):
            return {k: Fraction(str(v)) for k, v in raw.items()}
        return {"default": Fraction(str(raw))}

    # -- targets

    def target(self, raw: Any, parts: list[Any], kind: str) -> Target | None:
        if isinstance(raw, str):
            m = _SHORTHAND_RANGE.match(raw)
            if m:
                lo = self.quantity(m["a"], parts, kind)
                hi = self.quantity(m["b"], parts, kind)
                return self._range(lo, hi, parts)
            m = _SHORTHAND_CMP.match(raw)
            if m is None:  # the schema already said why
                return None
            if kind == "boolean":
                self.problem(parts, "chỉ tiêu có/không (boolean) cần mục tiêu {op: \"=\", value: true}")
                return None
            value = self.quantity(m["v"], parts, kind)
            op = _OPS_FROM_SYMBOL.get(m["op"], m["op"])
            return Target(op=op, value=value) if value is not None else None
        op = raw["op"]
        if kind == "boolean":
            if op != "=" or not isinstance(raw.get("value"), bool):
                self.problem(parts, f"chỉ tiêu có/không (boolean) cần op \"=\" và value true hoặc false (gặp op {_shown(op)}, value {_shown(raw.get('value'))})")
                return None
            return Target(op="=", value=raw["value"])
        if op == "range":
            lo = self.quantity(raw["min"], parts + ["min"], kind)
            hi = self.quantity(raw["max"], parts + ["max"], kind)
            return self._range(lo, hi, parts)
        if isinstance(raw["value"], bool):
            self.problem(parts + ["value"], f"true/false chỉ dùng cho chỉ tiêu có/không (boolean), chỉ tiêu này là {kind}")
            return None
        value = self.quantity(raw["value"], parts + ["value"], kind)
        return Target(op=op, value=value) if value is not None else None

    def _range(self, lo: Fraction | None, hi: Fraction | None, parts: list[Any]) -> Target | None:
        if lo is None or hi is None:
            return None
        if lo > hi:
            self.problem(parts, "khoảng mục tiêu có min lớn hơn max")
            return None
        return Target(op="range", minimum=lo, maximum=hi)

    def target_rules(self, raw: Any, parts: list[Any], kind: str) -> tuple[TargetRule, ...]:
        if raw is None:
            return ()
        entries = raw if isinstance(raw, list) else [raw]
        rules: list[TargetRule] = []
        unconditional_at: int | None = None
        for i, entry in enumerate(entries):
            here = parts + [i] if isinstance(raw, list) else parts
            if unconditional_at is not None:
                self.problem(
                    here,
                    f"quy tắc mục tiêu này không bao giờ được dùng: quy tắc [{unconditional_at}] trước nó "
                    "không có điều kiện; đặt quy tắc riêng (level, attributes, năm) lên trước quy tắc chung",
                )
            target = self.target(entry, here, kind)
            if isinstance(entry, dict):
                level = entry.get("level")
                attributes = {
                    k: tuple(v) if isinstance(v, list) else v for k, v in (entry.get("attributes") or {}).items()
                }
                year_from = entry.get("year_from")
                year_to = entry.get("year_to")
            else:
                level, attributes, year_from, year_to = None, {}, None, None
            if year_from is not None and year_to is not None and year_from > year_to:
                self.problem(here, f"year_from ({year_from}) lớn hơn year_to ({year_to})")
            if level is None and not attributes and year_from is None and year_to is None:
                unconditional_at = i if unconditional_at is None else unconditional_at
            if target is not None:
                rules.append(TargetRule(target, level, attributes, year_from, year_to))
        return tuple(rules)

    # -- rules

    def rules(self, raw: list[dict[str, Any]] | None, parts: list[Any]) -> tuple[Rule, ...]:
        out: list[Rule] = []
        for i, r in enumerate(raw or []):
            why = _compile_cel(r["expr"])
            if why is not None:
                shown = "" if r["expr"] in why else f" (gặp {_shown(r['expr'])})"
                self.problem(parts + [i, "expr"], f"biểu thức CEL không hợp lệ: {why}{shown}")
                continue
            out.append(Rule(expr=r["expr"], message=r["message"], applies_to=tuple(r.get("applies_to") or ())))
        return tuple(out)

    # -- indicators

    def indicator(self, raw: dict[str, Any], parts: list[Any], item: bool = False) -> Indicator:
        kind = raw["kind"]
        code = raw["code"]
        inputs = KIND_INPUTS[kind]
        if kind == "score" and (raw.get("scoring") or {}).get("input") == "ratio":
            inputs = RATIO_INPUTS

        if item:
            for key in ("levels", "applies_if", "category", "max_points", "minimum", "alias", "scoring"):
                if key in raw:
                    self.problem(parts + [key], f"mục con không dùng “{key}”: đặt ở chỉ tiêu cha")
            if kind == "composite":
                self.problem(parts + ["kind"], "mục con không thể là composite (chỉ một tầng mục con)")

        levels = tuple(raw["levels"]) if "levels" in raw else None
        for level in levels or ():
            if level not in self.levels:
                self.problem(parts + ["levels"], f"cấp {level} không thuộc levels của bộ chỉ tiêu ({', '.join(self.levels)})")

        if kind in ("text", "composite") and "target" in raw:
            self.problem(parts + ["target"], f"chỉ tiêu loại {kind} không có mục tiêu"
                         + (" (đạt khi các mục con bắt buộc đạt)" if kind == "composite" else ""))
            targets: tuple[TargetRule, ...] = ()
        elif kind == "boolean" and "target" not in raw:
            targets = (TargetRule(Target(op="=", value=True)),)
        else:
            targets = self.target_rules(raw.get("target"), parts + ["target"], kind)
            if kind in ("ratio", "number") and "target" not in raw and self.kind != "score":
                self.problem(parts + ["target"], f"chỉ tiêu loại {kind} cần mục tiêu, ví dụ {{op: \">=\", value: \"50%\"}}")

        items: tuple[Indicator, ...] = ()
        if kind == "composite":
            if not raw.get("items"):
                self.problem(parts + ["items"], "chỉ tiêu composite cần danh sách mục con (items)")
            else:
                built = []
                seen: set[str] = set()
                for i, it in enumerate(raw["items"]):
                    if it["code"] in seen:
                        self.problem(parts + ["items", i, "code"], f"mã mục con “{it['code']}” bị trùng trong chỉ tiêu {code}")
                    seen.add(it["code"])
                    built.append(self.indicator(it, parts + ["items", i], item=True))
                items = tuple(built)
        elif "items" in raw:
            self.problem(parts + ["items"], f"chỉ chỉ tiêu composite mới có mục con (chỉ tiêu này là {kind})")

        required_items: tuple[str, ...] | None = None
        if "required_items" in raw:
            if kind != "composite":
                self.problem(parts + ["required_items"], "required_items chỉ dùng cho chỉ tiêu composite")
            else:
                known = list(dict.fromkeys(it.code for it in items))
                for i, c in enumerate(raw["required_items"]):
                    if c not in known:
                        self.problem(parts + ["required_items", i],
                                     f"mục con “{c}” không có trong items ({', '.join(known)})")
                required_items = tuple(raw["required_items"])

        labels = dict(raw.get("inputs") or {})
        for key in labels:
            if key not in inputs:
                self.problem(parts + ["inputs", key], _unknown_input(key, kind))
        sources = dict(raw.get("sources") or {})
        for key, metric in sources.items():
            if key not in inputs:
                self.problem(parts + ["sources", key], _unknown_input(key, kind))
            if not _METRIC.match(metric):
                self.problem(parts + ["sources", key], f"chỉ số nghiệp vụ phải có dạng dossiers.<tên> hoặc documents.<tên> (gặp {_shown(metric)})")

        alias = raw.get("alias")
        if alias is not None:
            if alias in RESERVED_NAMES:
                self.problem(parts + ["alias"], f"“{alias}” là tên dành riêng trong biểu thức, hãy chọn tên khác")
            elif alias in self.aliases:
                self.problem(parts + ["alias"], f"alias “{alias}” đã dùng cho chỉ tiêu {self.aliases[alias]}")
            else:
                self.aliases[alias] = code

        category = raw.get("category")
        if category is not None and category not in self.category_codes:
            known = ", ".join(sorted(self.category_codes)) or "chưa khai báo categories"
            self.problem(parts + ["category"], f"hạng mục “{category}” không có trong categories ({known})")
        if not item and self.kind == "score" and kind == "score" and category is None:
            self.problem(parts + ["category"], "bộ chấm điểm: mỗi tiêu chí score cần category")
        max_points = self.points(raw.get("max_points"), parts + ["max_points"])
        minimum = self.points(raw.get("minimum"), parts + ["minimum"])
        if kind == "score" and not max_points:
            self.problem(parts + ["max_points"], "tiêu chí chấm điểm (score) cần max_points")
        if kind != "score":
            for key in ("max_points", "minimum"):
                if key in raw:
                    self.problem(parts + [key], f"{key} chỉ dùng cho tiêu chí chấm điểm (score)")
        for level in set(minimum) | set(max_points):
            if level != "default" and level not in self.levels:
                self.problem(parts + ["max_points" if level in max_points else "minimum", level],
                             f"cấp {level} không thuộc levels của bộ chỉ tiêu")
        for level, low in minimum.items():
            top = max_points.get(level, max_points.get("default"))
            if top is not None and low > top:
                self.problem(parts + ["minimum"], f"điểm tối thiểu ({level}) lớn hơn điểm tối đa")
        scoring = None
        if "scoring" in raw and not item:
            if kind != "score":
                self.problem(parts + ["scoring"], f"scoring chỉ dùng cho tiêu chí chấm điểm (score), chỉ tiêu này là {kind}")
            else:
                scoring = self.scoring(raw["scoring"], parts + ["scoring"], max_points)

        return Indicator(
            code=code,
            name=raw["name"],
            kind=kind,
            levels=levels,
            targets=targets,
            items=items,
            required_items=required_items,
            rules=self.rules(raw.get("rules"), parts + ["rules"]),
            applies_if={k: tuple(v) if isinstance(v, list) else v for k, v in (raw.get("applies_if") or {}).items()},
            alias=alias,
            description=raw.get("description", ""),
            unit_label=raw.get("unit_label", ""),
            lead=raw.get("lead", ""),
            evidence_required=bool(raw.get("evidence_required", False)),
            input_labels=labels,
            sources=sources,
            category=category,
            max_points=max_points,
            minimum_points=minimum,
            scoring=scoring,
        )

    # -- computed points

    _SCORING_KEYS = {
        "points_by_bands": ("bands",),
        "ratio_capped": ("threshold",),
        "all_or_nothing": ("target",),
        "relative_to_average": ("base", "step", "step_points"),
        "relative_to_reference": ("reference", "base", "step", "step_points"),
    }

    def scoring(self, raw: dict[str, Any], parts: list[Any], max_points: Mapping[str, Fraction]) -> Scoring | None:
        """A ``scoring`` block: its method's keys present, no other method's keys, points within ``max_points``."""
        method = raw["method"]
        source = raw.get("input", "value")
        needed = self._SCORING_KEYS[method]
        allowed = {"method", "input", *needed}
        if method.startswith("relative_"):
            allowed.add("increments")
        if method == "relative_to_average":
            allowed |= {"group_by", "average"}
        before = len(self.problems)
        for key in needed:
            if key not in raw:
                self.problem(parts + [key], f"cách tính {method} cần “{key}”")
        for key in raw:
            if key not in allowed:
                self.problem(parts + [key], f"“{key}” không dùng với cách tính {method}")
        if raw.get("average") == "pooled" and source != "ratio":
            self.problem(parts + ["average"], "average: pooled (tổng tử số ÷ tổng mẫu số) chỉ dùng khi input: ratio")
        target_raw = raw.get("target")
        boolean = isinstance(target_raw, dict) and isinstance(target_raw.get("value"), bool)
        if boolean and source == "ratio":
            self.problem(parts + ["target"], "mục tiêu Có/Không không dùng với input: ratio")
        if isinstance(target_raw, dict):
            for key in ("level", "attributes", "year_from", "year_to"):
                if key in target_raw:
                    self.problem(parts + ["target", key],
                                 "mục tiêu của cách tính điểm không có điều kiện; dùng levels hoặc applies_if của chỉ tiêu")
        if len(self.problems) > before:
            return None

        written = [raw.get(k) for k in ("threshold", "reference", "step")]
        written += [b["min"] for b in raw.get("bands") or []]
        if isinstance(target_raw, str):
            written.append(target_raw)
        elif isinstance(target_raw, dict):
            written += [target_raw.get(k) for k in ("value", "min", "max")]
        percent = source == "ratio" or any(isinstance(w, str) and "%" in w for w in written)
        kind = "ratio" if percent else "number"
        tops = [v for v in max_points.values()]

        def points(key: str, value: Any, where: list[Any]) -> Fraction:
            got = Fraction(str(value))
            over = [t for t in tops if got > t]
            if over:
                self.problem(where, f"{key} ({value}) lớn hơn điểm tối đa ({min(over)})")
            return got

        def quantity(key: str) -> Fraction | None:
            return self.quantity(raw[key], parts + [key], kind) if key in raw else None

        bands: list[PointBand] = []
        for i, band in enumerate(raw.get("bands") or []):
            low = self.quantity(band["min"], parts + ["bands", i, "min"], kind)
            if low is None:
                continue
            if bands and low >= bands[-1].minimum:
                self.problem(parts + ["bands", i, "min"], "các mức phải xếp từ cao xuống thấp: min giảm dần")
            bands.append(PointBand(low, points("points", band["points"], parts + ["bands", i, "points"])))
        threshold, step, reference = quantity("threshold"), quantity("step"), quantity("reference")
        if threshold is not None and threshold <= 0:
            self.problem(parts + ["threshold"], "ngưỡng phải lớn hơn 0")
        if step is not None and step <= 0:
            self.problem(parts + ["step"], "bước phải lớn hơn 0")
        target = None
        if target_raw is not None:
            target = self.target(target_raw, parts + ["target"], "boolean" if boolean else kind)
        return Scoring(
            method=method,
            input=source,
            percent=percent,
            bands=tuple(bands),
            threshold=threshold,
            target=target,
            base=points("base", raw["base"], parts + ["base"]) if "base" in raw else None,
            step=step,
            step_points=Fraction(str(raw["step_points"])) if "step_points" in raw else None,
            reference=reference,
            increments=raw.get("increments", "pro_rata"),
            group_by=tuple(raw.get("group_by") or ()),
            average=raw.get("average", "mean"),
        )

    # -- framework

    def categories(self) -> tuple[Category, ...]:
        out: list[Category] = []
        for i, raw in enumerate(self.data.get("categories") or []):
            parts: list[Any] = ["categories", i]
            if raw["code"] in self.category_codes:
                self.problem(parts + ["code"], f"mã hạng mục “{raw['code']}” bị trùng")
            self.category_codes.add(raw["code"])
            bands: list[Band] = []
            for j, band in enumerate(raw.get("bands") or []):
                share = self.quantity(band["min_share"], parts + ["bands", j, "min_share"], "ratio")
                if share is None:
                    continue
                if bands and share >= bands[-1].min_share:
                    self.problem(parts + ["bands", j, "min_share"],
                                 f"các mức phải xếp từ cao xuống thấp: “{band['label']}” cần min_share nhỏ hơn “{bands[-1].label}”")
                bands.append(Band(label=band["label"], min_share=share))
            out.append(Category(code=raw["code"], name=raw["name"], bands=tuple(bands)))
        if self.kind == "score" and not out:
            self.problem(["categories"], "bộ chấm điểm (kind: score) cần ít nhất một hạng mục")
        return tuple(out)

    def build(self) -> Framework:
        d = self.data
        categories = self.categories()

        indicators: list[Indicator] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(d["indicators"]):
            if raw["code"] in seen:
                self.problem(["indicators", i, "code"],
                             f"mã chỉ tiêu “{raw['code']}” bị trùng với indicators[{seen[raw['code']]}]")
            else:
                seen[raw["code"]] = i
            indicators.append(self.indicator(raw, ["indicators", i]))

        rules = self.rules(d.get("rules"), ["rules"])
        for i, r in enumerate(d.get("rules") or []):
            for j, c in enumerate(r.get("applies_to") or []):
                if c not in seen:
                    self.problem(["rules", i, "applies_to", j], f"không có chỉ tiêu mã “{c}”")

        scope_raw = d.get("scope") or {}
        scope = Scope(
            levels=tuple(scope_raw.get("levels", self.levels)),
            assesses=scope_raw.get("assesses", "agencies"),
            kinds=tuple(scope_raw.get("kinds", ())),
        )
        for level in scope.levels:
            if level not in self.levels:
                self.problem(["scope", "levels"], f"cấp {level} không thuộc levels của bộ chỉ tiêu ({', '.join(self.levels)})")

        legal = d["legal_basis"]
        effective = d.get("effective") or {}
        eff_from = self.date(effective.get("from"), ["effective", "from"])
        eff_to = self.date(effective.get("to"), ["effective", "to"])
        if eff_from and eff_to and eff_from > eff_to:
            self.problem(["effective"], "ngày hiệu lực “from” sau ngày “to”")

        return Framework(
            code=d["code"],
            version=str(d["version"]),
            title=d["title"],
            kind=self.kind,
            legal_basis=LegalBasis(
                number=legal["number"],
                date=self.date(legal.get("date"), ["legal_basis", "date"]),
                issuer=legal["issuer"],
                title=legal.get("title", ""),
            ),
            levels=self.levels,
            scope=scope,
            indicators=tuple(indicators),
            effective_from=eff_from,
            effective_to=eff_to,
            description=d.get("description", ""),
            categories=categories,
            rules=rules,
            decimals=(d.get("display") or {}).get("decimals", 2),
            completion_target=self.target_rules(d.get("completion_target"), ["completion_target"], "ratio"),
        )


def _unknown_input(key: str, kind: str) -> str:
    valid = ", ".join(KIND_INPUTS[kind]) or "không có (composite nhập ở mục con)"
    return f"chỉ tiêu loại {kind} không có đầu vào “{key}” (các đầu vào: {valid})"


# ---------------------------------------------------------------- public API


def parse_framework_text(text: str, filename: str | Path = "framework.yaml") -> Framework:
    """Parse one framework YAML document; raise ``FrameworkError`` listing every problem."""
    name = _display_name(filename)
    data, root = _read_yaml(text, name)
    problems = _schema_problems(data, name, root)
    if problems:
        raise FrameworkError(problems)
    builder = _Builder(data, name, root)
    framework = builder.build()
    if builder.problems:
        raise FrameworkError(sorted(builder.problems, key=lambda p: (p.line or 0, p.path)))
    return framework


def read_framework_text(path: str | Path) -> str:
    """The text of a framework file; unreadable or non-UTF-8 files are ``FrameworkError``s."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FrameworkError([Problem(path.name, "", "tệp không phải UTF-8; hãy lưu lại với mã hoá UTF-8")]) from exc
    except OSError as exc:
        raise FrameworkError([Problem(path.name, "", f"không đọc được tệp: {exc.strerror or exc}")]) from exc


def load_framework_file(path: str | Path) -> Framework:
    """Parse a framework file; problems name the file by its base name."""
    path = Path(path)
    return parse_framework_text(read_framework_text(path), path.name)


def library_paths() -> list[Path]:
    """The bundled framework files, sorted by name."""
    return sorted(LIBRARY_DIR.glob("*.yaml"))


def framework_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, with directories expanded to their ``*.yaml``/``*.yml`` files."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]))
        else:
            out.append(p)
    return out


def describe_problems(problems: Iterable[Problem]) -> Mapping[str, list[str]]:
    """Problems grouped by file, for pages that show one box per file."""
    grouped: dict[str, list[str]] = {}
    for p in problems:
        grouped.setdefault(p.file, []).append(str(p))
    return grouped
