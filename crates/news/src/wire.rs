//! Wire copy as a reader sees it: the one cleaning of Reuters text that the
//! story and note composers quote from and the checker verifies quotations
//! against (docs/stories.md, "Clean source text").
//!
//! Wire copy carries marks meant for terminals, not readers: exchange codes
//! ("Boeing Co ( BA.N ) said", "<AAPL.O>", "General Motors Co GM.UL Chairman"),
//! datelines ("OVERLAND PARK, Kansas (Reuters) - "), and slugs before the
//! headline ("UPDATE 2-", "BRIEF-", "EXCLUSIVE-"). [`clean`] and [`clean_title`]
//! remove exactly those and collapse the white space they leave; they never add
//! a word or a comma, so a quotation of the cleaned text is the source's words
//! in the source's order.

/// Slugs that mark a version or a format of a report, not its subject; removed
/// from the front of a headline (a topic slug such as "AIRSHOW-" is kept).
const SLUGS: &[&str] = &[
    "UPDATE",
    "BRIEF",
    "EXCLUSIVE",
    "RPT",
    "REFILE",
    "CORRECTED",
    "CORRECTION",
    "WRAPUP",
    "INSIGHT",
    "ANALYSIS",
    "FACTBOX",
    "TIMELINE",
    "SPECIAL REPORT",
    "BREAKINGVIEWS",
    "COLUMN",
    "FEATURE",
    "PRESS DIGEST",
    "BUZZ",
    "DIARY",
    "INTERVIEW",
    "NEWSMAKER",
    "PREVIEW",
    "TABLE",
    "URGENT",
];

/// Exchange suffixes a bare code carries in running text ("GM.UL", "BAC.N").
const BARE_SUFFIXES: &[&str] = &["N", "O", "OQ", "UL", "K", "A", "P"];

/// `UPDATE 2-Boeing wins order` → (`UPDATE 2`, `Boeing wins order`): an
/// upper-case head of at most 24 characters before a hyphen.
pub fn wire_prefix(title: &str) -> Option<(&str, &str)> {
    let (head, rest) = title.split_once('-')?;
    let is_prefix = !head.is_empty()
        && head.len() <= 24
        && head.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' ' || c == '/');
    is_prefix.then_some((head, rest))
}

/// Whether a wire prefix is a slug ("UPDATE 2", "EXCLUSIVE", "RPT-UPDATE 1").
fn is_slug(head: &str) -> bool {
    let words: String = head.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ').to_string();
    SLUGS.contains(&words.as_str())
}

/// "PARIS, June 17 (Reuters) - " or "PARIS  June 17 ": a lead's dateline, removed.
pub fn strip_dateline(lead: &str) -> &str {
    for mark in
        ["(Reuters) -", "(Reuters)-", "(Reuters) —", "(Reuters) –", "(IFR) -", "(IFR)-", "(Reuters Breakingviews) -"]
    {
        if let Some(i) = lead.find(mark) {
            if i < 80 {
                return lead[i + mark.len()..].trim_start();
            }
        }
    }
    // The leads file drops the "(Reuters) -": a capitalised place, a month and a
    // day, then the sentence.
    let words: Vec<(usize, &str)> =
        lead.split_whitespace().map(|w| (w.as_ptr() as usize - lead.as_ptr() as usize, w)).take(8).collect();
    for (k, (_, w)) in words.iter().enumerate() {
        let month = w.trim_end_matches(['.', ',']).to_lowercase();
        let is_month = crate::article::is_month_word(&month);
        // "PARIS  June 17 ...", or the bare "June 26 Dish Network said" the
        // leads file writes when the place is missing.
        // The place: words in capitals ("OVERLAND PARK"), then after a comma
        // up to two capitalised ones ("MUNICH, Germany", "OVERLAND PARK, Kansas").
        let before = &words[..k];
        let caps = before.iter().take_while(|(_, p)| p.chars().all(|c| !c.is_lowercase())).count();
        let place = caps == k
            || (caps >= 1
                && before[caps - 1].1.ends_with(',')
                && k - caps <= 2
                && before[caps..].iter().all(|(_, p)| p.chars().next().is_some_and(char::is_uppercase)));
        if is_month && place {
            if let Some((at, day)) = words.get(k + 1) {
                // Without a place, only before a capitalised word: "May 5 percent"
                // is a sentence, "June 26 Dish Network said" a dateline.
                let sentence_follows =
                    k >= 1 || words.get(k + 2).is_some_and(|(_, w)| w.chars().next().is_some_and(char::is_uppercase));
                if day.trim_end_matches(',').chars().all(|c| c.is_ascii_digit()) && sentence_follows {
                    return lead[at + day.len()..].trim_start();
                }
            }
        }
    }
    // A place and no date ("TOKYO SoftBank Corp CEO ..."): only a known
    // dateline city, since a word in capitals may as well be a company ("HSBC
    // Holdings said").
    let caps: Vec<&(usize, &str)> = words
        .iter()
        .take_while(|(_, w)| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '/'))
        .collect();
    for n in (1..=caps.len().min(3)).rev() {
        let place: Vec<&str> = caps[..n].iter().map(|(_, w)| *w).collect();
        let next = words.get(n).map(|(_, w)| *w).unwrap_or("");
        if next.chars().next().is_some_and(char::is_uppercase)
            && place.join(" ").split('/').all(|p| DATELINE_PLACES.contains(&p.trim()))
        {
            return lead[words[n].0..].trim_start();
        }
    }
    lead
}

