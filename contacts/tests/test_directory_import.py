"""`territoires import-contacts`: formats, every error with its row and column, idempotence, removals,
dry run, atomicity."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from contacts.models import Level, Team, TeamMember
from contacts.services.importing import COLUMNS, check_file, import_contacts
from core.imports import ImportRefused

pytestmark = pytest.mark.django_db

HEADER = ";".join(COLUMNS)
ROWS = [
    "territoire;ti-1108;;Équipe projet;CA du Pays de Meaux;Aline Durand;Cheffe de projet;"
    "aline.durand@example.org;01 02 03 04 05;oui",
    "territoire;ti-1108;2023-2027;Équipe projet;CA du Pays de Meaux;Bruno Petit;Chargé de mission;"
    "bruno.petit@example.org;;non",
    "departement;77;;Mission développement économique;Département de Seine-et-Marne;Chloé Roux;"
    "Directrice;chloe.roux@example.org;;oui",
    "region;11;;Service industrie;Région Île-de-France;Denis Blanc;;denis.blanc@example.org;;non",
    "national;;;Équipe nationale;ANCT;Emma Noir;Cheffe du programme;emma.noir@example.org;;oui",
    "departement;1;;Mission économie;Département de l'Ain;Félix Vert;;felix.vert@example.org;;non",
]


def _csv(rows, header=HEADER, encoding="utf-8", delimiter=";") -> io.BytesIO:
    text = "\r\n".join([header, *rows]).replace(";", delimiter) + "\r\n"
    return io.BytesIO(text.encode(encoding))


def _import(rows=ROWS, name="annuaire.csv", dry_run=False, **options):
    return import_contacts(_csv(rows, **options), name, dry_run=dry_run)


def _problems(rows, header=HEADER) -> list:
    with pytest.raises(ImportRefused) as refused:
        _import(rows, header=header)
    return refused.value.problems


def _state() -> list:
    return sorted(
        TeamMember.objects.values_list(
            "team__level", "team__name", "team__organisation", "email", "name", "public"
        )
    )


def test_import_creates_teams_and_members_keyed_by_area(real_data):
    summary = _import()
    assert (summary.teams_created, summary.members_created, summary.removed) == (5, 6, [])
    projet = Team.objects.get(name="Équipe projet")
    assert (projet.level, projet.territory.ti_id, projet.territory.phase_id) == (
        "territoire",
        "ti-1108",
        "2023-2027",  # empty phase: the latest
    )
    assert projet.members.count() == 2
    assert Team.objects.get(level=Level.DEPARTEMENT, name="Mission économie").departement_id == "01"
    assert Team.objects.get(level=Level.NATIONAL).organisation == "ANCT"
    member = TeamMember.objects.get(email="aline.durand@example.org")
    assert (member.name, member.role_title, member.phone, member.public) == (
        "Aline Durand",
        "Cheffe de projet",
        "01 02 03 04 05",
        True,
    )
    assert TeamMember.objects.get(email="bruno.petit@example.org").public is False
    # Journalled, in bulk as one by one: one creation record per member and per team.
    assert TeamMember.history.filter(history_type="+").count() == 6
    assert Team.history.filter(history_type="+").count() == 5


def test_reimport_is_idempotent_and_writes_no_history(real_data):
    _import()
    before, history = _state(), TeamMember.history.count()
    summary = _import()
    assert (summary.teams_created, summary.teams_updated, summary.teams_unchanged) == (0, 0, 5)
    assert (summary.members_created, summary.members_updated, summary.members_unchanged) == (
        0,
        0,
        6,
    )
    assert _state() == before
    assert TeamMember.history.count() == history


def test_members_absent_from_the_file_are_removed_and_reported(real_data):
    _import()
    other = Team.objects.create(
        level=Level.REGION, region_id="84", name="Hors fichier", organisation="X"
    )
    TeamMember.objects.create(team=other, name="Reste", email="reste@example.org")
    rows = [ROWS[0], *ROWS[2:]]  # Bruno Petit left the project team
    preview = _import(rows, dry_run=True)
    assert [r[1:] for r in preview.removed] == [("Bruno Petit", "bruno.petit@example.org")]
    assert "ti-1108 (2023-2027) — Équipe projet" in preview.removed[0][0]
    assert TeamMember.objects.filter(email="bruno.petit@example.org").exists()  # dry run
    assert any("Simulation" in line for line in preview.lines())
    summary = _import(rows)
    assert len(summary.removed) == 1
    assert not TeamMember.objects.filter(email="bruno.petit@example.org").exists()
    # A team that is not in the file is untouched.
    assert TeamMember.objects.filter(email="reste@example.org").exists()


def test_changes_are_updates_matched_by_email_case_insensitively(real_data):
    _import()
    rows = list(ROWS)
    rows[1] = rows[1].replace("bruno.petit@", "Bruno.PETIT@").replace(";non", ";oui")
    summary = _import(rows)
    assert (summary.members_updated, summary.members_created) == (1, 0)
    assert TeamMember.history.filter(history_type="~").get().public is True
    assert TeamMember.objects.get(email__iexact="bruno.petit@example.org").public is True


def test_dry_run_changes_nothing(real_data):
    summary = _import(dry_run=True)
    assert summary.teams_created == 5
    assert not Team.objects.exists() and not TeamMember.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-8-sig", ","), ("cp1252", ",")],
)
def test_csv_encodings_and_delimiters(real_data, encoding, delimiter):
    rows = [row.replace("Département de l'Ain", "Département de l’Ain") for row in ROWS]
    if delimiter == ",":
        rows = [row.replace(",", "") for row in rows]
    _import(rows, encoding=encoding, delimiter=delimiter)
    assert Team.objects.get(region_id="11").organisation == "Région Île-de-France"
    assert TeamMember.objects.get(email="chloe.roux@example.org").name == "Chloé Roux"


def test_xlsx_with_numeric_codes(real_data, tmp_path):
    path = tmp_path / "annuaire.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Contacts")
    sheet.write_row(0, 0, COLUMNS)
    sheet.write_row(
        1,
        0,
        [
            "departement",
            1,
            "",
            "Mission",
            "Département de l'Ain",
            "Léa Gris",
            "",
            "lea@example.org",
            "",
            "oui",
        ],
    )
    sheet.write_row(
        2,
        0,
        [
            "region",
            84,
            "",
            "Service",
            "Région AURA",
            "Paul Brun",
            "",
            "paul@example.org",
            612345678,
            "non",
        ],
    )
    workbook.close()
    summary = import_contacts(str(path))
    assert summary.teams_created == 2
    assert Team.objects.get(name="Mission").departement_id == "01"
    assert TeamMember.objects.get(email="paul@example.org").phone == "612345678"


def test_missing_and_unknown_columns_are_named(real_data):
    header = HEADER.replace(";public", ";visible")
    [problem] = _problems(ROWS[:1], header=header)
    assert problem.row == 1
    assert "public" in problem.message and "visible" in problem.message


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("regionale;11;;É;O;N;;n@example.org;;oui", "niveau", "niveau inconnu"),
        ("region;99;;É;O;N;;n@example.org;;oui", "code", "région inconnu"),
        ("departement;96;;É;O;N;;n@example.org;;oui", "code", "département inconnu"),
        ("territoire;ti-9999;;É;O;N;;n@example.org;;oui", "code", "aucun territoire"),
        ("territoire;ti-1108;2031-2035;É;O;N;;n@example.org;;oui", "phase", "phase inconnue"),
        ("region;11;2023-2027;É;O;N;;n@example.org;;oui", "phase", "que les territoires"),
        ("national;11;;É;O;N;;n@example.org;;oui", "code", "pas de code"),
        ("region;;;É;O;N;;n@example.org;;oui", "code", "obligatoire"),
        ("region;11;;;O;N;;n@example.org;;oui", "equipe", "obligatoire"),
        ("region;11;;É;;N;;n@example.org;;oui", "organisation", "obligatoire"),
        ("region;11;;É;O;N;;;;oui", "email", "obligatoire"),
        ("region;11;;É;O;N;;pas-une-adresse;;oui", "email", "invalide"),
        ("region;11;;É;O;;Directeur;n@example.org;;oui", "nom", "obligatoire"),
        ("region;11;;É;O;N;;n@example.org;;peut-être", "public", "non reconnue"),
        ("region;11;;É;O;N;;n@example.org;" + "1" * 31 + ";oui", "telephone", "trop longue"),
        ("region;11;;É;O;N;;n@example.org;<script>;oui", "telephone", "numéro invalide"),
    ],
)
def test_every_error_names_its_row_and_column(real_data, row, column, words):
    problems = _problems([ROWS[0], row])
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert words in problems[0].message
    assert "ligne 3" in str(problems[0]) and f"colonne « {column} »" in str(problems[0])


def test_duplicates_and_conflicting_organisations(real_data):
    problems = _problems(
        [
            ROWS[0],
            ROWS[0].replace("Aline Durand", "Aline D."),
            ROWS[1].replace("CA du Pays de Meaux", "Autre organisation"),
        ]
    )
    assert [(p.row, p.column) for p in problems] == [(3, "email"), (4, "organisation")]
    assert "ligne 2" in problems[1].message


def test_a_refused_file_writes_nothing(real_data):
    _import()
    before = _state()
    rows = [row.replace("Aline Durand", "Aline Modifiée") for row in ROWS]
    with pytest.raises(ImportRefused):
        _import([*rows, "region;99;;É;O;N;;n@example.org;;oui"])
    assert _state() == before


def test_bounded_reading_refuses_a_binary_file(real_data):
    with pytest.raises(ImportRefused) as refused:
        import_contacts(io.BytesIO(b"PK\x03\x04 not a csv"), "annuaire.csv")
    assert "classeur" in str(refused.value)


def test_command_output_and_exit_status(real_data, shell, tmp_path):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(_csv(ROWS).getvalue())
    code, out, err = shell("import-contacts", str(path), "--dry-run")
    assert code == 0 and "5 créée(s)" in out and "Simulation" in out
    assert not Team.objects.exists()
    code, out, err = shell("import-contacts", str(path))
    assert code == 0 and Team.objects.count() == 5
    path.write_bytes(_csv([*ROWS, "region;99;;É;O;N;;n@example.org;;oui"]).getvalue())
    code, out, err = shell("import-contacts", str(path))
    assert code == 1
    assert "ligne 8, colonne « code »" in err and "Import refusé" in err


def test_check_file_of_a_team_without_members(real_data):
    [team] = check_file(_csv(["region;11;;Service;Région" + ";" * 5]), "a.csv")
    assert team.members == {}


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("annuaire.xlsx", b"PK\x03\x04 pas une archive", "illisible"),
        ("annuaire.ods", b"niveau;code", "format non reconnu"),
        ("annuaire.csv", b"", "colonnes manquantes"),
        ("annuaire.csv", b"niveau;code\n\x81\x81", "encodage"),
    ],
)
def test_unreadable_files_are_refused_in_french(real_data, name, content, words):
    with pytest.raises(ImportRefused) as refused:
        import_contacts(io.BytesIO(content), name)
    assert words in str(refused.value)
    assert not Team.objects.exists()
