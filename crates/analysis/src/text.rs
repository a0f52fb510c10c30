//! Polish text made ready for matching. Decidim's users complain that filler words make its
//! duplicate check useless; here two comments match on what they say, not on how they greet:
//!
//! - case and diacritics do not matter (`Łąka` = `laka`: many residents type without Polish
//!   letters);
//! - punctuation and spacing do not matter;
//! - greetings at the start (`Dzień dobry`, `Szanowny Panie Prezydencie`…) and closing
//!   formulas with what follows them (`Z poważaniem, Jan Kowalski, ul. …`) are dropped;
//! - stop words (conjunctions, prepositions, pronouns, particles) are dropped.

use crate::rng::{hash_bytes, mix};

/// A character lower-cased with its diacritics removed (Polish letters and the common Latin
/// ones); other characters lower-cased as they are.
pub fn fold(c: char) -> char {
    match c {
        'ą' | 'Ą' | 'á' | 'Á' | 'à' | 'À' | 'â' | 'Â' | 'ä' | 'Ä' | 'ã' | 'å' => 'a',
        'ć' | 'Ć' | 'č' | 'Č' | 'ç' | 'Ç' => 'c',
        'ę' | 'Ę' | 'é' | 'É' | 'è' | 'È' | 'ê' | 'ë' | 'ě' => 'e',
        'ł' | 'Ł' => 'l',
        'ń' | 'Ń' | 'ñ' | 'ň' => 'n',
        'ó' | 'Ó' | 'ò' | 'ô' | 'ö' | 'Ö' | 'õ' => 'o',
        'ś' | 'Ś' | 'š' | 'Š' => 's',
        'ź' | 'Ź' | 'ż' | 'Ż' | 'ž' | 'Ž' => 'z',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ú' | 'ù' | 'û' | 'ü' | 'Ü' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'ř' => 'r',
        'ß' => 's',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// The words of a text, folded; numbers are words too.
pub fn words(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|(folded, _)| folded).collect()
}

/// The words of a text: folded (for matching) and lower-cased as written (for showing).
pub fn tokens(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut folded = String::new();
    let mut shown = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            folded.push(fold(c));
            shown.extend(c.to_lowercase());
        } else if !folded.is_empty() {
            out.push((std::mem::take(&mut folded), std::mem::take(&mut shown)));
        }
    }
    if !folded.is_empty() {
        out.push((folded, shown));
    }
    out
}

/// Words (folded) that open a letter. A phrase is dropped only at the very start.
const GREETINGS: &[&[&str]] = &[
    &["dzien", "dobry"],
    &["dobry", "wieczor"],
    &["witam", "serdecznie"],
    &["witam"],
    &["witajcie"],
    &["czesc"],
    &["hej"],
    &["szanowni", "panstwo"],
    &["szanowny", "panie"],
    &["szanowna", "pani"],
    &["szanowne", "panie"],
    &["szanowni"],
    &["szanowny"],
    &["szanowna"],
    &["drodzy"],
    &["droga"],
    &["drogi"],
    &["dear"],
    &["hello"],
];

/// Titles that may follow a greeting (`Szanowny Panie Prezydencie`).
const TITLES: &[&str] = &[
    "prezydencie",
    "prezydent",
    "prezydento",
    "dyrektorze",
    "dyrektor",
    "radni",
    "radny",
    "radna",
    "urzednicy",
    "urzedniku",
    "mieszkancy",
    "panstwo",
    "pani",
    "panie",
    "miasta",
    "krakowa",
    "wladze",
    "sir",
    "madam",
];

/// Closing formulas: from the last one near the end, the rest (a name, an address) goes.
const CLOSINGS: &[&[&str]] = &[
    &["z", "powazaniem"],
    &["z", "wyrazami", "szacunku"],
    &["lacze", "wyrazy", "szacunku"],
    &["lacze", "pozdrowienia"],
    &["serdecznie", "pozdrawiam"],
    &["pozdrawiam", "serdecznie"],
    &["pozdrawiam"],
    &["z", "pozdrowieniami"],
    &["pozdrowienia"],
    &["z", "gory", "dziekuje"],
    &["dziekuje", "za", "uwage"],
    &["best", "regards"],
    &["kind", "regards"],
    &["regards"],
];

/// How many words may follow a closing formula for it to count as the letter's end.
const SIGNATURE_WORDS: usize = 12;

/// Function words that say nothing about a comment's point (folded).
const STOP_WORDS: &[&str] = &[
    "a", "aby", "ach", "aj", "albo", "ale", "ani", "az", "bardzo", "bez", "bo", "by", "byc", "byl",
    "byla", "byli", "bylo", "byly", "bym", "bys", "bysmy", "co", "czy", "czyli", "dla", "do",
    "gdy", "gdyz", "gdzie", "go", "i", "ich", "ile", "im", "inne", "inny", "ja", "jak", "jaki",
    "jakie", "jako", "je", "jego", "jej", "jemu", "jest", "jestem", "jestesmy", "jesli", "jezeli",
    "juz", "ktora", "ktore", "ktorego", "ktorej", "ktory", "ktorych", "ktorym", "ktorzy", "lub",
    "ma", "mam", "mamy", "mi", "mnie", "moim", "moj", "moja", "moje", "moze", "mu", "my", "na",
    "nad", "nam", "nas", "naszego", "naszej", "nasze", "naszym", "nawet", "o", "od", "oraz", "po",
    "pod", "przez", "przy", "sa", "sie", "sobie", "ta", "tak", "takze", "tam", "te", "tego", "tej",
    "ten", "teraz", "tez", "to", "tu", "tutaj", "tym", "w", "we", "wiec", "wlasnie", "wszystko",
    "z", "za", "ze", "zeby", "the", "of", "and", "to", "in", "is", "for", "on", "that", "this",
    "it", "be", "are", "with", "as", "at", "by", "an",
];

