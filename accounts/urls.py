from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, views_tokens

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.sign_out, name="logout"),
    path("deconnexion-partout/", views.sign_out_everywhere, name="logout_everywhere"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html",
            extra_context={"title": "Courriel envoyé"},
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html",
            extra_context={"title": "Mot de passe changé"},
        ),
        name="password_reset_complete",
    ),
    path("invitations/nouvelle/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept, name="accept_invitation"),
    path("utilisateurs/", views.user_list, name="users"),
    path("utilisateurs/<int:pk>/desactiver/", views.deactivate_user, name="deactivate_user"),
    path("utilisateurs/<int:pk>/reactiver/", views.reactivate_user, name="reactivate_user"),
    path("roles/<int:pk>/retirer/", views.revoke, name="revoke_role"),
    path("journal/", views.journal, name="journal"),
    path("journal/export.csv", views.journal_export, name="journal_export"),
    path(
        "historique/<str:app_label>/<str:model_name>/<str:pk>/",
        views.object_history,
        name="object_history",
    ),
    path("jetons/", views_tokens.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", views_tokens.token_revoke, name="token_revoke"),
]
