//! The counting commission under `/staff/budget/{slug}`: each member collects their share of
//! the ballot key once (`/share`) and can check a share against its fingerprint later; after
//! voting, *k* members enter their shares to open the envelopes and count (`/count`); then an
//! official publishes (`/publish`), and a later correction is a new count with a reason shown
//! on the results page (`/correct`). The shares are never stored by these pages: the key is
//! put together in memory for the count and dropped.

use super::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::budget::Action as Rule;
use miasto_domain::vote::shares::{Share, ShareError};
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{self, Edition, OpenError};
use serde::Deserialize;

/// Pages with a share on them are never kept by a browser or a proxy.
fn private(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[derive(Template)]
#[template(path = "staff/budget_share.html")]
struct SharePage {
    page: Page,
    edition: EditionView,
    /// The member's share waits for them.
    waiting: bool,
    /// The share, just collected: shown this once.
    shown: Option<(String, String)>,
    /// When they collected it, and its fingerprint.
    collected: Option<(String, String)>,
    /// The outcome of checking a share.
    checked: Option<(bool, String)>,
    typed: String,
}

async fn share_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    shown: Option<(String, String)>,
    checked: Option<(bool, String)>,
    typed: String,
) -> Result<SharePage, Error> {
    let page = super::edition_page(ctx, "budget-share-title", edition);
    let me = ctx.require_user()?.user.id;
    let slot = budget::share_slots(state.db(), edition.id)
        .await?
        .into_iter()
        .find(|s| s.member == Some(me));
    Ok(SharePage {
        edition: EditionView::new(&page, edition),
        waiting: slot.as_ref().is_some_and(|s| s.waiting),
        collected: slot.and_then(|s| {
            s.collected_at
                .map(|at| (page.datetime(&at), s.fingerprint.clone()))
        }),
        shown,
        checked,
        typed,
        page,
    })
}

/// `/staff/budget/{slug}/share`: the member's share, to collect, or when it was collected.
pub async fn show_share(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageBudget)?;
    let edition = load_edition(&state, &slug).await?;
    let page = share_page(&state, &ctx, &edition, None, None, String::new()).await?;
    Ok(private(render(&page)?))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CollectInput {
    /// `file` to download the share, else it is shown on the page.
    pub format: String,
}

/// Hands the member their share, once: shown on the page or downloaded as a file, and
/// erased from the platform in the same step.
pub async fn collect_share(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CollectInput>,
) -> Result<Response, Error> {
    let me = ctx.require(Permission::ManageBudget)?.user.id;
    let edition = load_edition(&state, &slug).await?;
    let secret = state.config().secret.expose().as_bytes();
    let tx = miasto_store::begin(state.db()).await?;
    let Some(share) = budget::collect_share(&tx, edition.id, me, secret).await? else {
        drop(tx);
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/staff/budget/{slug}/share"),
            "flash-budget-share-gone",
        ));
    };
    audit::record(
        &tx,
        Some(me),
        Action::BudgetShareCollected,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({ "share": share.x, "fingerprint": share.fingerprint() }),
    )
    .await?;
    tx.commit().await?;
    if input.format == "file" {
        let name = format!("share_{}_{}.txt", edition.slug, share.x);
        let body = format!(
            "{}\n\n{}: {}\n",
            share.to_text(),
            crate::i18n::t(ctx.locale, "budget-share-fingerprint"),
            share.fingerprint()
        );
        return Ok(private((
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )));
    }
    let shown = Some((share.to_text(), share.fingerprint()));
    let page = share_page(&state, &ctx, &edition, shown, None, String::new()).await?;
    Ok(private(render(&page)?))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CheckInput {
    pub share: String,
}

/// Checks a share a member holds against the fingerprints issued, without using it.
pub async fn check_share(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CheckInput>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageBudget)?;
    let edition = load_edition(&state, &slug).await?;
    let slots = budget::share_slots(state.db(), edition.id).await?;
    let verdict = match (Share::parse(&input.share), &edition.ballot_key) {
        (None, _) | (_, None) => (
            false,
            crate::i18n::t(ctx.locale, "budget-share-check-garbled"),
        ),
        (Some(share), Some(key)) if !share.is_for(key) => (
            false,
            crate::i18n::t(ctx.locale, "budget-share-check-other-edition"),
        ),
        (Some(share), Some(_)) => {
            let issued = slots
                .iter()
                .any(|s| s.number == share.x && s.fingerprint == share.fingerprint());
            let args = [
                ("number", share.x.to_string()),
                ("fingerprint", share.fingerprint()),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if issued {
                (
                    true,
                    crate::i18n::t_args(ctx.locale, "budget-share-check-ok", &args),
                )
            } else {
                (
                    false,
                    crate::i18n::t_args(ctx.locale, "budget-share-check-not-issued", &args),
                )
            }
        }
    };
    let page = share_page(&state, &ctx, &edition, None, Some(verdict), input.share).await?;
    Ok(private(render(&page)?))
}

#[derive(Template)]
#[template(path = "staff/budget_count.html")]
struct CountPage {
    page: Page,
    edition: EditionView,
    /// The envelopes are opened already: counting again needs no shares.
    opened: bool,
    /// One field per share needed, with what was typed.
    fields: Vec<(String, String)>,
    threshold: u8,
    members: usize,
    errors: FieldErrors,
}

