"""API URLs in the authorization matrix: any role, only its own units; 401 without a session."""

from __future__ import annotations

from chiso.accounts.tests.matrix import Route, expect

API = expect(default=200, anonymous=401)
DOCS = expect(default=200, anonymous=302)


def _query(unit_code: str | None, **extra: str):
    def data(world) -> dict:
        from chiso.accounts.tests.helpers import bundled_framework

        bundled_framework("ag-cqdt-2021")
        return {**extra, **({"unit": unit_code} if unit_code else {})}
    return data


EVAL = {"framework": "ag-cqdt-2021", "period": "2024"}
METRICS = {"source": "dossiers", "period": "2024"}
# AG-PT-PL is in the scope of the district reviewer, the commune's reporter and the province viewer.
OWN = expect(default=200, anonymous=401, outsider=404)
OTHER = expect(default=404, anonymous=401, administrator=200, outsider=200)  # KG-SNV

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
]
