"""``{{ value|ledger_number }}``: a number of the ledger in French, with the precision it was computed
at (amounts in euros: cents when there are any; rates and medians: one decimal; counts: none)."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def ledger_number(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return floatformat(value, "-2g")
    if isinstance(value, float):
        return floatformat(value, "-1g")
    return floatformat(value, "g")
