//! The word lists behind name tokens: honorifics and particles to drop, abbreviations of Muhammad,
//! tails of Arabic compound names, and how common the most common name tokens are.

/// Honorifics, titles and kinship particles that are not part of the child's own name. Compared on
/// spelling, not key: "Syed" and "Saeed", or "Hafiz" and "Hafeez", share keys but only the first of
/// each is a title.
pub(super) const DROPPED_ROMAN: &[&str] = &[
    "bibi",
    "bi",
    "bibee",
    "mst",
    "mosst",
    "mussammat",
    "musammat",
    "mussamat",
    "musamat",
    "mosammat",
    "syed",
    "sayed",
    "sayyid",
    "sayyed",
    "seyyed",
    "syeda",
    "sayeda",
    "sayyida",
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "shiekh",
    "mian",
    "miyan",
    "hafiz",
    "hafez",
    "haji",
    "hajji",
    "hajee",
    "bin",
    "bint",
    "binte",
    "binti",
    "ibn",
    "ibne",
    "walad",
    "wald",
    "mr",
    "mrs",
    "miss",
    "ms",
];
pub(super) const DROPPED_URDU: &[&str] = &[
    "بی",
    "بیبی",
    "مسمات",
    "مسماہ",
    "سید",
    "سیدہ",
    "شیخ",
    "میاں",
    "میان",
    "حافظ",
    "حاجی",
    "بن",
    "بنت",
    "ابن",
    "ولد",
    "ولدیت",
    "زوجہ",
    "دختر",
];
/// Kinship particles written with a slash or dots ("s/o Ahmed"); the father's name that follows is
/// kept, as agencies often record it as the child's family name.
pub(super) const DROPPED_KINSHIP: &[&str] = &["s/o", "d/o", "w/o", "s.o", "d.o", "w.o"];

/// Abbreviations of Muhammad ("M. Ali", "Mohd Usman").
pub(super) const MUHAMMAD_ABBREVIATIONS: &[&str] =
    &["m", "md", "mohd", "muhd", "mhd", "muh", "mohmd"];

/// Tails of Arabic construct names ("X al-Y"): the article before them is folded away, so that
/// "Saif-ud-Din", "Saifuddin" and "سیف الدین" give the same tokens. Listed rather than guessed,
/// because ال also begins ordinary names (الطاف Altaf, الیاس Ilyas).
pub(super) const COMPOUND_TAILS_ROMAN: &[&str] = &[
    "lah", "la", "din", "deen", "haq", "huq", "rehman", "rahman", "rehmaan", "rahmaan", "ain",
    "nisa", "nissa", "nisaa", "huda", "islam", "zaman",
];
pub(super) const COMPOUND_TAILS_URDU: &[&str] = &[
    "لہ",
    "دین",
    "حق",
    "رحمن",
    "رحمان",
    "عین",
    "نسا",
    "ہدی",
    "ہدیا",
    "اسلام",
    "زمان",
];

/// Arabic names that end in an alef maksura, read "a" ("Mustafa", "Bushra"). Written properly it
/// carries a dagger alef (مصطفیٰ), but it is mostly typed as a bare ی, which elsewhere ends a name
/// in "i" ("Ali" علی); for these names the bare spelling still ends in "a".
pub(super) const ALEF_MAKSURA_NAMES: &[&str] = &[
    "مصطفی",
    "مرتضی",
    "مجتبی",
    "موسی",
    "عیسی",
    "یحیی",
    "بشری",
    "عظمی",
    "حسنی",
    "کبری",
    "صغری",
    "لبنی",
    "سلمی",
    "ہدی",
    "یسری",
    "لیلی",
];

/// Assumed share of names carrying a token that is not in [`COMMON_TOKENS`].
pub(super) const DEFAULT_FREQUENCY: f64 = 0.003;
/// Tokens at least this frequent are flagged `common`.
pub(super) const COMMON_FREQUENCY: f64 = 0.02;

/// Rough shares of Pakistani children's names (given and family together) that carry a token, from
/// common naming patterns; no census is at hand, so these are orders of magnitude, not measurements.
/// `true` marks tokens that registrations often leave out.
pub(super) const COMMON_TOKENS: &[(&str, f64, bool)] = &[
    ("muhammad", 0.30, true),
    ("ghulam", 0.02, true),
    ("khan", 0.10, false),
    ("ali", 0.06, false),
    ("abd", 0.05, false),
    ("ahmed", 0.04, false),
    ("lah", 0.03, false),
    ("hussain", 0.03, false),
    ("fatima", 0.03, false),
    ("hassan", 0.02, false),
    ("ayesha", 0.02, false),
    ("noor", 0.02, false),
    ("shah", 0.02, false),
    ("malik", 0.02, false),
    ("din", 0.02, false),
    ("rehman", 0.02, false),
    ("haq", 0.01, false),
    ("begum", 0.02, false),
    ("zainab", 0.015, false),
    ("maryam", 0.015, false),
    ("iqbal", 0.01, false),
    ("akhtar", 0.01, false),
    ("raza", 0.01, false),
    ("usman", 0.01, false),
    ("umar", 0.01, false),
    ("bilal", 0.01, false),
    ("abbas", 0.01, false),
    ("khadija", 0.01, false),
    ("amna", 0.01, false),
    ("bashir", 0.01, false),
    ("butt", 0.01, false),
    ("qureshi", 0.01, false),
    ("baloch", 0.01, false),
];
