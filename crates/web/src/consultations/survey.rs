//! The e-survey: officials build it (questions, who may answer, demographics, invitation
//! codes) until the consultation opens; residents answer it on its page — with or without
//! JavaScript, saving to continue later — once per account or code; results are counted as
//! responses arrive (tables with SVG bars a screen reader can skip, the table being the
//! text), open answers listed and searchable, every response exported as CSV or JSON,
//! streamed.

use super::comments::actor;
use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{EitherForm, FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use miasto_domain::consultations::survey::{
    self as rules, AGE_BANDS, Answer, Answers, Audience, Kind, Raw, RawQuestion, SEXES, Survey,
};
use miasto_domain::consultations::weighting::{self, Dimension, Margins};
use miasto_domain::consultations::{Action, Area, Phase, Refusal, may, may_answer_survey};
use miasto_domain::{DistrictId, Permission};
use miasto_store::audit;
use miasto_store::consultations::survey::{self as store, NewResponse};
use miasto_store::consultations::{ChangeError, Consultation};
use miasto_store::photos::Stored;
use serde::Deserialize;

/// A question as the form and the builder show it, with what was chosen or typed.
pub struct QuestionView {
    pub key: String,
    pub number: usize,
    pub kind: &'static str,
    pub text: String,
    pub options: Vec<(usize, String)>,
    pub rows: Vec<(usize, String)>,
    pub required: bool,
    /// "q1:1" for the script; the condition in words for everyone.
    pub shown_if: Option<String>,
    pub condition: Option<String>,
    pub chosen: Vec<usize>,
    /// A ranking's place of each option, or a matrix's column of each row, as typed.
    pub places: Vec<String>,
    /// A text answer as typed; for a file question, the id of the file held.
    pub text_value: String,
    /// A file question's held file, shown as a thumbnail (empty: none to show).
    pub thumb: String,
    pub error: Option<String>,
}

impl QuestionView {
    pub fn is_chosen(&self, i: &usize) -> bool {
        self.chosen.contains(i)
    }

    pub fn place(&self, i: &usize) -> &str {
        self.places.get(*i).map(String::as_str).unwrap_or("")
    }
}

/// The form's values from stored answers (a draft).
fn raw_of(answers: &Answers) -> Raw {
    let mut raw: Raw = Raw::new();
    for (key, a) in answers {
        match a {
            Answer::Choice(i) => {
                raw.insert(key.clone(), vec![i.to_string()]);
            }
            Answer::Choices(is) => {
                raw.insert(key.clone(), is.iter().map(usize::to_string).collect());
            }
            Answer::Ranking(order) => {
                for (place, i) in order.iter().enumerate() {
                    raw.insert(format!("{key}-{i}"), vec![(place + 1).to_string()]);
                }
            }
            Answer::Matrix(cells) => {
                for (r, c) in cells.iter().enumerate() {
                    if let Some(c) = c {
                        raw.insert(format!("{key}-{r}"), vec![c.to_string()]);
                    }
                }
            }
            Answer::Text(t) => {
                raw.insert(key.clone(), vec![t.clone()]);
            }
            Answer::File(id) => {
                raw.insert(key.clone(), vec![id.to_string()]);
            }
        }
    }
    raw
}

fn first<'a>(raw: &'a Raw, key: &str) -> &'a str {
    raw.get(key)
        .and_then(|v| v.first())
        .map(String::as_str)
        .unwrap_or("")
}

/// The survey's questions as views, filled from `raw`, with `errors` by question key.
pub fn question_views(
    page: &Page,
    survey: &Survey,
    raw: &Raw,
    errors: &[(String, miasto_domain::FieldError)],
) -> Vec<QuestionView> {
    survey
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| {
            let condition = q.shown_if.as_ref().and_then(|(key, option)| {
                let (i, parent) = survey
                    .questions
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.key == *key)?;
                Some(crate::i18n::t_args(
                    page.lang,
                    "survey-condition",
                    &[
                        ("n", &(i + 1).to_string()),
                        (
                            "option",
                            parent
                                .options
                                .get(*option)
                                .map(String::as_str)
                                .unwrap_or(""),
                        ),
                    ],
                ))
            });
            let count = if q.kind == Kind::Matrix {
                q.rows.len()
            } else {
                q.options.len()
            };
            QuestionView {
                key: q.key.clone(),
                number: n + 1,
                kind: q.kind.as_str(),
                text: q.text.clone(),
                options: q.options.iter().cloned().enumerate().collect(),
                rows: q.rows.iter().cloned().enumerate().collect(),
                required: q.required,
                shown_if: q.shown_if.as_ref().map(|(k, o)| format!("{k}:{o}")),
                condition,
                chosen: raw
                    .get(&q.key)
                    .map(|v| v.iter().filter_map(|s| s.trim().parse().ok()).collect())
                    .unwrap_or_default(),
                places: (0..count)
                    .map(|i| first(raw, &format!("{}-{i}", q.key)).to_owned())
                    .collect(),
                text_value: if q.kind.is_text() || q.kind == Kind::File {
                    first(raw, &q.key).to_owned()
                } else {
                    String::new()
                },
                thumb: String::new(),
                error: errors
                    .iter()
                    .find(|(k, _)| *k == q.key)
                    .map(|(_, e)| page.t(&format!("survey-error-{}", e.code()))),
            }
        })
        .collect()
}

async fn survey_of(state: &AppState, c: &Consultation) -> Result<(Survey, i32), Error> {
    Ok(store::get(state.db(), c.id).await?.unwrap_or_default())
}

fn district_options(
    lookup: &Lookup,
    c: &Consultation,
    page: &Page,
    selected: &str,
) -> Vec<SelectOption> {
    let mut all = vec![(String::new(), page.t("survey-district-choose"))];
    all.extend(
        lookup
            .districts
            .iter()
            .filter(|d| match &c.organisation.area {
                Area::CityWide => true,
                Area::Districts(ids) => ids.contains(&d.id),
            })
            .map(|d| (d.id.to_string(), d.label())),
    );
    options(all, selected)
}

fn all_districts(lookup: &Lookup, page: &Page, selected: &str) -> Vec<SelectOption> {
    let mut all = vec![(String::new(), page.t("survey-no-answer"))];
    all.extend(
        lookup
            .districts
            .iter()
            .map(|d| (d.id.to_string(), d.label())),
    );
    options(all, selected)
}

