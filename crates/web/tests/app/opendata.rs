//! Open data: the anonymised reports dataset in CSV, JSON and GeoJSON, daily statistics,
//! filters, schemas, the DCAT-AP catalogue and the catalogue page — and that nothing personal
//! ever leaves, however many pages of rows a download spans.

use crate::harness::TestApp;
use axum::http::StatusCode;
use miasto_domain::reports::Status;
use serde_json::Value;

const HEADER: &str =
    "id,kind,category,category_name,district,lat,lon,status,created_at,closed_at,unit,channel";

async fn send(app: &TestApp, category: &str, description: &str) -> String {
    let (content_type, body) = crate::harness::multipart(
        &[
            ("category", category),
            ("description", description),
            ("lat", "50.0617"),
            ("lon", "19.9373"),
            ("address", "ul. Prywatna 7/3"),
            ("contact_name", "Jan Tajny"),
            ("contact_email", "jan.tajny@example.pl"),
            ("consent", "true"),
        ],
        &[],
    );
    let res = app
        .browser()
        .request(
            "POST",
            "/api/v1/reports",
            &[("content-type", content_type.as_str())],
            axum::body::Body::from(body),
        )
        .await;
    res.assert_status(StatusCode::CREATED);
    let v: Value = serde_json::from_str(&res.body).unwrap();
    v["data"]["report"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn datasets_download_in_every_format_without_anything_personal() {
    let app = TestApp::new().await;
    let a = send(
        &app,
        "problem.lighting",
        "Nie świeci latarnia pod domem pana Jana",
    )
    .await;
    let b = send(
        &app,
        "idea.greenery",
        "Posadźmy drzewa na skwerze, pisze Jan Tajny",
    )
    .await;
    let number = miasto_domain::reports::TrackingNumber::parse(&a).unwrap();
    let first = miasto_store::reports::get_by_number(&app.db.db, number)
        .await
        .unwrap()
        .unwrap();
    miasto_store::reports::change_status(
        &app.db.db,
        first.id,
        Some(Status::New),
        Status::Solved,
        None,
        Some("Naprawione".into()),
        None,
    )
    .await
    .unwrap();

    let csv = app.browser().get("/opendata/reports.csv").await;
    csv.assert_status(StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    for secret in [
        "Tajny",
        "jan.tajny",
        "Prywatna",
        "latarnia",
        "50.0617",
        "19.9373",
    ] {
        csv.assert_lacks(secret);
    }
    let lines: Vec<&str> = csv.body.trim_end().split("\r\n").collect();
    assert_eq!(lines[0], format!("\u{feff}{HEADER}"));
    assert_eq!(lines.len(), 3);
    // Newest first; the closed one carries its closing time.
    assert!(
        lines[1].starts_with(&format!("{b},idea,idea.greenery,Zieleń,1,")),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!(
            "{a},problem,problem.lighting,Awarie oświetlenia,1,50.062,"
        )),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains(",solved,"));
    assert!(lines[2].ends_with(",ZDMK,api"));

    let json: Value =
        serde_json::from_str(&app.browser().get("/opendata/reports.json").await.body).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[1]["district"], 1);
    assert_eq!(json[0]["closed_at"], Value::Null);
    let geo = app.browser().get("/opendata/reports.geojson").await;
    assert_eq!(geo.header("content-type"), Some("application/geo+json"));
    let geo: Value = serde_json::from_str(&geo.body).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let coordinates = &geo["features"][1]["geometry"]["coordinates"];
    assert_eq!(coordinates[1], 50.062);
    assert_eq!(geo["features"][1]["properties"]["id"], a.as_str());

    // Filters.
    let only = |path: &str| {
        let app = &app;
        let path = path.to_owned();
        async move {
            let v: Value = serde_json::from_str(&app.browser().get(&path).await.body).unwrap();
            v.as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(only("/opendata/reports.json?kind=idea").await, [b.as_str()]);
    assert_eq!(
        only("/opendata/reports.json?category=problem.lighting").await,
        [a.as_str()]
    );
    assert!(only("/opendata/reports.json?district=2").await.is_empty());
    assert!(
        only("/opendata/reports.json?to=2020-12-31")
            .await
            .is_empty()
    );
    assert_eq!(
        only("/opendata/reports.json?from=2020-01-01").await.len(),
        2
    );
    for bad in [
        "kind=complaint",
        "from=yesterday",
        "district=99",
        "category=nope",
    ] {
        app.browser()
            .get(&format!("/opendata/reports.csv?{bad}"))
            .await
            .assert_status(StatusCode::BAD_REQUEST);
    }
    app.browser()
        .get("/opendata/daily.geojson")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    app.browser()
        .get("/opendata/secrets.csv")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Daily statistics: one row per day, kind, category and district.
    let daily = app.browser().get("/opendata/daily.csv").await;
    let rows: Vec<&str> = daily.body.trim_end().split("\r\n").skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", daily.body);
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",problem,problem.lighting,1,1,1,1")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",idea,idea.greenery,1,1,0,0")),
        "{rows:?}"
    );

    // Schemas name the same fields as the files.
    let schema: Value = serde_json::from_str(
        &app.browser()
            .get("/opendata/reports.schema.json")
            .await
            .body,
    )
    .unwrap();
    let names: Vec<&str> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.join(","), HEADER);
}

#[tokio::test]
async fn the_catalogue_lists_every_dataset_for_people_and_in_dcat_ap() {
    let app = TestApp::new().await;
    app.browser()
        .get("/opendata")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Zgłoszenia problemów i pomysłów")
        .assert_contains(r#"href="/opendata/reports.geojson""#)
        .assert_contains(r#"href="/opendata/daily.schema.json""#)
        .assert_contains("CC BY 4.0");
    let res = app.browser().get("/opendata/catalog.jsonld").await;
    assert_eq!(res.header("content-type"), Some("application/ld+json"));
    let doc: Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(doc["@type"], "dcat:Catalog");
    let datasets = doc["dcat:dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), 2);
    let reports = &datasets[0];
    assert_eq!(reports["dct:identifier"], "reports");
    assert_eq!(
        reports["dct:license"]["@id"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    let urls: Vec<&str> = reports["dcat:distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dcat:downloadURL"]["@id"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "http://miasto.test/opendata/reports.csv",
            "http://miasto.test/opendata/reports.json",
            "http://miasto.test/opendata/reports.geojson"
        ]
    );
    assert_eq!(reports["dct:title"][0]["@language"], "pl");
}

#[tokio::test]
async fn a_download_spanning_many_pages_has_every_report_once() {
    let app = TestApp::new().await;
    let category = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let unit = miasto_store::routing::route(&app.db.db, category.id, None)
        .await
        .unwrap()
        .unwrap();
    miasto_store::testing::seed_reports(&app.db.db, &category, unit, 2026, 4_500).await;
    let csv = app.browser().get("/opendata/reports.csv").await;
    let ids: std::collections::BTreeSet<&str> = csv
        .body
        .trim_end()
        .split("\r\n")
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 4_500);
    let json: Value =
        serde_json::from_str(&app.browser().get("/opendata/reports.json").await.body).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4_500);
}
