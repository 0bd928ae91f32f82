"""OpenAPI documentation helpers: the token scheme and the shared error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (keys: `manage.py create_api_key`).",
        }


ErrorOutput = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "details": serializers.JSONField(required=False),
            },
        )
    },
)

READ_ERRORS = {
    401: OpenApiResponse(ErrorOutput, description="No key, unknown or revoked key."),
    403: OpenApiResponse(ErrorOutput, description="The role does not allow this."),
    429: OpenApiResponse(ErrorOutput, description="Throttled; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorOutput, description="No such resource.")}


def documented(*, summary: str, response, errors: dict | None = None, **kwargs):
    """extend_schema with the success response and the shared error responses."""
    return extend_schema(
        summary=summary,
        responses={200: response, **READ_ERRORS, **(errors or {})},
        **kwargs,
    )
