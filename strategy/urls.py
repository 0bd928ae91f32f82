from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("goals/<str:code>/", views.goal_detail, name="goal"),
    path("plan/", views.plan_versions, name="plan"),
]
