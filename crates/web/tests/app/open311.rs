//! Open311 GeoReport v2: discovery, services and their questions, creating requests with an
//! API key, reading them back by id, search and token, FixMyStreet's updates feed, the error
//! lists, and the keys' limits, revocation and admin page — in JSON and XML.

use crate::harness::{TestApp, TestResponse};
use axum::body::Body;
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_domain::reports::{Channel, Status};
use miasto_store::api_clients;
use serde_json::Value;

const RYNEK: (&str, &str) = ("50.0617", "19.9373");

type Fields<'a> = Vec<(&'a str, &'a str)>;

async fn key(app: &TestApp, name: &str, per_hour: u32) -> String {
    api_clients::issue(&app.db.db, name, per_hour, None)
        .await
        .unwrap()
        .1
}

fn json(res: &TestResponse) -> Value {
    assert!(
        res.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json"),
        "{:?}",
        res.headers
    );
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

async fn get(app: &TestApp, path: &str) -> TestResponse {
    app.browser().get(path).await
}

async fn get_in(app: &TestApp, path: &str, language: &str) -> TestResponse {
    app.browser()
        .request("GET", path, &[("accept-language", language)], Body::empty())
        .await
}

/// A client's POST: a form body, no cookies, no fetch metadata.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> TestResponse {
    let body = serde_urlencoded::to_string(fields).unwrap();
    app.browser()
        .request(
            "POST",
            path,
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::from(body),
        )
        .await
}

#[track_caller]
fn assert_error(res: &TestResponse, status: StatusCode, words: &str) {
    res.assert_status(status);
    let errors = json(res);
    let errors = errors.as_array().unwrap();
    assert!(!errors.is_empty(), "{}", res.body);
    for error in errors {
        assert_eq!(error["code"], i64::from(status.as_u16()));
    }
    assert!(
        errors
            .iter()
            .any(|e| e["description"].as_str().unwrap().contains(words)),
        "{} lacks {words:?}",
        res.body
    );
}

#[tokio::test]
async fn discovery_and_services_describe_the_endpoint_in_json_and_xml() {
    let app = TestApp::new().await;

    let discovery = json(&get(&app, "/open311/v2/discovery.json").await);
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(endpoint["url"], "http://miasto.test/open311/v2");
    assert_eq!(endpoint["formats"][1], "application/json");
    let xml = get(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(xml.header("content-type"), Some("text/xml; charset=utf-8"));
    xml.assert_contains("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery>")
        .assert_contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>",
        );

    let services = json(&get(&app, "/open311/v2/services.json?jurisdiction_id=krakow.pl").await);
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), 14, "every active category is a service");
    let lighting = services
        .iter()
        .find(|s| s["service_code"] == "problem.lighting")
        .unwrap();
    assert_eq!(lighting["service_name"], "Awarie oświetlenia");
    assert_eq!(lighting["metadata"], true);
    assert_eq!(lighting["type"], "realtime");
    assert_eq!(lighting["group"], "Problemy");
    let roads = services
        .iter()
        .find(|s| s["service_code"] == "problem.roads")
        .unwrap();
    assert_eq!(roads["metadata"], false, "no questions, no metadata");
    get_in(&app, "/open311/v2/services.xml", "en")
        .await
        .assert_contains("<services><service><service_code>")
        .assert_contains("<service_name>Street lighting failures</service_name>")
        .assert_contains("<metadata>true</metadata>");

    // A definition is one object, not a list; its attributes are in order with their values.
    let tree = json(&get(&app, "/open311/v2/services/problem.tree-felling.json").await);
    assert_eq!(tree["service_code"], "problem.tree-felling");
    let danger = &tree["attributes"][0];
    assert_eq!(danger["code"], "danger");
    assert_eq!(danger["datatype"], "multivaluelist");
    assert_eq!(danger["required"], true);
    assert_eq!(danger["variable"], true);
    assert_eq!(danger["order"], 1);
    assert_eq!(danger["description"], "Czemu drzewo zagraża?");
    assert_eq!(danger["values"][0]["key"], "people");
    assert_eq!(danger["values"][0]["name"], "Ludziom");
    get(&app, "/open311/v2/services/problem.lighting.xml")
        .await
        .assert_contains("<service_definition><service_code>problem.lighting</service_code><attributes><attribute><variable>true</variable><code>pole_number</code><datatype>string</datatype><required>false</required>")
        .assert_contains("<values><value><key>one</key><name>Jedna</name></value>");
    json(&get(&app, "/open311/v2/services/problem.roads.json").await)["attributes"]
        .as_array()
        .map(Vec::len)
        .filter(|n| *n == 0)
        .expect("a service without questions has an empty list");

    assert_error(
        &get(&app, "/open311/v2/services/problem.nothing.json").await,
        StatusCode::NOT_FOUND,
        "Nie ma takiego",
    );
    assert_error(
        &get(&app, "/open311/v2/services.csv").await,
        StatusCode::NOT_FOUND,
        "Nie ma takiego",
    );
    assert_error(
        &get(&app, "/open311/v2/nothing/here.json").await,
        StatusCode::NOT_FOUND,
        "Nie ma takiego",
    );
    assert_error(
        &get(
            &app,
            "/open311/v2/services.json?jurisdiction_id=warszawa.pl",
        )
        .await,
        StatusCode::NOT_FOUND,
        "jurisdiction_id",
    );
    let wrong_method = app
        .browser()
        .request("DELETE", "/open311/v2/services.json", &[], Body::empty())
        .await;
    assert_error(&wrong_method, StatusCode::METHOD_NOT_ALLOWED, "HTTP");
    let xml_error = get(&app, "/open311/v2/services/nope.xml").await;
    xml_error
        .assert_status(StatusCode::NOT_FOUND)
        .assert_contains("<errors><error><code>404</code><description>");
}