fn choices(page: &Page, prefix: &str, values: &[&str], selected: &str) -> Vec<SelectOption> {
    let mut all = vec![(String::new(), page.t("survey-no-answer"))];
    all.extend(
        values
            .iter()
            .map(|v| ((*v).to_owned(), page.t(&format!("{prefix}{v}")))),
    );
    options(all, selected)
}

// --- Residents ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "consultations/survey.html")]
struct SurveyPage {
    page: Page,
    c: ConsultationView,
    questions: Vec<QuestionView>,
    audience: &'static str,
    /// The form is shown (open, and this visitor may answer).
    may_answer: bool,
    /// Why not, when not.
    refusal: Option<String>,
    login: bool,
    sent: bool,
    can_save: bool,
    demographics: bool,
    /// The survey has a file question: the form is sent as multipart.
    uploads: bool,
    staged_key: String,
    districts: Vec<SelectOption>,
    home_districts: Vec<SelectOption>,
    ages: Vec<SelectOption>,
    sexes: Vec<SelectOption>,
    code: String,
    errors: FieldErrors,
}

struct Typed {
    raw: Raw,
    district: String,
    age: String,
    sex: String,
    code: String,
    /// The form's staging key: files sent with a form that must be corrected wait under it.
    staged_key: String,
    /// Files waiting under the staging key (their ids), shown as thumbnails.
    staged: Vec<uuid::Uuid>,
}

impl Typed {
    fn of(pairs: &[(String, String)]) -> Self {
        let mut raw: Raw = Raw::new();
        for (k, v) in pairs {
            raw.entry(k.clone()).or_default().push(v.clone());
        }
        Self {
            district: first(&raw, "_district").to_owned(),
            age: first(&raw, "_age").to_owned(),
            sex: first(&raw, "_sex").to_owned(),
            code: first(&raw, "_code").to_owned(),
            staged_key: String::new(),
            staged: Vec::new(),
            raw,
        }
    }
}

async fn survey_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    typed: Option<Typed>,
    answer_errors: &[(String, miasto_domain::FieldError)],
    errors: FieldErrors,
) -> Result<SurveyPage, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(
        ctx,
        crate::i18n::t_args(ctx.locale, "survey-title", &[("title", &c.plan.title)]),
    );
    let view = ConsultationView::new(c, &lookup, &page);
    let (survey, _) = survey_of(state, c).await?;
    let mine = match ctx.user.as_ref() {
        Some(u) => store::response_of(state.db(), c.id, u.user.id).await?,
        None => None,
    };
    let sent = mine.as_ref().is_some_and(|r| r.submitted_at.is_some());
    let typed = typed.unwrap_or_else(|| match &mine {
        Some(r) => Typed {
            raw: raw_of(&r.answers),
            district: r.district.map(|d| d.to_string()).unwrap_or_default(),
            age: r.age_band.clone().unwrap_or_default(),
            sex: r.sex.clone().unwrap_or_default(),
            code: String::new(),
            staged_key: String::new(),
            staged: Vec::new(),
        },
        None => Typed {
            raw: Raw::new(),
            district: String::new(),
            age: String::new(),
            sex: String::new(),
            code: String::new(),
            staged_key: String::new(),
            staged: Vec::new(),
        },
    });
    let mut questions = question_views(&page, &survey, &typed.raw, answer_errors);
    for q in questions.iter_mut().filter(|q| q.kind == "file") {
        if let Ok(id) = uuid::Uuid::try_parse(&q.text_value)
            && typed.staged.contains(&id)
        {
            q.thumb = format!("/reports/staged/{}/{id}", typed.staged_key);
        }
    }
    // Whether this visitor may answer, the district aside (declared on the form).
    let rule = may_answer_survey(
        &actor(ctx),
        view.phase,
        &c.organisation.methods,
        survey.audience,
        None,
        &Area::CityWide,
    );
    let login = rule == Err(Refusal::SignIn);
    Ok(SurveyPage {
        questions,
        uploads: survey.questions.iter().any(|q| q.kind == Kind::File),
        staged_key: typed.staged_key.clone(),
        audience: survey.audience.as_str(),
        may_answer: rule.is_ok() && !sent && !survey.questions.is_empty(),
        refusal: match rule {
            Err(r) if r != Refusal::SignIn => Some(page.t(&format!("error-{}", r.code()))),
            _ => None,
        },
        login,
        sent,
        can_save: ctx.user.is_some(),
        demographics: survey.demographics,
        districts: district_options(&lookup, c, &page, &typed.district),
        home_districts: all_districts(&lookup, &page, &typed.district),
        ages: choices(&page, "survey-age-", &AGE_BANDS, &typed.age),
        sexes: choices(&page, "survey-sex-", &SEXES, &typed.sex),
        code: typed.code,
        c: view,
        errors,
        page,
    })
}

