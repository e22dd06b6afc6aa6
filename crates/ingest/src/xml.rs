//! A small element tree over quick-xml.
//!
//! SEC ownership and 13F documents are small (a few to a few hundred kilobytes) and
//! their useful content is a handful of nested paths, so a tree is the simplest
//! correct reader. Namespace prefixes are dropped (`ns1:infoTable` and `infoTable`
//! are the same element to us) because filers use every prefix imaginable for the
//! same SEC namespace, and the element names themselves are unambiguous.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::error::{Location, ParseError};

#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// Byte offset of the start tag in the parsed buffer.
    pub offset: u64,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn path(&self, path: &[&str]) -> Option<&Element> {
        let mut cur = self;
        for p in path {
            cur = cur.child(p)?;
        }
        Some(cur)
    }

    /// Trimmed text at `path`, `None` when absent or blank.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        let t = self.path(path)?.text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// The SEC ownership schema wraps most values as `<x><value>..</value></x>`, but
    /// older filings and a few fields put the text directly in `<x>`. Accept both.
    pub fn value_at(&self, path: &[&str]) -> Option<&str> {
        let e = self.path(path)?;
        let t = match e.child("value") {
            Some(v) => v.text.trim(),
            None => e.text.trim(),
        };
        (!t.is_empty()).then_some(t)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every element below this one, depth first, in document order.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

fn local(name: &[u8]) -> String {
    let n = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(n).into_owned()
}

/// Parses one XML document into its root element. `base` is added to reported byte
/// offsets so that errors inside an XML block embedded in a larger file point into
/// that file.
pub fn parse(bytes: &[u8], base: u64) -> Result<Element, ParseError> {
    // Stray whitespace or a BOM before the declaration is common in EDGAR files
    // extracted from SGML; skip it rather than reject the document.
    let mut start = 0;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        start = 3;
    }
    while start < bytes.len() && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    let base = base + start as u64;
    let mut reader = Reader::from_reader(&bytes[start..]);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let path_of = |stack: &[Element]| stack.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join("/");
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| {
            ParseError::at(
                Location::Element { path: path_of(&stack), offset: base + reader.error_position() },
                format!("malformed XML: {e}"),
            )
        })?;
        match ev {
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                return Err(ParseError::at(
                    Location::Element { path: local(s.name().as_ref()), offset: base + pos },
                    "content after the document's root element",
                ));
            }
            Event::Start(s) => {
                let e = open(&s, base + pos, &stack, path_of)?;
                stack.push(e);
            }
            Event::Empty(s) => {
                let e = open(&s, base + pos, &stack, path_of)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::End(_) => {
                let e = stack.pop().ok_or_else(|| {
                    ParseError::at(Location::Byte { offset: base + pos }, "closing tag without an opening tag")
                })?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::Text(t) => {
                if !stack.is_empty() {
                    let s = t.unescape().map_err(|e| {
                        ParseError::at(
                            Location::Element { path: path_of(&stack), offset: base + pos },
                            format!("bad text or entity: {e}"),
                        )
                    })?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&s);
                    }
                } else if !t.iter().all(|b| b.is_ascii_whitespace()) {
                    return Err(ParseError::at(Location::Byte { offset: base + pos }, "text outside the root element"));
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ParseError::at(
            Location::Element { path: path_of(&stack), offset: base + bytes.len() as u64 },
            "document ends inside an open element (truncated?)",
        ));
    }
    root.ok_or_else(|| ParseError::file("no XML element found"))
}

fn open(
    s: &quick_xml::events::BytesStart<'_>,
    offset: u64,
    stack: &[Element],
    path_of: impl Fn(&[Element]) -> String,
) -> Result<Element, ParseError> {
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| {
            ParseError::at(Location::Element { path: path_of(stack), offset }, format!("malformed attribute: {e}"))
        })?;
        let v = a.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
        attrs.push((local(a.key.as_ref()), v));
    }
    Ok(Element { name: local(s.name().as_ref()), attrs, children: Vec::new(), text: String::new(), offset })
}

/// The root element's local name, read without building the tree (for detection).
pub fn root_name(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(bytes);
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Event::Start(s)) | Ok(Event::Empty(s)) => return Some(local(s.name().as_ref())),
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_prefixes_and_leading_whitespace() {
        let doc =
            b"\n  <?xml version=\"1.0\"?><ns1:a xmlns:ns1=\"x\"><ns1:b>hi &amp; bye</ns1:b><c id=\"F1\"/></ns1:a>";
        let e = parse(doc, 0).unwrap();
        assert_eq!(e.name, "a");
        assert_eq!(e.text_at(&["b"]), Some("hi & bye"));
        assert_eq!(e.child("c").unwrap().attr("id"), Some("F1"));
    }

    #[test]
    fn truncated_and_mismatched_are_errors_with_place() {
        let err = parse(b"<a><b>1</b><c>", 100).unwrap_err();
        assert!(matches!(err.location, Location::Element { ref path, .. } if path == "a/c"), "{err}");
        let err = parse(b"<a><b>1</c></a>", 0).unwrap_err();
        assert!(err.message.contains("malformed"), "{err}");
        assert!(parse(b"<a/><b/>", 0).is_err());
    }
}
