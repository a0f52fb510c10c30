//! A document put out for comments (a draft resolution, a programme): split into sections and
//! numbered paragraphs that residents comment on, and carried across versions so that a
//! comment stays with its paragraph when the draft is edited.
//!
//! Paragraphs keep their identity through a new version by matching: first the paragraphs
//! whose text is unchanged, in order (a longest common subsequence), then, between those,
//! paragraphs edited but still recognisable (most of their words shared). Whatever is left is
//! added (new ids) or removed (its comments are still shown with the text they were made on).

use crate::FieldError;
use std::collections::HashSet;

/// A document's part as parsed: a heading starts a section; other text blocks are paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
}

/// Splits Markdown (or plain text) into headings and paragraphs: blank lines separate blocks,
/// a line starting with `#` is a heading, list items are paragraphs of their own, lines of
/// one block are joined with spaces. HTML is not interpreted: tags are dropped.
pub fn parse(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !current.is_empty() {
            let text = current.join(" ");
            let text = text.trim();
            if !text.is_empty() {
                blocks.push(Block::Paragraph(text.to_owned()));
            }
            current.clear();
        }
    };
    for raw in source.lines() {
        let line = strip_tags(raw);
        let line = line.trim();
        if line.is_empty() {
            flush(&mut current, &mut blocks);
        } else if let Some(heading) = line.strip_prefix('#') {
            flush(&mut current, &mut blocks);
            let text = heading.trim_start_matches('#').trim();
            if !text.is_empty() {
                blocks.push(Block::Heading(text.to_owned()));
            }
        } else if let Some(item) = list_item(line) {
            flush(&mut current, &mut blocks);
            current.push(item.to_owned());
        } else {
            current.push(line.to_owned());
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

fn list_item(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest);
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &line[digits..];
        // A numbered item keeps its number: it is the text's own ("1. Konsultacje są…").
        if rest.starts_with(". ") || rest.starts_with(") ") {
            return Some(line);
        }
    }
    None
}

fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// How a paragraph of the new version relates to the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<Id> {
    /// The same text: the same paragraph.
    Same(Id),
    /// Edited but recognisable: the same paragraph, with the text it had.
    Edited(Id, String),
    /// New in this version.
    Added,
}

