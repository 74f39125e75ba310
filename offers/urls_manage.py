from django.urls import path

from offers import views_manage

app_name = "offers-manage"

urlpatterns = [
    path("", views_manage.service_list, name="list"),
    path("nouveau/", views_manage.service_create, name="create"),
    path("import/", views_manage.catalogue_import, name="import"),
    path("import/confirmer/", views_manage.catalogue_import_confirm, name="import_confirm"),
    path("export.<str:fmt>", views_manage.catalogue_export, name="export"),
    path("services/<slug:slug>/modifier/", views_manage.service_edit, name="edit"),
    path("services/<slug:slug>/fermer/", views_manage.service_close, name="close"),
]
