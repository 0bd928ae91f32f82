"""Requests made by htmx (the page's JavaScript) rather than by the browser."""


def is_htmx(request) -> bool:
    """True for a request htmx made: it gets a fragment, not a whole page."""
    return request.headers.get("HX-Request") == "true"
