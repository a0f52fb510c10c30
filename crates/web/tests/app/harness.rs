//! `TestApp`: the real router over a fresh database (SQLite, or a PostgreSQL schema when
//! MIASTO_TEST_DATABASE_URL is set), driven in-process with `oneshot`, with a cookie-keeping
//! `Browser` and access to the outbox.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment};
use miasto_store::accounts::{self, NewUser, User};
use miasto_store::jobs::{Signal, Worker};
use miasto_store::mail::{self, Mailer, OutboxMessage};
use miasto_store::testing::TestDb;
use miasto_web::{AppState, Metrics, RateLimits, Secret, Services, WebConfig};
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "dobre-haslo-do-testow";

pub struct TestApp {
    pub db: TestDb,
    /// The state the router runs on (for driving the intake directly).
    pub state: AppState,
    pub files_dir: tempfile::TempDir,
    router: Router,
    worker: Worker,
}

pub struct Builder {
    limits: RateLimits,
    trust_proxy: bool,
    timeouts: miasto_web::Timeouts,
    base_url: String,
    metrics_token: Option<String>,
    geocoder: miasto_store::places::Geocoder,
    request_thresholds: miasto_domain::requests::Thresholds,
}

/// Kraków's demo gazetteer (`data/krakow/addresses-demo.csv`), read once.
pub fn demo_gazetteer() -> miasto_store::places::Geocoder {
    static GAZETTEER: std::sync::OnceLock<Arc<miasto_domain::places::Gazetteer>> =
        std::sync::OnceLock::new();
    let gazetteer = GAZETTEER.get_or_init(|| {
        let city = miasto_store::reference::CityData::krakow().unwrap();
        Arc::new(city.gazetteer().unwrap().unwrap())
    });
    miasto_store::places::Geocoder::Gazetteer(gazetteer.clone())
}

impl Builder {
    pub fn limits(mut self, limits: RateLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Clients are told apart by `X-Forwarded-For` ([`Browser::at`]), as behind a proxy.
    pub fn behind_proxy(mut self) -> Self {
        self.trust_proxy = true;
        self
    }

    pub fn timeouts(mut self, timeouts: miasto_web::Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// Address search (off unless set).
    pub fn geocoder(mut self, geocoder: miasto_store::places::Geocoder) -> Self {
        self.geocoder = geocoder;
        self
    }

    /// The signatures requests need (Kraków's by default).
    pub fn request_thresholds(mut self, t: miasto_domain::requests::Thresholds) -> Self {
        self.request_thresholds = t;
        self
    }

    pub fn metrics_token(mut self, token: &str) -> Self {
        self.metrics_token = Some(token.to_owned());
        self
    }

    pub async fn build(self) -> TestApp {
        let db = TestDb::new().await;
        let mailer = Arc::new(Mailer::outbox("Wspólne Miasto <no-reply@miasto.test>").unwrap());
        let signal = Signal::default();
        let config = WebConfig {
            base_url: self.base_url,
            secret: Secret::new("test-secret-test-secret-test-secret"),
            trust_proxy: self.trust_proxy,
            limits: self.limits,
            outbox_mail: true,
            metrics_token: self.metrics_token.map(Secret::new),
            city_name: "Kraków".into(),
            jurisdiction_id: "krakow.pl".into(),
            map_tiles: miasto_web::WebConfig::DEFAULT_MAP_TILES.into(),
            timeouts: self.timeouts,
            consultation_minimums: Default::default(),
            request_thresholds: self.request_thresholds,
        };
        let files_dir = tempfile::tempdir().unwrap();
        let services = Services {
            db: db.db.clone(),
            jobs: signal.clone(),
            metrics: Metrics::new(),
            files: miasto_store::photos::FileStore::local(files_dir.path()).unwrap(),
            districts: miasto_store::reference::district_map(&db.db).await.unwrap(),
            geocoder: self.geocoder,
        };
        let state = AppState::new(config, services);
        let router = miasto_web::router(state.clone());
        let worker = Worker::new(db.db.clone(), mailer, signal)
            .with_files(miasto_store::photos::FileStore::local(files_dir.path()).unwrap());
        TestApp {
            db,
            state,
            files_dir,
            router,
            worker,
        }
    }
}

impl TestApp {
    pub fn builder() -> Builder {
        Builder {
            limits: RateLimits::default(),
            trust_proxy: false,
            timeouts: miasto_web::Timeouts::default(),
            base_url: "http://miasto.test".into(),
            metrics_token: None,
            geocoder: miasto_store::places::Geocoder::Off,
            request_thresholds: Default::default(),
        }
    }

    pub async fn new() -> Self {
        Self::builder().build().await
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: BTreeMap::new(),
            accept_language: None,
            address: None,
        }
    }

    /// Creates a confirmed account with the test password.
    pub async fn user(&self, email: &str, role: Role) -> User {
        let unit = if role == Role::UnitStaff {
            Some(
                miasto_store::reference::find_unit_by_code(&self.db.db, "ZDMK")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
            )
        } else {
            None
        };
        accounts::create_user(
            &self.db.db,
            NewUser {
                email: Email::parse(email).unwrap(),
                password_hash: accounts::hash_password(
                    &Password::parse_new(PASSWORD, None).unwrap(),
                )
                .await,
                assignment: RoleAssignment::new(role, unit).unwrap(),
                locale: Locale::Pl,
                confirmed: true,
            },
        )
        .await
        .unwrap()
    }

    /// A browser logged in as a new account with `role`.
    pub async fn logged_in(&self, email: &str, role: Role) -> (Browser<'_>, User) {
        let user = self.user(email, role).await;
        let mut browser = self.browser();
        browser
            .login(email, PASSWORD)
            .await
            .assert_redirect(role.landing());
        (browser, user)
    }

    /// Runs the worker's housekeeping as if it were `later` from now.
    pub async fn housekeeping_after(&self, later: chrono::Duration) {
        miasto_store::clock::Clock::at(miasto_store::now() + later)
            .run(self.worker.maintain())
            .await
            .unwrap();
    }

    /// Runs the worker's housekeeping at `at` (e.g. the real time, for the photo sweep, whose
    /// file keys carry the real time of their upload, inside a test on a fixed clock).
    pub async fn housekeeping_at(&self, at: chrono::DateTime<chrono::Utc>) {
        miasto_store::clock::Clock::at(at)
            .run(self.worker.maintain())
            .await
            .unwrap();
    }

    /// Every file in the photo store.
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.files_dir.path(), &mut out);
        out.sort();
        out
    }

    /// Runs all due jobs (e-mail delivery into the outbox).
    pub async fn drain_jobs(&self) {
        self.worker.drain().await.unwrap();
    }

    /// Every e-mail delivered to `to`, oldest first, after running due jobs.
    pub async fn emails_to(&self, to: &str) -> Vec<OutboxMessage> {
        self.drain_jobs().await;
        let mut items = mail::list_outbox(
            &self.db.db,
            Some(to),
            miasto_store::Page::new(None, Some(100)),
        )
        .await
        .unwrap()
        .items;
        items.retain(|m| m.to == to);
        items.reverse();
        items
    }

    pub async fn get_user(&self, email: &str) -> Option<User> {
        accounts::find_by_email(&self.db.db, &Email::parse(email).unwrap())
            .await
            .unwrap()
    }

    async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// The first link in an e-mail body.
