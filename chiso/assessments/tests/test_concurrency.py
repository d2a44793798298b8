"""Two people editing one submission never silently overwrite each other (optimistic locking)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.accounts.models import ROLE_REPORTER
from chiso.assessments.models import Submission, Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.workflow import ConflictError, ValueChange, save_values
from chiso.conftest import client_for, make_user


@pytest.fixture
def colleague(world):
    """A second reporter of the same commune (the clerk and their deputy)."""
    return make_user("rep_pl_2", ROLE_REPORTER, [world.commune_a], first_name="Nguyễn Thị Lan")


def post(client, sub, version, **values):
    data = {"version": str(version), "action": "save"}
    data.update({f"v-{k.replace('_', '.')}": v for k, v in values.items()})
    return client.post(reverse("assessments:submission", args=[sub.pk]), data)


def test_the_second_save_from_a_stale_form_is_refused_with_who_what_and_when(world, own_submission, colleague):
    loaded_version = own_submission.version  # both open the form now
    first, second = client_for(colleague), client_for(world.reporter)
    assert post(first, own_submission, loaded_version, **{"1_numerator": "54.919", "1_denominator": "58.669"}
                ).status_code == 302
    r = post(second, own_submission, loaded_version, **{"1_numerator": "50.000", "1_denominator": "60.000"})
    assert r.status_code == 409
    page = html.unescape(r.content.decode())
    conflict = page[page.index('id="conflict"'):page.index("</div>", page.index('id="conflict"'))]
    assert "Nguyễn Thị Lan đã lưu báo cáo này lúc" in conflict
    assert "1 — Tử số: Số hồ sơ trực tuyến: — → 54.919" in conflict
    assert "CHƯA được lưu" in conflict
    # The refused user's typed figures are still in the form, with the new version to save them knowingly.
    assert 'value="50.000"' in page and 'value="60.000"' in page
    own_submission.refresh_from_db()
    assert f'name="version" value="{own_submission.version}"' in page
    # Nothing of the second save reached the database.
    assert Value.objects.get(element="1.numerator").number == Decimal(54919)
    assert Value.objects.get(element="1.numerator").updated_by == colleague
    # Saving again from the refreshed form (new version) is a deliberate overwrite and succeeds.
    assert post(second, own_submission, own_submission.version,
                **{"1_numerator": "50.000", "1_denominator": "60.000"}).status_code == 302
    assert Value.objects.get(element="1.numerator").number == Decimal(50000)


def test_save_values_with_a_stale_version_writes_nothing(world, own_submission, colleague):
    v = own_submission.version
    save_values(own_submission, colleague, [ValueChange("2.value", number=Decimal(1), label="2")], v)
    stale = Submission.objects.get(pk=own_submission.pk)
    stale.version = v
    with pytest.raises(ConflictError) as exc:
        save_values(stale, world.reporter, [ValueChange("2.value", number=Decimal(0), label="2"),
                                            ValueChange("3.numerator", number=Decimal(7), label="3")], v)
    assert "Nguyễn Thị Lan" in exc.value.message
    assert exc.value.current.version == v + 1
    assert Value.objects.get(element="2.value").number == 1
    assert not Value.objects.filter(element="3.numerator").exists()


def test_a_status_change_meanwhile_also_refuses_a_stale_save(world, own_submission):
    """The reviewer returned it / the reporter submitted it from another tab: the old tab cannot save."""
    from chiso.assessments.models import STATUS_RETURNED

    v = own_submission.version
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_RETURNED, version=v + 1)
    own_submission.refresh_from_db()
    with pytest.raises(ConflictError):
        save_values(own_submission, world.reporter, [ValueChange("2.value", number=Decimal(1))], v)
