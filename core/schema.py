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

NOT_FOUND = {404: OpenApiResponse(ErrorOutput, description="No such resource.")}
BAD_REQUEST = {
    400: OpenApiResponse(ErrorOutput, description="Invalid input; see details.")
}
# Every operation can meet these: any query parameter may be invalid (400) and
# a page past the end of a list does not exist (404).
READ_ERRORS = {
    **BAD_REQUEST,
    401: OpenApiResponse(ErrorOutput, description="No key, unknown or revoked key."),
    403: OpenApiResponse(ErrorOutput, description="The role does not allow this."),
    **NOT_FOUND,
    429: OpenApiResponse(ErrorOutput, description="Throttled; see Retry-After."),
}
UNSUPPORTED = {415: OpenApiResponse(ErrorOutput, description="Send application/json.")}
CONFLICT = {
    409: OpenApiResponse(ErrorOutput, description="The current state forbids it.")
}
TOO_LARGE = {
    413: OpenApiResponse(ErrorOutput, description="Too many items; see message.")
}
WRITE_ERRORS = {**BAD_REQUEST, **UNSUPPORTED}


def page_of(serializer_class) -> serializers.Serializer:
    """The documented shape of ``core.api.paginated``: one page of results."""
    return inline_serializer(
        name=f"{serializer_class.__name__}Page",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def page_example(*results: dict) -> dict:
    return {"count": len(results), "next": None, "previous": None, "results": results}


def documented(
    *,
    summary: str,
    response,
    errors: dict | None = None,
    success: int = 200,
    **kwargs,
):
    """extend_schema with the success response and the shared error responses."""
    return extend_schema(
        summary=summary,
        responses={success: response, **READ_ERRORS, **(errors or {})},
        **kwargs,
    )
