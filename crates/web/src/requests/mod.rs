//! Requests with signatures (issue 18): residents ask for a Small Consultation, a consultation
//! or a district referendum and others sign. Public pages list them with their progress
//! ("123 of 300"), a deadline and the outcome; a resident signs with their account, their
//! PESEL (kept only as a keyed hash within the request) and a residency declaration; an
//! organisation signs through an account whose link to its KRS number staff verified. The
//! rulebook is `miasto_domain::requests`; the store enforces it.

pub mod organisations;
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
use miasto_domain::budget::Pesel;
use miasto_domain::requests::{
    self as rules, Action, Actor, OrganisationStatus, Progress, Purpose, Refusal, Status,
};
use miasto_domain::{DistrictId, Permission};
use miasto_store::requests::{
    self as store, Filter, NewRequest, Request, RequestError, Signer, SignerKind,
};
use serde::Deserialize;

/// The rulebook's actor for the one making the request.
pub(crate) fn actor(ctx: &Ctx) -> Actor {
    ctx.user.as_ref().map_or(Actor::ANONYMOUS, |u| Actor {
        user: Some(u.user.id),
        role: Some(u.user.role),
    })
}

/// A request as pages show it.
pub struct RequestView {
    pub number: i32,
    pub purpose: String,
    pub title: String,
    pub description: String,
    /// "I Stare Miasto"; none for a city-wide consultation request.
    pub district: Option<String>,
    /// submitted, open, closed, accepted, refused.
    pub phase: &'static str,
    pub phase_label: String,
    pub needed_residents: Option<u32>,
    /// "123 of 300 residents" (or "the electorate is not entered yet").
    pub residents_line: String,
    pub organisations_line: Option<String>,
    /// How far towards the residents' number, 0–100.
    pub percent: u32,
    pub met: bool,
    pub deadline: String,
    pub created: String,
    pub reason: Option<String>,
    /// The consultation created from it: its address (once published, or for staff).
    pub consultation: Option<String>,
    /// That consultation is still a draft being prepared.
    pub consultation_prepared: bool,
    pub electorate: Option<u32>,
}

impl RequestView {
    pub fn new(r: &Request, progress: Progress, lookup: &Lookup, page: &Page) -> Self {
        let phase = r.phase(miasto_store::now());
        let residents_line = match r.needed.residents {
            Some(n) => page.t2(
                "requests-progress-residents",
                "n",
                page.n(progress.residents),
                "of",
                page.n(n),
            ),
            None => page.t1(
                "requests-progress-no-electorate",
                "n",
                page.n(progress.residents),
            ),
        };
        let organisations_line = r.needed.organisations.map(|n| {
            page.t2(
                "requests-progress-organisations",
                "n",
                progress.organisations,
                "of",
                n,
            )
        });
        let percent = r.needed.residents.map_or(0, |n| {
            u32::try_from((u64::from(progress.residents) * 100 / u64::from(n.max(1))).min(100))
                .unwrap_or(100)
        });
        Self {
            number: r.number,
            purpose: page.t(&format!("requests-purpose-{}", r.purpose.as_str())),
            title: r.title.clone(),
            description: r.description.clone(),
            district: r
                .district
                .and_then(|d| lookup.district(d))
                .map(|d| d.label()),
            phase: phase.as_str(),
            phase_label: page.t(&format!("requests-phase-{}", phase.as_str())),
            needed_residents: r.needed.residents,
            residents_line,
            organisations_line,
            percent,
            met: r.needed.met(progress),
            deadline: page.opt_datetime(&r.deadline),
            created: page.datetime(&r.created_at),
            reason: r.reason.clone(),
            consultation: None,
            consultation_prepared: false,
            electorate: r.electorate,
        }
    }
}

/// Views of `requests` with their progress, read in one go.
pub(crate) async fn views(
    state: &AppState,
    requests: &[Request],
    lookup: &Lookup,
    page: &Page,
) -> Result<Vec<RequestView>, Error> {
    let ids: Vec<uuid::Uuid> = requests.iter().map(|r| r.id).collect();
    let progress = store::progress_of(state.db(), &ids).await?;
    Ok(requests
        .iter()
        .map(|r| {
            RequestView::new(
                r,
                progress.get(&r.id).copied().unwrap_or_default(),
                lookup,
                page,
            )
        })
        .collect())
}

