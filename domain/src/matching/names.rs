//! Personal names as lists of phonetic tokens: splitting, dropping honorifics and particles, folding
//! Arabic compounds ("Abdul Rehman", "Saif-ud-Din", "Rahmatullah") and weighing each token by how
//! common it is.

use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::lexicon::{
    ALEF_MAKSURA_NAMES, COMMON_FREQUENCY, COMMON_TOKENS, COMPOUND_TAILS_ROMAN, COMPOUND_TAILS_URDU,
    DEFAULT_FREQUENCY, DROPPED_KINSHIP, DROPPED_ROMAN, DROPPED_URDU, MUHAMMAD_ABBREVIATIONS,
};
use super::phonetic::{is_arabic_script, skeleton, Skeleton};

/// One significant token of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct NameToken {
    /// The phonetic key, identical for Urdu script and Roman spellings of the token.
    pub key: String,
    /// A very common token (Muhammad, Ali, Khan, Fatima, the "Abd" of "Abdul ..."): agreeing on it
    /// says little.
    pub common: bool,
    /// The share of children's names assumed to carry this token.
    pub(crate) frequency: f64,
    /// Often left out of one registration of a child ("Muhammad" before a given name).
    pub(crate) often_omitted: bool,
    /// The folded spelling the token was read from.
    spelling: String,
    skeleton: Skeleton,
}

impl NameToken {
    /// Whether two tokens can be spellings of one name: same key and vowels that do not contradict
    /// ("Hassan" and "Hussain" share a key, but not their second vowel).
    pub fn same_name_as(&self, other: &NameToken) -> bool {
        self.skeleton.sounds_like(&other.skeleton)
    }

    /// Whether this token is `first` and `second` written as one word ("Mahnoor" and "Mah Noor",
    /// "ماہنور" and "ماہ نور").
    pub(crate) fn joins(&self, first: &NameToken, second: &NameToken) -> bool {
        let urdu = |token: &NameToken| token.spelling.chars().any(is_arabic_script);
        if urdu(first) != urdu(second) {
            return false;
        }
        let joined = format!("{}{}", first.spelling, second.spelling);
        skeleton(&joined).is_some_and(|joined| self.skeleton.sounds_like(&joined))
    }
}

/// The significant tokens of a person's name (given or family), in order.
pub fn name_tokens(name: &str) -> Vec<NameToken> {
    fold_compounds(&raw_tokens(name))
        .iter()
        .filter_map(|token| named_token(token))
        .collect()
}

/// One phonetic key per significant token of a name: Urdu script and Roman spellings of the same
/// name give the same keys ("محمد علی", "Muhammad Ali", "Mohd. Ali" all give `["MHMD", "aLi"]`).
pub fn name_keys(name: &str) -> Vec<String> {
    name_tokens(name)
        .into_iter()
        .map(|token| token.key)
        .collect()
}

fn named_token(spelling: &str) -> Option<NameToken> {
    let skeleton = if ALEF_MAKSURA_NAMES.contains(&spelling) {
        skeleton(&format!("{spelling}ا"))?
    } else {
        skeleton(spelling)?
    };
    let (frequency, often_omitted) = known_tokens()
        .iter()
        .find(|(known, _, _)| known.sounds_like(&skeleton))
        .map_or((DEFAULT_FREQUENCY, false), |(_, frequency, omitted)| {
            (*frequency, *omitted)
        });
    Some(NameToken {
        key: skeleton.key.clone(),
        common: frequency >= COMMON_FREQUENCY,
        frequency,
        often_omitted,
        spelling: spelling.to_owned(),
        skeleton,
    })
}

fn known_tokens() -> &'static [(Skeleton, f64, bool)] {
    static KNOWN: OnceLock<Vec<(Skeleton, f64, bool)>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        COMMON_TOKENS
            .iter()
            .filter_map(|(spelling, frequency, omitted)| {
                skeleton(spelling).map(|known| (known, *frequency, *omitted))
            })
            .collect()
    })
}

