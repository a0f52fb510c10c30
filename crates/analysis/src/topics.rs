//! Topic groups: comments that make the same point in other words.
//!
//! 1. Features: the content words' stems ([`crate::text::stem`]) and pairs of neighbouring
//!    stems, weighted by TF-IDF (sublinear term frequency, smoothed IDF), each comment's
//!    vector of length 1; features in a single comment say nothing about groups and go.
//! 2. Many small clusters first (√(n/2), at least min(n/2, 16)): spherical k-means (cosine),
//!    seeded by k-means++ on a sample.
//! 3. Then the number of groups comes from the data: the small clusters are merged by average
//!    linkage (the mean cosine similarity between members of two clusters, exact from the
//!    clusters' sums), and the level with the best silhouette (computed from the same sums)
//!    is kept.
//! 4. A comment that shares almost nothing with its group's centre stands alone.
//! 5. Each group is labelled with its key phrases (the features that weigh most in it
//!    against the whole) and its most representative comment (closest to its centre).

use crate::rng::Rng;
use crate::text;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    /// The most small clusters to start from.
    pub max_clusters: usize,
    /// A comment whose cosine similarity to its group's centre is below this stands alone.
    pub min_similarity: f64,
    /// Features kept (the most frequent), bounding memory on a million comments.
    pub max_features: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 0,
            max_clusters: 128,
            min_similarity: 0.12,
            max_features: 1 << 17,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// Comment indices, ascending.
    pub members: Vec<usize>,
    /// The features that weigh most in the group, as written in its comments.
    pub key_phrases: Vec<String>,
    /// The member closest to the group's centre.
    pub representative: usize,
    /// Members' mean cosine similarity to the group's centre (1 for a group of one).
    pub mean_similarity: f64,
    /// Per key phrase: the share of members that contain it.
    pub coverage: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Topics {
    /// Largest first; ties by first member. Every comment is in exactly one group.
    pub groups: Vec<Topic>,
    /// Per comment: its group's index in `groups`.
    pub group_of: Vec<usize>,
    /// The silhouette of each number of groups tried (groups of two or more comments).
    pub silhouettes: Vec<(usize, f64)>,
}

type Sparse = Vec<(u32, f32)>;

/// The features of a comment: stems and neighbouring stem pairs, with counts.
fn raw_features(comment: &str) -> Vec<(u64, u32)> {
    let words = text::content_words(comment);
    let stems: Vec<&str> = words.iter().map(|w| text::stem(w)).collect();
    let mut ids: Vec<u64> = Vec::with_capacity(stems.len() * 2);
    for (i, s) in stems.iter().enumerate() {
        ids.push(text::feature_id(s));
        if let Some(next) = stems.get(i + 1) {
            ids.push(text::feature_id(&format!("{s} {next}")));
        }
    }
    ids.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(ids.len());
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => out.push((id, 1)),
        }
    }
    out
}

fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().div_ceil(512).max(1));
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

struct Vectors {
    rows: Vec<Sparse>,
    /// Feature index → feature id.
    ids: Vec<u64>,
}

fn vectorise(comments: &[&str], options: &Options) -> Vectors {
    let raw: Vec<Vec<(u64, u32)>> = parallel_map(comments, |c| raw_features(c));
    let mut df: HashMap<u64, u32> = HashMap::new();
    for r in &raw {
        for &(id, _) in r {
            *df.entry(id).or_insert(0) += 1;
        }
    }
    let mut kept: Vec<(u64, u32)> = df.into_iter().filter(|&(_, n)| n >= 2).collect();
    kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(options.max_features);
    let n = comments.len() as f64;
    let mut index: HashMap<u64, (u32, f32)> = HashMap::with_capacity(kept.len());
    let mut ids = Vec::with_capacity(kept.len());
    for (i, &(id, d)) in kept.iter().enumerate() {
        let idf = ((n + 1.0) / (f64::from(d) + 1.0)).ln() + 1.0;
        index.insert(id, (i as u32, idf as f32));
        ids.push(id);
    }
    let rows = parallel_map(&raw, |r| {
        let mut v: Sparse = r
            .iter()
            .filter_map(|&(id, tf)| {
                let &(i, idf) = index.get(&id)?;
                Some((i, (1.0 + (tf as f32).ln()) * idf))
            })
            .collect();
        let len: f32 = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if len > 0.0 {
            for (_, x) in &mut v {
                *x /= len;
            }
        }
        v.sort_unstable_by_key(|&(i, _)| i);
        v
    });
    Vectors { rows, ids }
}

