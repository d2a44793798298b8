"""One name per page, and the period written once."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from chiso.assessments.models import Round
from chiso.assessments.reminders import reminder_body
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for

NAME = "Việc cần làm"


def test_the_reporters_work_page_has_one_name_in_menu_title_heading_breadcrumb_and_home(world, own_submission):
    c = client_for(world.reporter)
    page = html.unescape(c.get(reverse("assessments:my_work")).content.decode())
    assert f"<title>{NAME} — Chỉ Số</title>" in page and f"<h1>{NAME}</h1>" in page
    assert re.search(rf'<a href="{reverse("assessments:my_work")}"[^>]*>{NAME}</a>', page)  # the menu
    form = html.unescape(c.get(reverse("assessments:submission", args=[own_submission.pk])).content.decode())
    assert f'<a href="{reverse("assessments:my_work")}">{NAME}</a> ›' in form  # the breadcrumb
    home = html.unescape(c.get("/").content.decode())
    for other in ("Việc của tôi", "Báo cáo cần nộp"):
        assert other not in page + form + home
    assert NAME in home


def test_a_reminder_says_the_period_once(world, own_submission):
    body = reminder_body(own_submission)
    assert own_submission.round.title.endswith("Năm 2025")  # the default title names the period
    assert body.count("Năm 2025") == 1
    page = html.unescape(client_for(world.admin).get(reverse("assessments:reminders")).content.decode())
    assert page.count("Năm 2025") == 2  # one row per commune, once each
    # A round titled without its period gets the period added.
    Round.objects.filter(pk=own_submission.round_id).update(title="Đợt đánh giá cuối năm")
    own_submission.refresh_from_db()
    body = reminder_body(own_submission)
    assert "“Đợt đánh giá cuối năm” (kỳ Năm 2025)" in body and body.count("Năm 2025") == 1
