//! District referenda (issue 18): an official drafts and announces a referendum for one
//! district (the ballot key split among the commission), residents of that district vote once
//! online (an address outside it refused, a second ballot refused — by account and by PESEL),
//! paper sheets count when two people type them alike, the results exist only after the
//! commission's shares open the envelopes, and then they are public with the anonymised
//! ballots; at most one referendum per district and year.

use super::budget_rules::pesel_of;
use super::consultations::on_clock;
use super::reports::district_id;
use crate::harness::{TestApp, demo_gazetteer};
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use miasto_domain::Role;

fn draft<'a>(district: &'a str, opens: &'a str, closes: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("district", district),
        ("title", "Park na Plantach"),
        (
            "description",
            "Czy część Plant ma stać się parkiem kieszonkowym z ławkami?",
        ),
        (
            "questions",
            "Czy urządzić park kieszonkowy?\n\nGdzie?\nPrzy Floriańskiej\nPrzy Wawelu",
        ),
        ("opens", opens),
        ("closes", closes),
        ("electorate", "1000"),
        ("min_turnout", ""),
    ]
}

fn ballot<'a>(
    pesel: &'a str,
    name: &'a str,
    address: &'a str,
    q0: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("full_name", name),
        ("pesel", pesel),
        ("resident", "on"),
        ("address", address),
        ("q0", q0),
        ("q1", "1"),
    ]
}

/// The share shown once on the page.
fn share_in(body: &str) -> String {
    let start = body
        .find("<pre class=\"share\">")
        .expect("the share is shown")
        + 19;
    let end = start + body[start..].find("</pre>").unwrap();
    body[start..end].trim().to_owned()
}

