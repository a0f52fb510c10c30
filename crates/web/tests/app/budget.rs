//! The citizens' budget through the router: one person one sealed ballot by every route
//! (online with a PESEL or a date of birth, on paper keyed twice, at a counter), the count with
//! the commission's shares, results hidden from everyone until publication, corrections, and
//! an edition whose ballot cannot change once voting opens. Each test runs on its own clock.

use crate::budget_rules::{midsummer, pesel_of, schedule_form, time_in};
use crate::harness::{Browser, PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::Duration;
use miasto_domain::Role;
use miasto_domain::budget::{Phase, ProjectStatus};
use miasto_store::ConnectionTrait;
use miasto_store::budget;
use miasto_store::clock::Clock;
use miasto_store::testing::{BudgetFixture, budget_edition};

/// A Kraków ballot: three city-wide projects and three of district `d1`, by number, with the
/// voter's name and PESEL.
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
        ("full_name", "Jan Kowalski"),
        ("pesel", pesel),
        ("resident", "on"),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (k, v) in changes {
        form.retain(|(key, _)| key != k);
        if !v.is_empty() {
            form.push((k, v));
        }
    }
    form
}

async fn envelopes(app: &TestApp, fx: &BudgetFixture) -> u64 {
    budget::envelope_count(&app.db.db, fx.edition.id)
        .await
        .unwrap()
}

/// Asserts that each action is in the audit log.
async fn assert_audited(app: &TestApp, expected: &[&str]) {
    let audit = miasto_store::audit::list(
        &app.db.db,
        &Default::default(),
        miasto_store::Page::new(None, None),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for action in expected {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
}

/// Opens the edition's envelopes with enough of the fixture's shares and counts.
async fn open_envelopes(app: &TestApp, fx: &BudgetFixture, edition: &budget::Edition) {
    budget::open_and_count(
        &app.db.db,
        edition,
        &fx.enough_shares(),
        None,
        miasto_store::testing::TEST_SECRET.as_bytes(),
        &|_| {},
    )
    .await
    .unwrap();
}

/// Runs a test on its own clock, set to a summer midnight in Kraków.
async fn on_clock<F, Fut>(test: F)
where
    F: FnOnce(Clock) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let clock = Clock::at(midsummer());
    clock.clone().run(test(clock)).await;
}

#[tokio::test]
async fn one_person_votes_once_online_whichever_way_they_identify() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        // Project numbers: city 1–5, d1 6–9, d5 10–13.
        assert_eq!(fx.projects[1][0].number, 6);
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
        resident
            .get("/budget/2026/vote?district=d1")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Dodaj do mojej karty")
            .assert_contains("Zostało 3 z 3 miejsc")
            .assert_contains("Projekt d1 nr 1")
            .assert_lacks("Projekt d5 nr 1");

        // Mistakes come back with what was typed and one message per part.
        let wrong = with(
            ballot("44051401459", ["1", "1", ""], ["6", "7", "8"]),
            &[("resident", ""), ("full_name", "  ")],
        );
        let page = resident.post("/budget/2026/vote", &wrong).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Wybierz dokładnie 3 projekty")
            .assert_contains("złóż oświadczenie")
            .assert_contains("Podaj imię i nazwisko.")
            .assert_contains("value=\"44051401459\"")
            .assert_contains("Projekt d1 nr 1 –")
            .assert_contains("nie zgadza się cyfra kontrolna");
        // A PESEL of someone not born yet.
        let unborn = pesel_of(2099, 1, 1, 123);
        resident
            .post(
                "/budget/2026/vote",
                &ballot(&unborn, ["1", "2", "3"], ["6", "7", "8"]),
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("nie może być późniejsza niż dziś");
        assert_eq!(envelopes(&app, &fx).await, 0);

        resident
            .post(
                "/budget/2026/vote",
                &ballot("44051401458", ["5", "1", "2"], ["6", "7", "8"]),
            )
            .await
            .assert_redirect("/budget/2026");
        resident
            .get("/budget/2026")
            .await
            .assert_contains("Twój głos został zapisany");
        assert!(
            budget::has_voted(&app.db.db, fx.edition.id, user.id)
                .await
                .unwrap()
        );
        // Sealed: an envelope, and no ballot until the commission opens them.
        assert_eq!(envelopes(&app, &fx).await, 1);
        assert_eq!(
            budget::ballot_totals(&app.db.db, fx.edition.id)
                .await
                .unwrap()
                .all(),
            0
        );
        // The account has voted: no second form, and a second ballot is refused.
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

        // The same person from another account: with the PESEL and the name typed otherwise,
        // or without the PESEL, with the date of birth it holds.
        let (mut other, _) = app.logged_in("inna@example.pl", Role::Resident).await;
        let again = with(
            ballot("44051401458", ["2", "3", "4"], ["9", "8", "7"]),
            &[("full_name", "JAN  KOWALSKI")],
        );
        other
            .post("/budget/2026/vote", &again)
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Ta osoba już głosowała")
            .assert_contains("Projekt d1 nr 4 –");
        for name in ["Kowalski Jan", "Jan Kowalski-", "jan kowalski"] {
            let declared = with(
                ballot("", ["2", "3", "4"], ["9", "8", "7"]),
                &[
                    ("full_name", name),
                    ("without_pesel", "on"),
                    ("born", "1944-05-14"),
                    ("no_pesel_declaration", "on"),
                ],
            );
            other
                .post("/budget/2026/vote", &declared)
                .await
                .assert_status(StatusCode::CONFLICT)
                .assert_contains("Ta osoba już głosowała");
        }
        // Someone else without a PESEL votes that way; a date of birth before 1900 is a typo.
        let ewa = with(
            ballot("", ["2", "3", "4"], ["9", "8", "7"]),
            &[
                ("full_name", "Ewa Żółć"),
                ("without_pesel", "on"),
                ("born", "1899-12-31"),
                ("no_pesel_declaration", "on"),
            ],
        );
        other
            .post("/budget/2026/vote", &ewa)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("wcześniejsza niż 1900");
        let ewa = with(ewa, &[("born", "1990-02-03")]);
        other
            .post("/budget/2026/vote", &ewa)
            .await
            .assert_redirect("/budget/2026");
        // …and cannot vote again with a PESEL of that day under her name's other spelling.
        let (mut third, _) = app.logged_in("trzecia@example.pl", Role::Resident).await;
        let ewa_pesel = pesel_of(1990, 2, 3, 2_468);
        third
            .post(
                "/budget/2026/vote",
                &with(
                    ballot(&ewa_pesel, ["1", "2", "3"], ["6", "7", "8"]),
                    &[("full_name", "EWA ZOLC")],
                ),
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Ta osoba już głosowała");
        assert_eq!(envelopes(&app, &fx).await, 2);

        // Outside the voting window nobody votes: the form says why.
        for at in [
            time_in(&fx.edition.schedule, Phase::BallotPreparation),
            time_in(&fx.edition.schedule, Phase::Counting),
        ] {
            clock.set(at);
            third
                .get("/budget/2026/vote?district=d1")
                .await
                .assert_contains("Na tym etapie edycji nie można tego zrobić")
                .assert_lacks("name=\"pesel\"");
            third
                .post(
                    "/budget/2026/vote",
                    &ballot("75120804355", ["1", "2", "3"], ["6", "7", "8"]),
                )
                .await
                .assert_status(StatusCode::CONFLICT)
                .assert_contains("Na tym etapie edycji nie można tego zrobić");
        }
        assert_eq!(envelopes(&app, &fx).await, 2);
    })
    .await;
}

