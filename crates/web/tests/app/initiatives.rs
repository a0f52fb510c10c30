//! Local initiatives (issue 18): residents apply (two at least, 8 weeks ahead, the landowner's
//! consent off city land), officials assess (60 of 100 points needed) and accept — committing
//! the cost to the year's pool, which is never overcommitted, also when two acceptances race
//! for the last money — then the agreement, the realisation and its public report.

use super::consultations::on_clock;
use super::reports::district_id;
use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;

/// The form's fields for an initiative costing `cost` zł in district `district`.
fn fields<'a>(title: &'a str, district: &'a str, cost: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("summary", "Sąsiedzki piknik z warsztatami dla dzieci."),
        ("applicants", "Anna Nowak\nJan Kowalski"),
        ("organisation", ""),
        ("contact_email", "anna@example.pl"),
        ("area", "culture"),
        (
            "task",
            "Miasto użyczy namiotów i nagłośnienia, kupi materiały do warsztatów.",
        ),
        // The clock stands at 19 February 2027: 8 weeks on is 16 April.
        ("starts", "2027-05-15"),
        ("ends", "2027-05-15"),
        ("place", "Skwer przy ul. Miłej"),
        ("district", district),
        ("land", "city"),
        (
            "significance",
            "Sąsiedzi poznają się i razem dbają o skwer.",
        ),
        (
            "residents_contribution",
            "Mieszkańcy przygotują poczęstunek i posprzątają.",
        ),
        (
            "city_contribution",
            "Namioty, nagłośnienie, materiały plastyczne.",
        ),
        ("cost", cost),
        ("opinion", "positive"),
    ]
}

async fn apply(who: &mut Browser<'_>, title: &str, district: &str, cost: &str) -> String {
    let res = who
        .post("/initiatives", &fields(title, district, cost))
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    res.location().rsplit('/').next().unwrap().to_owned()
}

async fn assess(official: &mut Browser<'_>, number: &str, points: [&str; 3]) {
    official
        .post(
            &format!("/staff/initiatives/{number}/assess"),
            &[
                ("usefulness", points[0]),
                ("contribution", points[1]),
                ("extra", points[2]),
            ],
        )
        .await
        .assert_redirect(&format!("/staff/initiatives/{number}"));
}

