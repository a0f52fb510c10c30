//! Comparing two groupings of the same items: the adjusted Rand index (Hubert & Arabie), and
//! pairwise precision / recall of a predicted grouping against true labels.

use std::collections::HashMap;
use std::hash::Hash;

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// The contingency table's cells, row sums and column sums.
type Contingency = (HashMap<(usize, usize), u64>, Vec<u64>, Vec<u64>);

fn contingency<A: Hash + Eq, B: Hash + Eq>(a: &[A], b: &[B]) -> Contingency {
    let mut ia: HashMap<&A, usize> = HashMap::new();
    let mut ib: HashMap<&B, usize> = HashMap::new();
    let mut cells: HashMap<(usize, usize), u64> = HashMap::new();
    let mut rows: Vec<u64> = Vec::new();
    let mut cols: Vec<u64> = Vec::new();
    for (x, y) in a.iter().zip(b) {
        let next = ia.len();
        let i = *ia.entry(x).or_insert(next);
        let next = ib.len();
        let j = *ib.entry(y).or_insert(next);
        if i == rows.len() {
            rows.push(0);
        }
        if j == cols.len() {
            cols.push(0);
        }
        rows[i] += 1;
        cols[j] += 1;
        *cells.entry((i, j)).or_insert(0) += 1;
    }
    (cells, rows, cols)
}

/// The adjusted Rand index of two labellings of the same items: 1 for the same partition
/// (whatever the labels), about 0 for chance agreement.
pub fn adjusted_rand_index<A: Hash + Eq, B: Hash + Eq>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labellings of the same items");
    let (cells, rows, cols) = contingency(a, b);
    let index: f64 = cells.values().map(|&n| pairs(n)).sum();
    let sum_a: f64 = rows.iter().map(|&n| pairs(n)).sum();
    let sum_b: f64 = cols.iter().map(|&n| pairs(n)).sum();
    let total = pairs(a.len() as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_a * sum_b / total;
    let max = (sum_a + sum_b) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Pairwise precision and recall of `predicted` against `truth`: of the pairs put together,
/// the share truly together; of the pairs truly together, the share put together. A pair is
/// "truly together" only when both items have the same `Some` label (`None`: a singleton).
pub fn pairwise_precision_recall<A: Hash + Eq, B: Hash + Eq>(
    predicted: &[A],
    truth: &[Option<B>],
) -> (f64, f64) {
    assert_eq!(
        predicted.len(),
        truth.len(),
        "two labellings of the same items"
    );
    let mut together_pred: HashMap<&A, Vec<usize>> = HashMap::new();
    for (i, p) in predicted.iter().enumerate() {
        together_pred.entry(p).or_default().push(i);
    }
    let mut predicted_pairs = 0u64;
    let mut correct = 0u64;
    for members in together_pred.values() {
        let mut by_truth: HashMap<Option<&B>, u64> = HashMap::new();
        for &i in members {
            *by_truth.entry(truth[i].as_ref()).or_insert(0) += 1;
        }
        predicted_pairs += members.len() as u64 * (members.len() as u64 - 1) / 2;
        correct += by_truth
            .iter()
            .filter(|(k, _)| k.is_some())
            .map(|(_, &n)| n * n.saturating_sub(1) / 2)
            .sum::<u64>();
    }
    let mut truth_sizes: HashMap<&B, u64> = HashMap::new();
    for t in truth.iter().flatten() {
        *truth_sizes.entry(t).or_insert(0) += 1;
    }
    let true_pairs: u64 = truth_sizes
        .values()
        .map(|&n| n * n.saturating_sub(1) / 2)
        .sum();
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        correct as f64 / predicted_pairs as f64
    };
    let recall = if true_pairs == 0 {
        1.0
    } else {
        correct as f64 / true_pairs as f64
    };
    (precision, recall)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_partition_under_other_names_scores_one() {
        assert_eq!(
            adjusted_rand_index(&[0, 0, 1, 1, 2], &["b", "b", "a", "a", "c"]),
            1.0
        );
    }

    #[test]
    fn a_known_value_from_the_literature() {
        // scikit-learn's documentation: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) ≈ 0.571.
        let ari = adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]);
        assert!((ari - 0.571_428_571).abs() < 1e-6, "{ari}");
        // …and a grouping that splits every true pair scores below zero.
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]);
        assert!(ari < 0.0, "{ari}");
    }

    #[test]
    fn precision_and_recall_count_pairs() {
        // Truth: {0,1,2} together, 3 alone. Predicted: {0,1}, {2,3}.
        let truth = [Some(1), Some(1), Some(1), None];
        let (p, r) = pairwise_precision_recall(&["x", "x", "y", "y"], &truth);
        assert!((p - 0.5).abs() < 1e-12, "{p}");
        assert!((r - 1.0 / 3.0).abs() < 1e-12, "{r}");
    }
}
