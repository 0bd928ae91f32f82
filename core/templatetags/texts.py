"""``{{ goal|in_language:"title" }}``, ``{{ goal|plain_in_language:"title" }}``:
see core.texts."""

from django import template

from core import texts

register = template.Library()
register.filter("in_language", texts.in_language)
register.filter("plain_in_language", texts.plain_in_language)
register.filter("choice_in_language", texts.choice_in_language)
register.filter("role_labels", texts.role_labels)
register.filter("role_label", texts.role_label)
