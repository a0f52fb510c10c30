//! Officials plan consultations: a draft of the plan (the May 2025 template), published once,
//! changed under its version afterwards (a passed date stays as it was), called off with a
//! reason. Every change is audited.

use super::ConsultationView;
use crate::context::{Ctx, CurrentUser, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::consultations::{
    self as rules, Action, Actor, Area, Kind, Method, Minimums, RawPlan, Refusal, Schedule, Topic,
};
use miasto_domain::{DistrictId, Permission, UnitId};
use miasto_store::audit::{self, Target};
use miasto_store::consultations::{self as store, ChangeError, Consultation, Content, Filter};
use serde::Deserialize;

/// The plan's form, as typed (methods and districts are repeated fields, read from the pairs).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub kind: String,
    pub title: String,
    pub goal: String,
    pub legal_basis: String,
    pub target_groups: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub unit: String,
    pub city_wide: String,
    /// The area drawn on the map: corners "latitude, longitude", one a line.
    pub outline: String,
    /// Residents' comments wait for a moderator ("on").
    pub premoderated: String,
    /// Kraków days; `closes` and `report_due` inclusive.
    pub information: String,
    pub opens: String,
    pub closes: String,
    pub report_due: String,
    pub version: String,
    pub form_key: String,
    #[serde(skip)]
    pub methods: Vec<String>,
    #[serde(skip)]
    pub districts: Vec<String>,
    #[serde(skip)]
    pub topics: Vec<String>,
}

fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&Warsaw).format("%Y-%m-%d").to_string()
}

/// The first instant of a Kraków day (or of the day after it, for inclusive ends).
fn day_start(raw: &str, next: bool) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| if next { d.succ_opt() } else { Some(d) })
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(Warsaw).earliest())
        .map(|t| t.with_timezone(&Utc))
}

impl PlanForm {
    fn with_pairs(mut self, pairs: &[(String, String)]) -> Self {
        self.methods = values(pairs, "methods");
        self.districts = values(pairs, "districts");
        self.topics = values(pairs, "topics");
        self
    }

    fn of(c: &Consultation) -> Self {
        let last = |at: DateTime<Utc>| local_day(at - chrono::Duration::seconds(1));
        Self {
            kind: c.plan.kind.as_str().to_owned(),
            title: c.plan.title.clone(),
            goal: c.plan.goal.clone(),
            legal_basis: c.plan.legal_basis.clone().unwrap_or_default(),
            target_groups: c.plan.target_groups.clone().unwrap_or_default(),
            contact_name: c.plan.contact_name.clone(),
            contact_email: c.plan.contact_email.to_string(),
            contact_phone: c
                .plan
                .contact_phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            unit: c.organisation.unit.to_string(),
            premoderated: if c.organisation.premoderated {
                "on".into()
            } else {
                String::new()
            },
            city_wide: if c.organisation.area == Area::CityWide {
                "on".into()
            } else {
                String::new()
            },
            outline: c
                .organisation
                .outline
                .as_ref()
                .map(|o| o.as_text())
                .unwrap_or_default(),
            information: local_day(c.schedule.information),
            opens: local_day(c.schedule.opens),
            closes: last(c.schedule.closes),
            report_due: last(c.schedule.report_due),
            version: c.version.to_string(),
            form_key: String::new(),
            methods: c
                .organisation
                .methods
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
            districts: match &c.organisation.area {
                // A drawn area's districts follow from it.
                _ if c.organisation.outline.is_some() => Vec::new(),
                Area::CityWide => Vec::new(),
                Area::Districts(d) => d.iter().map(|d| d.to_string()).collect(),
            },
            topics: c
                .organisation
                .topics
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
        }
    }

