//! The phonetic skeleton of one name token: a consonant key shared by Urdu script and its Roman
//! spellings, plus what each spelling says about the vowels the key leaves out.
//!
//! Urdu script does not write short vowels and Roman spellings write every vowel in several ways
//! ("Muhammad", "Mohammed"), so vowels inside a name are left out of the key entirely: a key is the
//! sequence of consonant classes, with a marker for a vowel at the start (`a`) and for the vowel the
//! token ends in (`a`, `i` or `u`, which separates "Ali" from "Alia"). Letters that sound alike in
//! Urdu share a class (س ص ث, ز ذ ض ظ, ت ٹ ط, ک ق and "kh", ...). What a spelling does say about
//! the vowels between two consonants is kept as a set of possible vowel sounds per gap, so that two
//! names with one key but a long vowel against a short one ("Hassan" حسن and "Hussain" حسین,
//! "Muhammad" محمد and "Mahmood" محمود) are still told apart when scoring. Single Roman vowel
//! letters are swapped too freely ("Yousaf"/"Yousuf", "Rehman"/"Rahman") to tell short vowels
//! apart, so "Sajid" and "Sajjad" are not.

/// A set of vowel sounds that one spelling allows between two consonants (a bit per sound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VowelSet(u16);

const NO_VOWEL: u16 = 1;
const SHORT_A: u16 = 1 << 1;
const LONG_A: u16 = 1 << 2;
const SHORT_I: u16 = 1 << 3;
const LONG_I: u16 = 1 << 4;
const SHORT_U: u16 = 1 << 5;
const LONG_U: u16 = 1 << 6;
const LONG_E: u16 = 1 << 7;
const LONG_O: u16 = 1 << 8;
const DIPHTHONG_AY: u16 = 1 << 9;
const DIPHTHONG_AW: u16 = 1 << 10;
const GLIDE_Y: u16 = 1 << 11;
const GLIDE_W: u16 = 1 << 12;

const SHORT: u16 = SHORT_A | SHORT_I | SHORT_U;
/// Nothing written in a Roman spelling: no vowel, or a short one dropped ("Fahd" for "Fahad").
const UNWRITTEN_ROMAN: u16 = NO_VOWEL | SHORT;
/// Nothing written in Urdu: no vowel, a short one (never written), or a long a that Arabic names
/// write with a dagger alef, usually left out in typing (رحمن for رحمٰن, اسحق for اسحٰق).
const UNWRITTEN_URDU: u16 = NO_VOWEL | SHORT | LONG_A;
/// What ی (and Roman "ee", "ai", "ey", ...) can stand for.
const YEH_SOUNDS: u16 = LONG_I | LONG_E | DIPHTHONG_AY | GLIDE_Y;
/// What و (and Roman "oo", "ou", "au", "w", ...) can stand for.
const WAW_SOUNDS: u16 = LONG_U | LONG_O | DIPHTHONG_AW | GLIDE_W;
const ANY_VOWEL: u16 = u16::MAX;

impl VowelSet {
    /// Whether some vowel sound fits both spellings.
    pub(crate) fn overlaps(self, other: VowelSet) -> bool {
        self.0 & other.0 != 0
    }

    /// The vowels of a Roman gap: the vowel letters (a e i o u, and y or w inside a name) between
    /// two consonants.
    fn of_roman(gap: &str) -> VowelSet {
        let bits = match gap {
            "" => UNWRITTEN_ROMAN,
            // One letter is a short vowel of any colour (spellings swap them freely: "Yousaf" and
            // "Yousuf", "Rehman" and "Rahman", "Mudassir" and "Mudassar") or the long vowel of its
            // own colour ("Fatima" فاطمہ, "Javed" جاوید).
            "a" => SHORT | LONG_A,
            "e" => SHORT | LONG_E | LONG_I,
            "i" => SHORT | LONG_I,
            "o" => SHORT | LONG_O | LONG_U,
            "u" => SHORT | LONG_U,
            "y" => SHORT | YEH_SOUNDS,
            "w" => SHORT | WAW_SOUNDS,
            // Two or more letters spell a long vowel or a diphthong, which Urdu writes with a letter.
            _ => {
                let mut bits = 0;
                if gap.contains("aa") {
                    bits |= LONG_A;
                }
                if gap.contains(['i', 'y', 'e']) {
                    bits |= YEH_SOUNDS;
                }
                if gap.contains(['o', 'u', 'w']) {
                    bits |= WAW_SOUNDS;
                }
                // An `a` after another vowel ("Mariam", "Jawad") is a vowel of its own; an `a`
                // that opens a diphthong ("Hussain", "Kausar") is not.
                if gap.char_indices().any(|(at, c)| c == 'a' && at > 0) {
                    bits |= LONG_A | SHORT;
                }
                bits
            }
        };
        VowelSet(bits)
    }