pub fn link_in(message: &OutboxMessage) -> String {
    message
        .body_text
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .expect("the e-mail contains a link")
        .to_owned()
}

/// The path and query of an absolute link.
pub fn path_of(link: &str) -> String {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    rest.find('/')
        .map_or("/".to_owned(), |i| rest[i..].to_owned())
}

/// A `multipart/form-data` body of these fields and files, and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----miasto-test-boundary-7d3f";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A visitor with its own cookies.
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
    pub accept_language: Option<String>,
    /// The client address sent as `X-Forwarded-For` (see [`Builder::behind_proxy`]).
    pub address: Option<String>,
}

impl Browser<'_> {
    /// This browser at another client address.
    pub fn at(mut self, address: &str) -> Self {
        self.address = Some(address.to_owned());
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &TestResponse) {
        for value in response.headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap();
            let (name, v) = pair.split_once('=').unwrap();
            let removal = value.contains("Max-Age=0") || v.is_empty();
            if removal {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), v.to_owned());
            }
        }
    }

    pub fn csrf(&self) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k.ends_with("miasto_csrf"))
            .map(|(_, v)| v.clone())
    }

    pub fn has_session(&self) -> bool {
        self.cookies.keys().any(|k| k.ends_with("miasto_session"))
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            builder = builder.header(header::COOKIE, self.cookie_header());
        }
        if let Some(lang) = &self.accept_language {
            builder = builder.header(header::ACCEPT_LANGUAGE, lang);
        }
        if let Some(address) = &self.address {
            builder = builder.header("x-forwarded-for", address);
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let response = self.app.send(builder.body(body).unwrap()).await;
        self.keep_cookies(&response);
        response
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request("GET", path, &[], Body::empty()).await
    }

    /// Posts a form as a browser would: with the CSRF token from this browser's cookie
    /// (fetching a page first if it has none yet) and same-origin fetch metadata.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf().is_none() {
            self.get("/").await;
        }
        let mut all: Vec<(&str, String)> = vec![("csrf", self.csrf().unwrap())];
        all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// Posts a `multipart/form-data` form with files, like a browser with a file input, with
    /// this browser's CSRF token.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        if self.csrf().is_none() {
            self.get("/").await;
        }
        let token = self.csrf().unwrap();
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let (content_type, body) = multipart(&all, files);
        let headers = [
            ("content-type", content_type.as_str()),
            ("sec-fetch-site", "same-origin"),
        ];
        self.request("POST", path, &headers, Body::from(body)).await
    }

    /// Follows a redirect.
    pub async fn follow(&mut self, response: &TestResponse) -> TestResponse {
        let to = response.location().to_owned();
        self.get(&to).await
    }

    /// Posts a URL-encoded body exactly as given.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> TestResponse {
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("sec-fetch-site", "same-origin"),
        ];
        self.request("POST", path, &headers, Body::from(body.to_owned()))
            .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> TestResponse {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_redirect(&self, to: &str) -> &Self {
        assert_eq!(
            self.status,
            StatusCode::SEE_OTHER,
            "expected a redirect; body:\n{}",
            self.body
        );
        assert_eq!(self.location(), to);
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.body.contains(text),
            "did not expect {text:?} in:\n{}",
            self.body
        );
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}
