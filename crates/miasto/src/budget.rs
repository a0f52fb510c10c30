//! `miasto budget count FILE.pb`: counts a Pabulib file with a chosen rule and prints the
//! funded project ids, one per line, sorted by code point; `--explain` prints the rounds to
//! standard error first, so standard output stays a plain list.
//!
//! `miasto budget open --slug S`: the counting commission's offline count of an edition.

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

/// The shares as the commission hands them over: one per file (the line that starts with
/// `MIASTO-`, as a downloaded share file has it), or one per line on standard input.
fn read_shares(files: &[std::path::PathBuf]) -> anyhow::Result<Vec<String>> {
    let texts: Vec<String> = if files.is_empty() {
        std::io::read_to_string(std::io::stdin())
            .context("cannot read the shares from standard input")?
            .lines()
            .map(str::to_owned)
            .collect()
    } else {
        files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?
            .iter()
            .flat_map(|t| t.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    Ok(texts
        .into_iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| l.to_uppercase().starts_with("MIASTO-"))
        .collect())
}

pub async fn open(
    db: &miasto_store::DatabaseConnection,
    secret: &[u8],
    slug: &str,
    files: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    use miasto_store::budget::{self, OpenError, Progress};
    let edition = budget::edition(db, slug)
        .await?
        .with_context(|| format!("no edition {slug}"))?;
    let shares = read_shares(files)?;
    let entries: Vec<&str> = shares.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let report = |p: Progress| match p {
        Progress::KeyOpened { envelopes } => {
            eprintln!("The shares open the key; {envelopes} envelopes to open.");
        }
        Progress::Opened { done, of } => eprintln!("{done} of {of} envelopes opened"),
        Progress::Written { ballots } => {
            eprintln!("{ballots} ballots written in random order; counting…");
        }
        Progress::Counted => eprintln!("Counted."),
    };
    let opened = budget::open_and_count(db, &edition, &entries, None, secret, &report).await;
    let opened = match opened {
        Ok(opened) => opened,
        Err(OpenError::Shares(e)) => {
            let which = e
                .entry()
                .map_or_else(String::new, |n| format!(" (share no. {n} as given)"));
            bail!(
                "the shares do not open the ballots: {}{which}",
                share_problem(&e)
            )
        }
        Err(OpenError::Refused(_)) => bail!(
            "edition {slug} cannot be counted now: voting must have closed, and the envelopes \
             must not have been opened already"
        ),
        Err(e) => return Err(e.into()),
    };
    let tx = miasto_store::begin(db).await?;
    miasto_store::audit::record(
        &tx,
        None,
        miasto_store::audit::Action::BudgetCounted,
        Some(miasto_store::audit::Target::budget_edition(edition.id.0)),
        serde_json::json!({ "opened": true, "from": "command line" }),
    )
    .await?;
    tx.commit().await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Opened and counted {} ballots of {slug} in {:.1} s. The results stay hidden until an \
         official publishes them on the staff page.",
        opened.ballots,
        started.elapsed().as_secs_f64()
    )?;
    if !opened.log_truncated {
        writeln!(
            out,
            "The write-ahead log was busy and is emptied at the next checkpoint."
        )?;
    }
    Ok(())
}

fn share_problem(e: &miasto_domain::vote::shares::ShareError) -> String {
    use miasto_domain::vote::shares::ShareError;
    match e {
        ShareError::Garbled { .. } => "a share is mistyped (its check sum does not match)".into(),
        ShareError::OtherEdition { .. } => "a share belongs to another edition".into(),
        ShareError::NotIssued { .. } => "a share is not the one issued under its number".into(),
        ShareError::Repeated { .. } => "the same share was given twice".into(),
        ShareError::TooFew { have, need } => format!("{need} shares are needed, {have} given"),
        ShareError::WrongKey => "the shares do not open this edition's key".into(),
    }
}
