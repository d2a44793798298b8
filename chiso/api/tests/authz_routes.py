"""API URLs in the authorization matrix: any role, only its own units; 401 without a session or token.

The same routes are tried again with each actor's personal API token instead
of the session (``test_token_matrix.py``): a token acts with its user's role
and scope, nothing more. Writes: "own" is the report of commune AG-PT-PL
(the reporter's unit, in the district reviewer's scope), "other" the report of
the agency AG-STTTT (outside both). A batch of figures is judged row by row:
a row for a unit outside the caller's scope is a 422 naming it
(``E_OUT_OF_SCOPE``, as the CLI and the web upload say), not a 404 of the whole batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chiso.accounts.tests.matrix import Route, expect

API = expect(default=200, anonymous=401)
DOCS = expect(default=200, anonymous=302)


def _query(unit_code: str | None, **extra: str):
    def data(world) -> dict:
        from chiso.accounts.tests.helpers import bundled_framework

        bundled_framework("ag-cqdt-2021")
        return {**extra, **({"unit": unit_code} if unit_code else {})}
    return data


def _rounds(world: Any) -> dict[str, Any]:
    """A submitted report of commune AG-PT-PL (own) and of agency AG-STTTT (other), test framework, 2025."""
    cached = getattr(world, "_api_authz", None)
    if cached is not None:
        return cached
    from chiso.assessments.models import STATUS_SUBMITTED, Submission
    from chiso.assessments.tests.workflow_world import TEST_FRAMEWORK_YAML, store_framework_text
    from chiso.assessments.workflow import open_round

    framework = store_framework_text(TEST_FRAMEWORK_YAML)
    communes = open_round(framework, "2025", date(2099, 1, 15), world.admin, root_unit=world.district,
                          level="commune")
    agencies = open_round(framework, "2025", date(2099, 1, 15), world.admin, root_unit=world.agency_a)
    own = Submission.objects.get(round=communes, unit=world.commune_a)
    other = Submission.objects.get(round=agencies, unit=world.agency_a)
    world._api_authz = cached = {"own": own, "other": other, "submitted": STATUS_SUBMITTED}
    return cached


def _values(unit_code: str):
    def data(world) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        _rounds(world)
        csv = f"unit,period,element,value\n{unit_code},2025,1.numerator,54.919\n"
        return {"framework": "web-thu-nghiem", "file": SimpleUploadedFile("so-lieu.csv", csv.encode())}
    return data


def _submitted(key: str):
    def args(world) -> tuple:
        from chiso.assessments.models import Submission

        sub = _rounds(world)[key]
        Submission.objects.filter(pk=sub.pk).update(status=_rounds(world)["submitted"])
        return (sub.pk,)
    return args


def _draft(key: str):
    return lambda world: (_rounds(world)[key].pk,)


def _pdf(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.assessments.tests.workflow_world import PDF_BYTES

    return {"file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES), "indicator": "1"}


def _evidence_of(key: str):
    def args(world) -> tuple:
        from chiso.assessments.tests.workflow_world import add_evidence

        return (add_evidence(_rounds(world)[key], "1").pk,)
    return args


def _approve(world) -> dict:
    return {"action": "approve", "version": "1"}


def _submissions_query(unit_code: str | None):
    def data(world) -> dict:
        _rounds(world)
        return {"framework": "web-thu-nghiem", "period": "2025", **({"unit": unit_code} if unit_code else {})}
    return data


def _new_round(world) -> dict:
    from chiso.accounts.tests.helpers import bundled_framework

    bundled_framework("ag-cqdt-2021")
    return {"framework": "ag-cqdt-2021", "period": "2030", "units": "AG-PT", "deadline": "2099-12-31"}


def _reporters_token(world) -> tuple:
    from chiso.api.models import ApiToken

    token, _raw = ApiToken.issue(world.reporter, label="tập lệnh")
    return (token.pk,)


def _push_payload(world) -> dict[str, Any]:
    """A push of KG-SNV's figures (outside every round: only the permission decides)."""
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    _rounds(world)
    payload = {"format": "chiso-push/1", "instance": "Chỉ Số Kiên Giang", "framework": "web-thu-nghiem",
               "period": "2025", "basis": "official", "pushed_at": "2026-12-02T10:00:00+07:00",
               "units": [{"code": "KG-SNV", "status": "incomplete", "met": 1, "applicable": 3,
                          "values": {"2.value": True}}]}
    return {"payload": SimpleUploadedFile("ket-qua.json", json.dumps(payload).encode())}


