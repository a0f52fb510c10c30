//! The projects to verify: officials see every project, a unit's staff their unit's.

use super::*;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub page: String,
}

pub struct Row {
    pub number: u32,
    pub code: String,
    pub title: String,
    pub cost: String,
    pub status: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "staff/budget_projects.html")]
struct ListPage {
    page: Page,
    edition: EditionView,
    statuses: Vec<SelectOption>,
    rows: Vec<Row>,
    pager: Pager,
}

pub(super) async fn unit_names(
    state: &AppState,
    page: &Page,
) -> Result<Vec<(UnitId, String)>, Error> {
    Ok(miasto_store::reference::list_units(state.db())
        .await?
        .into_iter()
        .map(|u| (u.id, page.name(&u.names).to_owned()))
        .collect())
}

pub async fn list_projects(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, Error> {
    let unit = scope(&ctx)?;
    let edition = load_edition(&state, &slug).await?;
    let page = crate::budget::edition_page(&ctx, "budget-verification", &edition);
    let filter = ProjectFilter {
        status: ProjectStatus::parse(&query.status),
        unit,
        ..Default::default()
    };
    let paged = budget::projects(
        state.db(),
        edition.id,
        &filter,
        PageRequest::new(crate::admin::page_number(&query.page)?, None),
    )
    .await?;
    let units = unit_names(&state, &page).await?;
    let rows = paged
        .items
        .iter()
        .map(|p| Row {
            number: p.number,
            code: p.code.clone(),
            title: p.title.clone(),
            cost: format_amount(p.final_cost()),
            status: page.t(&format!("budget-status-{}", p.status.as_str())),
            unit: p
                .unit
                .and_then(|u| units.iter().find(|(id, _)| *id == u))
                .map_or_else(|| page.t("budget-no-unit"), |(_, n)| n.clone()),
        })
        .collect();
    let mut status_items = vec![(String::new(), page.t("budget-all-statuses"))];
    status_items.extend(ProjectStatus::ALL.iter().map(|s| {
        (
            s.as_str().to_owned(),
            page.t(&format!("budget-status-{}", s.as_str())),
        )
    }));
    let pager = Pager::new(
        &paged,
        &format!("/staff/budget/{slug}/projects"),
        &[("status", &query.status)],
    );
    Ok(render(&ListPage {
        edition: EditionView::new(&page, &edition),
        statuses: options(status_items, &query.status),
        rows,
        pager,
        page,
    })?
    .into_response())
}
