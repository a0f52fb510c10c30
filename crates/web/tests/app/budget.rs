//! The citizens' budget through the router: online voting with one ballot per PESEL, paper
//! ballots keyed twice, the count, publication and the Pabulib download.

use crate::harness::TestApp;
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_store::budget;
use miasto_store::testing::budget_edition;

/// A Kraków ballot: three city-wide projects and three of district `d1`, by number.
fn ballot<'a>(
    pesel: &'a str,
    city: [&'a str; 3],
    district: [&'a str; 3],
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("district", "d1"),
        ("city-1", city[0]),
        ("city-2", city[1]),
        ("city-3", city[2]),
        ("district-1", district[0]),
        ("district-2", district[1]),
        ("district-3", district[2]),
        ("pesel", pesel),
        ("resident", "on"),
    ]
}

#[tokio::test]
async fn a_resident_votes_once_and_the_ballot_keeps_no_identity() {
    let app = TestApp::new().await;
    let (edition, _, projects) = budget_edition(&app.db.db, "2026", true).await;
    // Project numbers: city 1–5, d1 6–9, d5 10–13.
    assert_eq!(projects[1][0].number, 6);

    let mut anonymous = app.browser();
    anonymous
        .get("/budget")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Budżet obywatelski 2026");
    anonymous
        .get("/budget/2026/vote")
        .await
        .assert_redirect("/login?next=%2Fbudget%2F2026%2Fvote");

    let (mut resident, user) = app.logged_in("glosujacy@example.pl", Role::Resident).await;
    resident
        .get("/budget/2026/vote")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Wybierz dzielnicę");
    let form = resident.get("/budget/2026/vote?district=d1").await;
    form.assert_status(StatusCode::OK)
        .assert_contains("Miejsce 1 (3 pkt)")
        .assert_contains("Projekt d1 nr 1")
        .assert_lacks("Projekt d5 nr 1");

    // Mistakes come back with what was typed and one message per part.
    let mut wrong = ballot("44051401459", ["1", "1", ""], ["6", "7", "8"]);
    wrong.retain(|(k, _)| *k != "resident");
    let page = resident.post("/budget/2026/vote", &wrong).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz dokładnie 3 projekty")
        .assert_contains("złóż oświadczenie")
        .assert_contains("value=\"44051401459\"")
        .assert_contains("<option value=\"6\" selected>");
    page.assert_contains("nie zgadza się cyfra kontrolna");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 0)
    );

    let ok = ballot("44051401458", ["5", "1", "2"], ["6", "7", "8"]);
    resident
        .post("/budget/2026/vote", &ok)
        .await
        .assert_redirect("/budget/2026");
    resident
        .get("/budget/2026")
        .await
        .assert_contains("Twój głos został zapisany");
    assert!(
        budget::has_voted(&app.db.db, edition.id, user.id)
            .await
            .unwrap()
    );
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (1, 0)
    );
    // The account has voted: no second form.
    resident
        .get("/budget/2026/vote?district=d1")
        .await
        .assert_contains("Twój głos w tej edycji został już zapisany")
        .assert_lacks("name=\"pesel\"");
    resident
        .post(
            "/budget/2026/vote",
            &ballot("75120804355", ["1", "2", "3"], ["6", "7", "8"]),
        )
        .await
        .assert_status(StatusCode::CONFLICT);

    // Another account with the same PESEL is refused, and keeps what it typed.
    let (mut other, _) = app.logged_in("inna@example.pl", Role::Resident).await;
    let again = other
        .post(
            "/budget/2026/vote",
            &ballot("44051401458", ["2", "3", "4"], ["9", "8", "7"]),
        )
        .await;
    again
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Ta osoba już głosowała")
        .assert_contains("<option value=\"9\" selected>");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (1, 0)
    );
}

