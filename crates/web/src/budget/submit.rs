//! Residents' projects: submitted while submissions are open (signed in), edited by their
//! author until the deadline, withdrawn by their author until voting starts — as the
//! rulebook says, and as the store enforces.

use super::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, MultipartForm, Upload};
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::budget::{Action, CATEGORIES, Refusal, format_amount, parse_amount};
use miasto_domain::{FieldError, UserId, required_text};
use miasto_store::budget::{self, CostItem, Edition, NewProject, Pool, Project, ProjectStatus};
use serde::Deserialize;

pub const TITLE_MAX: usize = 60;
pub const SUMMARY_MIN: usize = 60;
pub const SUMMARY_MAX: usize = 250;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const LOCATION_MAX: usize = 200;
/// Rows of the cost breakdown the form offers.
pub const ITEM_ROWS: usize = 8;

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectInput {
    pub pool: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub category: String,
    /// The create form's idempotency key: a double-click submits once.
    pub form_key: String,
}

pub struct ItemRow {
    pub n: usize,
    pub description: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "budget/project_form.html")]
struct FormPage {
    page: Page,
    edition: EditionView,
    /// Where the form posts: a new project, or one being edited.
    action: String,
    editing: bool,
    input: ProjectInput,
    pools: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    items: Vec<ItemRow>,
    errors: FieldErrors,
}

fn form_page(
    ctx: &Ctx,
    edition: &Edition,
    pools: &[Pool],
    action: String,
    input: ProjectInput,
    items: Vec<ItemRow>,
    errors: FieldErrors,
) -> FormPage {
    let editing = action.ends_with("/edit");
    let page = Page::new(
        ctx,
        crate::i18n::t(
            ctx.locale,
            if editing {
                "budget-edit-project-title"
            } else {
                "budget-new-project-title"
            },
        ),
    );
    let mut pool_items = vec![(String::new(), page.t("budget-choose-pool"))];
    pool_items.extend(pools.iter().map(|p| {
        let limits = match p.max_cost {
            Some(max) => format!("{} – {}", format_amount(p.min_cost), format_amount(max)),
            None => format!("≥ {}", format_amount(p.min_cost)),
        };
        (p.code.clone(), format!("{} ({limits})", p.name(page.lang)))
    }));
    let mut category_items = vec![(String::new(), page.t("budget-choose-category"))];
    category_items.extend(
        CATEGORIES
            .iter()
            .map(|c| ((*c).to_owned(), page.t(&format!("budget-category-{c}")))),
    );
    FormPage {
        edition: EditionView::new(&page, edition),
        action,
        editing,
        pools: options(pool_items, &input.pool),
        categories: options(category_items, &input.category),
        input,
        items,
        errors,
        page,
    }
}

fn blank_items() -> Vec<ItemRow> {
    (1..=ITEM_ROWS)
        .map(|n| ItemRow {
            n,
            description: String::new(),
            amount: String::new(),
        })
        .collect()
}

fn typed_items(pairs: &[(String, String)]) -> Vec<ItemRow> {
    let get = |name: String| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    (1..=ITEM_ROWS)
        .map(|n| ItemRow {
            n,
            description: get(format!("item-{n}")),
            amount: get(format!("amount-{n}")),
        })
        .collect()
}

/// Checks the form: the project as the store takes it, or messages per field.
fn read(
    input: &ProjectInput,
    items: &[ItemRow],
    pools: &[Pool],
    author: UserId,
    errors: &mut FieldErrors,
) -> Option<NewProject> {
    let pool = pools.iter().find(|p| p.code == input.pool);
    if pool.is_none() {
        errors.add_message("pool", "budget-error-pool");
    }
    let title = errors.check("title", required_text(&input.title, TITLE_MAX));
    let summary = match required_text(&input.summary, SUMMARY_MAX) {
        Ok(s) if s.chars().count() < SUMMARY_MIN => {
            errors.add("summary", FieldError::TooShort);
            None
        }
        other => errors.check("summary", other),
    };
    let description = errors.check(
        "description",
        required_text(&input.description, DESCRIPTION_MAX),
    );
    let location = errors.check("location", required_text(&input.location, LOCATION_MAX));
    if !CATEGORIES.contains(&input.category.as_str()) {
        errors.add("category", FieldError::CategoryUnknown);
    }
    let mut lines = Vec::new();
    let mut bad_items = false;
    for row in items {
        let (what, amount) = (row.description.trim(), row.amount.trim());
        if what.is_empty() && amount.is_empty() {
            continue;
        }
        match (what.chars().count(), parse_amount(amount)) {
            (1..=200, Some(a)) if a > 0 => lines.push(CostItem {
                description: what.to_owned(),
                amount: a,
            }),
            _ => bad_items = true,
        }
    }
    if bad_items {
        errors.add_message("items", "budget-error-item");
    } else if lines.is_empty() {
        errors.add_message("items", "budget-error-no-items");
    }
    let total: i64 = lines.iter().map(|i| i.amount).sum();
    if let Some(pool) = pool
        && !lines.is_empty()
        && (total < pool.min_cost || pool.max_cost.is_some_and(|max| total > max))
    {
        errors.add_text(
            "items",
            crate::i18n::t_args(
                errors.locale(),
                "budget-error-cost-limits",
                &[("total", &format_amount(total))],
            ),
        );
    }
    if !errors.is_empty() {
        return None;
    }
    Some(NewProject {
        pool: pool?.id,
        code: None,
        author: Some(author),
        title: title?,
        summary: summary?,
        description: description?,
        location: location?,
        point: None,
        category: input.category.clone(),
        items: lines,
        status: ProjectStatus::Submitted,
    })
}

