"""POST /api/v1/pushes in-process: the mapping file's problems by row and column, all or nothing, who may
receive, units in a round here, dry run, replacement, provenance (API and page).

The two-instance test over HTTP is ``test_push_two_instances.py``; here the
receiver is this test's own database, with the canonical world's units.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.api.exchange import build_payload, content_hash
from chiso.api.models import ApiToken, PushedUnit, PushReceipt
from chiso.assessments.models import Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.conftest import client_for

URL = "/api/v1/pushes"


def payload(*units: dict, **extra) -> dict:
    return {"format": "chiso-push/1", "instance": "Chỉ Số Kiên Giang", "framework": "web-thu-nghiem",
            "framework_version": "1", "period": "2025", "basis": "official",
            "pushed_at": "2026-12-02T10:00:00+07:00", "units": list(units), **extra}


def unit(code: str, values: dict, status: str = "incomplete", met: int = 0, applicable: int = 3) -> dict:
    return {"code": code, "name": code, "status": status, "met": met, "applicable": applicable, "values": values}


def send(user, body: dict, query: str = "", mapping: str | None = None, name: str = "ma.csv"):
    _token, raw = ApiToken.issue(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client = client_for(None)
    if mapping is None:
        return client.post(URL + query, json.dumps(body), content_type="application/json", **headers)
    files = {"payload": SimpleUploadedFile("ket-qua.json", json.dumps(body).encode()),
             "mapping": SimpleUploadedFile(name, mapping.encode("utf-8"))}
    return client.post(URL + query, files, **headers)


def numbers(unit_obj) -> dict[str, Decimal]:
    return {v.element: v.number for v in Value.objects.filter(unit=unit_obj, period="2025")}


STTTT = {"1.numerator": 10, "1.denominator": 100, "2.value": True, "3.numerator": "95", "3.denominator": 100}


def test_the_mapping_files_problems_are_named_by_row_and_column_and_nothing_is_written(world, test_framework):
    mapping = ("Mã bên gửi,Mã bên nhận\nX-1,AG-STTTT\nX-1,AG-SNV\nX-2,AG-STTTT\nX-3,\nX-4,AG-KHONG-CO\n"
               "X-5,KG-SNV\n")
    body = payload(unit("X-1", STTTT), unit("X-4", {}), unit("X-5", {}), unit("X-9", {}))
    response = send(world.admin, body, mapping=mapping)
    doc = response.json()
    assert response.status_code == 422 and doc["status"] == "ERROR"
    assert [(c["file"], c["row"], c["column"], c["code"], c["message"]) for c in doc["conflicts"]] == [
        ("ma.csv", 3, "Mã bên gửi", "E_DUPLICATE_ROW", "mã bên gửi 'X-1' đã có ở dòng 2"),
        ("ma.csv", 4, "Mã bên nhận", "E_DUPLICATE_ROW",
         "mã bên nhận 'AG-STTTT' đã được gán cho một đơn vị khác ở dòng 2"),
        ("ma.csv", 5, "Mã bên nhận", "E_UNIT_MISSING", "thiếu mã đơn vị bên nhận"),
        ("ma.csv", 6, "Mã bên nhận", "E_UNIT_UNKNOWN", "không có đơn vị mã 'AG-KHONG-CO' ở nơi nhận"),
        ("payload", 4, "units[4].code", "E_UNIT_UNMAPPED", "mã bên gửi 'X-9' không có trong tệp ánh xạ ma.csv"),
    ]
    assert doc["unknown"] == ["AG-KHONG-CO", "X-9"]
    assert numbers(world.agency_a) == {} and not PushReceipt.objects.exists()


def test_a_mapping_file_without_the_receiver_column_is_refused_naming_it(world, test_framework):
    doc = send(world.admin, payload(unit("X-1", STTTT)), mapping="Mã bên gửi,Tên\nX-1,Sở\n").json()
    assert [(c["file"], c["row"], c["code"], c["message"]) for c in doc["conflicts"]] == [
        ("ma.csv", 1, "E_FILE_INVALID",
         "thiếu cột bắt buộc “Mã bên nhận” (receiver); dòng tiêu đề đang có: Mã bên gửi, Tên")]
    assert doc["unknown"] == []


def test_bad_figures_and_unknown_elements_refuse_the_whole_push(world, test_framework):
    body = payload(unit("AG-STTTT", STTTT),
                   unit("AG-SNV", {"1.numerator": "12a", "2.value": "Có", "9.value": 1, "1.denominator": 2.5}))
    doc = send(world.admin, body).json()
    assert [(c["row"], c["column"], c["code"]) for c in doc["conflicts"]] == [
        (2, "units[2].values.1.numerator", "E_NOT_A_NUMBER"),
        (2, "units[2].values.2.value", "E_NOT_A_BOOLEAN"),
        (2, "units[2].values.9.value", "E_ELEMENT_UNKNOWN"),
        (2, "units[2].values.1.denominator", "E_NOT_A_NUMBER")]
    assert "giữ đúng giá trị" in doc["conflicts"][3]["message"]
    assert numbers(world.agency_a) == {}  # the good unit is not written either


def test_a_push_is_written_through_the_guard_with_its_provenance_and_replaces_the_units_figures(world, test_framework):
    first = send(world.admin, payload(unit("AG-STTTT", STTTT, met=2)))  # 10% not met; 2 and 3 (95% ≥ 90%) met
    doc = first.json()
    assert first.status_code == 200, doc
    assert (doc["status"], doc["counts"]) == ("OK", {"units": 1, "created": 5, "updated": 0, "deleted": 0,
                                                     "unchanged": 0})
    assert doc["check"] == {"matches": True, "differences": [], "sent_summary": None, "summary": {
        "units": 1, "assessed": 1, "not_reported": 0, "complete": 0, "rate": 0.0}}
    assert numbers(world.agency_a) == {"1.numerator": 10, "1.denominator": 100, "2.value": 1,
                                       "3.numerator": 95, "3.denominator": 100}
    row = Value.objects.get(unit=world.agency_a, element="1.numerator")
    assert row.source == "import"
    assert row.provenance["push"] == {"receipt": doc["receipt"], "instance": "Chỉ Số Kiên Giang", "unit": "AG-STTTT",
                                      "pushed_at": "2026-12-02T10:00:00+07:00", "basis": "official",
                                      "hash": doc["payload_hash"]}
    assert row.history.first().history_change_reason == "Nhận số liệu từ Chỉ Số Kiên Giang (chiso push)"
    # The receiver computed the hash from the content, not the send time.
    assert doc["payload_hash"] == content_hash(payload(unit("AG-STTTT", STTTT, met=2),
                                                       pushed_at="2027-01-01T00:00:00"))

    # The sender no longer has 2.value and changed 1.numerator: one update, one cleared, a new receipt.
    # It claims 3/3; evaluated here that is 2/3 (2 is now missing): written, and the answer warns.
    changed = {k: v for k, v in STTTT.items() if k != "2.value"} | {"1.numerator": 60}
    second = send(world.admin, payload(unit("AG-STTTT", changed, status="complete", met=3))).json()
    assert second["counts"] == {"units": 1, "created": 0, "updated": 1, "deleted": 1, "unchanged": 3}
    assert second["status"] == "WARNING"
    assert second["check"]["differences"] == [{"unit": "AG-STTTT", "sender_unit": "AG-STTTT",
                                               "here": {"status": "incomplete", "met": 2, "applicable": 3},
                                               "sent": {"status": "complete", "met": 3, "applicable": 3}}]
    assert second["receipt"] != doc["receipt"]
    assert numbers(world.agency_a) == {"1.numerator": 60, "1.denominator": 100, "3.numerator": 95,
                                       "3.denominator": 100}
    origin = PushedUnit.objects.get(unit=world.agency_a)
    assert (origin.receipt_id, origin.status, origin.met, origin.cells) == (second["receipt"], "complete", 3, 4)
    assert PushReceipt.objects.count() == 2


def test_a_dry_run_writes_nothing_and_leaves_no_receipt(world, test_framework):
    doc = send(world.admin, payload(unit("AG-STTTT", STTTT)), query="?dry_run=true").json()
    assert (doc["status"], doc["dry_run"], doc["counts"]["created"], doc["receipt"]) == ("OK", True, 5, None)
    assert [c["new"] for c in doc["changes"]][:2] == ["10", "100"]
    assert numbers(world.agency_a) == {} and not PushReceipt.objects.exists() and not PushedUnit.objects.exists()


def test_units_in_a_round_here_are_refused_so_the_official_basis_stays_what_the_sender_approved(
        world, test_framework, own_submission):
    doc = send(world.admin, payload(unit("AG-STTTT", STTTT), unit("AG-PT-PL", {"2.value": True}))).json()
    assert [(c["row"], c["code"]) for c in doc["conflicts"]] == [(2, "E_UNIT_IN_ROUND")]
    assert "UBND xã Phú Lâm (AG-PT-PL)" in doc["conflicts"][0]["message"]
    assert numbers(world.agency_a) == {}


def test_only_administrators_or_holders_of_the_permission_receive_and_within_their_scope(world, test_framework):
    body = payload(unit("AG-STTTT", STTTT))
    assert send(world.viewer, body).status_code == 403
    assert send(world.reporter, body).status_code == 403
    world.viewer.user_permissions.add(Permission.objects.get(codename="receive_push"))
    assert send(world.viewer, body).status_code == 200  # AG-STTTT is in the province viewer's scope
    world.outsider.user_permissions.add(Permission.objects.get(codename="receive_push"))
    doc = send(world.outsider, payload(unit("AG-SNV", STTTT))).json()
    assert [(c["code"], c["value"]) for c in doc["conflicts"]] == [("E_OUT_OF_SCOPE", "AG-SNV")]


def test_a_malformed_payload_is_refused_field_by_field(world, test_framework):
    response = send(world.admin, {"format": "khác", "framework": "web-thu-nghiem", "units": []})
    doc = response.json()
    assert response.status_code == 422
    assert [c["column"] for c in doc["conflicts"]] == ["format", "instance", "period", "pushed_at", "basis", "units"]
    assert send(world.admin, payload(unit("A", {}), framework="khong-co")).status_code == 404


def test_the_page_and_the_api_say_where_each_units_figures_came_from_within_the_callers_scope(
        world, test_framework):
    doc = send(world.admin, payload(unit("AG-STTTT", STTTT), unit("KG-SNV", {"2.value": False}))).json()
    rows = client_for(world.viewer).get(URL, {"framework": "web-thu-nghiem", "period": "2025"}).json()
    assert [(r["unit"], r["instance"], r["sender_unit"], r["receipt"], r["figures"]) for r in rows] == [
        ("AG-STTTT", "Chỉ Số Kiên Giang", "AG-STTTT", doc["receipt"], 5)]
    page = client_for(world.viewer).get("/so-lieu-nhan/", {"framework": "web-thu-nghiem", "period": "2025"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Sở Thông tin và Truyền thông" in text and "Chỉ Số Kiên Giang" in text and "02/12/2026 10:00" in text
    assert "Sở Nội vụ Kiên Giang" not in text  # KG-SNV: outside the viewer's scope
    assert doc["payload_hash"][:12] in text
    # The framework filter lists only frameworks of figures the user may see.
    assert '<option value="web-thu-nghiem"' in text
    # the district reviewer of AG-PT sees neither AG-STTTT nor KG-SNV
    assert '<option value="web-thu-nghiem"' not in client_for(world.reviewer).get("/so-lieu-nhan/").content.decode()


def test_the_sender_payload_is_read_from_the_stored_results(world, test_framework, own_submission):
    from chiso.assessments.models import STATUS_APPROVED, Submission
    from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, put_values

    put_values(own_submission, VALID_COMMUNE_VALUES)
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_APPROVED)
    Value.objects.create(framework=test_framework, unit=world.agency_a, period="2025", element="3.numerator",
                         number=Decimal("12.5"))
    body = build_payload(test_framework, "2025", root=world.district)
    assert [(u["code"], u["status"], u["met"], u["applicable"], u["left_out"]) for u in body["units"]] == [
        ("AG-PT", "not_reported", 0, 3, ""), ("AG-PT-PL", "complete", 4, 4, ""),
        ("AG-PT-PT", "not_reported", 0, 4, "draft")]
    assert body["units"][1]["values"] == {"1.denominator": 58669, "1.numerator": 54919, "2.value": True,
                                          "3.denominator": 100, "3.numerator": 70, "4.a.denominator": 40,
                                          "4.a.numerator": 30, "4.b.value": 5}
    assert body["summary"]["overall"] == {"units": 3, "assessed": 1, "not_reported": 2, "complete": 1,
                                          "rate": 1 / 3}
    whole = build_payload(test_framework, "2025")
    assert {u["code"]: u["values"] for u in whole["units"]}["AG-STTTT"] == {"3.numerator": "12.5"}


def test_push_out_writes_the_payload_to_a_file_and_sends_nothing(world, test_framework, tmp_path, capsys):
    from django.core.management import call_command

    Value.objects.create(framework=test_framework, unit=world.agency_a, period="2025", element="2.value",
                         number=Decimal(1))
    out = tmp_path / "ket-qua.json"
    call_command("push", "--framework", "web-thu-nghiem", "--period", "2025", "--unit", "AG", "--out", str(out))
    assert "Đã ghi nội dung gửi (5 đơn vị, web-thu-nghiem kỳ 2025, official)" in capsys.readouterr().out
    body = json.loads(out.read_text(encoding="utf-8"))
    assert {u["code"]: u["values"] for u in body["units"]}["AG-STTTT"] == {"2.value": True}
    assert not PushReceipt.objects.exists()
