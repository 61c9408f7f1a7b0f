"""Text encodings of dataset files: CSV (declared and checked, or detected) and shapefile DBF.

- A CSV's declared encoding is checked over the whole file; without one, UTF-8 (with or
  without BOM) is tried strictly, then GB18030 (a superset of GBK, what Excel on Chinese
  Windows writes). Files are streamed in chunks, never loaded whole.
- A shapefile's DBF without a ``.cpg``: detected (:func:`dbf_encoding`), never mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import DataError, Problem
from workbench.intake.catalog import DatasetSpec

#: Encodings tried, in order, for a CSV that declares none.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
#: Declared encodings read with a superset codec (GB18030 decodes all of GBK and GB2312).
ENCODING_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}
_CHUNK = 1 << 20


#: DBF language-driver bytes of Chinese code pages (936: GBK) in the file header.
_DBF_CHINESE_DRIVERS = frozenset({0x4D, 0x7A})
_DBF_SAMPLE = 4 << 20


def dbf_encoding(dbf: Path | None) -> str | None:
    """The text encoding of a shapefile's ``.dbf`` that has no ``.cpg``: detected.

    Without a ``.cpg``, GDAL reads attributes as ISO-8859-1 and Chinese names become
    mojibake. Detected: the header's language driver (936, GBK), else the records' bytes
    (up to 4 MiB) decoding strictly as UTF-8, else GB18030 (a superset of GBK). None for
    plain ASCII or no .dbf.
    """
    if dbf is None:
        return None
    with open(dbf, "rb") as f:
        head = f.read(32)
        if len(head) < 32:
            return None
        header_length = int.from_bytes(head[8:10], "little")
        f.seek(header_length)
        sample = f.read(_DBF_SAMPLE)
    if head[29] in _DBF_CHINESE_DRIVERS:
        return "GB18030"
    if sample.isascii():
        return None
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(sample) < _DBF_SAMPLE or exc.start < len(sample) - 4:  # a cut last character is no evidence
            return "GB18030"
    return "UTF-8"


def csv_encoding(spec: DatasetSpec, path: Path | None = None, file: str | None = None) -> str:
    """The encoding to read a CSV file with: declared (and checked) or detected.

    A declared encoding is checked over the whole file; without one, UTF-8 (with or
    without BOM) is tried strictly, then GB18030 (a superset of GBK, what Excel on Chinese
    Windows writes). Files are streamed in chunks, never loaded whole.

    Raises
    ------
    DataError
        Naming the first undecodable line, when the file decodes as none of them.
    """
    path = path or spec.path
    file = file or spec.file
    if spec.encoding:
        declared = str(spec.encoding).strip()
        encoding = ENCODING_ALIASES.get(declared.lower(), declared)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(
                [Problem(spec.name, file, None, None, "a known text encoding", declared)]
            ) from None
        candidates = (encoding,)
        expected = f"text in the declared encoding {declared}"
    else:
        candidates = CSV_ENCODINGS
        expected = "text in UTF-8 or GB18030 (or declare its encoding in catalog.yaml)"
    first_fault = None
    for encoding in candidates:
        fault = _first_undecodable(path, encoding)
        if fault is None:
            return encoding
        first_fault = first_fault or fault
    line, raw = first_fault
    found = f"undecodable bytes {raw!r} on line {line}"
    raise DataError([Problem(spec.name, file, line, None, expected, found)])


def _first_undecodable(path: Path, encoding: str) -> tuple[int, bytes] | None:
    """None if ``path`` decodes strictly as ``encoding``, else (1-based line, bad bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines_before = 0
    for chunk, final in _chunks(path):
        try:
            decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            line = lines_before + exc.object[: exc.start].count(b"\n") + 1
            return line, bytes(exc.object[exc.start : exc.end])
        lines_before += chunk.count(b"\n")
    return None


def _chunks(path: Path) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) pairs of a file read in 1 MiB pieces."""
    with open(path, "rb") as f:
        chunk = f.read(_CHUNK)
        while chunk:
            following = f.read(_CHUNK)
            yield chunk, not following
            chunk = following


#: What a blank cell may hold besides nothing: a row of only these and commas is no data.
BLANK_CHARACTERS = " \t\r\n\f\v\u00a0\u3000"
# In UTF-8, what DuckDB reads; the lines other readers skip (empty, spaces, tabs) are ASCII.
_BLANK_CELLS = rb'(?:[,"]|' + b"|".join(re.escape(c.encode()) for c in BLANK_CHARACTERS if c != "\n") + rb")*"
_BLANK_LINE = re.compile(rb"\n" + _BLANK_CELLS + rb"\n")
_BLANK_LINES = re.compile(rb"(?:" + _BLANK_CELLS + rb"\n)*")


def has_blank_lines(path: Path) -> bool:
    """Whether a text file has a blank line with data after it (one byte scan, in chunks).

    A blank line is empty, or holds only commas, quotes and :data:`BLANK_CHARACTERS`: the rows
    of only commas that Excel's "save as CSV" leaves below the data. Readers drop such rows,
    but pandas and DuckDB skip an empty line and keep a line of commas, so the line numbers they
    count stay the file's only when every blank line comes after the last line of data.
    """
    pending, carried = False, b"\n"  # as if a line ended before the file: line 1 may be blank
    for chunk, final in _chunks(path):
        joined = carried + chunk + (b"\n" if final else b"")
        cut = joined.rfind(b"\n")
        whole, carried = joined[: cut + 1], joined[cut:]  # complete lines, each after a line end
        if pending:
            if not _BLANK_LINES.fullmatch(whole, 1):
                return True
            continue
        blank = _BLANK_LINE.search(whole)
        if blank is not None:
            if not _BLANK_LINES.fullmatch(whole, blank.end()):
                return True
            pending = True
    return False
