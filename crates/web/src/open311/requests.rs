//! Service requests: `POST requests`, `GET requests`, `GET requests/{id}`, `GET tokens/{token}`
//! and FixMyStreet's `GET servicerequestupdates`.

use super::{Call, Failure, Node, datetime, request_id};
use crate::AppState;
use crate::reports::intake::Outcome;
use crate::reports::{Lookup, status_label};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use miasto_domain::Locale;
use miasto_domain::geo::Point;
use miasto_domain::open311::{Format, NewRequest, OpenClosed, Params, RequestQuery, window};
use miasto_domain::reports::intake::{self as intake_check, CategoryRef, Field, Raw};
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_store::reports::{ListFilter, Report, Sort};

/// Most requests one search answers (the specification's suggestion).
pub const SEARCH_MAX: u64 = 1000;

fn request(
    report: &Report,
    lookup: &Lookup,
    locale: Locale,
    photo: Option<String>,
    base_url: &str,
) -> Node {
    let category = lookup.category(report.category);
    let coarse = report.point.map(Point::coarse);
    Node::Object(vec![
        ("service_request_id", Node::text(request_id(report.number))),
        (
            "status",
            Node::text(if report.status.is_closed() {
                OpenClosed::Closed.as_str()
            } else {
                OpenClosed::Open.as_str()
            }),
        ),
        (
            "status_notes",
            Node::text(status_label(locale, report.kind, report.status)),
        ),
        // Extension fields: the city's own status, and where to read the report.
        ("city_status", Node::text(report.status.as_str())),
        (
            "service_name",
            Node::opt(category.map(|c| c.names.get(locale))),
        ),
        ("service_code", Node::opt(category.map(|c| c.code.as_str()))),
        ("description", Node::text(report.public_description())),
        (
            "agency_responsible",
            Node::opt(lookup.unit(report.unit).map(|u| u.names.get(locale))),
        ),
        ("service_notice", Node::Null),
        (
            "requested_datetime",
            Node::text(datetime(report.created_at)),
        ),
        ("updated_datetime", Node::text(datetime(report.status_at))),
        ("expected_datetime", Node::Null),
        // The district, never the address as typed (it may name the reporter's home).
        (
            "address",
            Node::opt(
                report
                    .district
                    .and_then(|d| lookup.district(d))
                    .map(miasto_store::reference::District::label),
            ),
        ),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", coarse.map_or(Node::Null, |p| Node::Number(p.lat()))),
        ("long", coarse.map_or(Node::Null, |p| Node::Number(p.lon()))),
        ("media_url", Node::opt(photo)),
        (
            "url",
            Node::text(format!("{base_url}{}", report.number.path())),
        ),
    ])
}

/// Writes reports as `service_requests`, each with its first published photo.
async fn requests(
    state: &AppState,
    call: &Call,
    reports: &[Report],
) -> Result<(&'static str, Node), Failure> {
    let lookup = Lookup::load(state).await?;
    let ids: Vec<_> = reports.iter().map(|r| r.id).collect();
    let photos: std::collections::HashMap<_, _> =
        miasto_store::photos::first_public(state.db(), &ids)
            .await?
            .into_iter()
            .map(|p| (p.report, p.id))
            .collect();
    let base = &state.config().base_url;
    let items = reports
        .iter()
        .map(|r| {
            let photo = photos
                .get(&r.id)
                .map(|id| format!("{base}/photos/{id}/display"));
            request(r, &lookup, call.locale, photo, base)
        })
        .collect();
    Ok(("service_requests", Node::list("request", items)))
}

