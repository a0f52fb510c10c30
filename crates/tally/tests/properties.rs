//! Properties every count must have, checked on many seeded random instances: no outcome
//! exceeds the budget; greedy never leaves out an affordable project that scored higher than
//! one it funded; equal shares give the same outcome whatever the order of the ballots.

use miasto_tally::{Amount, Ballot, Election, Project, VoteType, greedy, mes};

/// A small deterministic generator (SplitMix64), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_election(rng: &mut Rng, vote_type: VoteType) -> Election {
    let m = 2 + rng.below(15) as usize;
    let n = 1 + rng.below(80) as usize;
    let projects: Vec<Project> = (0..m)
        .map(|p| Project {
            id: format!("p{p}"),
            cost: Amount::from_units(1 + rng.below(500) as i64),
            fields: vec![format!("p{p}")],
        })
        .collect();
    let total: i64 = projects.iter().map(|p| p.cost.hundredths()).sum();
    let budget = Amount::from_hundredths(1 + rng.below(total as u64) as i64);
    let ballots = (0..n)
        .map(|v| {
            let len = 1 + rng.below(m.min(4) as u64) as usize;
            let mut choices = Vec::new();
            while choices.len() < len {
                let p = rng.below(m as u64) as usize;
                if !choices.contains(&p) {
                    choices.push(p);
                }
            }
            let points = (vote_type == VoteType::Cumulative)
                .then(|| choices.iter().map(|_| 1 + rng.below(5)).collect());
            Ballot {
                voter_id: v.to_string(),
                choices,
                points,
                fields: vec![v.to_string(), String::new()],
            }
        })
        .collect();
    Election {
        meta: vec![("budget".into(), budget.to_string())],
        budget,
        vote_type,
        project_columns: vec!["project_id".into()],
        projects,
        vote_columns: vec!["voter_id".into(), "vote".into()],
        ballots,
    }
}

const CASES: u64 = 400;
const TYPES: [VoteType; 3] = [VoteType::Approval, VoteType::Ordinal, VoteType::Cumulative];

fn mes_options() -> Vec<mes::Options> {
    let mut all = Vec::new();
    for utility in [mes::Utility::Cost, mes::Utility::Approval] {
        for completion in [
            mes::Completion::None,
            mes::Completion::Add1,
            mes::Completion::Greedy,
        ] {
            all.push(mes::Options {
                utility,
                completion,
                ..Default::default()
            });
        }
    }
    all
}

#[test]
fn no_outcome_exceeds_the_budget() {
    let mut rng = Rng(1);
    for case in 0..CASES {
        let e = random_election(&mut rng, TYPES[(case % 3) as usize]);
        let out = greedy::greedy(&e, e.budget, &greedy::Options::default());
        assert!(out.cost(&e) <= e.budget, "greedy, case {case}");
        for options in mes_options() {
            let out = mes::mes(&e, e.budget, &options);
            assert!(out.cost(&e) <= e.budget, "{options:?}, case {case}");
            let mut unique = out.funded.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), out.funded.len(), "funded twice, case {case}");
        }
    }
}

#[test]
fn greedy_never_leaves_out_an_affordable_higher_scored_project() {
    let mut rng = Rng(2);
    for case in 0..CASES {
        let e = random_election(&mut rng, TYPES[(case % 3) as usize]);
        let out = greedy::greedy(&e, e.budget, &greedy::Options::default());
        let (score, _) = e.scores();
        let left = e.budget - out.cost(&e);
        for p in 0..e.projects.len() {
            if out.funded.contains(&p) || score[p] == 0 {
                continue;
            }
            // Left out: it did not fit in what was left when its turn came, which is at least
            // what is left at the end plus everything funded after it with a lower score.
            let after: Amount = out
                .funded
                .iter()
                .filter(|&&q| score[q] < score[p])
                .map(|&q| e.projects[q].cost)
                .sum();
            assert!(
                e.projects[p].cost > left + after,
                "case {case}: {} (score {}) would have fit",
                e.projects[p].id,
                score[p]
            );
        }
    }
}

#[test]
fn equal_shares_do_not_depend_on_the_order_of_ballots() {
    let mut rng = Rng(3);
    for case in 0..CASES {
        let e = random_election(&mut rng, VoteType::Approval);
        let mut shuffled = e.clone();
        for i in (1..shuffled.ballots.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            shuffled.ballots.swap(i, j);
        }
        shuffled.ballots.reverse();
        for options in mes_options() {
            let mut a = mes::mes(&e, e.budget, &options).funded;
            let mut b = mes::mes(&shuffled, shuffled.budget, &options).funded;
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{options:?}, case {case}");
        }
    }
}
