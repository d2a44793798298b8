"""Admin for units: a tree-ordered list (by materialised path) with search and filters."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitLineage


class ChildInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    fields = ("code", "name", "level", "kind", "active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("đơn vị trực thuộc")
    verbose_name_plural = _("đơn vị trực thuộc")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LineageInline(admin.TabularInline):
    model = UnitLineage
    fk_name = "predecessor"
    autocomplete_fields = ("successor",)
    extra = 0
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("đơn vị kế thừa")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    # Ordering by path lists every unit right under its parent: a tree without a plugin.
    list_display = ("tree_name", "code", "level", "kind", "parent", "active", "valid_from", "valid_to")
    list_display_links = ("tree_name",)
    list_filter = ("level", "kind", "active")
    search_fields = ("code", "name", "kind")
    ordering = ("path",)
    list_select_related = ("parent",)
    list_per_page = 200
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    fields = ("code", "name", "level", "kind", "parent", "attributes", "valid_from", "valid_to",
              "active", "path", "created_at", "updated_at")
    inlines = (ChildInline, LineageInline)

    @admin.display(description=_("tên"), ordering="path")
    def tree_name(self, obj: Unit) -> str:
        return f"{'— ' * max(obj.depth, 0)}{obj.name}"


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective", "share")
    list_filter = ("kind",)
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    autocomplete_fields = ("predecessor", "successor")
