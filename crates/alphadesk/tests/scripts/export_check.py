"""Reads every table `alphadesk export` wrote with pyarrow and with DuckDB, checks
the schemas, and compares values with the SQLite store itself, provenance included.

usage: export_check.py STORE.db EXPORT_DIR
Prints one line per table; exits 1 with the first difference.
"""
import datetime as dt
import sqlite3
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

db, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

DATE, TS, S, I, F, B = pa.date32(), pa.timestamp("us", tz="UTC"), pa.string(), pa.int64(), pa.float64(), pa.bool_()

# Written here, independently of the Rust queries: the store's own rows, keyed.
TABLES = {
    "securities": (
        {"ticker": S, "cik": I, "name": S, "sector": S, "first_price_date": DATE, "last_price_date": DATE},
        ["ticker"],
        "SELECT s.ticker, s.cik, s.name, s.sector, p.first_date, p.last_date FROM securities s LEFT JOIN price_series p ON p.ticker = s.ticker",
    ),
    "prices": (
        {"ticker": S, "date": DATE, "close": F, "adj_close": F, "volume": F, "source_file": S, "source_line": I},
        ["ticker", "date"],
        "SELECT p.ticker, p.date, p.close, p.adj_close, p.volume, s.path, p.line FROM prices p JOIN sources s ON s.id = p.source_id",
    ),
    "facts": (
        {"cik": I, "concept": S, "period_start": DATE, "period_end": DATE, "value": F, "filed": DATE, "accession": S, "source_file": S},
        ["cik", "concept", "period_start", "period_end", "accession", "value"],
        lambda: fact_rows(),
    ),
    "filings": (
        {"accession": S, "cik": I, "form": S, "filed": DATE, "report_date": DATE, "accepted": TS, "source_file": S},
        ["accession"],
        "SELECT f.accession, f.cik, f.form, f.filed, f.report_date, f.acceptance_datetime, s.path FROM filings f JOIN sources s ON s.id = f.source_id",
    ),
    "articles": (
        {"id": I, "title": S, "published": TS, "known_date": DATE, "url": S, "source_file": S, "source_line": I},
        ["id"],
        "SELECT d.id, d.title, d.published_utc, d.known_date, d.url, s.path, d.line FROM documents d JOIN sources s ON s.id = d.source_id",
    ),
    "links": (
        {"document_id": I, "ticker": S, "known_date": DATE, "tone": F, "relevance": I},
        ["document_id", "ticker"],
        "SELECT document_id, ticker, known_date, tone, relevance FROM news_signals",
    ),
    "holdings": (
        {"accession": S, "seq": I, "cusip": S, "value_usd": F, "filed": DATE, "source_file": S},
        ["source_file", "accession", "seq"],
        "SELECT r.accession, h.seq, h.cusip, h.value_usd, r.filed, s.path FROM holdings h JOIN holdings_reports r ON r.id = h.report_id JOIN sources s ON s.id = r.source_id",
    ),
    "insiders": (
        {"accession": S, "seq": I, "code": S, "shares": F, "trade_date": DATE, "filed_estimated": B, "source_file": S},
        ["source_file", "accession", "seq"],
        "SELECT r.accession, t.seq, t.code, t.shares, t.trade_date, r.filed_estimated, s.path FROM insider_transactions t JOIN insider_reports r ON r.id = t.report_id JOIN sources s ON s.id = r.source_id",
    ),
}


def fact_rows():
    """Every stored fact, decoded here from `fact_sets` by the format
    crates/store/src/fact_sets.rs documents (not by alphadesk's decoder):
    (cik, concept, start, end, value, filed, accession, source path)."""
    import struct
    import zlib

    rows = []
    sql = "SELECT f.cik, f.encoded, s.path FROM fact_sets f JOIN sources s ON s.id = f.source_id"
    for cik, blob, path in con.execute(sql):
        at = 0

        def varint():
            nonlocal at
            n, shift = 0, 0
            while True:
                b = blob[at]
                at += 1
                n |= (b & 0x7F) << shift
                shift += 7
                if b < 0x80:
                    return n

        if blob[0] != 1:
            fail(f"fact set of {path}: version {blob[0]}")
        if zlib.crc32(blob[:-4]) != struct.unpack("<I", blob[-4:])[0]:
            fail(f"fact set of {path}: its checksum does not match")
        at = 1
        strings = []
        for _ in range(varint()):
            n = varint()
            strings.append(bytes(blob[at:at + n]).decode())
            at += n
        opt = lambda i: strings[i - 1] if i else None
        for _ in range(varint()):
            concept, _tax, _unit, start, end, _accn_i, _frame, _fp, _form, filed = (varint() for _ in range(10))
            accn = strings[_accn_i]
            (value,) = struct.unpack("<d", blob[at:at + 8])
            at += 8
            varint()  # fy
            rows.append((cik, strings[concept], opt(start) or None, strings[end], value, strings[filed], accn, path))
        if at != len(blob) - 4:
            fail(f"fact set of {path}: {len(blob) - 4 - at} bytes between its last fact and its checksum")
    return rows


