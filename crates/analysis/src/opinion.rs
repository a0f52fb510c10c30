//! Opinion groups on statements, computed as Pol.is computes them (compdemocracy/polis,
//! `math/src/polismath/math/{conversation,pca,clusters,repness,stats}.clj`), so that a city
//! can check our groups against Pol.is's own:
//!
//! 1. The rating matrix: participants × statements that received a vote, the last vote of a
//!    participant on a statement counting. Pol.is's internal sign is kept (agree −1,
//!    disagree +1, pass 0). Moderated-out statements are zeroed: every participant counts as
//!    having passed on them.
//! 2. Participants "in the conversation": at least `min(7, statements)` votes; when fewer
//!    than 15 are in, the most active are added up to 15; once in, always in (replayed over
//!    the votes in the order they came, so the same votes always give the same answer).
//! 3. PCA of the matrix with each missing vote filled by its statement's mean, by power
//!    iteration with deflation (two components). Centred, a filled cell is zero, so the work
//!    is over the votes only.
//! 4. Each participant projected over the statements they voted on, scaled by
//!    `sqrt(statements / votes)` (Pol.is's sparsity-aware projection).
//! 5. k-means base clusters (k = 100) of those in the conversation, then k-means groups of
//!    the base clusters (weighted by size) for every k from 2 to `min(5, 2 + bases / 12)`,
//!    keeping the k with the best silhouette (optionally smoothed across updates as Pol.is
//!    does: a new k is taken after it wins four times running).
//! 6. For each group and statement: the agree / disagree probabilities with a +1 prior, their
//!    one-proportion z tests, the ratio against the other groups and the two-proportion z
//!    test ("repness"); the representative statements are selected with Pol.is's rules.
//! 7. Consensus statements (all participants), and group-informed consensus: the product
//!    over groups of each group's agree probability.

use crate::rng::Rng;

/// A participant's vote on a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vote {
    Agree,
    Disagree,
    Pass,
}

impl Vote {
    /// The common export convention: 1 agree, −1 disagree, 0 pass.
    pub fn from_export(value: i64) -> Option<Self> {
        match value {
            1 => Some(Self::Agree),
            -1 => Some(Self::Disagree),
            0 => Some(Self::Pass),
            _ => None,
        }
    }

    /// Pol.is's internal sign (its database and math): agree −1, disagree +1, pass 0.
    pub fn polis_sign(self) -> i8 {
        match self {
            Self::Agree => -1,
            Self::Disagree => 1,
            Self::Pass => 0,
        }
    }

    pub fn from_polis_sign(value: i64) -> Option<Self> {
        match value {
            -1 => Some(Self::Agree),
            1 => Some(Self::Disagree),
            0 => Some(Self::Pass),
            _ => None,
        }
    }
}

/// Votes as they arrive; a later vote of a participant on a statement replaces the earlier.
/// Participants and statements are indices (`0..`); callers keep their own ids.
#[derive(Debug, Clone, Default)]
pub struct Votes {
    participants: usize,
    statements: usize,
    cast: Vec<(u32, u32, Vote)>,
}

impl Votes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `participants` × `statements` even if some never vote.
    pub fn with_size(participants: usize, statements: usize) -> Self {
        Self {
            participants,
            statements,
            cast: Vec::new(),
        }
    }

    pub fn record(&mut self, participant: usize, statement: usize, vote: Vote) {
        self.participants = self.participants.max(participant + 1);
        self.statements = self.statements.max(statement + 1);
        self.cast.push((participant as u32, statement as u32, vote));
    }

    pub fn participants(&self) -> usize {
        self.participants
    }

    /// Every vote recorded, in the order it came: (participant, statement, vote).
    pub fn cast(&self) -> impl Iterator<Item = (usize, usize, Vote)> + '_ {
        self.cast
            .iter()
            .map(|&(p, s, v)| (p as usize, s as usize, v))
    }

    pub fn statements(&self) -> usize {
        self.statements
    }

    /// The votes that count: the last per participant and statement.
    pub fn len(&self) -> usize {
        self.matrix(&[]).votes
    }

    pub fn is_empty(&self) -> bool {
        self.cast.is_empty()
    }

    fn matrix(&self, moderated_out: &[bool]) -> Matrix {
        Matrix::build(self, moderated_out)
    }
}

