//! Greedy by score: projects in order of points (approvals, 3/2/1 for Kraków's ranked
//! ballots, points for cumulative ones), each funded if it still fits in what is left of the
//! budget. A project that does not fit is *skipped* and the count goes on with the next,
//! cheaper ones (Kraków's rule). Projects nobody voted for are not funded.

use crate::{Amount, Constraints, Election, Outcome, TieRule};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub tie: TieRule,
    pub constraints: Constraints,
}

/// The projects in the order greedy considers them: score, highest first, then the tie rule.
pub fn ranking(e: &Election, tie: TieRule) -> Vec<usize> {
    let (score, votes) = e.scores();
    let mut order: Vec<usize> = (0..e.projects.len()).collect();
    order.sort_by(|&a, &b| {
        score[b]
            .cmp(&score[a])
            .then_with(|| tie.order(e, &votes, a, b))
    });
    order
}

pub fn greedy(e: &Election, budget: Amount, options: &Options) -> Outcome {
    let (score, votes) = e.scores();
    let mut left = budget;
    let mut funded = vec![false; e.projects.len()];
    let mut outcome = Outcome {
        funded: Vec::new(),
        steps: Vec::new(),
    };
    for p in ranking(e, options.tie) {
        let project = &e.projects[p];
        let head = format!(
            "{}: {} points, {} voters, cost {}",
            project.id, score[p], votes[p], project.cost
        );
        let verdict = if score[p] == 0 {
            "not funded: no votes".to_owned()
        } else if !options.constraints.allows(&votes, &funded, p) {
            "not funded: below the vote threshold or excluded by a funded project".to_owned()
        } else if project.cost <= left {
            left = left - project.cost;
            funded[p] = true;
            outcome.funded.push(p);
            format!("funded, {left} left")
        } else {
            format!("skipped: does not fit in the {left} left")
        };
        outcome.steps.push(format!("{head} — {verdict}"));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::election;

    #[test]
    fn skips_what_does_not_fit_and_goes_on_with_cheaper_projects() {
        let e = election(
            "100",
            &[("a", 60), ("b", 50), ("c", 40), ("d", 10)],
            &["a,b,c,d", "a,b,c", "a,b", "a"],
        );
        let out = greedy(&e, e.budget, &Options::default());
        // a (4 votes) fits; b (3) does not fit in 40; c (2) does; d (1) no longer fits.
        assert_eq!(e.ids_sorted(&out.funded), ["a", "c"]);
        assert!(out.steps[1].contains("skipped"), "{:?}", out.steps);
    }

    #[test]
    fn ties_follow_the_rule_chosen() {
        let e = election("100", &[("x", 70), ("y", 60)], &["x", "y"]);
        let cheaper = greedy(&e, e.budget, &Options::default());
        assert_eq!(e.ids_sorted(&cheaper.funded), ["y"]);
        let by_id = Options {
            tie: TieRule::ById,
            ..Options::default()
        };
        assert_eq!(e.ids_sorted(&greedy(&e, e.budget, &by_id).funded), ["x"]);
    }

    #[test]
    fn thresholds_and_exclusive_projects_are_respected() {
        let e = election(
            "100",
            &[("a", 30), ("b", 30), ("c", 30)],
            &["a,b,c", "a,b", "a"],
        );
        let options = Options {
            constraints: Constraints {
                min_votes: 2,
                exclusive: vec![vec![0, 1]],
            },
            ..Options::default()
        };
        // c has one voter (below 2); b is excluded once a is funded.
        assert_eq!(e.ids_sorted(&greedy(&e, e.budget, &options).funded), ["a"]);
    }
}
