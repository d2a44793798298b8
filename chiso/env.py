"""Typed environment helpers that fail loudly (settings come from the environment)."""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"Thiếu biến môi trường {name}")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r}: cần true/false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r}: cần một số nguyên") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_secret(name: str, default_file: str | os.PathLike | None = None) -> str | None:
    """A secret from ``NAME``, else from the file named by ``NAME_FILE`` (systemd credentials,
    Docker secrets), else from ``default_file`` when it exists; None when none is set.

    A ``NAME_FILE`` that cannot be read fails loudly: a typo must not fall back to no secret.
    """
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path!r}: không đọc được ({exc.strerror or exc})") from exc
    if default_file is not None and os.path.isfile(default_file):
        with open(default_file, encoding="utf-8") as fh:
            return fh.read().strip() or None
    return None


# Keys published in documentation, examples or this repository: never a production key.
KNOWN_DEFAULT_KEYS = frozenset({
    "changeme", "change-me", "change_me", "secret", "secret-key", "secret_key", "x", "xxx",
    "django-insecure", "insecure", "dev", "development", "test", "password",
    "chiso-dev-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz",
})
MIN_SECRET_KEY_LENGTH = 50


def weak_secret_key(key: str | None) -> str | None:
    """Why ``key`` must not sign production sessions (Vietnamese), or None when it is fit.

    Mirrors Django's own deploy check (length, variety, ``django-insecure-``) and adds the
    spellings people paste from examples, so a weak key stops the process instead of a warning.
    """
    if not key:
        return "chưa đặt SECRET_KEY"
    if key.lower() in KNOWN_DEFAULT_KEYS or key.startswith("django-insecure-"):
        return "SECRET_KEY là khoá mặc định/khoá mẫu đã công bố"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY quá ngắn ({len(key)} ký tự, cần ít nhất {MIN_SECRET_KEY_LENGTH})"
    if len(set(key)) < 5:
        return "SECRET_KEY quá ít ký tự khác nhau"
    return None
