//! News reading speed on the shared Reuters articles, one core.
//!
//!     cargo bench -p alphadesk --bench news
//!
//! Reports articles per second for link + tone + tone per entity + takeaways + watch
//! items (target >= 5,000), and sentences per second for tone alone (target >= 50,000).
//! Set ALPHADESK_BENCH_DB to reuse a store; otherwise the market folder is ingested
//! into a temporary one for the securities master.

use std::time::{Duration, Instant};

use alphadesk_news::article::{analyze, sentences, ArticleInput};
use alphadesk_news::tone::lexicon::LexiconModel;
use alphadesk_news::tone::Tone;
use alphadesk_store::Store;

mod common;

fn main() {
    let data = common::data_dir();
    let db = common::bench_store("news", &["market"]);
    let store = Store::open(&db).unwrap();
    let linker = alphadesk_news::link::Linker::from_store(&store, alphadesk_news::link::DEFAULT_ALIASES)
        .unwrap()
        .expect("a store with priced securities");
    let text = std::fs::read_to_string(data.join("text/news/reuters_2010_2012_companies.jsonl")).unwrap();
    let articles: Vec<ArticleInput> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let bytes: usize = articles.iter().map(|a| a.body.len()).sum();

    let (mut n, start) = (0usize, Instant::now());
    let mut links = 0usize;
    while start.elapsed() < Duration::from_secs(5) {
        for a in &articles {
            links += analyze(&linker, &LexiconModel, a).links.len();
        }
        n += articles.len();
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "news: {} Reuters articles (mean body {:.0} chars), link + tone + entity tone + takeaways + watch: {:.0} articles/s ({:.1} links per article)",
        articles.len(),
        bytes as f64 / articles.len() as f64,
        n as f64 / el,
        links as f64 / n as f64
    );

    let sents: Vec<&str> = articles.iter().flat_map(|a| sentences(&a.body)).collect();
    let (mut k, start) = (0usize, Instant::now());
    while start.elapsed() < Duration::from_secs(3) {
        for s in &sents {
            std::hint::black_box(LexiconModel.tone(s));
        }
        k += sents.len();
    }
    println!(
        "tone (lexicon model): {} sentences: {:.0} sentences/s",
        sents.len(),
        k as f64 / start.elapsed().as_secs_f64()
    );
}
