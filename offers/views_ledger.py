"""The operators' ledger (/registre/), its exports, the operators' list of fitting actions, and the
dismissal of a suggested service. Thin: the numbers come from offers/services/ledger.py, the fits from
offers/services/suggestions.py, the permissions from offers/rules.py (section « Ledger »)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import xlsxwriter
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from core.authz import permission_required
from core.exports import neutralize_row
from geo.models import Departement, Region
from offers.models import Operator, Service
from offers.services import suggestions
from offers.services.ledger import (
    DIMENSIONS,
    compute_ledger,
    operators_of,
    visible_requests,
)
from plans.models import Action, Axis
from territories.models import Phase, Territory

GROUPINGS = {
    "operateur": ("Par opérateur", ("operator",)),
    "territoire": ("Par territoire", ("territory",)),
    "axe": ("Par axe", ("axis",)),
    "phase": ("Par phase", ("phase",)),
    "operateur-territoire": ("Par opérateur et territoire", ("operator", "territory")),
    "operateur-axe": ("Par opérateur et axe", ("operator", "axis")),
    "detail": ("Par opérateur, territoire, axe et phase", DIMENSIONS),
}
DEFAULT_GROUPING = "operateur"
ROWS_PER_PAGE = 100
EXPORT_FORMATS = {"csv", "xlsx"}


# DsfrBaseForm: its widgets get the DSFR classes (fr-select); a bare Form's selects showed as
# plain text under their labels (walk of 2026-12-04).
class LedgerFilterForm(DsfrBaseForm):
    operateur = forms.ModelChoiceField(
        Operator.objects.none(), required=False, label="Opérateur", empty_label="Tous"
    )
    region = forms.ModelChoiceField(
        # Only the names: the contours (megabytes of GeoJSON) took 0.6 s to decode on each page.
        Region.objects.only("code", "name"),
        required=False,
        label="Région",
        empty_label="Toutes",
    )
    departement = forms.ModelChoiceField(
        Departement.objects.only("code", "name").order_by("code"),
        required=False,
        label="Département",
        empty_label="Tous",
    )
    axe = forms.ChoiceField(
        choices=[("", "Tous")] + list(Axis.choices), required=False, label="Axe"
    )
    phase = forms.ModelChoiceField(
        Phase.objects.all(), required=False, label="Phase", empty_label="Toutes"
    )
    regroupement = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in GROUPINGS.items()],
        required=False,
        label="Regrouper",
    )

    def __init__(self, data, operators):
        super().__init__(data)
        self.fields["operateur"].queryset = operators

    def apply(self, requests):
        """The requests once filtered, and the grouping chosen: an invalid value (an operator outside
        the person's scope...) is ignored, shown as an error, and the valid ones still apply."""
        values = self.cleaned_data if self.is_bound and (self.is_valid() or True) else {}
        if values.get("operateur"):
            requests = requests.filter(operator=values["operateur"])
        if values.get("region"):
            requests = requests.filter(
                territory__in=Territory.objects.filter(regions=values["region"]).values("pk")
            )
        if values.get("departement"):
            requests = requests.filter(
                territory__in=Territory.objects.filter(departements=values["departement"]).values(
                    "pk"
                )
            )
        if values.get("axe"):
            requests = requests.filter(action__axis=values["axe"])
        if values.get("phase"):
            requests = requests.filter(territory__phase=values["phase"])
        grouping = values.get("regroupement") or DEFAULT_GROUPING
        return requests, grouping


def _operators_choice(user):
    from accounts.permissions import is_staff_reader

    if is_staff_reader(user):
        return Operator.objects.all()
    return Operator.objects.filter(
        pk__in=visible_requests(user).values("operator_id")
    ) | operators_of(user)


def _ledger_for(request, window=None):
    form = LedgerFilterForm(request.GET or None, _operators_choice(request.user))
    requests, grouping = form.apply(visible_requests(request.user))
    return form, grouping, compute_ledger(requests, GROUPINGS[grouping][1], window), requests


@permission_required("offers.view_ledger")
def ledger(request):
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    window = ((number - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE)
    form, grouping, result, requests = _ledger_for(request, window)
    # Only the page's rows are computed; the paginator counts every row.
    page = Paginator(range(result.row_count), ROWS_PER_PAGE).get_page(number)
    if page.number != number:  # past the last page: show the last one
        result = compute_ledger(
            requests, GROUPINGS[grouping][1], ((page.number - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE)
        )
    table = result.table()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offers/ledger/ledger.html",
        {
            "title": "Registre des opérateurs",
            "form": form,
            "grouping_label": GROUPINGS[grouping][0],
            "ledger": result,
            "headers": result.headers,
            "dimension_count": len(result.group_by),
            "page": page,
            "lines": table[:-1],
            "totals": table[-1],
            "query": query.urlencode(),
        },
    )


def _cell(value):
    return "" if value is None else value


def _csv(headers, table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registre-operateurs.csv"'
    response.write("\ufeff")  # lets spreadsheet software read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for line in table:
        writer.writerow(neutralize_row([_cell(value) for value in line]))
    return response


def _xlsx(headers, table) -> HttpResponse:
    stream = io.BytesIO()
    workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
    sheet = workbook.add_worksheet("Registre")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
        sheet.set_column(column, column, 18)
    for number, line in enumerate(table, start=1):
        for column, value in enumerate(neutralize_row(line)):
            # Written by type, never through write(), which turns text into formulas or links.
            if value is None or value == "":
                continue
            if isinstance(value, (int, float, Decimal)):
                sheet.write_number(number, column, float(value))
            else:
                sheet.write_string(number, column, str(value))
    workbook.close()
    response = HttpResponse(
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="registre-operateurs.xlsx"'
    return response


@permission_required("offers.view_ledger")
def ledger_export(request, fmt):
    """Every row of the ledger as shown (same filters, same grouping), then the totals."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format inconnu.")
    _, _, result, _ = _ledger_for(request)
    return (_csv if fmt == "csv" else _xlsx)(result.headers, result.table())


# --- Operators: actions that fit their services ---------------------------------------------------

ACTIONS_PER_SERVICE = 20
SERVICES_PER_PAGE = 10
FITTING_FIELDS = (
    "code",
    "title",
    "axis",
    "carrier_kind",
    "maturity",
    "plan__territory__name",
    "plan__territory__ti_id",
)


@permission_required("offers.view_fitting_actions")
def fitting_actions(request):
    from accounts.permissions import is_staff_reader

    choices = (
        Operator.objects.all() if is_staff_reader(request.user) else operators_of(request.user)
    )
    choices = list(choices)
    wanted = request.GET.get("operateur", "")
    operator = next((o for o in choices if o.slug == wanted), choices[0] if choices else None)
    services, page = [], None
    if operator is not None:
        # Ten services a page, each costing two queries on the actions: the 100 services of one
        # operator of the 10x programme took 8 s on one page, 0.65 s a page of ten (performance.md).
        page = Paginator(
            Service.objects.open_now().filter(operator=operator).order_by("title", "pk"),
            SERVICES_PER_PAGE,
        ).get_page(request.GET.get("page"))
        for service in page:
            actions = suggestions.fitting_actions(service)
            services.append(
                (
                    service,
                    actions.count(),
                    # Only what the table shows: selecting the territories' contours (megabytes
                    # of GeoJSON) made the sort carry them for every matching action.
                    actions.select_related("plan__territory")
                    .only(*FITTING_FIELDS)
                    .order_by("plan__territory__name", "code")[:ACTIONS_PER_SERVICE],
                )
            )
    return render(
        request,
        "offers/ledger/fitting_actions.html",
        {
            "title": "Actions des territoires qui correspondent à vos services",
            "choices": choices,
            "operator": operator,
            "services": services,
            "page": page,
            "per_service": ACTIONS_PER_SERVICE,
        },
    )


# --- Suggestions on the action page ---------------------------------------------------------------


def _action(request, action_id, service_id):
    return get_object_or_404(Action.objects.select_related("plan__territory"), pk=action_id)


@require_POST
@permission_required("offers.dismiss_suggestion", _action)
def dismiss_suggestion(request, action_id, service_id):
    action = request.authorized_object
    service = get_object_or_404(Service, pk=service_id)
    suggestions.dismiss(action, service, request.user)
    messages.success(
        request, f"Le service « {service.title} » ne sera plus suggéré pour cette action."
    )
    territory = action.plan.territory
    return redirect(
        reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])
        + "#services-suggeres"
    )
