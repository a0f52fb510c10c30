//! Photos that survive a mistake in the form (issue 15): everything is checked in one pass,
//! the good photos are kept under the form's staging key and shown as thumbnails, sent with
//! the corrected form or removed, and forgotten by housekeeping when the form is abandoned.

use crate::harness::{Browser, TestApp, TestResponse};
use crate::reports::{RYNEK, category_id};
use axum::http::StatusCode;

/// The value of the hidden field `name` on the page.
fn hidden(res: &TestResponse, name: &str) -> Vec<String> {
    res.body
        .split(&format!(r#"name="{name}" value=""#))
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

async fn first_send<'a>(
    app: &'a TestApp,
    b: &mut Browser<'a>,
    description: &str,
    files: &[(&str, &str, &[u8])],
) -> (TestResponse, Vec<(&'static str, String)>) {
    let category = category_id(app, "problem.lighting").await;
    let fields: Vec<(&'static str, String)> = vec![
        ("kind", "problem".into()),
        ("category", category),
        ("lat", RYNEK.0.into()),
        ("lon", RYNEK.1.into()),
    ];
    let mut all: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.push(("description", description));
    let res = b.post_multipart("/reports", &all, files).await;
    (res, fields)
}

/// The photos of the report written last.
async fn attached_to_latest(app: &TestApp) -> Vec<miasto_store::photos::Photo> {
    let report = miasto_store::reports::search(&app.db.db, &Default::default(), 1)
        .await
        .unwrap()
        .remove(0);
    miasto_store::photos::list(&app.db.db, report.id, miasto_store::photos::Audience::Staff)
        .await
        .unwrap()
}

#[tokio::test]
async fn photos_are_kept_across_a_mistake_and_sent_with_the_corrected_form() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let photo = miasto_store::testing::jpeg(64, 48);
    let too_big = vec![0u8; miasto_store::photos::MAX_BYTES + 1];
    let (res, fields) = first_send(
        &app,
        &mut b,
        "krótko",
        &[
            ("photos", "latarnia.jpg", &photo),
            ("photos", "duzy.jpg", &too_big),
        ],
    )
    .await;
    // One pass: the text and the photo that cannot be used, together.
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("duzy.jpg")
        .assert_contains("zachowane");
    let summary = res
        .body
        .split(r#"<div class="error-summary""#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap();
    assert!(
        summary.contains("duzy.jpg"),
        "the photo's error is in the summary"
    );
    let key = hidden(&res, "staged_key").remove(0);
    let staged = hidden(&res, "staged");
    assert_eq!(
        staged.len(),
        1,
        "the good photo is kept, the bad one is not"
    );
    let thumb = format!("/reports/staged/{key}/{}", staged[0]);
    res.assert_contains(&thumb);
    let image = b.get(&thumb).await;
    image.assert_status(StatusCode::OK);
    assert_eq!(image.header("content-type"), Some("image/jpeg"));
    assert_eq!(image.header("cache-control"), Some("private, no-store"));
    // Without the key nobody sees it.
    let other_key = "0".repeat(64);
    b.get(&format!("/reports/staged/{other_key}/{}", staged[0]))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Corrected and sent again with no new file: the kept photo is attached.
    let mut again: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    again.extend([
        ("description", "Nie świeci latarnia przy przejściu"),
        ("staged_key", key.as_str()),
        ("staged", staged[0].as_str()),
    ]);
    b.post_multipart("/reports", &again, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let attached = attached_to_latest(&app).await;
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].id.to_string(), staged[0]);
    b.get(&thumb).await.assert_status(StatusCode::NOT_FOUND);
    // Nothing left to sweep: the attached photo's three files stay.
    app.housekeeping_after(chrono::Duration::hours(30)).await;
    assert_eq!(app.stored_files().len(), 3);
}

#[tokio::test]
async fn a_kept_photo_can_be_removed_and_an_abandoned_form_leaves_nothing() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let one = miasto_store::testing::jpeg(64, 48);
    let two = miasto_store::testing::jpeg(48, 64);
    let (res, fields) = first_send(
        &app,
        &mut b,
        "krótko",
        &[("photos", "a.jpg", &one), ("photos", "b.jpg", &two)],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let key = hidden(&res, "staged_key").remove(0);
    let staged = hidden(&res, "staged");
    assert_eq!(staged.len(), 2);
    let mut again: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    again.extend([
        ("description", "Nie świeci latarnia przy przejściu"),
        ("staged_key", key.as_str()),
        ("staged", staged[0].as_str()),
        ("staged", staged[1].as_str()),
        ("remove", staged[1].as_str()),
    ]);
    b.post_multipart("/reports", &again, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let attached = attached_to_latest(&app).await;
    assert_eq!(attached.len(), 1, "the removed photo is not attached");
    assert_eq!(attached[0].id.to_string(), staged[0]);

    // Another resident gives up after a mistake: a day later nothing of theirs is kept.
    let mut quitter = app.browser();
    let (res, _) = first_send(&app, &mut quitter, "krótko", &[("photos", "c.jpg", &one)]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.stored_files().len(),
        9,
        "three files for each of three photos"
    );
    app.housekeeping_after(chrono::Duration::hours(2)).await;
    assert_eq!(
        app.stored_files().len(),
        6,
        "the removed photo's files go within hours"
    );
    app.housekeeping_after(chrono::Duration::hours(25)).await;
    assert_eq!(
        app.stored_files().len(),
        3,
        "only the attached photo is left"
    );
}
