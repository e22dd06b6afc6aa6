//! alphadesk for AI agents: the Model Context Protocol face of the service layer.
//!
//! Read-only tools, each a thin call into [`alphadesk_service::Service`]:
//! its input schema is the JSON Schema of the service's parameter type (the same
//! type the HTTP API reads its query from) and its output schema that of the
//! service's answer, so the tools, the API and the CLI cannot drift apart. Every
//! number a tool returns travels with its source (an accession, a file and line,
//! or the score configuration's hash) and its as-of date, and each description
//! says what its figures are and are not: an agent that gets a number without its
//! source repeats it wrongly.
//!
//! The protocol itself is the official Rust SDK (`rmcp`), pinned to one exact
//! version and used only in this module's [`Tools`] handler and the two
//! transports: [`serve_stdio`] for `alphadesk mcp`, and [`http_service`], which
//! `alphadesk serve` mounts at `/mcp` (streamable HTTP).

use std::borrow::Cow;
use std::sync::Arc;

use alphadesk_service::params::{
    subject_list, CheckParams, CompareParams, ListScoresParams, NoParams, NoteFormat, NoteParams, PricesParams,
    ScoreHistoryParams, SearchParams, StoryParams, ThemesParams, TickerParams,
};
use alphadesk_service::{Kind, Service, ServiceError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, JsonObject, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// What every tool says about its figures.
const PROVENANCE: &str = "Every number comes with its source (SEC accession, stored file and line, or the score configuration's hash) and the date it was known by; quote them with the number.";

/// One tool: its name, what it does, and how it is answered.
struct Spec {
    name: &'static str,
    description: &'static str,
    input: fn() -> JsonObject,
    output: fn() -> JsonObject,
    call: fn(&Service, Value) -> Result<Value, Failure>,
}

/// Why a call did not answer: the caller's arguments, or the question.
enum Failure {
    /// The arguments do not fit the tool's schema or are out of range: a JSON-RPC
    /// invalid-params error.
    Arguments(String),
    /// The question has no answer (unknown ticker, no data on the date): a tool
    /// result marked as an error, which the model reads.
    Answer(ServiceError),
    /// The server cannot answer now.
    Server(String),
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        match e.kind {
            Kind::BadInput => Failure::Arguments(e.message),
            Kind::NotFound | Kind::Unprocessable | Kind::TooLarge => Failure::Answer(e),
            Kind::Unavailable | Kind::Internal => Failure::Server(e.message),
        }
    }
}

/// The schema of what a tool reads (what a caller may send).
fn schema<T: JsonSchema>() -> JsonObject {
    object(serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default())
}

/// The schema of what a tool answers: as the answer is *serialized*, so a field
/// left out when empty is optional — the deserialize form would mark it required,
/// and a client that validates structured output (the official SDKs do) would
/// reject the answer.
fn output<T: JsonSchema>() -> JsonObject {
    let generator = schemars::generate::SchemaSettings::default().for_serialize().into_generator();
    object(serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or_default())
}

fn object(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        _ => JsonObject::new(),
    }
}

/// Tool results are objects: a list goes under a key.
#[derive(Serialize, JsonSchema)]
struct Hits {
    hits: Vec<alphadesk_service::SearchHit>,
}

/// `get_score`: the record `alphadesk score --json` prints, with where it comes from.
#[derive(Serialize, JsonSchema)]
struct ScoreAnswer {
    /// Exactly the record `alphadesk score --as-of DATE --json` prints for the ticker.
    score: alphadesk_score::ScoreRecord,
    /// The score configuration every figure here was computed with.
    config_hash: String,
    /// What the score is and is not.
    meaning: String,
}

/// `get_note`: the note in the rendering asked for, with its verdict. One
/// rendering by default: an agent's context is a budget, and the three together
/// are four times the Markdown.
#[derive(Serialize, JsonSchema)]
struct NoteAnswer {
    /// `TICKER-YYYY-MM-DD`.
    id: String,
    ticker: String,
    as_of: chrono::NaiveDate,
    headline: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    /// Every claim with its value and sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Value>,
    verdict: alphadesk_rules::Verdict,
}

