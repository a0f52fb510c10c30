//! Open311 GeoReport v2 parameters, parsed as the specification words them
//! (<http://wiki.open311.org/GeoReport_v2>). Raw query strings and form bodies go in; typed
//! requests or an [`Open311Error`] come out — never a panic, whatever the bytes (a fuzz target
//! in `fuzz/` holds this to account).
//!
//! Rules that trip implementers and are kept here: an empty parameter means absent; lists are
//! comma separated and may also be repeated; `service_request_id` overrides every other filter;
//! `lat` needs `long` and the other way round; attributes come as `attribute[CODE]=v` and list
//! answers as `attribute[CODE][]=v`; dates carry a time zone.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use std::collections::BTreeMap;

/// The answer format, chosen by the path's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `requests.json` into `("requests", Json)`; any other suffix is `None`.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, suffix) = file.rsplit_once('.')?;
        let format = match suffix {
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => return None,
        };
        Some((stem, format))
    }
}

/// Longest value kept of any parameter; longer ones are refused, not cut.
pub const VALUE_MAX: usize = 4000;
/// Most values in one comma list.
pub const LIST_MAX: usize = 200;
/// The window `GET requests` searches when no dates are given, and the span added to a lone
/// start or end date.
pub const DEFAULT_WINDOW_DAYS: i64 = 90;

/// Why a request was refused. Every one is a 400 except where the web layer says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Open311Error {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{0} is too long")]
    TooLong(&'static str),
    #[error("{0} is not a date and time with a time zone")]
    BadDatetime(&'static str),
    #[error("end_date is before start_date")]
    BadRange,
    #[error("status takes open or closed")]
    BadStatus,
    #[error("too many values in {0}")]
    TooMany(&'static str),
    #[error("media_url is not an http(s) address")]
    BadMediaUrl,
}

impl Open311Error {
    /// Stable snake_case code (translation keys).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing(_) => "missing",
            Self::TooLong(_) => "too_long",
            Self::BadDatetime(_) => "bad_datetime",
            Self::BadRange => "bad_range",
            Self::BadStatus => "bad_status",
            Self::TooMany(_) => "too_many",
            Self::BadMediaUrl => "bad_media_url",
        }
    }

    /// The parameter concerned, if one.
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            Self::Missing(p) | Self::TooLong(p) | Self::BadDatetime(p) | Self::TooMany(p) => {
                Some(p)
            }
            Self::BadRange => Some("end_date"),
            Self::BadStatus => Some("status"),
            Self::BadMediaUrl => Some("media_url"),
        }
    }
}

/// Parameters of one request: the form body's first, then the query string's (clients put
/// `api_key` and `jurisdiction_id` in either).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text; bytes that are not UTF-8 become U+FFFD.
    pub fn parse(raw: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The body's parameters followed by the query string's.
    pub fn merged(body: Self, query: Self) -> Self {
        let mut pairs = body.0;
        pairs.extend(query.0);
        Self(pairs)
    }

    /// The first non-blank value of `name`, trimmed; blank means absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// Like [`get`](Self::get), refusing values over [`VALUE_MAX`] characters.
    pub fn text(&self, name: &'static str) -> Result<Option<String>, Open311Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.chars().count() > VALUE_MAX => Err(Open311Error::TooLong(name)),
            Some(v) => Ok(Some(v.to_owned())),
        }
    }

    /// The comma-separated values of `name` (also when repeated), trimmed, blanks dropped.
    pub fn list(&self, name: &'static str) -> Result<Vec<String>, Open311Error> {
        let mut values = Vec::new();
        for (_, raw) in self.0.iter().filter(|(k, _)| k == name) {
            for v in raw.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                if values.len() == LIST_MAX {
                    return Err(Open311Error::TooMany(name));
                }
                if v.chars().count() > VALUE_MAX {
                    return Err(Open311Error::TooLong(name));
                }
                values.push(v.to_owned());
            }
        }
        Ok(values)
    }

    /// Answers to a service's questions: `attribute[CODE]=v`, and `attribute[CODE][]=v` once
    /// per value of a list.
    pub fn answers(&self) -> BTreeMap<String, Vec<String>> {
        let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in &self.0 {
            let Some(rest) = key.strip_prefix("attribute[") else {
                continue;
            };
            let code = rest
                .strip_suffix("][]")
                .or_else(|| rest.strip_suffix(']'))
                .filter(|c| !c.is_empty() && !c.contains(['[', ']']));
            if let Some(code) = code {
                answers
                    .entry(code.to_owned())
                    .or_default()
                    .push(value.clone());
            }
        }
        answers
    }

    /// The date and time in `name`, if given ([`parse_datetime`]).
    pub fn datetime(&self, name: &'static str) -> Result<Option<DateTime<Utc>>, Open311Error> {
        self.get(name)
            .map(|raw| parse_datetime(raw).map_err(|()| Open311Error::BadDatetime(name)))
            .transpose()
    }
}

