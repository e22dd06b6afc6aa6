//! A note as Markdown (the published form the checker reads), HTML, or JSON.

use crate::compose::{Note, Sentence};

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

fn cited(s: &Sentence) -> String {
    let marks: String = s.cites.iter().map(|n| format!("[{n}]")).collect();
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
    let marks: String = s.cites.iter().map(|n| format!("<a class=\"cite\" href=\"#s{n}\">[{n}]</a>")).collect();
    if marks.is_empty() {
        format!("{}.", escape(&s.text))
    } else {
        format!("{} {marks}.", escape(&s.text))
    }
}

fn html_paragraph(sentences: &[Sentence]) -> String {
    sentences.iter().map(html_sentence).collect::<Vec<_>>().join(" ")
}

/// A standalone page: no scripts, no external assets.
pub fn html(n: &Note) -> String {
    let mut o = String::with_capacity(8192);
    o.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    o.push_str(&format!("<title>{} ({}) — {}</title>\n", escape(&n.company), n.ticker, n.as_of));
    o.push_str("<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}.meta{color:#666}.cite{text-decoration:none;font-size:.8em}ul.takeaways{list-style:none;padding-left:0}ul.takeaways li::before{content:\"■ \"}.disclaimer{border-top:1px solid #ccc;padding-top:.5em;color:#555}</style>\n</head><body>\n");
    o.push_str(&html_article(n));
    o.push_str("</body></html>\n");
    o
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
        o.push_str(&format!("<li id=\"s{}\">{}</li>\n", s.number, escape(&s.text)));
    }
    o.push_str("</ol>\n");
    o.push_str(&format!("<p class=\"disclaimer\">{}</p>\n", escape(&n.disclaimer)));
    o
}

/// The note with every claim, its value and source numbers, for programs and agents.
pub fn json(n: &Note) -> String {
    serde_json::to_string_pretty(n).unwrap_or_default()
}

#[cfg(test)]
mod tests {
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
