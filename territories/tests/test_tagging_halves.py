"""Commune codes and SIRENs tagged by two processes (territories/services/tagging/halves.py): the very
file and counts one process gives, or one process when the file cannot be cut or a half fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import territories.services.tagging as tagging
from territories.services.tagging import Columns, halves, tag_file

FILAIN = "02311"  # a former code (Pargny-et-Filain 02589)
MEAUX_EPCI = "200072130"


def write(path: Path, lines: list[str], end: str = "\r\n", encoding: str = "utf-8") -> Path:
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


def commune_lines(count: int = 400) -> list[str]:
    """Plain lines, with what the one-process path treats apart: a formula, a blank line, a short row,
    a long row with empty extra cells, former, unknown, malformed and empty codes, SIRENs."""
    body = []
    specials = [
        "=1+2;77284;x",
        "",
        "court;77284",
        "long;77284;y;;",
        f"ancien;{FILAIN};z",
        "inconnu;99999;z",
        "mal;ABC;z",
        "vide;;z",
        f"epci;{MEAUX_EPCI};z",
        "@x;2A004;-1e-05",
    ]
    codes = ["77284", "01053", "2B033", "59350", "13055", "1053"]
    for number in range(count):
        body.append(specials[number % 10] if number % 7 == 3 else f"{number};{codes[number % 6]};a")
    return ["nom;insee;note", *body]


@pytest.fixture
def cut_everything(monkeypatch):
    monkeypatch.setattr(halves, "MIN_BYTES", 0)
    monkeypatch.setattr(tagging, "CHUNK_CODES", 7)  # many lists in each half, a boundary anywhere


def one_and_two(source: Path, tmp_path: Path, columns: Columns, monkeypatch):
    """(one process's bytes and report, two processes' bytes and report, whether two were used)."""
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    one = tag_file(source, tmp_path / "one.csv", columns, workers=1)
    two = tag_file(source, tmp_path / "two.csv", columns, workers=2)
    return (tmp_path / "one.csv").read_bytes(), one, (tmp_path / "two.csv").read_bytes(), two, forks


@pytest.mark.parametrize("end", ["\r\n", "\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_two_processes_write_the_file_one_writes(
    real_data, tmp_path, monkeypatch, cut_everything, end, encoding
):
    lines = commune_lines()
    lines[1] = "Évry;91228;é"  # not ASCII: the cut is a byte offset, each half decodes from it
    source = write(tmp_path / "in.csv", lines, end, encoding)
    one_bytes, one, two_bytes, two, forks = one_and_two(
        source, tmp_path, Columns(commune="insee"), monkeypatch
    )
    assert forks == [1]
    assert two_bytes == one_bytes
    assert (two.rows, two.tagged, two.outside, two.empty, two.motifs) == (
        one.rows,
        one.tagged,
        one.outside,
        one.empty,
        one.motifs,
    )
    assert one.rows == 400 - 6 and one.empty == 6  # the blank lines
    assert one.motifs["code commune inconnu"] > 0 and one.motifs["code commune vide"] > 0
    assert b"'=1+2" in two_bytes and b"'@x" in two_bytes  # neutralised in both halves
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "one.csv", "two.csv"]


def test_sirens_in_two_processes(real_data, tmp_path, monkeypatch, cut_everything):
    lines = ["siren;n"] + [
        f"{siren};{number}"
        for number, siren in enumerate(
            ["217702844", MEAUX_EPCI, "200 072 130", "123456789", "12AB"] * 60
        )
    ]
    source = write(tmp_path / "in.csv", lines)
    one_bytes, one, two_bytes, two, forks = one_and_two(
        source, tmp_path, Columns(siren="siren"), monkeypatch
    )
    assert forks == [1] and two_bytes == one_bytes and two.motifs == one.motifs
    assert (two.rows, two.tagged) == (300, 180)


@pytest.mark.parametrize(
    ("content", "rows"),
    [
        (["nom;insee", '"Meaux";77284'] * 200, 200),  # a quote: a quoted cell may hold a line end
        (["nom;insee", "Meaux;77284\rMeaux;77284"] * 200, 400),  # a lone CR ends a row
    ],
    ids=["quote", "lone-cr"],
)
def test_a_file_that_cannot_be_cut_is_tagged_by_one_process(
    real_data, tmp_path, monkeypatch, cut_everything, content, rows
):
    source = write(tmp_path / "in.csv", [content[0], *content[1::2]])
    assert halves.cut(source) is None
    one_bytes, one, two_bytes, two, forks = one_and_two(
        source, tmp_path, Columns(commune="insee"), monkeypatch
    )
    assert forks == [] and two_bytes == one_bytes and two.rows == one.rows == rows


@pytest.mark.parametrize("row", [351, 51], ids=["second-half", "first-half"])
def test_a_refused_row_in_either_half_is_reported_with_its_row_number(
    real_data, tmp_path, monkeypatch, cut_everything, row
):
    lines = commune_lines()
    lines[row - 1] = "trop;77284;de;cellules"  # the file's row ``row`` (the header is row 1)
    source = write(tmp_path / "in.csv", lines)
    with pytest.raises(tagging.ImportRefused) as refused:
        tag_file(source, tmp_path / "out.csv", Columns(commune="insee"), workers=2)
    problem = refused.value.problems[0]
    assert (problem.row, "4 cellules pour 3 colonnes" in problem.message) == (row, True)
    assert list(tmp_path.iterdir()) == [source]  # no output, no half left behind


def test_a_second_process_that_fails_leaves_the_work_to_the_first(
    real_data, tmp_path, monkeypatch, cut_everything
):
    parent = os.getpid()
    real_tag_half = halves._tag_half

    def failing_in_the_child(*args):
        if os.getpid() != parent:
            raise MemoryError
        return real_tag_half(*args)

    monkeypatch.setattr(halves, "_tag_half", failing_in_the_child)
    source = write(tmp_path / "in.csv", commune_lines())
    one_bytes, one, two_bytes, two, forks = one_and_two(
        source, tmp_path, Columns(commune="insee"), monkeypatch
    )
    assert forks == [1]  # tried, then done again in one process: the same file and counts
    assert two_bytes == one_bytes and (two.rows, two.tagged, two.motifs) == (
        one.rows,
        one.tagged,
        one.motifs,
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "one.csv", "two.csv"]


def test_small_files_points_xlsx_and_progress_stay_in_one_process(real_data, tmp_path, monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    source = write(tmp_path / "in.csv", commune_lines())
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"), workers=2)  # < MIN_BYTES
    monkeypatch.setattr(halves, "MIN_BYTES", 0)
    tag_file(source, tmp_path / "out.xlsx", Columns(commune="insee"), workers=2)
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"), workers=2, progress=print)
    assert forks == []


def test_no_process_to_be_had_leaves_the_work_to_one(
    real_data, tmp_path, monkeypatch, cut_everything
):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    source = write(tmp_path / "in.csv", commune_lines())
    one = tag_file(source, tmp_path / "one.csv", Columns(commune="insee"), workers=1)
    monkeypatch.setattr(os, "fork", no_fork)
    two = tag_file(source, tmp_path / "two.csv", Columns(commune="insee"), workers=2)
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert (two.rows, two.tagged, two.motifs) == (one.rows, one.tagged, one.motifs)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "one.csv", "two.csv"]
