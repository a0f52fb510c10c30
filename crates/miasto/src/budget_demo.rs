//! `miasto budget demo`: a citizens' budget edition built from Kraków's real votes in
//! `data/pabulib/` (Pabulib, CC BY 4.0): the city-wide pool from Kraków 2024 and a district
//! pool from every district file, with the real projects, costs and budgets. With
//! `--phase voting` voting is open now, for trying the ballot; with `--phase results` the
//! files' real ballots are stored as online ballots, voting has closed, and the count is
//! stored and published, so the results page shows Kraków's official winners.

use anyhow::{Context, bail};
use chrono::Duration;
use miasto_domain::budget::{BallotRule, Counting, Schedule};
use miasto_store::DatabaseConnection;
use miasto_store::budget::{
    self, Channel, CostItem, Mark, NewEdition, NewPool, NewProject, ProjectStatus,
};
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
    Voting,
    Results,
}

impl Phase {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "voting" => Ok(Self::Voting),
            "results" => Ok(Self::Results),
            _ => bail!("--phase must be voting or results (not {raw:?})"),
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

pub async fn create(
    db: &DatabaseConnection,
    secret: &[u8],
    slug: &str,
    phase: Phase,
    dir: &Path,
) -> anyhow::Result<()> {
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
        Phase::Voting => (now - day, now + day * 14),
        Phase::Results => (now - day * 15, now - day),
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
    };
    let tx = miasto_store::begin(db).await?;
    let edition = match budget::create_edition(&tx, &new, None).await {
        Ok(e) => e,
        Err(budget::CreateError::SlugTaken) => bail!("an edition {slug} exists already"),
        Err(budget::CreateError::Store(e)) => return Err(e.into()),
    };
    let pools = budget::pools(&tx, edition.id).await?;
    let mut ballots = 0usize;
    for ((e, district), pool) in files.iter().zip(&pools) {
        let source = format!(
            "{} {}",
            e.meta("unit").unwrap_or("Kraków"),
            e.meta("instance").unwrap_or_default()
        );
        let year = e.meta("instance").unwrap_or_default();
        let mut ids = Vec::with_capacity(e.projects.len());
        for p in &e.projects {
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
            let project = budget::add_project(
                &tx,
                &edition,
                &NewProject {
                    pool: pool.id,
                    code: Some(code.clone()),
                    author: None,
                    title: if title.is_empty() {
                        code.clone()
                    } else {
                        title.to_owned()
                    },
                    summary: format!(
                        "Projekt z budżetu obywatelskiego ({source}), dane z Pabulib."
                    ),
                    description: format!(
                        "Projekt {} zgłoszony w budżecie obywatelskim ({source}). Opis, miejsce \
                         i kosztorys są w serwisie budżetu obywatelskiego Krakowa; tutaj służy \
                         do pokazania głosowania i liczenia.",
                        code
                    ),
                    location: district
                        .as_ref()
                        .map_or_else(|| "Kraków".to_owned(), District::label),
                    point: None,
                    category: category(field(e, p, "category")).to_owned(),
                    items: vec![CostItem {
                        description: "Koszt całkowity".into(),
                        amount: p.cost.hundredths(),
                    }],
                    status: ProjectStatus::Accepted,
                },
            )
            .await?;
            ids.push(project.id);
        }
        if phase == Phase::Results {
            // The real, anonymised ballots: each voter gets a throwaway identity.
            let top = e
                .meta("max_length")
                .and_then(|v| v.parse::<u16>().ok())
                .unwrap_or(3);
            for b in &e.ballots {
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
                let identity = budget::Identity::Declared {
                    born: chrono::NaiveDate::MIN,
                    name: format!("demo {} {}", pool.code, b.voter_id),
                };
                let hash = identity.hash(secret, edition.id);
                budget::cast(
                    &tx,
                    edition.id,
                    &hash,
                    None,
                    Channel::Online,
                    voting.0.date_naive(),
                    &marks,
                )
                .await
                .map_err(|e| anyhow::anyhow!("storing a demo ballot: {e}"))?;
                ballots += 1;
            }
        }
    }
    if phase == Phase::Results {
        budget::count(&tx, &edition).await?;
        budget::publish(&tx, edition.id).await?;
    }
    tx.commit().await?;
    println!(
        "Created the demo edition {slug}: {} pools, {} projects{}.",
        pools.len(),
        files.iter().map(|(e, _)| e.projects.len()).sum::<usize>(),
        if phase == Phase::Results {
            format!(", {ballots} ballots counted and published")
        } else {
            ", voting open".to_owned()
        }
    );
    println!("See /budget/{slug}");
    Ok(())
}
