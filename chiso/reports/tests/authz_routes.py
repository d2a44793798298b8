"""Report URLs in the authorization matrix (chiso/accounts/tests/matrix.py).

A download for a unit outside the user's scope is a 404; without a unit the
report covers only the units the user may see, so every role gets a file.
"""

from __future__ import annotations

from chiso.accounts.tests.matrix import Route, expect


def _query(unit_attr: str | None, kind: str = "appendix", code: str = "ag-cqdt-2021"):
    def data(world) -> dict:
        from chiso.accounts.tests.helpers import bundled_framework
        from chiso.assessments.models import Value

        fw = bundled_framework(code)
        # Official figures (no round asked for them) for every unit: a report with none is not made.
        for unit in (world.agency_a, world.district, world.commune_a, world.commune_b, world.other_unit):
            for element, number in (("1.numerator", 60), ("1.denominator", 100)):
                Value.objects.get_or_create(framework=fw, unit=unit, period="2025", element=element,
                                            defaults={"number": number})
        params = {"framework": code, "period": "2025", "kind": kind, "format": "xlsx"}
        if unit_attr:
            params["unit"] = getattr(world, unit_attr).code
        return params

    return data


ALL = expect(default=200)

ROUTES = [
    Route("reports:index", ALL),
    # the reporter's own commune: everyone whose scope holds it; the outsider cannot know it exists
    Route("reports:export", expect(default=200, outsider=404), data=_query("commune_a"), label="đơn vị mình"),
    # a provincial agency: outside the district reviewer's and the commune reporter's scope
    Route("reports:export", expect(default=200, reviewer=404, reporter=404, outsider=404),
          data=_query("agency_a"), label="đơn vị khác"),
    # the district's commune matrix
    Route("reports:export", expect(default=200, reporter=404, outsider=404),
          data=_query("district", kind="matrix"), label="bảng tiêu chí của huyện"),
    # no unit: limited to what each user may see
    Route("reports:export", ALL, data=_query(None, kind="matrix"), label="phạm vi được xem"),
]


def _admins_job(world) -> tuple:
    """A finished PDF job of the administrator: nobody else may see or download it."""
    from django.core.files.base import ContentFile

    from chiso.reports.models import ReportJob

    job = ReportJob.objects.create(user=world.admin, status="done", filename="phu-luc.pdf",
                                   content_type="application/pdf", params={"format": ["pdf"]})
    job.file.save("phu-luc.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return (job.pk,)


JOB_OWNER_ONLY = expect(default=404, administrator=200)

ROUTES += [
    Route("reports:job", JOB_OWNER_ONLY, args=_admins_job, label="trang tạo tệp của quản trị viên"),
    Route("reports:job_file", JOB_OWNER_ONLY, args=_admins_job, label="tệp PDF của quản trị viên"),
]


def _portal_file(unit_attr: str):
    """A portal figure for one unit: a unit outside the user's scope reads as unknown (400, not shown)."""
    def data(world) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from chiso.accounts.tests.helpers import bundled_framework

        bundled_framework("qd766-2022")
        code = getattr(world, unit_attr).code
        body = f"Mã đơn vị,Kỳ,Chỉ số,Loại số liệu,Giá trị\n{code},2025-01,2.1,điểm,15\n".encode()
        return {"framework": "qd766-2022", "period": "2025-01", "basis": "official", "output": "page",
                "file": SimpleUploadedFile("cong.csv", body)}

    return data


ROUTES += [
    Route("reports:reconcile", ALL),
    Route("reports:reconcile", expect(default=200, outsider=400), method="post", data=_portal_file("commune_a"),
          label="đơn vị mình"),
    Route("reports:reconcile", expect(default=200, reviewer=400, reporter=400, outsider=400), method="post",
          data=_portal_file("agency_a"), label="đơn vị khác"),
]
