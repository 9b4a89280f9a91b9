"""The run log as a CSV file (the "Download the log (CSV)" button): a header, then one row per
run (core/runlog.CSV_COLUMNS).

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula: CSV formula injection. Our cells are numbers, our own words and link queries, none of
which starts so, but a cell that would is made inert with a leading apostrophe (the usual
defence: the spreadsheet shows the text as it is). A plain number such as -0.5 stays a number.
"""
from __future__ import annotations

import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def inert(cell: object) -> str:
    """The cell as text a spreadsheet will not run."""
    text = str(cell)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def runlog_csv(log) -> str:
    """The log (a core/runlog.RunLog) as CSV text, every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends: a cell holding CR or LF is quoted
    for cells in log.to_csv_rows():
        writer.writerow([inert(c) for c in cells])
    return out.getvalue()
