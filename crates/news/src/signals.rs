//! From stored documents to per-company tone signals, the input of the sentiment
//! pillar's `news_tone` metric.
//!
//! An article gives each company it links to one signal: the tone of the sentences
//! that mention it (the article's tone when none does), weighted by the company's
//! salience in it. A social post gives its collected ticker one signal with the
//! post's tone, salience 1. Each document is read once per model; re-running
//! derives only what is new.

use alphadesk_model::DocKind;
use alphadesk_store::read::{self, NewsSignal};
use alphadesk_store::{Store, StoreError};

use crate::article::{analyze, ArticleInput};
use crate::link::Linker;
use crate::tone::Tone;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Derived {
    pub documents: usize,
    pub signals: usize,
}

/// Derives signals for documents not yet read, with a linker over the store's own
/// securities and the built-in aliases. Does nothing (and builds nothing) when no
/// document is pending; `None` when there are documents but no securities to link
/// them to yet (they wait, unread, for a later run).
pub fn derive_pending(
    store: &mut Store,
    model: &(dyn Tone + Sync),
    model_name: &str,
) -> Result<Option<Derived>, StoreError> {
    if read::count_unprocessed_documents(store.conn())? == 0 {
        return Ok(Some(Derived::default()));
    }
    let Some(linker) = Linker::from_store(store, crate::link::DEFAULT_ALIASES)? else { return Ok(None) };
    derive(store, &linker, model, model_name).map(Some)
}

/// Reads `store`'s pending documents into signals and stores them with the
/// documents marked read. Reading a document (linking, tone) is most of an
/// ingest of news, and each document is read alone: the documents are shared
/// among every core in contiguous runs, so the signals come out, and are
/// written, in the documents' order whatever the number of cores.
pub fn derive(
    store: &mut Store,
    linker: &Linker,
    model: &(dyn Tone + Sync),
    model_name: &str,
) -> Result<Derived, StoreError> {
    let docs = read::unprocessed_documents(store.conn())?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = docs.len().div_ceil(cores).max(1);
    let signals: Vec<NewsSignal> = std::thread::scope(|s| {
        let parts: Vec<_> = docs.chunks(run).map(|part| s.spawn(move || signals_of(part, linker, model))).collect();
        parts.into_iter().flat_map(|p| p.join().expect("reading a document panicked")).collect()
    });
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    store.write_news_signals(&signals, &ids, model_name)?;
    Ok(Derived { documents: docs.len(), signals: signals.len() })
}

/// The signals of `docs`, in their order: a post's one for its collected
/// ticker, an article's one per company it links to.
fn signals_of(docs: &[read::StoredDocument], linker: &Linker, model: &dyn Tone) -> Vec<NewsSignal> {
    let mut signals = Vec::new();
    for d in docs {
        if d.kind == DocKind::Post {
            let Some(t) = d.ticker_hint.as_deref().filter(|t| linker.company(t).is_some()) else { continue };
            signals.push(NewsSignal {
                document_id: d.id,
                ticker: t.to_string(),
                kind: DocKind::Post,
                known_date: d.known_date,
                tone: model.tone(&d.body).score,
                salience: 1.0,
                confidence: 1.0,
                relevance: None,
            });
            continue;
        }
        let a = ArticleInput { title: d.title.clone(), body: d.body.clone(), ..ArticleInput::default() };
        let r = analyze(linker, model, &a);
        for l in &r.links {
            let tone = r.entity_tone.iter().find(|e| e.ticker == l.ticker).map(|e| e.score).unwrap_or(r.tone.score);
            signals.push(NewsSignal {
                document_id: d.id,
                ticker: l.ticker.clone(),
                kind: DocKind::Article,
                known_date: d.known_date,
                tone,
                salience: l.salience,
                confidence: l.confidence,
                relevance: Some(l.relevance),
            });
        }
    }
    signals
}
