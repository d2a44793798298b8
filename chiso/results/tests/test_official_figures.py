"""Official and provisional figures on every surface, the guarded write path, and stored results."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chiso.assessments.models import STATUS_APPROVED, STATUS_SUBMITTED, Submission, Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, add_evidence, put_values
from chiso.assessments.workflow import apply_transition
from chiso.assessments.writes import CellWrite, ReportLocked, write_values
from chiso.conftest import client_for
from chiso.reports.services import export_report
from chiso.results.models import Revision, StoredResult


def evaluate_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate", "--framework", "web-thu-nghiem", "--period", "2025", "--format", "json",
                 *args, stdout=out)
    return json.loads(out.getvalue())


def unit_status(doc: dict, code: str) -> str:
    return next(u["status"] for u in doc["units"] if u["unit"] == code)


def approve(world, sub: Submission) -> None:
    add_evidence(sub, "1", world.reporters[sub.unit.code])
    apply_transition(sub, STATUS_SUBMITTED, world.reporters[sub.unit.code])
    apply_transition(sub, STATUS_APPROVED, world.reviewer)


def import_file(tmp_path, rows: list[str], *args: str) -> str:
    path = tmp_path / "so-lieu.csv"
    path.write_text("unit,period,element,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_values", str(path), "--framework", "web-thu-nghiem", *args, stdout=out)
    return out.getvalue()


def test_a_draft_figure_is_provisional_only_and_counts_once_approved(world, own_submission):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    code = world.commune_a.code

    official = evaluate_json()
    assert official["basis"] == "official"
    assert unit_status(official, code) == "not_reported"
    assert official["left_out"][code] == "draft"
    provisional = evaluate_json("--basis", "provisional")
    assert provisional["basis"] == "provisional"
    assert unit_status(provisional, code) == "complete"
    assert code not in provisional["left_out"]

    approve(world, own_submission)
    official = evaluate_json()
    assert unit_status(official, code) == "complete"
    assert code not in official["left_out"]


def test_figures_outside_any_round_are_official(world, test_framework):
    for element, number in VALID_COMMUNE_VALUES.items():
        Value.objects.create(framework=test_framework, unit=world.commune_a, period="2025",
                             element=element, number=number)
    assert unit_status(evaluate_json(), world.commune_a.code) == "complete"


def test_the_table_names_the_units_left_out(world, own_submission):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    out = io.StringIO()
    call_command("evaluate", "--framework", "web-thu-nghiem", "--period", "2025", stdout=out)
    assert "Cơ sở số liệu: chính thức" in out.getvalue()
    assert f"{world.commune_a.code} (Đang nhập)" in out.getvalue()


def test_the_api_answers_on_the_basis_asked_for(world, own_submission):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    client = client_for(world.admin)
    params = {"framework": "web-thu-nghiem", "period": "2025", "unit": world.commune_a.code}
    official = client.get("/api/v1/evaluations", params).json()
    provisional = client.get("/api/v1/evaluations", {**params, "basis": "provisional"}).json()
    assert (official["basis"], official["units"][0]["status"]) == ("official", "not_reported")
    assert (provisional["basis"], provisional["units"][0]["status"]) == ("provisional", "complete")
    assert client.get("/api/v1/evaluations", {**params, "basis": "tat-ca"}).status_code == 422


def test_a_draft_figure_never_appears_in_an_official_docx_and_is_labelled_in_a_provisional_one(
        world, own_submission, other_submission):
    from docx import Document

    put_values(own_submission, VALID_COMMUNE_VALUES)  # Phú Lâm: a draft, complete if it counted
    put_values(other_submission, VALID_COMMUNE_VALUES)  # Phú Mỹ: approved
    approve(world, other_submission)

    def export(basis: str) -> tuple[str, dict[str, list[str]]]:
        made = export_report("matrix", "docx", "web-thu-nghiem", "2025", unit=world.district, basis=basis)
        doc = Document(io.BytesIO(made.content))
        rows = {}
        for table in doc.tables:
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells]
                for name in ("UBND xã Phú Lâm", "UBND thị trấn Phú Mỹ"):
                    if name in cells:
                        rows[name] = cells
        return "\n".join(p.text for p in doc.paragraphs), rows

    official, rows = export("official")
    assert rows["UBND xã Phú Lâm"][-1] == "Chưa báo cáo" and "Đ" not in rows["UBND xã Phú Lâm"]
    assert rows["UBND thị trấn Phú Mỹ"][-1] != "Chưa báo cáo" and "Đ" in rows["UBND thị trấn Phú Mỹ"]
    assert "chưa có số liệu chính thức" in official and "UBND xã Phú Lâm (đang nhập)" in official
    assert "SỐ LIỆU TẠM TÍNH" not in official
    provisional, rows = export("provisional")
    assert rows["UBND xã Phú Lâm"][2:] == rows["UBND thị trấn Phú Mỹ"][2:]  # same figures, same marks
    assert "Đ" in rows["UBND xã Phú Lâm"] and rows["UBND xã Phú Lâm"][-1] != "Chưa báo cáo"
    assert "SỐ LIỆU TẠM TÍNH" in provisional


def test_an_official_appendix_with_only_draft_figures_is_refused_with_a_way_out(world, own_submission):
    from chiso.reports.services import ReportError

    put_values(own_submission, VALID_COMMUNE_VALUES)
    with pytest.raises(ReportError, match="chưa được duyệt: có thể xuất số liệu tạm tính"):
        export_report("appendix", "docx", "web-thu-nghiem", "2025", unit=world.commune_a)


def test_a_provisional_xlsx_says_so_under_its_title(world, own_submission):
    from openpyxl import load_workbook

    put_values(own_submission, VALID_COMMUNE_VALUES)
    made = export_report("appendix", "xlsx", "web-thu-nghiem", "2025", unit=world.commune_a, basis="provisional")
    values = [c for row in load_workbook(io.BytesIO(made.content)).active.iter_rows(values_only=True)
              for c in row if c is not None]
    assert "SỐ LIỆU TẠM TÍNH" in values


def test_the_dashboard_labels_each_basis(world, own_submission):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    client = client_for(world.admin)
    url = reverse("dashboard:overview")
    official = client.get(url, {"framework": "web-thu-nghiem", "period": "2025"}).content.decode()
    provisional = client.get(url, {"framework": "web-thu-nghiem", "period": "2025",
                                   "basis": "provisional"}).content.decode()
    assert 'data-basis="official"' in official and "SỐ LIỆU TẠM TÍNH" not in official
    assert 'data-basis="provisional"' in provisional and "SỐ LIỆU TẠM TÍNH" in provisional
    assert "đang thu thập — 0/2 đơn vị đã duyệt" in official


# --- the guarded write path ----------------------------------------------------------------


def test_import_into_an_approved_report_is_refused_and_writes_nothing(world, own_submission, tmp_path):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    approve(world, own_submission)
    version = Submission.objects.get(pk=own_submission.pk).version
    with pytest.raises(CommandError) as caught:
        import_file(tmp_path, [f"{world.commune_a.code},2025,3.numerator,99"])
    message = str(caught.value)
    assert world.commune_a.code in message and "Năm 2025" in message and "Đã duyệt" in message
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(70)
    assert Submission.objects.get(pk=own_submission.pk).version == version


def test_import_into_a_submitted_report_is_refused(world, own_submission, tmp_path):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    add_evidence(own_submission, "1", world.reporters[world.commune_a.code])
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporters[world.commune_a.code])
    with pytest.raises(CommandError, match="Đã nộp, chờ thẩm định"):
        import_file(tmp_path, [f"{world.commune_a.code},2025,3.numerator,99"])
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(70)


def test_import_into_a_draft_report_becomes_part_of_it(world, own_submission, tmp_path):
    before = own_submission.version
    import_file(tmp_path, [f"{world.commune_a.code},2025,3.numerator,71"])
    sub = Submission.objects.get(pk=own_submission.pk)
    assert sub.version == before + 1
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(71)
    assert sub.values().count() == 1


def test_every_write_path_refuses_an_approved_report(world, own_submission, test_framework):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    approve(world, own_submission)
    with pytest.raises(ReportLocked) as caught:
        write_values(test_framework, [CellWrite(world.commune_a.pk, "2025", "3.numerator", number=Decimal(1))])
    assert "quản trị viên phải mở lại" in caught.value.problems[0]
    # the web form (the approved report is not editable there either)
    client = client_for(world.reporters[world.commune_a.code])
    sub = Submission.objects.get(pk=own_submission.pk)
    client.post(reverse("assessments:submission", args=[sub.pk]),
                {"version": sub.version, "v-3.numerator": "1", "v-3.denominator": "100"})
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(70)


def test_a_reporter_saving_the_narrative_keeps_an_imported_figure(world, own_submission, tmp_path):
    put_values(own_submission, {"3.numerator": Decimal(40), "3.denominator": Decimal(100)})
    client = client_for(world.reporters[world.commune_a.code])
    url = reverse("assessments:submission", args=[own_submission.pk])
    page = client.get(url)
    seen, version = page.context["seen"], page.context["version"]
    import_file(tmp_path, [f"{world.commune_a.code},2025,3.numerator,95"])  # while the form is open
    response = client.post(url, {"version": version, "seen": seen, "v-3.numerator": "40",
                                 "v-3.denominator": "100", "v-3.narrative": "Đã số hoá hồ sơ công việc."})
    assert response.status_code == 302
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(95)
    assert Value.objects.get(unit=world.commune_a, element="3.narrative").text == "Đã số hoá hồ sơ công việc."


def test_a_stale_blank_never_overwrites_a_colleagues_figure(world, own_submission):
    url = reverse("assessments:submission", args=[own_submission.pk])
    a = client_for(world.reporters[world.commune_a.code])
    b = client_for(world.admin)
    page_a, page_b = a.get(url), b.get(url)
    assert a.post(url, {"version": page_a.context["version"], "seen": page_a.context["seen"],
                        "v-3.numerator": "70", "v-3.denominator": "100"}).status_code == 302
    # B saw an empty form and types only indicator 2; B's blank 3.denominator is not a change
    response = b.post(url, {"version": page_b.context["version"], "seen": page_b.context["seen"],
                            "v-2.value": "1", "action": "save"})
    assert response.status_code == 302
    stored = {v.element: v.number for v in Submission.objects.get(pk=own_submission.pk).values()}
    assert stored == {"3.numerator": Decimal(70), "3.denominator": Decimal(100), "2.value": Decimal(1)}


def test_a_real_clash_is_a_conflict_and_the_form_then_shows_the_colleagues_figures(world, own_submission):
    url = reverse("assessments:submission", args=[own_submission.pk])
    a = client_for(world.reporters[world.commune_a.code])
    b = client_for(world.admin)
    page_a, page_b = a.get(url), b.get(url)
    a.post(url, {"version": page_a.context["version"], "seen": page_a.context["seen"],
                 "v-3.numerator": "70", "v-3.denominator": "100"})
    clash = b.post(url, {"version": page_b.context["version"], "seen": page_b.context["seen"],
                         "v-3.numerator": "60"})
    assert clash.status_code == 409
    assert Value.objects.get(unit=world.commune_a, element="3.numerator").number == Decimal(70)
    form = clash.context["form"]
    assert form.data["v-3.denominator"] == "100"  # A's figure shown, not B's stale blank
    assert form.data["v-3.numerator"] == "60"  # B's own change kept in the form
    # B saves again as shown: B's 60 wins deliberately, A's denominator survives
    again = b.post(url, {"version": clash.context["version"], "seen": clash.context["seen"],
                         "v-3.numerator": "60", "v-3.denominator": "100"})
    assert again.status_code == 302
    stored = {v.element: v.number for v in Submission.objects.get(pk=own_submission.pk).values()}
    assert stored == {"3.numerator": Decimal(60), "3.denominator": Decimal(100)}


# --- stored results ------------------------------------------------------------------------


def test_results_are_stored_and_a_write_marks_only_its_unit_stale(world, own_submission, other_submission,
                                                                   test_framework):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    first = evaluate_json("--basis", "provisional")
    stored = StoredResult.objects.filter(framework=test_framework, period="2025", basis="provisional")
    assert stored.count() == len(first["units"]) and not stored.filter(stale=True).exists()
    revision = Revision.objects.get(framework=test_framework, period="2025").number
    write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(1))])
    assert Revision.objects.get(framework=test_framework, period="2025").number == revision + 1
    assert list(stored.filter(stale=True).values_list("unit__code", flat=True)) == [world.commune_b.code]
    doc = evaluate_json("--basis", "provisional")
    # The answer already has the new figure; with the recompute task queued (this test's transaction
    # never commits, so it has not run) the reader evaluates the flagged unit and leaves storing it
    # to the task, which every write queues.
    assert next(u for u in doc["units"] if u["unit"] == world.commune_b.code)["status"] == "incomplete"
    assert list(stored.filter(stale=True).values_list("unit__code", flat=True)) == [world.commune_b.code]
    from chiso.results.tasks import recompute_results

    assert recompute_results.call(test_framework.pk, "2025") == 1  # the task: that unit only
    assert not stored.filter(stale=True).exists()
    assert evaluate_json("--basis", "provisional") == doc


def test_with_no_recompute_task_waiting_the_reader_stores_what_it_evaluates(world, own_submission,
                                                                           other_submission, test_framework):
    """A task lost (claimed over five minutes ago, never begun) or already begun: the page stores
    the units it evaluates, so the next pages and processes read them instead of evaluating again."""
    from datetime import timedelta

    from django.utils import timezone

    from chiso.results.store import QUEUE_STALE_AFTER

    put_values(own_submission, VALID_COMMUNE_VALUES)
    evaluate_json("--basis", "provisional")
    stored = StoredResult.objects.filter(framework=test_framework, period="2025", basis="provisional")
    for n, queued_at in enumerate((timezone.now() - QUEUE_STALE_AFTER - timedelta(seconds=1), None)):  # lost; begun
        write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(n + 1))])
        assert stored.filter(stale=True).exists()
        Revision.objects.filter(framework=test_framework, period="2025").update(queued_at=queued_at)
        doc = evaluate_json("--basis", "provisional")
        assert not stored.filter(stale=True).exists(), queued_at
        assert next(u for u in doc["units"] if u["unit"] == world.commune_b.code)["status"] == "incomplete"


def test_the_report_page_exports_on_the_basis_chosen(world, own_submission):
    from docx import Document

    put_values(own_submission, VALID_COMMUNE_VALUES)
    client = client_for(world.admin)
    params = {"framework": "web-thu-nghiem", "period": "2025", "unit": world.commune_a.code,
              "kind": "appendix", "format": "docx"}

    def text(**extra) -> str:
        response = client.get(reverse("reports:export"), {**params, **extra})
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.content))
        return "\n".join(p.text for p in doc.paragraphs)

    assert "SỐ LIỆU TẠM TÍNH" in text(basis="provisional")
    refused = client.get(reverse("reports:export"), params)  # official: nothing approved yet
    assert refused.status_code == 400 and "có thể xuất số liệu tạm tính" in refused.content.decode()


def test_recompute_fills_missing_results_and_is_safe_twice(world, own_submission, test_framework):
    put_values(own_submission, VALID_COMMUNE_VALUES)
    StoredResult.objects.all().delete()
    call_command("recompute", "--framework", "web-thu-nghiem", stdout=io.StringIO())
    stored = StoredResult.objects.filter(framework=test_framework, period="2025")
    first = {(r.unit_id, r.basis): (r.status, r.revision) for r in stored}
    assert {b for _u, b in first} == {"official", "provisional"}
    assert first[(world.commune_a.pk, "provisional")][0] == "complete"
    assert first[(world.commune_a.pk, "official")][0] == "not_reported"
    call_command("recompute", stdout=io.StringIO())
    assert {(r.unit_id, r.basis): (r.status, r.revision) for r in stored} == first


def test_the_text_of_a_narrative_only_criterion_is_saved_from_the_form(world, own_submission):
    client = client_for(world.reporters[world.commune_a.code])
    url = reverse("assessments:submission", args=[own_submission.pk])
    page = client.get(url)
    response = client.post(url, {"version": page.context["version"], "seen": page.context["seen"],
                                 "v-5.value": "Đã tổ chức tập huấn chuyển đổi số cho 12 cán bộ.",
                                 "action": "save"})
    assert response.status_code == 302
    assert Value.objects.get(unit=world.commune_a, element="5.value").text.startswith("Đã tổ chức tập huấn")


def test_a_figure_for_a_criterion_that_does_not_apply_is_refused(world, test_framework):
    # criterion 4 applies to communes only; the district's form cannot store it
    with pytest.raises(Exception, match="không áp dụng"):
        write_values(test_framework, [CellWrite(world.district.pk, "2025", "4.b.value", number=Decimal(5))],
                     applicable_only=True)
    assert not Value.objects.filter(element="4.b.value").exists()


def test_many_writes_queue_one_recompute_until_it_begins(world, own_submission, other_submission, test_framework,
                                                         django_capture_on_commit_callbacks, monkeypatch):
    """Deadline day: a hundred saves a second must not queue a hundred recomputes of the same units;
    one task waits, and a write after it began queues the next (nothing is left stale)."""
    from datetime import timedelta

    from django.utils import timezone

    from chiso.results import store
    from chiso.results.tasks import recompute_results

    queued: list[tuple[int, str]] = []  # the queue, as a worker that has not begun yet would see it
    monkeypatch.setattr(store, "_enqueue", lambda framework_id, period: queued.append((framework_id, period)))

    def write(unit, number: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            write_values(test_framework, [CellWrite(unit.pk, "2025", "3.numerator", number=Decimal(number))])

    put_values(own_submission, VALID_COMMUNE_VALUES)
    evaluate_json("--basis", "provisional")  # every unit stored, none stale
    # The fixtures wrote inside the test's transaction, whose commit hooks never run: no task began.
    Revision.objects.update(queued_at=None)
    for n in range(1, 4):
        write(world.commune_a, n)
        write(world.commune_b, n)
    assert queued == [(test_framework.pk, "2025")]  # six writes, one task waiting
    stale = StoredResult.objects.filter(framework=test_framework, period="2025", stale=True)
    assert set(stale.values_list("unit__code", flat=True)) == {world.commune_a.code, world.commune_b.code}

    assert recompute_results.call(test_framework.pk, "2025") == 2  # the task: both units, once
    assert not stale.exists()
    write(world.commune_b, 9)  # after it began: queued again
    assert len(queued) == 2
    assert set(stale.values_list("unit__code", flat=True)) == {world.commune_b.code}

    # A task queued and never begun (its worker killed) does not block the queue for ever.
    Revision.objects.filter(framework=test_framework, period="2025").update(
        queued_at=timezone.now() - timedelta(minutes=6))
    write(world.commune_a, 10)
    assert len(queued) == 3


def test_a_database_queue_gets_the_task_in_the_writers_transaction(world, own_submission, test_framework,
                                                                   monkeypatch):
    """With the worker's queue in the database, the claim and the task commit or roll back together:
    no claim can be left with no task behind it (a web process killed after its commit)."""
    from types import SimpleNamespace

    from django.db import transaction

    from chiso.results import tasks

    queued: list[tuple[int, str]] = []
    fake = SimpleNamespace(get_backend=lambda: object(),
                           enqueue=lambda framework_id, period: queued.append((framework_id, period)))
    monkeypatch.setattr(tasks, "recompute_results", fake)
    put_values(own_submission, VALID_COMMUNE_VALUES)
    evaluate_json("--basis", "provisional")
    Revision.objects.update(queued_at=None)  # the fixtures' writes ran with no commit hooks
    cell = CellWrite(world.commune_a.pk, "2025", "3.numerator", number=Decimal(4))

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        write_values(test_framework, [cell])
        assert queued == [(test_framework.pk, "2025")]  # queued inside the transaction, not after it
        raise Abandoned
    assert Revision.objects.get(framework=test_framework, period="2025").queued_at is None  # rolled back too
    write_values(test_framework, [CellWrite(world.commune_a.pk, "2025", "3.numerator", number=Decimal(5))])
    assert len(queued) == 2


def test_a_claim_over_a_lost_task_queues_the_units_it_left_stale(world, own_submission, test_framework,
                                                                 django_capture_on_commit_callbacks, monkeypatch):
    """A write whose own units have no stored result still queues a recompute when it takes over a lost
    task's claim and other units are stale: giving the claim back would leave them with no task."""
    from datetime import timedelta

    from django.utils import timezone

    from chiso.results import store

    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(store, "_enqueue", lambda framework_id, period: queued.append((framework_id, period)))
    put_values(own_submission, VALID_COMMUNE_VALUES)
    evaluate_json("--basis", "provisional")
    StoredResult.objects.filter(unit=world.commune_b).delete()  # B: nothing stored yet
    StoredResult.objects.filter(unit=world.commune_a).update(stale=True)  # A: stale, its task lost
    Revision.objects.update(queued_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(1))])
    assert queued == [(test_framework.pk, "2025")]

    StoredResult.objects.update(stale=False)  # nothing stale anywhere: a write with nothing stored gives it back
    Revision.objects.update(queued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(2))])
    assert len(queued) == 1
    assert Revision.objects.get(framework=test_framework, period="2025").queued_at is None
