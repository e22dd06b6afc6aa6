//! News articles and social posts.
//!
//! - Articles: JSON Lines of `{"title", "body", "published"}` objects (the shared
//!   Reuters layout adds `id`, `url` and more, kept where useful).
//! - Posts: StockNet day files, `TICKER/YYYY-MM-DD`, one tweet per line, either
//!   preprocessed (`{"text": [tokens], "created_at", "user_id_str"}`) or raw Twitter
//!   objects (`{"id_str", "text": "...", "created_at", ...}`). The ticker comes from
//!   the folder, the day bucket from the file name; `created_at` is UTC.
//!
//! Every document keeps its publication instant in UTC and the US-Eastern trading
//! day on which it became known: a document stamped after the 16:00 close belongs
//! to the next day, so that a score "as of the close of D" never sees it.

use alphadesk_model::{parse_date, NaiveDate};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{check_text, ParseError, Warning};

pub use alphadesk_model::DocKind;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    pub kind: DocKind,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub body: String,
    /// The instant it was published, in UTC.
    pub published_utc: DateTime<Utc>,
    /// As the source wrote it (with its own zone offset where it had one).
    pub published_raw: String,
    /// US-Eastern trading day on whose close it is first known.
    pub known_date: NaiveDate,
    /// The company a post was collected for (StockNet's folder); links of articles
    /// are found by the news stage, not assumed.
    pub ticker_hint: Option<String>,
    /// 1-based line in the file.
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Documents {
    pub documents: Vec<Document>,
    pub warnings: Vec<Warning>,
}

/// The largest article (title and body) alphadesk reads, in bytes. Real articles
/// are a few kilobytes; reading a 50 MB "article" costs gigabytes of memory in the
/// news stage, and no reader is served by it.
pub const MAX_ARTICLE_BYTES: usize = 1 << 20;

fn too_large(title: &str, body: &str) -> Option<String> {
    let n = title.len() + body.len();
    (n > MAX_ARTICLE_BYTES).then(|| format!("article of {n} bytes is over the {MAX_ARTICLE_BYTES}-byte limit"))
}

/// US Eastern offset from UTC at an instant: −4 h during daylight saving time
/// (second Sunday of March 02:00 local to first Sunday of November 02:00 local,
/// the rule since 2007), −5 h otherwise.
pub fn eastern_offset_hours(t: DateTime<Utc>) -> i64 {
    let y = t.year();
    let nth_sunday = |month: u32, n: u32| -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(y, month, 1).expect("valid date");
        let shift = (7 - first.weekday().num_days_from_sunday()) % 7;
        first + Duration::days((shift + 7 * (n - 1)) as i64)
    };
    // 02:00 EST = 07:00 UTC on the March change; 02:00 EDT = 06:00 UTC in November.
    let start = nth_sunday(3, 2).and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time")).and_utc();
    let end = nth_sunday(11, 1).and_time(NaiveTime::from_hms_opt(6, 0, 0).expect("valid time")).and_utc();
    if t >= start && t < end {
        -4
    } else {
        -5
    }
}

/// The trading day whose close first includes a document published at `t`: its
/// US-Eastern date, or the next weekday when published after 16:00 Eastern or on a
/// weekend. Holidays are not modelled (a holiday's news counts on the holiday, which
/// no score is computed for, and so on the next trading day's close).
pub fn known_date(t: DateTime<Utc>) -> NaiveDate {
    let local = t.naive_utc() + Duration::hours(eastern_offset_hours(t));
    let mut d = local.date();
    if local.time() > NaiveTime::from_hms_opt(16, 0, 0).expect("valid time") {
        d += Duration::days(1);
    }
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

pub(crate) fn looks_like(head: &[u8]) -> Option<DocKind> {
    use crate::companyfacts::contains;
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    if !first.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    if contains(first, b"\"created_at\"") && (contains(first, b"\"text\"")) {
        return Some(DocKind::Post);
    }
    if contains(first, b"\"title\"") && contains(first, b"\"body\"") {
        return Some(DocKind::Article);
    }
    None
}

#[derive(Deserialize)]
struct RawArticle {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    published: Option<String>,
    /// Reuters company pages that listed the item (the 2013–2018 crawl); its
    /// presence marks that crawl's layout.
    #[serde(default)]
    pages: Option<serde_json::Value>,
}

/// Words that follow a comma far more often than a company name: after a
/// crawl's double space they mark a comma.
const AFTER_COMMA: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "which",
    "who",
    "whose",
    "whom",
    "where",
    "when",
    "while",
    "whereas",
    "although",
    "though",
    "according",
    "as",
    "citing",
    "including",
    "with",
    "after",
    "its",
    "it",
    "his",
    "her",
    "their",
    "up",
    "down",
    "compared",
    "from",
    "plus",
    "led",
    "both",
    "even",
    "not",
    "so",
    "yet",
    "because",
];

