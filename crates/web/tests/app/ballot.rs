//! A ballot filled in one project at a time without JavaScript (issue 15): cards with "add to
//! my ballot" on the ballot, the project list and each project page; a panel that follows the
//! rule; a review step; the selection kept on the server under the session, sealed, and gone
//! when the vote is cast or the session ends; "My city" says the day one voted.

use crate::budget_rules::midsummer;
use crate::harness::{Browser, TestApp, TestResponse};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_store::budget;
use miasto_store::clock::Clock;
use miasto_store::testing::budget_edition;

async fn step(b: &mut Browser<'_>, project: &str, op: &str, back: &str) -> TestResponse {
    b.post(
        "/budget/2026/vote/choose",
        &[("project", project), ("op", op), ("back", back)],
    )
    .await
}

/// The hidden fields of the review page's form, in order.
fn hidden_fields(res: &TestResponse) -> Vec<(String, String)> {
    res.body
        .split(r#"<input type="hidden" name=""#)
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.split_once(r#"value=""#)?.1.split('"').next()?;
            Some((name.to_owned(), value.to_owned()))
        })
        .filter(|(name, _)| !["csrf", "return_to", "lang"].contains(&name.as_str()))
        .collect()
}

async fn draft_rows(app: &TestApp) -> Vec<Vec<u8>> {
    miasto_store::testing::stored_ballot_drafts(&app.db.db).await
}

/// Where `needle` first appears in the page (for checking an order).
fn at(res: &TestResponse, needle: &str) -> usize {
    res.body
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not on the page"))
}

