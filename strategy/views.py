from django.shortcuts import render

from core.roles import DASHBOARD_READERS, role_required

from .selectors import strategy_overview


@role_required(*DASHBOARD_READERS)
def overview(request):
    ctx = {"overview": strategy_overview()}
    return render(request, "strategy/overview.html", ctx)
