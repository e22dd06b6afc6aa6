//! A note as Markdown (the published form the checker reads), HTML, or JSON.

use crate::compose::{Note, Sentence};
use crate::story::Story;

/// How the checker and other readers find the parts of a note.
pub const TAKEAWAYS_HEADING: &str = "## Key takeaways";
pub const WATCH_HEADING: &str = "## Watch for:";
pub const SOURCES_HEADING: &str = "## Sources";
pub const BULLET: char = '■';

/// Markdown passes raw HTML through to every renderer: a company name or an
/// article title holding `<script>` must reach the reader as text. Only the angle
/// brackets are escaped (`&lt;`, `&gt;`), so that `AT&T` reads as written.
pub fn markdown_text(s: &str) -> String {
    if s.contains(['<', '>']) {
        s.replace('<', "&lt;").replace('>', "&gt;")
    } else {
        s.to_string()
    }
}

/// Most citation markers a sentence carries: a claim resting on many sources
/// cites them as ranges ("[4–73]"), not as a chain a reader cannot follow.
pub const MAX_MARKERS: usize = 3;

/// A sentence's citations as markers: one per source ("[1][74]"), or, past
/// [`MAX_MARKERS`], runs of consecutive sources as ranges ("[1][4–73][74]"),
/// and past that still one list ("[1, 4–9, 12–20, 31]").
pub fn citation_marks(cites: &[usize]) -> Vec<String> {
    if cites.len() <= MAX_MARKERS {
        return cites.iter().map(|n| n.to_string()).collect();
    }
    let mut sorted = cites.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for n in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let written: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
    if written.len() <= MAX_MARKERS {
        written
    } else {
        vec![written.join(", ")]
    }
}

fn cited(s: &Sentence) -> String {
    let marks: String = citation_marks(&s.cites).iter().map(|n| format!("[{n}]")).collect();
    let text = markdown_text(&s.text);
    if marks.is_empty() {
        format!("{text}.")
    } else {
        format!("{text} {marks}.")
    }
}

fn paragraph(sentences: &[Sentence]) -> String {
    sentences.iter().map(cited).collect::<Vec<_>>().join(" ")
}

/// YAML front matter values are quoted when they could read as something else;
/// angle brackets are written as `\u003c`/`\u003e` escapes (valid in YAML and JSON
/// double-quoted strings), so that no raw HTML reaches a renderer.
fn yaml(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || " .-_&".contains(c)) && !s.ends_with(' ') {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default().replace('<', "\\u003c").replace('>', "\\u003e")
    }
}

pub fn markdown(n: &Note) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("---\n");
    out.push_str(&format!("ticker: {}\n", n.ticker));
    out.push_str(&format!("company: {}\n", yaml(&n.company)));
    out.push_str(&format!("sector: {}\n", yaml(&n.sector)));
    out.push_str(&format!("as_of: {}\n", n.as_of));
    if let (Some(a), Some(c)) = (n.alpha_score, &n.category) {
        out.push_str(&format!("alpha_score: {a}\ncategory: {c}\n"));
    }
    out.push_str(&format!("config: {}\n", n.config));
    out.push_str(concat!("generator: alphadesk ", env!("CARGO_PKG_VERSION"), "\n"));
    out.push_str("---\n\n");
    out.push_str(&format!("# {}\n\n", markdown_text(&n.headline.text)));
    let mut lead = vec![n.lead.clone()];
    lead.extend(n.lead_watch.clone());
    out.push_str(&paragraph(&lead));
    out.push_str("\n\n");
    out.push_str(&paragraph(&n.score));
    out.push_str("\n\n");
    out.push_str(TAKEAWAYS_HEADING);
    out.push_str("\n\n");
    for t in &n.takeaways {
        out.push_str(&format!("{BULLET} {}\n", cited(t)));
    }
    for s in &n.sections {
        out.push_str(&format!("\n## {}\n\n{}\n", s.title, paragraph(&s.sentences)));
    }
    if !n.watch.is_empty() {
        out.push_str(&format!("\n{WATCH_HEADING}\n\n"));
        for w in &n.watch {
            out.push_str(&format!("- {}\n", cited(&w.sentence)));
        }
    }
    out.push_str(&format!("\n{SOURCES_HEADING}\n\n"));
    for s in &n.sources {
        out.push_str(&format!("{}. {}\n", s.number, markdown_text(&s.text)));
    }
    out.push_str(&format!("\n{}\n", n.disclaimer));
    out
}

