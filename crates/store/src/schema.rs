//! Versioned schema. `PRAGMA user_version` records how many migrations a file has
//! seen; opening a file applies the rest in order, each in its own transaction, so
//! an older store upgrades in place and a crash mid-upgrade leaves the last complete
//! version.

/// Each entry is one migration; never edit one that has shipped, append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: sources, securities master, prices, XBRL facts, filing index, insider
    // trades, 13F holdings, table files.
    r#"
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    ingested_at  TEXT NOT NULL,          -- UTC, RFC 3339
    rows         INTEGER NOT NULL,
    warnings     TEXT NOT NULL DEFAULT '[]' -- JSON array of {location, message}
);

-- One row per (source, row): every claim a listing file makes about a ticker. The
-- securities view below picks among them by source priority.
CREATE TABLE listings (
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    line        INTEGER NOT NULL,
    priority    INTEGER NOT NULL,
    ticker      TEXT NOT NULL,
    cik         INTEGER,
    name        TEXT,
    sector      TEXT,
    sector_label TEXT,
    industry    TEXT,
    exchange    TEXT,
    first_added TEXT,
    PRIMARY KEY (source_id, line)
);
CREATE INDEX listings_ticker ON listings(ticker, priority);
CREATE INDEX listings_cik ON listings(cik);

CREATE TABLE sic_codes (
    code      INTEGER PRIMARY KEY,
    office    TEXT NOT NULL,
    title     TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id)
);

CREATE TABLE companies (
    cik             INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    entity_type     TEXT,
    sic             INTEGER,
    sic_description TEXT,
    fiscal_year_end TEXT,            -- MMDD
    tickers         TEXT NOT NULL,   -- JSON array, share classes in SEC order
    exchanges       TEXT NOT NULL,   -- JSON array, parallel to tickers
    source_id       INTEGER NOT NULL REFERENCES sources(id)
);

CREATE TABLE company_names (
    cik        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    valid_from TEXT,
    valid_to   TEXT,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (cik, name, valid_from)
);

CREATE TABLE price_series (
    ticker     TEXT PRIMARY KEY,
    layout     TEXT NOT NULL,
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL,
    -- Adjusted prices are adjusted as of this date: splits after it are not in them.
    basis_date TEXT NOT NULL,
    source_id  INTEGER NOT NULL REFERENCES sources(id)
);

CREATE TABLE prices (
    ticker    TEXT NOT NULL,
    date      TEXT NOT NULL,
    open      REAL,
    high      REAL,
    low       REAL,
    close     REAL,
    adj_close REAL,
    volume    REAL,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line      INTEGER NOT NULL,
    PRIMARY KEY (ticker, date)
) WITHOUT ROWID;

CREATE TABLE concepts (
    taxonomy TEXT NOT NULL,
    concept  TEXT NOT NULL,
    label    TEXT,
    PRIMARY KEY (taxonomy, concept)
) WITHOUT ROWID;

CREATE TABLE facts (
    id        INTEGER PRIMARY KEY,
    cik       INTEGER NOT NULL,
    taxonomy  TEXT NOT NULL,
    concept   TEXT NOT NULL,
    unit      TEXT NOT NULL,
    start     TEXT,                 -- period start (durations only)
    end       TEXT NOT NULL,        -- period end / instant
    value     REAL NOT NULL,
    accn      TEXT NOT NULL,
    fy        INTEGER,
    fp        TEXT,
    form      TEXT NOT NULL,
    filed     TEXT NOT NULL,        -- when it became public: the point-in-time key
    frame     TEXT,
    source_id INTEGER NOT NULL REFERENCES sources(id)
);
-- The same fact arrives in every later snapshot of a company's file; keep one.
CREATE UNIQUE INDEX facts_identity ON facts(cik, taxonomy, concept, unit, ifnull(start, ''), end, accn, ifnull(frame, ''), value);
CREATE INDEX facts_lookup ON facts(cik, concept, filed);

CREATE TABLE filings (
    accession           TEXT PRIMARY KEY,
    cik                 INTEGER NOT NULL,
    form                TEXT NOT NULL,
    filed               TEXT NOT NULL,
    report_date         TEXT,
    acceptance_datetime TEXT,
    primary_document    TEXT,
    description         TEXT,
    source_id           INTEGER NOT NULL REFERENCES sources(id)
);
CREATE INDEX filings_cik ON filings(cik, filed);

