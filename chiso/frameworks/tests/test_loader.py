"""The loader turns methodologists' YAML into engine dataclasses, or says exactly what is wrong."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chiso.frameworks.loader import (
    FrameworkError,
    Problem,
    framework_paths,
    load_framework_file,
    parse_framework_text,
    read_document,
)

BROKEN = Path(__file__).with_name("broken")

MINIMAL = """
code: mini
version: "1"
title: Bộ nhỏ
legal_basis: {number: 1/QĐ-UBND, date: 07/03/2019, issuer: UBND tỉnh}
levels: [province, district, commune]
indicators:
@INDICATORS@
"""


def parse(indicators: str, **top: str) -> object:
    text = MINIMAL.replace("@INDICATORS@", indicators)
    for key, value in top.items():
        text += f"{key}: {value}\n"
    return parse_framework_text(text, "mini.yaml")


# file → (path in the document, words the message must contain)
CORPUS = {
    "bad-op.yaml": ("indicators[1].target.op", 'cần một trong >=, >, <=, <, =, range (gặp "=>")'),
    "unknown-key.yaml": ("indicators[0].taget", "khoá không hợp lệ “taget” (có phải “target”?)"),
    "duplicate-code.yaml": ("indicators[2].code", "“8.1” bị trùng với indicators[0]"),
    "missing-name.yaml": ("indicators[1].name", "thiếu (bắt buộc phải có)"),
    "bad-cel.yaml": ("indicators[0].rules[1].expr", "biểu thức CEL không hợp lệ"),
    "ratio-above-one.yaml": ("indicators[0].target.value", "tỷ lệ phải nằm trong [0, 1]"),
    "unknown-category.yaml": ("indicators[0].category", "hạng mục “ha-tang” không có trong categories"),
    "bad-required-items.yaml": ("indicators[0].required_items[1]", "mục con “c” không có trong items"),
    "bad-source-input.yaml": ("indicators[0].sources.value", "không có đầu vào “value”"),
    "bad-source-metric.yaml": ("indicators[0].sources.denominator", "dossiers.<tên> hoặc documents.<tên>"),
    "code-as-number.yaml": ("indicators[0].code", 'hãy viết trong ngoặc kép, ví dụ "8.4"'),
    "dead-target-rule.yaml": ("indicators[0].target[1]", "không bao giờ được dùng"),
}


@pytest.mark.parametrize("filename", sorted(CORPUS))
def test_each_broken_file_names_file_path_and_problem(filename: str) -> None:
    path, words = CORPUS[filename]
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(BROKEN / filename)
    text = str(caught.value)
    assert f"{filename}: {path}: " in text
    assert words in text
    assert all(isinstance(p, Problem) and p.file == filename for p in caught.value.problems)
    assert isinstance(caught.value, ValueError)


def test_the_corpus_is_all_tested() -> None:
    on_disk = {p.name for p in BROKEN.glob("*.yaml")} - {"bad-syntax.yaml"}
    assert on_disk == set(CORPUS)


def test_yaml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(BROKEN / "bad-syntax.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (9, 10)
    assert str(problem).startswith("bad-syntax.yaml: lỗi cú pháp YAML: ")
    assert str(problem).endswith("(dòng 9, cột 10)")


def test_problem_lines_point_at_the_offending_key() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(BROKEN / "bad-op.yaml")
    [problem] = caught.value.problems
    assert problem.line == 14
    assert str(problem) == (
        'bad-op.yaml: indicators[1].target.op: cần một trong >=, >, <=, <, =, range (gặp "=>") (dòng 14)'
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse(
            """  - {code: "1", name: A, kind: ratio, target: {op: ">=", value: 2}}
  - {code: "1", name: B, kind: boolean}
  - {code: "3", name: C, kind: number}"""
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == ["indicators[0].target.value", "indicators[1].code", "indicators[2].target"]


def test_duplicate_yaml_keys_are_reported_not_silently_overwritten() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse('  - {code: "1", name: A, kind: ratio, target: ">= 50%", target: ">= 60%"}')
    assert caught.value.problems[0].path == "indicators[0].target"
    assert "khoá bị lặp lại" in caught.value.problems[0].message


def test_empty_file_is_an_error() -> None:
    with pytest.raises(FrameworkError, match="tệp rỗng"):
        parse_framework_text("", "rong.yaml")


def test_ratio_targets_accept_percent_strings_fractions_and_floats_exactly() -> None:
    fw = parse(
        """  - {code: "1", name: A, kind: ratio, target: {op: ">=", value: "93,6%"}}
  - {code: "2", name: B, kind: ratio, target: {op: ">=", value: "2/3"}}
  - {code: "3", name: C, kind: ratio, target: {op: ">=", value: 0.1}}
  - {code: "4", name: D, kind: ratio, target: "≥ 50%"}
  - {code: "5", name: E, kind: ratio, target: "30% - 50%"}
  - {code: "6", name: F, kind: ratio, target: "= 100%"}"""
    )
    values = [fw.indicators[i].targets[0].target for i in range(6)]
    assert values[0].value == Fraction(936, 1000)
    assert values[1].value == Fraction(2, 3)
    assert values[2].value == Fraction(1, 10)  # not 0.1000000000000000055…
    assert (values[3].op, values[3].value) == (">=", Fraction(1, 2))
    assert (values[4].op, values[4].minimum, values[4].maximum) == ("range", Fraction(3, 10), Fraction(1, 2))
    assert (values[5].op, values[5].value) == ("=", Fraction(1))


def test_boolean_indicators_default_to_yes() -> None:
    fw = parse('  - {code: "6", name: Có giao diện di động, kind: boolean}')
    [rule] = fw.indicators[0].targets
    assert (rule.target.op, rule.target.value) == ("=", True)


def test_boolean_target_must_be_equal_true_or_false() -> None:
    with pytest.raises(FrameworkError, match=r'indicators\[0\].target: chỉ tiêu có/không'):
        parse('  - {code: "6", name: Có, kind: boolean, target: {op: ">=", value: "50%"}}')


def test_percent_is_refused_for_number_indicators() -> None:
    with pytest.raises(FrameworkError, match="phần trăm chỉ dùng cho chỉ tiêu tỷ lệ"):
        parse('  - {code: "8.1", name: Điểm bưu chính, kind: number, target: {op: ">=", value: "1%"}}')


def test_range_needs_min_and_max_and_no_value() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse('  - {code: "20", name: Họp, kind: ratio, target: {op: range, value: "30%", max: "50%"}}')
    paths = {p.path for p in caught.value.problems}
    assert {"indicators[0].target.min", "indicators[0].target.value"} <= paths


def test_level_and_attribute_and_year_rules_keep_their_conditions() -> None:
    fw = parse(
        """  - code: "8.3"
    name: Ấp có loa
    kind: ratio
    target:
      - {op: ">=", value: "90%", attributes: {terrain: mountain}}
      - {op: ">=", value: "55%", level: commune, year_from: 2023, year_to: 2023}
      - {op: ">=", value: "100%"}"""
    )
    rules = fw.indicators[0].targets
    assert rules[0].attributes == {"terrain": "mountain"}
    assert (rules[1].level, rules[1].year_from, rules[1].year_to) == ("commune", 2023, 2023)
    assert rules[2].target.value == 1


def test_year_from_after_year_to_is_an_error() -> None:
    with pytest.raises(FrameworkError, match="year_from"):
        parse('  - {code: "1", name: A, kind: ratio, target: [{op: ">=", value: "5%", year_from: 2025, year_to: 2023}, ">= 1%"]}')


def test_composite_items_and_element_ids() -> None:
    fw = parse(
        """  - code: "8.4"
    name: Ứng dụng CNTT
    kind: composite
    required_items: [a, c]
    items:
      - {code: a, name: Máy tính, kind: ratio, target: ">= 50%"}
      - {code: b, name: Phần mềm, kind: number, target: {op: ">=", value: 4}}
      - {code: c, name: Hồ sơ trực tuyến, kind: ratio, target: ">= 30%"}
  - {code: "5", name: Cổng TTĐT, kind: boolean}"""
    )
    ind = fw.indicator("8.4")
    assert [i.code for i in ind.items] == ["a", "b", "c"]
    assert ind.required_items == ("a", "c")
    assert fw.element_ids() == [
        "8.4.a.numerator", "8.4.a.denominator", "8.4.b.value",
        "8.4.c.numerator", "8.4.c.denominator", "5.value",
    ]


def test_items_cannot_nest_or_carry_levels() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse(
            """  - code: "8"
    name: X
    kind: composite
    items:
      - {code: a, name: Y, kind: composite, levels: [commune], items: [{code: a, name: Z, kind: boolean}]}"""
        )
    paths = {p.path for p in caught.value.problems}
    assert {"indicators[0].items[0].kind", "indicators[0].items[0].levels"} <= paths


def test_item_codes_are_letters() -> None:
    with pytest.raises(FrameworkError, match=r"items\[0\]\.code: không đúng dạng: mã mục con"):
        parse('  - {code: "8", name: X, kind: composite, items: [{code: "1", name: Y, kind: boolean}]}')


def test_indicator_levels_must_be_framework_levels() -> None:
    text = MINIMAL.replace("levels: [province, district, commune]", "levels: [commune]").replace(
        "@INDICATORS@", '  - {code: "1", name: A, kind: boolean, levels: [province]}'
    )
    with pytest.raises(FrameworkError, match=r"indicators\[0\].levels: cấp province không thuộc"):
        parse_framework_text(text, "mini.yaml")


def test_aliases_are_unique_and_not_reserved() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse(
            """  - {code: "1", name: A, kind: boolean, alias: value}
  - {code: "2", name: B, kind: boolean, alias: b}
  - {code: "3", name: C, kind: boolean, alias: b}"""
        )
    messages = [str(p) for p in caught.value.problems]
    assert any("indicators[0].alias" in m and "dành riêng" in m for m in messages)
    assert any("indicators[2].alias" in m and "đã dùng cho chỉ tiêu 2" in m for m in messages)


def test_framework_rules_compile_and_name_known_indicators() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse(
            '  - {code: "2", name: A, kind: ratio, target: ">= 50%", alias: truc_tuyen}',
            rules='[{expr: "truc_tuyen.numerator <= 10", message: M, applies_to: ["2", "99"]}]',
        )
    [problem] = caught.value.problems
    assert problem.path == "rules[0].applies_to[1]"
    assert "“99”" in problem.message
    fw = parse(
        '  - {code: "2", name: A, kind: ratio, target: ">= 50%", alias: truc_tuyen}',
        rules='[{expr: "truc_tuyen.numerator <= 10", message: M, applies_to: ["2"]}]',
    )
    assert fw.rules[0].applies_to == ("2",)


def test_header_fields_dates_scope_and_completion_target() -> None:
    fw = parse(
        '  - {code: "1", name: A, kind: boolean}',
        effective="{from: 2020-12-23, to: 31/12/2025}",
        scope="{levels: [district, commune], assesses: agencies, kinds: [UBND xã]}",
        completion_target='[{op: ">=", value: "60%", year_to: 2023}, {op: ">=", value: "90%", year_from: 2024}]',
        display="{decimals: 1}",
    )
    assert str(fw.legal_basis.date) == "2019-03-07"
    assert (str(fw.effective_from), str(fw.effective_to)) == ("2020-12-23", "2025-12-31")
    assert fw.scope.levels == ("district", "commune") and fw.scope.kinds == ("UBND xã",)
    assert [r.target.value for r in fw.completion_target] == [Fraction(3, 5), Fraction(9, 10)]
    assert fw.decimals == 1


def test_impossible_dates_are_errors() -> None:
    with pytest.raises(FrameworkError, match=r"effective.to: ngày không tồn tại"):
        parse('  - {code: "1", name: A, kind: boolean}', effective="{to: 2025-02-30}")


def test_scope_defaults_to_agencies_at_every_level() -> None:
    fw = parse('  - {code: "1", name: A, kind: boolean}')
    assert (fw.scope.levels, fw.scope.assesses, fw.kind) == (fw.levels, "agencies", "criteria")


def test_read_document_keeps_dates_as_strings_for_json() -> None:
    doc = read_document(MINIMAL.replace("@INDICATORS@", '  - {code: "1", name: A, kind: boolean}'), "m.yaml")
    assert doc["legal_basis"]["date"] == "07/03/2019"
    assert doc["indicators"][0]["code"] == "1"


def test_framework_paths_expand_directories(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "a.yml").write_text("x", encoding="utf-8")
    (tmp_path / "note.txt").write_text("x", encoding="utf-8")
    single = tmp_path / "c.yaml"
    assert [p.name for p in framework_paths([tmp_path, single])] == ["a.yml", "b.yaml", "c.yaml"]


def test_unreadable_file_is_a_framework_error(tmp_path: Path) -> None:
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("title: Bộ".encode("cp1258", errors="replace") + b"\xff\xfe")
    with pytest.raises(FrameworkError, match="latin.yaml: tệp không phải UTF-8"):
        load_framework_file(bad)
    with pytest.raises(FrameworkError, match="khong-co.yaml: không đọc được tệp"):
        load_framework_file(tmp_path / "khong-co.yaml")


def test_attribute_conditions_may_list_alternatives() -> None:
    fw = parse('  - {code: "1", name: A, kind: ratio, target: [{op: ">=", value: "90%", attributes: {terrain: [mountain, island]}}, "= 100%"]}')
    assert fw.indicators[0].targets[0].attributes == {"terrain": ("mountain", "island")}


def test_the_complete_example_of_the_documentation_loads() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    section = doc.split("## A complete small example", 1)[1]
    example = section.split("```yaml", 1)[1].split("```", 1)[0]
    fw = parse_framework_text(example, "cqdt-xa-mau.yaml")

    def elements(level: str) -> list[str]:
        return [e for ind in fw.indicators if ind.levels is None or level in ind.levels
                for e in fw.element_ids() if e.split(".")[0] == ind.code]

    assert elements("district") == ["1.numerator", "1.denominator", "2.numerator", "2.denominator", "3.value", "5.value"]
    assert elements("commune") == ["1.numerator", "1.denominator", "2.numerator", "2.denominator",
                                   "4.a.value", "4.b.numerator", "4.b.denominator", "5.value"]


def test_every_yaml_snippet_of_the_documentation_is_valid_yaml() -> None:
    import yaml

    doc = (Path(__file__).resolve().parents[3] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    snippets = [block.split("```", 1)[0] for block in doc.split("```yaml")[1:]]
    assert len(snippets) >= 6
    for snippet in snippets:
        yaml.safe_load(snippet)


def test_whole_number_versions_are_read_as_text_but_decimals_must_be_quoted() -> None:
    text = MINIMAL.replace("@INDICATORS@", '  - {code: "1", name: A, kind: boolean}')
    assert parse_framework_text(text.replace('version: "1"', "version: 2025"), "m.yaml").version == "2025"
    with pytest.raises(FrameworkError, match=r'version: cần chuỗi hoặc số nguyên \(gặp 1.1\); hãy viết trong ngoặc kép'):
        parse_framework_text(text.replace('version: "1"', "version: 1.1"), "m.yaml")


def test_schema_is_valid_and_bundled_files_pass_it_as_an_editor_would() -> None:
    import json

    import yaml
    from jsonschema import Draft202012Validator

    from chiso.frameworks.loader import SCHEMA_PATH, library_paths

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for path in library_paths():
        # An editor's YAML reader turns dates into strings for JSON Schema, as BaseLoader does.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        doc = json.loads(json.dumps(doc, default=str))
        assert list(validator.iter_errors(doc)) == [], path.name


@settings(max_examples=60, deadline=None)
@given(whole=st.integers(0, 100), hundredths=st.integers(0, 99), sep=st.sampled_from([",", "."]))
def test_percent_targets_are_exact_in_both_decimal_styles(whole: int, hundredths: int, sep: str) -> None:
    assume(whole * 100 + hundredths <= 10000)
    text = f"{whole}{sep}{hundredths:02d}%"
    fw = parse(f'  - {{code: "1", name: A, kind: ratio, target: {{op: ">=", value: "{text}"}}}}')
    assert fw.indicators[0].targets[0].target.value == Fraction(whole * 100 + hundredths, 10000)


def test_the_loader_is_pure_python_without_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from chiso.frameworks.loader import load_framework_file, library_paths; "
        "[load_framework_file(p) for p in library_paths()]; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.stdout.strip() == "[]"