/// The old paragraphs no paragraph of the new version carries on.
pub fn removed<Id: Clone + PartialEq>(old: &[(Id, String)], changes: &[Change<Id>]) -> Vec<Id> {
    old.iter()
        .filter(|(id, _)| {
            !changes.iter().any(|c| match c {
                Change::Same(kept) | Change::Edited(kept, _) => kept == id,
                Change::Added => false,
            })
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// How much of two texts' words they share: common words over all words (Jaccard, on words
/// folded for case and Polish letters), 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: HashSet<String> = crate::text::words(a).into_iter().collect();
    let b: HashSet<String> = crate::text::words(b).into_iter().collect();
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The share of words two texts must have in common to count as one paragraph edited.
pub const SAME_PARAGRAPH: f64 = 0.5;

/// Matches the paragraphs of a new version (`new`, in order) to the old ones (`old`: id and
/// text, in order).
pub fn carry_over<Id: Clone>(old: &[(Id, String)], new: &[String]) -> Vec<Change<Id>> {
    let (n, m) = (old.len(), new.len());
    let old_text: Vec<String> = old.iter().map(|(_, t)| normalise(t)).collect();
    let new_text: Vec<String> = new.iter().map(|t| normalise(t)).collect();
    // 1. Unchanged paragraphs, in order: the longest common subsequence of texts.
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old_text[i] == new_text[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old_text[i] == new_text[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let mut matched: Vec<Option<(usize, bool)>> = vec![None; m];
    let mut taken = vec![false; n];
    for &(i, j) in &pairs {
        matched[j] = Some((i, true));
        taken[i] = true;
    }
    let best = |j: usize, range: std::ops::Range<usize>, taken: &[bool]| {
        range
            .filter(|i| !taken[*i])
            .map(|i| (i, similarity(&old[i].1, &new[j])))
            .filter(|(_, s)| *s >= SAME_PARAGRAPH)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    // 2. Between two unchanged paragraphs, edited ones: the most similar old one in the same
    //    gap, each used once.
    let starts = std::iter::once((0, 0)).chain(pairs.iter().map(|&(i, j)| (i + 1, j + 1)));
    let ends = pairs.iter().copied().chain(std::iter::once((n, m)));
    for ((old_from, new_from), (old_to, new_to)) in starts.zip(ends) {
        for (j, slot) in matched.iter_mut().enumerate().take(new_to).skip(new_from) {
            if let Some(i) = best(j, old_from..old_to, &taken) {
                taken[i] = true;
                *slot = Some((i, false));
            }
        }
    }
    // 3. A paragraph moved elsewhere keeps its identity too: the same text anywhere, else the
    //    most similar one left.
    for (j, slot) in matched.iter_mut().enumerate() {
        if slot.is_some() {
            continue;
        }
        let exact = (0..n).find(|i| !taken[*i] && old_text[*i] == new_text[j]);
        let found = exact
            .map(|i| (i, true))
            .or_else(|| best(j, 0..n, &taken).map(|i| (i, false)));
        if let Some((i, same)) = found {
            taken[i] = true;
            *slot = Some((i, same));
        }
    }
    matched
        .into_iter()
        .map(|found| match found {
            Some((i, true)) => Change::Same(old[i].0.clone()),
            Some((i, false)) => Change::Edited(old[i].0.clone(), old[i].1.clone()),
            None => Change::Added,
        })
        .collect()
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The longest document title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest document source, in characters (a long draft resolution is ~100,000).
pub const SOURCE_MAX: usize = 500_000;
/// The longest note on what changed in a version, in characters.
pub const NOTE_MAX: usize = 2_000;

/// A document's source as an official pasted it: something to comment on, or `Required`
/// (only blank lines or tags), or `TooLong`.
pub fn check_source(raw: &str) -> Result<Vec<Block>, FieldError> {
    if raw.chars().count() > SOURCE_MAX {
        return Err(FieldError::TooLong);
    }
    let blocks = parse(raw);
    if !blocks.iter().any(|b| matches!(b, Block::Paragraph(_))) {
        return Err(FieldError::Required);
    }
    Ok(blocks)
}

/// One piece of a word-by-word comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Kept(String),
    Removed(String),
    Inserted(String),
}

/// What changed between two versions of a paragraph, word by word (a longest common
/// subsequence of words; neighbouring words of one kind joined with spaces).
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |piece: Piece| {
        let merged = match (out.last_mut(), &piece) {
            (Some(Piece::Kept(t)), Piece::Kept(w))
            | (Some(Piece::Removed(t)), Piece::Removed(w))
            | (Some(Piece::Inserted(t)), Piece::Inserted(w)) => {
                t.push(' ');
                t.push_str(w);
                true
            }
            _ => false,
        };
        if !merged {
            out.push(piece);
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            push(Piece::Kept(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            push(Piece::Removed(a[i].to_owned()));
            i += 1;
        } else {
            push(Piece::Inserted(b[j].to_owned()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_splits_into_headings_and_paragraphs() {
        let source = "# Uchwała nr XCIV\n\nW sprawie zasad\ni trybu konsultacji.\n\n## § 1\n\n1. Konsultacje są jawne.\n2. Każdy może wziąć udział.\n\n<p>Tekst <b>z HTML</b>.</p>\n";
        assert_eq!(
            parse(source),
            [
                Block::Heading("Uchwała nr XCIV".into()),
                Block::Paragraph("W sprawie zasad i trybu konsultacji.".into()),
                Block::Heading("§ 1".into()),
                Block::Paragraph("1. Konsultacje są jawne.".into()),
                Block::Paragraph("2. Każdy może wziąć udział.".into()),
                Block::Paragraph("Tekst z HTML.".into()),
            ]
        );
        assert!(parse("  \n\n").is_empty());
    }

    fn old() -> Vec<(u32, String)> {
        [
            "Konsultacje są jawne.",
            "Każdy mieszkaniec może wziąć udział w konsultacjach społecznych.",
            "Raport publikuje się w ciągu 30 dni.",
            "Przepis przejściowy do usunięcia.",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32 + 1, (*t).to_owned()))
        .collect()
    }

    #[test]
    fn a_new_version_keeps_paragraphs_that_stayed_or_were_edited() {
        let new: Vec<String> = [
            "Wstęp dodany w drugiej wersji.",
            "Konsultacje są jawne.",
            "Każdy mieszkaniec i każda organizacja może wziąć udział w konsultacjach społecznych.",
            "Raport   publikuje się w ciągu 30 dni.",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        let changes = carry_over(&old(), &new);
        assert_eq!(changes[0], Change::Added);
        assert_eq!(changes[1], Change::Same(1));
        assert_eq!(
            changes[2],
            Change::Edited(
                2,
                "Każdy mieszkaniec może wziąć udział w konsultacjach społecznych.".into()
            )
        );
        assert_eq!(
            changes[3],
            Change::Same(3),
            "white space does not change a paragraph"
        );
        assert_eq!(removed(&old(), &changes), [4]);
    }

    #[test]
    fn moved_and_unrelated_paragraphs_are_not_confused() {
        // A paragraph rewritten completely is a new one; the old one is removed.
        let new = vec!["Zupełnie inna treść o budżecie obywatelskim.".to_owned()];
        let changes = carry_over(&old()[..1], &new);
        assert_eq!(changes, [Change::Added]);
        // Order swapped: one stays the same, the other is matched as edited within its gap
        // only if it is similar; here both texts are kept whole, so both are found.
        let swapped: Vec<String> = vec![old()[2].1.clone(), old()[0].1.clone()];
        let changes = carry_over(&old()[..3], &swapped);
        assert!(changes.iter().all(|c| *c != Change::Added), "{changes:?}");
        assert!(similarity("a b c", "a b c") > 0.99);
        assert!(similarity("a b c d", "x y z w") < 0.01);
    }
    #[test]
    fn a_source_must_hold_a_paragraph() {
        assert_eq!(check_source("  \n<p></p>\n"), Err(FieldError::Required));
        assert_eq!(check_source("# Tylko nagłówek"), Err(FieldError::Required));
        assert_eq!(
            check_source(&"a".repeat(SOURCE_MAX + 1)),
            Err(FieldError::TooLong)
        );
        assert_eq!(check_source("# § 1\n\nTreść.").unwrap().len(), 2);
    }

    #[test]
    fn word_diff_shows_what_was_removed_and_inserted() {
        let pieces = word_diff(
            "Raport publikuje się w ciągu 30 dni.",
            "Raport publikuje Prezydent w ciągu 14 dni.",
        );
        assert_eq!(
            pieces,
            [
                Piece::Kept("Raport publikuje".into()),
                Piece::Removed("się".into()),
                Piece::Inserted("Prezydent".into()),
                Piece::Kept("w ciągu".into()),
                Piece::Removed("30".into()),
                Piece::Inserted("14".into()),
                Piece::Kept("dni.".into()),
            ]
        );
        assert_eq!(word_diff("a b", "a b"), [Piece::Kept("a b".into())]);
        assert_eq!(word_diff("", "x"), [Piece::Inserted("x".into())]);
        assert_eq!(word_diff("x", ""), [Piece::Removed("x".into())]);
    }
}