/// Cities Reuters datelines name, for leads that keep the place and drop the
/// date.
const DATELINE_PLACES: &[&str] = &[
    "NEW YORK",
    "LONDON",
    "TOKYO",
    "WASHINGTON",
    "PARIS",
    "FRANKFURT",
    "BEIJING",
    "SHANGHAI",
    "HONG KONG",
    "SINGAPORE",
    "BERLIN",
    "ZURICH",
    "SYDNEY",
    "MUMBAI",
    "NEW DELHI",
    "TORONTO",
    "CHICAGO",
    "SAN FRANCISCO",
    "LOS ANGELES",
    "DETROIT",
    "HOUSTON",
    "SEOUL",
    "TAIPEI",
    "BRUSSELS",
    "MILAN",
    "MADRID",
    "MOSCOW",
    "DUBAI",
    "BANGALORE",
    "BENGALURU",
    "BOSTON",
    "SEATTLE",
    "DALLAS",
    "ATLANTA",
    "MEXICO CITY",
    "SAO PAULO",
    "OTTAWA",
    "AMSTERDAM",
    "STOCKHOLM",
    "OSLO",
    "COPENHAGEN",
    "DUBLIN",
    "MUNICH",
    "GENEVA",
    "VIENNA",
    "ROME",
    "HELSINKI",
    "JAKARTA",
    "MANILA",
    "BANGKOK",
    "KUALA LUMPUR",
    "SANTIAGO",
    "BUENOS AIRES",
    "JOHANNESBURG",
    "TEL AVIV",
    "MINNEAPOLIS",
    "PHILADELPHIA",
    "CHARLOTTE",
    "DENVER",
    "WILMINGTON",
    "DELAWARE",
    "OMAHA",
    "PITTSBURGH",
    "CLEVELAND",
    "CINCINNATI",
    "ST. LOUIS",
    "SEOUL/SAN FRANCISCO",
];

/// An exchange code: `BA.N`, `9984.T`, `BRKb.N`, `005930.KS` (a symbol, a dot,
/// a suffix of one to three letters).
fn is_code(s: &str) -> bool {
    let Some((sym, suffix)) = s.split_once('.') else { return false };
    (1..=8).contains(&sym.len())
        && sym.chars().all(|c| c.is_ascii_alphanumeric())
        && sym.chars().any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && (1..=3).contains(&suffix.len())
        && suffix.chars().all(|c| c.is_ascii_uppercase())
}

/// Text without exchange codes, collapsed to single spaces.
///
/// Where a code was removed before punctuation ("Dish ( DISH.O ), both",
/// "Apple (AAPL.O)'s"), the punctuation closes up to the word before it; nowhere
/// else is a space removed ("not 'signal to market'" keeps its space).
fn without_codes(text: &str) -> String {
    // Invisible characters in a feed's headline ("BRIEF-\u{200d}Shipt And
    // Target") show as nothing.
    let visible: String;
    let text = if text.contains(['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}']) {
        visible = text
            .chars()
            .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'))
            .collect();
        visible.as_str()
    } else {
        text
    };
    /// Where a code was; never in wire text.
    const GAP: char = '\u{1}';
    /// Punctuation that closes up to the word before a removed code.
    const CLOSES_UP: [&str; 7] = [",", ".", ";", ":", "'s", "’s", "”"];
    let mut marked = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['(', '<', '[']) {
        let close = match rest.as_bytes()[i] {
            b'(' => ')',
            b'<' => '>',
            _ => ']',
        };
        marked.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(close) {
            Some(j) if j <= 20 && is_code(after[..j].trim()) => {
                marked.push(GAP);
                rest = &after[j + 1..];
            }
            _ => {
                marked.push_str(&rest[i..i + 1]);
                rest = after;
            }
        }
    }
    marked.push_str(rest);
    // A bare code keeps the punctuation that follows it ("VA.UL, said").
    // Not an abbreviation: "U.N." is no code, "GM.UL" is.
    let bare =
        |w: &str| is_code(w) && w.split_once('.').is_some_and(|(sym, s)| sym.len() >= 2 && BARE_SUFFIXES.contains(&s));
    let words: Vec<String> = marked
        .split_whitespace()
        .map(|w| {
            let core = w.trim_end_matches([',', ';', ':', '.', '”', '"', ')']);
            if bare(core) {
                format!("{GAP}{}", &w[core.len()..])
            } else {
                w.to_string()
            }
        })
        .collect();
    let marked = words.join(" ");
    let mut parts = marked.split(GAP);
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let next = part.trim_start();
        if CLOSES_UP.iter().any(|p| next.starts_with(p)) {
            out.truncate(out.trim_end().len());
        } else {
            out.push(' ');
        }
        out.push_str(next);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Body or lead text as a reader sees it: no dateline, no exchange codes,
