//! Issue 14's findings, each tried as a hostile client or a curious staff member would: every
//! test here failed before the fix it names.

use crate::harness::TestApp;
use crate::reports::{RYNEK, lighting_report};
use axum::http::StatusCode;
use futures_util::StreamExt;
use miasto_domain::Role;
use miasto_domain::reports::TrackingNumber;
use miasto_store::testing::budget_edition;

/// Finding 5: a page number beyond any list is a 400 naming the parameter, never a 500.
#[tokio::test]
async fn huge_or_garbled_page_numbers_are_refused_with_a_message() {
    let app = TestApp::new().await;
    budget_edition(&app.db.db, "bo-strony", true).await;
    let (mut admin, _) = app.logged_in("admin@miasto.test", Role::Admin).await;
    let lists = [
        "/reports",
        "/admin/users",
        "/admin/audit",
        "/admin/outbox",
        "/staff/queue",
        "/budget/bo-strony/projects",
        "/staff/budget/bo-strony/projects",
    ];
    for list in lists {
        admin.get(list).await.assert_status(StatusCode::OK);
        admin
            .get(&format!("{list}?page=2"))
            .await
            .assert_status(StatusCode::OK);
        for bad in ["18446744073709551615", "10001", "0", "-1", "abc", "1e3"] {
            admin
                .get(&format!("{list}?page={bad}"))
                .await
                .assert_status(StatusCode::BAD_REQUEST)
                .assert_contains("(„page”)");
        }
    }
    let mut visitor = app.browser();
    visitor.post("/language", &[("lang", "en")]).await;
    visitor
        .get("/reports?page=18446744073709551615")
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("The page number (“page”)");
}

/// Finding 7: a unit's staff merge only between their own unit's reports; a merge into
/// another unit's report is refused and writes nothing on it.
#[tokio::test]
async fn unit_staff_cannot_merge_into_another_units_report() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let ours = lighting_report(&app, &mut b, RYNEK, "a@example.pl").await;
    let theirs = lighting_report(&app, &mut b, ("50.0618", "19.9374"), "b@example.pl").await;
    let zzm = miasto_store::reference::find_unit_by_code(&app.db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();
    let operator = app.user("kck@example.pl", Role::Operator).await;
    let theirs_report = report(&app, theirs).await;
    assert!(
        miasto_store::reports::reassign(
            &app.db.db,
            theirs_report.id,
            operator.id,
            zzm.id,
            "Teren zieleni".into()
        )
        .await
        .unwrap()
    );
    let events_before = miasto_store::reports::timeline(&app.db.db, theirs_report.id, false)
        .await
        .unwrap()
        .len();
    let (mut staff, _) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    staff
        .post(
            &format!("/staff{}/merge", ours.path()),
            &[("target", &theirs.to_string())],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("należy do innej jednostki");
    assert_eq!(report(&app, ours).await.merged_into, None);
    let events_after = miasto_store::reports::timeline(&app.db.db, theirs_report.id, false)
        .await
        .unwrap()
        .len();
    assert_eq!(
        events_before, events_after,
        "nothing written on their report"
    );
    // The other way round the report itself is out of reach.
    staff
        .post(
            &format!("/staff{}/merge", theirs.path()),
            &[("target", &ours.to_string())],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // The contact centre merges across units.
    let mut op = app.browser();
    op.login("kck@example.pl", crate::harness::PASSWORD).await;
    op.post(
        &format!("/staff{}/merge", ours.path()),
        &[("target", &theirs.to_string())],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(report(&app, ours).await.merged_into, Some(theirs_report.id));
}

async fn report(app: &TestApp, number: TrackingNumber) -> miasto_store::reports::Report {
    miasto_store::reports::get_by_number(&app.db.db, number)
        .await
        .unwrap()
        .unwrap()
}

/// A body that sends `first` and then nothing, ever.
fn trickle(first: &'static str) -> axum::body::Body {
    let stream = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(first.as_bytes()))
    })
    .chain(futures_util::stream::pending());
    axum::body::Body::from_stream(stream)
}

