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

/// Finding 2: a body trickling in is cut off at the body deadline with 408 and the connection
/// closed; a handler that never answers is cut off at the request deadline.
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
            .request("POST", path, &[("content-type", content_type)], trickle(first))
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