/// Centres stored feature-major (`features × k`), so a comment's similarity to every centre
/// is a few contiguous row sweeps.
struct Centres {
    k: usize,
    data: Vec<f32>,
}

impl Centres {
    fn zero(features: usize, k: usize) -> Self {
        Self {
            k,
            data: vec![0.0; features * k],
        }
    }

    fn scores(&self, v: &Sparse, out: &mut [f32]) {
        out.iter_mut().for_each(|x| *x = 0.0);
        for &(f, x) in v {
            let row = &self.data[f as usize * self.k..(f as usize + 1) * self.k];
            for (o, c) in out.iter_mut().zip(row) {
                *o += x * c;
            }
        }
    }

    fn add(&mut self, cluster: usize, v: &Sparse) {
        for &(f, x) in v {
            self.data[f as usize * self.k + cluster] += x;
        }
    }

    fn normalise(&mut self) {
        let mut len = vec![0.0f32; self.k];
        for row in self.data.chunks(self.k) {
            for (l, x) in len.iter_mut().zip(row) {
                *l += x * x;
            }
        }
        for l in &mut len {
            *l = if *l > 0.0 { 1.0 / l.sqrt() } else { 0.0 };
        }
        for row in self.data.chunks_mut(self.k) {
            for (x, l) in row.iter_mut().zip(&len) {
                *x *= l;
            }
        }
    }
}

fn sparse_dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// k-means++ seeds (cosine distance) from a sample.
fn seeds(rows: &[Sparse], live: &[usize], k: usize, rng: &mut Rng) -> Vec<usize> {
    const SAMPLE: usize = 4000;
    let mut sample: Vec<usize> = live.to_vec();
    rng.shuffle(&mut sample);
    sample.truncate(SAMPLE);
    sample.sort_unstable();
    let mut chosen = vec![sample[rng.below(sample.len())]];
    let mut nearest: Vec<f32> = sample
        .iter()
        .map(|&i| 1.0 - sparse_dot(&rows[i], &rows[chosen[0]]))
        .collect();
    while chosen.len() < k {
        let total: f64 = nearest.iter().map(|&d| f64::from(d.max(0.0))).sum();
        if total <= 1e-9 {
            break;
        }
        let mut target = rng.next_f64() * total;
        let mut pick = sample.len() - 1;
        for (j, &d) in nearest.iter().enumerate() {
            target -= f64::from(d.max(0.0));
            if target <= 0.0 {
                pick = j;
                break;
            }
        }
        let c = sample[pick];
        chosen.push(c);
        for (j, &i) in sample.iter().enumerate() {
            let d = 1.0 - sparse_dot(&rows[i], &rows[c]);
            if d < nearest[j] {
                nearest[j] = d;
            }
        }
    }
    chosen
}

fn assign(rows: &[Sparse], live: &[usize], centres: &Centres) -> Vec<u32> {
    parallel_map(live, |&i| {
        let mut scores = vec![0.0f32; centres.k];
        centres.scores(&rows[i], &mut scores);
        let mut best = 0;
        for (j, &s) in scores.iter().enumerate() {
            if s > scores[best] {
                best = j;
            }
        }
        best as u32
    })
}

fn spherical_kmeans(
    rows: &[Sparse],
    live: &[usize],
    features: usize,
    k: usize,
    rng: &mut Rng,
) -> Vec<u32> {
    let mut centres = Centres::zero(features, k);
    for (c, &i) in seeds(rows, live, k, rng).iter().enumerate() {
        centres.add(c, &rows[i]);
    }
    let k = centres.k;
    let mut labels: Vec<u32> = assign(rows, live, &centres);
    for _ in 0..15 {
        let mut next = Centres::zero(features, k);
        for (&i, &l) in live.iter().zip(&labels) {
            next.add(l as usize, &rows[i]);
        }
        next.normalise();
        let relabelled = assign(rows, live, &next);
        let changed = relabelled
            .iter()
            .zip(&labels)
            .filter(|(a, b)| a != b)
            .count();
        labels = relabelled;
        if changed * 1000 <= live.len() {
            break;
        }
    }
    labels
}

