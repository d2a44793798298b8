"""Admin for reported values, with their change history (simple-history)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Value


@admin.register(Value)
class ValueAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "period", "element", "number", "text_short", "source", "framework",
                    "updated_at", "updated_by")
    list_filter = ("framework", "period", "source")
    search_fields = ("unit__code", "unit__name", "element", "period")
    list_select_related = ("unit", "framework", "updated_by")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("updated_by",)
    readonly_fields = ("updated_at",)
    ordering = ("framework", "period", "unit__path", "element")
    list_per_page = 200

    @admin.display(description="văn bản")
    def text_short(self, obj: Value) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:57] + "…"