impl NoteAnswer {
    fn new(n: &alphadesk_service::NoteView, format: NoteFormat) -> NoteAnswer {
        let all = format == NoteFormat::All;
        NoteAnswer {
            id: n.id.clone(),
            ticker: n.ticker.clone(),
            as_of: n.as_of,
            headline: n.headline.clone(),
            markdown: (all || format == NoteFormat::Markdown).then(|| n.markdown.clone()),
            html: (all || format == NoteFormat::Html).then(|| n.html.clone()),
            claims: (all || format == NoteFormat::Claims).then(|| n.note.clone()),
            verdict: n.verdict.clone(),
        }
    }
}

/// Arguments read into `T`; an error names the argument and, for a date, the
/// form expected.
/// One ticker's score in a list: the figures an agent compares, without the
/// per-pillar detail (`get_score` and `explain_score` have it).
#[derive(Serialize, JsonSchema)]
struct ScoreRow {
    ticker: String,
    name: Option<String>,
    /// GICS sector: the score ranks the ticker within it.
    sector: String,
    /// 0-100, or null when fewer pillars than the configuration needs had data.
    alpha_score: Option<u8>,
    /// Weak (0-39), Moderate (40-74) or Strong (75-100).
    category: Option<String>,
    momentum: Option<u8>,
    value: Option<u8>,
    quality: Option<u8>,
    sentiment: Option<u8>,
    /// Pillars that had data, of four.
    pillars_available: usize,
}

impl From<&alphadesk_score::ScoreRecord> for ScoreRow {
    fn from(r: &alphadesk_score::ScoreRecord) -> Self {
        use alphadesk_score::Pillar;
        let pillar = |p: Pillar| r.pillars.get(&p).and_then(|s| s.score);
        ScoreRow {
            ticker: r.ticker.clone(),
            name: r.name.clone(),
            sector: r.sector.name().to_string(),
            alpha_score: r.alpha_score,
            category: r.category.map(|c| c.word().to_string()),
            momentum: pillar(Pillar::Momentum),
            value: pillar(Pillar::Value),
            quality: pillar(Pillar::Quality),
            sentiment: pillar(Pillar::Sentiment),
            pillars_available: r.coverage.pillars_available,
        }
    }
}

/// `list_scores`: a date's scores, filtered and ordered.
#[derive(Serialize, JsonSchema)]
struct ScoreList {
    /// The close the scores are of.
    as_of: chrono::NaiveDate,
    config_hash: String,
    /// Rows that matched the sector and thresholds (before `limit`).
    matching: usize,
    rows: Vec<ScoreRow>,
}

/// `get_score_history`: month-end scores of one ticker.
#[derive(Serialize, JsonSchema)]
struct ScoreHistory {
    ticker: String,
    config_hash: String,
    points: Vec<alphadesk_service::ScorePoint>,
}

/// `compare`: tickers side by side on one date.
#[derive(Serialize, JsonSchema)]
struct Comparison {
    as_of: chrono::NaiveDate,
    config_hash: String,
    rows: Vec<ComparedRow>,
}

#[derive(Serialize, JsonSchema)]
struct ComparedRow {
    #[serde(flatten)]
    score: ScoreRow,
    /// The published sentence that says why ("Alpha Score of 68 reflects ...").
    explanation: String,
}

fn args<T: DeserializeOwned>(v: Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        // chrono's own words do not say what a date should look like.
        let date =
            ["input contains invalid characters", "premature end of input", "input is out of range", "trailing input"]
                .iter()
                .any(|m| inner.contains(m));
        let hint = if date { " (a date is YYYY-MM-DD, e.g. 2018-04-30)" } else { "" };
        if path.is_empty() || path == "." {
            Failure::Arguments(format!("arguments: {inner}{hint}"))
        } else {
            Failure::Arguments(format!("argument `{path}`: {inner}{hint}"))
        }
    })
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, Failure> {
    serde_json::to_value(t).map_err(|e| Failure::Server(e.to_string()))
}

const SCORE_MEANING: &str = "The Alpha Score ranks the ticker from 0 to 100 within its GICS sector on the as-of date, from four pillars (momentum, value, quality, sentiment), each a sector percentile of metrics computed only from data public by that close. It is a rank, not a forecast, a price target or a recommendation; its walk-forward record is get_validation.";

