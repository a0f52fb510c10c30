//! Documents put out for comments: the public page of a document (sections and numbered
//! paragraphs, each with its comments), a paragraph's page (its comments and the form), what
//! changed in a version (word by word), and the officials' pages that add a document and
//! write new versions. Comments stay with their paragraph across versions
//! (`store::consultations::documents`).

use super::comments::{self, CommentView, Sent, actor};
use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::consultations::document::{self as rules, Piece};
use miasto_domain::consultations::{Action, Phase, may};
use miasto_store::audit;
use miasto_store::consultations::documents::{self as store, Document, Paragraph};
use miasto_store::consultations::{Consultation, Target};
use serde::Deserialize;
use uuid::Uuid;

/// A paragraph or heading as pages show it.
pub struct ParagraphView {
    pub id: String,
    pub heading: bool,
    /// Paragraphs are numbered 1, 2, 3… through the document; headings are not.
    pub number: Option<usize>,
    pub body: String,
    pub comments: u64,
}

/// Numbers a version's paragraphs (headings open sections and are not numbered).
pub fn number(
    paragraphs: &[Paragraph],
    counts: &std::collections::HashMap<Uuid, u64>,
) -> Vec<ParagraphView> {
    let mut n = 0;
    paragraphs
        .iter()
        .map(|p| {
            if !p.heading {
                n += 1;
            }
            ParagraphView {
                id: p.id.to_string(),
                heading: p.heading,
                number: (!p.heading).then_some(n),
                body: p.body.clone(),
                comments: counts.get(&p.id).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// What a comment is about, as a form sends it: empty (the consultation), `d:<id>` (a whole
/// document) or `p:<id>` (a paragraph or section). `None` when malformed.
pub fn parse_target(raw: &str) -> Option<Target> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(Target::Consultation);
    }
    let (kind, id) = raw.split_once(':')?;
    let id = Uuid::try_parse(id).ok()?;
    match kind {
        "d" => Some(Target::Document(id)),
        "p" => Some(Target::Paragraph(id)),
        _ => None,
    }
}

fn t1(ctx: &Ctx, id: &str, name: &str, value: impl std::fmt::Display) -> String {
    crate::i18n::t_args(ctx.locale, id, &[(name, &value.to_string())])
}

/// How a paragraph is named: "Section: …" for a heading, "Paragraph 3: first words…".
pub fn label(page: &Page, p: &ParagraphView) -> String {
    match p.number {
        None => page.t1("consult-doc-section", "title", page.excerpt(&p.body, 60)),
        Some(n) => format!(
            "{}: {}",
            page.t1("consult-doc-paragraph", "n", n),
            page.excerpt(&p.body, 60)
        ),
    }
}

/// The choices of what a comment typed in by staff is about: the consultation, each
/// document, each of its current sections and paragraphs.
pub async fn target_options(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    selected: &str,
) -> Result<Vec<SelectOption>, Error> {
    let mut out = vec![(String::new(), page.t("consult-target-whole"))];
    for d in store::list(state.db(), c.id).await? {
        out.push((
            format!("d:{}", d.id),
            page.t1("consult-target-document", "title", d.title.clone()),
        ));
        let paragraphs = store::paragraphs(state.db(), d.id, d.current_version).await?;
        for p in number(&paragraphs, &Default::default()) {
            out.push((
                format!("p:{}", p.id),
                format!("{} — {}", d.title, label(page, &p)),
            ));
        }
    }
    Ok(crate::page::options(out, selected))
}

/// What each comment is about, as a label and a link: "Document — paragraph 3", "Document
/// — section: …", "Document (the whole)"; a removed paragraph is named as such.
pub async fn about(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    items: &[miasto_store::consultations::Comment],
) -> Result<std::collections::HashMap<Uuid, (String, String)>, Error> {
    let mut out = std::collections::HashMap::new();
    if items.iter().all(|k| k.document.is_none()) {
        return Ok(out);
    }
    let mut docs: std::collections::HashMap<Uuid, (Document, Vec<ParagraphView>)> =
        std::collections::HashMap::new();
    for d in store::list(state.db(), c.id).await? {
        if items
            .iter()
            .any(|k| k.document.is_some_and(|(id, _)| id == d.id))
        {
            let ps = store::paragraphs(state.db(), d.id, d.current_version).await?;
            let numbered = number(&ps, &Default::default());
            docs.insert(d.id, (d, numbered));
        }
    }
    for k in items {
        let Some((doc, ps)) = k.document.and_then(|(id, _)| docs.get(&id)) else {
            continue;
        };
        let base = format!("/consultations/{}/documents/{}", c.slug, doc.id);
        let entry = match k.paragraph {
            None => (
                page.t1("consult-about-document", "title", doc.title.clone()),
                base,
            ),
            Some(pid) => {
                let name = match ps.iter().find(|p| p.id == pid.to_string()) {
                    Some(p) => match p.number {
                        Some(n) => page.t1("consult-doc-paragraph", "n", n),
                        None => page.t1("consult-doc-section", "title", page.excerpt(&p.body, 60)),
                    },
                    None => page.t("consult-doc-removed-title"),
                };
                (
                    format!("{} — {}", doc.title, name),
                    format!("{base}/paragraphs/{pid}"),
                )
            }
        };
        out.insert(k.id, entry);
    }
    Ok(out)
}

async fn find_document(state: &AppState, c: &Consultation, id: &str) -> Result<Document, Error> {
    let id = Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    store::get(state.db(), c.id, id)
        .await?
        .ok_or(Error::NotFound)
}

/// A document listed on the consultation's page.
pub struct DocumentLink {
    pub id: String,
    pub title: String,
    pub version: i32,
}

pub async fn links(state: &AppState, c: &Consultation) -> Result<Vec<DocumentLink>, Error> {
    Ok(store::list(state.db(), c.id)
        .await?
        .into_iter()
        .map(|d| DocumentLink {
            id: d.id.to_string(),
            title: d.title,
            version: d.current_version,
        })
        .collect())
}

/// A version in a document's history.
pub struct VersionView {
    pub number: i32,
    pub day: String,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "consultations/document.html")]
struct DocumentPage {
    page: Page,
    c: ConsultationView,
    doc_id: String,
    version: i32,
    versions: Vec<VersionView>,
    paragraphs: Vec<ParagraphView>,
    may_comment: bool,
    comments: Vec<CommentView>,
    pager: Pager,
    body: String,
    errors: FieldErrors,
    /// Where the comment form posts (with `/comments`) and where logging in returns.
    comment_action: String,
    comment_label: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: String,
}

async fn document_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    d: &Document,
    body: String,
    errors: FieldErrors,
    number_of_page: Option<u64>,
) -> Result<DocumentPage, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, d.title.clone());
    let view = ConsultationView::new(c, &lookup, &page);
    let paragraphs = store::paragraphs(state.db(), d.id, d.current_version).await?;
    let counts = store::comment_counts(state.db(), d.id).await?;
    let versions = store::versions(state.db(), d.id)
        .await?
        .into_iter()
        .rev()
        .map(|v| VersionView {
            number: v.number,
            day: super::day(v.created_at, page.lang),
            note: v.note,
        })
        .collect();
    let base = format!("/consultations/{}/documents/{}", c.slug, d.id);
    let (comments, pager) = comments::comment_page_about(
        state,
        &page,
        c,
        Target::Document(d.id),
        number_of_page,
        &base,
    )
    .await?;
    Ok(DocumentPage {
        comment_action: base.clone(),
        comment_label: page.t("consult-doc-whole-label"),
        may_comment: comments::takes_comments(c) && view.phase == Phase::Open,
        c: view,
        doc_id: d.id.to_string(),
        version: d.current_version,
        versions,
        paragraphs: number(&paragraphs, &counts),
        comments,
        pager,
        body,
        errors,
        page,
    })
}