    /// The content, or every problem in `errors`.
    fn read(
        &self,
        lookup: &Lookup,
        map: &miasto_domain::geo::DistrictMap,
        minimums: &Minimums,
        errors: &mut FieldErrors,
    ) -> Option<Content> {
        let plan = rules::check_plan(&RawPlan {
            kind: &self.kind,
            title: &self.title,
            goal: &self.goal,
            legal_basis: &self.legal_basis,
            target_groups: &self.target_groups,
            contact_name: &self.contact_name,
            contact_email: &self.contact_email,
            contact_phone: &self.contact_phone,
        });
        let plan = match plan {
            Ok(plan) => Some(plan),
            Err(problems) => {
                for (field, e) in problems {
                    errors.add(field, e);
                }
                None
            }
        };
        let unit = UnitId::parse(&self.unit).filter(|u| lookup.unit(*u).is_some());
        let mut districts: Vec<DistrictId> = self
            .districts
            .iter()
            .filter_map(|d| DistrictId::parse(d))
            .filter(|d| lookup.district(*d).is_some())
            .collect();
        let outline = errors
            .check("outline", rules::check_outline(&self.outline))
            .flatten();
        // A drawn area (not city-wide): its districts are those it touches.
        if let Some(o) = &outline
            && self.city_wide.is_empty()
        {
            let touched = map.touched_by(&o.degrees());
            if touched.is_empty() {
                errors.add("outline", miasto_domain::FieldError::OutsideCity);
            }
            districts = lookup
                .districts
                .iter()
                .filter(|d| touched.contains(&d.number))
                .map(|d| d.id)
                .collect();
        }
        let methods: Vec<&str> = self.methods.iter().map(String::as_str).collect();
        let organisation = match rules::check_organisation(
            unit,
            &methods,
            !self.city_wide.is_empty(),
            districts,
        ) {
            Ok(o) => Some(o),
            Err(problems) => {
                for (field, e) in problems {
                    match field {
                        "methods" => errors.add_message("methods", "consult-error-methods"),
                        "area" => errors.add_message("area", "consult-error-area"),
                        _ => errors.add(field, e),
                    }
                }
                None
            }
        };
        let mut date = |field: &'static str, raw: &str, next: bool| {
            let at = day_start(raw, next);
            if at.is_none() {
                errors.add_message(field, "consult-error-date");
            }
            at
        };
        let dates = (
            date("information", &self.information, false),
            date("opens", &self.opens, false),
            date("closes", &self.closes, true),
            date("report_due", &self.report_due, true),
        );
        let kind = Kind::parse(&self.kind).unwrap_or(Kind::Standard);
        let schedule = match dates {
            (Some(a), Some(b), Some(c), Some(d)) => {
                match Schedule::new(kind, minimums, a, b, c, d) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        errors.add_args(
                            e.field(),
                            &format!("error-{}", e.code()),
                            vec![
                                ("information", minimums.information_days.to_string()),
                                ("consultation", minimums.consultation_days.to_string()),
                                ("min", minimums.small_min_days.to_string()),
                                ("max", minimums.small_max_days.to_string()),
                                ("report", minimums.small_report_days.to_string()),
                            ],
                        );
                        None
                    }
                }
            }
            _ => None,
        };
        let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
        let topics = match rules::check_topics(&topics) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.add("topics", e);
                None
            }
        };
        let mut organisation = organisation?;
        organisation.topics = topics?;
        organisation.outline = outline;
        organisation.premoderated = !self.premoderated.is_empty();
        Some(Content {
            plan: plan?,
            organisation,
            schedule: schedule?,
        })
    }
}

fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A checkbox of a list (methods, districts).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "consultations/staff_list.html")]
struct ListPage {
    page: Page,
    rows: Vec<ConsultationView>,
    /// Plans consultations (else only types in and answers comments).
    manage: bool,
    due: Vec<ConsultationView>,
}

#[derive(Template)]
#[template(path = "consultations/staff_form.html")]
struct FormPage {
    page: Page,
    /// `None` for a new plan.
    slug: Option<String>,
    /// Where it stands (edit page).
    current: Option<ConsultationView>,
    form: PlanForm,
    kinds: Vec<SelectOption>,
    units: Vec<SelectOption>,
    methods: Vec<Choice>,
    topics: Vec<Choice>,
    districts: Vec<Choice>,
    may_edit: bool,
    may_publish: bool,
    may_cancel: bool,
    minimums: Minimums,
    errors: FieldErrors,
}

fn actor(current: &CurrentUser) -> Actor {
    Actor {
        user: Some(current.user.id),
        role: Some(current.user.role),
    }
}

