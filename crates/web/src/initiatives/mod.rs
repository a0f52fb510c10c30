//! Local initiatives (issue 18): residents (at least two) or an organisation apply all year for
//! the city to do something with them until the year's pool runs out; officials assess (100
//! points, 60 needed) and decide — an acceptance commits the cost to the pool, which the store
//! never lets run over; then the agreement, the realisation and a short public report. The
//! public sees the pool's remaining money live, and the accepted and realised initiatives by
//! year and district, on a list and a map.

pub mod staff;

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use miasto_domain::budget::format_amount;
use miasto_domain::initiatives::{self as rules, Action, Actor, Area, Opinion, Status};
use miasto_domain::{DistrictId, Permission};
use miasto_store::initiatives::{self as store, Application, Filter, Initiative};
use serde::Deserialize;

pub(crate) fn actor(ctx: &Ctx) -> Actor {
    Actor {
        user: ctx.user.as_ref().map(|u| u.user.id),
        role: ctx.user.as_ref().map(|u| u.user.role),
    }
}

/// The year in Kraków today.
pub(crate) fn this_year() -> i32 {
    miasto_store::today().year()
}

/// An initiative as pages show it.
pub struct InitiativeView {
    pub number: i32,
    pub title: String,
    pub summary: String,
    /// The applicants' names: for them and staff only (personal data).
    pub applicants: Option<String>,
    pub organisation: Option<String>,
    pub area: String,
    pub task: String,
    pub dates: String,
    pub place: String,
    pub district: String,
    pub land: String,
    pub significance: String,
    pub residents_contribution: String,
    pub city_contribution: String,
    pub cost: String,
    pub opinion: String,
    pub status: &'static str,
    pub status_label: String,
    /// "72 / 100" once assessed.
    pub score: Option<String>,
    pub reason: Option<String>,
    pub report: Option<String>,
    pub realised_on: Option<String>,
}

impl InitiativeView {
    pub fn new(i: &Initiative, lookup: &Lookup, page: &Page) -> Self {
        let a = &i.application;
        Self {
            number: i.number,
            title: a.title.clone(),
            summary: a.summary.clone(),
            applicants: Some(a.applicants.join(", ")),
            organisation: a.organisation.clone(),
            area: page.t(&format!("initiatives-area-{}", a.area.as_str())),
            task: a.task.clone(),
            dates: format!(
                "{} – {}",
                a.starts.format("%d.%m.%Y"),
                a.ends.format("%d.%m.%Y")
            ),
            place: a.place.clone(),
            district: lookup
                .district(a.district)
                .map(|d| d.label())
                .unwrap_or_default(),
            land: page.t(if a.city_land {
                "initiatives-land-city"
            } else {
                "initiatives-land-other"
            }),
            significance: a.significance.clone(),
            residents_contribution: a.residents_contribution.clone(),
            city_contribution: a.city_contribution.clone(),
            cost: format_amount(a.cost),
            opinion: page.t(&format!("initiatives-opinion-{}", a.opinion.as_str())),
            status: i.status.as_str(),
            status_label: page.t(&format!("initiatives-status-{}", i.status.as_str())),
            score: i.score.map(|s| format!("{} / 100", s.total())),
            reason: i.reason.clone(),
            report: i.report.clone(),
            realised_on: i.realised_on.map(|d| d.format("%d.%m.%Y").to_string()),
        }
    }
}

/// A year's pool in words: (amount, committed, remaining).
pub(crate) async fn pool_line(
    state: &AppState,
    year: i32,
) -> Result<Option<(String, String, String)>, Error> {
    Ok(store::pool(state.db(), year).await?.map(|p| {
        (
            format_amount(p.amount),
            format_amount(p.committed),
            format_amount(p.remaining()),
        )
    }))
}

/// Whether `ctx` may see an initiative not (or not yet) accepted: its applicant and staff.
fn may_see(ctx: &Ctx, i: &Initiative) -> bool {
    i.status.public()
        || ctx.can(Permission::ManageInitiatives)
        || ctx
            .user
            .as_ref()
            .is_some_and(|u| i.author == Some(u.user.id))
}

pub(crate) async fn find(state: &AppState, ctx: &Ctx, number: &str) -> Result<Initiative, Error> {
    let number: i32 = number.parse().map_err(|_| Error::NotFound)?;
    let i = store::get_by_number(state.db(), number)
        .await?
        .ok_or(Error::NotFound)?;
    if !may_see(ctx, &i) {
        return Err(Error::NotFound);
    }
    Ok(i)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub year: String,
    pub district: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "initiatives/index.html")]
struct IndexPage {
    page: Page,
    initiatives: Vec<InitiativeView>,
    years: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    /// The chosen year's pool: (amount, committed, remaining).
    pool: Option<(String, String, String)>,
    year: i32,
    /// Realised and accepted initiatives per district, for the map's text alternative.
    per_district: Vec<(String, u64)>,
    map_query: String,
    filtered: bool,
    pager: Pager,
}

fn public_filter(state_year: i32, district: Option<DistrictId>) -> Filter {
    Filter {
        statuses: vec![Status::Accepted, Status::Agreed, Status::Realised],
        year: Some(state_year),
        district,
        author: None,
    }
}