/// A body of `chunks` pieces of `size` bytes, one every `every`.
fn steady(chunks: usize, size: usize, every: std::time::Duration) -> axum::body::Body {
    let stream = futures_util::stream::iter(0..chunks).then(move |i| async move {
        if i > 0 {
            tokio::time::sleep(every).await;
        }
        let piece = if i == 0 {
            let mut first = b"csrf=x&email=a%40example.pl&password=".to_vec();
            first.resize(size, b'a');
            first
        } else {
            vec![b'a'; size]
        };
        Ok::<_, std::io::Error>(axum::body::Bytes::from(piece))
    });
    axum::body::Body::from_stream(stream)
}

/// Finding 2: a body trickling in is cut off at the body deadline with 408 and the connection
/// closed, while a slow but steady upload earns its time.
#[tokio::test]
async fn a_slow_body_is_cut_off_with_408() {
    use std::time::Duration;
    let app = TestApp::builder()
        .timeouts(miasto_web::Timeouts {
            header: Duration::from_secs(15),
            body: Duration::from_millis(300),
            request: Duration::from_secs(30),
        })
        .build()
        .await;
    let mut b = app.browser();
    b.get("/login").await.assert_status(StatusCode::OK);
    let csrf = b.csrf().unwrap();
    let started = std::time::Instant::now();
    let res = b
        .request(
            "POST",
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
            ],
            trickle(Box::leak(format!("csrf={csrf}&email=a").into_boxed_str())),
        )
        .await;
    res.assert_status(StatusCode::REQUEST_TIMEOUT);
    assert_eq!(res.header("connection"), Some("close"));
    assert!(started.elapsed() < Duration::from_secs(10));
    // 40 KiB over about a second, 16 KiB a second: past the 300 ms, but never behind the
    // minimum rate, so it is read to the end and answered (a refused form, not a 408).
    let res = b
        .request(
            "POST",
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
            ],
            steady(10, 4096, Duration::from_millis(100)),
        )
        .await;
    assert_ne!(res.status, StatusCode::REQUEST_TIMEOUT, "{}", res.body);
    // The same on the API and Open311, which read their bodies themselves.
    for (path, content_type, first) in [
        (
            "/api/v1/reports",
            "multipart/form-data; boundary=XX",
            "--XX\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nproblem",
        ),
        (
            "/open311/v2/requests.json",
            "application/x-www-form-urlencoded",
            "service_code=x",
        ),
    ] {
        let res = b
            .request(
                "POST",
                path,
                &[("content-type", content_type)],
                trickle(first),
            )
            .await;
        res.assert_status(StatusCode::REQUEST_TIMEOUT);
    }
}

/// Finding 1: an upload with photos is charged to the sender's report limit before any photo
/// is decoded, so broken or hostile photos (refused with 422) still use it up; the API too.
#[tokio::test]
async fn uploads_with_photos_are_charged_before_decoding() {
    use miasto_store::rate_limit::Limit;
    use std::time::Duration;
    let app = TestApp::builder()
        .limits(miasto_web::RateLimits {
            reports_per_ip: Limit {
                max: 2,
                window: Duration::from_secs(3600),
            },
            ..Default::default()
        })
        .build()
        .await;
    let category = crate::reports::category_id(&app, "problem.lighting").await;
    let mut b = app.browser();
    let broken: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture";
    let fields = [
        ("kind", "problem"),
        ("category", category.as_str()),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
        ("description", "Nie świeci latarnia przy przejściu"),
    ];
    for _ in 0..2 {
        b.post_multipart("/reports", &fields, &[("photos", "a.png", broken)])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    b.post_multipart("/reports", &fields, &[("photos", "a.png", broken)])
        .await
        .assert_status(StatusCode::TOO_MANY_REQUESTS);
    // The API shares the address's limit.
    let (content_type, body) = crate::harness::multipart(
        &[
            ("category", "problem.lighting"),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
            ("description", "Nie świeci latarnia przy przejściu"),
        ],
        &[("photos", "a.png", broken)],
    );
    let res = b
        .request(
            "POST",
            "/api/v1/reports",
            &[("content-type", content_type.as_str())],
            axum::body::Body::from(body),
        )
        .await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(res.header("retry-after").is_some());
}

fn login_limits(failures_here: u32, failures_everywhere: u32) -> miasto_web::RateLimits {
    use miasto_store::rate_limit::Limit;
    let limit = |max| Limit {
        max,
        window: std::time::Duration::from_secs(900),
    };
    miasto_web::RateLimits {
        login_per_ip: limit(2),
        login_failures_per_account: limit(failures_here),
        login_failures_everywhere: limit(failures_everywhere),
        ..Default::default()
    }
}

/// Finding 6: concurrent guesses cannot slip under the failure limit; successful logins do
/// not use up an office's address limit; a guesser elsewhere cannot lock the owner out, and
/// when guesses from many addresses do, the reset link lets the owner in.
#[tokio::test]
async fn the_login_limits_count_failures_only_atomically_and_never_lock_the_owner_out() {
    let app = TestApp::builder()
        .limits(miasto_web::RateLimits {
            login_per_ip: miasto_store::rate_limit::Limit {
                max: 1000,
                window: std::time::Duration::from_secs(900),
            },
            ..login_limits(10, 1000)
        })
        .behind_proxy()
        .build()
        .await;
    app.user("ofiara@example.pl", Role::Resident).await;
    // 25 wrong passwords at once from one address: exactly 10 are checked.
    let mut browsers: Vec<_> = (0..25).map(|_| app.browser().at("203.0.113.9")).collect();
    for b in &mut browsers {
        b.get("/login").await;
    }
    let answers = futures_util::future::join_all(
        browsers
            .iter_mut()
            .map(|b| b.login("ofiara@example.pl", "zgaduje-zle-haslo")),
    )
    .await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (10, 15), "failures checked vs refused");
    // The owner, at home, is not locked out by the guesser.
    let mut owner = app.browser().at("198.51.100.20");
    owner
        .login("ofiara@example.pl", crate::harness::PASSWORD)
        .await
        .assert_redirect("/my");
}