CREATE TABLE insider_reports (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources(id),
    accession         TEXT UNIQUE,
    form_type         TEXT NOT NULL,
    schema_version    TEXT,
    issuer_cik        INTEGER,
    issuer_name       TEXT,
    issuer_ticker     TEXT,
    period_of_report  TEXT,
    filed             TEXT,      -- filing date; estimated when filed_estimated = 1
    filed_estimated   INTEGER NOT NULL,
    footnotes         TEXT NOT NULL  -- JSON object id -> text
);
CREATE INDEX insider_reports_issuer ON insider_reports(issuer_cik, filed);

CREATE TABLE insider_owners (
    report_id            INTEGER NOT NULL REFERENCES insider_reports(id),
    seq                  INTEGER NOT NULL,
    owner_cik            INTEGER,
    name                 TEXT,
    is_director          INTEGER NOT NULL,
    is_officer           INTEGER NOT NULL,
    officer_title        TEXT,
    is_ten_percent_owner INTEGER NOT NULL,
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE insider_transactions (
    report_id          INTEGER NOT NULL REFERENCES insider_reports(id),
    seq                INTEGER NOT NULL,  -- document order
    tbl                TEXT NOT NULL,     -- non_derivative | derivative
    kind               TEXT NOT NULL,     -- transaction | holding
    security_title     TEXT,
    trade_date         TEXT,
    code               TEXT,
    shares             REAL,
    price              REAL,
    acquired_disposed  TEXT,
    shares_owned_after REAL,
    total_value        REAL,
    ownership          TEXT,
    footnotes          TEXT NOT NULL,     -- JSON array of ids
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE holdings_reports (
    id                   INTEGER PRIMARY KEY,
    source_id            INTEGER NOT NULL REFERENCES sources(id),
    accession            TEXT,
    manager              TEXT,
    manager_cik          INTEGER,
    form_type            TEXT,
    period               TEXT,
    filed                TEXT,      -- filing date, or the signature date for a bare cover page
    filed_from           TEXT,      -- 'header' | 'signature' | NULL when unknown
    is_amendment         INTEGER NOT NULL,
    value_unit           TEXT NOT NULL,
    value_unit_reason    TEXT NOT NULL,
    total_value_usd      REAL NOT NULL,
    reported_entry_total INTEGER,
    reported_value_total REAL
);

CREATE TABLE holdings (
    report_id    INTEGER NOT NULL REFERENCES holdings_reports(id),
    seq          INTEGER NOT NULL,
    issuer       TEXT NOT NULL,
    class        TEXT,
    cusip        TEXT NOT NULL,
    value_usd    REAL NOT NULL,
    shares       REAL,
    share_type   TEXT,
    put_call     TEXT,
    discretion   TEXT,
    voting_sole  REAL,
    voting_shared REAL,
    voting_none  REAL,
    PRIMARY KEY (report_id, seq)
);
CREATE INDEX holdings_cusip ON holdings(cusip);

-- Annual table rows, long format: one value per (ticker, period, item, source).
CREATE TABLE fundamentals_annual (
    ticker     TEXT NOT NULL,
    period_end TEXT NOT NULL,
    item       TEXT NOT NULL,
    value      REAL NOT NULL,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    line       INTEGER NOT NULL,
    PRIMARY KEY (ticker, period_end, item, source_id)
) WITHOUT ROWID;

CREATE TABLE market_snapshots (
    ticker    TEXT NOT NULL,
    as_of     TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     REAL NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line      INTEGER NOT NULL,
    PRIMARY KEY (ticker, as_of, field)
) WITHOUT ROWID;
"#,
    // 2: the securities master as a view over every listing claim, so that adding a
    // better source never needs a rewrite of stored rows. Share classes are the
    // tickers that share a CIK.
    r#"
CREATE VIEW securities AS
WITH best AS (
    SELECT ticker,
        (SELECT name FROM listings l2 WHERE l2.ticker = l.ticker AND name IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS name,
        (SELECT cik FROM listings l2 WHERE l2.ticker = l.ticker AND cik IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS cik,
        (SELECT sector FROM listings l2 WHERE l2.ticker = l.ticker AND sector IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS sector,
        (SELECT industry FROM listings l2 WHERE l2.ticker = l.ticker AND industry IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS industry,
        (SELECT exchange FROM listings l2 WHERE l2.ticker = l.ticker AND exchange IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS exchange
    FROM listings l GROUP BY ticker
)
SELECT b.ticker, b.name, b.cik, b.sector, b.industry,
       b.exchange, c.sic, c.fiscal_year_end
FROM best b LEFT JOIN companies c ON c.cik = b.cik;
"#,
    // 3: a columnar copy of each ticker's closes, derived from `prices` in the same
    // transaction as every price write. Loading 400 tickers' histories is then 400
    // blob reads instead of half a million row steps (see docs/architecture.md).
    r#"
CREATE TABLE price_columns (
    ticker TEXT PRIMARY KEY,
    n      INTEGER NOT NULL,
    dates  BLOB NOT NULL,   -- i32 little-endian, days since 1970-01-01
    close  BLOB NOT NULL,   -- f64 little-endian, NaN where the cell is empty
    adj    BLOB NOT NULL,   -- f64 little-endian, NaN where the cell is empty
    lines  BLOB NOT NULL    -- u32 little-endian, line in the source file
) WITHOUT ROWID;
"#,
    // 4: news articles and social posts, with the trading day each became known,
    // and the signals the news stage derives from them.
    r#"
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    line          INTEGER NOT NULL,
    kind          TEXT NOT NULL,          -- article | post
    external_id   TEXT,
    url           TEXT,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    published_utc TEXT NOT NULL,          -- RFC 3339, UTC
    published_raw TEXT NOT NULL,          -- as the source wrote it, with its own zone
    known_date    TEXT NOT NULL,          -- US-Eastern trading day whose close first includes it
    ticker_hint   TEXT,
    content_sha   TEXT NOT NULL UNIQUE    -- duplicates by content are dropped
);
CREATE UNIQUE INDEX documents_url ON documents(url) WHERE url IS NOT NULL;
CREATE INDEX documents_known ON documents(known_date);

CREATE TABLE news_signals (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    ticker      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    known_date  TEXT NOT NULL,
    tone        REAL NOT NULL,            -- [-1, 1], the document's tone for this company
    salience    REAL NOT NULL,            -- [0, 1], the company's share of the document's mentions
    confidence  REAL NOT NULL,
    model       TEXT NOT NULL,
    PRIMARY KEY (document_id, ticker)
) WITHOUT ROWID;
CREATE INDEX news_signals_ticker ON news_signals(ticker, known_date);

-- Documents the news stage has read (with which model), linked to something or not.
CREATE TABLE news_processed (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    model       TEXT NOT NULL
);
"#,
    // 5: articles without a URL are cited by file and line; find them by both.
    r#"
CREATE INDEX sources_path ON sources(path);
CREATE INDEX documents_source_line ON documents(source_id, line);
"#,
    // 6: a generation number that every write bumps, so that results computed from
    // the store (the figures of record) can be cached under it and known stale;
    // and the cache itself.
    r#"
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO store_meta (key, value) VALUES ('generation', 0);
CREATE TRIGGER sources_bump_insert AFTER INSERT ON sources BEGIN
    UPDATE store_meta SET value = value + 1 WHERE key = 'generation';
END;
CREATE TRIGGER sources_bump_delete AFTER DELETE ON sources BEGIN
    UPDATE store_meta SET value = value + 1 WHERE key = 'generation';
END;
CREATE TRIGGER sources_bump_update AFTER UPDATE ON sources BEGIN
    UPDATE store_meta SET value = value + 1 WHERE key = 'generation';
END;
CREATE TRIGGER news_bump AFTER INSERT ON news_processed BEGIN
    UPDATE store_meta SET value = value + 1 WHERE key = 'generation';
END;
CREATE TABLE cached_results (
    kind        TEXT NOT NULL,     -- what was computed (e.g. 'figures_of_record')
    config_hash TEXT NOT NULL,
    generation  INTEGER NOT NULL,  -- store_meta.generation it was computed from
    json        TEXT NOT NULL,
    PRIMARY KEY (kind, config_hash)
) WITHOUT ROWID;
"#,
    // 7: a Form 3/4/5 amendment replaces its original in every figure; both stay
    // stored. `amended_by` points an original at the latest amendment of it.
    r#"
ALTER TABLE insider_reports ADD COLUMN original_filed TEXT;
ALTER TABLE insider_reports ADD COLUMN amended_by INTEGER REFERENCES insider_reports(id);
CREATE INDEX insider_reports_period ON insider_reports(issuer_cik, period_of_report);
"#,
    // 8: each price row cites its own file (a later partial file no longer
    // repoints the series), and a row the ingest found wrong carries why.
    r#"
ALTER TABLE prices ADD COLUMN flag TEXT;  -- JSON {kind, note, factor?} from the ingest
ALTER TABLE price_columns ADD COLUMN sources BLOB;  -- u32 little-endian source id per row
ALTER TABLE price_columns ADD COLUMN flags TEXT NOT NULL DEFAULT '{}';  -- JSON {row index: note}
"#,
    // 9: how much an article is about each company it names (0-100), for themes
    // and stories. Articles read before it existed are read again by the next
    // writer (their old signals stay until then, with no relevance).
    r#"
ALTER TABLE news_signals ADD COLUMN relevance INTEGER;  -- 0-100; NULL for posts and until re-read
DELETE FROM news_processed WHERE document_id IN (SELECT id FROM documents WHERE kind = 'article');
"#,
    // 10: documents fetched by `sync`: every fetch of a URL with its status and
    // validators exactly as received (the source they gave, by sha256), and where
    // each sync stopped.
    r#"
CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    source_id     INTEGER REFERENCES sources(id),  -- NULL for a 304
    fetched_at    TEXT NOT NULL,                   -- UTC, RFC 3339
    status        INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT
);
CREATE INDEX fetches_url ON fetches(url, id);
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 11: headlines are linked as a reader sees them, wire slugs removed
    // ("BRIEF-Bank Of America's ..." names Bank of America): articles are read
    // again by the next writer.
    r#"
DELETE FROM news_processed WHERE document_id IN (SELECT id FROM documents WHERE kind = 'article');
"#,
    // 12: facts kept in their identity's order, the table its own index: one
    // B-tree instead of a table and two indexes that copied most of it (half the
    // bytes, a third of the writes), and a company's facts for a concept read as
    // one range. `start` and `frame` are '' where none (key columns are not
    // NULL); `seq` is the fact's place in its source, so that (source_id, seq)
    // is the order the facts were stored in, as the rowid was.
    r#"
CREATE TABLE facts_by_identity (
    cik       INTEGER NOT NULL,
    concept   TEXT NOT NULL,
    taxonomy  TEXT NOT NULL,
    unit      TEXT NOT NULL,
    start     TEXT NOT NULL,        -- period start (durations); '' for an instant
    end       TEXT NOT NULL,        -- period end / instant
    accn      TEXT NOT NULL,
    frame     TEXT NOT NULL,        -- SEC calendar frame; '' when none
    value     REAL NOT NULL,
    fy        INTEGER,
    fp        TEXT,
    form      TEXT NOT NULL,
    filed     TEXT NOT NULL,        -- when it became public: the point-in-time key
    source_id INTEGER NOT NULL REFERENCES sources(id),
    seq       INTEGER NOT NULL,     -- order within its source
    PRIMARY KEY (cik, concept, taxonomy, unit, start, end, accn, frame, value)
) WITHOUT ROWID;
INSERT OR IGNORE INTO facts_by_identity
    SELECT cik, concept, taxonomy, unit, ifnull(start, ''), end, accn, ifnull(frame, ''), value,
           fy, fp, form, filed, source_id, id
    FROM facts ORDER BY id;
DROP TABLE facts;
ALTER TABLE facts_by_identity RENAME TO facts;
"#,
    // 13: a window's links by the day they were known (the themes of a month read
    // that month's links, not every signal stored: the query-plan test found the
    // scan).
    r#"
CREATE INDEX news_signals_known ON news_signals(known_date);
"#,
    // 14: a feed's items are told apart by their guid (`sync news` skips an
    // item whose guid is stored, whatever its link or text became).
    r#"
CREATE INDEX documents_external ON documents(external_id) WHERE external_id IS NOT NULL;
"#,
    // 15: the change log: each sync that stored something, with the range of
    // sources it wrote and the last close before and after it (what changed is
    // read from those sources' rows, never copied).
    r#"
CREATE TABLE sync_runs (
    id            INTEGER PRIMARY KEY,
    finished_at   TEXT NOT NULL,       -- RFC 3339, UTC
    what          TEXT NOT NULL,       -- sec | prices | news
    first_source  INTEGER NOT NULL,    -- sources.id of its first new document
    last_source   INTEGER NOT NULL,
    latest_before TEXT,                -- the last price date before and after it
    latest_after  TEXT
);
"#,
    // 16: the accessions of the XBRL facts, one row each, and the 13F
    // reports' by an index: a checker asks whether a cited accession is
    // stored, and `facts` (keyed by filer and concept) could answer only by
    // reading every fact.
    r#"
CREATE TABLE fact_accessions (accn TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO fact_accessions SELECT DISTINCT accn FROM facts;
CREATE INDEX holdings_reports_accession ON holdings_reports(accession);
"#,
    // 17: (a) the list of files a store was ingested from kept twice, in the
    // table and in an index of its own pages, so that `verify --rebuild` can
    // still read it when a damaged page holds part of the table; (b) the change
    // log reads a run's filings and insider reports by the sources it wrote, on
    // every leaderboard view: by index, not a scan; (c) corporate actions a
    // price source states (Tiingo's `splitFactor` and `divCash`), each citing
    // its answer and row, and the days each answer vouches for — a day inside
    // a span with no split stated had none, by that source's word.
    r#"
CREATE INDEX sources_paths ON sources(id, path);
CREATE INDEX filings_source ON filings(source_id);
CREATE INDEX insider_reports_source ON insider_reports(source_id);
CREATE TABLE corporate_actions (
    ticker    TEXT NOT NULL,
    kind      TEXT NOT NULL,        -- split | dividend
    ex_date   TEXT NOT NULL,        -- the first day the stock traded without it
    value     REAL NOT NULL,        -- new shares per old; cash per share
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line      INTEGER NOT NULL,     -- the row of the answer that stated it
    PRIMARY KEY (ticker, kind, ex_date)
) WITHOUT ROWID;
CREATE TABLE action_spans (
    ticker     TEXT NOT NULL,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL,
    PRIMARY KEY (ticker, source_id)
) WITHOUT ROWID;
"#,
    // 18: the live record: the Alpha Scores of each latest close as this desk
    // first stated them, never rewritten, so that their realized returns can
    // be measured later by a record nobody can tune after the fact.
    r#"
CREATE TABLE live_scores (
    config_hash TEXT NOT NULL,
    as_of       TEXT NOT NULL,      -- the close the scores are of
    ticker      TEXT NOT NULL,
    score       INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,      -- UTC, RFC 3339: when they were first stated
    generation  INTEGER NOT NULL,   -- the store generation they were computed from
    PRIMARY KEY (config_hash, as_of, ticker)
) WITHOUT ROWID;
"#,
    // 19: a companyfacts document's facts kept as one compact set, not a row
    // each (see fact_sets.rs: a row a fact made SQLite's B-tree the bound of
    // every companyfacts write). The rows are moved into sets by the store
    // (`fact_sets::from_rows`), then `facts` is dropped.
    r#"
CREATE TABLE fact_sets (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id),
    cik       INTEGER NOT NULL,
    facts     INTEGER NOT NULL,     -- how many the set holds
    encoded   BLOB NOT NULL         -- the facts, in document order (fact_sets.rs)
);
CREATE INDEX fact_sets_cik ON fact_sets(cik, source_id);
"#,
];

/// The migration after whose SQL the stored fact rows move into sets.
pub const FACT_SETS: i64 = 19;

pub const LATEST: i64 = MIGRATIONS.len() as i64;
