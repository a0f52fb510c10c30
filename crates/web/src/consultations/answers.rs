//! Answering comments and the report. Staff see each comment in context (the paragraph it
//! is about, how it came, how many comments its author wrote) and tick any number of them to
//! give one answer — a new one, or one already written for the same point. Answers are
//! drafts until an official publishes the report: then every answer becomes public at once,
//! the report page lists every comment with its answer and the participation figures, it
//! downloads as CSV and as an OpenDocument spreadsheet, and the participants are told.

use super::comments::{self, AnswerView, CommentView, actor};
use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::ods::{Cell, Ods};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::consultations::answers::{self as rules, Disposition};
use miasto_domain::consultations::{Action, Phase, Refusal, may};
use miasto_store::audit;
use miasto_store::consultations::answers::{self as store, Show};
use miasto_store::consultations::{ChangeError, Consultation};
use serde::Deserialize;
use uuid::Uuid;

/// A comment on the answering page: the public view plus its context.
pub struct Row {
    pub view: CommentView,
    /// The paragraph's text when the comment was made (its context).
    pub context: Option<String>,
    /// How many comments its author wrote in this consultation (2 or more is worth knowing).
    pub author_comments: u64,
    pub author_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswersQuery {
    pub show: String,
    pub page: String,
}

fn parse_show(raw: &str) -> Option<Show> {
    match raw.trim() {
        "" | "unanswered" => Some(Show::Unanswered),
        "answered" => Some(Show::Answered),
        "all" => Some(Show::All),
        id => Uuid::try_parse(id).ok().map(Show::Answer),
    }
}

/// The answer form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    /// Empty for a new answer, else the id of an answer to reuse.
    pub answer: String,
    /// A new answer from this template (what is typed below takes precedence).
    pub template: String,
    pub disposition: String,
    pub justification: String,
    pub show: String,
    #[serde(skip)]
    pub comments: Vec<String>,
}

#[derive(Template)]
#[template(path = "consultations/staff_answers.html")]
struct AnswersPage {
    page: Page,
    c: ConsultationView,
    show: String,
    filters: Vec<(String, String, bool)>,
    rows: Vec<Row>,
    pager: Pager,
    answers: Vec<(AnswerView, u64)>,
    reuse: Vec<SelectOption>,
    /// The answer templates (the first: none).
    templates: Vec<SelectOption>,
    dispositions: Vec<SelectOption>,
    form: AnswerForm,
    may_answer: bool,
    unanswered: u64,
    /// Comments still before a moderator (they block the report too).
    pending: u64,
    may_report: bool,
    report_refusal: Option<String>,
    /// Participation so far: participants, and the tables per channel and per day.
    participants: u64,
    tables: Vec<(String, Rows)>,
    /// Days left until the report is due, when it is a week or less away (or past).
    due_in: Option<i64>,
    errors: FieldErrors,
}

/// Participation figures as tables: per channel and per Kraków day, with their shares.
async fn figure_tables(
    state: &AppState,
    page: &Page,
    c: &Consultation,
) -> Result<(u64, Vec<(String, Rows)>), Error> {
    let (channels, day_counts, participants) =
        miasto_store::consultations::figures(state.db(), c.id).await?;
    let total: u64 = channels.iter().map(|(_, n)| n).sum();
    let day_label = |(d, n): (String, u64)| {
        let label = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map(|date| super::date(date, page.lang))
            .unwrap_or(d);
        (label, n)
    };
    let days: Vec<(String, u64)> = day_counts.into_iter().map(day_label).collect();
    let channels = channels
        .into_iter()
        .map(|(ch, n)| (page.t(&format!("consult-channel-{ch}")), n))
        .collect();
    let mut tables = vec![
        (page.t("consult-report-by-channel"), shares(channels, total)),
        (page.t("consult-report-by-day"), shares(days, total)),
    ];
    if c.organisation
        .methods
        .contains(&miasto_domain::consultations::Method::Survey)
    {
        let (channels, days) =
            miasto_store::consultations::response_figures(state.db(), c.id).await?;
        let responses: u64 = channels.iter().map(|(_, n)| n).sum();
        if responses > 0 {
            let channels = channels
                .into_iter()
                .map(|(ch, n)| (page.t(&format!("consult-channel-{ch}")), n))
                .collect();
            let days = days.into_iter().map(day_label).collect();
            tables.push((
                page.t("survey-report-by-channel"),
                shares(channels, responses),
            ));
            tables.push((page.t("survey-report-by-day"), shares(days, responses)));
        }
    }
    Ok((participants, tables))
}

