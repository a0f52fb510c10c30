//! `miasto demo seed --reports N`: realistic contact-centre data for demos and benchmarks.
//!
//! The shares are the city's own H1 2025 figures (`domain.md` §1.1): problem and idea
//! categories, outcome statuses, and resolution-time buckets. What the city does not publish
//! is assumed and said so here: four problems to one idea, the split of the problems' "other"
//! 30% into stops, ongoing investments, dead animals and the rest, the channels, and the
//! longest resolution times. Places are uniform over the city's area (points inside the
//! district polygons). The generator is seeded, so the same seed gives the same data.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use miasto_domain::geo::{DistrictMap, Point};
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_domain::{DistrictId, ReportId, UnitId};
use miasto_store::DatabaseConnection;
use miasto_store::reference::Category;
use miasto_store::reports::{self, SeedReport};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};

/// Category code → share in per cent.
const PROBLEM_CATEGORIES: &[(&str, u32)] = &[
    ("problem.litter", 19),
    ("problem.roads", 15),
    ("problem.lighting", 14),
    ("problem.greenery", 13),
    ("problem.tree-felling", 9),
    // The city's "other" 30%, split (assumption): stops, ongoing investments, dead animals, rest.
    ("problem.transport-stop", 8),
    ("problem.investment-works", 6),
    ("problem.dead-animals", 4),
    ("problem.other", 12),
];

const IDEA_CATEGORIES: &[(&str, u32)] = &[
    ("idea.traffic", 30),
    ("idea.public-transport", 18),
    ("idea.roads", 13),
    ("idea.greenery", 6),
    ("idea.other", 33),
];

const PROBLEM_OUTCOMES: &[(Status, u32)] = &[
    (Status::Solved, 60),
    (Status::BeingSolved, 23),
    (Status::NotFound, 6),
    (Status::OutsideCompetence, 4),
    (Status::UnderAnalysis, 3),
    (Status::Unfounded, 3),
    (Status::AwaitingFunding, 1),
];

const IDEA_OUTCOMES: &[(Status, u32)] = &[
    (Status::Implemented, 43),
    (Status::BeingImplemented, 15),
    (Status::Unfounded, 18),
    (Status::UnderAnalysis, 14),
    (Status::AwaitingFunding, 4),
    (Status::OutsideCompetence, 3),
    (Status::TemporarySolution, 3),
];

/// Days to close: (from, to, share %). The last bucket's upper end is an assumption.
const PROBLEM_DAYS: &[(i64, i64, u32)] = &[
    (0, 7, 34),
    (8, 14, 16),
    (15, 21, 15),
    (22, 30, 17),
    (31, 60, 14),
    (61, 180, 4),
];
const IDEA_DAYS: &[(i64, i64, u32)] = &[
    (0, 7, 19),
    (8, 14, 15),
    (15, 21, 16),
    (22, 30, 17),
    (31, 60, 22),
    (61, 240, 11),
];

/// Channels (assumption; the city publishes call volumes, not the split of reports).
const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Web, 55),
    (Channel::Phone, 30),
    (Channel::Api, 12),
    (Channel::Counter, 2),
    (Channel::Email, 1),
];

/// Problems per 100 reports (assumption).
const PROBLEM_SHARE: u32 = 80;

const STREETS: &[&str] = &[
    "Długa",
    "Karmelicka",
    "Dietla",
    "Grzegórzecka",
    "Mogilska",
    "Kalwaryjska",
    "Wielicka",
    "Zakopiańska",
    "Królewska",
    "Armii Krajowej",
    "Conrada",
    "Opolska",
    "Wrocławska",
    "Lea",
    "Nowohucka",
    "Jana Pawła II",
    "Bora-Komorowskiego",
    "Bieńczycka",
    "Kocmyrzowska",
    "Tyniecka",
    "Kapelanka",
    "Zabłocie",
    "Limanowskiego",
    "Lipska",
    "Bulwarowa",
    "Prądnicka",
    "Kamieńskiego",
    "Witosa",
    "Tischnera",
    "Pachońskiego",
];

