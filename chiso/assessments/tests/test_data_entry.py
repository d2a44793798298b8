"""The entry form: targets for this unit, engine verdicts as one types, save draft, submit, overrides."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.assessments.models import (
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    Submission,
    SubmissionEvent,
    Value,
)
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, add_evidence, put_values
from chiso.conftest import client_for


def form_data(sub: Submission, **values: str) -> dict[str, str]:
    """A POST body: ``v_1_numerator="54.919"`` → ``v-1.numerator``."""
    data = {"version": str(sub.version)}
    for key, value in values.items():
        prefix, _sep, element = key.partition("_")
        if prefix in ("v", "r"):
            data[f"{prefix}-{element.replace('_', '.')}"] = value
        else:
            data[key] = value
    return data


def text_of(response) -> str:
    """The page as text with entities decoded (quotes arrive as &quot;)."""
    return html.unescape(response.content.decode())


def url(sub: Submission, name: str = "assessments:submission") -> str:
    return reverse(name, args=[sub.pk])


def test_my_work_lists_the_reporters_open_submission_with_deadline_and_days_left(world, own_submission,
                                                                                   other_submission):
    page = client_for(world.reporter).get(reverse("assessments:my_work")).content.decode()
    assert "UBND xã Phú Lâm" in page
    assert "UBND thị trấn Phú Mỹ" not in page  # another reporter's commune
    assert own_submission.round.deadline.strftime("%d/%m/%Y") in page
    assert "còn 10 ngày" in page
    assert url(own_submission) in page


def test_the_form_shows_the_target_that_applies_to_this_unit(world, own_submission):
    page = client_for(world.reporter).get(url(own_submission)).content.decode()
    # Criterion 3 has 90% / 80% / 65% by level: a commune sees 65% only.
    block = page[page.index('id="ind-3"'):page.index('id="ind-4"')]
    assert "≥ 65%" in block and "≥ 90%" not in block and "≥ 80%" not in block
    assert "Tử số: Số hồ sơ xử lý trên mạng" in block
    assert "≥ 50%" in page and "≥ 4" in page  # 1 and 4.b
    assert "Nội dung thực hiện" in page
    assert 'name="v-1.numerator"' in page and 'name="v-2.value"' in page
    assert "Minh chứng" in page and "bắt buộc" in page


def test_an_agency_does_not_get_the_commune_only_criterion(world, test_framework):
    from datetime import date

    from chiso.assessments.workflow import open_round

    rnd = open_round(test_framework, "2025", date(2026, 1, 10), world.admin, root_unit=world.agency_a)
    sub = rnd.submissions.get()
    page = client_for(world.reporters["AG-STTTT"]).get(url(sub)).content.decode()
    block = page[page.index('id="ind-3"'):page.index('id="ind-4"')]
    assert "≥ 90%" in block
    assert 'name="v-4.a.numerator"' not in page
    assert "Không áp dụng cho đơn vị này" in page


def test_typing_shows_the_engines_verdict_with_the_reason(world, own_submission):
    c = client_for(world.reporter)
    r = c.post(url(own_submission, "assessments:preview"),
               form_data(own_submission, v_1_numerator="54.919", v_1_denominator="58669",
                         v_3_numerator="10", v_3_denominator="100"))
    assert r.status_code == 200
    page = r.content.decode()
    v1 = page[page.index('id="verdict-1"'):page.index('id="msg-1-numerator"')]
    assert "Đạt" in v1 and "93,61%" in v1 and "54.919/58.669 = 93,61% ≥ 50% → Đạt" in v1
    v3 = page[page.index('id="verdict-3"'):page.index('id="msg-3-numerator"')]
    assert "Chưa đạt" in v3 and "badge-not_met" in v3
    assert "10/100 = 10%" in v3 and "65%" in v3  # the reason names the figure and the commune's target
    assert 'id="summary"' in page and "1/4" in page
    assert Value.objects.count() == 0  # a preview stores nothing


def test_an_unreadable_number_is_explained_inline(world, own_submission):
    r = client_for(world.reporter).post(url(own_submission, "assessments:preview"),
                                        form_data(own_submission, v_1_numerator="12a", v_1_denominator="100"))
    page = text_of(r)
    msg = page[page.index('id="msg-1-numerator"'):page.index('id="msg-1-denominator"')]
    assert 'Không đọc được "12a" thành số' in msg
    assert "Chưa có số liệu" in page[page.index('id="verdict-1"'):]


def test_save_draft_stores_manual_values_narrative_and_history(world, own_submission):
    c = client_for(world.reporter)
    version = own_submission.version
    r = c.post(url(own_submission), form_data(
        own_submission, v_1_numerator="54.919", v_1_denominator="58.669", v_2_value="1",
        **{"v_1_narrative": "Đã triển khai tiếp nhận hồ sơ trực tuyến toàn trình."}, action="save"))
    assert r.status_code == 302
    rows = {v.element: v for v in Value.objects.filter(unit=world.commune_a)}
    assert rows["1.numerator"].number == Decimal(54919)
    assert rows["1.denominator"].number == Decimal(58669)
    assert rows["2.value"].number == 1
    assert rows["1.narrative"].text == "Đã triển khai tiếp nhận hồ sơ trực tuyến toàn trình."
    assert {v.source for v in rows.values()} == {"manual"}
    assert rows["1.numerator"].updated_by == world.reporter
    own_submission.refresh_from_db()
    assert own_submission.status == STATUS_DRAFT and own_submission.version == version + 1
    assert rows["1.numerator"].history.first().history_user == world.reporter
    page = c.get(url(own_submission)).content.decode()
    assert 'value="54.919"' in page
    assert "93,61%" in page  # the engine's verdict on the stored values


def test_saving_an_untouched_form_changes_nothing(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(5)})
    c = client_for(world.reporter)
    c.post(url(own_submission), form_data(own_submission, v_1_numerator="5", action="save"))
    own_submission.refresh_from_db()
    assert own_submission.version == 1


def test_submit_when_valid_moves_to_submitted(world, own_submission):
    add_evidence(own_submission, "1", world.reporter)
    c = client_for(world.reporter)
    r = c.post(url(own_submission), form_data(
        own_submission, v_1_numerator="54.919", v_1_denominator="58.669", v_2_value="1",
        v_3_numerator="70", v_3_denominator="100", v_4_a_numerator="30", v_4_a_denominator="40",
        v_4_b_value="5", action="submit"))
    assert r.status_code == 302 and r["Location"] == reverse("assessments:my_work")
    own_submission.refresh_from_db()
    assert own_submission.status == STATUS_SUBMITTED
    event = SubmissionEvent.objects.filter(submission=own_submission).last()
    assert (event.from_status, event.to_status, event.actor) == (STATUS_DRAFT, STATUS_SUBMITTED, world.reporter)


def test_submit_when_incomplete_saves_but_says_what_is_missing(world, own_submission):
    c = client_for(world.reporter)
    r = c.post(url(own_submission), form_data(own_submission, v_1_numerator="60", v_1_denominator="50",
                                             action="submit"))
    assert r.status_code == 400
    page = r.content.decode()
    assert "Chưa nộp được" in page
    assert "Tử số (60) lớn hơn mẫu số (50)" in page
    assert "Chỉ tiêu 1 cần tệp minh chứng." in page
    own_submission.refresh_from_db()
    assert own_submission.status == STATUS_DRAFT
    assert Value.objects.get(unit=world.commune_a, element="1.numerator").number == 60  # draft kept


def test_a_bad_number_is_refused_and_the_typed_text_kept(world, own_submission):
    r = client_for(world.reporter).post(url(own_submission), form_data(
        own_submission, v_1_numerator="năm mươi", v_1_denominator="100", action="save"))
    assert r.status_code == 400
    page = text_of(r)
    assert 'Không đọc được "năm mươi" thành số' in page
    assert 'value="năm mươi"' in page
    # The valid cell is kept; the invalid one is not stored and stays marked on the page.
    assert [(v.element, v.number) for v in Value.objects.all()] == [("1.denominator", 100)]
    assert "Đã lưu 1 thay đổi hợp lệ; 1 ô chưa đúng chưa được lưu" in page


def test_a_draft_save_keeps_every_valid_cell_and_a_second_save_finishes_the_job(world, own_submission):
    c = client_for(world.reporter)
    loaded = own_submission.version
    r = c.post(url(own_submission), form_data(
        own_submission, v_1_numerator="54.919", v_1_denominator="58.669", v_3_numerator="7O",
        v_3_denominator="100", action="save"))
    assert r.status_code == 400
    stored = {v.element: v.number for v in Value.objects.filter(unit=world.commune_a)}
    assert stored == {"1.numerator": 54919, "1.denominator": 58669, "3.denominator": 100}
    page = text_of(r)
    # The page keeps the version it loaded and counts the cells this save stored as seen (as a save
    # in place does): the next save is checked cell by cell and is not a conflict with this one.
    assert f'name="version" value="{loaded}"' in page
    assert 'value="7O"' in page and "has-error" in page
    # Fixing the one cell and saving again stores it, without a conflict with the first save.
    data = {k: v for k, v in form_data(own_submission, v_1_numerator="54.919", v_1_denominator="58.669",
                                      v_3_numerator="70", v_3_denominator="100", action="save").items()}
    raw = r.content.decode()  # the attribute as sent (its JSON's quotes escaped), then decoded
    seen = html.unescape(raw.split('name="seen" value="', 1)[1].split('"', 1)[0])
    data["seen"], data["version"] = seen, str(loaded)
    r = c.post(url(own_submission), data)
    assert r.status_code == 302
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == 70


def test_a_computed_value_is_marked_and_overridden_only_with_a_reason(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(54935), "1.denominator": Decimal(62922)},
               source="computed", provenance={"metric": "dossiers.online", "import": 7})
    c = client_for(world.reporter)
    page = c.get(url(own_submission)).content.decode()
    assert "tính tự động: 54.935" in page
    assert 'name="r-1.numerator"' in page
    # A different figure without a reason is refused.
    r = c.post(url(own_submission), form_data(own_submission, v_1_numerator="55.000",
                                             v_1_denominator="62.922", action="save"))
    assert r.status_code == 400
    assert "Số tính tự động là 54.935" in r.content.decode()
    assert Value.objects.get(element="1.numerator").number == 54935
    # With a reason it is stored as an override, keeping the computed figure beside it.
    r = c.post(url(own_submission), form_data(own_submission, v_1_numerator="55.000",
                                             v_1_denominator="62.922", action="save",
                                             **{"r_1_numerator": "Bổ sung 65 hồ sơ nhập muộn vào iGate"}))
    assert r.status_code == 302
    row = Value.objects.get(element="1.numerator")
    assert row.source == "override" and row.number == 55000
    assert row.provenance["reason"] == "Bổ sung 65 hồ sơ nhập muộn vào iGate"
    assert Decimal(row.provenance["computed"]) == 54935
    assert row.provenance["computed_provenance"] == {"metric": "dossiers.online", "import": 7}
    assert Value.objects.get(element="1.denominator").source == "computed"  # untouched
    # The reviewer sees both figures and the reason.
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_SUBMITTED)
    review = client_for(world.reviewer).get(reverse("assessments:review", args=[own_submission.pk]))
    text = review.content.decode()
    assert "55.000" in text and "số tính tự động: 54.935" in text
    assert "Bổ sung 65 hồ sơ nhập muộn vào iGate" in text


def test_approved_work_is_locked(world, own_submission):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_APPROVED)
    c = client_for(world.reporter)
    page = c.get(url(own_submission)).content.decode()
    assert 'name="v-1.numerator"' not in page  # read-only
    r = c.post(url(own_submission), form_data(own_submission, v_1_numerator="1", v_1_denominator="2",
                                             action="save"), follow=True)
    assert "không sửa được số liệu" in r.content.decode()
    assert Value.objects.get(element="1.numerator").number == 54919


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_roles_that_may_see_but_not_enter_get_403_on_save(world, own_submission, who):
    user = getattr(world, who)
    c = client_for(user)
    assert c.get(url(own_submission)).status_code == 200
    r = c.post(url(own_submission), form_data(own_submission, v_1_numerator="1", action="save"))
    assert r.status_code == 403
    assert Value.objects.count() == 0


def test_another_units_submission_is_404_for_a_reporter_and_the_outsider(world, own_submission,
                                                                         other_submission):
    assert client_for(world.reporter).get(url(other_submission)).status_code == 404
    assert client_for(world.reporter).post(url(other_submission, "assessments:preview"), {}).status_code == 404
    assert client_for(world.outsider).get(url(own_submission)).status_code == 404
    r = client_for(world.outsider).post(url(own_submission), form_data(own_submission, v_1_numerator="1"))
    assert r.status_code == 404
    assert Value.objects.count() == 0


def test_the_form_speaks_english_when_asked(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(54919), "1.denominator": Decimal(58669)})
    from django.conf import settings

    c = client_for(world.reporter)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch in the footer sets
    page = text_of(c.get(url(own_submission)))
    assert "Save draft" in page and "Target for this unit:" in page
    assert "Met" in page and "93,61%" in page  # numbers stay Vietnamese-style
    assert "Lưu nháp" not in page
