//! Staff work on requests with signatures: officials check a submitted request and open it for
//! signatures (or refuse it), enter a referendum district's electorate, accept a request that
//! gathered enough signatures (a Small Consultation or consultation draft is created in the
//! same transaction) or refuse it with a published reason; the contact centre types in paper
//! signature lists. Every step is audited; the author and the online signers are told the
//! outcome by e-mail.

use super::{RequestView, SignForm, actor, find, read_signer, refused, refused_write, views};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::consultations::{Area, Kind, Method, Organisation, PlanText, Schedule};
use miasto_domain::requests::{self as rules, Action, Purpose, Refusal, Status};
use miasto_domain::{Permission, UnitId};
use miasto_store::audit;
use miasto_store::requests::{self as store, Filter, Request, Signer, SignerKind};
use serde::Deserialize;

fn may_work(ctx: &Ctx) -> Result<(), Error> {
    if ctx.can(Permission::ManageRequests) || ctx.can(Permission::KeySignatures) {
        Ok(())
    } else if ctx.user.is_none() {
        Err(Error::LoginRequired)
    } else {
        Err(Error::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "requests/staff_queue.html")]
struct QueuePage {
    page: Page,
    submitted: Vec<RequestView>,
    collecting: Vec<RequestView>,
    pending_organisations: usize,
    manages: bool,
}

/// `GET /staff/requests`: requests to check, and those collecting (the ones past their deadline
/// first: they wait for a decision).
pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    may_work(&ctx)?;
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "requests-staff-title");
    let first = miasto_store::Page::new(None, Some(miasto_store::Page::MAX_SIZE));
    let of = |status| Filter {
        statuses: vec![status],
        ..Filter::default()
    };
    let mut submitted = store::list(state.db(), &of(Status::Submitted), first)
        .await?
        .items;
    submitted.reverse();
    let collecting = store::list(state.db(), &of(Status::Collecting), first)
        .await?
        .items;
    let mut collecting = views(&state, &collecting, &lookup, &page).await?;
    collecting.sort_by_key(|r| r.phase != "closed");
    let pending_organisations = if ctx.can(Permission::ManageRequests) {
        store::pending_organisations(state.db()).await?.len()
    } else {
        0
    };
    Ok(render(&QueuePage {
        submitted: views(&state, &submitted, &lookup, &page).await?,
        collecting,
        pending_organisations,
        manages: ctx.can(Permission::ManageRequests),
        page,
    })?
    .into_response())
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    pub reason: String,
    pub electorate: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "requests/staff_show.html")]
