"""« Mon espace » blocks of the plans (included by accounts/dashboard.html, which knows no plan)."""

from django import template

from accounts.selectors import editable_territories
from plans.services.notifications import wants_emails

register = template.Library()


@register.inclusion_tag("plans/includes/dashboard.html", takes_context=True)
def plans_dashboard(context):
    user = context["user"]
    can_follow_plans = user.has_perm("plans.view_overview")
    # The plans' emails go to those who follow plans (coordinators, national team) and to each plan's
    # team: to anyone else (an operator, a contacts team member) the block would offer a setting that
    # does nothing.
    concerned = can_follow_plans or editable_territories(user).exists()
    return {
        "concerned": concerned,
        "csrf_token": context.get("csrf_token"),
        "can_follow_plans": can_follow_plans,
        "wants_emails": concerned and wants_emails(user),
    }
