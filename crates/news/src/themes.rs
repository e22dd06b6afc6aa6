//! Themes: the stories of a window of articles, found by what their headlines and
//! leads say and which companies they are about.
//!
//! 1. Each article becomes a sparse vector of the words and two-word phrases of its
//!    headline and lead (stop words, numbers, dates, datelines and wire-service
//!    furniture such as "UPDATE 2-" removed), weighted by tf-idf over the window,
//!    plus one feature per company the article is about (relevance at least
//!    [`RELEVANT`]): two articles about the same company share a strong term.
//!    Terms found in a single article cannot join two and are dropped.
//! 2. Articles are taken in time order and each joins the theme whose centroid it
//!    is most similar to (cosine at least [`JOIN`]), or starts a new one; a second
//!    pass moves each article to its most similar centroid, which undoes most of
//!    what the order decided. The result depends only on the articles.
//! 3. Themes with at least `min_articles` articles are kept. A theme's label is its
//!    heaviest terms (a phrase before the words inside it); its companies are those
//!    some article of it is about, with an aggregate relevance: the mean, over the
//!    theme's articles, of each article's relevance to the company (0 where the
//!    article does not name it).
//!
//! `matching` finds the theme for a few words ("chip export"): the theme whose
//! centroid weighs the query's words and phrases most.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::relevance::RELEVANT;

/// Cosine similarity for an article to join a theme.
pub const JOIN: f64 = 0.22;
/// Terms in more than this share of the window's articles say nothing about a theme.
const MAX_DOC_SHARE: f64 = 0.15;
/// Weight of a company feature before normalisation (a term's tf-idf is ~3-8).
const COMPANY_WEIGHT: f64 = 6.0;
/// Terms kept per centroid (the rest weigh little and cost time).
const CENTROID_TERMS: usize = 60;

/// An article as themes see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeArticle {
    pub id: i64,
    /// The trading day it was first known.
    pub known: NaiveDate,
    pub title: String,
    /// The first sentence of the body.
    pub lead: String,
    /// Companies it names, with its relevance to each.
    pub links: Vec<(String, u8)>,
}

impl ThemeArticle {
    /// A stored article and its links as themes read them: its first sentence as
    /// the lead, and each link's relevance (a link stored before relevance was
    /// measured counts by its salience).
    pub fn from_stored(
        doc: &alphadesk_store::read::StoredDocument,
        links: &[alphadesk_store::read::ArticleLink],
    ) -> ThemeArticle {
        ThemeArticle {
            id: doc.id,
            known: doc.known_date,
            title: doc.title.clone(),
            lead: crate::article::sentences(&doc.body).first().map(|s| s.trim().to_string()).unwrap_or_default(),
            links: links
                .iter()
                .map(|l| {
                    let r = l.relevance.unwrap_or_else(|| (l.salience * 100.0).round().clamp(0.0, 100.0) as u8);
                    (l.ticker.clone(), r)
                })
                .collect(),
        }
    }
}

/// A company a theme concerns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeCompany {
    pub ticker: String,
    /// Mean relevance of the theme's articles to the company, 0-100.
    pub relevance: u8,
    /// Articles of the theme about it (relevance at least [`RELEVANT`]).
    pub articles: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// The first day and the label's leading terms: `2013-06-17-paris-airshow`.
    pub id: String,
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Article ids, oldest first.
    pub articles: Vec<i64>,
    /// Companies some article is about, most relevant first.
    pub companies: Vec<ThemeCompany>,
    /// The centroid's heaviest terms and their weights (for `matching`).
    #[serde(skip)]
    pub terms: Vec<(String, f64)>,
}

