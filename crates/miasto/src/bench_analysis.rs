//! `miasto bench analysis`: the consultation algorithm's speed and memory
//! (docs/performance.md). Times grouping 62,000 generated comments (Kraków's 2025 volume),
//! the peak resident memory of grouping 1,000,000, and Pol.is's opinion groups on a vote
//! matrix of 100,000 participants × 1,000 statements (5,000,000 votes). Can write the
//! comments as CSV so that the scikit-learn / datasketch baseline runs on the very same set
//! (`scripts/analysis/bench.sh` runs both side by side).

use anyhow::Context;
use miasto_analysis::comments::{self, Options};
use miasto_analysis::generate::{self, CommentSetOptions, VoteSetOptions};
use miasto_analysis::opinion;
use std::path::Path;
use std::time::Instant;

pub struct BenchOptions<'a> {
    pub comments: usize,
    pub large: usize,
    pub participants: usize,
    pub statements: usize,
    pub votes_each: usize,
    pub runs: usize,
    pub write_comments: Option<&'a Path>,
}

/// The process's peak resident memory so far, in MB (Linux; `None` elsewhere).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn group_comments(count: usize, runs: usize, write: Option<&Path>) -> anyhow::Result<f64> {
    let set = generate::comments(&CommentSetOptions {
        comments: count,
        seed: 1,
        ..CommentSetOptions::default()
    });
    if let Some(path) = write {
        let mut out = String::from("id,text\n");
        for (i, c) in set.iter().enumerate() {
            out.push_str(&format!("c{},\"{}\"\n", i + 1, c.text.replace('"', "\"\"")));
        }
        std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let texts: Vec<&str> = set.iter().map(|c| c.text.as_str()).collect();
    let mut best = f64::INFINITY;
    let mut summary = (0, 0);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let a = comments::analyse(&texts, &Options::default(), &mut |_| {});
        best = best.min(started.elapsed().as_secs_f64());
        summary = (
            a.duplicates
                .groups
                .iter()
                .filter(|g| g.members.len() > 1)
                .count(),
            a.topics
                .groups
                .iter()
                .filter(|g| g.members.len() > 1)
                .count(),
        );
    }
    println!(
        "comments: {count} grouped in {best:.2} s (best of {runs}): {} near-duplicate groups and {} topic groups of two or more",
        summary.0, summary.1
    );
    Ok(best)
}

pub fn run(o: &BenchOptions<'_>) -> anyhow::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("analysis benchmark ({threads} cores)");
    group_comments(o.comments, o.runs, o.write_comments)?;
    let (votes, _) = generate::votes(&VoteSetOptions {
        participants: o.participants,
        statements: o.statements,
        votes_each: o.votes_each,
        groups: 3,
        seed: 1,
        ..VoteSetOptions::default()
    });
    let mut best = f64::INFINITY;
    let mut groups = 0;
    for _ in 0..o.runs.max(1) {
        let started = Instant::now();
        let a = opinion::analyse(&votes, &[], &opinion::Options::default());
        best = best.min(started.elapsed().as_secs_f64());
        groups = a.groups.len();
    }
    println!(
        "votes: {} participants × {} statements, {} votes analysed in {best:.2} s (best of {}): {groups} opinion groups",
        o.participants,
        o.statements,
        votes.len(),
        o.runs
    );
    drop(votes);
    if o.large > 0 {
        let before = peak_rss_mb();
        let started = Instant::now();
        let set = generate::comments(&CommentSetOptions {
            comments: o.large,
            seed: 2,
            ..CommentSetOptions::default()
        });
        let texts: Vec<&str> = set.iter().map(|c| c.text.as_str()).collect();
        let generated = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let a = comments::analyse(&texts, &Options::default(), &mut |_| {});
        let took = started.elapsed().as_secs_f64();
        println!(
            "comments: {} grouped in {took:.1} s (generated in {generated:.1} s): {} near-duplicate groups; peak resident memory {} (before: {})",
            o.large,
            a.duplicates.groups.len(),
            peak_rss_mb().map_or("unknown".into(), |m| format!("{m:.0} MB")),
            before.map_or("unknown".into(), |m| format!("{m:.0} MB")),
        );
    }
    Ok(())
}