/// The Reuters company-page crawl wrote every comma of its text as two spaces
/// ("Chase & Co  the biggest U.S. bank"), and left two spaces where it removed
/// an exchange code ("Bank of America Corp  has rejected", from "Corp ( BAC.N )
/// has"). A double space is a comma only where the words show it was one, else
/// one space: a missing comma misquotes less than an invented one.
/// - after a lower-case word (a clause or an appositive ends: "the oil major  said");
/// - before a word that follows commas (`AFTER_COMMA`, or one ending in "-ing");
/// - in a dateline ("PARIS  June 17");
/// - in a list of names (two or more double spaces between capitalised words in a
///   row: "Siemens  PPR  Dell").
pub fn restore_crawler_commas(s: &str) -> String {
    let parts: Vec<&str> = s.split("  ").collect();
    if parts.len() == 1 {
        return s.to_string();
    }
    let last_word = |p: &str| p.split_whitespace().next_back().unwrap_or("").to_string();
    let first_word = |p: &str| p.split_whitespace().next().unwrap_or("").to_string();
    let capitalised = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
    // A list: a part that is a short run of capitalised words between two
    // double spaces.
    let listed = |i: usize| {
        let name = |p: &str| {
            let ws: Vec<&str> = p.split_whitespace().collect();
            !ws.is_empty() && ws.len() <= 4 && ws.iter().all(|w| capitalised(w) || *w == "&")
        };
        (i + 1 < parts.len() && name(parts[i + 1]) && i + 2 < parts.len())
            || (i >= 1 && name(parts[i]) && i + 1 < parts.len() && name(parts[i + 1]))
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(parts[0]);
    for i in 1..parts.len() {
        let (before, after) = (last_word(parts[i - 1]), first_word(parts[i]));
        let after_lower = after.to_lowercase();
        let month = alphadesk_model::is_month_word(after_lower.trim_end_matches('.'));
        let comma = (!before.is_empty() && before.chars().next().is_some_and(|c| c.is_lowercase()))
            || AFTER_COMMA.contains(&after_lower.as_str())
            || (after_lower.ends_with("ing") && after_lower.len() > 4 && !capitalised(&after))
            || (month && before.chars().all(|c| !c.is_lowercase()))
            || listed(i - 1);
        out.push_str(if comma { ", " } else { " " });
        out.push_str(parts[i]);
    }
    out
}

#[derive(Deserialize)]
struct RawPost {
    text: serde_json::Value,
    created_at: String,
    #[serde(default)]
    id_str: Option<String>,
    #[serde(default)]
    user_id_str: Option<String>,
}

fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s.trim()) {
        return Some(d.with_timezone(&Utc));
    }
    // Twitter: "Thu Jan 02 15:45:02 +0000 2014".
    if let Ok(d) = DateTime::parse_from_str(s.trim(), "%a %b %d %H:%M:%S %z %Y") {
        return Some(d.with_timezone(&Utc));
    }
    // A bare date says nothing of the hour: the item may have come after the close,
    // so it is taken as the last second of that day in New York and is known at the
    // next trading day's close. Early by a day is look-ahead; late by a day is not.
    let d = parse_date(s)?;
    let t = NaiveDateTime::new(d, NaiveTime::from_hms_opt(23, 59, 59)?).and_utc();
    Some(t - Duration::hours(eastern_offset_hours(t)))
}