fn specs() -> Vec<Spec> {
    vec![
        Spec {
            name: "search_tickers",
            description: "Find tickers in alphadesk's scored universe by symbol or company-name words (exact symbols first). Returns ticker, name and GICS sector; use the ticker with the other tools.",
            input: schema::<SearchParams>,
            output: output::<Hits>,
            call: |s, v| {
                let p: SearchParams = args(v)?;
                to_value(&Hits { hits: s.search(&p.q, p.limit.unwrap_or(20))? })
            },
        },
        Spec {
            name: "get_score",
            description: "The Alpha Score of one ticker as of a date (default: the latest date in the store): total 0-100, category (Weak 0-39, Moderate 40-74, Strong 75-100), the four pillar scores with labels, and coverage (how many metrics had data). A within-sector rank on data known at that close, not a forecast or a recommendation. The config_hash names the scoring configuration.",
            input: schema::<TickerParams>,
            output: output::<ScoreAnswer>,
            call: |s, v| {
                let p: TickerParams = args(v)?;
                let e = s.explain(&p.ticker, p.as_of)?;
                to_value(&ScoreAnswer {
                    score: e.record.clone(),
                    config_hash: e.config_hash.clone(),
                    meaning: SCORE_MEANING.into(),
                })
            },
        },
        Spec {
            name: "list_scores",
            description: "The Alpha Scores of one date as a ranked list: optionally one GICS sector (\"Financials\", \"Health Care\", ...), ordered by the total or a pillar, within score thresholds, at most `limit` rows (default 20). Answers \"which Financials scored highest on 2017-12-29?\" in one call. Each row has the total, category, the four pillar scores and how many pillars had data; `get_score` gives one ticker's detail.",
            input: schema::<ListScoresParams>,
            output: output::<ScoreList>,
            call: |s, v| {
                let p: ListScoresParams = args(v)?;
                let limit = p.limit.unwrap_or(20);
                if !(1..=100).contains(&limit) {
                    return Err(Failure::Arguments(format!("argument `limit`: 1 to 100, got {limit}")));
                }
                if let (Some(lo), Some(hi)) = (p.min_score, p.max_score) {
                    if lo > hi {
                        return Err(Failure::Arguments(format!("argument `min_score` {lo} is above `max_score` {hi}")));
                    }
                }
                let view = s.scores(p.as_of, p.sector.as_deref(), p.sort.unwrap_or_default(), Some(alphadesk_service::MAX_LIMIT), 0)?;
                let within = |r: &&alphadesk_score::ScoreRecord| {
                    let score = r.alpha_score;
                    p.min_score.is_none_or(|lo| score.is_some_and(|x| x >= lo))
                        && p.max_score.is_none_or(|hi| score.is_some_and(|x| x <= hi))
                };
                let matched: Vec<&alphadesk_score::ScoreRecord> = view.page.items.iter().filter(within).collect();
                to_value(&ScoreList {
                    as_of: view.as_of,
                    config_hash: view.config_hash.clone(),
                    matching: matched.len(),
                    rows: matched.into_iter().take(limit).map(ScoreRow::from).collect(),
                })
            },
        },
        Spec {
            name: "get_score_history",
            description: "One ticker's Alpha Score at each month end from `from` to `to` (default: the two years to the latest date), in one call: how its rank within its sector moved. Each point is a score computed from data known at that month's close; null where the ticker was not scored.",
            input: schema::<ScoreHistoryParams>,
            output: output::<ScoreHistory>,
            call: |s, v| {
                let p: ScoreHistoryParams = args(v)?;
                let to = match p.to {
                    Some(d) => d,
                    None => s.health()?.latest_date.ok_or_else(|| Failure::Answer(alphadesk_service::ServiceError::not_found("the store holds no prices")))?,
                };
                let from = p.from.unwrap_or(to - chrono::Duration::days(alphadesk_service::SCORE_HISTORY_DAYS));
                if from > to {
                    return Err(Failure::Arguments(format!("argument `from` {from} is after `to` {to}")));
                }
                if (to - from).num_days() > 3660 {
                    return Err(Failure::Arguments("the span is over ten years: ask for a shorter one".into()));
                }
                let ticker = alphadesk_model::Ticker::new(&p.ticker).map_err(|e| Failure::Arguments(format!("argument `ticker`: {e}")))?;
                to_value(&ScoreHistory {
                    ticker: ticker.as_str().to_string(),
                    config_hash: s.config_hash().to_string(),
                    points: s.score_history(ticker.as_str(), from, to)?,
                })
            },
        },
        Spec {
            name: "compare",
            description: "Two to ten tickers side by side on one date: each one's Alpha Score, category, four pillar scores and its published explanation sentence. Scores rank a ticker within its own sector, so tickers of different sectors are compared by how they stand among their peers, not against each other.",
            input: schema::<CompareParams>,
            output: output::<Comparison>,
            call: |s, v| {
                let p: CompareParams = args(v)?;
                if !(2..=10).contains(&p.tickers.len()) {
                    return Err(Failure::Arguments(format!("argument `tickers`: 2 to 10 tickers, got {}", p.tickers.len())));
                }
                let mut rows = Vec::with_capacity(p.tickers.len());
                let mut as_of = None;
                for t in &p.tickers {
                    let e = s.explain(t, p.as_of)?;
                    as_of = Some(e.record.as_of);
                    rows.push(ComparedRow { score: ScoreRow::from(&e.record), explanation: e.explanation.first().cloned().unwrap_or_default() });
                }
                to_value(&Comparison {
                    as_of: as_of.unwrap_or_default(),
                    config_hash: s.config_hash().to_string(),
                    rows,
                })
            },
        },
        Spec {
            name: "explain_score",
            description: "Why a ticker has its Alpha Score: the two published explanation sentences, then every metric with its raw value, sector percentile and direction, and the inputs it was computed from, each with its source (filing accession, or stored file and line) and date. Use it to quote a figure behind a score.",
            input: schema::<TickerParams>,
            output: output::<alphadesk_service::TickerView>,
            call: |s, v| {
                let p: TickerParams = args(v)?;
                to_value(s.explain(&p.ticker, p.as_of)?.as_ref())
            },
        },
        Spec {
            name: "get_facts",
            description: "Standardised fundamentals of a ticker as known at the close of a date: trailing-twelve-month revenue, profits and cash flows, balance-sheet items from the latest balance sheet, shares and a split-consistent market cap. Each value has its XBRL concept, period, filing date ('filed', when it became public, distinct from the period end) and source accession; fields with no value say why.",
            input: schema::<TickerParams>,
            output: output::<alphadesk_fundamentals::FactsReport>,
            call: |s, v| {
                let p: TickerParams = args(v)?;
                to_value(&s.facts(&p.ticker, p.as_of)?)
            },
        },
        Spec {
            name: "get_prices",
            description: "Daily closes of a ticker from `from` to `to` (default: the year to its latest price), each with the stored file and line it was read from, and the 52-week high and low. Adjusted closes are split- and dividend-adjusted: compare them with each other, not with prices quoted elsewhere.",
            input: schema::<PricesParams>,
            output: output::<alphadesk_service::PricesView>,
            call: |s, v| {
                let p: PricesParams = args(v)?;
                to_value(&s.prices(&p.ticker, p.from, p.to)?)
            },
        },
        Spec {
            name: "get_insider_trades",
            description: "Open-market insider purchases (code P) and sales (code S) from Forms 4 filed by the date, newest first, each with the insider, trade date, shares, price and the filing's accession. An amendment (4/A) replaces its original from its filing date. Grants, exercises and tax withholding are left out: they say nothing about what an insider thinks of the price.",
            input: schema::<TickerParams>,
            output: output::<alphadesk_service::InsidersView>,
            call: |s, v| {
                let p: TickerParams = args(v)?;
                to_value(&s.insiders(&p.ticker, p.as_of)?)
            },
        },
        Spec {
            name: "get_holders",
            description: "Institutional managers' latest 13F share positions in the company filed by the date, largest first, with the quarter, filing date, previous quarter's shares and the 13F accession. 13Fs are filed up to 45 days after the quarter: they describe the past quarter's end, not today.",
            input: schema::<TickerParams>,
            output: output::<alphadesk_service::HoldersView>,
            call: |s, v| {
                let p: TickerParams = args(v)?;
                to_value(&s.holders(&p.ticker, p.as_of)?)
            },
        },
        Spec {
            name: "get_note",
            description: "A research note alphadesk writes only from data, by id (TICKER-YYYY-MM-DD) or by ticker and date, with the publishing-rules checker's verdict on it. `format`: markdown (default; the note as published with its numbered sources), html, claims (every claim with its value and sources) or all. Educational coverage, not personalized advice.",
            input: schema::<NoteParams>,
            output: output::<NoteAnswer>,
            call: |s, v| {
                let p: NoteParams = args(v)?;
                let note = match (&p.id, &p.ticker) {
                    (Some(id), _) => s.note_by_id(id)?,
                    (None, Some(t)) => s.note(t, p.as_of)?,
                    (None, None) => return Err(Failure::Arguments("give `id` or `ticker`".into())),
                };
                to_value(&NoteAnswer::new(&note, p.format.unwrap_or_default()))
            },
        },
        Spec {
            name: "find_themes",
            description: "Themes of the stored Reuters articles of a window (at most 366 days): articles grouped by shared key phrases and companies, each with a label, its article ids, and the companies its articles are about with their relevance (0-100; 40 and above: the article is about the company, below: a passing mention). Give `query` to get the one theme about those words.",
            input: schema::<ThemesParams>,
            output: output::<alphadesk_service::ThemesView>,
            call: |s, v| {
                let p: ThemesParams = args(v)?;
                let themes = match &p.query {
                    Some(q) => vec![s.theme_matching(p.from, p.to, p.min_articles, q)?],
                    None => s.themes(p.from, p.to, p.min_articles)?,
                };
                to_value(&alphadesk_service::ThemesView { from: p.from, to: p.to, themes })
            },
        },
        Spec {
            name: "get_story",
            description: "A story on a theme (by id from find_themes over the same window, or by words), written only from data as of a date: what the articles said (quoted, cited), a paragraph per company the articles are about with its Alpha Score when it has one, watch items, numbered sources, and the checker's verdict. Companies the theme is not about never appear.",
            input: schema::<StoryParams>,
            output: output::<alphadesk_service::StoryView>,
            call: |s, v| {
                let p: StoryParams = args(v)?;
                to_value(&s.story(&p.theme_ref()?, p.as_of, p.from)?)
            },
        },
        Spec {
            name: "check_note",
            description: "Check a Markdown note or story (yours, a person's, a model's) against alphadesk's publishing rules on its date: every number grounded in stored data and cited, no company brought in without relevance, no promises, advice or price targets, balance, the disclaimer, fresh data, scores equal to the computed ones, citations that resolve. Returns a verdict with each violation's rule, line, column, text and reason.",
            input: schema::<CheckParams>,
            output: output::<alphadesk_rules::Verdict>,
            call: |s, v| {
                let p: CheckParams = args(v)?;
                to_value(&s.check(&p.markdown, p.as_of, &subject_list(p.ticker.as_deref())?)?)
            },
        },
        Spec {
            name: "get_validation",
            description: "The Alpha Score's figures of record: a walk-forward backtest (historical simulation on survivorship-biased data, not a forecast) of monthly rank correlation (IC) between the score and the next 21 trading days' returns, per pillar, with t-statistics, quintile returns and turnover. Small positive ICs that are not statistically significant mean the score has not ranked stocks badly, not that it predicts returns.",
            input: schema::<NoParams>,
            output: output::<alphadesk_validate::Figures>,
            call: |s, v| {
                let _: NoParams = args(v)?;
                to_value(s.figures()?.as_ref())
            },
        },
    ]
}

