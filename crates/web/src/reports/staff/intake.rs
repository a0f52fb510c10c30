//! Hotline intake: an operator records a report for a caller on one page — category, place,
//! what they said, how to reach them — with the channel (phone, counter, e-mail) recorded.
//! The caller gets the receipt e-mail if they gave an address.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::reports::create::local_datetimes;
use crate::reports::intake::Outcome;
use crate::reports::new::{DetailsInput, QuestionField, answers_from, question_fields};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::reports::Channel;
use miasto_domain::reports::intake::{self as intake_check, CategoryRef, Field, Raw};
use miasto_domain::{CategoryId, Permission};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IntakeInput {
    pub category: String,
    pub address: String,
    pub district: String,
    pub lat: String,
    pub lon: String,
    pub channel: String,
    #[serde(flatten)]
    pub details: DetailsInput,
    pub form_key: String,
    /// The category whose questions the page showed (the operator has asked them).
    pub questions_for: String,
    /// The operator was told the address and the pin disagree, and kept them.
    pub far_seen: String,
    /// `questions`: show the chosen category's questions (nothing is recorded yet).
    pub step: String,
}

#[derive(Template)]
#[template(path = "staff/intake.html")]
struct IntakePage {
    page: Page,
    input: IntakeInput,
    problem_categories: Vec<SelectOption>,
    idea_categories: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    channels: Vec<SelectOption>,
    /// The chosen category's questions, once a category is chosen.
    questions: Vec<QuestionField>,
    /// Address search is offered on the map.
    geocoding: bool,
    /// What the geocoder filled in or noticed about the place.
    placed: crate::places::Completed,
    errors: FieldErrors,
}

fn intake_page(
    state: &AppState,
    ctx: &Ctx,
    lookup: &Lookup,
    input: IntakeInput,
    errors: FieldErrors,
) -> IntakePage {
    let categories = |kind: miasto_domain::reference::ReportKind| {
        options(
            lookup
                .categories
                .iter()
                .filter(|c| c.active && c.kind == kind)
                .map(|c| (c.id.to_string(), c.names.get(ctx.locale).to_owned())),
            &input.category,
        )
    };
    let channel = if input.channel.is_empty() {
        "phone"
    } else {
        input.channel.as_str()
    };
    let questions = CategoryId::parse(&input.category)
        .and_then(|id| lookup.category(id))
        .map(|c| question_fields(&c.questions, &input.details.answers, ctx.locale))
        .unwrap_or_default();
    IntakePage {
        page: Page::titled(ctx, "staff-intake-title"),
        questions,
        problem_categories: categories(miasto_domain::reference::ReportKind::Problem),
        idea_categories: categories(miasto_domain::reference::ReportKind::Idea),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &input.district,
        ),
        channels: options(
            [Channel::Phone, Channel::Counter, Channel::Email]
                .iter()
                .map(|c| {
                    (
                        c.as_str(),
                        crate::i18n::t(ctx.locale, &format!("channel-{}", c.as_str())),
                    )
                }),
            channel,
        ),
        geocoding: state.geocoder().is_on(),
        placed: crate::places::Completed::default(),
        input,
        errors,
    }
}

pub async fn show_intake(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::RecordReportsForCallers)?;
    let lookup = Lookup::load(&state).await?;
    Ok(render(&intake_page(
        &state,
        &ctx,
        &lookup,
        IntakeInput::default(),
        FieldErrors::new(ctx.locale),
    ))?
    .into_response())
}

pub async fn record_report(
    State(state): State<AppState>,
    ctx: Ctx,
    FormPairs {
        fields: mut input,
        pairs,
    }: FormPairs<IntakeInput>,
) -> Result<Response, Error> {
    let operator = ctx.require(Permission::RecordReportsForCallers)?.user.id;
    input.details.answers = answers_from(&pairs);
    let lookup = Lookup::load(&state).await?;
    if input.step == "questions" {
        // The category was chosen: its questions show, to ask the caller before recording.
        let page = intake_page(&state, &ctx, &lookup, input, FieldErrors::new(ctx.locale));
        return Ok(render(&page)?.into_response());
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let placed =
        crate::places::complete(&state, &mut input.address, &mut input.lat, &mut input.lon).await;
    if placed.far.is_some() && input.far_seen != "1" {
        errors.add_message("location", "places-far-check");
    }
    let category = CategoryId::parse(&input.category).and_then(|id| lookup.category(id));
    let answers = category
        .map(|c| local_datetimes(c, &input.details.answers))
        .unwrap_or_default();
    let raw = Raw {
        lat: &input.lat,
        lon: &input.lon,
        address: &input.address,
        district: &input.district,
        description: &input.details.description,
        contact_name: &input.details.contact_name,
        contact_email: &input.details.contact_email,
        contact_phone: &input.details.contact_phone,
        consent: input.details.consents(),
        ..Raw::new(CategoryRef::Id(&input.category), &answers)
    };
    // A category with questions: the page shows them once it is chosen, and the operator
    // asks the caller before the report is recorded.
    let questions_unasked =
        category.is_some_and(|c| !c.questions.is_empty() && input.questions_for != input.category);
    let checked = match intake_check::check(
        &raw,
        &lookup.categories,
        crate::reports::check::districts(&state, &lookup),
    ) {
        Ok(checked) => Some(checked),
        Err(mut problems) => {
            if questions_unasked {
                problems.retain(|(field, _)| !matches!(field, Field::Answer(_)));
            }
            crate::reports::check::add_to_form(&problems, category, &mut errors);
            None
        }
    };
    if questions_unasked {
        errors.add_message("answers", "staff-intake-ask-questions");
    }
    let channel = match Channel::parse(&input.channel) {
        Ok(c @ (Channel::Phone | Channel::Counter | Channel::Email)) => Some(c),
        _ => {
            errors.add("channel", miasto_domain::FieldError::ChannelUnknown);
            None
        }
    };
    let (Some(checked), Some(channel), true) = (checked, channel, errors.is_empty()) else {
        let page = IntakePage {
            placed,
            ..intake_page(&state, &ctx, &lookup, input, errors)
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    // The caller's account, if their address has one: the report shows on their "My city".
    let reporter = match &checked.contact.email {
        Some(email) => miasto_store::accounts::find_by_email(state.db(), email)
            .await?
            .map(|u| u.id),
        None => None,
    };
    let filing = crate::reports::check::Filing {
        channel,
        client: None,
        reporter,
        recorded_by: Some(operator),
        locale: ctx.locale,
        media_url: None,
        photos: Vec::new(),
        form_key: input.form_key,
        form_scope: "intake",
        limit: None,
        remember: None,
    };
    let created = match crate::reports::check::file(&state, checked, filing).await? {
        Outcome::Created(created) => *created,
        Outcome::Duplicate | Outcome::Limited { .. } => {
            return Ok(redirect_with_flash(
                &ctx,
                "/staff/queue",
                "flash-report-already-sent",
            ));
        }
    };
    tracing::info!(report = %created.report.number, channel = channel.as_str(), "report recorded for a caller");
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", created.report.number.path()),
        "flash-report-recorded",
    ))
}
