"""Every setting read from the environment, in one place.

Each entry is documented in docs/settings.md; ``config/tests/test_settings_documented.py``
fails when a setting is added here without its documentation (the datasette way).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class EnvSetting:
    name: str
    default: str
    description: str

    def read(self) -> str:
        return os.environ.get(self.name, self.default)


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


SETTINGS: dict[str, EnvSetting] = {
    s.name: s
    for s in [
        EnvSetting("DEBUG", "true", "Mode développement (pages d'erreur détaillées)."),
        EnvSetting("SECRET_KEY", "", "Clé secrète Django; obligatoire hors DEBUG."),
        EnvSetting(
            "DATABASE_URL",
            f"sqlite:///{BASE_DIR / 'var' / 'territoires.sqlite3'}",
            "Base de données.",
        ),
        EnvSetting(
            "TERRITOIRES_DATA_DIR", str(BASE_DIR.parent / "shared" / "data"), "Données ANCT."
        ),
        EnvSetting(
            "TERRITOIRES_NODE_MODULES", str(BASE_DIR / "node_modules"), "Paquets npm installés."
        ),
        EnvSetting("ALLOWED_HOSTS", "127.0.0.1,localhost", "Noms d'hôte servis."),
        EnvSetting("CSRF_TRUSTED_ORIGINS", "", "Origines de confiance pour CSRF."),
        EnvSetting("MAP_TILES_URL", "", "Fond de carte."),
        EnvSetting("MAP_TILES_ATTRIBUTION", "", "Attribution du fond de carte."),
        EnvSetting("EMAIL_URL", "console://", "Envoi des courriels."),
        EnvSetting(
            "DEFAULT_FROM_EMAIL",
            "Territoires d'industrie <ne-pas-repondre@territoires-industrie.example>",
            "Expéditeur des courriels.",
        ),
        EnvSetting(
            "SITE_URL",
            "http://127.0.0.1:8000",
            "Adresse publique du site (liens des courriels, sitemap).",
        ),
        EnvSetting(
            "MEDIA_ROOT",
            str(BASE_DIR / "var" / "media"),
            "Fichiers déposés (hors des fichiers statiques).",
        ),
        EnvSetting("LOG_LEVEL", "INFO", "Niveau des journaux techniques."),
        EnvSetting("LOG_FORMAT", "text", "Format des journaux : text ou json."),
        EnvSetting(
            "HEALTH_MAX_TASK_DELAY_SECONDS",
            "900",
            "Attente des tâches au-delà de laquelle /sante/ alerte.",
        ),
        EnvSetting("IMPORT_MAX_ROWS", "20000", "Nombre maximal de lignes d'un import de tableur."),
        EnvSetting("TRUSTED_PROXIES", "", "Mandataires de confiance (adresses ou réseaux)."),
        EnvSetting("SECURE_PROXY_SSL_HEADER", "", "En-tête HTTPS posé par le mandataire."),
        EnvSetting(
            "CONTACT_REQUEST_RETENTION_MONTHS",
            "24",
            "Durée de conservation des données personnelles des demandes de contact, en mois.",
        ),
        EnvSetting(
            "CACHE_URL",
            "",
            "Cache partagé Redis (redis://hôte:port/base ou unix:///chemin.sock?db=0) ; vide : mémoire du processus.",
        ),
        EnvSetting(
            "TAG_UPLOAD_MAX_BYTES",
            str(200 * 1024 * 1024),
            "Taille maximale d'un fichier à étiqueter déposé sur le site, en octets.",
        ),
        EnvSetting(
            "STATS_LATE_PLAN_MONTHS",
            "6",
            "Mois sans dépôt ni mise à jour du plan d'actions au-delà desquels un territoire est en retard.",
        ),
        EnvSetting("API_TOKEN_DEFAULT_DAYS", "90", "Validité proposée d'un jeton d'API, en jours."),
        EnvSetting("API_TOKEN_MAX_DAYS", "365", "Validité maximale d'un jeton d'API, en jours."),
    ]
}


def get(name: str) -> str:
    return SETTINGS[name].read()


def get_bool(name: str) -> bool:
    return _truthy(get(name))


def get_list(name: str) -> list[str]:
    return [item.strip() for item in get(name).split(",") if item.strip()]
