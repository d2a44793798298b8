"""requirements.lock pins every dependency pyproject.toml declares (regenerate with `make lock`)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_pinned_in_the_lock_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pins = dict(line.split("==", 1) for line in (ROOT / "requirements.lock").read_text().splitlines()
                if "==" in line and not line.startswith((" ", "#")))
    pinned = {name.lower().replace("_", "-") for name in pins}
    missing = declared - pinned
    assert not missing, f"chưa có trong requirements.lock (chạy make lock): {sorted(missing)}"
    assert "argon2-cffi" in pinned  # from Django[argon2]
