"""`chiso import_users`: commune clerks in bulk, all or nothing, one-time passwords in a file only."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from chiso.accounts.models import Profile


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_users", *args, stdout=out)
    return out.getvalue()


def test_it_creates_clerks_who_must_change_their_password(world, tmp_path):
    source = tmp_path / "can-bo.csv"
    source.write_text(
        "Tên đăng nhập,Họ tên,Email,Vai trò,Đơn vị\n"
        "xa.phulam,Nguyễn Văn An,an@phulam.gov.vn,reporter,AG-PT-PL\n"
        "huyen.phutan,Trần Thị Bình,,Thẩm định,AG-PT;AG-SNV\n", encoding="utf-8")
    secrets_file = tmp_path / "mat-khau.csv"
    out = run(str(source), "--passwords-out", str(secrets_file))
    assert "tạo mới 2 tài khoản, cập nhật 0" in out
    lines = secrets_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "username,password" and len(lines) == 3
    password = dict(line.split(",") for line in lines[1:])["xa.phulam"]
    assert password not in out  # never printed
    assert oct(os.stat(secrets_file).st_mode & 0o777) == "0o600"
    user = get_user_model().objects.get(username="xa.phulam")
    assert user.check_password(password) and (user.first_name, user.last_name) == ("Nguyễn Văn", "An")
    assert (user.profile.role, user.profile.must_change_password) == ("reporter", True)
    assert list(user.profile.scopes.values_list("code", flat=True)) == ["AG-PT-PL"]
    reviewer = Profile.objects.get(user__username="huyen.phutan")
    assert reviewer.role == "reviewer"
    assert sorted(reviewer.scopes.values_list("code", flat=True)) == ["AG-PT", "AG-SNV"]


def test_a_bad_file_names_every_row_and_column_and_writes_nothing(world, tmp_path):
    source = tmp_path / "can-bo.csv"
    source.write_text(
        "username,name,email,role,units\n"
        "xa.a,A,a@x.vn,reporter,AG-PT-PL\n"
        "xa b,B,b@x.vn,reporter,AG-PT-PL\n"
        "xa.c,C,khong-phai-email,reporter,AG-PT-PL\n"
        "xa.d,D,d@x.vn,truong-phong,AG-PT-PL\n"
        "xa.e,E,e@x.vn,reporter,AG-XX\n"
        "xa.a,A2,a2@x.vn,viewer,AG\n", encoding="utf-8")
    before = get_user_model().objects.count()
    with pytest.raises(CommandError) as caught:
        run(str(source), "--passwords-out", str(tmp_path / "p.csv"))
    message = str(caught.value)
    for expected in ("dòng 3, cột username", "dòng 4, cột email", "dòng 5, cột role", "dòng 6, cột units",
                     "'AG-XX'", "dòng 7, cột username", "đã có ở dòng 2"):
        assert expected in message
    assert get_user_model().objects.count() == before
    assert not (tmp_path / "p.csv").exists()


def test_new_accounts_need_a_passwords_file_and_a_second_run_updates(world, tmp_path):
    source = tmp_path / "can-bo.csv"
    source.write_text("username,name,email,role,units\nxa.moi,Lê Văn Mới,moi@x.vn,reporter,AG-PT-PL\n",
                      encoding="utf-8")
    with pytest.raises(CommandError, match="cần --passwords-out"):
        run(str(source))
    assert not get_user_model().objects.filter(username="xa.moi").exists()
    run(str(source), "--passwords-out", str(tmp_path / "p1.csv"))
    source.write_text("username,name,email,role,units\nxa.moi,Lê Văn Mới,moi@x.vn,viewer,AG-PT\n",
                      encoding="utf-8")
    out = run(str(source))
    assert "tạo mới 0 tài khoản, cập nhật 1" in out
    profile = Profile.objects.get(user__username="xa.moi")
    assert profile.role == "viewer" and list(profile.scopes.values_list("code", flat=True)) == ["AG-PT"]
