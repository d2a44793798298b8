"""The assessment URLs in the authorization matrix (see chiso/accounts/tests/matrix.py).

"Own" is the submission of commune AG-PT-PL (the reporter's unit, inside the
district reviewer's scope); "other" is the submission of the agency AG-STTTT
(outside both the reporter's and the district reviewer's scope, inside the
province viewer's). The outsider (Kiên Giang) sees neither: 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chiso.accounts.tests.matrix import Route, expect


def _setup(world: Any) -> dict[str, Any]:
    """A commune round and an agency round of the test framework, with one evidence file each."""
    cached = getattr(world, "_assessments_authz", None)
    if cached is not None:
        return cached
    from chiso.assessments.models import Submission
    from chiso.assessments.tests.workflow_world import (
        TEST_FRAMEWORK_YAML,
        add_evidence,
        store_framework_text,
    )
    from chiso.assessments.workflow import open_round

    framework = store_framework_text(TEST_FRAMEWORK_YAML)
    communes = open_round(framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.district,
                          level="commune")
    agencies = open_round(framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.agency_a)
    own = Submission.objects.get(round=communes, unit=world.commune_a)
    other = Submission.objects.get(round=agencies, unit=world.agency_a)
    cached = {
        "own": own, "other": other, "own_round": communes, "other_round": agencies,
        "own_evidence": add_evidence(own, "1"), "other_evidence": add_evidence(other, "1"),
    }
    world._assessments_authz = cached
    return cached


def _pk(key: str):
    return lambda world: (_setup(world)[key].pk,)


def _approved_own(world: Any) -> tuple:
    from chiso.assessments.models import STATUS_APPROVED, Submission

    sub = _setup(world)["own"]
    Submission.objects.filter(pk=sub.pk).update(status=STATUS_APPROVED)
    return (sub.pk,)


OWN, OTHER = "đơn vị mình", "đơn vị khác"
# Who may see a unit: own = commune AG-PT-PL, other = agency AG-STTTT.
SEE_OWN = expect(default=200, outsider=404)
SEE_OTHER = expect(default=200, reviewer=404, reporter=404, outsider=404)
EDIT_OWN = expect(default=403, administrator=302, reporter=302, outsider=404)
EDIT_OTHER = expect(default=403, administrator=302, reviewer=404, reporter=404, outsider=404)
REVIEW_OWN = expect(default=403, administrator=200, reviewer=200, outsider=404)
REVIEW_OTHER = expect(default=403, administrator=200, reviewer=404, reporter=404, outsider=404)

ROUTES: list[Route] = [
    Route("assessments:my_work", expect(default=403, administrator=200, reporter=200, outsider=200)),
    Route("assessments:submission", SEE_OWN, args=_pk("own"), label=OWN),
    Route("assessments:submission", SEE_OTHER, args=_pk("other"), label=OTHER),
    Route("assessments:submission", EDIT_OWN, method="post", args=_pk("own"),
          data=lambda w: {"action": "save"}, label=OWN),
    Route("assessments:submission", EDIT_OTHER, method="post", args=_pk("other"),
          data=lambda w: {"action": "save"}, label=OTHER),
    Route("assessments:preview", SEE_OWN, method="post", args=_pk("own"), label=OWN),
    Route("assessments:preview", SEE_OTHER, method="post", args=_pk("other"), label=OTHER),
    Route("assessments:transition", expect(default=403, administrator=302, outsider=404), method="post",
          args=_approved_own, data=lambda w: {"to": "draft", "comment": "Mở lại để sửa chỉ tiêu 3"},
          label=OWN + ", mở lại bản đã duyệt"),
    Route("assessments:evidence_upload", EDIT_OWN, method="post", args=_pk("own"), label=OWN),
    Route("assessments:evidence_upload", EDIT_OTHER, method="post", args=_pk("other"), label=OTHER),
    Route("assessments:evidence_download", SEE_OWN, args=_pk("own_evidence"), label=OWN),
    Route("assessments:evidence_download", SEE_OTHER, args=_pk("other_evidence"), label=OTHER),
    Route("assessments:evidence_delete", EDIT_OWN, method="post", args=_pk("own_evidence"), label=OWN),
    Route("assessments:evidence_delete", EDIT_OTHER, method="post", args=_pk("other_evidence"), label=OTHER),
    Route("assessments:offline_download", SEE_OWN, args=_pk("own"), label=OWN),
    Route("assessments:offline_download", SEE_OTHER, args=_pk("other"), label=OTHER),
    Route("assessments:offline_upload", EDIT_OWN, method="post", args=_pk("own"), label=OWN),
    Route("assessments:offline_upload", EDIT_OTHER, method="post", args=_pk("other"), label=OTHER),
    Route("assessments:review_queue", expect(default=403, administrator=200, reviewer=200)),
    Route("assessments:review", REVIEW_OWN, args=_pk("own"), label=OWN),
    Route("assessments:review", REVIEW_OTHER, args=_pk("other"), label=OTHER),
    Route("assessments:review", expect(default=403, administrator=302, reviewer=302, outsider=404),
          method="post", args=_pk("own"), data=lambda w: {"action": "?"}, label=OWN),
    Route("assessments:round_list", expect(default=200)),
    Route("assessments:round_create", expect(default=403, administrator=200)),
    Route("assessments:round_create", expect(default=403, administrator=200), method="post",
          data=lambda w: {"period": "2025-Q9"}, label="biểu mẫu sai"),
    Route("assessments:round_detail", SEE_OWN, args=_pk("own_round"), label=OWN),
    Route("assessments:round_detail", SEE_OTHER, args=_pk("other_round"), label=OTHER),
    Route("assessments:round_close", expect(default=403, administrator=302), method="post",
          args=_pk("own_round")),
    Route("assessments:reminders", expect(default=403, administrator=200, reviewer=200)),
    Route("assessments:reminders", expect(default=403, administrator=302, reviewer=302), method="post"),
]
