"""Writing command results as an aligned table, JSON or CSV (one way for every command)."""

from __future__ import annotations

import csv
import json

from core.exports import neutralize_row

FORMATS = ("table", "json", "csv")


def write_json(stream, data) -> None:
    stream.write(json.dumps(data, ensure_ascii=False, indent=2))


def write_rows(stream, headers: list[str], rows: list[list], output_format: str) -> None:
    """``rows`` of plain values under ``headers``, as CSV (comma, UTF-8) or an aligned text table."""
    if output_format == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(neutralize_row(row) for row in rows)  # names come from files: no formulas
        return
    text_rows = [[str(v) for v in row] for row in rows]
    # The last column (often a long list of names) is neither padded nor measured.
    widths = [
        max([len(h)] + [len(r[i]) for r in text_rows]) for i, h in enumerate(headers[:-1])
    ] + [len(headers[-1])]
    for line in [headers, ["-" * w for w in widths]] + text_rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])] + [line[-1]]
        stream.write("  ".join(cells).rstrip() + "\n")
