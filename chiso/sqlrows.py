"""Model instances from one hand-written SQL join, as ``select_related`` would give them.

The deadline-day save opens its report with the round, framework, unit, parent unit and last
editor attached. Django composes that query anew on every request, and composing it cost several
times what running it did. A :class:`Joined` spells the columns once per model and alias; the
caller writes the ``FROM … WHERE`` part; the values go through the same converters the ORM applies
(dates on SQLite, JSON, decimals), so the instances are the ones the ORM would have built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model


@dataclass(frozen=True)
class Joined:
    """One model's columns in a join, under ``alias``; ``defer``: attribute names left unread."""

    model: type[Model]
    alias: str
    defer: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.model._meta.concrete_fields if f.attname not in self.defer)

    def select(self) -> str:
        qn = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{qn(f.column)}" for f in self.fields)

    def converters(self) -> list[tuple[int, list[Callable], Any]]:
        """The columns that need converting: (position, the database's and the field's converters —
        those the ORM's compiler applies —, the column expression they are given)."""
        # Kept on this thread's connection object: the database's converters are methods of it.
        per_connection = transaction.get_connection().__dict__.setdefault("_chiso_sqlrows_converters", {})
        cached = per_connection.get(self)
        if cached is None:
            cached = []
            for i, f in enumerate(self.fields):
                col = f.get_col(self.alias)
                convs = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
                if convs:
                    cached.append((i, convs, col))
            per_connection[self] = cached
        return cached

    def build(self, values: Sequence[Any]) -> Model | None:
        """The instance for this part of a row; None when an outer join found nothing."""
        if values[self._pk_index] is None:
            return None
        values = list(values)
        for i, convs, col in self.converters():
            value = values[i]
            for conv in convs:
                value = conv(value, col, connection)
            values[i] = value
        return self.model.from_db(connection.alias, self._attnames, values)

    @cached_property
    def _attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    @cached_property
    def _pk_index(self) -> int:
        return next(i for i, f in enumerate(self.fields) if f.primary_key)



def fetch_joined(parts: Sequence[Joined], from_where: str, params: Sequence[Any],
                 extra: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    """``SELECT <every part's columns>[, <extra expressions>] <from_where>``: one tuple per row, of the
    parts' instances in ``parts`` order followed by the extra expressions' raw values."""
    sql = f"SELECT {', '.join([*(p.select() for p in parts), *extra])} {from_where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    out = []
    for row in rows:
        start, built = 0, []
        for part in parts:
            end = start + len(part.fields)
            built.append(part.build(row[start:end]))
            start = end
        out.append((*built, *row[start:]))
    return out
