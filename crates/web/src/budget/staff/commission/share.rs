//! A commission member collects their share of the opening key, once, and can check it.

use super::*;

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
    let page = crate::budget::edition_page(ctx, "budget-share-title", edition);
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
