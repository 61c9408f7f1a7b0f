"""Loading a person-level dataset (``sampling``) with DuckDB, straight from its files.

Ten million samples must not become a pandas frame (issue 15): DuckDB scans the files, and
what a report gets is a :class:`~workbench.intake.person_rows.PersonRows`, a view that later
aggregates read column by column. The checks are the same as for every other dataset, and
report file, row and column alike, capped the same way:

1. **One scan** types every row and flags the *odd* ones: a blank, full-width or missing
   identifier, a ``sampled_at`` in none of the common spellings (ISO 8601, ``2022/10/9 8:05``,
   ``2022年10月9日 8时5分``), a stamp at exactly 00:00 (maybe a date alone), a total row of a
   CSV/XLSX export. The same scan counts identifiers that point nowhere (an anti-join on
   ``areas`` and ``testing_sites``) and samples without an area.
2. **The odd rows alone** (usually none, a few hundred at most) go through the general
   machinery (:func:`workbench.intake.validation.conform`, then
   :func:`~workbench.intake.placing.date_only_samples`), so every spelling, normalisation and
   problem text is the one a small pack gets. They come back as a small Arrow table that
   replaces them in the view.
3. **Rows set aside** (unknown community or site, no area and a site in none, the same row
   twice: in two files, or in one CSV or XLSX file) are left out by the view's own predicates;
   samples without ``area_id`` take their site's area in the view.
Parquet files are read where they are. CSV in UTF-8 is read by DuckDB's reader; XLSX (each
sheet ``sheet:`` names), other encodings and CSV with a blank line before a line of data (whose
line numbers DuckDB cannot give) by the general readers, a file at a time. A row of blank cells
(the ``,,,`` lines Excel leaves below a sheet) is no data, as in any dataset; the files (and
sheets) must each hold the contract's columns, and may differ in the others. When a file is
not Parquet with native types, the clean rows are written once as typed Parquet (into the
batch's cache, else a temporary folder), so that each aggregate does not parse text again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa

from workbench.errors import DataError, Problem
from workbench.intake.catalog import Pack
from workbench.intake.contract import REQUIRED_COLUMNS
from workbench.intake.locations import TEXT_FORMATS
from workbench.intake.merged_cells import merged_cell_warnings
from workbench.intake.origins import Origin
from workbench.intake.person_engines import engine_of, passes_through
from workbench.intake.person_rows import PERSON_LEVEL_DATASETS, PersonRows, cache_folder, shared
from workbench.intake.person_scan import (
    EDITED_FORMATS,
    identifier_problems,
    odd_rows_of,
    scan_counts,
    spans_overlap,
)
from workbench.intake.person_sources import (
    COLUMNS,
    ID_COLUMNS,
    Source,
    capped,
    native,
    read_sources,
    reference_tables,
    total_warnings,
)
from workbench.intake.person_sources import count_rows as _count
from workbench.intake.placing import date_only_samples
from workbench.intake.problems import MAX_ROWS_PER_CHECK, row_problems
from workbench.intake.references import with_lost_zeros
from workbench.intake.setaside import (
    REPEATED_ACROSS,
    REPEATED_WITHIN,
    SET_ASIDE,
    notes_problem,
    without_header_rows,
)
from workbench.intake.validation import _missing_column_problem, conform
from workbench.privacy import sample_of

__all__ = ["PERSON_LEVEL_DATASETS", "load_person_level"]


def load_person_level(
    pack: Pack, name: str, frames: Mapping[str, pd.DataFrame]
) -> tuple[PersonRows | None, Origin | None, list[Problem]]:
    """Load person-level dataset ``name``, checked against ``frames`` (areas, testing_sites, rounds).

    Returns
    -------
    (PersonRows or None, Origin or None, list of Problem)
        None when the dataset cannot be used (unreadable, a required column missing).
        Within a batch the result is shared through the cache folder, by the pack's fingerprint.
    """
    fingerprint, engine = pack.fingerprint(), engine_of(pack.spec(name))
    rows, origin, problems = shared(f"{fingerprint}-{name}-loaded",
                                    lambda: _load_or_problems(pack, name, frames, fingerprint))
    return (rows.with_engine(engine) if rows is not None and engine else rows), origin, problems


def _may_repeat(sources: list[Source], counts: pd.DataFrame, replaced: pd.DataFrame | None) -> bool:
    """Whether :meth:`_Loader._repeated_rows` must look at every row: rows of a file hash alike,
    rows parsed the general way repeat, or two files' spans meet (or hold such rows)."""
    if counts["copies"].sum() or (replaced is not None and replaced.duplicated(list(COLUMNS)).any()):
        return True
    return len(sources) > 1 and (replaced is not None or spans_overlap(counts))


