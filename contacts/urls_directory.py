from django.urls import path

from contacts import views_directory as views

app_name = "contacts"

urlpatterns = [
    path("equipes/", views.team_list, name="team_list"),
    path("equipes/nouvelle/", views.team_create, name="team_create"),
    path("equipes/<int:pk>/", views.team_edit, name="team_edit"),
    path("equipes/<int:pk>/membres/nouveau/", views.member_add, name="member_add"),
    path("equipes/<int:pk>/membres/<int:member_id>/", views.member_edit, name="member_edit"),
    path(
        "equipes/<int:pk>/membres/<int:member_id>/supprimer/",
        views.member_delete,
        name="member_delete",
    ),
    path("couverture/", views.coverage_page, name="coverage"),
]