const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "more",
    "most",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "said",
    "says",
    "say",
    "told",
    "according",
    "reuters",
    "update",
    "brief",
    "exclusive",
    "corrected",
    "refile",
    "wrapup",
    "factbox",
    "analysis",
    "instant",
    "view",
    "snap",
    "inc",
    "corp",
    "co",
    "ltd",
    "plc",
    "llc",
    "company",
    "companies",
    "percent",
    "pct",
    "year",
    "years",
    "quarter",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mln",
    "bln",
    "million",
    "billion",
    "new",
    "one",
    "two",
    "first",
    "last",
    "next",
    "per",
    "share",
    "shares",
    "u.s",
    "us",
    "may",
    "ago",
    "since",
    "amid",
    "expected",
    "sees",
    "see",
    "set",
    "get",
    "make",
    "makes",
    "made",
    "take",
    "takes",
    "says",
    "vs",
    "via",
    "yet",
    "still",
];

fn stop_words() -> &'static HashSet<&'static str> {
    static S: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        STOP.iter().chain(crate::article::MONTHS.iter()).chain(crate::article::MONTH_ABBREVIATIONS).copied().collect()
    })
}

/// A headline without its wire prefixes (`AIRSHOW-WRAPUP 1-`), case and
/// punctuation: the same story filed twice, or updated, has the same key.
pub fn headline_key(title: &str) -> String {
    let mut t = title.trim();
    while let Some((_, rest)) = crate::wire::wire_prefix(t) {
        t = rest.trim_start();
    }
    t.chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A report as versions of it are compared: its headline, first sentence and
/// the day it was known.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub title: &'a str,
    pub lead: &'a str,
    pub known: NaiveDate,
}

/// Days apart within which two texts can be versions of one report (an update
/// runs the next day; a follow-up a week later is a new report).
const VERSION_DAYS: i64 = 3;
/// Share of headline words two versions have in common, at least.
const VERSION_OVERLAP: f64 = 0.6;

/// Whether two reports are versions of one: the same headline once wire slugs
/// are gone ("UPDATE 1-", "EXCLUSIVE-"), or within a few days either the same
/// first sentence or headlines that share most of their words, abbreviations
/// read in full ("$8.5 bln" is "$8.5 billion", "Exclusive:" is nothing).
pub fn same_report(a: Report<'_>, b: Report<'_>) -> bool {
    if headline_key(a.title) == headline_key(b.title) {
        return true;
    }
    if (a.known - b.known).num_days().abs() > VERSION_DAYS {
        return false;
    }
    let lead_key = |t: &str| -> Vec<String> {
        crate::wire::clean(t)
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(15)
            .map(str::to_string)
            .collect()
    };
    let (la, lb) = (lead_key(a.lead), lead_key(b.lead));
    if la.len() >= 8 && la == lb {
        return true;
    }
    let words = |t: &str| -> HashSet<String> {
        headline_key(t)
            .split_whitespace()
            .filter_map(|w| match w {
                "exclusive" | "update" | "corrected" | "refile" => None,
                "bln" | "bn" => Some("billion".to_string()),
                "mln" | "mn" => Some("million".to_string()),
                "pct" => Some("percent".to_string()),
                _ => Some(w.to_string()),
            })
            .collect()
    };
    let (wa, wb) = (words(a.title), words(b.title));
    let union = wa.union(&wb).count();
    union >= 4 && wa.intersection(&wb).count() as f64 / union as f64 >= VERSION_OVERLAP
}

/// A headline with its wire prefix read as words: what it says is kept when it
/// names a topic ("AIRSHOW").
fn strip_wire_prefix(title: &str) -> String {
    match crate::wire::wire_prefix(title) {
        Some((head, rest)) => format!("{head} {rest}"),
        None => title.to_string(),
    }
}

/// The words of a text a theme can be made of.
pub fn words(text: &str) -> Vec<String> {
    let stop = stop_words();
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.' || c == '-'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).trim_end_matches("'s").to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !w.chars().any(|c| c.is_ascii_digit()) && !stop.contains(w.as_str()))
        .map(|w| w.replace('\'', ""))
        .collect()
}