/// single spaces.
pub fn clean(text: &str) -> String {
    without_codes(strip_dateline(text.trim()))
}

/// A headline as a reader sees it: no version or format slugs, no exchange
/// codes, single spaces.
pub fn clean_title(title: &str) -> String {
    let mut t = title.trim();
    while let Some((head, rest)) = wire_prefix(t) {
        if !is_slug(head) {
            break;
        }
        t = rest.trim_start();
    }
    without_codes(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_datelines_and_slugs_go_and_nothing_is_added() {
        assert_eq!(
            clean("OVERLAND PARK, Kansas (Reuters) - Sprint Nextel Corp ( S.N ) said on Monday"),
            "Sprint Nextel Corp said on Monday"
        );
        assert_eq!(clean("Bank of America Corp ( BAC.N ) has rejected"), "Bank of America Corp has rejected");
        assert_eq!(clean("SoftBank Corp (9984.T) and Dish ( DISH.O ), both"), "SoftBank Corp and Dish, both");
        assert_eq!(clean("General Motors Co GM.UL Chairman Ed Whitacre"), "General Motors Co Chairman Ed Whitacre");
        assert_eq!(clean("Apple <AAPL.O> shares rose"), "Apple shares rose");
        assert_eq!(
            clean("PricewaterhouseCoopers LLP [PWC.UL] pinned blame"),
            "PricewaterhouseCoopers LLP pinned blame"
        );
        assert_eq!(
            clean("a stake in Britain's Virgin Atlantic VA.UL, said the two"),
            "a stake in Britain's Virgin Atlantic, said the two"
        );
        assert_eq!(clean("its unit Residential Capital LLC RESC.UL."), "its unit Residential Capital LLC.");
        assert_eq!(clean("WASHINGTON (Reuters)- Consumer credit rose"), "Consumer credit rose");
        assert_eq!(clean("June 26 Dish Network said on Wednesday"), "Dish Network said on Wednesday");
        assert_eq!(clean("MUNICH, Germany March 30 Linde's works council chief"), "Linde's works council chief");
        assert_eq!(clean("OVERLAND PARK, Kansas June 3 Sprint said"), "Sprint said");
        assert_eq!(clean("Investors in New York May 5 said"), "Investors in New York May 5 said");
        assert_eq!(clean("TOKYO SoftBank Corp CEO Masayoshi Son said"), "SoftBank Corp CEO Masayoshi Son said");
        assert_eq!(clean("NEW YORK/LONDON Banks said"), "Banks said");
        assert_eq!(clean("HSBC Holdings said on Monday"), "HSBC Holdings said on Monday");
        assert_eq!(clean("(IFR) - Dish Network Corp said on Friday"), "Dish Network Corp said on Friday");
        assert_eq!(
            clean("a suggestion by U.N. experts, the U.S. and the E.U."),
            "a suggestion by U.N. experts, the U.S. and the E.U."
        );
        assert_eq!(clean("May 5 percent of sales"), "May 5 percent of sales");
        // A space is closed up only where a code was removed.
        assert_eq!(
            clean_title("QE3 timeline was clarification, not 'signal to market' -Fed's Dudley"),
            "QE3 timeline was clarification, not 'signal to market' -Fed's Dudley"
        );
        assert_eq!(clean("Apple (AAPL.O)'s shares and Dish ( DISH.O ) ."), "Apple's shares and Dish.");
        assert_eq!(
            clean("Monsanto says GMO wheat find in Oregon 'suspicious'"),
            "Monsanto says GMO wheat find in Oregon 'suspicious'"
        );
        assert_eq!(
            clean("the U.S. economy (GDP) grew 2.5 percent (annualised)"),
            "the U.S. economy (GDP) grew 2.5 percent (annualised)"
        );
        assert_eq!(clean_title("UPDATE 2-Boeing wins order"), "Boeing wins order");
        assert_eq!(clean_title("RPT-EXCLUSIVE-Boeing wins order"), "Boeing wins order");
        assert_eq!(clean_title("AIRSHOW-Boeing wins order"), "AIRSHOW-Boeing wins order");
        assert_eq!(clean_title("BRIEF-Apple Inc says board approves"), "Apple Inc says board approves");
        assert_eq!(clean_title("US-China trade talks resume"), "US-China trade talks resume");
    }
}
