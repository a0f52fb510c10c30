//! Open data: the contact centre's anonymised datasets under stable URLs
//! (`/opendata/{dataset}.{csv,json,geojson}`, filtered by `from`, `to`, `kind`, `category`,
//! `district`), each with a Table Schema (`/opendata/{dataset}.schema.json`), a catalogue page
//! at `/opendata` and a DCAT-AP catalogue at `/opendata/catalog.jsonld`. Downloads stream:
//! rows are read in pages and sent as they are written, whatever the size.

pub mod export;

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use export::{Dataset, Format, Names, Selection};
use miasto_domain::reference::ReportKind;
use serde::Deserialize;
use serde_json::json;

/// The licence every dataset is published under.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";
const LICENSE_NAME: &str = "CC BY 4.0";
/// A dataset's schema is served at `/opendata/{dataset}.schema.json`.
const SCHEMA_SUFFIX: &str = ".schema.json";

fn frequency(d: Dataset) -> &'static str {
    match d {
        Dataset::Reports => {
            "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
        }
        Dataset::Daily => "http://publications.europa.eu/resource/authority/frequency/DAILY",
    }
}

fn file_type(f: Format) -> &'static str {
    match f {
        Format::Csv => "http://publications.europa.eu/resource/authority/file-type/CSV",
        Format::Json => "http://publications.europa.eu/resource/authority/file-type/JSON",
        Format::GeoJson => "http://publications.europa.eu/resource/authority/file-type/GEOJSON",
    }
}

/// Download filters, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SelectionQuery {
    /// First day, `2025-01-01` (Kraków time).
    pub from: String,
    /// Last day, included.
    pub to: String,
    pub kind: String,
    /// A category code.
    pub category: String,
    /// A district number.
    pub district: String,
}

fn day_start(day: chrono::NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(chrono_tz::Europe::Warsaw)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

impl SelectionQuery {
    /// The selection, or the name of the parameter that cannot be used.
    pub fn parse(
        &self,
        categories: &[miasto_store::reference::Category],
        districts: &[miasto_store::reference::District],
    ) -> Result<Selection, &'static str> {
        let date =
            |raw: &str, name: &'static str| -> Result<Option<chrono::NaiveDate>, &'static str> {
                match raw.trim() {
                    "" => Ok(None),
                    raw => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                        .map(Some)
                        .map_err(|_| name),
                }
            };
        let from = date(&self.from, "from")?;
        let to = date(&self.to, "to")?;
        let kind = match self.kind.trim() {
            "" => None,
            raw => Some(ReportKind::parse(raw).map_err(|_| "kind")?),
        };
        let category = match self.category.trim() {
            "" => None,
            raw => Some(
                categories
                    .iter()
                    .find(|c| c.code.as_str() == raw)
                    .ok_or("category")?
                    .id,
            ),
        };
        let district = match self.district.trim() {
            "" => None,
            raw => Some(
                raw.parse::<u16>()
                    .ok()
                    .and_then(|n| districts.iter().find(|d| d.number == n))
                    .ok_or("district")?
                    .id,
            ),
        };
        Ok(Selection {
            from: from.and_then(day_start),
            before: to.and_then(|d| d.succ_opt()).and_then(day_start),
            kind,
            category,
            district,
        })
    }
}

/// `GET /opendata/{file}`: a dataset (`reports.csv`) or its schema (`reports.schema.json`).
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<SelectionQuery>,
) -> Result<Response, Error> {
    if let Some(id) = file.strip_suffix(SCHEMA_SUFFIX) {
        let dataset = Dataset::parse(id).ok_or(Error::NotFound)?;
        return Ok(axum::Json(table_schema(dataset)).into_response());
    }
    let (id, extension) = file.rsplit_once('.').ok_or(Error::NotFound)?;
    let dataset = Dataset::parse(id).ok_or(Error::NotFound)?;
    let format = Format::parse(extension)
        .filter(|f| dataset.formats().contains(f))
        .ok_or(Error::NotFound)?;
    let lookup = Lookup::load(&state).await?;
    let selection = q
        .parse(&lookup.categories, &lookup.districts)
        .map_err(|_| Error::BadRequest("opendata_filter"))?;
    let names = Names::load(state.db()).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<export::Chunk>(4);
    let db = state.db().clone();
    tokio::spawn(async move {
        let sent = export::write(&db, &names, dataset, format, &selection, &tx).await;
        if let Err(e) = sent {
            tracing::error!(error = %e, dataset = dataset.id(), "open data export failed");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c.text))))
    });
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"{}.{}\"",
                    dataset.id(),
                    format.extension()
                ),
            ),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The Frictionless Table Schema of a dataset.
fn table_schema(dataset: Dataset) -> serde_json::Value {
    json!({
        "fields": dataset.fields().iter().map(|(name, kind, description)| json!({
            "name": name,
            "type": kind,
            "description": description,
        })).collect::<Vec<_>>(),
        "primaryKey": match dataset {
            Dataset::Reports => json!(["id"]),
            Dataset::Daily => json!(["date", "kind", "category", "district"]),
        },
    })
}

