//! "KCK in numbers": a dataset built with the city's published H1 2025 distributions
//! (`domain.md` §1.1), and every figure the page shows checked against it — volumes per
//! month and year on year, category and outcome shares, resolution-time buckets and their
//! cumulative shares, the share acted on, the per-unit table, hotline calls — plus the CSV
//! downloads and the filters.

use crate::harness::{TestApp, TestResponse};
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_domain::{ReportId, UnitId};
use miasto_store::reference;
use miasto_store::reports::{self, SeedReport};
use std::collections::BTreeMap;

/// Repeats each value its count of times.
fn spread<T: Copy>(parts: &[(T, usize)]) -> Vec<T> {
    parts
        .iter()
        .flat_map(|(v, n)| std::iter::repeat_n(*v, *n))
        .collect()
}

/// The page's figure format: one decimal with a comma.
fn pl(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole as f64).replace('.', ",")
}

/// One seeded report: category code, status, days to close (closed ones), month of 2025.
#[derive(Clone, Copy)]
struct Row {
    category: &'static str,
    status: Status,
    days: Option<i64>,
    month: u32,
}

/// The unit each category routes to, by category code.
struct Ids {
    units: BTreeMap<String, UnitId>,
}

async fn ids(app: &TestApp) -> Ids {
    let mut units = BTreeMap::new();
    for c in reference::list_categories(&app.db.db).await.unwrap() {
        let unit = miasto_store::routing::route(&app.db.db, c.id, None)
            .await
            .unwrap()
            .unwrap();
        units.insert(c.code.as_str().to_owned(), unit);
    }
    Ids { units }
}

async fn seed(app: &TestApp, ids: &Ids, year: i32, rows: &[Row], first_seq: u32) {
    let categories = reference::list_categories(&app.db.db).await.unwrap();
    let batch: Vec<SeedReport> = rows
        .iter()
        .zip(first_seq..)
        .map(|(r, seq)| {
            let created_at = Utc.with_ymd_and_hms(year, r.month, 10, 9, 0, 0).unwrap();
            let closed_at = r
                .days
                .map(|d| created_at + chrono::Duration::days(d) + chrono::Duration::hours(3));
            let category = categories
                .iter()
                .find(|c| c.code.as_str() == r.category)
                .unwrap();
            SeedReport {
                id: ReportId::new(),
                number: TrackingNumber { year, seq },
                kind: category.kind,
                category: category.id,
                status: r.status,
                unit: ids.units[r.category],
                district: None,
                point: None,
                address: Some("Rynek Główny 1".into()),
                description: "Zgłoszenie do statystyk".into(),
                channel: Channel::Web,
                contact_email: None,
                created_at,
                status_at: closed_at.unwrap_or(created_at),
                closed_at,
                answer: None,
            }
        })
        .collect();
    reports::insert_seeded(&app.db.db, &batch).await.unwrap();
}

#[track_caller]
fn row(res: &TestResponse, label: &str, cells: &[String]) {
    let expected = format!(
        r#"<th scope="row">{label}</th>{}"#,
        cells
            .iter()
            .map(|c| format!("<td>{c}</td>"))
            .collect::<String>()
    );
    res.assert_contains(&expected);
}

/// 100 problems and 100 ideas in H1 2025 with the published shares; 50 problems a year
/// earlier.
fn dataset() -> (Vec<Row>, Vec<Row>) {
    use Status::*;
    let problem_categories = spread(&[
        ("problem.litter", 19),
        ("problem.roads", 15),
        ("problem.lighting", 14),
        ("problem.greenery", 13),
        ("problem.tree-felling", 9),
        ("problem.transport-stop", 10),
        ("problem.investment-works", 10),
        ("problem.dead-animals", 10),
    ]);
    let problem_statuses = spread(&[
        (Solved, 60),
        (BeingSolved, 23),
        (NotFound, 6),
        (OutsideCompetence, 4),
        (UnderAnalysis, 3),
        (Unfounded, 3),
        (AwaitingFunding, 1),
    ]);
    // The 73 closed problems by days to close: 34% within a week, 50% within two, …
    let problem_days = spread(&[(3, 25), (10, 12), (18, 11), (25, 12), (45, 10), (90, 3)]);
    let idea_categories = spread(&[
        ("idea.traffic", 30),
        ("idea.public-transport", 18),
        ("idea.roads", 13),
        ("idea.greenery", 6),
        ("idea.other", 33),
    ]);
    let idea_statuses = spread(&[
        (Implemented, 43),
        (BeingImplemented, 15),
        (Unfounded, 18),
        (UnderAnalysis, 14),
        (AwaitingFunding, 4),
        (OutsideCompetence, 3),
        (TemporarySolution, 3),
    ]);
    let idea_days = [2, 9, 16, 26, 40, 70];
    let build = |categories: &[&'static str], statuses: &[Status], days: &dyn Fn(usize) -> i64| {
        let mut closed = 0;
        categories
            .iter()
            .zip(statuses)
            .enumerate()
            .map(|(i, (&category, &status))| {
                let days = status.is_closed().then(|| {
                    closed += 1;
                    days(closed - 1)
                });
                Row {
                    category,
                    status,
                    days,
                    month: u32::try_from(i % 6).unwrap() + 1,
                }
            })
            .collect::<Vec<_>>()
    };
    let problems = build(&problem_categories, &problem_statuses, &|i| problem_days[i]);
    let ideas = build(&idea_categories, &idea_statuses, &|i| idea_days[i % 6]);
    (problems, ideas)
}