/// A W3C/RFC 3339 date and time with a time zone (`2026-11-20T10:00:00+01:00`, `…Z`,
/// fractions allowed), or a bare date (`2026-11-20`, midnight UTC).
#[expect(
    clippy::result_unit_err,
    reason = "callers name the field; the error carries nothing more"
)]
pub fn parse_datetime(raw: &str) -> Result<DateTime<Utc>, ()> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::<FixedOffset>::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    // A `+` in a query string arrives as a space when the client forgot to escape it.
    if let Some((head, zone)) = raw.rsplit_once(' ')
        && let Ok(at) = DateTime::<FixedOffset>::parse_from_rfc3339(&format!("{head}+{zone}"))
    {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or(())
}

/// Open or closed, the only statuses Open311 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenClosed {
    Open,
    Closed,
}

impl OpenClosed {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// `GET requests`: which requests to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestQuery {
    /// `service_request_id` was given: exactly these, whatever else was.
    Ids(Vec<String>),
    Search {
        service_codes: Vec<String>,
        /// Empty: both.
        statuses: Vec<OpenClosed>,
        /// Requested at or after.
        from: DateTime<Utc>,
        /// Requested at or before.
        to: DateTime<Utc>,
    },
}

impl RequestQuery {
    pub fn parse(p: &Params, now: DateTime<Utc>) -> Result<Self, Open311Error> {
        let ids = p.list("service_request_id")?;
        if !ids.is_empty() {
            return Ok(Self::Ids(ids));
        }
        let service_codes = p.list("service_code")?;
        let mut statuses = Vec::new();
        for s in p.list("status")? {
            let status = match s.to_ascii_lowercase().as_str() {
                "open" => OpenClosed::Open,
                "closed" => OpenClosed::Closed,
                _ => return Err(Open311Error::BadStatus),
            };
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        let (from, to) = window(p.datetime("start_date")?, p.datetime("end_date")?, now)?;
        Ok(Self::Search {
            service_codes,
            statuses,
            from,
            to,
        })
    }
}

/// The searched window: the last [`DEFAULT_WINDOW_DAYS`] days without dates; a lone start or
/// end date spans that many days from or to it.
pub fn window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Open311Error> {
    let span = Duration::days(DEFAULT_WINDOW_DAYS);
    let (from, to) = match (start, end) {
        (None, None) => (now - span, now),
        (Some(s), None) => (s, s + span),
        (None, Some(e)) => (e - span, e),
        (Some(s), Some(e)) => (s, e),
    };
    if to < from {
        return Err(Open311Error::BadRange);
    }
    Ok((from, to))
}

/// Where the reported problem is, as sent (checked by the one intake check).
#[derive(Debug, Clone, PartialEq)]
pub struct Whereabouts {
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
}

/// `POST requests`: a new service request read from its parameters (lengths and the media URL
/// checked here); what it says is checked by [`crate::reports::intake::check`], as on every
/// channel.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub service_code: String,
    pub whereabouts: Whereabouts,
    pub description: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub media_url: Option<String>,
    /// The extension parameter `consent=true`: the resident agreed to be contacted (needed
    /// with any contact detail, as on every channel).
    pub consent: bool,
    /// Raw answers, checked against the service's questions by
    /// [`crate::questions::check_answers`].
    pub answers: BTreeMap<String, Vec<String>>,
}