struct ShowPage {
    page: Page,
    r: RequestView,
    may_open: bool,
    may_electorate: bool,
    may_paper: bool,
    may_accept: bool,
    /// Why accepting is not offered yet (too few signatures, no electorate).
    accept_refusal: Option<String>,
    may_refuse: bool,
    /// Accepting creates a consultation draft: the unit responsible is chosen.
    creates_consultation: bool,
    units: Vec<SelectOption>,
    paper: SignForm,
    decide: DecideForm,
    declaration: String,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    paper: SignForm,
    decide: DecideForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    may_work(ctx)?;
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!("{} – {}", page.t("requests-staff-title"), r.title);
    let progress = store::progress(state.db(), r.id).await?;
    let view = RequestView::new(r, progress, &lookup, &page);
    let who = actor(ctx);
    let phase = r.phase(miasto_store::now());
    let allowed = |action| rules::may(&who, action, r.purpose, phase).is_ok();
    let accept = rules::may_accept(&who, r.purpose, phase, r.needed, progress);
    let declaration = match &view.district {
        Some(d) => page.t1("requests-paper-declaration-district", "district", d),
        None => page.t1(
            "requests-paper-declaration-city",
            "city",
            &state.config().city_name,
        ),
    };
    let out = ShowPage {
        may_open: allowed(Action::Open),
        may_electorate: allowed(Action::SetElectorate),
        may_paper: allowed(Action::KeyPaper),
        may_accept: accept.is_ok(),
        accept_refusal: match accept {
            Err(refusal @ (Refusal::NotMet | Refusal::NoElectorate)) => {
                Some(page.t(&format!("error-{}", refusal.code())))
            }
            _ => None,
        },
        may_refuse: allowed(Action::Refuse),
        creates_consultation: r.purpose != Purpose::Referendum,
        units: options(
            lookup
                .units
                .iter()
                .map(|u| (u.id.to_string(), page.name(&u.names).to_owned())),
            &decide.unit,
        ),
        paper,
        decide,
        declaration,
        errors,
        r: view,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/requests/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    may_work(&ctx)?;
    let r = find(&state, &ctx, &number).await?;
    show_page(
        &state,
        &ctx,
        &r,
        SignForm::default(),
        DecideForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// The page again with `field`'s error (422), the decision form as typed.
async fn invalid(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    decide: DecideForm,
    field: &'static str,
    error: miasto_domain::FieldError,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add(field, error);
    show_page(
        state,
        ctx,
        r,
        SignForm::default(),
        decide,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The page again with the store's refusal (the transaction already rolled back).
async fn refused_again(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    decide: DecideForm,
    e: miasto_store::requests::RequestError,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
    show_page(state, ctx, r, SignForm::default(), decide, errors, status).await
}

/// The rule for `action` as a page: Ok, or the page with the refusal (403 for staff without
/// the permission).
async fn check(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    action: Action,
    decide: &DecideForm,
) -> Result<Option<Response>, Error> {
    let phase = r.phase(miasto_store::now());
    match rules::may(&actor(ctx), action, r.purpose, phase) {
        Ok(()) => Ok(None),
        Err(Refusal::SignIn) => Err(Error::LoginRequired),
        Err(Refusal::Forbidden) => Err(Error::Forbidden),
        Err(refusal) => {
            let mut errors = FieldErrors::new(ctx.locale);
            let status = refused(&mut errors, FieldErrors::FORM, refusal);
            show_page(
                state,
                ctx,
                r,
                SignForm::default(),
                decide.clone(),
                errors,
                status,
            )
            .await
            .map(Some)
        }
    }
}

/// Tells the author and the online signers (`news`: opened, accepted, refused).
async fn tell(
    state: &AppState,
    tx: &miasto_store::DatabaseTransaction,
    r: &Request,
    news: &str,
    reason: Option<&str>,
) -> Result<usize, Error> {
    let link = format!("{}/requests/{}", state.config().base_url, r.number);
    let mut jobs = Vec::new();
    for (email, locale) in store::recipients(tx, r).await? {
        let Ok(email) = miasto_domain::Email::parse(&email) else {
            continue;
        };
        let message = crate::emails::request_news(locale, &email, news, &r.title, reason, &link)?;
        jobs.push(miasto_store::jobs::Job::SendEmail(message));
    }
    for chunk in jobs.chunks(500) {
        miasto_store::jobs::enqueue_many(tx, chunk).await?;
    }
    Ok(jobs.len())
}

fn back(ctx: &Ctx, r: &Request, flash: &str) -> Response {
    redirect_with_flash(ctx, &format!("/staff/requests/{}", r.number), flash)
}

/// `POST /staff/requests/{number}/open`: the form is in order; signatures are collected from
/// now until the city's collection period ends.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let decide = DecideForm::default();
    if let Some(page) = check(&state, &ctx, &r, Action::Open, &decide).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageRequests)?.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::open(&tx, &r, &state.request_thresholds(), by).await {
        tx.rollback().await?;
        return refused_again(&state, &ctx, &r, decide, e).await;
    }
    let told = tell(&state, &tx, &r, "opened", None).await?;
    audit::record(
        &tx,
        Some(by),
        audit::Action::RequestOpened,
        Some(audit::Target::request(r.id)),
        serde_json::json!({ "number": r.number, "told": told }),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(back(&ctx, &r, "flash-request-opened"))
}

/// `POST /staff/requests/{number}/electorate`: the district's residents entitled to vote, from
/// the register; the signatures needed follow.
pub async fn electorate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(decide): Form<DecideForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &r, Action::SetElectorate, &decide).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageRequests)?.user.id;
    let electorate = match rules::check_electorate(&decide.electorate) {
        Ok(n) => n,
        Err(e) => return invalid(&state, &ctx, &r, decide, "electorate", e).await,
    };
    let percent = state.request_thresholds().referendum_percent;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::set_electorate(&tx, r.id, electorate, percent).await {
        tx.rollback().await?;
        return refused_again(&state, &ctx, &r, decide, e).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::RequestElectorate,
        Some(audit::Target::request(r.id)),
        serde_json::json!({ "number": r.number, "electorate": electorate, "percent": percent }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &r, "flash-request-electorate"))
}

/// `POST /staff/requests/{number}/paper`: one signature from a paper list (PESEL and the
/// list's residency declaration); the same person signing online too is refused.
pub async fn paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let decide = DecideForm::default();
    if let Some(page) = check(&state, &ctx, &r, Action::KeyPaper, &decide).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::KeySignatures)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(hash) = read_signer(&state, &r, &form, &mut errors) else {
        return show_page(
            &state,
            &ctx,
            &r,
            form,
            decide,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let signer = Signer {
        identity_hash: hash,
        kind: SignerKind::Resident,
        user: None,
        entered_by: Some(by),
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::sign(&tx, r.id, &signer).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors, "pesel")?;
        return show_page(&state, &ctx, &r, form, decide, errors, status).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::RequestPaperSignature,
        Some(audit::Target::request(r.id)),
        serde_json::json!({ "number": r.number }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &r, "flash-request-paper"))
}

