//! Near-duplicate groups: the same text with small edits (form letters, copy-paste
//! campaigns, typos, added greetings and signatures).
//!
//! Each comment is normalised ([`crate::text::normalise`]) and cut into character 5-gram
//! shingles; a MinHash signature of 64 values estimates the Jaccard similarity of two
//! comments' shingle sets. Locality-sensitive hashing (bands of the signature) finds the
//! candidate pairs without comparing every pair; a candidate pair joins when its estimated
//! similarity reaches the threshold. Groups are the connected components.

use crate::rng::{Rng, mix};
use crate::text;

/// MinHash values per comment.
pub const SIGNATURE: usize = 64;
/// Shingle length in characters (bytes of the folded text).
pub const SHINGLE: usize = 5;
/// The default similarity threshold (estimated Jaccard similarity of shingle sets).
pub const DEFAULT_THRESHOLD: f64 = 0.6;

#[derive(Debug, Clone)]
pub struct Options {
    /// Two comments are near-duplicates from this estimated similarity (0–1).
    pub threshold: f64,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_THRESHOLD,
            seed: 0,
        }
    }
}

/// A comment's MinHash signature (empty text: all `u32::MAX`).
pub type Signature = [u32; SIGNATURE];

/// The hash family: 64 bijections of 32-bit values.
#[derive(Debug, Clone)]
pub struct Hasher {
    xor: [u32; SIGNATURE],
    mul: [u32; SIGNATURE],
}

impl Hasher {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x4D49_4E48_4153_4821);
        let mut xor = [0u32; SIGNATURE];
        let mut mul = [0u32; SIGNATURE];
        for i in 0..SIGNATURE {
            xor[i] = rng.next_u64() as u32;
            mul[i] = (rng.next_u64() as u32) | 1;
        }
        Self { xor, mul }
    }

    pub fn signature(&self, shingles: &[u64]) -> Signature {
        let mut sig = [u32::MAX; SIGNATURE];
        for &s in shingles {
            let x = (s ^ (s >> 32)) as u32;
            for ((slot, &xor), &mul) in sig.iter_mut().zip(&self.xor).zip(&self.mul) {
                let mut v = (x ^ xor).wrapping_mul(mul);
                v ^= v >> 15;
                *slot = (*slot).min(v);
            }
        }
        sig
    }

    /// The signature of a raw comment.
    pub fn signature_of(&self, comment: &str, scratch: &mut Vec<u64>) -> Signature {
        text::char_shingles(&text::normalise(comment), SHINGLE, scratch);
        self.signature(scratch)
    }
}

