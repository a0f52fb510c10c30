//! Properties of the comment groups on generated sets: every comment is in exactly one group
//! of each kind, and the groups do not depend on the order of the input (up to numbering).

use miasto_analysis::comments::{self, Options};
use miasto_analysis::generate::{self, CommentSetOptions};
use miasto_analysis::rng::Rng;
use std::collections::BTreeSet;

/// A grouping as a set of member sets (in comment ids), which ignores the groups' numbering.
fn partition(groups: impl Iterator<Item = Vec<usize>>, ids: &[usize]) -> BTreeSet<BTreeSet<usize>> {
    groups
        .map(|ms| ms.into_iter().map(|m| ids[m]).collect())
        .collect()
}

fn check_exactly_once(groups: &[Vec<usize>], group_of: &[usize], n: usize) {
    let mut seen = vec![0u32; n];
    for (g, ms) in groups.iter().enumerate() {
        assert!(!ms.is_empty(), "an empty group");
        for &m in ms {
            seen[m] += 1;
            assert_eq!(group_of[m], g, "group_of agrees with the members");
        }
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "every comment in exactly one group"
    );
}

#[test]
fn every_comment_in_exactly_one_group_and_order_does_not_matter() {
    for seed in 1..=4u64 {
        let set = generate::comments(&CommentSetOptions {
            comments: 800 + 150 * seed as usize,
            seed,
            ..CommentSetOptions::default()
        });
        let texts: Vec<&str> = set.iter().map(|c| c.text.as_str()).collect();
        let n = texts.len();
        let options = Options::new(0.6, 7);
        let a = comments::analyse(&texts, &options, &mut |_| {});
        let dup: Vec<Vec<usize>> = a
            .duplicates
            .groups
            .iter()
            .map(|g| g.members.clone())
            .collect();
        let top: Vec<Vec<usize>> = a.topics.groups.iter().map(|g| g.members.clone()).collect();
        check_exactly_once(&dup, &a.duplicates.group_of, n);
        check_exactly_once(&top, &a.topics.group_of, n);
        // A near-duplicate group never straddles two topics.
        for g in &dup {
            let topics: BTreeSet<usize> = g.iter().map(|&m| a.topics.group_of[m]).collect();
            assert_eq!(topics.len(), 1);
        }
        let identity: Vec<usize> = (0..n).collect();
        let mut shuffled = identity.clone();
        Rng::new(seed * 31).shuffle(&mut shuffled);
        let texts2: Vec<&str> = shuffled.iter().map(|&i| texts[i]).collect();
        let b = comments::analyse(&texts2, &options, &mut |_| {});
        assert_eq!(
            partition(dup.into_iter(), &identity),
            partition(
                b.duplicates.groups.iter().map(|g| g.members.clone()),
                &shuffled
            ),
            "seed {seed}: near-duplicate groups depend on input order"
        );
        assert_eq!(
            partition(top.into_iter(), &identity),
            partition(b.topics.groups.iter().map(|g| g.members.clone()), &shuffled),
            "seed {seed}: topic groups depend on input order"
        );
        // Representatives and key phrases are the same comments and words.
        let reps_a: BTreeSet<usize> = a.topics.groups.iter().map(|g| g.representative).collect();
        let reps_b: BTreeSet<usize> = b
            .topics
            .groups
            .iter()
            .map(|g| shuffled[g.representative])
            .collect();
        assert_eq!(reps_a, reps_b, "seed {seed}: representatives");
    }
}

#[test]
fn a_different_seed_may_differ_but_the_same_seed_never_does() {
    let set = generate::comments(&CommentSetOptions {
        comments: 1200,
        seed: 9,
        ..CommentSetOptions::default()
    });
    let texts: Vec<&str> = set.iter().map(|c| c.text.as_str()).collect();
    let a = comments::analyse(&texts, &Options::new(0.6, 1), &mut |_| {});
    let b = comments::analyse(&texts, &Options::new(0.6, 1), &mut |_| {});
    assert_eq!(a, b);
}
