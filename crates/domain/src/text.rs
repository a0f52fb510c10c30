//! Folding text for comparison: the same word typed with or without Polish letters, in any
//! case, is one word.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Letters that do not decompose into a base letter and a mark, lower-cased into `out`.
pub(crate) fn fold_letter(c: char, out: &mut String) {
    match c {
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' => out.push('d'),
        'ø' | 'Ø' => out.push('o'),
        'ı' => out.push('i'),
        'ß' | 'ẞ' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'þ' | 'Þ' => out.push_str("th"),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The words of `raw`, folded: compatibility forms, case and diacritics folded ("Łobzowska"
/// and "lobzowska" are one word); anything that is not a letter or a digit separates words.
pub fn words(raw: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in raw.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            fold_letter(c, &mut current);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_diacritics_and_punctuation() {
        assert_eq!(words("ul. ŁOBZOWSKA 20/3"), ["ul", "lobzowska", "20", "3"]);
        assert_eq!(words("Świętego  Wawrzyńca"), ["swietego", "wawrzynca"]);
        assert!(words(" ,. ").is_empty());
    }
}