/// Average-linkage merging of clusters from their cross sums (`cross[a][b]` = Σ x_i·x_j over
/// i in a, j in b), keeping the level with the best silhouette. Returns each cluster's final
/// group and the silhouette of each level.
fn merge(mut cross: Vec<Vec<f64>>, mut size: Vec<f64>) -> (Vec<usize>, Vec<(usize, f64)>) {
    let k = size.len();
    let mut alive: Vec<bool> = vec![true; k];
    let mut parent: Vec<usize> = (0..k).collect();
    let mut history: Vec<(usize, usize)> = Vec::new();
    let mut scores: Vec<(usize, f64)> = Vec::new();
    let score = |cross: &[Vec<f64>], size: &[f64], alive: &[bool]| -> f64 {
        let total: f64 = (0..k).filter(|&c| alive[c]).map(|c| size[c]).sum();
        let mut s = 0.0;
        for c in (0..k).filter(|&c| alive[c]) {
            if size[c] < 2.0 {
                continue;
            }
            let within = (cross[c][c] - size[c]) / (size[c] * (size[c] - 1.0));
            let between = (0..k)
                .filter(|&x| x != c && alive[x])
                .map(|x| cross[c][x] / (size[c] * size[x]))
                .fold(f64::NEG_INFINITY, f64::max);
            if !between.is_finite() {
                continue;
            }
            let (a, b) = (1.0 - within, 1.0 - between);
            let m = a.max(b);
            if m > 0.0 {
                s += size[c] * (b - a) / m;
            }
        }
        if total > 0.0 { s / total } else { 0.0 }
    };
    let mut live = k;
    scores.push((live, score(&cross, &size, &alive)));
    while live > 2 {
        let mut best: Option<(usize, usize, f64)> = None;
        for a in (0..k).filter(|&a| alive[a]) {
            for b in (a + 1..k).filter(|&b| alive[b]) {
                let sim = cross[a][b] / (size[a] * size[b]);
                if best.is_none_or(|(_, _, s)| sim > s) {
                    best = Some((a, b, sim));
                }
            }
        }
        let Some((a, b, _)) = best else { break };
        let within = cross[a][a] + cross[b][b] + 2.0 * cross[a][b];
        let merged: Vec<f64> = cross[a].iter().zip(&cross[b]).map(|(x, y)| x + y).collect();
        for (x, v) in merged.into_iter().enumerate() {
            cross[a][x] = v;
            cross[x][a] = v;
        }
        cross[a][a] = within;
        size[a] += size[b];
        alive[b] = false;
        parent[b] = a;
        history.push((a, b));
        live -= 1;
        scores.push((live, score(&cross, &size, &alive)));
    }
    // The best level; within the silhouette's noise (0.05/√n) of the best, the fewest groups
    // (a small set's silhouettes are noisy, and a group too many costs an answer).
    let best = scores
        .iter()
        .map(|&(_, s)| s)
        .fold(f64::NEG_INFINITY, f64::max);
    let noise = 0.05 / size.iter().sum::<f64>().max(1.0).sqrt();
    let best_level = scores
        .iter()
        .rposition(|&(_, s)| s >= best - noise)
        .unwrap_or(0);
    let mut group: Vec<usize> = (0..k).collect();
    for &(a, b) in history.iter().take(best_level) {
        for g in group.iter_mut() {
            if *g == b {
                *g = a;
            }
        }
    }
    let _ = parent;
    (group, scores)
}

/// Topic groups of `comments` (the same groups whatever their order).
pub fn group(comments: &[&str], options: &Options) -> Topics {
    let order = crate::canonical_order(comments);
    let permuted: Vec<&str> = order.iter().map(|&i| comments[i]).collect();
    let mut t = group_in_order(&permuted, options);
    t.group_of = crate::renumber(&mut t.groups, &order, |g| {
        (&mut g.members, &mut g.representative)
    });
    t
}

