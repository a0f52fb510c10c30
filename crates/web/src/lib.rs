//! The web layer: the router, HTML pages, the JSON API and Open311, translations and
//! static assets. Handlers are short scripts: extract → authorize → transaction → named
//! `miasto_store` functions → enqueue jobs → commit → render.

mod accounts;
mod admin;
pub mod api;
mod assets;
mod budget;
mod consultations;
mod context;
mod developers;
mod dialogue;
mod emails;
mod error;
mod form;
mod home;
pub mod i18n;
mod initiatives;
mod metrics;
mod ods;
mod open311;
pub mod opendata;
mod page;
mod places;
mod referenda;
mod reports;
mod requests;
mod router;
mod security;
mod stats;
mod timeouts;

pub use error::Error;
pub use metrics::Metrics;
pub use reports::intake::{Intake, Outcome, Submission};
pub use router::{PageRoute, Takes, page_routes, router};
pub use timeouts::Timeouts;

use miasto_store::DatabaseConnection;
use miasto_store::jobs::Signal;
use std::sync::Arc;
use std::time::Duration;

/// A secret kept out of logs and `Debug` output.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Rate limits on the account forms. The defaults suit production; tests lower them.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Login attempts from one address.
    pub login_per_ip: miasto_store::rate_limit::Limit,
    /// Failed logins on one account from one address.
    pub login_failures_per_account: miasto_store::rate_limit::Limit,
    /// Failed logins on one account from all addresses together (the owner then resets the
    /// password by e-mail, which always works).
    pub login_failures_everywhere: miasto_store::rate_limit::Limit,
    /// Registrations from one address.
    pub register_per_ip: miasto_store::rate_limit::Limit,
    /// Registration attempts for one e-mail address, whoever makes them.
    pub register_per_account: miasto_store::rate_limit::Limit,
    /// Reset and confirmation links requested from one address.
    pub email_links_per_ip: miasto_store::rate_limit::Limit,
    /// Reset and confirmation links sent to one account.
    pub email_links_per_account: miasto_store::rate_limit::Limit,
    /// Reports sent from one address (spam brake; the hotline is not limited).
    pub reports_per_ip: miasto_store::rate_limit::Limit,
    /// Supports asked for with an e-mail address from one client address.
    pub supports_per_ip: miasto_store::rate_limit::Limit,
    /// Address searches from one client address (a geocoding service may be paid for).
    pub places_per_ip: miasto_store::rate_limit::Limit,
    /// Comments in consultations from one account (a long document may take dozens).
    pub comments_per_account: miasto_store::rate_limit::Limit,
    /// Survey responses sent without an account (and invitation codes tried) from one
    /// address: enough for a school's computer room, too few to stuff a survey or guess codes.
    pub survey_responses_per_ip: miasto_store::rate_limit::Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        use miasto_store::rate_limit::Limit;
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            login_per_ip: Limit {
                max: 30,
                window: minutes(15),
            },
            login_failures_per_account: Limit {
                max: 10,
                window: minutes(15),
            },
            login_failures_everywhere: Limit {
                max: 100,
                window: minutes(15),
            },
            register_per_ip: Limit {
                max: 10,
                window: minutes(60),
            },
            register_per_account: Limit {
                max: 5,
                window: minutes(60),
            },
            email_links_per_ip: Limit {
                max: 10,
                window: minutes(60),
            },
            email_links_per_account: Limit {
                max: 3,
                window: minutes(60),
            },
            reports_per_ip: Limit {
                max: 60,
                window: minutes(60),
            },
            supports_per_ip: Limit {
                max: 20,
                window: minutes(60),
            },
            places_per_ip: Limit {
                max: 120,
                window: minutes(10),
            },
            comments_per_account: Limit {
                max: 60,
                window: minutes(60),
            },
            survey_responses_per_ip: Limit {
                max: 40,
                window: minutes(60),
            },
        }
    }
}

/// What the web layer needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public URL, without a trailing slash (links in e-mails are built from it).
    pub base_url: String,
    /// Keys rate-limit counters (HMAC of the client address); never stored or logged.
    pub secret: Secret,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a proxy
    /// we control).
    pub trust_proxy: bool,
    pub limits: RateLimits,
    /// E-mail lands in the outbox table rather than going out by SMTP.
    pub outbox_mail: bool,
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// The city's name, from its reference data.
    pub city_name: String,
    /// The Open311 jurisdiction served (`krakow.pl`), from the city's reference data.
    pub jurisdiction_id: String,
    /// Map tiles for Leaflet (`{z}/{x}/{y}` template); their host is allowed by the CSP.
    pub map_tiles: String,
    /// How long slow clients are waited for.
    pub timeouts: Timeouts,
    /// The city's minimum durations of consultations.
    pub consultation_minimums: miasto_domain::consultations::Minimums,
    /// The signatures requests need.
    pub request_thresholds: miasto_domain::requests::Thresholds,
}