/// The new photos, processed and stored, if the project can take them (it has `kept`). An
/// upload is charged to its author's limit (the reports' hourly limit) before any photo is
/// decoded.
async fn photos(
    state: &AppState,
    files: Vec<Upload>,
    kept: usize,
    author: UserId,
    errors: &mut FieldErrors,
) -> Result<Vec<miasto_store::photos::Stored>, Error> {
    let count = files.iter().filter(|f| f.field == "photos").count();
    if count > 0
        && let miasto_store::rate_limit::Decision::Limited { retry_after_secs } =
            miasto_store::rate_limit::hit(
                state.db(),
                &miasto_store::rate_limit::key(
                    state.config().secret.expose().as_bytes(),
                    "budget-photos",
                    &author.to_string(),
                ),
                state.config().limits.reports_per_ip,
            )
            .await?
    {
        crate::accounts::too_many(errors, errors.locale(), retry_after_secs);
        return Ok(Vec::new());
    }
    if kept + count > budget::MAX_PHOTOS {
        errors.add_text(
            "photos",
            crate::i18n::t_args(
                errors.locale(),
                "budget-error-photos",
                &[("count", &budget::MAX_PHOTOS.to_string())],
            ),
        );
        return Ok(Vec::new());
    }
    crate::reports::create::process_photos(state, files, errors).await
}

/// Reads the form of a new project, or of `editing`: the project and its new photos, stored;
/// or the form again with what was typed and a message per field.
async fn checked(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    form: MultipartForm<ProjectInput>,
    author: UserId,
    editing: Option<&Project>,
) -> Result<Result<(NewProject, Vec<miasto_store::photos::Stored>), Response>, Error> {
    let pools = budget::pools(state.db(), edition.id).await?;
    let items = typed_items(&form.pairs);
    let mut errors = FieldErrors::new(ctx.locale);
    let new = read(&form.fields, &items, &pools, author, &mut errors);
    let (kept, action) = match editing {
        Some(p) => (
            budget::photos_of(state.db(), p.id).await?.len(),
            format!("/budget/{}/projects/{}/edit", edition.slug, p.number),
        ),
        None => (0, format!("/budget/{}/projects", edition.slug)),
    };
    let photos = photos(state, form.files, kept, author, &mut errors).await?;
    match new.filter(|_| errors.is_empty()) {
        Some(new) => Ok(Ok((new, photos))),
        None => {
            let page = form_page(ctx, edition, &pools, action, form.fields, items, errors);
            Ok(Err(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response()
            ))
        }
    }
}

fn submissions_open(ctx: &Ctx, edition: &Edition) -> bool {
    rules::allowed(ctx, Action::Submit, edition, None).is_ok()
}

pub async fn show_new_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require_user()?;
    let edition = load_edition(&state, &slug).await?;
    if !submissions_open(&ctx, &edition) {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/budget/{slug}"),
            "flash-budget-submissions-closed",
        ));
    }
    let pools = budget::pools(state.db(), edition.id).await?;
    let page = form_page(
        &ctx,
        &edition,
        &pools,
        format!("/budget/{slug}/projects"),
        ProjectInput::default(),
        blank_items(),
        FieldErrors::new(ctx.locale),
    );
    Ok(render(&page)?.into_response())
}