/// `GET /consultations/{slug}/documents/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    let n = crate::admin::page_number(&q.page)?;
    let page = document_page(
        &state,
        &ctx,
        &c,
        &d,
        String::new(),
        FieldErrors::new(ctx.locale),
        n,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /consultations/{slug}/documents/{id}/comments`: a comment on the whole document.
pub async fn comment_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<comments::CommentForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    match comments::submit(&state, &ctx, &c, Target::Document(d.id), &input.body).await? {
        Sent::Done(flash) => Ok(redirect_with_flash(
            &ctx,
            &format!("/consultations/{slug}/documents/{id}#comments"),
            flash,
        )),
        Sent::Refused(errors, status) => {
            let page = document_page(&state, &ctx, &c, &d, input.body, errors, None).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}

/// A paragraph's text in one version, for its history.
pub struct TextView {
    pub version: i32,
    pub body: String,
}

#[derive(Template)]
#[template(path = "consultations/paragraph.html")]
struct ParagraphPage {
    page: Page,
    c: ConsultationView,
    doc_id: String,
    doc_title: String,
    p: ParagraphView,
    /// The version that removed it, if the current one has it no more.
    removed_in: Option<i32>,
    /// Its earlier texts, when it was edited.
    history: Vec<TextView>,
    may_comment: bool,
    comments: Vec<CommentView>,
    pager: Pager,
    body: String,
    errors: FieldErrors,
    /// Where the comment form posts (with `/comments`) and where logging in returns.
    comment_action: String,
    comment_label: String,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's inputs, shown and re-shown"
)]
async fn paragraph_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    d: &Document,
    paragraph: &str,
    body: String,
    errors: FieldErrors,
    number_of_page: Option<u64>,
) -> Result<ParagraphPage, Error> {
    let id = Uuid::try_parse(paragraph).map_err(|_| Error::NotFound)?;
    let (heading, texts) = store::paragraph_history(state.db(), d.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let current = store::paragraphs(state.db(), d.id, d.current_version).await?;
    let numbered = number(&current, &Default::default());
    let found = numbered.into_iter().find(|p| p.id == paragraph);
    let last = texts.last().cloned().unwrap_or_default();
    let removed_in = found.is_none().then_some(last.0 + 1);
    let mut p = found.unwrap_or(ParagraphView {
        id: paragraph.to_owned(),
        heading,
        number: None,
        body: last.1.clone(),
        comments: 0,
    });
    let lookup = Lookup::load(state).await?;
    let title = match (p.heading, p.number) {
        (false, Some(n)) => t1(ctx, "consult-doc-paragraph", "n", n),
        (true, _) => t1(ctx, "consult-doc-section", "title", p.body.clone()),
        (false, None) => crate::i18n::t(ctx.locale, "consult-doc-removed-title"),
    };
    let page = Page::new(ctx, title);
    let view = ConsultationView::new(c, &lookup, &page);
    let base = format!(
        "/consultations/{}/documents/{}/paragraphs/{}",
        c.slug, d.id, paragraph
    );
    let (comments, pager) = comments::comment_page_about(
        state,
        &page,
        c,
        Target::Paragraph(id),
        number_of_page,
        &base,
    )
    .await?;
    p.comments = pager.total;
    // Earlier texts, each shown once, when it changed.
    let mut history: Vec<TextView> = Vec::new();
    for (version, text) in texts {
        if history.last().is_none_or(|h| h.body != text) {
            history.push(TextView {
                version,
                body: text,
            });
        }
    }
    if history.len() < 2 && removed_in.is_none() {
        history.clear();
    }
    Ok(ParagraphPage {
        comment_action: base.clone(),
        comment_label: page.t("consult-doc-paragraph-label"),
        may_comment: comments::takes_comments(c)
            && view.phase == Phase::Open
            && removed_in.is_none(),
        c: view,
        doc_id: d.id.to_string(),
        doc_title: d.title.clone(),
        p,
        removed_in,
        history,
        comments,
        pager,
        body,
        errors,
        page,
    })
}

/// `GET /consultations/{slug}/documents/{id}/paragraphs/{paragraph}`.
pub async fn show_paragraph(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, paragraph)): Path<(String, String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    let n = crate::admin::page_number(&q.page)?;
    let errors = FieldErrors::new(ctx.locale);
    let page = paragraph_page(&state, &ctx, &c, &d, &paragraph, String::new(), errors, n).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /consultations/{slug}/documents/{id}/paragraphs/{paragraph}/comments`.
pub async fn comment_paragraph(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, paragraph)): Path<(String, String, String)>,
    Form(input): Form<comments::CommentForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    let pid = Uuid::try_parse(&paragraph).map_err(|_| Error::NotFound)?;
    match comments::submit(&state, &ctx, &c, Target::Paragraph(pid), &input.body).await? {
        Sent::Done(flash) => Ok(redirect_with_flash(
            &ctx,
            &format!("/consultations/{slug}/documents/{id}/paragraphs/{paragraph}#comments"),
            flash,
        )),
        Sent::Refused(errors, status) => {
            let page =
                paragraph_page(&state, &ctx, &c, &d, &paragraph, input.body, errors, None).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}

/// One line of what changed between two versions.
pub struct ChangeView {
    /// "same", "edited", "added" or "removed".
    pub kind: &'static str,
    pub label: String,
    pub link: Option<String>,
    /// (kind of piece: "kept", "removed", "inserted"; its words).
    pub pieces: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "consultations/changes.html")]
