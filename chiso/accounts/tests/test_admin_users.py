"""Administration of users: create with role and scope, edit, lock, reset password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chiso.accounts.models import ROLE_REPORTER, ROLE_REVIEWER, Profile
from chiso.accounts.permissions import visible_units

pytestmark = pytest.mark.django_db
User = get_user_model()


def new_user_data(world, **over):
    data = {
        "username": "phulam.moi", "full_name": "Nguyễn Văn Mới", "email": "moi@phulam.gov.vn",
        "phone": "0296 3800 000", "position": "Công chức Văn phòng – Thống kê",
        "role": ROLE_REPORTER, "scopes": [world.commune_a.pk],
        "password1": "Phu-Lam-Khoi-Dau-1", "password2": "Phu-Lam-Khoi-Dau-1",
    }
    data.update(over)
    return data


def test_the_list_shows_each_user_with_role_and_scope(administrator_client):
    html = administrator_client.get("/quan-tri/nguoi-dung/").content.decode()
    assert "10 tài khoản" in html
    row = re.search(r"rep_ag_pt_pl</a></td>.*?</tr>", html, re.S).group(0)
    assert "Báo cáo" in row and "UBND xã Phú Lâm" in row


def test_the_list_filters_by_role_and_by_unit(administrator_client):
    html = administrator_client.get("/quan-tri/nguoi-dung/", {"role": ROLE_REVIEWER}).content.decode()
    assert "2 tài khoản" in html and ">reviewer<" in html and ">reviewer_tinh<" in html
    html = administrator_client.get("/quan-tri/nguoi-dung/", {"q": "Phú Mỹ"}).content.decode()
    assert "1 tài khoản" in html and "rep_ag_pt_pt" in html


def test_an_administrator_creates_a_reporter_who_then_sees_only_their_commune(world, administrator_client):
    resp = administrator_client.post("/quan-tri/nguoi-dung/them/", new_user_data(world))
    assert resp.status_code == 302
    user = User.objects.get(username="phulam.moi")
    assert user.first_name == "Nguyễn Văn Mới" and user.check_password("Phu-Lam-Khoi-Dau-1")
    assert user.profile.role == ROLE_REPORTER and user.profile.must_change_password
    assert list(visible_units(user).values_list("code", flat=True)) == ["AG-PT-PL"]


def test_creating_a_user_checks_password_policy_username_and_scope(world, administrator_client):
    resp = administrator_client.post("/quan-tri/nguoi-dung/them/", new_user_data(
        world, username="viewer", scopes=[], password1="123", password2="456"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Tên đăng nhập viewer đã có người dùng." in html
    assert "Hãy chọn ít nhất một đơn vị cho vai trò này." in html
    assert "Hai lần nhập mật khẩu không khớp." in html
    resp = administrator_client.post("/quan-tri/nguoi-dung/them/", new_user_data(
        world, password1="12345678901", password2="12345678901"))
    assert resp.status_code == 200
    assert not User.objects.filter(username="phulam.moi").exists()


def test_editing_a_user_changes_role_and_scope(world, administrator_client):
    url = f"/quan-tri/nguoi-dung/{world.reporter.pk}/"
    page = administrator_client.get(url).content.decode()
    assert 'value="rep_ag_pt_pl"' in page
    assert "mật khẩu ban đầu" not in page.lower()
    resp = administrator_client.post(url, {
        "username": "rep_ag_pt_pl", "full_name": "Trần Thị Thẩm Định", "email": "",
        "role": ROLE_REVIEWER, "scopes": [world.district.pk, world.agency_b.pk],
    })
    assert resp.status_code == 302
    user = User.objects.get(pk=world.reporter.pk)
    assert user.profile.role == ROLE_REVIEWER and user.first_name == "Trần Thị Thẩm Định"
    assert sorted(visible_units(user).values_list("code", flat=True)) == [
        "AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV"
    ]


def test_a_locked_account_cannot_log_in_and_can_be_unlocked(world, administrator_client):
    url = f"/quan-tri/nguoi-dung/{world.reporter.pk}/trang-thai/"
    assert administrator_client.post(url, {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=world.reporter.pk).is_active
    login = Client().post("/dang-nhap/", {"username": "rep_ag_pt_pl", "password": world.password})
    assert login.status_code == 200
    administrator_client.post(url, {"active": "1"})
    assert User.objects.get(pk=world.reporter.pk).is_active


def test_an_administrator_cannot_lock_themselves(world, administrator_client):
    administrator_client.post(f"/quan-tri/nguoi-dung/{world.admin.pk}/trang-thai/", {"active": "0"})
    assert User.objects.get(pk=world.admin.pk).is_active


def test_a_password_reset_shows_a_temporary_password_once_and_forces_a_change(world, administrator_client):
    url = f"/quan-tri/nguoi-dung/{world.reporter.pk}/dat-lai-mat-khau/"
    html = administrator_client.post(url).content.decode()
    temp = re.search(r'<code id="new-password">([^<]+)</code>', html).group(1)
    user = User.objects.get(pk=world.reporter.pk)
    assert user.check_password(temp) and not user.check_password(world.password)
    assert Profile.objects.get(user=user).must_change_password
    c = Client()
    assert c.post("/dang-nhap/", {"username": "rep_ag_pt_pl", "password": temp}).status_code == 302
    assert c.get("/")["Location"] == "/tai-khoan/doi-mat-khau/"