/// The tools of a service, as an MCP server handler.
#[derive(Clone)]
pub struct Tools {
    service: Arc<Service>,
    specs: Arc<Vec<Spec>>,
}

impl Tools {
    pub fn new(service: Arc<Service>) -> Tools {
        Tools { service, specs: Arc::new(specs()) }
    }

    /// The tool list as the protocol sends it (also for snapshot tests).
    pub fn list(&self) -> Vec<Tool> {
        self.specs
            .iter()
            .map(|s| {
                let read_only =
                    ToolAnnotations::new().read_only(true).destructive(false).idempotent(true).open_world(false);
                Tool::new(s.name, format!("{} {PROVENANCE}", s.description), (s.input)())
                    .with_raw_output_schema(Arc::new((s.output)()))
                    .with_annotations(read_only)
            })
            .collect()
    }

    /// Calls a tool by name with JSON arguments (the protocol-free core, shared by
    /// both transports and the tests).
    pub async fn call(&self, name: &str, arguments: Value) -> Result<CallToolResult, McpError> {
        let Some(i) = self.specs.iter().position(|s| s.name == name) else {
            return Err(McpError::invalid_params(format!("unknown tool {name:?}"), None));
        };
        let (service, specs) = (self.service.clone(), self.specs.clone());
        // The service reads SQLite and scores in memory: blocking work, off the
        // async workers.
        // A call the client gave up on (a closed connection, a cancelled
        // request) stops the computation nobody else waits for.
        let request = alphadesk_service::Request::new();
        let _cancel = request.cancel_on_drop();
        let answer = tokio::task::spawn_blocking(move || request.enter(|| (specs[i].call)(&service, arguments)))
            .await
            .map_err(|e| McpError::internal_error(format!("tool {name} stopped: {e}"), None))?;
        match answer {
            Ok(v) => Ok(CallToolResult::structured(v)),
            Err(Failure::Arguments(m)) => Err(McpError::invalid_params(m, None)),
            Err(Failure::Answer(e)) => {
                Ok(CallToolResult::structured_error(json!({"error": {"code": e.kind.code(), "message": e.message}})))
            }
            Err(Failure::Server(m)) => Err(McpError::internal_error(m, None)),
        }
    }
}

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("alphadesk", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "alphadesk is an open equity research desk over primary data (prices, SEC XBRL, Forms 4, 13F, news). \
                 Start with search_tickers, then get_score or explain_score. Every figure carries its source and as-of date: \
                 cite them. Scores are within-sector ranks, not forecasts; nothing here is personalized advice.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        self.call(&request.name, arguments).await.map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.list().into_iter().find(|t| t.name == Cow::<str>::Owned(name.to_string()))
    }
}