struct ChangesPage {
    page: Page,
    c: ConsultationView,
    doc_id: String,
    doc_title: String,
    note: Option<String>,
    changes: Vec<ChangeView>,
    unchanged: usize,
}

/// `GET /consultations/{slug}/documents/{id}/versions/{n}`: what version `n` changed.
pub async fn show_changes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, n)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    let n: i32 = n.parse().map_err(|_| Error::NotFound)?;
    if n < 2 || n > d.current_version {
        return Err(Error::NotFound);
    }
    let lookup = Lookup::load(&state).await?;
    let page = Page::new(&ctx, t1(&ctx, "consult-changes-title", "n", n));
    let old = store::paragraphs(state.db(), d.id, n - 1).await?;
    let new = store::paragraphs(state.db(), d.id, n).await?;
    let note = store::versions(state.db(), d.id)
        .await?
        .into_iter()
        .find(|v| v.number == n)
        .and_then(|v| v.note);
    let base = format!("/consultations/{}/documents/{}/paragraphs/", c.slug, d.id);
    let pieces = |ps: Vec<Piece>| {
        ps.into_iter()
            .map(|p| match p {
                Piece::Kept(t) => ("kept", t),
                Piece::Removed(t) => ("removed", t),
                Piece::Inserted(t) => ("inserted", t),
            })
            .collect()
    };
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for p in number(&new, &Default::default()) {
        let id = Uuid::try_parse(&p.id).ok();
        let before = old.iter().find(|o| Some(o.id) == id);
        let (kind, ps) = match before {
            Some(o) if o.body == p.body => {
                unchanged += 1;
                continue;
            }
            Some(o) => ("edited", pieces(rules::word_diff(&o.body, &p.body))),
            None => ("added", vec![("inserted", p.body.clone())]),
        };
        changes.push(ChangeView {
            kind,
            label: label(&page, &p),
            link: Some(format!("{base}{}", p.id)),
            pieces: ps,
        });
    }
    for o in number(&old, &Default::default()) {
        if new.iter().any(|p| p.id.to_string() == o.id) {
            continue;
        }
        changes.push(ChangeView {
            kind: "removed",
            label: label(&page, &o),
            link: Some(format!("{base}{}", o.id)),
            pieces: vec![("removed", o.body.clone())],
        });
    }
    Ok(render(&ChangesPage {
        c: ConsultationView::new(&c, &lookup, &page),
        doc_id: d.id.to_string(),
        doc_title: d.title,
        note,
        changes,
        unchanged,
        page,
    })?
    .into_response())
}

