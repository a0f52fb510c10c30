//! `miasto budget count FILE.pb`: counts a Pabulib file with a chosen rule and prints the
//! funded project ids, one per line, sorted by code point; `--explain` prints the rounds to
//! standard error first, so standard output stays a plain list.

use anyhow::{Context, bail};
use miasto_tally::{Amount, Constraints, Election, Outcome, TieRule, greedy, mes, pabulib};
use std::io::Write;
use std::path::Path;

/// How to count, as given on the command line.
pub struct CountArgs<'a> {
    pub file: &'a Path,
    pub rule: &'a str,
    pub completion: Option<&'a str>,
    pub tie: &'a str,
    pub budget: Option<&'a str>,
    /// `None`: the file's `min_project_score_threshold`, if it has one.
    pub min_votes: Option<u64>,
    pub exclusive: &'a [String],
    pub explain: bool,
}

pub fn count(args: &CountArgs<'_>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let election = pabulib::parse(&text)
        .with_context(|| format!("{} is not a valid .pb file", args.file.display()))?;
    let budget = match args.budget {
        Some(raw) => Amount::parse(raw).map_err(|e| anyhow::anyhow!("--budget: {e}"))?,
        None => election.budget,
    };
    let tie = TieRule::parse(args.tie)
        .with_context(|| format!("--tie must be cheaper, votes or id (not {:?})", args.tie))?;
    let constraints = Constraints {
        min_votes: match args.min_votes {
            Some(n) => n,
            None => match election.meta("min_project_score_threshold") {
                Some(raw) => raw.trim().parse().with_context(|| {
                    format!("the file's min_project_score_threshold {raw:?} is not a number")
                })?,
                None => 0,
            },
        },
        exclusive: exclusive_groups(&election, args.exclusive)?,
    };
    let outcome = run(
        &election,
        budget,
        args.rule,
        args.completion,
        tie,
        constraints,
    )?;
    if args.explain {
        let mut err = std::io::stderr().lock();
        for step in &outcome.steps {
            writeln!(err, "{step}")?;
        }
        writeln!(
            err,
            "{} projects funded, {} of {budget}",
            outcome.funded.len(),
            outcome.cost(&election)
        )?;
    }
    let mut out = std::io::stdout().lock();
    for id in election.ids_sorted(&outcome.funded) {
        writeln!(out, "{id}")?;
    }
    Ok(())
}

fn run(
    election: &Election,
    budget: Amount,
    rule: &str,
    completion: Option<&str>,
    tie: TieRule,
    constraints: Constraints,
) -> anyhow::Result<Outcome> {
    let utility = match rule {
        "greedy" => {
            if let Some(c) = completion {
                bail!("--completion {c} applies to mes-cost and mes-approval, not greedy");
            }
            let options = greedy::Options { tie, constraints };
            return Ok(greedy::greedy(election, budget, &options));
        }
        "mes-cost" => mes::Utility::Cost,
        "mes-approval" => mes::Utility::Approval,
        other => bail!("--rule must be greedy, mes-cost or mes-approval (not {other:?})"),
    };
    let completion = match completion {
        None => mes::Completion::None,
        Some("add1") => mes::Completion::Add1,
        Some("greedy") => mes::Completion::Greedy,
        Some(other) => bail!("--completion must be add1 or greedy (not {other:?})"),
    };
    let options = mes::Options {
        utility,
        completion,
        tie,
        constraints,
    };
    Ok(mes::mes(election, budget, &options))
}

/// `--exclusive A,B` groups, by project id.
fn exclusive_groups(election: &Election, groups: &[String]) -> anyhow::Result<Vec<Vec<usize>>> {
    groups
        .iter()
        .map(|group| {
            group
                .split(',')
                .map(|id| {
                    let id = id.trim();
                    election
                        .projects
                        .iter()
                        .position(|p| p.id == id)
                        .with_context(|| format!("--exclusive: no project {id:?} in the file"))
                })
                .collect()
        })
        .collect()
}