/// `GET /consultations/{slug}/survey`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    if !c
        .organisation
        .methods
        .contains(&miasto_domain::consultations::Method::Survey)
    {
        return Err(Error::NotFound);
    }
    let page = survey_page(&state, &ctx, &c, None, &[], FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SendForm {
    /// "save" (continue later) or "send".
    pub action: String,
}

/// `POST /consultations/{slug}/survey`: a response sent, or saved to continue later.
/// Charges a response sent without an account to the sender's address; how long to wait when
/// the address has sent too many.
pub async fn charge_anonymous(
    state: &AppState,
    client: &crate::security::ClientKey,
) -> Result<Option<u64>, Error> {
    let key = crate::accounts::client_key("survey-responses", client);
    let limit = state.config().limits.survey_responses_per_ip;
    Ok(
        match miasto_store::rate_limit::hit(state.db(), &key, limit).await? {
            miasto_store::rate_limit::Decision::Allowed => None,
            miasto_store::rate_limit::Decision::Limited { retry_after_secs } => {
                Some(retry_after_secs)
            }
        },
    )
}

/// The files a survey form holds for its file questions.
struct Held {
    /// (question, file) for each file question answered with a file received now or kept
    /// waiting under the form's key; a draft's own file is named in the answers only.
    files: Vec<(String, Stored)>,
    /// Those received with this very request (not yet waiting under the key).
    fresh: Vec<uuid::Uuid>,
}

impl Held {
    /// The form goes back to be corrected: its files wait under its key, shown as thumbnails.
    async fn wait(&self, state: &AppState, typed: &mut Typed) -> Result<(), Error> {
        let fresh: Vec<Stored> = self
            .files
            .iter()
            .filter(|(_, f)| self.fresh.contains(&f.id))
            .map(|(_, f)| f.clone())
            .collect();
        miasto_store::photos::stage(state.db(), &typed.staged_key, &fresh).await?;
        typed.staged = self.files.iter().map(|(_, f)| f.id).collect();
        Ok(())
    }
}

/// Works out each file question's answer: a photo sent now (processed: re-encoded without its
/// metadata, on the decoder threads), else the one kept from an earlier send of the form
/// (waiting under its staging key) or from the resident's draft, unless they ticked it off.
/// Whatever id the form typed is never taken as it is. Uploads count against the sender's
/// upload limit before any is decoded; an unusable file is named with its question.
#[expect(
    clippy::too_many_arguments,
    reason = "the form's parts, each read once here"
)]
async fn held_files(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    survey: &Survey,
    client: &crate::security::ClientKey,
    files: Vec<crate::form::Upload>,
    typed: &mut Typed,
    errors: &mut FieldErrors,
) -> Result<Held, Error> {
    let mut held = Held {
        files: Vec::new(),
        fresh: Vec::new(),
    };
    let file_questions: Vec<(usize, &rules::Question)> = survey
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == Kind::File)
        .collect();
    typed.staged_key = first(&typed.raw, "staged_key").trim().to_owned();
    if typed.staged_key.len() != 64 || !typed.staged_key.bytes().all(|b| b.is_ascii_hexdigit()) {
        typed.staged_key = miasto_store::form_keys::new_key();
    }
    if file_questions.is_empty() {
        return Ok(held);
    }
    let draft = match &ctx.user {
        Some(u) => store::response_of(state.db(), c.id, u.user.id)
            .await?
            .filter(|r| r.submitted_at.is_none())
            .map(|r| r.answers)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let mut uploads: Vec<crate::form::Upload> = files
        .into_iter()
        .filter(|f| file_questions.iter().any(|(_, q)| q.key == f.field))
        .collect();
    if !uploads.is_empty() {
        let key = crate::accounts::client_key("survey-files", client);
        let limit = state.config().limits.reports_per_ip;
        if let miasto_store::rate_limit::Decision::Limited { retry_after_secs } =
            miasto_store::rate_limit::hit(state.db(), &key, limit).await?
        {
            crate::accounts::too_many(errors, ctx.locale, retry_after_secs);
            uploads.clear();
        }
    }
    for (n, q) in file_questions {
        let kept = first(&typed.raw, &format!("{}-kept", q.key))
            .trim()
            .to_owned();
        let remove = !first(&typed.raw, &format!("{}-remove", q.key)).is_empty();
        typed.raw.remove(&q.key);
        if let Some(i) = uploads.iter().position(|u| u.field == q.key) {
            let upload = uploads.swap_remove(i);
            match state.photo_gate().process(upload.bytes.clone()).await? {
                Ok(processed) => {
                    let stored = miasto_store::photos::store(state.files(), processed)
                        .await
                        .map_err(|e| Error::internal(e.to_string()))?;
                    typed.raw.insert(q.key.clone(), vec![stored.id.to_string()]);
                    held.fresh.push(stored.id);
                    held.files.push((q.key.clone(), stored));
                    continue;
                }
                Err(e) => {
                    let message = crate::i18n::t_args(
                        ctx.locale,
                        &format!("error-{}", e.code()),
                        &[("file", &upload.filename)],
                    );
                    errors.add_text(
                        FieldErrors::FORM,
                        format!(
                            "{}: {message}",
                            crate::i18n::t_args(
                                ctx.locale,
                                "survey-question-n",
                                &[("n", &(n + 1).to_string())]
                            )
                        ),
                    );
                }
            }
        }
        let Ok(id) = uuid::Uuid::try_parse(&kept) else {
            continue;
        };
        if remove {
            continue;
        }
        if let Some(stored) = miasto_store::photos::staged(state.db(), &typed.staged_key, &[id])
            .await?
            .pop()
        {
            typed.raw.insert(q.key.clone(), vec![id.to_string()]);
            held.files.push((q.key.clone(), stored));
        } else if draft
            .iter()
            .any(|(k, a)| *k == q.key && *a == Answer::File(id))
        {
            typed.raw.insert(q.key.clone(), vec![id.to_string()]);
        }
    }
    Ok(held)
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    client: crate::security::ClientKey,
    Path(slug): Path<String>,
    input: EitherForm<SendForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let (survey, _) = survey_of(&state, &c).await?;
    let mut typed = Typed::of(&input.pairs);
    let complete = input.fields.action != "save";
    let mut errors = FieldErrors::new(ctx.locale);
    let held = held_files(
        &state,
        &ctx,
        &c,
        &survey,
        &client,
        input.files,
        &mut typed,
        &mut errors,
    )
    .await?;
    let district = match typed.district.trim() {
        "" => None,
        raw => match DistrictId::parse(raw) {
            Some(d) => Some(d),
            None => {
                errors.add("_district", miasto_domain::FieldError::DistrictUnknown);
                None
            }
        },
    };
    let declared = if survey.audience == Audience::Districts {
        district
    } else {
        None
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Err(refusal) = may_answer_survey(
        &actor(&ctx),
        c.phase(miasto_store::now()),
        &c.organisation.methods,
        survey.audience,
        declared,
        &c.organisation.area,
    ) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let field = if refusal == Refusal::OtherDistrict {
            "_district"
        } else {
            FieldErrors::FORM
        };
        errors.add_message(field, &format!("error-{}", refusal.code()));
        status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    }
    if !complete && ctx.user.is_none() {
        return Err(Error::LoginRequired);
    }
    if survey.audience == Audience::Codes && complete && typed.code.trim().is_empty() {
        errors.add("_code", miasto_domain::FieldError::Required);
    }
    let (age, sex) = match rules::check_demographics(&typed.age, &typed.sex) {
        Ok(d) => d,
        Err(list) => {
            for (field, e) in list {
                errors.add(if field == "age" { "_age" } else { "_sex" }, e);
            }
            (None, None)
        }
    };
    let checked = rules::check_response(&survey, &typed.raw, complete);
    let answer_errors = checked.as_ref().err().cloned().unwrap_or_default();
    if !answer_errors.is_empty() {
        errors.add_message(FieldErrors::FORM, "survey-error-answers");
    }
    let (Ok(answers), true) = (checked, errors.is_empty()) else {
        held.wait(&state, &mut typed).await?;
        let page = survey_page(&state, &ctx, &c, Some(typed), &answer_errors, errors).await?;
        return Ok((status, render(&page)?).into_response());
    };
    if complete
        && ctx.user.is_none()
        && let Some(wait) = charge_anonymous(&state, &client).await?
    {
        crate::accounts::too_many(&mut errors, ctx.locale, wait);
        held.wait(&state, &mut typed).await?;
        let page = survey_page(&state, &ctx, &c, Some(typed), &answer_errors, errors).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
    }
    let new = NewResponse {
        from_app: false,
        user: ctx.user.as_ref().map(|u| u.user.id),
        code: (survey.audience == Audience::Codes).then(|| {
            store::CodeHash::of(state.config().secret.expose().as_bytes(), c.id, &typed.code)
        }),
        district: if survey.demographics || survey.audience == Audience::Districts {
            district
        } else {
            None
        },
        age_band: age.filter(|_| survey.demographics),
        sex: sex.filter(|_| survey.demographics),
        answers,
        files: held.files.clone(),
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = if complete {
        store::submit(&tx, c.id, &new).await.map(|_| ())
    } else {
        store::save_draft(&tx, c.id, &new).await.map(|_| ())
    };
    if let Err(e) = done {
        tx.rollback().await?;
        let (field, key): (&'static str, String) = match e {
            ChangeError::Store(e) => return Err(e.into()),
            ChangeError::Code => ("_code", format!("error-{}", Refusal::Code.code())),
            ChangeError::Answered => (
                FieldErrors::FORM,
                format!("error-{}", Refusal::Answered.code()),
            ),
            _ => (
                FieldErrors::FORM,
                format!("error-{}", Refusal::Phase.code()),
            ),
        };
        errors.add_message(field, &key);
        let status = if field == "_code" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::CONFLICT
        };
        held.wait(&state, &mut typed).await?;
        let page = survey_page(&state, &ctx, &c, Some(typed), &[], errors).await?;
        return Ok((status, render(&page)?).into_response());
    }
    // The files are the response's now: no longer waiting under the form's key.
    let ids: Vec<uuid::Uuid> = held.files.iter().map(|(_, f)| f.id).collect();
    miasto_store::photos::unstage(&tx, &typed.staged_key, &ids).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}/survey"),
        if complete {
            "flash-survey-sent"
        } else {
            "flash-survey-saved"
        },
    ))
}