/// Words and two-word phrases (of words adjacent once stop words are gone).
pub fn terms(text: &str) -> Vec<String> {
    let w = words(text);
    let mut out = w.clone();
    out.extend(w.windows(2).filter(|p| p[0] != p[1]).map(|p| format!("{} {}", p[0], p[1])));
    out
}

/// A sparse vector sorted by term: sums and norms in one order, so that the
/// themes are the same on every run.
type Vector = Vec<(u32, f64)>;

fn normalise(v: &mut Vector) {
    let n = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|(_, x)| *x /= n);
    }
}

/// The similarity of two vectors, summed in ascending term order; what
/// [`Scores::best`] computes for many clusters at once (a test holds them equal).
#[cfg(test)]
fn dot(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

struct Cluster {
    sum: BTreeMap<u32, f64>,
    centroid: Vector,
    members: Vec<usize>,
    /// The terms under which the cluster is listed in the candidate index.
    indexed: HashSet<u32>,
}

impl Cluster {
    fn add(&mut self, v: &Vector) {
        for (k, x) in v {
            *self.sum.entry(*k).or_default() += x;
        }
    }

    fn refresh(&mut self) {
        let mut top: Vec<(u32, f64)> = self.sum.iter().map(|(k, v)| (*k, *v)).collect();
        // The heaviest terms, ties to the lower id: a total order, so selecting
        // them first and sorting only those keeps the same terms in the same order.
        let heavier = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if top.len() > CENTROID_TERMS {
            top.select_nth_unstable_by(CENTROID_TERMS, heavier);
            top.truncate(CENTROID_TERMS);
        }
        top.sort_by(heavier);
        top.sort_by_key(|t| t.0);
        self.centroid = top;
        normalise(&mut self.centroid);
    }
}

/// The themes of `articles` with at least `min_articles` articles each, largest first.
pub fn find(articles: &[ThemeArticle], min_articles: usize) -> Vec<Theme> {
    find_until(articles, min_articles, &|| false).unwrap_or_default()
}

/// [`find`], giving up (`None`) as soon as `stop` says so: a server abandons a
/// window nobody waits for any more. `stop` is asked every 64 articles.
pub fn find_until(articles: &[ThemeArticle], min_articles: usize, stop: &dyn Fn() -> bool) -> Option<Vec<Theme>> {
    const CHECK_EVERY: usize = 64;
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| (articles[i].known, articles[i].id));

    // Vocabulary and document frequencies.
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut docs: Vec<HashMap<u32, f64>> = Vec::with_capacity(articles.len());
    let mut df: HashMap<u32, usize> = HashMap::new();
    for (n, a) in articles.iter().enumerate() {
        if n % CHECK_EVERY == 0 && stop() {
            return None;
        }
        let text = format!("{} {}", strip_wire_prefix(&a.title), crate::wire::strip_dateline(&a.lead));
        let mut tf: HashMap<u32, f64> = HashMap::new();
        for t in terms(&text) {
            // A term seen before costs a lookup, not a copy of its text.
            let id = match vocab.get(&t) {
                Some(id) => *id,
                None => {
                    names.push(t.clone());
                    vocab.insert(t, (names.len() - 1) as u32);
                    (names.len() - 1) as u32
                }
            };
            *tf.entry(id).or_default() += 1.0;
        }
        for (ticker, r) in &a.links {
            if *r >= RELEVANT {
                let key = format!("${ticker}");
                let id = *vocab.entry(key.clone()).or_insert_with(|| {
                    names.push(key);
                    (names.len() - 1) as u32
                });
                tf.insert(id, f64::NAN); // marks a company feature
            }
        }
        for k in tf.keys() {
            *df.entry(*k).or_default() += 1;
        }
        docs.push(tf);
    }
    let n = articles.len().max(1) as f64;
    let vectors: Vec<Vector> = docs
        .into_iter()
        .map(|tf| {
            let mut v: Vector = tf
                .into_iter()
                .filter_map(|(k, f)| {
                    let d = df[&k] as f64;
                    // In a small window a story's words are in most articles.
                    if d < 2.0 || d > (MAX_DOC_SHARE * n).max(8.0) {
                        return None;
                    }
                    let w = if f.is_nan() { COMPANY_WEIGHT } else { (1.0 + f.ln()) * (n / d).ln() };
                    Some((k, w))
                })
                .collect();
            v.sort_by_key(|t| t.0);
            normalise(&mut v);
            v
        })
        .collect();

    // Pass 1: in time order, join the most similar theme or start one. Candidate
    // themes come from an index of the terms in their centroids.
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut index: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut scores = Scores::default();
    let mut assignment = vec![usize::MAX; articles.len()];
    for (n, &i) in order.iter().enumerate() {
        if n % CHECK_EVERY == 0 && stop() {
            return None;
        }
        let v = &vectors[i];
        if v.is_empty() {
            continue;
        }
        let best = scores.best(v, &mut clusters, &mut index);
        let c = match best {
            Some((c, sim)) if sim >= JOIN => c,
            _ => {
                clusters.push(Cluster {
                    sum: BTreeMap::new(),
                    centroid: Vector::new(),
                    members: Vec::new(),
                    indexed: HashSet::new(),
                });
                clusters.len() - 1
            }
        };
        clusters[c].add(v);
        clusters[c].members.push(i);
        clusters[c].refresh();
        // Each term a centroid has ever held lists the cluster once.
        let cluster = &mut clusters[c];
        for (k, _) in &cluster.centroid {
            if cluster.indexed.insert(*k) {
                index.entry(*k).or_default().push(c);
            }
        }
        assignment[i] = c;
    }

    // Pass 2: each article to its most similar centroid. The centroids stay
    // fixed in this pass, so the index is built once with their weights in it:
    // no stale entries to skip and no centroid to search per entry.
    let mut weighted: HashMap<u32, Vec<(usize, f64)>> = HashMap::new();
    for (c, cluster) in clusters.iter().enumerate() {
        for &(k, w) in &cluster.centroid {
            weighted.entry(k).or_default().push((c, w));
        }
    }
    let mut moved: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for (n, &i) in order.iter().enumerate() {
        if n % CHECK_EVERY == 0 && stop() {
            return None;
        }
        if assignment[i] == usize::MAX {
            continue;
        }
        let c = match scores.best_of_fixed(&vectors[i], clusters.len(), &weighted) {
            Some((c, sim)) if sim >= JOIN => c,
            _ => assignment[i],
        };
        moved[c].push(i);
    }
    for (c, members) in moved.into_iter().enumerate() {
        clusters[c].sum.clear();
        for &i in &members {
            clusters[c].add(&vectors[i]);
        }
        clusters[c].members = members;
        clusters[c].refresh();
    }

    let mut themes: Vec<Theme> = clusters
        .into_iter()
        .filter(|c| c.members.len() >= min_articles.max(1))
        .map(|c| theme(&c, articles, &names))
        .collect();
    themes.sort_by(|a, b| b.articles.len().cmp(&a.articles.len()).then(a.from.cmp(&b.from)).then(a.id.cmp(&b.id)));
    // Ids are unique in a listing.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for t in &mut themes {
        let k = seen.entry(t.id.clone()).or_default();
        *k += 1;
        if *k > 1 {
            t.id = format!("{}-{k}", t.id);
        }
    }
    Some(themes)
}