/// `GET requests`: by ids, or a search (service codes, open/closed, a date window).
pub async fn search(state: &AppState, call: &Call) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let found = match RequestQuery::parse(&call.params, miasto_store::now())? {
        RequestQuery::Ids(ids) => {
            let numbers: Vec<TrackingNumber> = ids
                .iter()
                .filter_map(|id| TrackingNumber::parse(id).ok())
                .collect();
            miasto_store::reports::get_many_by_number(state.db(), &numbers).await?
        }
        RequestQuery::Search {
            service_codes,
            statuses,
            from,
            to,
        } => {
            let lookup = Lookup::load(state).await?;
            let categories: Vec<_> = lookup
                .categories
                .iter()
                .filter(|c| service_codes.iter().any(|s| s == c.code.as_str()))
                .map(|c| c.id)
                .collect();
            if !service_codes.is_empty() && categories.is_empty() {
                Vec::new()
            } else {
                let filter = ListFilter {
                    categories,
                    open: match statuses.as_slice() {
                        [OpenClosed::Open] => Some(true),
                        [OpenClosed::Closed] => Some(false),
                        _ => None,
                    },
                    created_from: Some(from),
                    created_before: Some(to + chrono::Duration::seconds(1)),
                    sort: Sort::Newest,
                    ..Default::default()
                };
                miasto_store::reports::search(state.db(), &filter, SEARCH_MAX).await?
            }
        }
    };
    requests(state, call, &found).await
}

/// `GET requests/{id}.{format}`: one request, as a list of one.
pub async fn show(State(state): State<AppState>, Path(file): Path<String>, call: Call) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return call.fail_as(Format::Json, Failure::NotFound);
    };
    let result = async {
        call.check_jurisdiction(&state)?;
        let number = TrackingNumber::parse(id).map_err(|_| Failure::NotFound)?;
        let report = miasto_store::reports::get_by_number(state.db(), number)
            .await?
            .ok_or(Failure::NotFound)?;
        requests(&state, &call, &[report]).await
    }
    .await;
    call.respond(format, result)
}

/// `GET tokens/{token}.{format}`: requests are created at once, so POST never answers with a
/// token; this turns the private tracking token a resident got (in the e-mail and the link)
/// into the request's id.
pub async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    call: Call,
) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return call.fail_as(Format::Json, Failure::NotFound);
    };
    let result = async {
        call.check_jurisdiction(&state)?;
        let report = miasto_store::reports::get_by_tracking_token(state.db(), token)
            .await?
            .ok_or(Failure::NotFound)?;
        Ok((
            "service_requests",
            Node::list(
                "request",
                vec![Node::Object(vec![
                    ("service_request_id", Node::text(request_id(report.number))),
                    ("token", Node::text(token)),
                ])],
            ),
        ))
    }
    .await;
    call.respond(format, result)
}

/// FixMyStreet's update states for the city's statuses.
fn fixmystreet_state(status: Status) -> &'static str {
    match status {
        Status::New => "OPEN",
        Status::UnderAnalysis => "INVESTIGATING",
        Status::BeingSolved | Status::BeingImplemented => "IN_PROGRESS",
        Status::AwaitingFunding => "ACTION_SCHEDULED",
        Status::Solved | Status::Implemented => "FIXED",
        Status::TemporarySolution => "CLOSED",
        Status::NotFound | Status::Unfounded => "NO_FURTHER_ACTION",
        Status::OutsideCompetence => "NOT_COUNCILS_RESPONSIBILITY",
    }
}

/// `GET servicerequestupdates` (FixMyStreet): status changes with the city's public message,
/// oldest first, in a window (the last 90 days by default); at most 1000, so clients move
/// `start_date` on to read further.
pub async fn updates(state: &AppState, call: &Call) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let (from, to) = window(
        call.params.datetime("start_date")?,
        call.params.datetime("end_date")?,
        miasto_store::now(),
    )?;
    let updates = miasto_store::reports::public_updates(state.db(), from, to, SEARCH_MAX).await?;
    let items = updates
        .iter()
        .filter_map(|u| {
            let status = u.event.to?;
            Some(Node::Object(vec![
                ("update_id", Node::text(u.event.id.to_string())),
                ("service_request_id", Node::text(request_id(u.number))),
                ("status", Node::text(fixmystreet_state(status))),
                ("external_status_code", Node::text(status.as_str())),
                (
                    "status_notes",
                    Node::text(status_label(call.locale, u.kind, status)),
                ),
                ("updated_datetime", Node::text(datetime(u.event.at))),
                (
                    "description",
                    Node::text(u.event.public_message.clone().unwrap_or_default()),
                ),
                ("media_url", Node::Null),
            ]))
        })
        .collect();
    Ok((
        "service_request_updates",
        Node::list("request_update", items),
    ))
}

