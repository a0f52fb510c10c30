//! The e-survey (issue 16): built by an official until the consultation opens, answered
//! once per account or invitation code, by residents of the districts concerned when it is
//! a district survey, saved to continue later; results counted as responses arrive, shown
//! to the city while it runs and to everyone once closed; exports of every response.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;

async fn district(app: &TestApp, n: usize) -> String {
    miasto_store::reference::list_districts(&app.db.db)
        .await
        .unwrap()[n]
        .id
        .to_string()
}

/// A published consultation with a survey of `audience` and three questions; its slug.
async fn with_survey(
    app: &TestApp,
    official: &mut Browser<'_>,
    audience: &str,
    districts: &[String],
) -> String {
    let unit = unit_id(app, "WD").await;
    let mut plan: Vec<(&'static str, String)> = with_methods(&unit, &["survey"]);
    if !districts.is_empty() {
        plan.retain(|(k, _)| *k != "city_wide");
        plan.extend(districts.iter().map(|d| ("districts", d.clone())));
    }
    let path = create(official, &plan).await;
    let slug = path.rsplit('/').next().unwrap().to_owned();
    let builder = format!("{path}/survey");
    let version = |body: &str| {
        body.split("name=\"version\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    // A question with problems: each named, what was typed kept.
    let page = official.get(&builder).await;
    official
        .post(
            &format!("{builder}/questions"),
            &[
                ("version", &version(&page.body)),
                ("kind", "single"),
                ("text", "Czy?"),
                ("options", "Tylko jedna"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"options-error\"")
        .assert_contains(">Tylko jedna</textarea>");
    for q in [
        vec![
            ("kind", "single"),
            ("text", "Czy korzystasz z parku?"),
            ("options", "Tak\nNie"),
            ("required", "on"),
        ],
        vec![
            ("kind", "long_text"),
            ("text", "Dlaczego nie?"),
            ("shown_if", "q1:1"),
        ],
        vec![
            ("kind", "scale"),
            ("text", "Jak oceniasz zieleń?"),
            ("options", "1\n2\n3\n4\n5"),
        ],
    ] {
        let page = official.get(&builder).await;
        let v = version(&page.body);
        let mut fields = vec![("version", v.as_str())];
        fields.extend(q);
        official
            .post(&format!("{builder}/questions"), &fields)
            .await
            .assert_redirect(&builder);
    }
    let page = official.get(&builder).await;
    official
        .post(
            &format!("{builder}/settings"),
            &[
                ("version", &version(&page.body)),
                ("audience", audience),
                ("demographics", "on"),
            ],
        )
        .await
        .assert_redirect(&builder);
    // A stale version is refused.
    official
        .post(
            &format!("{builder}/settings"),
            &[("version", "1"), ("audience", "anyone")],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    official.post(&format!("{path}/publish"), &[]).await;
    slug
}

#[tokio::test]
async fn residents_of_the_district_answer_once_and_results_are_counted() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (here, elsewhere) = (district(&app, 0).await, district(&app, 1).await);
        let slug = with_survey(
            &app,
            &mut official,
            "districts",
            std::slice::from_ref(&here),
        )
        .await;
        let survey = format!("/consultations/{slug}/survey");
        let builder = format!("/staff/consultations/{slug}/survey");
        clock.set(day(10));
        // Opened: the questions are fixed.
        official
            .post(
                &format!("{builder}/questions/q1"),
                &[("version", "5"), ("action", "delete")],
            )
            .await
            .assert_status(StatusCode::CONFLICT);

        let mut anyone = app.browser();
        anyone.get(&survey).await.assert_contains("/login?next=");
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let form = anna.get(&survey).await;
        form.assert_contains("data-shown-if=\"q1:1\"")
            .assert_contains("Odpowiedz, jeśli w pytaniu 1 wybrano „Nie”.");
        // Another district's resident is refused; what was chosen is kept.
        anna.post(
            &survey,
            &[("_district", &elsewhere), ("q1", "0"), ("action", "send")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN)
        .assert_contains("id=\"_district-error\"")
        .assert_contains("value=\"0\" checked");
        // Required answers missing: named on their questions.
        anna.post(
            &survey,
            &[("_district", &here), ("q3", "2"), ("action", "send")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"q1-error\"")
        .assert_lacks("id=\"q3-error\"");
        // Saved to continue later, then sent.
        anna.post(
            &survey,
            &[("_district", &here), ("q1", "1"), ("action", "save")],
        )
        .await
        .assert_redirect(&survey);
        anna.get(&survey)
            .await
            .assert_contains("value=\"1\" checked");
        anna.post(
            &survey,
            &[
                ("_district", &here),
                ("q1", "1"),
                ("q2", "Za mało ławek przy alejkach."),
                ("q3", "3"),
                ("_age", "25-34"),
                ("action", "send"),
            ],
        )
        .await
        .assert_redirect(&survey);
        anna.get(&survey)
            .await
            .assert_contains("Twoja odpowiedź została przyjęta")
            .assert_lacks("name=\"q1\"");
        anna.post(
            &survey,
            &[("_district", &here), ("q1", "0"), ("action", "send")],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Twoja odpowiedź na tę ankietę została już wysłana");
        let (mut jan, _) = app.logged_in("jan@example.pl", Role::Resident).await;
        jan.post(
            &survey,
            &[
                ("_district", &here),
                ("q1", "0"),
                ("q2", "Ukryte, pominięte."),
                ("q3", "4"),
                ("action", "send"),
            ],
        )
        .await
        .assert_redirect(&survey);

        // Results: the city's while it runs, everyone's once closed.
        let results = format!("{survey}/results");
        anna.get(&results)
            .await
            .assert_status(StatusCode::NOT_FOUND);
        let live = official.get(&results).await;
        live.assert_contains("2 odpowiedzi.")
            .assert_contains("<th scope=\"row\">Tak</th><td>1</td><td>50</td>")
            .assert_contains("<th scope=\"row\">25–34</th><td>1</td><td>50</td>")
            .assert_contains("responses.csv");
        // Monitoring: the responses per channel and per day, beside the comments'.
        official
            .get(&format!("/staff/consultations/{slug}/answers"))
            .await
            .assert_contains("Odpowiedzi na ankietę według formy")
            .assert_contains("<th scope=\"row\">na stronie</th><td>2</td><td>100</td>")
            .assert_contains("Odpowiedzi na ankietę według dnia");
        clock.set(day(29));
        let public = anna.get(&results).await;
        public
            .assert_status(StatusCode::OK)
            .assert_contains("Na to pytanie odpowiedziała 1 osoba.");
        let texts = anna.get(&format!("{results}/q2?q=ŁAWEK")).await;
        texts.assert_contains("Za mało ławek przy alejkach.");
        anna.get(&format!("{results}/q2?q=fontanna"))
            .await
            .assert_contains("Nie znaleziono odpowiedzi.");
        // The hidden question's text, sent anyway, was left out.
        anna.get(&format!("{results}/q2"))
            .await
            .assert_lacks("Ukryte, pominięte.");
        // Exports, without who answered.
        let csv = official
            .get(&format!(
                "/staff/consultations/{slug}/survey/downloads/responses.csv"
            ))
            .await;
        csv.assert_status(StatusCode::OK)
            .assert_lacks("anna@example.pl");
        assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
        assert!(
            csv.body
                .contains(",25-34,,Nie,Za mało ławek przy alejkach.,4"),
            "{}",
            csv.body
        );
        let json = official
            .get(&format!(
                "/staff/consultations/{slug}/survey/downloads/responses.json"
            ))
            .await;
        let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 2);
        assert_eq!(parsed[1]["answers"]["q1"], "Tak");
        anna.get(&format!(
            "/staff/consultations/{slug}/survey/downloads/responses.csv"
        ))
        .await
        .assert_status(StatusCode::FORBIDDEN);
        // Closed: no more responses.
        let (mut late, _) = app.logged_in("late@example.pl", Role::Resident).await;
        late.post(
            &survey,
            &[("_district", &here), ("q1", "0"), ("action", "send")],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn an_invitation_code_answers_once_without_an_account() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_survey(&app, &mut official, "codes", &[]).await;
        let made = official
            .post(
                &format!("/staff/consultations/{slug}/survey/codes"),
                &[("count", "2")],
            )
            .await;
        made.assert_status(StatusCode::OK)
            .assert_contains("tylko ten jeden raz");
        let block = made
            .body
            .split("<pre class=\"codes\">")
            .nth(1)
            .unwrap()
            .split("</pre>")
            .next()
            .unwrap();
        let codes: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(codes.len(), 2);
        official
            .post(
                &format!("/staff/consultations/{slug}/survey/codes"),
                &[("count", "0")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        clock.set(day(10));
        let survey = format!("/consultations/{slug}/survey");
        let mut visitor = app.browser();
        visitor.get(&survey).await.assert_contains("name=\"_code\"");
        visitor
            .post(
                &survey,
                &[("_code", "ZZZZZ-ZZZZZ"), ("q1", "0"), ("action", "send")],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN)
            .assert_contains("kod zaproszenia jest nieznany");
        // Typed in lower case and without the dash, it is the same code.
        let typed = codes[0].replace('-', "").to_lowercase();
        visitor
            .post(
                &survey,
                &[("_code", &typed), ("q1", "0"), ("action", "send")],
            )
            .await
            .assert_redirect(&survey);
        let mut other = app.browser();
        other
            .post(
                &survey,
                &[
                    ("_code", codes[0]),
                    ("q1", "1"),
                    ("q2", "Drugi raz."),
                    ("action", "send"),
                ],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // Saving for later needs an account.
        let res = other
            .post(
                &survey,
                &[("_code", codes[1]), ("q1", "1"), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().starts_with("/login"));
        official
            .get(&format!("/staff/consultations/{slug}/survey"))
            .await
            .assert_contains("Utworzono kodów: 2, wykorzystano: 1.");
    })
    .await;
}

#[tokio::test]
async fn guessing_invitation_codes_from_one_address_is_stopped() {
    on_clock(|clock| async move {
        let limits = miasto_web::RateLimits {
            survey_responses_per_ip: miasto_store::rate_limit::Limit {
                max: 3,
                window: std::time::Duration::from_secs(3600),
            },
            ..Default::default()
        };
        let app = TestApp::builder().limits(limits).build().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_survey(&app, &mut official, "codes", &[]).await;
        clock.set(day(10));
        let survey = format!("/consultations/{slug}/survey");
        let mut guesser = app.browser();
        for guess in ["AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC"] {
            guesser
                .post(
                    &survey,
                    &[("_code", guess), ("q1", "0"), ("action", "send")],
                )
                .await
                .assert_status(StatusCode::FORBIDDEN);
        }
        guesser
            .post(
                &survey,
                &[("_code", "DDDDD-DDDDD"), ("q1", "0"), ("action", "send")],
            )
            .await
            .assert_status(StatusCode::TOO_MANY_REQUESTS)
            .assert_contains("Zbyt wiele prób. Spróbuj ponownie za ")
            // What was typed stays.
            .assert_contains("value=\"DDDDD-DDDDD\"");
        // The API shares the limit.
        let api = super::api::post_json(
            &app,
            &format!("/api/v1/consultations/{slug}/survey/responses"),
            None,
            serde_json::json!({ "code": "EEEEE-EEEEE", "answers": { "q1": "Tak" } }),
        )
        .await;
        api.assert_status(StatusCode::TOO_MANY_REQUESTS);
        assert!(api.header("retry-after").is_some());
    })
    .await;
}

#[tokio::test]
async fn results_are_weighted_to_the_population_an_official_enters() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_survey(&app, &mut official, "accounts", &[]).await;
        let survey = format!("/consultations/{slug}/survey");
        let builder = format!("/staff/consultations/{slug}/survey");
        let margins = format!("{builder}/margins");
        let half = [
            ("action", "save"),
            ("sex-female", "50 000"),
            ("sex-male", "50000"),
            ("sex-other", "0"),
        ];
        // Before the survey opens there is nothing to weigh.
        official
            .post(&margins, &half)
            .await
            .assert_status(StatusCode::CONFLICT);
        clock.set(day(10));
        // Three women say yes, a man says no, someone who gave no sex says no.
        for (n, (answer, sex)) in [
            ("0", "female"),
            ("0", "female"),
            ("0", "female"),
            ("1", "male"),
            ("1", ""),
        ]
        .into_iter()
        .enumerate()
        {
            let (mut resident, _) = app
                .logged_in(&format!("r{n}@example.pl"), Role::Resident)
                .await;
            resident
                .post(
                    &survey,
                    &[("q1", answer), ("_sex", sex), ("action", "send")],
                )
                .await
                .assert_redirect(&survey);
        }
        // Residents cannot weigh.
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        anna.post(&margins, &half)
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // A figure that is not a number: the dimension named, what was typed kept.
        official
            .post(
                &margins,
                &[
                    ("action", "save"),
                    ("sex-female", "pół miasta"),
                    ("sex-male", "50000"),
                    ("sex-other", "0"),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"margins-sex-error\"")
            .assert_contains("value=\"pół miasta\"")
            .assert_contains("value=\"50000\"");
        // Nothing typed at all: told so.
        official
            .post(&margins, &[("action", "save")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Wpisz liczby mieszkańców dla co najmniej jednej cechy.");
        official
            .post(&margins, &half)
            .await
            .assert_redirect(&format!("{builder}#weighting"));
        official
            .get(&builder)
            .await
            .assert_contains("Wyniki są ważone.")
            .assert_contains("name=\"sex-female\" value=\"50000\"");
        // Unweighted 3 of 5 (60%); weighted, the women's three count as two and the man as
        // two: half and half. The one without a sex is left out of the weighted figures.
        let results = official.get(&format!("{survey}/results")).await;
        results
            .assert_contains("<th scope=\"row\">Tak</th><td>3</td><td>60</td><td>50,0</td>")
            .assert_contains("<th scope=\"row\">Nie</th><td>2</td><td>40</td><td>50,0</td>")
            .assert_contains("według: Płeć. Zważono 4 odpowiedzi; 1 bez potrzebnych")
            .assert_contains(
                "Efektywna liczebność próby (Kish): 3,0; największa waga jednej odpowiedzi: 2,0.",
            );
        let audit =
            miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
                .await
                .unwrap();
        assert!(
            audit
                .items
                .iter()
                .any(|e| e.details.to_string().contains("\"margins\":[\"sex\"]")),
            "weighting audited"
        );
        // Weighting stopped: the unweighted figures alone.
        official
            .post(&margins, &[("action", "remove")])
            .await
            .assert_redirect(&format!("{builder}#weighting"));
        official
            .get(&format!("{survey}/results"))
            .await
            .assert_contains("<th scope=\"row\">Tak</th><td>3</td><td>60</td><td class=\"bar\">")
            .assert_lacks("% ważony");
    })
    .await;
}

/// The value of the hidden field `name` on the page.
fn hidden(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_photo_answers_a_file_question_survives_a_mistake_and_only_staff_see_it() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["survey"])).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let builder = format!("{path}/survey");
        for q in [
            vec![
                ("kind", "single"),
                ("text", "Czy plac wymaga remontu?"),
                ("options", "Tak\nNie"),
                ("required", "on"),
            ],
            vec![("kind", "file"), ("text", "Zdjęcie miejsca")],
        ] {
            let page = official.get(&builder).await;
            let v = hidden(&page.body, "version");
            let mut fields = vec![("version", v.as_str())];
            fields.extend(q);
            official
                .post(&format!("{builder}/questions"), &fields)
                .await
                .assert_redirect(&builder);
        }
        official.post(&format!("{path}/publish"), &[]).await;
        clock.set(day(10));
        let survey = format!("/consultations/{slug}/survey");
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let form = anna.get(&survey).await;
        form.assert_contains("enctype=\"multipart/form-data\"")
            .assert_contains("type=\"file\"")
            .assert_contains("accept=\"image/jpeg,image/png,image/webp\"");
        // Not a photo: named with its question; the required answer missing too — one pass.
        anna.post_multipart(
            &survey,
            &[("action", "send")],
            &[("q2", "skan.pdf", b"%PDF-1.4 not an image")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Pytanie 2: Plik skan.pdf nie jest zdjęciem JPEG, PNG ani WebP.")
        .assert_contains("id=\"q1-error\"");
        // A photo with a mistake elsewhere: kept, shown, sent with the corrected form.
        let photo = miasto_store::testing::jpeg(64, 48);
        let res = anna
            .post_multipart(
                &survey,
                &[("action", "send")],
                &[("q2", "plac.jpg", &photo)],
            )
            .await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Plik jest dołączony do odpowiedzi.")
            .assert_contains("/reports/staged/");
        let key = hidden(&res.body, "staged_key");
        let kept = hidden(&res.body, "q2-kept");
        assert_eq!(key.len(), 64);
        anna.get(&format!("/reports/staged/{key}/{kept}"))
            .await
            .assert_status(StatusCode::OK);
        anna.post_multipart(
            &survey,
            &[
                ("action", "send"),
                ("q1", "0"),
                ("staged_key", &key),
                ("q2-kept", &kept),
            ],
            &[],
        )
        .await
        .assert_redirect(&survey);
        let mine = miasto_store::consultations::survey::response_of(
            &app.db.db,
            find_id(&app, &slug).await,
            anna_id(&app).await,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            mine.answers[1],
            (
                "q2".to_owned(),
                miasto_domain::consultations::survey::Answer::File(kept.parse().unwrap())
            )
        );
        // Someone else cannot claim that file by typing its id: no file is theirs.
        let (mut jan, _) = app.logged_in("jan@example.pl", Role::Resident).await;
        jan.post(
            &survey,
            &[
                ("action", "send"),
                ("q1", "1"),
                ("q2", &kept),
                ("q2-kept", &kept),
            ],
        )
        .await
        .assert_redirect(&survey);
        let files = miasto_store::consultations::survey::files(
            &app.db.db,
            find_id(&app, &slug).await,
            "q2",
            miasto_store::Page::first(),
        )
        .await
        .unwrap();
        assert_eq!(files.items.len(), 1);
        assert_eq!(files.items[0].id.to_string(), kept);
        // Saved to continue later with a photo: it stays with the draft and goes with it.
        let (mut celina, _) = app.logged_in("celina@example.pl", Role::Resident).await;
        celina
            .post_multipart(
                &survey,
                &[("action", "save")],
                &[("q2", "lawka.jpg", &photo)],
            )
            .await
            .assert_redirect(&survey);
        let draft = celina.get(&survey).await;
        draft.assert_contains("Plik jest dołączony do odpowiedzi.");
        let drafted = hidden(&draft.body, "q2-kept");
        assert_ne!(drafted, kept);
        celina
            .post_multipart(
                &survey,
                &[("action", "send"), ("q1", "1"), ("q2-kept", &drafted)],
                &[],
            )
            .await
            .assert_redirect(&survey);
        let files = miasto_store::consultations::survey::files(
            &app.db.db,
            find_id(&app, &slug).await,
            "q2",
            miasto_store::Page::first(),
        )
        .await
        .unwrap();
        assert_eq!(files.items.len(), 2, "the draft's photo went with it");
        // Housekeeping sweeps the files no answer keeps (the first, refused upload's
        // sizes had none) and keeps the answers' files. File keys carry the real time.
        let before = app.stored_files().len();
        app.housekeeping_at(chrono::Utc::now() + chrono::Duration::hours(2))
            .await;
        let after = app.stored_files();
        assert_eq!(
            after.len(),
            6,
            "two photos of three sizes each stay: {after:?}"
        );
        assert!(before >= after.len());
        official
            .get(&format!("/staff/survey-files/{drafted}/thumb"))
            .await
            .assert_status(StatusCode::OK);
        // Staff see the files; residents do not, and the public results only count them.
        official
            .get(&format!("{survey}/results"))
            .await
            .assert_contains("Zobacz pliki");
        official
            .get(&format!("/staff/consultations/{slug}/survey/files/q2"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains(&format!("/staff/survey-files/{kept}/thumb"));
        let image = official
            .get(&format!("/staff/survey-files/{kept}/display"))
            .await;
        image.assert_status(StatusCode::OK);
        assert_eq!(image.header("content-type"), Some("image/jpeg"));
        anna.get(&format!("/staff/survey-files/{kept}/display"))
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // The export names the file by its staff address.
        let csv = official
            .get(&format!(
                "/staff/consultations/{slug}/survey/downloads/responses.csv"
            ))
            .await;
        assert!(
            csv.body
                .contains(&format!("/staff/survey-files/{kept}/original"))
        );
        clock.set(day(29));
        app.browser()
            .get(&format!("{survey}/results"))
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks("Zobacz pliki")
            .assert_lacks(&kept);
    })
    .await;
}

async fn find_id(app: &TestApp, slug: &str) -> uuid::Uuid {
    miasto_store::consultations::get_by_slug(&app.db.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn anna_id(app: &TestApp) -> miasto_domain::UserId {
    app.get_user("anna@example.pl").await.unwrap().id
}