pub fn dispositions(page: &Page, selected: &str) -> Vec<SelectOption> {
    let mut all = vec![(String::new(), page.t("consult-disposition-choose"))];
    all.extend(Disposition::ALL.iter().map(|d| {
        (
            d.as_str().to_owned(),
            page.t(&format!("consult-disposition-{}", d.as_str())),
        )
    }));
    options(all, selected)
}

async fn answers_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    q: &AnswersQuery,
    form: AnswerForm,
    errors: FieldErrors,
) -> Result<AnswersPage, Error> {
    let show = parse_show(&q.show).ok_or(Error::NotFound)?;
    let number = crate::admin::page_number(&q.page)?;
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, c.plan.title.clone());
    let view = ConsultationView::new(c, &lookup, &page);
    let paged = store::comments(
        state.db(),
        c.id,
        show,
        miasto_store::Page::new(number, Some(comments::PAGE_SIZE)),
    )
    .await?;
    let first = (paged.page - 1) * paged.size;
    let views = comments::views(state, &page, c, &paged.items, first, false).await?;
    let authors: Vec<_> = paged.items.iter().filter_map(|k| k.author).collect();
    let counts = store::author_counts(state.db(), c.id, &authors).await?;
    let mut rows = Vec::new();
    for (k, view) in paged.items.iter().zip(views) {
        let context = match (k.document, k.paragraph) {
            (Some((d, version)), Some(p)) => {
                miasto_store::consultations::documents::paragraph_history(state.db(), d, p)
                    .await?
                    .and_then(|(_, texts)| {
                        texts
                            .into_iter()
                            .rev()
                            .find(|(v, _)| *v <= version)
                            .map(|(_, t)| t)
                    })
            }
            _ => None,
        };
        rows.push(Row {
            view,
            context,
            author_comments: k.author.and_then(|a| counts.get(&a).copied()).unwrap_or(1),
            author_name: k.author_name.clone(),
        });
    }
    let show_raw = match show {
        Show::Unanswered => "unanswered".to_owned(),
        Show::Answered => "answered".to_owned(),
        Show::All => "all".to_owned(),
        Show::Answer(id) => id.to_string(),
    };
    let base = format!("/staff/consultations/{}/answers", c.slug);
    let pager = Pager::new(&paged, &base, &[("show", show_raw.as_str())]);
    let answers: Vec<(AnswerView, u64)> = store::list(state.db(), c.id)
        .await?
        .iter()
        .map(|(a, n)| (AnswerView::new(a, &page), *n))
        .collect();
    let mut reuse = vec![(String::new(), page.t("consult-answer-new"))];
    reuse.extend(answers.iter().map(|(a, n)| {
        (
            a.id.clone(),
            format!(
                "{} — {} ({})",
                a.disposition,
                page.excerpt(&a.justification, 80),
                page.t1("consult-answer-count", "n", n)
            ),
        )
    }));
    let unanswered = store::unanswered(state.db(), c.id).await?;
    let pending = miasto_store::consultations::pending_count(state.db(), c.id).await?;
    let phase = view.phase;
    let (participants, tables) = figure_tables(state, &page, c).await?;
    let due_in = miasto_domain::consultations::report_warning(
        phase,
        c.schedule.report_due,
        miasto_store::now(),
    );
    let report_rule = may(&actor(ctx), Action::PublishReport, phase)
        .and_then(|()| rules::check_report(unanswered + pending));
    let filters = [
        ("unanswered", "consult-answers-show-unanswered"),
        ("answered", "consult-answers-show-answered"),
        ("all", "consult-answers-show-all"),
    ]
    .iter()
    .map(|(v, id)| {
        (
            format!("{base}?show={v}"),
            page.t(id),
            *v == show_raw.as_str(),
        )
    })
    .collect();
    Ok(AnswersPage {
        c: view,
        filters,
        show: show_raw,
        rows,
        pager,
        reuse: options(reuse, &form.answer),
        templates: options(
            std::iter::once((String::new(), page.t("consult-template-none"))).chain(
                store::templates(state.db())
                    .await?
                    .into_iter()
                    .map(|t| (t.id.to_string(), t.template.title)),
            ),
            &form.template,
        ),
        dispositions: dispositions(&page, &form.disposition),
        answers,
        may_answer: may_answer_here(ctx, c, phase).is_ok(),
        unanswered,
        pending,
        may_report: report_rule.is_ok(),
        participants,
        tables,
        due_in,
        report_refusal: match report_rule {
            Err(Refusal::Forbidden) | Ok(()) => None,
            Err(r) => Some(page.t(&format!("error-{}", r.code()))),
        },
        form,
        errors,
        page,
    })
}

