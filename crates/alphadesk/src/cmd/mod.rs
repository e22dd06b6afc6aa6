pub mod backtest;
pub mod demo;
pub mod explain;
pub mod facts;
pub mod ingest;
pub mod parse;
pub mod score;
pub mod tone;