EVAL = {"framework": "ag-cqdt-2021", "period": "2024"}
METRICS = {"source": "dossiers", "period": "2024"}
# AG-PT-PL is in the scope of the district reviewer, the commune's reporter and the province viewer.
OWN = expect(default=200, anonymous=401, outsider=404)
OTHER = expect(default=404, anonymous=401, administrator=200, outsider=200)  # KG-SNV
# Figures: reporters and administrators only; a row outside the scope is a 422 (see above).
WRITE_OWN = expect(default=403, anonymous=401, administrator=200, reporter=200, outsider=422)
WRITE_OTHER = expect(default=403, anonymous=401, administrator=200, reporter=422, outsider=422)  # AG-STTTT
# Approving is the reviewers' (the transition table); outside the scope the report does not exist.
APPROVE_OWN = expect(default=403, anonymous=401, reviewer=200, outsider=404)
APPROVE_OTHER = expect(default=404, anonymous=401, administrator=403, viewer=403)

ROUTES = [
    Route("api:api-root", expect(default=404, anonymous=404)),  # django-ninja's placeholder: always 404
    Route("api:openapi-json", DOCS),
    Route("api:openapi-view", DOCS),
    Route("api:frameworks", API),
    Route("api:units", API),
    Route("api:evaluations", API, data=_query(None, **EVAL), label="phạm vi của mình"),
    Route("api:evaluations", OWN, data=_query("AG-PT-PL", **EVAL), label="xã Phú Lâm"),
    Route("api:evaluations", OTHER, data=_query("KG-SNV", **EVAL), label="đơn vị tỉnh khác"),
    Route("api:metrics", API, data=_query(None, **METRICS), label="phạm vi của mình"),
    Route("api:metrics", OWN, data=_query("AG-PT-PL", **METRICS), label="xã Phú Lâm"),
    Route("api:metrics", OTHER, data=_query("KG-SNV", **METRICS), label="đơn vị tỉnh khác"),
    Route("api:submissions", API, data=_submissions_query(None), label="phạm vi của mình"),
    Route("api:submissions", OWN, data=_submissions_query("AG-PT-PL"), label="xã Phú Lâm"),
    Route("api:submissions", expect(default=404, anonymous=401, administrator=200, viewer=200),
          data=_submissions_query("AG-STTTT"), label="Sở TTTT"),
    Route("api:values", WRITE_OWN, method="post", data=_values("AG-PT-PL"), label="xã Phú Lâm"),
    Route("api:values", WRITE_OTHER, method="post", data=_values("AG-STTTT"), label="Sở TTTT"),
    Route("api:transitions", APPROVE_OWN, method="post", args=_submitted("own"), data=_approve,
          label="duyệt báo cáo xã Phú Lâm"),
    Route("api:transitions", APPROVE_OTHER, method="post", args=_submitted("other"), data=_approve,
          label="duyệt báo cáo Sở TTTT"),
    Route("api:evidence", expect(default=200, anonymous=401, outsider=404), args=_draft("own"),
          label="minh chứng xã Phú Lâm"),
    Route("api:evidence", expect(default=404, anonymous=401, administrator=200, viewer=200), args=_draft("other"),
          label="minh chứng Sở TTTT"),
    Route("api:evidence", expect(default=403, anonymous=401, administrator=201, reporter=201, outsider=404),
          method="post", args=_draft("own"), data=_pdf, label="nộp minh chứng xã Phú Lâm"),
    Route("api:evidence", expect(default=404, anonymous=401, administrator=201, viewer=403),
          method="post", args=_draft("other"), data=_pdf, label="nộp minh chứng Sở TTTT"),
    Route("api:evidence_file", expect(default=200, anonymous=401, outsider=404), args=_evidence_of("own"),
          label="tệp minh chứng xã Phú Lâm"),
    Route("api:evidence_file", expect(default=404, anonymous=401, administrator=200, viewer=200),
          args=_evidence_of("other"), label="tệp minh chứng Sở TTTT"),
    Route("api:rounds", expect(default=403, anonymous=401, administrator=201), method="post", data=_new_round),
    # Receiving another instance's results: administrators (or the api.receive_push permission) only.
    Route("api:pushes", expect(default=403, anonymous=401, administrator=200), method="post", data=_push_payload),
    Route("api:pushes", API, data=_submissions_query(None), label="nguồn số liệu trong phạm vi"),
    Route("exchange:received", expect(default=200)),
    # The account page's tokens (session only: a token cannot manage tokens).
    Route("accounts:api_tokens", expect(default=200)),
    Route("accounts:api_tokens", expect(default=200), method="post", data=lambda w: {"label": "tập lệnh"}),
    Route("accounts:api_token_revoke", expect(default=404, administrator=302, reporter=302), method="post",
          args=_reporters_token, label="mã của cán bộ xã Phú Lâm"),
]