/// The rating matrix, sparse: a row per participant of (column, Pol.is sign).
struct Matrix {
    /// Column → statement index; columns are the statements with at least one vote.
    statement_of: Vec<usize>,
    /// Statement index → column.
    column_of: Vec<Option<usize>>,
    /// Per column: moderated out (zeroed).
    zeroed: Vec<bool>,
    rows: Vec<Vec<(u32, i8)>>,
    votes: usize,
}

impl Matrix {
    fn build(votes: &Votes, moderated_out: &[bool]) -> Self {
        let mut cast: Vec<(usize, u32, u32, Vote)> = votes
            .cast
            .iter()
            .enumerate()
            .map(|(order, &(p, s, v))| (order, p, s, v))
            .collect();
        // Last vote counts: sort by (participant, statement, arrival) and keep the last.
        cast.sort_unstable_by_key(|&(order, p, s, _)| (p, s, order));
        let mut voted = vec![false; votes.statements];
        let mut last: Vec<(u32, u32, Vote)> = Vec::with_capacity(cast.len());
        for (i, &(_, p, s, v)) in cast.iter().enumerate() {
            let next_same = cast
                .get(i + 1)
                .is_some_and(|&(_, p2, s2, _)| p2 == p && s2 == s);
            if !next_same {
                last.push((p, s, v));
                voted[s as usize] = true;
            }
        }
        let mut column_of = vec![None; votes.statements];
        let mut statement_of = Vec::new();
        for (s, &v) in voted.iter().enumerate() {
            if v {
                column_of[s] = Some(statement_of.len());
                statement_of.push(s);
            }
        }
        let zeroed = statement_of
            .iter()
            .map(|&s| moderated_out.get(s).copied().unwrap_or(false))
            .collect();
        let mut rows: Vec<Vec<(u32, i8)>> = vec![Vec::new(); votes.participants];
        for &(p, s, v) in &last {
            if let Some(c) = column_of[s as usize] {
                rows[p as usize].push((c as u32, v.polis_sign()));
            }
        }
        Self {
            statement_of,
            column_of,
            zeroed,
            rows,
            votes: last.len(),
        }
    }

    fn columns(&self) -> usize {
        self.statement_of.len()
    }

    fn zeroed_columns(&self) -> usize {
        self.zeroed.iter().filter(|&&z| z).count()
    }

    /// The rating matrix's value (moderated-out columns read as passes).
    fn rated(&self, column: u32, sign: i8) -> i8 {
        if self.zeroed[column as usize] {
            0
        } else {
            sign
        }
    }
}

/// Tunables; the defaults are Pol.is's.
#[derive(Debug, Clone)]
pub struct Options {
    pub base_k: usize,
    pub max_k: usize,
    pub kmeans_iters: usize,
    /// A participant with at least `min(min_votes, statements)` votes is clustered.
    pub min_votes: usize,
    /// When fewer are in, the most active are added up to this many.
    pub greedy_n: usize,
    /// Power iterations at most per component (stops earlier when converged).
    pub pca_iters: usize,
    /// A new k is taken after winning this many updates running (Pol.is: 4).
    pub k_buffer: usize,
    /// The smoother's state after the previous update, to keep k stable between updates.
    pub previous_k: Option<KSmoother>,
    /// Seeds the PCA's starting vectors.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            base_k: 100,
            max_k: 5,
            kmeans_iters: 100,
            min_votes: 7,
            greedy_n: 15,
            pca_iters: 2000,
            k_buffer: 4,
            previous_k: None,
            seed: 0,
        }
    }
}

/// Pol.is's group-count smoother: the best k of this update, how many updates running it has
/// won, and the k in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KSmoother {
    pub last_k: usize,
    pub last_k_count: usize,
    pub smoothed_k: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Per column (statement with votes).
    pub center: Vec<f64>,
    pub components: [Vec<f64>; 2],
}

/// A k-means cluster: `members` are participant indices for base clusters and base-cluster
/// ids for groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub id: usize,
    pub members: Vec<usize>,
    pub center: [f64; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Agree,
    Disagree,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Disagree => "disagree",
        }
    }
}

