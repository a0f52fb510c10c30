//! Officials open a new edition at `/staff/budget/new`: its address and names, the schedule,
//! eligibility, the city-wide pool and a pool for each district given a budget, with the
//! ballot and counting rules (Kraków's by default), and the counting commission: the
//! officials who each get a share of the ballot key, and how many of them open it.

use super::ScheduleInput;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::budget::{BallotRule, Counting, parse_amount};
use miasto_domain::{Permission, required_text};
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{self, Commission, CreateError, NewEdition, NewPool};
use miasto_store::reference::District;
use serde::Deserialize;

/// Ballot rules offered in the form (any other is set from the command line).
const RULES: [&str; 6] = [
    "ranked:3",
    "ranked:5",
    "approval:5",
    "approval:10",
    "cumulative:10:3",
    "knapsack",
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EditionInput {
    pub slug: String,
    pub name_pl: String,
    pub name_en: String,
    #[serde(flatten)]
    pub schedule: ScheduleInput,
    pub min_age: String,
    pub allow_without_pesel: String,
    pub city_budget: String,
    pub city_min: String,
    pub city_max: String,
    pub city_rule: String,
    pub district_rule: String,
    pub counting: String,
    /// How many of the commission's shares open the ballot key.
    pub threshold: String,
}

/// An official who may sit on the commission, as the form offers them.
pub struct MemberOption {
    pub id: String,
    pub email: String,
    pub checked: bool,
}

pub struct DistrictRow {
    pub number: u16,
    pub label: String,
    pub budget: String,
    pub min: String,
    pub max: String,
}

#[derive(Template)]
#[template(path = "staff/budget_new.html")]
struct NewPage {
    page: Page,
    input: EditionInput,
    schedule: ScheduleInput,
    city_rules: Vec<SelectOption>,
    district_rules: Vec<SelectOption>,
    countings: Vec<SelectOption>,
    districts: Vec<DistrictRow>,
    members: Vec<MemberOption>,
    errors: FieldErrors,
}

/// The officials who may sit on the commission, those chosen ticked.
pub(crate) async fn member_options(
    state: &AppState,
    permission: Permission,
    chosen: &[String],
) -> Result<Vec<MemberOption>, Error> {
    Ok(
        miasto_store::accounts::with_permission(state.db(), permission)
            .await?
            .into_iter()
            .map(|u| MemberOption {
                checked: chosen.contains(&u.id.to_string()),
                id: u.id.to_string(),
                email: u.email.to_string(),
            })
            .collect(),
    )
}

fn rule_options(page: &Page, chosen: &str) -> Vec<SelectOption> {
    options(
        RULES.iter().filter_map(|r| {
            BallotRule::parse(r)
                .map(|rule| ((*r).to_owned(), crate::budget::rule_label(page, rule)))
        }),
        chosen,
    )
}

fn new_page(
    ctx: &Ctx,
    input: EditionInput,
    districts: Vec<DistrictRow>,
    members: Vec<MemberOption>,
    errors: FieldErrors,
) -> NewPage {
    let page = Page::titled(ctx, "budget-new-edition-title");
    let countings = options(
        Counting::ALL.iter().map(|c| {
            (
                c.as_str().to_owned(),
                page.t(&format!("budget-counting-{}", c.as_str())),
            )
        }),
        &input.counting,
    );
    NewPage {
        schedule: input.schedule.clone(),
        city_rules: rule_options(&page, &input.city_rule),
        district_rules: rule_options(&page, &input.district_rule),
        countings,
        districts,
        members,
        input,
        errors,
        page,
    }
}

fn rows(districts: &[District], pairs: &[(String, String)]) -> Vec<DistrictRow> {
    let get = |name: String| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    districts
        .iter()
        .map(|d| DistrictRow {
            number: d.number,
            label: d.label(),
            budget: get(format!("d{}-budget", d.number)),
            min: get(format!("d{}-min", d.number)),
            max: get(format!("d{}-max", d.number)),
        })
        .collect()
}

pub async fn show_new_edition(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let me = ctx.require(Permission::ManageBudget)?.user.id;
    let districts = miasto_store::reference::list_districts(state.db()).await?;
    let input = EditionInput {
        city_rule: "ranked:3".into(),
        district_rule: "ranked:3".into(),
        counting: Counting::Greedy.as_str().into(),
        allow_without_pesel: "on".into(),
        threshold: "1".into(),
        ..Default::default()
    };
    let members = member_options(&state, Permission::ManageBudget, &[me.to_string()]).await?;
    let page = new_page(
        &ctx,
        input,
        rows(&districts, &[]),
        members,
        FieldErrors::new(ctx.locale),
    );
    Ok(render(&page)?.into_response())
}

/// An amount field: None when blank, Err when not an amount.
fn amount(raw: &str) -> Result<Option<i64>, ()> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_amount(raw).map(Some).ok_or(())
    }
}