fn group_in_order(comments: &[&str], options: &Options) -> Topics {
    let n = comments.len();
    let vectors = vectorise(comments, options);
    let features = vectors.ids.len();
    let rows = &vectors.rows;
    let live: Vec<usize> = (0..n).filter(|&i| !rows[i].is_empty()).collect();
    let mut group_of_comment: Vec<Option<usize>> = vec![None; n];
    let mut silhouettes = Vec::new();
    let mut final_groups: Vec<Vec<usize>> = Vec::new();
    if live.len() >= 2 && features > 0 {
        let mut rng = Rng::new(options.seed ^ 0x544F_5049_4353);
        // √(n/2) small clusters, but at least half the comments up to 16: a small
        // consultation's few points must not start out merged.
        let k0 = ((live.len() as f64 / 2.0).sqrt().round() as usize)
            .max((live.len() / 2).min(16))
            .clamp(2, options.max_clusters.max(2));
        let labels = spherical_kmeans(rows, &live, features, k0.min(live.len()), &mut rng);
        let k = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(1);
        // Cluster sums, then each comment's dot with every sum → the cross sums.
        let mut sums = Centres::zero(features, k);
        let mut size = vec![0.0f64; k];
        for (&i, &l) in live.iter().zip(&labels) {
            sums.add(l as usize, &rows[i]);
            size[l as usize] += 1.0;
        }
        let partial: Vec<Vec<f32>> = parallel_map(&live, |&i| {
            let mut s = vec![0.0f32; k];
            sums.scores(&rows[i], &mut s);
            s
        });
        let mut cross = vec![vec![0.0f64; k]; k];
        for (s, &l) in partial.iter().zip(&labels) {
            for (b, &v) in s.iter().enumerate() {
                cross[l as usize][b] += f64::from(v);
            }
        }
        // Empty clusters (k-means may leave some) are dropped before merging.
        let used: Vec<usize> = (0..k).filter(|&c| size[c] > 0.0).collect();
        let cross_used: Vec<Vec<f64>> = used
            .iter()
            .map(|&a| used.iter().map(|&b| cross[a][b]).collect())
            .collect();
        let size_used: Vec<f64> = used.iter().map(|&c| size[c]).collect();
        let (merged, scores) = merge(cross_used, size_used);
        silhouettes = scores;
        let mut group_index: HashMap<usize, usize> = HashMap::new();
        let mut cluster_group = vec![usize::MAX; k];
        for (u, &c) in used.iter().enumerate() {
            let next = group_index.len();
            cluster_group[c] = *group_index.entry(merged[u]).or_insert(next);
        }
        final_groups = vec![Vec::new(); group_index.len()];
        for (&i, &l) in live.iter().zip(&labels) {
            final_groups[cluster_group[l as usize]].push(i);
        }
    }
    // Centres of the final groups; a comment far from its group's centre stands alone.
    let mut centres = Centres::zero(features, final_groups.len().max(1));
    for (g, members) in final_groups.iter().enumerate() {
        for &i in members {
            centres.add(g, &rows[i]);
        }
    }
    centres.normalise();
    let mut topics: Vec<Topic> = Vec::new();
    let mut scores = vec![0.0f32; centres.k];
    let mut alone: Vec<usize> = Vec::new();
    let mut kept_groups: Vec<(usize, Vec<usize>, Vec<f32>)> = Vec::new();
    for (g, members) in final_groups.iter().enumerate() {
        let mut kept = Vec::new();
        let mut sims = Vec::new();
        for &i in members {
            centres.scores(&rows[i], &mut scores);
            if f64::from(scores[g]) < options.min_similarity || members.len() == 1 {
                alone.push(i);
            } else {
                kept.push(i);
                sims.push(scores[g]);
            }
        }
        if kept.len() == 1 {
            alone.append(&mut kept);
        } else if !kept.is_empty() {
            kept_groups.push((g, kept, sims));
        }
    }
    let overall = overall_centre(rows, features);
    for (g, members, sims) in kept_groups {
        let representative = members
            .iter()
            .zip(&sims)
            .fold((members[0], f32::NEG_INFINITY), |(bi, bs), (&i, &s)| {
                if s > bs { (i, s) } else { (bi, bs) }
            })
            .0;
        let (key_phrases, coverage) =
            key_phrases(comments, &members, &centres, g, &overall, &vectors.ids);
        topics.push(Topic {
            mean_similarity: f64::from(sims.iter().sum::<f32>()) / sims.len() as f64,
            representative,
            key_phrases,
            coverage,
            members,
        });
    }
    for i in (0..n).filter(|i| rows[*i].is_empty()).chain(alone) {
        topics.push(Topic {
            members: vec![i],
            key_phrases: Vec::new(),
            representative: i,
            mean_similarity: 1.0,
            coverage: Vec::new(),
        });
    }
    for t in &mut topics {
        t.members.sort_unstable();
    }
    topics.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    for (g, t) in topics.iter().enumerate() {
        for &m in &t.members {
            group_of_comment[m] = Some(g);
        }
    }
    Topics {
        group_of: group_of_comment
            .into_iter()
            .map(|g| g.unwrap_or(0))
            .collect(),
        groups: topics,
        silhouettes,
    }
}

fn overall_centre(rows: &[Sparse], features: usize) -> Vec<f32> {
    let mut c = vec![0.0f32; features];
    for r in rows {
        for &(f, x) in r {
            c[f as usize] += x;
        }
    }
    let len: f32 = c.iter().map(|x| x * x).sum::<f32>().sqrt();
    if len > 0.0 {
        c.iter_mut().for_each(|x| *x /= len);
    }
    c
}