// --- Officials ---------------------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DocumentForm {
    pub title: String,
    pub source: String,
    pub note: String,
    pub version: String,
    pub form_key: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_documents.html")]
struct StaffPage {
    page: Page,
    c: ConsultationView,
    documents: Vec<DocumentLink>,
    /// The document a new version is written for, if any.
    editing: Option<DocumentLink>,
    may_edit: bool,
    form: DocumentForm,
    errors: FieldErrors,
}

async fn staff_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    editing: Option<&Document>,
    form: DocumentForm,
    errors: FieldErrors,
) -> Result<StaffPage, Error> {
    let lookup = Lookup::load(state).await?;
    let title = match editing {
        Some(d) => d.title.clone(),
        None => crate::i18n::t(ctx.locale, "consult-docs-staff-title"),
    };
    let page = Page::new(ctx, title);
    let phase = c.phase(miasto_store::now());
    Ok(StaffPage {
        c: ConsultationView::new(c, &lookup, &page),
        documents: links(state, c).await?,
        editing: editing.map(|d| DocumentLink {
            id: d.id.to_string(),
            title: d.title.clone(),
            version: d.current_version,
        }),
        may_edit: ctx.user.as_ref().is_some_and(|u| {
            may(&actor(ctx), Action::EditPlan, phase).is_ok()
                && u.user.role.can(Permission::ManageConsultations)
        }),
        form,
        errors,
        page,
    })
}

