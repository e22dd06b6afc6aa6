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

#![warn(missing_docs)]

use std::borrow::Cow;
use std::sync::Arc;

use alphadesk_service::params::{
    subject_list, BacktestParams, ChangesParams, CheckParams, CompareParams, ListScoresParams, NewsParams, NoParams,
    NoteField, NoteFormat, NoteParams, PricesParams, ScoreHistoryParams, SearchParams, StoryParams, ThemesParams,
    TickerParams,
};
use alphadesk_service::{Kind, Service, ServiceError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, GetPromptRequestParams, GetPromptResponse,
    GetPromptResult, Implementation, JsonObject, ListPromptsResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, Role, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// What the server tells an agent once, instead of in every tool's description.
const INSTRUCTIONS: &str = "alphadesk is an open equity research desk over primary data (prices, SEC XBRL, Forms 4, 13F, news). \
Start with search_tickers, then get_score or explain_score; list_scores, compare and get_score_history answer questions across tickers and time. \
Every number a tool returns comes with its source (an SEC accession, a stored file and line or a URL, or the score configuration's hash) and the date it was known by: quote them with the number. \
A note or story that check_note accepts cites each figure with a bracketed number, [1], that points into a numbered list under a `## Sources` heading; \
each entry names the record: an accession (0000320193-18-000070), a stored file (market/prices/AAPL_data.csv, line 1259), an article's URL, \
or `config HASH` for a score. The write_note and write_story prompts give the whole format; the rules resource lists every rule. \
Scores are within-sector ranks on data known at a close, not forecasts; nothing here is personalized advice.";

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
    score: alphadesk_service::ScoreRecord,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    /// Every claim with its value and sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Value>,
    /// The publishing-rules checker's verdict on the note.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<alphadesk_service::Verdict>,
}

impl NoteAnswer {
    /// The parts `fields` names, else the headline, the verdict and the
    /// rendering `format` names.
    fn new(n: &alphadesk_service::NoteView, format: NoteFormat, fields: Option<&[NoteField]>) -> NoteAnswer {
        let all = format == NoteFormat::All;
        let wants = |f: NoteField, by_format: bool| match fields {
            Some(list) => list.contains(&f),
            None => by_format,
        };
        NoteAnswer {
            id: n.id.clone(),
            ticker: n.ticker.clone(),
            as_of: n.as_of,
            headline: wants(NoteField::Headline, true).then(|| n.headline.clone()),
            markdown: wants(NoteField::Markdown, all || format == NoteFormat::Markdown).then(|| n.markdown.clone()),
            html: wants(NoteField::Html, all || format == NoteFormat::Html).then(|| n.html.clone()),
            claims: wants(NoteField::Claims, all || format == NoteFormat::Claims).then(|| n.note.clone()),
            verdict: wants(NoteField::Verdict, true).then(|| n.verdict.clone()),
        }
    }
}