/// The estimated Jaccard similarity of two signatures (0 if either text was empty).
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    if a[0] == u32::MAX && a.iter().all(|&v| v == u32::MAX) {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / SIGNATURE as f64
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Comment indices, ascending.
    pub members: Vec<usize>,
    /// The member most like the others (the group's text to read).
    pub representative: usize,
    /// Members' estimated similarity to the representative: the lowest and the mean (1 for a
    /// group of one).
    pub min_similarity: f64,
    pub mean_similarity: f64,
    /// The runs of words the members share (at most three, longest first), as written in
    /// the representative: why they are one group.
    pub shared: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Largest first; ties by first member. Every comment is in exactly one group (a comment
    /// like no other is a group of one).
    pub groups: Vec<Group>,
    /// Per comment: its group's index in `groups`.
    pub group_of: Vec<usize>,
}

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn new(n: usize) -> Self {
        Self((0..n as u32).collect())
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Rows per band for a threshold: the band count `b = 64 / r` puts the LSH curve's steepest
/// point `(1/b)^(1/r)` a little below the threshold, so that pairs at the threshold are found
/// (the check on the estimated similarity keeps precision).
fn rows_per_band(threshold: f64) -> usize {
    let target = (threshold - 0.1).clamp(0.05, 0.95);
    (1..=16)
        .filter(|&r| SIGNATURE.is_multiple_of(r))
        .min_by(|&a, &b| {
            let point = |r: usize| (1.0 / (SIGNATURE / r) as f64).powf(1.0 / r as f64);
            (point(a) - target)
                .abs()
                .total_cmp(&(point(b) - target).abs())
        })
        .unwrap_or(4)
}

/// The signatures of many comments, on all cores.
pub fn signatures(comments: &[&str], hasher: &Hasher) -> Vec<Signature> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(comments.len().div_ceil(256).max(1));
    let chunk = comments.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = comments
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut scratch = Vec::new();
                    part.iter()
                        .map(|c| hasher.signature_of(c, &mut scratch))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Near-duplicate groups of `comments` (the same groups whatever their order).
pub fn group(comments: &[&str], options: &Options) -> Groups {
    let order = crate::canonical_order(comments);
    let permuted: Vec<&str> = order.iter().map(|&i| comments[i]).collect();
    let hasher = Hasher::new(options.seed);
    let sigs = signatures(&permuted, &hasher);
    let mut g = group_signatures(&sigs, options);
    for group in &mut g.groups {
        group.representative = plainest(group, &sigs, &permuted);
        if group.members.len() > 1 {
            group.shared = shared_runs(group, &permuted);
        }
    }
    g.group_of = crate::renumber(&mut g.groups, &order, |g| {
        (&mut g.members, &mut g.representative)
    });
    g
}

/// The runs of the representative's content words (three words or more) whose every
/// three-word window appears in at least four in five of (a sample of) the members.
fn shared_runs(group: &Group, texts: &[&str]) -> Vec<String> {
    const SAMPLE: usize = 20;
    const MAX_WORDS: usize = 12;
    let rep = text::content_tokens(texts[group.representative]);
    if rep.len() < 3 {
        return Vec::new();
    }
    let step = group.members.len().div_ceil(SAMPLE).max(1);
    let sample: Vec<std::collections::HashSet<[String; 3]>> = group
        .members
        .iter()
        .step_by(step)
        .map(|&m| {
            let words = text::content_words(texts[m]);
            words
                .windows(3)
                .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
                .collect()
        })
        .collect();
    let needed = (sample.len() * 4).div_ceil(5);
    let shared: Vec<bool> = rep
        .windows(3)
        .map(|w| {
            let key = [w[0].0.clone(), w[1].0.clone(), w[2].0.clone()];
            sample.iter().filter(|s| s.contains(&key)).count() >= needed
        })
        .collect();
    // Windows marked shared, joined into runs of words.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, &ok) in shared.iter().enumerate() {
        if !ok {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if *end >= i => *end = i + 3,
            _ => runs.push((i, i + 3)),
        }
    }
    runs.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    runs.into_iter()
        .take(3)
        .map(|(start, end)| {
            let words: Vec<&str> = rep[start..end.min(start + MAX_WORDS)]
                .iter()
                .map(|(_, shown)| shown.as_str())
                .collect();
            let more = if end - start > MAX_WORDS { " …" } else { "" };
            format!("{}{more}", words.join(" "))
        })
        .collect()
}

/// Of the members that match the representative exactly (the same words once courtesies,
/// case and accents are set aside), the one to show: not in capitals, then the shortest (no
/// greeting, no signature).
fn plainest(group: &Group, sigs: &[Signature], texts: &[&str]) -> usize {
    let rep = group.representative;
    group
        .members
        .iter()
        .copied()
        .filter(|&m| sigs[m] == sigs[rep])
        .min_by_key(|&m| {
            let t = texts[m];
            let shouting = !t.chars().any(char::is_lowercase);
            (shouting, t.chars().count(), m)
        })
        .unwrap_or(rep)
}

/// Near-duplicate groups from signatures already computed.
pub fn group_signatures(sigs: &[Signature], options: &Options) -> Groups {
    let n = sigs.len();
    let threshold = options.threshold.clamp(0.0, 1.0);
    let rows = rows_per_band(threshold);
    let mut uf = UnionFind::new(n);
    let empty: Vec<bool> = sigs
        .iter()
        .map(|s| s.iter().all(|&v| v == u32::MAX))
        .collect();
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n);
    // The leaders of a bucket: each member joins the first leader it is similar enough to,
    // or becomes a leader itself (up to a few), so a bucket of thousands of copies costs
    // thousands of comparisons, not millions.
    const LEADERS: usize = 8;
    for band in 0..SIGNATURE / rows {
        keys.clear();
        for (i, s) in sigs.iter().enumerate() {
            if empty[i] {
                continue;
            }
            let mut h = band as u64;
            for &v in &s[band * rows..(band + 1) * rows] {
                h = mix(h ^ u64::from(v));
            }
            keys.push((h, i as u32));
        }
        keys.sort_unstable();
        let mut start = 0;
        while start < keys.len() {
            let mut end = start + 1;
            while end < keys.len() && keys[end].0 == keys[start].0 {
                end += 1;
            }
            if end - start > 1 {
                let mut leaders: Vec<u32> = Vec::with_capacity(LEADERS);
                for &(_, i) in &keys[start..end] {
                    let joined = leaders
                        .iter()
                        .find(|&&l| similarity(&sigs[l as usize], &sigs[i as usize]) >= threshold);
                    match joined {
                        Some(&l) => uf.union(l, i),
                        None if leaders.len() < LEADERS => leaders.push(i),
                        None => {}
                    }
                }
            }
            start = end;
        }
    }
    let mut members_of: std::collections::HashMap<u32, Vec<usize>> =
        std::collections::HashMap::new();
    for i in 0..n {
        members_of.entry(uf.find(i as u32)).or_default().push(i);
    }
    let mut groups: Vec<Group> = members_of
        .into_values()
        .map(|members| describe(members, sigs))
        .collect();
    let identity: Vec<usize> = (0..n).collect();
    let group_of = crate::renumber(&mut groups, &identity, |g| {
        (&mut g.members, &mut g.representative)
    });
    Groups { groups, group_of }
}