    /// The vowels of an Urdu gap: the vowel letters (ا و ی ع) between two consonants.
    fn of_urdu(gap: &str) -> VowelSet {
        if gap.is_empty() {
            return VowelSet(UNWRITTEN_URDU);
        }
        let bits = gap.chars().fold(0, |bits, letter| {
            bits | match letter {
                'ا' => LONG_A,
                'و' => WAW_SOUNDS,
                'ی' => YEH_SOUNDS,
                // Ain is a consonant in Arabic but Roman spellings write it as any vowel ("Saad",
                // "Naeem", "Shoaib").
                _ => ANY_VOWEL,
            }
        });
        VowelSet(bits)
    }
}

/// A token reduced to its key and the vowels of each gap between consecutive consonants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skeleton {
    pub(crate) key: String,
    pub(crate) gaps: Vec<VowelSet>,
}

impl Skeleton {
    /// Same key, and every gap allows a common vowel: the two spellings can be the same name.
    pub(crate) fn sounds_like(&self, other: &Skeleton) -> bool {
        self.key == other.key
            && self.gaps.len() == other.gaps.len()
            && self
                .gaps
                .iter()
                .zip(&other.gaps)
                .all(|(a, b)| a.overlaps(*b))
    }
}

/// A token split into consonant classes and the vowel letters around them.
#[derive(Default)]
struct Parts {
    leading: String,
    consonants: Vec<char>,
    /// `gaps[i]` holds the vowel letters between `consonants[i]` and `consonants[i + 1]`; the last
    /// entry holds the letters after the last consonant until the next one arrives.
    gaps: Vec<String>,
}

impl Parts {
    fn vowel(&mut self, letter: char) {
        match self.gaps.last_mut() {
            Some(gap) => gap.push(letter),
            None => self.leading.push(letter),
        }
    }

    fn consonant(&mut self, class: char, merge_doubles: bool) {
        let doubled = self.consonants.last() == Some(&class)
            && self.gaps.last().is_some_and(|gap| gap.is_empty());
        if doubled && merge_doubles {
            return;
        }
        self.consonants.push(class);
        self.gaps.push(String::new());
    }

    /// The key and gap vowels, given how a trailing vowel string ends and how gaps are read.
    fn finish(
        mut self,
        ending: fn(&str) -> Option<char>,
        gap_vowels: fn(&str) -> VowelSet,
    ) -> Option<Skeleton> {
        if self.consonants.is_empty() {
            return None;
        }
        let trailing = self.gaps.pop().unwrap_or_default();
        let mut key = String::with_capacity(self.consonants.len() + 2);
        if !self.leading.is_empty() {
            key.push('a');
        }
        key.extend(&self.consonants);
        key.extend(ending(&trailing));
        let gaps = self.gaps.iter().map(|gap| gap_vowels(gap)).collect();
        Some(Skeleton { key, gaps })
    }
}

/// The skeleton of one token that has been lower-cased and stripped of marks; `None` when it has no
/// consonant (a lone vowel carries too little to match on).
pub(crate) fn skeleton(token: &str) -> Option<Skeleton> {
    if token.chars().any(is_arabic_script) {
        urdu_skeleton(token)
    } else {
        roman_skeleton(token)
    }
}

pub(crate) fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

