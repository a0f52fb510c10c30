//! Residents' account journeys, good and bad.

use crate::harness::{PASSWORD, TestApp, link_in, path_of};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_store::rate_limit::Limit;
use miasto_store::testing::age_tokens;
use miasto_web::RateLimits;
use std::time::Duration;

const NEW_PASSWORD: &str = "zupelnie-nowe-haslo";

async fn register(app: &TestApp, email: &str) {
    let mut b = app.browser();
    b.post(
        "/register",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await
    .assert_redirect("/register/check-email");
}

#[tokio::test]
async fn resident_registers_confirms_logs_in_and_out() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/register")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<h1>Załóż konto</h1>")
        .assert_contains(r#"name="csrf""#);
    b.post(
        "/register",
        &[
            ("email", "Anna.Nowak@Example.PL"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await
    .assert_redirect("/register/check-email");
    b.get("/register/check-email")
        .await
        .assert_contains("Sprawdź skrzynkę e-mail");

    let user = app
        .get_user("anna.nowak@example.pl")
        .await
        .expect("account stored with a normalised address");
    assert!(!user.is_confirmed());
    assert_eq!(user.role, Role::Resident);

    // Not yet confirmed: the right password is not enough.
    b.login("anna.nowak@example.pl", PASSWORD)
        .await
        .assert_status(StatusCode::FORBIDDEN)
        .assert_contains("Najpierw potwierdź adres e-mail")
        .assert_contains(r#"action="/confirm-email/resend""#);
    assert!(!b.has_session());

    let emails = app.emails_to("anna.nowak@example.pl").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Potwierdź adres e-mail – Wspólne Miasto");
    let link = link_in(&emails[0]);
    assert!(
        link.starts_with("http://miasto.test/confirm-email?token="),
        "{link}"
    );

    // Opening the link shows a button; only the button uses the token.
    let page = b.get(&path_of(&link)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Potwierdzam adres e-mail");
    let token = path_of(&link).split("token=").nth(1).unwrap().to_owned();
    // Confirming logs the resident in: no typing the password again.
    b.post("/confirm-email", &[("token", &token)])
        .await
        .assert_redirect("/my");
    assert!(
        app.get_user("anna.nowak@example.pl")
            .await
            .unwrap()
            .is_confirmed()
    );
    assert!(b.has_session());
    b.get("/my")
        .await
        .assert_contains("Adres e-mail został potwierdzony.")
        .assert_contains("Zalogowano jako anna.nowak@example.pl.");
    b.post("/logout", &[]).await.assert_redirect("/");

    b.login("ANNA.NOWAK@example.pl", PASSWORD)
        .await
        .assert_redirect("/my");
    assert!(b.has_session());
    b.get("/my")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Zalogowano jako anna.nowak@example.pl.")
        .assert_contains("Nie masz jeszcze żadnych zgłoszeń ani pomysłów.");

    b.post("/logout", &[]).await.assert_redirect("/");
    assert!(!b.has_session());
    b.get("/my").await.assert_redirect("/login?next=%2Fmy");
}

#[tokio::test]
async fn registration_errors_rerender_the_form_with_what_was_typed() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let page = b
        .post(
            "/register",
            &[
                ("email", "not-an-address"),
                ("password", "krótkie"),
                ("password_confirm", "inne"),
            ],
        )
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(r#"value="not-an-address""#)
        .assert_contains("Podaj adres e-mail w poprawnym formacie")
        .assert_contains("Hasło musi mieć co najmniej 10 znaków.")
        .assert_contains(r#"aria-invalid="true""#)
        .assert_contains(r#"aria-describedby="email-hint email-error""#)
        .assert_contains(r##"href="#email""##)
        .assert_lacks("krótkie");

    b.post(
        "/register",
        &[
            ("email", "ok@example.pl"),
            ("password", PASSWORD),
            ("password_confirm", "something-else-entirely"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Hasła nie są takie same.")
    .assert_contains(r#"value="ok@example.pl""#);
    assert!(app.get_user("ok@example.pl").await.is_none());

    // Fields missing altogether are required fields, not a crash, and each message names its
    // field (not "This field is required" twice).
    b.post("/register", &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Podaj adres e-mail.")
        .assert_contains("Podaj hasło.")
        .assert_lacks("To pole jest wymagane.");
}

#[tokio::test]
async fn registering_a_taken_address_sends_a_notice_instead_of_revealing_it() {
    let app = TestApp::new().await;
    app.user("taken@example.pl", Role::Resident).await;
    register(&app, "Taken@example.pl").await;
    let emails = app.emails_to("taken@example.pl").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Próba założenia konta – Wspólne Miasto");
    assert!(
        emails[0]
            .body_text
            .contains("http://miasto.test/password/forgot")
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_address_get_the_same_answer() {
    let app = TestApp::new().await;
    app.user("jan@example.pl", Role::Resident).await;
    let mut b = app.browser();
    let wrong = b.login("jan@example.pl", "zle-haslo-123").await;
    wrong
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Nieprawidłowy adres e-mail lub hasło.")
        .assert_contains(r#"value="jan@example.pl""#);
    let unknown = b.login("nikt@example.pl", "zle-haslo-123").await;
    unknown
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Nieprawidłowy adres e-mail lub hasło.");
    assert!(!b.has_session());
    b.login("jan@example.pl", "")
        .await
        .assert_contains("Podaj hasło.");
}

#[tokio::test]
async fn login_returns_to_the_page_that_asked_for_it_but_only_within_the_site() {
    let app = TestApp::new().await;
    app.user("n@example.pl", Role::Resident).await;
    let mut b = app.browser();
    b.get("/my/account")
        .await
        .assert_redirect("/login?next=%2Fmy%2Faccount");
    b.get("/login?next=%2Fmy%2Faccount")
        .await
        .assert_contains(r#"name="next" value="/my/account""#);
    b.post(
        "/login",
        &[
            ("email", "n@example.pl"),
            ("password", PASSWORD),
            ("next", "/my/account"),
        ],
    )
    .await
    .assert_redirect("/my/account");
    let mut other = app.browser();
    other
        .post(
            "/login",
            &[
                ("email", "n@example.pl"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await
        .assert_redirect("/my");
}

#[tokio::test]
async fn expired_and_used_confirmation_links_are_refused_with_a_way_forward() {
    let app = TestApp::new().await;
    register(&app, "late@example.pl").await;
    let link = link_in(&app.emails_to("late@example.pl").await[0]);
    let token = path_of(&link).split("token=").nth(1).unwrap().to_owned();

    age_tokens(&app.db.db, chrono::Duration::hours(49)).await;
    let mut b = app.browser();
    b.get(&path_of(&link))
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains("Ten link wygasł.")
        .assert_contains(r#"action="/confirm-email/resend""#);
    b.post("/confirm-email", &[("token", &token)])
        .await
        .assert_status(StatusCode::GONE);
    assert!(
        !app.get_user("late@example.pl")
            .await
            .unwrap()
            .is_confirmed()
    );

    // A fresh link works once.
    b.post("/confirm-email/resend", &[("email", "late@example.pl")])
        .await
        .assert_redirect("/register/check-email");
    let emails = app.emails_to("late@example.pl").await;
    assert_eq!(emails.len(), 2);
    let fresh = path_of(&link_in(&emails[1]))
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    b.post("/confirm-email", &[("token", &fresh)])
        .await
        .assert_redirect("/my");
    b.post("/confirm-email", &[("token", &fresh)])
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains("Ten link został już użyty.");
    b.get("/confirm-email?token=nonsense")
        .await
        .assert_status(StatusCode::NOT_FOUND)
        .assert_contains("Ten link jest nieprawidłowy.");
}

#[tokio::test]
async fn forgotten_password_is_reset_by_a_single_use_link() {
    let app = TestApp::new().await;
    let (mut old_device, _) = app.logged_in("reset@example.pl", Role::Resident).await;
    let mut b = app.browser();
    b.get("/password/forgot")
        .await
        .assert_status(StatusCode::OK);
    b.post("/password/forgot", &[("email", "reset@example.pl")])
        .await
        .assert_redirect("/password/forgot/sent");
    let emails = app.emails_to("reset@example.pl").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Ustaw nowe hasło – Wspólne Miasto");
    let path = path_of(&link_in(&emails[0]));
    let token = path.split("token=").nth(1).unwrap().to_owned();
    b.get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(r#"name="token""#);

    b.post(
        "/password/reset",
        &[
            ("token", &token),
            ("password", NEW_PASSWORD),
            ("password_confirm", "different-password"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Hasła nie są takie same.")
    .assert_contains(&format!(r#"value="{token}""#));
    b.post(
        "/password/reset",
        &[
            ("token", &token),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await
    .assert_redirect("/login");
    b.post(
        "/password/reset",
        &[
            ("token", &token),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await
    .assert_status(StatusCode::GONE);

    // The old device is logged out; the old password no longer works; the new one does.
    old_device
        .get("/my")
        .await
        .assert_redirect("/login?next=%2Fmy");
    b.login("reset@example.pl", PASSWORD)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    b.login("reset@example.pl", NEW_PASSWORD)
        .await
        .assert_redirect("/my");
    let emails = app.emails_to("reset@example.pl").await;
    assert_eq!(
        emails.last().unwrap().subject,
        "Hasło zostało zmienione – Wspólne Miasto"
    );
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let app = TestApp::new().await;
    app.user("slow@example.pl", Role::Resident).await;
    let mut b = app.browser();
    b.post("/password/forgot", &[("email", "slow@example.pl")])
        .await;
    let path = path_of(&link_in(&app.emails_to("slow@example.pl").await[0]));
    age_tokens(&app.db.db, chrono::Duration::minutes(61)).await;
    b.get(&path)
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains(r#"href="/password/forgot""#);
}

#[tokio::test]
async fn asking_to_reset_an_unknown_address_looks_the_same_and_sends_nothing() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.post("/password/forgot", &[("email", "ghost@example.pl")])
        .await
        .assert_redirect("/password/forgot/sent");
    assert!(app.emails_to("ghost@example.pl").await.is_empty());
    b.post("/password/forgot", &[("email", "zły adres")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(r#"value="zły adres""#);
}

fn tight_limits() -> RateLimits {
    let limit = |max| Limit {
        max,
        window: Duration::from_secs(900),
    };
    RateLimits {
        login_per_ip: limit(100),
        login_failures_per_account: limit(3),
        login_failures_everywhere: limit(6),
        register_per_ip: limit(2),
        register_per_account: limit(2),
        email_links_per_ip: limit(100),
        email_links_per_account: limit(1),
        reports_per_ip: limit(100),
        supports_per_ip: limit(100),
        places_per_ip: limit(100),
        comments_per_account: limit(100),
        survey_responses_per_ip: limit(100),
    }
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account_for_a_while_with_a_clear_message() {
    let app = TestApp::builder().limits(tight_limits()).build().await;
    app.user("target@example.pl", Role::Resident).await;
    let mut b = app.browser();
    for _ in 0..3 {
        b.login("target@example.pl", "guessing-wrong")
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = b.login("target@example.pl", PASSWORD).await;
    limited
        .assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("Zbyt wiele prób. Spróbuj ponownie za ")
        .assert_contains(r#"value="target@example.pl""#);
    let minutes: u32 = limited
        .body
        .split("Spróbuj ponownie za ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=15).contains(&minutes),
        "the wait is within the 15-minute window: {minutes}"
    );
    assert!(!b.has_session(), "even the right password waits");
    // Another account is not affected.
    app.user("other@example.pl", Role::Resident).await;
    b.login("other@example.pl", PASSWORD)
        .await
        .assert_redirect("/my");
}

#[tokio::test]
async fn logins_from_one_address_are_limited() {
    let limits = RateLimits {
        login_per_ip: Limit {
            max: 2,
            window: Duration::from_secs(600),
        },
        ..tight_limits()
    };
    let app = TestApp::builder().limits(limits).build().await;
    let mut b = app.browser();
    b.login("a@example.pl", "x-password-1").await;
    b.login("b@example.pl", "x-password-2").await;
    b.login("c@example.pl", "x-password-3")
        .await
        .assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("Zbyt wiele prób");
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let app = TestApp::builder().limits(tight_limits()).build().await;
    register(&app, "one@example.pl").await;
    register(&app, "two@example.pl").await;
    let mut b = app.browser();
    b.post(
        "/register",
        &[
            ("email", "three@example.pl"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await
    .assert_status(StatusCode::TOO_MANY_REQUESTS)
    .assert_contains("Zbyt wiele prób")
    .assert_contains(r#"value="three@example.pl""#);
    assert!(app.get_user("three@example.pl").await.is_none());
}

#[tokio::test]
async fn registrations_for_one_address_are_limited_from_any_client() {
    let limits = RateLimits {
        register_per_ip: Limit {
            max: 100,
            window: Duration::from_secs(3600),
        },
        ..tight_limits()
    };
    let app = TestApp::builder().limits(limits).build().await;
    register(&app, "popular@example.pl").await;
    register(&app, "popular@example.pl").await;
    let mut b = app.browser();
    b.post(
        "/register",
        &[
            ("email", "Popular@example.pl"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await
    .assert_status(StatusCode::TOO_MANY_REQUESTS)
    .assert_contains("Zbyt wiele prób");
    register(&app, "someone-else@example.pl").await;
}

#[tokio::test]
async fn reset_e_mails_to_one_account_are_limited_silently() {
    let app = TestApp::builder().limits(tight_limits()).build().await;
    app.user("flood@example.pl", Role::Resident).await;
    let mut b = app.browser();
    for _ in 0..3 {
        b.post("/password/forgot", &[("email", "flood@example.pl")])
            .await
            .assert_redirect("/password/forgot/sent");
    }
    assert_eq!(app.emails_to("flood@example.pl").await.len(), 1);
}

#[tokio::test]
async fn forms_without_the_right_token_are_refused() {
    let app = TestApp::new().await;
    app.user("csrf@example.pl", Role::Resident).await;
    let mut b = app.browser();
    b.get("/login").await;
    let body = format!("email=csrf%40example.pl&password={PASSWORD}");
    b.post_raw("/login", &body)
        .await
        .assert_status(StatusCode::FORBIDDEN)
        .assert_contains("Formularz wygasł");
    b.post_raw("/login", &format!("csrf={}&{body}", "0".repeat(64)))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(!b.has_session());

    // A cross-site POST is refused even with a valid token.
    let token = b.csrf().unwrap();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("sec-fetch-site", "cross-site"),
    ];
    let res = b
        .request(
            "POST",
            "/login",
            &headers,
            format!("csrf={token}&{body}").into(),
        )
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", "https://evil.example"),
        ("host", "miasto.test"),
    ];
    b.request(
        "POST",
        "/login",
        &headers,
        format!("csrf={token}&{body}").into(),
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    assert!(!b.has_session());
}

#[tokio::test]
async fn language_is_chosen_by_the_visitor_and_remembered_on_the_account() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/register")
        .await
        .assert_contains(r#"<html lang="pl">"#)
        .assert_contains(r#"lang="en">English</button>"#);
    b.post("/language", &[("lang", "en"), ("return_to", "/register")])
        .await
        .assert_redirect("/register");
    b.get("/register")
        .await
        .assert_contains(r#"<html lang="en">"#)
        .assert_contains("<h1>Create an account</h1>")
        .assert_contains(r#"lang="pl">Polski</button>"#);

    // Logged in, the choice is stored and follows the account to another device.
    app.user("en@example.pl", Role::Resident).await;
    b.login("en@example.pl", PASSWORD).await;
    b.post("/language", &[("lang", "en"), ("return_to", "/my")])
        .await
        .assert_redirect("/my");
    assert_eq!(
        app.get_user("en@example.pl").await.unwrap().locale,
        miasto_domain::Locale::En
    );
    let mut phone = app.browser();
    phone.login("en@example.pl", PASSWORD).await;
    phone.get("/my").await.assert_contains("<h1>My city</h1>");

    b.post("/language", &[("lang", "xx")])
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("That language is not available.");
    b.post(
        "/language",
        &[("lang", "pl"), ("return_to", "https://evil.example")],
    )
    .await
    .assert_redirect("/");
}

/// Issue 15: an English visitor who logs in stays in English, and the account remembers it.
#[tokio::test]
async fn the_language_chosen_before_logging_in_is_kept_and_saved() {
    let app = TestApp::new().await;
    app.user("po-angielsku@example.pl", Role::Resident).await;
    assert_eq!(
        app.get_user("po-angielsku@example.pl")
            .await
            .unwrap()
            .locale,
        miasto_domain::Locale::Pl
    );
    let mut b = app.browser();
    b.post("/language", &[("lang", "en"), ("return_to", "/login")])
        .await
        .assert_redirect("/login");
    b.login("po-angielsku@example.pl", PASSWORD)
        .await
        .assert_redirect("/my");
    b.get("/my")
        .await
        .assert_contains(r#"<html lang="en">"#)
        .assert_contains("<h1>My city</h1>");
    assert_eq!(
        app.get_user("po-angielsku@example.pl")
            .await
            .unwrap()
            .locale,
        miasto_domain::Locale::En,
        "saved on the account"
    );
    // Another device without a choice gets the account's language.
    let mut other = app.browser();
    other
        .login("po-angielsku@example.pl", PASSWORD)
        .await
        .assert_redirect("/my");
    other
        .get("/my")
        .await
        .assert_contains(r#"<html lang="en">"#);
}

#[tokio::test]
async fn anonymous_visitors_get_their_browser_language() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.accept_language = Some("en-GB,en;q=0.9".into());
    b.get("/")
        .await
        .assert_contains(r#"<html lang="en">"#)
        .assert_contains("Create an account");
    let mut c = app.browser();
    c.accept_language = Some("de-DE,de;q=0.9".into());
    c.get("/").await.assert_contains(r#"<html lang="pl">"#);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let (mut laptop, _) = app.logged_in("change@example.pl", Role::Resident).await;
    let mut phone = app.browser();
    phone.login("change@example.pl", PASSWORD).await;
    laptop
        .get("/my/account")
        .await
        .assert_contains("to urządzenie")
        .assert_contains("Wyloguj pozostałe urządzenia");

    laptop
        .post(
            "/my/password",
            &[
                ("current_password", "wrong-one-123"),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Hasło jest nieprawidłowe.");
    laptop
        .post(
            "/my/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await
        .assert_redirect("/my/account");
    laptop
        .get("/my/account")
        .await
        .assert_status(StatusCode::OK);
    phone.get("/my").await.assert_redirect("/login?next=%2Fmy");
    let emails = app.emails_to("change@example.pl").await;
    assert_eq!(
        emails.last().unwrap().subject,
        "Hasło zostało zmienione – Wspólne Miasto"
    );
}

#[tokio::test]
async fn data_download_holds_the_account_and_no_secrets() {
    let app = TestApp::new().await;
    let (mut b, user) = app.logged_in("data@example.pl", Role::Resident).await;
    let res = b.get("/my/data.json").await;
    res.assert_status(StatusCode::OK);
    assert!(
        res.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["account"]["email"], "data@example.pl");
    assert_eq!(json["account"]["id"], user.id.to_string());
    assert_eq!(json["sessions"].as_array().unwrap().len(), 1);
    assert!(!res.body.contains("argon2"), "no password hash");
    let mut anonymous = app.browser();
    anonymous
        .get("/my/data.json")
        .await
        .assert_redirect("/login?next=%2Fmy%2Fdata.json");
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_leaves_a_trace_only_in_the_audit_log() {
    let app = TestApp::new().await;
    let (mut b, user) = app.logged_in("bye@example.pl", Role::Resident).await;
    b.get("/my/delete")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Usunięcia konta nie można cofnąć.");
    b.post("/my/delete", &[("password", "not-my-password")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Hasło jest nieprawidłowe.");
    assert!(app.get_user("bye@example.pl").await.is_some());
    b.post("/my/delete", &[("password", PASSWORD)])
        .await
        .assert_redirect("/");
    assert!(!b.has_session());
    assert!(app.get_user("bye@example.pl").await.is_none());
    b.get("/my").await.assert_redirect("/login?next=%2Fmy");
    b.login("bye@example.pl", PASSWORD)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let emails = app.emails_to("bye@example.pl").await;
    assert_eq!(
        emails.last().unwrap().subject,
        "Konto zostało usunięte – Wspólne Miasto"
    );
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    let entry = log
        .items
        .iter()
        .find(|e| e.action == "account_deleted")
        .expect("deletion audited");
    assert_eq!(entry.actor_id, Some(user.id));
    assert_eq!(entry.actor_email, None, "the address is gone");
}

#[tokio::test]
async fn session_cookies_are_http_only_same_site_and_secure_behind_tls() {
    let app = TestApp::new().await;
    app.user("c@example.pl", Role::Resident).await;
    let mut b = app.browser();
    let res = b.login("c@example.pl", PASSWORD).await;
    let session = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("miasto_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && !session.contains("Secure")
    );

    let tls = TestApp::builder()
        .base_url("https://miasto.krakow.pl")
        .build()
        .await;
    tls.user("c@example.pl", Role::Resident).await;
    let mut b = tls.browser();
    let res = b.login("c@example.pl", PASSWORD).await;
    let session = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-miasto_session="))
        .unwrap();
    assert!(
        session.contains("Secure") && session.contains("HttpOnly") && session.contains("Path=/")
    );
    assert!(res.header("strict-transport-security").is_some());
}

/// The hidden idempotency key of the first form on a page.
fn form_key(page: &str) -> String {
    page.split(r#"name="form_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_double_clicked_registration_creates_one_account_and_sends_one_e_mail() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let page = b.get("/register").await;
    let key = form_key(&page.body);
    let fields = [
        ("email", "double@example.pl"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("form_key", key.as_str()),
    ];
    b.post("/register", &fields)
        .await
        .assert_redirect("/register/check-email");
    b.post("/register", &fields)
        .await
        .assert_redirect("/register/check-email");
    let emails = app.emails_to("double@example.pl").await;
    assert_eq!(
        emails.len(),
        1,
        "no 'already registered' notice for a double-click"
    );
    assert_eq!(emails[0].subject, "Potwierdź adres e-mail – Wspólne Miasto");
    // A new form (new key) is a new attempt.
    let again = form_key(&b.get("/register").await.body);
    assert_ne!(again, key);
}

#[tokio::test]
async fn signing_in_again_after_a_session_expired_keeps_the_new_session() {
    let clock = miasto_store::clock::Clock::at(chrono::Utc::now());
    clock
        .clone()
        .run(async move {
            let app = TestApp::new().await;
            let (mut browser, _) = app.logged_in("wraca@example.pl", Role::Resident).await;
            browser.get("/my").await.assert_status(StatusCode::OK);
            // A month and a day without a visit: the session has ended; the browser still
            // holds its cookie when it signs in again, and must stay signed in.
            clock.advance(chrono::Duration::days(31));
            let mut back = app.browser();
            back.cookies = browser.cookies.clone();
            back.login("wraca@example.pl", PASSWORD)
                .await
                .assert_redirect("/my");
            back.get("/my").await.assert_status(StatusCode::OK);
            browser
                .get("/my")
                .await
                .assert_redirect("/login?next=%2Fmy");
        })
        .await;
}

#[tokio::test]
async fn staff_land_on_their_work_after_logging_in() {
    let app = TestApp::new().await;
    for (email, role, landing) in [
        ("op@example.pl", Role::Operator, "/staff/queue"),
        ("jednostka@example.pl", Role::UnitStaff, "/staff/queue"),
        ("moderator@example.pl", Role::Moderator, "/staff/queue"),
        ("urzednik@example.pl", Role::Official, "/staff/budget"),
        ("admin@example.pl", Role::Admin, "/admin"),
        ("mieszkanka@example.pl", Role::Resident, "/my"),
    ] {
        app.user(email, role).await;
        let mut b = app.browser();
        b.login(email, PASSWORD).await.assert_redirect(landing);
        b.get(landing).await.assert_status(StatusCode::OK);
        // Where they were going still wins.
        let mut c = app.browser();
        c.get("/login?next=%2Freports").await;
        c.post(
            "/login",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("next", "/reports"),
            ],
        )
        .await
        .assert_redirect("/reports");
    }
}

#[tokio::test]
async fn the_account_page_names_each_sessions_device_and_switches_language() {
    let app = TestApp::new().await;
    app.user("urzadzenia@example.pl", Role::Resident).await;
    let mut phone = app.browser();
    phone.get("/login").await;
    let csrf = phone.csrf().unwrap();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("email", "urzadzenia@example.pl"),
        ("password", PASSWORD),
    ])
    .unwrap();
    phone
        .request(
            "POST",
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                (
                    "user-agent",
                    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
                ),
            ],
            axum::body::Body::from(body),
        )
        .await
        .assert_redirect("/my");
    let mut laptop = app.browser();
    laptop.login("urzadzenia@example.pl", PASSWORD).await;
    let page = laptop.get("/my/account").await;
    page.assert_contains("<td>Chrome, Android</td>")
        .assert_contains("<td>Nieznane urządzenie</td>")
        .assert_lacks("Pixel 8");
    laptop
        .post("/language", &[("lang", "en"), ("return_to", "/my/account")])
        .await
        .assert_redirect("/my/account");
    laptop
        .get("/my/account")
        .await
        .assert_contains("Switch to Polish")
        .assert_contains("Unknown device");
}