/// A statement that represents a group: how the group voted on it, against the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Representative {
    pub statement: usize,
    pub direction: Direction,
    pub n_success: usize,
    pub n_trials: usize,
    pub p_success: f64,
    pub p_test: f64,
    pub repness: f64,
    pub repness_test: f64,
    /// Pol.is's "best agree": put first so each group shows something it agrees on.
    pub best_agree: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusStatement {
    pub statement: usize,
    pub n_success: usize,
    pub n_trials: usize,
    pub p_success: f64,
    pub p_test: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Consensus {
    pub agree: Vec<ConsensusStatement>,
    pub disagree: Vec<ConsensusStatement>,
}

/// How a group voted on a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub agree: usize,
    pub disagree: usize,
    /// Votes of any kind (passes included).
    pub seen: usize,
}

/// A group of participants.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: usize,
    /// Participant indices, ascending.
    pub members: Vec<usize>,
    pub center: [f64; 2],
    pub representative: Vec<Representative>,
    /// Per statement index (`None` for statements nobody voted on).
    pub votes: Vec<Option<Tally>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub pca: Option<Pca>,
    /// Per participant (`None` for those with no votes).
    pub projections: Vec<Option<[f64; 2]>>,
    /// Per participant: clustered (enough votes).
    pub in_conversation: Vec<bool>,
    pub base_clusters: Vec<Cluster>,
    pub groups: Vec<Group>,
    /// The silhouette of every k tried.
    pub silhouettes: Vec<(usize, f64)>,
    pub k: KSmoother,
    pub consensus: Consensus,
    /// Per statement index (`None` for statements nobody voted on).
    pub group_informed_consensus: Vec<Option<f64>>,
}

impl Analysis {
    /// Each participant's group id (`None` below the vote threshold).
    pub fn assignments(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.projections.len()];
        for g in &self.groups {
            for &p in &g.members {
                out[p] = Some(g.id);
            }
        }
        out
    }
}

/// The whole of Pol.is's update on `votes`. `moderated_out[s]` leaves statement `s` out of
/// the representative and consensus statements (and reads it as passes), as Pol.is does.
pub fn analyse(votes: &Votes, moderated_out: &[bool], options: &Options) -> Analysis {
    let m = votes.matrix(moderated_out);
    let n = votes.participants;
    let in_conversation = in_conversation(votes, options);
    if m.columns() == 0 {
        return Analysis {
            pca: None,
            projections: vec![None; n],
            in_conversation,
            base_clusters: Vec::new(),
            groups: Vec::new(),
            silhouettes: Vec::new(),
            k: options.previous_k.unwrap_or(KSmoother {
                last_k: 0,
                last_k_count: 0,
                smoothed_k: 0,
            }),
            consensus: Consensus::default(),
            group_informed_consensus: vec![None; votes.statements],
        };
    }
    let pca = pca(&m, options);
    let projections: Vec<Option<[f64; 2]>> = (0..n).map(|p| project(&m, &pca, p)).collect();
    let clustered: Vec<usize> = (0..n)
        .filter(|&p| in_conversation[p] && projections[p].is_some())
        .collect();
    let points: Vec<[f64; 2]> = clustered.iter().filter_map(|&p| projections[p]).collect();
    let mut base_clusters = kmeans(&points, None, options.base_k, options.kmeans_iters);
    for c in &mut base_clusters {
        for member in &mut c.members {
            *member = clustered[*member];
        }
        c.members.sort_unstable();
    }
    let (group_clusters, silhouettes, k) = choose_groups(&base_clusters, options);
    let member_lists: Vec<Vec<usize>> = group_clusters
        .iter()
        .map(|g| participants_of(g, &base_clusters))
        .collect();
    let tallies: Vec<Vec<Tally>> = member_lists.iter().map(|ms| tally(&m, ms)).collect();
    let representative = select_representative(&m, &tallies);
    let groups = group_clusters
        .iter()
        .zip(member_lists)
        .zip(tallies.iter().zip(representative))
        .map(|((g, members), (t, representative))| Group {
            id: g.id,
            members,
            center: g.center,
            representative,
            votes: by_statement(&m, votes.statements, t),
        })
        .collect();
    Analysis {
        pca: Some(pca),
        projections,
        in_conversation,
        base_clusters,
        groups,
        silhouettes,
        k,
        consensus: consensus(&m),
        group_informed_consensus: group_informed_consensus(&m, votes.statements, &tallies),
    }
}