/// The consultations whose report is due soon or overdue, soonest first: the warning on the
/// staff's pages.
pub async fn reports_due(state: &AppState, page: &Page) -> Result<Vec<ConsultationView>, Error> {
    let lookup = Lookup::load(state).await?;
    let mut due: Vec<ConsultationView> = store::list(state.db(), Filter::default())
        .await?
        .iter()
        .map(|c| ConsultationView::new(c, &lookup, page))
        .filter(|v| v.report_warning.is_some())
        .collect();
    due.sort_by_key(|v| v.report_warning);
    Ok(due)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let manage = ctx.can(Permission::ManageConsultations);
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "consult-staff-title");
    let rows = store::list(state.db(), Filter::default())
        .await?
        .iter()
        .map(|c| ConsultationView::new(c, &lookup, &page))
        .collect();
    let due = reports_due(&state, &page).await?;
    Ok(render(&ListPage {
        page,
        rows,
        manage,
        due,
    })?
    .into_response())
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    existing: Option<&Consultation>,
    form: PlanForm,
    errors: FieldErrors,
) -> Result<FormPage, Error> {
    let current = ctx.require(Permission::ManageConsultations)?;
    let lookup = Lookup::load(state).await?;
    let title = if existing.is_some() {
        "consult-edit-title"
    } else {
        "consult-new-title"
    };
    let page = Page::titled(ctx, title);
    let phase = existing.map(|c| c.phase(miasto_store::now()));
    let allowed = |action| {
        rules::may(
            &actor(current),
            action,
            phase.unwrap_or(rules::Phase::Draft),
        )
        .is_ok()
    };
    Ok(FormPage {
        slug: existing.map(|c| c.slug.clone()),
        current: existing.map(|c| ConsultationView::new(c, &lookup, &page)),
        kinds: options(
            Kind::ALL
                .iter()
                .map(|k| (k.as_str(), page.t(&format!("consult-kind-{}", k.as_str())))),
            &form.kind,
        ),
        units: options(
            lookup
                .units
                .iter()
                .filter(|u| u.active || u.id.to_string() == form.unit)
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                    )
                }),
            &form.unit,
        ),
        methods: Method::ALL
            .iter()
            .map(|m| Choice {
                value: m.as_str().to_owned(),
                label: page.t(&format!("consult-method-{}", m.as_str())),
                checked: form.methods.iter().any(|v| v == m.as_str()),
            })
            .collect(),
        topics: Topic::ALL
            .iter()
            .map(|t| Choice {
                value: t.as_str().to_owned(),
                label: page.t(&format!("consult-topic-{}", t.as_str())),
                checked: form.topics.iter().any(|v| v == t.as_str()),
            })
            .collect(),
        districts: lookup
            .districts
            .iter()
            .map(|d| Choice {
                value: d.id.to_string(),
                label: d.label(),
                checked: form.districts.contains(&d.id.to_string()),
            })
            .collect(),
        may_edit: allowed(Action::EditPlan),
        may_publish: existing.is_some() && allowed(Action::Publish),
        may_cancel: existing.is_some() && allowed(Action::Cancel),
        minimums: state.consultation_minimums(),
        form,
        errors,
        page,
    })
}

