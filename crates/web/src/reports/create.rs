//! Sending a report. Everything from both steps is checked again here, by the one intake check
//! every channel shares; photos are processed
//! (EXIF stripped, resized) before the transaction, then the report, its photos and the
//! receipt e-mail commit together.

use super::check;
use super::intake::Outcome;
use super::new::{DetailsInput, details_page};
use super::{Lookup, WhereInput, parse_where};
use crate::accounts::{client_key, too_many};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, MultipartForm, Upload};
use crate::page::render;
use crate::security::ClientKey;
use crate::{AppState, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::reports::Channel;
use miasto_domain::reports::intake::{self as intake_check, Raw};
use miasto_store::photos::{self, Stored};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CreateInput {
    #[serde(flatten)]
    pub place: WhereInput,
    #[serde(flatten)]
    pub details: DetailsInput,
    pub form_key: String,
}

/// The answers as the one check reads them: a date and time typed in the browser's local form
/// (`2026-11-21T14:30`) is Kraków time, written with its offset.
pub fn local_datetimes(
    category: &miasto_store::reference::Category,
    given: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    use miasto_domain::questions::Datatype;
    let mut given = given.clone();
    for q in &category.questions {
        if q.datatype == Datatype::Datetime
            && let Some(values) = given.get_mut(q.code.as_str())
        {
            for v in values.iter_mut() {
                if let Ok(local) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
                    && let Some(at) = local
                        .and_local_timezone(chrono_tz::Europe::Warsaw)
                        .earliest()
                {
                    *v = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
                }
            }
        }
    }
    given
}

/// A web form's place and details for the one intake check.
pub fn raw_report<'a>(
    place: &'a WhereInput,
    details: &'a DetailsInput,
    answers: &'a BTreeMap<String, Vec<String>>,
) -> Raw<'a> {
    // "No contact" is one choice: fields typed before choosing it are left out.
    let contact = |field: &'a String| {
        if details.declines() {
            ""
        } else {
            field.as_str()
        }
    };
    Raw {
        description: &details.description,
        contact_name: contact(&details.contact_name),
        contact_email: contact(&details.contact_email),
        contact_phone: contact(&details.contact_phone),
        consent: details.consents(),
        ..place.raw(answers)
    }
}

/// Why uploaded photos cannot be used.
#[derive(Debug)]
pub enum PhotoProblem {
    /// More than [`photos::MAX_PER_REPORT`].
    TooMany,
    /// These files (by name) failed processing.
    Bad(Vec<(String, photos::PhotoError)>),
}

/// The sender's report limit before anything costly: a submission with photos is charged now,
/// before any photo is decoded (so refused and broken uploads count too); one without is
/// only checked here and charged with its report in the intake batch.
pub async fn charge_or_check(
    state: &AppState,
    key: &str,
    limit: miasto_store::rate_limit::Limit,
    has_photos: bool,
) -> Result<miasto_store::rate_limit::Decision, Error> {
    Ok(if has_photos {
        miasto_store::rate_limit::hit(state.db(), key, limit).await?
    } else {
        miasto_store::rate_limit::check(state.db(), key, limit).await?
    })
}

/// Processes each uploaded photo (the `photos` parts) on the decoder threads and stores the
/// usable ones; the unusable ones are named by file.
async fn process_each(
    state: &AppState,
    files: Vec<Upload>,
) -> Result<(Vec<Stored>, Vec<(String, photos::PhotoError)>), Error> {
    let mut stored = Vec::new();
    let mut bad = Vec::new();
    for file in files.into_iter().filter(|f| f.field == "photos") {
        match state.photo_gate().process(file.bytes.clone()).await? {
            Ok(processed) => stored.push(
                photos::store(state.files(), processed)
                    .await
                    .map_err(|e| Error::internal(e.to_string()))?,
            ),
            Err(e) => bad.push((file.filename, e)),
        }
    }
    Ok((stored, bad))
}

/// The uploaded photos (at most five), all usable or none: the API's rule. Files of the good
/// ones next to a bad one are left for housekeeping's sweep.
pub async fn prepare_photos(
    state: &AppState,
    files: Vec<Upload>,
) -> Result<Result<Vec<Stored>, PhotoProblem>, Error> {
    if files.iter().filter(|f| f.field == "photos").count() > photos::MAX_PER_REPORT {
        return Ok(Err(PhotoProblem::TooMany));
    }
    let (stored, bad) = process_each(state, files).await?;
    Ok(if bad.is_empty() {
        Ok(stored)
    } else {
        Err(PhotoProblem::Bad(bad))
    })
}

/// Each bad photo as a message on the form's `photos` field.
fn name_bad_photos(bad: Vec<(String, photos::PhotoError)>, errors: &mut FieldErrors) {
    for (filename, e) in bad {
        errors.add_args(
            "photos",
            &format!("error-{}", e.code()),
            vec![("file", filename)],
        );
    }
}

/// [`prepare_photos`] for a form: problems become messages on the `photos` field.
pub async fn process_photos(
    state: &AppState,
    files: Vec<Upload>,
    errors: &mut FieldErrors,
) -> Result<Vec<Stored>, Error> {
    match prepare_photos(state, files).await? {
        Ok(stored) => Ok(stored),
        Err(PhotoProblem::TooMany) => {
            errors.add_message("photos", "error-photos-too-many");
            Ok(Vec::new())
        }
        Err(PhotoProblem::Bad(bad)) => {
            name_bad_photos(bad, errors);
            Ok(Vec::new())
        }
    }
}