fn chosen(lookup: &Lookup, q: &ListQuery) -> (i32, Option<DistrictId>) {
    let year = q.year.trim().parse().unwrap_or_else(|_| this_year());
    let district = DistrictId::parse(&q.district).filter(|d| lookup.district(*d).is_some());
    (year, district)
}

/// `GET /initiatives`: the year's accepted and realised initiatives, the pool's money left.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "initiatives-title");
    let (year, district) = chosen(&lookup, &q);
    let filter = public_filter(year, district);
    let number = crate::admin::page_number(&q.page)?;
    let paged = store::list(state.db(), &filter, miasto_store::Page::new(number, None)).await?;
    let year_text = year.to_string();
    let pager = Pager::new(
        &paged,
        "/initiatives",
        &[("year", &year_text), ("district", &q.district)],
    );
    let mut years = store::years(state.db()).await?;
    if !years.contains(&this_year()) {
        years.insert(0, this_year());
    }
    let per_district = store::per_district(state.db(), &public_filter(year, None))
        .await?
        .into_iter()
        .filter_map(|(d, n)| lookup.district(d).map(|d| (d.label(), n)))
        .collect();
    Ok(render(&IndexPage {
        initiatives: paged
            .items
            .iter()
            .map(|i| InitiativeView::new(i, &lookup, &page))
            .collect(),
        years: options(
            years.iter().map(|y| (y.to_string(), y.to_string())),
            &year_text,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        pool: pool_line(&state, year).await?,
        year,
        per_district,
        map_query: serde_urlencoded::to_string([("year", year_text.as_str())]).unwrap_or_default(),
        filtered: district.is_some(),
        pager,
        page,
    })?
    .into_response())
}

/// `GET /initiatives/map.geojson?year=`: the districts with the year's initiatives, in the
/// shape the consultations' map draws.
pub async fn map_geojson(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "initiatives-title");
    let (year, _) = chosen(&lookup, &q);
    let all = store::list(
        state.db(),
        &public_filter(year, None),
        miasto_store::Page::new(None, Some(miasto_store::Page::MAX_SIZE)),
    )
    .await?;
    let mut features = Vec::new();
    for (number, geometry) in state.district_drawings() {
        let Some(d) = lookup.districts.iter().find(|d| d.number == *number) else {
            continue;
        };
        let here: Vec<serde_json::Value> = all
            .items
            .iter()
            .filter(|i| i.application.district == d.id)
            .map(|i| {
                serde_json::json!({
                    "title": i.application.title,
                    "path": format!("/initiatives/{}", i.number),
                    "phase": page.t(&format!("initiatives-status-{}", i.status.as_str())),
                    "open": i.status == Status::Realised,
                })
            })
            .collect();
        let geometry: serde_json::Value = serde_json::from_str(geometry)
            .map_err(|e| Error::internal(format!("district drawing: {e}")))?;
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": { "district": d.label(), "count": here.len(), "consultations": here },
        }));
    }
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features });
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/geo+json"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.to_string(),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "initiatives/show.html")]
struct ShowPage {
    page: Page,
    i: InitiativeView,
    staff: bool,
    /// The report's photos (ids), once realised.
    photos: Vec<String>,
}

/// `GET /initiatives/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    let lookup = Lookup::load(&state).await?;
    let mut page = Page::new(&ctx, String::new());
    page.title = i.application.title.clone();
    let mut view = InitiativeView::new(&i, &lookup, &page);
    let applicant = ctx
        .user
        .as_ref()
        .is_some_and(|u| i.author == Some(u.user.id));
    if !(applicant || ctx.can(Permission::ManageInitiatives)) {
        view.applicants = None;
    }
    let photos = store::photos_of(state.db(), i.id)
        .await?
        .into_iter()
        .map(|p| p.id.to_string())
        .collect();
    Ok(render(&ShowPage {
        i: view,
        photos,
        staff: ctx.can(Permission::ManageInitiatives),
        page,
    })?
    .into_response())
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    pub title: String,
    pub summary: String,
    pub applicants: String,
    pub organisation: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub area: String,
    pub task: String,
    pub starts: String,
    pub ends: String,
    pub place: String,
    pub district: String,
    /// "city" or "other".
    pub land: String,
    pub consent: String,
    pub significance: String,
    pub residents_contribution: String,
    pub city_contribution: String,
    pub cost: String,
    pub opinion: String,
}

