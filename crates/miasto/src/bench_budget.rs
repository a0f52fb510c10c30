//! `miasto bench budget`: counting speed. Times each rule on Kraków's 2024 city-wide vote
//! (65,101 ordinal ballots, the largest real Kraków file) and on a random approval instance
//! (1,000,000 voters × 200 projects by default), best of a few runs, and can write the random
//! instance as a `.pb` file so that pabutools counts the very same vote
//! (`scripts/pabutools/bench.sh` runs both side by side).

use anyhow::Context;
use miasto_tally::{Amount, Ballot, Election, Outcome, Project, VoteType, greedy, mes, pabulib};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::path::Path;
use std::time::Instant;

pub struct Options<'a> {
    pub file: &'a Path,
    pub voters: usize,
    pub projects: usize,
    pub runs: usize,
    pub write_random: Option<&'a Path>,
}

/// A random approval vote: project popularity skewed (a few favourites, a long tail), ballots
/// of 1–10 projects, costs from 10,000 to 1,000,000, a budget of a fifth of all costs.
pub fn random_election(voters: usize, projects: usize, seed: u64) -> Election {
    let mut rng = StdRng::seed_from_u64(seed);
    let projects: Vec<Project> = (0..projects)
        .map(|p| {
            let id = format!("R{p:03}");
            let cost = Amount::from_units(rng.random_range(10..=1000) * 1000);
            Project {
                fields: vec![id.clone(), cost.to_string()],
                id,
                cost,
            }
        })
        .collect();
    let weights: Vec<f64> = (0..projects.len())
        .map(|_| rng.random_range(0.05f64..1.0).powi(3))
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let cumulative: Vec<f64> = weights
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w / total_weight;
            Some(*acc)
        })
        .collect();
    let ballots = (0..voters)
        .map(|v| {
            let len = rng.random_range(1..=10usize).min(projects.len());
            let mut choices: Vec<usize> = Vec::with_capacity(len);
            while choices.len() < len {
                let x: f64 = rng.random_range(0.0..1.0);
                let p = cumulative
                    .partition_point(|&c| c < x)
                    .min(projects.len() - 1);
                if !choices.contains(&p) {
                    choices.push(p);
                }
            }
            Ballot {
                voter_id: v.to_string(),
                choices,
                points: None,
                fields: vec![v.to_string(), String::new()],
            }
        })
        .collect();
    let total: i64 = projects.iter().map(|p| p.cost.hundredths()).sum();
    let budget = Amount::from_units(total / 100 / 5);
    Election {
        meta: vec![
            ("description".into(), "random approval instance".into()),
            ("budget".into(), budget.to_string()),
            ("vote_type".into(), "approval".into()),
        ],
        budget,
        vote_type: VoteType::Approval,
        project_columns: vec!["project_id".into(), "cost".into()],
        projects,
        vote_columns: vec!["voter_id".into(), "vote".into()],
        ballots,
    }
}

/// The fastest of `runs` runs, in milliseconds, and the last outcome.
fn time(runs: usize, mut count: impl FnMut() -> Outcome) -> (f64, Outcome) {
    let mut best = f64::INFINITY;
    let mut outcome = count();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        outcome = count();
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    (best, outcome)
}

/// A rule by name, counting an election with its own budget.
type Rule = (&'static str, Box<dyn Fn(&Election) -> Outcome>);

fn rules() -> Vec<Rule> {
    let mes_with = |utility, completion| {
        move |e: &Election| {
            let options = mes::Options {
                utility,
                completion,
                ..Default::default()
            };
            mes::mes(e, e.budget, &options)
        }
    };
    vec![
        (
            "greedy",
            Box::new(|e: &Election| greedy::greedy(e, e.budget, &greedy::Options::default())),
        ),
        (
            "mes-cost",
            Box::new(mes_with(mes::Utility::Cost, mes::Completion::None)),
        ),
        (
            "mes-approval",
            Box::new(mes_with(mes::Utility::Approval, mes::Completion::None)),
        ),
        (
            "mes-cost + add1",
            Box::new(mes_with(mes::Utility::Cost, mes::Completion::Add1)),
        ),
    ]
}

fn measure(name: &str, e: &Election, runs: usize) {
    for (rule, count) in rules() {
        let (ms, outcome) = time(runs, || count(e));
        println!(
            "| {name} | {rule} | {ms:.1} | {} | {} |",
            outcome.funded.len(),
            outcome.cost(e)
        );
    }
}

pub fn run(options: &Options<'_>) -> anyhow::Result<()> {
    let started = Instant::now();
    let text = std::fs::read_to_string(options.file)
        .with_context(|| format!("cannot read {}", options.file.display()))?;
    let krakow = pabulib::parse(&text).context("the Kraków file does not parse")?;
    let parse_ms = started.elapsed().as_secs_f64() * 1000.0;
    let name = options
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    eprintln!(
        "{name}: {} voters, {} projects, read in {parse_ms:.0} ms",
        krakow.ballots.len(),
        krakow.projects.len()
    );
    let started = Instant::now();
    let random = random_election(options.voters, options.projects, 2026);
    eprintln!(
        "random instance: {} voters × {} projects, {} approvals, generated in {:.1} s",
        options.voters,
        options.projects,
        random
            .ballots
            .iter()
            .map(|b| b.choices.len())
            .sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = options.write_random {
        std::fs::write(path, pabulib::write(&random))
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("random instance written to {}", path.display());
    }
    println!("| instance | rule | best ms | funded | cost |");
    println!("|---|---|---:|---:|---:|");
    measure(&name, &krakow, options.runs);
    let random_name = format!("random {}×{}", options.voters, options.projects);
    measure(&random_name, &random, options.runs);
    Ok(())
}
