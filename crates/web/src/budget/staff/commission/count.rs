//! Opening the sealed ballots with enough shares, and counting.

use super::*;

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
    let page = crate::budget::edition_page(ctx, "budget-count-title", edition);
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
