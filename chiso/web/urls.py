from django.contrib.auth import views as auth_views
from django.urls import path

from chiso.accounts.lockout_views import user_unlock_login
from chiso.web import views
from chiso.web.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Logout is POST only (Django's LogoutView): a link cannot log anyone out.
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # On the administrator's user page (chiso.accounts.lockout_views).
    path("quan-tri/nguoi-dung/<int:pk>/mo-khoa-dang-nhap/", user_unlock_login, name="user_unlock_login"),
]