/// Serves the tools on standard input and output until the client closes them.
pub async fn serve_stdio(service: Arc<Service>) -> std::io::Result<()> {
    let running = Tools::new(service)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| std::io::Error::other(format!("MCP initialization failed: {e}")))?;
    running.waiting().await.map_err(|e| std::io::Error::other(format!("MCP session ended: {e}")))?;
    Ok(())
}

/// How `/mcp` is served over HTTP.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `Host` headers accepted besides loopback (DNS-rebinding defence).
    pub hosts: Vec<String>,
    /// Browser origins accepted; any other `Origin` (including `null`) is
    /// refused with 403. A request without `Origin` is not from a browser page
    /// and is accepted.
    pub origins: Vec<String>,
    /// A session unused this long is closed.
    pub session_idle: std::time::Duration,
}

type SessionManager = rmcp::transport::streamable_http_server::session::local::LocalSessionManager;

/// The live MCP sessions of an HTTP service, for the server's session cap.
#[derive(Clone)]
pub struct Sessions(Arc<SessionManager>);

impl Sessions {
    /// Sessions alive now.
    pub async fn live(&self) -> usize {
        self.0.sessions.read().await.len()
    }

    /// The ids of the sessions alive now.
    pub async fn ids(&self) -> std::collections::HashSet<String> {
        self.0.sessions.read().await.keys().map(|k| k.to_string()).collect()
    }
}

/// The tools over streamable HTTP, as a tower service to mount at `/mcp`, and
/// a handle on its sessions.
pub fn http_service(
    service: Arc<Service>,
    config: &HttpConfig,
) -> (rmcp::transport::streamable_http_server::StreamableHttpService<Tools, SessionManager>, Sessions) {
    let tools = Tools::new(service);
    let mut allowed = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    allowed.extend(config.hosts.iter().cloned());
    let http = rmcp::transport::streamable_http_server::StreamableHttpServerConfig::default()
        .with_allowed_hosts(allowed)
        .with_allowed_origins(config.origins.iter().cloned())
        .enforce_origin_validation()
        .with_json_response(true);
    let mut manager = SessionManager::default();
    manager.session_config.keep_alive = Some(config.session_idle);
    let manager = Arc::new(manager);
    let service = rmcp::transport::streamable_http_server::StreamableHttpService::new(
        move || Ok(tools.clone()),
        manager.clone(),
        http,
    );
    (service, Sessions(manager))
}
