//! Tone on Financial PhraseBank (research licence: read from ../shared/data at test
//! time, never committed; the model trained here lives only in memory).

use alphadesk_news::tone::eval::phrasebank;
use alphadesk_testkit::data_dir;

#[test]
fn tone_figures_on_the_held_out_split() {
    let Some(data) = data_dir() else { return };
    let r = phrasebank(&data.join("text/phrasebank"), Some(&data.join("text/lexicons"))).unwrap();
    for row in &r.rows {
        let lm = row.loughran_mcdonald.unwrap();
        eprintln!(
            "{:<9} n={:<4} lexicon acc {:.3} F1 {:.3} | LM acc {:.3} F1 {:.3} | linear acc {:.3} F1 {:.3}",
            row.level,
            row.lexicon.n,
            row.lexicon.accuracy,
            row.lexicon.macro_f1,
            lm.accuracy,
            lm.macro_f1,
            row.linear.accuracy,
            row.linear.macro_f1
        );
        // The default model must beat the dictionary baseline on the same split.
        assert!(
            row.lexicon.accuracy > lm.accuracy,
            "{}: lexicon {} vs LM {}",
            row.level,
            row.lexicon.accuracy,
            lm.accuracy
        );
        assert!(row.lexicon.macro_f1 > lm.macro_f1, "{}", row.level);
    }
    assert!(r.train_sentences > 2500);
}

#[test]
fn entity_level_tone_on_sentfin() {
    let Some(data) = data_dir() else { return };
    let r = alphadesk_news::tone::eval::sentfin(&data.join("text/fiqa/SEntFiN-1.0.csv")).unwrap();
    eprintln!("{r:#?}");
    assert_eq!(r.headlines, 10753);
    assert_eq!(r.sentence_level.n, 14409);
    // Where a headline names several entities, the clause must do better than
    // giving every entity the headline's tone.
    assert!(r.multi_entity_clause_level.accuracy > r.multi_entity_sentence_level.accuracy);
}