fn starts_with(words: &[String], phrase: &[&str]) -> bool {
    words.len() >= phrase.len() && words.iter().zip(phrase).all(|(w, p)| w == p)
}

/// Drops the opening greeting (and the titles after it) and the closing formula with the
/// signature after it.
pub fn strip_courtesies(words: &[String]) -> &[String] {
    let (start, end) = courtesy_bounds(words);
    &words[start..end]
}

/// The content's bounds in `words` (folded) once courtesies are dropped.
pub fn courtesy_bounds(words: &[String]) -> (usize, usize) {
    let mut start = 0;
    loop {
        let rest = &words[start..];
        let Some(phrase) = GREETINGS.iter().find(|p| starts_with(rest, p)) else {
            break;
        };
        start += phrase.len();
        while words
            .get(start)
            .is_some_and(|w| TITLES.contains(&w.as_str()))
        {
            start += 1;
        }
    }
    let mut end = words.len();
    let earliest = words.len().saturating_sub(SIGNATURE_WORDS + 3).max(start);
    for i in (earliest..words.len()).rev() {
        if let Some(phrase) = CLOSINGS.iter().find(|p| starts_with(&words[i..], p))
            && words.len() - (i + phrase.len()) <= SIGNATURE_WORDS
        {
            end = i;
        }
    }
    (start, end.max(start))
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The content words of a comment: folded, without courtesies and stop words.
pub fn content_words(text: &str) -> Vec<String> {
    content_tokens(text)
        .into_iter()
        .map(|(folded, _)| folded)
        .collect()
}

/// The content words of a comment, folded and as written.
pub fn content_tokens(text: &str) -> Vec<(String, String)> {
    let all = tokens(text);
    let folded: Vec<String> = all.iter().map(|(f, _)| f.clone()).collect();
    let (start, end) = courtesy_bounds(&folded);
    all.into_iter()
        .skip(start)
        .take(end - start)
        .filter(|(f, _)| !is_stop_word(f))
        .collect()
}

/// The text as matched: content words joined by single spaces.
pub fn normalise(text: &str) -> String {
    content_words(text).join(" ")
}

/// Hashes of the character `n`-grams of a normalised text (a text shorter than `n` is one
/// shingle).
pub fn char_shingles(normalised: &str, n: usize, out: &mut Vec<u64>) {
    out.clear();
    let bytes = normalised.as_bytes();
    if bytes.is_empty() {
        return;
    }
    if bytes.len() <= n {
        out.push(hash_bytes(bytes));
        return;
    }
    for w in bytes.windows(n) {
        out.push(hash_bytes(w));
    }
}

/// A crude Polish stem: Polish inflects at the end of a word, so the first six letters of a
/// longer word stand for all its forms (`rowerowa`, `rowerowej`, `rowerowych` → `rowero`).
pub fn stem(word: &str) -> &str {
    const KEEP: usize = 6;
    match word.char_indices().nth(KEEP) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// A stable 64-bit id of a feature string.
pub fn feature_id(feature: &str) -> u64 {
    mix(hash_bytes(feature.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_diacritics_and_punctuation_do_not_matter() {
        assert_eq!(
            normalise("Więcej ZIELENI, na ulicy Łąkowej!!!"),
            normalise("wiecej zieleni na ulicy lakowej")
        );
        assert_eq!(normalise("Więcej zieleni"), "wiecej zieleni");
    }

    #[test]
    fn greetings_signatures_and_stop_words_go() {
        let letter = "Szanowny Panie Prezydencie, proszę o budowę ścieżki rowerowej na ulicy \
                      Kamiennej. Z poważaniem, Jan Kowalski, ul. Długa 5";
        assert_eq!(
            normalise(letter),
            "prosze budowe sciezki rowerowej ulicy kamiennej"
        );
        assert_eq!(
            normalise(
                "Dzień dobry! Proszę o budowę ścieżki rowerowej na ulicy Kamiennej. Pozdrawiam"
            ),
            normalise(letter)
        );
        // A closing word in the middle of a long text is content, not an ending.
        let long = "pozdrawiam wszystkich sąsiadów którzy przyszli na spotkanie w sprawie \
                    parku przy ulicy Wiślnej i proszę o więcej ławek w parku oraz zieleni";
        assert!(normalise(long).starts_with("pozdrawiam wszystkich"));
    }

    #[test]
    fn a_text_of_courtesies_only_is_empty() {
        assert_eq!(normalise("Dzień dobry, pozdrawiam"), "");
        let mut shingles = vec![1];
        char_shingles("", 5, &mut shingles);
        assert!(shingles.is_empty());
    }

    #[test]
    fn stems_cover_the_forms_of_a_word() {
        assert_eq!(stem("rowerowej"), stem("rowerowych"));
        assert_eq!(stem("park"), "park");
        assert_eq!(stem("ścieżki"), "ścieżk");
    }
}
