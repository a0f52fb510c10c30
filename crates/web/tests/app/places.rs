//! The geocoder port (issue 15): the city's gazetteer searched forgivingly, the
//! Nominatim/Photon adapter against a local stub speaking their formats, and the report forms
//! that use them without JavaScript — a typed address puts the pin, a pin names its street,
//! an address far from its pin is pointed out before sending.

use crate::harness::{Browser, TestApp, TestResponse, demo_gazetteer};
use crate::reports::{category_id, latest_report};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_store::places::{Api, Geocoder, Service};
use std::sync::{Arc, Mutex};

async fn with_gazetteer() -> TestApp {
    TestApp::builder().geocoder(demo_gazetteer()).build().await
}

fn json(res: &TestResponse) -> serde_json::Value {
    serde_json::from_str(&res.body).unwrap_or_else(|_| panic!("not JSON: {}", res.body))
}

async fn search(b: &mut Browser<'_>, q: &str) -> serde_json::Value {
    let query = serde_urlencoded::to_string([("q", q)]).unwrap();
    let res = b.get(&format!("/places/search?{query}")).await;
    res.assert_status(StatusCode::OK);
    json(&res)
}

fn labels(v: &serde_json::Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_gazetteer_finds_what_residents_type() {
    let app = with_gazetteer().await;
    let mut b = app.browser();
    for typed in [
        "ul. Karmelicka 20",
        "karmelicka 20",
        "KARMELICKA 20, Kraków",
        "ulica Karmelicka 20/4",
        "Karmelicka 20 31-128",
    ] {
        let found = search(&mut b, typed).await;
        let first = &found["results"][0];
        assert_eq!(first["label"], "ul. Karmelicka 20", "{typed}");
        assert_eq!(first["precision"], "address", "{typed}");
        assert_eq!(first["in_city"], true, "{typed}");
    }
    // Abbreviations, missing first names, Polish letters typed or not.
    assert_eq!(
        labels(&search(&mut b, "al. Mickiewicza 5").await)[0],
        "al. Adama Mickiewicza 5"
    );
    assert_eq!(
        search(&mut b, "al. Mickiewicza").await["results"][0]["precision"],
        "street"
    );
    assert_eq!(
        labels(&search(&mut b, "lobzowska 10").await)[0],
        "ul. Łobzowska 10"
    );
    assert_eq!(
        labels(&search(&mut b, "św. Wawrzyńca 7").await)[0],
        "ul. Świętego Wawrzyńca 7"
    );
    assert_eq!(
        labels(&search(&mut b, "gen. Bora-Komorowskiego 12").await)[0],
        "ul. Generała Tadeusza Bora-Komorowskiego 12"
    );
    assert_eq!(
        labels(&search(&mut b, "29 Listopada 100").await)[0],
        "al. 29 Listopada 100"
    );
    // A number the street does not have: its nearest, said so.
    let nearest = search(&mut b, "Karmelicka 500").await;
    assert_eq!(nearest["results"][0]["precision"], "nearest_number");
    assert_eq!(nearest["results"][0]["number"], "66");
    // Nothing, and too little to search.
    assert!(labels(&search(&mut b, "Marszałkowska 1").await).is_empty());
    assert!(labels(&search(&mut b, "ul").await).is_empty());
    let too_long = "a".repeat(400);
    b.get(&format!("/places/search?q={too_long}"))
        .await
        .assert_status(StatusCode::BAD_REQUEST);

    // The address nearest a pin, within 75 m.
    let res = b.get("/places/nearest?lat=50.065390&lon=19.929678").await;
    assert_eq!(json(&res)["place"]["label"], "ul. Karmelicka 20");
    let res = b.get("/places/nearest?lat=50.0&lon=19.7").await;
    assert!(json(&res)["place"].is_null());
    b.get("/places/nearest?lat=north&lon=19.7")
        .await
        .assert_status(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn without_a_geocoder_addresses_stay_free_text() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    assert!(labels(&search(&mut b, "ul. Karmelicka 20").await).is_empty());
    let category = category_id(&app, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&address=ul.+Karmelicka+20"
        ))
        .await;
    step2
        .assert_status(StatusCode::OK)
        .assert_contains(r#"name="lat" value="""#)
        .assert_lacks("Pinezkę postawiliśmy");
    // No address search box on the map either.
    b.get("/reports/new").await.assert_lacks("place-q");
}

/// The value of the hidden field `name` on the page.
fn hidden(res: &TestResponse, name: &str) -> String {
    res.body
        .split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Sends the report the way a browser without JavaScript does: step two's hidden fields.
async fn send_from(b: &mut Browser<'_>, step2: &TestResponse) -> TestResponse {
    let names = [
        "kind", "category", "address", "district", "lat", "lon", "form_key",
    ];
    let values: Vec<(&str, String)> = names.iter().map(|n| (*n, hidden(step2, n))).collect();
    let mut fields: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    fields.push(("description", "Nie świeci latarnia od tygodnia"));
    b.post_multipart("/reports", &fields, &[]).await
}

#[tokio::test]
async fn a_typed_address_puts_the_pin_without_javascript() {
    let app = with_gazetteer().await;
    let mut b = app.browser();
    b.get("/reports/new")
        .await
        .assert_contains(r#"id="place-q""#);
    let category = category_id(&app, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&address=karmelicka+20"
        ))
        .await;
    step2
        .assert_status(StatusCode::OK)
        .assert_contains("Pinezkę postawiliśmy pod wpisanym adresem: ul. Karmelicka 20.");
    assert_eq!(hidden(&step2, "lat"), "50.065390");
    // What the resident typed stays as typed.
    assert_eq!(hidden(&step2, "address"), "karmelicka 20");
    let res = send_from(&mut b, &step2).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let report = latest_report(&app).await;
    let point = report.point.expect("the report has the address's pin");
    assert!((point.lat() - 50.065390).abs() < 1e-6);
    // The pin decided the district: Karmelicka 20 is in Stare Miasto (I).
    let districts = miasto_store::reference::list_districts(&app.db.db)
        .await
        .unwrap();
    let district = districts
        .iter()
        .find(|d| Some(d.id) == report.district)
        .unwrap();
    assert_eq!(district.number, 1);

    // A street without a number is not precise enough for a pin.
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&address=Karmelicka"
        ))
        .await;
    step2.assert_lacks("Pinezkę postawiliśmy");
    assert_eq!(hidden(&step2, "lat"), "");
}

#[tokio::test]
async fn a_pin_names_its_street_and_a_far_address_is_pointed_out() {
    let app = with_gazetteer().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat=50.06540&lon=19.92970"
        ))
        .await;
    step2.assert_contains("Najbliższy adres od pinezki: ul. Karmelicka 20.");
    assert_eq!(hidden(&step2, "address"), "ul. Karmelicka 20");
    let res = send_from(&mut b, &step2).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        latest_report(&app).await.address.as_deref(),
        Some("ul. Karmelicka 20")
    );

    // Typed "Karmelicka 20", pinned on ul. Wielicka: said before sending, in both languages.
    let far = format!(
        "/reports/new/details?kind=problem&category={category}&address=Karmelicka+20&lat=50.0300&lon=19.9822"
    );
    let step2 = b.get(&far).await;
    step2
        .assert_status(StatusCode::OK)
        .assert_contains("Adres i pinezka się nie zgadzają")
        .assert_contains("Wpisany adres (ul. Karmelicka 20) jest około");
    let mut en = app.browser();
    en.get("/").await;
    en.post("/language", &[("lang", "en"), ("return_to", "/")])
        .await;
    en.get(&far)
        .await
        .assert_contains("The address and the pin do not agree");
    // Close together: nothing to say.
    b.get(&format!(
        "/reports/new/details?kind=problem&category={category}&address=Karmelicka+20&lat=50.0655&lon=19.9298"
    ))
    .await
    .assert_lacks("się nie zgadzają");
}