/// A new answer as typed: from the template chosen, if any (what is typed wins), checked.
/// Problems are added to `errors` by field; the template is returned for the audit.
pub async fn typed_answer(
    state: &AppState,
    template: &str,
    disposition: &str,
    justification: &str,
    errors: &mut FieldErrors,
) -> Result<(Option<rules::Answer>, Option<store::AnswerTemplate>), Error> {
    let template = match template.trim() {
        "" => None,
        raw => {
            let found = match Uuid::try_parse(raw) {
                Ok(id) => store::template(state.db(), id).await?,
                Err(_) => None,
            };
            if found.is_none() {
                errors.add_message("template", "consult-error-target");
            }
            found
        }
    };
    let (disposition, justification) = match &template {
        Some(t) => rules::from_template(&t.template, disposition, justification),
        None => (disposition, justification),
    };
    let checked = match rules::check_answer(disposition, justification) {
        Ok(a) => Some(a),
        Err(list) => {
            for (field, e) in list {
                errors.add(field, e);
            }
            None
        }
    };
    Ok((checked, template))
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .filter(|c| c.published_at.is_some())
        .ok_or(Error::NotFound)
}

/// `GET /staff/consultations/{slug}/answers`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<AnswersQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find(&state, &slug).await?;
    let form = AnswerForm {
        show: q.show.clone(),
        ..AnswerForm::default()
    };
    let page = answers_page(&state, &ctx, &c, &q, form, FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

async fn again(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: AnswerForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let q = AnswersQuery {
        show: form.show.clone(),
        page: String::new(),
    };
    let page = answers_page(state, ctx, c, &q, form, errors).await?;
    Ok((status, render(&page)?).into_response())
}

/// `POST /staff/consultations/{slug}/answers`: one answer for every comment ticked — a new
/// one (disposition and justification) or one already written.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    input: FormPairs<AnswerForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let mut form = input.fields;
    form.comments = input
        .pairs
        .iter()
        .filter(|(k, _)| k == "comment")
        .map(|(_, v)| v.clone())
        .collect();
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = may_answer_here(&ctx, &c, c.phase(miasto_store::now())) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    let ids: Option<Vec<Uuid>> = form
        .comments
        .iter()
        .map(|v| Uuid::try_parse(v).ok())
        .collect();
    let ids = ids.filter(|ids| !ids.is_empty());
    if ids.is_none() {
        errors.add_message("comments", "consult-answer-none-ticked");
    }
    let reuse = match form.answer.trim() {
        "" => None,
        raw => match Uuid::try_parse(raw) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add_message("answer", "consult-error-target");
                None
            }
        },
    };
    let (new, template) = if reuse.is_none() && form.answer.trim().is_empty() {
        typed_answer(
            &state,
            &form.template,
            &form.disposition,
            &form.justification,
            &mut errors,
        )
        .await?
    } else {
        (None, None)
    };
    let (Some(ids), true) = (ids, errors.is_empty()) else {
        return again(
            &state,
            &ctx,
            &c,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = match (&new, reuse) {
        (Some(a), _) => store::give(&tx, c.id, &ids, a, current)
            .await
            .map(|id| (id, ids.len() as u64)),
        (None, Some(id)) => store::attach(&tx, c.id, &ids, id).await.map(|n| (id, n)),
        (None, None) => Err(ChangeError::Target),
    };
    let (answer_id, _) = match done {
        Ok(done) => done,
        Err(e) => {
            tx.rollback().await?;
            let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            return again(&state, &ctx, &c, form, errors, status).await;
        }
    };
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationAnswered,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({
            "answer": answer_id.to_string(),
            "comments": ids.len(),
            "reused": reuse.is_some(),
            "template": template.as_ref().map(|t| t.id.to_string()),
        }),
    )
    .await?;
    tx.commit().await?;
    let back = if form.show.trim().is_empty() {
        "unanswered".to_owned()
    } else {
        form.show.trim().to_owned()
    };
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/answers?show={back}"),
        "flash-consult-answered",
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    pub disposition: String,
    pub justification: String,
}

