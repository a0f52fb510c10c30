//! The web shell: error pages, security headers, bodies of the wrong size or shape, health
//! and metrics, and the accessibility basics of every page.

use crate::harness::{TestApp, TestResponse};
use axum::body::Body;
use axum::http::StatusCode;
use miasto_domain::Role;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for path in [
        "/",
        "/healthz",
        "/no-such-page",
        "/static/style.css",
        "/login",
    ] {
        let res = b.get(path).await;
        let csp = res.header("content-security-policy").unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(res.header("referrer-policy"), Some("same-origin"), "{path}");
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(res.header("x-request-id").is_some(), "{path}");
    }
}

#[tokio::test]
async fn unknown_pages_get_a_translated_not_found_page() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/nie-ma-takiej-strony")
        .await
        .assert_status(StatusCode::NOT_FOUND)
        .assert_contains("Nie ma takiej strony.")
        .assert_contains(r#"href="/""#);
    b.accept_language = Some("en".into());
    b.get("/admin/nothing/here")
        .await
        .assert_status(StatusCode::NOT_FOUND)
        .assert_contains("There is no such page.");
}

#[tokio::test]
async fn wrong_methods_and_bodies_get_honest_statuses_and_pages() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.request("PUT", "/login", &[], Body::empty())
        .await
        .assert_status(StatusCode::METHOD_NOT_ALLOWED)
        .assert_contains("Tej strony nie można otworzyć w ten sposób.");

    let token = {
        b.get("/login").await;
        b.csrf().unwrap()
    };
    let huge = format!("csrf={token}&email={}", "a".repeat(200 * 1024));
    b.post_raw("/login", &huge)
        .await
        .assert_status(StatusCode::PAYLOAD_TOO_LARGE)
        .assert_contains("Przesłane dane są zbyt duże.");

    let json = [
        ("content-type", "application/json"),
        ("sec-fetch-site", "same-origin"),
    ];
    b.request("POST", "/login", &json, Body::from(r#"{"email":"x"}"#))
        .await
        .assert_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .assert_contains("Tego rodzaju danych nie można tu przesłać.");

    b.post_raw("/login", &format!("csrf={token}&email=a&email=b"))
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("Nie udało się odczytać formularza.");

    // Bytes that are not UTF-8, stray percent signs, binary noise: a page, never a 500.
    for body in [
        format!("csrf={token}&email=%FF%FE&password=%"),
        format!("csrf={token}&%%%%=&&&=="),
        format!("csrf={token}&email=\u{0}\u{1}"),
    ] {
        let res = b.post_raw("/login", &body).await;
        assert!(res.status.is_client_error(), "{body:?} → {}", res.status);
    }
    b.get("/confirm-email?token=%FF")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    b.get("/admin/users?page=%FF%FF")
        .await
        .assert_redirect("/login?next=%2Fadmin%2Fusers%3Fpage%3D%25FF%25FF");
}

#[tokio::test]
async fn health_check_answers_without_cookies() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let res = b.get("/healthz").await;
    res.assert_status(StatusCode::OK);
    assert_eq!(res.body, "ok");
    assert!(res.set_cookies().is_empty());
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/").await;
    b.get("/admin/users/some-id").await;
    let res = b.get("/metrics").await;
    res.assert_status(StatusCode::OK)
        .assert_contains(r#"miasto_http_requests_total{method="GET",route="/",status="200"} 1"#)
        .assert_contains(r#"route="/admin/users/{id}""#)
        .assert_contains("miasto_http_request_duration_seconds_bucket")
        .assert_contains(r#"miasto_jobs{state="queued"} 0"#)
        .assert_lacks("some-id");

    let guarded = TestApp::builder().metrics_token("sekret").build().await;
    let mut b = guarded.browser();
    b.get("/metrics")
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    b.request(
        "GET",
        "/metrics",
        &[("authorization", "Bearer sekret")],
        Body::empty(),
    )
    .await
    .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn static_assets_are_cached_and_unknown_ones_are_404() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let css = b.get("/static/style.css").await;
    css.assert_status(StatusCode::OK);
    assert!(css.header("cache-control").unwrap().contains("immutable"));
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    b.get("/static/../Cargo.toml")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    b.get("/static/nope.js")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// The accessibility basics every page must have.
#[track_caller]
pub(crate) fn assert_accessible_shell(path: &str, res: &TestResponse) {
    let body = &res.body;
    assert_eq!(body.matches("<h1").count(), 1, "{path}: exactly one h1");
    assert!(
        body.contains(r##"<a class="skip-link" href="#main">"##),
        "{path}: skip link"
    );
    assert!(body.contains(r#"<main id="main""#), "{path}: main landmark");
    assert!(
        body.contains("<header") && body.contains("<footer") && body.contains("<nav"),
        "{path}: landmarks"
    );
    assert!(body.contains(r#"<html lang=""#), "{path}: language");
    assert!(!body.contains("style="), "{path}: no inline style");
    for script in body.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap()];
        assert!(
            tag.contains("src=\"/static/"),
            "{path}: only scripts from /static, never inline"
        );
    }
    // Every visible control has a label pointing at it (or an aria-label).
    let labelled: Vec<&str> = body
        .split("<label")
        .skip(1)
        .filter_map(|part| {
            part[..part.find('>')?]
                .split("for=\"")
                .nth(1)?
                .split('"')
                .next()
        })
        .collect();
    for tag in ["<input", "<select", "<textarea"] {
        for part in body.split(tag).skip(1) {
            let attrs = &part[..part.find('>').unwrap()];
            if attrs.contains(r#"type="hidden""#) || attrs.contains("aria-label=") {
                continue;
            }
            let id = attrs
                .split("id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("{path}: control without id: {tag}{attrs}"));
            assert!(labelled.contains(&id), "{path}: no label for #{id}");
        }
    }
    // No untranslated message id slipped through.
    for marker in ["error-page-", "nav-", "-title<", "field-", "admin-"] {
        assert!(
            !body.contains(&format!(">{marker}")),
            "{path}: raw message id {marker}"
        );
    }
}

#[tokio::test]
/// Pages in the states a route list cannot reach (queries, errors, filled-in forms); every
/// route itself is in `routes.rs`.
async fn every_page_has_one_heading_landmarks_and_labelled_controls_in_both_languages() {
    let app = TestApp::new().await;
    let (mut admin, me) = app.logged_in("admin@example.pl", Role::Admin).await;
    // A report with a photo, a supporter and a closed status, so every section shows.
    let category = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == miasto_domain::reference::ReportKind::Problem)
        .unwrap();
    let mut resident = app.browser();
    let details = format!(
        "/reports/new/details?kind=problem&category={}&lat=50.0617&lon=19.9373",
        category.id
    );
    let photo = miasto_store::testing::jpeg(40, 30);
    let category_id = category.id.to_string();
    let sent = crate::reports::send(
        &mut resident,
        &[
            ("kind", "problem"),
            ("category", &category_id),
            ("lat", "50.0617"),
            ("lon", "19.9373"),
        ],
        &[
            ("description", "Opis zgłoszenia do sprawdzenia dostępności"),
            ("contact_email", "a11y@example.pl"),
            ("consent", "on"),
        ],
        &[("photos", "a.jpg", &photo)],
    )
    .await;
    let track = sent.location().to_owned();
    let report =
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .items
            .remove(0);
    admin
        .post(
            &format!("/staff{}/status", report.number.path()),
            &[("status", "solved"), ("message", "Gotowe.")],
        )
        .await;
    let feedback = crate::harness::path_of(&crate::harness::link_in(
        app.emails_to("a11y@example.pl").await.last().unwrap(),
    ));
    let unit = miasto_store::reference::list_units(&app.db.db)
        .await
        .unwrap()
        .remove(0);
    let category = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .remove(0);
    let logged_in_pages = [
        "/".to_owned(),
        "/my".into(),
        "/my/account".into(),
        "/my/delete".into(),
        "/admin".into(),
        "/admin/users".into(),
        format!("/admin/users/{}", me.id),
        "/admin/units".into(),
        "/admin/units/new".into(),
        format!("/admin/units/{}", unit.id),
        "/admin/categories".into(),
        "/admin/categories/new".into(),
        format!("/admin/categories/{}", category.id),
        "/admin/audit".into(),
        "/admin/outbox".into(),
        "/admin/routing".into(),
        "/admin/api-clients".into(),
        "/no-such-page".into(),
        "/reports".into(),
        report.number.path(),
        "/reports/new?kind=idea".into(),
        details.clone(),
        "/staff/queue".into(),
        format!("/staff{}", report.number.path()),
        "/staff/intake".into(),
        "/staff/hotline-calls".into(),
        "/staff/callers?q=a11y%40example.pl".into(),
        track.clone(),
    ];
    let anonymous_pages = [
        "/",
        "/register",
        "/register/check-email",
        "/login",
        "/password/forgot",
        "/password/forgot/sent",
        "/password/reset?token=x",
        "/confirm-email?token=x",
        "/reports/new?kind=problem",
        "/reports?kind=problem",
        "/developers/api",
        "/stats",
        "/opendata",
        "/stats?period=half&year=2025&half=3",
    ];
    for lang in ["pl", "en"] {
        admin.post("/language", &[("lang", lang)]).await;
        for path in &logged_in_pages {
            let res = admin.get(path).await;
            assert_accessible_shell(path, &res);
            assert!(
                res.body.contains(&format!(r#"<html lang="{lang}">"#)),
                "{path}"
            );
        }
        let mut visitor = app.browser();
        visitor.post("/language", &[("lang", lang)]).await;
        for path in anonymous_pages {
            let res = visitor.get(path).await;
            assert_accessible_shell(path, &res);
        }
        let res = visitor.get(&feedback).await;
        assert_accessible_shell("feedback", &res);
        let res = visitor.get(&details).await;
        assert_accessible_shell("report details", &res);
        let res = visitor.get("/reports/new/details?kind=problem").await;
        assert_accessible_shell("report details (errors)", &res);
        // Pages re-rendered with errors keep their shape.
        let res = visitor.post("/register", &[("email", "x")]).await;
        assert_accessible_shell("/register (errors)", &res);
        assert!(res.body.contains("error-summary"));
    }
}