/// The objects of a JSON Lines text with their 1-based line numbers; a line that is
/// not a `T` becomes a warning naming `what` and is skipped.
fn json_lines<T: serde::de::DeserializeOwned>(text: &str, what: &str, warnings: &mut Vec<Warning>) -> Vec<(u64, T)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(v) => out.push((line_no, v)),
            Err(e) => warnings.push(Warning::line(line_no, format!("not {what} ({e}); skipped"))),
        }
    }
    out
}

pub fn parse_articles(bytes: &[u8]) -> Result<Documents, ParseError> {
    check_text(bytes)?;
    let text = crate::error::decode_text(bytes);
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    for (line_no, a) in json_lines::<RawArticle>(&text, "an article object", &mut warnings) {
        let Some(published) = a.published.as_deref().and_then(parse_instant) else {
            warnings.push(Warning::line(
                line_no,
                "no readable `published` time; skipped (an undated article cannot be placed in time)",
            ));
            continue;
        };
        let (mut title, mut body) = (a.title.unwrap_or_default(), a.body.unwrap_or_default());
        if let Some(why) = too_large(&title, &body) {
            warnings.push(Warning::line(line_no, format!("{why}; skipped")));
            continue;
        }
        if a.pages.is_some() {
            title = restore_crawler_commas(&title);
            body = restore_crawler_commas(&body);
        }
        if title.trim().is_empty() && body.trim().is_empty() {
            warnings.push(Warning::line(line_no, "empty title and body; skipped"));
            continue;
        }
        documents.push(Document {
            kind: DocKind::Article,
            external_id: a.id.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
            url: a.url.filter(|u| !u.trim().is_empty()),
            title,
            body,
            published_utc: published,
            published_raw: a.published.unwrap_or_default(),
            known_date: known_date(published),
            ticker_hint: None,
            line: line_no,
        });
    }
    if documents.is_empty() {
        return Err(ParseError::file("no usable articles"));
    }
    Ok(Documents { documents, warnings })
}

/// `name` is `TICKER/YYYY-MM-DD` (the day file and its folder).
pub fn parse_posts(bytes: &[u8], name: &str) -> Result<Documents, ParseError> {
    check_text(bytes)?;
    let (folder, day) = name.rsplit_once('/').unwrap_or(("", name));
    let ticker = folder.rsplit('/').next().unwrap_or("").trim().to_ascii_uppercase();
    if ticker.is_empty() || alphadesk_model::Ticker::new(&ticker).is_err() {
        return Err(ParseError::file(format!("post file {name:?} is not under a TICKER folder")));
    }
    let bucket = parse_date(day);
    let text = crate::error::decode_text(bytes);
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    for (line_no, p) in json_lines::<RawPost>(&text, "a post object", &mut warnings) {
        let body = match &p.text {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(tokens) => tokens.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join(" "),
            _ => {
                warnings.push(Warning::line(line_no, "`text` is neither a string nor tokens; skipped"));
                continue;
            }
        };
        let Some(t) = parse_instant(&p.created_at) else {
            warnings.push(Warning::line(line_no, format!("unreadable created_at {:?}; skipped", p.created_at)));
            continue;
        };
        // Known from its own timestamp, which is never later than the end of the
        // file's day bucket; a timestamp that contradicts its bucket by more than a
        // day is reported.
        let known = known_date(t);
        if let Some(b) = bucket {
            if (known - b).num_days().abs() > 3 {
                warnings.push(Warning::line(
                    line_no,
                    format!("created_at {} is far from the file's day {b}", p.created_at),
                ));
            }
        }
        documents.push(Document {
            kind: DocKind::Post,
            external_id: p.id_str.or_else(|| p.user_id_str.map(|u| format!("{u}@{}", p.created_at))),
            url: None,
            title: String::new(),
            body,
            published_utc: t,
            published_raw: p.created_at,
            known_date: known,
            ticker_hint: Some(ticker.clone()),
            line: line_no,
        });
    }
    Ok(Documents { documents, warnings })
}