/// `POST /staff/consultations/{slug}/answers/{id}`: rewrites a draft answer.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<EditForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let id = Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let form = AnswerForm {
        show: id.to_string(),
        disposition: input.disposition.clone(),
        justification: input.justification.clone(),
        answer: id.to_string(),
        comments: Vec::new(),
        template: String::new(),
    };
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = may_answer_here(&ctx, &c, c.phase(miasto_store::now())) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    let checked = match rules::check_answer(&input.disposition, &input.justification) {
        Ok(a) => a,
        Err(list) => {
            for (field, e) in list {
                errors.add(field, e);
            }
            return again(
                &state,
                &ctx,
                &c,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::edit(&tx, c.id, id, &checked).await {
        tx.rollback().await?;
        let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationAnswered,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "answer": id.to_string(), "edited": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/answers?show={id}"),
        "flash-saved",
    ))
}

/// `POST /staff/consultations/{slug}/report`: publishes the report and every answer at once,
/// once every comment has one; the participants are told by e-mail.
pub async fn publish_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let unanswered = store::unanswered(state.db(), c.id).await?
        + miasto_store::consultations::pending_count(state.db(), c.id).await?;
    if let Err(refusal) = may(
        &actor(&ctx),
        Action::PublishReport,
        c.phase(miasto_store::now()),
    )
    .and_then(|()| rules::check_report(unanswered))
    {
        if refusal == Refusal::Forbidden {
            return Err(Error::Forbidden);
        }
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return again(&state, &ctx, &c, AnswerForm::default(), errors, status).await;
    }
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::publish_report(&tx, c.id).await {
        tx.rollback().await?;
        let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
        return again(&state, &ctx, &c, AnswerForm::default(), errors, status).await;
    }
    let link = format!(
        "{}/consultations/{}/report",
        state.config().base_url,
        c.slug
    );
    let mut jobs = Vec::new();
    let participants = store::participants(&tx, c.id).await?;
    let told: std::collections::HashSet<String> =
        participants.iter().map(|(e, _)| e.clone()).collect();
    super::subscriptions::tell_report(&state, &tx, &c, &told).await?;
    for (email, locale) in participants {
        let Ok(email) = miasto_domain::Email::parse(&email) else {
            continue;
        };
        let message = crate::emails::consultation_report(locale, &email, &c.plan.title, &link)?;
        jobs.push(miasto_store::jobs::Job::SendEmail(message));
    }
    for chunk in jobs.chunks(500) {
        miasto_store::jobs::enqueue_many(&tx, chunk).await?;
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationReportPublished,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "slug": c.slug, "told": jobs.len() }),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}/report"),
        "flash-consult-reported",
    ))
}

// --- The public report -------------------------------------------------------------------

/// A table's rows: label, count, percent of all comments.
type Rows = Vec<(String, u64, u64)>;

#[derive(Template)]
#[template(path = "consultations/report.html")]
struct ReportPage {
    page: Page,
    c: ConsultationView,
    comments: Vec<CommentView>,
    pager: Pager,
    total: u64,
    participants: u64,
    /// (caption, rows of label, count, percent of all comments): per channel, per
    /// disposition, per day.
    tables: Vec<(String, Rows)>,
    /// The plan had a survey (its results are linked).
    survey: bool,
    /// The meetings, with their minutes.
    meetings: Vec<super::meetings::MeetingView>,
}

fn shares(rows: Vec<(String, u64)>, total: u64) -> Rows {
    rows.into_iter()
        .map(|(label, n)| {
            let pct = (n * 100 + total / 2).checked_div(total).unwrap_or(0);
            (label, n, pct)
        })
        .collect()
}

/// May the viewer answer this consultation's comments now (its unit's staff, or officials)?
fn may_answer_here(ctx: &Ctx, c: &Consultation, phase: Phase) -> Result<(), Refusal> {
    miasto_domain::consultations::may_answer(
        &actor(ctx),
        ctx.user.as_ref().and_then(|u| u.user.unit_id),
        c.organisation.unit,
        phase,
    )
}

/// A published report, or 404 (before it is published there is nothing to read).
async fn find_reported(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    let c = find_public(state, slug).await?;
    if c.phase(miasto_store::now()) != Phase::Reported {
        return Err(Error::NotFound);
    }
    Ok(c)
}

