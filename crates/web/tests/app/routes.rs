//! Tests over every page route, enumerated from the router itself (`miasto_web::page_routes`):
//! a route added tomorrow is covered tomorrow. Each path parameter is filled from fixtures;
//! a parameter nobody taught this file fails the test, so the new route gets a fixture.

use crate::harness::{Browser, PASSWORD, TestApp};
use crate::shell::assert_accessible_shell;
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_web::{PageRoute, Takes};

/// Values for every path parameter of the page routes.
struct Fixtures {
    me: String,
    unit: String,
    category: String,
    question: String,
    rule: String,
    api_client: String,
    outbox: String,
    photo: String,
    report_year: String,
    report_number: String,
    tracking: String,
    feedback: String,
    reply: String,
    consultation: String,
    document: String,
    paragraph: String,
    meeting: String,
    duty_hour: String,
    request: String,
    organisation: String,
    dialogue: String,
    dialogue_question: String,
    initiative: String,
}

impl Fixtures {
    async fn new(app: &TestApp, admin: &mut Browser<'_>, me: miasto_domain::UserId) -> Self {
        miasto_store::testing::budget_edition(&app.db.db, "2026", true).await;
        let categories = miasto_store::reference::list_categories(&app.db.db)
            .await
            .unwrap();
        let with_questions = categories.iter().find(|c| !c.questions.is_empty()).unwrap();
        let lighting = categories
            .iter()
            .find(|c| c.code.as_str() == "problem.lighting")
            .unwrap();
        let mut resident = app.browser();
        let photo = miasto_store::testing::jpeg(40, 30);
        let category = lighting.id.to_string();
        let sent = crate::reports::send(
            &mut resident,
            &[
                ("kind", "problem"),
                ("category", &category),
                ("lat", "50.0617"),
                ("lon", "19.9373"),
            ],
            &[
                ("description", "Nie świeci latarnia przy przejściu"),
                ("contact_email", "trasy@example.pl"),
                ("consent", "on"),
            ],
            &[("photos", "a.jpg", &photo)],
        )
        .await;
        let tracking = sent.location().rsplit('/').next().unwrap().to_owned();
        let report = miasto_store::reports::search(
            &app.db.db,
            &miasto_store::reports::ListFilter::default(),
            1,
        )
        .await
        .unwrap()
        .remove(0);
        admin
            .post(
                &format!("/staff{}/status", report.number.path()),
                &[("status", "solved"), ("message", "Gotowe.")],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        app.drain_jobs().await;
        let feedback = crate::harness::path_of(&crate::harness::link_in(
            app.emails_to("trasy@example.pl").await.last().unwrap(),
        ))
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
        let photo = miasto_store::photos::list(
            &app.db.db,
            report.id,
            miasto_store::photos::Audience::Staff,
        )
        .await
        .unwrap()
        .remove(0)
        .id;
        let api_client = miasto_store::api_clients::issue(&app.db.db, "Aplikacja", 100, None)
            .await
            .unwrap()
            .0
            .id;
        let outbox = miasto_store::mail::list_outbox(&app.db.db, None, miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .remove(0)
            .id;
        let rule = miasto_store::routing::list_rules(&app.db.db)
            .await
            .unwrap()
            .remove(0)
            .id;
        let reply = miasto_store::reports::replies::create(
            &app.db.db,
            None,
            &miasto_domain::reports::replies::check("Gotowe", "Zgłoszenie {number}: gotowe.", "")
                .unwrap(),
            me,
        )
        .await
        .unwrap()
        .id;
        let unit = miasto_store::reference::list_units(&app.db.db)
            .await
            .unwrap()
            .remove(0)
            .id;
        let consultation = miasto_store::consultations::create(
            &app.db.db,
            &miasto_store::consultations::Content {
                plan: miasto_domain::consultations::check_plan(
                    &miasto_domain::consultations::RawPlan {
                        kind: "standard",
                        title: "Konsultacje tras",
                        goal: "Sprawdzić trasy.",
                        contact_name: "Wydział",
                        contact_email: "wd@example.pl",
                        ..Default::default()
                    },
                )
                .unwrap(),
                organisation: miasto_domain::consultations::check_organisation(
                    Some(unit),
                    &["survey"],
                    true,
                    Vec::new(),
                )
                .unwrap(),
                schedule: miasto_domain::consultations::Schedule::new(
                    miasto_domain::consultations::Kind::Standard,
                    &Default::default(),
                    miasto_store::now(),
                    miasto_store::now() + chrono::Duration::days(7),
                    miasto_store::now() + chrono::Duration::days(30),
                    miasto_store::now() + chrono::Duration::days(60),
                )
                .unwrap(),
            },
            me,
        )
        .await
        .unwrap();
        miasto_store::consultations::publish(&app.db.db, consultation.id)
            .await
            .unwrap();
        // A survey with an open question and a file question, for their staff pages.
        {
            use miasto_domain::consultations::survey::{RawQuestion, Survey};
            let mut survey = Survey::default();
            for (kind, text) in [("long_text", "Co zmienić?"), ("file", "Zdjęcie")] {
                let q = survey
                    .check_question(&RawQuestion {
                        kind,
                        text,
                        ..Default::default()
                    })
                    .unwrap();
                survey.questions.push(q);
            }
            miasto_store::consultations::survey::save(&app.db.db, consultation.id, &survey, 0)
                .await
                .unwrap();
        }
        // A document in two versions, so that its pages, a paragraph's and the changes have
        // something to show.
        use miasto_domain::consultations::document::check_source;
        use miasto_store::consultations::documents;
        let v1 = "# § 1\n\nPierwszy akapit.\n\nDrugi akapit do zmiany.";
        let v2 = "# § 1\n\nPierwszy akapit.\n\nDrugi akapit po zmianie.\n\nTrzeci.";
        let document = documents::create(
            &app.db.db,
            consultation.id,
            "Projekt",
            &check_source(v1).unwrap(),
            v1,
            me,
        )
        .await
        .unwrap();
        documents::new_version(
            &app.db.db,
            &document,
            1,
            &check_source(v2).unwrap(),
            v2,
            Some("Zmiana".into()),
            me,
        )
        .await
        .unwrap();
        let paragraph = documents::paragraphs(&app.db.db, document.id, 2)
            .await
            .unwrap()[2]
            .id;
        // A meeting and a duty hour, so their pages show something.
        use miasto_domain::consultations::meetings as m;
        let at = miasto_store::now() + chrono::Duration::days(10);
        let meeting = miasto_store::consultations::meetings::add_meeting(
            &app.db.db,
            consultation.id,
            &m::MeetingPlan {
                title: "Spotkanie".into(),
                format: m::Format::Hybrid,
                starts: at,
                ends: at + chrono::Duration::hours(2),
                place: Some("ul. Bracka 10".into()),
                point: Some((50.0597, 19.9368)),
                link: Some("https://spotkania.example.pl/1".into()),
                agenda: "Program".into(),
                capacity: Some(20),
            },
        )
        .await
        .unwrap();
        let duty_hour = miasto_store::consultations::meetings::add_duty_hour(
            &app.db.db,
            consultation.id,
            &m::DutyHourPlan {
                expert: "Wydział".into(),
                mode: m::Mode::InPerson,
                starts: at,
                ends: at + chrono::Duration::hours(1),
                place: Some("pokój 13".into()),
                phone: None,
                slot_minutes: 30,
            },
        )
        .await
        .unwrap();
        // A request open for signatures and an organisation waiting for verification.
        let request = {
            let tx = miasto_store::begin(&app.db.db).await.unwrap();
            let r = miasto_store::requests::submit(
                &tx,
                &miasto_store::requests::NewRequest {
                    purpose: miasto_domain::requests::Purpose::Consultation,
                    title: "Wniosek o konsultacje".into(),
                    description: "Prosimy o konsultacje w sprawie zieleni w mieście.".into(),
                    district: None,
                },
                Some(me),
            )
            .await
            .unwrap();
            miasto_store::requests::open(&tx, &r, &Default::default(), me)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            r.number.to_string()
        };
        let organisation = {
            let tx = miasto_store::begin(&app.db.db).await.unwrap();
            let o = miasto_store::requests::link_organisation(
                &tx,
                me,
                &miasto_domain::requests::Krs::parse("0000012345").unwrap(),
                "Fundacja",
            )
            .await
            .unwrap()
            .unwrap();
            tx.commit().await.unwrap();
            o.id.to_string()
        };
        // A mayor's meeting with a question, for the dialogue pages.
        let (dialogue, dialogue_question) = {
            let at = miasto_store::now() + chrono::Duration::days(3);
            let tx = miasto_store::begin(&app.db.db).await.unwrap();
            let m = miasto_store::dialogue::create_meeting(
                &tx,
                &miasto_domain::dialogue::MeetingPlan {
                    title: "Ławka dialogu".into(),
                    audience: miasto_domain::dialogue::Audience::District,
                    starts: at,
                    ends: at + chrono::Duration::hours(2),
                    venue: "Szkoła".into(),
                    point: Some((50.06, 19.94)),
                    district: None,
                    description: String::new(),
                },
                Some(me),
            )
            .await
            .unwrap();
            let q = miasto_store::dialogue::add_question(
                &tx,
                m.id,
                &miasto_store::dialogue::NewQuestion {
                    body: "Kiedy remont ulicy?".into(),
                    channel: miasto_domain::dialogue::Channel::Web,
                    author: Some(me),
                    recorded_by: None,
                    unit: None,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            (m.number.to_string(), q.id.to_string())
        };
        // A local initiative waiting for its assessment.
        let initiative = {
            let tx = miasto_store::begin(&app.db.db).await.unwrap();
            let district = miasto_store::reference::list_districts(&app.db.db)
                .await
                .unwrap()[0]
                .id;
            let day = miasto_store::today() + chrono::Duration::weeks(9);
            let i = miasto_store::initiatives::submit(
                &tx,
                &miasto_store::initiatives::Application {
                    title: "Piknik".into(),
                    summary: "Piknik sąsiedzki".into(),
                    applicants: vec!["Anna Nowak".into(), "Jan Kowalski".into()],
                    organisation: None,
                    contact_email: "anna@example.pl".into(),
                    contact_phone: None,
                    area: miasto_domain::initiatives::Area::Culture,
                    task: "Namioty".into(),
                    starts: day,
                    ends: day,
                    place: "Skwer".into(),
                    district,
                    city_land: true,
                    landowner_consent: false,
                    significance: "Sąsiedzi".into(),
                    residents_contribution: "Praca".into(),
                    city_contribution: "Namioty".into(),
                    cost: 100_000,
                    opinion: miasto_domain::initiatives::Opinion::None,
                },
                2026,
                Some(me),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            i.number.to_string()
        };
        Self {
            meeting: meeting.id.to_string(),
            request,
            organisation,
            dialogue,
            dialogue_question,
            initiative,
            duty_hour: duty_hour.id.to_string(),
            document: document.id.to_string(),
            paragraph: paragraph.to_string(),
            consultation: consultation.slug,
            reply: reply.to_string(),
            me: me.to_string(),
            unit: miasto_store::reference::list_units(&app.db.db)
                .await
                .unwrap()
                .remove(0)
                .id
                .to_string(),
            category: with_questions.id.to_string(),
            question: with_questions.questions[0].code.as_str().to_owned(),
            rule: rule.to_string(),
            api_client: api_client.to_string(),
            outbox: outbox.to_string(),
            photo: photo.to_string(),
            report_year: report.number.year.to_string(),
            report_number: report.number.seq.to_string(),
            tracking,
            feedback,
        }
    }

    /// The value of `param` in `path`.
    fn value(&self, path: &str, param: &str) -> String {
        let under = |prefix: &str| path.starts_with(prefix);
        match param {
            "slug" if path.contains("consultations") => self.consultation.clone(),
            "slug" => "2026".into(),
            "number" if under("/budget") || under("/staff/budget") => "1".into(),
            "number" if under("/requests") || under("/staff/requests") => self.request.clone(),
            "number" if under("/dialogue") || under("/staff/dialogue") => self.dialogue.clone(),
            "number" if under("/initiatives") || under("/staff/initiatives") => {
                self.initiative.clone()
            }
            "number" => self.report_number.clone(),
            "year" => self.report_year.clone(),
            "variant" => "thumb".into(),
            "code" => self.question.clone(),
            "key" if path.contains("/survey/files/") => "q2".into(),
            "key" if path.contains("/survey/") => "q1".into(),
            "key" => "0".repeat(64),
            "token" if under("/reports/track") => self.tracking.clone(),
            "token" if under("/feedback") => self.feedback.clone(),
            "token" => "no-such-token".into(),
            "file" if path.contains("consultations") => "report.csv".into(),
            "file" if under("/opendata") => "reports.csv".into(),
            "file" if under("/stats") => "reports.csv".into(),
            "file" => "results.pb".into(),
            "id" if under("/staff/organisations") => self.organisation.clone(),
            "id" if path.contains("/dialogue/questions/") => self.dialogue_question.clone(),
            "id" if under("/admin/users") => self.me.clone(),
            "id" if under("/admin/units") => self.unit.clone(),
            "id" if under("/admin/categories") => self.category.clone(),
            "id" if under("/admin/routing") => self.rule.clone(),
            "id" if under("/admin/api-clients") => self.api_client.clone(),
            "id" if under("/admin/outbox") => self.outbox.clone(),
            "id" if under("/staff/replies") => self.reply.clone(),
            "id" if path.contains("/documents/") => self.document.clone(),
            "id" if path.contains("/meetings/") => self.meeting.clone(),
            "id" if path.contains("/duty-hours/") => self.duty_hour.clone(),
            "id" if path.contains("consultations") => uuid::Uuid::now_v7().to_string(),
            "paragraph" => self.paragraph.clone(),
            "n" => "2".into(),
            "id" if under("/my/devices") => uuid::Uuid::now_v7().to_string(),
            "id" if path.contains("photos") || under("/reports/staged") => self.photo.clone(),
            "id" if under("/staff/survey-files") || under("/staff/answer-templates") => {
                uuid::Uuid::now_v7().to_string()
            }
            _ => panic!("no fixture for {{{param}}} in {path}: teach tests/app/routes.rs"),
        }
    }

    /// `route` with its parameters filled in.
    fn fill(&self, route: &PageRoute) -> String {
        let mut out = String::new();
        let mut rest = route.path;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').unwrap() + open;
            out.push_str(&self.value(route.path, &rest[open + 1..close]));
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

fn is_html(res: &crate::harness::TestResponse) -> bool {
    res.header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
}

#[tokio::test]
async fn every_page_route_answers_accessibly_in_both_languages() {
    let app = TestApp::new().await;
    let (mut admin, me) = app.logged_in("admin@example.pl", Role::Admin).await;
    let fixtures = Fixtures::new(&app, &mut admin, me.id).await;
    let pages: Vec<PageRoute> = miasto_web::page_routes()
        .into_iter()
        .filter(|r| r.takes == Takes::Nothing)
        .collect();
    assert!(
        pages.len() > 60,
        "the router lists its pages: {}",
        pages.len()
    );
    let mut html = 0;
    for lang in ["pl", "en"] {
        admin.post("/language", &[("lang", lang)]).await;
        let mut visitor = app.browser();
        visitor.post("/language", &[("lang", lang)]).await;
        for route in &pages {
            let path = fixtures.fill(route);
            for (who, browser) in [("admin", &mut admin), ("visitor", &mut visitor)] {
                let res = browser.get(&path).await;
                assert!(
                    !res.status.is_server_error(),
                    "{who} GET {path} ({lang}) → {}",
                    res.status
                );
                if is_html(&res) {
                    html += 1;
                    assert_accessible_shell(&format!("{who} {path} ({lang})"), &res);
                    assert!(
                        res.body.contains(&format!(r#"<html lang="{lang}">"#)),
                        "{who} {path}: in {lang}"
                    );
                }
            }
        }
    }
    assert!(html > 2 * pages.len(), "most pages are HTML: {html}");
}

#[tokio::test]
async fn every_form_route_survives_hostile_bodies() {
    let app = TestApp::new().await;
    let (mut admin, me) = app.logged_in("admin@example.pl", Role::Admin).await;
    let fixtures = Fixtures::new(&app, &mut admin, me.id).await;
    let mut forms: Vec<PageRoute> = miasto_web::page_routes()
        .into_iter()
        .filter(|r| r.takes != Takes::Nothing)
        .collect();
    assert!(
        forms.len() > 45,
        "the router lists its forms: {}",
        forms.len()
    );
    // Leaving (and trying to delete the account) last, so the rest run signed in.
    forms.sort_by_key(|r| matches!(r.path, "/logout" | "/my/delete"));
    let long = "ż".repeat(5000);
    let nasty: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![
            ("email", "\u{0}"),
            ("password", "\u{0}"),
            ("token", "\u{0}"),
            ("code", "\u{0}"),
            ("district", "\u{0}"),
        ],
        vec![
            ("email", &long),
            ("password", &long),
            ("name_pl", &long),
            ("description", &long),
            ("reason", &long),
            ("full_name", &long),
        ],
        vec![
            ("role", "admin"),
            ("unit", "'; DROP TABLE users; --"),
            ("kind", "idea"),
            ("position", "99999999999999999999"),
            ("page", "18446744073709551615"),
            ("city-1", "-1"),
        ],
        vec![
            ("token", "../../etc/passwd"),
            ("password", "x"),
            ("password_confirm", "y"),
            ("current_password", ""),
            ("active", "on"),
        ],
        vec![
            ("lang", "en"),
            ("next", "javascript:alert(1)"),
            ("action", "enable"),
            ("lat", "NaN"),
            ("lon", "1e999"),
            ("born", "9999-99-99"),
        ],
    ];
    for route in &forms {
        let path = fixtures.fill(route);
        for fields in &nasty {
            if !admin.has_session() {
                admin.login("admin@example.pl", PASSWORD).await;
            }
            let mut answers = vec![admin.post(&path, fields).await];
            if matches!(route.takes, Takes::Upload(_)) {
                let junk: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
                answers.push(
                    admin
                        .post_multipart(&path, fields, &[("photos", "x.png", junk)])
                        .await,
                );
            }
            for res in answers {
                assert!(
                    !res.status.is_server_error(),
                    "POST {path} {fields:?} → {}",
                    res.status
                );
                assert!(
                    !res.body.contains("DROP TABLE users; --\"</"),
                    "{path}: input echoed unescaped"
                );
            }
        }
    }
    assert!(
        app.get_user("admin@example.pl").await.is_some(),
        "still here"
    );
}
