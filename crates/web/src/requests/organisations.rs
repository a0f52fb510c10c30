//! An account acting for organisations: it links an organisation by its KRS number (checked
//! digit by digit), staff verify the link against the register and the account's authority,
//! and only then do the organisation's signatures count.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::requests::{Krs, OrganisationStatus};
use miasto_store::audit;
use miasto_store::requests::{self as store, Organisation};
use serde::Deserialize;

/// The longest organisation name, in characters.
const NAME_MAX: usize = 300;

/// An organisation as its pages show it.
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub krs: String,
    pub status: &'static str,
    pub status_label: String,
    pub reason: Option<String>,
    pub since: String,
}

impl OrganisationView {
    fn new(o: Organisation, page: &Page) -> Self {
        Self {
            id: o.id.to_string(),
            status: o.status.as_str(),
            status_label: page.t(&format!("organisations-status-{}", o.status.as_str())),
            since: page.datetime(&o.created_at),
            name: o.name,
            krs: o.krs,
            reason: o.reason,
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub krs: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "requests/organisations.html")]
struct OwnPage {
    page: Page,
    organisations: Vec<OrganisationView>,
    form: LinkForm,
    errors: FieldErrors,
}

async fn own_page(
    state: &AppState,
    ctx: &Ctx,
    form: LinkForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let user = ctx.require_user()?.user.id;
    let page = Page::titled(ctx, "organisations-title");
    let organisations = store::organisations_of(state.db(), user)
        .await?
        .into_iter()
        .map(|o| OrganisationView::new(o, &page))
        .collect();
    let out = OwnPage {
        organisations,
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /my/organisations`.
pub async fn show_own(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    own_page(
        &state,
        &ctx,
        LinkForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// `POST /my/organisations`: links an organisation, for staff to verify.
pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LinkForm>,
) -> Result<Response, Error> {
    let user = ctx.require_user()?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let krs = Krs::parse(&form.krs).map_err(|e| errors.add("krs", e));
    let name =
        miasto_domain::required_text(&form.name, NAME_MAX).map_err(|e| errors.add("name", e));
    let (Ok(krs), Ok(name)) = (krs, name) else {
        return own_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let linked = store::link_organisation(&tx, user, &krs, &name).await?;
    tx.commit().await?;
    if linked.is_none() {
        errors.add_message("krs", "error-organisations-already-linked");
        return own_page(&state, &ctx, form, errors, StatusCode::CONFLICT).await;
    }
    Ok(redirect_with_flash(
        &ctx,
        "/my/organisations",
        "flash-organisation-linked",
    ))
}

#[derive(Template)]
#[template(path = "requests/staff_organisations.html")]
struct QueuePage {
    page: Page,
    organisations: Vec<OrganisationView>,
    errors: FieldErrors,
}

async fn queue_page(
    state: &AppState,
    ctx: &Ctx,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageRequests)?;
    let page = Page::titled(ctx, "organisations-staff-title");
    let organisations = store::pending_organisations(state.db())
        .await?
        .into_iter()
        .map(|o| OrganisationView::new(o, &page))
        .collect();
    let out = QueuePage {
        organisations,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/organisations`: links waiting for verification, oldest first.
pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    queue_page(&state, &ctx, FieldErrors::new(ctx.locale), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    /// "verify" or "refuse".
    pub decision: String,
    pub reason: String,
}

/// `POST /staff/organisations/{id}`: staff verify a link or refuse it with a reason.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, Error> {
    let by = ctx.require(Permission::ManageRequests)?.user.id;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let o = store::organisation(state.db(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let decision = match form.decision.as_str() {
        "verify" => Ok(()),
        "refuse" => match miasto_domain::requests::check_reason(&form.reason) {
            Ok(reason) => Err(reason),
            Err(e) => {
                errors.add("reason", e);
                return queue_page(&state, &ctx, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
        _ => return Err(Error::BadRequest("action_unknown")),
    };
    let verified = decision.is_ok();
    let tx = miasto_store::begin(state.db()).await?;
    if !store::decide_organisation(&tx, o.id, decision, by).await? {
        tx.rollback().await?;
        errors.add_message(FieldErrors::FORM, "error-organisations-decided");
        return queue_page(&state, &ctx, errors, StatusCode::CONFLICT).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::OrganisationDecided,
        Some(audit::Target::organisation(o.id)),
        serde_json::json!({
            "krs": o.krs,
            "status": if verified { OrganisationStatus::Verified } else { OrganisationStatus::Refused }.as_str(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        "/staff/organisations",
        if verified {
            "flash-organisation-verified"
        } else {
            "flash-organisation-refused"
        },
    ))
}