/// Up to five features that weigh more in the group's centre than in the whole, shown as
/// written in the group's comments, with the share of members containing each.
fn key_phrases(
    comments: &[&str],
    members: &[usize],
    centres: &Centres,
    g: usize,
    overall: &[f32],
    ids: &[u64],
) -> (Vec<String>, Vec<f64>) {
    let mut weighed: Vec<(f32, usize)> = (0..ids.len())
        .map(|f| (centres.data[f * centres.k + g] - overall[f], f))
        .filter(|(w, _)| *w > 0.0)
        .collect();
    weighed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighed.truncate(8);
    let wanted: HashMap<u64, usize> = weighed
        .iter()
        .enumerate()
        .map(|(rank, &(_, f))| (ids[f], rank))
        .collect();
    // The written forms of the chosen features in (a sample of) the group's comments.
    let mut forms: Vec<HashMap<String, usize>> = vec![HashMap::new(); weighed.len()];
    let mut containing = vec![0usize; weighed.len()];
    let step = members.len().div_ceil(300).max(1);
    let sampled: Vec<usize> = members.iter().step_by(step).copied().collect();
    for &i in &sampled {
        let tokens = text::content_tokens(comments[i]);
        let mut seen = vec![false; weighed.len()];
        for (j, (folded, shown)) in tokens.iter().enumerate() {
            let s = text::stem(folded);
            if let Some(&rank) = wanted.get(&text::feature_id(s)) {
                *forms[rank].entry(shown.clone()).or_insert(0) += 1;
                seen[rank] = true;
            }
            if let Some((next_folded, next_shown)) = tokens.get(j + 1) {
                let pair = format!("{s} {}", text::stem(next_folded));
                if let Some(&rank) = wanted.get(&text::feature_id(&pair)) {
                    *forms[rank]
                        .entry(format!("{shown} {next_shown}"))
                        .or_insert(0) += 1;
                    seen[rank] = true;
                }
            }
        }
        for (c, s) in containing.iter_mut().zip(seen) {
            *c += usize::from(s);
        }
    }
    let mut phrases: Vec<String> = Vec::new();
    let mut coverage: Vec<f64> = Vec::new();
    for (rank, f) in forms.into_iter().enumerate() {
        let Some((form, _)) = f
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            continue;
        };
        // A word already shown inside a chosen pair adds nothing.
        if phrases
            .iter()
            .any(|p| p.split(' ').any(|w| w == form) || form.split(' ').all(|w| p.contains(w)))
        {
            continue;
        }
        phrases.push(form);
        coverage.push(containing[rank] as f64 / sampled.len().max(1) as f64);
        if phrases.len() == 5 {
            break;
        }
    }
    (phrases, coverage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_on_the_same_point_group_and_key_phrases_name_it() {
        let trees = [
            "Proszę nie wycinać drzew w parku Jordana, są tam od stu lat.",
            "Drzewa w parku Jordana muszą zostać, nie zgadzam się na wycinkę.",
            "Wycinka drzew w parku Jordana to zły pomysł, drzewa dają cień.",
            "Nie wycinajcie drzew w parku Jordana!",
            "Stare drzewa w parku Jordana trzeba chronić przed wycinką.",
        ];
        let buses = [
            "Autobusy linii 152 jeżdżą za rzadko, potrzeba częstszych kursów.",
            "Więcej kursów autobusów linii 152 rano, bo nie da się wsiąść.",
            "Linia autobusowa 152 powinna kursować częściej w szczycie.",
            "Za mało autobusów 152, proszę zwiększyć częstotliwość kursów.",
            "Częstsze kursy autobusu 152 to potrzeba mieszkańców Ruczaju.",
        ];
        let comments: Vec<&str> = trees.iter().chain(&buses).copied().collect();
        let t = group(&comments, &Options::default());
        let g = &t.group_of;
        assert!(
            g[..5].iter().all(|&x| x == g[0]),
            "{g:?} {:?}",
            t.silhouettes
        );
        assert!(
            g[5..].iter().all(|&x| x == g[5]),
            "{g:?} {:?}",
            t.silhouettes
        );
        assert_ne!(g[0], g[5]);
        let trees_group = &t.groups[g[0]];
        assert!(
            trees_group
                .key_phrases
                .iter()
                .any(|p| p.contains("drzew") || p.contains("jordana")),
            "{:?}",
            trees_group.key_phrases
        );
        assert_eq!(trees_group.key_phrases.len(), trees_group.coverage.len());
    }

    #[test]
    fn empty_and_unrelated_comments_stand_alone() {
        let comments = ["", "Dzień dobry", "Kot sąsiada miauczy", "Rower", "Rower"];
        let t = group(&comments, &Options::default());
        assert_eq!(t.group_of.len(), 5);
        assert_ne!(t.group_of[0], t.group_of[1]);
        let mut seen: Vec<usize> = t.groups.iter().flat_map(|g| g.members.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    }
}
