from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.schema import documented

from .models import Council
from .serializers import CouncilOutput


@documented(summary="The councils", response=CouncilOutput(many=True))
@api_view(["GET"])
def council_list(request):
    return Response(CouncilOutput(Council.objects.all(), many=True).data)