#[tokio::test]
async fn a_ballot_is_filled_in_without_javascript_reviewed_and_cast() {
    Clock::at(midsummer())
        .run(async {
            let app = TestApp::new().await;
            let fx = budget_edition(&app.db.db, "2026", true).await;
            // Project numbers: city 1–5, d1 6–9, d5 10–13; each part ranks exactly 3.
            let (mut b, user) = app.logged_in("karta@example.pl", Role::Resident).await;
            b.get("/my")
                .await
                .assert_contains("Trwa głosowanie")
                .assert_contains(r#"href="/budget/2026/vote""#);
            b.get("/budget/2026/vote")
                .await
                .assert_contains("Wybierz dzielnicę");
            let ballot = b.get("/budget/2026/vote?district=d1").await;
            ballot
                .assert_status(StatusCode::OK)
                .assert_contains("Zostało 3 z 3 miejsc")
                .assert_contains("Jeszcze nic nie wybrano.")
                .assert_contains(
                    "Dodaj do mojej karty<span class=\"visually-hidden\">: Projekt d1 nr 1",
                );

            for n in ["1", "2", "3"] {
                step(&mut b, n, "add", "")
                    .await
                    .assert_redirect("/budget/2026/vote#city");
            }
            // A fourth does not fit a ranked part of three: said with the rule's number.
            step(&mut b, "4", "add", "")
                .await
                .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
                .assert_contains("najwyżej 3 projekty");
            // Order: move the third up.
            step(&mut b, "3", "up", "").await;
            let page = b.get("/budget/2026/vote").await;
            page.assert_contains("Zostało 0 z 3 miejsc");
            let panel_start = at(&page, "Twój wybór");
            let order: Vec<usize> = [
                "Projekt city nr 1 –",
                "Projekt city nr 3 –",
                "Projekt city nr 2 –",
            ]
            .iter()
            .map(|t| page.body[panel_start..].find(t).unwrap())
            .collect();
            assert!(order[0] < order[1] && order[1] < order[2], "{order:?}");

            // From a project page and from the list.
            b.get("/budget/2026/projects/6")
                .await
                .assert_contains("Dodaj do mojej karty");
            step(&mut b, "6", "add", "project")
                .await
                .assert_redirect("/budget/2026/projects/6");
            b.get("/budget/2026/projects/6")
                .await
                .assert_contains("Dodano do Twojej karty.")
                .assert_contains("Na Twojej karcie");
            step(&mut b, "7", "add", "list")
                .await
                .assert_redirect("/budget/2026/projects");
            // Another district's project: the ballot is for Stare Miasto.
            step(&mut b, "10", "add", "project")
                .await
                .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
                .assert_contains("Twoja karta dotyczy dzielnicy");
            // A project that is not on this edition's ballot, an unknown step.
            step(&mut b, "999", "add", "")
                .await
                .assert_status(StatusCode::NOT_FOUND);
            step(&mut b, "6", "steal", "")
                .await
                .assert_status(StatusCode::BAD_REQUEST);

            // The selection is sealed: a backup shows a draft exists, not what is in it.
            let rows = draft_rows(&app).await;
            assert_eq!(rows.len(), 1);
            let plain = String::from_utf8_lossy(&rows[0]);
            assert!(
                !plain.contains("project") && !plain.contains("d1"),
                "{plain}"
            );
            // Another session of the same account starts empty.
            let mut phone = app.browser();
            phone
                .login("karta@example.pl", crate::harness::PASSWORD)
                .await;
            phone
                .get("/budget/2026/vote?district=d1")
                .await
                .assert_contains("Jeszcze nic nie wybrano.");

            // Review: the district part has two of three.
            let review = b.get("/budget/2026/vote/review").await;
            review
                .assert_status(StatusCode::OK)
                .assert_contains("Wybierz dokładnie 3 projekty")
                .assert_contains("nie jest jeszcze kompletna");
            step(&mut b, "8", "add", "").await;
            let review = b.get("/budget/2026/vote/review").await;
            review.assert_lacks("nie jest jeszcze kompletna");
            let hidden = hidden_fields(&review);
            let expect = |pairs: &[(&str, &str)]| {
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                hidden,
                expect(&[
                    ("district", "d1"),
                    ("city-1", "1"),
                    ("city-2", "3"),
                    ("city-3", "2"),
                    ("district-1", "6"),
                    ("district-2", "7"),
                    ("district-3", "8"),
                ])
            );
            // A typing mistake keeps the choices that were sent.
            let mut form: Vec<(&str, &str)> = hidden
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            form.extend([("full_name", "Jan Kowalski"), ("pesel", "44051401459")]);
            b.post("/budget/2026/vote", &form)
                .await
                .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
                .assert_contains("cyfra kontrolna")
                .assert_contains("Projekt d1 nr 3 –")
                .assert_contains(r#"name="district-3" value="8""#);
            form.retain(|(k, _)| *k != "pesel");
            form.extend([("pesel", "44051401458"), ("resident", "on")]);
            b.post("/budget/2026/vote", &form)
                .await
                .assert_redirect("/budget/2026");
            assert!(
                budget::has_voted(&app.db.db, fx.edition.id, user.id)
                    .await
                    .unwrap()
            );
            // Cast: this session's draft is gone with it; the phone's ends with its session.
            phone.get("/budget/2026/vote?district=d1").await;
            step(&mut phone, "9", "add", "").await;
            assert_eq!(
                draft_rows(&app).await.len(),
                1,
                "only the phone's draft is left"
            );
            phone.post("/logout", &[]).await;
            assert!(
                draft_rows(&app).await.is_empty(),
                "a draft ends with its session"
            );

            // The voter's ballot is closed, and "My city" says when they voted.
            step(&mut b, "4", "add", "")
                .await
                .assert_redirect("/budget/2026/vote");
            b.get("/budget/2026/projects/6")
                .await
                .assert_lacks("Dodaj do mojej karty");
            // Midsummer is midnight in Kraków: the 15th there.
            let day = "15.07.2026";
            b.get("/my")
                .await
                .assert_contains("Głos w edycji")
                .assert_contains(day)
                .assert_contains("Twój wybór jest tajny")
                .assert_lacks("Trwa głosowanie");
        })
        .await;
}

#[tokio::test]
async fn knapsack_and_cumulative_panels_count_money_and_points() {
    Clock::at(midsummer())
        .run(async {
            let app = TestApp::new().await;
            let fx = budget_edition(&app.db.db, "2026", true).await;
            // The city-wide pool (100,000 zł) becomes a knapsack ballot, d1 a cumulative one.
            for (pool, rule) in [(&fx.pools[0], "knapsack"), (&fx.pools[1], "cumulative:5:3")] {
                miasto_store::testing::set_pool_rule(&app.db.db, pool.id, rule).await;
            }
            let costs: Vec<i64> = fx.projects[0].iter().map(|p| p.final_cost()).collect();
            let (mut b, _) = app.logged_in("plecak@example.pl", Role::Resident).await;
            b.get("/budget/2026/vote?district=d1")
                .await
                .assert_contains("Zostało 100")
                .assert_contains("Zostało 5 z 5 punktów");
            // Add city projects until the money runs out: the refusal names both sums.
            let mut spent = 0;
            let mut refused = None;
            for (i, cost) in costs.iter().enumerate() {
                let res = step(&mut b, &(i + 1).to_string(), "add", "").await;
                if spent + cost <= 10_000_000 {
                    res.assert_redirect("/budget/2026/vote#city");
                    spent += cost;
                } else {
                    refused = Some(res);
                    break;
                }
            }
            let refused = refused.expect("the fixture's city projects cost more than its pool");
            refused
                .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
                .assert_contains("Za mało pieniędzy: zostało");
            // Points: 3 on one, 2 on another, then no more.
            for (project, points) in [("6", "3"), ("7", "2")] {
                b.post(
                    "/budget/2026/vote/choose",
                    &[("project", project), ("op", "points"), ("points", points)],
                )
                .await
                .assert_redirect("/budget/2026/vote#district");
            }
            b.post(
                "/budget/2026/vote/choose",
                &[("project", "8"), ("op", "points"), ("points", "1")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Za mało punktów: zostało 0");
            let review = b.get("/budget/2026/vote/review").await;
            let hidden = hidden_fields(&review);
            assert!(hidden.contains(&("district-6".to_owned(), "3".to_owned())));
            assert!(hidden.contains(&("district-7".to_owned(), "2".to_owned())));
            assert!(hidden.iter().filter(|(k, _)| k == "city").count() >= 1);
        })
        .await;
}