// --- Results -----------------------------------------------------------------------------

/// One line of a result table: label, count, percent of those who answered the question.
pub struct ResultRow {
    pub label: String,
    pub count: u64,
    pub percent: u64,
    /// The percent weighted to the population ("12,5"), or empty when not weighted.
    pub weighted: String,
}

/// A question's results.
pub struct ResultView {
    pub number: usize,
    pub key: String,
    pub text: String,
    pub kind: &'static str,
    pub answered: u64,
    /// Tables: for a matrix one per row; for a ranking the average place and first places.
    pub tables: Vec<(String, Vec<ResultRow>)>,
}

fn pct(n: u64, of: u64) -> u64 {
    (n * 100 + of / 2).checked_div(of).unwrap_or(0)
}

/// The results as counted: every question's tables, with the weighted percent beside each
/// count when the figures are weighted.
pub fn result_views(
    page: &Page,
    survey: &Survey,
    tallies: &std::collections::HashMap<String, u64>,
    weighted: Option<&std::collections::HashMap<String, f64>>,
) -> Vec<ResultView> {
    let get = |k: String| tallies.get(&k).copied().unwrap_or(0);
    let share = |key: &str, answered: &str| -> String {
        let Some(w) = weighted else {
            return String::new();
        };
        let of = w.get(answered).copied().unwrap_or(0.0);
        let n = w.get(key).copied().unwrap_or(0.0);
        page.decimal(if of > 0.0 { n * 100.0 / of } else { 0.0 })
    };
    survey
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| {
            let answered_key = format!("{}:answered", q.key);
            let answered = get(answered_key.clone());
            let rows_of = |f: &dyn Fn(usize) -> String| -> Vec<ResultRow> {
                q.options
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let key = f(i);
                        let count = get(key.clone());
                        ResultRow {
                            label: label.clone(),
                            count,
                            percent: pct(count, answered),
                            weighted: share(&key, &answered_key),
                        }
                    })
                    .collect()
            };
            let tables = match q.kind {
                Kind::Single | Kind::Multiple | Kind::Scale => {
                    vec![(
                        page.t("survey-results-answers"),
                        rows_of(&|i| format!("{}:{i}", q.key)),
                    )]
                }
                Kind::Ranking => (1..=q.options.len())
                    .map(|place| {
                        (
                            page.t1("survey-results-place", "n", place),
                            rows_of(&|i| format!("{}:{i}@{place}", q.key)),
                        )
                    })
                    .collect(),
                Kind::Matrix => q
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(r, row)| (row.clone(), rows_of(&|c| format!("{}:r{r}:c{c}", q.key))))
                    .collect(),
                Kind::ShortText | Kind::LongText | Kind::File => Vec::new(),
            };
            ResultView {
                number: n + 1,
                key: q.key.clone(),
                text: q.text.clone(),
                kind: q.kind.as_str(),
                answered,
                tables,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "consultations/survey_results.html")]
struct ResultsPage {
    page: Page,
    c: ConsultationView,
    responses: u64,
    results: Vec<ResultView>,
    /// (caption, rows) of the demographics, when asked.
    demographics: Vec<(String, Vec<ResultRow>)>,
    /// How the figures are weighted, when they are.
    weighting: Option<WeightingView>,
    staff: bool,
}

/// What the weighting did, for the reader to judge it.
pub struct WeightingView {
    /// By what, how many responses weighted and left out.
    pub summary: String,
    /// Kish's effective sample size and the largest weight.
    pub effective: String,
    /// Categories with people but no responses (empty when none).
    pub empty: String,
    pub converged: bool,
}