/// The cluster most similar to an article, found by accumulating the
/// article's dot product with every centroid sharing a term with it, term by
/// term in ascending order — the order [`dot`] sums in, so each similarity is
/// the same number to the last bit — instead of a merge per candidate. A
/// cluster that shares no term has similarity 0, below [`JOIN`]: it is never
/// the answer that counts. Ties go to the older cluster.
#[derive(Default)]
struct Scores {
    sums: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
}

impl Scores {
    /// Also drops the index entries of terms a centroid no longer holds (the
    /// order of a term's list does not matter: each cluster adds once per term).
    fn best(
        &mut self,
        v: &Vector,
        clusters: &mut [Cluster],
        index: &mut HashMap<u32, Vec<usize>>,
    ) -> Option<(usize, f64)> {
        if self.sums.len() < clusters.len() {
            self.sums.resize(clusters.len(), 0.0);
            self.seen.resize(clusters.len(), false);
        }
        for (k, x) in v {
            let Some(listed) = index.get_mut(k) else { continue };
            let mut i = 0;
            while i < listed.len() {
                let c = listed[i];
                match clusters[c].centroid.binary_search_by_key(k, |t| t.0) {
                    Ok(at) => {
                        if !self.seen[c] {
                            self.seen[c] = true;
                            self.touched.push(c);
                        }
                        self.sums[c] += x * clusters[c].centroid[at].1;
                        i += 1;
                    }
                    Err(_) => {
                        listed.swap_remove(i);
                        clusters[c].indexed.remove(k);
                    }
                }
            }
        }
        self.take_best()
    }

