//! `miasto consult weigh CELLS.csv MARGINS.json`: the survey weighting (raking) on its own,
//! for analysts and for checking it against independent implementations
//! (`scripts/weighting/compare.py` runs it beside the `ipfn` package from PyPI).
//!
//! CELLS.csv has the header `district,age,sex,count` — a demographic cell (an empty value:
//! not given) and how many responses fall in it. MARGINS.json is `{"district": {…}, "age":
//! {…}, "sex": {…}}`, each the population per category (a missing or empty one: not weighted
//! by it). Prints `district,age,sex,weight` for every cell that could be weighted (the weight
//! of one response) and a summary on stderr.

use anyhow::{Context, bail};
use miasto_domain::consultations::weighting::{Cell, Margins, rake};
use std::path::Path;

pub fn weigh(cells: &Path, margins: &Path) -> anyhow::Result<()> {
    let margins: Margins = serde_json::from_str(
        &std::fs::read_to_string(margins)
            .with_context(|| format!("cannot read {}", margins.display()))?,
    )
    .with_context(|| format!("{}: not margins JSON", margins.display()))?;
    let text = std::fs::read_to_string(cells)
        .with_context(|| format!("cannot read {}", cells.display()))?;
    let mut lines = text.lines();
    // Plain comma-separated values: districts, age bands and sexes hold no commas or quotes.
    let split =
        |line: &str| -> Vec<String> { line.split(',').map(|v| v.trim().to_owned()).collect() };
    let headers = split(lines.next().unwrap_or(""));
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no `{name}` column", cells.display()))
    };
    let (d, a, s, n) = (
        column("district")?,
        column("age")?,
        column("sex")?,
        column("count")?,
    );
    let mut table: Vec<(Cell, u64)> = Vec::new();
    for (line, record) in lines.enumerate() {
        if record.trim().is_empty() {
            continue;
        }
        let record = split(record);
        let value = |i: usize| {
            record
                .get(i)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_owned())
        };
        let count: u64 = record
            .get(n)
            .map(String::as_str)
            .unwrap_or("")
            .parse()
            .with_context(|| format!("line {}: count is not a whole number", line + 2))?;
        table.push(([value(d), value(a), value(s)], count));
    }
    let Some(w) = rake(&table, &margins) else {
        bail!("nothing to weight: no margins, or no response in a weighted category");
    };
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "district,age,sex,weight")?;
    for (cell, _) in &table {
        if let Some(weight) = w.weights.get(cell) {
            let part = |v: &Option<String>| v.clone().unwrap_or_default();
            writeln!(
                out,
                "{},{},{},{weight:.12}",
                part(&cell[0]),
                part(&cell[1]),
                part(&cell[2])
            )?;
        }
    }
    out.flush()?;
    eprintln!(
        "weighted {} responses, left out {}; effective sample size {:.3}; largest weight {:.6}; {} after {} sweeps",
        w.used,
        w.left_out,
        w.effective,
        w.largest,
        if w.converged {
            "converged"
        } else {
            "NOT converged"
        },
        w.iterations
    );
    Ok(())
}