/// A group's representative (the member with the highest mean similarity to a sample of the
/// others) and its members' similarity to it.
fn describe(members: Vec<usize>, sigs: &[Signature]) -> Group {
    if members.len() == 1 {
        return Group {
            representative: members[0],
            members,
            min_similarity: 1.0,
            mean_similarity: 1.0,
            shared: Vec::new(),
        };
    }
    const SAMPLE: usize = 40;
    let step = members.len().div_ceil(SAMPLE).max(1);
    let sample: Vec<usize> = members.iter().step_by(step).copied().collect();
    let representative = sample
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let score =
                |x: usize| -> f64 { sample.iter().map(|&y| similarity(&sigs[x], &sigs[y])).sum() };
            score(a).total_cmp(&score(b)).then(b.cmp(&a))
        })
        .unwrap_or(members[0]);
    let sims: Vec<f64> = members
        .iter()
        .map(|&m| similarity(&sigs[representative], &sigs[m]))
        .collect();
    Group {
        representative,
        min_similarity: sims.iter().copied().fold(1.0, f64::min),
        mean_similarity: sims.iter().sum::<f64>() / sims.len() as f64,
        shared: Vec::new(),
        members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_letter_with_edits_is_one_group_and_another_text_is_not() {
        let letter = "Sprzeciwiam się wycince drzew w parku Jordana. Park jest miejscem \
                      odpoczynku dla tysięcy mieszkańców, a stare drzewa chronią nas przed upałem.";
        let comments = [
            letter.to_string(),
            format!("Dzień dobry, {letter} Z poważaniem, Anna Nowak"),
            letter
                .replace("tysięcy", "tysiecy")
                .replace("drzewa", "drzwea"),
            letter.to_uppercase(),
            "Proszę o więcej autobusów linii 152 w godzinach szczytu.".to_string(),
            String::new(),
            "Dzień dobry".to_string(),
        ];
        let refs: Vec<&str> = comments.iter().map(String::as_str).collect();
        let g = group(&refs, &Options::default());
        assert_eq!(g.group_of[0], g.group_of[1]);
        assert_eq!(g.group_of[0], g.group_of[2]);
        assert_eq!(g.group_of[0], g.group_of[3]);
        assert_ne!(g.group_of[0], g.group_of[4]);
        // Empty texts are groups of one, not a group of "nothing".
        assert_ne!(g.group_of[5], g.group_of[6]);
        assert_eq!(g.groups[0].members, vec![0, 1, 2, 3]);
        // Why they are together: the words they share, as the representative writes them.
        assert!(
            g.groups[0].shared[0].starts_with("sprzeciwiam wycince drzew parku jordana"),
            "{:?}",
            g.groups[0].shared
        );
        assert_eq!(g.groups.len(), 4);
        assert!(g.groups[0].min_similarity >= 0.6);
    }

    #[test]
    fn the_threshold_decides() {
        let a = "budowa ścieżki rowerowej wzdłuż ulicy Kamiennej i Długiej do centrum";
        let b = "budowa ścieżki rowerowej wzdłuż ulicy Kamiennej oraz parking przy dworcu";
        let hasher = Hasher::new(0);
        let mut scratch = Vec::new();
        let s = similarity(
            &hasher.signature_of(a, &mut scratch),
            &hasher.signature_of(b, &mut scratch),
        );
        assert!(s > 0.2 && s < 0.8, "{s}");
        let strict = group(
            &[a, b],
            &Options {
                threshold: (s + 0.1).min(1.0),
                seed: 0,
            },
        );
        assert_eq!(strict.groups.len(), 2);
        let loose = group(
            &[a, b],
            &Options {
                threshold: s - 0.1,
                seed: 0,
            },
        );
        assert_eq!(loose.groups.len(), 1);
    }

    #[test]
    fn rows_per_band_follow_the_threshold() {
        assert!(rows_per_band(0.9) > rows_per_band(0.4));
    }
}
