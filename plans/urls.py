from django.urls import path

from plans import views, views_spreadsheet

app_name = "plans"

PLAN = "territoires/<str:phase>/<str:ti_id>/plan/"
ACTION = PLAN + "actions/<str:code>/"

urlpatterns = [
    path("plans/modele.xlsx", views_spreadsheet.template_download, name="template"),
    path("plans/export/", views_spreadsheet.export, name="export"),
    path("plans/suivi/", views.overview, name="overview"),
    path("plans/notifications/", views.notification_preference, name="notifications"),
    path(PLAN, views.plan_detail, name="detail"),
    path(PLAN + "public/", views.public_plan, name="public"),
    path(PLAN + "export.<str:fmt>", views_spreadsheet.plan_export, name="plan_export"),
    path(PLAN + "import/", views_spreadsheet.plan_import, name="import"),
    path(
        PLAN + "import/apercu/<str:token>/",
        views_spreadsheet.plan_import_preview,
        name="import_preview",
    ),
    path(PLAN + "import/confirmer/", views_spreadsheet.plan_import_confirm, name="import_confirm"),
    path(PLAN + "import/annuler/", views_spreadsheet.plan_import_cancel, name="import_cancel"),
    path(
        PLAN + "import/suivi/<uuid:job_id>/",
        views_spreadsheet.plan_import_job,
        name="import_job",
    ),
    path(PLAN + "etat/<str:step>/", views.plan_transition, name="transition"),
    path(PLAN + "actions/nouvelle/", views.action_create, name="action_create"),
    path(ACTION, views.action_detail, name="action"),
    path(ACTION + "modifier/", views.action_edit, name="action_edit"),
    path(ACTION + "historique/", views.action_history, name="action_history"),
    path(ACTION + "dupliquer/", views.action_duplicate, name="action_duplicate"),
    path(ACTION + "archiver/", views.action_archive, name="action_archive"),
    path(ACTION + "notes/", views.note_add, name="note_add"),
    path(ACTION + "pieces/", views.attachment_add, name="attachment_add"),
    path(ACTION + "pieces/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
