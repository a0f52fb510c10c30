//! Subscriptions (issue 16): residents choose a district and a topic and hear when a
//! consultation on it opens (scheduled for the opening; taken back when it is called off) and
//! when its report is published; one link in every e-mail ends it without logging in.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::TestApp;
use axum::http::StatusCode;
use miasto_domain::Role;

/// Subjects of the e-mails to `to`, without the platform's name.
async fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.emails_to(to)
        .await
        .into_iter()
        .map(|m| m.subject.split(" – ").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn subscribers_hear_when_a_consultation_opens_and_when_its_report_is_out() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let districts = miasto_store::reference::list_districts(&app.db.db)
            .await
            .unwrap();
        let (here, elsewhere) = (districts[0].id.to_string(), districts[1].id.to_string());
        // A visitor is asked to log in first.
        let res = app
            .browser()
            .post(
                "/consultations/subscriptions",
                &[("district", ""), ("topic", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().starts_with("/login"));
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let (mut bartek, _) = app.logged_in("bartek@example.pl", Role::Resident).await;
        let (mut celina, _) = app.logged_in("celina@example.pl", Role::Resident).await;
        for (b, district, topic) in [
            (&mut anna, here.as_str(), "greenery"),
            (&mut bartek, "", ""),
            (&mut celina, elsewhere.as_str(), ""),
        ] {
            b.post(
                "/consultations/subscriptions",
                &[("district", district), ("topic", topic)],
            )
            .await
            .assert_redirect("/consultations#subscribe");
        }
        // Twice the same is one subscription; a tampered topic is refused.
        bartek
            .post(
                "/consultations/subscriptions",
                &[("district", ""), ("topic", "")],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        bartek
            .post(
                "/consultations/subscriptions",
                &[("district", ""), ("topic", "fajerwerki")],
            )
            .await
            .assert_status(StatusCode::BAD_REQUEST);
        let my = bartek.get("/my").await;
        my.assert_contains("Cały Kraków · Każdy temat");
        assert_eq!(my.body.matches("/delete\"").count(), 1);

        // A consultation on greenery in `here`; another, city-wide, called off before it opens.
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let mut plan = with_methods(&unit, &["comments"]);
        plan.retain(|(k, _)| *k != "city_wide");
        plan.push(("districts", here.clone()));
        plan.push(("topics", "greenery".to_owned()));
        plan.push(("topics", "transport".to_owned()));
        let path = create(&mut official, &plan).await;
        official.get(&path).await.assert_contains(
            "id=\"topic-greenery\" name=\"topics\" type=\"checkbox\" value=\"greenery\" checked",
        );
        official.post(&format!("{path}/publish"), &[]).await;
        let other = create(&mut official, &with_methods(&unit, &["comments"])).await;
        official.post(&format!("{other}/publish"), &[]).await;
        official
            .post(&format!("{other}/cancel"), &[("reason", "Zmiana planów.")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let public = format!("/consultations/{slug}");
        app.browser()
            .get("/consultations?topic=greenery")
            .await
            .assert_contains(&public)
            .assert_contains("Zieleń i środowisko");
        app.browser()
            .get("/consultations?topic=safety")
            .await
            .assert_lacks(&public)
            .assert_contains("Żadne konsultacje nie pasują do wybranych filtrów.");

        // Someone subscribing after the announcement hears of the opening too.
        clock.set(day(2));
        let (mut daria, _) = app.logged_in("daria@example.pl", Role::Resident).await;
        daria
            .post(
                "/consultations/subscriptions",
                &[("district", ""), ("topic", "transport")],
            )
            .await
            .assert_redirect("/consultations#subscribe");
        // Nothing before the opening.
        assert!(subjects(&app, "anna@example.pl").await.is_empty());
        clock.set(day(8) + chrono::Duration::hours(2));
        let opened = "Rozpoczęły się konsultacje: Jak rozwijać konsultacje społeczne w Krakowie?";
        for who in ["anna@example.pl", "bartek@example.pl", "daria@example.pl"] {
            assert_eq!(subjects(&app, who).await, [opened], "{who}");
        }
        assert!(subjects(&app, "celina@example.pl").await.is_empty());

        // Anna's link ends her subscription without logging in; a wrong token is nothing.
        let mail = app.emails_to("anna@example.pl").await.remove(0);
        let link = crate::harness::path_of(
            mail.body_text
                .lines()
                .find(|l| l.contains("/unsubscribe?t="))
                .unwrap()
                .trim(),
        );
        let mut stranger = app.browser();
        stranger
            .get(&link.replace("?t=", "?t=00"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        stranger
            .get(&link)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains(&format!("{} · Zieleń i środowisko", districts[0].label()));
        stranger
            .post(&link, &[])
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Nie będziemy już wysyłać tych powiadomień.");
        stranger
            .get(&link)
            .await
            .assert_contains("Te powiadomienia zostały już wyłączone.");

        // The report: subscribers hear, Anna no more.
        clock.set(day(29));
        // (The sessions of March have expired by now.)
        official
            .login("urzednik@um.krakow.pl", crate::harness::PASSWORD)
            .await;
        bartek
            .login("bartek@example.pl", crate::harness::PASSWORD)
            .await;
        anna.login("anna@example.pl", crate::harness::PASSWORD)
            .await;
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_redirect(&format!("{public}/report"));
        assert_eq!(
            subjects(&app, "bartek@example.pl").await,
            [
                opened,
                "Raport z konsultacji: Jak rozwijać konsultacje społeczne w Krakowie?"
            ]
        );
        assert_eq!(subjects(&app, "anna@example.pl").await.len(), 1);
        // Bartek stops his from "My city".
        let my = bartek.get("/my").await;
        let id = my
            .body
            .split("/consultations/subscriptions/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        anna.post(&format!("/consultations/subscriptions/{id}/delete"), &[])
            .await
            .assert_status(StatusCode::NOT_FOUND);
        bartek
            .post(&format!("/consultations/subscriptions/{id}/delete"), &[])
            .await
            .assert_redirect("/my#subscriptions");
        bartek
            .get("/my")
            .await
            .assert_contains("Nie zapisano Cię na żadne powiadomienia.");
    })
    .await;
}