fn descriptions(code: &str) -> &'static [&'static str] {
    match code {
        "problem.litter" => &[
            "Przepełnione kosze na śmieci przy przystanku.",
            "Dzikie wysypisko gruzu na skwerze.",
            "Porozrzucane śmieci przy ławkach.",
        ],
        "problem.roads" => &[
            "Dziura w jezdni, niebezpieczna dla rowerzystów.",
            "Zapadnięte płyty chodnikowe.",
            "Połamana ławka na placu zabaw.",
        ],
        "problem.lighting" => &[
            "Nie świeci latarnia przy przejściu dla pieszych.",
            "Latarnia miga przez całą noc.",
            "Cała ulica bez oświetlenia.",
        ],
        "problem.greenery" => &[
            "Nieskoszony trawnik zasłania widoczność.",
            "Suche gałęzie nad chodnikiem.",
            "Zaniedbany klomb przy bloku.",
        ],
        "problem.tree-felling" => &[
            "Drzewo przewrócone po burzy tarasuje przejście.",
            "Złamany konar wisi nad jezdnią.",
        ],
        "problem.transport-stop" => &[
            "Zbita szyba w wiacie przystankowej.",
            "Nie działa tablica z rozkładem jazdy.",
        ],
        "problem.investment-works" => &[
            "Plac budowy bez oznakowania objazdu.",
            "Błoto z budowy na chodniku.",
        ],
        "problem.dead-animals" => &["Martwy ptak na chodniku.", "Potrącone zwierzę na poboczu."],
        "idea.traffic" => &[
            "Proszę o przejście dla pieszych przy szkole.",
            "Przydałby się próg zwalniający na osiedlowej ulicy.",
        ],
        "idea.public-transport" => &[
            "Proponuję częstsze kursy tramwaju w weekendy.",
            "Nowy przystanek przy przychodni.",
        ],
        "idea.roads" => &[
            "Obniżenie krawężnika dla wózków.",
            "Chodnik wzdłuż drogi do parku.",
        ],
        "idea.greenery" => &[
            "Posadzić drzewa wzdłuż ulicy.",
            "Łąka kwietna zamiast trawnika.",
        ],
        _ => &[
            "Proszę o sprawdzenie sprawy na miejscu.",
            "Sprawa wymaga interwencji miasta.",
        ],
    }
}

fn pick<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (value, weight) in table {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    table[0].0
}

fn days_to_close(rng: &mut StdRng, kind: ReportKind) -> i64 {
    let table = match kind {
        ReportKind::Problem => PROBLEM_DAYS,
        ReportKind::Idea => IDEA_DAYS,
    };
    let buckets: Vec<((i64, i64), u32)> = table.iter().map(|(a, b, w)| ((*a, *b), *w)).collect();
    let (from, to) = pick(rng, &buckets);
    rng.random_range(from..=to)
}

/// Everything the generator needs from the database.
pub struct CityModel {
    categories: HashMap<String, Category>,
    districts: Vec<(u16, DistrictId)>,
    map: DistrictMap,
    routes: Vec<miasto_store::routing::Rule>,
    bbox: (f64, f64, f64, f64),
    centre: Point,
}

impl CityModel {
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Self> {
        let categories = miasto_store::reference::list_categories(db)
            .await?
            .into_iter()
            .map(|c| (c.code.as_str().to_owned(), c))
            .collect();
        let districts = miasto_store::reference::list_districts(db)
            .await?
            .into_iter()
            .map(|d| (d.number, d.id))
            .collect();
        let map = miasto_store::reference::district_map(db).await?;
        let centre = map.center().context("the city has no districts")?;
        // Kraków spans about ±0.08° of latitude and ±0.22° of longitude around its centre.
        let bbox = (
            centre.lat() - 0.09,
            centre.lat() + 0.09,
            centre.lon() - 0.23,
            centre.lon() + 0.23,
        );
        Ok(Self {
            categories,
            districts,
            map,
            routes: miasto_store::routing::list_rules(db).await?,
            bbox,
            centre,
        })
    }

    fn unit(&self, category: &Category, district: Option<DistrictId>) -> Option<UnitId> {
        let rules = self.routes.iter().filter(|r| r.category == category.id);
        let mut default = None;
        for r in rules {
            if r.district.is_some() && r.district == district {
                return Some(r.unit);
            }
            if r.district.is_none() {
                default = Some(r.unit);
            }
        }
        default
    }

