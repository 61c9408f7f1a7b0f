"""Byte-reproducible writers: the same data always gives the same file bytes.

Every file is written under a temporary name in the target folder, then renamed into
place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

FIXED_TIME = dt.datetime(2022, 10, 9, 8, 0, 0)
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 1 << 20,
    "write_statistics": True,
    "dictionary_pagesize_limit": 64 << 20,
}


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` on success."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` with ``\\n`` line ends to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_csv(path: Path, frame: pd.DataFrame, encoding: str = "utf-8") -> None:
    """Write ``frame`` as CSV: no index, ``\\n`` line ends, floats with 6 decimals."""
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.6f")
    write_bytes(path, text.encode(encoding))


def write_parquet(path: Path, table: pa.Table, delta_columns: tuple[str, ...] = ()) -> None:
    """Write ``table`` with fixed options: zstd, dictionary-encoded strings.

    ``delta_columns`` (sorted integer or timestamp columns) use delta encoding instead.
    """
    strings = [f.name for f in table.schema if pa.types.is_string(f.type)]
    encoding = dict.fromkeys(delta_columns, "DELTA_BINARY_PACKED")
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, use_dictionary=strings, column_encoding=encoding or None,
                       **PARQUET_OPTIONS)


def write_parquet_batches(path: Path, batches: Iterable[pa.Table],
                          delta_columns: tuple[str, ...] = ()) -> None:
    """Write ``batches`` (tables of one schema) as one file, a batch at a time, like :func:`write_parquet`.

    Only one batch is in memory at a time; ``path`` appears when the last one is written.
    """
    batches = iter(batches)
    first = next(batches)
    strings = [f.name for f in first.schema if pa.types.is_string(f.type)]
    encoding = dict.fromkeys(delta_columns, "DELTA_BINARY_PACKED")
    options = {k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, first.schema, use_dictionary=strings,
                                                    column_encoding=encoding or None, **options) as out:
        for table in itertools.chain([first], batches):
            out.write_table(table, row_group_size=PARQUET_OPTIONS["row_group_size"])


def _ring(coords: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 6), round(float(y), 6)] for x, y in coords]


def _polygon(geom) -> dict:
    rings = [geom.exterior, *geom.interiors]
    return {"type": "Polygon", "coordinates": [_ring(shapely.get_coordinates(r)) for r in rings]}


def write_geojson(path: Path, properties: pd.DataFrame, geoms: np.ndarray,
                  name: str, datum: str) -> None:
    """Write polygons with their properties as GeoJSON, one feature per line."""
    lines = []
    for props, geom in zip(properties.to_dict("records"), geoms, strict=True):
        feature = {"type": "Feature", "properties": props, "geometry": _polygon(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps({"type": "FeatureCollection", "name": name, "datum": datum},
                      ensure_ascii=False)[:-1]
    write_text(path, head + ', "features": [\n' + ",\n".join(lines) + "\n]}\n")


def _xlsx_value(value):
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(dt.date)
    return value


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """An Excel workbook of ``frame`` (booleans as 是/否, dates as Excel dates)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.properties.creator = "workbench sample"
    book.properties.created = FIXED_TIME
    ws = book.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in zip(*(frame[c].to_numpy() for c in frame.columns), strict=True):
        ws.append([_xlsx_value(v) for v in row])
    for col, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(10, 2.2 * len(name) + 2)
        if frame[name].dtype.kind == "M":
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    book.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry times and a fixed ``modified`` property.

    openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry; both are
    replaced by :data:`FIXED_TIME` so the bytes depend on the content only.
    """
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>",
                              content.decode("utf-8"))
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def write_xlsx(path: Path, frame: pd.DataFrame, sheet: str) -> None:
    """Write ``frame`` as a one-sheet workbook, atomically and reproducibly."""
    write_bytes(path, xlsx_bytes(frame, sheet))


def copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically (nothing to do when they are the same file)."""
    if target.exists() and target.resolve() == source.resolve():
        return
    write_bytes(target, source.read_bytes())
