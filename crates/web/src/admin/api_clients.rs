//! Client applications of Open311 and the API: issue a key (shown once), see each client's
//! usage, revoke a key. Every change is audited.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{FieldError, Permission};
use miasto_store::api_clients::{self, ApiClient, DEFAULT_RATE_LIMIT_PER_HOUR, IssueError};
use miasto_store::audit::{self, Action, Target};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientInput {
    pub name: String,
    pub rate_limit: String,
}

pub struct Row {
    pub client: ApiClient,
    pub reports: u64,
}

#[derive(Template)]
#[template(path = "admin/api_clients.html")]
struct ClientsPage {
    page: Page,
    rows: Vec<Row>,
    input: ClientInput,
    errors: FieldErrors,
    /// The key just issued, shown once.
    issued: Option<(String, String)>,
    endpoint: String,
}

async fn clients_page(
    state: &AppState,
    ctx: &Ctx,
    input: ClientInput,
    errors: FieldErrors,
    issued: Option<(String, String)>,
) -> Result<ClientsPage, Error> {
    let mut rows = Vec::new();
    for client in api_clients::list(state.db()).await? {
        let reports = api_clients::report_count(state.db(), client.id).await?;
        rows.push(Row { client, reports });
    }
    Ok(ClientsPage {
        page: Page::titled(ctx, "admin-api-title"),
        rows,
        input,
        errors,
        issued,
        endpoint: format!("{}/open311/v2/discovery.json", state.config().base_url),
    })
}

pub async fn list_api_clients(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageApiClients)?;
    let input = ClientInput {
        rate_limit: DEFAULT_RATE_LIMIT_PER_HOUR.to_string(),
        ..Default::default()
    };
    let page = clients_page(&state, &ctx, input, FieldErrors::new(ctx.locale), None).await?;
    Ok(render(&page)?.into_response())
}

/// Issues a key and shows it on the answer page (never stored, never sent again).
pub async fn issue_api_key(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<ClientInput>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageApiClients)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let name = errors.check(
        "name",
        miasto_domain::required_text(&input.name, api_clients::NAME_MAX),
    );
    let rate_limit = match input.rate_limit.trim().parse::<u32>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
        _ => {
            errors.add("rate_limit", FieldError::NumberInvalid);
            None
        }
    };
    let (Some(name), Some(rate_limit)) = (name, rate_limit) else {
        let page = clients_page(&state, &ctx, input, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    let (client, key) = match api_clients::issue(&tx, &name, rate_limit, Some(admin)).await {
        Ok(issued) => issued,
        Err(IssueError::NameTaken) => {
            drop(tx);
            errors.add_message("name", "error-api-client-name-taken");
            let page = clients_page(&state, &ctx, input, errors, None).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(IssueError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        &tx,
        Some(admin),
        Action::ApiKeyIssued,
        Some(Target::api_client(client.id)),
        serde_json::json!({ "name": client.name, "rate_limit_per_hour": rate_limit }),
    )
    .await?;
    tx.commit().await?;
    let input = ClientInput {
        rate_limit: DEFAULT_RATE_LIMIT_PER_HOUR.to_string(),
        ..Default::default()
    };
    let page = clients_page(
        &state,
        &ctx,
        input,
        FieldErrors::new(ctx.locale),
        Some((client.name, key)),
    )
    .await?;
    // The key is in this page only: keep it out of caches and history.
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        render(&page)?,
    )
        .into_response())
}

pub async fn revoke_api_key(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageApiClients)?.user.id;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let client = api_clients::get(state.db(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let tx = miasto_store::begin(state.db()).await?;
    if api_clients::revoke(&tx, id).await? {
        audit::record(
            &tx,
            Some(admin),
            Action::ApiKeyRevoked,
            Some(Target::api_client(id)),
            serde_json::json!({ "name": client.name }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        "/admin/api-clients",
        "flash-api-key-revoked",
    ))
}