    fn point(&self, rng: &mut StdRng) -> (Point, Option<DistrictId>) {
        let (lat0, lat1, lon0, lon1) = self.bbox;
        for _ in 0..1000 {
            let Ok(p) = Point::new(rng.random_range(lat0..lat1), rng.random_range(lon0..lon1))
            else {
                continue;
            };
            if let Some(number) = self.map.locate(p) {
                let id = self
                    .districts
                    .iter()
                    .find(|(n, _)| *n == number)
                    .map(|(_, id)| *id);
                return (p, id);
            }
        }
        (self.centre, None)
    }
}

fn progress(done: u64, total: u64, last_shown: &mut u64) {
    let tty = std::io::stderr().is_terminal();
    let step = (total / 20).max(1);
    if tty || done == total || done >= *last_shown + step {
        let pct = done * 100 / total.max(1);
        let end = if tty && done < total { "\r" } else { "\n" };
        eprint!("seeding reports: {done}/{total} ({pct}%){end}");
        let _ = std::io::stderr().flush();
        *last_shown = done;
    }
}

/// Adds `count` reports created over the last `days` days.
pub async fn seed(db: &DatabaseConnection, count: u64, days: i64, seed: u64) -> anyhow::Result<()> {
    let city = CityModel::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let now = miasto_store::now();
    // Creation times first, sorted, so tracking numbers follow the calendar.
    let span = days.max(1) * 86_400;
    let mut created: Vec<i64> = (0..count).map(|_| rng.random_range(0..span)).collect();
    created.sort_unstable();
    let start = now - Duration::seconds(span);
    let mut next_seq: HashMap<i32, u32> = HashMap::new();
    let mut batch: Vec<SeedReport> = Vec::with_capacity(500);
    let mut tx = miasto_store::begin(db).await?;
    let mut last_shown = 0;
    for (i, offset) in created.into_iter().enumerate() {
        let created_at = start + Duration::seconds(offset);
        batch.push(generate(&city, &mut rng, created_at, now, &mut next_seq, db).await?);
        if batch.len() == 500 {
            reports::insert_seeded(&tx, &batch).await?;
            batch.clear();
        }
        let done = i as u64 + 1;
        if done.is_multiple_of(10_000) {
            // Numbers handed out so far are committed with their reports, so a run that is
            // stopped part-way leaves a database the next run continues without clashes.
            reports::insert_seeded(&tx, &batch).await?;
            batch.clear();
            for (&year, &last) in &next_seq {
                reports::raise_counter(&tx, year, last).await?;
            }
            tx.commit().await?;
            tx = miasto_store::begin(db).await?;
        }
        if done.is_multiple_of(5_000) || done == count {
            progress(done, count, &mut last_shown);
        }
    }
    reports::insert_seeded(&tx, &batch).await?;
    for (year, last) in next_seq {
        reports::raise_counter(&tx, year, last).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn generate(
    city: &CityModel,
    rng: &mut StdRng,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    next_seq: &mut HashMap<i32, u32>,
    db: &DatabaseConnection,
) -> anyhow::Result<SeedReport> {
    let kind = if rng.random_range(0..100) < PROBLEM_SHARE {
        ReportKind::Problem
    } else {
        ReportKind::Idea
    };
    let (categories, outcomes) = match kind {
        ReportKind::Problem => (PROBLEM_CATEGORIES, PROBLEM_OUTCOMES),
        ReportKind::Idea => (IDEA_CATEGORIES, IDEA_OUTCOMES),
    };
    let code = pick(rng, categories);
    let category = city
        .categories
        .get(code)
        .with_context(|| format!("the city has no category {code}"))?;
    let (point, district) = city.point(rng);
    let unit = city
        .unit(category, district)
        .context("a category without a routing rule")?;
    let mut status = pick(rng, outcomes);
    let mut closed_at = None;
    let status_at = if status.is_closed() {
        let closed = created_at
            + Duration::days(days_to_close(rng, kind))
            + Duration::hours(rng.random_range(0..24));
        if closed < now {
            closed_at = Some(closed);
            closed
        } else {
            // Too recent to be closed yet: still being handled.
            status = if kind == ReportKind::Problem {
                Status::BeingSolved
            } else {
                Status::BeingImplemented
            };
            now.min(created_at + Duration::days(1))
        }
    } else {
        let open_for = (now - created_at).num_days().max(0);
        created_at + Duration::days(rng.random_range(0..=open_for.min(30)))
    };
    let year = chrono::Datelike::year(&(created_at + Duration::hours(1)));
    let seq = match next_seq.get_mut(&year) {
        Some(seq) => {
            *seq += 1;
            *seq
        }
        None => {
            let seq = reports::last_number(db, year).await? + 1;
            next_seq.insert(year, seq);
            seq
        }
    };
    let texts = descriptions(code);
    let description = texts[rng.random_range(0..texts.len())].to_owned();
    let street = STREETS[rng.random_range(0..STREETS.len())];
    let id = ReportId(uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        u64::try_from(created_at.timestamp()).unwrap_or_default(),
        created_at.timestamp_subsec_nanos(),
    )));
    let contact_email = (rng.random_range(0..100) < 40)
        .then(|| format!("demo-{}@example.invalid", rng.random_range(0..1_000_000)));
    let channel = pick(rng, CHANNELS);
    let answer = answer(rng, kind, status, contact_email.is_some());
    Ok(SeedReport {
        id,
        number: TrackingNumber { year, seq },
        kind,
        category: category.id,
        status,
        unit,
        district,
        point: Some(point),
        address: Some(format!("ul. {street} {}", rng.random_range(1..120))),
        description,
        channel,
        contact_email,
        created_at,
        status_at: status_at.min(now),
        closed_at,
        answer,
    })
}