/// A category's label: a district's name, an age band, a sex.
fn category_label(page: &Page, lookup: &Lookup, dimension: Dimension, value: &str) -> String {
    match dimension {
        Dimension::District => lookup
            .districts
            .iter()
            .find(|d| d.id.to_string() == value)
            .map(|d| d.label())
            .unwrap_or_else(|| value.to_owned()),
        Dimension::Age => page.t(&format!("survey-age-{value}")),
        Dimension::Sex => page.t(&format!("survey-sex-{value}")),
    }
}

fn dimension_label(page: &Page, dimension: Dimension) -> String {
    page.t(&format!("survey-weigh-dim-{}", dimension.as_str()))
}

/// The weighted counts and what the weighting did, when an official entered margins and some
/// responses can be placed.
async fn weighted(
    state: &AppState,
    c: &Consultation,
    page: &Page,
    lookup: &Lookup,
    responses: u64,
) -> Result<Option<(std::collections::HashMap<String, f64>, WeightingView)>, Error> {
    let Some(margins) = store::margins(state.db(), c.id).await? else {
        return Ok(None);
    };
    let cells = store::cell_tallies(state.db(), c.id).await?;
    let per_cell: Vec<_> = cells
        .iter()
        .filter(|(_, key, _)| key == store::RESPONSES)
        .map(|(cell, _, n)| (cell.clone(), *n))
        .collect();
    let Some(w) = weighting::rake(&per_cell, &margins) else {
        return Ok(None);
    };
    let counts = weighting::weigh(cells.iter().map(|(c, k, n)| (c, k.as_str(), *n)), &w);
    let by = margins
        .dimensions()
        .into_iter()
        .map(|d| dimension_label(page, d))
        .collect::<Vec<_>>()
        .join(", ");
    let empty: Vec<String> = w
        .empty
        .iter()
        .map(|(d, v)| category_label(page, lookup, *d, v))
        .collect();
    let view = WeightingView {
        summary: crate::i18n::t_args(
            page.lang,
            "survey-weighted-summary",
            &[
                ("by", &by),
                ("used", &page.n(w.used)),
                // Responses without any demographics have no cell: all responses count.
                ("left", &page.n(responses.saturating_sub(w.used))),
            ],
        ),
        effective: page.t2(
            "survey-weighted-effective",
            "n",
            page.decimal(w.effective),
            "w",
            page.decimal(w.largest),
        ),
        empty: if empty.is_empty() {
            String::new()
        } else {
            page.t1("survey-weighted-empty", "groups", empty.join(", "))
        },
        converged: w.converged,
    };
    Ok(Some((counts, view)))
}

/// Results are the city's while the survey runs and everyone's once it has closed.
fn may_see_results(ctx: &Ctx, phase: Phase) -> bool {
    matches!(phase, Phase::Analysis | Phase::Reported)
        || (ctx.can(Permission::HandleConsultations)
            && matches!(phase, Phase::Open | Phase::Cancelled))
}

