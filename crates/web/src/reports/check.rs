//! The channels' side of the one intake check (`domain::reports::intake`): each channel
//! reads its transport into a `Raw`; here problems get the channel's field names and their
//! messages (ids and arguments, translated when the answer is written), and a checked report
//! is routed and handed to the intake.

use super::Lookup;
use super::intake::{Outcome, Submission};
use crate::form::FieldErrors;
use crate::{AppState, Error};
use miasto_domain::reports::Channel;
use miasto_domain::reports::intake::{Checked, Code, Districts, Field, Problem};
use miasto_domain::{Locale, UserId};
use miasto_store::photos::Stored;
use miasto_store::rate_limit::Limit;
use miasto_store::reference::Category;
use miasto_store::reports::NewReport;

/// The city's districts for the check.
pub fn districts<'a>(state: &'a AppState, lookup: &'a Lookup) -> Districts<'a> {
    Districts {
        map: state.districts(),
        list: &lookup.districts,
    }
}

/// A problem's message: its id and arguments (the question, in `locale`, for answers).
pub fn message(
    code: &Code,
    category: Option<&Category>,
    locale: Locale,
) -> (String, Vec<(&'static str, String)>) {
    match code {
        Code::Answer(e) => {
            let question = category
                .and_then(|c| c.questions.iter().find(|q| q.code.as_str() == e.question()))
                .map_or_else(
                    || e.question().to_owned(),
                    |q| q.text.get(locale).to_owned(),
                );
            (
                format!("report-answer-{}", e.code()),
                vec![("question", question)],
            )
        }
        other => (format!("error-{}", other.as_str()), Vec::new()),
    }
}

/// The field of the web form (and the hotline's) a problem belongs to: a point's problems
/// belong to the place, answers to the questions' group.
pub fn form_field(field: &Field) -> &'static str {
    match field {
        Field::Category => "category",
        Field::Lat | Field::Lon | Field::Location => "location",
        Field::Address | Field::AddressId => "address",
        Field::District => "district",
        Field::Description => "description",
        Field::Answer(_) => "answers",
        Field::ContactName => "contact_name",
        Field::ContactEmail => "contact_email",
        Field::ContactPhone => "contact_phone",
        Field::Consent => "consent",
    }
}

/// Puts the problems on a web form.
pub fn add_to_form(problems: &[Problem], category: Option<&Category>, errors: &mut FieldErrors) {
    for (field, code) in problems {
        let (id, args) = message(code, category, errors.locale());
        errors.add_args(form_field(field), &id, args);
    }
}

/// Everything about a submission besides the checked report: who sent it and how.
pub struct Filing {
    pub channel: Channel,
    /// The API client that sent it (its id).
    pub client: Option<String>,
    pub reporter: Option<UserId>,
    pub recorded_by: Option<UserId>,
    pub locale: Locale,
    pub media_url: Option<String>,
    pub photos: Vec<Stored>,
    pub form_key: String,
    pub form_scope: &'static str,
    pub limit: Option<(String, Limit)>,
    pub remember: Option<(String, String)>,
}

/// The one way in after the check: routes the report (category × district) and writes it
/// through the intake.
pub async fn file(state: &AppState, checked: Checked, filing: Filing) -> Result<Outcome, Error> {
    let unit =
        miasto_store::routing::route(state.db(), checked.category, checked.location.district)
            .await?
            .ok_or_else(|| Error::internal("category without a routing rule"))?;
    let submission = Submission {
        kind: checked.kind,
        unit,
        report: NewReport {
            category: checked.category,
            description: checked.description,
            location: checked.location,
            channel: filing.channel,
            client: filing.client,
            answers: checked.answers,
            media_url: filing.media_url,
            reporter: filing.reporter,
            contact: checked.contact,
            recorded_by: filing.recorded_by,
            locale: filing.locale,
        },
        photos: filing.photos,
        form_key: filing.form_key,
        form_scope: filing.form_scope,
        limit: filing.limit,
        remember: filing.remember,
    };
    state.intake().submit(submission).await
}