#[derive(Template)]
#[template(path = "initiatives/new.html")]
struct NewPage {
    page: Page,
    areas: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    opinions: Vec<SelectOption>,
    earliest: String,
    pool: Option<(String, String, String)>,
    form: ApplyForm,
    errors: FieldErrors,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    form: ApplyForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "initiatives-new-title");
    let out = NewPage {
        areas: options(
            Area::ALL.iter().map(|a| {
                (
                    a.as_str(),
                    page.t(&format!("initiatives-area-{}", a.as_str())),
                )
            }),
            &form.area,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &form.district,
        ),
        opinions: options(
            Opinion::ALL.iter().map(|o| {
                (
                    o.as_str(),
                    page.t(&format!("initiatives-opinion-{}", o.as_str())),
                )
            }),
            if form.opinion.is_empty() {
                "none"
            } else {
                &form.opinion
            },
        ),
        earliest: rules::earliest_start(miasto_store::today())
            .format("%d.%m.%Y")
            .to_string(),
        pool: pool_line(state, this_year()).await?,
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /initiatives/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require_user()?;
    new_page(
        &state,
        &ctx,
        ApplyForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// Reads the form: the application, or every problem on `errors`.
fn read(form: &ApplyForm, lookup: &Lookup, errors: &mut FieldErrors) -> Option<Application> {
    use miasto_domain::FieldError;
    let text = |errors: &mut FieldErrors, field: &'static str, raw: &str, max: usize| {
        miasto_domain::required_text(raw, max)
            .map_err(|e| errors.add(field, e))
            .ok()
    };
    let title = text(errors, "title", &form.title, rules::TITLE_MAX);
    let summary = text(errors, "summary", &form.summary, rules::SHORT_MAX);
    let organisation = miasto_domain::optional_text(&form.organisation, rules::TITLE_MAX)
        .map_err(|e| errors.add("organisation", e))
        .ok()
        .flatten();
    let applicants = rules::check_applicants(&form.applicants, organisation.is_some())
        .map_err(|e| errors.add("applicants", e))
        .ok();
    let email = miasto_domain::Email::parse(&form.contact_email)
        .map_err(|e| errors.add("contact_email", e))
        .ok();
    let phone = miasto_domain::optional_text(&form.contact_phone, 40)
        .map_err(|e| errors.add("contact_phone", e))
        .ok()
        .flatten();
    let area = Area::parse(&form.area);
    if area.is_none() {
        errors.add("area", FieldError::Required);
    }
    let task = text(errors, "task", &form.task, rules::TEXT_MAX);
    let dates = rules::check_dates(date(&form.starts), date(&form.ends), miasto_store::today())
        .map_err(|problems| {
            for (field, e) in problems {
                errors.add(field, e);
            }
        })
        .ok();
    let place = text(errors, "place", &form.place, rules::SHORT_MAX);
    let district = DistrictId::parse(&form.district).filter(|d| lookup.district(*d).is_some());
    if district.is_none() {
        errors.add("district", FieldError::DistrictUnknown);
    }
    let city_land = match form.land.as_str() {
        "city" => Some(true),
        "other" => Some(false),
        _ => {
            errors.add("land", FieldError::Required);
            None
        }
    };
    let consent = !form.consent.is_empty();
    if city_land == Some(false) && !consent {
        errors.add_message("consent", "error-initiatives-consent");
    }
    let significance = text(errors, "significance", &form.significance, rules::TEXT_MAX);
    let residents_contribution = text(
        errors,
        "residents_contribution",
        &form.residents_contribution,
        rules::TEXT_MAX,
    );
    let city_contribution = text(
        errors,
        "city_contribution",
        &form.city_contribution,
        rules::TEXT_MAX,
    );
    let cost = rules::check_cost(&form.cost)
        .map_err(|e| errors.add("cost", e))
        .ok();
    let opinion = Opinion::parse(if form.opinion.is_empty() {
        "none"
    } else {
        &form.opinion
    });
    if opinion.is_none() {
        errors.add("opinion", FieldError::KindUnknown);
    }
    if !errors.is_empty() {
        return None;
    }
    let (starts, ends) = dates?;
    Some(Application {
        title: title?,
        summary: summary?,
        applicants: applicants?,
        organisation,
        contact_email: email?.as_str().to_owned(),
        contact_phone: phone,
        area: area?,
        task: task?,
        starts,
        ends,
        place: place?,
        district: district?,
        city_land: city_land?,
        landowner_consent: consent,
        significance: significance?,
        residents_contribution: residents_contribution?,
        city_contribution: city_contribution?,
        cost: cost?,
        opinion: opinion?,
    })
}

/// `POST /initiatives`: an application, for the city to assess.
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ApplyForm>,
) -> Result<Response, Error> {
    if let Err(refusal) = rules::may(&actor(&ctx), Action::Apply, None) {
        return Err(if refusal == rules::Refusal::SignIn {
            Error::LoginRequired
        } else {
            Error::Forbidden
        });
    }
    let current = ctx.require_user()?;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(application) = read(&form, &lookup, &mut errors) else {
        return new_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "initiatives", &current.user.email).await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        return new_page(&state, &ctx, form, errors, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let i = store::submit(&tx, &application, this_year(), Some(current.user.id)).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/initiatives/{}", i.number),
        "flash-initiative-applied",
    ))
}

/// `GET /initiatives/photos/{id}/{variant}`: a photo of a realised initiative's report.
pub async fn show_photo(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let variant = miasto_store::photos::Variant::parse(&variant).ok_or(Error::NotFound)?;
    let photo = store::photo(state.db(), id).await?.ok_or(Error::NotFound)?;
    crate::reports::photo::serve_file(&state, photo.key(variant), true).await
}