/// Photos kept from an earlier send of the same form (`staged_key`, `staged`), minus those the
/// resident ticked to `remove` (let go at once).
struct Staging {
    key: String,
    kept: Vec<Stored>,
}

impl Staging {
    async fn read(state: &AppState, pairs: &[(String, String)]) -> Result<Self, Error> {
        let values = |name: &str| -> Vec<uuid::Uuid> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .filter_map(|(_, v)| uuid::Uuid::try_parse(v.trim()).ok())
                .collect()
        };
        let key = pairs
            .iter()
            .find(|(k, _)| k == "staged_key")
            .map(|(_, v)| v.trim().to_owned())
            .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
            .unwrap_or_else(miasto_store::form_keys::new_key);
        let removed = values("remove");
        let wanted: Vec<uuid::Uuid> = values("staged")
            .into_iter()
            .filter(|id| !removed.contains(id))
            .collect();
        photos::unstage(state.db(), &key, &removed).await?;
        let kept = photos::staged(state.db(), &key, &wanted).await?;
        Ok(Self { key, kept })
    }
}

/// Each photo processed and stored on its own: the good ones are kept (to be staged if the
/// form goes back), each bad one named in its own message.
async fn photos_one_by_one(
    state: &AppState,
    files: Vec<Upload>,
    errors: &mut FieldErrors,
) -> Result<Vec<Stored>, Error> {
    let (stored, bad) = process_each(state, files).await?;
    name_bad_photos(bad, errors);
    Ok(stored)
}

pub async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    MultipartForm {
        fields: mut input,
        files,
        pairs,
    }: MultipartForm<CreateInput>,
) -> Result<Response, Error> {
    input.details.answers = super::new::answers_from(&pairs);
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(place) = parse_where(&input.place, &lookup, &state, &mut errors) else {
        let page = super::new::where_page(&state, &ctx, &lookup, input.place, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let answers = local_datetimes(&place.category, &input.details.answers);
    let raw = raw_report(&input.place, &input.details, &answers);
    let checked =
        match intake_check::check(&raw, &lookup.categories, check::districts(&state, &lookup)) {
            Ok(checked) => Some(checked),
            Err(problems) => {
                check::add_to_form(&problems, Some(&place.category), &mut errors);
                None
            }
        };
    let had_photos = files.iter().any(|f| f.field == "photos");
    let limit_key = client_key("report", &client);
    let limit = state.config().limits.reports_per_ip;
    let allowed = match charge_or_check(&state, &limit_key, limit, had_photos).await? {
        miasto_store::rate_limit::Decision::Allowed => true,
        miasto_store::rate_limit::Decision::Limited { retry_after_secs } => {
            too_many(&mut errors, ctx.locale, retry_after_secs);
            false
        }
    };
    // Photos sent before, kept while the form was corrected; the resident may remove some.
    let staging = Staging::read(&state, &pairs).await?;
    // Everything is checked in one pass: the photos too, whatever else is wrong.
    let new_count = files.iter().filter(|f| f.field == "photos").count();
    let stored = if !allowed {
        Vec::new()
    } else if staging.kept.len() + new_count > photos::MAX_PER_REPORT {
        errors.add_message("photos", "error-photos-too-many");
        Vec::new()
    } else {
        photos_one_by_one(&state, files, &mut errors).await?
    };
    let (Some(checked), true) = (checked, errors.is_empty()) else {
        let status = if allowed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        let mut page = details_page(
            &state,
            &ctx,
            &lookup,
            input.place,
            &place,
            input.details,
            errors,
        )
        .await?;
        // The good photos wait under the form's staging key, shown as thumbnails.
        let key = staging.key.clone();
        photos::stage(state.db(), &key, &stored).await?;
        page.staged = staging
            .kept
            .iter()
            .chain(&stored)
            .map(|p| super::new::StagedPhoto {
                id: p.id.to_string(),
                thumb: format!("/reports/staged/{key}/{}", p.id),
            })
            .collect();
        page.staged_key = key;
        return Ok((status, render(&page)?).into_response());
    };
    let kept_ids: Vec<uuid::Uuid> = staging.kept.iter().map(|p| p.id).collect();
    let stored: Vec<Stored> = staging.kept.into_iter().chain(stored).collect();
    let photo_count = stored.len();
    let filing = check::Filing {
        channel: Channel::Web,
        client: None,
        reporter: ctx.user.as_ref().map(|u| u.user.id),
        recorded_by: None,
        locale: ctx.locale,
        media_url: None,
        photos: stored,
        form_key: input.form_key,
        form_scope: "report",
        limit: (!had_photos).then_some((limit_key, limit)),
        remember: None,
    };
    let created = match check::file(&state, checked, filing).await? {
        Outcome::Created(created) => *created,
        Outcome::Duplicate => {
            let to = if ctx.user.is_some() {
                "/my"
            } else {
                "/reports"
            };
            return Ok(redirect_with_flash(&ctx, to, "flash-report-already-sent"));
        }
        Outcome::Limited { retry_after_secs } => {
            let mut errors = FieldErrors::new(ctx.locale);
            too_many(&mut errors, ctx.locale, retry_after_secs);
            let page = details_page(
                &state,
                &ctx,
                &lookup,
                input.place,
                &place,
                input.details,
                errors,
            )
            .await?;
            return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
        }
    };
    photos::unstage(state.db(), &staging.key, &kept_ids).await?;
    tracing::info!(report = %created.report.number, channel = "web", photos = photo_count, "report received");
    Ok(redirect_with_flash(
        &ctx,
        &format!("/reports/track/{}", created.tracking_token),
        "flash-report-sent",
    ))
}
