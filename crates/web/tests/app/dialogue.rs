//! "Ławka dialogu" (issue 18): an official announces a meeting, residents ask before it, staff
//! type in what was asked at it, route each question to a unit (by the contact centre's
//! category × district routing), the unit answers its own, and the official publishes the
//! questions and answers together — answers unseen until then — and the followers are told.
//! A question that is a problem to fix becomes a report, linked both ways.

use super::api::post_json;
use super::consultations::{day, on_clock, unit_id};
use super::reports::{category_id, district_id};
use crate::harness::{Browser, PASSWORD, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;
use serde_json::{Value, json};

/// Announces a meeting in Nowa Huta on 5 March 2027 at 17:00 (the clock stands at 19 Feb).
async fn announce(app: &TestApp, official: &mut Browser<'_>) -> String {
    let nowa_huta = district_id(app, 18).await;
    // Mistakes are named field by field and the rest is kept.
    official
        .post(
            "/staff/dialogue",
            &[
                ("title", "Ławka dialogu: Nowa Huta"),
                ("audience", ""),
                ("starts", "2027-03-05T17:00"),
                ("ends", "2027-03-05T16:00"),
                ("venue", "Nowohuckie Centrum Kultury"),
                ("district", &nowa_huta),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"audience-error\"")
        .assert_contains("id=\"ends-error\"")
        .assert_contains("value=\"Nowohuckie Centrum Kultury\"");
    let res = official
        .post(
            "/staff/dialogue",
            &[
                ("title", "Ławka dialogu: Nowa Huta"),
                ("audience", "district"),
                ("starts", "2027-03-05T17:00"),
                ("ends", "2027-03-05T19:00"),
                ("venue", "Nowohuckie Centrum Kultury"),
                ("lat", "50.0705"),
                ("lon", "20.0375"),
                ("district", &nowa_huta),
                ("description", "Otwarte spotkanie z Prezydentem."),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let staff = res.location().to_owned();
    format!("/dialogue/{}", staff.rsplit('/').next().unwrap())
}

fn number_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

/// The id of question `n` on the staff page of meeting `number`.
async fn question_id(app: &TestApp, number: &str, n: i32) -> String {
    let m = miasto_store::dialogue::meeting_by_number(&app.db.db, number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    miasto_store::dialogue::questions_of(&app.db.db, m.id)
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.number == n)
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn a_question_is_routed_answered_and_published_with_its_meeting() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        // Residents cannot announce meetings.
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        anna.post("/staff/dialogue", &[("title", "x")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let path = announce(&app, &mut official).await;
        let number = number_of(&path);
        app.browser()
            .get("/dialogue")
            .await
            .assert_contains("Ławka dialogu: Nowa Huta")
            .assert_contains("Czekamy na pytania");
        let ics = app.browser().get(&format!("{path}/calendar.ics")).await;
        ics.assert_status(StatusCode::OK)
            .assert_contains("BEGIN:VEVENT")
            .assert_contains("DTSTART:20270305T160000Z");
        // A visitor is asked to sign in; a resident asks (a too short question is named).
        app.browser()
            .get(&path)
            .await
            .assert_contains("Zaloguj się, aby zapytać");
        anna.post(&format!("{path}/questions"), &[("body", "Kiedy?")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"body-error\"")
            .assert_contains(">Kiedy?</textarea>");
        anna.post(
            &format!("{path}/questions"),
            &[("body", "Kiedy zostanie wyremontowana aleja Róż?")],
        )
        .await
        .assert_redirect(&format!("{path}#questions"));
        // Before the meeting only its author sees a question.
        anna.get(&path)
            .await
            .assert_contains("Kiedy zostanie wyremontowana aleja Róż?");
        app.browser().get(&path).await.assert_lacks("aleja Róż");
        // Once it starts, residents no longer send questions; staff type in what was asked.
        clock.set(day(5) + chrono::Duration::hours(17));
        let (mut jan, _) = app.logged_in("jan@example.pl", Role::Resident).await;
        jan.post(
            &format!("{path}/questions"),
            &[("body", "Czy będzie nowy park przy Zalewie Nowohuckim?")],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Spotkanie się zaczęło");
        let (mut operator, _) = app.logged_in("kck@um.krakow.pl", Role::Operator).await;
        operator
            .post(
                &format!("/staff/dialogue/{number}/questions"),
                &[
                    ("channel", "meeting"),
                    ("body", "Czy będzie nowy park przy Zalewie Nowohuckim?"),
                ],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#questions"));
        // Held: everyone sees the questions, nobody the answers yet; residents follow them.
        jan.get(&path)
            .await
            .assert_contains("Czy będzie nowy park")
            .assert_contains("Odpowiedzi w przygotowaniu");
        let park = question_id(&app, &number, 2).await;
        jan.post(&format!("/dialogue/questions/{park}/follow"), &[])
            .await
            .assert_redirect(&format!("{path}#q-2"));
        // Routing: by the category (roads in Nowa Huta → ZDMK) or to a unit chosen.
        let roads = question_id(&app, &number, 1).await;
        operator
            .post(
                &format!("/staff/dialogue/questions/{roads}/route"),
                &[("category", &category_id(&app, "problem.roads").await)],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#q-1"));
        operator
            .post(
                &format!("/staff/dialogue/questions/{park}/route"),
                &[("unit", &unit_id(&app, "ZZM").await)],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#q-2"));
        // The dashboard shows what waits per unit.
        official
            .get("/staff/dialogue")
            .await
            .assert_contains("Zarząd Dróg Miasta Krakowa")
            .assert_contains("Zarząd Zieleni Miejskiej");
        // A unit answers its own questions only.
        let (mut zdmk, _) = app.logged_in("drogi@zdmk.krakow.pl", Role::UnitStaff).await;
        zdmk.get("/staff/dialogue")
            .await
            .assert_contains("Kiedy zostanie wyremontowana aleja Róż?");
        zdmk.post(
            &format!("/staff/dialogue/questions/{park}/answer"),
            &[("answer", "Nie nasza sprawa.")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
        zdmk.post(
            &format!("/staff/dialogue/questions/{roads}/answer"),
            &[("answer", " ")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        zdmk.post(
            &format!("/staff/dialogue/questions/{roads}/answer"),
            &[("answer", "Remont alei Róż zaczniemy w maju 2027.")],
        )
        .await
        .assert_redirect(&format!("/staff/dialogue/{number}#q-1"));
        // One question still waits: publishing is refused; the answer is not public yet.
        clock.set(day(12));
        let mut official = app.browser();
        official.login("urzednik@um.krakow.pl", PASSWORD).await;
        official
            .post(&format!("/staff/dialogue/{number}/publish"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("nie mają jeszcze odpowiedzi");
        app.browser()
            .get(&path)
            .await
            .assert_lacks("Remont alei Róż");
        official
            .post(
                &format!("/staff/dialogue/questions/{park}/answer"),
                &[(
                    "answer",
                    "Park nad Zalewem projektujemy; konsultacje wiosną.",
                )],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#q-2"));
        official
            .post(&format!("/staff/dialogue/{number}/publish"), &[])
            .await
            .assert_redirect(&path);
        // Published: one page, each answer attributed to its unit; nothing changes after.
        app.browser()
            .get(&path)
            .await
            .assert_contains("Odpowiedzi opublikowane")
            .assert_contains("Remont alei Róż zaczniemy w maju 2027.")
            .assert_contains("Odpowiedź – Zarząd Dróg Miasta Krakowa")
            .assert_contains("Park nad Zalewem projektujemy");
        let mut zdmk = app.browser();
        zdmk.login("drogi@zdmk.krakow.pl", PASSWORD).await;
        zdmk.post(
            &format!("/staff/dialogue/questions/{roads}/answer"),
            &[("answer", "Jednak nie.")],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
        // The author and the follower are told; "My city" lists their questions.
        app.drain_jobs().await;
        for who in ["anna@example.pl", "jan@example.pl"] {
            let mails = app.emails_to(who).await;
            assert!(
                mails.iter().any(|m| m.body_text.contains(&path)),
                "{who}: {mails:?}"
            );
        }
        let mut anna = app.browser();
        anna.login("anna@example.pl", PASSWORD).await;
        anna.get("/my")
            .await
            .assert_contains("Moje pytania do prezydenta")
            .assert_contains("aleja Róż");
        // Figures per meeting and per unit: 2 questions, both answered, 7 days each.
        app.browser()
            .get("/dialogue/figures")
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Zarząd Zieleni Miejskiej</th><td>1</td><td>1</td>");
        // Every staff step is in the audit log.
        let log = miasto_store::audit::list(
            &app.db.db,
            &Default::default(),
            miasto_store::Page::new(None, Some(100)),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "dialogue_meeting_planned",
            "dialogue_question_routed",
            "dialogue_question_answered",
            "dialogue_published",
        ] {
            assert!(actions.contains(&a), "{a}: {actions:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_question_that_is_a_problem_becomes_a_report_linked_both_ways() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let path = announce(&app, &mut official).await;
        let number = number_of(&path);
        clock.set(day(5) + chrono::Duration::hours(18));
        let (mut operator, _) = app.logged_in("kck@um.krakow.pl", Role::Operator).await;
        operator
            .post(
                &format!("/staff/dialogue/{number}/questions"),
                &[
                    ("channel", "phone"),
                    (
                        "body",
                        "Na os. Centrum C od tygodnia nie świeci latarnia przy szkole.",
                    ),
                ],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#questions"));
        let q = question_id(&app, &number, 1).await;
        // Without a category the intake check names what is missing.
        operator
            .post(
                &format!("/staff/dialogue/questions/{q}/report"),
                &[("category", ""), ("district", &district_id(&app, 18).await)],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let page = operator.get(&format!("/staff/dialogue/{number}")).await;
        let key = page
            .body
            .split("name=\"form_key\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        operator
            .post(
                &format!("/staff/dialogue/questions/{q}/report"),
                &[
                    ("category", &category_id(&app, "problem.lighting").await),
                    ("address", "os. Centrum C 10"),
                    ("district", &district_id(&app, 18).await),
                    ("form_key", &key),
                ],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#q-1"));
        // The question links to the report and the report back to the question.
        let page = operator.get(&format!("/staff/dialogue/{number}")).await;
        let report = page
            .body
            .split("href=\"/staff/reports/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        operator
            .get(&format!("/staff/reports/{report}"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("nie świeci latarnia")
            .assert_contains(&format!("/staff/dialogue/{number}#q-1"));
        operator
            .post(
                &format!("/staff/dialogue/questions/{q}/report"),
                &[
                    ("category", &category_id(&app, "problem.lighting").await),
                    ("address", "os. Centrum C 10"),
                    ("district", &district_id(&app, 18).await),
                    ("form_key", "another-key"),
                ],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        // A moderator hides a question with a reason; the published page leaves it out.
        let (mut moderator, _) = app
            .logged_in("moderator@um.krakow.pl", Role::Moderator)
            .await;
        operator
            .post(
                &format!("/staff/dialogue/{number}/questions"),
                &[
                    ("channel", "meeting"),
                    ("body", "Jan Kowalski z bloku 5 to złodziej!"),
                ],
            )
            .await;
        let abusive = question_id(&app, &number, 2).await;
        moderator
            .post(
                &format!("/staff/dialogue/questions/{abusive}/hide"),
                &[("reason", "Zarzuty wobec osoby prywatnej.")],
            )
            .await
            .assert_redirect(&format!("/staff/dialogue/{number}#q-2"));
        app.browser().get(&path).await.assert_lacks("złodziej");
    })
    .await;
}

fn json_of(res: &crate::harness::TestResponse) -> Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

#[tokio::test]
async fn an_app_lists_meetings_and_asks_before_one() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let path = announce(&app, &mut official).await;
        let number = number_of(&path);
        let list = app.browser().get("/api/v1/dialogue").await;
        list.assert_status(StatusCode::OK);
        let value = json_of(&list);
        assert_eq!(value["data"][0]["title"], "Ławka dialogu: Nowa Huta");
        assert_eq!(value["data"][0]["district"], 18);
        assert_eq!(value["data"][0]["phase"], "upcoming");
        app.user("jan@example.pl", Role::Resident).await;
        let res = post_json(
            &app,
            "/api/v1/auth/tokens",
            None,
            json!({ "email": "jan@example.pl", "password": PASSWORD, "device_name": "Pixel" }),
        )
        .await;
        let token = json_of(&res)["data"]["token"].as_str().unwrap().to_owned();
        let url = format!("/api/v1/dialogue/{number}/questions");
        let res = post_json(&app, &url, Some(&token), json!({ "body": "Krótko" })).await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let res = post_json(
            &app,
            &url,
            Some(&token),
            json!({ "body": "Czy na Placu Centralnym będzie więcej zieleni?" }),
        )
        .await;
        res.assert_status(StatusCode::CREATED);
        assert_eq!(json_of(&res)["data"]["channel"], "app");
        // Upcoming: the questions are not listed; held: they are, without answers.
        let detail = app
            .browser()
            .get(&format!("/api/v1/dialogue/{number}"))
            .await;
        assert_eq!(json_of(&detail)["data"]["questions"], json!([]));
        clock.set(day(6));
        let res = post_json(
            &app,
            &url,
            Some(&token),
            json!({ "body": "Czy na Placu Centralnym będzie więcej ławek?" }),
        )
        .await;
        res.assert_status(StatusCode::CONFLICT);
        assert_eq!(json_of(&res)["error"]["code"], "dialogue_started");
        let detail = app
            .browser()
            .get(&format!("/api/v1/dialogue/{number}"))
            .await;
        let value = json_of(&detail);
        assert_eq!(value["data"]["phase"], "held");
        assert_eq!(
            value["data"]["questions"][0]["body"],
            "Czy na Placu Centralnym będzie więcej zieleni?"
        );
        assert!(value["data"]["questions"][0].get("answer").is_none());
    })
    .await;
}