fn roman_skeleton(token: &str) -> Option<Skeleton> {
    let mut letters: Vec<char> = token.chars().filter(char::is_ascii_lowercase).collect();
    // "Siddique", "Shafique", "Haque": the "ue" only marks the q.
    if letters.ends_with(&['q', 'u', 'e']) {
        letters.truncate(letters.len() - 2);
    }
    // A final h after a vowel is not sounded ("Fatimah", "Shah", "Ullah"), as Urdu's final ہ.
    if letters.len() > 2
        && letters.last() == Some(&'h')
        && letters
            .get(letters.len() - 2)
            .is_some_and(|c| is_roman_vowel(*c))
    {
        letters.pop();
    }
    let mut parts = Parts::default();
    let mut at = 0;
    while let Some(&letter) = letters.get(at) {
        let next = letters.get(at + 1).copied();
        let starts = at == 0;
        at += 1;
        match (letter, next) {
            ('a' | 'e' | 'i' | 'o' | 'u', _) => parts.vowel(letter),
            // A y or w that opens a name is a consonant ("Yousaf", "Waseem"); inside one it is
            // usually part of a vowel ("Ayesha", "Zaynab", "Khusrow") and where it is a consonant
            // ("Javed", "Anwar") Urdu writes it with the same letter as a long vowel, so both
            // scripts keep it in the gap.
            ('y', _) if starts => parts.consonant('Y', true),
            ('w' | 'v', _) if starts => parts.consonant('V', true),
            ('y', _) => parts.vowel('y'),
            ('w' | 'v', _) => parts.vowel('w'),
            ('s', Some('h')) => {
                at += 1;
                parts.consonant('X', true);
            }
            ('c', Some('h')) => {
                at += 1;
                // "Chh" is an aspirated ch.
                if letters.get(at) == Some(&'h') {
                    at += 1;
                }
                parts.consonant('C', true);
            }
            // Aspirated and Arabic-style digraphs fold to the consonant Urdu writes: kh خ, gh غ,
            // dh, bh and jh aspirates (the ھ is dropped there too), ph ف. Inside a name "th" and
            // "zh" are two letters ("Athar" اطہر, "Azhar" اظہر), so only a leading "th" is one.
            ('k' | 'g' | 'd' | 'b' | 'j', Some('h')) => {
                at += 1;
                parts.consonant(roman_consonant(letter), true);
            }
            ('t', Some('h')) if starts => {
                at += 1;
                parts.consonant('T', true);
            }
            ('p', Some('h')) => {
                at += 1;
                parts.consonant('F', true);
            }
            ('x', _) => {
                parts.consonant('K', true);
                parts.consonant('S', true);
            }
            _ => parts.consonant(roman_consonant(letter), true),
        }
    }
    parts.finish(roman_ending, VowelSet::of_roman)
}

fn is_roman_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w')
}

/// The class of a Roman consonant: q and a c outside "ch" sound as k; the rest are themselves.
fn roman_consonant(letter: char) -> char {
    match letter {
        'q' | 'c' => 'K',
        _ => letter.to_ascii_uppercase(),
    }
}

/// The final-vowel marker of a Roman token from the vowel letters after its last consonant.
fn roman_ending(trailing: &str) -> Option<char> {
    match trailing.chars().last()? {
        'a' => Some('a'),
        'i' | 'y' | 'e' => Some('i'),
        _ => Some('u'),
    }
}

fn urdu_skeleton(token: &str) -> Option<Skeleton> {
    let letters: Vec<char> = token.chars().filter(|c| is_arabic_script(*c)).collect();
    let mut parts = Parts::default();
    let mut previous_was_consonant = false;
    for (at, &letter) in letters.iter().enumerate() {
        let starts = at == 0;
        let ends = at + 1 == letters.len();
        let class = match letter {
            'ب' => Some('B'),
            'پ' => Some('P'),
            'ت' | 'ٹ' | 'ط' => Some('T'),
            'ث' | 'س' | 'ص' => Some('S'),
            'ج' => Some('J'),
            'چ' => Some('C'),
            'ح' => Some('H'),
            'خ' | 'ق' | 'ک' => Some('K'),
            'د' | 'ڈ' => Some('D'),
            'ذ' | 'ز' | 'ض' | 'ظ' | 'ژ' => Some('Z'),
            'ر' | 'ڑ' => Some('R'),
            'ش' => Some('X'),
            'غ' | 'گ' => Some('G'),
            'ف' => Some('F'),
            'ل' => Some('L'),
            'م' => Some('M'),
            'ن' | 'ں' => Some('N'),
            'و' if starts => Some('V'),
            'ی' if starts => Some('Y'),
            // Do-chashmi he after a consonant only marks aspiration ("Bhatti" بھٹی).
            'ھ' if previous_was_consonant => {
                continue;
            }
            // A final he is a vowel ("Fatima" فاطمہ, "Shah" شاہ).
            'ہ' | 'ھ' if ends => {
                parts.vowel('ا');
                previous_was_consonant = false;
                continue;
            }
            'ہ' | 'ھ' => Some('H'),
            'ا' | 'و' | 'ی' | 'ع' => None,
            _ => continue,
        };
        match class {
            // Urdu writes a letter twice only with a vowel between ("Mumtaz" ممتاز), so doubles stay.
            Some(class) => parts.consonant(class, false),
            None => parts.vowel(letter),
        }
        previous_was_consonant = class.is_some();
    }
    parts.finish(urdu_ending, VowelSet::of_urdu)
}

/// The final-vowel marker of an Urdu token; a final ain is silent in Roman spellings ("Sami" سمیع).
fn urdu_ending(trailing: &str) -> Option<char> {
    match trailing.chars().rev().find(|c| *c != 'ع')? {
        'ا' => Some('a'),
        'ی' => Some('i'),
        _ => Some('u'),
    }
}