#[tokio::test]
async fn an_editions_minimum_age_is_enforced_on_the_voting_day() {
    on_clock(|_| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        app.db
            .db
            .execute_unprepared("UPDATE budget_editions SET min_age = 16")
            .await
            .unwrap();
        let (mut young, _) = app.logged_in("mloda@example.pl", Role::Resident).await;
        // Sixteen tomorrow (Kraków time): not yet.
        let today = miasto_store::today();
        let born = today - chrono::Months::new(16 * 12) + Duration::days(1);
        let under = born.format("%Y-%m-%d").to_string();
        let declared = |born: &str| {
            with(
                ballot("", ["1", "2", "3"], ["6", "7", "8"]),
                &[
                    ("full_name", "Ola Młoda"),
                    ("without_pesel", "on"),
                    ("born", born),
                    ("no_pesel_declaration", "on"),
                ],
            )
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
        };
        let form = declared(&under);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        young
            .post("/budget/2026/vote", &pairs)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("co najmniej 16 lat");
        let old_enough = (born - Duration::days(1)).format("%Y-%m-%d").to_string();
        let form = declared(&old_enough);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        young
            .post("/budget/2026/vote", &pairs)
            .await
            .assert_redirect("/budget/2026");
        assert_eq!(envelopes(&app, &fx).await, 1);
    })
    .await;
}

/// Keys one sheet as `who` typed it.
async fn key(
    browser: &mut Browser<'_>,
    sheet: &str,
    pesel: &str,
    district: [&str; 3],
) -> crate::harness::TestResponse {
    let mut form = ballot(pesel, ["3", "2", "1"], district);
    form.extend([("sheet", sheet), ("point", "Urząd Miasta")]);
    browser.post("/staff/budget/2026/paper", &form).await
}

