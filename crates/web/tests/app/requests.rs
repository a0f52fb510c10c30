//! Requests with signatures (issue 18): a resident submits, an official checks and opens it,
//! residents sign with their PESEL (one signature per person and request, whatever the
//! channel, also when two arrive at once), organisations sign once staff verified their link,
//! the contact centre types in paper lists, and an official accepts (a Small Consultation
//! draft is created) or refuses with a published reason. Thresholds are the city's.

use super::api::post_json;
use super::consultations::{day, on_clock, unit_id};
use super::reports::district_id;
use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use miasto_domain::Role;
use miasto_domain::consultations::{Area, Kind};
use miasto_domain::requests::Thresholds;
use serde_json::{Value, json};

/// A valid PESEL for someone born on `born`, told apart by `serial` (0–9999).
fn pesel(born: NaiveDate, serial: u32) -> String {
    let year = born.year();
    let month = born.month() + if year >= 2000 { 20 } else { 0 };
    let digits = format!(
        "{:02}{:02}{:02}{:04}",
        year % 100,
        month,
        born.day(),
        serial % 10_000
    );
    const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = digits
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

fn adult(serial: u32) -> String {
    pesel(NaiveDate::from_ymd_opt(1980, 5, 17).unwrap(), serial)
}

/// Submits a request as `who`; its page's path.
async fn submit(who: &mut Browser<'_>, purpose: &str, district: &str, title: &str) -> String {
    let res = who
        .post(
            "/requests",
            &[
                ("purpose", purpose),
                ("district", district),
                ("title", title),
                (
                    "description",
                    "Prosimy o rozmowę z mieszkańcami o zagospodarowaniu skweru przy ulicy.",
                ),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    res.location().to_owned()
}

async fn sign(who: &mut Browser<'_>, path: &str, pesel: &str) -> crate::harness::TestResponse {
    who.post(
        &format!("{path}/sign"),
        &[("pesel", pesel), ("declaration", "yes")],
    )
    .await
}

async fn paper(who: &mut Browser<'_>, number: &str, pesel: &str) -> crate::harness::TestResponse {
    who.post(
        &format!("/staff/requests/{number}/paper"),
        &[("pesel", pesel), ("declaration", "yes")],
    )
    .await
}

fn number_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_small_consultation_request_is_checked_signed_and_becomes_a_draft() {
    let app = TestApp::new().await;
    let podgorze = district_id(&app, 13).await;
    let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
    // Bad input is named field by field and nothing typed is lost.
    anna.post(
        "/requests",
        &[
            ("purpose", "small_consultation"),
            ("district", ""),
            ("title", "Skwer przy Rękawce"),
            ("description", "Za krótko"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("id=\"district-error\"")
    .assert_contains("id=\"description-error\"")
    .assert_contains("value=\"Skwer przy Rękawce\"")
    .assert_contains(">Za krótko</textarea>");
    // Anonymous visitors cannot submit.
    app.browser()
        .get("/requests/new")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let path = submit(
        &mut anna,
        "small_consultation",
        &podgorze,
        "Skwer przy Rękawce",
    )
    .await;
    let number = number_of(&path);
    // Before the check only its author (and staff) see it, and nobody signs it.
    anna.get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Czeka na sprawdzenie");
    let (mut jan, _) = app.logged_in("jan@example.pl", Role::Resident).await;
    jan.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    app.browser()
        .get("/requests")
        .await
        .assert_lacks("Skwer przy Rękawce");
    // A resident cannot open it; an official can, and the author is told.
    anna.post(&format!("/staff/requests/{number}/open"), &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    official
        .get("/staff/requests")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Skwer przy Rękawce");
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await
        .assert_redirect(&format!("/staff/requests/{number}"));
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await
        .assert_status(StatusCode::CONFLICT);
    app.drain_jobs().await;
    let mails = app.emails_to("anna@example.pl").await;
    assert!(
        mails
            .iter()
            .any(|m| m.body_text.contains("Skwer przy Rękawce")
                && m.body_text.contains(&format!("/requests/{number}"))),
        "{mails:?}"
    );
    // The public page shows the progress against Kraków's numbers.
    app.browser()
        .get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Podpisało 0 z 20 mieszkańców")
        .assert_contains("Podpisało 0 z 4 organizacji")
        .assert_contains("Zaloguj się, aby podpisać");
    // Signing: the declaration is required and the PESEL is kept in the form.
    jan.post(&format!("{path}/sign"), &[("pesel", &adult(1))])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"declaration-error\"")
        .assert_contains(&format!("value=\"{}\"", adult(1)));
    sign(&mut jan, &path, "12345678901")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"pesel-error\"");
    // Kraków's minimum age for consultation requests is 16.
    let child = pesel(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(), 5);
    sign(&mut jan, &path, &child)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"pesel-error\"");
    sign(&mut jan, &path, &adult(1))
        .await
        .assert_redirect(&path);
    jan.get(&path)
        .await
        .assert_contains("Podpisano ten wniosek")
        .assert_contains("Podpisało 1 z 20 mieszkańców")
        .assert_lacks("name=\"pesel\"");
    // One signature per person: the same PESEL from another account, on paper, or a second
    // PESEL from the same account, are all refused.
    let (mut ewa, _) = app.logged_in("ewa@example.pl", Role::Resident).await;
    sign(&mut ewa, &path, &adult(1))
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Ta osoba już podpisała ten wniosek");
    sign(&mut jan, &path, &adult(2))
        .await
        .assert_status(StatusCode::CONFLICT);
    let (mut operator, _) = app.logged_in("kck@um.krakow.pl", Role::Operator).await;
    paper(&mut operator, &number, &adult(1))
        .await
        .assert_status(StatusCode::CONFLICT);
    // Too few: the official cannot accept yet.
    official
        .post(
            &format!("/staff/requests/{number}/accept"),
            &[("unit", &unit_id(&app, "WD").await)],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Za mało podpisów");
    // The contact centre types in a paper list; it may not decide.
    for serial in 2..=20 {
        paper(&mut operator, &number, &adult(serial))
            .await
            .assert_redirect(&format!("/staff/requests/{number}"));
    }
    operator
        .post(
            &format!("/staff/requests/{number}/refuse"),
            &[("reason", "Nie")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    app.browser()
        .get(&path)
        .await
        .assert_contains("Podpisało 20 z 20 mieszkańców")
        .assert_contains("Zebrano wystarczająco podpisów");
    // Accepting asks for the unit, then creates a Small Consultation draft for the district.
    official
        .post(&format!("/staff/requests/{number}/accept"), &[("unit", "")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"unit-error\"");
    let res = official
        .post(
            &format!("/staff/requests/{number}/accept"),
            &[("unit", &unit_id(&app, "WD").await)],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let draft = res.location().to_owned();
    assert!(draft.starts_with("/staff/consultations/"), "{draft}");
    let slug = draft.rsplit('/').next().unwrap();
    let c = miasto_store::consultations::get_by_slug(&app.db.db, slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.plan.kind, Kind::Small);
    assert_eq!(c.plan.title, "Skwer przy Rękawce");
    assert_eq!(
        c.organisation.area,
        Area::Districts(vec![miasto_domain::DistrictId::parse(&podgorze).unwrap()])
    );
    let r = miasto_store::requests::get_by_number(&app.db.db, number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.consultation, Some(c.id));
    // Residents see the outcome (the draft is not public yet); signing is over.
    jan.get(&path)
        .await
        .assert_contains("Miasto przyjęło ten wniosek")
        .assert_contains("Konsultacje są przygotowywane");
    sign(&mut ewa, &path, &adult(30))
        .await
        .assert_status(StatusCode::CONFLICT);
    official
        .post(
            &format!("/staff/requests/{number}/refuse"),
            &[("reason", "Za późno")],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    // The author and the online signer are told; the paper signers have no account.
    app.drain_jobs().await;
    for who in ["anna@example.pl", "jan@example.pl"] {
        let mails = app.emails_to(who).await;
        assert!(
            mails.iter().any(|m| m.subject == "Wniosek został przyjęty"),
            "{who}: {mails:?}"
        );
    }
    // Every staff step is in the audit log; no PESEL or hash is stored in it.
    let log = miasto_store::audit::list(
        &app.db.db,
        &Default::default(),
        miasto_store::Page::new(None, Some(100)),
    )
    .await
    .unwrap();
    let actions: Vec<String> = log.items.iter().map(|e| e.action.clone()).collect();
    for action in [
        "request_opened",
        "request_paper_signature",
        "request_decided",
        "consultation_created",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    let dump = format!("{:?}", log.items);
    assert!(!dump.contains(&adult(2)));
    // "My city" lists the request for its author and its signer.
    for who in [&mut anna, &mut jan] {
        who.get("/my").await.assert_contains("Skwer przy Rękawce");
    }
}

#[tokio::test]
async fn organisations_sign_once_verified_and_count_towards_their_own_threshold() {
    let app = TestApp::builder()
        .request_thresholds(Thresholds {
            small_organisations: 2,
            ..Thresholds::default()
        })
        .build()
        .await;
    let district = district_id(&app, 5).await;
    let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
    let path = submit(
        &mut anna,
        "small_consultation",
        &district,
        "Ławki na Krowodrzy",
    )
    .await;
    let number = number_of(&path);
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await;
    // Two accounts link organisations; a KRS number is checked digit by digit.
    let (mut ngo1, _) = app.logged_in("fundacja@example.pl", Role::Resident).await;
    ngo1.post(
        "/my/organisations",
        &[
            ("krs", "00000I2345"),
            ("name", "Fundacja Zielona Krowodrza"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("id=\"krs-error\"")
    .assert_contains("value=\"Fundacja Zielona Krowodrza\"");
    ngo1.post(
        "/my/organisations",
        &[
            ("krs", "0000012345"),
            ("name", "Fundacja Zielona Krowodrza"),
        ],
    )
    .await
    .assert_redirect("/my/organisations");
    ngo1.post(
        "/my/organisations",
        &[("krs", "12345"), ("name", "Fundacja Zielona Krowodrza")],
    )
    .await
    .assert_status(StatusCode::CONFLICT);
    let (mut ngo2, _) = app
        .logged_in("stowarzyszenie@example.pl", Role::Resident)
        .await;
    ngo2.post(
        "/my/organisations",
        &[("krs", "0000054321"), ("name", "Stowarzyszenie Sąsiedzi")],
    )
    .await
    .assert_redirect("/my/organisations");
    // Not verified yet: no button, and a forged form is refused.
    let own = miasto_store::requests::organisations_of(
        &app.db.db,
        app.get_user("fundacja@example.pl").await.unwrap().id,
    )
    .await
    .unwrap();
    let id1 = own[0].id.to_string();
    ngo1.get(&path)
        .await
        .assert_contains("czeka na weryfikację")
        .assert_lacks("sign-organisation");
    ngo1.post(
        &format!("{path}/sign-organisation"),
        &[("organisation", &id1)],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    // Staff verify one and refuse the other with a reason its account sees.
    official
        .get("/staff/organisations")
        .await
        .assert_contains("Fundacja Zielona Krowodrza")
        .assert_contains("Stowarzyszenie Sąsiedzi");
    official
        .post(
            &format!("/staff/organisations/{id1}"),
            &[("decision", "verify")],
        )
        .await
        .assert_redirect("/staff/organisations");
    let id2 = miasto_store::requests::pending_organisations(&app.db.db)
        .await
        .unwrap()[0]
        .id
        .to_string();
    official
        .post(
            &format!("/staff/organisations/{id2}"),
            &[("decision", "refuse"), ("reason", "")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    official
        .post(
            &format!("/staff/organisations/{id2}"),
            &[
                ("decision", "refuse"),
                ("reason", "Nie ma Pan umocowania w KRS."),
            ],
        )
        .await
        .assert_redirect("/staff/organisations");
    ngo2.get("/my/organisations")
        .await
        .assert_contains("Nie ma Pan umocowania w KRS.");
    // Another account cannot sign for someone else's organisation.
    ngo2.post(
        &format!("{path}/sign-organisation"),
        &[("organisation", &id1)],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    ngo1.get(&path)
        .await
        .assert_contains("Podpisz w imieniu: Fundacja Zielona Krowodrza");
    ngo1.post(
        &format!("{path}/sign-organisation"),
        &[("organisation", &id1)],
    )
    .await
    .assert_redirect(&path);
    ngo1.post(
        &format!("{path}/sign-organisation"),
        &[("organisation", &id1)],
    )
    .await
    .assert_status(StatusCode::CONFLICT);
    // The same account still signs as a resident.
    sign(&mut ngo1, &path, &adult(7))
        .await
        .assert_redirect(&path);
    app.browser()
        .get(&path)
        .await
        .assert_contains("Podpisało 1 z 2 organizacji")
        .assert_contains("Podpisało 1 z 20 mieszkańców");
    // One organisation short of the city's number: not yet.
    official
        .post(
            &format!("/staff/requests/{number}/accept"),
            &[("unit", &unit_id(&app, "WD").await)],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_referendum_request_needs_the_electorate_voters_only_and_no_organisations() {
    let app = TestApp::new().await;
    let district = district_id(&app, 18).await;
    let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
    let path = submit(&mut anna, "referendum", &district, "Referendum o parku").await;
    let number = number_of(&path);
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await;
    app.browser()
        .get(&path)
        .await
        .assert_contains("potrzebna liczba będzie znana");
    // Signers must be of voting age (18).
    let seventeen = pesel(NaiveDate::from_ymd_opt(2009, 12, 1).unwrap(), 3);
    sign(&mut anna, &path, &seventeen)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"pesel-error\"");
    for serial in 1..=3 {
        let (mut who, _) = app
            .logged_in(&format!("mieszkaniec{serial}@example.pl"), Role::Resident)
            .await;
        sign(&mut who, &path, &adult(serial))
            .await
            .assert_redirect(&path);
    }
    // Without the electorate nobody can tell whether 10% signed.
    official
        .post(&format!("/staff/requests/{number}/accept"), &[])
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Najpierw wpisz liczbę uprawnionych");
    official
        .post(
            &format!("/staff/requests/{number}/electorate"),
            &[("electorate", "dużo")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"electorate-error\"")
        .assert_contains("value=\"dużo\"");
    // 10% of 41 is 4.1: five signatures are needed (rounded up).
    official
        .post(
            &format!("/staff/requests/{number}/electorate"),
            &[("electorate", "41")],
        )
        .await
        .assert_redirect(&format!("/staff/requests/{number}"));
    app.browser()
        .get(&path)
        .await
        .assert_contains("Podpisało 3 z 5 mieszkańców")
        .assert_lacks("organizacji");
    official
        .post(&format!("/staff/requests/{number}/accept"), &[])
        .await
        .assert_status(StatusCode::CONFLICT);
    official
        .post(
            &format!("/staff/requests/{number}/electorate"),
            &[("electorate", "30")],
        )
        .await
        .assert_redirect(&format!("/staff/requests/{number}"));
    // Accepting schedules the referendum: a draft of the district's, with the request's title
    // as its question and the electorate entered for the request.
    official
        .post(&format!("/staff/requests/{number}/accept"), &[])
        .await
        .assert_redirect("/staff/referenda/1");
    official
        .get("/staff/referenda/1")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Referendum o parku")
        .assert_contains("value=\"30\"");
    // A standard consultation request on a city-wide matter takes no district; the electorate
    // belongs to referenda only.
    let city = submit(
        &mut anna,
        "consultation",
        "",
        "Konsultacje o nocnych tramwajach",
    )
    .await;
    let city_number = number_of(&city);
    official
        .post(
            &format!("/staff/requests/{city_number}/electorate"),
            &[("electorate", "30")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn signing_closes_at_the_deadline_paper_lists_follow_and_a_refusal_is_published() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let district = district_id(&app, 2).await;
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let path = submit(
            &mut anna,
            "small_consultation",
            &district,
            "Parking na Grzegórzkach",
        )
        .await;
        let number = number_of(&path);
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        clock.set(day(1));
        official
            .post(&format!("/staff/requests/{number}/open"), &[])
            .await;
        let (mut jan, _) = app.logged_in("jan@example.pl", Role::Resident).await;
        sign(&mut jan, &path, &adult(1))
            .await
            .assert_redirect(&path);
        // Kraków collects for 60 days.
        clock.set(day(1) + chrono::Duration::days(60));
        let (mut ewa, _) = app.logged_in("ewa@example.pl", Role::Resident).await;
        sign(&mut ewa, &path, &adult(2))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("nie są już zbierane");
        app.browser()
            .get(&path)
            .await
            .assert_contains("Czeka na rozstrzygnięcie");
        // Lists handed in by the deadline are still typed in.
        let (mut operator, _) = app.logged_in("kck@um.krakow.pl", Role::Operator).await;
        // (Two months on, the official signs in again.)
        let mut official = app.browser();
        official
            .login("urzednik@um.krakow.pl", crate::harness::PASSWORD)
            .await;
        paper(&mut operator, &number, &adult(2))
            .await
            .assert_redirect(&format!("/staff/requests/{number}"));
        official
            .get("/staff/requests")
            .await
            .assert_contains("Czeka na rozstrzygnięcie");
        // A refusal needs its reason, which is published and sent to the signers.
        official
            .post(
                &format!("/staff/requests/{number}/refuse"),
                &[("reason", " ")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"reason-error\"");
        official
            .post(
                &format!("/staff/requests/{number}/refuse"),
                &[("reason", "Zebrano 2 z 20 wymaganych podpisów.")],
            )
            .await
            .assert_redirect(&format!("/staff/requests/{number}"));
        app.browser()
            .get(&path)
            .await
            .assert_contains("Odrzucony")
            .assert_contains("Zebrano 2 z 20 wymaganych podpisów.");
        paper(&mut operator, &number, &adult(3))
            .await
            .assert_status(StatusCode::CONFLICT);
        app.drain_jobs().await;
        let mails = app.emails_to("jan@example.pl").await;
        assert!(
            mails
                .iter()
                .any(|m| m.body_text.contains("Zebrano 2 z 20 wymaganych podpisów.")),
            "{mails:?}"
        );
        // Decided requests are listed under "decided".
        app.browser()
            .get("/requests?state=decided")
            .await
            .assert_contains("Parking na Grzegórzkach");
        app.browser()
            .get("/requests?state=open")
            .await
            .assert_lacks("Parking na Grzegórzkach");
    })
    .await;
}

#[tokio::test]
async fn two_signatures_of_one_person_at_once_count_once() {
    let app = TestApp::builder()
        .request_thresholds(Thresholds {
            small_residents: 2,
            ..Thresholds::default()
        })
        .build()
        .await;
    let district = district_id(&app, 7).await;
    let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
    let path = submit(&mut anna, "small_consultation", &district, "Wola Justowska").await;
    let number = number_of(&path);
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await;
    let (mut a, _) = app.logged_in("a@example.pl", Role::Resident).await;
    let (mut b, _) = app.logged_in("b@example.pl", Role::Resident).await;
    let same = adult(9);
    let (ra, rb) = tokio::join!(sign(&mut a, &path, &same), sign(&mut b, &path, &same));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let r = miasto_store::requests::get_by_number(&app.db.db, number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let progress = miasto_store::requests::progress(&app.db.db, r.id)
        .await
        .unwrap();
    assert_eq!(progress.residents, 1);
    // The city's own number (2 here) decides.
    official
        .post(
            &format!("/staff/requests/{number}/accept"),
            &[("unit", &unit_id(&app, "WD").await)],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    sign(&mut anna, &path, &adult(10))
        .await
        .assert_redirect(&path);
    official
        .post(
            &format!("/staff/requests/{number}/accept"),
            &[("unit", &unit_id(&app, "WD").await)],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

fn json_of(res: &crate::harness::TestResponse) -> Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

#[tokio::test]
async fn an_app_lists_requests_and_signs_with_the_same_rules() {
    let app = TestApp::new().await;
    let district = district_id(&app, 3).await;
    let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
    let path = submit(&mut anna, "small_consultation", &district, "Park Reduta").await;
    let number = number_of(&path);
    // Not public before the check.
    app.browser()
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    official
        .post(&format!("/staff/requests/{number}/open"), &[])
        .await;
    let list = app.browser().get("/api/v1/requests?state=open").await;
    list.assert_status(StatusCode::OK);
    let value = json_of(&list);
    assert_eq!(value["data"][0]["title"], "Park Reduta");
    assert_eq!(value["data"][0]["district"], 3);
    assert_eq!(value["data"][0]["residents_needed"], 20);
    assert_eq!(value["data"][0]["organisations_needed"], 4);
    assert_eq!(value["data"][0]["phase"], "open");
    app.browser()
        .get("/api/v1/requests?purpose=petition")
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    app.user("jan@example.pl", Role::Resident).await;
    let token = {
        let res = post_json(
            &app,
            "/api/v1/auth/tokens",
            None,
            json!({ "email": "jan@example.pl", "password": crate::harness::PASSWORD, "device_name": "Pixel" }),
        )
        .await;
        json_of(&res)["data"]["token"].as_str().unwrap().to_owned()
    };
    let url = format!("/api/v1/requests/{number}/signatures");
    let res = post_json(
        &app,
        &url,
        None,
        json!({ "pesel": adult(1), "declaration": true }),
    )
    .await;
    res.assert_status(StatusCode::UNAUTHORIZED);
    let res = post_json(
        &app,
        &url,
        Some(&token),
        json!({ "pesel": adult(1), "declaration": false }),
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&res)["error"]["fields"][0]["field"], "declaration");
    let res = post_json(
        &app,
        &url,
        Some(&token),
        json!({ "pesel": adult(1), "declaration": true }),
    )
    .await;
    res.assert_status(StatusCode::CREATED);
    assert_eq!(json_of(&res)["data"]["residents_signed"], 1);
    // The same person on the web is refused: one rule for every channel.
    sign(&mut anna, &path, &adult(1))
        .await
        .assert_status(StatusCode::CONFLICT);
    let res = post_json(
        &app,
        &url,
        Some(&token),
        json!({ "pesel": adult(2), "declaration": true }),
    )
    .await;
    res.assert_status(StatusCode::CONFLICT);
    assert_eq!(json_of(&res)["error"]["code"], "request_already_signed");
    assert!(
        !json_of(&res)["error"]["message"]
            .as_str()
            .unwrap()
            .is_empty()
    );
}
