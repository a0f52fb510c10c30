//! The report form. Step one: kind, category and place. Step two: open reports of the same
//! category nearby (support one instead, or go on), then description, photos and contact.
//! Both steps are plain GET pages, so the back button and a bookmark behave; only the final
//! submission changes anything.

use super::{Lookup, ReportView, Where, WhereInput, parse_where};
use crate::context::Ctx;
use crate::form::FieldErrors;
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::reference::ReportKind;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "reports/new.html")]
pub(super) struct WherePage {
    pub page: Page,
    pub kind: ReportKind,
    pub other_kind: ReportKind,
    pub lead: String,
    pub switch_label: String,
    pub input: WhereInput,
    pub categories: Vec<SelectOption>,
    pub districts: Vec<SelectOption>,
    /// Address search is offered on the map.
    pub geocoding: bool,
    pub errors: FieldErrors,
}

/// A report nearby, offered as a possible duplicate.
pub(super) struct Nearby {
    pub view: ReportView,
    pub metres: u32,
}

/// The second step's text fields, kept when the form comes back with errors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DetailsInput {
    pub description: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub consent: Option<String>,
    /// Answers to the category's questions, from the `answer.<code>` fields.
    #[serde(skip)]
    pub answers: BTreeMap<String, Vec<String>>,
}

impl DetailsInput {
    /// The resident agreed to be contacted (the "yes" choice, or the hotline's checkbox).
    pub fn consents(&self) -> bool {
        matches!(self.consent.as_deref(), Some("on" | "yes"))
    }

    /// The resident chose "no contact": contact fields they may have typed before are not
    /// used (and not kept).
    pub fn declines(&self) -> bool {
        self.consent.as_deref() == Some("no")
    }
}

/// The answers in a sent form: each `answer.<code>` field (repeated for several choices),
/// blanks dropped.
pub fn answers_from(pairs: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(code) = name.strip_prefix("answer.")
            && !value.trim().is_empty()
        {
            answers
                .entry(code.to_owned())
                .or_default()
                .push(value.trim().to_owned());
        }
    }
    answers
}

/// One of a category's questions on the form.
pub struct QuestionField {
    pub code: String,
    pub label: String,
    pub hint: Option<String>,
    /// How it is asked: `line`, `number`, `datetime`, `text`, `one` (radio buttons) or `many`
    /// (checkboxes).
    pub kind: &'static str,
    pub required: bool,
    pub choices: Vec<ChoiceField>,
    /// What was typed (text kinds).
    pub value: String,
}

pub struct ChoiceField {
    pub key: String,
    pub name: String,
    pub checked: bool,
}

