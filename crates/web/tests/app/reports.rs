//! Contact-centre journeys: residents report (with and without a map point, with photos),
//! duplicates nearby, supports, staff queues and status changes with their e-mails, the
//! questionnaire, hotline intake, merges, moderation, routing, and privacy on public pages.

use crate::harness::{Browser, PASSWORD, TestApp, TestResponse, link_in, path_of};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_domain::reports::TrackingNumber;
use miasto_store::reference;
use miasto_store::testing::{has_exif, jpeg, with_exif};

pub(crate) const RYNEK: (&str, &str) = ("50.0617", "19.9373");

pub(crate) async fn category_id(app: &TestApp, code: &str) -> String {
    reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == code)
        .unwrap()
        .id
        .to_string()
}

pub(crate) async fn district_id(app: &TestApp, number: u16) -> String {
    reference::list_districts(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.number == number)
        .unwrap()
        .id
        .to_string()
}

/// Sends a report through both steps and returns the response of the final POST.
pub(crate) async fn send(
    b: &mut Browser<'_>,
    place: &[(&str, &str)],
    details: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> TestResponse {
    let query = serde_urlencoded::to_string(place).unwrap();
    let step2 = b.get(&format!("/reports/new/details?{query}")).await;
    step2.assert_status(StatusCode::OK);
    let form_key = step2
        .body
        .split(r#"name="form_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let mut fields: Vec<(&str, &str)> = place.to_vec();
    fields.extend_from_slice(details);
    fields.push(("form_key", &form_key));
    b.post_multipart("/reports", &fields, files).await
}

/// Staff move a report from `expected` to `status` with a message to residents.
pub(crate) async fn change_status(
    staff: &mut Browser<'_>,
    number: TrackingNumber,
    expected: &str,
    status: &str,
    message: &str,
) {
    staff
        .post(
            &format!("/staff{}/status", number.path()),
            &[
                ("expected", expected),
                ("status", status),
                ("message", message),
            ],
        )
        .await
        .assert_redirect(&format!("/staff{}", number.path()));
}

/// A problem at Rynek Główny in the given category, sent by `b`.
pub(crate) async fn lighting_report(
    app: &TestApp,
    b: &mut Browser<'_>,
    at: (&str, &str),
    email: &str,
) -> TrackingNumber {
    let category = category_id(app, "problem.lighting").await;
    let res = send(
        b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", at.0),
            ("lon", at.1),
        ],
        &[
            (
                "description",
                "Nie świeci latarnia przy przejściu dla pieszych",
            ),
            ("contact_email", email),
            ("consent", "on"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.follow(&res).await;
    let number = page
        .body
        .split("<h1>")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .next()
        .unwrap();
    let number = number.rsplit(' ').next().unwrap();
    TrackingNumber::parse(number).unwrap()
}

#[tokio::test]
async fn a_resident_reports_without_javascript_by_address_and_district() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/reports/new?kind=problem")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<h1>Zgłoś problem</h1>")
        .assert_contains(r#"name="address""#)
        .assert_contains(r#"name="district""#)
        .assert_contains("data-map-picker");
    let category = category_id(&app, "problem.roads").await;
    let district = district_id(&app, 13).await;
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("address", "ul. Zabłocie 22"),
            ("district", &district),
        ],
        &[
            (
                "description",
                "Dziura w jezdni na wysokości numeru 22, głęboka na kilka centymetrów.",
            ),
            ("contact_name", "Anna Nowak"),
            ("contact_email", "anna.nowak@example.pl"),
            ("contact_phone", "600 100 200"),
            ("consent", "on"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().starts_with("/reports/track/"));
    let private = b.follow(&res).await;
    private
        .assert_status(StatusCode::OK)
        .assert_contains("Dziękujemy! Zgłoszenie zostało przyjęte.")
        .assert_contains("anna.nowak@example.pl")
        .assert_contains("+48600100200")
        .assert_contains("XIII Podgórze")
        .assert_contains("ZDMK");
    assert_eq!(private.header("cache-control"), Some("private, no-store"));

    let emails = app.emails_to("anna.nowak@example.pl").await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].subject.starts_with("Zgłoszenie ") && emails[0].subject.contains("przyjęte"));
    let private_link = link_in(&emails[0]);
    assert_eq!(path_of(&private_link), res.location());
    let stored = miasto_store::reports::get_by_tracking_token(
        &app.db.db,
        res.location().rsplit('/').next().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.channel, miasto_domain::reports::Channel::Web);
    assert!(emails[0].body_text.contains(&stored.number.to_string()));

    let public = b.get(&stored.number.path()).await;
    public
        .assert_status(StatusCode::OK)
        .assert_contains("Nowe")
        .assert_contains("Dziura w jezdni")
        .assert_lacks("Anna Nowak")
        .assert_lacks("anna.nowak@example.pl")
        .assert_lacks("600 100 200")
        .assert_lacks("+48600100200")
        .assert_lacks("Zabłocie 22");
}

#[tokio::test]
async fn a_point_decides_the_district_and_places_outside_the_city_are_refused() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.lighting").await;
    let q = |lat: &str, lon: &str| {
        format!("/reports/new/details?kind=problem&category={category}&lat={lat}&lon={lon}")
    };
    b.get(&q(RYNEK.0, RYNEK.1))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("I Stare Miasto");
    b.get(&q("52.2297", "21.0122"))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("poza granicami miasta")
        .assert_contains(r##"href="#location""##);
    b.get(&q("abc", "19.9"))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("To nie są współrzędne miejsca na Ziemi.");
    b.get(&format!(
        "/reports/new/details?kind=problem&category={category}"
    ))
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Wskaż miejsce na mapie albo wpisz adres.");
    // An address alone is a place, as on every channel; the district is for who knows it.
    b.get(&format!(
        "/reports/new/details?kind=problem&category={category}&address=Długa+1"
    ))
    .await
    .assert_status(StatusCode::OK)
    .assert_contains("Długa 1");
    b.get(&format!(
        "/reports/new/details?kind=problem&category={category}&address=Długa+1&district=zła"
    ))
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Wybierz dzielnicę z listy.")
    .assert_contains(r#"value="Długa 1""#);
    let idea = category_id(&app, "idea.traffic").await;
    b.get(&format!(
        "/reports/new/details?kind=problem&category={idea}&lat={}&lon={}",
        RYNEK.0, RYNEK.1
    ))
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Wybierz kategorię z listy.");
}

#[tokio::test]
async fn the_details_form_keeps_what_was_typed_and_asks_for_consent() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.litter").await;
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[
            ("description", "krótko"),
            ("contact_email", "zly@adres"),
            ("contact_name", "Jan"),
        ],
        &[],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Tekst jest za krótki.")
        .assert_contains("Podaj adres e-mail w poprawnym formacie")
        .assert_contains("bez zgody na ich użycie")
        .assert_contains(">krótko</textarea>")
        .assert_contains(r#"value="Jan""#);
    assert_eq!(
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn photos_lose_exif_and_go_public_only_once_a_moderator_publishes_them() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.litter").await;
    let photo = with_exif(&jpeg(64, 32), 6);
    assert!(has_exif(&photo));
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[("description", "Dzikie wysypisko śmieci pod mostem")],
        &[
            ("photos", "IMG_0001.JPG", &photo),
            ("photos", "druga.jpg", &jpeg(20, 20)),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let private = b.follow(&res).await;
    let ids: Vec<String> = private
        .body
        .split("/photos/")
        .skip(1)
        .map(|s| s.split('/').next().unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(ids.len(), 2);

    // Every stored file, in every size, is free of EXIF (and so of the GPS position).
    let mut stored = Vec::new();
    let mut dirs = vec![app.files_dir.path().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                stored.push(std::fs::read(path).unwrap());
            }
        }
    }
    assert_eq!(stored.len(), 6, "three sizes of two photos");
    assert!(stored.iter().all(|f| !has_exif(f)));

    // Until a moderator looks at them, only the reporter (by the private link) and staff see
    // them; the public page says nothing of them.
    let tracking = res.location().to_owned();
    private.assert_contains("Zdjęcia pojawią się na publicznej stronie");
    let own = b
        .get(&format!("{tracking}/photos/{}/display", ids[0]))
        .await;
    own.assert_status(StatusCode::OK);
    assert_eq!(own.header("content-type"), Some("image/jpeg"));
    assert_eq!(own.header("cache-control"), Some("private, no-store"));
    let mut stranger = app.browser();
    for id in &ids {
        stranger
            .get(&format!("/photos/{id}/display"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    stranger
        .get(&format!(
            "/reports/track/{}/photos/{}/thumb",
            "0".repeat(64),
            ids[0]
        ))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let number = private
        .body
        .split("<h1>")
        .nth(1)
        .and_then(|h| h.split("</h1>").next())
        .and_then(|h| h.rsplit(' ').next())
        .and_then(|n| TrackingNumber::parse(n).ok())
        .unwrap();
    stranger.get(&number.path()).await.assert_lacks("/photos/");

    // A moderator publishes the first: now anyone sees it, and caches may keep it.
    let (mut moderator, _) = app.logged_in("mod@example.pl", Role::Moderator).await;
    moderator
        .get(&format!("/photos/{}/thumb", ids[1]))
        .await
        .assert_status(StatusCode::OK);
    moderator
        .get(&format!("/staff{}", number.path()))
        .await
        .assert_contains("czeka na sprawdzenie")
        .assert_contains(r#"value="publish""#);
    moderator
        .get("/staff/queue?photos=pending")
        .await
        .assert_contains("1 wynik")
        .assert_contains(&number.to_string());
    moderator
        .post(
            &format!("/staff/photos/{}/visibility", ids[0]),
            &[("action", "publish")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let public = stranger.get(&format!("/photos/{}/display", ids[0])).await;
    public.assert_status(StatusCode::OK);
    assert_eq!(
        public.header("cache-control"),
        Some("public, max-age=86400")
    );
    stranger
        .get(&number.path())
        .await
        .assert_contains(&format!("/photos/{}/thumb", ids[0]))
        .assert_lacks(&ids[1]);
    moderator
        .get("/staff/queue?photos=pending")
        .await
        .assert_contains("1 wynik");
    moderator
        .post(
            &format!("/staff/photos/{}/visibility", ids[1]),
            &[("action", "publish")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    moderator
        .get("/staff/queue?photos=pending")
        .await
        .assert_contains("0 wyników");
    stranger
        .get(&format!("/photos/{}/huge", ids[0]))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Hiding needs a reason; a hidden photo is gone for the public and the reporter, staff
    // still see it.
    moderator
        .post(
            &format!("/staff/photos/{}/visibility", ids[0]),
            &[("action", "hide"), ("reason", "")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    moderator
        .post(
            &format!("/staff/photos/{}/visibility", ids[0]),
            &[("action", "hide"), ("reason", "widać twarz")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    stranger
        .get(&format!("/photos/{}/thumb", ids[0]))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    b.get(&format!("{tracking}/photos/{}/thumb", ids[0]))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    moderator
        .get(&format!("/photos/{}/thumb", ids[0]))
        .await
        .assert_status(StatusCode::OK);
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    assert!(log.items.iter().any(|e| e.action == "photo_published"));
    let entry = log
        .items
        .iter()
        .find(|e| e.action == "photo_hidden")
        .unwrap();
    assert_eq!(entry.details["reason"], "widać twarz");
}

#[tokio::test]
async fn files_that_are_not_photos_are_refused_with_a_message_per_file() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.litter").await;
    let place = [
        ("kind", "problem"),
        ("category", category.as_str()),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
    ];
    let details = [("description", "Śmieci na trawniku od tygodnia")];
    let res = send(
        &mut b,
        &place,
        &details,
        &[("photos", "skan.pdf", b"%PDF-1.7 not a photo")],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Plik skan.pdf nie jest zdjęciem JPEG, PNG ani WebP.")
        .assert_lacks("zachowane")
        .assert_contains("Śmieci na trawniku od tygodnia");
    let six: Vec<Vec<u8>> = (0..6).map(|_| jpeg(8, 8)).collect();
    let files: Vec<(&str, &str, &[u8])> = six
        .iter()
        .map(|f| ("photos", "a.jpg", f.as_slice()))
        .collect();
    send(&mut b, &place, &details, &files)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("najwyżej 5 zdjęć");
}

#[tokio::test]
async fn a_double_clicked_report_is_sent_once() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.litter").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat={}&lon={}",
            RYNEK.0, RYNEK.1
        ))
        .await;
    let key = step2
        .body
        .split(r#"name="form_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let fields = [
        ("kind", "problem"),
        ("category", category.as_str()),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
        ("description", "Przepełniony kosz na śmieci"),
        ("form_key", key.as_str()),
    ];
    b.post_multipart("/reports", &fields, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    b.post_multipart("/reports", &fields, &[])
        .await
        .assert_redirect("/reports");
    assert_eq!(
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .total,
        1
    );
}

#[tokio::test]
async fn similar_open_reports_nearby_are_offered_and_supporters_hear_of_changes() {
    let app = TestApp::new().await;
    let mut first = app.browser();
    let number = lighting_report(&app, &mut first, RYNEK, "pierwszy@example.pl").await;

    let mut second = app.browser();
    let category = category_id(&app, "problem.lighting").await;
    let page = second
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat=50.0619&lon=19.9375"
        ))
        .await;
    page.assert_contains("Podobne zgłoszenia w pobliżu")
        .assert_contains(&number.to_string())
        .assert_contains("m stąd")
        .assert_contains(&format!(r#"action="{}/support""#, number.path()));

    second
        .post(
            &format!("{}/support", number.path()),
            &[("email", "nie-adres")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(r#"value="nie-adres""#);
    // An address is asked to confirm before it counts; asking twice says the same.
    for _ in 0..2 {
        second
            .post(
                &format!("{}/support", number.path()),
                &[("email", "sasiad@example.pl")],
            )
            .await
            .assert_redirect(&number.path());
        second
            .get(&number.path())
            .await
            .assert_contains("Wysłaliśmy link na podany adres e-mail.");
    }
    let support_count = || async {
        miasto_store::reports::get_by_number(&app.db.db, number)
            .await
            .unwrap()
            .unwrap()
            .support_count
    };
    assert_eq!(
        support_count().await,
        0,
        "not before the address is confirmed"
    );
    app.drain_jobs().await;
    let links: Vec<String> = app
        .emails_to("sasiad@example.pl")
        .await
        .iter()
        .map(|m| path_of(&link_in(m)))
        .collect();
    assert_eq!(links.len(), 2);
    // Opening the link shows a button; only the button counts the support.
    second
        .get(&links[0])
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&number.to_string());
    assert_eq!(support_count().await, 0);
    second
        .post(&links[0], &[])
        .await
        .assert_redirect(&number.path());
    second
        .get(&number.path())
        .await
        .assert_contains("Dziękujemy za poparcie.");
    second
        .post(&links[0], &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    second
        .post(&links[1], &[])
        .await
        .assert_redirect(&number.path());
    assert_eq!(support_count().await, 1, "once per address");

    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    change_status(
        &mut staff,
        number,
        "new",
        "being_solved",
        "Zlecono naprawę.",
    )
    .await;
    let to_supporter = app.emails_to("sasiad@example.pl").await;
    assert_eq!(to_supporter.len(), 3, "two links, one status change");
    assert!(
        to_supporter[2]
            .body_text
            .contains("W trakcie rozwiązywania")
    );
    assert!(to_supporter[2].body_text.contains("Zlecono naprawę."));
}

#[tokio::test]
async fn unit_staff_close_a_problem_and_the_resident_sees_the_timeline_emails_and_questionnaire() {
    let app = TestApp::new().await;
    let (mut resident, _) = app.logged_in("mieszkanka@example.pl", Role::Resident).await;
    let category = category_id(&app, "problem.lighting").await;
    let res = send(
        &mut resident,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[("description", "Latarnia miga od trzech dni")],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    resident
        .get("/my")
        .await
        .assert_contains("Nowe")
        .assert_lacks("Nie masz jeszcze żadnych zgłoszeń");
    let receipt = app.emails_to("mieszkanka@example.pl").await;
    assert_eq!(receipt.len(), 1, "the account's address gets the receipt");
    let report =
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .remove(0);

    let (mut staff, _) = app
        .logged_in("oswietlenie@example.pl", Role::UnitStaff)
        .await;
    let queue = staff.get("/staff/queue").await;
    queue
        .assert_status(StatusCode::OK)
        .assert_contains(&report.number.to_string())
        .assert_contains("ZDMK");
    let staff_page = staff.get(&format!("/staff{}", report.number.path())).await;
    staff_page
        .assert_contains("mieszkanka@example.pl")
        .assert_contains("Problem rozwiązany");
    staff
        .post(
            &format!("/staff{}/status", report.number.path()),
            &[
                ("expected", "new"),
                ("status", "solved"),
                ("message", "Wymieniono oprawę."),
                ("note", "zlecenie 77"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);

    let public = resident.get(&report.number.path()).await;
    public
        .assert_contains("Problem rozwiązany")
        .assert_contains("Wymieniono oprawę.")
        .assert_contains("Zgłoszenie przyjęte")
        .assert_lacks("zlecenie 77");
    let emails = app.emails_to("mieszkanka@example.pl").await;
    let subjects: Vec<&str> = emails.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(emails.len(), 3, "{subjects:?}");
    assert!(subjects[1].starts_with("Zmiana statusu zgłoszenia"));
    assert!(subjects[2].starts_with("Czy sprawa"));
    let feedback = path_of(&link_in(&emails[2]));

    let mut anyone = app.browser();
    anyone
        .get(&feedback)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Czy problem został rozwiązany?");
    anyone
        .post(&feedback, &[("solved", "yes")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    anyone
        .post(&feedback, &[("solved", "yes"), ("score", "5")])
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Dziękujemy za odpowiedź.");
    let totals = miasto_store::reports::feedback_totals(&app.db.db)
        .await
        .unwrap();
    assert_eq!(
        (totals.answered, totals.solved, totals.score_sum),
        (1, 1, 5)
    );
    anyone
        .get("/feedback/nonsense")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Reopened and closed again: the questionnaire is not sent twice.
    staff
        .post(
            &format!("/staff{}/status", report.number.path()),
            &[("status", "under_analysis")],
        )
        .await;
    staff
        .post(
            &format!("/staff{}/status", report.number.path()),
            &[("status", "solved")],
        )
        .await;
    let emails = app.emails_to("mieszkanka@example.pl").await;
    assert_eq!(
        emails
            .iter()
            .filter(|e| e.subject.starts_with("Czy sprawa"))
            .count(),
        1
    );
}

#[tokio::test]
async fn illegal_transitions_and_stale_forms_are_refused_with_the_reason() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let number = lighting_report(&app, &mut b, RYNEK, "a@example.pl").await;
    let (mut op, _) = app.logged_in("kck@example.pl", Role::Operator).await;
    let path = format!("/staff{}/status", number.path());
    op.post(&path, &[("status", "implemented")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Ten status nie dotyczy tego rodzaju zgłoszenia.");
    op.post(&path, &[("status", "being_solved")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    op.post(&path, &[("status", "not_found")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Tego statusu nie można ustawić po obecnym.");
    op.post(
        &path,
        &[
            ("expected", "new"),
            ("status", "solved"),
            ("message", "Gotowe"),
        ],
    )
    .await
    .assert_status(StatusCode::CONFLICT)
    .assert_contains("Ktoś w międzyczasie zmienił to zgłoszenie.")
    .assert_contains(">Gotowe</textarea>");
    op.post(&path, &[("status", "whatever")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn unit_staff_handle_only_their_own_units_reports() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let number = lighting_report(&app, &mut b, RYNEK, "a@example.pl").await;
    // Routed to ZDMK; this staff member works for ZDMK (the harness's unit), so make another.
    let zzm = reference::find_unit_by_code(&app.db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();
    let other = app.user("zieleń@example.pl", Role::Resident).await;
    miasto_store::accounts::set_role(
        &app.db.db,
        other.id,
        miasto_domain::RoleAssignment::new(Role::UnitStaff, Some(zzm.id)).unwrap(),
    )
    .await
    .unwrap();
    let mut greenery = app.browser();
    greenery.login("zieleń@example.pl", PASSWORD).await;
    greenery
        .get("/staff/queue")
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks(&number.to_string());
    greenery
        .post(
            &format!("/staff{}/status", number.path()),
            &[("status", "solved")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut resident, _) = app.logged_in("r@example.pl", Role::Resident).await;
    resident
        .get("/staff/queue")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    resident
        .get(&format!("/staff{}", number.path()))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut official, _) = app.logged_in("urzednik@example.pl", Role::Official).await;
    official
        .get(&format!("/staff{}", number.path()))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("/status\"");
    official
        .post(
            &format!("/staff{}/status", number.path()),
            &[("status", "solved")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bulk_changes_go_report_by_report_and_say_what_happened() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let first = lighting_report(&app, &mut b, RYNEK, "a@example.pl").await;
    let second = lighting_report(&app, &mut b, ("50.0540", "19.9354"), "b@example.pl").await;
    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    let a = miasto_store::reports::get_by_number(&app.db.db, first)
        .await
        .unwrap()
        .unwrap();
    let c = miasto_store::reports::get_by_number(&app.db.db, second)
        .await
        .unwrap()
        .unwrap();
    staff
        .post(
            &format!("/staff{}/status", second.path()),
            &[("status", "solved")],
        )
        .await;
    let res = staff
        .post(
            "/staff/queue/bulk",
            &[
                ("report", &a.id.to_string()),
                ("report", &c.id.to_string()),
                ("status", "being_solved"),
                ("message", "Naprawy w tym tygodniu."),
            ],
        )
        .await;
    res.assert_status(StatusCode::OK)
        .assert_contains("Zmieniono 1 zgłoszenie.")
        .assert_contains("Tego statusu nie można ustawić po obecnym.");
    let a = miasto_store::reports::get(&app.db.db, a.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, miasto_domain::reports::Status::BeingSolved);
    assert!(
        app.emails_to("a@example.pl")
            .await
            .iter()
            .any(|e| e.body_text.contains("Naprawy w tym tygodniu."))
    );
}

#[tokio::test]
async fn operators_record_reports_for_callers_and_find_them_again() {
    let app = TestApp::new().await;
    let (mut op, _) = app.logged_in("kck@example.pl", Role::Operator).await;
    op.get("/staff/intake")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Przyjmij zgłoszenie");
    let category = category_id(&app, "problem.dead-animals").await;
    let district = district_id(&app, 8).await;
    op.post(
        "/staff/intake",
        &[
            ("channel", "phone"),
            ("category", &category),
            ("address", "ul. Tyniecka 100"),
            ("district", "nie-ma-takiej"),
            ("description", "Martwy lis na poboczu"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Wybierz dzielnicę z listy.")
    .assert_contains(r#"value="ul. Tyniecka 100""#);
    let res = op
        .post(
            "/staff/intake",
            &[
                ("channel", "phone"),
                ("category", &category),
                ("address", "ul. Tyniecka 100"),
                ("district", &district),
                ("description", "Martwy lis na poboczu przy przystanku"),
                // The page showed the category's (optional) question; the caller skipped it.
                ("questions_for", &category),
                ("contact_name", "Pan Zenon"),
                ("contact_phone", "12 345 67 89"),
                ("contact_email", "zenon@example.pl"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = op.follow(&res).await;
    page.assert_contains("Zgłoszenie zostało zapisane.")
        .assert_contains("Telefon")
        .assert_contains("MPO");
    assert_eq!(
        app.emails_to("zenon@example.pl").await.len(),
        1,
        "the caller gets the receipt"
    );

    for q in ["12 345 67 89", "+48123456789", "zenon@example.pl"] {
        op.get(&format!(
            "/staff/callers?q={}",
            serde_urlencoded::to_string([("", q)])
                .unwrap()
                .trim_start_matches('=')
        ))
        .await
        .assert_contains("Martwe zwierzęta")
        .assert_contains("Nowe");
    }
    op.get("/staff/callers?q=kto%C5%9B")
        .await
        .assert_contains("Nie rozpoznano zapytania");
    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    staff
        .get("/staff/intake")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_merged_duplicate_follows_its_master_and_its_reporter_is_told() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let master = lighting_report(&app, &mut b, RYNEK, "pierwsza@example.pl").await;
    let duplicate = lighting_report(&app, &mut b, ("50.0618", "19.9374"), "druga@example.pl").await;
    let (mut op, _) = app.logged_in("kck@example.pl", Role::Operator).await;
    op.post(
        &format!("/staff{}/merge", duplicate.path()),
        &[("target", "2099/1")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Nie ma zgłoszenia o tym numerze.");
    op.post(
        &format!("/staff{}/merge", duplicate.path()),
        &[("target", &master.to_string())],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let told = app.emails_to("druga@example.pl").await;
    assert!(told.last().unwrap().subject.contains("połączone"));
    b.get(&duplicate.path())
        .await
        .assert_contains("połączono z innym")
        .assert_contains(&master.path());

    op.post(
        &format!("/staff{}/status", master.path()),
        &[("status", "solved"), ("message", "Naprawione.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let duplicate_now = miasto_store::reports::get_by_number(&app.db.db, duplicate)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(duplicate_now.status, miasto_domain::reports::Status::Solved);
    let latest = app.emails_to("druga@example.pl").await;
    assert!(
        latest.last().unwrap().body_text.contains("Naprawione."),
        "the duplicate's reporter hears of the master"
    );
}

#[tokio::test]
async fn moderators_replace_a_passage_with_personal_data_and_it_is_logged() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.litter").await;
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[(
            "description",
            "Sąsiad Jan Kowalski z nr 5 wyrzuca śmieci do parku",
        )],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let report =
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .remove(0);
    let (mut moderator, _) = app.logged_in("mod@example.pl", Role::Moderator).await;
    moderator
        .post(
            &format!("/staff{}/redact", report.number.path()),
            &[
                ("public_text", "Ktoś wyrzuca śmieci do parku"),
                ("reason", ""),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    moderator
        .post(
            &format!("/staff{}/redact", report.number.path()),
            &[
                ("public_text", "[ukryto] wyrzuca śmieci do parku"),
                ("reason", "nazwisko sąsiada"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    b.get(&report.number.path())
        .await
        .assert_contains("[ukryto] wyrzuca śmieci")
        .assert_lacks("Kowalski");
    moderator
        .get(&format!("/staff{}", report.number.path()))
        .await
        .assert_contains("Jan Kowalski");
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    assert!(
        log.items
            .iter()
            .any(|e| e.action == "report_text_moderated"
                && e.details["reason"] == "nazwisko sąsiada")
    );
    let (mut resident, _) = app.logged_in("r@example.pl", Role::Resident).await;
    resident
        .post(
            &format!("/staff{}/redact", report.number.path()),
            &[("public_text", "x"), ("reason", "y")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn no_public_page_or_list_shows_who_reported_or_the_exact_spot() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.roads").await;
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", "50.061734"),
            ("lon", "19.937512"),
            ("address", "Rynek Główny 13"),
        ],
        &[
            ("description", "Zapadnięta kostka brukowa"),
            ("contact_name", "Bożena Wiśniewska"),
            ("contact_email", "bozena.w@example.pl"),
            ("contact_phone", "601 202 303"),
            ("consent", "on"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let report =
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .remove(0);
    let mut stranger = app.browser();
    let pages = [
        stranger.get("/reports").await,
        stranger.get(&report.number.path()).await,
        stranger.get("/reports/map.geojson").await,
        stranger.get("/reports?district=&kind=problem").await,
    ];
    for page in &pages {
        page.assert_status(StatusCode::OK);
        for secret in [
            "Bożena",
            "Wiśniewska",
            "bozena.w@example.pl",
            "601 202 303",
            "+48601202303",
            "Rynek Główny 13",
            "50.061734",
            "19.937512",
        ] {
            page.assert_lacks(secret);
        }
    }
    pages[1]
        .assert_contains("50.062")
        .assert_contains("Zapadnięta kostka brukowa");
    let geo: serde_json::Value = serde_json::from_str(&pages[2].body).unwrap();
    assert_eq!(
        geo["features"][0]["properties"]["number"],
        report.number.to_string()
    );
    assert_eq!(geo["features"][0]["geometry"]["coordinates"][1], 50.062);
}

#[tokio::test]
async fn the_public_list_filters_and_pages() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for i in 0..22 {
        let lat = format!("50.06{:02}", 10 + i);
        lighting_report(&app, &mut b, (&lat, "19.9373"), "a@example.pl").await;
    }
    let idea = category_id(&app, "idea.greenery").await;
    let res = send(
        &mut b,
        &[
            ("kind", "idea"),
            ("category", &idea),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[("description", "Posadzić drzewa na placu")],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = b.get("/reports").await;
    all.assert_contains("23 wyniki")
        .assert_contains(r#"rel="next""#);
    b.get("/reports?kind=idea")
        .await
        .assert_contains("1 wynik")
        .assert_contains("Zieleń");
    b.get("/reports?page=2")
        .await
        .assert_contains(r#"rel="prev""#);
    b.get("/reports?status=solved")
        .await
        .assert_contains("Brak zgłoszeń spełniających kryteria.");
    b.get("/reports?from=2000-01-01&to=2000-01-31")
        .await
        .assert_contains("0 wyników");
    b.get("/reports?from=nonsense")
        .await
        .assert_status(StatusCode::OK);
    b.get("/reports?from=nonsense&page=-3")
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("(„page”)");
    b.get("/reports/2026/999999")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    b.get("/reports/abc/1")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    b.get("/reports/track/0000")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admins_route_a_category_differently_in_one_district() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get("/admin/routing")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Awarie oświetlenia");
    let category = category_id(&app, "problem.lighting").await;
    let nowa_huta = district_id(&app, 18).await;
    let sm = reference::find_unit_by_code(&app.db.db, "SM")
        .await
        .unwrap()
        .unwrap();
    admin
        .post(
            "/admin/routing",
            &[
                ("category", &category),
                ("district", &nowa_huta),
                ("unit", "bad"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz jednostkę z listy.");
    admin
        .post(
            "/admin/routing",
            &[
                ("category", &category),
                ("district", &nowa_huta),
                ("unit", &sm.id.to_string()),
            ],
        )
        .await
        .assert_redirect("/admin/routing");
    let mut b = app.browser();
    let in_nowa_huta = lighting_report(&app, &mut b, ("50.0719", "20.0376"), "a@example.pl").await;
    let elsewhere = lighting_report(&app, &mut b, RYNEK, "a@example.pl").await;
    let unit_of = |n| {
        let db = &app.db.db;
        async move {
            miasto_store::reports::get_by_number(db, n)
                .await
                .unwrap()
                .unwrap()
                .unit
        }
    };
    assert_eq!(unit_of(in_nowa_huta).await, sm.id);
    assert_ne!(unit_of(elsewhere).await, sm.id);

    let rules = miasto_store::routing::list_rules(&app.db.db).await.unwrap();
    let default = rules.iter().find(|r| r.district.is_none()).unwrap();
    admin
        .post(&format!("/admin/routing/{}/delete", default.id), &[])
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("można ją tylko zmienić");
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    assert!(log.items.iter().any(|e| e.action == "routing_changed"));
    let (mut staff, _) = app.logged_in("s@example.pl", Role::Operator).await;
    staff
        .get("/admin/routing")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_sent_at_the_same_moment_are_each_written_once_with_their_own_number() {
    let limits = miasto_web::RateLimits {
        reports_per_ip: miasto_store::rate_limit::Limit {
            max: 1000,
            window: std::time::Duration::from_secs(60),
        },
        ..Default::default()
    };
    let app = std::sync::Arc::new(TestApp::builder().limits(limits).build().await);
    let senders = 24u32;
    let tasks: Vec<_> = (0..senders)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut b = app.browser();
                let email = format!("r{i}@example.pl");
                (lighting_report(&app, &mut b, RYNEK, &email).await, email)
            })
        })
        .collect();
    let mut sent = Vec::new();
    for task in tasks {
        sent.push(task.await.unwrap());
    }
    let mut numbers: Vec<u32> = sent.iter().map(|(n, _)| n.seq).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=senders).collect::<Vec<_>>(),
        "one number each, none skipped"
    );
    app.drain_jobs().await;
    for (number, email) in &sent {
        let mails = app.emails_to(email).await;
        assert_eq!(mails.len(), 1, "one receipt for {email}");
        assert!(mails[0].body_text.contains(&number.to_string()));
    }
    let list = app.browser().get("/reports").await;
    list.assert_contains(&format!("{senders} wyni"));
}

#[tokio::test]
async fn long_lists_say_how_many_up_to_a_cap_and_page_through_the_first_ones() {
    let app = TestApp::new().await;
    let lighting = reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let zdmk = reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap()
        .id;
    let cap = u32::try_from(miasto_store::paging::COUNT_CAP).unwrap();
    miasto_store::testing::seed_reports(&app.db.db, &lighting, zdmk, 2025, cap + 30).await;
    let mut b = app.browser();
    let first = b.get("/reports").await;
    first
        .assert_contains("Ponad 10000 wyników")
        .assert_contains("/ 500+")
        .assert_contains(&format!("/reports/2025/{}", cap + 30));
    b.get("/reports?page=500")
        .await
        .assert_contains(r#"rel="prev""#)
        .assert_lacks(r#"rel="next""#);
    b.get("/reports?status=solved")
        .await
        .assert_contains(&format!("{} wynik", (cap + 30) / 3));
    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::Operator).await;
    let open = cap + 30 - (cap + 30) / 3;
    staff
        .get("/staff/queue")
        .await
        .assert_contains(&format!("{open} wynik"))
        .assert_contains(&format!("Nowe: <strong>{open}</strong>"));
    staff
        .get("/staff/queue?show=all")
        .await
        .assert_contains("Ponad 10000 wyników");
}

#[tokio::test]
async fn the_web_form_asks_the_categorys_questions_and_keeps_the_same_rules_as_the_apis() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.tree-felling").await;
    let place = [
        ("kind", "problem"),
        ("category", category.as_str()),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
    ];
    let query = serde_urlencoded::to_string(place).unwrap();
    b.get(&format!("/reports/new/details?{query}"))
        .await
        .assert_contains("Czemu drzewo zagraża?")
        .assert_contains(r#"name="answer.danger" value="traffic" type="checkbox""#);

    // A required question left unanswered: refused, with what was typed kept.
    let description = "Pochylone drzewo nad chodnikiem przy szkole";
    let res = send(&mut b, &place, &[("description", description)], &[]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Odpowiedz na pytanie: Czemu drzewo zagraża?")
        .assert_contains(r##"href="#answers""##)
        .assert_contains(description);
    assert_eq!(miasto_store::reports::count(&app.db.db).await.unwrap(), 0);

    // A choice the question does not offer is refused too; the ticked boxes stay ticked.
    let res = send(
        &mut b,
        &place,
        &[
            ("description", description),
            ("answer.danger", "people"),
            ("answer.danger", "cars"),
        ],
        &[],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz odpowiedź z listy: Czemu drzewo zagraża?")
        .assert_contains(r#"value="people" type="checkbox" checked"#);

    let res = send(
        &mut b,
        &place,
        &[
            ("description", description),
            ("answer.danger", "people"),
            ("answer.danger", "traffic"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let report = miasto_store::reports::list(&app.db.db, &Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(report.answers["danger"], vec!["people", "traffic"]);
    // Staff see the answers by their names.
    let (mut staff, _) = app.logged_in("zielen@example.pl", Role::Admin).await;
    staff
        .get(&format!("/staff{}", report.number.path()))
        .await
        .assert_contains("Czemu drzewo zagraża?")
        .assert_contains("Ludziom");
}

#[tokio::test]
async fn operators_ask_callers_the_categorys_questions_before_recording() {
    let app = TestApp::new().await;
    let (mut operator, _) = app.logged_in("infolinia@example.pl", Role::Operator).await;
    let category = category_id(&app, "problem.tree-felling").await;
    let district = district_id(&app, 1).await;
    let mut fields = vec![
        ("category", category.as_str()),
        ("address", "ul. Szkolna 3"),
        ("district", district.as_str()),
        ("channel", "phone"),
        (
            "description",
            "Dzwoniący mówi o pochylonym drzewie przy szkole",
        ),
    ];
    // First the page shows the questions and asks for them; nothing is recorded yet.
    operator
        .post("/staff/intake", &fields)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Ta kategoria ma pytania do dzwoniącego")
        .assert_contains("Czemu drzewo zagraża?")
        .assert_contains(r#"name="questions_for""#)
        .assert_contains("Dzwoniący mówi o pochylonym drzewie");
    assert_eq!(miasto_store::reports::count(&app.db.db).await.unwrap(), 0);
    // Shown but the required one left unanswered: refused with the question named.
    fields.push(("questions_for", category.as_str()));
    operator
        .post("/staff/intake", &fields)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Odpowiedz na pytanie: Czemu drzewo zagraża?");
    fields.push(("answer.danger", "buildings"));
    let res = operator.post("/staff/intake", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let report = miasto_store::reports::list(&app.db.db, &Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(report.answers["danger"], vec!["buildings"]);
    assert_eq!(report.channel, miasto_domain::reports::Channel::Phone);
}

#[tokio::test]
async fn the_hotline_shows_a_categorys_questions_as_soon_as_it_is_chosen() {
    let app = TestApp::new().await;
    let (mut op, _) = app.logged_in("kck2@example.pl", Role::Operator).await;
    op.get("/staff/intake")
        .await
        .assert_contains("Pokaż pytania tej kategorii")
        .assert_contains(r#"data-continue-on-change="category""#);
    let category = category_id(&app, "problem.lighting").await;
    // "Continue" (pressed by the page's script when the category changes): the questions
    // show, what was typed stays, nothing is recorded and nothing is called an error.
    let page = op
        .post(
            "/staff/intake",
            &[
                ("channel", "phone"),
                ("category", &category),
                ("address", "ul. Długa 10"),
                ("description", "Nie świeci latarnia"),
                ("step", "questions"),
            ],
        )
        .await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Numer słupa oświetleniowego")
        .assert_contains(&format!(r#"name="questions_for" value="{category}""#))
        .assert_contains(r#"value="ul. Długa 10""#)
        .assert_contains("Nie świeci latarnia")
        .assert_lacks("error-summary");
    assert!(
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    // One submit records it, with the questions asked.
    let res = op
        .post(
            "/staff/intake",
            &[
                ("channel", "phone"),
                ("category", &category),
                ("questions_for", &category),
                ("address", "ul. Długa 10"),
                ("description", "Nie świeci latarnia"),
                ("answer.pole_number", "123"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn the_public_list_searches_sorts_and_numbers_its_pages_without_leaking_moderated_text() {
    let app = TestApp::new().await;
    let category = category_id(&app, "problem.lighting").await;
    let mut b = app.browser();
    for text in [
        "Nie świeci latarnia przy przystanku Rondo Mogilskie",
        "Zepsuta lampa w parku obok placu zabaw dla dzieci",
        "Latarnia mruga całą noc – Jan Kowalski spod siódemki to widział",
    ] {
        let res = send(
            &mut b,
            &[
                ("kind", "problem"),
                ("category", &category),
                ("address", "ul. Długa 1"),
            ],
            &[("description", text)],
            &[],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let all =
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items;
    // Rows carry a short description and their age.
    b.get("/reports")
        .await
        .assert_contains("Zepsuta lampa w parku")
        .assert_contains("(dziś)");
    // Words, case-insensitively; a number opens its report.
    let found = b.get("/reports?q=LATARNIA").await;
    found
        .assert_contains("Rondo Mogilskie")
        .assert_contains("mruga")
        .assert_lacks("Zepsuta lampa");
    let first = all.last().unwrap().number;
    b.get(&format!(
        "/reports?q={}",
        first.to_string().replace('/', "%2F")
    ))
    .await
    .assert_redirect(&first.path());
    // LIKE's wildcards are what they are.
    b.get("/reports?q=%25")
        .await
        .assert_contains(r#"class="empty-state""#);
    // Oldest first puts the first report at the top.
    let oldest = b.get("/reports?sort=oldest").await;
    assert!(oldest.body.find("Rondo Mogilskie").unwrap() < oldest.body.find("mruga").unwrap());
    let newest = b.get("/reports?sort=newest").await;
    assert!(newest.body.find("mruga").unwrap() < newest.body.find("Rondo Mogilskie").unwrap());

    // A moderator hides a name: searching for it finds nothing any more.
    let named = all
        .iter()
        .find(|r| r.description.contains("Kowalski"))
        .unwrap();
    let (mut moderator, _) = app.logged_in("mod2@example.pl", Role::Moderator).await;
    moderator
        .post(
            &format!("/staff{}/redact", named.number.path()),
            &[
                (
                    "public_text",
                    "Latarnia mruga całą noc – [ukryto] to widział",
                ),
                ("reason", "nazwisko"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    b.get("/reports?q=kowalski")
        .await
        .assert_contains(r#"class="empty-state""#)
        .assert_lacks("mruga");
    b.get("/reports?q=ukryto").await.assert_contains("mruga");
}

#[tokio::test]
async fn long_lists_offer_page_numbers() {
    let app = TestApp::new().await;
    let categories = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap();
    let lighting = categories
        .iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap()
        .id;
    miasto_store::testing::seed_reports(&app.db.db, lighting, unit, 2026, 200).await;
    let page = app.browser().get("/reports?page=5&sort=oldest").await;
    page.assert_status(StatusCode::OK)
        .assert_contains(r#"aria-current="page"><span class="visually-hidden">Strona </span>5</a>"#)
        .assert_contains(r#"page=1""#)
        .assert_contains(r#"page=10""#)
        .assert_contains(r#"page=3""#)
        .assert_contains(r#"page=7""#)
        .assert_lacks(r#"page=8""#)
        .assert_contains(r#"<li aria-hidden="true">…</li>"#)
        .assert_contains("sort=oldest");
}

#[tokio::test]
async fn contact_is_one_choice_no_contact_leaves_typed_details_out() {
    let app = TestApp::new().await;
    let category = category_id(&app, "problem.lighting").await;
    let mut b = app.browser();
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat={}&lon={}",
            RYNEK.0, RYNEK.1
        ))
        .await;
    step2
        .assert_contains(r#"id="consent-no" name="consent" type="radio" value="no" checked"#)
        .assert_contains("Czy miasto może się z Tobą kontaktować");
    // Details typed, then "no" chosen: the report goes in without them.
    let report = send_with_contact(
        &app,
        &mut b,
        &category,
        "Nie świeci latarnia od wczoraj wieczorem",
        "no",
    )
    .await;
    assert_eq!(
        (report.contact_email, report.contact_consent),
        (None, false)
    );
    // "Yes" with an address: kept, with consent.
    let report = send_with_contact(
        &app,
        &mut b,
        &category,
        "Druga latarnia też nie świeci od wczoraj",
        "yes",
    )
    .await;
    assert_eq!(report.contact_email.as_deref(), Some("ktos@example.pl"));
    assert!(report.contact_consent);
}

/// The newest report in the database.
pub(crate) async fn latest_report(app: &TestApp) -> miasto_store::reports::Report {
    miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
        .await
        .unwrap()
        .items
        .remove(0)
}

/// Sends a report at Rynek with ktos@example.pl as contact and `consent` chosen.
async fn send_with_contact(
    app: &TestApp,
    b: &mut Browser<'_>,
    category: &str,
    description: &str,
    consent: &str,
) -> miasto_store::reports::Report {
    let res = send(
        b,
        &[
            ("kind", "problem"),
            ("category", category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[
            ("description", description),
            ("contact_email", "ktos@example.pl"),
            ("consent", consent),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    latest_report(app).await
}

#[tokio::test]
async fn the_home_page_shows_what_is_open_recent_reports_and_figures() {
    let app = TestApp::new().await;
    miasto_store::testing::budget_edition(&app.db.db, "2026", true).await;
    let category = category_id(&app, "problem.lighting").await;
    let mut b = app.browser();
    let res = send(
        &mut b,
        &[
            ("kind", "problem"),
            ("category", &category),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[("description", "Nie świeci latarnia na rogu Rynku")],
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = app.browser().get("/").await;
    home.assert_status(StatusCode::OK)
        .assert_contains("Trwa głosowanie: Budżet obywatelski 2026.")
        .assert_contains(r#"href="/budget/2026/vote""#)
        .assert_contains("Nie świeci latarnia na rogu Rynku")
        .assert_contains("<strong>1</strong> zgłoszeń w tym roku")
        .assert_contains("<strong>1</strong> w trakcie załatwiania")
        .assert_contains("Załóż konto")
        .assert_lacks("konsultacje");
    let (mut resident, _) = app.logged_in("dom@example.pl", Role::Resident).await;
    resident
        .get("/")
        .await
        .assert_lacks("Załóż konto")
        .assert_contains("Przejdź do „Moje miasto”");
}

#[tokio::test]
async fn accounts_choose_which_status_e_mails_they_get() {
    let app = TestApp::new().await;
    let (mut author, _) = app.logged_in("autor@example.pl", Role::Resident).await;
    let (mut fan, _) = app.logged_in("fan@example.pl", Role::Resident).await;
    let number = lighting_report(&app, &mut author, RYNEK, "").await;
    fan.post(&format!("{}/support", number.path()), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    author
        .get("/my/account")
        .await
        .assert_contains(r#"id="notify-own" name="own" type="checkbox" checked"#)
        .assert_contains(r#"id="notify-supported" name="supported" type="checkbox" checked"#);
    // The author keeps only supported reports' e-mails; the supporter turns everything off.
    author
        .post("/my/notifications", &[("supported", "on")])
        .await
        .assert_redirect("/my/account");
    author
        .get("/my/account")
        .await
        .assert_contains("Zapisano ustawienia powiadomień.")
        .assert_contains(r#"id="notify-own" name="own" type="checkbox">"#);
    fan.post("/my/notifications", &[]).await;
    let before = (
        app.emails_to("autor@example.pl").await.len(),
        app.emails_to("fan@example.pl").await.len(),
    );
    let (mut staff, _) = app.logged_in("zdmk3@example.pl", Role::UnitStaff).await;
    change_status(
        &mut staff,
        number,
        "new",
        "being_solved",
        "Zlecono naprawę.",
    )
    .await;
    assert_eq!(app.emails_to("autor@example.pl").await.len(), before.0);
    assert_eq!(app.emails_to("fan@example.pl").await.len(), before.1);
    // Turned back on: the next change is e-mailed.
    author
        .post("/my/notifications", &[("own", "on"), ("supported", "on")])
        .await;
    change_status(&mut staff, number, "being_solved", "solved", "Naprawione.").await;
    assert!(app.emails_to("autor@example.pl").await.len() > before.0);
}

#[tokio::test]
async fn the_routing_table_is_saved_as_one_form() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    let category = category_id(&app, "problem.lighting").await;
    let nowa_huta = district_id(&app, 18).await;
    let sm = reference::find_unit_by_code(&app.db.db, "SM")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    admin
        .post(
            "/admin/routing",
            &[
                ("category", &category),
                ("district", &nowa_huta),
                ("unit", &sm),
            ],
        )
        .await
        .assert_redirect("/admin/routing");
    let page = admin.get("/admin/routing").await;
    let categories = reference::list_categories(&app.db.db).await.unwrap().len();
    assert_eq!(page.body.matches("name=\"unit:").count(), categories);
    assert_eq!(
        page.body.matches("action=\"/admin/routing/table\"").count(),
        1,
        "one form for the whole table"
    );
    assert_eq!(page.body.matches("Zapisz przydział").count(), 1);
    // What the browser sends: every select as shown, one of them changed, one exception ticked.
    let rules = miasto_store::routing::list_rules(&app.db.db).await.unwrap();
    let exception = rules
        .iter()
        .find(|r| r.district.is_some())
        .unwrap()
        .id
        .to_string();
    let mut fields: Vec<(String, String)> = rules
        .iter()
        .filter(|r| r.district.is_none())
        .map(|r| (format!("unit:{}", r.category), r.unit.to_string()))
        .collect();
    fields.push(("remove".into(), exception.clone()));
    for f in fields.iter_mut() {
        if f.0 == format!("unit:{category}") {
            f.1 = sm.clone();
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let before =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .len();
    admin
        .post("/admin/routing/table", &borrowed)
        .await
        .assert_redirect("/admin/routing");
    let after = miasto_store::routing::list_rules(&app.db.db).await.unwrap();
    assert!(
        after.iter().all(|r| r.district.is_none()),
        "the exception is gone"
    );
    let lighting = after
        .iter()
        .find(|r| r.category.to_string() == category)
        .unwrap();
    assert_eq!(lighting.unit.to_string(), sm);
    assert_eq!(after.len(), rules.len() - 1, "nothing else changed");
    let logged =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .len();
    assert_eq!(
        logged - before,
        2,
        "one entry per change, none for untouched rows"
    );
    // Sent again as it now stands: nothing to do, and it says so.
    let borrowed: Vec<(&str, &str)> = borrowed
        .into_iter()
        .filter(|(name, _)| *name != "remove")
        .collect();
    let res = admin.post("/admin/routing/table", &borrowed).await;
    admin
        .follow(&res)
        .await
        .assert_contains("Nic nie zmieniono.");
    // A tampered unit or a rule that is gone: refused with a message, nothing saved.
    admin
        .post(
            "/admin/routing/table",
            &[
                (format!("unit:{category}").as_str(), "bad"),
                ("remove", &exception),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz jednostkę z listy.")
        .assert_contains("Ten wyjątek już nie istnieje");
}
