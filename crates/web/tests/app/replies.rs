//! Reply templates: a unit keeps its recurring wording, a clerk inserts it into a status
//! message filled in with the report's facts (with or without JavaScript), and no unit can
//! read or change another unit's templates.

use crate::harness::{Browser, TestApp};
use crate::reports::{RYNEK, lighting_report};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_store::reference;

/// The id of the template named `name`, read from the list page.
async fn template_id(b: &mut Browser<'_>, name: &str) -> String {
    let list = b.get("/staff/replies").await;
    let before = list.body.split(&format!(">{name}</a>")).next().unwrap();
    before
        .rsplit("/staff/replies/")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_unit_keeps_reply_templates_and_a_clerk_sends_one_filled_in() {
    let app = TestApp::new().await;
    let mut resident = app.browser();
    let number = lighting_report(&app, &mut resident, RYNEK, "m@example.pl").await;
    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;

    // Nothing yet; the menu leads here.
    staff
        .get("/staff/queue")
        .await
        .assert_contains("href=\"/staff/replies\"");
    staff
        .get("/staff/replies")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Nie ma jeszcze szablonów odpowiedzi");
    staff
        .get(&format!("/staff{}", number.path()))
        .await
        .assert_lacks("name=\"reply\"");

    // Every problem named at once, what was typed kept.
    staff
        .post(
            "/staff/replies",
            &[
                ("name", " "),
                ("text", "Dzień dobry {imie}, naprawiono."),
                ("status", "later"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wpisz nazwę szablonu.")
        .assert_contains("nieznane pole w nawiasach klamrowych")
        .assert_contains("Dzień dobry {imie}, naprawiono.");
    staff
        .post(
            "/staff/replies",
            &[
                ("name", "Wymiana oprawy"),
                (
                    "text",
                    "Zgłoszenie {number} ({category}) z {date}: oprawę wymieniono. {unit}",
                ),
                ("status", "solved"),
                // Unit staff write for their own unit whatever they send.
                ("unit", "shared"),
            ],
        )
        .await
        .assert_redirect("/staff/replies");
    staff
        .get("/staff/replies")
        .await
        .assert_contains("<span class=\"tag\">Problem rozwiązany</span>");
    let id = template_id(&mut staff, "Wymiana oprawy").await;
    let rows = miasto_store::reports::replies::list(
        &app.db.db,
        miasto_domain::reports::replies::Scope::Any,
    )
    .await
    .unwrap();
    let zdmk = reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].unit, Some(zdmk.id), "kept for the author's unit");
    assert_eq!(rows[0].id.to_string(), id);

    // Without JavaScript: choosing it fills the message and the status.
    let page = staff
        .get(&format!("/staff{}?reply={id}", number.path()))
        .await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Warsaw)
        .format("%d.%m.%Y")
        .to_string();
    let filled = format!(
        "Zgłoszenie {number} (Awarie oświetlenia) z {today}: oprawę wymieniono. Zarząd Dróg Miasta Krakowa"
    );
    page.assert_status(StatusCode::OK)
        .assert_contains(&format!(">{filled}</textarea>"))
        .assert_contains("<option value=\"solved\" selected>");
    // With JavaScript the same text rides on the option.
    staff
        .get(&format!("/staff{}", number.path()))
        .await
        .assert_contains(&format!("data-text=\"{filled}\" data-status=\"solved\""));
    crate::reports::change_status(&mut staff, number, "new", "solved", &filled).await;
    let emails = app.emails_to("m@example.pl").await;
    assert!(
        emails.iter().any(|e| e.body_text.contains(&filled)),
        "the resident reads the filled-in text"
    );

    // Edited, then deleted; both audited.
    staff
        .post(
            &format!("/staff/replies/{id}"),
            &[
                ("name", "Oprawa wymieniona"),
                ("text", "Wymieniono."),
                ("status", ""),
            ],
        )
        .await
        .assert_redirect("/staff/replies");
    staff
        .get("/staff/replies")
        .await
        .assert_contains("Oprawa wymieniona")
        .assert_lacks("<span class=\"tag\">Problem rozwiązany</span>");
    staff
        .post(&format!("/staff/replies/{id}/delete"), &[])
        .await
        .assert_redirect("/staff/replies");
    staff
        .get("/staff/replies")
        .await
        .assert_contains("Nie ma jeszcze szablonów odpowiedzi");
    let actions: Vec<String> =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a.starts_with("reply_template"))
            .collect();
    assert_eq!(actions.len(), 3, "created, changed, deleted: {actions:?}");
}

#[tokio::test]
async fn units_see_their_own_and_shared_templates_and_change_only_their_own() {
    let app = TestApp::new().await;
    let mut resident = app.browser();
    let number = lighting_report(&app, &mut resident, RYNEK, "m@example.pl").await;
    let zzm = reference::find_unit_by_code(&app.db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    for (name, text, unit) in [
        (
            "Wspólny szablon",
            "Dziękujemy za zgłoszenie {number}.",
            "shared".to_owned(),
        ),
        (
            "Szablon zieleni",
            "Teren zieleni: {number}.",
            zzm.id.to_string(),
        ),
    ] {
        admin
            .post(
                "/staff/replies",
                &[("name", name), ("text", text), ("unit", &unit)],
            )
            .await
            .assert_redirect("/staff/replies");
    }
    admin
        .post(
            "/staff/replies",
            &[("name", "x"), ("text", "y"), ("unit", "no-such-unit")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let shared = template_id(&mut admin, "Wspólny szablon").await;
    let green = template_id(&mut admin, "Szablon zieleni").await;

    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    let list = staff.get("/staff/replies").await;
    list.assert_contains("Wspólny szablon")
        .assert_lacks("Szablon zieleni")
        // Shared ones are read-only for a unit: no edit link.
        .assert_lacks(&format!("/staff/replies/{shared}"));
    let page = staff.get(&format!("/staff{}", number.path())).await;
    page.assert_contains("Wspólny szablon")
        .assert_lacks("Szablon zieleni");
    // Another unit's template is not there for them; a shared one cannot be changed.
    staff
        .get(&format!("/staff/replies/{green}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    staff
        .post(
            &format!("/staff/replies/{green}"),
            &[("name", "Przejęty"), ("text", "x")],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
    staff
        .post(&format!("/staff/replies/{green}/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    staff
        .get(&format!("/staff/replies/{shared}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    staff
        .post(
            &format!("/staff/replies/{shared}"),
            &[("name", "Przejęty"), ("text", "x")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    staff
        .post(&format!("/staff/replies/{shared}/delete"), &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // A template of a unit not on this report is not offered even by its id.
    staff
        .get(&format!("/staff{}?reply={green}", number.path()))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("Teren zieleni");
    let titles: Vec<String> = miasto_store::reports::replies::list(
        &app.db.db,
        miasto_domain::reports::replies::Scope::Any,
    )
    .await
    .unwrap()
    .into_iter()
    .map(|t| t.title)
    .collect();
    assert_eq!(
        titles,
        ["Wspólny szablon", "Szablon zieleni"],
        "nothing changed"
    );

    // Those who handle no reports keep none.
    for role in [Role::Resident, Role::Official, Role::Moderator] {
        let (mut b, _) = app
            .logged_in(&format!("{}@example.pl", role.as_str()), role)
            .await;
        b.get("/staff/replies")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        b.post("/staff/replies", &[("name", "x"), ("text", "y")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    let res = app.browser().get("/staff/replies").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "anonymous visitors log in first"
    );
}
