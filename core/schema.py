"""OpenAPI documentation helpers: the token scheme and the shared error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from .serializers import CODE_SCHEMA


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


# What the input boundary refuses (core.inputs), said in the schema, so that a
# client (and schemathesis) knows a control character is refused before
# sending one: free text keeps tab, line feed and carriage return, an address
# (a path parameter) keeps none.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
ADDRESS_PATTERN = r"^[^\u0000-\u001f\u007f]*$"


def input_rules(result, generator, request, public):
    """drf-spectacular postprocessing hook: the schema states the input rules
    every operation enforces.

    - an empty query parameter is taken as not given (``allowEmptyValue``), as
      django-filter and ``as_of`` take it;
    - text parameters and text fields of request bodies exclude control
      characters (unless a pattern, format or list of choices says more);
    - a path's ``code`` is a code (``core.codes``);
    - request bodies refuse fields they do not define (the input serializers
      are strict), and a list body needs at least one item.
    """
    components = result.get("components", {}).get("schemas", {})
    request_schemas: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _parameter_rules(parameter)
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                body = media.get("schema", {})
                if body.get("type") == "array":
                    body.setdefault("minItems", 1)
                _collect_refs(body, components, request_schemas)
    for name in request_schemas:
        _body_rules(components[name])
    return result


def _parameter_rules(parameter: dict) -> None:
    if parameter["in"] == "query":
        parameter.setdefault("allowEmptyValue", True)
    schema = parameter.get("schema", {})
    if schema.get("type") != "string":
        return
    if parameter["in"] == "path" and parameter["name"] == "code":
        schema.update(CODE_SCHEMA)
    elif not _has_rule(schema):
        in_path = parameter["in"] == "path"
        schema["pattern"] = ADDRESS_PATTERN if in_path else TEXT_PATTERN


def _has_rule(schema: dict) -> bool:
    return any(key in schema for key in ("pattern", "format", "enum"))


def _collect_refs(schema, components: dict, found: set[str]) -> None:
    """The component names a schema refers to, directly or through others."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if ref and name not in found and name in components:
                found.add(name)
                stack.append(components[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _body_rules(schema: dict) -> None:
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for field in schema.get("properties", {}).values():
        text = field.get("type") == "string" and not field.get("readOnly")
        if text and not _has_rule(field):
            field["pattern"] = TEXT_PATTERN
