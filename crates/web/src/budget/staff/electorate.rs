//! How many residents may vote in each pool's area, entered by officials so that results show
//! turnout as a percentage. Empty means unknown (the results then give counts only). Every
//! change is audited.

use super::*;

#[derive(Template)]
#[template(path = "staff/budget_electorate.html")]
pub(crate) struct ElectoratePage {
    page: Page,
    edition: EditionView,
    /// (pool code, name, what is entered).
    pools: Vec<(String, String, String)>,
    errors: FieldErrors,
}

/// The fields are read by name (one per pool).
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

/// The most anyone could enter: more than the country's population is a typo.
const MAX_ELIGIBLE: i64 = 40_000_000;

async fn electorate_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    typed: Option<&[(String, String)]>,
    errors: FieldErrors,
) -> Result<ElectoratePage, Error> {
    let page = crate::budget::edition_page(ctx, "budget-electorate-title", edition);
    let pools = budget::pools(state.db(), edition.id)
        .await?
        .into_iter()
        .map(|p| {
            let value = match typed {
                Some(pairs) => Typed(pairs).get(&format!("eligible-{}", p.code)).to_owned(),
                None => p.eligible.map(|n| n.to_string()).unwrap_or_default(),
            };
            (p.code.clone(), p.name(ctx.locale).to_owned(), value)
        })
        .collect();
    Ok(ElectoratePage {
        edition: EditionView::new(&page, edition),
        pools,
        errors,
        page,
    })
}

pub async fn show_electorate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageBudget)?;
    let edition = load_edition(&state, &slug).await?;
    let page = electorate_page(&state, &ctx, &edition, None, FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

pub async fn change_electorate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<NoFields>,
) -> Result<Response, Error> {
    let official = ctx.require(Permission::ManageBudget)?.user.id;
    let edition = load_edition(&state, &slug).await?;
    let pools = budget::pools(state.db(), edition.id).await?;
    let typed = Typed(&form.pairs);
    let mut errors = FieldErrors::new(ctx.locale);
    let mut values = Vec::new();
    for pool in &pools {
        let raw = typed
            .get(&format!("eligible-{}", pool.code))
            .replace([' ', '\u{a0}'], "");
        if raw.is_empty() {
            values.push((pool.id, None));
            continue;
        }
        match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_ELIGIBLE).contains(&n) => values.push((pool.id, Some(n))),
            _ => errors.add_text(
                "eligible",
                crate::i18n::t_args(
                    ctx.locale,
                    "budget-error-eligible",
                    &[("pool", pool.name(ctx.locale))],
                ),
            ),
        }
    }
    if !errors.is_empty() {
        let page = electorate_page(&state, &ctx, &edition, Some(&form.pairs), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let tx = miasto_store::begin(state.db()).await?;
    budget::set_eligible(&tx, edition.id, &values).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetElectorateChanged,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!(
            pools
                .iter()
                .zip(&values)
                .map(|(p, (_, n))| (p.code.clone(), *n))
                .collect::<std::collections::BTreeMap<_, _>>()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/budget/{slug}"),
        "flash-budget-electorate-saved",
    ))
}