/// Every participant's place given a PCA (Pol.is's sparsity-aware projection) — to check the
/// projection against Pol.is's own for Pol.is's own components.
pub fn projections(votes: &Votes, moderated_out: &[bool], pca: &Pca) -> Vec<Option<[f64; 2]>> {
    let m = votes.matrix(moderated_out);
    (0..votes.participants)
        .map(|p| project(&m, pca, p))
        .collect()
}

/// Representative statements, consensus and group-informed consensus for groups given by
/// someone else (participant indices per group) — to check these figures against Pol.is's
/// own output for Pol.is's own groups.
pub fn statements_for_groups(
    votes: &Votes,
    moderated_out: &[bool],
    groups: &[Vec<usize>],
) -> (Vec<Vec<Representative>>, Consensus, Vec<Option<f64>>) {
    let m = votes.matrix(moderated_out);
    let tallies: Vec<Vec<Tally>> = groups.iter().map(|ms| tally(&m, ms)).collect();
    (
        select_representative(&m, &tallies),
        consensus(&m),
        group_informed_consensus(&m, votes.statements, &tallies),
    )
}

/// Who is clustered, replaying the votes in the order they came as Pol.is's updates do: a
/// participant is in once they have `min(7, statements so far)` votes, and while fewer than
/// 15 are in, the most active of the rest are taken in too; once in, always in.
fn in_conversation(votes: &Votes, options: &Options) -> Vec<bool> {
    let mut inside = vec![false; votes.participants];
    let mut inside_count = 0usize;
    let mut seen: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    let mut counts = vec![0usize; votes.participants];
    let mut statement_seen = vec![false; votes.statements];
    let mut statements = 0usize;
    let mut voters: Vec<usize> = Vec::new();
    for &(p, s, _) in &votes.cast {
        if !statement_seen[s as usize] {
            statement_seen[s as usize] = true;
            statements += 1;
        }
        let p = p as usize;
        if seen.insert((p as u32, s)) {
            if counts[p] == 0 {
                voters.push(p);
            }
            counts[p] += 1;
        }
        if !inside[p] && counts[p] >= options.min_votes.min(statements) {
            inside[p] = true;
            inside_count += 1;
        }
        if inside_count < options.greedy_n {
            let mut rest: Vec<usize> = voters.iter().copied().filter(|&q| !inside[q]).collect();
            rest.sort_by_key(|&q| std::cmp::Reverse(counts[q]));
            for q in rest.into_iter().take(options.greedy_n - inside_count) {
                inside[q] = true;
                inside_count += 1;
            }
        }
    }
    inside
}

fn column_means(m: &Matrix) -> Vec<f64> {
    let mut sum = vec![0.0; m.columns()];
    let mut count = vec![0usize; m.columns()];
    for row in &m.rows {
        for &(c, s) in row {
            sum[c as usize] += f64::from(m.rated(c, s));
            count[c as usize] += 1;
        }
    }
    sum.iter()
        .zip(&count)
        .zip(&m.zeroed)
        .map(|((s, &n), &z)| if z || n == 0 { 0.0 } else { s / n as f64 })
        .collect()
}

/// `CᵀC` of the centred matrix (filled cells are zero once centred), dense, columns × columns.
fn scatter(m: &Matrix, center: &[f64]) -> Vec<f64> {
    let k = m.columns();
    let mut g = vec![0.0; k * k];
    let mut centred: Vec<(usize, f64)> = Vec::new();
    for row in &m.rows {
        centred.clear();
        centred.extend(
            row.iter()
                .filter(|&&(c, _)| !m.zeroed[c as usize])
                .map(|&(c, s)| (c as usize, f64::from(s) - center[c as usize])),
        );
        for &(i, x) in &centred {
            let line = &mut g[i * k..(i + 1) * k];
            for &(j, y) in &centred {
                line[j] += x * y;
            }
        }
    }
    g
}

