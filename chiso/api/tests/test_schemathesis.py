"""Schemathesis against /api/v1/openapi.json: no 5xx and every answer matches its documented schema.

Generated requests (a fixed seed, a few examples per operation) go through the
whole Django stack in-process (WSGI) as an administrator's token, on a world
with a framework, a round and submissions, so reads find rows to describe. Only
reads and the writes that have a dry run (``POST /values``, ``POST /pushes``),
forced to ``dry_run=true``, are exercised: real writes would make the run
depend on the order of examples.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from chiso.api.models import ApiToken
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.conftest import client_for
from chiso.wsgi import application

EXAMPLES = 25  # per operation: bounded so the whole run stays well under a minute on two cores
DRY_RUN_WRITES = ("/values", "/pushes")  # writes with dry_run=true: exercised, never written


@pytest.fixture
def api_schema(world, own_submission, other_submission, settings):  # noqa: F811
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # the generated burst is not what is under test here
    _, raw = ApiToken.issue(world.admin, label="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    # The document as served (it is behind the login page: the province's integrators read it signed in).
    document = client_for(world.admin).get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    # The WSGI application closes the database connection after each request, which on PostgreSQL ends the
    # test's transaction; Django's own test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield headers, schema.include(lambda ctx: ctx.operation.method.upper() == "GET" or (
            ctx.operation.method.upper() == "POST" and ctx.operation.path.endswith(DRY_RUN_WRITES)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_answers_within_its_openapi_document(api_schema):
    """Every selected operation, a fixed number of derandomized examples each; all failures listed at once."""
    headers, api_schema = api_schema
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8  # the reads and POST /values: a filter that selects nothing proves nothing
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            if case.method == "POST":
                case.query = {**(case.query or {}), "dry_run": "true"}
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_answers_on_real_rows_match_the_openapi_document(api_schema, own_submission):
    """Random codes mostly meet 404s; these cases name the world's real rows, so the 200 answers are checked too."""
    headers, api_schema = api_schema
    known = {"framework": "web-thu-nghiem", "period": "2025"}
    push = {"format": "chiso-push/1", "instance": "Chỉ Số Kiên Giang", "framework": "web-thu-nghiem",
            "period": "2025", "basis": "official", "pushed_at": "2026-12-02T10:00:00+07:00",
            "units": [{"code": "KG-SNV", "status": "incomplete", "met": 1, "applicable": 3,
                       "values": {"2.value": True}}]}
    cases = {
        "GET /api/v1/frameworks": {"query": {"limit": 1}},
        "GET /api/v1/units": {"query": {"level": "commune"}},
        "GET /api/v1/evaluations": {"query": known},
        "GET /api/v1/metrics": {"query": {"source": "dossiers", "period": "2025"}},
        "GET /api/v1/submissions": {"query": known},
        "GET /api/v1/submissions/{submission_id}/evidence": {"path_parameters": {"submission_id": own_submission.pk}},
        "POST /api/v1/values": {"query": {**known, "dry_run": "true"}, "body": [
            {"unit": "AG-PT-PL", "period": "2025", "element": "1.numerator", "value": "54.919"}], "media_type": "application/json"},
        "GET /api/v1/pushes": {"query": known},
        "POST /api/v1/pushes": {"query": {"dry_run": "true"}, "body": push, "media_type": "application/json"},
    }
    statuses = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        key = f"{operation.method.upper()} {operation.path}"
        if key in cases:
            case = operation.Case(**cases[key])
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            statuses[key] = response.status_code
    assert statuses == dict.fromkeys(cases, 200)
