//! `miasto opendata export`: a dataset written to a file as the `/opendata` downloads write
//! it — read in pages, written as it comes, in constant memory — with progress on stderr.

use crate::config::Config;
use anyhow::{Context, bail};
use miasto_web::opendata::SelectionQuery;
use miasto_web::opendata::export::{self, Chunk, Dataset, Format, Names};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub async fn export(
    config: &Config,
    dataset: &str,
    format: &str,
    output: Option<&Path>,
    query: &SelectionQuery,
) -> anyhow::Result<()> {
    let dataset = Dataset::parse(dataset)
        .with_context(|| format!("unknown dataset {dataset:?} (reports or daily)"))?;
    let format = Format::parse(format)
        .filter(|f| dataset.formats().contains(f))
        .with_context(|| format!("{} is not offered as {format:?}", dataset.id()))?;
    // One pass over the table: no memory map, a small cache, so memory stays flat.
    let (db, _) =
        crate::prepare_database_for(config, false, miasto_store::Workload::Stream).await?;
    let categories = miasto_store::reference::list_categories(&db).await?;
    let districts = miasto_store::reference::list_districts(&db).await?;
    let selection = match query.parse(&categories, &districts) {
        Ok(s) => s,
        Err(parameter) => bail!("--{parameter} cannot be used"),
    };
    let names = Names::load(&db).await?;
    // Every report when nothing narrows the selection: the progress can say how far it is.
    let unfiltered = query.from.is_empty()
        && query.to.is_empty()
        && query.kind.is_empty()
        && query.category.is_empty()
        && query.district.is_empty();
    let total = if unfiltered && dataset == Dataset::Reports {
        Some(miasto_store::reports::count(&db).await?)
    } else {
        None
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(4);
    let writer =
        tokio::spawn(
            async move { export::write(&db, &names, dataset, format, &selection, &tx).await },
        );
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let started = Instant::now();
    let mut last_shown = Instant::now();
    let mut rows = 0;
    while let Some(chunk) = rx.recv().await {
        out.write_all(chunk.text.as_bytes())?;
        rows = chunk.rows;
        if last_shown.elapsed().as_millis() >= 500 {
            progress(rows, total, started, false);
            last_shown = Instant::now();
        }
    }
    out.flush()?;
    let written = writer.await??;
    progress(written.max(rows), total, started, true);
    Ok(())
}

fn progress(rows: u64, total: Option<u64>, started: Instant, done: bool) {
    let seconds = started.elapsed().as_secs_f64();
    let rate = rows as f64 / seconds.max(0.001);
    let share = total
        .filter(|t| *t > 0)
        .map(|t| format!(" ({:.0}%)", rows as f64 * 100.0 / t as f64))
        .unwrap_or_default();
    let end = if done { "\n" } else { "\r" };
    eprint!("exported {rows} rows{share} in {seconds:.1} s, {rate:.0} rows/s{end}");
    let _ = std::io::stderr().flush();
}
