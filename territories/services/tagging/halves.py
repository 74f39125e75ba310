"""Commune codes and SIRENs of a large CSV tagged into a CSV by two processes, one half of the file
each (issue 14: "use the machine's cores for large files").

Why: tagging 1,000,000 commune codes costs ~0.75 s of work after ~0.5 s of Python and Django start-up
(2-core machine, shapely 2.2, Python 3.11); the work is already a few builtin loops a list of rows at a
time (reading.Lines, ``_tag_codes``), so a second core is what is left to take (docs/performance.md).

How: the file is cut at the line end nearest its middle. This process tags the first half into the
output, with its header; a forked process tags the second half into a file of its own, appended to the
output at the end. Each half goes through the very functions a whole file goes through, a list of rows
at a time, and a row's output depends on that row alone: the two halves end to end are, byte for byte,
the file one process writes (tested). That holds when every line is a row, so a file is cut only when
it holds no quote (a quoted cell may hold a line end), no NUL, and no carriage return but before a line
feed (a lone CR ends a row for the csv module, not for the count of line feeds). Any other file, a
second process that fails, or a refusal in either half (its row number would count from the cut) gives
None: the caller then tags the whole file in one process, which gives the error with its row number.

The forked process touches no database connection (the code index is loaded before the fork), writes
only its own file, and leaves by ``os._exit`` whatever happens, so nothing of the caller (a test, a
command) runs twice.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from core.imports import ImportRefused
from territories.services.tagging.reading import CHUNK, Table, _line_chunks
from territories.services.tagging.writing import TableWriter

# Below this size one process: the fork and the second file cost ~15-20 ms, the work ~55 ms a MB.
MIN_BYTES = 4 * 1024 * 1024
# Encodings in which a line feed byte is a line feed character and a character boundary.
ENCODINGS = frozenset({"utf-8", "utf-8-sig", "cp1252"})
_LONE_CR = re.compile(rb"\r(?!\n)")


class _Abandoned(Exception):
    """A half that cannot be tagged apart from the rest of the file."""


def _abandon(skip: int) -> Iterator[list]:
    # reading._line_chunks' ``replay``: a half would read the file again from its own row ``skip``.
    raise _Abandoned


def cut(path: Path) -> tuple[int, int, int] | None:
    """(where the data starts, where the second half starts, the data lines before it) in bytes and
    lines, or None when the file cannot be cut (see the module's docstring)."""
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size < 2:
            return None
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b'"') >= 0 or data.find(b"\x00") >= 0:
                return None
            if data.find(b"\r") >= 0 and _LONE_CR.search(data):
                return None
            start = data.find(b"\n") + 1
            middle = data.find(b"\n", max(size // 2, start)) + 1
            if not 0 < start < middle < size:
                return None
            lines = sum(
                data[at : min(at + CHUNK, middle)].count(b"\n")
                for at in range(start, middle, CHUNK)
            )
    return start, middle, lines


def _half(path: Path, encoding: str, start: int) -> io.TextIOWrapper:
    stream = path.open("rb")
    stream.seek(start)
    # The BOM of a UTF-8 file is before the header: a half starts past it.
    text = io.TextIOWrapper(stream, encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    text.reconfigure(newline="")
    return text


def _tag_half(table: Table, rows, size: int, tag_half: Callable, report, writer) -> None:
    chunks = _line_chunks(rows, table.delimiter, len(table.header), size, _abandon)
    for tagged, extras in tag_half(chunks, report):
        writer.write_tagged(tagged, extras)


def tag_in_two(
    source: Path,
    destination: Path,
    table: Table,
    header: list[str],
    tag_half: Callable,
    size: int,
    report,
) -> bool:
    """Tag ``table`` (a CSV of ``source``) into ``destination`` (a CSV) in two processes; ``report``
    gets the counts of both. False when the file cannot be cut or a half could not be tagged apart:
    nothing is then written and ``report`` is as it was.

    ``tag_half(chunks, report)``: the (rows, added cells) of a half's lists of rows (``size`` rows
    at most), counted in ``report``. ``header``: the output's."""
    where = cut(source)
    if where is None:
        return False
    start, middle, first_lines = where
    handle, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".moitie", dir=destination.parent
    )
    os.close(handle)
    part = Path(name)
    reading_end, writing_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to be had (EAGAIN, ENOMEM): one process tags the whole file
        os.close(reading_end)
        os.close(writing_end)
        part.unlink()
        return False
    if pid == 0:  # the second process: the second half into ``part``, its counts into the pipe
        payload, code, writer = b"", 1, None
        try:
            os.close(reading_end)
            counts = type(report)(report.phase)
            with _half(source, table.encoding, middle) as stream:
                writer = TableWriter(part, None, table.delimiter)
                _tag_half(table, stream, size, tag_half, counts, writer)
                writer.finish()
            payload, code = pickle.dumps(counts), 0
        except BaseException:  # noqa: B036 (any failure: the first process tags the whole file)
            if writer is not None:
                writer.abort()
        finally:
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(writing_end, view) :]
            finally:
                os._exit(code)
    os.close(writing_end)
    writer = None
    try:
        counts = type(report)(report.phase)
        writer = TableWriter(destination, header, table.delimiter)
        with _half(source, table.encoding, start) as stream:
            _tag_half(table, islice(stream, first_lines), size, tag_half, counts, writer)
        with os.fdopen(reading_end, "rb") as pipe:
            reading_end = None
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        pid = None
        if status != 0 or not payload:
            raise _Abandoned
        second = pickle.loads(payload)
        writer.append_file(part)
        writer.finish()
    except BaseException as error:
        if writer is not None:
            writer.abort()
        if isinstance(error, _Abandoned | ImportRefused):
            return False
        raise
    finally:
        if pid is not None:  # interrupted, or failed in this process: the other stops now
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if reading_end is not None:
            os.close(reading_end)
        part.unlink(missing_ok=True)
        # What the other process's writer had not renamed yet, if it was stopped (TableWriter's name).
        for left in part.parent.glob(f".{part.name}.*.partiel"):
            left.unlink(missing_ok=True)
    for done in (counts, second):
        report.rows += done.rows
        report.tagged += done.tagged
        report.outside += done.outside
        report.empty += done.empty
        report.motifs.update(done.motifs)
    return True
