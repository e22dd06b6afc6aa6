pub mod demo;
pub mod facts;
pub mod ingest;
pub mod parse;