pub(crate) fn question_fields(
    questions: &[miasto_domain::questions::Question],
    answers: &BTreeMap<String, Vec<String>>,
    locale: miasto_domain::Locale,
) -> Vec<QuestionField> {
    use miasto_domain::questions::Datatype;
    questions
        .iter()
        .map(|q| {
            let given = answers.get(q.code.as_str()).cloned().unwrap_or_default();
            QuestionField {
                code: q.code.as_str().to_owned(),
                label: q.text.get(locale).to_owned(),
                hint: q.hint.as_ref().map(|h| h.get(locale).to_owned()),
                kind: match q.datatype {
                    Datatype::String => "line",
                    Datatype::Number => "number",
                    Datatype::Datetime => "datetime",
                    Datatype::Text => "text",
                    Datatype::Singlevaluelist => "one",
                    Datatype::Multivaluelist => "many",
                },
                required: q.required,
                choices: q
                    .choices
                    .iter()
                    .map(|c| ChoiceField {
                        key: c.key.as_str().to_owned(),
                        name: c.name.get(locale).to_owned(),
                        checked: given.iter().any(|g| g == c.key.as_str()),
                    })
                    .collect(),
                value: given.first().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reports/details.html")]
pub(super) struct DetailsPage {
    pub page: Page,
    pub description_label: String,
    pub input: WhereInput,
    pub category: String,
    pub district: String,
    pub nearby: Vec<Nearby>,
    pub details: DetailsInput,
    /// The category's extra questions.
    pub questions: Vec<QuestionField>,
    pub logged_in_as: Option<String>,
    /// Photos sent with the form before, kept while it is corrected.
    pub staged: Vec<StagedPhoto>,
    /// The key they are kept under (sent back with the form).
    pub staged_key: String,
    /// What the geocoder filled in or noticed about the place.
    pub placed: crate::places::Completed,
    pub errors: FieldErrors,
}

/// A photo kept across a re-render of the form: its id and its thumbnail's address.
#[derive(Debug, Clone)]
pub struct StagedPhoto {
    pub id: String,
    pub thumb: String,
}

pub(super) fn where_page(
    state: &AppState,
    ctx: &Ctx,
    lookup: &Lookup,
    input: WhereInput,
    errors: FieldErrors,
) -> WherePage {
    let kind = input.kind();
    let other_kind = match kind {
        ReportKind::Problem => ReportKind::Idea,
        ReportKind::Idea => ReportKind::Problem,
    };
    let categories = options(
        lookup
            .categories
            .iter()
            .filter(|c| c.active && c.kind == kind)
            .map(|c| (c.id.to_string(), c.names.get(ctx.locale).to_owned())),
        &input.category,
    );
    let districts = options(
        lookup
            .districts
            .iter()
            .map(|d| (d.id.to_string(), d.label())),
        &input.district,
    );
    WherePage {
        page: Page::titled(ctx, &format!("report-new-{}-title", kind.as_str())),
        kind,
        other_kind,
        lead: crate::i18n::t(ctx.locale, &format!("report-new-{}-lead", kind.as_str())),
        switch_label: crate::i18n::t(
            ctx.locale,
            &format!("report-switch-to-{}", other_kind.as_str()),
        ),
        input,
        categories,
        districts,
        geocoding: state.geocoder().is_on(),
        errors,
    }
}

/// Step one.
pub async fn show_new_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(input): Query<WhereInput>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    Ok(render(&where_page(
        &state,
        &ctx,
        &lookup,
        input,
        FieldErrors::new(ctx.locale),
    ))?
    .into_response())
}

/// How far a report is from `point`, as the public may know it: measured to the report's
/// rounded (~100 m) position and given in 50 m steps, so probing from chosen points reveals
/// no more than the public pages show.
fn public_distance(
    point: miasto_domain::geo::Point,
    report: &miasto_store::reports::Report,
) -> u32 {
    let metres = report.point.map_or(0.0, |p| point.distance_m(p.coarse()));
    ((metres / 50.0).round() as u32).max(1) * 50
}

pub(super) async fn details_page(
    state: &AppState,
    ctx: &Ctx,
    lookup: &Lookup,
    input: WhereInput,
    place: &Where,
    details: DetailsInput,
    errors: FieldErrors,
) -> Result<DetailsPage, Error> {
    let mut nearby = Vec::new();
    if let Some(point) = place.location.point {
        let radius = f64::from(place.category.duplicate_radius_m);
        for (report, _) in
            miasto_store::reports::nearby_open(state.db(), place.category.id, point, radius, 5)
                .await?
        {
            nearby.push(Nearby {
                view: ReportView::new(&report, lookup, ctx.locale, None),
                metres: public_distance(point, &report),
            });
        }
    }
    let district = place
        .location
        .district
        .and_then(|d| lookup.district(d))
        .map(|d| d.label())
        .unwrap_or_default();
    Ok(DetailsPage {
        page: Page::titled(
            ctx,
            &format!("report-details-{}-title", place.category.kind.as_str()),
        ),
        description_label: crate::i18n::t(
            ctx.locale,
            &format!("field-description-{}", place.category.kind.as_str()),
        ),
        category: place.category.names.get(ctx.locale).to_owned(),
        district,
        nearby,
        questions: question_fields(&place.category.questions, &details.answers, ctx.locale),
        details,
        logged_in_as: ctx.user.as_ref().map(|u| u.user.email.to_string()),
        staged: Vec::new(),
        staged_key: String::new(),
        placed: crate::places::Completed::default(),
        errors,
        input,
    })
}

/// Step two: checks step one, then shows similar reports and the details form.
pub async fn show_report_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut input): Query<WhereInput>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let placed =
        crate::places::complete(&state, &mut input.address, &mut input.lat, &mut input.lon).await;
    let Some(place) = parse_where(&input, &lookup, &state, &mut errors) else {
        let page = where_page(&state, &ctx, &lookup, input, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let page = details_page(
        &state,
        &ctx,
        &lookup,
        input,
        &place,
        DetailsInput::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    let page = DetailsPage { placed, ..page };
    Ok(render(&page)?.into_response())
}
