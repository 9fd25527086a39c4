//! Contact details: phone numbers normalised to one form so that equal numbers compare equal.

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a phone number of 10 to 15 digits, optionally starting with +")]
pub struct PhoneProblem;

/// Normalises a phone number: separators removed, Pakistani national numbers (`03001234567`) turned into
/// international form (`+923001234567`), other numbers kept as `+<digits>` or `<digits>`.
pub fn normalise_phone(raw: &str) -> Result<String, PhoneProblem> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return Err(PhoneProblem),
        }
    }
    if !(10..=15).contains(&digits.len()) {
        return Err(PhoneProblem);
    }
    if !plus && digits.len() == 11 && digits.starts_with('0') {
        return Ok(format!("+92{}", &digits[1..]));
    }
    if !plus && digits.starts_with("0092") {
        return Ok(format!("+{}", &digits[2..]));
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pakistani_numbers_take_international_form() {
        assert_eq!(
            normalise_phone("0300-1234567").as_deref(),
            Ok("+923001234567")
        );
        assert_eq!(
            normalise_phone("+92 300 1234567").as_deref(),
            Ok("+923001234567")
        );
        assert_eq!(
            normalise_phone("0092 300 1234567").as_deref(),
            Ok("+923001234567")
        );
        assert_eq!(
            normalise_phone("(051) 9201234").as_deref(),
            Ok("0519201234")
        );
        assert_eq!(normalise_phone("12345"), Err(PhoneProblem));
        assert_eq!(normalise_phone("0300-12345x7"), Err(PhoneProblem));
    }
}
