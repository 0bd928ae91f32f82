from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("new/", views.indicator_create, name="create"),
    path("approvals/", views.approval_queue, name="approvals"),
    path("export/", views.export, name="export"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<str:code>/", views.indicator_detail, name="detail"),
    path("<str:code>/edit/", views.indicator_edit, name="edit"),
    path("<str:code>/values/", views.value_enter, name="value_enter"),
    path("<str:code>/values/<int:pk>/submit/", views.value_submit, name="value_submit"),
]