/// `GET /consultations/{slug}/report`.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<AnswersQuery>,
) -> Result<Response, Error> {
    let c = find_reported(&state, &slug).await?;
    let number = crate::admin::page_number(&q.page)?;
    let lookup = Lookup::load(&state).await?;
    let page = Page::new(
        &ctx,
        crate::i18n::t_args(
            ctx.locale,
            "consult-report-title",
            &[("title", &c.plan.title)],
        ),
    );
    let base = format!("/consultations/{slug}/report");
    let (list, pager) = comments::comment_page(&state, &page, &c, number, &base).await?;
    let (participants, mut tables) = figure_tables(&state, &page, &c).await?;
    // Every comment not hidden (the pager's count stops at its cap).
    let total: u64 = tables
        .first()
        .map(|(_, rows)| rows.iter().map(|r| r.1).sum())
        .unwrap_or(0);
    let dispositions = store::per_disposition(state.db(), c.id)
        .await?
        .into_iter()
        .map(|(d, n)| (page.t(&format!("consult-disposition-{}", d.as_str())), n))
        .collect();
    tables.insert(
        1,
        (
            page.t("consult-report-by-disposition"),
            shares(dispositions, total),
        ),
    );
    let (meetings, _) = super::meetings::overview(&state, &c, &page).await?;
    Ok(render(&ReportPage {
        survey: c
            .organisation
            .methods
            .contains(&miasto_domain::consultations::Method::Survey),
        meetings,
        c: ConsultationView::new(&c, &lookup, &page),
        comments: list,
        pager,
        total,
        participants,
        tables,
        page,
    })?
    .into_response())
}

/// The report's table, one row per comment.
fn header(ctx: &Ctx) -> Vec<String> {
    [
        "consult-col-number",
        "consult-col-date",
        "consult-col-channel",
        "consult-col-about",
        "consult-col-comment",
        "consult-col-disposition",
        "consult-col-justification",
    ]
    .iter()
    .map(|id| crate::i18n::t(ctx.locale, id))
    .collect()
}

/// A text field safe to open in a spreadsheet: a leading `=`, `+`, `-` or `@` would run as a
/// formula, so it is quoted away (quoting itself is `opendata::export::csv_line`'s).
pub(crate) fn formula_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// `GET /consultations/{slug}/report.csv` and `report.ods`: every comment with its answer,
/// streamed a batch at a time.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, Error> {
    let ods = match file.as_str() {
        "report.csv" => false,
        "report.ods" => true,
        _ => return Err(Error::NotFound),
    };
    let c = find_reported(&state, &slug).await?;
    let header = header(&ctx);
    let page = Page::new(&ctx, String::new());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let task_state = state.clone();
    let consultation = c.clone();
    tokio::spawn(async move {
        let written = write_report(&task_state, &page, &consultation, &header, ods, &tx).await;
        if let Err(e) = written {
            tracing::error!(error = %e, "consultation report export failed");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))))
    });
    let (media, extension) = if ods {
        ("application/vnd.oasis.opendocument.spreadsheet", "ods")
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}-raport.{extension}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn write_report(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    header: &[String],
    ods: bool,
    out: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<(), Error> {
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut sheet = None;
    if ods {
        let (writer, bytes) =
            Ods::start(&c.plan.title.chars().take(31).collect::<String>(), &names);
        sheet = Some(writer);
        if out.send(bytes).await.is_err() {
            return Ok(());
        }
    } else {
        let mut line = String::new();
        crate::opendata::export::csv_line(&mut line, &names);
        if out.send(line.into_bytes()).await.is_err() {
            return Ok(());
        }
    }
    let mut after = None;
    let mut number = 0u64;
    loop {
        let batch = store::comments_after(state.db(), c.id, after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id));
        let views = comments::views(state, page, c, &batch, number, true).await?;
        number += batch.len() as u64;
        let mut chunk = Vec::new();
        for (k, v) in batch.iter().zip(views) {
            let about = v.about.map(|(label, _)| label).unwrap_or_default();
            let (disposition, justification) = v
                .answer
                .map(|a| (a.disposition, a.justification))
                .unwrap_or_default();
            let date = k
                .created_at
                .with_timezone(&chrono_tz::Europe::Warsaw)
                .format("%Y-%m-%d")
                .to_string();
            match sheet.as_mut() {
                Some(writer) => chunk.extend(writer.row(&[
                    Cell::Number(v.number as f64),
                    Cell::Text(date),
                    Cell::Text(v.channel),
                    Cell::Text(about),
                    Cell::Text(v.body),
                    Cell::Text(disposition),
                    Cell::Text(justification),
                ])),
                None => {
                    let mut line = String::new();
                    let fields = [
                        v.number.to_string(),
                        date,
                        v.channel,
                        about,
                        v.body,
                        disposition,
                        justification,
                    ];
                    crate::opendata::export::csv_line(
                        &mut line,
                        fields.iter().map(|f| formula_safe(f)),
                    );
                    chunk.extend_from_slice(line.as_bytes());
                }
            }
        }
        if out.send(chunk).await.is_err() {
            return Ok(());
        }
    }
    if let Some(writer) = sheet {
        let _ = out.send(writer.finish()).await;
    }
    Ok(())
}