pub async fn submit_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: MultipartForm<ProjectInput>,
) -> Result<Response, Error> {
    let author = ctx.require_user()?.user.id;
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Action::Submit, &edition, None)?;
    let form_key = form.fields.form_key.clone();
    let (new, photos) = match checked(&state, &ctx, &edition, form, author, None).await? {
        Ok(checked) => checked,
        Err(page) => return Ok(page),
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "budget-project", &form_key).await? {
        drop(tx);
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/budget/{slug}"),
            "flash-budget-project-already-submitted",
        ));
    }
    let project = budget::submit_project(&tx, &edition, &new).await?;
    budget::attach_photos(&tx, project.id, &photos).await?;
    super::notify_author(
        &state,
        &tx,
        &edition,
        &project,
        crate::emails::BudgetNews::Submitted,
        "",
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{slug}/projects/{}", project.number),
        "flash-budget-project-submitted",
    ))
}

/// The project (404 if there is none), and whether the rulebook lets the visitor do `action`
/// to it now (only its author ever may).
async fn own_project(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    number: &str,
    action: Action,
) -> Result<(Project, Result<(), Refusal>), Error> {
    let number: u32 = number.parse().map_err(|_| Error::NotFound)?;
    let project = budget::project(state.db(), edition.id, number)
        .await?
        .ok_or(Error::NotFound)?;
    let facts = rules::facts(state, &project).await?;
    let allowed = rules::allowed(ctx, action, edition, Some(&facts));
    Ok((project, allowed))
}

/// Someone else's project, or no account: the refusal itself; the author in the wrong
/// phase: back to the project with a note.
fn turned_away(ctx: &Ctx, back: &str, why: Refusal, flash: &str) -> Result<Response, Error> {
    if matches!(
        why,
        Refusal::SignIn | Refusal::NotAuthor | Refusal::Forbidden
    ) {
        return Err(why.into());
    }
    Ok(redirect_with_flash(ctx, back, flash))
}

pub async fn show_edit_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let (project, allowed) = own_project(&state, &ctx, &edition, &number, Action::Edit).await?;
    let back = format!("/budget/{slug}/projects/{}", project.number);
    if let Err(why) = allowed {
        return turned_away(&ctx, &back, why, "flash-budget-submissions-closed");
    }
    let pools = budget::pools(state.db(), edition.id).await?;
    let mut items = blank_items();
    for (row, item) in items
        .iter_mut()
        .zip(budget::cost_items(state.db(), project.id).await?)
    {
        row.description = item.description;
        row.amount = format_amount(item.amount)
            .trim_end_matches("\u{a0}zł")
            .replace('\u{a0}', " ");
    }
    let input = ProjectInput {
        pool: pools
            .iter()
            .find(|p| p.id == project.pool_id)
            .map(|p| p.code.clone())
            .unwrap_or_default(),
        title: project.title,
        summary: project.summary,
        description: project.description,
        location: project.location,
        category: project.category,
        form_key: String::new(),
    };
    let page = form_page(
        &ctx,
        &edition,
        &pools,
        format!("{back}/edit"),
        input,
        items,
        FieldErrors::new(ctx.locale),
    );
    Ok(render(&page)?.into_response())
}

pub async fn edit_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    form: MultipartForm<ProjectInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let (project, allowed) = own_project(&state, &ctx, &edition, &number, Action::Edit).await?;
    allowed?;
    let back = format!("/budget/{slug}/projects/{}", project.number);
    let author = ctx.require_user()?.user.id;
    let (new, photos) = match checked(&state, &ctx, &edition, form, author, Some(&project)).await? {
        Ok(checked) => checked,
        Err(page) => return Ok(page),
    };
    let tx = miasto_store::begin(state.db()).await?;
    budget::edit_project(&tx, &project, author, &new).await?;
    budget::attach_photos(&tx, project.id, &photos).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &back,
        "flash-budget-project-saved",
    ))
}

pub async fn withdraw_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let (project, allowed) = own_project(&state, &ctx, &edition, &number, Action::Withdraw).await?;
    allowed?;
    let author = ctx.require_user()?.user.id;
    let back = format!("/budget/{slug}/projects/{}", project.number);
    let tx = miasto_store::begin(state.db()).await?;
    // Conditional: a decision or the opening of voting meanwhile refuses it.
    budget::withdraw(&tx, project.id, author).await?;
    miasto_store::audit::record(
        &tx,
        Some(author),
        miasto_store::audit::Action::BudgetProjectWithdrawn,
        Some(miasto_store::audit::Target::budget_project(project.id.0)),
        serde_json::json!({ "from": project.status.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &back,
        "flash-budget-project-withdrawn",
    ))
}