/// Arguments read into `T`; an error names the argument and, for a date, the
/// form expected.
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
            description: "The Alpha Scores of one date as a ranked list: optionally one GICS sector (\"Financials\", \"Health Care\", ...), within thresholds on the total, each pillar, market cap (USD) and the change since the previous month end, ordered by any of them either way (`sort`, `order`), at most `limit` rows (default 20). Answers \"which Financials scored highest on 2017-12-29?\" or \"which large caps gained most this month?\" in one call. Each row has the total, category, change, market cap, the four pillar scores and how many pillars had data; `get_score` gives one ticker's detail.",
            input: || {
                // The API's `format` (CSV) has no meaning here: a tool answers JSON.
                let mut s = schema::<ListScoresParams>();
                if let Some(Value::Object(props)) = s.get_mut("properties") {
                    props.remove("format");
                }
                s
            },
            output: output::<alphadesk_service::ScoreList>,
            call: |s, v| {
                let p: ListScoresParams = args(v)?;
                to_value(&s.screen(&p)?)
            },
        },
        Spec {
            name: "get_score_history",
            description: "One ticker's Alpha Score and pillar scores at each month end (or each week or day: `every`) from `from` to `to` (default: the two years to the latest date), in one call: how its rank within its sector moved. Each point is a score computed from data known at that month's close; null where the ticker was not scored.",
            input: schema::<ScoreHistoryParams>,
            output: output::<alphadesk_service::ScoreHistory>,
            call: |s, v| {
                let p: ScoreHistoryParams = args(v)?;
                to_value(&s.history(&p.ticker, p.from, p.to, p.every)?)
            },
        },
        Spec {
            name: "compare",
            description: "Two to ten tickers side by side on one date: each one's Alpha Score, category, four pillar scores and its published explanation sentence. Scores rank a ticker within its own sector, so tickers of different sectors are compared by how they stand among their peers, not against each other.",
            input: schema::<CompareParams>,
            output: output::<alphadesk_service::Comparison>,
            call: |s, v| {
                let p: CompareParams = args(v)?;
                if !(2..=10).contains(&p.tickers.len()) {
                    return Err(Failure::Arguments(format!("argument `tickers`: 2 to 10 tickers, got {}", p.tickers.len())));
                }
                to_value(&s.compare(&p.tickers, p.as_of)?)
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
            output: output::<alphadesk_service::FactsReport>,
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
            description: "A research note alphadesk writes only from data, by id (TICKER-YYYY-MM-DD) or by ticker and date, with the publishing-rules checker's verdict on it. `format`: markdown (default; the note as published with its numbered sources), html, claims (every claim with its value and sources) or all; or `fields` for exactly those parts ([\"verdict\"] to learn whether it passes without its text). Educational coverage, not personalized advice.",
            input: schema::<NoteParams>,
            output: output::<NoteAnswer>,
            call: |s, v| {
                let p: NoteParams = args(v)?;
                let note = match (&p.id, &p.ticker) {
                    (Some(id), _) => s.note_by_id(id)?,
                    (None, Some(t)) => s.note(t, p.as_of)?,
                    (None, None) => return Err(Failure::Arguments("give `id` or `ticker`".into())),
                };
                to_value(&NoteAnswer::new(&note, p.format.unwrap_or_default(), p.fields.as_deref()))
            },
        },
        Spec {
            name: "get_news",
            description: "Stored articles about one company, newest first: each with its headline and opening as a reader sees them, when it was published and first known (the first close it can move), its relevance to the company (0-100; default at least 40, articles about the company; 0 adds passing mentions), its tone toward the company (-1 to 1) and its URL or stored file and line. `from`/`to` bound the days; `matching` says how many matched in all.",
            input: schema::<NewsParams>,
            output: output::<alphadesk_service::NewsView>,
            call: |s, v| {
                let p: NewsParams = args(v)?;
                to_value(&s.news(&p.ticker, &p.query())?)
            },
        },
        Spec {
            name: "find_themes",
            description: "Themes of the stored Reuters articles of a window (at most 366 days): articles grouped by shared key phrases and companies, each with a label, its article ids, and the companies its articles are about with their relevance (0-100; 40 and above: the article is about the company, below: a passing mention). `from` defaults to 30 days before `to`: the window get_story reads for a story dated `to`, so both find the same theme. Give `query` to get the one theme about those words, `ticker` for only the themes with an article about that company (\"all Boeing themes in June 2013\": ticker BA, from 2013-06-01, to 2013-06-30).",
            input: schema::<ThemesParams>,
            output: output::<alphadesk_service::ThemesView>,
            call: |s, v| {
                let p: ThemesParams = args(v)?;
                to_value(&s.find_themes(&p)?)
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
            output: output::<alphadesk_service::Verdict>,
            call: |s, v| {
                let p: CheckParams = args(v)?;
                to_value(&s.check(&p.markdown, p.as_of, &subject_list(p.ticker.as_deref())?)?)
            },
        },
        Spec {
            name: "get_changes",
            description: "What changed since the last sync (or every sync since a day): the filings, open-market insider trades and articles each sync stored, with their tickers and accessions or URLs, the store's last close before and after, and every Alpha Score that moved by 10 points or more between those closes, with the metric that moved it most. An empty list means no sync has stored anything (then).",
            input: schema::<ChangesParams>,
            output: output::<alphadesk_service::ChangesView>,
            call: |s, v| {
                let p: ChangesParams = args(v)?;
                to_value(&s.changes(p.since)?)
            },
        },
        Spec {
            name: "get_validation",
            description: "The Alpha Score's figures of record: a walk-forward backtest (historical simulation on survivorship-biased data, not a forecast) of monthly rank correlation (IC) between the score and the next 21 trading days' returns, per pillar, with t-statistics, quintile returns and turnover. Small positive ICs that are not statistically significant mean the score has not ranked stocks badly, not that it predicts returns.",
            input: schema::<NoParams>,
            output: output::<alphadesk_service::Figures>,
            call: |s, v| {
                let _: NoParams = args(v)?;
                to_value(s.figures()?.as_ref())
            },
        },
        Spec {
            name: "run_backtest",
            description: "Run a backtest (a historical simulation on survivorship-biased data, not a forecast): the Alpha Score's rank IC with forward returns over any span (default: the record's), horizon and rebalance, the IC decay at up to ten more horizons (`horizons`, e.g. [1, 5, 21, 63]), and — to test a factor of your own — `factor` rows {date, ticker, value} (or `factor_csv` text) evaluated by the same point-in-time returns and universe. Returns the figures in brief: `figures` (IC per factor, your factor's as `ic.factor`, quintiles, long-short), `by_horizon`, and `factor` (rows used and dropped with why, sector-neutral IC, quintiles, long-short). Takes about a second per 50 monthly rebalances. Small ICs with |t| < 2 could be chance.",
            input: schema::<BacktestParams>,
            output: output::<alphadesk_service::BacktestBrief>,
            call: |s, v| {
                let p: BacktestParams = args(v)?;
                to_value(&alphadesk_service::BacktestBrief::from(&s.run_backtest(&p)?))
            },
        },
        Spec {
            name: "get_live_record",
            description: "The live record: the Alpha Scores of each latest close as this desk first stated them (kept as stated, never recomputed), and the rank IC of the 21 trading days' returns that followed once they have passed. Only closes stated within a week of themselves count as live; a store built from history is a replay, listed but not counted — so an empty live figure means no live close has matured yet, not a result.",
            input: schema::<NoParams>,
            output: output::<alphadesk_service::LiveRecord>,
            call: |s, v| {
                let _: NoParams = args(v)?;
                to_value(&s.live_record()?)
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
    /// The tools over `service`.
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
                Tool::new(s.name, s.description, (s.input)())
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
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().enable_prompts().build())
            .with_server_info(Implementation::new("alphadesk", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(
            documents()
                .iter()
                .map(|d| {
                    Resource::new(d.uri, d.name)
                        .with_title(d.title)
                        .with_description(d.description)
                        .with_mime_type(d.mime)
                })
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let Some(d) = documents().into_iter().find(|d| d.uri == request.uri) else {
            let known: Vec<&str> = documents().iter().map(|d| d.uri).collect();
            return Err(McpError::resource_not_found(
                format!("no resource {:?}: the resources are {}", request.uri, known.join(", ")),
                None,
            ));
        };
        let service = self.service.clone();
        let text = tokio::task::spawn_blocking(move || (d.text)(&service))
            .await
            .map_err(|e| McpError::internal_error(format!("resource {}: {e}", d.uri), None))?
            .map_err(|e| McpError::internal_error(format!("resource {}: {}", d.uri, e.message), None))?;
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, d.uri).with_mime_type(d.mime)]).into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let arguments = request.arguments.unwrap_or_default();
        prompts::get(&self.service, &request.name, &arguments).map(Into::into)
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

/// A document the server offers as a resource.
#[derive(Clone, Copy)]
struct Document {
    uri: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    mime: &'static str,
    text: fn(&Service) -> Result<String, ServiceError>,
}

fn documents() -> Vec<Document> {
    vec![
        Document {
            uri: "alphadesk://methodology",
            name: "methodology",
            title: "How the Alpha Score is computed",
            description: "The four pillars, their metrics, sector-relative percentiles, point-in-time rules and what the score is not.",
            mime: "text/markdown",
            text: |_| Ok(alphadesk_service::METHODOLOGY.to_string()),
        },
        Document {
            uri: "alphadesk://validation",
            name: "validation",
            title: "The Alpha Score's figures of record",
            description: "The walk-forward backtest of the configuration in use: monthly rank IC per pillar with t-statistics, quintile returns, turnover (JSON; the same as get_validation).",
            mime: "application/json",
            text: |s| {
                let figures = s.figures()?;
                serde_json::to_string_pretty(&*figures).map_err(|e| ServiceError::new(Kind::Internal, e.to_string()))
            },
        },
        Document {
            uri: "alphadesk://rules",
            name: "rules",
            title: "The publishing rules check_note enforces",
            description: "Every rule with what fails it and how it is read: grounding and citation of every number, verbatim quotations, relevance of every company named, no advice, promises or price targets, balance, the disclaimer, freshness, scores equal to the computed ones.",
            mime: "text/markdown",
            text: |_| Ok(alphadesk_service::RULES.to_string()),
        },
    ]
}

/// Prompts that teach the formats the checker accepts.
mod prompts {
    use super::*;

    pub(super) fn list() -> Vec<Prompt> {
        let arg = |name: &str, description: &str, required: bool| {
            PromptArgument::new(name).with_description(description).with_required(required)
        };
        vec![
            Prompt::new(
                "write_note",
                Some("Write a research note on one company, as of a date, that check_note accepts: the data to gather, the layout, how to cite, what not to say."),
                Some(vec![
                    arg("ticker", "The company's ticker, e.g. AAPL.", true),
                    arg("as_of", "The note's date, YYYY-MM-DD (default: the latest date in the store).", false),
                ]),
            ),
            Prompt::new(
                "write_story",
                Some("Write a story on a news theme, as of a date, that check_note accepts: only the companies the articles are about, quotations verbatim, every figure cited."),
                Some(vec![
                    arg("query", "Words of the theme, e.g. \"Clearwire bid\".", true),
                    arg("as_of", "The story's date, YYYY-MM-DD: the window of articles ends here.", true),
                ]),
            ),
        ]
    }

    fn text_arg<'a>(arguments: &'a JsonObject, name: &str) -> Result<Option<&'a str>, McpError> {
        match arguments.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(McpError::invalid_params(format!("argument `{name}`: a string, got {other}"), None)),
        }
    }

    fn date_arg(arguments: &JsonObject, name: &str) -> Result<Option<chrono::NaiveDate>, McpError> {
        text_arg(arguments, name)?
            .map(|d| {
                alphadesk_model::parse_date(d).ok_or_else(|| {
                    McpError::invalid_params(
                        format!("argument `{name}`: {d:?} is not a date (YYYY-MM-DD, e.g. 2018-04-30)"),
                        None,
                    )
                })
            })
            .transpose()
    }

    /// The rules every note and story keeps, with the configured disclaimer.
    fn shared_rules(s: &Service) -> String {
        format!(
            "Layout: YAML front matter between `---` lines, then a `# ` headline, paragraphs, and a `## Sources` heading with a numbered list.\n\
             Citations: every sentence that states a number, a date or a quotation ends with bracketed numbers, [1] or [2][3], each pointing at an entry of `## Sources`. \
             An entry names the record the figure came from: an SEC accession (as the tools give it), a stored file with its line (market/prices/AAPL_data.csv, line 1259), \
             an article's URL, or `alphadesk Alpha Score and sector statistics, config {hash}` for a score. Copy figures and sources from the tools' answers; never round them differently or invent one.\n\
             Quotations: word for word from a cited article, in curly quotes “…”, only under the company the article is about.\n\
             Companies: name only the subjects, and others only where a cited source about a subject names them.\n\
             Not allowed: advice to the reader (buy, sell, hold, \"you should\"), guarantees or certain outcomes, price targets or predicted returns. \
             Upside language needs a stated risk or limitation in the same note.\n\
             Scores: an Alpha Score, pillar score or label exactly as get_score gives it on the date.\n\
             Disclaimer: end with this sentence, verbatim: \"{disclaimer}\"\n\
             Then call check_note with the Markdown and correct every violation it names (rule, line, column and reason) until it passes.",
            hash = s.config_hash(),
            disclaimer = s.rules().disclaimer,
        )
    }

    pub(super) fn get(s: &Service, name: &str, arguments: &JsonObject) -> Result<GetPromptResult, McpError> {
        let latest = || s.health().ok().and_then(|h| h.latest_date);
        match name {
            "write_note" => {
                let ticker = text_arg(arguments, "ticker")?
                    .ok_or_else(|| McpError::invalid_params("argument `ticker` is required (e.g. AAPL)", None))?;
                let ticker = alphadesk_model::Ticker::new(ticker)
                    .map_err(|e| McpError::invalid_params(format!("argument `ticker`: {e}"), None))?;
                let as_of = date_arg(arguments, "as_of")?.or_else(latest);
                let day = as_of.map(|d| d.to_string()).unwrap_or_else(|| "the latest date in the store".into());
                let text = format!(
                    "Write a research note on {t} as of {day}.\n\n\
                     Gather: get_score and explain_score ({t}, as_of {day}) for the score and the metrics behind it; get_facts for fundamentals \
                     (each value's 'filed' date is when it became public); get_prices for the close and the 52-week range; get_insider_trades and get_holders; \
                     get_news for the articles about it. get_note ({t}, {day}) shows a note alphadesk wrote from the same data, as an example of the format.\n\n\
                     Front matter: `ticker: {t}` and `as_of: {day}`.\n{rules}",
                    t = ticker.as_str(),
                    rules = shared_rules(s),
                );
                Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                    .with_description(format!("A research note on {} as of {day}", ticker.as_str())))
            }
            "write_story" => {
                let query = text_arg(arguments, "query")?.filter(|q| !q.trim().is_empty()).ok_or_else(|| {
                    McpError::invalid_params("argument `query` is required (words of the theme)", None)
                })?;
                let as_of = date_arg(arguments, "as_of")?
                    .ok_or_else(|| McpError::invalid_params("argument `as_of` is required (YYYY-MM-DD)", None))?;
                let text = format!(
                    "Write a story on the news theme \"{query}\" as of {as_of}.\n\n\
                     Gather: find_themes over the 30 days to {as_of} with query \"{query}\" for the theme, its articles and the companies they are about (relevance 40 or more); \
                     get_story (query \"{query}\", as_of {as_of}) shows the story alphadesk wrote from the same data; get_score and get_news for each company the theme is about.\n\n\
                     Front matter: `tickers: [...]` (the companies the articles are about) and `as_of: {as_of}`. A headline from the central report, not a template.\n{rules}",
                    rules = shared_rules(s),
                );
                Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                    .with_description(format!("A story on \"{query}\" as of {as_of}")))
            }
            other => Err(McpError::invalid_params(
                format!("no prompt {other:?}: the prompts are write_note and write_story"),
                None,
            )),
        }
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
