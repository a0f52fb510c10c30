//! Reports through the API: the categories and districts a report refers to, the public list
//! (cursor-paged, filtered), one report with its photos and public updates, sending a report
//! with photos (multipart, through the same intake as the web form) and supporting one.
//!
//! What the public sees is what the public report page shows: the city's moderated text, the
//! point rounded to about 100 m, the district, published photos — never who reported.

use super::{ApiError, Bearer, Data, FieldIssue, Lang, List, MaybeBearer, page_size, reply, time};
use crate::reports::create::{PhotoProblem, prepare_photos};
use crate::reports::intake::Outcome;
use crate::reports::{Lookup, status_label};
use crate::security::ClientKey;
use crate::{AppState, Error};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use miasto_domain::geo::Point;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::intake::{self as intake_check, Checked, Field, Raw};
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_domain::{Locale, ReportId};
use miasto_store::photos::{self, Photo};
use miasto_store::reports::{self, EventKind, ListFilter, Report, Sort};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A category a report can be filed under, with the extra questions it asks.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    #[schema(example = "problem.lighting")]
    pub code: String,
    /// `problem` or `idea`.
    pub kind: String,
    pub name: String,
    pub questions: Vec<QuestionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionOut {
    /// Answer it as `answers.<code>`.
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist` or `multivaluelist`.
    pub datatype: String,
    pub required: bool,
    pub text: String,
    pub hint: Option<String>,
    /// The allowed answers of list questions.
    pub choices: Vec<ChoiceOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChoiceOut {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictOut {
    pub number: u16,
    /// Its Roman numeral, as the city writes it (`XVIII`).
    pub roman: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusOut {
    /// The city's status: `new`, `under_analysis`, `being_solved`, `solved`, …
    pub code: String,
    /// Its name, in the language asked for.
    pub label: String,
    pub open: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoOut {
    pub id: uuid::Uuid,
    /// About 320 px on the longer side.
    pub thumb_url: String,
    /// For showing full-screen.
    pub display_url: String,
}

/// A report as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    /// Its id in URLs: the tracking number with a dash.
    #[schema(example = "2026-000123")]
    pub id: String,
    /// The tracking number as residents see it.
    #[schema(example = "2026/000123")]
    pub number: String,
    /// `problem` or `idea`.
    pub kind: String,
    pub category: CategoryRef,
    pub status: StatusOut,
    /// What the resident wrote, as moderated for the public.
    pub description: String,
    pub district: Option<DistrictOut>,
    /// The place, rounded to about 100 m.
    pub location: Option<Coordinates>,
    pub support_count: i32,
    /// The first published photo.
    pub photo: Option<PhotoOut>,
    /// The report this one was merged into (its id).
    pub merged_into: Option<String>,
    pub created_at: String,
    /// When its status last changed.
    pub updated_at: String,
    pub closed_at: Option<String>,
    /// Its page on the web.
    pub url: String,
}

/// One entry of a report's public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateOut {
    pub at: String,
    /// `created`, `status_changed`, `status_followed` (it follows the report it was merged
    /// into) or `merged`.
    pub kind: String,
    /// The status it moved to.
    pub status: Option<StatusOut>,
    /// What happened, in words.
    pub label: String,
    /// The city's message to residents, if any.
    pub message: Option<String>,
}

/// A report with its photos and public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub report: ReportOut,
    pub photos: Vec<PhotoOut>,
    pub updates: Vec<UpdateOut>,
    /// Whether the signed-in resident supports it (null when not signed in).
    pub supported: Option<bool>,
}

/// What sending a report answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentReport {
    pub report: ReportDetail,
    /// The private tracking token (also e-mailed to a given address): it opens
    /// `/reports/track/{token}` and Open311 `tokens/{token}`. Only in the first answer, never
    /// in a replay.
    pub tracking_token: Option<String>,
    /// Photos received; they are public once a moderator has looked at them.
    pub photos_received: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Supported {
    pub supported: bool,
    /// `false` if the resident already supported it.
    pub added: bool,
    pub support_count: i32,
}

/// The multipart form of a new report.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart body for the OpenAPI document"
)]
pub struct ReportForm {
    /// A category code from `GET /categories`.
    #[schema(min_length = 1, example = "problem.lighting")]
    category: String,
    /// 10 to 5,000 characters.
    #[schema(min_length = 10, max_length = 5000)]
    description: String,
    /// With `lon`: where it is. A point or an address is needed.
    #[schema(minimum = -90.0, maximum = 90.0)]
    lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    lon: Option<f64>,
    /// The address as the resident typed it.
    address: Option<String>,
    /// Answers to the category's questions: a JSON object, question code → a string, or a
    /// list of strings for `multivaluelist` questions.
    #[schema(example = json!(r#"{"pole_number": "12"}"#))]
    answers: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    /// `true`: the resident agrees to be contacted about this report (needed when giving
    /// contact details).
    consent: Option<bool>,
    /// Up to 5 photos (JPEG, PNG or WebP, up to 7 MiB each); location data is removed.
    #[schema(value_type = Vec<String>, format = Binary)]
    photos: Option<Vec<Vec<u8>>>,
}

/// Filters of the public list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Reports per page, 1–100 (25 if absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `problem` or `idea`.
    kind: Option<String>,
    /// A category code.
    category: Option<String>,
    /// A district number (1–18 in Kraków).
    #[param(value_type = Option<u16>)]
    district: Option<String>,
    /// One of the city's statuses.
    status: Option<String>,
    /// `true`: open reports only; `false`: closed only.
    #[param(value_type = Option<bool>)]
    open: Option<String>,
}

/// Paging of lists without filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1–100 (25 if absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// A report's id in URLs (`2026-000123`).
pub fn report_id(number: TrackingNumber) -> String {
    crate::open311::request_id(number)
}

fn status_out(locale: Locale, kind: ReportKind, status: Status) -> StatusOut {
    StatusOut {
        code: status.as_str().to_owned(),
        label: status_label(locale, kind, status),
        open: !status.is_closed(),
    }
}

fn photo_out(base: &str, photo: &Photo) -> PhotoOut {
    PhotoOut {
        id: photo.id,
        thumb_url: format!("{base}/photos/{}/thumb", photo.id),
        display_url: format!("{base}/photos/{}/display", photo.id),
    }
}

/// Builds public report resources, with what they share loaded once.
pub struct Writer {
    lookup: std::sync::Arc<Lookup>,
    base: String,
    locale: Locale,
}

impl Writer {
    pub async fn new(state: &AppState, locale: Locale) -> Result<Self, ApiError> {
        Ok(Self {
            lookup: Lookup::load(state).await?,
            base: state.config().base_url.trim_end_matches('/').to_owned(),
            locale,
        })
    }

    fn district(&self, report: &Report) -> Option<DistrictOut> {
        let d = self.lookup.district(report.district?)?;
        Some(DistrictOut {
            number: d.number,
            roman: d.roman.clone(),
            name: d.name.clone(),
        })
    }

    pub fn report(
        &self,
        report: &Report,
        photo: Option<&Photo>,
        merged_into: Option<&Report>,
    ) -> ReportOut {
        let category = self.lookup.category(report.category);
        ReportOut {
            id: report_id(report.number),
            number: report.number.to_string(),
            kind: report.kind.as_str().to_owned(),
            category: CategoryRef {
                code: category
                    .map(|c| c.code.as_str().to_owned())
                    .unwrap_or_default(),
                name: category
                    .map(|c| c.names.get(self.locale).to_owned())
                    .unwrap_or_default(),
            },
            status: status_out(self.locale, report.kind, report.status),
            description: report.public_description().to_owned(),
            district: self.district(report),
            location: report.point.map(Point::coarse).map(|p| Coordinates {
                lat: p.lat(),
                lon: p.lon(),
            }),
            support_count: report.support_count,
            photo: photo.map(|p| photo_out(&self.base, p)),
            merged_into: merged_into.map(|m| report_id(m.number)),
            created_at: time(report.created_at),
            updated_at: time(report.status_at),
            closed_at: report.closed_at.map(time),
            url: format!("{}{}", self.base, report.number.path()),
        }
    }

    /// Reports for a list, each with its first published photo.
    pub async fn reports(
        &self,
        state: &AppState,
        found: &[Report],
    ) -> Result<Vec<ReportOut>, ApiError> {
        let ids: Vec<ReportId> = found.iter().map(|r| r.id).collect();
        let photos: std::collections::HashMap<ReportId, Photo> =
            photos::first_public(state.db(), &ids)
                .await?
                .into_iter()
                .map(|p| (p.report, p))
                .collect();
        let mut masters: Vec<ReportId> = found.iter().filter_map(|r| r.merged_into).collect();
        masters.sort_unstable();
        masters.dedup();
        let mut merged = std::collections::HashMap::new();
        for id in masters {
            if let Some(m) = reports::get(state.db(), id).await? {
                merged.insert(id, m);
            }
        }
        Ok(found
            .iter()
            .map(|r| {
                self.report(
                    r,
                    photos.get(&r.id),
                    r.merged_into.and_then(|m| merged.get(&m)),
                )
            })
            .collect())
    }

    /// One report with its published photos and public history.
    pub async fn detail(
        &self,
        state: &AppState,
        report: &Report,
        viewer: Option<&Bearer>,
    ) -> Result<ReportDetail, ApiError> {
        let photos = photos::list(state.db(), report.id, photos::Audience::Public).await?;
        let master = match report.merged_into {
            Some(id) => reports::get(state.db(), id).await?,
            None => None,
        };
        let events = reports::timeline(state.db(), report.id, true).await?;
        let labels = crate::reports::show::timeline_items(&events, report, self.locale);
        let updates = events
            .iter()
            .zip(labels)
            .map(|(e, item)| UpdateOut {
                at: time(e.at),
                kind: e.kind.as_str().to_owned(),
                status: match e.kind {
                    EventKind::StatusChanged | EventKind::StatusFollowed => {
                        e.to.map(|s| status_out(self.locale, report.kind, s))
                    }
                    _ => None,
                },
                label: item.label,
                message: item.message,
            })
            .collect();
        let supported = match viewer {
            Some(b) => Some(reports::supports(state.db(), report.id, b.user.id).await?),
            None => None,
        };
        Ok(ReportDetail {
            report: self.report(report, photos.first(), master.as_ref()),
            photos: photos.iter().map(|p| photo_out(&self.base, p)).collect(),
            updates,
            supported,
        })
    }
}

/// Opaque list cursors: the creation time and id of the last report given.
pub fn encode_cursor(report: &Report) -> String {
    format!(
        "{}_{}",
        report.created_at.timestamp_micros(),
        report.id.0.simple()
    )
}

fn decode_cursor(raw: &str) -> Option<(DateTime<Utc>, ReportId)> {
    let (micros, id) = raw.trim().split_once('_')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, ReportId(uuid::Uuid::try_parse(id).ok()?)))
}

/// One page of reports matching `filter` (newest first), and the cursor of the next.
pub async fn page(
    state: &AppState,
    mut filter: ListFilter,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<(Vec<Report>, Option<String>), ApiError> {
    let limit = page_size(limit)?;
    filter.sort = Sort::Newest;
    filter.after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => {
            Some(decode_cursor(raw).ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?)
        }
        None => None,
    };
    let mut found = reports::search(state.db(), &filter, limit + 1).await?;
    let next = if found.len() as u64 > limit {
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        found.last().map(encode_cursor)
    } else {
        None
    };
    Ok((found, next))
}

/// Categories
///
/// The active categories, in the city's order, with the questions each asks.
#[utoipa::path(get, path = "/categories", tag = "reference",
    responses((status = 200, description = "The categories", body = Data<Vec<CategoryOut>>)))]
pub async fn list_categories(
    State(state): State<AppState>,
    Lang(lang): Lang,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let categories: Vec<CategoryOut> = lookup
        .categories
        .iter()
        .filter(|c| c.active)
        .map(|c| CategoryOut {
            code: c.code.as_str().to_owned(),
            kind: c.kind.as_str().to_owned(),
            name: c.names.get(lang).to_owned(),
            questions: c
                .questions
                .iter()
                .map(|q| QuestionOut {
                    code: q.code.as_str().to_owned(),
                    datatype: q.datatype.as_str().to_owned(),
                    required: q.required,
                    text: q.text.get(lang).to_owned(),
                    hint: q.hint.as_ref().map(|h| h.get(lang).to_owned()),
                    choices: q
                        .choices
                        .iter()
                        .map(|ch| ChoiceOut {
                            key: ch.key.as_str().to_owned(),
                            name: ch.name.get(lang).to_owned(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(reply(StatusCode::OK, categories))
}

/// Districts
///
/// The city's districts, by number.
#[utoipa::path(get, path = "/districts", tag = "reference",
    responses((status = 200, description = "The districts", body = Data<Vec<DistrictOut>>)))]
pub async fn list_districts(State(state): State<AppState>) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let mut districts: Vec<DistrictOut> = lookup
        .districts
        .iter()
        .map(|d| DistrictOut {
            number: d.number,
            roman: d.roman.clone(),
            name: d.name.clone(),
        })
        .collect();
    districts.sort_by_key(|d| d.number);
    Ok(reply(StatusCode::OK, districts))
}

/// List reports
///
/// Public reports, newest first, one page at a time.
#[utoipa::path(get, path = "/reports", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "One page of reports", body = List<ReportOut>),
        (status = 400, description = "A parameter cannot be used", body = super::error::ErrorBody),
    ))]
pub async fn list_reports(
    State(state): State<AppState>,
    Lang(lang): Lang,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    // Text filters left empty mean "any"; typed ones must hold a value of their type.
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let typed = |v: &Option<String>| v.as_deref().map(|v| v.trim().to_owned());
    let mut filter = ListFilter::default();
    if let Some(kind) = given(&q.kind) {
        filter.kind =
            Some(ReportKind::parse(&kind).map_err(|_| ApiError::invalid("kind", "kind_unknown"))?);
    }
    if let Some(code) = given(&q.category) {
        let category = lookup
            .categories
            .iter()
            .find(|c| c.code.as_str() == code)
            .ok_or_else(|| ApiError::invalid("category", "category_unknown"))?;
        filter.category = Some(category.id);
    }
    if let Some(number) = typed(&q.district) {
        let district = number
            .parse::<u16>()
            .ok()
            .and_then(|n| lookup.district_by_number(n))
            .ok_or_else(|| ApiError::invalid("district", "district_unknown"))?;
        filter.district = Some(district.id);
    }
    if let Some(status) = given(&q.status) {
        filter.status = Some(
            Status::parse(&status).map_err(|_| ApiError::invalid("status", "status_unknown"))?,
        );
    }
    if let Some(open) = typed(&q.open) {
        filter.open = Some(match open.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(ApiError::invalid("open", "not_a_boolean")),
        });
    }
    let (found, next_cursor) =
        page(&state, filter, q.cursor.as_deref(), q.limit.as_deref()).await?;
    let writer = Writer::new(&state, lang).await?;
    Ok(axum::Json(List {
        data: writer.reports(&state, &found).await?,
        next_cursor,
    })
    .into_response())
}

/// The report with this id, or a 404.
pub async fn find(state: &AppState, id: &str) -> Result<Report, ApiError> {
    let number = TrackingNumber::parse(id).map_err(|_| ApiError::not_found())?;
    reports::get_by_number(state.db(), number)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Read a report
///
/// One report with its published photos and public history. Signed in, it also says whether
/// the resident supports it.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "The report's id (`2026-000123`)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = Data<ReportDetail>),
        (status = 401, description = "A token was sent but is not valid", body = super::error::ErrorBody),
        (status = 404, description = "No such report", body = super::error::ErrorBody),
    ))]
pub async fn show_report(
    State(state): State<AppState>,
    Lang(lang): Lang,
    MaybeBearer(viewer): MaybeBearer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let report = find(&state, &id).await?;
    let writer = Writer::new(&state, lang).await?;
    let detail = writer.detail(&state, &report, viewer.as_ref()).await?;
    Ok(reply(StatusCode::OK, detail))
}

/// Support a report
///
/// Counts the signed-in resident's support once and tells them about the report's updates
/// (e-mail and notifications). Closed and merged reports take no support.
#[utoipa::path(post, path = "/reports/{id}/support", tag = "reports",
    params(("id" = String, Path, description = "The report's id (`2026-000123`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Supported (now or before)", body = Data<Supported>),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
        (status = 404, description = "No such report", body = super::error::ErrorBody),
        (status = 409, description = "The report is closed or merged (`report_closed`)", body = super::error::ErrorBody),
    ))]
pub async fn support_report(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let report = find(&state, &id).await?;
    if report.status.is_closed() || report.merged_into.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "report_closed"));
    }
    let tx = miasto_store::begin(state.db()).await?;
    let added = reports::support(&tx, report.id, &reports::Supporter::User(bearer.user.id)).await?;
    tx.commit().await.map_err(Error::from)?;
    Ok(reply(
        StatusCode::OK,
        Supported {
            supported: true,
            added,
            support_count: report.support_count + i32::from(added),
        },
    ))
}

/// The longest `Idempotency-Key` taken.
const IDEMPOTENCY_KEY_MAX: usize = 255;

/// The request's `Idempotency-Key`, if any: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_key_invalid",
        ));
    }
    Ok(Some(key.to_owned()))
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Answers as a JSON object: question code → string, number or list of strings.
fn parse_answers(raw: Option<&str>) -> Option<BTreeMap<String, Vec<String>>> {
    let Some(raw) = raw else {
        return Some(BTreeMap::new());
    };
    let serde_json::Value::Object(map) = serde_json::from_str(raw).ok()? else {
        return None;
    };
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    map.iter()
        .map(|(code, value)| {
            let values = match value {
                serde_json::Value::Array(items) => {
                    items.iter().map(scalar).collect::<Option<Vec<_>>>()?
                }
                other => vec![scalar(other)?],
            };
            Some((code.clone(), values))
        })
        .collect()
}

/// The form through the one intake check every channel shares; problems in the API's words.
fn check_form(
    state: &AppState,
    lookup: &Lookup,
    pairs: &[(String, String)],
    locale: Locale,
) -> Result<Checked, Vec<FieldIssue>> {
    let text = |name: &str| field(pairs, name).unwrap_or_default();
    let parsed = parse_answers(field(pairs, "answers"));
    let answers = parsed.clone().unwrap_or_default();
    let consent = match field(pairs, "consent") {
        None | Some("false") => Some(false),
        Some("true") => Some(true),
        Some(_) => None,
    };
    let raw = Raw {
        lat: text("lat"),
        lon: text("lon"),
        address: text("address"),
        description: text("description"),
        contact_name: text("contact_name"),
        contact_email: text("contact_email"),
        contact_phone: text("contact_phone"),
        consent: consent.unwrap_or(false),
        ..Raw::new(intake_check::CategoryRef::Code(text("category")), &answers)
    };
    let problems = match intake_check::check(
        &raw,
        &lookup.categories,
        crate::reports::check::districts(state, lookup),
    ) {
        Ok(checked) if parsed.is_some() && consent.is_some() => return Ok(checked),
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    let category = intake_check::category(&lookup.categories, &raw);
    let mut issues = Vec::new();
    for (field, code) in &problems {
        // Unreadable answers are reported once, in their place, not as each question
        // unanswered; an unreadable consent once, not as consent missing.
        match field {
            Field::Answer(_) if parsed.is_none() => continue,
            Field::Consent if consent.is_none() => continue,
            Field::ContactName | Field::ContactEmail | Field::ContactPhone | Field::Consent
                if parsed.is_none()
                    && !issues.iter().any(|i: &FieldIssue| i.field == "answers") =>
            {
                issues.push(malformed_answers());
            }
            _ => {}
        }
        let (id, args) = crate::reports::check::message(code, category, locale);
        let mut issue = FieldIssue::new(field.name(), code.as_str(), id);
        for (name, value) in args {
            issue = issue.with(name, value);
        }
        issues.push(issue);
    }
    if parsed.is_none() && !issues.iter().any(|i| i.field == "answers") {
        issues.push(malformed_answers());
    }
    if consent.is_none() {
        issues.push(FieldIssue::new(
            "consent",
            "not_a_boolean",
            "api-field-not_a_boolean".into(),
        ));
    }
    Err(issues)
}

fn malformed_answers() -> FieldIssue {
    FieldIssue::new(
        "answers",
        "answers_malformed",
        "api-field-answers_malformed".into(),
    )
}

/// Answers a keyed retry with the report its first attempt created: 201 as before, without
/// the tracking token (which is never stored), marked `Idempotent-Replayed: true`.
async fn replay(
    state: &AppState,
    lang: Locale,
    viewer: Option<&Bearer>,
    report: ReportId,
) -> Result<Response, ApiError> {
    let report = reports::get(state.db(), report)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let writer = Writer::new(state, lang).await?;
    let sent = SentReport {
        report: writer.detail(state, &report, viewer).await?,
        tracking_token: None,
        photos_received: photos::list(state.db(), report.id, photos::Audience::Reporter)
            .await?
            .len(),
    };
    let mut response = reply(StatusCode::CREATED, sent);
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// Send a report
///
/// A problem or an idea, with up to five photos, as `multipart/form-data`. Signed in, the
/// report is the resident's own ("my reports", notifications); anyone may send one. Send an
/// `Idempotency-Key` (a random UUID per report) so that retrying after a lost answer never
/// sends it twice.
#[utoipa::path(post, path = "/reports", tag = "reports",
    request_body(content = ReportForm, content_type = "multipart/form-data"),
    params(("Idempotency-Key" = Option<String>, Header, description = "A key unique to this report (1–255 visible ASCII characters), kept a day")),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received (or, with `Idempotent-Replayed: true`, received before)", body = Data<SentReport>),
        (status = 400, description = "The body is not a readable form, or the key is not usable", body = super::error::ErrorBody),
        (status = 401, description = "A token was sent but is not valid", body = super::error::ErrorBody),
        (status = 409, description = "The same key is being processed right now (`idempotency_in_progress`)", body = super::error::ErrorBody),
        (status = 413, description = "The photos are too large", body = super::error::ErrorBody),
        (status = 415, description = "The body is not multipart/form-data", body = super::error::ErrorBody),
        (status = 422, description = "A field failed its check, or the key was used for a different report (`idempotency_key_reused`)", body = super::error::ErrorBody),
        (status = 429, description = "Too many reports from this client", body = super::error::ErrorBody),
    ))]
pub async fn create_report(
    State(state): State<AppState>,
    Lang(lang): Lang,
    MaybeBearer(viewer): MaybeBearer,
    client: ClientKey,
    req: Request,
) -> Result<Response, ApiError> {
    let key = idempotency_key(req.headers())?;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ));
    }
    let (mut pairs, files) =
        crate::form::read_multipart(req, &state)
            .await
            .map_err(|e| match e {
                Error::PayloadTooLarge => ApiError::from(e),
                _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"),
            })?;
    pairs.sort();
    let sender = viewer
        .as_ref()
        .map_or_else(|| "anonymous".to_owned(), |b| b.user.id.to_string());
    let remember = key.map(|key| {
        let fingerprint = miasto_store::form_keys::fingerprint(
            pairs
                .iter()
                .flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()])
                .chain(files.iter().map(|f| f.bytes.as_ref())),
        );
        (
            miasto_store::form_keys::submission_key(&sender, &key),
            fingerprint,
        )
    });
    if let Some((key, fingerprint)) = &remember
        && let Some(earlier) = miasto_store::form_keys::find_submission(state.db(), key).await?
    {
        if earlier.request_hash != *fingerprint {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
            ));
        }
        return replay(&state, lang, viewer.as_ref(), earlier.report).await;
    }

    let lookup = Lookup::load(&state).await?;
    let checked = check_form(&state, &lookup, &pairs, lang).map_err(ApiError::validation)?;
    let limit_key = crate::accounts::client_key("report", &client);
    let limit = state.config().limits.reports_per_ip;
    let has_photos = files.iter().any(|f| f.field == "photos");
    if let miasto_store::rate_limit::Decision::Limited { retry_after_secs } =
        crate::reports::create::charge_or_check(&state, &limit_key, limit, has_photos).await?
    {
        return Err(ApiError::rate_limited(retry_after_secs));
    }
    let stored = match prepare_photos(&state, files).await? {
        Ok(stored) => stored,
        Err(PhotoProblem::TooMany) => {
            return Err(ApiError::validation(vec![FieldIssue::new(
                "photos",
                "photos_too_many",
                "error-photos-too-many".into(),
            )]));
        }
        Err(PhotoProblem::Bad(bad)) => {
            return Err(ApiError::validation(
                bad.into_iter()
                    .map(|(file, e)| {
                        FieldIssue::new("photos", e.code(), format!("error-{}", e.code()))
                            .with("file", file)
                    })
                    .collect(),
            ));
        }
    };
    let photos_received = stored.len();
    let filing = crate::reports::check::Filing {
        channel: Channel::Api,
        client: None,
        reporter: viewer.as_ref().map(|b| b.user.id),
        recorded_by: None,
        locale: lang,
        media_url: None,
        photos: stored,
        form_key: remember
            .as_ref()
            .map_or_else(|| uuid::Uuid::now_v7().to_string(), |(k, _)| k.clone()),
        form_scope: "api-report",
        limit: (!has_photos).then_some((limit_key, limit)),
        remember: remember.clone(),
    };
    let created = match crate::reports::check::file(&state, checked, filing).await? {
        Outcome::Created(created) => *created,
        Outcome::Duplicate => {
            let earlier = match &remember {
                Some((key, _)) => miasto_store::form_keys::find_submission(state.db(), key).await?,
                None => None,
            };
            return match earlier {
                Some(earlier) => replay(&state, lang, viewer.as_ref(), earlier.report).await,
                None => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "idempotency_in_progress",
                )),
            };
        }
        Outcome::Limited { retry_after_secs } => {
            return Err(ApiError::rate_limited(retry_after_secs));
        }
    };
    tracing::info!(report = %created.report.number, channel = "api", photos = photos_received, "report received");
    let writer = Writer::new(&state, lang).await?;
    let sent = SentReport {
        report: writer
            .detail(&state, &created.report, viewer.as_ref())
            .await?,
        tracking_token: Some(created.tracking_token),
        photos_received,
    };
    let mut response = reply(StatusCode::CREATED, sent);
    if let Ok(location) = HeaderValue::from_str(&format!(
        "{}/reports/{}",
        super::BASE,
        report_id(created.report.number)
    )) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_take_strings_numbers_and_lists() {
        let parsed =
            parse_answers(Some(r#"{"a": "x", "b": 3, "c": ["k1", "k2"]}"#)).unwrap_or_default();
        assert_eq!(parsed["a"], vec!["x"]);
        assert_eq!(parsed["b"], vec!["3"]);
        assert_eq!(parsed["c"], vec!["k1", "k2"]);
        assert!(parse_answers(Some("[1]")).is_none());
        assert!(parse_answers(Some(r#"{"a": {"b": 1}}"#)).is_none());
        assert!(parse_answers(Some("not json")).is_none());
        assert_eq!(parse_answers(None), Some(BTreeMap::new()));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap_or_default();
        let id = ReportId(uuid::Uuid::now_v7());
        let raw = format!("{}_{}", at.timestamp_micros(), id.0.simple());
        assert_eq!(decode_cursor(&raw), Some((at, id)));
        for bad in [
            "",
            "x",
            "12_",
            "_abc",
            "12_nothex",
            "99999999999999999999_00000000000000000000000000000000",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
