//! Reading the news. This first part scores the tone of financial sentences.
//!
//! Two models, one interface ([`tone::Tone`]):
//! - [`tone::lexicon::LexiconModel`], the default: the project's own word and phrase
//!   lists with rules for direction ("sales rose", "losses narrowed"), negation
//!   ("did not beat") and intensity ("sharply"). Every score comes with the words
//!   that drove it.
//! - [`tone::linear::LinearModel`]: multinomial logistic regression over hashed word
//!   n-grams, trained from labelled sentences (`alphadesk tone train`). Its evidence
//!   is the n-grams with the largest contributions.
//!
//! Evaluation sets (PhraseBank, Loughran–McDonald) are licensed for research only:
//! they are read at test time from `../shared/data` and neither they nor a model
//! trained on them is committed.

pub mod article;
pub mod link;
pub mod relevance;
pub mod signals;
pub mod themes;
pub mod tone;
pub mod wire;
