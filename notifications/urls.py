from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.preferences, name="preferences"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
]
