"""A huge figure typed into the form or an import is refused with a message, never a 500."""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse

from chiso.assessments.importer import import_values
from chiso.assessments.models import Value
from chiso.assessments.tests.import_fixtures import spec_framework
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for
from chiso.tabular import ImportError_


def test_the_entry_form_refuses_a_number_of_5000_digits_and_one_of_10_to_the_30(world, own_submission):
    client = client_for(world.reporter)
    for typed in ("9" * 5000, "1" + "0" * 30):
        response = client.post(reverse("assessments:submission", args=[own_submission.pk]), {
            "version": str(own_submission.version), "v-1.numerator": typed,
            "v-1.denominator": "100", "action": "save"})
        assert response.status_code == 400
        assert "quá lớn" in html.unescape(response.content.decode())
    # "Lưu nháp" keeps every valid cell and marks the invalid one: the huge figure is never stored
    assert not Value.objects.filter(element="1.numerator").exists()
    assert list(Value.objects.values_list("element", "number")) == [("1.denominator", 100)]


def test_an_import_row_with_10_to_the_30_is_an_import_error(world, monkeypatch):
    spec_framework(monkeypatch)
    data = ("unit,period,element,value\nAG-STTTT,2025-01,2.numerator," + "1" + "0" * 30 + "\n").encode()
    with pytest.raises(ImportError_) as caught:
        import_values(io.BytesIO(data), "mau-nhap", filename="lon.csv")
    [problem] = caught.value.problems
    assert problem.row == 2 and "quá lớn" in problem.message
    assert Value.objects.count() == 0
