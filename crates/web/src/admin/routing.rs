//! The routing table: which unit gets a category's reports, by default and in particular
//! districts. Every change is audited.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{CategoryId, DistrictId, FieldError, Permission, UnitId};
use miasto_store::audit::{self, Action};
use miasto_store::routing::{self, DeleteRuleError};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RuleInput {
    pub category: String,
    pub district: String,
    pub unit: String,
}

pub struct Exception {
    pub id: String,
    pub district: String,
    pub unit: String,
}

pub struct Row {
    pub category_id: String,
    pub category: String,
    pub kind: String,
    pub units: Vec<SelectOption>,
    pub exceptions: Vec<Exception>,
}

#[derive(Template)]
#[template(path = "admin/routing.html")]
struct RoutingPage {
    page: Page,
    rows: Vec<Row>,
    categories: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    units: Vec<SelectOption>,
    errors: FieldErrors,
}

async fn routing_page(
    state: &AppState,
    ctx: &Ctx,
    input: RuleInput,
    errors: FieldErrors,
) -> Result<RoutingPage, Error> {
    let lookup = Lookup::load(state).await?;
    let rules = routing::list_rules(state.db()).await?;
    let unit_label = |id: UnitId| {
        lookup
            .unit(id)
            .map(|u| format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)))
            .unwrap_or_default()
    };
    let unit_options = |selected: &str| {
        options(
            lookup.units.iter().map(|u| {
                (
                    u.id.to_string(),
                    format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                )
            }),
            selected,
        )
    };
    let rows = lookup
        .categories
        .iter()
        .map(|c| {
            let default = rules
                .iter()
                .find(|r| r.category == c.id && r.district.is_none());
            Row {
                category_id: c.id.to_string(),
                category: c.names.get(ctx.locale).to_owned(),
                kind: crate::i18n::t(ctx.locale, &format!("kind-{}", c.kind.as_str())),
                units: unit_options(&default.map(|r| r.unit.to_string()).unwrap_or_default()),
                exceptions: rules
                    .iter()
                    .filter(|r| r.category == c.id)
                    .filter_map(|r| {
                        let district = lookup.district(r.district?)?;
                        Some(Exception {
                            id: r.id.to_string(),
                            district: district.label(),
                            unit: unit_label(r.unit),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(RoutingPage {
        page: Page::titled(ctx, "admin-routing-title"),
        rows,
        categories: options(
            lookup
                .categories
                .iter()
                .map(|c| (c.id.to_string(), c.names.get(ctx.locale).to_owned())),
            &input.category,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &input.district,
        ),
        units: unit_options(&input.unit),
        errors,
    })
}

pub async fn show_routing(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let page = routing_page(
        &state,
        &ctx,
        RuleInput::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Sets a category's default unit (no district) or a district exception.
pub async fn set_routing_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<RuleInput>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let category = CategoryId::parse(&input.category).filter(|id| lookup.category(*id).is_some());
    if category.is_none() {
        errors.add("category", FieldError::CategoryUnknown);
    }
    let district = match input.district.trim() {
        "" => Some(None),
        raw => match DistrictId::parse(raw).filter(|id| lookup.district(*id).is_some()) {
            Some(id) => Some(Some(id)),
            None => {
                errors.add("district", FieldError::DistrictUnknown);
                None
            }
        },
    };
    let unit = UnitId::parse(&input.unit).filter(|id| lookup.unit(*id).is_some());
    if unit.is_none() {
        errors.add("unit", FieldError::UnitUnknown);
    }
    let (Some(category), Some(district), Some(unit)) = (category, district, unit) else {
        let page = routing_page(&state, &ctx, input, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    let rule = routing::set_rule(&tx, category, district, unit).await?;
    record(
        &tx,
        admin,
        serde_json::json!({
            "rule": rule.id.to_string(),
            "category": category.to_string(),
            "district": district.map(|d| d.to_string()),
            "unit": unit.to_string(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, "/admin/routing", "flash-saved"))
}

pub async fn delete_routing_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let tx = miasto_store::begin(state.db()).await?;
    match routing::delete_rule(&tx, id).await {
        Ok(rule) => {
            record(
                &tx,
                admin,
                serde_json::json!({ "deleted": rule.id.to_string(), "category": rule.category.to_string() }),
            )
            .await?;
            tx.commit().await?;
            Ok(redirect_with_flash(&ctx, "/admin/routing", "flash-saved"))
        }
        Err(DeleteRuleError::NotFound) => Err(Error::NotFound),
        Err(DeleteRuleError::Default) => Err(Error::BadRequest("routing_default_required")),
        Err(DeleteRuleError::Store(e)) => Err(e.into()),
    }
}

/// The whole table saved at once: each category's default unit (`unit:<category id>`) and the
/// district exceptions ticked for removal (`remove`), in one transaction, each change audited.
pub async fn save_routing_table(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormPairs<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let rules = routing::list_rules(state.db()).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let mut defaults = Vec::new();
    let mut removals = Vec::new();
    for (name, value) in &form.pairs {
        if let Some(category) = name.strip_prefix("unit:") {
            let category = CategoryId::parse(category).filter(|id| lookup.category(*id).is_some());
            let unit = UnitId::parse(value).filter(|id| lookup.unit(*id).is_some());
            match (category, unit) {
                (Some(category), Some(unit)) => defaults.push((category, unit)),
                _ => errors.add_message(FieldErrors::FORM, "error-unit-unknown"),
            }
        } else if name == "remove" {
            match uuid::Uuid::try_parse(value)
                .ok()
                .and_then(|id| rules.iter().find(|r| r.id == id && r.district.is_some()))
            {
                Some(rule) => removals.push(*rule),
                None => errors.add_message(FieldErrors::FORM, "error-routing-rule-unknown"),
            }
        }
    }
    if !errors.is_empty() {
        let page = routing_page(&state, &ctx, RuleInput::default(), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let tx = miasto_store::begin(state.db()).await?;
    let mut changed = 0;
    for (category, unit) in defaults {
        let current = rules
            .iter()
            .find(|r| r.category == category && r.district.is_none());
        if current.is_some_and(|r| r.unit == unit) {
            continue;
        }
        let rule = routing::set_rule(&tx, category, None, unit).await?;
        record(
            &tx,
            admin,
            serde_json::json!({
                "rule": rule.id.to_string(),
                "category": category.to_string(),
                "from": current.map(|r| r.unit.to_string()),
                "unit": unit.to_string(),
            }),
        )
        .await?;
        changed += 1;
    }
    for rule in removals {
        match routing::delete_rule(&tx, rule.id).await {
            Ok(_) | Err(DeleteRuleError::NotFound) => {}
            Err(DeleteRuleError::Default) => {
                return Err(Error::BadRequest("routing_default_required"));
            }
            Err(DeleteRuleError::Store(e)) => return Err(e.into()),
        }
        record(
            &tx,
            admin,
            serde_json::json!({
                "deleted": rule.id.to_string(),
                "category": rule.category.to_string(),
                "district": rule.district.map(|d| d.to_string()),
            }),
        )
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    let flash = if changed == 0 {
        "flash-nothing-changed"
    } else {
        "flash-saved"
    };
    Ok(redirect_with_flash(&ctx, "/admin/routing", flash))
}

/// Audits a change of the routing table.
async fn record(
    tx: &impl miasto_store::ConnectionTrait,
    admin: miasto_domain::UserId,
    details: serde_json::Value,
) -> Result<(), Error> {
    audit::record(tx, Some(admin), Action::RoutingChanged, None, details).await?;
    Ok(())
}
