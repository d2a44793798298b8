"""Administration defaults that protect: no preselected role, rounds with a real deadline and a
period the framework covers, offline forms that list only what applies to the unit."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.accounts.models import ROLE_CHOICES
from chiso.assessments.forms import RoundForm
from chiso.assessments.models import Submission
from chiso.assessments.offline import COL_ELEMENT, HEADER_ROW, build_workbook
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.workflow import open_round
from chiso.conftest import client_for


def test_a_new_user_has_no_role_chosen_for_them(world):
    page = html.unescape(client_for(world.admin).get(reverse("accounts:user_create")).content.decode())
    select = page[page.index('name="role"'):]
    select = select[:select.index("</select>")]
    assert '<option value="" selected>— Chọn vai trò —</option>' in select
    assert select.count(" selected") == 1
    assert all(f'value="{code}"' in select for code, _label in ROLE_CHOICES)
    r = client_for(world.admin).post(reverse("accounts:user_create"), {
        "username": "moi.xa", "full_name": "Người Mới", "scopes": [world.commune_a.pk],
        "password1": "Mat-Khau-Dai-2026", "password2": "Mat-Khau-Dai-2026"})
    assert r.status_code == 200
    assert "Hãy chọn vai trò cho tài khoản." in html.unescape(r.content.decode())


def round_form(framework, period: str, deadline: date) -> RoundForm:
    return RoundForm({"framework": framework.pk, "period": period, "deadline": deadline.isoformat()})


def test_a_round_needs_a_deadline_after_today(world, test_framework):
    today = timezone.localdate()
    for deadline in (date(2020, 1, 31), today):
        form = round_form(test_framework, "2025", deadline)
        assert not form.is_valid()
        assert form.errors["deadline"] == [f"Hạn nộp phải sau hôm nay ({today:%d/%m/%Y})."]
    assert round_form(test_framework, "2025", today + timedelta(days=1)).is_valid()


def test_a_round_period_must_be_within_the_frameworks_validity(world, test_framework):
    test_framework.effective_from, test_framework.effective_to = date(2021, 1, 1), date(2025, 12, 31)
    test_framework.save()
    deadline = timezone.localdate() + timedelta(days=10)
    form = round_form(test_framework, "2026-Q1", deadline)
    assert not form.is_valid()
    assert form.errors["period"] == [
        "Kỳ Quý I/2026 (01/01/2026 – 31/03/2026) nằm ngoài thời gian hiệu lực của bộ chỉ tiêu này "
        "(01/01/2021 – 31/12/2025). Hãy chọn kỳ khác hoặc phiên bản bộ chỉ tiêu khác."]
    assert not round_form(test_framework, "2020", deadline).is_valid()
    assert round_form(test_framework, "2025", deadline).is_valid()
    assert round_form(test_framework, "2021-01", deadline).is_valid()


def elements_of(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data)).active
    return [ws.cell(r, COL_ELEMENT).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]


def test_the_offline_form_lists_only_the_criteria_that_apply_to_the_unit(world, test_framework, own_submission):
    # Criterion 4 applies to communes only: the commune's form has its rows, the district's has none.
    assert "4.a.numerator" in elements_of(build_workbook(own_submission))
    rnd = open_round(test_framework, "2025", timezone.localdate() + timedelta(days=10), world.admin,
                     root_unit=world.district, level="district")
    district = Submission.objects.get(round=rnd, unit=world.district)
    elements = elements_of(build_workbook(district))
    assert not [e for e in elements if e.startswith("4.")]
    assert elements[:2] == ["1.numerator", "1.denominator"] and "3.numerator" in elements
    assert "5.value" in elements  # a narrative-only criterion has no verdict but still applies
