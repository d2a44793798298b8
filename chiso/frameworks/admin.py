"""Admin for frameworks: a read-only view of each loaded version and its indicators.

Frameworks are data loaded from YAML (``chiso load_frameworks`` or the upload
page), never edited field by field here: a version with values must stay as
it was when the figures were checked against it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from chiso.engine.model import Indicator
from chiso.engine.targets import describe_target
from chiso.results.vocabulary import level_words

from .models import Framework


def _target_text(ind: Indicator) -> str:
    parts = []
    for rule in ind.targets:
        text = describe_target(rule.target, ind.kind)
        conditions = []
        if rule.level:
            conditions.append(level_words(rule.level))
        conditions.extend(f"{k} = {v}" for k, v in rule.attributes.items())
        if rule.year_from or rule.year_to:
            conditions.append(f"năm {rule.year_from or '…'}–{rule.year_to or '…'}")
        parts.append(f"{text} ({', '.join(conditions)})" if conditions else text)
    return "; ".join(parts)


def _rows(indicators, prefix: str = "") -> list[tuple[str, str, str, str, str]]:
    rows = []
    for ind in indicators:
        code = f"{prefix}{ind.code}"
        levels = ", ".join(level_words(lv) for lv in ind.levels) if ind.levels else "mọi cấp"
        rows.append((code, ind.name, ind.kind, levels, _target_text(ind)))
        if ind.items:
            rows.extend(_rows(ind.items, f"{code}."))
    return rows


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title", "kind", "legal_number", "legal_date", "effective_from",
                    "effective_to", "loaded_at")
    list_filter = ("kind", "code")
    search_fields = ("code", "title", "legal_number", "issuer")
    ordering = ("code", "-effective_from", "version")
    fields = ("code", "version", "title", "kind", "legal_number", "legal_date", "issuer", "effective_from",
              "effective_to", "source_name", "checksum", "loaded_at", "indicator_table", "yaml")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # loaded from YAML, so the schema and the semantic checks always run

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return False

    @admin.display(description=_("chỉ tiêu"))
    def indicator_table(self, obj: Framework) -> str:
        try:
            spec = obj.spec()
        except ValueError as exc:  # a stored file that no longer parses: show why
            return format_html("<pre>{}</pre>", str(exc))
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", _rows(spec.indicators)
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Mã"), _("Chỉ tiêu"), _("Loại"), _("Cấp áp dụng"), _("Mục tiêu"), body,
        )

    @admin.display(description=_("tệp YAML"))
    def yaml(self, obj: Framework) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', obj.source_yaml)
