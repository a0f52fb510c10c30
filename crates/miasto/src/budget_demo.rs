//! `miasto budget demo`: a citizens' budget edition built from Kraków's real votes in
//! `data/pabulib/` (Pabulib, CC BY 4.0): the city-wide pool from Kraków 2024 and a district
//! pool from every district file, with the real projects, costs and budgets, and a counting
//! commission of three (any two of whom open the ballot key).
//!
//! - `--phase verification`: submissions have closed and the projects wait for the city
//!   units' verification (assigning, assessing, deciding).
//! - `--phase voting`: voting is open now, for trying the ballot; the commission's shares
//!   are printed, to count later.
//! - `--phase counting`: the files' real ballots (86,998 for the default files) are cast as
//!   they would have been during voting — each sealed to the edition's key — and voting has
//!   closed; the shares are printed, to open the envelopes and count on the staff page or
//!   with `miasto budget open`.
//! - `--phase results`: as counting, then the envelopes are opened with two shares, counted
//!   and published, so the results page shows Kraków's official winners.

use anyhow::{Context, bail};
use chrono::Duration;
use miasto_domain::budget::{BallotRule, Counting, Schedule};
use miasto_domain::vote::{Channel, VoterKeys, keyed_hex};
use miasto_store::DatabaseConnection;
use miasto_store::budget::{
    self, Commission, CostItem, Mark, NewEdition, NewPool, NewProject, ProjectStatus,
};
use miasto_store::clock::Clock;
use miasto_store::reference::District;
use miasto_tally::{Election, pabulib};
use std::path::Path;

/// The city-wide file and, per district file, the district's name as the city writes it.
const CITY_FILE: &str = "Poland_Krakow_2024.pb";
const DISTRICT_FILES: [(&str, &str); 6] = [
    ("Poland_Krakow_2025_Stare_Miasto.pb", "Stare Miasto"),
    ("Poland_Krakow_2024_Krowodrza.pb", "Krowodrza"),
    ("Poland_Krakow_2022_Czyzyny.pb", "Czyżyny"),
    ("Poland_Krakow_2025_Bienczyce.pb", "Bieńczyce"),
    ("Poland_Krakow_2023_Nowa_Huta.pb", "Nowa Huta"),
    ("Poland_Krakow_2020_Podgorze.pb", "Podgórze"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Submissions closed, projects waiting for the city units' verification.
    Verification,
    Voting,
    Counting,
    Results,
}

impl Phase {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "verification" => Ok(Self::Verification),
            "voting" => Ok(Self::Voting),
            "counting" => Ok(Self::Counting),
            "results" => Ok(Self::Results),
            _ => bail!("--phase must be verification, voting, counting or results (not {raw:?})"),
        }
    }
}

/// Pabulib's categories mapped onto the submission form's.
fn category(raw: &str) -> &'static str {
    let first = raw.split(',').next().unwrap_or_default().trim();
    match first {
        "environmental protection" | "urban greenery" => "greenery",
        "sport" => "sport",
        "culture" => "culture",
        "education" => "education",
        "health" => "health",
        "public transit and roads" | "public space" => "infrastructure",
        _ => "society",
    }
}

fn read(dir: &Path, file: &str) -> anyhow::Result<Election> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {} (give --data)", path.display()))?;
    pabulib::parse(&text).with_context(|| format!("{} is not a valid .pb file", path.display()))
}

fn field<'a>(e: &'a Election, project: &'a miasto_tally::Project, name: &str) -> &'a str {
    e.project_columns
        .iter()
        .position(|c| c == name)
        .and_then(|i| project.fields.get(i))
        .map_or("", String::as_str)
}

/// What [`build`] made.
pub struct Built {
    pub shares: Vec<miasto_domain::vote::shares::Share>,
    pub ballots: usize,
    /// "7 pools, 293 projects".
    pub totals: String,
}