#[tokio::test]
async fn the_page_shows_exactly_the_figures_of_a_known_dataset() {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let (problems, ideas) = dataset();
    seed(&app, &ids, 2025, &problems, 1).await;
    seed(&app, &ids, 2025, &ideas, 101).await;
    let earlier: Vec<Row> = problems
        .iter()
        .take(50)
        .map(|r| Row {
            status: Status::New,
            days: None,
            ..*r
        })
        .collect();
    seed(&app, &ids, 2024, &earlier, 1).await;
    let january: Vec<(NaiveDate, u64)> = (1..=31)
        .map(|d| (NaiveDate::from_ymd_opt(2025, 1, d).unwrap(), 600))
        .collect();
    miasto_store::stats::import_calls(&app.db.db, &january, None)
        .await
        .unwrap();

    // Two residents answer "was it solved?": one yes (5), one no (2).
    for (seq, solved, score) in [(1, true, 5), (2, false, 2)] {
        let number = TrackingNumber { year: 2025, seq };
        let report = reports::get_by_number(&app.db.db, number)
            .await
            .unwrap()
            .unwrap();
        let token = reports::start_feedback(&app.db.db, report.id)
            .await
            .unwrap()
            .unwrap();
        assert!(
            reports::answer_feedback(&app.db.db, &token, solved, score)
                .await
                .unwrap()
        );
    }

    let res = app
        .browser()
        .get("/stats?period=half&year=2025&half=1")
        .await;
    res.assert_status(StatusCode::OK)
        .assert_contains("2025-01 – 2025-06")
        .assert_contains("razem 200 zgłoszeń.");

    // Per month: problems and ideas alternate over the six months.
    for m in 1..=6 {
        let count = |rows: &[Row]| rows.iter().filter(|r| r.month == m).count();
        let (p, i, before) = (count(&problems), count(&ideas), count(&earlier));
        row(
            &res,
            &format!("2025-{m:02}"),
            &[
                p.to_string(),
                i.to_string(),
                (p + i).to_string(),
                format!("{before} (+{})", pl(p + i - before, before)),
            ],
        );
    }
    // Year on year: 100 problems against 50, ideas against none.
    res.assert_contains("<dd>50 (+100,0%)</dd>")
        .assert_contains("<dd>0 (—)</dd>");
    // Category shares, as published.
    for (name, share) in [
        ("Zanieczyszczenia", 19),
        ("Awarie oświetlenia", 14),
        ("Organizacja ruchu i drogi publiczne", 30),
    ] {
        row(&res, name, &[share.to_string(), pl(share, 100)]);
    }
    // Outcomes, as published.
    for (label, n) in [
        ("Problem rozwiązany", 60),
        ("W trakcie rozwiązywania", 23),
        ("Nie wykryto problemu", 6),
        ("Oczekiwanie na środki finansowe", 1),
        ("Zrealizowany", 43),
        ("Tymczasowe rozwiązanie", 3),
    ] {
        row(&res, label, &[n.to_string(), pl(n, 100)]);
    }
    // Acted on: 60 + 23 problems, 43 + 15 ideas.
    res.assert_contains("<dd>83,0%</dd>")
        .assert_contains("<dd>58,0%</dd>");
    // Time to close: of the 73 closed problems, 34.2% within a week, 50.7% within two, …
    res.assert_contains("(73 zamkniętych)");
    let mut running = 0;
    for (label, n) in [
        ("0–7", 25),
        ("8–14", 12),
        ("15–21", 11),
        ("22–30", 12),
        ("31–60", 10),
        ("61+", 3),
    ] {
        running += n;
        row(&res, label, &[n.to_string(), pl(n, 73), pl(running, 73)]);
    }
    // Per unit, counted here from the dataset.
    let units = reference::list_units(&app.db.db).await.unwrap();
    for unit in &units {
        let mine: Vec<&Row> = problems
            .iter()
            .chain(&ideas)
            .filter(|r| ids.units[r.category] == unit.id)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let open = mine.iter().filter(|r| r.days.is_none()).count();
        let mut days: Vec<i64> = mine.iter().filter_map(|r| r.days).collect();
        days.sort_unstable();
        let median = match days.len() {
            0 => "—".to_owned(),
            n if n % 2 == 1 => format!("{:.1}", days[n / 2] as f64),
            n => format!("{:.1}", (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        }
        .replace('.', ",");
        let within = days.iter().filter(|d| **d <= 30).count();
        row(
            &res,
            unit.names.pl.as_str(),
            &[
                mine.len().to_string(),
                open.to_string(),
                median,
                pl(within, mine.len()),
            ],
        );
    }
    // Hotline calls: January imported, the other months none.
    row(&res, "2025-01", &["18600".into()]);
    row(&res, "2025-02", &["0".into()]);
    res.assert_contains("<dt>Odpowiedzi</dt><dd>2</dd>")
        .assert_contains("<dd>50,0%</dd>")
        .assert_contains("<dt>Średnia ocena (1–5)</dt><dd>3,5</dd>");

    // The same numbers as CSV.
    let csv = app
        .browser()
        .get("/stats/categories.csv?period=half&year=2025&half=1")
        .await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    csv.assert_contains("problem,problem.lighting,Awarie oświetlenia,14,14.00\r\n");
    let resolution = app
        .browser()
        .get("/stats/resolution.csv?period=half&year=2025&half=1")
        .await;
    resolution.assert_contains("problem,0-7,25,34.25,34.25\r\n");
    let hotline = app
        .browser()
        .get("/stats/hotline.csv?period=half&year=2025&half=1")
        .await;
    hotline
        .assert_contains("2025-01,18600,31\r\n")
        .assert_contains("2025-02,0,0\r\n");
    app.browser()
        .get("/stats/nothing.csv")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Filters: a quarter; one unit; a year with nothing in it; a bad value.
    let first_quarter = problems
        .iter()
        .chain(&ideas)
        .filter(|r| r.month <= 3)
        .count();
    assert_eq!(first_quarter, 102);
    app.browser()
        .get("/stats?period=quarter&year=2025&quarter=1")
        .await
        .assert_contains("razem 102 zgłoszenia.");
    let zdmk = units.iter().find(|u| u.code.as_str() == "ZDMK").unwrap();
    // 14 + 15 problems and 30 + 13 ideas ("72 zgłoszenia": Polish plurals are checked too).
    let zdmk_count = problems
        .iter()
        .chain(&ideas)
        .filter(|r| ids.units[r.category] == zdmk.id)
        .count();
    assert_eq!(zdmk_count, 72);
    app.browser()
        .get(&format!(
            "/stats?period=half&year=2025&half=1&unit={}",
            zdmk.id
        ))
        .await
        .assert_contains(&format!("razem {zdmk_count} zgłoszenia."));
    app.browser()
        .get("/stats?period=year&year=2023")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("razem 0 zgłoszeń.")
        .assert_contains("Brak zgłoszeń w tym okresie.");
    app.browser()
        .get("/stats?period=half&year=2025&half=3")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz pierwsze albo drugie półrocze.");
    // Each period field names what it takes (not "at most 120 months" for a month of 13).
    for (query, message) in [
        (
            "period=month&year=2025&month=13",
            "Wybierz miesiąc od 1 do 12.",
        ),
        (
            "period=quarter&year=2025&quarter=0",
            "Wybierz kwartał od 1 do 4.",
        ),
        (
            "period=custom&from=2010-01&to=2025-12",
            "Wybierz istniejący okres, najwyżej 120 miesięcy.",
        ),
    ] {
        app.browser()
            .get(&format!("/stats?{query}"))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message)
            .assert_contains(r#"class="error-summary""#);
    }
}

#[tokio::test]
async fn hotline_staff_import_call_volumes_from_the_telephony_export() {
    let app = TestApp::new().await;
    let (mut resident, _) = app
        .logged_in("mieszkaniec@example.pl", miasto_domain::Role::Resident)
        .await;
    resident
        .get("/staff/hotline-calls")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut operator, _) = app
        .logged_in("infolinia@example.pl", miasto_domain::Role::Operator)
        .await;
    operator
        .get("/staff/hotline-calls")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Ostatnie dwanaście miesięcy");

    // A file with mistakes: every bad line is named, nothing is stored.
    let bad = "data;połączenia\n2025-03-01;700\n2025-03-32;5\n2025-03-01;800\n";
    operator
        .post_multipart(
            "/staff/hotline-calls",
            &[],
            &[("file", "polaczenia.csv", bad.as_bytes())],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wiersz 3: data nie jest datą")
        .assert_contains("Wiersz 4: ten dzień występuje w pliku dwa razy.");
    assert!(
        miasto_store::stats::hotline_calls(
            &app.db.db,
            miasto_domain::stats::Period::year(2025).unwrap()
        )
        .await
        .unwrap()
        .is_empty()
    );

    let good = "\u{feff}data;połączenia\r\n2025-03-01;700\r\n02.03.2025;650\r\n";
    operator
        .post_multipart(
            "/staff/hotline-calls",
            &[],
            &[("file", "polaczenia.csv", good.as_bytes())],
        )
        .await
        .assert_redirect("/staff/hotline-calls");
    // Pasted lines work too, and a day imported again takes the newer figure.
    operator
        .post_multipart("/staff/hotline-calls", &[("text", "2025-03-02,660")], &[])
        .await
        .assert_redirect("/staff/hotline-calls");
    let res = app
        .browser()
        .get("/stats?period=month&year=2025&month=3")
        .await;
    res.assert_contains(r#"<th scope="row">2025-03</th><td>1360</td>"#);
}