/// Which non-JSON article layout a file is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkupKind {
    Feed,
    Html,
    Text,
}

/// RSS and Atom feeds by their root element; HTML pages and plain-text or Markdown
/// articles only when they state a publication time (an undated article cannot be
/// placed in time, so it is not a source).
pub(crate) fn markup_kind(lead: &[u8]) -> Option<MarkupKind> {
    let head = String::from_utf8_lossy(&lead[..lead.len().min(16 * 1024)]).to_lowercase();
    if head.starts_with('<') {
        if head.contains("<rss") || head.contains("<feed") && head.contains("atom") {
            return Some(MarkupKind::Feed);
        }
        if (head.contains("<html") || head.contains("<!doctype html")) && html_published(&head).is_some() {
            return Some(MarkupKind::Html);
        }
        return None;
    }
    text_header(&head).1.map(|_| MarkupKind::Text)
}

fn html_published(lower: &str) -> Option<String> {
    for key in ["article:published_time", "\"datepublished\"", "name=\"date\"", "pubdate"] {
        if let Some(p) = lower.find(key) {
            let rest = &lower[p..];
            let c = rest.find("content=\"").map(|q| q + 9)?;
            let end = rest[c..].find('"')?;
            return Some(rest[c..c + end].to_string());
        }
    }
    let p = lower.find("<time")?;
    let rest = &lower[p..];
    let c = rest.find("datetime=\"")? + 10;
    let end = rest[c..].find('"')?;
    Some(rest[c..c + end].to_string())
}

/// Title and publication time of a text or Markdown article: YAML front matter
/// (`title:`, `published:` or `date:`), or `Title:` / `Published:` / `Date:` header
/// lines, or else the first non-empty line (a `#` heading unwrapped) as the title.
/// Returns (title, published, body start line).
fn text_header(text: &str) -> (Option<String>, Option<String>, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut title, mut published) = (None, None);
    let mut body_start = 0;
    let mut i = 0;
    let front = lines.first().is_some_and(|l| l.trim() == "---");
    if front {
        i = 1;
    }
    while i < lines.len().min(20) {
        let l = lines[i].trim();
        if front && l == "---" {
            body_start = i + 1;
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "title" => title = Some(v),
                "published" | "date" | "published_at" => published = Some(v),
                _ => {}
            }
        }
        if !front && l.is_empty() && (title.is_some() || published.is_some()) {
            body_start = i + 1;
            break;
        }
        i += 1;
    }
    (title, published, body_start)
}