    /// [`Scores::best`] against centroids that no longer change, from an index
    /// of each term's clusters with the term's weight in their centroid. The
    /// same products are summed in the same order, so the same cluster wins.
    fn best_of_fixed(
        &mut self,
        v: &Vector,
        clusters: usize,
        weighted: &HashMap<u32, Vec<(usize, f64)>>,
    ) -> Option<(usize, f64)> {
        if self.sums.len() < clusters {
            self.sums.resize(clusters, 0.0);
            self.seen.resize(clusters, false);
        }
        for (k, x) in v {
            for &(c, w) in weighted.get(k).map_or(&[][..], Vec::as_slice) {
                if !self.seen[c] {
                    self.seen[c] = true;
                    self.touched.push(c);
                }
                self.sums[c] += x * w;
            }
        }
        self.take_best()
    }

    /// The highest sum of the clusters touched (ties to the older cluster), the
    /// sums cleared for the next article.
    fn take_best(&mut self) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for &c in &self.touched {
            let s = self.sums[c];
            if best.is_none_or(|(b, bs)| s.total_cmp(&bs).then(b.cmp(&c)).is_gt()) {
                best = Some((c, s));
            }
            self.sums[c] = 0.0;
            self.seen[c] = false;
        }
        self.touched.clear();
        best
    }
}

/// Words that state a quantity ("seven", "two-year"): a label of them would be
/// read as a figure the story must ground.
const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "trillion", "bln", "mln", "half",
    "quarter", "first", "second", "third", "fourth", "percent", "pct",
];

/// Whether a term may stand in a label: no figures, no quantity words, no
/// instrument codes (`rbs.l`).
fn label_worthy(term: &str) -> bool {
    term.split([' ', '-']).all(|w| {
        !w.chars().any(|c| c.is_ascii_digit() || c == '.')
            && !NUMBER_WORDS.iter().any(|n| w == *n || w.strip_suffix('s') == Some(n))
    })
}

/// A label's word as the theme's reports write it: "Bernanke", "ECB", "iPhone";
/// "settlement" stays lower case. The most frequent form in the leads (and then
/// the headlines), never counting the first word of a sentence, whose capital
/// says nothing.
fn as_written(word: &str, members: &[&ThemeArticle]) -> String {
    let mut forms: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |text: &str, weight: usize| {
        for sentence in text.split(['.', '!', '?', ':', '-', '"', '“']) {
            // A line in capitals ("* CREDIT CARD DELINQUENCY RATE ...") or
            // in title case says nothing of how a word is written.
            let letters: Vec<char> = sentence.chars().filter(|c| c.is_alphabetic()).collect();
            let upper = letters.iter().filter(|c| c.is_uppercase()).count();
            let capitalised = sentence.split_whitespace().filter(|w| w.starts_with(char::is_uppercase)).count();
            let words = sentence.split_whitespace().count();
            if upper * 2 > letters.len() || (words >= 4 && capitalised * 10 >= words * 8) {
                continue;
            }
            for w in sentence
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '&'))
                .filter(|w| !w.is_empty())
                .skip(1)
            {
                let w = w.trim_end_matches("'s").trim_matches('\'');
                if w.to_lowercase() == word {
                    *forms.entry(w.to_string()).or_default() += weight;
                }
            }
        }
    };
    for a in members {
        // A headline capitalises more than prose does: it counts for less.
        count(&a.lead, 2);
        count(&a.title, 1);
    }
    forms
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(w, _)| w)
        .unwrap_or_else(|| word.to_string())
}