/// `GET /consultations/{slug}/survey/results`.
pub async fn results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    if !may_see_results(&ctx, c.phase(miasto_store::now())) {
        return Err(Error::NotFound);
    }
    let lookup = Lookup::load(&state).await?;
    let page = Page::new(
        &ctx,
        crate::i18n::t_args(
            ctx.locale,
            "survey-results-title",
            &[("title", &c.plan.title)],
        ),
    );
    let (survey, _) = survey_of(&state, &c).await?;
    let tallies = store::tallies(state.db(), c.id).await?;
    let responses = tallies.get(store::RESPONSES).copied().unwrap_or(0);
    let demo = |caption: &str, prefix: &str, values: Vec<(String, String)>| {
        let rows = values
            .into_iter()
            .map(|(value, label)| {
                let count = tallies
                    .get(&format!("{prefix}{value}"))
                    .copied()
                    .unwrap_or(0);
                ResultRow {
                    label,
                    count,
                    percent: pct(count, responses),
                    weighted: String::new(),
                }
            })
            .collect();
        (page.t(caption), rows)
    };
    let demographics = if survey.demographics {
        vec![
            demo(
                "survey-district",
                "_district:",
                lookup
                    .districts
                    .iter()
                    .map(|d| (d.id.to_string(), d.label()))
                    .collect(),
            ),
            demo(
                "survey-age",
                "_age:",
                AGE_BANDS
                    .iter()
                    .map(|a| ((*a).to_owned(), page.t(&format!("survey-age-{a}"))))
                    .collect(),
            ),
            demo(
                "survey-sex",
                "_sex:",
                SEXES
                    .iter()
                    .map(|s| ((*s).to_owned(), page.t(&format!("survey-sex-{s}"))))
                    .collect(),
            ),
        ]
    } else {
        Vec::new()
    };
    let weighting = weighted(&state, &c, &page, &lookup, responses).await?;
    Ok(render(&ResultsPage {
        c: ConsultationView::new(&c, &lookup, &page),
        responses,
        results: result_views(
            &page,
            &survey,
            &tallies,
            weighting.as_ref().map(|(counts, _)| counts),
        ),
        demographics,
        weighting: weighting.map(|(_, view)| view),
        staff: ctx.can(Permission::HandleConsultations),
        page,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "consultations/survey_texts.html")]
struct TextsPage {
    page: Page,
    c: ConsultationView,
    question: String,
    key: String,
    search: String,
    answers: Vec<(String, String)>,
    pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextsQuery {
    pub q: String,
    pub page: String,
}

/// `GET /consultations/{slug}/survey/results/{key}`: a question's open answers, searchable.
pub async fn texts(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, key)): Path<(String, String)>,
    Query(q): Query<TextsQuery>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    if !may_see_results(&ctx, c.phase(miasto_store::now())) {
        return Err(Error::NotFound);
    }
    let (survey, _) = survey_of(&state, &c).await?;
    let question = survey
        .question(&key)
        .filter(|q| q.kind.is_text())
        .ok_or(Error::NotFound)?;
    let number = crate::admin::page_number(&q.page)?;
    let lookup = Lookup::load(&state).await?;
    let page = Page::new(&ctx, question.text.clone());
    let paged = store::text_answers(
        state.db(),
        c.id,
        &key,
        Some(q.q.as_str()),
        miasto_store::Page::new(number, Some(50)),
    )
    .await?;
    let base = format!("/consultations/{slug}/survey/results/{key}");
    let pager = Pager::new(&paged, &base, &[("q", q.q.as_str())]);
    Ok(render(&TextsPage {
        c: ConsultationView::new(&c, &lookup, &page),
        question: question.text.clone(),
        key,
        search: q.q,
        answers: paged
            .items
            .iter()
            .map(|(body, at)| (body.clone(), super::day(*at, page.lang)))
            .collect(),
        pager,
        page,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "consultations/survey_files.html")]
struct FilesPage {
    page: Page,
    c: ConsultationView,
    key: String,
    /// (file id, when sent, its number in the list).
    files: Vec<(String, String, u64)>,
    pager: Pager,
}

/// `GET /staff/consultations/{slug}/survey/files/{key}`: the photos and scans sent to a file
/// question, newest first — for the city's staff only (residents' files may show people and
/// addresses, so they are never public).
pub async fn files(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, key)): Path<(String, String)>,
    Query(q): Query<TextsQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = miasto_store::consultations::get_by_slug(state.db(), &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let (survey, _) = survey_of(&state, &c).await?;
    let question = survey
        .question(&key)
        .filter(|q| q.kind == Kind::File)
        .ok_or(Error::NotFound)?;
    let number = crate::admin::page_number(&q.page)?;
    let lookup = Lookup::load(&state).await?;
    let page = Page::new(
        &ctx,
        crate::i18n::t_args(
            ctx.locale,
            "survey-files-title",
            &[("question", &question.text)],
        ),
    );
    let paged = store::files(
        state.db(),
        c.id,
        &key,
        miasto_store::Page::new(number, Some(48)),
    )
    .await?;
    let base = format!("/staff/consultations/{slug}/survey/files/{key}");
    let pager = Pager::new(&paged, &base, &[]);
    Ok(render(&FilesPage {
        c: ConsultationView::new(&c, &lookup, &page),
        key,
        files: paged
            .items
            .iter()
            .zip(paged.page.saturating_sub(1) * paged.size + 1..)
            .map(|(f, n)| (f.id.to_string(), super::day(f.created_at, page.lang), n))
            .collect(),
        pager,
        page,
    })?
    .into_response())
}

/// `GET /staff/survey-files/{id}/{variant}`: one file sent with a survey answer, for staff.
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let f = store::file_by_id(state.db(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let variant = miasto_store::photos::Variant::parse(&variant).ok_or(Error::NotFound)?;
    let key = variant
        .pick(&f.original_key, &f.display_key, &f.thumb_key)
        .to_owned();
    crate::reports::photo::serve_file(&state, &key, false).await
}

// --- Officials: the builder ----------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub kind: String,
    pub text: String,
    pub options: String,
    pub rows: String,
    pub required: String,
    pub shown_if: String,
    pub version: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_survey.html")]
struct BuilderPage {
    page: Page,
    c: ConsultationView,
    questions: Vec<QuestionView>,
    version: i32,
    may_edit: bool,
    audiences: Vec<SelectOption>,
    demographics: bool,
    kinds: Vec<SelectOption>,
    conditions: Vec<SelectOption>,
    form: QuestionForm,
    codes: Vec<String>,
    code_counts: (u64, u64),
    uses_codes: bool,
    /// The population margins' fields, by dimension (shown with the demographics).
    margins: Vec<MarginSet>,
    may_weigh: bool,
    /// Margins are saved (the figures are weighted).
    weighted: bool,
    errors: FieldErrors,
}

/// One dimension's fields in the margins form.
pub struct MarginSet {
    /// `margins-district` …: the fieldset's id, named by its errors.
    pub id: &'static str,
    pub legend: String,
    /// (field name, label, value).
    pub fields: Vec<(String, String, String)>,
}

/// A dimension's categories as the margins name them: district ids, age bands, sexes.
fn categories(lookup: &Lookup, d: Dimension) -> Vec<String> {
    match d {
        Dimension::District => lookup.districts.iter().map(|x| x.id.to_string()).collect(),
        Dimension::Age => AGE_BANDS.iter().map(|a| (*a).to_owned()).collect(),
        Dimension::Sex => SEXES.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// The margins' fields, with the values given (typed, or else saved).
fn margin_sets(
    page: &Page,
    lookup: &Lookup,
    saved: Option<&Margins>,
    typed: Option<&std::collections::HashMap<String, String>>,
) -> Vec<MarginSet> {
    Dimension::ALL
        .into_iter()
        .map(|d| {
            let fields = categories(lookup, d)
                .into_iter()
                .map(|v| {
                    let name = format!("{}-{v}", d.as_str());
                    let value = match typed {
                        Some(typed) => typed.get(&name).cloned().unwrap_or_default(),
                        None => saved
                            .and_then(|m| m.of(d).get(&v))
                            .map(|p| {
                                if p.fract() == 0.0 {
                                    format!("{p:.0}")
                                } else {
                                    p.to_string()
                                }
                            })
                            .unwrap_or_default(),
                    };
                    (name, category_label(page, lookup, d, &v), value)
                })
                .collect();
            MarginSet {
                id: d.field(),
                legend: dimension_label(page, d),
                fields,
            }
        })
        .collect()
}

async fn builder_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: QuestionForm,
    codes: Vec<String>,
    errors: FieldErrors,
) -> Result<BuilderPage, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, crate::i18n::t(ctx.locale, "survey-builder-title"));
    let (survey, version) = survey_of(state, c).await?;
    let saved = store::margins(state.db(), c.id).await?;
    let phase = c.phase(miasto_store::now());
    let mut conditions = vec![(String::new(), page.t("survey-condition-none"))];
    for (n, q) in survey.questions.iter().enumerate() {
        if matches!(q.kind, Kind::Single | Kind::Multiple) {
            for (i, o) in q.options.iter().enumerate() {
                conditions.push((
                    format!("{}:{i}", q.key),
                    format!("{}. {} — {o}", n + 1, q.text),
                ));
            }
        }
    }
    Ok(BuilderPage {
        c: ConsultationView::new(c, &lookup, &page),
        questions: question_views(&page, &survey, &Raw::new(), &[]),
        version,
        may_edit: may(&actor(ctx), Action::EditSurvey, phase).is_ok(),
        audiences: options(
            Audience::ALL.iter().map(|a| {
                (
                    a.as_str(),
                    page.t(&format!("survey-audience-{}", a.as_str())),
                )
            }),
            survey.audience.as_str(),
        ),
        demographics: survey.demographics,
        kinds: options(
            Kind::ALL
                .iter()
                .map(|k| (k.as_str(), page.t(&format!("survey-kind-{}", k.as_str())))),
            &form.kind,
        ),
        conditions: options(conditions, &form.shown_if),
        code_counts: store::code_counts(state.db(), c.id).await?,
        uses_codes: survey.audience == Audience::Codes,
        margins: margin_sets(&page, &lookup, saved.as_ref(), None),
        may_weigh: survey.demographics && may(&actor(ctx), Action::Weigh, phase).is_ok(),
        weighted: saved.is_some(),
        codes,
        form,
        errors,
        page,
    })
}

async fn find_staff(state: &AppState, ctx: &Ctx, slug: &str) -> Result<Consultation, Error> {
    ctx.require(Permission::ManageConsultations)?;
    miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

/// `GET /staff/consultations/{slug}/survey`.
pub async fn builder(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let page = builder_page(
        &state,
        &ctx,
        &c,
        QuestionForm::default(),
        Vec::new(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Writes a changed survey under the version the page was shown with; re-shows the page with
/// the refusal's message when the rulebook or the store says no.
async fn write(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    survey: &Survey,
    version: &str,
    form: QuestionForm,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    let status = match may(
        &actor(ctx),
        Action::EditSurvey,
        c.phase(miasto_store::now()),
    ) {
        Err(refusal) => {
            errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
            StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
        }
        Ok(()) => {
            let expected: i32 = version.trim().parse().unwrap_or(-1);
            let tx = miasto_store::begin(state.db()).await?;
            match store::save(&tx, c.id, survey, expected).await {
                Ok(_) => {
                    audit::record(
                        &tx,
                        ctx.user.as_ref().map(|u| u.user.id),
                        audit::Action::ConsultationChanged,
                        Some(audit::Target::consultation(c.id)),
                        serde_json::json!({ "survey": survey.questions.len() }),
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(redirect_with_flash(
                        ctx,
                        &format!("/staff/consultations/{}/survey", c.slug),
                        "flash-saved",
                    ));
                }
                Err(ChangeError::Store(e)) => return Err(e.into()),
                Err(_) => {
                    tx.rollback().await?;
                    errors.add_message(FieldErrors::FORM, "error-consult_stale");
                    StatusCode::CONFLICT
                }
            }
        }
    };
    let page = builder_page(state, ctx, c, form, Vec::new(), errors).await?;
    Ok((status, render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub audience: String,
    pub demographics: String,
    pub version: String,
}

/// `POST /staff/consultations/{slug}/survey/settings`: who may answer, and the demographics.
pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<SettingsForm>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let (mut survey, _) = survey_of(&state, &c).await?;
    let Some(audience) = Audience::parse(&input.audience) else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("audience", miasto_domain::FieldError::KindUnknown);
        let page = builder_page(
            &state,
            &ctx,
            &c,
            QuestionForm::default(),
            Vec::new(),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    survey.audience = audience;
    survey.demographics = !input.demographics.is_empty();
    write(
        &state,
        &ctx,
        &c,
        &survey,
        &input.version,
        QuestionForm::default(),
    )
    .await
}

/// `POST /staff/consultations/{slug}/survey/questions`: adds a question.
pub async fn add_question(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<QuestionForm>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let (mut survey, _) = survey_of(&state, &c).await?;
    let raw = RawQuestion {
        kind: &form.kind,
        text: &form.text,
        options: &form.options,
        rows: &form.rows,
        required: !form.required.is_empty(),
        shown_if: &form.shown_if,
    };
    match survey.check_question(&raw) {
        Ok(q) => {
            survey.questions.push(q);
            let version = form.version.clone();
            write(&state, &ctx, &c, &survey, &version, form).await
        }
        Err(list) => {
            let mut errors = FieldErrors::new(ctx.locale);
            for (field, e) in list {
                errors.add(field, e);
            }
            let page = builder_page(&state, &ctx, &c, form, Vec::new(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    /// "up", "down" or "delete".
    pub action: String,
    pub version: String,
}

/// `POST /staff/consultations/{slug}/survey/questions/{key}`: moves or deletes a question.
pub async fn change_question(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, key)): Path<(String, String)>,
    Form(input): Form<MoveForm>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let (mut survey, _) = survey_of(&state, &c).await?;
    let changed = match input.action.as_str() {
        "up" => survey.shift(&key, true),
        "down" => survey.shift(&key, false),
        "delete" => survey.remove(&key),
        _ => return Err(Error::BadRequest("form_malformed")),
    };
    if !changed {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/staff/consultations/{slug}/survey"),
            "flash-survey-unchanged",
        ));
    }
    write(
        &state,
        &ctx,
        &c,
        &survey,
        &input.version,
        QuestionForm::default(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodesForm {
    pub count: String,
}

/// `POST /staff/consultations/{slug}/survey/codes`: makes invitation codes and shows them
/// once (only their hashes are kept).
pub async fn make_codes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CodesForm>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let phase = c.phase(miasto_store::now());
    let n = errors.check("count", rules::check_code_count(&input.count));
    if let Err(refusal) = may(&actor(&ctx), Action::MakeCodes, phase) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    }
    let (Some(n), true) = (n, errors.is_empty()) else {
        let page = builder_page(
            &state,
            &ctx,
            &c,
            QuestionForm::default(),
            Vec::new(),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    let secret = state.config().secret.expose().as_bytes();
    let codes = match store::make_codes(&tx, secret, c.id, n).await {
        Ok(codes) => codes,
        Err(e) => {
            tx.rollback().await?;
            let status = super::comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            let page = builder_page(
                &state,
                &ctx,
                &c,
                QuestionForm::default(),
                Vec::new(),
                errors,
            )
            .await?;
            return Ok((status, render(&page)?).into_response());
        }
    };
    audit::record(
        &tx,
        ctx.user.as_ref().map(|u| u.user.id),
        audit::Action::ConsultationChanged,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "codes": n }),
    )
    .await?;
    tx.commit().await?;
    let page = builder_page(&state, &ctx, &c, QuestionForm::default(), codes, errors).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /staff/consultations/{slug}/survey/margins`: sets the population margins the
/// results are weighted to (`action=remove`: weights no more).
pub async fn weigh(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, Error> {
    let c = find_staff(&state, &ctx, &slug).await?;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let remove = input.get("action").is_some_and(|a| a == "remove");
    let typed: Vec<(Dimension, Vec<(String, String)>)> = Dimension::ALL
        .into_iter()
        .map(|d| {
            let fields = categories(&lookup, d)
                .into_iter()
                .map(|v| {
                    let raw = input
                        .get(&format!("{}-{v}", d.as_str()))
                        .cloned()
                        .unwrap_or_default();
                    (v, raw)
                })
                .collect();
            (d, fields)
        })
        .collect();
    let margins = if remove {
        None
    } else {
        match weighting::check_margins(&typed) {
            Ok(m) if m.is_empty() => {
                errors.add_message(FieldErrors::FORM, "survey-margins-none");
                None
            }
            Ok(m) => Some(m),
            Err(list) => {
                for (field, e) in list {
                    errors.add(field, e);
                }
                None
            }
        }
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Err(refusal) = may(&actor(&ctx), Action::Weigh, c.phase(miasto_store::now())) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    }
    if errors.is_empty() {
        let tx = miasto_store::begin(state.db()).await?;
        match store::save_margins(&tx, c.id, margins.as_ref()).await {
            Ok(()) => {
                audit::record(
                    &tx,
                    ctx.user.as_ref().map(|u| u.user.id),
                    audit::Action::ConsultationChanged,
                    Some(audit::Target::consultation(c.id)),
                    serde_json::json!({ "margins": margins.as_ref().map(|m| {
                        m.dimensions().iter().map(|d| d.as_str()).collect::<Vec<_>>()
                    }) }),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect_with_flash(
                    &ctx,
                    &format!("/staff/consultations/{}/survey#weighting", c.slug),
                    if remove {
                        "flash-survey-margins-removed"
                    } else {
                        "flash-survey-margins-saved"
                    },
                ));
            }
            Err(e) => {
                tx.rollback().await?;
                status = super::comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            }
        }
    }
    let mut page = builder_page(
        &state,
        &ctx,
        &c,
        QuestionForm::default(),
        Vec::new(),
        errors,
    )
    .await?;
    page.margins = margin_sets(&page.page, &lookup, None, Some(&input));
    Ok((status, render(&page)?).into_response())
}

// --- Exports -----------------------------------------------------------------------------

use super::answers::formula_safe;

/// An answer as an export's cell: option labels (several joined with " | "), a ranking in
/// order, a matrix row by row, text as typed.
fn answer_text(q: &miasto_domain::consultations::survey::Question, a: &Answer) -> String {
    let label = |i: &usize| q.options.get(*i).cloned().unwrap_or_default();
    match a {
        Answer::Choice(i) => label(i),
        Answer::Choices(is) | Answer::Ranking(is) => {
            is.iter().map(label).collect::<Vec<_>>().join(" | ")
        }
        Answer::Matrix(cells) => cells
            .iter()
            .zip(&q.rows)
            .map(|(c, row)| format!("{row}: {}", c.as_ref().map(label).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(" | "),
        Answer::Text(t) => t.clone(),
        // The file's address for staff (the export is theirs).
        Answer::File(id) => format!("/staff/survey-files/{id}/original"),
    }
}

/// `GET /staff/consultations/{slug}/survey/downloads/{file}`: every response as
/// `responses.csv` or `responses.json`, streamed a batch at a time, without who sent it.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let as_json = match file.as_str() {
        "responses.csv" => false,
        "responses.json" => true,
        _ => return Err(Error::NotFound),
    };
    let c = miasto_store::consultations::get_by_slug(state.db(), &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let (survey, _) = survey_of(&state, &c).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let db = state.db().clone();
    tokio::spawn(async move {
        if let Err(e) = export(&db, c.id, &survey, as_json, &tx).await {
            tracing::error!(error = %e, "survey export failed");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))))
    });
    let media = if as_json {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}-{file}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn export(
    db: &miasto_store::DatabaseConnection,
    consultation: uuid::Uuid,
    survey: &Survey,
    as_json: bool,
    out: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<(), Error> {
    let head = if as_json {
        "[".to_owned()
    } else {
        let mut cols = vec![
            "response".to_owned(),
            "sent".to_owned(),
            "district".to_owned(),
            "age".to_owned(),
            "sex".to_owned(),
        ];
        cols.extend(
            survey
                .questions
                .iter()
                .map(|q| formula_safe(&format!("{} {}", q.key, q.text)).into_owned()),
        );
        let mut line = String::new();
        crate::opendata::export::csv_line(&mut line, &cols);
        line
    };
    if out.send(head.into_bytes()).await.is_err() {
        return Ok(());
    }
    let names: std::collections::HashMap<DistrictId, String> =
        miasto_store::reference::list_districts(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d.label()))
            .collect();
    let mut after = None;
    let mut first = true;
    loop {
        let batch = store::responses_after(db, consultation, after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.submitted_at.map(|at| (at, last.id));
        let mut chunk = String::new();
        for r in &batch {
            let sent = r.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default();
            let district = r
                .district
                .and_then(|d| names.get(&d).cloned())
                .unwrap_or_default();
            if as_json {
                let answers: serde_json::Map<String, serde_json::Value> = r
                    .answers
                    .iter()
                    .filter_map(|(k, a)| {
                        let q = survey.question(k)?;
                        Some((k.clone(), serde_json::Value::String(answer_text(q, a))))
                    })
                    .collect();
                let item = serde_json::json!({
                    "response": r.id.to_string(),
                    "sent": sent,
                    "district": district,
                    "age": r.age_band,
                    "sex": r.sex,
                    "answers": answers,
                });
                if !first {
                    chunk.push(',');
                }
                first = false;
                chunk.push_str(&item.to_string());
                chunk.push('\n');
            } else {
                let mut cols = vec![
                    r.id.to_string(),
                    sent,
                    district,
                    r.age_band.clone().unwrap_or_default(),
                    r.sex.clone().unwrap_or_default(),
                ];
                for q in &survey.questions {
                    let a = r
                        .answers
                        .iter()
                        .find(|(k, _)| *k == q.key)
                        .map(|(_, a)| answer_text(q, a));
                    cols.push(formula_safe(&a.unwrap_or_default()).into_owned());
                }
                crate::opendata::export::csv_line(&mut chunk, &cols);
            }
        }
        if out.send(chunk.into_bytes()).await.is_err() {
            return Ok(());
        }
        if after.is_none() {
            break;
        }
    }
    if as_json {
        let _ = out.send(b"]\n".to_vec()).await;
    }
    Ok(())
}