fn pca(m: &Matrix, options: &Options) -> Pca {
    let center = column_means(m);
    let k = m.columns();
    let g = scatter(m, &center);
    let mut rng = Rng::new(options.seed);
    let mut found: Vec<Vec<f64>> = Vec::new();
    for _ in 0..2 {
        if found.len() >= k.min(m.rows.len()) {
            // Pol.is returns as many components as the data's dimension allows; a missing
            // second component projects to zero.
            found.push(vec![0.0; k]);
            continue;
        }
        let mut v: Vec<f64> = (0..k).map(|_| rng.next_f64() + 0.5).collect();
        deflate(&mut v, &found);
        normalise(&mut v);
        let mut next = vec![0.0; k];
        for _ in 0..options.pca_iters {
            for (i, out) in next.iter_mut().enumerate() {
                *out = dot(&g[i * k..(i + 1) * k], &v);
            }
            deflate(&mut next, &found);
            if normalise(&mut next) == 0.0 {
                break;
            }
            let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
            std::mem::swap(&mut v, &mut next);
            if change < 1e-13 {
                break;
            }
        }
        found.push(v);
    }
    let second = found.pop().unwrap_or_default();
    let first = found.pop().unwrap_or_default();
    Pca {
        center,
        components: [first, second],
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn deflate(v: &mut [f64], found: &[Vec<f64>]) {
    for f in found {
        let d = dot(v, f);
        for (x, y) in v.iter_mut().zip(f) {
            *x -= d * y;
        }
    }
}

fn normalise(v: &mut [f64]) -> f64 {
    let len = dot(v, v).sqrt();
    if len > 0.0 {
        for x in v.iter_mut() {
            *x /= len;
        }
    }
    len
}

fn project(m: &Matrix, pca: &Pca, participant: usize) -> Option<[f64; 2]> {
    let row = &m.rows[participant];
    if row.is_empty() {
        return None;
    }
    let [pc1, pc2] = &pca.components;
    let (mut p1, mut p2) = (0.0, 0.0);
    let mut n_votes = 0usize;
    for &(c, s) in row {
        let c = c as usize;
        if m.zeroed[c] {
            continue;
        }
        let x = f64::from(s) - pca.center[c];
        p1 += x * pc1[c];
        p2 += x * pc2[c];
        n_votes += 1;
    }
    // Every participant reads as having passed on the moderated-out statements.
    n_votes += m.zeroed_columns();
    let scale = (m.columns() as f64 / n_votes.max(1) as f64).sqrt();
    Some([p1 * scale, p2 * scale])
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Pol.is's k-means: the first `k` distinct points start the clusters; each step assigns
/// every point to its closest center (the lower id on a tie), drops empty clusters and moves
/// the centers to the (weighted) means; it stops when the sorted centers moved less than 0.01
/// or after `max_iters` further steps.
pub fn kmeans(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    k: usize,
    max_iters: usize,
) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for &p in points {
        if clusters.len() == k {
            break;
        }
        if !clusters.iter().any(|c| c.center == p) {
            clusters.push(Cluster {
                id: clusters.len(),
                members: Vec::new(),
                center: p,
            });
        }
    }
    let mut iter = max_iters;
    loop {
        let next = kmeans_step(points, weights, &clusters);
        if iter == 0 || same_clustering(&clusters, &next) {
            return next;
        }
        clusters = next;
        iter -= 1;
    }
}

fn kmeans_step(points: &[[f64; 2]], weights: Option<&[f64]>, clusters: &[Cluster]) -> Vec<Cluster> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for (i, &p) in points.iter().enumerate() {
        let mut best = 0;
        let mut best_d = f64::INFINITY;
        for (j, c) in clusters.iter().enumerate() {
            let d = distance(p, c.center);
            if d < best_d {
                best_d = d;
                best = j;
            }
        }
        if !clusters.is_empty() {
            members[best].push(i);
        }
    }
    clusters
        .iter()
        .zip(members)
        .filter(|(_, ms)| !ms.is_empty())
        .map(|(c, ms)| {
            let (mut x, mut y, mut w) = (0.0, 0.0, 0.0);
            for &i in &ms {
                let wi = weights.map_or(1.0, |ws| ws[i]);
                x += wi * points[i][0];
                y += wi * points[i][1];
                w += wi;
            }
            Cluster {
                id: c.id,
                members: ms,
                center: [x / w, y / w],
            }
        })
        .collect()
}

fn same_clustering(a: &[Cluster], b: &[Cluster]) -> bool {
    let sorted = |cs: &[Cluster]| {
        let mut v: Vec<[f64; 2]> = cs.iter().map(|c| c.center).collect();
        v.sort_by(|p, q| p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1])));
        v
    };
    sorted(a)
        .into_iter()
        .zip(sorted(b))
        .all(|(p, q)| distance(p, q) < 0.01)
}