/// The Open311 parameter a problem of the intake check is about.
fn parameter(field: &Field) -> String {
    match field {
        Field::Category => "service_code".into(),
        Field::Lon => "long".into(),
        Field::Address => "address_string".into(),
        Field::ContactName => "last_name".into(),
        Field::ContactEmail => "email".into(),
        Field::ContactPhone => "phone".into(),
        Field::Answer(code) => format!("attribute[{code}]"),
        Field::Location => "lat, address_string".into(),
        other => other.name(),
    }
}

/// `POST requests.{format}` (form-encoded): a new report from a client application, through
/// the same intake as the web form; channel API, the client recorded.
pub async fn create(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    call: Call,
    body: Bytes,
) -> Response {
    let format = match Format::split(&file) {
        Some(("requests", format)) => format,
        Some((_, format)) => return call.fail_as(format, Failure::MethodNotAllowed),
        None => return call.fail_as(Format::Json, Failure::NotFound),
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/x-www-form-urlencoded"));
    let call = Call {
        params: Params::merged(Params::parse(&body), call.params),
        locale: call.locale,
    };
    let result = if form {
        submit(&state, &call).await
    } else {
        Err(Failure::Refused("body_unreadable", None))
    };
    call.respond(format, result)
}

async fn submit(state: &AppState, call: &Call) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let client = call.client(state).await?;
    let new = NewRequest::parse(&call.params)?;
    let lookup = Lookup::load(state).await?;
    let name = match (&new.first_name, &new.last_name) {
        (None, None) => String::new(),
        (first, last) => [first.as_deref(), last.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (lat, lon) = (text(&new.whereabouts.lat), text(&new.whereabouts.long));
    let (address, address_id) = (
        text(&new.whereabouts.address_string),
        text(&new.whereabouts.address_id),
    );
    let (description, email, phone) = (text(&new.description), text(&new.email), text(&new.phone));
    let raw = Raw {
        lat: &lat,
        lon: &lon,
        address: &address,
        address_id: &address_id,
        description: &description,
        contact_name: &name,
        contact_email: &email,
        contact_phone: &phone,
        consent: new.consent,
        ..Raw::new(CategoryRef::Code(&new.service_code), &new.answers)
    };
    let checked = intake_check::check(
        &raw,
        &lookup.categories,
        crate::reports::check::districts(state, &lookup),
    )
    .map_err(|problems| {
        let category = intake_check::category(&lookup.categories, &raw);
        Failure::Intake(
            problems
                .iter()
                .map(|(field, code)| {
                    let (id, args) = crate::reports::check::message(code, category, call.locale);
                    (parameter(field), id, args)
                })
                .collect(),
        )
    })?;
    let filing = crate::reports::check::Filing {
        channel: Channel::Api,
        client: Some(client.id.to_string()),
        reporter: None,
        recorded_by: None,
        locale: call.locale,
        media_url: new.media_url,
        photos: Vec::new(),
        // Open311 has no idempotency key: every POST is a new request.
        form_key: uuid::Uuid::now_v7().to_string(),
        form_scope: "open311",
        limit: None,
        remember: None,
    };
    let created = match crate::reports::check::file(state, checked, filing).await? {
        Outcome::Created(created) => created,
        Outcome::Duplicate | Outcome::Limited { .. } => {
            return Err(crate::Error::internal("open311 submission refused by the intake").into());
        }
    };
    let number = created.report.number;
    tracing::info!(report = %number, channel = "api", client = %client.id, "report received");
    let notice = crate::i18n::t_args(
        call.locale,
        "open311-received",
        &[("number", &number.to_string())],
    );
    Ok((
        "service_requests",
        Node::list(
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::text(request_id(number))),
                ("service_notice", Node::text(notice)),
                ("account_id", Node::Null),
            ])],
        ),
    ))
}