pub async fn show_new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?;
    let form = PlanForm {
        kind: Kind::Standard.as_str().into(),
        contact_email: current.user.email.to_string(),
        city_wide: "on".into(),
        ..Default::default()
    };
    let page = form_page(&state, &ctx, None, form, FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormPairs<PlanForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.clone();
    let form = form.fields.clone().with_pairs(&form.pairs);
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(content) = form.read(
        &lookup,
        state.districts(),
        &state.consultation_minimums(),
        &mut errors,
    ) else {
        let page = form_page(&state, &ctx, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "consultation", &form.form_key).await? {
        return Ok(Redirect::to("/staff/consultations").into_response());
    }
    let created = store::create(&tx, &content, current.user.id).await?;
    audit::record(
        &tx,
        Some(current.user.id),
        audit::Action::ConsultationCreated,
        Some(Target::consultation(created.id)),
        serde_json::json!({ "slug": created.slug, "title": created.plan.title }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{}", created.slug),
        "flash-consult-created",
    ))
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    store::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let c = find(&state, &slug).await?;
    let page = form_page(
        &state,
        &ctx,
        Some(&c),
        PlanForm::of(&c),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Re-renders the edit page with what was typed and the refusal's message.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: PlanForm,
    refusal: Refusal,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    let page = form_page(state, ctx, Some(c), form, errors).await?;
    let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    Ok((status, render(&page)?).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<PlanForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.clone();
    let form = form.fields.clone().with_pairs(&form.pairs);
    let c = find(&state, &slug).await?;
    let at = miasto_store::now();
    if let Err(refusal) = rules::may(&actor(&current), Action::EditPlan, c.phase(at)) {
        return refused(&state, &ctx, &c, form, refusal).await;
    }
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let content = form.read(
        &lookup,
        state.districts(),
        &state.consultation_minimums(),
        &mut errors,
    );
    // Once published, what has happened stays as it was.
    if let Some(content) = &content
        && c.published_at.is_some()
        && let Err(e) = c.schedule.check_move(&content.schedule, at)
    {
        errors.add_message(e.field(), &format!("error-{}", e.code()));
    }
    let Some(content) = content.filter(|_| errors.is_empty()) else {
        let page = form_page(&state, &ctx, Some(&c), form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let version: i32 = form.version.trim().parse().unwrap_or(-1);
    let tx = miasto_store::begin(state.db()).await?;
    match store::update(&tx, c.id, version, &content).await {
        Ok(()) => {}
        Err(ChangeError::Store(e)) => return Err(e.into()),
        Err(_) => {
            tx.rollback().await?;
            let fresh = find(&state, &slug).await?;
            return refused(&state, &ctx, &fresh, form, Refusal::Stale).await;
        }
    }
    audit::record(
        &tx,
        Some(current.user.id),
        audit::Action::ConsultationChanged,
        Some(Target::consultation(c.id)),
        serde_json::json!({ "slug": c.slug, "published": c.published_at.is_some() }),
    )
    .await?;
    super::subscriptions::schedule_opening(&state, &tx, &c.slug).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}"),
        "flash-saved",
    ))
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.clone();
    let c = find(&state, &slug).await?;
    if let Err(refusal) = rules::may(
        &actor(&current),
        Action::Publish,
        c.phase(miasto_store::now()),
    ) {
        return refused(&state, &ctx, &c, PlanForm::of(&c), refusal).await;
    }
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::publish(&tx, c.id).await;
    settle(
        &state,
        &ctx,
        &c,
        &current,
        tx,
        done,
        audit::Action::ConsultationPublished,
        "flash-consult-published",
    )
    .await
}

/// Ends a change of state (publish, cancel): refused when the store found the state moved on,
/// else audited and shown.
#[expect(
    clippy::too_many_arguments,
    reason = "one place for both state changes"
)]
async fn settle(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    current: &CurrentUser,
    tx: miasto_store::DatabaseTransaction,
    done: std::result::Result<(), ChangeError>,
    action: audit::Action,
    flash: &str,
) -> Result<Response, Error> {
    if let Err(e) = done {
        tx.rollback().await?;
        return match e {
            ChangeError::Store(e) => Err(e.into()),
            _ => refused(state, ctx, c, PlanForm::of(c), Refusal::Phase).await,
        };
    }
    audit::record(
        &tx,
        Some(current.user.id),
        action,
        Some(Target::consultation(c.id)),
        serde_json::json!({ "slug": c.slug }),
    )
    .await?;
    super::subscriptions::schedule_opening(state, &tx, &c.slug).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        ctx,
        &format!("/staff/consultations/{}", c.slug),
        flash,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    pub reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CancelForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.clone();
    let c = find(&state, &slug).await?;
    if let Err(refusal) = rules::may(
        &actor(&current),
        Action::Cancel,
        c.phase(miasto_store::now()),
    ) {
        return refused(&state, &ctx, &c, PlanForm::of(&c), refusal).await;
    }
    let reason = match miasto_domain::required_text(&input.reason, rules::TEXT_MAX) {
        Ok(r) => r,
        Err(e) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add("reason", e);
            let page = form_page(&state, &ctx, Some(&c), PlanForm::of(&c), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::cancel(&tx, c.id, &reason).await;
    settle(
        &state,
        &ctx,
        &c,
        &current,
        tx,
        done,
        audit::Action::ConsultationCancelled,
        "flash-consult-cancelled",
    )
    .await
}