def _load_or_problems(pack: Pack, name: str, frames, fingerprint: str):
    try:
        return _Loader(pack, name, frames, fingerprint).load()
    except DataError as exc:
        return None, None, exc.problems
    except Exception as exc:  # a reader's fault ends as a problem of the dataset, never a traceback
        spec = pack.spec(name)
        found = sample_of(f"{type(exc).__name__}: {exc}", 160)
        return None, None, [Problem(name, spec.file, None, None, f"a readable {spec.format} file", found)]


class _Loader:
    """The steps of :func:`load_person_level` over one DuckDB connection."""

    def __init__(self, pack: Pack, name: str, frames: Mapping[str, pd.DataFrame], fingerprint: str):
        self.pack, self.name, self.spec = pack, name, pack.spec(name)
        self.frames, self.fingerprint = frames, fingerprint
        import duckdb  # here: a report without person-level data never loads it
        self.con = duckdb.connect()
        self.problems: list[Problem] = []
        self.tables: dict[str, pa.Table] = {}

    def load(self) -> tuple[PersonRows | None, Origin | None, list[Problem]]:
        sources = [source for path, file in zip(self.spec.paths, self.spec.files, strict=True)
                   for source in read_sources(self.con, self.spec, path, file, self.tables)]  # fmt: skip
        if self._columns_missing(sources):
            return None, None, self.problems
        self.tables.update(reference_tables(self.frames))
        for table_name, table in self.tables.items():
            self.con.register(table_name, table)
        first = sources[0]
        digest = self.pack.file_digest(first.path) if first.table is None else None
        self.problems += identifier_problems(self.con, self.name, self.spec.file, sources, digest)
        counts = self._scan(sources)
        origin = self._origin(sources, counts)
        self.problems += [note for part in origin.parts for note in part.notes] + merged_cell_warnings(origin)
        if not counts["n"].sum():
            found = "no rows: the file has a header only" if len(sources) == 1 else "no rows in any file"
            self.problems.append(Problem(self.name, self.spec.file, None, None, "rows of data", found,
                                         "warning"))  # fmt: skip
        replaced = self._odd_rows(sources, counts, origin)
        rows = int(counts["n"].sum() - counts["totals"].sum())
        self.problems += total_warnings(self.con, self.name, sources, counts, origin)
        predicates = self._reference_problems(counts, replaced, origin, rows)
        if _may_repeat(sources, counts, replaced):
            predicates += self._repeated_rows(origin)
        view = self._view(sources, counts, replaced, predicates)
        return self._rows(view, counts, origin), origin, self.problems

    # ------------------------------------------------------------ reading

    def _columns_missing(self, sources: list[Source]) -> bool:
        """Whether a file lacks a required column (a problem per file and column).

        Other columns may differ from file to file: each file's select picks the contract's.
        """
        for source in sources:
            present = list(source.part.columns)
            for column in REQUIRED_COLUMNS[self.name]:
                if column not in present:
                    self.problems.append(
                        _missing_column_problem(self.name, source.file, column, present, self.spec.columns)
                    )
        return bool(self.problems)

    # ------------------------------------------------------------ the one scan

    def _scan(self, sources: list[Source]) -> pd.DataFrame:
        """Per file: rows, odd rows, totals, and among the others the reference counts."""
        digests = [self.pack.file_digest(s.path) if s.table is None else None for s in sources]
        return scan_counts(self.con, sources, self.spec, self.tables, digests)

    def _joins(self, alias: str, needed: str | None = None) -> str:
        """LEFT JOINs on the communities (``c``) and sites (``s``); only those ``needed`` mentions."""
        joins = []
        if "_communities" in self.tables and (needed is None or "c." in needed):
            joins.append(f"LEFT JOIN _communities c ON {alias}.area_id = c.area_id")
        if "_sites" in self.tables and (needed is None or "s." in needed):
            joins.append(f"LEFT JOIN _sites s ON {alias}.site_id = s.site_id")
        return " ".join(joins)

    def _flag_sql(self, alias: str, odd: bool = True) -> str:
        keep = f"NOT {alias}._odd AND NOT {alias}._total AND " if odd else ""
        unknown_area = (
            f"{alias}.area_id IS NOT NULL AND c.area_id IS NULL" if "_communities" in self.tables else "false"
        )
        unknown_site = (
            f"{alias}.site_id IS NOT NULL AND s.site_id IS NULL" if "_sites" in self.tables else "false"
        )
        no_area = f"{alias}.area_id IS NULL"
        return ", ".join([
            f"count(*) FILTER (WHERE {keep}{unknown_area}) AS unknown_area",
            f"count(*) FILTER (WHERE {keep}{unknown_site}) AS unknown_site",
            f"count(*) FILTER (WHERE {keep}(({unknown_area}) OR ({unknown_site}))) AS unknown_either",
            f"count(*) FILTER (WHERE {keep}{no_area}) AS no_area",
        ])  # fmt: skip

    def _origin(self, sources: list[Source], counts: pd.DataFrame) -> Origin:
        parts, start = [], 0
        for source, n in zip(sources, counts["n"], strict=True):
            parts.append(source.part.placed_at(start, start + int(n)))
            start += int(n)
        self.offsets = [p.start for p in parts]
        return Origin(self.name, tuple(parts))

    def _label(self, alias: str = "") -> str:
        prefix = f"{alias}." if alias else ""
        cases = " ".join(f"WHEN {i} THEN {o}" for i, o in enumerate(self.offsets))
        return f"(CASE {prefix}_file {cases} END + {prefix}_row)"

    # ------------------------------------------------------------ odd rows, the general way

    def _odd_rows(self, sources: list[Source], counts: pd.DataFrame, origin: Origin) -> pd.DataFrame | None:
        """The odd rows parsed by :func:`conform` (as a small pack's would be), placed in time."""
        if not counts["odd"].sum():
            return None
        pieces, text = [], self.spec.format in TEXT_FORMATS
        for number, source in enumerate(sources):
            if not counts.loc[number, "odd"]:
                continue
            raw, notes = odd_rows_of(self.con, source, number, int(counts.loc[number, "n"]), text)
            if notes:
                labels = [row + self.offsets[number] for row in notes]
                self.problems.append(notes_problem(origin, source.part.file, labels))
            pieces.append(raw.set_axis(raw.index + self.offsets[number]))
        raw, found = without_header_rows(pd.concat(pieces).sort_index(), origin, self.spec.columns)
        self.problems += found  # a header again inside a file: exports joined into one (cat a.csv b.csv)
        if raw.empty:
            return None
        rows = int(counts["n"].sum() - counts["totals"].sum())
        options = {"timezone": self.pack.timezone, "renames": self.spec.columns, "origin": origin,
                   "rows": rows}  # fmt: skip
        parsed, found = conform(raw, self.name, file=self.spec.file, **options)
        self.problems += found
        rounds = self.frames.get("rounds")
        if rounds is not None:
            parsed, found = date_only_samples(parsed, rounds, self.spec.file)
            self.problems += found
        out = pd.DataFrame({c: parsed[c] if c in parsed.columns else None for c in COLUMNS})
        out = out.astype({c: "string" for c in ID_COLUMNS}).astype({"sampled_at": "datetime64[us]"})
        out["_label"] = out.index.to_numpy(dtype="int64")
        self.tables["_replaced"] = pa.Table.from_pandas(out, preserve_index=False)
        self.con.register("_replaced", self.tables["_replaced"])
        return out

    # ------------------------------------------------------------ rows set aside

    def _reference_problems(
        self, counts: pd.DataFrame, replaced: pd.DataFrame | None, origin: Origin, rows: int
    ) -> list[str]:
        """Problems of unknown ids and unplaced samples; the predicates that leave those rows out."""
        totals = counts[["unknown_area", "unknown_site", "unknown_either", "no_area"]].sum()
        if replaced is not None and len(replaced):
            extra = self.con.execute(f"SELECT {self._flag_sql('r', odd=False)} FROM _replaced r "
                                     f"{self._joins('r')}").df().iloc[0]  # fmt: skip
            totals = totals + extra
        predicates = []
        checks = (
            ("area_id", "unknown_area", "areas", "area_id", " of level community", "c.area_id IS NULL"),
            ("site_id", "unknown_site", "testing_sites", "site_id", "", "s.site_id IS NULL"),
        )
        aside_so_far = 0
        for column, key, target, target_column, level, missing in checks:
            count = int(totals[key])
            if not count:
                continue
            either = int(totals["unknown_either"]) if aside_so_far else count
            aside = 0 < either < rows
            listed = f"{target}.{target_column} ({self.pack.spec(target).file}){level}"
            expected = f"an id listed in {listed}" + (SET_ASIDE if aside else "")
            where = f"r.{column} IS NOT NULL AND {missing}"
            ids = self.tables["_communities" if column == "area_id" else "_sites"].column(column).to_pandas()
            found = with_lost_zeros(self._first_rows(column, where), ids)
            self.problems += capped(
                self.name, origin, column, found, expected, count, "warning" if aside else "error"
            )
            if aside:
                aside_so_far += count
                predicates.append(f"NOT ({where})")
        if int(totals["no_area"]):
            self._placing_problems(predicates)
            placed = "coalesce(r.area_id, s.site_area)" if "_sites" in self.tables else "r.area_id"
            predicates.append(f"{placed} IS NOT NULL")
        return predicates

    def _repeated_rows(self, origin: Origin) -> list[str]:
        """The same sample twice, in two files (daily exports that overlap) or in one CSV or XLSX
        file (a line pasted twice): kept once, else a copy adds a sample to its site's load.
        Rows are compared on the contract's four columns as typed (the general readers compare
        every stored column); each copy is set aside, with a warning naming the first."""
        starts = " ".join(f"WHEN _label >= {p.start} THEN {p.start}" for p in reversed(origin.parts))
        within = "true" if self.spec.format in EDITED_FORMATS else "false"
        repeated = self.con.execute(f"""
            SELECT _label, first_label, first_label < part_start AS across FROM (
                SELECT _label, (CASE {starts} END) AS part_start,
                       min(_label) OVER (PARTITION BY person_key, area_id, site_id, sampled_at) AS first_label
                FROM ({self._clean_sql()})
            ) WHERE first_label < _label AND (first_label < part_start OR {within}) ORDER BY _label
        """).df()
        if repeated.empty:
            return []
        self.tables["_repeated"] = pa.table({"_label": repeated["_label"].to_numpy("int64")})
        self.con.register("_repeated", self.tables["_repeated"])
        for across, expected in ((True, REPEATED_ACROSS), (False, REPEATED_WITHIN)):
            copies = repeated[repeated["across"] == across]
            first_at = origin.locate(copies["first_label"].to_numpy())
            found = pd.Series([f"same row as {file} row {row}" for file, row, _ in first_at],
                              index=copies["_label"].to_numpy())  # fmt: skip
            self.problems += row_problems(self.name, origin, None, found, expected, severity="warning")
        return ["r._label NOT IN (SELECT _label FROM _repeated)"]

    def _first_rows(self, column: str, where: str) -> pd.Series:
        rows = self.con.execute(f"""
            SELECT r._label, r.{column} AS {column} FROM ({self._clean_sql()}) r {self._joins("r")}
            WHERE {where} ORDER BY r._label LIMIT {MAX_ROWS_PER_CHECK}
        """).df()
        return pd.Series(rows[column].to_numpy(), index=rows["_label"].to_numpy())

    def _placing_problems(self, predicates: list[str]) -> None:
        """Warnings for samples without area_id: placed by their site, or set aside (a site unknown
        or in no area, or no testing_sites to place them by)."""
        kept = " AND ".join(["r.area_id IS NULL", *predicates])
        sites = "_sites" in self.tables
        placed = "s.site_area IS NOT NULL" if sites else "false"
        counts = self.con.execute(f"""
            SELECT count(*) FILTER (WHERE {placed}) AS placed, count(*) FILTER (WHERE NOT {placed}) AS n
            FROM ({self._clean_sql()}) r {self._joins("r")} WHERE {kept}""").df().iloc[0]  # fmt: skip
        why = "their site is unknown or in no area" if sites else "no testing_sites to place them by"
        for count, found in ((counts["placed"], "{} without area_id placed by their site's coordinates"),
                             (counts["n"], "{} set aside: no area_id, and " + why)):
            if count:
                text, where = found.format(_count(int(count))), (self.name, self.spec.file, None, "area_id")
                self.problems.append(Problem(*where, "an area_id in every row", text, "warning"))

    # ------------------------------------------------------------ the view

    def _clean_sql(self) -> str:
        """The typed rows kept (odd and total rows left out, their replacements in)."""
        fast = (f"SELECT person_key, area_id, site_id, sampled_at, {self._label()} AS _label "
                "FROM _typed WHERE NOT _odd AND NOT _total")  # fmt: skip
        if "_replaced" in self.tables:
            fast += " UNION ALL SELECT person_key, area_id, site_id, sampled_at, _label FROM _replaced"
        return fast

    def _view(self, sources: list[Source], counts: pd.DataFrame, replaced, predicates: list[str]) -> str:
        """The SQL of the clean view, and (when the files are not native Parquet) its typed copy."""
        placed = (
            "coalesce(r.area_id, s.site_area)" if any("site_area" in p for p in predicates) else "r.area_id"
        )
        where = " AND ".join(predicates) or "true"
        joins = self._joins("r", where)
        body = (f"SELECT r.person_key, {placed} AS area_id, r.site_id, r.sampled_at, r._label "
                f"FROM ({{clean}}) r {joins} WHERE {where}")  # fmt: skip
        parquet = self.spec.format == "parquet"
        stored_natively = all(s.table is None and parquet and native(s.types) for s in sources)
        if stored_natively:
            plain = where == "true" and "_replaced" not in self.tables
            if plain and passes_through(self.spec, sources, ID_COLUMNS):
                self.clean_files = tuple(str(path) for path in self.spec.paths)  # rows as stored
            return body.replace("{clean}", self._native_clean(sources, counts))
        target = self._typed_copy_path()
        self.clean_files = (target.replace("''", "'"),)
        self.con.execute(f"COPY ({body.replace('{clean}', self._clean_sql())}) TO "
                         f"'{target}' (FORMAT parquet)")  # fmt: skip
        self.tables = {}
        return f"SELECT person_key, area_id, site_id, sampled_at, _label FROM read_parquet('{target}')"

    def _native_clean(self, sources: list[Source], counts: pd.DataFrame) -> str:
        """Clean rows read from the Parquet files themselves (no text to parse again)."""
        parts = []
        for number, source in enumerate(sources):
            columns = [c if c in source.types else f"CAST(NULL AS VARCHAR) AS {c}" for c in ID_COLUMNS]
            select = (f"SELECT {', '.join(columns)}, CAST(sampled_at AS TIMESTAMP) AS sampled_at, "
                      f"_row + {self.offsets[number]} AS _label FROM {source.sql}")  # fmt: skip
            if counts.loc[number, "odd"]:
                select += f" WHERE _row + {self.offsets[number]} NOT IN (SELECT _label FROM _replaced)"
            parts.append(select)
        if "_replaced" in self.tables:
            parts.append("SELECT person_key, area_id, site_id, sampled_at, _label FROM _replaced")
        return " UNION ALL ".join(parts)

    def _typed_copy_path(self) -> str:
        folder = cache_folder()
        if folder is None:
            self.keep_alive = tempfile.TemporaryDirectory(prefix="workbench-")
            folder = Path(self.keep_alive.name)
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"{self.fingerprint}-{self.name}-typed.parquet").replace("'", "''")

    def _rows(self, view: str, counts: pd.DataFrame, origin: Origin) -> PersonRows:
        return PersonRows(self.name, view, dict(self.tables), COLUMNS, int(counts["n"].sum()),
                          fingerprint=self.fingerprint, keep_alive=getattr(self, "keep_alive", None),
                          files=getattr(self, "clean_files", ()))  # fmt: skip
