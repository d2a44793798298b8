"""URLs of rounds, data entry, evidence, review and reminders (mounted under /danh-gia/)."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("viec-cua-toi/", views.my_work, name="my_work"),
    path("bao-cao/<int:pk>/", views.submission, name="submission"),
    path("bao-cao/<int:pk>/xem-truoc/", views.preview, name="preview"),
    path("bao-cao/<int:pk>/chuyen-trang-thai/", views.transition, name="transition"),
    path("bao-cao/<int:pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("bao-cao/<int:pk>/bieu-mau.xlsx", views.offline_download, name="offline_download"),
    path("bao-cao/<int:pk>/tai-len-bieu-mau/", views.offline_upload, name="offline_upload"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("minh-chung/<int:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
    path("tham-dinh/", views.review_queue, name="review_queue"),
    path("tham-dinh/<int:pk>/", views.review, name="review"),
    path("dot/", views.round_list, name="round_list"),
    path("dot/mo/", views.round_create, name="round_create"),
    path("dot/<int:pk>/", views.round_detail, name="round_detail"),
    path("dot/<int:pk>/dong/", views.round_close, name="round_close"),
    path("nhac-nho/", views.reminders, name="reminders"),
]
