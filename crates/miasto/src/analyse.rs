//! `miasto analyse comments|votes|generate`: the consultation algorithm on files, for
//! analysts and for independent checking (docs/analysis.md describes the formats;
//! `scripts/analysis/` compares the results with scikit-learn and Pol.is).

use anyhow::{Context, anyhow, bail};
use miasto_analysis::comments::{self as grouping, Stage};
use miasto_analysis::generate;
use miasto_analysis::opinion::{self, Vote, Votes};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use miasto_tally::pabulib::Record;

/// RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line breaks), with each
/// record's first line.
fn parse_csv(path: &Path, text: &str) -> anyhow::Result<Vec<Record>> {
    miasto_tally::pabulib::delimited(text, ',')
        .map_err(|e| anyhow!("{}: line {}: {}", path.display(), e.line, e.message))
}

/// A file read as UTF-8; an invalid byte is reported with its line.
fn read_utf8(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            bail!("{}: line {line}: not UTF-8 text", path.display())
        }
    }
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn columns(path: &Path, header: &Record, wanted: &[&str]) -> anyhow::Result<Vec<usize>> {
    wanted
        .iter()
        .map(|name| {
            header
                .fields
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == *name)
                .ok_or_else(|| {
                    anyhow!(
                        "{}: line 1: no `{name}` column (the header must name {})",
                        path.display(),
                        wanted.join(", ")
                    )
                })
        })
        .collect()
}

/// A progress bar on stderr, drawn only on a terminal (a log gets the summary line alone).
struct Progress {
    started: Instant,
    terminal: bool,
}