#[tokio::test]
async fn an_initiative_is_assessed_accepted_from_the_pool_and_realised() {
    on_clock(|_clock| async move {
        let app = TestApp::new().await;
        let district = district_id(&app, 12).await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        official
            .post(
                "/staff/initiatives/pool",
                &[("year", "2027"), ("amount", "10 000")],
            )
            .await
            .assert_redirect("/staff/initiatives");
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        // Every mistake is named and the rest kept: one applicant, too early, no consent off
        // city land, no cost.
        let mut bad = fields("Piknik na Bieżanowie", &district, "");
        for (name, value) in bad.iter_mut() {
            match *name {
                "applicants" => *value = "Anna Nowak",
                "starts" => *value = "2027-03-01",
                "land" => *value = "other",
                _ => {}
            }
        }
        anna.post("/initiatives", &bad)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"applicants-error\"")
            .assert_contains("id=\"starts-error\"")
            .assert_contains("id=\"consent-error\"")
            .assert_contains("id=\"cost-error\"")
            .assert_contains("value=\"Piknik na Bieżanowie\"");
        let number = apply(&mut anna, "Piknik na Bieżanowie", &district, "6 000").await;
        // Until accepted only the applicants and staff see it.
        app.browser()
            .get(&format!("/initiatives/{number}"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        anna.get(&format!("/initiatives/{number}"))
            .await
            .assert_contains("Czeka na ocenę");
        // Residents do not assess; points out of range are named.
        anna.post(
            &format!("/staff/initiatives/{number}/assess"),
            &[
                ("usefulness", "45"),
                ("contribution", "45"),
                ("extra", "10"),
            ],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
        official
            .post(
                &format!("/staff/initiatives/{number}/assess"),
                &[("usefulness", "46"), ("contribution", "10"), ("extra", "")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"usefulness-error\"")
            .assert_contains("id=\"extra-error\"");
        // 59 points: refused at acceptance; 60: accepted, its cost committed.
        assess(&mut official, &number, ["30", "24", "5"]).await;
        official
            .post(&format!("/staff/initiatives/{number}/accept"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("mniej niż 60 punktów");
        assess(&mut official, &number, ["30", "25", "5"]).await;
        official
            .post(&format!("/staff/initiatives/{number}/accept"), &[])
            .await
            .assert_redirect(&format!("/staff/initiatives/{number}"));
        let pool = miasto_store::initiatives::pool(&app.db.db, 2027)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((pool.committed, pool.remaining()), (600_000, 400_000));
        // The public sees it, and the money left.
        app.browser()
            .get("/initiatives?year=2027")
            .await
            .assert_contains("Piknik na Bieżanowie")
            .assert_contains("4\u{a0}000\u{a0}zł");
        // A second application costing more than is left is refused when accepted.
        let (mut ewa, _) = app.logged_in("ewa@example.pl", Role::Resident).await;
        let second = apply(&mut ewa, "Ławki na skwerze", &district, "4 000,01").await;
        assess(&mut official, &second, ["40", "40", "10"]).await;
        official
            .post(&format!("/staff/initiatives/{second}/accept"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("nie pokryje");
        // The first goes on: agreement, realisation, public report; the applicant was told.
        official
            .post_multipart(&format!("/staff/initiatives/{number}/report"), &[], &[])
            .await
            .assert_status(StatusCode::CONFLICT);
        official
            .post(
                &format!("/staff/initiatives/{number}/agreement"),
                &[("on", "2027-03-10")],
            )
            .await
            .assert_redirect(&format!("/staff/initiatives/{number}"));
        // The report with its photos: a mistake keeps the text; then it is published.
        let report = [
            ("on", "2027-05-15"),
            ("report", "Przyszło 120 sąsiadów; dzieci zrobiły karmniki."),
        ];
        let photo = miasto_store::testing::jpeg(64, 48);
        let seven: Vec<(&str, &str, &[u8])> = (0..7)
            .map(|_| ("photos", "piknik.jpg", photo.as_slice()))
            .collect();
        official
            .post_multipart(
                &format!("/staff/initiatives/{number}/report"),
                &report,
                &seven,
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("najwyżej 6 zdjęć")
            .assert_contains("Przyszło 120 sąsiadów");
        official
            .post_multipart(
                &format!("/staff/initiatives/{number}/report"),
                &report,
                &[("photos", "piknik.jpg", &photo)],
            )
            .await
            .assert_redirect(&format!("/staff/initiatives/{number}"));
        let public = app.browser().get(&format!("/initiatives/{number}")).await;
        let at = public
            .body
            .find("/initiatives/photos/")
            .expect("the photo is shown");
        let thumb = public.body[at..].split('"').next().unwrap().to_owned();
        app.browser()
            .get(&thumb)
            .await
            .assert_status(StatusCode::OK);
        // Kept by the housekeeping's sweep of files nothing points at (file keys carry the
        // real time of the upload).
        app.housekeeping_at(chrono::Utc::now() + chrono::Duration::hours(2))
            .await;
        app.browser()
            .get(&thumb)
            .await
            .assert_status(StatusCode::OK);
        public
            .assert_contains("Zrealizowany")
            .assert_contains("Przyszło 120 sąsiadów")
            // The applicants' names are personal data: not on the public page.
            .assert_lacks("Jan Kowalski");
        anna.get(&format!("/initiatives/{number}"))
            .await
            .assert_contains("Jan Kowalski");
        app.drain_jobs().await;
        let mails = app.emails_to("anna@example.pl").await;
        assert!(
            mails
                .iter()
                .any(|m| m.subject == "Twoja inicjatywa lokalna została przyjęta"),
            "{mails:?}"
        );
        // The JSON API lists it with the pool.
        let res = app.browser().get("/api/v1/initiatives?year=2027").await;
        res.assert_status(StatusCode::OK)
            .assert_contains("Piknik na Bieżanowie")
            .assert_contains("\"status\":\"realised\"");
        app.browser()
            .get("/api/v1/initiatives/pools/2027")
            .await
            .assert_contains("\"remaining\":400000");
    })
    .await;
}

#[tokio::test]
async fn two_acceptances_racing_for_the_last_money_cannot_both_win() {
    on_clock(|_clock| async move {
        let app = TestApp::new().await;
        let district = district_id(&app, 3).await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        // No pool yet: accepting is refused and says why.
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let first = apply(&mut anna, "Warsztaty rowerowe", &district, "5 000").await;
        let second = apply(&mut anna, "Kino plenerowe", &district, "5 000").await;
        assess(&mut official, &first, ["40", "40", "0"]).await;
        assess(&mut official, &second, ["40", "40", "0"]).await;
        official
            .post(&format!("/staff/initiatives/{first}/accept"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("nie ustaliło kwoty");
        official
            .post(
                "/staff/initiatives/pool",
                &[("year", "2027"), ("amount", "8 000")],
            )
            .await
            .assert_redirect("/staff/initiatives");
        let (mut other, _) = app
            .logged_in("naczelnik@um.krakow.pl", Role::Official)
            .await;
        let (to_first, to_second) = (
            format!("/staff/initiatives/{first}/accept"),
            format!("/staff/initiatives/{second}/accept"),
        );
        let (a, b) = tokio::join!(official.post(&to_first, &[]), other.post(&to_second, &[]));
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
        let pool = miasto_store::initiatives::pool(&app.db.db, 2027)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pool.committed, 500_000);
        // The pool cannot be set below what is committed.
        official
            .post(
                "/staff/initiatives/pool",
                &[("year", "2027"), ("amount", "4 999")],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}
