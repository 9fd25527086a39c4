//! Pakistani mobile numbers in one form (+92 and ten digits), so a guardian's number typed in any of
//! the usual ways compares equal.

/// Digits of a Pakistani mobile number after the country code: 3XX XXXXXXX.
const NATIONAL_DIGITS: usize = 10;

/// "+92 300 1234567", "0300-1234567", "923001234567", "0092 300 1234567", "3001234567" ->
/// "+923001234567". Spaces, dashes, dots and brackets are ignored, Urdu and Arabic digits read.
/// `None` for anything else, landlines included (they are shared by whole offices and households).
pub fn normalise_phone(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(14);
    for c in rest.chars() {
        match c {
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => digits.push(ascii_digit(c)?),
        }
    }
    let national = if plus {
        digits.strip_prefix("92")?
    } else if let Some(national) = digits.strip_prefix("0092") {
        national
    } else if digits.len() == NATIONAL_DIGITS + 2 && digits.starts_with("92") {
        &digits[2..]
    } else if digits.len() == NATIONAL_DIGITS + 1 && digits.starts_with('0') {
        &digits[1..]
    } else {
        &digits
    };
    (national.len() == NATIONAL_DIGITS && national.starts_with('3'))
        .then(|| format!("+92{national}"))
}

/// An ASCII, Arabic-Indic or Extended Arabic-Indic (Urdu) digit as ASCII.
fn ascii_digit(c: char) -> Option<char> {
    let value = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        '\u{0660}'..='\u{0669}' => u32::from(c) - 0x0660,
        '\u{06F0}'..='\u{06F9}' => u32::from(c) - 0x06F0,
        _ => return None,
    };
    char::from_digit(value, 10)
}