#[tokio::test]
async fn a_call_centre_behind_one_address_logs_in_at_shift_start() {
    let app = TestApp::builder()
        .limits(login_limits(10, 100))
        .behind_proxy()
        .build()
        .await;
    // The address allows two failures; ten operators sign in successfully one after another.
    for n in 0..10 {
        let email = format!("operator{n}@example.pl");
        app.user(&email, Role::Operator).await;
        app.browser()
            .at("192.0.2.1")
            .login(&email, crate::harness::PASSWORD)
            .await
            .assert_redirect("/staff/queue");
    }
    // Failures still count there.
    let mut guesser = app.browser().at("192.0.2.1");
    for _ in 0..2 {
        guesser
            .login("operator0@example.pl", "zle-haslo-zle")
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    guesser
        .login("operator1@example.pl", "zle-haslo-zle")
        .await
        .assert_status(StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn guesses_from_many_addresses_lock_the_account_until_its_owner_resets_the_password() {
    let app = TestApp::builder()
        .limits(login_limits(2, 4))
        .behind_proxy()
        .build()
        .await;
    app.user("celebryta@example.pl", Role::Resident).await;
    for n in 0..4 {
        app.browser()
            .at(&format!("203.0.113.{n}"))
            .login("celebryta@example.pl", "zle-haslo-zle")
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut owner = app.browser().at("198.51.100.7");
    owner
        .login("celebryta@example.pl", crate::harness::PASSWORD)
        .await
        .assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("ustaw nowe hasło")
        .assert_contains(r#"href="/password/forgot""#);
    owner
        .post("/password/forgot", &[("email", "celebryta@example.pl")])
        .await;
    app.drain_jobs().await;
    let mail = app.emails_to("celebryta@example.pl").await;
    let link = crate::harness::path_of(&crate::harness::link_in(mail.last().unwrap()));
    let token = link.split("token=").nth(1).unwrap().to_owned();
    owner.get(&link).await.assert_status(StatusCode::OK);
    owner
        .post(
            "/password/reset",
            &[
                ("token", &token),
                ("password", "nowe-dobre-haslo-2026"),
                ("password_confirm", "nowe-dobre-haslo-2026"),
            ],
        )
        .await
        .assert_redirect("/login");
    owner
        .login("celebryta@example.pl", "nowe-dobre-haslo-2026")
        .await
        .assert_redirect("/my");
}

/// Finding 9: the form token is bound to the session and changes at login and at logout.
#[tokio::test]
async fn the_form_token_is_bound_to_the_session_and_rotated_at_login_and_logout() {
    let app = TestApp::new().await;
    app.user("a@example.pl", Role::Resident).await;
    app.user("b@example.pl", Role::Resident).await;
    let mut a = app.browser();
    a.get("/login").await;
    let anonymous = a.csrf().unwrap();
    a.login("a@example.pl", crate::harness::PASSWORD)
        .await
        .assert_redirect("/my");
    let signed_in = a.csrf().unwrap();
    assert_ne!(anonymous, signed_in, "rotated at login");
    let page = a.get("/my/account").await;
    page.assert_contains(&format!(r#"value="{signed_in}""#));
    // The token from before login no longer works, even with the cookie set to it.
    a.cookies.insert("miasto_csrf".into(), anonymous.clone());
    a.post_raw("/my/sessions/end-others", &format!("csrf={anonymous}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Another session's token does not work here either.
    let mut b = app.browser();
    b.login("b@example.pl", crate::harness::PASSWORD).await;
    let theirs = b.csrf().unwrap();
    assert_ne!(theirs, signed_in);
    a.cookies.insert("miasto_csrf".into(), theirs.clone());
    a.post_raw("/my/sessions/end-others", &format!("csrf={theirs}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    a.cookies.insert("miasto_csrf".into(), signed_in.clone());
    a.post("/logout", &[]).await.assert_redirect("/");
    let after = a.csrf().unwrap();
    assert_ne!(after, signed_in, "rotated at logout");
    a.post_raw("/language", &format!("csrf={signed_in}&lang=en"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

/// The distances the new-report page shows to each nearby report, in page order.
fn distances_shown(body: &str) -> Vec<String> {
    body.split(" m stąd")
        .filter_map(|before| before.rsplit("około ").next())
        .take(body.matches(" m stąd").count())
        .map(str::to_owned)
        .collect()
}

/// Finding 4: the duplicate finder measures to the rounded position public pages show, in
/// 50 m steps: two reports in one ~100 m cell look the same from any probe, so probing
/// cannot trilaterate either.
#[tokio::test]
async fn nearby_distances_reveal_no_more_than_the_rounded_position() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let one = lighting_report(&app, &mut b, ("50.06170", "19.93730"), "a@example.pl").await;
    let two = lighting_report(&app, &mut b, ("50.06185", "19.93760"), "b@example.pl").await;
    let category = crate::reports::category_id(&app, "problem.lighting").await;
    for probe in [
        ("50.06170", "19.93730"),
        ("50.06185", "19.93760"),
        ("50.0618", "19.9374"),
    ] {
        let page = b
            .get(&format!(
                "/reports/new/details?kind=problem&category={category}&lat={}&lon={}",
                probe.0, probe.1
            ))
            .await;
        page.assert_contains(&one.to_string())
            .assert_contains(&two.to_string());
        let shown = distances_shown(&page.body);
        assert_eq!(shown.len(), 2, "{probe:?}: {shown:?}");
        assert_eq!(shown[0], shown[1], "{probe:?}: both reports look alike");
        let metres: u32 = shown[0].parse().unwrap();
        assert_eq!(metres % 50, 0, "in 50 m steps");
        assert!(metres >= 50, "never \"0 m\": {metres}");
    }
}

/// Finding 10: contact details are for the report's unit, the contact centre and moderators;
/// other staff see only that they were given; every view by staff is in the audit log.
#[tokio::test]
async fn only_the_reports_unit_the_contact_centre_and_moderators_see_contact_details() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let number = lighting_report(&app, &mut b, RYNEK, "mieszkanka@example.pl").await;
    let path = format!("/staff{}", number.path());
    // ZDMK is the unit it is routed to; another unit's staff member and an official are not.
    let zzm = miasto_store::reference::find_unit_by_code(&app.db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();
    let other = app.user("zielen@example.pl", Role::Resident).await;
    miasto_store::accounts::set_role(
        &app.db.db,
        other.id,
        miasto_domain::RoleAssignment::new(Role::UnitStaff, Some(zzm.id)).unwrap(),
    )
    .await
    .unwrap();
    let mut outsider = app.browser();
    outsider
        .login("zielen@example.pl", crate::harness::PASSWORD)
        .await;
    let (mut official, _) = app.logged_in("urzednik@example.pl", Role::Official).await;
    for viewer in [&mut outsider, &mut official] {
        viewer
            .get(&path)
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks("mieszkanka@example.pl")
            .assert_contains("zostawił dane kontaktowe");
    }
    let audited = |app: &TestApp| {
        let db = app.db.db.clone();
        async move {
            miasto_store::audit::list(
                &db,
                &miasto_store::audit::Filter {
                    action: Some("reporter_contact_viewed".into()),
                    ..Default::default()
                },
                miasto_store::Page::first(),
            )
            .await
            .unwrap()
            .items
        }
    };
    assert!(
        audited(&app).await.is_empty(),
        "nothing shown, nothing logged"
    );
    let (mut unit, unit_user) = app.logged_in("zdmk@example.pl", Role::UnitStaff).await;
    let (mut operator, operator_user) = app.logged_in("kck@example.pl", Role::Operator).await;
    let (mut moderator, moderator_user) =
        app.logged_in("moderator@example.pl", Role::Moderator).await;
    for viewer in [&mut unit, &mut operator, &mut moderator] {
        viewer
            .get(&path)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("mieszkanka@example.pl");
    }
    let entries = audited(&app).await;
    let mut actors: Vec<_> = entries.iter().filter_map(|e| e.actor_id).collect();
    actors.sort();
    let mut expected = vec![unit_user.id, operator_user.id, moderator_user.id];
    expected.sort();
    assert_eq!(actors, expected, "one audited view each");
    assert!(
        entries
            .iter()
            .all(|e| e.target_type.as_deref() == Some("report")),
        "{entries:?}"
    );
}

/// Finding 12: photos of a submission that never committed (here a resent form, a duplicate)
/// are files nothing points at; housekeeping deletes them once they are an hour old, and
/// keeps every attached photo.
#[tokio::test]
async fn housekeeping_deletes_photo_files_of_submissions_that_never_committed() {
    let app = TestApp::new().await;
    let category = crate::reports::category_id(&app, "problem.lighting").await;
    let mut b = app.browser();
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat={}&lon={}",
            RYNEK.0, RYNEK.1
        ))
        .await;
    let form_key = step2
        .body
        .split(r#"name="form_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let photo = miasto_store::testing::jpeg(64, 48);
    let fields = [
        ("kind", "problem"),
        ("category", category.as_str()),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
        ("description", "Nie świeci latarnia przy przejściu"),
        ("form_key", form_key.as_str()),
    ];
    for _ in 0..2 {
        b.post_multipart("/reports", &fields, &[("photos", "a.jpg", &photo)])
            .await
            .assert_status(StatusCode::SEE_OTHER);
    }
    let reports = miasto_store::reports::search(
        &app.db.db,
        &miasto_store::reports::ListFilter::default(),
        10,
    )
    .await
    .unwrap();
    assert_eq!(reports.len(), 1, "the resent form wrote no second report");
    assert_eq!(app.stored_files().len(), 6, "but its photo was stored");
    // Within the hour nothing goes (its submission might still be committing).
    app.housekeeping_after(chrono::Duration::minutes(30)).await;
    assert_eq!(app.stored_files().len(), 6);
    app.housekeeping_after(chrono::Duration::hours(2)).await;
    let left = app.stored_files();
    assert_eq!(left.len(), 3, "{left:?}");
    let attached = miasto_store::photos::list(
        &app.db.db,
        reports[0].id,
        miasto_store::photos::Audience::Staff,
    )
    .await
    .unwrap();
    for variant in [
        miasto_store::photos::Variant::Original,
        miasto_store::photos::Variant::Display,
        miasto_store::photos::Variant::Thumb,
    ] {
        let key = attached[0].key(variant);
        assert!(
            left.iter().any(|p| p.ends_with(key)),
            "{key} kept: {left:?}"
        );
    }
}

/// A report for the intake, routed to `unit`.
fn submission(
    category: &miasto_store::reference::Category,
    unit: miasto_domain::UnitId,
    n: usize,
) -> miasto_web::Submission {
    use miasto_domain::reports::{Channel, Description};
    miasto_web::Submission {
        kind: category.kind,
        unit,
        report: miasto_store::reports::NewReport {
            category: category.id,
            description: Description::parse(&format!("Zgłoszenie numer {n} w paczce")).unwrap(),
            location: miasto_store::reports::Location {
                point: None,
                address: Some("ul. Karmelicka 20".into()),
                address_id: None,
                district: None,
            },
            channel: Channel::Phone,
            client: None,
            answers: Default::default(),
            media_url: None,
            reporter: None,
            contact: miasto_store::reports::Contact {
                name: None,
                email: None,
                phone: None,
                consent: false,
            },
            recorded_by: None,
            locale: miasto_domain::Locale::Pl,
        },
        photos: Vec::new(),
        form_key: format!("paczka-{n}"),
        form_scope: "test",
        limit: None,
        remember: None,
    }
}

/// Finding 13: a submission the database refuses fails alone; the rest of its batch commits.
#[tokio::test]
async fn one_failing_submission_does_not_sink_its_batch() {
    let app = TestApp::new().await;
    let category = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap()
        .id;
    // No such unit: the database refuses this report (foreign key).
    let nowhere = miasto_domain::UnitId(uuid::Uuid::now_v7());
    let intake = app.state.intake();
    // Sent together, the three are written as one batch.
    let outcomes = futures_util::future::join_all([
        intake.submit(submission(&category, unit, 1)),
        intake.submit(submission(&category, nowhere, 2)),
        intake.submit(submission(&category, unit, 3)),
    ])
    .await;
    assert!(
        matches!(outcomes[0], Ok(miasto_web::Outcome::Created(_))),
        "{:?}",
        outcomes[0]
    );
    assert!(outcomes[1].is_err(), "{:?}", outcomes[1]);
    assert!(
        matches!(outcomes[2], Ok(miasto_web::Outcome::Created(_))),
        "{:?}",
        outcomes[2]
    );
    let stored = miasto_store::reports::search(
        &app.db.db,
        &miasto_store::reports::ListFilter::default(),
        10,
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
}

/// Within one batch, a client over its limit is refused for its extra submissions only, and
/// other clients' submissions in the same batch go through.
#[tokio::test]
async fn a_batch_is_rate_limited_per_client_and_in_order() {
    use miasto_store::rate_limit::Limit;
    let app = TestApp::new().await;
    let category = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap()
        .id;
    let limit = Limit {
        max: 2,
        window: std::time::Duration::from_secs(3600),
    };
    let limited = |n: usize, client: &str| miasto_web::Submission {
        limit: Some((format!("report:{client}"), limit)),
        ..submission(&category, unit, n)
    };
    let intake = app.state.intake();
    let outcomes = futures_util::future::join_all([
        intake.submit(limited(1, "a")),
        intake.submit(limited(2, "a")),
        intake.submit(limited(3, "b")),
        intake.submit(limited(4, "a")),
    ])
    .await;
    let created: Vec<bool> = outcomes
        .iter()
        .map(|o| matches!(o, Ok(miasto_web::Outcome::Created(_))))
        .collect();
    assert_eq!(created, [true, true, true, false]);
    assert!(matches!(
        outcomes[3],
        Ok(miasto_web::Outcome::Limited { retry_after_secs }) if retry_after_secs > 0
    ));
}

/// Finding 3: a support given with an e-mail address counts, and subscribes the address, only
/// once the link sent to it is opened; the answer never tells whether an address already
/// supports; requests are limited per client and per address; supports are a count, not
/// history every view loads.
#[tokio::test]
async fn supports_by_e_mail_count_only_when_confirmed_and_reveal_nothing() {
    use miasto_store::rate_limit::Limit;
    let hour = std::time::Duration::from_secs(3600);
    let app = TestApp::builder()
        .limits(miasto_web::RateLimits {
            supports_per_ip: Limit {
                max: 5,
                window: hour,
            },
            email_links_per_account: Limit {
                max: 2,
                window: hour,
            },
            ..Default::default()
        })
        .behind_proxy()
        .build()
        .await;
    let mut reporter = app.browser();
    let number = lighting_report(&app, &mut reporter, RYNEK, "a@example.pl").await;
    let report = report(&app, number).await;
    let support = format!("{}/support", number.path());
    // A supporter who confirmed, and an address never seen: the same answer.
    miasto_store::reports::support(
        &app.db.db,
        report.id,
        &miasto_store::reports::Supporter::Email(
            miasto_domain::Email::parse("juz@example.pl").unwrap(),
        ),
    )
    .await
    .unwrap();
    let mut prober = app.browser().at("203.0.113.50");
    let mut answers = Vec::new();
    for address in ["juz@example.pl", "nowy@example.pl"] {
        let res = prober.post(&support, &[("email", address)]).await;
        res.assert_redirect(&number.path());
        let page = prober.get(&number.path()).await;
        answers.push(
            page.body
                .split("<main")
                .nth(1)
                .unwrap()
                .split("</main>")
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        answers[0], answers[1],
        "the page tells nothing about the address"
    );
    assert_eq!(report_support_count(&app, number).await, 1);
    // A stranger's address gets at most two links an hour, whoever asks.
    for n in 0..3 {
        app.browser()
            .at(&format!("198.51.100.{n}"))
            .post(&support, &[("email", "obcy@example.pl")])
            .await
            .assert_redirect(&number.path());
    }
    app.drain_jobs().await;
    assert_eq!(app.emails_to("obcy@example.pl").await.len(), 2);
    // One client asks at most five times an hour.
    for n in 0..3 {
        prober
            .post(&support, &[("email", &format!("inny{n}@example.pl"))])
            .await
            .assert_redirect(&number.path());
    }
    prober
        .post(&support, &[("email", "szosty@example.pl")])
        .await
        .assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains(r#"value="szosty@example.pl""#);
    // Nothing was counted and nobody subscribed without confirming.
    assert_eq!(report_support_count(&app, number).await, 1);

    // Thousands of supports leave the page's history as it was.
    let before = miasto_store::reports::timeline(&app.db.db, report.id, false)
        .await
        .unwrap()
        .len();
    for n in 0..1500 {
        miasto_store::reports::support(
            &app.db.db,
            report.id,
            &miasto_store::reports::Supporter::Email(
                miasto_domain::Email::parse(&format!("fan{n}@example.pl")).unwrap(),
            ),
        )
        .await
        .unwrap();
    }
    let after = miasto_store::reports::timeline(&app.db.db, report.id, false)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
    assert_eq!(report_support_count(&app, number).await, 1501);
    app.browser()
        .get(&number.path())
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("1501");
}

async fn report_support_count(app: &TestApp, number: TrackingNumber) -> i32 {
    report(app, number).await.support_count
}

/// Finding 1, on the budget's side: a project's photos are charged to their author's hourly
/// limit before any is decoded, so broken uploads use it up too.
#[tokio::test]
async fn project_photos_are_charged_before_decoding() {
    use miasto_store::rate_limit::Limit;
    let clock = miasto_store::clock::Clock::at(chrono::Utc::now());
    clock
        .clone()
        .run(async move {
            let app = TestApp::builder()
                .limits(miasto_web::RateLimits {
                    reports_per_ip: Limit {
                        max: 1,
                        window: std::time::Duration::from_secs(3600),
                    },
                    ..Default::default()
                })
                .build()
                .await;
            let fx = budget_edition(&app.db.db, "2026", true).await;
            clock.set(crate::budget_rules::time_in(
                &fx.edition.schedule,
                miasto_domain::budget::Phase::Submission,
            ));
            let (mut author, _) = app.logged_in("autorka@example.pl", Role::Resident).await;
            let fields = [
                ("pool", "d1"),
                ("title", "Ławki na skwerze"),
                (
                    "summary",
                    "Nowe ławki i stojaki na rowery przy skwerze, dla mieszkańców i gości.",
                ),
                ("description", "Sześć ławek z oparciami i trzy stojaki."),
                ("location", "Skwer przy ul. Długiej"),
                ("category", "infrastructure"),
                ("item-1", "Ławki"),
                ("amount-1", "12 500"),
            ];
            let broken: &[u8] = b"\x89PNG\r\n\x1a\n not a picture";
            let first = author
                .post_multipart(
                    "/budget/2026/projects",
                    &fields,
                    &[("photos", "a.png", broken)],
                )
                .await;
            first.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                !first.body.contains("Zbyt wiele prób"),
                "the first is decoded"
            );
            author
                .post_multipart(
                    "/budget/2026/projects",
                    &fields,
                    &[("photos", "a.png", broken)],
                )
                .await
                .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
                .assert_contains("Zbyt wiele prób");
        })
        .await;
}