#[tokio::test]
async fn the_hotline_finds_the_address_and_asks_about_a_far_pin() {
    let app = with_gazetteer().await;
    let (mut op, _) = app.logged_in("kck@example.pl", Role::Operator).await;
    op.get("/staff/intake")
        .await
        .assert_contains("data-map-picker")
        .assert_contains(r#"id="place-q""#);
    let category = category_id(&app, "problem.lighting").await;
    let res = op
        .post(
            "/staff/intake",
            &[
                ("channel", "phone"),
                ("category", &category),
                ("questions_for", &category),
                ("address", "Floriańska 13"),
                ("description", "Nie świeci latarnia przed bramą"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let report = latest_report(&app).await;
    assert!(report.point.is_some(), "the typed address put the pin");

    let far = [
        ("channel", "phone"),
        ("category", category.as_str()),
        ("questions_for", category.as_str()),
        ("address", "Floriańska 13"),
        ("lat", "50.0300"),
        ("lon", "19.9822"),
        ("description", "Nie świeci latarnia przy sklepie"),
    ];
    let res = op.post("/staff/intake", &far).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Adres i pinezka się nie zgadzają")
        .assert_contains(r#"name="far_seen" value="1""#);
    let mut kept = far.to_vec();
    kept.push(("far_seen", "1"));
    let res = op.post("/staff/intake", &kept).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// What the stub service was asked.
#[derive(Default)]
struct Seen {
    paths: Vec<String>,
    agents: Vec<String>,
}

/// A local server speaking Nominatim's (or Photon's) format; `mode` "ok", "error" (500),
/// "slow" (answers after 3 s) or "junk".
async fn stub(mode: &'static str) -> (String, Arc<Mutex<Seen>>) {
    use axum::extract::{Query, State};
    use axum::http::HeaderMap;
    use std::collections::HashMap;
    type Shared = (Arc<Mutex<Seen>>, &'static str);
    async fn answer(
        State((seen, mode)): State<Shared>,
        uri: axum::http::Uri,
        headers: HeaderMap,
        Query(q): Query<HashMap<String, String>>,
    ) -> (StatusCode, String) {
        {
            let mut seen = seen.lock().unwrap();
            seen.paths.push(uri.to_string());
            seen.agents.push(
                headers
                    .get("user-agent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        match mode {
            "error" => return (StatusCode::INTERNAL_SERVER_ERROR, "oops".into()),
            "junk" => return (StatusCode::OK, "<html>".into()),
            "slow" => tokio::time::sleep(std::time::Duration::from_secs(3)).await,
            _ => {}
        }
        let body = match uri.path() {
            "/search" => {
                let typed = q.get("q").cloned().unwrap_or_default();
                if typed.contains("Karmelicka") {
                    r#"[{"lat":"50.0656","lon":"19.9299","display_name":"20, Karmelicka, Kraków",
                        "address":{"house_number":"20","road":"Karmelicka","postcode":"31-128","city":"Kraków"}},
                       {"lat":"50.0660","lon":"19.9295","display_name":"Karmelicka, Kraków",
                        "address":{"road":"Karmelicka","city":"Kraków"}},
                       {"lat":"52.2297","lon":"21.0122","display_name":"Karmelicka, Warszawa",
                        "address":{"road":"Karmelicka","city":"Warszawa"}}]"#
                } else {
                    "[]"
                }
            }
            "/reverse" => {
                r#"{"lat":"50.0656","lon":"19.9299","address":{"house_number":"20","road":"Karmelicka","postcode":"31-128"}}"#
            }
            "/api" => {
                r#"{"type":"FeatureCollection","features":[{"type":"Feature",
                    "geometry":{"type":"Point","coordinates":[19.9299,50.0656]},
                    "properties":{"street":"Karmelicka","housenumber":"20","postcode":"31-128","city":"Kraków"}}]}"#
            }
            _ => return (StatusCode::NOT_FOUND, String::new()),
        };
        (StatusCode::OK, body.to_owned())
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state((seen.clone(), mode));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/"), seen)
}

async fn with_service(base: &str, api: Api) -> TestApp {
    let districts = miasto_domain::geo::DistrictMap::default();
    let krakow = (
        miasto_domain::geo::Point::new(49.96, 19.79).unwrap(),
        miasto_domain::geo::Point::new(50.13, 20.22).unwrap(),
    );
    assert!(districts.bounds().is_none());
    let service = Service::new(base, api, "miasto-tests".into(), Some(krakow))
        .unwrap()
        .with_timeout(std::time::Duration::from_secs(1));
    TestApp::builder()
        .geocoder(Geocoder::Service(Arc::new(service)))
        .build()
        .await
}

#[tokio::test]
async fn a_nominatim_service_answers_through_the_same_port() {
    let (base, seen) = stub("ok").await;
    let app = with_service(&base, Api::Nominatim).await;
    let mut b = app.browser();
    let found = search(&mut b, "ul. Karmelicka 20").await;
    // The Warsaw result is outside the city's box and dropped.
    assert_eq!(labels(&found), ["Karmelicka 20, 31-128", "Karmelicka"]);
    assert_eq!(found["results"][0]["precision"], "address");
    assert_eq!(found["results"][1]["precision"], "street");
    let res = b.get("/places/nearest?lat=50.0656&lon=19.9300").await;
    assert_eq!(json(&res)["place"]["label"], "Karmelicka 20, 31-128");
    {
        let seen = seen.lock().unwrap();
        let asked = &seen.paths[0];
        assert!(asked.starts_with("/search?q=ul.+Karmelicka+20"), "{asked}");
        assert!(
            asked.contains("format=jsonv2") && asked.contains("bounded=1"),
            "{asked}"
        );
        assert!(
            asked.contains("viewbox=19.79%2C50.13%2C20.22%2C49.96"),
            "{asked}"
        );
        assert!(seen.paths[1].starts_with("/reverse?lat=50.0656&lon=19.93"));
        assert!(seen.agents.iter().all(|a| a == "miasto-tests"));
    }
    // The report form uses it too.
    let category = category_id(&app, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&address=Karmelicka+20"
        ))
        .await;
    assert_eq!(hidden(&step2, "lat"), "50.065600");
}

#[tokio::test]
async fn a_photon_service_answers_through_the_same_port() {
    let (base, seen) = stub("ok").await;
    let app = with_service(&base, Api::Photon).await;
    let mut b = app.browser();
    let found = search(&mut b, "Karmelicka 20").await;
    assert_eq!(labels(&found), ["Karmelicka 20, 31-128"]);
    assert!(seen.lock().unwrap().paths[0].starts_with("/api?q=Karmelicka+20"));
    assert!(seen.lock().unwrap().paths[0].contains("bbox=19.79%2C49.96%2C20.22%2C50.13"));
}

#[tokio::test]
async fn a_failing_service_finds_nothing_and_never_breaks_a_report() {
    for mode in ["error", "slow", "junk"] {
        let (base, _) = stub(mode).await;
        let app = with_service(&base, Api::Nominatim).await;
        let mut b = app.browser();
        assert!(
            labels(&search(&mut b, "Karmelicka 20").await).is_empty(),
            "{mode}"
        );
        let res = b.get("/places/nearest?lat=50.0656&lon=19.9300").await;
        assert!(json(&res)["place"].is_null(), "{mode}");
        let category = category_id(&app, "problem.lighting").await;
        let step2 = b
            .get(&format!(
                "/reports/new/details?kind=problem&category={category}&address=Karmelicka+20"
            ))
            .await;
        step2.assert_status(StatusCode::OK);
        let res = send_from(&mut b, &step2).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{mode}: {}", res.body);
    }
    // A service nobody listens on.
    let app = with_service("http://127.0.0.1:9/", Api::Nominatim).await;
    let mut b = app.browser();
    assert!(labels(&search(&mut b, "Karmelicka 20").await).is_empty());
}

#[tokio::test]
async fn address_searches_are_rate_limited() {
    let mut limits = miasto_web::RateLimits::default();
    limits.places_per_ip.max = 3;
    let app = TestApp::builder()
        .geocoder(demo_gazetteer())
        .limits(limits)
        .build()
        .await;
    let mut b = app.browser();
    for _ in 0..3 {
        search(&mut b, "Karmelicka 20").await;
    }
    let res = b.get("/places/search?q=Karmelicka").await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(res.header("retry-after").is_some());
}

#[tokio::test]
async fn report_and_project_pages_show_the_place_in_words_and_on_a_map() {
    let app = with_gazetteer().await;
    let mut b = app.browser();
    let category = category_id(&app, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat=50.065390&lon=19.929678"
        ))
        .await;
    let res = send_from(&mut b, &step2).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let report = latest_report(&app).await;
    // Public: the street only, a ~100 m circle, never the exact position.
    let public = b.get(&report.number.path()).await;
    public
        .assert_contains("W pobliżu: ul. Karmelicka")
        .assert_contains("data-map-view")
        .assert_contains("data-approximate")
        .assert_contains("openstreetmap.org/?mlat=")
        .assert_contains("/static/map.js")
        .assert_lacks("50.065390")
        .assert_lacks("Karmelicka 20");
    // Staff: the exact place with its number and a pin.
    let (mut staff, _) = app.logged_in("kck@example.pl", Role::Operator).await;
    let page = staff.get(&format!("/staff{}", report.number.path())).await;
    page.assert_contains("ul. Karmelicka 20")
        .assert_contains("Nowy status")
        .assert_contains(r#"data-lat="50.065390""#)
        .assert_lacks("data-approximate");

    // Without a geocoder the page says the rounded position in figures.
    let plain = TestApp::new().await;
    let mut b = plain.browser();
    let category = category_id(&plain, "problem.lighting").await;
    let step2 = b
        .get(&format!(
            "/reports/new/details?kind=problem&category={category}&lat=50.065390&lon=19.929678"
        ))
        .await;
    send_from(&mut b, &step2).await;
    let report = latest_report(&plain).await;
    b.get(&report.number.path())
        .await
        .assert_contains("50.065, 19.929")
        .assert_lacks("W pobliżu");
}

#[tokio::test]
async fn a_projects_location_is_found_on_the_map() {
    let app = with_gazetteer().await;
    let fx = miasto_store::testing::budget_edition(&app.db.db, "2026", true).await;
    let mut b = app.browser();
    let project = &fx.projects[0][0];
    let path = format!("/budget/2026/projects/{}", project.number);
    // The fixture's locations are not addresses: no map, the words as written.
    b.get(&path).await.assert_lacks("data-map-view");
    miasto_store::budget::import_project(
        &app.db.db,
        &fx.edition,
        &miasto_store::budget::NewProject {
            pool: fx.pools[0].id,
            code: None,
            author: None,
            title: "Ławki na Floriańskiej".into(),
            summary: "Nowe ławki na ulicy Floriańskiej dla mieszkańców i turystów.".into(),
            description: "Opis.".into(),
            location: "ul. Floriańska 13".into(),
            point: None,
            category: "greenery".into(),
            items: vec![miasto_store::budget::CostItem {
                description: "Wykonanie".into(),
                amount: 1_000_000,
            }],
            status: miasto_store::budget::ProjectStatus::Accepted,
        },
    )
    .await
    .unwrap();
    let filter = miasto_store::budget::ProjectFilter {
        text: Some("Floriańskiej".into()),
        ..Default::default()
    };
    let number = miasto_store::budget::projects(
        &app.db.db,
        fx.edition.id,
        &filter,
        miasto_store::Page::first(),
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|p| p.title == "Ławki na Floriańskiej")
    .unwrap()
    .number;
    b.get(&format!("/budget/2026/projects/{number}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("data-map-view")
        .assert_contains("<figcaption>ul. Floriańska 13");
}

#[tokio::test]
async fn the_public_list_sorts_by_distance_from_an_address_or_the_browsers_location() {
    let app = with_gazetteer().await;
    let mut b = app.browser();
    let by_karmelicka =
        crate::reports::lighting_report(&app, &mut b, ("50.0660", "19.9310"), "a@example.pl").await;
    let in_nowa_huta =
        crate::reports::lighting_report(&app, &mut b, ("50.0719", "20.0376"), "a@example.pl").await;
    let at_rynek =
        crate::reports::lighting_report(&app, &mut b, crate::reports::RYNEK, "a@example.pl").await;
    let order = |body: &str| {
        let mut found: Vec<(usize, String)> = [by_karmelicka, in_nowa_huta, at_rynek]
            .iter()
            .map(|n| (body.find(&n.path()).unwrap(), n.to_string()))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let newest = b.get("/reports").await;
    assert_eq!(
        order(&newest.body),
        [
            at_rynek.to_string(),
            in_nowa_huta.to_string(),
            by_karmelicka.to_string()
        ]
    );
    // Filters other than the search are folded away unless one is set.
    newest.assert_contains("<details class=\"more-filters\" data-open-wide>");
    let near = b.get("/reports?sort=near&near=ul.+Karmelicka+20").await;
    near.assert_status(StatusCode::OK)
        .assert_contains("Posortowano według odległości od: ul. Karmelicka 20.")
        .assert_contains(" m stąd</span>")
        .assert_contains("km stąd</span>");
    assert_eq!(
        order(&near.body),
        [
            by_karmelicka.to_string(),
            at_rynek.to_string(),
            in_nowa_huta.to_string()
        ]
    );
    // The browser's location (from "Near me"), in the city.
    let here = b
        .get("/reports?sort=near&lat=50.0719&lon=20.0370&district=")
        .await;
    here.assert_contains("Posortowano według odległości od: Twojej lokalizacji.");
    assert_eq!(order(&here.body)[0], in_nowa_huta.to_string());
    // Nothing to measure from, or a place outside Kraków: said on the field, newest first.
    for query in [
        "sort=near",
        "sort=near&lat=52.2297&lon=21.0122",
        "sort=near&near=ul.+Nieistniejąca+1",
    ] {
        let page = b.get(&format!("/reports?{query}")).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("id=\"near-error\"")
            .assert_contains("Aby posortować według odległości");
        assert_eq!(order(&page.body)[0], at_rynek.to_string(), "{query}");
    }
    let district = crate::reports::district_id(&app, 18).await;
    b.get(&format!("/reports?district={district}"))
        .await
        .assert_contains("<details class=\"more-filters\" open data-open-wide>");
    b.post("/language", &[("lang", "en"), ("return_to", "/reports")])
        .await;
    b.get("/reports?sort=near&near=Karmelicka+20")
        .await
        .assert_contains("Sorted by distance from: ul. Karmelicka 20.")
        .assert_contains(" km away</span>");
}

#[tokio::test]
async fn lists_never_ask_a_remote_service_once_per_row() {
    let (base, seen) = stub("ok").await;
    let app = with_service(&base, Api::Nominatim).await;
    let mut b = app.browser();
    let mut numbers = Vec::new();
    for at in [
        ("50.0656", "19.9300"),
        ("50.0617", "19.9373"),
        ("50.0719", "20.0376"),
    ] {
        numbers.push(crate::reports::lighting_report(&app, &mut b, at, "a@example.pl").await);
    }
    let asked = || seen.lock().unwrap().paths.len();
    let before = asked();
    let list = b.get("/reports").await;
    list.assert_status(StatusCode::OK);
    assert_eq!(asked(), before, "the list asked the service nothing");
    // What the service answered for a report's own page (shown after sending) serves the
    // list: the street is there without a new request.
    let reverse = seen
        .lock()
        .unwrap()
        .paths
        .iter()
        .filter(|p| p.starts_with("/reverse?lat=50.066&"))
        .count();
    assert_eq!(
        reverse, 1,
        "the report page asked once for the rounded point"
    );
    let row = list
        .body
        .split(&format!("href=\"{}\"", numbers[0].path()))
        .nth(1)
        .unwrap()
        .split("</li>")
        .next()
        .unwrap();
    assert!(row.contains("Karmelicka"), "{row}");
}