impl Progress {
    fn new() -> Self {
        use std::io::IsTerminal;
        Self {
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn stage(&self, step: usize, of: usize, what: &str) {
        if !self.terminal {
            return;
        }
        let filled = step * 20 / of.max(1);
        eprint!(
            "\r[{}{}] {step}/{of} {what:<32} {:>6.1} s",
            "#".repeat(filled),
            ".".repeat(20 - filled),
            self.started.elapsed().as_secs_f64()
        );
        if step == of {
            eprintln!();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CommentsFormat {
    Groups,
    Json,
    Assignments,
}

impl CommentsFormat {
    pub fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "groups" => Ok(Self::Groups),
            "json" => Ok(Self::Json),
            "assignments" => Ok(Self::Assignments),
            other => bail!("--format: `{other}` is not one of groups, json, assignments"),
        }
    }
}

/// `miasto analyse comments FILE.csv`.
pub fn comments(
    path: &Path,
    format: CommentsFormat,
    threshold: f64,
    seed: u64,
) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold: {threshold} is not between 0 and 1");
    }
    let progress = Progress::new();
    progress.stage(0, 4, "reading");
    let text = read_utf8(path)?;
    let records = parse_csv(path, &text)?;
    let Some((header, rows)) = records.split_first() else {
        bail!(
            "{}: the file is empty (expected a header `id,text`)",
            path.display()
        );
    };
    let cols = columns(path, header, &["id", "text"])?;
    let mut ids: Vec<String> = Vec::with_capacity(rows.len());
    let mut texts: Vec<String> = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let (Some(id), Some(body)) = (r.fields.get(cols[0]), r.fields.get(cols[1])) else {
            bail!(
                "{}: line {}: {} fields, the header has {}",
                path.display(),
                r.line,
                r.fields.len(),
                header.fields.len()
            );
        };
        let id = id.trim().to_owned();
        if id.is_empty() {
            bail!("{}: line {}: the id is empty", path.display(), r.line);
        }
        if let Some(first) = seen.insert(id.clone(), r.line) {
            bail!(
                "{}: line {}: id `{id}` repeats line {first}",
                path.display(),
                r.line
            );
        }
        ids.push(id);
        texts.push(body.clone());
    }
    if ids.is_empty() {
        bail!("{}: no comments after the header", path.display());
    }
    drop(records);
    drop(text);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let options = grouping::Options::new(threshold, seed);
    let analysis = grouping::analyse(&refs, &options, &mut |stage| match stage {
        Stage::Duplicates => progress.stage(1, 4, "near-duplicate groups"),
        Stage::Topics => progress.stage(2, 4, "topic groups"),
        Stage::Done => progress.stage(3, 4, "writing"),
    });
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let dup_id = |g: usize| format!("d{}", g + 1);
    let topic_id = |g: usize| format!("t{}", g + 1);
    match format {
        CommentsFormat::Assignments => {
            writeln!(out, "comment_id,duplicate_group,topic_group")?;
            for (i, id) in ids.iter().enumerate() {
                writeln!(
                    out,
                    "{},{},{}",
                    csv_field(id),
                    dup_id(analysis.duplicates.group_of[i]),
                    topic_id(analysis.topics.group_of[i])
                )?;
            }
        }
        CommentsFormat::Groups => {
            writeln!(
                out,
                "kind,group,size,representative,similarity,key_phrases,members"
            )?;
            for (g, d) in analysis.duplicates.groups.iter().enumerate() {
                let members: Vec<&str> = d.members.iter().map(|&m| ids[m].as_str()).collect();
                writeln!(
                    out,
                    "duplicate,{},{},{},{:.3},{},{}",
                    dup_id(g),
                    d.members.len(),
                    csv_field(&ids[d.representative]),
                    d.mean_similarity,
                    csv_field(&d.shared.join("; ")),
                    csv_field(&members.join(" "))
                )?;
            }
            for (g, t) in analysis.topics.groups.iter().enumerate() {
                let members: Vec<&str> = t.members.iter().map(|&m| ids[m].as_str()).collect();
                writeln!(
                    out,
                    "topic,{},{},{},{:.3},{},{}",
                    topic_id(g),
                    t.members.len(),
                    csv_field(&ids[t.representative]),
                    t.mean_similarity,
                    csv_field(&t.key_phrases.join("; ")),
                    csv_field(&members.join(" "))
                )?;
            }
        }
        CommentsFormat::Json => {
            let duplicates: Vec<Value> = analysis
                .duplicates
                .groups
                .iter()
                .enumerate()
                .map(|(g, d)| {
                    json!({
                        "id": dup_id(g),
                        "members": d.members.iter().map(|&m| &ids[m]).collect::<Vec<_>>(),
                        "representative": ids[d.representative],
                        "representative_text": refs[d.representative],
                        "min_similarity": d.min_similarity,
                        "mean_similarity": d.mean_similarity,
                        "shared_phrases": d.shared,
                    })
                })
                .collect();
            let topics: Vec<Value> = analysis
                .topics
                .groups
                .iter()
                .enumerate()
                .map(|(g, t)| {
                    json!({
                        "id": topic_id(g),
                        "members": t.members.iter().map(|&m| &ids[m]).collect::<Vec<_>>(),
                        "representative": ids[t.representative],
                        "representative_text": refs[t.representative],
                        "key_phrases": t.key_phrases.iter().zip(&t.coverage).map(|(p, c)| json!({"phrase": p, "coverage": c})).collect::<Vec<_>>(),
                        "mean_similarity": t.mean_similarity,
                    })
                })
                .collect();
            let doc = json!({
                "threshold": threshold,
                "seed": seed,
                "duplicate_groups": duplicates,
                "topic_groups": topics,
                "topic_silhouettes": analysis.topics.silhouettes.iter().map(|(k, s)| json!({"groups": k, "silhouette": s})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    progress.stage(4, 4, "done");
    eprintln!(
        "{} comments: {} near-duplicate groups ({} of two or more), {} topic groups ({} of two or more)",
        ids.len(),
        analysis.duplicates.groups.len(),
        analysis
            .duplicates
            .groups
            .iter()
            .filter(|g| g.members.len() > 1)
            .count(),
        analysis.topics.groups.len(),
        analysis
            .topics
            .groups
            .iter()
            .filter(|g| g.members.len() > 1)
            .count()
    );
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum VotesFormat {
    Json,
    Assignments,
}

impl VotesFormat {
    pub fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "json" => Ok(Self::Json),
            "assignments" => Ok(Self::Assignments),
            other => bail!("--format: `{other}` is not one of json, assignments"),
        }
    }
}

/// Ids as they appear, numbered; all-numeric ids are numbered in numeric order (Pol.is's
/// participant and statement ids are numbered as they join).
struct Ids {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Ids {
    fn from(names_in_order: Vec<String>) -> Self {
        let mut names = names_in_order;
        if names.iter().all(|n| n.parse::<i64>().is_ok()) {
            names.sort_by_key(|n| n.parse::<i64>().unwrap_or(0));
        }
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        Self { names, index }
    }
}

/// `miasto analyse votes FILE.csv`.
pub fn votes(
    path: &Path,
    statements: Option<&Path>,
    format: VotesFormat,
    seed: u64,
) -> anyhow::Result<()> {
    let progress = Progress::new();
    progress.stage(0, 3, "reading");
    let text = read_utf8(path)?;
    let records = parse_csv(path, &text)?;
    let Some((header, rows)) = records.split_first() else {
        bail!(
            "{}: the file is empty (expected a header `participant,statement,vote` or Pol.is's `timestamp,datetime,comment-id,voter-id,vote`)",
            path.display()
        );
    };
    let polis = header.fields.iter().any(|h| h.trim() == "voter-id");
    let (cols, names) = if polis {
        (
            columns(
                path,
                header,
                &["timestamp", "comment-id", "voter-id", "vote"],
            )?,
            ["comment-id", "voter-id", "vote"],
        )
    } else {
        let c = columns(path, header, &["participant", "statement", "vote"])?;
        // No timestamp: the file's order is the order the votes came.
        (
            vec![usize::MAX, c[1], c[0], c[2]],
            ["statement", "participant", "vote"],
        )
    };
    struct Cast {
        time: i64,
        statement: String,
        participant: String,
        vote: Vote,
    }
    let mut casts: Vec<Cast> = Vec::with_capacity(rows.len());
    for r in rows {
        let get = |i: usize, name: &str| -> anyhow::Result<String> {
            r.fields.get(i).map(|v| v.trim().to_owned()).ok_or_else(|| {
                anyhow!(
                    "{}: line {}: no `{name}` value ({} fields, the header has {})",
                    path.display(),
                    r.line,
                    r.fields.len(),
                    header.fields.len()
                )
            })
        };
        let time = if cols[0] == usize::MAX {
            0
        } else {
            get(cols[0], "timestamp")?.parse::<i64>().map_err(|_| {
                anyhow!(
                    "{}: line {}: the timestamp is not a whole number",
                    path.display(),
                    r.line
                )
            })?
        };
        let statement = get(cols[1], names[0])?;
        let participant = get(cols[2], names[1])?;
        if statement.is_empty() || participant.is_empty() {
            bail!("{}: line {}: an empty id", path.display(), r.line);
        }
        let raw = get(cols[3], names[2])?;
        let vote = raw
            .parse::<i64>()
            .ok()
            .and_then(Vote::from_export)
            .ok_or_else(|| {
                anyhow!(
                    "{}: line {}: vote `{raw}` is not 1 (agree), -1 (disagree) or 0 (pass)",
                    path.display(),
                    r.line
                )
            })?;
        casts.push(Cast {
            time,
            statement,
            participant,
            vote,
        });
    }
    if casts.is_empty() {
        bail!("{}: no votes after the header", path.display());
    }
    // Replayed in the order they came (a stable sort: on a tie the later row is later).
    casts.sort_by_key(|c| c.time);
    let mut seen_p: HashMap<&str, ()> = HashMap::new();
    let mut seen_s: HashMap<&str, ()> = HashMap::new();
    let mut p_order = Vec::new();
    let mut s_order = Vec::new();
    for c in &casts {
        if seen_p.insert(&c.participant, ()).is_none() {
            p_order.push(c.participant.clone());
        }
        if seen_s.insert(&c.statement, ()).is_none() {
            s_order.push(c.statement.clone());
        }
    }
    let participants = Ids::from(p_order);
    let statement_ids = Ids::from(s_order);
    let mut v = Votes::with_size(participants.names.len(), statement_ids.names.len());
    for c in &casts {
        v.record(
            participants.index[&c.participant],
            statement_ids.index[&c.statement],
            c.vote,
        );
    }
    let mut moderated_out = vec![false; statement_ids.names.len()];
    if let Some(file) = statements {
        let text = read_utf8(file)?;
        let records = parse_csv(file, &text)?;
        let Some((header, rows)) = records.split_first() else {
            bail!(
                "{}: the file is empty (expected Pol.is's comments.csv)",
                file.display()
            );
        };
        let c = columns(file, header, &["comment-id", "moderated"])?;
        for r in rows {
            let (Some(id), Some(m)) = (r.fields.get(c[0]), r.fields.get(c[1])) else {
                bail!("{}: line {}: too few fields", file.display(), r.line);
            };
            let m: i64 = m.trim().parse().map_err(|_| {
                anyhow!(
                    "{}: line {}: `moderated` is not -1, 0 or 1",
                    file.display(),
                    r.line
                )
            })?;
            if let Some(&s) = statement_ids.index.get(id.trim()) {
                moderated_out[s] = m == -1;
            }
        }
    }
    progress.stage(1, 3, "opinion groups");
    let analysis = opinion::analyse(
        &v,
        &moderated_out,
        &opinion::Options {
            seed,
            ..opinion::Options::default()
        },
    );
    progress.stage(2, 3, "writing");
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match format {
        VotesFormat::Assignments => {
            writeln!(out, "participant,group")?;
            let groups = analysis.assignments();
            for (p, name) in participants.names.iter().enumerate() {
                let g = groups[p].map(|g| g.to_string()).unwrap_or_default();
                writeln!(out, "{},{g}", csv_field(name))?;
            }
        }
        VotesFormat::Json => {
            let s = |i: usize| statement_ids.names[i].clone();
            let groups: Vec<Value> = analysis
                .groups
                .iter()
                .map(|g| {
                    json!({
                        "id": g.id,
                        "members": g.members.iter().map(|&p| participants.names[p].clone()).collect::<Vec<_>>(),
                        "representative": g.representative.iter().map(|r| json!({
                            "statement": s(r.statement),
                            "direction": r.direction.as_str(),
                            "repness": r.repness,
                            "repness_test": r.repness_test,
                            "p_success": r.p_success,
                            "p_test": r.p_test,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let consensus = |list: &[opinion::ConsensusStatement]| -> Vec<Value> {
                list.iter()
                    .map(|c| json!({"statement": s(c.statement), "p_success": c.p_success, "p_test": c.p_test}))
                    .collect()
            };
            let mut gac = Map::new();
            for (i, value) in analysis.group_informed_consensus.iter().enumerate() {
                if let Some(value) = value {
                    gac.insert(s(i), json!(value));
                }
            }
            let doc = json!({
                "groups": groups,
                "consensus": {
                    "agree": consensus(&analysis.consensus.agree),
                    "disagree": consensus(&analysis.consensus.disagree),
                },
                "group_informed_consensus": gac,
            });
            serde_json::to_writer(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    progress.stage(3, 3, "done");
    eprintln!(
        "{} participants ({} clustered), {} statements, {} votes: {} groups (silhouettes {})",
        participants.names.len(),
        analysis.in_conversation.iter().filter(|&&b| b).count(),
        statement_ids.names.len(),
        v.len(),
        analysis.groups.len(),
        analysis
            .silhouettes
            .iter()
            .map(|(k, s)| format!("k={k}: {s:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// `miasto analyse generate comments`: a labelled set as CSV (`id,text,campaign,topic`; an
/// empty label: none), for the quality checks and the benchmarks.
pub fn generate_comments(count: usize, seed: u64) -> anyhow::Result<()> {
    let set = generate::comments(&generate::CommentSetOptions {
        comments: count,
        seed,
        ..generate::CommentSetOptions::default()
    });
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    writeln!(out, "id,text,campaign,topic")?;
    for (i, c) in set.iter().enumerate() {
        writeln!(
            out,
            "c{},{},{},{}",
            i + 1,
            csv_field(&c.text),
            c.campaign.map(|x| x.to_string()).unwrap_or_default(),
            c.topic.map(|x| x.to_string()).unwrap_or_default()
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `miasto analyse generate votes`: planted opinion groups as CSV
/// (`participant,statement,vote`); the planted group of each participant goes to `truth`.
pub fn generate_votes(
    options: &generate::VoteSetOptions,
    truth: Option<&Path>,
) -> anyhow::Result<()> {
    let (v, groups) = generate::votes(options);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    writeln!(out, "participant,statement,vote")?;
    for (p, s, vote) in v.cast() {
        let value = match vote {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        };
        writeln!(out, "p{p},s{s},{value}")?;
    }
    out.flush()?;
    if let Some(path) = truth {
        let mut t = String::from("participant,group\n");
        for (p, g) in groups.iter().enumerate() {
            t.push_str(&format!("p{p},{g}\n"));
        }
        std::fs::write(path, t).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
