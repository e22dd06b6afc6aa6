use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use alphadesk_news::tone::data::{decode, read_labelled};
use alphadesk_news::tone::lexicon::LexiconModel;
use alphadesk_news::tone::linear::{LinearModel, TrainOptions};
use alphadesk_news::tone::Tone;
use anyhow::Context;

use crate::output::Out;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// A model written by `alphadesk tone train`; default: the built-in lexicon model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// One sentence per line; `-` for standard input.
    file: Option<String>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Train the linear model from labelled sentences (`sentence@label`, latin-1 or UTF-8, or CSV `text,label`).
    Train {
        /// Labelled sentence files (one or more).
        #[arg(long, required = true, num_args = 1..)]
        data: Vec<PathBuf>,
        /// Where to write the trained model (JSON).
        #[arg(long)]
        out: PathBuf,
        /// Passes over the training sentences.
        #[arg(long, default_value_t = TrainOptions::default().epochs)]
        epochs: usize,
    },
    /// Accuracy and macro-F1 on PhraseBank's fixed held-out split, per agreement level,
    /// against the Loughran–McDonald dictionary baseline.
    Eval {
        /// Folder with Sentences_*.txt. Default: DATA/text/phrasebank.
        #[arg(long)]
        phrasebank: Option<PathBuf>,
        /// Folder with the Loughran–McDonald lists. Default: DATA/text/lexicons.
        #[arg(long)]
        lexicons: Option<PathBuf>,
        /// The evaluation as one JSON record.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    match a.action {
        Some(Action::Train { data, out: model_path, epochs }) => {
            let mut examples = Vec::new();
            for p in &data {
                let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
                for e in read_labelled(&p.display().to_string(), &bytes)? {
                    examples.push((e.text, e.label));
                }
            }
            let model = LinearModel::train(&examples, TrainOptions { epochs, ..TrainOptions::default() });
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&model_path).with_context(|| format!("cannot write {}", model_path.display()))?,
            );
            model.save(&mut f)?;
            f.flush()?;
            eprintln!("trained on {} sentences, {epochs} epochs -> {}", examples.len(), model_path.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Eval { phrasebank, lexicons, json }) => {
            let data = crate::paths::data_dir(None).ok();
            let pb = phrasebank
                .or_else(|| data.as_ref().map(|d| d.join("text/phrasebank")))
                .ok_or_else(|| anyhow::anyhow!("no PhraseBank folder: pass --phrasebank DIR"))?;
            let lx = lexicons.or_else(|| data.as_ref().map(|d| d.join("text/lexicons")));
            let r = alphadesk_news::tone::eval::phrasebank(&pb, lx.as_deref())?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut t = format!("split: {}\ntrained on {} sentences\n", r.split, r.train_sentences);
            t.push_str("level      n     lexicon acc/F1   Loughran-McDonald acc/F1   linear acc/F1\n");
            for row in &r.rows {
                let lm = row
                    .loughran_mcdonald
                    .map(|s| format!("{:.3} / {:.3}", s.accuracy, s.macro_f1))
                    .unwrap_or("-".into());
                t.push_str(&format!(
                    "{:<9} {:>4}   {:.3} / {:.3}    {:<25}  {:.3} / {:.3}\n",
                    row.level,
                    row.lexicon.n,
                    row.lexicon.accuracy,
                    row.lexicon.macro_f1,
                    lm,
                    row.linear.accuracy,
                    row.linear.macro_f1
                ));
            }
            for o in &r.other {
                let lm =
                    o.loughran_mcdonald.map(|s| format!("{:.3} / {:.3}", s.accuracy, s.macro_f1)).unwrap_or("-".into());
                t.push_str(&format!(
                    "{:<24} n={:<5} lexicon {:.3} / {:.3}   LM {:<15}  linear {:.3} / {:.3}\n",
                    o.set,
                    o.lexicon.n,
                    o.lexicon.accuracy,
                    o.lexicon.macro_f1,
                    lm,
                    o.linear.accuracy,
                    o.linear.macro_f1
                ));
            }
            writeln!(out, "{}", t.trim_end())?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let file = a.file.ok_or_else(|| anyhow::anyhow!("give a FILE of sentences, or - for standard input"))?;
            let model = load_model(a.model.as_deref())?;
            let bytes = read_text_input(&file, "one sentence per line")?;
            for line in decode(&bytes).lines().filter(|l| !l.trim().is_empty()) {
                writeln!(out, "{}", serde_json::to_string(&model.tone(line))?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--model MODEL` as written by `tone train`, else the built-in lexicon model.
pub fn load_model(path: Option<&std::path::Path>) -> anyhow::Result<Box<dyn Tone>> {
    Ok(match path {
        Some(p) => {
            let mut f = std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            Box::new(LinearModel::load(&mut f).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?)
        }
        None => Box::new(LexiconModel),
    })
}

/// A text input named on the command line, `-` for standard input; binary data is
/// refused with `expected` in the message.
pub fn read_text_input(file: &str, expected: &str) -> anyhow::Result<Vec<u8>> {
    let bytes = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin().lock().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {file}"))?
    };
    if bytes.iter().take(8192).any(|&b| b == 0) {
        anyhow::bail!("{file}: binary input (NUL byte); expected {expected}");
    }
    Ok(bytes)
}