impl WebConfig {
    /// OpenStreetMap's standard tiles (fine for modest traffic; large deployments use their own).
    pub const DEFAULT_MAP_TILES: &'static str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    /// `scheme://host[:port]` of the tile server, for the CSP.
    pub fn map_tiles_origin(&self) -> Option<String> {
        let (scheme, rest) = self.map_tiles.split_once("://")?;
        let host = rest.split('/').next()?;
        (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
        .then(|| format!("{scheme}://{host}"))
    }

    /// Cookies get `Secure` (and the `__Host-` prefix) when the site is served over TLS.
    pub fn secure(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    config: WebConfig,
    jobs: Signal,
    metrics: Metrics,
    files: miasto_store::photos::FileStore,
    districts: miasto_domain::geo::DistrictMap,
    geocoder: miasto_store::places::Geocoder,
    intake: reports::intake::Intake,
    lookup: reports::LookupCache,
    /// The districts' simplified drawings for maps, made once (the districts do not change
    /// while the platform runs).
    drawings: std::sync::OnceLock<Vec<(u16, String)>>,
    /// Who may decode a photo now.
    photo_gate: Arc<reports::photo::Gate>,
    /// The consultations' opinion groups, computed once per state of their votes.
    opinions: consultations::statements::OpinionCache,
}

/// What the web layer runs on besides its configuration.
pub struct Services {
    pub db: DatabaseConnection,
    pub jobs: Signal,
    pub metrics: Metrics,
    /// Where photos are kept.
    pub files: miasto_store::photos::FileStore,
    /// The city's districts (they do not change while the platform runs).
    pub districts: miasto_domain::geo::DistrictMap,
    /// Address search and the street at a pin (off: addresses stay free text).
    pub geocoder: miasto_store::places::Geocoder,
}

impl AppState {
    /// Builds the state and starts its report-intake committer, so it must be called inside
    /// the Tokio runtime; the committer ends with the runtime.
    pub fn new(config: WebConfig, services: Services) -> Self {
        let Services {
            db,
            jobs,
            metrics,
            files,
            districts,
            geocoder,
        } = services;
        let (intake, queue) = reports::intake::Intake::channel();
        let state = Self(Arc::new(Inner {
            db,
            config,
            jobs,
            metrics,
            files,
            districts,
            geocoder,
            intake,
            lookup: reports::LookupCache::default(),
            drawings: std::sync::OnceLock::new(),
            opinions: Default::default(),
            photo_gate: Arc::new(reports::photo::Gate::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
        }));
        tokio::spawn(reports::intake::run(state.clone(), queue));
        state
    }

    pub(crate) fn opinions(&self) -> &consultations::statements::OpinionCache {
        &self.0.opinions
    }

    pub(crate) fn photo_gate(&self) -> &Arc<reports::photo::Gate> {
        &self.0.photo_gate
    }

    pub(crate) fn lookup_cache(&self) -> &reports::LookupCache {
        &self.0.lookup
    }

    pub fn intake(&self) -> &reports::intake::Intake {
        &self.0.intake
    }

    pub fn files(&self) -> &miasto_store::photos::FileStore {
        &self.0.files
    }

    /// Each district's simplified drawing (GeoJSON geometry), by number, made on first use.
    pub(crate) fn district_drawings(&self) -> &[(u16, String)] {
        self.0.drawings.get_or_init(|| {
            self.0
                .districts
                .drawings(miasto_domain::geo::DRAWING_EPSILON)
        })
    }

    pub fn districts(&self) -> &miasto_domain::geo::DistrictMap {
        &self.0.districts
    }

    pub fn geocoder(&self) -> &miasto_store::places::Geocoder {
        &self.0.geocoder
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }

    pub fn consultation_minimums(&self) -> miasto_domain::consultations::Minimums {
        self.0.config.consultation_minimums
    }

    pub fn request_thresholds(&self) -> miasto_domain::requests::Thresholds {
        self.0.config.request_thresholds
    }

    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    /// Tells the in-process worker that jobs were committed.
    pub fn wake_worker(&self) {
        self.0.jobs.wake();
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }
}
