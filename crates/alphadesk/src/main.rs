//! `alphadesk`: the command line, one of three faces over `alphadesk-service`.
//!
//! This crate parses flags, calls the service and prints; the work happens in the
//! service and the stage crates beneath it. Exit codes: 0 success, 1 the command
//! ran and found failures (a file that did not ingest, a note that failed a
//! rule), 2 a usage or input error. Every command writes standard output through
//! [`output::Out`], which ends quietly on a closed pipe and keeps the command's
//! own exit status.

#![deny(clippy::print_stdout)]

mod cmd;
mod output;
mod paths;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "alphadesk", version, about = "An open equity research desk: ingest, score, explain, check, serve.")]
struct Cli {
    /// Store file. Default: $ALPHADESK_DB, else ./alphadesk.db.
    #[arg(long, global = true, env = "ALPHADESK_DB", default_value = "alphadesk.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest files or folders (recursively); the kind of each file is detected from its content.
    Ingest(cmd::ingest::Args),
    /// Parse one file and print its normalised form; nothing is stored.
    Parse(cmd::parse::Args),
    /// Standardised fundamentals of a ticker as known on a date.
    Facts(cmd::facts::Args),
    /// Each split as the price source, XBRL and inference report it, where they
    /// disagree, and which one the market cap uses.
    Splits(cmd::splits::Args),
    /// Alpha Scores of every ticker as known on a date, or a panel of them over time.
    Score(cmd::score::Args),
    /// One ticker's Alpha Score with every metric, its inputs and their sources.
    Explain(cmd::explain::Args),
    /// Tickers by symbol or company-name words.
    Search(cmd::search::Args),
    /// A date's scores through thresholds on the total and each pillar, best first.
    Screen(cmd::screen::Args),
    /// Two to ten tickers side by side on one date, each with why it scores as it does.
    Compare(cmd::compare::Args),
    /// The store's tables and month-end scores as Apache Parquet, with provenance on every row.
    Export(cmd::export::Args),
    /// Walk-forward evaluation of the Alpha Score: rank IC, quintile returns, turnover.
    Backtest(cmd::backtest::Args),
    /// Read articles (linked companies, tone, takeaways), or with --ticker the stored articles about a company.
    News(cmd::news::Args),
    /// Tone of financial sentences (one per line), or `tone train` / `tone eval`.
    Tone(cmd::tone::Args),
    /// A research note on one ticker as of a date, written only from data.
    Note(cmd::note::Args),
    /// Check a note (any Markdown note) against the publishing rules; exit 0 pass, 1 fail.
    Check(cmd::check::Args),
    /// Themes of the stored articles of a window, with the companies they concern.
    Themes(cmd::themes::Args),
    /// A story on a theme as of a date, written only from data and checked.
    Story(cmd::story::Args),
    /// Compose and check notes for many tickers; write only those that pass.
    Publish(cmd::publish::Args),
    /// Fetch what is new from a source into the store (`sync sec`: SEC EDGAR;
    /// `sync prices`: daily bars from a price source you configure).
    Sync(cmd::sync::Args),
    /// Ingest the data directory, score it, and print what the store holds.
    Demo(cmd::demo::Args),
    /// Check the store: SQLite integrity, and every source against its file; `--rebuild` repairs.
    Verify(cmd::verify::Args),
    /// Serve the JSON API (OpenAPI at /api/v1/openapi.json), the stock pages and MCP at /mcp.
    Serve(cmd::serve::Args),
    /// The MCP server for AI agents on standard input and output.
    Mcp(cmd::mcp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = output::Out::stdout();
    let db = cli.db;
    let result = match cli.command {
        Command::Ingest(a) => cmd::ingest::run(&db, a, &mut out),
        Command::Parse(a) => cmd::parse::run(a, &mut out),
        Command::Facts(a) => cmd::facts::run(&db, a, &mut out),
        Command::Splits(a) => cmd::splits::run(&db, a, &mut out),
        Command::Search(a) => cmd::search::run(&db, a, &mut out),
        Command::Screen(a) => cmd::screen::run(&db, a, &mut out),
        Command::Compare(a) => cmd::compare::run(&db, a, &mut out),
        Command::Score(a) => cmd::score::run(&db, a, &mut out),
        Command::Explain(a) => cmd::explain::run(&db, a, &mut out),
        Command::Export(a) => cmd::export::run(&db, a, &mut out),
        Command::Backtest(a) => cmd::backtest::run(&db, a, &mut out),
        Command::News(a) => cmd::news::run(&db, a, &mut out),
        Command::Tone(a) => cmd::tone::run(a, &mut out),
        Command::Note(a) => cmd::note::run(&db, a, &mut out),
        Command::Check(a) => cmd::check::run(&db, a, &mut out),
        Command::Themes(a) => cmd::themes::run(&db, a, &mut out),
        Command::Story(a) => cmd::story::run(&db, a, &mut out),
        Command::Publish(a) => cmd::publish::run(&db, a, &mut out),
        Command::Sync(a) => cmd::sync::run(&db, a, &mut out),
        Command::Demo(a) => cmd::demo::run(&db, a, &mut out),
        Command::Verify(a) => cmd::verify::run(&db, a, &mut out),
        Command::Serve(a) => cmd::serve::run(&db, a, &mut out),
        Command::Mcp(a) => cmd::mcp::run(&db, a, &mut out),
    };
    let flushed = std::io::Write::flush(&mut out);
    match (result, flushed) {
        (Ok(code), Ok(())) => code,
        // Anything that stops a command before it could do its job is a usage or
        // input error (exit 2); commands that ran and found failures return 1
        // themselves.
        (Err(e), _) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        (Ok(_), Err(e)) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every flag and argument of every command says what it is: `--help` is the
    /// first documentation a user reads.
    #[test]
    fn every_flag_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(format!("{path} {} (the command itself)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "alphadesk", &mut missing);
        assert!(missing.is_empty(), "without help text:\n{}", missing.join("\n"));
    }
}
