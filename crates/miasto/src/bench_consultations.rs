//! `miasto bench consultations`: a consultation the size of Kraków's busiest — 250,000
//! survey responses (the fireworks survey had 10,000+; a city-wide one can have far more) and
//! 62,000 comments (all of 2025's) — built once in its own database file, every comment
//! answered and the report published; then, through the real router in-process, the survey
//! results, the comment list, a paragraph's comments and the report's pages (latency
//! percentiles), and the report's CSV and ODS downloads streamed to the end (time, and this
//! process's own memory while streaming).

use crate::bench::{Stats, bench_router, measure, print_table, stream_export};
use crate::config::Config;
use crate::consult_demo;
use anyhow::Context;
use miasto_domain::UserId;
use miasto_domain::consultations::answers::{Answer, Disposition};
use miasto_store::consultations::{self as store, answers, documents};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

pub struct Options {
    pub comments: usize,
    pub responses: usize,
    pub requests: usize,
}

/// The benchmark's consultation, built (and answered, and reported) the first time.
async fn seeded(
    db: &miasto_store::DatabaseConnection,
    options: &Options,
) -> anyhow::Result<(store::Consultation, uuid::Uuid)> {
    let all = store::list(db, store::Filter::default()).await?;
    if let Some(c) = all.into_iter().find(|c| c.reported_at.is_some()) {
        let d = documents::list(db, c.id)
            .await?
            .first()
            .context("no document")?
            .id;
        return Ok((c, d));
    }
    eprintln!(
        "building a consultation with {} comments and {} survey responses (kept for later runs)…",
        options.comments, options.responses
    );
    let started = Instant::now();
    let (c, d) = consult_demo::build(
        db,
        consult_demo::Phase::Analysis,
        options.comments,
        options.responses,
        None,
    )
    .await?;
    // Every comment answered: the same point made by many shares one answer (a hundred to
    // an answer here), a thousand comments to a transaction.
    let official = UserId::new();
    let mut after = None;
    let mut n = 0usize;
    loop {
        let batch = answers::comments_after(db, c.id, after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id));
        let tx = miasto_store::begin(db).await?;
        for group in batch.chunks(100) {
            let ids: Vec<uuid::Uuid> = group.iter().map(|k| k.id).collect();
            let answer = Answer {
                disposition: Disposition::ALL[n % 4],
                justification: format!(
                    "Odpowiedź nr {n}: uwagi rozpatrzono w raporcie, § {}.",
                    n % 11 + 1
                ),
            };
            answers::give(&tx, c.id, &ids, &answer, official)
                .await
                .map_err(|e| anyhow::anyhow!("answer: {e}"))?;
            n += 1;
        }
        tx.commit().await?;
    }
    let tx = miasto_store::begin(db).await?;
    answers::publish_report(&tx, c.id)
        .await
        .map_err(|e| anyhow::anyhow!("report: {e}"))?;
    tx.commit().await?;
    miasto_store::optimize(db).await?;
    eprintln!("built in {:.0} s", started.elapsed().as_secs_f64());
    Ok((c, d))
}

/// Samples this process's own memory (`RssAnon`: heap and stacks, not mapped files) every
/// 20 ms until stopped; the peak in MB.
fn watch_memory() -> (
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    std::thread::JoinHandle<f64>,
) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::spawn(move || {
        let mut peak_kb = 0u64;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
                let kb = status
                    .lines()
                    .find_map(|l| l.strip_prefix("RssAnon:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    .unwrap_or(0);
                peak_kb = peak_kb.max(kb);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        peak_kb as f64 / 1024.0
    });
    (stop, handle)
}

pub async fn run(config: &Config, options: &Options) -> anyhow::Result<()> {
    let (db, city) = crate::prepare_database(config, true).await?;
    let (c, doc) = seeded(&db, options).await?;
    let files = tempfile::tempdir()?;
    let router = bench_router(&db, &city, files.path()).await?;
    let total: u64 = store::figures(&db, c.id)
        .await?
        .0
        .iter()
        .map(|(_, n)| n)
        .sum();
    let total = usize::try_from(total)?;
    let pages = total.div_ceil(20).max(1);
    let paragraphs = documents::paragraphs(&db, doc, 2).await?;
    let busiest = documents::comment_counts(&db, doc)
        .await?
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p)
        .or_else(|| paragraphs.first().map(|p| p.id))
        .context("no paragraph")?;
    let mut rng = StdRng::seed_from_u64(16);
    let n = options.requests;
    let slug = &c.slug;
    let mut page = |base: &str, pages: usize| {
        (0..n)
            .map(|_| format!("{base}?page={}", rng.random_range(1..=pages.min(10_000))))
            .collect::<Vec<_>>()
    };
    let results: Vec<Stats> = vec![
        measure(
            &router,
            "survey results",
            &vec![format!("/consultations/{slug}/survey/results"); n],
            None,
        )
        .await?,
        measure(
            &router,
            "consultation page, comments (random page)",
            &page(&format!("/consultations/{slug}"), pages),
            None,
        )
        .await?,
        measure(
            &router,
            "report (random page)",
            &page(&format!("/consultations/{slug}/report"), pages),
            None,
        )
        .await?,
        measure(
            &router,
            "the busiest paragraph's comments (random page)",
            &page(
                &format!("/consultations/{slug}/documents/{doc}/paragraphs/{busiest}"),
                50,
            ),
            None,
        )
        .await?,
        measure(
            &router,
            "the document",
            &vec![format!("/consultations/{slug}/documents/{doc}"); n],
            None,
        )
        .await?,
    ];
    let responses = miasto_store::consultations::survey::tallies(&db, c.id)
        .await?
        .get(miasto_store::consultations::survey::RESPONSES)
        .copied()
        .unwrap_or(0);
    println!("comments: {total}; survey responses: {responses}");
    println!();
    print_table(&results);
    println!();
    for file in ["report.csv", "report.ods"] {
        let (stop, watcher) = watch_memory();
        let streamed =
            stream_export(&router, &format!("/consultations/{slug}/downloads/{file}")).await?;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let peak = watcher
            .join()
            .map_err(|_| anyhow::anyhow!("memory watcher"))?;
        println!(
            "/consultations/…/downloads/{file}: first bytes after {:.0} ms, {:.0} MB in {:.1} s; this process's own memory peaked at {peak:.0} MB while streaming",
            streamed.first_byte_ms,
            streamed.bytes as f64 / 1e6,
            streamed.seconds,
        );
    }
    Ok(())
}