#[tokio::test]
async fn a_district_referendum_is_voted_once_per_person_and_counted_by_the_commission() {
    on_clock(|clock| async move {
        let app = TestApp::builder().geocoder(demo_gazetteer()).build().await;
        // ul. Floriańska lies in district I (Stare Miasto); al. Róż in XVIII (Nowa Huta).
        let district = district_id(&app, 1).await;
        let (mut official, me) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        // A mistake is named and what was typed kept.
        let mut bad = draft(&district, "2027-03-10T07:00", "2027-03-10T06:00");
        bad[3].1 = "Jedno pytanie?\ntylko jedna opcja";
        official
            .post("/staff/referenda", &bad)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"questions-error\"")
            .assert_contains("id=\"closes-error\"")
            .assert_contains("value=\"Park na Plantach\"");
        official
            .post(
                "/staff/referenda",
                &draft(&district, "2027-03-10T07:00", "2027-03-10T21:00"),
            )
            .await
            .assert_redirect("/staff/referenda/1");
        // A draft is not public.
        app.browser()
            .get("/referenda/1")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        app.browser()
            .get("/referenda")
            .await
            .assert_lacks("Park na Plantach");
        let id = me.id.to_string();
        official
            .post(
                "/staff/referenda/1/announce",
                &[("member", id.as_str()), ("threshold", "2")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Zaznacz co najmniej jednego członka");
        official
            .post(
                "/staff/referenda/1/announce",
                &[("member", id.as_str()), ("threshold", "1")],
            )
            .await
            .assert_redirect("/staff/referenda/1");
        // Fixed from now on.
        official
            .post(
                "/staff/referenda/1",
                &draft(&district, "2027-03-11T07:00", "2027-03-11T21:00"),
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        let page = official.post("/staff/referenda/1/share", &[]).await;
        page.assert_status(StatusCode::OK);
        let share = share_in(&page.body);
        // Shown once.
        official
            .post("/staff/referenda/1/share", &[])
            .await
            .assert_redirect("/staff/referenda/1");
        app.browser()
            .get("/referenda")
            .await
            .assert_contains("Park na Plantach");

        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let anna_pesel = pesel_of(1980, 5, 17, 123);
        // Not before voting opens.
        anna.post(
            "/referenda/1/vote",
            &ballot(&anna_pesel, "Anna Nowak", "ul. Floriańska 3", "0"),
        )
        .await
        .assert_redirect("/referenda/1");

        clock.set(Utc.with_ymd_and_hms(2027, 3, 10, 8, 0, 0).unwrap());
        // Outside the district: refused, nothing typed lost.
        let (mut bob, _) = app.logged_in("bob@example.pl", Role::Resident).await;
        bob.post(
            "/referenda/1/vote",
            &ballot(&pesel_of(1975, 1, 2, 456), "Bob Kowalski", "al. Róż 1", "1"),
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"address-error\"")
        .assert_contains("nie leży w dzielnicy referendum")
        .assert_contains("value=\"al. Róż 1\"");
        anna.post(
            "/referenda/1/vote",
            &ballot(&anna_pesel, "Anna Nowak", "ul. Floriańska 3", "0"),
        )
        .await
        .assert_redirect("/referenda/1");
        anna.get("/referenda/1")
            .await
            .assert_contains("Głos w tym referendum został już oddany");
        // "My city" says she voted (never how); Bob sees the vote open for district I.
        anna.get("/my")
            .await
            .assert_contains("Głos oddany")
            .assert_contains("Park na Plantach");
        bob.get("/my")
            .await
            .assert_contains("href=\"/referenda/1/vote\"");
        // A second ballot: by the same account, or by the same person from another account.
        anna.post(
            "/referenda/1/vote",
            &ballot(&anna_pesel, "Anna Nowak", "ul. Floriańska 3", "1"),
        )
        .await
        .assert_status(StatusCode::CONFLICT);
        let (mut other, _) = app.logged_in("anna2@example.pl", Role::Resident).await;
        other
            .post(
                "/referenda/1/vote",
                &ballot(&anna_pesel, "NOWAK  Anna", "ul. Floriańska 5", "1"),
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("już głosowałeś");
        // A paper sheet counts when two people type it alike.
        let carol = pesel_of(1990, 7, 1, 789);
        let mut sheet = ballot(&carol, "Carol Wiśniewska", "ul. Floriańska 7", "1");
        sheet.push(("sheet", "P-001"));
        sheet.push(("point", "Urząd Dzielnicy I"));
        anna.post("/staff/referenda/1/paper", &sheet)
            .await
            .assert_status(StatusCode::FORBIDDEN);
        official
            .post("/staff/referenda/1/paper", &sheet)
            .await
            .assert_redirect("/staff/referenda/1");
        // The same person's second keying does not count; someone else's does.
        official
            .post("/staff/referenda/1/paper", &sheet)
            .await
            .assert_redirect("/staff/referenda/1");
        official
            .get("/staff/referenda/1")
            .await
            .assert_contains("P-001");
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .post("/staff/referenda/1/paper", &sheet)
            .await
            .assert_redirect("/staff/referenda/1");
        // No results while voting: no count, no ballots, the envelopes cannot be opened.
        app.browser()
            .get("/referenda/1")
            .await
            .assert_contains("Dotąd zagłosowało osób: 2")
            .assert_lacks("Wyniki");
        app.browser()
            .get("/referenda/1/ballots.csv")
            .await
            .assert_status(StatusCode::NOT_FOUND);
        let share_field = [("shares", share.as_str())];
        official
            .post("/staff/referenda/1/open", &share_field)
            .await
            .assert_status(StatusCode::CONFLICT);
        let r = miasto_store::referenda::by_number(&app.db.db, 1)
            .await
            .unwrap()
            .unwrap();
        assert!(
            miasto_store::referenda::results(&app.db.db, &r)
                .await
                .unwrap()
                .is_none()
        );

        clock.set(Utc.with_ymd_and_hms(2027, 3, 10, 21, 30, 0).unwrap());
        let (mut late, _) = app.logged_in("late@example.pl", Role::Resident).await;
        late.post(
            "/referenda/1/vote",
            &ballot(
                &pesel_of(1960, 3, 3, 321),
                "Jan Spóźniony",
                "ul. Floriańska 9",
                "0",
            ),
        )
        .await
        .assert_redirect("/referenda/1");
        // A share that is not the commission's opens nothing.
        official
            .post("/staff/referenda/1/open", &[("shares", "nonsense")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"shares-error\"");
        official
            .post("/staff/referenda/1/open", &share_field)
            .await
            .assert_redirect("/referenda/1");
        app.browser()
            .get("/referenda/1")
            .await
            .assert_contains("Wyniki")
            .assert_contains("Kart: 2 (przez internet 1, papierowych 1)")
            .assert_contains("frekwencja 0.2%")
            .assert_contains("Referendum jest ważne");
        let csv = app.browser().get("/referenda/1/ballots.csv").await;
        csv.assert_status(StatusCode::OK);
        let rows: Vec<&str> = csv.body.trim().lines().collect();
        assert_eq!(rows.len(), 3, "{}", csv.body);
        assert!(rows[0].ends_with("ballot,channel,question_1,question_2"));
        assert!(rows.iter().any(|r| r.contains(",online,Tak,Przy Wawelu")));
        assert!(rows.iter().any(|r| r.contains(",paper,Nie,Przy Wawelu")));
        let api = app.browser().get("/api/v1/referenda/1").await;
        api.assert_status(StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(
            json["data"]["questions"][0]["votes"],
            serde_json::json!([1, 1])
        );
        assert_eq!(
            json["data"]["questions"][1]["votes"],
            serde_json::json!([0, 2])
        );
        assert_eq!(json["data"]["valid"], true);
        // Counted once.
        official
            .post("/staff/referenda/1/open", &share_field)
            .await
            .assert_status(StatusCode::CONFLICT);
        let r = miasto_store::referenda::by_number(&app.db.db, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.ballots, Some(2));
        // Every step is in the audit log.
        let log = miasto_store::audit::list(
            &app.db.db,
            &Default::default(),
            miasto_store::Page::new(None, Some(100)),
        )
        .await
        .unwrap();
        let steps: Vec<String> = log
            .items
            .iter()
            .filter(|e| e.action == "referendum_step")
            .map(|e| e.details["step"].as_str().unwrap_or_default().to_owned())
            .collect();
        for step in [
            "created",
            "announced",
            "share collected",
            "paper keyed",
            "opened",
        ] {
            assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn one_referendum_per_district_and_year_and_a_turnout_rule_needs_the_electorate() {
    on_clock(|_clock| async move {
        let app = TestApp::new().await;
        let district = district_id(&app, 5).await;
        let (mut official, me) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let id = me.id.to_string();
        let announce = [("member", id.as_str()), ("threshold", "1")];
        let mut first = draft(&district, "2027-04-10T07:00", "2027-04-10T21:00");
        first[6].1 = "";
        first[7].1 = "30";
        official
            .post("/staff/referenda", &first)
            .await
            .assert_redirect("/staff/referenda/1");
        official
            .post("/staff/referenda/1/announce", &announce)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("wymaga liczby uprawnionych");
        first[6].1 = "20000";
        official
            .post("/staff/referenda/1", &first)
            .await
            .assert_redirect("/staff/referenda/1");
        official
            .post("/staff/referenda/1/announce", &announce)
            .await
            .assert_redirect("/staff/referenda/1");
        official
            .post(
                "/staff/referenda",
                &draft(&district, "2027-10-10T07:00", "2027-10-10T21:00"),
            )
            .await
            .assert_redirect("/staff/referenda/2");
        official
            .post("/staff/referenda/2/announce", &announce)
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("odbyło się już w tym roku");
        // Another year is free.
        official
            .post(
                "/staff/referenda",
                &draft(&district, "2028-04-10T07:00", "2028-04-10T21:00"),
            )
            .await
            .assert_redirect("/staff/referenda/3");
        official
            .post("/staff/referenda/3/announce", &announce)
            .await
            .assert_redirect("/staff/referenda/3");
        // Residents cannot run referenda.
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        anna.get("/staff/referenda")
            .await
            .assert_status(StatusCode::FORBIDDEN);
    })
    .await;
}