#[tokio::test]
async fn a_client_creates_a_request_and_reads_it_back_without_personal_data() {
    let app = TestApp::new().await;
    let key = key(&app, "Aplikacja testowa", 100).await;
    let description = "Nie świeci latarnia & \"słup\" <przy przejściu>";
    let res = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("jurisdiction_id", "krakow.pl"),
            ("service_code", "problem.lighting"),
            ("lat", RYNEK.0),
            ("long", RYNEK.1),
            ("address_string", "Rynek Główny 1, przed moim domem"),
            ("description", description),
            ("email", "zglaszajacy@example.pl"),
            ("first_name", "Jan"),
            ("last_name", "Kowalski"),
            ("phone", "+48 600 100 200"),
            ("consent", "true"),
            ("media_url", "https://img.example.org/latarnia.jpg"),
            ("attribute[lamps_out]", "several"),
            ("attribute[pole_number]", "ZD-1234"),
            ("attribute[not_asked]", "ignored"),
        ],
    )
    .await;
    res.assert_status(StatusCode::OK);
    let created = json(&res);
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        created[0].get("token").is_none(),
        "an id or a token, never both"
    );
    assert!(
        created[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains(&id.replace('-', "/"))
    );

    // Stored like a web report, with the channel, the client and the answers.
    let report = miasto_store::reports::get_by_number(
        &app.db.db,
        miasto_domain::reports::TrackingNumber::parse(&id).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.channel, Channel::Api);
    let client = api_clients::list(&app.db.db).await.unwrap().remove(0);
    assert_eq!(report.client, Some(client.id.to_string()));
    assert_eq!(client.requests, 1);
    assert!(client.last_used_at.is_some());
    assert_eq!(report.answers["lamps_out"], ["several"]);
    assert_eq!(report.answers["pole_number"], ["ZD-1234"]);
    assert!(!report.answers.contains_key("not_asked"));
    assert_eq!(report.contact_name.as_deref(), Some("Jan Kowalski"));
    assert_eq!(
        report.media_url.as_deref(),
        Some("https://img.example.org/latarnia.jpg")
    );
    assert!(report.district.is_some(), "the point decides the district");
    assert_eq!(report.description, description);
    // Staff see the answers in words, the client and the photo link.
    let (mut operator, _) = app.logged_in("operator@example.pl", Role::Operator).await;
    operator
        .get(&format!("/staff{}", report.number.path()))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<dt>Ile lamp nie świeci?</dt><dd>Kilka</dd>")
        .assert_contains("<dt>Numer słupa oświetleniowego</dt><dd>ZD-1234</dd>")
        .assert_contains("(Aplikacja testowa)")
        .assert_contains(
            "href=\"https://img.example.org/latarnia.jpg\" rel=\"noopener noreferrer nofollow\"",
        );
    let receipt = app.emails_to("zglaszajacy@example.pl").await;
    assert_eq!(receipt.len(), 1, "the reporter gets the receipt");
    let link = crate::harness::link_in(&receipt[0]);
    let token = link.rsplit('/').next().unwrap().to_owned();

    // Read back: a list of one, the city's status, the coarse point, no personal data.
    let read = get(&app, &format!("/open311/v2/requests/{id}.json")).await;
    let request = &json(&read)[0];
    assert_eq!(request["service_request_id"], id.as_str());
    assert_eq!(request["status"], "open");
    assert_eq!(request["city_status"], "new");
    assert_eq!(request["status_notes"], "Nowe");
    assert_eq!(request["service_code"], "problem.lighting");
    assert_eq!(request["agency_responsible"], "Zarząd Dróg Miasta Krakowa");
    assert_eq!(request["description"], description);
    assert_eq!(request["address"], "I Stare Miasto");
    let lat = request["lat"].as_f64().unwrap();
    assert!(
        (lat - 50.0617).abs() < 0.01 && lat != 50.0617,
        "coarse, not exact: {lat}"
    );
    assert!(request["long"].is_number());
    let requested = request["requested_datetime"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(requested).is_ok()
            && !requested.contains('.')
            && (requested.ends_with("+01:00") || requested.ends_with("+02:00")),
        "{requested}"
    );
    for private in [
        "zglaszajacy",
        "Kowalski",
        "600 100 200",
        "moim domem",
        "img.example.org",
    ] {
        read.assert_lacks(private);
    }
    get(&app, &format!("/open311/v2/requests/{id}.xml"))
        .await
        .assert_contains("<service_requests><request><service_request_id>")
        .assert_contains(
            "<description>Nie świeci latarnia &amp; &quot;słup&quot; &lt;przy przejściu&gt;</description>",
        )
        .assert_contains("<media_url/>");
    assert_error(
        &get(&app, "/open311/v2/requests/2026-999999.json").await,
        StatusCode::NOT_FOUND,
        "Nie ma",
    );
    assert_error(
        &get(&app, "/open311/v2/requests/nonsense.json").await,
        StatusCode::NOT_FOUND,
        "Nie ma",
    );

    // The private tracking token leads to the id.
    let by_token = json(&get(&app, &format!("/open311/v2/tokens/{token}.json")).await);
    assert_eq!(by_token[0]["service_request_id"], id.as_str());
    assert_eq!(by_token[0]["token"], token.as_str());
    get(&app, &format!("/open311/v2/tokens/{token}.xml"))
        .await
        .assert_contains(&format!(
            "<service_requests><request><service_request_id>{id}</service_request_id><token>{token}</token></request></service_requests>"
        ));
    assert_error(
        &get(&app, "/open311/v2/tokens/deadbeef.json").await,
        StatusCode::NOT_FOUND,
        "Nie ma",
    );

    // The key may also come in the query string, and a place as an address alone; XML answer.
    let by_address = post(
        &app,
        &format!("/open311/v2/requests.xml?api_key={key}"),
        &[
            ("service_code", "problem.roads"),
            ("address_string", "ul. Długa 5"),
            ("description", "Wyrwa w chodniku"),
        ],
    )
    .await;
    by_address
        .assert_status(StatusCode::OK)
        .assert_contains("<service_requests><request><service_request_id>");
    let by_address_id = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("service_code", "problem.roads"),
            ("address_id", "PRG-12345"),
            ("description", "Wyrwa w jezdni"),
        ],
    )
    .await;
    let id3 = json(&by_address_id)[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = miasto_store::reports::get_by_number(
        &app.db.db,
        miasto_domain::reports::TrackingNumber::parse(&id3).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.address_id.as_deref(), Some("PRG-12345"));
    assert_eq!(stored.district, None);
}