async fn find_any(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

/// `GET /staff/consultations/{slug}/documents`.
pub async fn staff_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let c = find_any(&state, &slug).await?;
    let page = staff_page(
        &state,
        &ctx,
        &c,
        None,
        DocumentForm::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `GET /staff/consultations/{slug}/documents/{id}`: the form of a new version, holding the
/// current source.
pub async fn staff_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let c = find_any(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    let form = DocumentForm {
        title: d.title.clone(),
        source: store::source(state.db(), d.id, d.current_version)
            .await?
            .unwrap_or_default(),
        version: d.current_version.to_string(),
        ..DocumentForm::default()
    };
    let page = staff_page(
        &state,
        &ctx,
        &c,
        Some(&d),
        form,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Checks the form; the checked title (for a new document), the parsed source and the note.
fn read(
    form: &DocumentForm,
    new_document: bool,
    errors: &mut FieldErrors,
) -> Option<(String, Vec<rules::Block>, Option<String>)> {
    let title = if new_document {
        errors.check(
            "title",
            miasto_domain::required_text(&form.title, rules::TITLE_MAX),
        )
    } else {
        Some(form.title.clone())
    };
    let blocks = errors.check("source", rules::check_source(&form.source));
    let note = match miasto_domain::optional_text(&form.note, rules::NOTE_MAX) {
        Ok(n) => n,
        Err(e) => {
            errors.add("note", e);
            None
        }
    };
    match (title, blocks) {
        (Some(t), Some(b)) if errors.is_empty() => Some((t, b, note)),
        _ => None,
    }
}

/// A refusal of the rulebook as the page's message and status.
fn refused(ctx: &Ctx, refusal: miasto_domain::consultations::Refusal) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    (errors, status)
}

async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    d: Option<&Document>,
    form: DocumentForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = staff_page(state, ctx, c, d, form, errors).await?;
    Ok((status, render(&page)?).into_response())
}

/// `POST /staff/consultations/{slug}/documents`: adds a document.
pub async fn staff_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<DocumentForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    if let Err(refusal) = may(&actor(&ctx), Action::EditPlan, c.phase(miasto_store::now())) {
        let (errors, status) = refused(&ctx, refusal);
        return refuse(&state, &ctx, &c, None, form, errors, status).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((title, blocks, _)) = read(&form, true, &mut errors) else {
        return refuse(
            &state,
            &ctx,
            &c,
            None,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "consultation-document", &form.form_key).await? {
        return Ok(
            axum::response::Redirect::to(&format!("/staff/consultations/{slug}/documents"))
                .into_response(),
        );
    }
    let d = match store::create(&tx, c.id, &title, &blocks, &form.source, current).await {
        Ok(d) => d,
        Err(e) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::new(ctx.locale);
            let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            return refuse(&state, &ctx, &c, None, form, errors, status).await;
        }
    };
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationDocumentAdded,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "document": d.id.to_string(), "title": title, "paragraphs": blocks.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/documents"),
        "flash-consult-document-added",
    ))
}

/// `POST /staff/consultations/{slug}/documents/{id}`: a new version (compare-and-set on the
/// version the form was shown with: a stale save keeps what was typed).
pub async fn staff_version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<DocumentForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let d = find_document(&state, &c, &id).await?;
    if let Err(refusal) = may(&actor(&ctx), Action::EditPlan, c.phase(miasto_store::now())) {
        let (errors, status) = refused(&ctx, refusal);
        return refuse(&state, &ctx, &c, Some(&d), form, errors, status).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((_, blocks, note)) = read(&form, false, &mut errors) else {
        return refuse(
            &state,
            &ctx,
            &c,
            Some(&d),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let expected: i32 = form.version.trim().parse().unwrap_or(-1);
    let tx = miasto_store::begin(state.db()).await?;
    let number =
        match store::new_version(&tx, &d, expected, &blocks, &form.source, note, current).await {
            Ok(n) => n,
            Err(e) => {
                tx.rollback().await?;
                let mut errors = FieldErrors::new(ctx.locale);
                let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
                let d = find_document(&state, &c, &id).await?;
                return refuse(&state, &ctx, &c, Some(&d), form, errors, status).await;
            }
        };
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationDocumentVersion,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "document": d.id.to_string(), "version": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/documents"),
        "flash-consult-document-version",
    ))
}