/// About one in three residents with an e-mail answers "was it solved?" about a closed
/// problem: most say yes when the city says it was, few otherwise.
fn answer(rng: &mut StdRng, kind: ReportKind, status: Status, e_mail: bool) -> Option<(bool, u8)> {
    if kind != ReportKind::Problem || !status.is_closed() || !e_mail {
        return None;
    }
    if rng.random_range(0..3) != 0 {
        return None;
    }
    let solved = rng.random_range(0..100) < if status == Status::Solved { 85 } else { 20 };
    let score = if solved {
        rng.random_range(3..=5)
    } else {
        rng.random_range(1..=3)
    };
    Some((solved, score))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_add_up_to_the_whole() {
        for table in [PROBLEM_CATEGORIES, IDEA_CATEGORIES] {
            assert_eq!(table.iter().map(|(_, w)| w).sum::<u32>(), 100);
        }
        for table in [PROBLEM_OUTCOMES, IDEA_OUTCOMES] {
            assert_eq!(table.iter().map(|(_, w)| w).sum::<u32>(), 100);
        }
        for table in [PROBLEM_DAYS, IDEA_DAYS] {
            assert_eq!(table.iter().map(|(_, _, w)| w).sum::<u32>(), 100);
        }
        assert_eq!(CHANNELS.iter().map(|(_, w)| w).sum::<u32>(), 100);
    }

    #[test]
    fn picking_follows_the_weights() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut solved = 0;
        for _ in 0..20_000 {
            if pick(&mut rng, PROBLEM_OUTCOMES) == Status::Solved {
                solved += 1;
            }
        }
        let share = f64::from(solved) / 20_000.0;
        assert!((share - 0.60).abs() < 0.015, "{share}");
        let mut within_a_week = 0;
        for _ in 0..20_000 {
            if days_to_close(&mut rng, ReportKind::Problem) <= 7 {
                within_a_week += 1;
            }
        }
        let share = f64::from(within_a_week) / 20_000.0;
        assert!((share - 0.34).abs() < 0.015, "{share}");
    }

    #[test]
    fn only_closed_problems_with_an_e_mail_get_answers() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..1_000 {
            assert!(answer(&mut rng, ReportKind::Idea, Status::Implemented, true).is_none());
            assert!(answer(&mut rng, ReportKind::Problem, Status::BeingSolved, true).is_none());
            assert!(answer(&mut rng, ReportKind::Problem, Status::Solved, false).is_none());
        }
        let answers: Vec<_> = (0..30_000)
            .filter_map(|_| answer(&mut rng, ReportKind::Problem, Status::Solved, true))
            .collect();
        let share = answers.len() as f64 / 30_000.0;
        assert!((share - 1.0 / 3.0).abs() < 0.015, "{share}");
        let said_solved = answers.iter().filter(|(s, _)| *s).count() as f64;
        assert!((said_solved / answers.len() as f64 - 0.85).abs() < 0.02);
        assert!(answers.iter().all(|(_, score)| (1..=5).contains(score)));
    }
}
