//! `miasto bench ballots`: what the secret ballot costs. Times sealing a Kraków ballot to an
//! edition's key (what each vote adds), opening one, storing a sealed vote with its voter
//! row, and opening and counting a whole edition with the commission's shares: the demo
//! edition with every real ballot of `data/pabulib/` (86,998 for the default files, of which
//! Kraków 2024's city-wide vote has 65,101). Targets: sealing adds < 2 ms per vote; opening
//! and counting 86,998 ballots takes < 10 s on a 2-core machine.
//!
//! Runs on a fresh SQLite file in a temporary directory, or on `--database-url` (a new demo
//! edition each run).

use crate::budget_demo::{self, Phase};
use crate::config::Config;
use anyhow::Context;
use miasto_domain::vote::{BallotContent, Channel, OpeningKey};
use miasto_store::budget::Progress;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Sealing and opening alone: `n` ballots of six marks (three city-wide, three district).
fn seal_and_open(n: usize) -> anyhow::Result<()> {
    let opening = OpeningKey::generate();
    let key = opening.public();
    let content = BallotContent {
        channel: Channel::Online,
        marks: (0..6u16).map(|i| (Uuid::now_v7(), 3 - i % 3)).collect(),
    };
    let mut seal_us = Vec::with_capacity(n);
    let mut envelopes = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        envelopes.push(key.seal(&content));
        seal_us.push(started.elapsed().as_secs_f64() * 1e6);
    }
    let started = Instant::now();
    for envelope in &envelopes {
        let opened = opening
            .open(envelope)
            .map_err(|e| anyhow::anyhow!("a sealed ballot did not open: {e:?}"))?;
        anyhow::ensure!(opened.marks == content.marks, "an opened ballot differs");
    }
    let open_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    seal_us.sort_by(f64::total_cmp);
    println!(
        "seal one ballot ({n} runs): median {:.0} µs, p99 {:.0} µs, max {:.0} µs; {} bytes each",
        percentile(&seal_us, 0.5),
        percentile(&seal_us, 0.99),
        seal_us.last().copied().unwrap_or_default(),
        envelopes[0].len()
    );
    println!("open one ballot: {open_us:.0} µs on average (one core)");
    let p99_ms = percentile(&seal_us, 0.99) / 1000.0;
    println!(
        "target: sealing adds < 2 ms per vote — {} (p99 {p99_ms:.3} ms)",
        if p99_ms < 2.0 { "met" } else { "MISSED" }
    );
    Ok(())
}

pub async fn run(
    config: &Config,
    database_url: Option<&str>,
    data: &Path,
    seals: usize,
) -> anyhow::Result<()> {
    seal_and_open(seals.max(1))?;

    let dir = tempfile::Builder::new()
        .prefix("miasto-bench-ballots-")
        .tempdir()?;
    let mut config = config.clone();
    config.database_url = database_url.map_or_else(
        || format!("sqlite://{}/ballots.db", dir.path().display()),
        str::to_owned,
    );
    let (db, _) = crate::prepare_database(&config, true).await?;
    let secret = config.secret();
    let slug = format!("bench-{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));

    // Every real ballot, sealed and stored one by one as votes are, during voting.
    let started = Instant::now();
    let shares = budget_demo::build(&db, secret.as_bytes(), &slug, Phase::Counting, data, None)
        .await?
        .shares;
    let built = started.elapsed().as_secs_f64();
    let edition = miasto_store::budget::edition(&db, &slug)
        .await?
        .context("the bench edition vanished")?;
    let ballots = miasto_store::budget::envelope_count(&db, edition.id).await?;
    println!(
        "store {ballots} sealed votes with their voter rows (demo build, 1,000 per \
         transaction): {built:.1} s, {:.2} ms per vote",
        built * 1000.0 / ballots.max(1) as f64
    );

    let entries: Vec<String> = shares.iter().take(2).map(|s| s.to_text()).collect();
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    let started = Instant::now();
    let stage = |p: Progress| {
        let at = started.elapsed().as_secs_f64();
        match p {
            Progress::KeyOpened { envelopes } => {
                println!("  {at:5.1} s  key put together, {envelopes} envelopes read");
            }
            Progress::Opened { done, of } if done == of => {
                println!("  {at:5.1} s  all envelopes checked and opened");
            }
            Progress::Opened { .. } => {}
            Progress::Written { ballots } => {
                println!("  {at:5.1} s  {ballots} ballots written in random order");
            }
            Progress::Counted => println!("  {at:5.1} s  counted and committed"),
        }
    };
    let opened = miasto_store::budget::open_and_count(
        &db,
        &edition,
        &entries,
        None,
        secret.as_bytes(),
        &stage,
    )
    .await
    .map_err(|e| anyhow::anyhow!("opening: {e}"))?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "open {} envelopes with 2 of 3 shares, shuffle, write the ballots, delete the \
         envelopes, count 7 pools: {took:.1} s",
        opened.ballots
    );
    println!(
        "target: opening and counting Kraków's 86,998 ballots < 10 s — {}",
        if opened.ballots < 86_998 {
            "not measured (fewer ballots in --data)"
        } else if took < 10.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    drop(db);
    Ok(())
}
