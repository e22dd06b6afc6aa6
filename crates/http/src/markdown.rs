//! Enough Markdown for the project's own documents (headings, paragraphs, lists,
//! tables, code spans and blocks, emphasis, links), escaped, for the methodology
//! page. Not a general renderer: the input is ours.

use maud::{html, Markup, PreEscaped};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Inline spans of one line: `code`, **bold**, [text](link).
fn inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('`') {
            if let Some(end) = r.find('`') {
                out.push_str(&format!("<code>{}</code>", escape(&r[..end])));
                rest = &r[end + 1..];
                continue;
            }
        }
        if let Some(r) = rest.strip_prefix("**") {
            if let Some(end) = r.find("**") {
                out.push_str(&format!("<strong>{}</strong>", inline(&r[..end])));
                rest = &r[end + 2..];
                continue;
            }
        }
        if let Some(r) = rest.strip_prefix('[') {
            if let (Some(close), true) = (r.find("]("), true) {
                if let Some(end) = r[close + 2..].find(')') {
                    let text = &r[..close];
                    let href = &r[close + 2..close + 2 + end];
                    // Links between the docs point at files; on the site they are text.
                    let local = href.ends_with(".md") || !href.contains("://");
                    if local {
                        out.push_str(&inline(text));
                    } else {
                        out.push_str(&format!("<a href=\"{}\">{}</a>", escape(href), inline(text)));
                    }
                    rest = &r[close + 2 + end + 1..];
                    continue;
                }
            }
        }
        let c = rest.chars().next().expect("non-empty");
        out.push_str(&escape(&c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn cells(line: &str) -> Vec<&str> {
    line.trim().trim_matches('|').split('|').map(str::trim).collect()
}

pub fn to_html(md: &str) -> Markup {
    let mut out = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut String| {
        if !para.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", inline(&para.join(" "))));
            para.clear();
        }
    };
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        if t.starts_with("```") {
            flush(&mut para, &mut out);
            let mut code = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().starts_with("```") {
                code.push(lines[i]);
                i += 1;
            }
            out.push_str(&format!("<pre tabindex=\"0\"><code>{}</code></pre>\n", escape(&code.join("\n"))));
        } else if let Some(h) = t.strip_prefix('#') {
            flush(&mut para, &mut out);
            let level = 1 + h.chars().take_while(|c| *c == '#').count();
            out.push_str(&format!("<h{level}>{}</h{level}>\n", inline(h.trim_start_matches('#').trim())));
        } else if t.starts_with('|') && i + 1 < lines.len() && lines[i + 1].trim().starts_with("|-")
            || t.starts_with("|---")
        {
            flush(&mut para, &mut out);
            let head = cells(t);
            out.push_str("<div class=\"table-wrap\" tabindex=\"0\"><table><thead><tr>");
            for h in head {
                out.push_str(&format!("<th scope=\"col\">{}</th>", inline(h)));
            }
            out.push_str("</tr></thead><tbody>");
            i += 2;
            while i < lines.len() && lines[i].trim().starts_with('|') {
                out.push_str("<tr>");
                for c in cells(lines[i]) {
                    out.push_str(&format!("<td>{}</td>", inline(c)));
                }
                out.push_str("</tr>");
                i += 1;
            }
            out.push_str("</tbody></table></div>\n");
            continue;
        } else if t.starts_with("- ")
            || t.starts_with("* ")
            || t.split_once(". ").is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        {
            flush(&mut para, &mut out);
            let ordered = !(t.starts_with("- ") || t.starts_with("* "));
            out.push_str(if ordered { "<ol>" } else { "<ul>" });
            while i < lines.len() {
                let t = lines[i].trim();
                let item = if let Some(x) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
                    Some(x.to_string())
                } else {
                    t.split_once(". ").filter(|(n, _)| n.parse::<u32>().is_ok()).map(|(_, x)| x.to_string())
                };
                let Some(mut item) = item else { break };
                i += 1;
                // Continuation lines of the item.
                while i < lines.len() && lines[i].starts_with("  ") && !lines[i].trim().is_empty() {
                    let c = lines[i].trim();
                    if c.starts_with("- ") || c.starts_with("* ") {
                        break;
                    }
                    item.push(' ');
                    item.push_str(c);
                    i += 1;
                }
                out.push_str(&format!("<li>{}</li>", inline(&item)));
            }
            out.push_str(if ordered { "</ol>\n" } else { "</ul>\n" });
            continue;
        } else if t.is_empty() {
            flush(&mut para, &mut out);
        } else {
            para.push(t);
        }
        i += 1;
    }
    flush(&mut para, &mut out);
    html! { article { (PreEscaped(out)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_shapes_the_docs_use_and_escapes() {
        let h = to_html(
            "# Title\n\nText with `code` and **bold** <b>.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        )
        .into_string();
        assert!(h.contains("<h1>Title</h1>") && h.contains("<code>code</code>") && h.contains("<strong>bold</strong>"));
        assert!(h.contains("&lt;b&gt;") && h.contains("<li>one</li>") && h.contains("<td>2</td>"));
    }
}
