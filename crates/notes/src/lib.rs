//! Research notes written only from data.
//!
//! A [`dossier::Dossier`] gathers what the store knew about one company at the
//! close of one date — prices, trailing fundamentals and their year-earlier
//! values, insider trades, 13F holdings, linked news, the filing calendar and the
//! Alpha Score — each value with the records it came from. [`compose::compose`]
//! turns it into a [`compose::Note`] whose every sentence lists the claims behind
//! it, and [`render`] prints the note as Markdown (what `alphadesk check` reads),
//! HTML or JSON. The skeleton and the wording rules are in `docs/notes.md`.
//!
//! The checker (`alphadesk-rules`) grounds any note against the same dossier, so
//! what a note may say and what the checker accepts cannot drift apart.

pub mod compose;
pub mod dossier;
pub mod format;
pub mod render;
pub mod story;

pub use compose::{compose, Note, DISCLAIMER};
pub use dossier::{Desk, Dossier, NoteError};
