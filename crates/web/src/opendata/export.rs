//! Writing the open datasets: rows read from the store in keyset pages and written out as
//! they come (CSV, JSON, GeoJSON), so ten million rows go out in constant memory and the first
//! bytes leave at once. Used by the HTTP downloads and by `miasto opendata export`.

use miasto_domain::geo::Point;
use miasto_domain::reference::ReportKind;
use miasto_domain::{CategoryId, DistrictId, UnitId};
use miasto_store::reports::{self, ListFilter, Report, Sort};
use miasto_store::{ConnectionTrait, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// The published datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// One row per report, anonymised.
    Reports,
    /// Reports received per day, category and district, with how many are closed and acted on.
    Daily,
}

impl Dataset {
    pub const ALL: [Dataset; 2] = [Self::Reports, Self::Daily];

    pub fn id(self) -> &'static str {
        match self {
            Self::Reports => "reports",
            Self::Daily => "daily",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.id() == raw)
    }

    pub fn formats(self) -> &'static [Format] {
        match self {
            Self::Reports => &[Format::Csv, Format::Json, Format::GeoJson],
            Self::Daily => &[Format::Csv, Format::Json],
        }
    }

    /// The fields, in order: name, type (Table Schema), meaning.
    pub fn fields(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Self::Reports => &[
                (
                    "id",
                    "string",
                    "The report's tracking number, as 2026-000123.",
                ),
                ("kind", "string", "problem or idea."),
                ("category", "string", "The category's code."),
                ("category_name", "string", "The category's Polish name."),
                (
                    "district",
                    "integer",
                    "The district's number (1–18 in Kraków); empty if unknown.",
                ),
                (
                    "lat",
                    "number",
                    "Latitude rounded to about 100 m; empty if only an address was given.",
                ),
                ("lon", "number", "Longitude rounded to about 100 m."),
                ("status", "string", "The city's current status code."),
                (
                    "created_at",
                    "datetime",
                    "When it was sent (UTC, RFC 3339).",
                ),
                (
                    "closed_at",
                    "datetime",
                    "When it was closed (UTC); empty while open.",
                ),
                ("unit", "string", "The code of the city unit handling it."),
                (
                    "channel",
                    "string",
                    "How it arrived: web, api, phone, email or counter.",
                ),
            ],
            Self::Daily => &[
                (
                    "date",
                    "date",
                    "The day the reports were sent (Kraków time).",
                ),
                ("kind", "string", "problem or idea."),
                ("category", "string", "The category's code."),
                (
                    "district",
                    "integer",
                    "The district's number; empty if unknown.",
                ),
                ("received", "integer", "Reports sent that day."),
                ("closed", "integer", "Of those, closed by now."),
                (
                    "acted_on",
                    "integer",
                    "Of those, solved or being solved (implemented or being implemented).",
                ),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    GeoJson,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::GeoJson => "geojson",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Csv, Self::Json, Self::GeoJson]
            .into_iter()
            .find(|f| f.extension() == raw)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::GeoJson => "application/geo+json",
        }
    }
}

/// Which reports go out (sent between `from` and `before`, of a kind, category, district).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub before: Option<chrono::DateTime<chrono::Utc>>,
    pub kind: Option<ReportKind>,
    pub category: Option<CategoryId>,
    pub district: Option<DistrictId>,
}

/// Names and codes the rows refer to.
pub struct Names {
    categories: HashMap<CategoryId, (String, String)>,
    units: HashMap<UnitId, String>,
    districts: HashMap<DistrictId, u16>,
}

impl Names {
    pub async fn load(c: &impl ConnectionTrait) -> Result<Self, StoreError> {
        Ok(Self {
            categories: miasto_store::reference::list_categories(c)
                .await?
                .into_iter()
                .map(|x| (x.id, (x.code.as_str().to_owned(), x.names.pl)))
                .collect(),
            units: miasto_store::reference::list_units(c)
                .await?
                .into_iter()
                .map(|u| (u.id, u.code.as_str().to_owned()))
                .collect(),
            districts: miasto_store::reference::list_districts(c)
                .await?
                .into_iter()
                .map(|d| (d.id, d.number))
                .collect(),
        })
    }
}