/// Builds the edition and, for counting and results, casts the ballots (results are opened
/// and published by [`create`]).
pub async fn build(
    db: &DatabaseConnection,
    secret: &[u8],
    slug: &str,
    phase: Phase,
    dir: &Path,
    limit: Option<usize>,
) -> anyhow::Result<Built> {
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || slug.is_empty()
        || slug.len() > 40
    {
        bail!("--slug must be 1–40 lowercase letters, digits or dashes");
    }
    let districts = miasto_store::reference::list_districts(db).await?;
    let mut files = vec![(read(dir, CITY_FILE)?, None::<District>)];
    for (file, name) in DISTRICT_FILES {
        let district = districts
            .iter()
            .find(|d| d.name == name)
            .with_context(|| format!("no district named {name} in the reference data"))?;
        files.push((read(dir, file)?, Some(district.clone())));
    }
    let now = miasto_store::now();
    let day = Duration::days(1);
    let voting = match phase {
        // Submissions closed 50 days ago; appeals open in 20 days.
        Phase::Verification => (now + day * 120, now + day * 134),
        Phase::Voting => (now - day, now + day * 14),
        Phase::Counting | Phase::Results => (now - day * 15, now - day),
    };
    let schedule = Schedule::new(
        (voting.0 - day * 200, voting.0 - day * 170),
        (voting.0 - day * 100, voting.0 - day * 90),
        voting,
    )
    .map_err(|e| anyhow::anyhow!("schedule: {e:?}"))?;
    let pools = files
        .iter()
        .map(|(e, district)| NewPool {
            code: district
                .as_ref()
                .map_or_else(|| "city".to_owned(), |d| format!("d{}", d.number)),
            district: district.as_ref().map(|d| d.id),
            name_pl: district
                .as_ref()
                .map_or_else(|| "Projekty ogólnomiejskie".to_owned(), |d| d.label()),
            name_en: district
                .as_ref()
                .map_or_else(|| "City-wide projects".to_owned(), |d| d.label()),
            budget: e.budget.hundredths(),
            min_cost: 0,
            max_cost: None,
            rule: BallotRule::default(),
            counting: Counting::Greedy,
        })
        .collect();
    let new = NewEdition {
        slug: slug.to_owned(),
        name_pl: format!("Budżet obywatelski – edycja pokazowa {slug}"),
        name_en: format!("Citizens' budget – demo edition {slug}"),
        schedule,
        min_age: None,
        allow_without_pesel: true,
        results_due: Some((voting.1 + day * 14).date_naive()),
        pools,
        // Three members without accounts: the shares are printed (or used) here.
        commission: Commission {
            members: vec![None; 3],
            threshold: 2,
        },
    };
    let tx = miasto_store::begin(db).await?;
    let (edition, shares) = match budget::create_edition(&tx, &new, None, secret).await {
        Ok(created) => created,
        Err(budget::CreateError::SlugTaken) => bail!("an edition {slug} exists already"),
        Err(e) => return Err(e.into()),
    };
    let pools = budget::pools(&tx, edition.id).await?;
    let mut projects = Vec::new();
    for ((e, district), pool) in files.iter().zip(&pools) {
        let mut ids = Vec::with_capacity(e.projects.len());
        for p in &e.projects {
            let project = budget::import_project(&tx, &edition, &{
                let mut new = project_of(e, p, district.as_ref(), pool.id);
                if phase == Phase::Verification {
                    new.status = ProjectStatus::Submitted;
                }
                new
            })
            .await?;
            ids.push(project.id);
        }
        projects.push(ids);
    }
    tx.commit().await?;
    let mut ballots = 0usize;
    if let Some(limit) = limit {
        // The first ballots of each file in turn, up to the limit.
        let mut left = limit;
        let each = limit.div_ceil(files.len().max(1));
        for (e, _) in &mut files {
            let keep = each.min(left).min(e.ballots.len());
            e.ballots.truncate(keep);
            left -= keep;
        }
    }
    if matches!(phase, Phase::Counting | Phase::Results) {
        // The real ballots, cast as they would have been: during voting, each sealed.
        let during = Clock::at(voting.0 + day);
        ballots = during
            .run(cast_all(db, &edition, &files, &pools, &projects, secret))
            .await?;
    }
    let totals = format!(
        "{} pools, {} projects",
        pools.len(),
        files.iter().map(|(e, _)| e.projects.len()).sum::<usize>()
    );
    Ok(Built {
        shares,
        ballots,
        totals,
    })
}