/// Whether `ctx` may see a request not yet opened (its author and the officials who check it).
fn may_see(ctx: &Ctx, r: &Request) -> bool {
    r.status != Status::Submitted
        || ctx.can(Permission::ManageRequests)
        || ctx.can(Permission::KeySignatures)
        || ctx
            .user
            .as_ref()
            .is_some_and(|u| r.author == Some(u.user.id))
}

/// The request at `/requests/{number}`, if `ctx` may see it.
pub(crate) async fn find(state: &AppState, ctx: &Ctx, number: &str) -> Result<Request, Error> {
    let number: i32 = number.parse().map_err(|_| Error::NotFound)?;
    let r = store::get_by_number(state.db(), number)
        .await?
        .ok_or(Error::NotFound)?;
    if !may_see(ctx, &r) {
        return Err(Error::NotFound);
    }
    Ok(r)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub purpose: String,
    pub district: String,
    /// "open" (collecting) or "decided"; empty: both.
    pub state: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "requests/index.html")]
struct IndexPage {
    page: Page,
    requests: Vec<RequestView>,
    purposes: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    states: Vec<SelectOption>,
    filtered: bool,
    pager: Pager,
    thresholds: Vec<String>,
}

/// `GET /requests`: requests collecting signatures and those decided, newest first.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "requests-title");
    let statuses = match q.state.as_str() {
        "open" => vec![Status::Collecting],
        "decided" => vec![Status::Accepted, Status::Refused],
        _ => vec![Status::Collecting, Status::Accepted, Status::Refused],
    };
    let filter = Filter {
        statuses,
        purpose: Purpose::parse(&q.purpose),
        district: DistrictId::parse(&q.district).filter(|d| lookup.district(*d).is_some()),
        author: None,
    };
    let number = crate::admin::page_number(&q.page)?;
    let paged = store::list(state.db(), &filter, miasto_store::Page::new(number, None)).await?;
    let pager = Pager::new(
        &paged,
        "/requests",
        &[
            ("purpose", &q.purpose),
            ("district", &q.district),
            ("state", &q.state),
        ],
    );
    let requests = views(&state, &paged.items, &lookup, &page).await?;
    let t = state.request_thresholds();
    let thresholds = vec![
        page.t2(
            "requests-rule-small",
            "residents",
            t.small_residents,
            "organisations",
            t.small_organisations,
        ),
        page.t2(
            "requests-rule-consultation",
            "residents",
            t.consultation_residents,
            "organisations",
            t.consultation_organisations,
        ),
        page.t1("requests-rule-referendum", "percent", t.referendum_percent),
    ];
    Ok(render(&IndexPage {
        purposes: options(
            Purpose::ALL.iter().map(|p| {
                (
                    p.as_str(),
                    page.t(&format!("requests-purpose-{}", p.as_str())),
                )
            }),
            &q.purpose,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        states: options(
            ["open", "decided"]
                .iter()
                .map(|s| (*s, page.t(&format!("requests-state-{s}")))),
            &q.state,
        ),
        filtered: !(q.purpose.is_empty() && q.district.is_empty() && q.state.is_empty()),
        requests,
        pager,
        thresholds,
        page,
    })?
    .into_response())
}