#[tokio::test]
async fn paper_ballots_typed_twice_are_counted_then_results_are_published_with_the_pb_file() {
    let app = TestApp::new().await;
    let (edition, pools, _) = budget_edition(&app.db.db, "2026", true).await;
    let (mut anna, _) = app.logged_in("anna@um.krakow.pl", Role::Operator).await;
    let (mut jan, _) = app.logged_in("jan@um.krakow.pl", Role::Operator).await;
    let (mut resident, _) = app
        .logged_in("mieszkaniec@example.pl", Role::Resident)
        .await;
    resident
        .get("/staff/budget/2026/paper")
        .await
        .assert_status(StatusCode::FORBIDDEN);

    anna.get("/staff/budget/2026/paper?point=UMK")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Wybierz dzielnicę");
    let mut sheet = ballot("75120804355", ["3", "2", "1"], ["6", "7", "8"]);
    sheet.extend([("sheet", "K-0001"), ("point", "Urząd Miasta")]);
    anna.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Teraz musi ją wpisać druga osoba");
    anna.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Drugi wpis musi zrobić inna osoba");
    // Jan misreads the district part: a mismatch, listed for another keying.
    let mut misread = ballot("75120804355", ["3", "2", "1"], ["6", "8", "7"]);
    misread.extend([("sheet", "K-0001"), ("point", "Urząd Miasta")]);
    jan.post("/staff/budget/2026/paper", &misread)
        .await
        .assert_contains("trafia na listę kart do ponownego wpisania")
        .assert_contains("Wpisy niezgodne");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 0)
    );
    let (mut ewa, _) = app.logged_in("ewa@um.krakow.pl", Role::Official).await;
    ewa.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_contains("głos został policzony")
        .assert_contains("Policzone karty: 1");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 1)
    );

    // Counting waits for the end of voting; officials move it with the schedule.
    ewa.get("/staff/budget/2026")
        .await
        .assert_contains("Głosy można policzyć po zakończeniu głosowania");
    ewa.post("/staff/budget/2026/count", &[])
        .await
        .assert_redirect("/staff/budget/2026");
    anna.post("/staff/budget/2026/count", &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Warsaw)
        .date_naive();
    let date = |days: i64| {
        (today + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (s1, s2, a1, a2, v1, v2) = (
        date(-90),
        date(-60),
        date(-30),
        date(-20),
        date(-10),
        date(-1),
    );
    let bad = ewa
        .post(
            "/staff/budget/2026/schedule",
            &[
                ("submission_from", &s1),
                ("submission_to", &s2),
                ("appeals_from", &a1),
                ("appeals_to", &a2),
                ("voting_from", &v2),
                ("voting_to", &v1),
            ],
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("nie wcześniej, niż się zaczyna")
        .assert_contains(&format!("value=\"{v2}\""));
    ewa.post(
        "/staff/budget/2026/schedule",
        &[
            ("submission_from", &s1),
            ("submission_to", &s2),
            ("appeals_from", &a1),
            ("appeals_to", &a2),
            ("voting_from", &v1),
            ("voting_to", &v2),
        ],
    )
    .await
    .assert_redirect("/staff/budget/2026");
    // Not published: the public sees nothing yet.
    app.browser()
        .get("/budget/2026/results")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    ewa.post("/staff/budget/2026/count", &[])
        .await
        .assert_redirect("/budget/2026/results");
    ewa.get("/budget/2026/results")
        .await
        .assert_contains("Wyniki nie zostały jeszcze ogłoszone");
    ewa.post("/staff/budget/2026/publish", &[])
        .await
        .assert_redirect("/budget/2026/results");

    let mut public = app.browser();
    let results = public.get("/budget/2026/results").await;
    results
        .assert_status(StatusCode::OK)
        .assert_contains("1 na papierze")
        .assert_contains("Projekt city nr 3")
        .assert_lacks("Wyniki nie zostały jeszcze ogłoszone");
    let pb = public.get("/budget/2026/results/d1.pb").await;
    pb.assert_status(StatusCode::OK);
    assert_eq!(
        pb.header("content-disposition"),
        Some("attachment; filename=\"budget_2026_d1.pb\"")
    );
    let election = miasto_tally::pabulib::parse(&pb.body).unwrap();
    assert_eq!(election.ballots.len(), 1);
    assert_eq!(election.projects.len(), 4);
    assert!(!pb.body.contains("75120804355"));
    public
        .get("/budget/2026/results/nowhere.pb")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // The count is audited with its totals.
    let audit = miasto_store::audit::list(
        &app.db.db,
        &Default::default(),
        miasto_store::Page::new(None, None),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"budget_counted") && actions.contains(&"budget_published"),
        "{actions:?}"
    );
    let _ = pools;
}
