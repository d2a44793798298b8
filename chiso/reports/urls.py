from django.urls import path

from chiso.reports import reconcile_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-ve/", views.export, name="export"),
    path("tao-tep/<int:pk>/", views.job, name="job"),
    path("tao-tep/<int:pk>/tai-ve/", views.job_file, name="job_file"),
    path("doi-chieu/", reconcile_views.reconcile_page, name="reconcile"),
]
