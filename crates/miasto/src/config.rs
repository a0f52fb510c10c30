//! One typed configuration, read from (later wins): built-in defaults, an optional TOML file
//! (`--config` / `MIASTO_CONFIG`), `MIASTO_*` environment variables, then command-line flags.
//! Secrets never appear in `Debug` output. In production the defaults that are only safe on a
//! developer's machine are refused at start-up.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The development-only secret. Production refuses it.
const DEV_SECRET: &str = "development-only-secret-do-not-use-in-production";

#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub environment: Environment,
    /// `sqlite://miasto.db` (default) or `postgres://user@host/db`.
    pub database_url: String,
    pub bind: SocketAddr,
    /// The public URL (links in e-mails); defaults to `http://<bind>`.
    pub base_url: Option<String>,
    /// Server secret (≥ 32 characters) keying rate-limit counters; required in production.
    pub secret: Option<String>,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`; without it mail goes to the
    /// outbox table (development only).
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Trust the last `X-Forwarded-For` entry (only behind your own reverse proxy).
    pub trust_proxy: bool,
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    pub log_format: LogFormat,
    /// A directory with another city's `city.toml` and boundaries; Kraków's are built in.
    pub city_dir: Option<PathBuf>,
    /// Where uploaded photos are kept (created if missing).
    pub files_dir: PathBuf,
    /// Map tiles for the maps (`https://…/{z}/{x}/{y}.png`); OpenStreetMap's by default.
    pub map_tiles: String,
    /// A Nominatim- or Photon-compatible geocoding service (`https://…/`); when unset the
    /// city's gazetteer file is used, if it has one.
    pub geocoder_url: Option<String>,
    /// `nominatim` (default) or `photon`.
    pub geocoder_api: miasto_store::places::Api,
    /// Seconds to read a request's head; also how long an idle keep-alive connection stays.
    pub header_timeout_secs: u64,
    /// Seconds for a request's body, from its head (bytes arriving earn more time).
    pub body_timeout_secs: u64,
    /// Seconds to answer, from the body's last byte (answered 408 after).
    pub request_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        let defaults = miasto_web::Timeouts::default();
        Self {
            environment: Environment::Development,
            database_url: miasto_store::DEFAULT_DATABASE_URL.to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            secret: None,
            smtp_url: None,
            mail_from: "Wspólne Miasto <no-reply@localhost>".to_owned(),
            trust_proxy: false,
            metrics_token: None,
            log_format: LogFormat::Text,
            city_dir: None,
            files_dir: PathBuf::from("miasto-files"),
            map_tiles: miasto_web::WebConfig::DEFAULT_MAP_TILES.to_owned(),
            geocoder_url: None,
            geocoder_api: miasto_store::places::Api::default(),
            header_timeout_secs: defaults.header.as_secs(),
            body_timeout_secs: defaults.body.as_secs(),
            request_timeout_secs: defaults.request.as_secs(),
        }
    }
}

fn redacted(value: &Option<String>) -> &'static str {
    if value.is_some() {
        "<redacted>"
    } else {
        "<unset>"
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("secret", &redacted(&self.secret))
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("trust_proxy", &self.trust_proxy)
            .field("metrics_token", &redacted(&self.metrics_token))
            .field("log_format", &self.log_format)
            .field("city_dir", &self.city_dir)
            .field("files_dir", &self.files_dir)
            .field("map_tiles", &self.map_tiles)
            .field(
                "geocoder_url",
                &self.geocoder_url.as_deref().map(redact_url),
            )
            .field("geocoder_api", &self.geocoder_api)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("body_timeout_secs", &self.body_timeout_secs)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .finish()
    }
}