/// RSS 2.0 (`channel/item`) and Atom (`feed/entry`) items as articles.
pub fn parse_feed(bytes: &[u8]) -> Result<Documents, ParseError> {
    check_text(bytes)?;
    let root = crate::xml::parse(bytes, 0)?;
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    let items: Vec<&crate::xml::Element> = if root.name.eq_ignore_ascii_case("rss") {
        root.child("channel").map(|c| c.children_named("item").collect()).unwrap_or_default()
    } else if root.name.eq_ignore_ascii_case("feed") {
        root.children_named("entry").collect()
    } else {
        return Err(ParseError::at(
            crate::Location::Element { path: root.name.clone(), offset: root.offset },
            "expected an <rss> or Atom <feed> root element",
        ));
    };
    for (n, it) in items.iter().enumerate() {
        let line = n as u64 + 1;
        let title = it.text_at(&["title"]).unwrap_or("").to_string();
        let raw_body = it
            .text_at(&["encoded"])
            .or_else(|| it.text_at(&["content"]))
            .or_else(|| it.text_at(&["description"]))
            .or_else(|| it.text_at(&["summary"]))
            .unwrap_or("");
        let body = if raw_body.contains('<') { strip_html(raw_body) } else { raw_body.to_string() };
        let when = it.text_at(&["pubDate"]).or_else(|| it.text_at(&["published"])).or_else(|| it.text_at(&["updated"]));
        let Some((published, raw)) = when.and_then(|w| {
            DateTime::parse_from_rfc2822(w)
                .ok()
                .map(|d| (d.with_timezone(&Utc), w.to_string()))
                .or_else(|| parse_instant(w).map(|d| (d, w.to_string())))
        }) else {
            warnings.push(Warning {
                location: crate::Location::Element { path: format!("item[{line}]"), offset: it.offset },
                message: "no readable publication time; skipped".into(),
            });
            continue;
        };
        let url = it
            .child("link")
            .and_then(|l| l.attr("href").map(str::to_string).or_else(|| Some(l.text.trim().to_string())))
            .filter(|u| !u.is_empty());
        documents.push(Document {
            kind: DocKind::Article,
            external_id: it.text_at(&["guid"]).or_else(|| it.text_at(&["id"])).map(str::to_string),
            url,
            title,
            body,
            published_utc: published,
            published_raw: raw,
            known_date: known_date(published),
            ticker_hint: None,
            line,
        });
    }
    Ok(Documents { documents, warnings })
}

/// Title, stated publication time (as written) and body of a text, Markdown or HTML
/// article. The one reading of these layouts, for ingest and for `alphadesk news`.
pub fn split_article(text: &str) -> (String, Option<String>, String) {
    if text.trim_start().starts_with('<') {
        let when = html_published(&text.to_lowercase());
        let plain = strip_html(text);
        let mut lines = plain.lines().skip_while(|l| l.trim().is_empty());
        let title = lines.next().unwrap_or("").trim().to_string();
        (title, when, lines.collect::<Vec<_>>().join("\n"))
    } else {
        let (title, when, start) = text_header(text);
        let rest: Vec<&str> = text.lines().skip(start).collect();
        let mut body_lines = rest.iter().skip_while(|l| l.trim().is_empty());
        let title = match title {
            Some(t) => t,
            None => body_lines.next().map(|l| l.trim().trim_start_matches('#').trim().to_string()).unwrap_or_default(),
        };
        (title, when, body_lines.copied().collect::<Vec<_>>().join("\n"))
    }
}

/// A plain-text, Markdown or HTML article that states when it was published.
pub fn parse_text_article(bytes: &[u8]) -> Result<Documents, ParseError> {
    check_text(bytes)?;
    let text = crate::error::decode_text(bytes);
    let (title, published, body) = split_article(&text);
    if let Some(why) = too_large(&title, &body) {
        return Err(ParseError::file(why));
    }
    let raw = published.ok_or_else(|| {
        ParseError::file(
            "article states no publication time: add a `published:` line (or HTML `article:published_time`)",
        )
    })?;
    let t = parse_instant(&raw)
        .or_else(|| DateTime::parse_from_rfc2822(&raw).ok().map(|d| d.with_timezone(&Utc)))
        .ok_or_else(|| ParseError::file(format!("unreadable publication time {raw:?}")))?;
    Ok(Documents {
        documents: vec![Document {
            kind: DocKind::Article,
            external_id: None,
            url: None,
            title,
            body,
            published_utc: t,
            published_raw: raw,
            known_date: known_date(t),
            ticker_hint: None,
            line: 1,
        }],
        warnings: Vec::new(),
    })
}

