"""« Mon espace » blocks of the plans (included by accounts/dashboard.html, which knows no plan)."""

from django import template

from plans.services.notifications import wants_emails

register = template.Library()


@register.inclusion_tag("plans/includes/dashboard.html", takes_context=True)
def plans_dashboard(context):
    user = context["user"]
    return {
        "csrf_token": context.get("csrf_token"),
        "can_follow_plans": user.has_perm("plans.view_overview"),
        "wants_emails": wants_emails(user),
    }
