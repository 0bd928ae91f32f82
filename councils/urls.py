from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("councils/", views.council_list, name="list"),
    path("councils/<slug:slug>/", views.council_detail, name="detail"),
    path(
        "councils/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_new"
    ),
    path(
        "councils/<slug:slug>/members/new/", views.membership_create, name="member_new"
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/pack/", views.meeting_pack, name="pack"),
    path(
        "meetings/<int:pk>/pack/freeze/",
        views.meeting_pack_freeze,
        name="pack_freeze",
    ),
    path("packs/<int:snapshot_pk>/pdf/", views.meeting_pack_pdf, name="pack_pdf"),
    path("meetings/<int:pk>/items/new/", views.agenda_item_create, name="item_new"),
    path("items/<int:pk>/decision/", views.decision_create, name="decision_new"),
    path(
        "items/<int:pk>/attachments/new/",
        views.attachment_create,
        name="attachment_new",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("decisions/<int:pk>/amend/", views.decision_amend, name="decision_amend"),
    path("decisions/<int:pk>/plan/", views.decision_adjust_plan, name="decision_plan"),
    path("decisions/<int:pk>/actions/new/", views.follow_up_create, name="action_new"),
    path("actions/<int:pk>/status/", views.follow_up_status, name="action_status"),
]
