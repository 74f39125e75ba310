"""Every refusal on the command line: a French message on stderr, exit status 1, no traceback (issue 8)."""

from __future__ import annotations

import codecs

import pytest

from plans.models import Action

HEADER = "Territoire (identifiant);Code de l'action;Intitulé;Axe\r\n"

MALFORMED = {
    "octet-0x81.csv": (HEADER + "ti-1;A-1;Titre").encode("cp1252") + b"\x81;Innovation\r\n",
    "binaire.csv": bytes(range(256)) * 4,
    "classeur.csv": b"PK\x03\x04" + bytes(300),
    "cellule-longue.csv": (HEADER + "ti-1;A-1;" + "x" * 131_073 + ";Innovation\r\n").encode(),
}
EXPECTED = {
    "octet-0x81.csv": "l'octet 0x81 (ligne 2",
    "binaire.csv": "fichier binaire (octets nuls)",
    "classeur.csv": "ce fichier est un classeur (XLSX, ODS) ou une archive",
    "cellule-longue.csv": "cellule trop longue : plus de 131 072 caractères",
}


def run(shell, *argv) -> tuple[int, str]:
    code, _, err = shell(*argv)
    return code, err


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_import_plans_dry_run_refuses_malformed_csv_in_french(territory, tmp_path, shell, name):
    path = tmp_path / name
    path.write_bytes(MALFORMED[name])
    before = Action.objects.count()
    code, err = run(shell, "import-plans", str(path), "--phase", "2023-2027", "--dry-run")
    assert code == 1
    assert EXPECTED[name] in err and "Import refusé : 1 problème ; rien n'a été modifié." in err
    assert "Traceback" not in err and "x" * 100 not in err
    assert Action.objects.count() == before


def test_import_plans_reads_utf16_csv(territory, tmp_path, shell):
    path = tmp_path / "unicode.csv"
    row = f"{territory.ti_id};A-1;Équipement;Innovation\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + (HEADER + row).encode("utf-16-le"))
    code, out, _ = shell("import-plans", str(path), "--phase", "2023-2027", "--dry-run")
    assert code == 0 and "1 action serait créée" in out


def test_import_plans_missing_file(territory, tmp_path, shell):
    code, err = run(shell, "import-plans", str(tmp_path / "absent.xlsx"), "--phase", "2023-2027")
    assert code == 1 and "absent.xlsx : fichier introuvable" in err and "Traceback" not in err


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_import_ti_refuses_malformed_files_in_french(real_data, tmp_path, shell, name):
    path = tmp_path / name
    path.write_bytes(
        MALFORMED[name].replace(HEADER.encode(), b"insee_com;lib_com;id_ti;lib_ti\r\n")
    )
    code, err = run(shell, "import-ti", str(path), "--phase", "2023-2027", "--dry-run")
    assert code == 1 and EXPECTED[name] in err and "rien n'a été modifié" in err
    assert "Traceback" not in err
