"""The entry form copies its template's fields with ``_shallow``: the same as ``copy.copy`` for them.

``_shallow`` skips ``copy.copy``'s ``__reduce_ex__`` round (a deadline-day save copies a field, a widget
and a row per cell). It is right only for classes that do not customise shallow copying; a library
upgrade that adds ``__copy__``, ``__reduce_ex__``, ``__getstate__`` or ``__slots__`` to one of them
fails here, not silently in a form.
"""

from __future__ import annotations

import copy
import copyreg

import pytest
from django import forms

from chiso.assessments.forms import (
    CountField,
    DirectTextarea,
    DirectTextInput,
    InputRow,
    NumberField,
    YesNoField,
    _fresh,
    _shallow,
)

CUSTOM_COPYING = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__slots__",
                  "__new__", "__getnewargs__", "__getnewargs_ex__")


def template_objects() -> list[object]:
    """One of each field, widget and row the form template makes (``_form_template``)."""
    fields = [CountField(required=False, widget=DirectTextInput), NumberField(required=False, widget=DirectTextInput),
              YesNoField(required=False), forms.CharField(required=False, widget=DirectTextarea(attrs={"rows": 3}))]
    row = InputRow(element="1.numerator", label="Tử số", kind="count", name="v-1.numerator")
    return [*fields, *(f.widget for f in fields), row]


@pytest.mark.parametrize("obj", template_objects(), ids=lambda o: type(o).__name__)
def test_no_class_of_the_template_customises_shallow_copying(obj):
    for cls in type(obj).__mro__[:-1]:  # all but ``object``
        assert not set(CUSTOM_COPYING) & set(vars(cls)), f"{cls.__qualname__} tự định nghĩa cách sao chép"
        assert cls not in copyreg.dispatch_table, f"{cls.__qualname__} có cách sao chép đăng ký trong copyreg"


@pytest.mark.parametrize("obj", template_objects(), ids=lambda o: type(o).__name__)
def test_shallow_gives_what_copy_copy_gives(obj):
    ours, theirs = _shallow(obj), copy.copy(obj)
    assert type(ours) is type(theirs) is type(obj) and ours is not obj
    assert ours.__dict__ == theirs.__dict__
    assert all(ours.__dict__[k] is v for k, v in theirs.__dict__.items())  # shallow: the same values


def test_a_fresh_field_changes_nothing_of_its_template():
    template = YesNoField(required=False)
    template.widget.attrs["aria-describedby"] = "msg-1"
    field = _fresh(template)
    field.initial = "yes"
    field.widget.attrs["class"] = "loi"
    field.widget.choices.append(("x", "x"))
    assert template.initial is None and template.widget.attrs == {"aria-describedby": "msg-1"}
    assert ("x", "x") not in template.widget.choices
    assert field.widget is not template.widget and field.validators is template.validators