pub async fn create_edition(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormPairs<EditionInput>,
) -> Result<Response, Error> {
    let official = ctx.require(Permission::ManageBudget)?.user.id;
    let input = form.fields;
    let districts = miasto_store::reference::list_districts(state.db()).await?;
    let table = rows(&districts, &form.pairs);
    let mut errors = FieldErrors::new(ctx.locale);
    let slug = input.slug.trim().to_owned();
    if slug.is_empty()
        || slug.len() > 40
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.add_message("slug", "budget-error-slug");
    }
    let name_pl = errors.check("name_pl", required_text(&input.name_pl, 200));
    let name_en = errors.check("name_en", required_text(&input.name_en, 200));
    let schedule = input.schedule.read(&mut errors);
    let min_age = if input.min_age.trim().is_empty() {
        None
    } else {
        match input.min_age.trim().parse::<u32>() {
            Ok(age) if age <= 120 => Some(age),
            _ => {
                errors.add_message("min_age", "budget-error-min-age");
                None
            }
        }
    };
    let city_rule = BallotRule::parse(&input.city_rule);
    let district_rule = BallotRule::parse(&input.district_rule);
    let counting = Counting::parse(&input.counting);
    if city_rule.is_none() || district_rule.is_none() || counting.is_none() {
        errors.add_message("city_rule", "budget-error-rule");
    }
    let city = match (
        amount(&input.city_budget),
        amount(&input.city_min),
        amount(&input.city_max),
    ) {
        (Ok(Some(budget)), Ok(min), Ok(max)) if budget > 0 => Some((budget, min, max)),
        _ => {
            errors.add_message("city_budget", "budget-error-pool-amounts");
            None
        }
    };
    let mut pools = Vec::new();
    if let (Some((budget, min, max)), Some(rule), Some(counting)) = (city, city_rule, counting) {
        pools.push(NewPool {
            code: "city".into(),
            district: None,
            name_pl: "Projekty ogólnomiejskie".into(),
            name_en: "City-wide projects".into(),
            budget,
            min_cost: min.unwrap_or(0),
            max_cost: max,
            rule,
            counting,
        });
    }
    let mut bad_district = false;
    for (row, district) in table.iter().zip(&districts) {
        match (amount(&row.budget), amount(&row.min), amount(&row.max)) {
            (Ok(None), _, _) => {}
            (Ok(Some(budget)), Ok(min), Ok(max)) if budget > 0 => {
                if let (Some(rule), Some(counting)) = (district_rule, counting) {
                    pools.push(NewPool {
                        code: format!("d{}", district.number),
                        district: Some(district.id),
                        name_pl: district.label(),
                        name_en: district.label(),
                        budget,
                        min_cost: min.unwrap_or(0),
                        max_cost: max,
                        rule,
                        counting,
                    });
                }
            }
            _ => bad_district = true,
        }
    }
    if bad_district {
        errors.add_message("districts", "budget-error-pool-amounts");
    }
    let chosen: Vec<String> = form
        .pairs
        .iter()
        .filter(|(k, _)| k == "member")
        .map(|(_, v)| v.clone())
        .collect();
    let offered = member_options(&state, Permission::ManageBudget, &chosen).await?;
    let members: Vec<Option<miasto_domain::UserId>> = offered
        .iter()
        .filter(|m| m.checked)
        .filter_map(|m| miasto_domain::UserId::parse(&m.id).map(Some))
        .collect();
    let threshold = input
        .threshold
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|k| *k >= 1 && usize::from(*k) <= members.len());
    let commission = Commission {
        threshold: threshold.unwrap_or(0),
        members,
    };
    if !commission.is_valid() {
        errors.add_message("members", "budget-error-commission");
    }
    let (Some(name_pl), Some(name_en), Some((schedule, results_due)), true) =
        (name_pl, name_en, schedule, errors.is_empty())
    else {
        let page = new_page(&ctx, input, table, offered, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let new = NewEdition {
        slug: slug.clone(),
        name_pl,
        name_en,
        schedule,
        min_age,
        allow_without_pesel: !input.allow_without_pesel.is_empty(),
        results_due,
        pools,
        commission,
    };
    let secret = state.config().secret.expose().as_bytes();
    let tx = miasto_store::begin(state.db()).await?;
    // The shares returned are dropped: each member collects their own.
    let edition = match budget::create_edition(&tx, &new, Some(official), secret).await {
        Ok((edition, _)) => edition,
        Err(CreateError::SlugTaken) => {
            drop(tx);
            errors.add_message("slug", "budget-error-slug-taken");
            let page = new_page(&ctx, input, table, offered, errors);
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(CreateError::Commission) => {
            drop(tx);
            errors.add_message("members", "budget-error-commission");
            let page = new_page(&ctx, input, table, offered, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        &tx,
        Some(official),
        Action::BudgetEditionCreated,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({
            "slug": slug,
            "pools": new.pools.len(),
            "commission": new.commission.members.len(),
            "threshold": new.commission.threshold,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/budget/{slug}"),
        "flash-budget-edition-created",
    ))
}
