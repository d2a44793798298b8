"""Every dashboard page fits a 375 px phone: no sideways scrolling of the page itself.

Tables scroll inside their own box, charts take the screen's width, cards stack. One
screenshot per page goes to var/screenshots/ (``telefon-*.png``) for a person to look at.
"""

import os

import pytest
from django.core.management import call_command

from chiso.accounts.models import ROLE_ADMIN
from chiso.conftest import WORLD_PASSWORD, make_user
from chiso.web.tests.browser import SHOTS, chromium, new_page

from .helpers import load_framework

PHONE = 375
PAGES = [  # (name, address, something the page must show)
    ("tong-quan", "/bang-dieu-khien/", ".chart[data-chart='levels'][data-drawn] svg"),
    ("ma-tran", "/bang-dieu-khien/ma-tran/", "#matrix"),
    ("don-vi", "/bang-dieu-khien/don-vi/{commune}/", "#indicators"),
    ("tieu-chi-vuong", "/bang-dieu-khien/tieu-chi-vuong/", ".chart[data-chart='blocking'][data-drawn] svg"),
    ("ke-hoach", "/bang-dieu-khien/ke-hoach/", "#plans"),
    ("du-bao", "/bang-dieu-khien/du-bao/", ".chart[data-chart='forecast'][data-drawn] svg"),
    ("xep-hang", "/bang-dieu-khien/xep-hang/", "main h1"),
]


@pytest.mark.browser
def test_every_dashboard_page_fits_a_375_px_phone(live_server, db):
    from chiso.units.models import Unit

    load_framework("ag-cqdt-2021")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    make_user("lanhdao_tinh", ROLE_ADMIN, first_name="Lãnh đạo")
    commune = Unit.objects.filter(level="commune", active=True).order_by("path").first().code
    base = live_server.url
    widths = {}
    with chromium() as browser:
        page = new_page(browser, width=PHONE, height=812)
        page.goto(base + "/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill("lanhdao_tinh")
        page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")
        for name, address, ready in PAGES:
            page.goto(base + address.format(commune=commune))
            page.wait_for_selector(ready)
            page.screenshot(path=str(SHOTS / f"telefon-{name}.png"), full_page=True)
            widths[name] = page.evaluate("document.documentElement.scrollWidth")
        errors = list(page.js_errors)
        page.context.close()
    assert widths == {name: PHONE for name, _a, _r in PAGES}
    assert errors == []
