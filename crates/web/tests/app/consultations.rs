//! Public consultations (issue 16, first part): officials plan a consultation (the May 2025
//! template), publish it, correct it under its version, call it off; residents find it by
//! district and read its plan. The rulebook (`domain::consultations::may`) decides, the store
//! repeats it in conditional writes.

use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use miasto_domain::Role;
use miasto_store::clock::Clock;

/// A Kraków day at midnight, in UTC (March: UTC+1).
pub fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, d, 0, 0, 0).unwrap() - chrono::Duration::hours(1)
}

pub async fn on_clock<F, Fut>(test: F)
where
    F: FnOnce(Clock) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let clock = Clock::at(day(1) - chrono::Duration::days(10));
    clock.clone().run(test(clock)).await;
}

pub async fn unit_id(app: &TestApp, code: &str) -> String {
    miasto_store::reference::find_unit_by_code(&app.db.db, code)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// A plan's fields: information from 1 March, open 8–28 March (21 days), report by 30 April.
fn plan(unit: &str) -> Vec<(&'static str, String)> {
    [
        ("kind", "standard"),
        ("title", "Jak rozwijać konsultacje społeczne w Krakowie?"),
        ("goal", "Poznać opinie mieszkańców o formach konsultacji."),
        ("legal_basis", "Uchwała nr XCIV/2487/25 Rady Miasta Krakowa"),
        (
            "target_groups",
            "Mieszkańcy Krakowa, organizacje pozarządowe",
        ),
        (
            "contact_name",
            "Wydział Dialogu, Konsultacji i Kontaktu Obywatelskiego",
        ),
        ("contact_email", "dialog@um.krakow.pl"),
        ("contact_phone", "12 616 55 55"),
        ("unit", unit),
        ("city_wide", "on"),
        ("methods", "survey"),
        ("methods", "duty_hours"),
        ("information", "2027-03-01"),
        ("opens", "2027-03-08"),
        ("closes", "2027-03-28"),
        ("report_due", "2027-04-30"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The plan with these methods instead of its own.
pub fn with_methods(unit: &str, methods: &[&str]) -> Vec<(&'static str, String)> {
    let mut plan: Vec<(&'static str, String)> = plan(unit)
        .into_iter()
        .filter(|(k, _)| *k != "methods")
        .collect();
    plan.extend(methods.iter().map(|m| ("methods", (*m).to_owned())));
    plan
}

fn fields<'a>(plan: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    plan.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn with(plan: &[(&'static str, String)], name: &str, value: &str) -> Vec<(&'static str, String)> {
    plan.iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == name {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

/// Creates the draft and returns its staff page path.
pub async fn create(b: &mut Browser<'_>, plan: &[(&'static str, String)]) -> String {
    let res = b.post("/staff/consultations", &fields(plan)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location().to_owned()
}

fn version_on(body: &str) -> String {
    body.split(r#"name="version" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_official_plans_publishes_and_residents_read_the_plan() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        official
            .get("/staff/queue")
            .await
            .assert_contains("href=\"/staff/consultations\"");

        // Every problem at once, named on its field, what was typed kept.
        let res = official
            .post(
                "/staff/consultations",
                &[
                    ("kind", "standard"),
                    ("title", "Park Zakrzówek"),
                    ("information", "2027-03-01"),
                    ("opens", "2027-03-05"),
                    ("closes", "2027-03-10"),
                    ("report_due", "2027-04-01"),
                ],
            )
            .await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("value=\"Park Zakrzówek\"")
            .assert_contains("id=\"goal-error\"")
            .assert_contains("id=\"unit-error\"")
            .assert_contains("Wybierz co najmniej jedną formę udziału.")
            .assert_contains("Akcja informacyjna musi trwać co najmniej 7 dni");
        let short = with(&plan(&unit), "closes", "2027-03-20");
        official
            .post("/staff/consultations", &fields(&short))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Konsultacje są za krótkie: co najmniej 21 dni");

        let path = create(&mut official, &plan(&unit)).await;
        assert_eq!(
            path,
            "/staff/consultations/jak-rozwijac-konsultacje-spoleczne-w-krakowie"
        );
        let slug = path.rsplit('/').next().unwrap().to_owned();
        // A draft: not public.
        let mut resident = app.browser();
        resident
            .get("/consultations")
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks("Jak rozwijać");
        resident
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        // The same title again gets its own address.
        let again = create(&mut official, &plan(&unit)).await;
        assert_eq!(again, format!("{path}-2"));

        official
            .post(&format!("{path}/publish"), &[])
            .await
            .assert_redirect(&path);
        // Published once: a second press says it cannot be done now.
        official
            .post(&format!("{path}/publish"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Na tym etapie konsultacji nie można tego zrobić.");
        let list = resident.get("/consultations").await;
        list.assert_contains("Nadchodzące")
            .assert_contains(&format!("href=\"/consultations/{slug}\""))
            .assert_lacks(&format!("/consultations/{slug}-2\""));
        resident
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Zapowiedziane")
            .assert_contains("08.03.2027 – 28.03.2027")
            .assert_contains("Ankieta internetowa, Dyżury eksperckie")
            .assert_contains("Uchwała nr XCIV/2487/25")
            .assert_contains("+48126165555");
        clock.set(day(10));
        resident
            .get("/consultations")
            .await
            .assert_contains("Trwają – weź udział");
        // The home page says what is open now.
        resident
            .get("/")
            .await
            .assert_contains("Trwają konsultacje: Jak rozwijać konsultacje społeczne w Krakowie?")
            .assert_contains(&format!("href=\"/consultations/{slug}\""));
        clock.set(day(29));
        resident
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_contains("Przygotowanie odpowiedzi");
        let actions: Vec<String> =
            miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|e| e.action)
                .filter(|a| a.starts_with("consultation"))
                .collect();
        assert_eq!(
            actions,
            [
                "consultation_published",
                "consultation_created",
                "consultation_created"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn changes_after_publishing_keep_what_has_passed_and_never_overwrite_each_other() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut first, _) = app.logged_in("a@um.krakow.pl", Role::Official).await;
        let (mut second, _) = app.logged_in("b@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut first, &plan(&unit)).await;
        first.post(&format!("{path}/publish"), &[]).await;
        clock.set(day(10));

        // Two officials opened the same version; the second save is refused, not lost.
        let version = version_on(&first.get(&path).await.body);
        let _ = second.get(&path).await;
        let mut edit = with(&plan(&unit), "goal", "Cel po poprawce.");
        edit.push(("version", version.clone()));
        first
            .post(&path, &fields(&edit))
            .await
            .assert_redirect(&path);
        let mut late = with(&plan(&unit), "goal", "Inny cel.");
        late.push(("version", version));
        second
            .post(&path, &fields(&late))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Ktoś inny zmienił w międzyczasie");
        let stored =
            miasto_store::consultations::get_by_slug(&app.db.db, path.rsplit('/').next().unwrap())
                .await
                .unwrap()
                .unwrap();
        assert_eq!(stored.plan.goal, "Cel po poprawce.");

        // Open since 8 March: its opening stays; it may be extended.
        let fresh = version_on(&first.get(&path).await.body);
        let mut moved = with(
            &with(&plan(&unit), "opens", "2027-03-12"),
            "closes",
            "2027-04-04",
        );
        moved.push(("version", fresh.clone()));
        first
            .post(&path, &fields(&moved))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Daty, która minęła, nie można zmienić");
        let mut longer = with(&plan(&unit), "closes", "2027-04-04");
        longer.push(("version", fresh));
        first
            .post(&path, &fields(&longer))
            .await
            .assert_redirect(&path);

        // Called off with a reason residents read; not twice, not after it closed.
        first
            .post(&format!("{path}/cancel"), &[("reason", " ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"reason-error\"");
        first
            .post(
                &format!("{path}/cancel"),
                &[("reason", "Projekt uchwały wycofano.")],
            )
            .await
            .assert_redirect(&path);
        first
            .post(&format!("{path}/cancel"), &[("reason", "Jeszcze raz.")])
            .await
            .assert_status(StatusCode::CONFLICT);
        let slug = path.rsplit('/').next().unwrap();
        app.browser()
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_contains("Te konsultacje zostały odwołane.")
            .assert_contains("Projekt uchwały wycofano.");
        // Nothing more can be changed: the page offers no form, a forged one is refused.
        let page = first.get(&path).await;
        page.assert_lacks("name=\"version\"");
        let mut after = plan(&unit);
        after.push(("version", "99".to_owned()));
        first
            .post(&path, &fields(&after))
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn residents_find_consultations_by_district_and_only_officials_plan_them() {
    on_clock(|_clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let nowa_huta = crate::reports::district_id(&app, 18).await;
        let krowodrza = crate::reports::district_id(&app, 5).await;
        let mut local = with(&plan(&unit), "title", "Zieleń w Nowej Hucie");
        local.retain(|(k, _)| *k != "city_wide");
        local.push(("districts", nowa_huta.clone()));
        // Neither city-wide nor a district: said so.
        let mut nowhere = plan(&unit);
        nowhere.retain(|(k, _)| *k != "city_wide");
        official
            .post("/staff/consultations", &fields(&nowhere))
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Zaznacz „Cały Kraków” albo wybierz co najmniej jedną dzielnicę.");
        let local_path = create(&mut official, &local).await;
        let city_path = create(&mut official, &with(&plan(&unit), "title", "Budżet miasta")).await;
        for path in [&local_path, &city_path] {
            official.post(&format!("{path}/publish"), &[]).await;
        }
        let mut anyone = app.browser();
        let in_huta = anyone
            .get(&format!("/consultations?district={nowa_huta}"))
            .await;
        in_huta
            .assert_contains("Zieleń w Nowej Hucie")
            .assert_contains("Budżet miasta");
        let elsewhere = anyone
            .get(&format!("/consultations?district={krowodrza}"))
            .await;
        elsewhere
            .assert_lacks("Zieleń w Nowej Hucie")
            .assert_contains("Budżet miasta");
        anyone
            .get(&local_path.replace("/staff", ""))
            .await
            .assert_contains("XVIII Nowa Huta");
        // The map of their areas: every district, shaded by what concerns it; the list's
        // filters apply.
        anyone
            .get("/consultations")
            .await
            .assert_contains("data-consultations-map")
            .assert_contains("data-source=\"/consultations/map.geojson?district=&#38;topic=\"");
        let map = anyone.get("/consultations/map.geojson").await;
        map.assert_status(StatusCode::OK);
        assert_eq!(map.header("content-type"), Some("application/geo+json"));
        assert!(
            map.body.len() < 200_000,
            "small enough for a phone: {}",
            map.body.len()
        );
        let areas: serde_json::Value = serde_json::from_str(&map.body).unwrap();
        let features = areas["features"].as_array().unwrap();
        assert_eq!(features.len(), 18);
        let titles = |district: &str| -> Vec<String> {
            features
                .iter()
                .find(|f| f["properties"]["district"] == district)
                .unwrap()["properties"]["consultations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["title"].as_str().unwrap().to_owned())
                .collect()
        };
        let mut huta = titles("XVIII Nowa Huta");
        huta.sort();
        assert_eq!(huta, ["Budżet miasta", "Zieleń w Nowej Hucie"]);
        assert_eq!(titles("V Krowodrza"), ["Budżet miasta"]);
        assert!(
            features
                .iter()
                .all(|f| f["geometry"]["type"] == "Polygon"
                    || f["geometry"]["type"] == "MultiPolygon")
        );
        let filtered: serde_json::Value = serde_json::from_str(
            &anyone
                .get(&format!("/consultations/map.geojson?district={krowodrza}"))
                .await
                .body,
        )
        .unwrap();
        let huta_filtered = filtered["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["district"] == "XVIII Nowa Huta")
            .unwrap()["properties"]["count"]
            .clone();
        assert_eq!(huta_filtered, 1, "only the city-wide one passes the filter");

        for role in [
            Role::Resident,
            Role::Operator,
            Role::UnitStaff,
            Role::Moderator,
        ] {
            let (mut b, _) = app
                .logged_in(&format!("{}@example.pl", role.as_str()), role)
                .await;
            // The contact centre and departments see the list (to type in and answer
            // comments); only officials plan.
            let list = if matches!(role, Role::Operator | Role::UnitStaff) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            b.get("/staff/consultations").await.assert_status(list);
            b.get(&city_path).await.assert_status(StatusCode::FORBIDDEN);
            b.post("/staff/consultations", &fields(&plan(&unit)))
                .await
                .assert_status(StatusCode::FORBIDDEN);
            b.post(&format!("{city_path}/cancel"), &[("reason", "x")])
                .await
                .assert_status(StatusCode::FORBIDDEN);
        }
    })
    .await;
}

#[tokio::test]
async fn residents_comment_while_it_is_open_and_staff_type_in_what_came_on_paper() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["comments", "paper"])).await;
        official.post(&format!("{path}/publish"), &[]).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let public = format!("/consultations/{slug}");
        let post = format!("{public}/comments");

        // Before it opens: no form, and a comment sent anyway is refused.
        clock.set(day(5));
        let (mut resident, _) = app.logged_in("mieszkanka@example.pl", Role::Resident).await;
        resident.get(&public).await.assert_lacks("name=\"body\"");
        resident
            .post(&post, &[("body", "Za wcześnie.")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Na tym etapie konsultacji nie można tego zrobić.");

        clock.set(day(10));
        let mut anyone = app.browser();
        anyone
            .get(&public)
            .await
            .assert_contains(&format!("/login?next={public}%23comments"));
        let res = anyone.post(&post, &[("body", "Bez konta.")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        resident
            .post(&post, &[("body", "ok")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"body-error\"")
            .assert_contains(">ok</textarea>");
        let res = resident
            .post(&post, &[("body", "Więcej ławek w parku, proszę.")])
            .await;
        res.assert_redirect(&format!("{public}#comments"));
        for n in 2..=21 {
            resident
                .post(&post, &[("body", &format!("Uwaga numer {n}."))])
                .await
                .assert_status(StatusCode::SEE_OTHER);
        }
        let first = anyone.get(&public).await;
        first
            .assert_contains("Więcej ławek w parku, proszę.")
            .assert_contains("Uwaga 20</strong>")
            .assert_lacks("Uwaga 21</strong>")
            .assert_lacks("mieszkanka@example.pl")
            .assert_contains("(na stronie)");
        anyone
            .get(&format!("{public}?page=2"))
            .await
            .assert_contains("Uwaga 21</strong>")
            .assert_contains("Uwaga numer 21.");

        // Staff type in a letter; the plan has no duty hours, so that way is refused.
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        let staff = format!("/staff/consultations/{slug}/comments");
        operator
            .get("/staff/consultations")
            .await
            .assert_contains(&format!("href=\"{staff}\""))
            .assert_lacks("/staff/consultations/new");
        operator.get(&staff).await.assert_status(StatusCode::OK);
        operator
            .post(&staff, &[("channel", "duty_hour"), ("body", "Na dyżurze.")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("W tych konsultacjach nie można wziąć udziału w ten sposób");
        operator
            .post(
                &staff,
                &[
                    ("channel", "letter"),
                    ("author_name", "Jan Kowalski"),
                    ("body", "Proszę o przejście dla pieszych."),
                ],
            )
            .await
            .assert_redirect(&staff);
        // After closing: residents no longer, letters posted in time still.
        clock.set(day(29));
        resident
            .post(&post, &[("body", "Po terminie.")])
            .await
            .assert_status(StatusCode::CONFLICT);
        operator
            .post(
                &staff,
                &[
                    ("channel", "paper"),
                    ("body", "Formularz papierowy z urny."),
                ],
            )
            .await
            .assert_redirect(&staff);
        let last = anyone.get(&format!("{public}?page=2")).await;
        last.assert_contains("Proszę o przejście dla pieszych.")
            .assert_contains("(listownie)")
            .assert_contains("(na papierze)")
            .assert_lacks("Jan Kowalski")
            .assert_lacks("Po terminie.");
        let c = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
            .await
            .unwrap()
            .unwrap();
        let all = miasto_store::consultations::comments(
            &app.db.db,
            c.id,
            miasto_store::Page::new(None, Some(100)),
        )
        .await
        .unwrap();
        assert_eq!(all.total, 23);
        let letter = all.items.iter().find(|k| k.author_name.is_some()).unwrap();
        assert_eq!(letter.author_name.as_deref(), Some("Jan Kowalski"));
        assert!(letter.recorded_by.is_some() && letter.author.is_none());
        resident
            .get(&staff)
            .await
            .assert_status(StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn one_account_cannot_flood_a_consultation_with_comments() {
    on_clock(|clock| async move {
        let app = TestApp::builder()
            .limits(miasto_web::RateLimits {
                comments_per_account: miasto_store::rate_limit::Limit {
                    max: 2,
                    window: std::time::Duration::from_secs(3600),
                },
                ..Default::default()
            })
            .build()
            .await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(
            &mut official,
            &with_methods(&unit, &["comments", "statements"]),
        )
        .await;
        official.post(&format!("{path}/publish"), &[]).await;
        clock.set(day(10));
        let post = format!("{}/comments", path.replace("/staff", ""));
        // Statement proposals wait for moderators: they are limited the same way.
        let propose = format!("{}/statements", path.replace("/staff", ""));
        let (mut proposer, _) = app.logged_in("p@example.pl", Role::Resident).await;
        for n in 1..=2 {
            proposer
                .post(&propose, &[("body", &format!("Stwierdzenie numer {n}."))])
                .await
                .assert_status(StatusCode::SEE_OTHER);
        }
        proposer
            .post(&propose, &[("body", "Trzecie stwierdzenie.")])
            .await
            .assert_status(StatusCode::TOO_MANY_REQUESTS)
            .assert_contains(">Trzecie stwierdzenie.</textarea>");
        let (mut resident, _) = app.logged_in("m@example.pl", Role::Resident).await;
        for n in 1..=2 {
            resident
                .post(&post, &[("body", &format!("Uwaga {n}."))])
                .await
                .assert_status(StatusCode::SEE_OTHER);
        }
        resident
            .post(&post, &[("body", "Trzecia w tej godzinie.")])
            .await
            .assert_status(StatusCode::TOO_MANY_REQUESTS)
            .assert_contains(">Trzecia w tej godzinie.</textarea>");
        // Another resident is not held back.
        let (mut other, _) = app.logged_in("n@example.pl", Role::Resident).await;
        other
            .post(&post, &[("body", "Moja pierwsza.")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn moderators_hide_a_comment_and_its_author_sees_why() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["comments"])).await;
        official.post(&format!("{path}/publish"), &[]).await;
        clock.set(day(10));
        let public = path.replace("/staff", "");
        let (mut author, _) = app.logged_in("autor@example.pl", Role::Resident).await;
        author
            .post(
                &format!("{public}/comments"),
                &[(
                    "body",
                    "Mój sąsiad Jan Nowak, tel. 600 100 200, parkuje na trawniku.",
                )],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        let slug = path.rsplit('/').next().unwrap();
        let c = miasto_store::consultations::get_by_slug(&app.db.db, slug)
            .await
            .unwrap()
            .unwrap();
        let id =
            miasto_store::consultations::comments(&app.db.db, c.id, miasto_store::Page::first())
                .await
                .unwrap()
                .items[0]
                .id;
        let hide = format!("{public}/comments/{id}/hide");
        // Residents and the contact centre cannot; the form is not shown to them.
        author.get(&public).await.assert_lacks("/hide\"");
        author
            .post(&hide, &[("reason", "x")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let (mut moderator, _) = app
            .logged_in("moderator@um.krakow.pl", Role::Moderator)
            .await;
        moderator
            .get(&public)
            .await
            .assert_contains(&format!("action=\"{hide}\""));
        moderator
            .post(&hide, &[("reason", " ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Podaj powód ukrycia uwagi (do 200 znaków).");
        moderator
            .post(&hide, &[("reason", "Dane osobowe innej osoby.")])
            .await
            .assert_redirect(&format!("{public}#comments"));
        moderator
            .post(&hide, &[("reason", "Jeszcze raz.")])
            .await
            .assert_status(StatusCode::NOT_FOUND);
        app.browser()
            .get(&public)
            .await
            .assert_lacks("Jan Nowak")
            .assert_contains("Nie ma jeszcze uwag.");
        author
            .get("/my")
            .await
            .assert_contains("Ukryta przez moderatora:")
            .assert_contains("Dane osobowe innej osoby.");
        let logged =
            miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
                .await
                .unwrap()
                .items;
        assert_eq!(logged[0].action, "consultation_comment_hidden");
        assert_eq!(logged[0].details["reason"], "Dane osobowe innej osoby.");
    })
    .await;
}

#[tokio::test]
async fn in_a_premoderated_consultation_comments_wait_for_a_moderator() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let mut plan = with_methods(&unit, &["comments", "paper"]);
        plan.push(("premoderated", "on".to_owned()));
        let path = create(&mut official, &plan).await;
        official
            .get(&path)
            .await
            .assert_contains("id=\"premoderated\" name=\"premoderated\" type=\"checkbox\" checked");
        official.post(&format!("{path}/publish"), &[]).await;
        clock.set(day(10));
        let public = path.replace("/staff", "");
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let (mut bartek, _) = app.logged_in("bartek@example.pl", Role::Resident).await;
        let first = "Proszę o więcej ławek przy alejkach.";
        let second = "Sąsiad spod siódemki, Jan Nowak, śmieci w parku.";
        for (b, text) in [(&mut anna, first), (&mut bartek, second)] {
            b.post(&format!("{public}/comments"), &[("body", text)])
                .await
                .assert_redirect(&format!("{public}#comments"));
        }
        // Nobody sees them yet; their authors see they wait.
        anna.get(&public)
            .await
            .assert_contains("pojawi się publicznie po sprawdzeniu przez moderatora")
            .assert_lacks(first);
        app.browser().get(&public).await.assert_lacks(first);
        anna.get("/my")
            .await
            .assert_contains(first)
            .assert_contains("czeka na moderację");
        let slug = path.rsplit('/').next().unwrap();
        let api = app
            .browser()
            .get(&format!("/api/v1/consultations/{slug}/comments"))
            .await;
        assert!(!api.body.contains("ławek"), "{}", api.body);
        // What staff type in is the city's record: shown at once.
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .post(
                &format!("{path}/comments"),
                &[
                    ("channel", "letter"),
                    ("body", "List: prosimy o oświetlenie."),
                ],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        app.browser()
            .get(&public)
            .await
            .assert_contains("List: prosimy o oświetlenie.");
        official
            .get(&format!("{path}/answers"))
            .await
            .assert_contains("2 uwagi czekają na moderację.");

        // Moderators decide: shown, or refused with a reason its author sees.
        let moderation = format!("{path}/moderation");
        operator
            .get(&moderation)
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let (mut moderator, _) = app
            .logged_in("moderator@um.krakow.pl", Role::Moderator)
            .await;
        let page = moderator.get(&moderation).await;
        page.assert_status(StatusCode::OK)
            .assert_contains(first)
            .assert_contains(second);
        let c = miasto_store::consultations::get_by_slug(&app.db.db, slug)
            .await
            .unwrap()
            .unwrap();
        let (waiting, _) = miasto_store::consultations::pending(&app.db.db, c.id, 10)
            .await
            .unwrap();
        let (a, b) = (waiting[0].id.to_string(), waiting[1].id.to_string());
        moderator
            .post(
                &moderation,
                &[("action", "refuse"), ("comment", &b), ("reason", " ")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        moderator
            .post(&moderation, &[("action", "approve"), ("comment", &a)])
            .await
            .assert_redirect(&moderation);
        moderator
            .post(
                &moderation,
                &[
                    ("action", "refuse"),
                    ("comment", &b),
                    ("reason", "Dane osobowe sąsiada."),
                ],
            )
            .await
            .assert_redirect(&moderation);
        // A second decision on the same comment is refused.
        moderator
            .post(&moderation, &[("action", "approve"), ("comment", &b)])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Inny moderator rozpatrzył już tę uwagę.");
        app.browser()
            .get(&public)
            .await
            .assert_contains(first)
            .assert_lacks("Jan Nowak");
        bartek
            .get("/my")
            .await
            .assert_contains("Dane osobowe sąsiada.")
            .assert_lacks("czeka na moderację");
        // Counted once shown: one participant online and one letter.
        let (channels, _, participants) = miasto_store::consultations::figures(&app.db.db, c.id)
            .await
            .unwrap();
        assert_eq!(participants, 2);
        assert_eq!(channels.iter().map(|c| c.1).sum::<u64>(), 2);
        moderator
            .get(&moderation)
            .await
            .assert_contains("Żadna uwaga nie czeka na moderację.");
    })
    .await;
}

#[tokio::test]
async fn an_area_drawn_on_the_map_sets_the_districts_it_crosses() {
    on_clock(|_clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let square = "50.0625, 19.9360\n50.0625, 19.9390\n50.0610, 19.9390\n50.0610, 19.9360";
        let drawn = |outline: &str| {
            let mut p = with(&plan(&unit), "title", "Płyta Rynku Głównego");
            p.retain(|(k, _)| *k != "city_wide");
            p.push(("outline", outline.to_owned()));
            p
        };
        // Two corners are not an area; Warsaw is not Kraków: each named, what was typed kept.
        official
            .post(
                "/staff/consultations",
                &fields(&drawn("50.06, 19.93\n50.07, 19.94")),
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"outline-error\"")
            .assert_contains("50.06, 19.93\n50.07, 19.94</textarea>");
        official
            .post(
                "/staff/consultations",
                &fields(&drawn("52.23, 21.01\n52.24, 21.01\n52.24, 21.02")),
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"outline-error\"");
        let path = create(&mut official, &drawn(square)).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let c = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
            .await
            .unwrap()
            .unwrap();
        let stare_miasto = crate::reports::district_id(&app, 1).await;
        assert_eq!(
            c.organisation.area,
            miasto_domain::consultations::Area::Districts(vec![
                miasto_domain::DistrictId::parse(&stare_miasto).unwrap()
            ])
        );
        assert_eq!(c.organisation.outline.as_ref().unwrap().0.len(), 4);
        // The form shows the corners to correct; the page names the district and draws it.
        official
            .get(&path)
            .await
            .assert_contains("50.062500, 19.936000\n50.062500, 19.939000");
        official.post(&format!("{path}/publish"), &[]).await;
        app.browser()
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_contains("I Stare Miasto")
            .assert_contains("Obszar zaznaczony na mapie.")
            .assert_contains("data-outline=\"[[50.0625,19.936],");
        let areas: serde_json::Value =
            serde_json::from_str(&app.browser().get("/consultations/map.geojson").await.body)
                .unwrap();
        let outline = areas["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["outline"] == true)
            .unwrap();
        assert_eq!(outline["properties"]["title"], "Płyta Rynku Głównego");
        let ring = outline["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5, "closed");
        assert_eq!(ring[0], serde_json::json!([19.936, 50.0625]));
    })
    .await;
}
