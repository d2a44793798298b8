"""A framework file cannot make the loader expand without bound (YAML alias bomb, huge files)."""

from __future__ import annotations

import pytest

from chiso.frameworks.loader import LIBRARY_DIR, FrameworkError, parse_framework_text

LOL = ",".join(['"lol"'] * 9)
BILLION_LAUGHS = "\n".join(
    [f"a: &a [{LOL}]"]
    + [f"{b}: &{b} [{','.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
)


def test_an_alias_bomb_is_refused_at_its_first_alias():
    assert len(BILLION_LAUGHS.encode()) < 400
    with pytest.raises(FrameworkError) as caught:
        parse_framework_text(BILLION_LAUGHS, "bom.yaml")
    [problem] = caught.value.problems
    assert problem.line == 2 and problem.column == 8  # the first "*a"
    assert "không dùng bí danh YAML" in str(problem) and "bom.yaml" in str(problem)


def test_an_oversized_file_is_refused_before_parsing():
    with pytest.raises(FrameworkError, match="tệp quá lớn"):
        parse_framework_text("code: x\n" + "# đệm\n" * 400_000, "lon.yaml")


def test_the_bundled_frameworks_use_no_alias():
    for path in sorted(LIBRARY_DIR.glob("*.yaml")):
        parse_framework_text(path.read_text(encoding="utf-8"), path.name)
