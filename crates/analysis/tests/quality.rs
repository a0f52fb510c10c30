//! Quality on labelled sets made by `generate` (docs/analysis.md): near-duplicate groups
//! reach pairwise precision ≥ 0.95 and recall ≥ 0.9; topic groups an adjusted Rand index
//! printed beside scikit-learn's (scripts/analysis compares them in CI); opinion groups
//! recover planted groups.

use miasto_analysis::comments::{self, Options};
use miasto_analysis::generate::{self, CommentSetOptions, VoteSetOptions};
use miasto_analysis::metrics::{adjusted_rand_index, pairwise_precision_recall};
use miasto_analysis::opinion;

fn topic_truth(set: &[generate::Labelled]) -> Vec<i64> {
    set.iter()
        .enumerate()
        .map(|(i, c)| c.topic.map_or(-(i as i64) - 1, |t| t as i64))
        .collect()
}

#[test]
fn near_duplicates_and_topics_on_generated_sets() {
    for seed in [1, 2, 3] {
        let set = generate::comments(&CommentSetOptions {
            seed,
            ..CommentSetOptions::default()
        });
        let texts: Vec<&str> = set.iter().map(|c| c.text.as_str()).collect();
        let a = comments::analyse(&texts, &Options::new(0.6, 0), &mut |_| {});
        let truth: Vec<Option<usize>> = set.iter().map(|c| c.campaign).collect();
        let (p, r) = pairwise_precision_recall(&a.duplicates.group_of, &truth);
        let ari = adjusted_rand_index(&a.topics.group_of, &topic_truth(&set));
        eprintln!(
            "seed {seed}: duplicates precision {p:.4} recall {r:.4}; topics ARI {ari:.4} ({} groups of 2+)",
            a.topics
                .groups
                .iter()
                .filter(|g| g.members.len() > 1)
                .count()
        );
        assert!(p >= 0.95, "seed {seed}: precision {p}");
        assert!(r >= 0.9, "seed {seed}: recall {r}");
        assert!(ari >= 0.8, "seed {seed}: topics ARI {ari}");
    }
}

#[test]
fn opinion_groups_recover_planted_groups() {
    for (seed, groups) in [(1, 2), (2, 3), (3, 4)] {
        let (votes, truth) = generate::votes(&VoteSetOptions {
            seed,
            groups,
            ..VoteSetOptions::default()
        });
        let a = opinion::analyse(&votes, &[], &opinion::Options::default());
        let ours: Vec<Option<usize>> = a.assignments();
        let (x, y): (Vec<usize>, Vec<usize>) = ours
            .iter()
            .zip(&truth)
            .filter_map(|(o, &t)| o.map(|o| (o, t)))
            .unzip();
        let ari = adjusted_rand_index(&x, &y);
        eprintln!(
            "planted {groups}: found {} groups, ARI {ari:.4}",
            a.groups.len()
        );
        assert_eq!(a.groups.len(), groups, "silhouettes {:?}", a.silhouettes);
        assert!(ari >= 0.9, "planted {groups}: ARI {ari}");
    }
}