impl NewRequest {
    pub fn parse(p: &Params) -> Result<Self, Open311Error> {
        let service_code = p
            .text("service_code")?
            .ok_or(Open311Error::Missing("service_code"))?;
        // What the intake check judges (lengths included) is taken as sent.
        let raw = |name: &str| p.get(name).map(str::to_owned);
        let whereabouts = Whereabouts {
            lat: raw("lat"),
            long: raw("long"),
            address_string: raw("address_string"),
            address_id: raw("address_id"),
        };
        let media_url = p.text("media_url")?;
        if let Some(url) = &media_url {
            let lower = url.to_ascii_lowercase();
            let rest = lower
                .strip_prefix("https://")
                .or_else(|| lower.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || url.chars().any(char::is_whitespace)) {
                return Err(Open311Error::BadMediaUrl);
            }
        }
        Ok(Self {
            service_code,
            whereabouts,
            description: raw("description"),
            email: raw("email"),
            phone: raw("phone"),
            first_name: raw("first_name"),
            last_name: raw("last_name"),
            device_id: p.text("device_id")?,
            account_id: p.text("account_id")?,
            media_url,
            consent: p.get("consent") == Some("true"),
            answers: p.answers(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(raw: &str) -> Params {
        Params::parse(raw.as_bytes())
    }

    fn at(raw: &str) -> DateTime<Utc> {
        parse_datetime(raw).unwrap()
    }

    #[test]
    fn formats_come_from_the_suffix() {
        assert_eq!(
            Format::split("requests.json"),
            Some(("requests", Format::Json))
        );
        assert_eq!(Format::split("a.b.xml"), Some(("a.b", Format::Xml)));
        assert_eq!(Format::split("requests"), None);
        assert_eq!(Format::split("requests.csv"), None);
    }

    #[test]
    fn empty_parameters_are_absent_and_lists_split_on_commas() {
        let p = params("service_code=&status=open,%20closed&status=open&x=1");
        assert_eq!(p.get("service_code"), None);
        assert_eq!(p.list("service_code").unwrap(), Vec::<String>::new());
        assert_eq!(p.list("status").unwrap(), ["open", "closed", "open"]);
        let many = format!("service_code={}", vec!["a"; LIST_MAX + 1].join(","));
        assert_eq!(
            params(&many).list("service_code"),
            Err(Open311Error::TooMany("service_code"))
        );
    }

    #[test]
    fn dates_need_a_zone_and_accept_an_unescaped_plus() {
        assert_eq!(
            at("2026-11-20T10:00:00+01:00"),
            at("2026-11-20T09:00:00Z"),
            "offsets are honoured"
        );
        assert_eq!(at("2026-11-20T10:00:00 01:00"), at("2026-11-20T09:00:00Z"));
        assert_eq!(at("2026-11-20"), at("2026-11-20T00:00:00Z"));
        assert!(parse_datetime("2026-11-20T10:00:00").is_err());
        assert!(parse_datetime("yesterday").is_err());
        assert!(parse_datetime("").is_err());
    }

    #[test]
    fn ids_override_every_other_filter() {
        let now = at("2026-11-21T12:00:00Z");
        let q = RequestQuery::parse(
            &params("service_request_id=2026-000001,2026-000002&status=bogus&start_date=x"),
            now,
        )
        .unwrap();
        assert_eq!(
            q,
            RequestQuery::Ids(vec!["2026-000001".into(), "2026-000002".into()])
        );
    }

    #[test]
    fn searches_default_to_the_last_ninety_days() {
        let now = at("2026-11-21T12:00:00Z");
        let q = RequestQuery::parse(&params("status=OPEN,open&service_code=a,b"), now).unwrap();
        assert_eq!(
            q,
            RequestQuery::Search {
                service_codes: vec!["a".into(), "b".into()],
                statuses: vec![OpenClosed::Open],
                from: now - Duration::days(90),
                to: now,
            }
        );
        let start = at("2026-01-01T00:00:00Z");
        let Ok(RequestQuery::Search { from, to, .. }) =
            RequestQuery::parse(&params("start_date=2026-01-01T00:00:00Z"), now)
        else {
            panic!("a start date alone is a search");
        };
        assert_eq!((from, to), (start, start + Duration::days(90)));
        assert_eq!(
            RequestQuery::parse(&params("status=pending"), now),
            Err(Open311Error::BadStatus)
        );
        assert_eq!(
            RequestQuery::parse(&params("start_date=2026-13-01T00:00:00Z"), now),
            Err(Open311Error::BadDatetime("start_date"))
        );
        assert_eq!(
            RequestQuery::parse(
                &params("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z"),
                now
            ),
            Err(Open311Error::BadRange)
        );
    }

    #[test]
    fn new_requests_need_a_service_and_are_read_as_sent() {
        let ok = NewRequest::parse(&params(
            "service_code=problem.lighting&lat=50.0617&long=19.9373&description=Nie+%C5%9Bwieci\
             &attribute%5Bpole%5D=A-12&attribute%5Bkinds%5D%5B%5D=a&attribute%5Bkinds%5D%5B%5D=b\
             &attribute%5B%5D=x&attribute%5Bbad%5D%5Bx%5D=y",
        ))
        .unwrap();
        assert_eq!(ok.service_code, "problem.lighting");
        assert_eq!(ok.description.as_deref(), Some("Nie świeci"));
        assert_eq!(ok.whereabouts.lat.as_deref(), Some("50.0617"));
        assert_eq!(ok.answers["pole"], ["A-12"]);
        assert_eq!(ok.answers["kinds"], ["a", "b"]);
        assert_eq!(ok.answers.len(), 2, "malformed attribute keys are ignored");
        assert!(!ok.consent);

        let err = |raw: &str| NewRequest::parse(&params(raw)).unwrap_err();
        assert_eq!(
            err("lat=50&long=19.9"),
            Open311Error::Missing("service_code")
        );
        assert_eq!(
            err("service_code=a&address_id=1&media_url=ftp://x"),
            Open311Error::BadMediaUrl
        );
        let address_only = NewRequest::parse(&params("service_code=a&address_string=Rynek+1"))
            .unwrap()
            .whereabouts;
        assert_eq!(address_only.address_string.as_deref(), Some("Rynek 1"));
        let long = format!("service_code={}", "x".repeat(4001));
        assert_eq!(err(&long), Open311Error::TooLong("service_code"));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap stand-in for the fuzz target, run with every `cargo test`.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"=&%[],.:+-_ 0123456789abcdefghijklmnopqrstuvwxyzT\xc5\x9b\xff";
        let now = at("2026-11-21T12:00:00Z");
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = usize::try_from(seed % 64).unwrap();
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    let pick = (seed >> (i % 50)) as usize + i * 31;
                    alphabet[pick % alphabet.len()]
                })
                .collect();
            let p = Params::parse(&bytes);
            let _ = RequestQuery::parse(&p, now);
            let _ = NewRequest::parse(&p);
            let _ = parse_datetime(&String::from_utf8_lossy(&bytes));
        }
    }
}