/// Hides the password in `scheme://user:password@host/…`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:<redacted>@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Values given on the command line, overriding everything else.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(format!(
                    "configuration file {} does not exist",
                    file.display()
                ));
            }
            figment = figment.merge(Toml::file(file));
        }
        let config: Config = figment
            .merge(Env::prefixed("MIASTO_").ignore(&["config"]))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| format!("invalid configuration: {e}"))?;
        config.check()?;
        Ok(config)
    }

    /// Refuses inconsistent or (in production) unsafe settings, naming every problem at once.
    pub fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if miasto_store::engine_of(&self.database_url).is_none() {
            problems.push("database_url must start with sqlite:// or postgres://".to_owned());
        }
        if let Some(secret) = &self.secret
            && secret.chars().count() < 32
        {
            problems.push("secret must be at least 32 characters long".to_owned());
        }
        if let Some(base) = &self.base_url
            && !(base.starts_with("http://") || base.starts_with("https://"))
        {
            problems.push("base_url must start with http:// or https://".to_owned());
        }
        for (name, secs) in [
            ("header_timeout_secs", self.header_timeout_secs),
            ("body_timeout_secs", self.body_timeout_secs),
            ("request_timeout_secs", self.request_timeout_secs),
        ] {
            if !(1..=3600).contains(&secs) {
                problems.push(format!("{name} must be from 1 to 3600 seconds"));
            }
        }
        if self.environment == Environment::Production {
            if self
                .metrics_token
                .as_deref()
                .is_none_or(|t| t.chars().count() < 16)
            {
                problems.push(
                    "MIASTO_METRICS_TOKEN (16 characters or more) is required in production: \
                     /metrics is not for the public"
                        .to_owned(),
                );
            }
            if self.secret.is_none() {
                problems.push("MIASTO_SECRET is required in production".to_owned());
            }
            if !self
                .base_url
                .as_deref()
                .is_some_and(|b| b.starts_with("https://"))
            {
                problems.push("MIASTO_BASE_URL must be an https:// URL in production".to_owned());
            }
            if self.smtp_url.is_none() {
                problems.push(
                    "MIASTO_SMTP_URL is required in production (the outbox is for development)"
                        .to_owned(),
                );
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = if self.bind.ip().is_unspecified() {
                    "127.0.0.1".to_owned()
                } else {
                    self.bind.ip().to_string()
                };
                format!("http://{host}:{}", self.bind.port())
            }
        }
    }

    pub fn secret(&self) -> &str {
        self.secret.as_deref().unwrap_or(DEV_SECRET)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let config = Config {
            secret: Some("s".repeat(40)),
            smtp_url: Some("smtps://mailer:hunter2@smtp.example.pl".into()),
            database_url: "postgres://miasto:tajne@db/miasto".into(),
            metrics_token: Some("token-123".into()),
            ..Config::default()
        };
        let debug = format!("{config:?}");
        for secret in ["ssssssss", "hunter2", "tajne", "token-123"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(debug.contains("mailer:<redacted>@smtp.example.pl"));
    }

    #[test]
    fn production_refuses_development_defaults() {
        let config = Config {
            environment: Environment::Production,
            ..Config::default()
        };
        let error = config.check().unwrap_err();
        assert!(error.contains("MIASTO_SECRET"));
        assert!(error.contains("https://"));
        assert!(error.contains("MIASTO_SMTP_URL"));
        assert!(error.contains("MIASTO_METRICS_TOKEN"));
        let ready = Config {
            environment: Environment::Production,
            secret: Some("x".repeat(32)),
            base_url: Some("https://miasto.krakow.pl".into()),
            smtp_url: Some("smtps://u:p@smtp.krakow.pl".into()),
            metrics_token: Some("m".repeat(24)),
            ..Config::default()
        };
        assert!(ready.check().is_ok());
        let open_metrics = Config {
            metrics_token: None,
            ..ready.clone()
        };
        assert!(
            open_metrics
                .check()
                .unwrap_err()
                .contains("MIASTO_METRICS_TOKEN")
        );
        let weak_metrics = Config {
            metrics_token: Some("short".into()),
            ..ready
        };
        assert!(weak_metrics.check().is_err());
    }

    #[test]
    fn base_url_defaults_to_the_bind_address() {
        let config = Config::default();
        assert_eq!(config.base_url(), "http://127.0.0.1:8080");
        let any = Config {
            bind: "0.0.0.0:9000".parse().unwrap(),
            ..Config::default()
        };
        assert_eq!(any.base_url(), "http://127.0.0.1:9000");
    }

    #[test]
    fn bad_values_are_named() {
        let config = Config {
            database_url: "mysql://x".into(),
            secret: Some("short".into()),
            ..Config::default()
        };
        let error = config.check().unwrap_err();
        assert!(error.contains("database_url") && error.contains("32 characters"));
        let forever = Config {
            header_timeout_secs: 0,
            ..Config::default()
        };
        assert!(forever.check().unwrap_err().contains("header_timeout_secs"));
    }
}