/// Boilerplate-free text of an HTML page: drops `script`, `style`, `nav`, `header`,
/// `footer` and `aside` blocks and every tag, decodes the common entities, and puts
/// the `<title>` first.
pub fn strip_html(html: &str) -> String {
    // ASCII lower-casing keeps every byte offset valid in both strings.
    let lower = html.to_ascii_lowercase();
    let mut keep = vec![true; html.len()];
    for tag in ["script", "style", "nav", "header", "footer", "aside", "noscript"] {
        let mut from = 0;
        while let Some(a) = lower[from..].find(&format!("<{tag}")).map(|p| p + from) {
            let end = lower[a..].find(&format!("</{tag}>")).map(|p| a + p + tag.len() + 3).unwrap_or(html.len());
            keep[a..end].iter_mut().for_each(|k| *k = false);
            from = end;
        }
    }
    let title =
        lower.find("<title>").and_then(|a| lower[a..].find("</title>").map(|b| html[a + 7..a + b].trim().to_string()));
    let mut out = String::new();
    let mut in_tag = false;
    for (i, c) in html.char_indices() {
        if !keep[i] {
            continue;
        }
        match c {
            '<' => {
                in_tag = true;
                let t = &lower.as_bytes()[i..];
                if [&b"<p"[..], b"<br", b"<h", b"<li", b"<di"].iter().any(|p| t.starts_with(p)) {
                    out.push('\n');
                }
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ");
    let body: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match title {
        Some(t) if body.first().is_none_or(|f| *f != t) => format!("{t}\n{}", body.join("\n\n")),
        _ => body.join("\n\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn eastern_time_and_the_close() {
        assert_eq!(eastern_offset_hours(utc("2014-01-02T15:00:00Z")), -5);
        assert_eq!(eastern_offset_hours(utc("2014-07-02T15:00:00Z")), -4);
        // 2014 DST began 2014-03-09 07:00 UTC.
        assert_eq!(eastern_offset_hours(utc("2014-03-09T06:59:00Z")), -5);
        assert_eq!(eastern_offset_hours(utc("2014-03-09T07:00:00Z")), -4);
        // 15:45 UTC in January is 10:45 ET: known that day.
        assert_eq!(known_date(utc("2014-01-02T15:45:02Z")).to_string(), "2014-01-02");
        // 22:00 UTC is 17:00 ET, after the close: the next day.
        assert_eq!(known_date(utc("2014-01-02T22:00:00Z")).to_string(), "2014-01-03");
        // Friday evening: Monday.
        assert_eq!(known_date(utc("2014-01-03T23:00:00Z")).to_string(), "2014-01-06");
    }

    #[test]
    fn feeds_text_and_html() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>Apple beats</title><link>http://a/1</link><description>&lt;p&gt;Sales rose.&lt;/p&gt;</description><pubDate>Tue, 24 Jan 2012 16:30:00 -0500</pubDate></item>
<item><title>Undated</title></item></channel></rss>"#;
        assert_eq!(markup_kind(rss), Some(MarkupKind::Feed));
        let d = parse_feed(rss).unwrap();
        assert_eq!(d.documents.len(), 1);
        assert_eq!(d.documents[0].body.trim(), "Sales rose.");
        assert_eq!(d.documents[0].known_date.to_string(), "2012-01-25", "16:30 New York is after the close");
        assert_eq!(d.warnings.len(), 1);
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><link href="http://b"/><id>1</id><published>2012-01-24T10:00:00Z</published><summary>S</summary></entry></feed>"#;
        assert_eq!(parse_feed(atom).unwrap().documents[0].url.as_deref(), Some("http://b"));
        let md = b"---\ntitle: Sales jump\npublished: 2014-03-03T09:00:00-05:00\n---\n\nSales rose 5 percent.\n";
        assert_eq!(markup_kind(md), Some(MarkupKind::Text));
        let d = parse_text_article(md).unwrap();
        assert_eq!(
            (d.documents[0].title.as_str(), d.documents[0].body.trim()),
            ("Sales jump", "Sales rose 5 percent.")
        );
        let html = br#"<html><head><title>Big news</title><meta property="article:published_time" content="2014-03-03T09:00:00Z"></head><body><nav>Menu</nav><p>Profit grew.</p></body></html>"#;
        assert_eq!(markup_kind(html), Some(MarkupKind::Html));
        assert_eq!(parse_text_article(html).unwrap().documents[0].body.trim(), "Profit grew.");
        assert!(markup_kind(b"# A title\n\nno date here").is_none());
        assert!(parse_text_article(b"# A title\n\nno date").unwrap_err().message.contains("publication time"));
    }

    #[test]
    fn reuters_article_and_stocknet_posts() {
        let a = br#"{"id": "r/1", "title": "Kraft to raise Cadbury bid", "body": "LONDON (Reuters) - Kraft ...", "published": "2010-01-03T09:22:00-05:00", "url": "http://x"}
not json
{"title": "", "body": "", "published": "2010-01-03T09:22:00-05:00"}
"#;
        let d = parse_articles(a).unwrap();
        assert_eq!(d.documents.len(), 1);
        assert_eq!(d.documents[0].published_utc.to_rfc3339(), "2010-01-03T14:22:00+00:00");
        // A Sunday article is known on Monday's close.
        assert_eq!(d.documents[0].known_date.to_string(), "2010-01-04");
        assert_eq!(d.warnings.len(), 2);
        let p = br#"{"text": ["$", "aapl", "up", "big"], "created_at": "Thu Jan 02 15:45:02 +0000 2014", "user_id_str": "1"}
{"id_str": "9", "text": "raw tweet $AAPL", "created_at": "Thu Jan 02 23:45:02 +0000 2014"}"#;
        let d = parse_posts(p, "tweet/preprocessed/AAPL/2014-01-02").unwrap();
        assert_eq!(d.documents[0].body, "$ aapl up big");
        assert_eq!(d.documents[0].ticker_hint.as_deref(), Some("AAPL"));
        assert_eq!(d.documents[1].known_date.to_string(), "2014-01-03");
        assert!(parse_posts(p, "2014-01-02").is_err());
    }

    #[test]
    fn a_removed_code_is_one_space_and_commas_come_back_where_the_words_show_them() {
        for (crawl, read) in [
            ("Bank of America Corp  has rejected", "Bank of America Corp has rejected"),
            ("an order for nine Boeing  777-300ER jets", "an order for nine Boeing 777-300ER jets"),
            ("JPMorgan Chase & Co  the biggest U.S. bank", "JPMorgan Chase & Co, the biggest U.S. bank"),
            ("Adds Siemens  PPR  Dell  Astellas Pharma  Nokia", "Adds Siemens, PPR, Dell, Astellas Pharma, Nokia"),
            (
                "sells a terminal in Boise  Idaho  the Federal Trade Commission said",
                "sells a terminal in Boise, Idaho, the Federal Trade Commission said",
            ),
            ("shares fell 3 percent  sending the index lower", "shares fell 3 percent, sending the index lower"),
            ("Goldman Sachs Group Inc  said on Monday", "Goldman Sachs Group Inc said on Monday"),
        ] {
            assert_eq!(restore_crawler_commas(crawl), read, "{crawl}");
        }
    }

    #[test]
    fn company_page_leads_get_their_commas_and_a_conservative_day() {
        // The 2013–2018 crawl: a date without a time, commas written as two spaces.
        let a = br#"{"id": "reuters-lead/20180412/x", "published": "2018-04-12", "title": "Exxon  Chevron hurt", "body": "PARIS  April 12 Total  the oil major  said", "pages": [{"ticker": "XOM", "company": "Exxon"}]}
{"id": "plain", "published": "2018-04-13", "title": "Two  spaces kept", "body": "b"}"#;
        let d = parse_articles(a).unwrap();
        // Two names and a verb: a list or a removed code; no comma is invented.
        assert_eq!(d.documents[0].title, "Exxon Chevron hurt");
        assert_eq!(d.documents[0].body, "PARIS, April 12 Total, the oil major, said");
        assert_eq!(d.documents[1].title, "Two  spaces kept", "only the crawl's layout is rewritten");
        // Thursday with no time: it may have come after the close, so Friday.
        assert_eq!(d.documents[0].known_date.to_string(), "2018-04-13");
        assert_eq!(d.documents[0].published_raw, "2018-04-12");
    }
}