/// An organisation the account may sign for.
pub struct OrganisationChoice {
    pub id: String,
    pub name: String,
    pub krs: String,
    pub signed: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SignForm {
    pub pesel: String,
    /// The residency declaration's checkbox.
    pub declaration: String,
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    page: Page,
    r: RequestView,
    /// The sign form is offered.
    may_sign: bool,
    login: bool,
    /// Why signing is not offered (closed, decided…).
    refusal: Option<String>,
    signed: bool,
    organisations: Vec<OrganisationChoice>,
    /// Links waiting for staff (the account cannot sign for them yet).
    pending_organisations: bool,
    declaration: String,
    form: SignForm,
    errors: FieldErrors,
    staff: bool,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    form: SignForm,
    errors: FieldErrors,
) -> Result<ShowPage, Error> {
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    let progress = store::progress(state.db(), r.id).await?;
    let mut view = RequestView::new(r, progress, &lookup, &page);
    if let Some(id) = r.consultation
        && let Some((slug, published)) =
            miasto_store::consultations::slug_of(state.db(), id).await?
    {
        let staff = ctx.can(Permission::ManageConsultations);
        view.consultation = if published {
            Some(format!("/consultations/{slug}"))
        } else {
            staff.then(|| format!("/staff/consultations/{slug}"))
        };
        view.consultation_prepared = !published;
    }
    page.title = r.title.clone();
    let phase = r.phase(miasto_store::now());
    let rule = rules::may(&actor(ctx), Action::Sign, r.purpose, phase);
    let (signed, organisations, pending) = match &ctx.user {
        Some(u) => {
            let signed = store::signed_by(state.db(), r.id, u.user.id).await?;
            let mine = store::organisations_of(state.db(), u.user.id).await?;
            let pending = mine.iter().any(|o| o.status == OrganisationStatus::Pending);
            let choices = if r.purpose.organisations_sign() {
                mine.into_iter()
                    .filter(|o| o.status == OrganisationStatus::Verified)
                    .map(|o| OrganisationChoice {
                        signed: signed.organisations.contains(&o.id),
                        id: o.id.to_string(),
                        name: o.name,
                        krs: o.krs,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (signed.resident, choices, pending)
        }
        None => (false, Vec::new(), false),
    };
    let declaration = match &view.district {
        Some(d) => page.t1("requests-declaration-district", "district", d),
        None => page.t1(
            "requests-declaration-city",
            "city",
            &state.config().city_name,
        ),
    };
    Ok(ShowPage {
        may_sign: rule.is_ok() && !signed,
        login: rule == Err(Refusal::SignIn),
        refusal: match rule {
            // A decided request shows its outcome instead.
            Ok(()) | Err(Refusal::SignIn | Refusal::Forbidden | Refusal::Decided) => None,
            Err(r) => Some(page.t(&format!("error-{}", r.code()))),
        },
        signed,
        organisations,
        pending_organisations: pending,
        declaration,
        form,
        errors,
        staff: ctx.can(Permission::ManageRequests) || ctx.can(Permission::KeySignatures),
        r: view,
        page,
    })
}

/// `GET /requests/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let page = show_page(
        &state,
        &ctx,
        &r,
        SignForm::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn show_again(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    form: SignForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = show_page(state, ctx, r, form, errors).await?;
    Ok((status, render(&page)?).into_response())
}

/// A refusal as a form error with its HTTP status.
pub(crate) fn refused(
    errors: &mut FieldErrors,
    field: &'static str,
    refusal: Refusal,
) -> StatusCode {
    errors.add_message(field, &format!("error-{}", refusal.code()));
    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
}

/// A refused write as a form error; other errors stay errors.
pub(crate) fn refused_write(
    e: RequestError,
    errors: &mut FieldErrors,
    field: &'static str,
) -> Result<StatusCode, Error> {
    match e {
        RequestError::Refused(refusal) => Ok(refused(errors, field, refusal)),
        RequestError::Store(e) => Err(e.into()),
    }
}

/// Reads a signer's PESEL and declaration: the keyed hash to store, or the form's errors.
pub(crate) fn read_signer(
    state: &AppState,
    r: &Request,
    form: &SignForm,
    errors: &mut FieldErrors,
) -> Option<String> {
    let pesel = match Pesel::parse(&form.pesel) {
        Ok(p) => p,
        Err(e) => {
            errors.add("pesel", e);
            None?
        }
    };
    let min_age = state.request_thresholds().min_age(r.purpose);
    if let Err(e) = rules::check_signer(
        &pesel,
        !form.declaration.is_empty(),
        miasto_store::today(),
        min_age,
    ) {
        let field = match e {
            rules::SignerError::TooYoung { .. } => "pesel",
            rules::SignerError::NoDeclaration => "declaration",
        };
        errors.add_message(field, &format!("error-{}", e.code()));
        return None;
    }
    let secret = state.config().secret.expose().as_bytes();
    Some(rules::resident_key(secret, r.id, &pesel))
}

/// `POST /requests/{number}/sign`: a resident signs.
pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let phase = r.phase(miasto_store::now());
    if let Err(refusal) = rules::may(&actor(&ctx), Action::Sign, r.purpose, phase) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let status = refused(&mut errors, FieldErrors::FORM, refusal);
        return show_again(&state, &ctx, &r, form, errors, status).await;
    }
    let user = ctx.require_user()?.user.id;
    let Some(hash) = read_signer(&state, &r, &form, &mut errors) else {
        return show_again(
            &state,
            &ctx,
            &r,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let signer = Signer {
        identity_hash: hash,
        kind: SignerKind::Resident,
        user: Some(user),
        entered_by: None,
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::sign(&tx, r.id, &signer).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors, "pesel")?;
        return show_again(&state, &ctx, &r, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/requests/{}", r.number),
        "flash-request-signed",
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrganisationSignForm {
    pub organisation: String,
}

/// `POST /requests/{number}/sign-organisation`: an organisation signs through its verified
/// link to the account.
pub async fn sign_for_organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(input): Form<OrganisationSignForm>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let phase = r.phase(miasto_store::now());
    let form = SignForm::default();
    if let Err(refusal) = rules::may(&actor(&ctx), Action::SignForOrganisation, r.purpose, phase) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let status = refused(&mut errors, FieldErrors::FORM, refusal);
        return show_again(&state, &ctx, &r, form, errors, status).await;
    }
    let user = ctx.require_user()?.user.id;
    let organisation = match uuid::Uuid::try_parse(input.organisation.trim()) {
        Ok(id) => store::organisation(state.db(), id).await?,
        Err(_) => None,
    };
    // Only the account's own, verified links sign.
    let Some(o) =
        organisation.filter(|o| o.user == user && o.status == OrganisationStatus::Verified)
    else {
        errors.add_message(FieldErrors::FORM, "error-request-organisation-unverified");
        return show_again(&state, &ctx, &r, form, errors, StatusCode::FORBIDDEN).await;
    };
    let Ok(krs) = rules::Krs::parse(&o.krs) else {
        return Err(Error::Internal("stored KRS number does not parse".into()));
    };
    let secret = state.config().secret.expose().as_bytes();
    let signer = Signer {
        identity_hash: rules::organisation_key(secret, r.id, &krs),
        kind: SignerKind::Organisation(o.id),
        user: Some(user),
        entered_by: None,
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::sign(&tx, r.id, &signer).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
        return show_again(&state, &ctx, &r, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/requests/{}", r.number),
        "flash-request-signed-organisation",
    ))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct NewForm {
    pub purpose: String,
    pub district: String,
    pub title: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    page: Page,
    purposes: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    form: NewForm,
    errors: FieldErrors,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    form: NewForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "requests-new-title");
    let out = NewPage {
        purposes: options(
            Purpose::ALL.iter().map(|p| {
                (
                    p.as_str(),
                    page.t(&format!("requests-purpose-{}", p.as_str())),
                )
            }),
            &form.purpose,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &form.district,
        ),
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /requests/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require_user()?;
    new_page(
        &state,
        &ctx,
        NewForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// `POST /requests`: a resident submits a request; an official checks it before signing opens.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewForm>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let user = current.user.id;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let purpose = Purpose::parse(&form.purpose);
    if purpose.is_none() {
        errors.add(
            "purpose",
            if form.purpose.trim().is_empty() {
                miasto_domain::FieldError::Required
            } else {
                miasto_domain::FieldError::KindUnknown
            },
        );
    }
    let district = match form.district.trim() {
        "" => None,
        raw => match DistrictId::parse(raw).filter(|d| lookup.district(*d).is_some()) {
            Some(d) => Some(d),
            None => {
                errors.add("district", miasto_domain::FieldError::DistrictUnknown);
                None
            }
        },
    };
    if purpose.is_some_and(Purpose::needs_district) && district.is_none() && !errors.has("district")
    {
        errors.add_message("district", "error-request-district-needed");
    }
    let title = rules::check_title(&form.title).map_err(|e| errors.add("title", e));
    let description =
        rules::check_description(&form.description).map_err(|e| errors.add("description", e));
    let (Some(purpose), Ok(title), Ok(description), true) =
        (purpose, title, description, errors.is_empty())
    else {
        return new_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    // A flood of requests would bury the officials' queue: the comments' limit applies.
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "signature-requests", &current.user.email)
            .await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        return new_page(&state, &ctx, form, errors, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let r = store::submit(
        &tx,
        &NewRequest {
            purpose,
            title,
            description,
            district,
        },
        Some(user),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/requests/{}", r.number),
        "flash-request-submitted",
    ))
}
