//! The Method of Equal Shares (<https://equalshares.net>): the budget is split equally among
//! the voters; a project is funded when its supporters can pay for it from their shares, and
//! each round funds the project whose supporters pay the least per unit of utility (each
//! pays an equal part, or all they have left). Utility is the project's cost ("cost
//! utilities") or 1 ("approval utilities"), the same for every supporter of a project.
//!
//! Completions spend what equal shares leave over: `add1` raises each voter's share one
//! currency unit at a time, starting from the whole-unit share, until the next step would
//! overspend the real budget (as equalshares.net does); `greedy` funds what still fits in
//! order of votes.
//!
//! Money is counted in `f64` currency units; two payments within a relative 1e-9 of each
//! other are a tie, which the [`TieRule`] settles.

use crate::{Amount, Constraints, Election, Outcome, TieRule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Utility {
    /// A supporter's utility is the project's cost: big projects count for more.
    #[default]
    Cost,
    /// Every funded project a voter supports counts the same.
    Approval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completion {
    /// Equal shares alone.
    #[default]
    None,
    /// Raise the shares by one currency unit while the outcome fits the budget.
    Add1,
    /// Fund what still fits, in order of votes.
    Greedy,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub utility: Utility,
    pub completion: Completion,
    pub tie: TieRule,
    pub constraints: Constraints,
}

const TOLERANCE: f64 = 1e-9;

/// The voters behind each project (every voter who named it, whatever the ballot type).
struct Profile {
    voters: usize,
    supporters: Vec<Vec<u32>>,
    votes: Vec<u64>,
}

impl Profile {
    fn of(e: &Election) -> Self {
        let mut supporters = vec![Vec::new(); e.projects.len()];
        for (v, b) in e.ballots.iter().enumerate() {
            let v = u32::try_from(v).unwrap_or(u32::MAX);
            for &p in &b.choices {
                supporters[p].push(v);
            }
        }
        let votes = supporters.iter().map(|s| s.len() as u64).collect();
        Self {
            voters: e.ballots.len(),
            supporters,
            votes,
        }
    }
}

/// What each supporter must pay so that together they cover `cost` (those with less pay all
/// they have), or `None` if all they have is not enough. `scratch` is reused between calls.
fn payment(budgets: &[f64], supporters: &[u32], cost: f64, scratch: &mut Vec<f64>) -> Option<f64> {
    if supporters.is_empty() {
        return None;
    }
    let (mut total, mut least) = (0.0, f64::INFINITY);
    for &v in supporters {
        let b = budgets[v as usize];
        total += b;
        least = least.min(b);
    }
    if total < cost * (1.0 - TOLERANCE) {
        return None;
    }
    let equal = cost / supporters.len() as f64;
    if equal <= least {
        // Everyone can pay an equal part: the common case, with no sorting.
        return Some(equal);
    }
    scratch.clear();
    scratch.extend(supporters.iter().map(|&v| budgets[v as usize]));
    scratch.sort_unstable_by(f64::total_cmp);
    let mut paid = 0.0;
    let k = scratch.len();
    for (j, &b) in scratch.iter().enumerate() {
        let share = (cost - paid) / (k - j) as f64;
        if share <= b {
            return Some(share);
        }
        paid += b;
    }
    // Only reached within the tolerance: the last supporter pays the rest.
    scratch.last().copied()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// Equal shares with a total of `total` currency units split among the voters.
fn fixed_budget(e: &Election, profile: &Profile, total: f64, options: &Options) -> Outcome {
    let m = e.projects.len();
    let cost = |p: usize| e.projects[p].cost.as_f64();
    let utility = |p: usize| match options.utility {
        Utility::Cost => cost(p),
        Utility::Approval => 1.0,
    };
    let share = if profile.voters == 0 {
        0.0
    } else {
        total / profile.voters as f64
    };
    let mut budgets = vec![share; profile.voters];
    let mut funded = vec![false; m];
    let mut outcome = Outcome {
        funded: Vec::new(),
        steps: Vec::new(),
    };
    // Candidates with the last payment per unit of utility they needed: a lower bound on
    // what they need now, since shares only shrink.
    let mut candidates: Vec<(f64, usize)> = (0..m)
        .filter(|&p| cost(p) > 0.0 && profile.votes[p] >= options.constraints.min_votes)
        .map(|p| (0.0, p))
        .collect();
    let mut scratch = Vec::new();
    loop {
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut best: Option<f64> = None;
        let mut tied: Vec<(usize, f64)> = Vec::new();
        let mut kept = Vec::with_capacity(candidates.len());
        for (i, &(before, p)) in candidates.iter().enumerate() {
            if let Some(best) = best
                && before > best
                && !close(before, best)
            {
                kept.extend_from_slice(&candidates[i..]);
                break;
            }
            if !options.constraints.allows(&profile.votes, &funded, p) {
                continue;
            }
            let Some(pay) = payment(&budgets, &profile.supporters[p], cost(p), &mut scratch) else {
                continue;
            };
            let rho = pay / utility(p);
            kept.push((rho, p));
            match best {
                Some(b) if close(rho, b) => tied.push((p, pay)),
                Some(b) if rho > b => {}
                _ => {
                    best = Some(rho);
                    tied.clear();
                    tied.push((p, pay));
                }
            }
        }
        candidates = kept;
        let Some(&(winner, pay)) = tied
            .iter()
            .min_by(|a, b| options.tie.order(e, &profile.votes, a.0, b.0))
        else {
            break;
        };
        for &v in &profile.supporters[winner] {
            let b = &mut budgets[v as usize];
            *b = (*b - pay).max(0.0);
        }
        funded[winner] = true;
        outcome.funded.push(winner);
        candidates.retain(|&(_, p)| p != winner);
        let project = &e.projects[winner];
        let mut step = format!(
            "round {}: {} (cost {}, {} supporters) — each pays up to {:.2}",
            outcome.funded.len(),
            project.id,
            project.cost,
            profile.votes[winner],
            pay
        );
        if tied.len() > 1 {
            step.push_str(&format!(", chosen by the tie rule among {}", tied.len()));
        }
        outcome.steps.push(step);
    }
    outcome
}

/// Whether every project that could be funded at all is: raising shares cannot add more.
fn complete(e: &Election, votes: &[u64], out: &Outcome, c: &Constraints) -> bool {
    let mut funded = vec![false; e.projects.len()];
    for &p in &out.funded {
        funded[p] = true;
    }
    (0..e.projects.len()).all(|p| funded[p] || votes[p] == 0 || !c.allows(votes, &funded, p))
}

pub fn mes(e: &Election, budget: Amount, options: &Options) -> Outcome {
    let profile = Profile::of(e);
    let mut outcome = fixed_budget(e, &profile, budget.as_f64(), options);
    match options.completion {
        Completion::None => {}
        Completion::Add1 => add1(e, &profile, budget, options, &mut outcome),
        Completion::Greedy => complete_greedily(e, &profile, budget, options, &mut outcome),
    }
    outcome
}

/// Raises every voter's share one currency unit at a time, from the whole-unit share, until
/// the next step would overspend (even when nothing more fits now: a larger share can swap
/// projects), or every project with votes is funded.
fn add1(e: &Election, profile: &Profile, budget: Amount, options: &Options, outcome: &mut Outcome) {
    let voters = profile.voters as f64;
    if voters == 0.0 {
        return;
    }
    let mut share = (budget.as_f64() / voters).floor();
    let mut steps = 0;
    while !complete(e, &profile.votes, outcome, &options.constraints) {
        let next = share + 1.0;
        let candidate = fixed_budget(e, profile, next * voters, options);
        if candidate.cost(e) > budget {
            outcome.steps.push(format!(
                "add1: a share of {next} would cost {} (over the budget); stopped at {share}",
                candidate.cost(e)
            ));
            return;
        }
        share = next;
        steps += 1;
        let mut raised = candidate;
        raised.steps.push(format!(
            "add1: share raised {steps} times, to {share}: {} projects, cost {}",
            raised.funded.len(),
            raised.cost(e)
        ));
        *outcome = raised;
    }
}

/// Funds what still fits, in the order greedy by votes would.
fn complete_greedily(
    e: &Election,
    profile: &Profile,
    budget: Amount,
    options: &Options,
    outcome: &mut Outcome,
) {
    let mut funded = vec![false; e.projects.len()];
    for &p in &outcome.funded {
        funded[p] = true;
    }
    let mut left = budget - outcome.cost(e);
    for p in crate::greedy::ranking(e, options.tie) {
        let project = &e.projects[p];
        if funded[p]
            || profile.votes[p] == 0
            || project.cost > left
            || !options.constraints.allows(&profile.votes, &funded, p)
        {
            continue;
        }
        left = left - project.cost;
        funded[p] = true;
        outcome.funded.push(p);
        outcome.steps.push(format!(
            "greedy completion: {} (cost {}), {left} left",
            project.id, project.cost
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::election;

    #[test]
    fn a_group_funds_what_its_share_pays_for() {
        // Three voters want x (cost 300), one wants y and z (100 each); budget 400, 100 each.
        // Greedy would fund x and y; equal shares gives the minority its share: y, not x.
        let e = election(
            "400",
            &[("x", 300), ("y", 100), ("z", 100)],
            &["x", "x", "x", "y,z"],
        );
        let out = mes(&e, e.budget, &Options::default());
        assert_eq!(e.ids_sorted(&out.funded), ["x", "y"]);
        let e = election(
            "400",
            &[("x", 320), ("y", 100), ("z", 100)],
            &["x", "x", "x", "y,z"],
        );
        // Now x costs more than its three supporters' 300: it is not funded.
        let out = mes(&e, e.budget, &Options::default());
        assert_eq!(e.ids_sorted(&out.funded), ["y"]);
    }

    #[test]
    fn add1_raises_shares_until_the_next_step_overspends() {
        let e = election(
            "400",
            &[("x", 320), ("y", 100), ("z", 100)],
            &["x", "x", "x", "y,z"],
        );
        let options = Options {
            completion: Completion::Add1,
            ..Options::default()
        };
        // From shares of 100 up: at 107 the three could pay 320 for x, but y would still be
        // funded too (420 in all), so the count stops at 106 with y alone.
        let out = mes(&e, e.budget, &options);
        assert_eq!(e.ids_sorted(&out.funded), ["y"]);
        assert!(
            out.steps.iter().any(|s| s.contains("stopped at 106")),
            "{:?}",
            out.steps
        );
        let greedy = Options {
            completion: Completion::Greedy,
            ..Options::default()
        };
        let out = mes(&e, e.budget, &greedy);
        assert_eq!(e.ids_sorted(&out.funded), ["y", "z"]);
    }

    #[test]
    fn payment_splits_equally_or_takes_all_a_poorer_supporter_has() {
        let mut scratch = Vec::new();
        assert_eq!(
            payment(&[50.0, 50.0], &[0, 1], 60.0, &mut scratch),
            Some(30.0)
        );
        assert_eq!(
            payment(&[10.0, 50.0, 50.0], &[0, 1, 2], 70.0, &mut scratch),
            Some(30.0)
        );
        assert_eq!(payment(&[10.0, 20.0], &[0, 1], 31.0, &mut scratch), None);
        assert_eq!(payment(&[10.0], &[], 1.0, &mut scratch), None);
    }
}