def as_python(kind, v):
    """A stored value as pyarrow reads the exported one."""
    if v is None:
        return None
    if kind == DATE:
        return dt.date.fromisoformat(v[:10])
    if kind == TS:
        return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
    if kind == B:
        return bool(v)
    return v


def fail(msg):
    print(f"FAIL {msg}")
    sys.exit(1)


def relative(path, root):
    """A stored path as the export names it: relative to the data root."""
    if root and path.startswith(root + "/"):
        return path[len(root) + 1:]
    return path


for name, (cols, key, sql) in TABLES.items():
    t = pq.read_table(f"{out}/{name}.parquet")
    meta = pq.read_metadata(f"{out}/{name}.parquet").metadata or {}
    root = meta.get(b"source_root", b"").decode() or None
    if "source_file" in cols:
        if root is None:
            fail(f"{name}: no source_root in the file's metadata")
        for f in t.column("source_file").to_pylist():
            if f.startswith("/"):
                fail(f"{name}: an absolute path in source_file: {f}")
    for c, kind in cols.items():
        got = t.schema.field(c).type
        if got != kind:
            fail(f"{name}.{c}: type {got}, expected {kind}")
        if not t.schema.field(c).metadata or b"description" not in t.schema.field(c).metadata:
            fail(f"{name}.{c}: no description")
    stored = sql() if callable(sql) else con.execute(sql).fetchall()
    if t.num_rows != len(stored):
        fail(f"{name}: {t.num_rows} rows exported, {len(stored)} stored")
    names = list(cols)
    index = {}
    for row in stored:
        values = {c: as_python(cols[c], v) for c, v in zip(names, row)}
        if "source_file" in values:
            values["source_file"] = relative(values["source_file"], root)
        index[tuple(values[k] for k in key)] = values
    rows = t.select(names).to_pylist()
    # Every row when small; else every 97th and the last (a sample spread over the file).
    sample = rows if len(rows) <= 5000 else rows[::97] + rows[-1:]
    for r in sample:
        want = index.get(tuple(r[k] for k in key))
        if want is None:
            fail(f"{name}: exported row {r} has no stored row")
        for c in names:
            a, b = r[c], want[c]
            same = a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)
            if not same:
                fail(f"{name}.{c}: exported {a!r}, stored {b!r} (row {r})")
    # DuckDB reads the same file to the same count and range.
    n = duckdb.sql(f"SELECT count(*) FROM '{out}/{name}.parquet'").fetchall()[0][0]
    if n != t.num_rows:
        fail(f"{name}: duckdb reads {n} rows, pyarrow {t.num_rows}")
    print(f"ok {name}: {t.num_rows} rows, {len(sample)} compared")

# Scores: a computed table; its schema, and its values against `score --json` (run by the test).
s = pq.read_table(f"{out}/scores.parquet")
for c, kind in {"as_of": DATE, "ticker": S, "alpha_score": I, "momentum": I, "config_hash": S}.items():
    if s.schema.field(c).type != kind:
        fail(f"scores.{c}: type {s.schema.field(c).type}")
n = duckdb.sql(f"SELECT count(DISTINCT as_of) FROM '{out}/scores.parquet'").fetchall()[0][0]
print(f"ok scores: {s.num_rows} rows, {n} dates")
# The panel carries each metric's raw value, as the CSV panel does.
raw = [f.name for f in s.schema if f.name not in ("as_of", "ticker", "sector", "alpha_score", "category", "momentum", "value",
                                                  "quality", "sentiment", "metrics_available", "metrics_total", "config_hash")]
if len(raw) < 5 or any(s.schema.field(c).type != F for c in raw):
    fail(f"scores: raw metric columns {raw}")

# A quant's join: fundamentals to prices through the securities table, by ticker.
joined = duckdb.sql(f"""
    SELECT count(*) FROM '{out}/facts.parquet' f
    JOIN '{out}/securities.parquet' s ON s.cik = f.cik AND s.ticker = f.ticker
    JOIN '{out}/prices.parquet' p ON p.ticker = s.ticker AND p.date = f.filed
""").fetchall()[0][0]
if joined == 0:
    fail("no fact joins a price through securities")
print(f"ok join: {joined} facts meet the close of their filing day")
