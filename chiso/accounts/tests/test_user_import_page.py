"""The user administration page's bulk upload: `chiso import_users`'s file and rules, on the web.

All or nothing with the row and column named in Vietnamese; the one-time
passwords offered once as a download (a data: link in the answer, never stored,
never logged); administrators only.
"""

from __future__ import annotations

import base64
import logging
import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.conftest import client_for

URL = "/quan-tri/nguoi-dung/nhap/"
GOOD = ("Tên đăng nhập,Họ tên,Email,Vai trò,Đơn vị\n"
        "xa.phulam,Nguyễn Văn An,an@phulam.gov.vn,Báo cáo,AG-PT-PL\n"
        "huyen.phutan,Trần Thị Bình,,reviewer,AG-PT;AG-SNV\n"
        "viewer,Lãnh đạo UBND tỉnh,lanhdao@angiang.gov.vn,Theo dõi,AG\n")


def upload(client, text: str, name: str = "can-bo.csv", dry_run: bool = False):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(URL, data)


def passwords_of(response) -> dict[str, str]:
    """username → one-time password, decoded from the page's download link."""
    found = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="(mat-khau-mot-lan-[\d-]+\.csv)"',
                      response.content.decode())
    assert found, "no download link"
    lines = base64.b64decode(found.group(1)).decode("utf-8").splitlines()
    assert lines[0] == "username,password"
    return dict(line.split(",", 1) for line in lines[1:])


def test_the_administrator_uploads_clerks_and_gets_their_passwords_once_as_a_download(world, caplog):
    caplog.set_level(logging.DEBUG)
    response = upload(client_for(world.admin), GOOD)
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "can-bo.csv: tạo mới 2 tài khoản, cập nhật 1 tài khoản" in text
    passwords = passwords_of(response)
    assert sorted(passwords) == ["huyen.phutan", "xa.phulam"]
    users = get_user_model().objects
    clerk = users.get(username="xa.phulam")
    assert clerk.check_password(passwords["xa.phulam"])
    assert (clerk.profile.role, clerk.profile.must_change_password, clerk.get_full_name()) == (
        "reporter", True, "Nguyễn Văn An")
    assert sorted(users.get(username="huyen.phutan").profile.scopes.values_list("code", flat=True)) == [
        "AG-PT", "AG-SNV"]
    viewer = users.get(username="viewer")
    assert (viewer.email, viewer.check_password(world.password)) == ("lanhdao@angiang.gov.vn", True)
    # The passwords are in that one answer only: not in a log line, not in a flash message kept for later.
    for password in passwords.values():
        assert password not in caplog.text
        assert password not in client_for(world.admin).get("/quan-tri/nguoi-dung/").content.decode()


def test_a_refused_file_names_row_and_column_in_vietnamese_and_writes_nothing(world):
    before = get_user_model().objects.count()
    bad = ("username,name,email,role,units\n"
           "xa.a,A,a@x.vn,reporter,AG-PT-PL\n"
           "xa b,B,b@x.vn,reporter,AG-PT-PL\n"
           "xa.c,C,khong-phai-email,reporter,AG-PT-PL\n"
           "xa.d,D,d@x.vn,truong-phong,AG-XX\n")
    response = upload(client_for(world.admin), bad)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Tệp có 4 lỗi; chưa ghi gì vào hệ thống:" in text
    rows = re.findall(r"<tr><td>can-bo.csv</td><td class=\"num\">(\d+)</td><td>(\w+)</td><td>([^<]+)</td></tr>",
                      text)
    assert [(r, c) for r, c, _m in rows] == [("3", "username"), ("4", "email"), ("5", "role"), ("5", "units")]
    assert "địa chỉ thư &#x27;khong-phai-email&#x27; không hợp lệ" in text
    assert get_user_model().objects.count() == before
    assert "data:text/csv" not in text


def test_a_check_only_upload_says_what_it_would_do_and_writes_nothing(world):
    response = upload(client_for(world.admin), GOOD, dry_run=True)
    text = response.content.decode()
    assert "can-bo.csv (chạy thử, chưa ghi gì): tạo mới 2 tài khoản, cập nhật 1 tài khoản" in text
    assert "data:text/csv" not in text
    assert not get_user_model().objects.filter(username="xa.phulam").exists()


def test_only_administrators_may_upload_accounts(world):
    for user in (world.reviewer_tinh, world.viewer, world.reporter):
        assert client_for(user).get(URL).status_code == 403
        assert upload(client_for(user), GOOD).status_code == 403
    assert not get_user_model().objects.filter(username="xa.phulam").exists()
    assert client_for(None).get(URL).status_code == 302
