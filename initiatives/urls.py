from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("roadmap/", views.roadmap, name="roadmap"),
    path(
        "roadmap/deliveries/",
        views.roadmap_deliveries,
        name="roadmap_deliveries",
    ),
    path("roadmap/import/", views.roadmap_upload, name="roadmap_upload"),
    path(
        "roadmap/imports/<int:pk>/",
        views.roadmap_import_detail,
        name="roadmap_import_detail",
    ),
    path("initiatives/", views.initiative_list, name="list"),
    path("initiatives/<str:code>/", views.initiative_detail, name="detail"),
    path("initiatives/<str:code>/edit/", views.initiative_edit, name="edit"),
    path(
        "initiatives/<str:code>/report/",
        views.status_report_edit,
        name="status_report",
    ),
]
