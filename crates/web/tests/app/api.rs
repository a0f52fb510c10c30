//! The mobile app's JSON API (/api/v1): registering and signing devices in, sending reports
//! with photos and answers (once per idempotency key), the public list with cursors and
//! filters, supports and notifications, the error envelope in both languages, and the
//! OpenAPI document's snapshot.

use crate::harness::{PASSWORD, TestApp, TestResponse, link_in, multipart, path_of};
use axum::body::Body;
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_store::testing::{has_exif, jpeg, with_exif};
use serde_json::{Value, json};

const RYNEK: (&str, &str) = ("50.0617", "19.9373");

fn body(res: &TestResponse) -> Value {
    assert!(
        res.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json"),
        "{:?}: {}",
        res.headers,
        res.body
    );
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

/// A call as an app makes it: no cookies; a bearer token if given.
async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    payload: Body,
) -> TestResponse {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if let Some(auth) = &auth {
        all.push(("authorization", auth));
    }
    app.browser().request(method, path, &all, payload).await
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> TestResponse {
    call(app, "GET", path, token, &[], Body::empty()).await
}

pub async fn post_json(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    value: Value,
) -> TestResponse {
    call(
        app,
        "POST",
        path,
        token,
        &[("content-type", "application/json")],
        Body::from(value.to_string()),
    )
    .await
}

async fn send_report(
    app: &TestApp,
    token: Option<&str>,
    key: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> TestResponse {
    let (content_type, payload) = multipart(fields, files);
    let mut headers = vec![("content-type", content_type.as_str())];
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    call(
        app,
        "POST",
        "/api/v1/reports",
        token,
        &headers,
        Body::from(payload),
    )
    .await
}

/// Signs a device in for a new confirmed resident; returns the token.
async fn signed_in(app: &TestApp, email: &str) -> String {
    app.user(email, Role::Resident).await;
    sign_in(app, email, "Pixel 8").await
}

async fn sign_in(app: &TestApp, email: &str, device: &str) -> String {
    let res = post_json(
        app,
        "/api/v1/auth/tokens",
        None,
        json!({ "email": email, "password": PASSWORD, "device_name": device }),
    )
    .await;
    res.assert_status(StatusCode::CREATED);
    body(&res)["data"]["token"].as_str().unwrap().to_owned()
}

#[track_caller]
fn assert_error(res: &TestResponse, status: StatusCode, code: &str) -> Value {
    res.assert_status(status);
    let value = body(res);
    assert_eq!(value["error"]["code"], code, "{}", res.body);
    assert!(
        !value["error"]["message"].as_str().unwrap().is_empty(),
        "{}",
        res.body
    );
    value
}

fn field_codes(value: &Value) -> Vec<(String, String)> {
    value["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_app_registers_confirms_and_signs_devices_in_and_out() {
    let app = TestApp::new().await;
    let email = "ewa.app@example.pl";

    // Bad input: clear codes per field, in the language asked for; nothing created.
    let res = call(
        &app,
        "POST",
        "/api/v1/auth/register",
        None,
        &[
            ("content-type", "application/json"),
            ("accept-language", "en"),
        ],
        Body::from(json!({ "email": "not-an-address", "password": "short" }).to_string()),
    )
    .await;
    let value = assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(value["error"]["message"], "Some fields need correcting.");
    assert_eq!(
        field_codes(&value),
        vec![
            ("email".into(), "email_invalid".into()),
            ("password".into(), "password_too_short".into())
        ]
    );
    assert_error(
        &call(
            &app,
            "POST",
            "/api/v1/auth/register",
            None,
            &[("content-type", "application/json")],
            Body::from("{not json"),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "malformed_body",
    );
    let res = call(
        &app,
        "POST",
        "/api/v1/auth/register",
        None,
        &[("content-type", "text/plain")],
        Body::from("x"),
    )
    .await;
    let value = assert_error(
        &res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_eq!(
        value["error"]["message"],
        "Ten typ treści nie jest tu przyjmowany."
    );
    let huge = json!({ "email": email, "password": "x".repeat(100 * 1024) });
    assert_error(
        &post_json(&app, "/api/v1/auth/register", None, huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert!(app.get_user(email).await.is_none());

    let res = post_json(
        &app,
        "/api/v1/auth/register",
        None,
        json!({ "email": email, "password": PASSWORD, "locale": "en" }),
    )
    .await;
    res.assert_status(StatusCode::ACCEPTED);
    assert_eq!(body(&res)["data"]["status"], "confirmation_sent");
    let user = app.get_user(email).await.unwrap();
    assert!(!user.is_confirmed());
    assert_eq!(user.locale, miasto_domain::Locale::En);

    // Unconfirmed: the right password is not enough.
    let sign_in_body = json!({ "email": email, "password": PASSWORD, "device_name": "Pixel 8" });
    assert_error(
        &post_json(&app, "/api/v1/auth/tokens", None, sign_in_body.clone()).await,
        StatusCode::FORBIDDEN,
        "account_unconfirmed",
    );
    let emails = app.emails_to(email).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(
        emails[0].subject,
        "Confirm your e-mail address – Wspólne Miasto"
    );
    let token = path_of(&link_in(&emails[0]))
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let mut b = app.browser();
    b.post("/confirm-email", &[("token", &token)])
        .await
        .assert_redirect("/my");

    // Registering the same address again answers the same and tells its owner instead.
    post_json(
        &app,
        "/api/v1/auth/register",
        None,
        json!({ "email": email, "password": PASSWORD }),
    )
    .await
    .assert_status(StatusCode::ACCEPTED);
    assert_eq!(app.emails_to(email).await.len(), 2);

    assert_error(
        &post_json(
            &app,
            "/api/v1/auth/tokens",
            None,
            json!({ "email": email, "password": "zle-haslo-zle-haslo" }),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    let res = post_json(&app, "/api/v1/auth/tokens", None, sign_in_body).await;
    res.assert_status(StatusCode::CREATED);
    let value = body(&res);
    let phone = value["data"]["token"].as_str().unwrap().to_owned();
    assert!(phone.starts_with("mt_") && phone.len() > 60, "{phone}");
    assert_eq!(value["data"]["device"]["name"], "Pixel 8");
    assert_eq!(value["data"]["device"]["current"], true);
    // The table keeps a hash, never the token.
    let stored = miasto_store::testing::stored_api_tokens(&app.db.db).await;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains(&phone[3..]),
        "the token is stored in clear"
    );

    let me = body(&get(&app, "/api/v1/me", Some(&phone)).await);
    assert_eq!(me["data"]["email"], email);
    assert_eq!(me["data"]["locale"], "en");
    assert_eq!(me["data"]["unread_notifications"], 0);
    let tablet = sign_in(&app, email, "Tablet\u{7} kuchnia").await;
    let devices = body(&get(&app, "/api/v1/me/devices", Some(&phone)).await);
    let names: Vec<&str> = devices["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Tablet kuchnia"), "{names:?}");
    let tablet_id = devices["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The account page lists both; signing the tablet out there ends its token.
    b.login(email, PASSWORD).await.assert_redirect("/my");
    b.get("/my/account")
        .await
        .assert_contains("Pixel 8")
        .assert_contains("Tablet kuchnia");
    b.post(&format!("/my/devices/{tablet_id}/revoke"), &[])
        .await
        .assert_redirect("/my/account");
    let res = get(&app, "/api/v1/me", Some(&tablet)).await;
    assert_error(&res, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        res.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    // Another account's device is not found; a token never seen is a 401.
    let other = signed_in(&app, "obcy@example.pl").await;
    let other_id = body(&get(&app, "/api/v1/me/devices", Some(&other)).await)["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &call(
            &app,
            "DELETE",
            &format!("/api/v1/me/devices/{other_id}"),
            Some(&phone),
            &[],
            Body::empty(),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&app, "/api/v1/me", Some("mt_0000")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    get(&app, "/api/v1/me", Some(&other))
        .await
        .assert_status(StatusCode::OK);

    // A token left unused for 90 days ends.
    let idle = sign_in(&app, "obcy@example.pl", "Stary telefon").await;
    miasto_store::testing::age_api_tokens(&app.db.db, chrono::Duration::days(91)).await;
    assert_error(
        &get(&app, "/api/v1/me", Some(&idle)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let phone = sign_in(&app, email, "Pixel 8").await;

    // Signing out ends the token; a password change ends every one.
    call(
        &app,
        "DELETE",
        "/api/v1/auth/tokens/current",
        Some(&phone),
        &[],
        Body::empty(),
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    assert_error(
        &get(&app, "/api/v1/me", Some(&phone)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let again = sign_in(&app, email, "Pixel 8").await;
    b.post(
        "/my/password",
        &[
            ("current_password", PASSWORD),
            ("password", "zupelnie-nowe-haslo"),
            ("password_confirm", "zupelnie-nowe-haslo"),
        ],
    )
    .await
    .assert_redirect("/my/account");
    assert_error(
        &get(&app, "/api/v1/me", Some(&again)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_account() {
    let app = TestApp::new().await;
    app.user("limit@example.pl", Role::Resident).await;
    let wrong = json!({ "email": "limit@example.pl", "password": "zle-haslo-zle-haslo" });
    for _ in 0..10 {
        assert_error(
            &post_json(&app, "/api/v1/auth/tokens", None, wrong.clone()).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        );
    }
    let res = post_json(
        &app,
        "/api/v1/auth/tokens",
        None,
        json!({ "email": "limit@example.pl", "password": PASSWORD }),
    )
    .await;
    assert_error(&res, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(res.header("retry-after").is_some());
}

#[tokio::test]
async fn an_app_sends_a_report_with_photos_and_answers_once_per_idempotency_key() {
    let app = TestApp::new().await;
    let token = signed_in(&app, "marek.app@example.pl").await;
    let photo = with_exif(&jpeg(64, 32), 6);
    let fields = [
        ("category", "problem.lighting"),
        ("description", "Nie świeci latarnia przy wejściu do parku"),
        ("lat", RYNEK.0),
        ("lon", RYNEK.1),
        (
            "answers",
            r#"{"pole_number": "K-12", "lamps_out": "several"}"#,
        ),
    ];
    let key = "3f1c7a52-5b1e-4c55-9d0e-0b8f3f0a9c11";
    let send = async || {
        send_report(
            &app,
            Some(&token),
            Some(key),
            &fields,
            &[("photos", "IMG_1.JPG", &photo)],
        )
        .await
    };
    let res = send().await;
    res.assert_status(StatusCode::CREATED);
    let sent = body(&res);
    let report = &sent["data"]["report"];
    let id = report["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/reports/{id}").as_str())
    );
    assert_eq!(report["status"]["code"], "new");
    assert_eq!(report["status"]["open"], true);
    assert_eq!(report["category"]["code"], "problem.lighting");
    assert_eq!(report["kind"], "problem");
    assert_eq!(report["district"]["number"], 1);
    // Rounded to about 100 m, as on the public page.
    let coarse = miasto_domain::geo::Point::new(50.0617, 19.9373)
        .unwrap()
        .coarse();
    assert_eq!(report["location"]["lat"], coarse.lat());
    assert_eq!(report["location"]["lon"], coarse.lon());
    assert_ne!(report["location"]["lon"], 19.9373);
    assert_eq!(report["supported"], false);
    assert_eq!(report["updates"][0]["kind"], "created");
    // The photo waits for a moderator: received, not yet public.
    assert_eq!(sent["data"]["photos_received"], 1);
    assert_eq!(report["photos"], json!([]));
    let tracking = sent["data"]["tracking_token"].as_str().unwrap().to_owned();
    assert_eq!(tracking.len(), 64);

    let number = TrackingNumber::parse(&id).unwrap();
    let stored = miasto_store::reports::get_by_number(&app.db.db, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.channel, Channel::Api);
    assert_eq!(
        stored.reporter,
        Some(app.get_user("marek.app@example.pl").await.unwrap().id)
    );
    assert_eq!(stored.answers["pole_number"], vec!["K-12"]);
    assert_eq!(stored.answers["lamps_out"], vec!["several"]);
    let photos =
        miasto_store::photos::list(&app.db.db, stored.id, miasto_store::photos::Audience::Staff)
            .await
            .unwrap();
    assert_eq!(photos.len(), 1);
    assert!(photos[0].is_pending());
    let original = app
        .files_dir
        .path()
        .join(photos[0].key(miasto_store::photos::Variant::Original));
    assert!(!has_exif(&std::fs::read(original).unwrap()));
    // The receipt goes to the account's address, with the private link.
    let receipts = app.emails_to("marek.app@example.pl").await;
    assert_eq!(receipts.len(), 1);
    assert!(receipts[0].body_text.contains(&tracking));

    // A retry after a lost answer: the same report, marked as a replay, no second report.
    let res = send().await;
    res.assert_status(StatusCode::CREATED);
    assert_eq!(res.header("idempotent-replayed"), Some("true"));
    let replay = body(&res);
    assert_eq!(replay["data"]["report"]["id"], id.as_str());
    assert_eq!(replay["data"]["tracking_token"], Value::Null);
    assert_eq!(miasto_store::reports::count(&app.db.db).await.unwrap(), 1);
    // The same key for something else is refused; a key of another sender is its own.
    let mut changed = fields;
    changed[1].1 = "Nie świeci latarnia przy wejściu do parku, od tygodnia";
    assert_error(
        &send_report(&app, Some(&token), Some(key), &changed, &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    let long = "k".repeat(300);
    assert_error(
        &send_report(&app, Some(&token), Some(&long), &fields, &[]).await,
        StatusCode::BAD_REQUEST,
        "idempotency_key_invalid",
    );
    let res = send_report(&app, None, Some(key), &fields, &[]).await;
    res.assert_status(StatusCode::CREATED);
    let anonymous = body(&res);
    assert_ne!(anonymous["data"]["report"]["id"], id.as_str());
    let second =
        TrackingNumber::parse(anonymous["data"]["report"]["id"].as_str().unwrap()).unwrap();
    let second = miasto_store::reports::get_by_number(&app.db.db, second)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.reporter, None);

    // "My reports" holds the resident's own report only.
    let mine = body(&get(&app, "/api/v1/me/reports", Some(&token)).await);
    let ids: Vec<&str> = mine["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![id.as_str()]);
    assert!(mine.get("next_cursor").is_none());
}

#[tokio::test]
async fn a_report_with_mistakes_is_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    type Pairs<'a> = Vec<(&'a str, &'a str)>;
    // What was sent, and the (field, code) pairs the answer must name, in order.
    let cases: Vec<(Pairs, Pairs)> = vec![
        (
            vec![("description", "krótko")],
            vec![
                ("category", "required"),
                ("location", "location_missing"),
                ("description", "too_short"),
            ],
        ),
        (
            vec![
                ("category", "problem.tree-felling"),
                ("description", "Drzewo pochyla się nad jezdnią"),
                ("lat", RYNEK.0),
            ],
            vec![
                ("lon", "coordinates_pair"),
                ("answers.danger", "answer_missing"),
            ],
        ),
        (
            vec![
                ("category", "problem.lighting"),
                ("description", "Nie świeci latarnia przy wejściu do parku"),
                ("lat", "52.2297"),
                ("lon", "21.0122"),
                ("answers", "[1, 2]"),
                ("contact_email", "anna@example.pl"),
            ],
            vec![
                ("lat", "outside_city"),
                ("answers", "answers_malformed"),
                ("consent", "consent_required"),
            ],
        ),
        (
            vec![
                ("category", "problem.lighting"),
                ("description", "Nie świeci latarnia przy wejściu do parku"),
                ("address", "ul. Floriańska 1"),
                ("answers", r#"{"lamps_out": "all"}"#),
            ],
            vec![("answers.lamps_out", "answer_not_a_choice")],
        ),
    ];
    for (fields, expected) in cases {
        let res = send_report(&app, None, None, &fields, &[]).await;
        let value = assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
            .collect();
        assert_eq!(field_codes(&value), expected, "{fields:?}");
    }
    // A file that is not a photo is named in the message.
    let res = send_report(
        &app,
        None,
        None,
        &[
            ("category", "problem.lighting"),
            ("description", "Nie świeci latarnia przy wejściu do parku"),
            ("address", "ul. Floriańska 1"),
        ],
        &[("photos", "umowa.pdf", b"%PDF-1.4 not a photo")],
    )
    .await;
    let value = assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(value["error"]["fields"][0]["field"], "photos");
    assert!(
        value["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("umowa.pdf")
    );
    // Not multipart, or a dead token: refused before anything else.
    assert_error(
        &post_json(&app, "/api/v1/reports", None, json!({})).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_error(
        &send_report(&app, Some("mt_nie-ma-takiego"), None, &[], &[]).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(miasto_store::reports::count(&app.db.db).await.unwrap(), 0);
}

#[tokio::test]
async fn the_public_list_pages_with_cursors_filters_and_shows_nothing_personal() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for (i, category) in [
        "problem.lighting",
        "problem.roads",
        "idea.greenery",
        "problem.roads",
        "problem.lighting",
    ]
    .iter()
    .enumerate()
    {
        let description = format!("Zgłoszenie numer {i} z aplikacji mobilnej");
        let res = send_report(
            &app,
            None,
            None,
            &[
                ("category", category),
                ("description", &description),
                ("lat", RYNEK.0),
                ("lon", RYNEK.1),
                ("address", "ul. Prywatna 7/3"),
                ("contact_name", "Jan Tajny"),
                ("contact_email", "jan.tajny@example.pl"),
                ("consent", "true"),
            ],
            &[],
        )
        .await;
        res.assert_status(StatusCode::CREATED);
        ids.push(
            body(&res)["data"]["report"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids.reverse();

    // Newest first, two at a time, each report once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/reports?limit=2".to_owned();
    loop {
        let res = get(&app, &path, None).await;
        res.assert_status(StatusCode::OK);
        res.assert_lacks("Jan Tajny")
            .assert_lacks("jan.tajny")
            .assert_lacks("Prywatna")
            .assert_lacks("50.0617");
        let page = body(&res);
        let items = page["data"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(cursor) => path = format!("/api/v1/reports?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    let listed = |v: Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        listed(body(&get(&app, "/api/v1/reports?kind=idea", None).await)),
        vec![ids[2].clone()]
    );
    assert_eq!(
        listed(body(
            &get(&app, "/api/v1/reports?category=problem.roads", None).await
        )),
        vec![ids[1].clone(), ids[3].clone()]
    );
    assert_eq!(
        listed(body(
            &get(&app, "/api/v1/reports?district=1&limit=100", None).await
        ))
        .len(),
        5
    );
    assert!(listed(body(&get(&app, "/api/v1/reports?district=2", None).await)).is_empty());

    let first =
        miasto_store::reports::get_by_number(&app.db.db, TrackingNumber::parse(&ids[4]).unwrap())
            .await
            .unwrap()
            .unwrap();
    miasto_store::reports::change_status(
        &app.db.db,
        first.id,
        Some(Status::New),
        Status::Solved,
        None,
        Some("Wymieniono żarówkę.".into()),
        Some("zlecenie 17".into()),
    )
    .await
    .unwrap();
    assert_eq!(
        listed(body(&get(&app, "/api/v1/reports?open=false", None).await)),
        vec![ids[4].clone()]
    );
    assert_eq!(
        listed(body(
            &get(&app, "/api/v1/reports?status=solved", None).await
        )),
        vec![ids[4].clone()]
    );
    let res = get(&app, &format!("/api/v1/reports/{}", ids[4]), None).await;
    res.assert_lacks("zlecenie 17").assert_lacks("jan.tajny");
    let detail = body(&res);
    assert_eq!(detail["data"]["status"]["code"], "solved");
    assert_eq!(detail["data"]["status"]["open"], false);
    assert_eq!(detail["data"]["status"]["label"], "Problem rozwiązany");
    assert_eq!(detail["data"]["supported"], Value::Null);
    let updates = detail["data"]["updates"].as_array().unwrap();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[1]["message"], "Wymieniono żarówkę.");
    assert_eq!(updates[1]["status"]["code"], "solved");
    assert!(detail["data"]["closed_at"].as_str().unwrap().ends_with('Z'));

    for (query, field, code) in [
        ("limit=0", "limit", "limit_out_of_range"),
        ("limit=abc", "limit", "limit_out_of_range"),
        ("cursor=zzz", "cursor", "cursor_invalid"),
        ("kind=complaint", "kind", "kind_unknown"),
        ("district=99", "district", "district_unknown"),
        ("open=maybe", "open", "not_a_boolean"),
    ] {
        let value = assert_error(
            &get(&app, &format!("/api/v1/reports?{query}"), None).await,
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        );
        assert_eq!(
            field_codes(&value),
            vec![(field.to_owned(), code.to_owned())],
            "{query}"
        );
    }
    assert_error(
        &get(&app, "/api/v1/reports/2026-999999", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&app, "/api/v1/reports/nonsense", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&app, "/api/v1/no-such-thing", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &call(&app, "PUT", "/api/v1/reports", None, &[], Body::empty()).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    // Reference data for the report form.
    let categories = body(&get(&app, "/api/v1/categories", None).await);
    let lighting = categories["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "problem.lighting")
        .unwrap();
    assert_eq!(lighting["questions"][1]["code"], "lamps_out");
    assert_eq!(lighting["questions"][1]["choices"][0]["key"], "one");
    let districts = body(&get(&app, "/api/v1/districts", None).await);
    assert_eq!(districts["data"].as_array().unwrap().len(), 18);
    assert_eq!(districts["data"][17]["roman"], "XVIII");
}

#[tokio::test]
async fn supporters_and_reporters_get_notifications_and_mark_them_read() {
    let app = TestApp::new().await;
    let reporter = signed_in(&app, "autorka@example.pl").await;
    let supporter = signed_in(&app, "sasiad@example.pl").await;
    let res = send_report(
        &app,
        Some(&reporter),
        None,
        &[
            ("category", "problem.roads"),
            (
                "description",
                "Dziura w jezdni przed przejściem dla pieszych",
            ),
            ("lat", RYNEK.0),
            ("lon", RYNEK.1),
        ],
        &[],
    )
    .await;
    let id = body(&res)["data"]["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let support = format!("/api/v1/reports/{id}/support");

    assert_error(
        &call(&app, "POST", &support, None, &[], Body::empty()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let first = body(&call(&app, "POST", &support, Some(&supporter), &[], Body::empty()).await);
    assert_eq!(
        first["data"],
        json!({ "supported": true, "added": true, "support_count": 1 })
    );
    let again = body(&call(&app, "POST", &support, Some(&supporter), &[], Body::empty()).await);
    assert_eq!(again["data"]["added"], false);
    assert_eq!(again["data"]["support_count"], 1);
    assert_eq!(
        body(&get(&app, &format!("/api/v1/reports/{id}"), Some(&supporter)).await)["data"]["supported"],
        true
    );

    let number = TrackingNumber::parse(&id).unwrap();
    let report = miasto_store::reports::get_by_number(&app.db.db, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.support_count, 1);
    let empty = body(&get(&app, "/api/v1/me/notifications", Some(&supporter)).await);
    assert_eq!(empty["data"], json!([]));
    assert_eq!(empty["unread"], 0);

    miasto_store::reports::change_status(
        &app.db.db,
        report.id,
        Some(Status::New),
        Status::BeingSolved,
        None,
        Some("Zlecono naprawę.".into()),
        None,
    )
    .await
    .unwrap();
    for token in [&reporter, &supporter] {
        let feed = body(&get(&app, "/api/v1/me/notifications", Some(token)).await);
        assert_eq!(feed["unread"], 1);
        let n = &feed["data"][0];
        assert_eq!(n["report_id"], id.as_str());
        assert_eq!(n["kind"], "status_changed");
        assert_eq!(n["status"]["code"], "being_solved");
        assert_eq!(n["message"], "Zlecono naprawę.");
        assert_eq!(n["unread"], true);
        assert_eq!(n["reporter"], *token == reporter);
    }
    assert_eq!(
        body(&get(&app, "/api/v1/me", Some(&supporter)).await)["data"]["unread_notifications"],
        1
    );
    let read = body(
        &call(
            &app,
            "POST",
            "/api/v1/me/notifications/read",
            Some(&supporter),
            &[],
            Body::empty(),
        )
        .await,
    );
    assert_eq!(read["data"]["unread"], 0);
    let feed = body(&get(&app, "/api/v1/me/notifications", Some(&supporter)).await);
    assert_eq!(feed["unread"], 0);
    assert_eq!(feed["data"][0]["unread"], false);
    // The reporter's own mark is theirs alone.
    assert_eq!(
        body(&get(&app, "/api/v1/me/notifications", Some(&reporter)).await)["unread"],
        1
    );

    miasto_store::reports::change_status(
        &app.db.db,
        report.id,
        Some(Status::BeingSolved),
        Status::Solved,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    let feed = body(&get(&app, "/api/v1/me/notifications?limit=1", Some(&supporter)).await);
    assert_eq!(feed["unread"], 1);
    assert_eq!(feed["data"].as_array().unwrap().len(), 1);
    assert_eq!(feed["data"][0]["status"]["code"], "solved");
    let cursor = feed["next_cursor"].as_str().unwrap();
    let older = body(
        &get(
            &app,
            &format!("/api/v1/me/notifications?limit=1&cursor={cursor}"),
            Some(&supporter),
        )
        .await,
    );
    assert_eq!(older["data"][0]["status"]["code"], "being_solved");
    assert!(older.get("next_cursor").is_none());

    // A closed report takes no more support.
    let late = signed_in(&app, "spozniony@example.pl").await;
    assert_error(
        &call(&app, "POST", &support, Some(&late), &[], Body::empty()).await,
        StatusCode::CONFLICT,
        "report_closed",
    );
}

/// The OpenAPI document is part of the contract: a change to it shows up here. Run with
/// `UPDATE_SNAPSHOTS=1` to accept a change.
#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::new().await;
    let res = get(&app, "/api/v1/openapi.json", None).await;
    res.assert_status(StatusCode::OK);
    let served = body(&res);
    assert_eq!(served["openapi"], "3.1.0");
    let pretty = format!("{}\n", serde_json::to_string_pretty(&served).unwrap());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        snapshot == pretty,
        "docs/openapi.json differs from the served document; run with UPDATE_SNAPSHOTS=1 and review the diff"
    );
    // Every operation says what it does and answers errors in the envelope.
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path}"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

/// A published consultation with comments and a survey, opened by the clock (the test runs
/// inside `clock`); its slug.
async fn consultation_for_the_app(app: &TestApp) -> String {
    use miasto_domain::consultations::survey::{Audience, RawQuestion, Survey};
    use miasto_domain::consultations::{self as rules, Kind, Schedule};
    use miasto_store::consultations::{self as store, survey};
    let now = miasto_store::now();
    let unit = miasto_store::reference::list_units(&app.db.db)
        .await
        .unwrap()[0]
        .id;
    let content = store::Content {
        plan: rules::check_plan(&rules::RawPlan {
            kind: "standard",
            title: "Park Lotników",
            goal: "Poznać potrzeby.",
            contact_name: "Wydział",
            contact_email: "wd@example.pl",
            ..Default::default()
        })
        .unwrap(),
        organisation: rules::check_organisation(
            Some(unit),
            &["comments", "survey"],
            true,
            Vec::new(),
        )
        .unwrap(),
        schedule: Schedule::new(
            Kind::Standard,
            &Default::default(),
            now + chrono::Duration::days(1),
            now + chrono::Duration::days(8),
            now + chrono::Duration::days(30),
            now + chrono::Duration::days(60),
        )
        .unwrap(),
    };
    let official = miasto_domain::UserId::new();
    let c = store::create(&app.db.db, &content, official).await.unwrap();
    let mut s = Survey {
        audience: Audience::Accounts,
        ..Survey::default()
    };
    for q in [
        RawQuestion {
            kind: "single",
            text: "Czy bywasz w parku?",
            options: "Tak\nNie",
            required: true,
            ..Default::default()
        },
        RawQuestion {
            kind: "ranking",
            text: "Co najpierw?",
            options: "Ławki\nZieleń\nPlac zabaw",
            ..Default::default()
        },
        RawQuestion {
            kind: "matrix",
            text: "Oceń",
            options: "Źle\nDobrze",
            rows: "Ławki\nŚcieżki",
            ..Default::default()
        },
    ] {
        let q = s.check_question(&q).unwrap();
        s.questions.push(q);
    }
    survey::save(&app.db.db, c.id, &s, 0).await.unwrap();
    store::publish(&app.db.db, c.id).await.unwrap();
    c.slug
}

#[tokio::test]
async fn an_app_lists_consultations_comments_and_answers_the_survey_once() {
    let clock = miasto_store::clock::Clock::at(chrono::Utc::now());
    clock
        .clone()
        .run(async move {
            let app = TestApp::new().await;
            let slug = consultation_for_the_app(&app).await;
            let base = format!("/api/v1/consultations/{slug}");
            let list = body(&get(&app, "/api/v1/consultations", None).await);
            assert_eq!(list["data"][0]["slug"], slug.as_str());
            assert_eq!(list["data"][0]["phase"], "announced");
            assert_error(
                &get(&app, "/api/v1/consultations?district=99", None).await,
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            );
            let token = signed_in(&app, "app-mieszkanka@example.pl").await;
            // Not open yet: refused with the rulebook's code.
            assert_error(
                &post_json(
                    &app,
                    &format!("{base}/comments"),
                    Some(&token),
                    json!({ "body": "Za wcześnie." }),
                )
                .await,
                StatusCode::CONFLICT,
                "consult_phase",
            );
            clock.set(chrono::Utc::now() + chrono::Duration::days(10));
            assert_error(
                &post_json(
                    &app,
                    &format!("{base}/comments"),
                    None,
                    json!({ "body": "Bez konta." }),
                )
                .await,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
            );
            let short = post_json(
                &app,
                &format!("{base}/comments"),
                Some(&token),
                json!({ "body": "ok" }),
            )
            .await;
            let value = assert_error(
                &short,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            );
            assert_eq!(
                field_codes(&value),
                [("body".to_owned(), "too_short".to_owned())]
            );
            let res = post_json(
                &app,
                &format!("{base}/comments"),
                Some(&token),
                json!({ "body": "Więcej ławek w cieniu." }),
            )
            .await;
            res.assert_status(StatusCode::CREATED);
            assert_eq!(body(&res)["data"]["channel"], "app");
            let page = body(&get(&app, &format!("{base}/comments?limit=1"), None).await);
            assert_eq!(page["data"][0]["body"], "Więcej ławek w cieniu.");
            assert!(page["data"][0].get("answer").is_none());
            assert!(page.get("next_cursor").is_none());
            assert_error(
                &get(&app, &format!("{base}/comments?cursor=zzz"), None).await,
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
            );

            // The survey, answered once: a ranking as an order, a matrix row by row.
            let survey = body(&get(&app, &format!("{base}/survey"), Some(&token)).await);
            assert_eq!(survey["data"]["audience"], "accounts");
            assert_eq!(survey["data"]["answered"], false);
            assert_eq!(survey["data"]["questions"][1]["kind"], "ranking");
            let responses = format!("{base}/survey/responses");
            let wrong = post_json(
                &app,
                &responses,
                Some(&token),
                json!({ "answers": { "q1": "tak", "q9": 1 } }),
            )
            .await;
            assert_error(
                &wrong,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            );
            let missing = post_json(
                &app,
                &responses,
                Some(&token),
                json!({ "answers": { "q2": [2, 0, 1] } }),
            )
            .await;
            let value = assert_error(
                &missing,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            );
            assert_eq!(
                field_codes(&value),
                [("answers.q1".to_owned(), "required".to_owned())]
            );
            assert_error(
                &post_json(&app, &responses, None, json!({ "answers": { "q1": 0 } })).await,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
            );
            let answer = json!({ "answers": { "q1": 0, "q2": [2, 0, 1], "q3": [1, null] } });
            post_json(&app, &responses, Some(&token), answer.clone())
                .await
                .assert_status(StatusCode::CREATED);
            assert_error(
                &post_json(&app, &responses, Some(&token), answer).await,
                StatusCode::CONFLICT,
                "consult_answered",
            );
            let survey = body(&get(&app, &format!("{base}/survey"), Some(&token)).await);
            assert_eq!(survey["data"]["answered"], true);
            let c = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
                .await
                .unwrap()
                .unwrap();
            let tallies = miasto_store::consultations::survey::tallies(&app.db.db, c.id)
                .await
                .unwrap();
            assert_eq!(tallies.get("q2:2@1"), Some(&1), "{tallies:?}");
            assert_eq!(tallies.get("q3:r0:c1"), Some(&1));
            // Counted as sent from the app.
            let (channels, days) = miasto_store::consultations::response_figures(&app.db.db, c.id)
                .await
                .unwrap();
            assert_eq!(channels, [("app".to_owned(), 1)]);
            assert_eq!(days.len(), 1);
            assert_error(
                &get(&app, "/api/v1/consultations/nie-ma/survey", None).await,
                StatusCode::NOT_FOUND,
                "not_found",
            );
        })
        .await;
}

/// utoipa names a schema by its type's name, so two response types of the same name in two
/// modules silently become one in the document (the later wins and clients are told the wrong
/// shape): every type the API documents has a name of its own.
#[test]
fn every_documented_type_has_its_own_name() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api"),
        &mut files,
    );
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut documented = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") {
                documented = line.contains("ToSchema");
            } else if let Some(rest) = line.strip_prefix("pub struct ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if documented {
                    let here = file.display().to_string();
                    if let Some(other) = seen.insert(name.clone(), here.clone()) {
                        panic!("{name} is documented in both {other} and {here}");
                    }
                }
                documented = false;
            }
        }
    }
    assert!(seen.contains_key("ConsultationItem"), "{seen:?}");
}
