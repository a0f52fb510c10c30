//! The consultation algorithm: plain data in, plain data out, no I/O (like `tally`).
//!
//! - [`text`]: Polish text normalised for matching (case, diacritics, punctuation, greetings
//!   and signatures, stop words) and cut into shingles and features.
//! - [`duplicates`]: near-duplicate groups (form letters, copy-paste campaigns with edits) by
//!   MinHash signatures and locality-sensitive hashing, checked pair by pair.
//! - [`topics`]: groups of comments that make the same point in other words (TF-IDF over
//!   word stems and character n-grams, clustered with a data-driven number of groups), each
//!   labelled with its key phrases and its most representative comment.
//! - [`opinion`]: opinion groups on statements exactly as Pol.is computes them (PCA with
//!   column-mean filling, the sparsity-aware projection, k-means base clusters, groups with k
//!   chosen by silhouette, representative statements, consensus, group-informed consensus).
//! - [`metrics`]: adjusted Rand index and pairwise precision / recall, to check groups against
//!   labelled sets and other implementations.
//! - [`generate`]: labelled Polish comment sets and vote matrices with planted groups, for
//!   the quality checks and the benchmarks.
//!
//! Everything is deterministic for a given seed ([`rng::Rng`]).

pub mod comments;
pub mod duplicates;
pub mod generate;
pub mod metrics;
pub mod opinion;
pub mod rng;
pub mod text;
pub mod topics;

/// The order comments are processed in: by a hash of their text, then the text. The same
/// comments given in any order are processed alike, so the groups do not depend on the order
/// of the input (up to the groups' numbering).
pub(crate) fn canonical_order(texts: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by(|&a, &b| {
        rng::hash_bytes(texts[a].as_bytes())
            .cmp(&rng::hash_bytes(texts[b].as_bytes()))
            .then_with(|| texts[a].cmp(texts[b]))
    });
    order
}

/// Members mapped back from processing order to input order, each group's members sorted,
/// groups largest first (ties by first member); returns each comment's group.
pub(crate) fn renumber<G>(
    groups: &mut [G],
    order: &[usize],
    members: impl Fn(&mut G) -> (&mut Vec<usize>, &mut usize),
) -> Vec<usize> {
    for g in groups.iter_mut() {
        let (ms, representative) = members(g);
        for m in ms.iter_mut() {
            *m = order[*m];
        }
        ms.sort_unstable();
        *representative = order[*representative];
    }
    let mut keyed: Vec<(usize, usize, usize)> = groups
        .iter_mut()
        .enumerate()
        .map(|(i, g)| {
            let (ms, _) = members(g);
            (ms.len(), ms.first().copied().unwrap_or(usize::MAX), i)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let rank: Vec<usize> = {
        let mut r = vec![0; keyed.len()];
        for (new, &(_, _, old)) in keyed.iter().enumerate() {
            r[old] = new;
        }
        r
    };
    // Apply the permutation in place: position `old` goes to `rank[old]`.
    let mut perm = rank.clone();
    for i in 0..groups.len() {
        while perm[i] != i {
            let j = perm[i];
            groups.swap(i, j);
            perm.swap(i, j);
        }
    }
    let n = order.len();
    let mut group_of = vec![0; n];
    for (g, group) in groups.iter_mut().enumerate() {
        let (ms, _) = members(group);
        for &m in ms.iter() {
            group_of[m] = g;
        }
    }
    group_of
}