/// One day's counts per (kind, category code, district number): received, closed, acted on.
type DayCounts = BTreeMap<(&'static str, String, Option<u16>), (u64, u64, u64)>;

/// A piece of the file, and how many rows have been written with it.
#[derive(Debug)]
pub struct Chunk {
    pub text: String,
    pub rows: u64,
}

/// Rows read from the database at a time.
const PAGE: u64 = 2_000;

/// Writes one CSV line (RFC 4180, CRLF), quoting fields that hold a separator (`,` or the
/// `;` Polish spreadsheets use), a quote or a line break.
pub fn csv_line<S: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = S>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let text = field.as_ref();
        if text.contains([',', ';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(text);
        }
    }
    out.push_str("\r\n");
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One report's fields, as text ready for any format (`None`: empty / null).
fn report_values(r: &Report, names: &Names) -> Vec<(&'static str, Option<String>, bool)> {
    let coarse = r.point.map(Point::coarse);
    let category = names.categories.get(&r.category);
    vec![
        ("id", Some(crate::open311::request_id(r.number)), true),
        ("kind", Some(r.kind.as_str().to_owned()), true),
        ("category", category.map(|c| c.0.clone()), true),
        ("category_name", category.map(|c| c.1.clone()), true),
        (
            "district",
            r.district
                .and_then(|d| names.districts.get(&d))
                .map(u16::to_string),
            false,
        ),
        ("lat", coarse.map(|p| p.lat().to_string()), false),
        ("lon", coarse.map(|p| p.lon().to_string()), false),
        ("status", Some(r.status.as_str().to_owned()), true),
        ("created_at", Some(time(r.created_at)), true),
        ("closed_at", r.closed_at.map(time), true),
        ("unit", names.units.get(&r.unit).cloned(), true),
        ("channel", Some(r.channel.as_str().to_owned()), true),
    ]
}

/// Writes fields (name, value, is-text) as a JSON object.
fn json_object(out: &mut String, values: &[(&'static str, Option<String>, bool)]) {
    out.push('{');
    for (i, (name, value, text)) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{name}\":");
        match value {
            None => out.push_str("null"),
            Some(v) if *text => out.push_str(&json_string(v)),
            Some(v) => out.push_str(v),
        }
    }
    out.push('}');
}

fn csv_row(out: &mut String, values: &[Option<String>]) {
    csv_line(out, values.iter().map(|v| v.as_deref().unwrap_or_default()));
}

/// Writes the dataset, sending each chunk of text to `sink` as soon as it is ready (a chunk
/// per page of rows); stops when the receiver is gone (the client went away). Returns the
/// number of rows written.
pub async fn write(
    c: &impl ConnectionTrait,
    names: &Names,
    dataset: Dataset,
    format: Format,
    selection: &Selection,
    sink: &tokio::sync::mpsc::Sender<Chunk>,
) -> Result<u64, StoreError> {
    let header: Vec<&str> = dataset.fields().iter().map(|f| f.0).collect();
    let mut first = true;
    let opening = match format {
        // A byte-order mark so spreadsheet programs read UTF-8.
        Format::Csv => format!("\u{feff}{}\r\n", header.join(",")),
        Format::Json => "[\n".to_owned(),
        Format::GeoJson => "{\"type\":\"FeatureCollection\",\"features\":[\n".to_owned(),
    };
    if sink
        .send(Chunk {
            text: opening,
            rows: 0,
        })
        .await
        .is_err()
    {
        return Ok(0);
    }
    let mut filter = ListFilter {
        kind: selection.kind,
        category: selection.category,
        district: selection.district,
        created_from: selection.from,
        created_before: selection.before,
        sort: Sort::Newest,
        ..Default::default()
    };
    let mut rows = 0u64;
    // The daily dataset: the day being counted (newest first), per (kind, category, district).
    let mut day: Option<chrono::NaiveDate> = None;
    let mut counts: DayCounts = BTreeMap::new();
    loop {
        let page = reports::search(c, &filter, PAGE).await?;
        let mut out = String::with_capacity(page.len() * 200);
        for r in &page {
            match dataset {
                Dataset::Reports => {
                    let values = report_values(r, names);
                    match format {
                        Format::Csv => csv_row(
                            &mut out,
                            &values.iter().map(|v| v.1.clone()).collect::<Vec<_>>(),
                        ),
                        Format::Json => {
                            if !first {
                                out.push_str(",\n");
                            }
                            json_object(&mut out, &values);
                        }
                        Format::GeoJson => {
                            if !first {
                                out.push_str(",\n");
                            }
                            out.push_str("{\"type\":\"Feature\",\"geometry\":");
                            match r.point.map(Point::coarse) {
                                Some(p) => {
                                    let _ = write!(
                                        out,
                                        "{{\"type\":\"Point\",\"coordinates\":[{},{}]}}",
                                        p.lon(),
                                        p.lat()
                                    );
                                }
                                None => out.push_str("null"),
                            }
                            out.push_str(",\"properties\":");
                            json_object(&mut out, &values);
                            out.push('}');
                        }
                    }
                    first = false;
                    rows += 1;
                }
                Dataset::Daily => {
                    let date = r
                        .created_at
                        .with_timezone(&chrono_tz::Europe::Warsaw)
                        .date_naive();
                    if day.is_some_and(|d| d != date) {
                        rows += flush_daily(&mut out, format, day, &mut counts, &mut first);
                    }
                    day = Some(date);
                    let key = (
                        r.kind.as_str(),
                        names
                            .categories
                            .get(&r.category)
                            .map(|c| c.0.clone())
                            .unwrap_or_default(),
                        r.district.and_then(|d| names.districts.get(&d).copied()),
                    );
                    let entry = counts.entry(key).or_default();
                    entry.0 += 1;
                    entry.1 += u64::from(r.status.is_closed());
                    entry.2 += u64::from(r.status.is_acted_on());
                }
            }
        }
        let last = page.last().map(|r| (r.created_at, r.id));
        let done = (page.len() as u64) < PAGE;
        if done {
            rows += flush_daily(&mut out, format, day, &mut counts, &mut first);
        }
        if !out.is_empty() && sink.send(Chunk { text: out, rows }).await.is_err() {
            return Ok(rows);
        }
        match last {
            Some(after) if !done => filter.after = Some(after),
            _ => break,
        }
    }
    let closing = match format {
        Format::Csv => String::new(),
        Format::Json => "\n]\n".to_owned(),
        Format::GeoJson => "\n]}\n".to_owned(),
    };
    if !closing.is_empty() {
        let _ = sink
            .send(Chunk {
                text: closing,
                rows,
            })
            .await;
    }
    Ok(rows)
}

fn flush_daily(
    out: &mut String,
    format: Format,
    day: Option<chrono::NaiveDate>,
    counts: &mut DayCounts,
    first: &mut bool,
) -> u64 {
    let Some(day) = day else {
        return 0;
    };
    let n = counts.len() as u64;
    for ((kind, category, district), (received, closed, acted)) in std::mem::take(counts) {
        let values: Vec<(&'static str, Option<String>, bool)> = vec![
            ("date", Some(day.to_string()), true),
            ("kind", Some(kind.to_owned()), true),
            ("category", Some(category), true),
            ("district", district.map(|d| d.to_string()), false),
            ("received", Some(received.to_string()), false),
            ("closed", Some(closed.to_string()), false),
            ("acted_on", Some(acted.to_string()), false),
        ];
        match format {
            Format::Csv => csv_row(out, &values.iter().map(|v| v.1.clone()).collect::<Vec<_>>()),
            Format::Json | Format::GeoJson => {
                if !*first {
                    out.push_str(",\n");
                }
                json_object(out, &values);
            }
        }
        *first = false;
    }
    n
}
