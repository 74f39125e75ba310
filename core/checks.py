"""Deployment checks of our own, run by `territoires check --deploy` (docs/security.md).

Django's deploy checks do not look at the email backend: with DEBUG off and no EMAIL_URL, emails went
to the console, so live password-reset and invitation links landed in the server log while
`check --deploy` passed (issue 8).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

UNSAFE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "console://",
    "django.core.mail.backends.locmem.EmailBackend": "locmem://",
    "django.core.mail.backends.filebased.EmailBackend": "fichier",
    "django.core.mail.backends.dummy.EmailBackend": "aucun envoi",
}


@register(Tags.security, deploy=True)
def check_email_backend(app_configs=None, **kwargs):
    backend = settings.EMAIL_BACKEND
    if settings.DEBUG or backend not in UNSAFE_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"Les courriels ne partent pas ({UNSAFE_EMAIL_BACKENDS[backend]}) alors que DEBUG est "
            "désactivé : les liens de réinitialisation et d'invitation finiraient dans les journaux.",
            hint="Définir EMAIL_URL=smtp://utilisateur:motdepasse@hote:587?tls=1 (docs/settings.md).",
            id="territoires.E001",
        )
    ]