/// The mean silhouette of a clustering of `points` (`members` index `points`); a member of a
/// singleton cluster counts 0.
pub fn silhouette(points: &[[f64; 2]], clusters: &[Cluster]) -> f64 {
    let mut total = 0.0;
    let mut count = 0usize;
    for (ci, c) in clusters.iter().enumerate() {
        for &i in &c.members {
            count += 1;
            if c.members.len() == 1 {
                continue;
            }
            let mean_to = |ms: &[usize]| {
                let others: Vec<f64> = ms
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| distance(points[i], points[j]))
                    .collect();
                others.iter().sum::<f64>() / others.len() as f64
            };
            let a = mean_to(&c.members);
            let b = clusters
                .iter()
                .enumerate()
                .filter(|&(cj, _)| cj != ci)
                .map(|(_, o)| mean_to(&o.members))
                .fold(f64::INFINITY, f64::min);
            let s = (b - a) / a.max(b);
            if s.is_finite() {
                total += s;
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        total / count as f64
    }
}

fn choose_groups(
    base: &[Cluster],
    options: &Options,
) -> (Vec<Cluster>, Vec<(usize, f64)>, KSmoother) {
    let points: Vec<[f64; 2]> = base.iter().map(|c| c.center).collect();
    let weights: Vec<f64> = base.iter().map(|c| c.members.len() as f64).collect();
    let max_k = options.max_k.min(2 + base.len() / 12);
    let mut clusterings: Vec<(usize, Vec<Cluster>)> = Vec::new();
    let mut silhouettes = Vec::new();
    for k in 2..=max_k {
        let clusters = kmeans(&points, Some(&weights), k, options.kmeans_iters);
        silhouettes.push((k, silhouette(&points, &clusters)));
        clusterings.push((k, clusters));
    }
    // The best silhouette; on a tie the larger k (Clojure's max-key keeps the last).
    let this_k = silhouettes
        .iter()
        .fold(None::<(usize, f64)>, |best, &(k, s)| match best {
            Some((_, bs)) if bs > s => best,
            _ => Some((k, s)),
        })
        .map_or(0, |(k, _)| k);
    let smoother = smooth_k(options.previous_k, this_k, options.k_buffer);
    let chosen = clusterings
        .into_iter()
        .find(|(k, _)| *k == smoother.smoothed_k)
        .map(|(_, c)| c)
        .unwrap_or_default();
    let mut groups = chosen;
    groups.sort_by_key(|c| c.id);
    for g in &mut groups {
        for member in &mut g.members {
            *member = base[*member].id;
        }
    }
    (groups, silhouettes, smoother)
}

/// Pol.is's k smoother: the best k of this update replaces the k in use only after winning
/// `buffer` updates running.
pub fn smooth_k(previous: Option<KSmoother>, this_k: usize, buffer: usize) -> KSmoother {
    let (last_k, last_count, smoothed) = match previous {
        Some(p) => (Some(p.last_k), p.last_k_count, Some(p.smoothed_k)),
        None => (None, 0, None),
    };
    let count = if last_k == Some(this_k) {
        last_count + 1
    } else {
        1
    };
    let smoothed_k = if count >= buffer {
        this_k
    } else {
        smoothed.filter(|&k| k > 0).unwrap_or(this_k)
    };
    KSmoother {
        last_k: this_k,
        last_k_count: count,
        smoothed_k,
    }
}

fn participants_of(group: &Cluster, base: &[Cluster]) -> Vec<usize> {
    let mut out: Vec<usize> = base
        .iter()
        .filter(|b| group.members.contains(&b.id))
        .flat_map(|b| b.members.iter().copied())
        .collect();
    out.sort_unstable();
    out
}

/// Per column: how `members` voted, over the raw votes (Pol.is's group votes are counted
/// before moderation; the moderated-out columns are skipped where moderation matters).
fn tally(m: &Matrix, members: &[usize]) -> Vec<Tally> {
    let mut t = vec![Tally::default(); m.columns()];
    for &p in members {
        let Some(row) = m.rows.get(p) else { continue };
        for &(c, s) in row {
            let cell = &mut t[c as usize];
            cell.seen += 1;
            match s {
                -1 => cell.agree += 1,
                1 => cell.disagree += 1,
                _ => {}
            }
        }
    }
    t
}

fn by_statement(m: &Matrix, statements: usize, t: &[Tally]) -> Vec<Option<Tally>> {
    (0..statements)
        .map(|s| m.column_of[s].map(|c| t[c]))
        .collect()
}

/// Pol.is's one-proportion test (a +1 prior on both counts).
pub fn prop_test(success: usize, n: usize) -> f64 {
    let (s, n) = (success as f64 + 1.0, n as f64 + 1.0);
    2.0 * n.sqrt() * (s / n - 0.5)
}

/// Pol.is's two-proportion test (a +1 prior on all four counts).
pub fn two_prop_test(success_in: usize, success_out: usize, pop_in: usize, pop_out: usize) -> f64 {
    let (s1, s2) = (success_in as f64 + 1.0, success_out as f64 + 1.0);
    let (n1, n2) = (pop_in as f64 + 1.0, pop_out as f64 + 1.0);
    let pi1 = s1 / n1;
    let pi2 = s2 / n2;
    let pi_hat = (s1 + s2) / (n1 + n2);
    if pi_hat == 1.0 {
        return 0.0;
    }
    (pi1 - pi2) / (pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

/// Significant at 90 % (one-sided).
fn z_sig_90(z: f64) -> bool {
    z > 1.2816
}

#[derive(Debug, Clone, Copy)]
struct Stats {
    na: usize,
    nd: usize,
    ns: usize,
    pa: f64,
    pd: f64,
    pat: f64,
    pdt: f64,
    ra: f64,
    rd: f64,
    rat: f64,
    rdt: f64,
}

impl Stats {
    fn new(t: Tally) -> Self {
        let ns = t.seen as f64;
        Self {
            na: t.agree,
            nd: t.disagree,
            ns: t.seen,
            pa: (1.0 + t.agree as f64) / (2.0 + ns),
            pd: (1.0 + t.disagree as f64) / (2.0 + ns),
            pat: prop_test(t.agree, t.seen),
            pdt: prop_test(t.disagree, t.seen),
            ra: 0.0,
            rd: 0.0,
            rat: 0.0,
            rdt: 0.0,
        }
    }

    fn compared(mut self, rest: Tally) -> Self {
        let rest_ns = rest.seen as f64 + 2.0;
        self.ra = self.pa / ((1.0 + rest.agree as f64) / rest_ns);
        self.rd = self.pd / ((1.0 + rest.disagree as f64) / rest_ns);
        self.rat = two_prop_test(self.na, rest.agree, self.ns, rest.seen);
        self.rdt = two_prop_test(self.nd, rest.disagree, self.ns, rest.seen);
        self
    }

    fn finalize(&self, statement: usize, best_agree: bool) -> Representative {
        let agree = self.rat > self.rdt || best_agree;
        if agree {
            Representative {
                statement,
                direction: Direction::Agree,
                n_success: self.na,
                n_trials: self.ns,
                p_success: self.pa,
                p_test: self.pat,
                repness: self.ra,
                repness_test: self.rat,
                best_agree,
            }
        } else {
            Representative {
                statement,
                direction: Direction::Disagree,
                n_success: self.nd,
                n_trials: self.ns,
                p_success: self.pd,
                p_test: self.pdt,
                repness: self.rd,
                repness_test: self.rdt,
                best_agree,
            }
        }
    }

    fn passes(&self) -> bool {
        (z_sig_90(self.rat) && z_sig_90(self.pat)) || (z_sig_90(self.rdt) && z_sig_90(self.pdt))
    }

    fn beats_best_agree(&self, best: Option<&Stats>) -> bool {
        if self.na == 0 && self.nd == 0 {
            return false;
        }
        match best {
            Some(b) if b.ra > 1.0 => {
                self.ra * self.rat * self.pa * self.pat > b.ra * b.rat * b.pa * b.pat
            }
            Some(b) => self.pa * self.pat > b.pa * b.pat,
            None => z_sig_90(self.pat) || (self.ra > 1.0 && self.pa > 0.5),
        }
    }
}

fn metric(r: &Representative) -> f64 {
    r.repness * r.repness_test * r.p_success * r.p_test
}

fn select_representative(m: &Matrix, tallies: &[Vec<Tally>]) -> Vec<Vec<Representative>> {
    struct Pick {
        best: Option<Representative>,
        best_agree: Option<(usize, Stats)>,
        sufficient: Vec<Representative>,
    }
    let mut picks: Vec<Pick> = tallies
        .iter()
        .map(|_| Pick {
            best: None,
            best_agree: None,
            sufficient: Vec::new(),
        })
        .collect();
    for c in 0..m.columns() {
        if m.zeroed[c] {
            continue;
        }
        let statement = m.statement_of[c];
        for (g, pick) in picks.iter_mut().enumerate() {
            let mut rest = Tally::default();
            for (h, t) in tallies.iter().enumerate() {
                if h != g {
                    rest.agree += t[c].agree;
                    rest.disagree += t[c].disagree;
                    rest.seen += t[c].seen;
                }
            }
            let stats = Stats::new(tallies[g][c]).compared(rest);
            if stats.passes() {
                pick.sufficient.push(stats.finalize(statement, false));
            }
            if pick.sufficient.is_empty()
                && pick
                    .best
                    .as_ref()
                    .is_none_or(|b| stats.rat.max(stats.rdt) > b.repness_test)
            {
                pick.best = Some(stats.finalize(statement, false));
            }
            if stats.beats_best_agree(pick.best_agree.as_ref().map(|(_, s)| s)) {
                pick.best_agree = Some((statement, stats));
            }
        }
    }
    picks
        .into_iter()
        .map(|pick| {
            let best_agree = pick
                .best_agree
                .map(|(statement, s)| s.finalize(statement, true));
            if pick.sufficient.is_empty() {
                return best_agree.or(pick.best).into_iter().collect();
            }
            let mut rest: Vec<Representative> = pick
                .sufficient
                .into_iter()
                .filter(|r| Some(r.statement) != best_agree.as_ref().map(|b| b.statement))
                .collect();
            // A stable sort, largest metric first, as Pol.is's sort-by.
            rest.sort_by(|a, b| metric(b).total_cmp(&metric(a)));
            let top: Vec<Representative> = best_agree.into_iter().chain(rest).take(5).collect();
            let (agree, disagree): (Vec<_>, Vec<_>) = top
                .into_iter()
                .partition(|r| r.direction == Direction::Agree);
            agree.into_iter().chain(disagree).collect()
        })
        .collect()
}

fn consensus(m: &Matrix) -> Consensus {
    let all: Vec<usize> = (0..m.rows.len()).collect();
    let t = tally(m, &all);
    let stats: Vec<(usize, Stats)> = (0..m.columns())
        .filter(|&c| !m.zeroed[c])
        .map(|c| (m.statement_of[c], Stats::new(t[c])))
        .collect();
    let top = |agree: bool| -> Vec<ConsensusStatement> {
        let mut chosen: Vec<&(usize, Stats)> = stats
            .iter()
            .filter(|(_, s)| {
                let (p, test) = if agree { (s.pa, s.pat) } else { (s.pd, s.pdt) };
                p > 0.5 && z_sig_90(test)
            })
            .collect();
        let key = |s: &Stats| if agree { s.pa * s.pat } else { s.pd * s.pdt };
        chosen.sort_by(|a, b| key(&b.1).total_cmp(&key(&a.1)));
        chosen
            .into_iter()
            .take(5)
            .map(|&(statement, s)| ConsensusStatement {
                statement,
                n_success: if agree { s.na } else { s.nd },
                n_trials: s.ns,
                p_success: if agree { s.pa } else { s.pd },
                p_test: if agree { s.pat } else { s.pdt },
            })
            .collect()
    };
    Consensus {
        agree: top(true),
        disagree: top(false),
    }
}

/// Per statement: the product over groups of `(agree + 1) / (seen + 2)`, over the raw votes
/// (moderated-out statements included, as Pol.is does).
fn group_informed_consensus(
    m: &Matrix,
    statements: usize,
    tallies: &[Vec<Tally>],
) -> Vec<Option<f64>> {
    (0..statements)
        .map(|s| {
            let c = m.column_of[s]?;
            if tallies.is_empty() {
                return None;
            }
            Some(
                tallies
                    .iter()
                    .map(|t| (t[c].agree as f64 + 1.0) / (t[c].seen as f64 + 2.0))
                    .product(),
            )
        })
        .collect()
}
