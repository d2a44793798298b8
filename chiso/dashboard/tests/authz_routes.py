"""Dashboard URLs in the authorization matrix (see chiso/accounts/tests/matrix.py).

Every page is for any role, scoped to the user's units; a unit or area outside
the scope is 404. ``_data`` stores values for the world's units first so the
pages and exports have something to show.
"""

from __future__ import annotations

from chiso.accounts.tests.matrix import Route, expect

ALL = expect(default=200)


def _data(world) -> None:
    from chiso.dashboard.tests.helpers import all_met, load_framework, put

    fw = load_framework("ag-cqdt-2021")
    if not fw.values.exists():
        for unit in (world.agency_a, world.agency_b, world.district, world.commune_a, world.commune_b,
                     world.other_unit):
            put(fw, unit, "2024", all_met(fw) | ({"1.numerator": 100} if unit == world.agency_b else {}))


def _args(*args):
    def build(world):
        _data(world)
        return tuple(a(world) if callable(a) else a for a in args)
    return build


ROUTES = [
    Route("dashboard:overview", ALL, args=_args()),
    Route("dashboard:matrix", ALL, args=_args()),
    Route("dashboard:blocking", ALL, args=_args()),
    Route("dashboard:planner", ALL, args=_args()),
    Route("dashboard:forecast", ALL, args=_args()),
    Route("dashboard:ranking", ALL, args=_args()),
    Route("dashboard:planner_export", ALL, args=_args("csv"), label="CSV"),
    Route("dashboard:planner_export", ALL, args=_args("xlsx"), label="XLSX"),
    Route("dashboard:area", expect(default=200, reporter=404, outsider=404),
          args=_args(lambda w: w.district.code), label="địa bàn huyện"),
    Route("dashboard:unit", expect(default=200, outsider=404),
          args=_args(lambda w: w.commune_a.code), label="đơn vị mình"),
    Route("dashboard:unit", expect(default=200, reviewer=404, reporter=404, outsider=404),
          args=_args(lambda w: w.agency_a.code), label="đơn vị khác"),
    Route("dashboard:unit", expect(default=404, anonymous=302),
          args=_args(lambda w: "KHONG-CO"), label="mã không tồn tại"),
]