fn theme(c: &Cluster, articles: &[ThemeArticle], names: &[String]) -> Theme {
    let mut members: Vec<&ThemeArticle> = c.members.iter().map(|&i| &articles[i]).collect();
    members.sort_by_key(|a| (a.known, a.id));
    let mut terms: Vec<(String, f64)> = c.centroid.iter().map(|(k, w)| (names[*k as usize].clone(), *w)).collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // The label: the heaviest words and phrases, a phrase (which says more than
    // its words) standing for the words in it, companies left to the company list.
    let mut ranked: Vec<(&String, f64)> =
        terms.iter().map(|(t, w)| (t, if t.contains(' ') { w * 1.25 } else { *w })).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut label: Vec<String> = Vec::new();
    for (t, _) in ranked {
        if t.starts_with('$')
            || !label_worthy(t)
            || label.iter().any(|l| l.split(' ').any(|w| t.split(' ').any(|x| x == w)))
        {
            continue;
        }
        label.push(t.clone());
        if label.len() == 3 {
            break;
        }
    }
    let label_text = if label.is_empty() {
        "companies in the news".to_string()
    } else {
        label
            .iter()
            .map(|t| t.split(' ').map(|w| as_written(w, &members)).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let from = members.first().map(|a| a.known).unwrap_or_default();
    let to = members.last().map(|a| a.known).unwrap_or_default();
    let slug: String = label
        .iter()
        .take(2)
        .flat_map(|l| l.split(' '))
        .take(3)
        .map(|w| w.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let mut by: BTreeMap<String, (u32, usize)> = BTreeMap::new();
    for a in &members {
        for (t, r) in &a.links {
            let e = by.entry(t.clone()).or_default();
            e.0 += u32::from(*r);
            if *r >= RELEVANT {
                e.1 += 1;
            }
        }
    }
    let mut companies: Vec<ThemeCompany> = by
        .into_iter()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(ticker, (sum, n))| ThemeCompany {
            ticker,
            relevance: (f64::from(sum) / members.len() as f64).round().min(100.0) as u8,
            articles: n,
        })
        .collect();
    companies
        .sort_by(|a, b| b.relevance.cmp(&a.relevance).then(b.articles.cmp(&a.articles)).then(a.ticker.cmp(&b.ticker)));
    Theme {
        id: format!("{from}-{}", if slug.is_empty() { "theme" } else { &slug }),
        label: label_text,
        from,
        to,
        articles: members.iter().map(|a| a.id).collect(),
        companies,
        terms: terms.into_iter().filter(|(t, _)| !t.starts_with('$')).take(20).collect(),
    }
}

/// The theme whose terms weigh `query`'s words and phrases most; `None` when no
/// theme has any of them.
pub fn matching<'t>(themes: &'t [Theme], query: &str) -> Option<&'t Theme> {
    let q: HashSet<String> = terms(query).into_iter().collect();
    themes
        .iter()
        .map(|t| (t, t.terms.iter().filter(|(term, _)| q.contains(term)).map(|(_, w)| w).sum::<f64>()))
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.id.cmp(&a.0.id)))
        .map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The accumulated similarities pick what a dot product with every
    /// candidate picks, to the last bit, ties to the older cluster.
    #[test]
    fn accumulated_similarity_is_the_dot_product() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        let mut vector = |terms: u32| -> Vector {
            let mut v: Vector = (0..terms).map(|_| (next() % 40, f64::from(next() % 1000) / 100.0 + 0.01)).collect();
            v.sort_by_key(|t| t.0);
            v.dedup_by_key(|t| t.0);
            normalise(&mut v);
            v
        };
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut index: HashMap<u32, Vec<usize>> = HashMap::new();
        for c in 0..200 {
            let centroid = if c % 50 == 7 { clusters[c - 1].centroid.clone() } else { vector(12) };
            for (k, _) in &centroid {
                index.entry(*k).or_default().push(c);
            }
            for k in 0..40 {
                index.entry(k).or_default();
            }
            clusters.push(Cluster { sum: BTreeMap::new(), centroid, members: Vec::new(), indexed: HashSet::new() });
        }
        // Centroids that moved on: their old terms stay listed (stale entries).
        for c in (0..200).step_by(10) {
            let centroid = vector(12);
            for (k, _) in &centroid {
                if !index[k].contains(&c) {
                    index.get_mut(k).unwrap().push(c);
                }
            }
            clusters[c].centroid = centroid;
        }
        // The second pass's index: the centroids' weights, built once.
        let mut weighted: HashMap<u32, Vec<(usize, f64)>> = HashMap::new();
        for (c, cluster) in clusters.iter().enumerate() {
            for &(k, w) in &cluster.centroid {
                weighted.entry(k).or_default().push((c, w));
            }
        }
        let mut scores = Scores::default();
        for _ in 0..500 {
            let v = vector(8);
            let brute = (0..clusters.len())
                .map(|c| (c, dot(&v, &clusters[c].centroid)))
                .filter(|(_, s)| *s > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            let brute = brute.map(|(c, s)| (c, s.to_bits()));
            let fixed = scores.best_of_fixed(&v, clusters.len(), &weighted);
            assert_eq!(fixed.map(|(c, s)| (c, s.to_bits())), brute, "{v:?}, fixed centroids");
            let got = scores.best(&v, &mut clusters, &mut index);
            assert_eq!(got.map(|(c, s)| (c, s.to_bits())), brute, "{v:?}");
        }
    }

    fn art(id: i64, day: u32, title: &str, links: &[(&str, u8)]) -> ThemeArticle {
        ThemeArticle {
            id,
            known: NaiveDate::from_ymd_opt(2013, 6, day).unwrap(),
            title: title.into(),
            lead: String::new(),
            links: links.iter().map(|(t, r)| (t.to_string(), *r)).collect(),
        }
    }

    #[test]
    fn versions_of_one_report_are_one_report() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2013, 6, d).unwrap();
        let r = |title, lead, d| Report { title, lead, known: day(d) };
        assert!(same_report(
            r("Bank of America rejects AIG bid to reopen $8.5 bln mortgage accord", "", 3),
            r("UPDATE 1-Bank of America rejects AIG bid to reopen $8.5 billion mortgage accord", "", 4)
        ));
        assert!(same_report(
            r("Exclusive: Bank of America Merrill Lynch sheds top muni analysts", "", 5),
            r("EXCLUSIVE-Bank of America Merrill Lynch sheds top muni analysts", "", 5)
        ));
        let lead = "Dish Network Corp said on Wednesday it was dropping out of the bidding for Clearwire Corp";
        assert!(same_report(
            r("Dish drops out of Clearwire bidding", lead, 26),
            r("Dish bows out of Clearwire fight", lead, 26)
        ));
        // The same words a week apart, or different news the same day, are two reports.
        assert!(!same_report(
            r("Dish drops out of Clearwire bidding", lead, 3),
            r("Dish drops out of bidding for Clearwire", lead, 20)
        ));
        assert!(!same_report(
            r("Boeing wins order from Ryanair", "Ryanair ordered 175 jets on Wednesday", 19),
            r("Airbus wins order from EasyJet", "EasyJet ordered 135 jets on Tuesday", 19)
        ));
    }

    #[test]
    fn labels_hold_no_figures_or_codes() {
        for t in ["two-year", "seven", "rbs.l", "2013", "second quarter", "billion"] {
            assert!(!label_worthy(t), "{t}");
        }
        for t in ["boeing", "paris airshow", "fed", "oneok", "settlement"] {
            assert!(label_worthy(t), "{t}");
        }
    }

    #[test]
    fn updates_of_a_headline_share_its_key() {
        let k = headline_key("Orders top $100 bln as Ryanair gives Boeing a boost");
        assert_eq!(headline_key("AIRSHOW-WRAPUP 1-Orders top $100 bln as Ryanair gives Boeing a boost"), k);
        assert_eq!(headline_key("AIRSHOW-WRAPUP 2-Orders top $100 bln as Ryanair gives Boeing a boost"), k);
        assert_ne!(headline_key("Boeing-Airbus duel heats up"), headline_key("Airbus duel heats up"));
    }

    #[test]
    fn wire_furniture_is_not_a_theme() {
        assert_eq!(strip_wire_prefix("UPDATE 2-Boeing wins order"), "UPDATE 2 Boeing wins order");
        assert_eq!(words("UPDATE 2 Boeing wins order"), ["boeing", "wins", "order"]);
        assert_eq!(
            crate::wire::strip_dateline("PARIS  June 17 Boeing Co on Monday said it won."),
            "Boeing Co on Monday said it won."
        );
        assert_eq!(crate::wire::strip_dateline("LONDON, June 3 (Reuters) - Oil rose."), "Oil rose.");
        assert_eq!(crate::wire::strip_dateline("Apple said on June 3 it would."), "Apple said on June 3 it would.");
    }

    #[test]
    fn articles_on_one_story_group_and_a_query_finds_them() {
        let mut a = vec![
            art(1, 3, "Senate panel backs chip export curbs on China", &[]),
            art(2, 4, "Chip makers warn export curbs will cost sales in China", &[("INTC", 60)]),
            art(3, 5, "China condemns U.S. chip export curbs", &[]),
            art(4, 6, "Intel says chip export curbs hit China orders", &[("INTC", 90)]),
            art(5, 3, "Boeing wins jet order at Paris airshow", &[("BA", 95)]),
            art(6, 4, "Airbus and Boeing trade orders at Paris airshow", &[("BA", 70)]),
            art(7, 5, "Paris airshow ends with record jet orders", &[("BA", 30)]),
        ];
        // Unrelated noise, each on its own.
        for (k, t) in
            ["Coffee prices climb", "Wheat harvest delayed by rain", "Gold slips as dollar firms"].iter().enumerate()
        {
            a.push(art(10 + k as i64, 7, t, &[]));
        }
        let themes = find(&a, 3);
        assert_eq!(themes.len(), 2, "{themes:#?}");
        let chips = themes.iter().find(|t| t.articles.contains(&1)).unwrap();
        assert_eq!(chips.articles, [1, 2, 3, 4]);
        assert!(chips.label.contains("export curbs") || chips.label.contains("chip export"), "{}", chips.label);
        assert_eq!(chips.companies, [ThemeCompany { ticker: "INTC".into(), relevance: 38, articles: 2 }]);
        let air = themes.iter().find(|t| t.articles.contains(&5)).unwrap();
        assert_eq!(air.articles, [5, 6, 7]);
        assert_eq!(air.from.to_string(), "2013-06-03");
        assert_eq!(matching(&themes, "chip export").map(|t| &t.id), Some(&chips.id));
        assert_eq!(matching(&themes, "airshow").map(|t| &t.id), Some(&air.id));
        assert!(matching(&themes, "bananas").is_none());
        // The same articles in another order: the same themes.
        let mut b = a.clone();
        b.reverse();
        assert_eq!(find(&b, 3), themes);
    }
}