/// A source line as HTML: escaped, with each web address a link to it (a synced
/// SEC document's EDGAR URL, an article's), so a reader reaches the record in one
/// click. A closing parenthesis or full stop after an address is the sentence's.
fn linked(text: &str) -> String {
    let mut o = String::with_capacity(text.len() + 64);
    let mut rest = text;
    let next_url = |t: &str| [t.find("https://"), t.find("http://")].into_iter().flatten().min();
    while let Some(at) = next_url(rest) {
        o.push_str(&escape(&rest[..at]));
        let tail = &rest[at..];
        let mut end = tail.find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"').unwrap_or(tail.len());
        while end > 0 && matches!(tail.as_bytes()[end - 1], b')' | b'.' | b',' | b';') {
            end -= 1;
        }
        let url = escape(&tail[..end]);
        o.push_str(&format!("<a href=\"{url}\" rel=\"nofollow\">{url}</a>"));
        rest = &tail[end..];
    }
    o.push_str(&escape(rest));
    o
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

fn html_sentence(s: &Sentence) -> String {
    let marks: String = citation_marks(&s.cites)
        .iter()
        .map(|m| {
            let first = m.split(['–', ',']).next().unwrap_or(m);
            format!("<a class=\"cite\" href=\"#s{first}\">[{m}]</a>")
        })
        .collect();
    if marks.is_empty() {
        format!("{}.", escape(&s.text))
    } else {
        format!("{} {marks}.", escape(&s.text))
    }
}

fn html_paragraph(sentences: &[Sentence]) -> String {
    sentences.iter().map(html_sentence).collect::<Vec<_>>().join(" ")
}

const PAGE_STYLE: &str = "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}.meta{color:#666}.cite{text-decoration:none;font-size:.8em}ul.takeaways{list-style:none;padding-left:0}ul.takeaways li::before{content:\"■ \"}.disclaimer{border-top:1px solid #ccc;padding-top:.5em;color:#555}</style>\n";

/// A standalone page around an article's HTML: no scripts, no external assets.
pub fn page(title: &str, article_html: &str) -> String {
    let mut o = String::with_capacity(article_html.len() + 1024);
    o.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    o.push_str(&format!("<title>{}</title>\n", escape(title)));
    o.push_str(PAGE_STYLE);
    o.push_str("</head><body>\n");
    o.push_str(article_html);
    o.push_str("</body></html>\n");
    o
}

/// A note as a standalone page.
pub fn html(n: &Note) -> String {
    page(&format!("{} ({}) — {}", n.company, n.ticker, n.as_of), &html_article(n))
}

/// The note's body as HTML (no page around it): for pages that show a note
/// within their own layout.
pub fn html_article(n: &Note) -> String {
    let mut o = String::with_capacity(8192);
    o.push_str(&format!(
        "<p class=\"meta\">{} · {} · as of {}</p>\n<h1>{}</h1>\n",
        n.ticker,
        escape(&n.sector),
        n.as_of,
        escape(&n.headline.text)
    ));
    let mut lead = vec![n.lead.clone()];
    lead.extend(n.lead_watch.clone());
    o.push_str(&format!("<p class=\"lead\">{}</p>\n", html_paragraph(&lead)));
    o.push_str(&format!("<p class=\"score\">{}</p>\n", html_paragraph(&n.score)));
    o.push_str("<h2>Key takeaways</h2>\n<ul class=\"takeaways\">\n");
    for t in &n.takeaways {
        o.push_str(&format!("<li>{}</li>\n", html_sentence(t)));
    }
    o.push_str("</ul>\n");
    for s in &n.sections {
        o.push_str(&format!("<h2>{}</h2>\n<p>{}</p>\n", escape(&s.title), html_paragraph(&s.sentences)));
    }
    if !n.watch.is_empty() {
        o.push_str("<h2>Watch for:</h2>\n<ul>\n");
        for w in &n.watch {
            o.push_str(&format!("<li>{}</li>\n", html_sentence(&w.sentence)));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2>Sources</h2>\n<ol>\n");
    for s in &n.sources {
        o.push_str(&format!("<li id=\"s{}\">{}</li>\n", s.number, linked(&s.text)));
    }
    o.push_str("</ol>\n");
    o.push_str(&format!("<p class=\"disclaimer\">{}</p>\n", escape(&n.disclaimer)));
    o
}

/// The note with every claim, its value and source numbers, for programs and agents.
pub fn json(n: &Note) -> String {
    serde_json::to_string_pretty(n).unwrap_or_default()
}

/// The heading of a story's "What the sources say" section.
pub const SOURCES_SAY_HEADING: &str = "## What the sources say";

/// A theme story as Markdown: front matter naming the theme and its subjects
/// (`tickers:`), then the same parts as a note's.
pub fn story_markdown(s: &Story) -> String {
    let mut out = String::with_capacity(6144);
    out.push_str("---\n");
    out.push_str(&format!("theme: {}\n", yaml(&s.theme)));
    out.push_str(&format!("label: {}\n", yaml(&s.label)));
    out.push_str(&format!("tickers: [{}]\n", s.tickers.join(", ")));
    out.push_str(&format!("form: {}\n", s.form.name()));
    out.push_str(&format!("as_of: {}\nfrom: {}\nto: {}\n", s.as_of, s.from, s.to));
    out.push_str(&format!("config: {}\n", s.config));
    out.push_str(concat!("generator: alphadesk ", env!("CARGO_PKG_VERSION"), "\n"));
    out.push_str("---\n\n");
    out.push_str(&format!("# {}\n\n", markdown_text(&s.headline.text)));
    out.push_str(&paragraph(std::slice::from_ref(&s.lead)));
    out.push_str("\n\n");
    out.push_str(TAKEAWAYS_HEADING);
    out.push_str("\n\n");
    for t in &s.takeaways {
        out.push_str(&format!("{BULLET} {}\n", cited(t)));
    }
    if !s.sources_say.is_empty() {
        out.push_str(&format!("\n{SOURCES_SAY_HEADING}\n\n"));
        for q in &s.sources_say {
            out.push_str(&format!("- {}\n", cited(q)));
        }
    }
    for c in &s.companies {
        out.push_str(&format!("\n### {} ({})\n\n{}\n", markdown_text(&c.name), c.ticker, paragraph(&c.sentences)));
    }
    out.push_str(&format!("\n{}\n", paragraph(std::slice::from_ref(&s.limits))));
    if !s.watch.is_empty() {
        out.push_str(&format!("\n{WATCH_HEADING}\n\n"));
        for w in &s.watch {
            out.push_str(&format!("- {}\n", cited(&w.sentence)));
        }
    }
    out.push_str(&format!("\n{SOURCES_HEADING}\n\n"));
    for src in &s.sources {
        out.push_str(&format!("{}. {}\n", src.number, markdown_text(&src.text)));
    }
    out.push_str(&format!("\n{}\n", s.disclaimer));
    out
}

/// A theme story's body as HTML (no page around it).
pub fn story_html_article(s: &Story) -> String {
    let mut o = String::with_capacity(8192);
    o.push_str(&format!(
        "<p class=\"meta\">Theme {} · {} to {} · as of {}</p>\n<h1>{}</h1>\n",
        escape(&s.theme),
        s.from,
        s.to,
        s.as_of,
        escape(&s.headline.text)
    ));
    o.push_str(&format!("<p class=\"lead\">{}</p>\n", html_paragraph(std::slice::from_ref(&s.lead))));
    o.push_str("<h2>Key takeaways</h2>\n<ul class=\"takeaways\">\n");
    for t in &s.takeaways {
        o.push_str(&format!("<li>{}</li>\n", html_sentence(t)));
    }
    o.push_str("</ul>\n");
    if !s.sources_say.is_empty() {
        o.push_str("<h2>What the sources say</h2>\n<ul>\n");
        for q in &s.sources_say {
            o.push_str(&format!("<li>{}</li>\n", html_sentence(q)));
        }
        o.push_str("</ul>\n");
    }
    for c in &s.companies {
        o.push_str(&format!("<h3>{} ({})</h3>\n<p>{}</p>\n", escape(&c.name), c.ticker, html_paragraph(&c.sentences)));
    }
    o.push_str(&format!("<p>{}</p>\n", html_sentence(&s.limits)));
    if !s.watch.is_empty() {
        o.push_str("<h2>Watch for:</h2>\n<ul>\n");
        for w in &s.watch {
            o.push_str(&format!("<li>{}</li>\n", html_sentence(&w.sentence)));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2>Sources</h2>\n<ol>\n");
    for src in &s.sources {
        o.push_str(&format!("<li id=\"s{}\">{}</li>\n", src.number, linked(&src.text)));
    }
    o.push_str("</ol>\n");
    o.push_str(&format!("<p class=\"disclaimer\">{}</p>\n", escape(&s.disclaimer)));
    o
}

/// A theme story as a standalone page.
pub fn story_html(s: &Story) -> String {
    page(&story_title(&s.headline.text, s.as_of), &story_html_article(s))
}

/// A story page's title.
pub fn story_title(headline: &str, as_of: alphadesk_model::NaiveDate) -> String {
    format!("{headline} — {as_of}")
}

pub fn story_json(s: &Story) -> String {
    serde_json::to_string_pretty(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_source_line_links_its_web_addresses() {
        let line = "SEC Form 10-K filed 2024-11-01, accession 0000320193-24-000123 \
                    (https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json).";
        assert_eq!(
            super::linked(line),
            "SEC Form 10-K filed 2024-11-01, accession 0000320193-24-000123 (<a href=\"https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json\" rel=\"nofollow\">https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json</a>)."
        );
        assert_eq!(
            super::linked("“A & B”, known 2013-06-03, http://x.test/a?b=1&c=<2>"),
            "“A &amp; B”, known 2013-06-03, <a href=\"http://x.test/a?b=1&amp;c=\" rel=\"nofollow\">http://x.test/a?b=1&amp;c=</a>&lt;2&gt;"
        );
        assert_eq!(super::linked("market/prices/AAPL_data.csv, line 4"), "market/prices/AAPL_data.csv, line 4");
    }

    use super::*;

    #[test]
    fn html_in_a_name_reaches_markdown_as_text() {
        assert_eq!(
            markdown_text("Evil <script>alert(1)</script> Corp"),
            "Evil &lt;script&gt;alert(1)&lt;/script&gt; Corp"
        );
        assert_eq!(markdown_text("AT&T Inc"), "AT&T Inc");
        let quoted = yaml("Widget <b>Works</b>");
        assert!(!quoted.contains('<'), "{quoted}");
        assert_eq!(serde_json::from_str::<String>(&quoted).unwrap(), "Widget <b>Works</b>");
    }
}
