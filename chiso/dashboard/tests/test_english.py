"""The English language choice covers the dashboard's layout and overview, not only the menu."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command

from chiso.accounts.models import ROLE_ADMIN
from chiso.conftest import client_for, make_user

from .helpers import load_framework


def test_the_overview_in_english(db):
    load_framework("ag-cqdt-2021")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    client = client_for(make_user("leader", ROLE_ADMIN))
    vi = client.get("/bang-dieu-khien/").content.decode()
    assert "Tổng quan hoàn thiện chính quyền điện tử" in vi and "Theo cấp, so với mục tiêu" in vi
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get("/bang-dieu-khien/").content.decode()
    for words in ("E-government completion overview", "By level, against the target", "Share of units complete",
                  "Over the periods", "Units by number of criteria met", "Blocking criteria", "Official figures"):
        assert words in en, words
    for words in ("Tổng quan hoàn thiện chính quyền điện tử", "Theo cấp, so với mục tiêu", "Tiêu chí vướng",
                  "Số liệu chính thức"):
        assert words not in en, words
    # The other dashboard pages too.
    for address, words in (("ma-tran/", "Units × criteria matrix"), ("tieu-chi-vuong/", "The criteria most units"),
                           ("ke-hoach/", "Plan to reach the target"), ("du-bao/", "Forecast of reaching the target"),
                           ("xep-hang/", "Ranking by score"), ("don-vi/AG-PT-TT/", "Result of each indicator")):
        page = client.get("/bang-dieu-khien/" + address).content.decode()
        assert words in page, address