async fn count_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    typed: &[(String, String)],
    errors: FieldErrors,
) -> Result<CountPage, Error> {
    let page = super::edition_page(ctx, "budget-count-title", edition);
    let threshold = edition.threshold.unwrap_or_default();
    let fields = (1..=threshold)
        .map(|i| {
            let name = format!("share-{i}");
            let value = typed
                .iter()
                .find(|(k, _)| *k == name)
                .map_or(String::new(), |(_, v)| v.clone());
            (name, value)
        })
        .collect();
    Ok(CountPage {
        edition: EditionView::new(&page, edition),
        opened: edition.opened_at.is_some(),
        fields,
        threshold,
        members: budget::share_slots(state.db(), edition.id).await?.len(),
        errors,
        page,
    })
}

/// `/staff/budget/{slug}/count`: the commission's shares (or, once opened, a recount).
pub async fn show_count(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Count, &edition, None)?;
    let page = count_page(&state, &ctx, &edition, &[], FieldErrors::new(ctx.locale)).await?;
    Ok(private(render(&page)?))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Nothing {}

/// Opens the envelopes with the shares entered and counts; or counts the opened ballots
/// again. Nothing about the result is shown until publication.
pub async fn count_votes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<Nothing>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Count, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let back = format!("/staff/budget/{slug}");
    if edition.opened_at.is_some() {
        let tx = miasto_store::begin(state.db()).await?;
        budget::recount(&tx, &edition, Some(official), None).await?;
        audit::record(
            &tx,
            Some(official),
            Action::BudgetCounted,
            Some(Target::budget_edition(edition.id.0)),
            serde_json::json!({ "again": true }),
        )
        .await?;
        tx.commit().await?;
        return Ok(redirect_with_flash(&ctx, &back, "flash-budget-counted"));
    }
    let entries: Vec<&str> = (1..=edition.threshold.unwrap_or_default())
        .map(|i| {
            let name = format!("share-{i}");
            form.pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v.as_str())
        })
        .filter(|v| !v.trim().is_empty())
        .collect();
    let secret = state.config().secret.expose().as_bytes();
    let opened = budget::open_and_count(
        state.db(),
        &edition,
        &entries,
        Some(official),
        secret,
        &|_| {},
    )
    .await;
    match opened {
        Ok(_) => {}
        Err(OpenError::Shares(e)) => {
            let mut errors = FieldErrors::new(ctx.locale);
            let message = match &e {
                ShareError::TooFew { need, .. } => crate::i18n::t_args(
                    ctx.locale,
                    "budget-error-share_too_few",
                    &[("count", &need.to_string())],
                ),
                other => crate::i18n::t(ctx.locale, &format!("budget-error-{}", other.code())),
            };
            // Blank fields were skipped: name the field the faulty entry came from.
            let field = e
                .entry()
                .and_then(|n| nth_filled(&form.pairs, edition.threshold.unwrap_or_default(), n))
                .unwrap_or("share-1");
            errors.add_text(field, message);
            let page = count_page(&state, &ctx, &edition, &form.pairs, errors).await?;
            return Ok(private((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?)));
        }
        Err(OpenError::Refused(why)) => return Err(why.into()),
        Err(OpenError::Store(e)) => return Err(e.into()),
        Err(e @ (OpenError::Envelope { .. } | OpenError::Mismatch { .. })) => {
            // Someone tampered with the stored envelopes: nothing was opened or written.
            tracing::error!(error = %e, "the envelopes of a budget edition failed their check");
            return Err(Error::Refused(miasto_domain::budget::Refusal::Stale));
        }
    }
    let tx = miasto_store::begin(state.db()).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetCounted,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({ "opened": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, &back, "flash-budget-counted"))
}

/// The name of the field the `n`-th non-blank entry came from.
fn nth_filled(pairs: &[(String, String)], threshold: u8, n: usize) -> Option<&'static str> {
    const NAMES: [&str; 20] = [
        "share-1", "share-2", "share-3", "share-4", "share-5", "share-6", "share-7", "share-8",
        "share-9", "share-10", "share-11", "share-12", "share-13", "share-14", "share-15",
        "share-16", "share-17", "share-18", "share-19", "share-20",
    ];
    NAMES
        .iter()
        .take(usize::from(threshold))
        .filter(|name| {
            pairs
                .iter()
                .any(|(k, v)| k == *name && !v.trim().is_empty())
        })
        .nth(n.checked_sub(1)?)
        .copied()
}

pub async fn publish_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Publish, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    budget::publish(&tx, edition.id).await?;
    let totals = budget::ballot_totals(&tx, edition.id).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetPublished,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({
            "online": totals.online, "paper": totals.paper, "counter": totals.counter,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{slug}/results"),
        "flash-budget-published",
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectInput {
    pub reason: String,
}

/// Corrects published results: a new count, with the reason shown on the results page.
pub async fn correct_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CorrectInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Correct, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let Ok(reason) = miasto_domain::required_text(&input.reason, 2_000) else {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/staff/budget/{slug}"),
            "flash-budget-correction-reason",
        ));
    };
    let tx = miasto_store::begin(state.db()).await?;
    budget::recount(&tx, &edition, Some(official), Some(&reason)).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetCorrected,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{slug}/results"),
        "flash-budget-corrected",
    ))
}