#[tokio::test]
async fn bad_requests_get_an_error_list_that_says_why() {
    let app = TestApp::new().await;
    let key = key(&app, "Aplikacja", 100).await;
    let base = [
        ("api_key", key.as_str()),
        ("description", "Coś nie działa tutaj"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all: Vec<(&str, &str)> = base.to_vec();
        all.extend_from_slice(extra);
        all
    };
    let cases: Vec<(Fields, StatusCode, &str)> = vec![
        (
            vec![
                ("service_code", "problem.roads"),
                ("lat", RYNEK.0),
                ("long", RYNEK.1),
            ],
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            vec![
                ("api_key", "mk_wrong"),
                ("service_code", "problem.roads"),
                ("lat", RYNEK.0),
                ("long", RYNEK.1),
            ],
            StatusCode::FORBIDDEN,
            "nieprawidłowy",
        ),
        (
            with(&[("lat", "50.06"), ("long", "19.93")]),
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            with(&[("service_code", "problem.roads")]),
            StatusCode::BAD_REQUEST,
            "address_string",
        ),
        (
            with(&[("service_code", "problem.roads"), ("lat", "50.06")]),
            StatusCode::BAD_REQUEST,
            "long: Podaj obie współrzędne",
        ),
        (
            with(&[
                ("service_code", "problem.roads"),
                ("lat", "50.06"),
                ("long", "x"),
            ]),
            StatusCode::BAD_REQUEST,
            "lat: To nie są współrzędne",
        ),
        (
            with(&[
                ("service_code", "problem.nothing"),
                ("address_string", "Rynek"),
            ]),
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            with(&[
                ("service_code", "problem.tree-felling"),
                ("address_string", "Rynek"),
            ]),
            StatusCode::BAD_REQUEST,
            "attribute[danger]",
        ),
        (
            with(&[
                ("service_code", "problem.tree-felling"),
                ("address_string", "Rynek"),
                ("attribute[danger][]", "people"),
                ("attribute[danger][]", "aliens"),
            ]),
            StatusCode::BAD_REQUEST,
            "attribute[danger]",
        ),
        (
            with(&[
                ("service_code", "problem.roads"),
                ("lat", "52.2297"),
                ("long", "21.0122"),
            ]),
            StatusCode::BAD_REQUEST,
            "poza granicami",
        ),
        (
            with(&[
                ("service_code", "problem.roads"),
                ("address_string", "Rynek"),
                ("email", "not-an-address"),
            ]),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            with(&[
                ("service_code", "problem.roads"),
                ("address_string", "Rynek"),
                ("jurisdiction_id", "gdansk.pl"),
            ]),
            StatusCode::NOT_FOUND,
            "jurisdiction_id",
        ),
    ];
    for (fields, status, words) in &cases {
        let res = post(&app, "/open311/v2/requests.json", fields).await;
        assert_error(&res, *status, words);
    }
    let no_description = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("service_code", "problem.roads"),
            ("address_string", "Rynek"),
        ],
    )
    .await;
    assert_error(&no_description, StatusCode::BAD_REQUEST, "description");
    assert_eq!(
        miasto_store::reports::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap()
            .total,
        0,
        "nothing refused was written"
    );

    // A list answer to a multi-value question is fine.
    let tree = post(
        &app,
        "/open311/v2/requests.json",
        &with(&[
            ("service_code", "problem.tree-felling"),
            ("address_string", "Park Jordana"),
            ("attribute[danger][]", "people"),
            ("attribute[danger][]", "traffic"),
        ]),
    )
    .await;
    tree.assert_status(StatusCode::OK);

    // Reads: bad dates and statuses, in XML and in English.
    let en = get_in(&app, "/open311/v2/requests.xml?start_date=yesterday", "en").await;
    en.assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("<errors><error><code>400</code><description>start_date must be a date and time with a time zone");
    assert_error(
        &get(&app, "/open311/v2/requests.json?status=pending").await,
        StatusCode::BAD_REQUEST,
        "open lub closed",
    );
    assert_error(
        &get(&app, "/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z").await,
        StatusCode::BAD_REQUEST,
        "end_date",
    );
    let multipart = app
        .browser()
        .request(
            "POST",
            "/open311/v2/requests.json",
            &[("content-type", "multipart/form-data; boundary=x")],
            Body::from("--x--"),
        )
        .await;
    assert_error(&multipart, StatusCode::BAD_REQUEST, "x-www-form-urlencoded");
}