#[tokio::test]
async fn paper_counter_and_online_ballots_are_opened_with_the_commissions_shares_then_published() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let (mut anna, _) = app.logged_in("anna@um.krakow.pl", Role::Operator).await;
        let (mut jan, _) = app.logged_in("jan@um.krakow.pl", Role::Operator).await;
        let (mut ewa, _) = app.logged_in("ewa@um.krakow.pl", Role::Official).await;
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

        // Paper: two agreeing keyings by different people seal the ballot.
        key(&mut anna, "K-0001", "75120804355", ["6", "7", "8"])
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Teraz musi ją wpisać druga osoba");
        key(&mut anna, "K-0001", "75120804355", ["6", "7", "8"])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Drugi wpis musi zrobić inna osoba");
        key(&mut jan, "K-0001", "75120804355", ["6", "8", "7"])
            .await
            .assert_contains("trafia na listę kart do ponownego wpisania")
            .assert_contains("Wpisy niezgodne");
        assert_eq!(envelopes(&app, &fx).await, 0);
        key(&mut ewa, "K-0001", "75120804355", ["6", "7", "8"])
            .await
            .assert_contains("zaszyfrowany i zapisany do liczenia");
        assert_eq!(envelopes(&app, &fx).await, 1);
        // A sheet keyed once, never confirmed: not a ballot, and forgotten at the count.
        key(&mut anna, "K-0002", "44051401458", ["6", "7", "8"])
            .await
            .assert_contains("Teraz musi ją wpisać druga osoba");

        // At a counter: the clerk checks a document (no declaration needed), the voter fills
        // in the ballot on the next screen.
        let step = anna
            .post(
                "/staff/budget/2026/counter",
                &[
                    ("district", "d1"),
                    ("full_name", "Zofia Bez Peselu"),
                    ("without_pesel", "on"),
                    ("born", "1950-06-01"),
                    ("resident", "on"),
                ],
            )
            .await;
        step.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Potwierdź, że dokument tożsamości został sprawdzony")
            .assert_contains("value=\"Zofia Bez Peselu\"");
        let step = anna
            .post(
                "/staff/budget/2026/counter",
                &[
                    ("district", "d1"),
                    ("full_name", "Zofia Bez Peselu"),
                    ("without_pesel", "on"),
                    ("born", "1950-06-01"),
                    ("document_checked", "on"),
                    ("resident", "on"),
                ],
            )
            .await;
        step.assert_status(StatusCode::OK)
            .assert_lacks("Zofia Bez Peselu")
            .assert_contains("Miejsce 1 (3 pkt)");
        let token = step
            .body
            .split("name=\"token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let choices = [
            ("city-1", "1"),
            ("city-2", "3"),
            ("city-3", "2"),
            ("district-1", "7"),
            ("district-2", "6"),
            ("district-3", "8"),
        ];
        let mut sent = choices.to_vec();
        sent.push(("token", "sfałszowany.token"));
        anna.post("/staff/budget/2026/counter/ballot", &sent)
            .await
            .assert_status(StatusCode::CONFLICT);
        let mut sent = choices.to_vec();
        sent.push(("token", &token));
        anna.post("/staff/budget/2026/counter/ballot", &sent)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Głos został zaszyfrowany i zapisany");
        anna.post("/staff/budget/2026/counter/ballot", &sent)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Ta osoba już głosowała");
        // Online, one more.
        resident
            .post(
                "/budget/2026/vote",
                &ballot("44051401458", ["1", "2", "3"], ["6", "7", "8"]),
            )
            .await
            .assert_redirect("/budget/2026");
        assert_eq!(envelopes(&app, &fx).await, 3);

        // Counting waits for the end of voting, and nobody sees anything before publication.
        ewa.get("/staff/budget/2026/count")
            .await
            .assert_status(StatusCode::CONFLICT);
        for who in [&mut ewa, &mut resident] {
            who.get("/budget/2026/results")
                .await
                .assert_status(StatusCode::NOT_FOUND);
            who.get("/budget/2026/results/d1.pb")
                .await
                .assert_status(StatusCode::NOT_FOUND);
        }
        clock.set(time_in(&fx.edition.schedule, Phase::Counting));
        resident
            .get("/staff/budget/2026/count")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        ewa.get("/staff/budget/2026/count")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("name=\"share-2\"");
        // One share opens nothing; a wrong one is named; two open and count.
        ewa.post("/staff/budget/2026/count", &[("share-1", &fx.shares[0])])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("potrzebne są 2 części klucza");
        let other = budget_edition(&app.db.db, "inna", true).await;
        ewa.post(
            "/staff/budget/2026/count",
            &[("share-1", &fx.shares[0]), ("share-2", &other.shares[1])],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("należy do innej edycji")
        .assert_contains("id=\"share-2-error\"");
        // One character of the share mistyped.
        let mut garbled: Vec<char> = fx.shares[1].chars().collect();
        let at = (0..garbled.len() - 8)
            .rev()
            .find(|&i| garbled[i].is_ascii_hexdigit())
            .unwrap();
        garbled[at] = if garbled[at] == 'A' { 'B' } else { 'A' };
        let garbled: String = garbled.into_iter().collect();
        ewa.post(
            "/staff/budget/2026/count",
            &[("share-1", &fx.shares[0]), ("share-2", &garbled)],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("suma kontrolna się nie zgadza");
        assert_eq!(envelopes(&app, &fx).await, 3);
        ewa.post(
            "/staff/budget/2026/count",
            &[("share-1", &fx.shares[2]), ("share-2", &fx.shares[0])],
        )
        .await
        .assert_redirect("/staff/budget/2026");
        assert_eq!(envelopes(&app, &fx).await, 0);
        let totals = budget::ballot_totals(&app.db.db, fx.edition.id)
            .await
            .unwrap();
        assert_eq!((totals.online, totals.paper, totals.counter), (1, 1, 1));
        // Counted, still secret; and no more ballots of any kind.
        ewa.get("/budget/2026/results")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        ewa.get("/budget/2026/results/d1.pb")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        ewa.get("/staff/budget/2026")
            .await
            .assert_lacks("Projekt city nr 3");
        key(&mut jan, "K-0002", "44051401458", ["6", "7", "8"])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Karty zostały już otwarte do liczenia");

        ewa.post("/staff/budget/2026/publish", &[])
            .await
            .assert_redirect("/budget/2026/results");
        let mut public = app.browser();
        let results = public.get("/budget/2026/results").await;
        results
            .assert_status(StatusCode::OK)
            .assert_contains("1 na papierze")
            .assert_contains("1 w punkcie obsługi")
            .assert_contains("Projekt city nr 3")
            .assert_contains("Karty papierowe niewpisane przed liczeniem")
            .assert_contains("Urząd Miasta: 1 karta")
            // Each project says why it was funded or not, in the money's terms.
            .assert_contains("Wybrany: zmieścił się w pozostałych środkach (po nim zostało ")
            .assert_contains("Za mało pozostałych środków: zostało ")
            .assert_contains(r#"role="region" aria-label="Wyniki: "#);
        // Officials enter how many residents may vote: turnout shows as a percentage.
        ewa.get("/staff/budget/2026/electorate")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("eligible-d1");
        ewa.post(
            "/staff/budget/2026/electorate",
            &[("eligible-city", "12 345"), ("eligible-d1", "minus")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("podaj liczbę mieszkańców")
        .assert_contains(r#"value="12 345""#);
        ewa.post(
            "/staff/budget/2026/electorate",
            &[("eligible-city", "1000"), ("eligible-d1", "")],
        )
        .await
        .assert_redirect("/staff/budget/2026");
        public
            .get("/budget/2026/results")
            .await
            .assert_contains("<th scope=\"col\">Frekwencja</th>")
            .assert_contains("0,3\u{a0}%")
            .assert_contains(">–</td>");
        resident
            .post("/staff/budget/2026/electorate", &[("eligible-city", "5")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let pb = public.get("/budget/2026/results/d1.pb").await;
        pb.assert_status(StatusCode::OK);
        assert_eq!(
            pb.header("content-disposition"),
            Some("attachment; filename=\"budget_2026_d1.pb\"")
        );
        let election = miasto_tally::pabulib::parse(&pb.body).unwrap();
        assert_eq!(election.ballots.len(), 3);
        assert_eq!(election.projects.len(), 4);
        assert!(!pb.body.contains("75120804355"));
        public
            .get("/budget/2026/results/nowhere.pb")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        // Published: counting again is no longer possible; a correction is, with a reason
        // that everyone reads.
        ewa.post(
            "/staff/budget/2026/count",
            &[("share-1", &fx.shares[2]), ("share-2", &fx.shares[0])],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
        ewa.post("/staff/budget/2026/correct", &[("reason", " ")])
            .await
            .assert_redirect("/staff/budget/2026");
        ewa.post(
            "/staff/budget/2026/correct",
            &[("reason", "Sprawdzenie po skardze mieszkańca.")],
        )
        .await
        .assert_redirect("/budget/2026/results");
        public
            .get("/budget/2026/results")
            .await
            .assert_contains("Wyniki skorygowano")
            .assert_contains("Sprawdzenie po skardze mieszkańca.");

        // Residents follow the funded projects' delivery from the results.
        let edition = budget::edition(&app.db.db, "2026").await.unwrap().unwrap();
        let results = budget::results(&app.db.db, &edition).await.unwrap();
        let funded = results[0]
            .rows
            .iter()
            .find(|r| r.funded)
            .unwrap()
            .project
            .number;
        ewa.post(
            &format!("/staff/budget/2026/projects/{funded}/milestone"),
            &[("milestone", "planned"), ("on", "2027-01-15")],
        )
        .await
        .assert_redirect(&format!("/staff/budget/2026/projects/{funded}"));
        public
            .get("/budget/2026/results")
            .await
            .assert_contains("<strong>Tak</strong> (Zaplanowano)");
        assert_audited(
            &app,
            &[
                "budget_counted",
                "budget_published",
                "budget_corrected",
                "budget_counter_vote",
            ],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn commission_members_collect_their_share_once_and_can_check_it() {
    on_clock(|_| async move {
        let app = TestApp::new().await;
        let (mut official, me) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (mut other, _) = app.logged_in("druga@um.krakow.pl", Role::Official).await;
        let fields = new_edition_fields(&me.id.to_string());
        official
            .post("/staff/budget", &pairs(&fields))
            .await
            .assert_redirect("/staff/budget/2027");
        official
            .get("/staff/budget/2027")
            .await
            .assert_contains("czeka na odbiór")
            .assert_contains("href=\"/staff/budget/2027/share\"");
        other
            .get("/staff/budget/2027/share")
            .await
            .assert_contains("Nie masz części klucza tej edycji");
        let page = official.post("/staff/budget/2027/share", &[]).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("pokazywana tylko raz");
        assert_eq!(page.header("cache-control"), Some("no-store"));
        let share = page
            .body
            .split("id=\"share-text\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .trim()
            .to_owned();
        assert!(share.starts_with("MIASTO-"), "{share}");
        // Gone from the platform: a second request gets nothing.
        official
            .post("/staff/budget/2027/share", &[])
            .await
            .assert_redirect("/staff/budget/2027/share");
        official
            .get("/staff/budget/2027/share")
            .await
            .assert_contains("Odebrałeś swoją część")
            .assert_lacks(&share);
        let slots = budget::share_slots(
            &app.db.db,
            budget::edition(&app.db.db, "2027")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
        assert!(slots.iter().all(|s| !s.waiting));
        official
            .post("/staff/budget/2027/share/check", &[("share", &share)])
            .await
            .assert_contains("Prawidłowa część klucza nr 1");
        official
            .post(
                "/staff/budget/2027/share/check",
                &[("share", "MIASTO-KF-1-1-abc")],
            )
            .await
            .assert_contains("To nie jest część klucza");
        let audit = miasto_store::audit::list(
            &app.db.db,
            &Default::default(),
            miasto_store::Page::new(None, None),
        )
        .await
        .unwrap();
        assert!(
            audit
                .items
                .iter()
                .any(|e| e.action == "budget_share_collected")
        );
        // The share itself never reaches the audit log, only its number and fingerprint.
        let dump = format!("{:?}", audit.items);
        assert!(!dump.contains(&share[10..30]));
    })
    .await;
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
}

fn new_edition_fields(member: &str) -> Vec<(String, String)> {
    [
        ("slug", "2027"),
        ("name_pl", "Budżet obywatelski 2027"),
        ("name_en", "Citizens' budget 2027"),
        ("submission_from", "2027-02-15"),
        ("submission_to", "2027-03-16"),
        ("appeals_from", "2027-06-09"),
        ("appeals_to", "2027-06-19"),
        ("voting_from", "2027-09-18"),
        ("voting_to", "2027-10-02"),
        ("results_due", "2027-10-30"),
        ("min_age", ""),
        ("allow_without_pesel", "on"),
        ("city_rule", "ranked:3"),
        ("district_rule", "ranked:3"),
        ("counting", "greedy"),
        ("city_budget", "10 800 000"),
        ("city_min", "50 000"),
        ("city_max", "2 000 000"),
        ("d1-budget", "1 700 000"),
        ("d1-min", "10 000"),
        ("d1-max", "686 000"),
        ("member", member),
        ("threshold", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[tokio::test]
async fn residents_submit_change_and_withdraw_their_projects_until_voting_opens() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let s = fx.edition.schedule;
        clock.set(time_in(&s, Phase::Submission));
        app.browser()
            .get("/budget/2026/projects/new")
            .await
            .assert_redirect("/login?next=%2Fbudget%2F2026%2Fprojects%2Fnew");
        let (mut author, user) = app.logged_in("autorka@example.pl", Role::Resident).await;
        author
            .get("/budget/2026")
            .await
            .assert_contains("href=\"/budget/2026/projects/new\"");
        author
            .get("/budget/2026/projects/new")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Zdrowie");

        let summary = "Nowe ławki i stojaki na rowery przy skwerze, dla mieszkańców i gości.";
        let mut fields = vec![
            ("pool", "d1"),
            ("title", "Ławki na skwerze"),
            ("summary", "Za krótko."),
            ("description", "Sześć ławek z oparciami i trzy stojaki."),
            ("location", "Skwer przy ul. Długiej"),
            ("category", "infrastructure"),
            ("item-1", "Ławki"),
            ("amount-1", "12 500"),
            ("item-2", "Montaż"),
            ("amount-2", "abc"),
        ];
        author
            .post_multipart("/budget/2026/projects", &fields, &[])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Krótki opis")
            .assert_contains("kwoty większej od zera")
            .assert_contains("value=\"Ławki na skwerze\"")
            .assert_contains("value=\"abc\"");
        fields[2].1 = summary;
        fields[9].1 = "2 500,50";
        let photo = miasto_store::testing::jpeg(64, 48);
        let six: Vec<Vec<u8>> = (0..6).map(|_| miasto_store::testing::jpeg(8, 8)).collect();
        let too_many: Vec<(&str, &str, &[u8])> = six
            .iter()
            .map(|b| ("photos", "skwer.jpg", b.as_slice()))
            .collect();
        author
            .post_multipart("/budget/2026/projects", &fields, &too_many)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("najwyżej 5 zdjęć");
        let key = "ab".repeat(32);
        fields.push(("form_key", &key));
        author
            .post_multipart(
                "/budget/2026/projects",
                &fields,
                &[("photos", "skwer.jpg", &photo)],
            )
            .await
            .assert_redirect("/budget/2026/projects/14");
        // The same form sent again (a double-click) creates nothing more.
        author
            .post_multipart("/budget/2026/projects", &fields, &[])
            .await
            .assert_redirect("/budget/2026");
        assert!(
            budget::project(&app.db.db, fx.edition.id, 15)
                .await
                .unwrap()
                .is_none()
        );
        fields.pop();
        let project = budget::project(&app.db.db, fx.edition.id, 14)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(project.author, Some(user.id));
        assert_eq!(project.status, ProjectStatus::Submitted);
        assert_eq!(project.cost, 1_500_050);
        assert_eq!(
            budget::cost_items(&app.db.db, project.id)
                .await
                .unwrap()
                .len(),
            2
        );
        let photos = budget::photos_of(&app.db.db, project.id).await.unwrap();
        assert_eq!(photos.len(), 1);
        let thumb = app
            .browser()
            .get(&format!("/budget/photos/{}/thumb", photos[0].id))
            .await;
        thumb.assert_status(StatusCode::OK);
        assert_eq!(thumb.header("content-type"), Some("image/jpeg"));
        app.browser()
            .get("/budget/photos/nie-ma/thumb")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        author
            .get("/budget/2026/projects/14")
            .await
            .assert_contains(&format!("/budget/photos/{}/thumb", photos[0].id))
            .assert_contains("15\u{a0}000,50\u{a0}zł")
            .assert_contains("Popraw projekt")
            .assert_contains("Wycofaj projekt");

        // Somebody else can read it but not change it.
        let (mut other, _) = app.logged_in("ktos@example.pl", Role::Resident).await;
        other
            .get("/budget/2026/projects/14")
            .await
            .assert_lacks("Wycofaj projekt");
        other
            .get("/budget/2026/projects/14/edit")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        other
            .post("/budget/2026/projects/14/withdraw", &[])
            .await
            .assert_status(StatusCode::FORBIDDEN);

        // The author changes it; a cost under the pool's minimum (1,000 zł) is refused.
        author
            .get("/budget/2026/projects/14/edit")
            .await
            .assert_contains("value=\"12 500\"")
            .assert_contains("value=\"2 500,50\"");
        let mut changed = fields.clone();
        changed[1].1 = "Ławki i stojaki na skwerze";
        changed[7].1 = "500";
        changed.truncate(8);
        author
            .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("nie mieści się w limitach wybranej puli");
        changed[7].1 = "9 000";
        author
            .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
            .await
            .assert_redirect("/budget/2026/projects/14");
        let project = budget::project(&app.db.db, fx.edition.id, 14)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(project.title, "Ławki i stojaki na skwerze");
        assert_eq!(project.cost, 900_000);

        // Once submissions close it can no longer be changed, and no new one is taken.
        // (A month later: sessions idle that long have ended.)
        clock.set(time_in(&s, Phase::Verification));
        author
            .login("autorka@example.pl", PASSWORD)
            .await
            .assert_redirect("/my");
        author
            .get("/budget/2026/projects/new")
            .await
            .assert_redirect("/budget/2026");
        author
            .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
            .await
            .assert_status(StatusCode::CONFLICT);
        assert_eq!(
            budget::project(&app.db.db, fx.edition.id, 14)
                .await
                .unwrap()
                .unwrap()
                .cost,
            900_000
        );
        // Once voting opens an accepted project stays on the ballot: no withdrawing.
        let on_ballot = fx.projects[1][0].number;
        budget::import_project(
            &app.db.db,
            &fx.edition,
            &budget::NewProject {
                pool: fx.pools[1].id,
                code: None,
                author: Some(user.id),
                title: "Drugi projekt autorki".into(),
                summary: summary.into(),
                description: "Opis.".into(),
                location: "Kraków".into(),
                point: None,
                category: "greenery".into(),
                items: vec![budget::CostItem {
                    description: "Wykonanie".into(),
                    amount: 2_000_000,
                }],
                status: ProjectStatus::Accepted,
            },
        )
        .await
        .unwrap();
        let _ = on_ballot;
        clock.set(time_in(&s, Phase::Voting));
        author.login("autorka@example.pl", PASSWORD).await;
        author
            .get("/budget/2026/projects/15")
            .await
            .assert_lacks("Wycofaj projekt");
        author
            .post("/budget/2026/projects/15/withdraw", &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Na tym etapie edycji nie można tego zrobić");
        assert_eq!(
            budget::project(&app.db.db, fx.edition.id, 15)
                .await
                .unwrap()
                .unwrap()
                .status,
            ProjectStatus::Accepted
        );
        // Before voting it could still be withdrawn.
        clock.set(time_in(&s, Phase::BallotPreparation));
        author
            .post("/budget/2026/projects/14/withdraw", &[])
            .await
            .assert_redirect("/budget/2026/projects/14");
        author
            .get("/budget/2026/projects/14")
            .await
            .assert_contains("Wycofany przez autora")
            .assert_lacks("Wycofaj projekt");
    })
    .await;
}

#[tokio::test]
async fn units_assess_officials_decide_authors_appeal_and_the_ballot_freezes_when_voting_opens() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let s = fx.edition.schedule;
        clock.set(time_in(&s, Phase::Submission));
        let (mut author, _) = app.logged_in("autor@example.pl", Role::Resident).await;
        let fields = [
            ("pool", "city"),
            ("title", "Park kieszonkowy"),
            (
                "summary",
                "Mały park z ławkami i drzewami na pustym placu, dla sąsiadów i dzieci z okolicy.",
            ),
            ("description", "Drzewa, ławki, trawnik."),
            ("location", "ul. Przykładowa 1"),
            ("category", "greenery"),
            ("item-1", "Nasadzenia i ławki"),
            ("amount-1", "80 000"),
        ];
        author
            .post_multipart("/budget/2026/projects", &fields, &[])
            .await
            .assert_redirect("/budget/2026/projects/14");

        clock.set(time_in(&s, Phase::Verification));
        author.login("autor@example.pl", PASSWORD).await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (mut unit, unit_user) = app.logged_in("zdmk@um.krakow.pl", Role::UnitStaff).await;
        let zdmk = unit_user.unit_id.unwrap().to_string();
        // Unit staff see only their unit's projects: none yet.
        unit.get("/staff/budget/2026/projects")
            .await
            .assert_contains("Nie ma projektów");
        unit.get("/staff/budget/2026/projects/14")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        author
            .get("/staff/budget/2026/projects")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        official
            .post(
                "/staff/budget/2026/projects/14/assign",
                &[("unit", "nie-ma")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Wybierz jednostkę z listy");
        official
            .post("/staff/budget/2026/projects/14/assign", &[("unit", &zdmk)])
            .await
            .assert_redirect("/staff/budget/2026/projects/14");
        unit.get("/staff/budget/2026/projects")
            .await
            .assert_contains("Park kieszonkowy");
        // Unit staff assess but do not decide.
        unit.post(
            "/staff/budget/2026/projects/14/assess",
            &[
                ("stage", "formal"),
                ("justification", "Teren nie należy do miasta."),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz wynik oceny")
        .assert_contains("Teren nie należy do miasta.");
        unit.post(
            "/staff/budget/2026/projects/14/assess",
            &[
                ("stage", "formal"),
                ("outcome", "negative"),
                ("justification", "Teren nie należy do miasta."),
                ("corrected_cost", "95 000"),
            ],
        )
        .await
        .assert_redirect("/staff/budget/2026/projects/14");
        unit.post(
            "/staff/budget/2026/projects/14/decide",
            &[("decision", "accepted")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
        official
            .post(
                "/staff/budget/2026/projects/14/decide",
                &[("decision", "rejected"), ("seen", "submitted")],
            )
            .await
            .assert_redirect("/staff/budget/2026/projects/14");
        // A decision from a page that saw another status does not undo this one.
        official
            .post(
                "/staff/budget/2026/projects/14/decide",
                &[("decision", "accepted"), ("seen", "submitted")],
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Odśwież stronę");
        let project = budget::project(&app.db.db, fx.edition.id, 14)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(project.status, ProjectStatus::Rejected);
        assert_eq!(project.final_cost(), 9_500_000);

        // Appeals open: the author appeals once; the official upholds it.
        author
            .get("/budget/2026/projects/14")
            .await
            .assert_lacks("name=\"reason\"");
        clock.set(time_in(&s, Phase::Appeals));
        author.login("autor@example.pl", PASSWORD).await;
        official.login("urzednik@um.krakow.pl", PASSWORD).await;
        author
            .get("/budget/2026/projects/14")
            .await
            .assert_contains(
                "<strong>Ocena formalna</strong> <span class=\"tag tag-negative\">negatywna</span>",
            )
            .assert_contains("Teren nie należy do miasta.")
            .assert_contains("name=\"reason\"");
        author
            .post(
                "/budget/2026/projects/14/appeal",
                &[("reason", "Teren jest miejski, załączam mapę.")],
            )
            .await
            .assert_redirect("/budget/2026/projects/14");
        author
            .post(
                "/budget/2026/projects/14/appeal",
                &[("reason", "Jeszcze raz.")],
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Autor już się odwołał");
        assert_eq!(
            budget::appeal(&app.db.db, project.id)
                .await
                .unwrap()
                .unwrap()
                .reason,
            "Teren jest miejski, załączam mapę."
        );
        official
            .post(
                "/staff/budget/2026/projects/14/appeal",
                &[("decision", "upheld")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

        // Once voting opens, nothing on the ballot changes: not the appeal, not the cost.
        clock.set(time_in(&s, Phase::Voting));
        official.login("urzednik@um.krakow.pl", PASSWORD).await;
        official
            .post(
                "/staff/budget/2026/projects/14/appeal",
                &[("decision", "upheld"), ("reason", "Działka jest gminna.")],
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Na tym etapie edycji nie można tego zrobić");
        let first = fx.projects[0][0].number;
        official
            .post(
                &format!("/staff/budget/2026/projects/{first}/assess"),
                &[
                    ("stage", "merit"),
                    ("outcome", "positive"),
                    ("justification", "Korekta kosztu."),
                    ("corrected_cost", "1"),
                ],
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("value=\"1\"");
        official
            .post(
                &format!("/staff/budget/2026/projects/{first}/decide"),
                &[("decision", "rejected")],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        let unchanged = budget::project(&app.db.db, fx.edition.id, first)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.final_cost(), fx.projects[0][0].final_cost());
        assert_eq!(unchanged.status, ProjectStatus::Accepted);
        assert_eq!(
            budget::project(&app.db.db, fx.edition.id, 14)
                .await
                .unwrap()
                .unwrap()
                .status,
            ProjectStatus::Rejected
        );

        // Back before voting, the appeal is decided and the author told.
        clock.set(time_in(&s, Phase::BallotPreparation));
        official
            .post(
                "/staff/budget/2026/projects/14/appeal",
                &[("decision", "upheld"), ("reason", "Działka jest gminna.")],
            )
            .await
            .assert_redirect("/staff/budget/2026/projects/14");
        assert_eq!(
            budget::project(&app.db.db, fx.edition.id, 14)
                .await
                .unwrap()
                .unwrap()
                .status,
            ProjectStatus::Accepted
        );
        app.drain_jobs().await;
        let mail = app.emails_to("autor@example.pl").await;
        let subjects: Vec<&str> = mail.iter().map(|m| m.subject.as_str()).collect();
        assert!(
            subjects.contains(&"Projekt niedopuszczony do głosowania"),
            "{subjects:?}"
        );
        let upheld = mail
            .iter()
            .find(|m| m.subject == "Odwołanie uwzględnione")
            .unwrap();
        assert!(upheld.body_text.contains("Działka jest gminna."));
        app.browser()
            .get("/budget/2026/projects/14")
            .await
            .assert_contains("Odwołanie uwzględnione.")
            .assert_contains("Działka jest gminna.")
            .assert_contains("Dopuszczony do głosowania");
        assert_audited(
            &app,
            &[
                "budget_project_assigned",
                "budget_project_assessed",
                "budget_project_decided",
                "budget_appeal_decided",
            ],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_schedule_keeps_what_already_happened() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let (mut ewa, _) = app.logged_in("ewa@um.krakow.pl", Role::Official).await;
        // Noon of the second day of voting.
        clock.advance(Duration::hours(12));
        let edition = budget::edition(&app.db.db, "2026").await.unwrap().unwrap();
        let form = schedule_form(&edition, "");
        let send = |changes: &[(&str, String)]| {
            form.iter()
                .map(|(k, v)| {
                    let v = changes
                        .iter()
                        .find(|(c, _)| c == k)
                        .map_or(v.clone(), |(_, v)| v.clone());
                    (k.clone(), v)
                })
                .collect::<Vec<_>>()
        };
        // Voting is open: its start cannot move (not back to reopen, not forward).
        let moved = send(&[("voting_from", "2026-07-20".into())]);
        ewa.post("/staff/budget/2026/schedule", &pairs(&moved))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Tego, co już się wydarzyło, nie można zmienić")
            .assert_contains("value=\"2026-07-20\"");
        // A window that ends before it starts is refused with the date kept.
        let inverted = send(&[("voting_to", "2026-07-01".into())]);
        ewa.post("/staff/budget/2026/schedule", &pairs(&inverted))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("nie wcześniej, niż się zaczyna");
        // Voting cannot end in the past either (that would close it behind voters' backs
        // retroactively); a later end is fine.
        let past = send(&[("voting_to", "2026-07-14".into())]);
        ewa.post("/staff/budget/2026/schedule", &pairs(&past))
            .await
            .assert_status(StatusCode::CONFLICT);
        let later = send(&[("voting_to", "2026-07-25".into())]);
        ewa.post("/staff/budget/2026/schedule", &pairs(&later))
            .await
            .assert_redirect("/staff/budget/2026");
        let stored = budget::edition(&app.db.db, "2026").await.unwrap().unwrap();
        assert_eq!(stored.schedule.voting.0, edition.schedule.voting.0);
        assert!(stored.schedule.voting.1 > edition.schedule.voting.1);
        // After the count opens the envelopes, nothing moves.
        clock.set(stored.schedule.voting.1 + Duration::hours(1));
        let stored = budget::edition(&app.db.db, "2026").await.unwrap().unwrap();
        open_envelopes(&app, &fx, &stored).await;
        let form = schedule_form(&stored, "2026-09-01");
        ewa.post("/staff/budget/2026/schedule", &pairs(&form))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Karty zostały już otwarte");
    })
    .await;
}

#[tokio::test]
async fn officials_open_an_edition_with_its_schedule_pools_and_commission() {
    on_clock(|_| async move {
        let app = TestApp::new().await;
        let (mut official, me) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .get("/staff/budget/new")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        official
            .get("/staff/budget")
            .await
            .assert_contains("Nie ogłoszono jeszcze żadnej edycji")
            .assert_contains("href=\"/staff/budget/new\"");
        official
            .get("/staff/budget/new")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("XVIII Nowa Huta")
            .assert_contains("option value=\"ranked:3\" selected")
            .assert_contains(&format!("value=\"{}\"", me.id));
        let mut fields = new_edition_fields(&me.id.to_string());
        set(&mut fields, "slug", "Edycja 2027");
        set(&mut fields, "city_budget", "");
        set(&mut fields, "d18-budget", "3 100 000");
        set(&mut fields, "d18-max", "dużo");
        set(&mut fields, "threshold", "2");
        let page = official.post("/staff/budget", &pairs(&fields)).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Adres to 1–40 małych liter")
            .assert_contains("pula musi być większa od zera")
            .assert_contains("Wybierz członków komisji")
            .assert_contains("value=\"Budżet obywatelski 2027\"")
            .assert_contains("value=\"dużo\"");
        set(&mut fields, "slug", "2027");
        set(&mut fields, "city_budget", "10 800 000");
        set(&mut fields, "d18-max", "1 200 000");
        set(&mut fields, "threshold", "1");
        set(&mut fields, "results_due", "2027-09-01");
        official
            .post("/staff/budget", &pairs(&fields))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("najwcześniej w ostatnim dniu głosowania");
        set(&mut fields, "results_due", "2027-10-30");
        official
            .post("/staff/budget", &pairs(&fields))
            .await
            .assert_redirect("/staff/budget/2027");
        let edition = budget::edition(&app.db.db, "2027").await.unwrap().unwrap();
        assert_eq!(edition.min_age, None);
        assert!(edition.allow_without_pesel);
        assert!(edition.ballot_key.is_some());
        assert_eq!(edition.threshold, Some(1));
        let pools = budget::pools(&app.db.db, edition.id).await.unwrap();
        let summary: Vec<(String, i64, i64, Option<i64>)> = pools
            .iter()
            .map(|p| (p.code.clone(), p.budget, p.min_cost, p.max_cost))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "city".to_owned(),
                    1_080_000_000,
                    5_000_000,
                    Some(200_000_000)
                ),
                ("d1".to_owned(), 170_000_000, 1_000_000, Some(68_600_000)),
                ("d18".to_owned(), 310_000_000, 0, Some(120_000_000)),
            ]
        );
        // The voting window closes at the end of its last day, Kraków time.
        assert_eq!(
            edition.schedule.voting.1.to_rfc3339(),
            "2027-10-02T22:00:00+00:00"
        );
        official
            .post("/staff/budget", &pairs(&fields))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Edycja o tym adresie już istnieje");
        app.browser()
            .get("/budget/2027")
            .await
            .assert_contains("Ogłoszona")
            .assert_contains("do 30.10.2027")
            .assert_contains("I Stare Miasto");
    })
    .await;
}

#[tokio::test]
async fn the_budget_pages_are_accessible_and_hostile_bodies_get_no_server_error() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (mut resident, _) = app.logged_in("mieszkanka@example.pl", Role::Resident).await;
        let during = [
            "/budget",
            "/budget/2026",
            "/budget/2026/projects",
            "/budget/2026/projects/1",
            "/budget/2026/vote",
            "/budget/2026/vote?district=d1",
            "/staff/budget",
            "/staff/budget/new",
            "/staff/budget/2026",
            "/staff/budget/2026/projects",
            "/staff/budget/2026/projects/1",
            "/staff/budget/2026/share",
            "/staff/budget/2026/paper?district=d1&point=UMK",
            "/staff/budget/2026/counter",
        ];
        for lang in ["pl", "en"] {
            official.post("/language", &[("lang", lang)]).await;
            for path in during {
                let res = official.get(path).await;
                res.assert_status(StatusCode::OK);
                crate::shell::assert_accessible_shell(path, &res);
            }
        }
        let hostile: Vec<Vec<(&str, String)>> = vec![
            vec![],
            vec![
                ("district", "\u{0}".into()),
                ("pesel", "ż".repeat(5_000)),
                ("full_name", "ż".repeat(5_000)),
                ("born", "9999-99-99".into()),
                ("share-1", "MIASTO-\u{0}".into()),
                ("token", "a.b.c.d.e.f".into()),
            ],
            vec![
                ("city-1", "99999999999999999999".into()),
                ("district-1", "-1".into()),
                ("without_pesel", "on".into()),
                ("born", "0000-01-01".into()),
                ("reason", "ż".repeat(50_000)),
                ("voting_from", "2026-02-30".into()),
            ],
        ];
        let posts = [
            "/budget/2026/vote",
            "/staff/budget/2026/paper",
            "/staff/budget/2026/counter",
            "/staff/budget/2026/counter/ballot",
            "/staff/budget/2026/share/check",
            "/staff/budget/2026/schedule",
            "/staff/budget/2026/count",
            "/staff/budget/2026/publish",
            "/staff/budget/2026/correct",
            "/budget/2026/projects/1/appeal",
        ];
        for at in [Phase::Voting, Phase::Counting] {
            clock.set(time_in(&fx.edition.schedule, at));
            for route in posts {
                for fields in &hostile {
                    let sent: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    for who in [&mut official, &mut resident] {
                        let res = who.post(route, &sent).await;
                        assert!(
                            !res.status.is_server_error(),
                            "{route} in {at:?} → {}",
                            res.status
                        );
                    }
                }
            }
        }
        // Counting and results pages, after the envelopes are opened and published.
        let edition = budget::edition(&app.db.db, "2026").await.unwrap().unwrap();
        let pages = ["/staff/budget/2026/count", "/staff/budget/2026"];
        for path in pages {
            crate::shell::assert_accessible_shell(path, &official.get(path).await);
        }
        open_envelopes(&app, &fx, &edition).await;
        budget::publish(&app.db.db, edition.id).await.unwrap();
        for path in ["/budget/2026/results", "/staff/budget/2026"] {
            let res = official.get(path).await;
            res.assert_status(StatusCode::OK);
            crate::shell::assert_accessible_shell(path, &res);
        }
    })
    .await;
}
