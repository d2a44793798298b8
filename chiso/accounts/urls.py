from django.urls import path

from chiso.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tai-khoan/doi-mat-khau/", views.PasswordChange.as_view(), name="password_change"),
    path("tai-khoan/ma-api/", views.api_tokens, name="api_tokens"),
    path("tai-khoan/ma-api/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
    path("quan-tri/nguoi-dung/", views.user_list, name="user_list"),
    path("quan-tri/nguoi-dung/them/", views.user_create, name="user_create"),
    path("quan-tri/nguoi-dung/nhap/", views.user_import, name="user_import"),
    path("quan-tri/nguoi-dung/<int:pk>/", views.user_edit, name="user_edit"),
    path("quan-tri/nguoi-dung/<int:pk>/trang-thai/", views.user_set_active, name="user_set_active"),
    path("quan-tri/nguoi-dung/<int:pk>/dat-lai-mat-khau/", views.user_password_reset,
         name="user_password_reset"),
    path("quan-tri/don-vi/", views.unit_tree, name="unit_tree"),
    path("quan-tri/don-vi/them/", views.unit_create, name="unit_create"),
    path("quan-tri/don-vi/nhap/", views.unit_import, name="unit_import"),
    path("quan-tri/don-vi/<str:code>/", views.unit_edit, name="unit_edit"),
    path("quan-tri/don-vi/<str:code>/trang-thai/", views.unit_set_active, name="unit_set_active"),
    path("quan-tri/bo-chi-tieu/", views.framework_list, name="framework_list"),
    path("quan-tri/bo-chi-tieu/tai-len/", views.framework_upload, name="framework_upload"),
    path("quan-tri/bo-chi-tieu/<int:pk>/", views.framework_detail, name="framework_detail"),
]