#[tokio::test]
async fn searches_filter_by_ids_services_statuses_and_dates() {
    let app = TestApp::new().await;
    let key = key(&app, "Aplikacja", 1000).await;
    let mut ids = Vec::new();
    for (code, place) in [
        ("problem.roads", "ul. Długa 1"),
        ("problem.roads", "ul. Długa 2"),
        ("problem.litter", "ul. Krótka 3"),
    ] {
        let res = post(
            &app,
            "/open311/v2/requests.json",
            &[
                ("api_key", key.as_str()),
                ("service_code", code),
                ("address_string", place),
                ("description", "Opis zgłoszenia testowego"),
            ],
        )
        .await;
        ids.push(
            json(&res)[0]["service_request_id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let first = miasto_store::reports::get_by_number(
        &app.db.db,
        miasto_domain::reports::TrackingNumber::parse(&ids[0]).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    miasto_store::reports::change_status(
        &app.db.db,
        first.id,
        Some(Status::New),
        Status::Solved,
        None,
        Some("Naprawiono nawierzchnię.".into()),
        Some("zlecenie wewnętrzne 5".into()),
    )
    .await
    .unwrap();

    let listed = |res: TestResponse| -> Vec<String> {
        json(&res)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Newest first, within the last 90 days by default.
    assert_eq!(
        listed(get(&app, "/open311/v2/requests.json").await),
        [ids[2].clone(), ids[1].clone(), ids[0].clone()]
    );
    assert_eq!(
        listed(
            get(
                &app,
                "/open311/v2/requests.json?service_code=problem.roads&status=open"
            )
            .await
        ),
        [ids[1].clone()]
    );
    assert_eq!(
        listed(
            get(
                &app,
                "/open311/v2/requests.json?status=closed&service_code="
            )
            .await
        ),
        [ids[0].clone()],
        "an empty parameter means absent"
    );
    assert_eq!(
        listed(get(&app, "/open311/v2/requests.json?service_code=problem.litter,problem.roads&status=open,closed").await)
            .len(),
        3
    );
    assert!(
        listed(
            get(
                &app,
                "/open311/v2/requests.json?service_code=problem.nothing"
            )
            .await
        )
        .is_empty()
    );
    // Ids override every other filter, in the order asked; unknown ones are left out.
    let wanted = format!("{},{},2026-999999", ids[0], ids[2]);
    assert_eq!(
        listed(
            get(&app, &format!("/open311/v2/requests.json?service_request_id={wanted}&status=open&start_date=2000-01-01")).await
        ),
        [ids[0].clone(), ids[2].clone()]
    );
    assert!(
        listed(get(&app, "/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00%2B01:00").await)
            .is_empty()
    );
    let solved = json(&get(&app, &format!("/open311/v2/requests/{}.json", ids[0])).await);
    assert_eq!(solved[0]["status"], "closed");
    assert_eq!(solved[0]["city_status"], "solved");
    assert_eq!(solved[0]["status_notes"], "Problem rozwiązany");
    let xml = get(&app, "/open311/v2/requests.xml?status=closed").await;
    xml.assert_contains("<status>closed</status>");

    // FixMyStreet's updates: the public message, never the internal note.
    let updates = get(&app, "/open311/v2/servicerequestupdates.json").await;
    let list = json(&updates);
    assert_eq!(list.as_array().unwrap().len(), 1, "{}", updates.body);
    assert_eq!(list[0]["service_request_id"], ids[0].as_str());
    assert_eq!(list[0]["status"], "FIXED");
    assert_eq!(list[0]["external_status_code"], "solved");
    assert_eq!(list[0]["description"], "Naprawiono nawierzchnię.");
    updates.assert_lacks("zlecenie wewnętrzne");
    get(&app, "/open311/v2/servicerequestupdates.xml")
        .await
        .assert_contains("<service_request_updates><request_update><update_id>")
        .assert_contains("<status>FIXED</status>");
    assert_eq!(
        json(
            &get(
                &app,
                "/open311/v2/servicerequestupdates.json?start_date=2000-01-01T00:00:00Z"
            )
            .await
        )
        .as_array()
        .unwrap()
        .len(),
        0,
        "a lone start date spans 90 days from it"
    );
}

#[tokio::test]
async fn keys_have_a_limit_and_admins_issue_and_revoke_them() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get("/admin/api-clients")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Nie ma jeszcze żadnych aplikacji");
    admin
        .post("/admin/api-clients", &[("name", ""), ("rate_limit", "0")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let issued = admin
        .post(
            "/admin/api-clients",
            &[("name", "mKraków"), ("rate_limit", "2")],
        )
        .await;
    issued
        .assert_status(StatusCode::OK)
        .assert_contains("Klucz dla mKraków")
        .assert_contains("nie pokażemy go ponownie");
    assert_eq!(issued.header("cache-control"), Some("no-store"));
    let start = issued.body.find("id=\"api-key\">").unwrap() + "id=\"api-key\">".len();
    let key: String = issued.body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(key.starts_with("mk_") && key.len() > 40, "{key}");
    admin
        .post(
            "/admin/api-clients",
            &[("name", "mKraków"), ("rate_limit", "5")],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("już istnieje");
    let listing = admin.get("/admin/api-clients").await;
    listing.assert_contains("mKraków").assert_lacks(&key);

    let fields = [
        ("api_key", key.as_str()),
        ("service_code", "problem.roads"),
        ("address_string", "ul. Długa 1"),
        ("description", "Opis zgłoszenia testowego"),
    ];
    let send = || post(&app, "/open311/v2/requests.json", &fields);
    send().await.assert_status(StatusCode::OK);
    send().await.assert_status(StatusCode::OK);
    let limited = send().await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "limit");
    assert!(limited.header("retry-after").is_some());
    admin
        .get("/admin/api-clients")
        .await
        .assert_contains("3 zapytania")
        .assert_contains("2 zgłoszenia");

    let client = api_clients::list(&app.db.db).await.unwrap().remove(0);
    admin
        .post(&format!("/admin/api-clients/{}/revoke", client.id), &[])
        .await
        .assert_redirect("/admin/api-clients");
    assert_error(&send().await, StatusCode::FORBIDDEN, "unieważniony");
    admin
        .get("/admin/api-clients")
        .await
        .assert_contains("Unieważniony");
    let audit = admin.get("/admin/audit").await;
    audit
        .assert_contains("Wydanie klucza API")
        .assert_contains("Unieważnienie klucza API");

    // Only admins.
    let (mut operator, _) = app.logged_in("operator@example.pl", Role::Operator).await;
    operator
        .get("/admin/api-clients")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}