/// Lower-cased, mark-free letter runs of a name, without honorifics, particles and initials.
fn raw_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for word in name.split_whitespace() {
        let lowered = word.to_lowercase();
        if DROPPED_KINSHIP.contains(&lowered.trim_end_matches('.')) {
            continue;
        }
        for token in fold_letters(word)
            .split(' ')
            .filter(|token| !token.is_empty())
        {
            let arabic = token.chars().any(is_arabic_script);
            let dropped = if arabic {
                DROPPED_URDU.contains(&token)
            } else {
                DROPPED_ROMAN.contains(&token)
            };
            if dropped {
                continue;
            }
            if !arabic && MUHAMMAD_ABBREVIATIONS.contains(&token) {
                tokens.push("muhammad".to_owned());
            } else if arabic && token == "م" {
                tokens.push("محمد".to_owned());
            } else if token.chars().count() > 1 {
                // Other single letters are initials, which say too little to compare.
                tokens.push(token.to_owned());
            }
        }
    }
    tokens
}

/// Lower-cases, decomposes and strips marks, folds the Arabic, Persian and Urdu code points of one
/// letter to the Urdu one, and turns separators into spaces.
fn fold_letters(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    for c in word.nfkd() {
        match c {
            // Dagger alef writes a long a ("Mustafa" مصطفیٰ, "Rahman" رحمٰن).
            '\u{0670}' | '\u{0671}' => folded.push('ا'),
            c if is_combining_mark(c) => {}
            // Hamza, tatweel, joiners and apostrophes are writing aids, not letters ("Sa'ad").
            '\u{0621}' | '\u{0640}' | '\u{200D}' | '\'' | '\u{2019}' | '\u{02BC}' | '`' => {}
            'ي' | 'ې' | 'ۍ' | 'ے' | 'ۓ' => folded.push('ی'),
            // Alef maksura is a final long a ("Mustafa" مصطفى).
            'ى' => folded.push_str("یا"),
            'ك' => folded.push('ک'),
            'ه' | 'ة' | 'ۃ' | 'ە' | 'ۂ' | 'ۀ' => folded.push('ہ'),
            c if c.is_alphabetic() => folded.extend(c.to_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded
}

/// Splits and joins tokens so that Arabic compounds give the same tokens however they are written:
/// "Abdul Rehman", "Abdur Rahman", "Abd al-Rahman", "Abdulrehman" and "عبدالرحمن" all become
/// "abd" and the name after it; the article of "Zia ul Haq" or "Noor-ul-Ain" is dropped.
fn fold_compounds(tokens: &[String]) -> Vec<String> {
    let mut folded: Vec<String> = Vec::with_capacity(tokens.len() + 1);
    let mut index = 0;
    while let Some(token) = tokens.get(index) {
        index += 1;
        let has_next = index < tokens.len();
        // "Abd" written apart from its name ("Abdul Rehman", "عبد العزیز"): whatever follows is the
        // name, and its article goes.
        let after_abd = folded.last().is_some_and(|last| last == "abd");
        if token.chars().any(is_arabic_script) {
            if token == "ال" && !folded.is_empty() && has_next {
                continue;
            }
            if let Some(rest) = token.strip_prefix("عبد") {
                folded.push("abd".to_owned());
                let rest = strip_urdu_article(rest);
                if !rest.is_empty() {
                    folded.push(rest.to_owned());
                }
                continue;
            }
            if after_abd {
                folded.push(strip_urdu_article(token).to_owned());
                continue;
            }
            if !folded.is_empty() {
                if let Some(tail) = token
                    .strip_prefix("ال")
                    .filter(|tail| COMPOUND_TAILS_URDU.contains(tail))
                {
                    folded.push(tail.to_owned());
                    continue;
                }
            }
            match split_urdu_compound(token) {
                Some((head, tail)) => {
                    folded.push(head.to_owned());
                    folded.push(tail.to_owned());
                }
                None => folded.push(token.clone()),
            }
            continue;
        }
        if is_roman_article(token) && !folded.is_empty() && has_next {
            continue;
        }
        if after_abd {
            let rest = roman_article_tail(token).unwrap_or(token);
            folded.push(rest.to_owned());
            continue;
        }
        if let Some(rest) = token.strip_prefix("abd") {
            folded.push("abd".to_owned());
            let rest = strip_roman_article(rest);
            if rest.chars().count() > 1 {
                folded.push(rest.to_owned());
            }
            continue;
        }
        if let Some(tail) = roman_article_tail(token) {
            if !folded.is_empty() {
                folded.push(tail.to_owned());
                continue;
            }
        }
        match split_roman_compound(token) {
            Some((head, tail)) => {
                folded.push(head.to_owned());
                folded.push(tail.to_owned());
            }
            None => folded.push(token.clone()),
        }
    }
    folded
}

fn strip_urdu_article(rest: &str) -> &str {
    rest.strip_prefix("ال")
        .filter(|tail| tail.chars().count() > 1)
        .unwrap_or(rest)
}

/// "ul", "ur", "ud", "al", "el", "us", "ush", "un", "uz", "ut": the Arabic article, assimilated.
fn is_roman_article(token: &str) -> bool {
    let mut letters = token.chars();
    matches!(letters.next(), Some('a' | 'e' | 'u'))
        && matches!(
            letters.as_str(),
            "l" | "r" | "d" | "s" | "sh" | "n" | "z" | "t"
        )
}

/// What follows "abd": its vowel and an "l" of the article go ("Abdul Rehman" -> "rehman",
/// "Abdullah" -> "lah"); an assimilated article's doubled letter merges in the key ("Abdurrahman").
fn strip_roman_article(rest: &str) -> &str {
    let rest = rest.strip_prefix(['a', 'e', 'i', 'u']).unwrap_or(rest);
    match rest.strip_prefix('l') {
        Some(after) if after.chars().count() > 1 => after,
        _ if rest.chars().count() <= 2 => "",
        _ => rest,
    }
}

/// A token that is only the article and a compound tail ("Ullah", "Uddin"): the tail.
fn roman_article_tail(token: &str) -> Option<&str> {
    COMPOUND_TAILS_ROMAN.iter().copied().find(|tail| {
        token.len() == tail.len() + 2 && token.ends_with(tail) && is_article_before(token, tail)
    })
}

/// "Saifuddin" -> ("saif", "din"), "Rahmatullah" -> ("rahmat", "lah"), "Fazlurrehman" ->
/// ("fazl", "rehman"); the head keeps at least three letters.
fn split_roman_compound(token: &str) -> Option<(&str, &str)> {
    COMPOUND_TAILS_ROMAN.iter().find_map(|tail| {
        let split = token.len().checked_sub(tail.len() + 2)?;
        if split < 3 || !token.ends_with(tail) || !is_article_before(token, tail) {
            return None;
        }
        Some((token.get(..split)?, *tail))
    })
}

/// Whether the two letters before `tail` at the end of `token` are an article: a vowel and either
/// "l" or the tail's first letter doubled (sun letters: "ud-Din", "ur-Rehman").
fn is_article_before(token: &str, tail: &str) -> bool {
    let Some(article) = token
        .len()
        .checked_sub(tail.len() + 2)
        .and_then(|start| token.get(start..token.len() - tail.len()))
    else {
        return false;
    };
    let mut letters = article.chars();
    let vowel = letters.next();
    let consonant = letters.next();
    matches!(vowel, Some('a' | 'e' | 'u' | 'i'))
        && (consonant == Some('l') || consonant == tail.chars().next())
}

/// "نورالعین" -> ("نور", "عین"); only for the listed tails, with a head of two letters or more.
fn split_urdu_compound(token: &str) -> Option<(&str, &str)> {
    COMPOUND_TAILS_URDU.iter().find_map(|tail| {
        let head = token.strip_suffix(tail)?.strip_suffix("ال")?;
        (head.chars().count() >= 2).then_some((head, *tail))
    })
}