pub async fn create(
    db: &DatabaseConnection,
    secret: &[u8],
    slug: &str,
    phase: Phase,
    dir: &Path,
    limit: Option<usize>,
) -> anyhow::Result<()> {
    let Built {
        shares,
        ballots,
        totals,
    } = build(db, secret, slug, phase, dir, limit).await?;
    if phase == Phase::Results {
        let edition = budget::edition(db, slug)
            .await?
            .context("the demo edition vanished")?;
        let entries: Vec<String> = shares.iter().take(2).map(|s| s.to_text()).collect();
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        budget::open_and_count(db, &edition, &entries, None, secret, &|_| {})
            .await
            .map_err(|e| anyhow::anyhow!("opening the demo ballots: {e}"))?;
        let tx = miasto_store::begin(db).await?;
        budget::publish(&tx, edition.id)
            .await
            .map_err(|e| anyhow::anyhow!("publishing: {e}"))?;
        tx.commit().await?;
        println!(
            "Created the demo edition {slug}: {totals}, {ballots} sealed ballots opened with \
             the commission's shares, counted and published."
        );
    } else {
        println!(
            "Created the demo edition {slug}: {totals}, {}.",
            if phase == Phase::Verification {
                "projects waiting for verification".to_owned()
            } else if phase == Phase::Voting {
                "voting open".to_owned()
            } else {
                format!("{ballots} sealed ballots waiting for the count")
            }
        );
        println!(
            "The counting commission's shares (any {} of {} open the ballots; keep them):",
            2,
            shares.len()
        );
        for share in &shares {
            println!("{}", share.to_text());
        }
    }
    println!("See /budget/{slug}");
    Ok(())
}

/// A project of a Pabulib file as the edition's project.
fn project_of(
    e: &Election,
    p: &miasto_tally::Project,
    district: Option<&District>,
    pool: miasto_domain::PoolId,
) -> NewProject {
    let source = format!(
        "{} {}",
        e.meta("unit").unwrap_or("Kraków"),
        e.meta("instance").unwrap_or_default()
    );
    let year = e.meta("instance").unwrap_or_default();
    // Some files number projects 1, 2, …: give them the city's form of number.
    let code = match district {
        Some(d) if p.id.chars().all(|c| c.is_ascii_digit()) => format!(
            "BO.D{}.{}/{}",
            d.number,
            p.id,
            year.get(year.len().saturating_sub(2)..).unwrap_or_default()
        ),
        _ => p.id.clone(),
    };
    let title = field(e, p, "name");
    NewProject {
        pool,
        code: Some(code.clone()),
        author: None,
        title: if title.is_empty() {
            code.clone()
        } else {
            title.to_owned()
        },
        summary: format!("Projekt z budżetu obywatelskiego ({source}), dane z Pabulib."),
        description: format!(
            "Projekt {code} zgłoszony w budżecie obywatelskim ({source}). Opis, miejsce i \
             kosztorys są w serwisie budżetu obywatelskiego Krakowa; tutaj służy do pokazania \
             głosowania i liczenia."
        ),
        location: district.map_or_else(|| "Kraków".to_owned(), District::label),
        point: None,
        category: category(field(e, p, "category")).to_owned(),
        items: vec![CostItem {
            description: "Koszt całkowity".into(),
            amount: p.cost.hundredths(),
        }],
        status: ProjectStatus::Accepted,
    }
}

/// Casts every ballot of the files through the sealed path, in transactions of a thousand,
/// each voter a throwaway identity (the files are anonymous). Run under a clock inside the
/// voting window.
async fn cast_all(
    db: &DatabaseConnection,
    edition: &budget::Edition,
    files: &[(Election, Option<District>)],
    pools: &[budget::Pool],
    projects: &[Vec<miasto_domain::ProjectId>],
    secret: &[u8],
) -> anyhow::Result<usize> {
    let total: usize = files.iter().map(|(e, _)| e.ballots.len()).sum();
    let mut cast = 0usize;
    for (((e, _), pool), ids) in files.iter().zip(pools).zip(projects) {
        let top = e
            .meta("max_length")
            .and_then(|v| v.parse::<u16>().ok())
            .unwrap_or(3);
        for chunk in e.ballots.chunks(1000) {
            let tx = miasto_store::begin(db).await?;
            for b in chunk {
                let marks: Vec<Mark> = b
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(rank, &p)| Mark {
                        pool: pool.id,
                        project: ids[p],
                        points: top.saturating_sub(u16::try_from(rank).unwrap_or(u16::MAX)),
                    })
                    .collect();
                let voter = VoterKeys {
                    primary: keyed_hex(
                        secret,
                        &[b"demo-voter", pool.code.as_bytes(), b.voter_id.as_bytes()],
                    ),
                    alias: None,
                };
                budget::cast(&tx, edition, &voter, None, Channel::Online, &marks, secret)
                    .await
                    .map_err(|e| anyhow::anyhow!("storing a demo ballot: {e}"))?;
            }
            tx.commit().await?;
            cast += chunk.len();
            if cast % 10_000 < chunk.len() {
                eprintln!("{cast} of {total} ballots sealed and stored");
            }
        }
    }
    Ok(cast)
}