/// The draft consultation an accepted request becomes: its title and the residents' text as
/// the goal, the request's district as the area, the earliest schedule the rules allow (the
/// official adjusts it before publishing), comments as the first method.
fn draft(
    state: &AppState,
    r: &Request,
    unit: &miasto_store::reference::Unit,
    contact: &miasto_domain::Email,
    page: &Page,
) -> miasto_store::consultations::Content {
    let kind = if r.purpose == Purpose::SmallConsultation {
        Kind::Small
    } else {
        Kind::Standard
    };
    let goal: String = r
        .description
        .chars()
        .take(miasto_domain::consultations::TEXT_MAX)
        .collect();
    miasto_store::consultations::Content {
        plan: PlanText {
            kind,
            title: r.title.clone(),
            goal,
            legal_basis: None,
            target_groups: Some(page.t1("requests-draft-target", "number", r.number)),
            contact_name: page.name(&unit.names).to_owned(),
            contact_email: contact.clone(),
            contact_phone: None,
        },
        organisation: Organisation {
            unit: unit.id,
            methods: vec![Method::Comments],
            area: match r.district {
                Some(d) => Area::Districts(vec![d]),
                None => Area::CityWide,
            },
            outline: None,
            topics: Vec::new(),
            premoderated: false,
        },
        schedule: Schedule::earliest(
            kind,
            &state.consultation_minimums(),
            miasto_store::now() + chrono::Duration::days(1),
        ),
    }
}

/// `POST /staff/requests/{number}/accept`: enough signatures (counted again under the store's
/// hold): a Small Consultation or consultation draft is created, linked both ways; a
/// referendum request is accepted for the referendum to be set up.
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(decide): Form<DecideForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &r, Action::Accept, &decide).await? {
        return Ok(page);
    }
    let current = ctx.require(Permission::ManageRequests)?;
    let by = current.user.id;
    let lookup = Lookup::load(&state).await?;
    let unit = match r.purpose {
        Purpose::Referendum => None,
        _ => {
            let unit = UnitId::parse(&decide.unit).and_then(|u| lookup.unit(u));
            if unit.is_none() {
                let e = if decide.unit.trim().is_empty() {
                    miasto_domain::FieldError::Required
                } else {
                    miasto_domain::FieldError::UnitUnknown
                };
                return invalid(&state, &ctx, &r, decide, "unit", e).await;
            }
            unit
        }
    };
    let page = Page::new(&ctx, String::new());
    let tx = miasto_store::begin(state.db()).await?;
    let consultation = match unit {
        Some(unit) => {
            let content = draft(&state, &r, unit, &current.user.email, &page);
            Some(miasto_store::consultations::create(&tx, &content, by).await?)
        }
        None => None,
    };
    if let Err(e) = store::accept(&tx, r.id, by, consultation.as_ref().map(|c| c.id)).await {
        tx.rollback().await?;
        return refused_again(&state, &ctx, &r, decide, e).await;
    }
    if let Some(c) = &consultation {
        audit::record(
            &tx,
            Some(by),
            audit::Action::ConsultationCreated,
            Some(audit::Target::consultation(c.id)),
            serde_json::json!({ "slug": c.slug, "request": r.number }),
        )
        .await?;
    }
    // A referendum request schedules its referendum: a draft the official completes.
    let referendum = match (r.purpose, consultation.is_none()) {
        (Purpose::Referendum, true) => {
            let min_age = state.request_thresholds().referendum_min_age;
            match crate::referenda::staff::draft_from_request(&r, min_age) {
                Some(d) => {
                    Some(miasto_store::referenda::create(&tx, &d, Some(r.id), Some(by)).await?)
                }
                None => None,
            }
        }
        _ => None,
    };
    let told = tell(&state, &tx, &r, "accepted", None).await?;
    audit::record(
        &tx,
        Some(by),
        audit::Action::RequestDecided,
        Some(audit::Target::request(r.id)),
        serde_json::json!({
            "number": r.number,
            "status": Status::Accepted.as_str(),
            "consultation": consultation.as_ref().map(|c| c.slug.clone()),
            "referendum": referendum.as_ref().map(|x| x.number),
            "told": told,
        }),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(match (consultation, referendum) {
        (Some(c), _) => redirect_with_flash(
            &ctx,
            &format!("/staff/consultations/{}", c.slug),
            "flash-request-accepted-consultation",
        ),
        (None, Some(x)) => redirect_with_flash(
            &ctx,
            &format!("/staff/referenda/{}", x.number),
            "flash-request-accepted-referendum",
        ),
        (None, None) => back(&ctx, &r, "flash-request-accepted"),
    })
}

/// `POST /staff/requests/{number}/refuse`: refused with a reason published on its page.
pub async fn refuse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(decide): Form<DecideForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &r, Action::Refuse, &decide).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageRequests)?.user.id;
    let reason = match rules::check_reason(&decide.reason) {
        Ok(reason) => reason,
        Err(e) => return invalid(&state, &ctx, &r, decide, "reason", e).await,
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::refuse(&tx, r.id, by, &reason).await {
        tx.rollback().await?;
        return refused_again(&state, &ctx, &r, decide, e).await;
    }
    let told = tell(&state, &tx, &r, "refused", Some(&reason)).await?;
    audit::record(
        &tx,
        Some(by),
        audit::Action::RequestDecided,
        Some(audit::Target::request(r.id)),
        serde_json::json!({
            "number": r.number,
            "status": Status::Refused.as_str(),
            "told": told,
        }),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(back(&ctx, &r, "flash-request-refused"))
}