/// `GET /opendata/catalog.jsonld`: the catalogue in DCAT-AP.
pub async fn catalog(State(state): State<AppState>) -> Response {
    let base = state.config().base_url.trim_end_matches('/').to_owned();
    let city = state.config().city_name.clone();
    let text = |id: &str| {
        json!([
            { "@value": crate::i18n::t(miasto_domain::Locale::Pl, id), "@language": "pl" },
            { "@value": crate::i18n::t(miasto_domain::Locale::En, id), "@language": "en" },
        ])
    };
    let datasets: Vec<serde_json::Value> = Dataset::ALL
        .iter()
        .map(|&d| {
            json!({
                "@id": format!("{base}/opendata#{}", d.id()),
                "@type": "dcat:Dataset",
                "dct:identifier": d.id(),
                "dct:title": text(&format!("opendata-{}-title", d.id())),
                "dct:description": text(&format!("opendata-{}-description", d.id())),
                "dct:publisher": { "@type": "foaf:Agent", "foaf:name": city },
                "dct:license": { "@id": LICENSE },
                "dct:accrualPeriodicity": { "@id": frequency(d) },
                "dct:conformsTo": { "@id": format!("{base}/opendata/{}.schema.json", d.id()) },
                "dcat:keyword": ["KCK", "zgłoszenia", "reports", "contact centre"],
                "dcat:landingPage": { "@id": format!("{base}/opendata") },
                "dcat:distribution": d.formats().iter().map(|&f| json!({
                    "@type": "dcat:Distribution",
                    "dcat:accessURL": { "@id": format!("{base}/opendata") },
                    "dcat:downloadURL": { "@id": format!("{base}/opendata/{}.{}", d.id(), f.extension()) },
                    "dcat:mediaType": f.media_type().split(';').next().unwrap_or_default(),
                    "dct:format": { "@id": file_type(f) },
                    "dct:license": { "@id": LICENSE },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut datasets = datasets;
    for r in published_reports(&state).await.unwrap_or_default() {
        let distributions: Vec<serde_json::Value> = [
            ("csv", "text/csv", "CSV"),
            ("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
        ]
        .iter()
        .map(|(ext, media, format)| json!({
            "@type": "dcat:Distribution",
            "dcat:accessURL": { "@id": format!("{base}/consultations/{}/report", r.slug) },
            "dcat:downloadURL": { "@id": format!("{base}/consultations/{}/downloads/report.{ext}", r.slug) },
            "dcat:mediaType": media,
            "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}") },
            "dct:license": { "@id": LICENSE },
        }))
        .collect();
        datasets.push(json!({
            "@id": format!("{base}/consultations/{}/report", r.slug),
            "@type": "dcat:Dataset",
            "dct:identifier": format!("consultation-report-{}", r.slug),
            "dct:title": r.title,
            "dct:description": text("opendata-consultation-description"),
            "dct:issued": r.issued,
            "dct:publisher": { "@type": "foaf:Agent", "foaf:name": city },
            "dct:license": { "@id": LICENSE },
            "dcat:keyword": ["konsultacje", "consultations", "raport", "report"],
            "dcat:landingPage": { "@id": format!("{base}/consultations/{}/report", r.slug) },
            "dcat:distribution": distributions,
        }));
    }
    let doc = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": format!("{base}/opendata/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": text("opendata-title"),
        "dct:description": text("opendata-lead"),
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": city },
        "dct:license": { "@id": LICENSE },
        "dcat:dataset": datasets,
    });
    (
        [
            (header::CONTENT_TYPE, "application/ld+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        doc.to_string(),
    )
        .into_response()
}

/// A consultation's published report, as a dataset of its own.
pub struct ReportDataset {
    pub slug: String,
    pub title: String,
    /// When the report was published (ISO 8601 date).
    pub issued: String,
}

/// Every published consultation report, newest first.
async fn published_reports(state: &AppState) -> Result<Vec<ReportDataset>, Error> {
    let filter = miasto_store::consultations::Filter {
        published_only: true,
        ..Default::default()
    };
    let mut reports: Vec<_> = miasto_store::consultations::list(state.db(), filter)
        .await?
        .into_iter()
        .filter_map(|c| {
            let at = c.reported_at.filter(|_| c.cancelled_at.is_none())?;
            Some((at, c))
        })
        .collect();
    reports.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    Ok(reports
        .into_iter()
        .map(|(at, c)| ReportDataset {
            slug: c.slug,
            title: c.plan.title,
            issued: at.date_naive().to_string(),
        })
        .collect())
}

pub struct DatasetView {
    pub id: &'static str,
    pub formats: Vec<&'static str>,
    pub fields: &'static [(&'static str, &'static str, &'static str)],
    pub frequency: &'static str,
}

#[derive(Template)]
#[template(path = "opendata/index.html")]
struct CatalogPage {
    page: Page,
    datasets: Vec<DatasetView>,
    license: &'static str,
    license_name: &'static str,
    schema_suffix: &'static str,
    reports: Vec<ReportDataset>,
}

/// `GET /opendata`: the catalogue for people.
pub async fn show_catalog(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let datasets = Dataset::ALL
        .iter()
        .map(|&d| DatasetView {
            id: d.id(),
            formats: d.formats().iter().map(|f| f.extension()).collect(),
            fields: d.fields(),
            frequency: match d {
                Dataset::Reports => "opendata-frequency-continuous",
                Dataset::Daily => "opendata-frequency-daily",
            },
        })
        .collect();
    Ok(render(&CatalogPage {
        page: Page::titled(&ctx, "opendata-title"),
        datasets,
        license: LICENSE,
        license_name: LICENSE_NAME,
        schema_suffix: SCHEMA_SUFFIX,
        reports: published_reports(&state).await?,
    })?
    .into_response())
}
