from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import Council
from .serializers import CouncilOutput


@extend_schema(responses=CouncilOutput(many=True), summary="The councils")
@api_view(["GET"])
def council_list(request):
    return Response(CouncilOutput(Council.objects.all(), many=True).data)
