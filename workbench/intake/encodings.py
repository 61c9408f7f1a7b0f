"""Text encodings of dataset files: CSV (declared and checked, or detected) and shapefile DBF.

- A CSV's declared encoding is checked over the whole file; without one, UTF-8 (with or
  without BOM) is tried strictly, then GB18030 (a superset of GBK, what Excel on Chinese
  Windows writes). Files are streamed in chunks, never loaded whole.
- A byte-order mark decides: UTF-16 (Excel's "Unicode text" export) is read as such; a
  UTF-8 mark before GBK text (an editor added it to a GBK export) is dropped, not read as
  ``锘``.
- A CSV's delimiter is a comma, or a tab when its first lines hold more tabs than commas
  (:func:`csv_delimiter`: Excel's "Unicode text" and "text (tab delimited)" exports).
- A shapefile's DBF without a ``.cpg``: detected (:func:`dbf_encoding`), never mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import DataError, Problem
from workbench.intake.catalog import DatasetSpec

#: Encodings tried, in order, for a CSV that declares none (and starts with no UTF-16 mark).
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
#: GB18030 after a UTF-8 byte-order mark, which it drops (registered below as a codec).
GB18030_AFTER_BOM = "gb18030-after-bom"
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
        candidates = _candidates(path)
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


def _candidates(path: Path) -> tuple[str, ...]:
    """The encodings to try for a CSV declaring none, by its first bytes."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if head.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig", GB18030_AFTER_BOM)
    return CSV_ENCODINGS


class _AfterBomDecoder(codecs.IncrementalDecoder):
    """GB18030, a leading UTF-8 byte-order mark dropped."""

    def __init__(self, errors: str = "strict"):
        super().__init__(errors)
        self._inner = codecs.getincrementaldecoder("gb18030")(errors)
        self._head = b""

    def decode(self, data: bytes, final: bool = False) -> str:
        if self._head is not None:
            self._head += bytes(data)
            if len(self._head) < len(codecs.BOM_UTF8) and not final:
                return ""
            data, self._head = self._head.removeprefix(codecs.BOM_UTF8), None
        return self._inner.decode(data, final)

    def reset(self) -> None:
        self._inner.reset()
        self._head = b""


def _after_bom_codec(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != GB18030_AFTER_BOM:
        return None
    gb18030 = codecs.lookup("gb18030")

    def decode(data, errors="strict"):
        text = _AfterBomDecoder(errors).decode(data, final=True)
        return text, len(data)

    return codecs.CodecInfo(gb18030.encode, decode, name=GB18030_AFTER_BOM,
                            incrementalencoder=gb18030.incrementalencoder,
                            incrementaldecoder=_AfterBomDecoder)  # fmt: skip


codecs.register(_after_bom_codec)


def csv_delimiter(path: Path, encoding: str, lines: int = 30) -> str:
    """``\t`` when the file's first ``lines`` lines hold more tabs than commas, else ``,``.

    Counted rather than left to :class:`csv.Sniffer`, which guesses from quoting and can
    take a letter or a Chinese comma for the delimiter of a short file.
    """
    with open(path, encoding=encoding, newline="") as f:
        head = "".join(line for _, line in zip(range(lines), f, strict=False))
    return "\t" if head.count("\t") > head.count(",") else ","


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
