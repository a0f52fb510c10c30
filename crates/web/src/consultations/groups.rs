//! The consultation algorithm at work (issue 17): staff run it over the comments received,
//! see the groups it finds — near-duplicates (the same letter with edits) and topics (the
//! same point in other words), largest first, each with its key phrases and most
//! representative comment — rename and merge them, move a comment to another group, confirm
//! a group (a re-run keeps it as it is) and give a whole group one answer, which the report
//! then shows on every member. Nothing is answered automatically.

use super::comments::{self, CommentView, actor};
use super::{ConsultationView, answers::dispositions};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_analysis::comments as analysis;
use miasto_domain::Permission;
use miasto_domain::consultations::grouping::{self as rules, GroupKind};
use miasto_domain::consultations::{Refusal, may_group};
use miasto_store::audit;
use miasto_store::consultations::groups::{self as store, Group, NewGroup};
use miasto_store::consultations::{ChangeError, Consultation};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Groups (and a group's comments) per page.
const PAGE_SIZE: u64 = 20;

/// A group as the pages show it.
pub struct GroupView {
    pub id: String,
    pub name: String,
    /// Officials named it (else the name comes from its key phrases or its text).
    pub named: bool,
    pub key_phrases: String,
    pub representative: Option<String>,
    pub size: u64,
    pub answered: u64,
    pub confirmed: bool,
    /// Members' mean similarity, in per cent.
    pub similarity: u32,
}

impl GroupView {
    fn new(g: &Group, representative: Option<&str>, page: &Page) -> Self {
        let auto = if g.key_phrases.is_empty() {
            representative
                .map(|t| page.excerpt(t, 60))
                .unwrap_or_else(|| page.t("groups-unnamed"))
        } else {
            g.key_phrases.join(", ")
        };
        Self {
            id: g.id.to_string(),
            named: g.label.is_some(),
            name: g.label.clone().unwrap_or(auto),
            key_phrases: g.key_phrases.join(", "),
            representative: representative.map(|t| page.excerpt(t, 300)),
            size: g.size,
            answered: g.answered,
            confirmed: g.confirmed_at.is_some(),
            similarity: (g.similarity * 100.0).round().clamp(0.0, 100.0) as u32,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupsQuery {
    pub kind: String,
    pub page: String,
}

fn kind_of(raw: &str) -> Result<GroupKind, Error> {
    if raw.trim().is_empty() {
        return Ok(GroupKind::Topic);
    }
    GroupKind::parse(raw).ok_or(Error::NotFound)
}

#[derive(Template)]
#[template(path = "consultations/staff_groups.html")]
struct GroupsPage {
    page: Page,
    c: ConsultationView,
    kind: &'static str,
    kind_hint: String,
    tabs: Vec<(String, String, bool)>,
    groups: Vec<GroupView>,
    pager: Pager,
    ungrouped: u64,
    comments: u64,
    may_group: bool,
    refusal: Option<String>,
    threshold: String,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnalyseForm {
    pub threshold: String,
    pub kind: String,
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .filter(|c| c.published_at.is_some())
        .ok_or(Error::NotFound)
}

fn may_here(ctx: &Ctx, c: &Consultation) -> Result<(), Refusal> {
    may_group(
        &actor(ctx),
        ctx.user.as_ref().and_then(|u| u.user.unit_id),
        c.organisation.unit,
        c.phase(miasto_store::now()),
    )
}

/// The texts of the representative comments of `groups`.
async fn representatives(
    state: &AppState,
    c: &Consultation,
    groups: &[Group],
) -> Result<HashMap<Uuid, String>, Error> {
    let wanted: Vec<Uuid> = groups.iter().filter_map(|g| g.representative).collect();
    Ok(store::bodies(state.db(), c.id, &wanted).await?)
}

async fn groups_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    kind: GroupKind,
    number: Option<u64>,
    threshold: String,
    errors: FieldErrors,
) -> Result<GroupsPage, Error> {
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!("{} – {}", page.t("groups-title"), c.plan.title);
    let view = ConsultationView::new(c, &lookup, &page);
    let all = store::list(state.db(), c.id, kind).await?;
    let grouped: u64 = all.iter().map(|g| g.size).sum();
    let comments = store::texts(state.db(), c.id).await?.len() as u64;
    let paging = miasto_store::Page::new(number, Some(PAGE_SIZE));
    let shown: Vec<Group> = all
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.size as usize)
        .cloned()
        .collect();
    let texts = representatives(state, c, &shown).await?;
    let paged = miasto_store::Paged::new(
        shown,
        miasto_store::paging::Count {
            total: all.len() as u64,
            capped: false,
        },
        paging,
    );
    let base = format!("/staff/consultations/{}/groups", c.slug);
    let pager = Pager::new(&paged, &base, &[("kind", kind.as_str())]);
    let groups = paged
        .items
        .iter()
        .map(|g| {
            let text = g
                .representative
                .and_then(|r| texts.get(&r))
                .map(String::as_str);
            GroupView::new(g, text, &page)
        })
        .collect();
    let tabs = GroupKind::ALL
        .iter()
        .map(|k| {
            (
                format!("{base}?kind={}", k.as_str()),
                page.t(&format!("groups-kind-{}", k.as_str())),
                *k == kind,
            )
        })
        .collect();
    let rule = may_here(ctx, c);
    Ok(GroupsPage {
        c: view,
        kind: kind.as_str(),
        kind_hint: page.t(&format!("groups-kind-{}-hint", kind.as_str())),
        tabs,
        groups,
        pager,
        ungrouped: comments.saturating_sub(grouped),
        comments,
        may_group: rule.is_ok(),
        refusal: match rule {
            Ok(()) | Err(Refusal::Forbidden) => None,
            Err(r) => Some(page.t(&format!("error-{}", r.code()))),
        },
        threshold,
        errors,
        page,
    })
}

/// `GET /staff/consultations/{slug}/groups`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<GroupsQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find(&state, &slug).await?;
    let kind = kind_of(&q.kind)?;
    let number = crate::admin::page_number(&q.page)?;
    let page = groups_page(
        &state,
        &ctx,
        &c,
        kind,
        number,
        String::new(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The algorithm's groups of one kind as the store keeps them: groups of two or more, the
/// comments of confirmed groups left out (they stay where officials put them).
fn to_store(
    kind: GroupKind,
    found: &analysis::Analysis,
    ids: &[Uuid],
    confirmed: &std::collections::HashSet<Uuid>,
) -> Vec<NewGroup> {
    let groups: Vec<(Vec<usize>, usize, Vec<String>, f64)> = match kind {
        GroupKind::Duplicate => found
            .duplicates
            .groups
            .iter()
            .map(|g| {
                (
                    g.members.clone(),
                    g.representative,
                    g.shared.clone(),
                    g.mean_similarity,
                )
            })
            .collect(),
        GroupKind::Topic => found
            .topics
            .groups
            .iter()
            .map(|g| {
                (
                    g.members.clone(),
                    g.representative,
                    g.key_phrases.clone(),
                    g.mean_similarity,
                )
            })
            .collect(),
    };
    groups
        .into_iter()
        .filter_map(|(members, representative, key_phrases, similarity)| {
            let members: Vec<Uuid> = members
                .into_iter()
                .map(|m| ids[m])
                .filter(|id| !confirmed.contains(id))
                .collect();
            if members.len() < 2 {
                return None;
            }
            let representative = Some(ids[representative])
                .filter(|r| members.contains(r))
                .or_else(|| members.first().copied());
            Some(NewGroup {
                members,
                key_phrases,
                representative,
                similarity,
            })
        })
        .collect()
}

/// `POST /staff/consultations/{slug}/groups`: runs the algorithm over the comments received
/// (not hidden, not waiting for a moderator); groups not confirmed are replaced.
pub async fn analyse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<AnalyseForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let kind = kind_of(&form.kind)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let again = |errors: FieldErrors, status: StatusCode| {
        let state = state.clone();
        let threshold = form.threshold.clone();
        let (ctx, c) = (&ctx, &c);
        async move {
            let page = groups_page(&state, ctx, c, kind, None, threshold, errors).await?;
            Ok::<Response, Error>((status, render(&page)?).into_response())
        }
    };
    if let Err(refusal) = may_here(&ctx, &c) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return again(errors, status).await;
    }
    let threshold = match rules::check_threshold(&form.threshold) {
        Ok(t) => t,
        Err(e) => {
            errors.add("threshold", e);
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let texts = store::texts(state.db(), c.id).await?;
    let ids: Vec<Uuid> = texts.iter().map(|(id, _)| *id).collect();
    let found = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
        analysis::analyse(&refs, &analysis::Options::new(threshold, 0), &mut |_| {})
    })
    .await
    .map_err(|e| Error::Internal(format!("the analysis stopped: {e}")))?;
    let tx = miasto_store::begin(state.db()).await?;
    let mut made = 0;
    for k in GroupKind::ALL {
        let confirmed = store::confirmed_members(&tx, c.id, k).await?;
        match store::replace(&tx, c.id, k, &to_store(k, &found, &ids, &confirmed)).await {
            Ok(n) => made += n,
            Err(e) => {
                tx.rollback().await?;
                let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
                return again(errors, status).await;
            }
        }
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationGrouped,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "run": true, "comments": ids.len(), "groups": made, "threshold": threshold }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/groups?kind={}", kind.as_str()),
        "flash-groups-analysed",
    ))
}

/// What was typed on a group's page.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    pub label: String,
    pub other: String,
    pub template: String,
    pub disposition: String,
    pub justification: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_group.html")]
struct GroupPage {
    page: Page,
    c: ConsultationView,
    group: GroupView,
    kind: &'static str,
    kind_label: String,
    rows: Vec<CommentView>,
    pager: Pager,
    /// The other groups of the kind (to merge with or move a comment to).
    others: Vec<SelectOption>,
    templates: Vec<SelectOption>,
    dispositions: Vec<SelectOption>,
    may_group: bool,
    may_answer: bool,
    form: GroupForm,
    errors: FieldErrors,
}

async fn find_group(state: &AppState, c: &Consultation, id: &str) -> Result<Group, Error> {
    let id = Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    store::get(state.db(), c.id, id)
        .await?
        .ok_or(Error::NotFound)
}

async fn group_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    g: &Group,
    number: Option<u64>,
    form: GroupForm,
    errors: FieldErrors,
) -> Result<GroupPage, Error> {
    let lookup = Lookup::load(state).await?;
    let texts = representatives(state, c, std::slice::from_ref(g)).await?;
    let rep = g
        .representative
        .and_then(|r| texts.get(&r))
        .map(String::as_str);
    let mut page = Page::new(ctx, String::new());
    let group = GroupView::new(g, rep, &page);
    page.title = group.name.clone();
    let view = ConsultationView::new(c, &lookup, &page);
    let paged = store::members_page(
        state.db(),
        c.id,
        g.id,
        miasto_store::Page::new(number, Some(PAGE_SIZE)),
    )
    .await?;
    let first = (paged.page - 1) * paged.size;
    let rows = comments::views(state, &page, c, &paged.items, first, false).await?;
    let base = format!("/staff/consultations/{}/groups/{}", c.slug, g.id);
    let pager = Pager::new(&paged, &base, &[]);
    let others_list = store::list(state.db(), c.id, g.kind).await?;
    let other_texts = representatives(state, c, &others_list).await?;
    let mut others = vec![(String::new(), page.t("groups-choose"))];
    others.extend(others_list.iter().filter(|o| o.id != g.id).map(|o| {
        let text = o
            .representative
            .and_then(|r| other_texts.get(&r))
            .map(String::as_str);
        let v = GroupView::new(o, text, &page);
        (
            v.id,
            format!(
                "{} ({})",
                page.excerpt(&v.name, 70),
                page.t1("groups-size", "n", v.size)
            ),
        )
    }));
    let rule = may_here(ctx, c);
    Ok(GroupPage {
        c: view,
        kind: g.kind.as_str(),
        kind_label: page.t(&format!("groups-kind-{}", g.kind.as_str())),
        group,
        rows,
        pager,
        others: options(others, &form.other),
        templates: options(
            std::iter::once((String::new(), page.t("consult-template-none"))).chain(
                miasto_store::consultations::answers::templates(state.db())
                    .await?
                    .into_iter()
                    .map(|t| (t.id.to_string(), t.template.title)),
            ),
            &form.template,
        ),
        dispositions: dispositions(&page, &form.disposition),
        may_group: rule.is_ok(),
        may_answer: miasto_domain::consultations::may_answer(
            &actor(ctx),
            ctx.user.as_ref().and_then(|u| u.user.unit_id),
            c.organisation.unit,
            c.phase(miasto_store::now()),
        )
        .is_ok(),
        form,
        errors,
        page,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: String,
}

/// `GET /staff/consultations/{slug}/groups/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find(&state, &slug).await?;
    let g = find_group(&state, &c, &id).await?;
    let number = crate::admin::page_number(&q.page)?;
    let form = GroupForm {
        label: g.label.clone().unwrap_or_default(),
        ..GroupForm::default()
    };
    let page = group_page(
        &state,
        &ctx,
        &c,
        &g,
        number,
        form,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The group page again with what was typed and why it was refused.
async fn group_again(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    g: &Group,
    form: GroupForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = group_page(state, ctx, c, g, None, form, errors).await?;
    Ok((status, render(&page)?).into_response())
}

/// The group page again with what was typed and the fields named (422).
async fn invalid(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    g: &Group,
    form: GroupForm,
    errors: FieldErrors,
) -> Result<Response, Error> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    group_again(state, ctx, c, g, form, errors, status).await
}

/// The checks every change on a group's page starts with: staff, the group of this
/// consultation, the rulebook. `Err` is the response to send.
async fn prepare(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: &str,
    form: &GroupForm,
) -> Result<Result<(Consultation, Group, miasto_domain::UserId), Response>, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(state, slug).await?;
    let g = find_group(state, &c, id).await?;
    if let Err(refusal) = may_here(ctx, &c) {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return Ok(Err(group_again(
            state,
            ctx,
            &c,
            &g,
            form.clone(),
            errors,
            status,
        )
        .await?));
    }
    Ok(Ok((c, g, current)))
}

/// After a change's write: a refusal re-renders the group page with the reason (the
/// transaction rolled back); else the audit entry, the commit, and back to `to`.
#[expect(
    clippy::too_many_arguments,
    reason = "one ending for every change of a group's page"
)]
async fn finish(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    g: &Group,
    form: GroupForm,
    tx: miasto_store::DatabaseTransaction,
    done: Result<(), ChangeError>,
    detail: serde_json::Value,
    to: String,
) -> Result<Response, Error> {
    if let Err(e) = done {
        tx.rollback().await?;
        let mut errors = FieldErrors::new(ctx.locale);
        let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
        return group_again(state, ctx, c, g, form, errors, status).await;
    }
    audit::record(
        &tx,
        ctx.user.as_ref().map(|u| u.user.id),
        audit::Action::ConsultationGrouped,
        Some(audit::Target::consultation(c.id)),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(ctx, &to, "flash-groups-changed"))
}

fn group_link(c: &Consultation, id: Uuid) -> String {
    format!("/staff/consultations/{}/groups/{id}", c.slug)
}

/// `POST /staff/consultations/{slug}/groups/{id}/label`: names the group.
pub async fn rename(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<GroupForm>,
) -> Result<Response, Error> {
    let (c, g, _) = match prepare(&state, &ctx, &slug, &id, &form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    let label = match rules::check_label(&form.label) {
        Ok(l) => l,
        Err(e) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add("label", e);
            return invalid(&state, &ctx, &c, &g, form, errors).await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::rename(&tx, c.id, g.id, &label).await;
    let detail = serde_json::json!({ "group": g.id.to_string(), "label": label });
    let to = group_link(&c, g.id);
    finish(&state, &ctx, &c, &g, form, tx, done, detail, to).await
}

/// `POST /staff/consultations/{slug}/groups/{id}/confirm`: a re-run keeps the group.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<GroupForm>,
) -> Result<Response, Error> {
    let (c, g, current) = match prepare(&state, &ctx, &slug, &id, &form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::confirm(&tx, c.id, g.id, current).await;
    let detail = serde_json::json!({ "group": g.id.to_string(), "confirmed": true });
    let to = group_link(&c, g.id);
    finish(&state, &ctx, &c, &g, form, tx, done, detail, to).await
}

fn chosen_other(form: &GroupForm, errors: &mut FieldErrors) -> Option<Uuid> {
    match Uuid::try_parse(form.other.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add_message("other", "groups-error-choose");
            None
        }
    }
}

/// `POST /staff/consultations/{slug}/groups/{id}/merge`: the group chosen joins this one.
pub async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<GroupForm>,
) -> Result<Response, Error> {
    let (c, g, _) = match prepare(&state, &ctx, &slug, &id, &form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(other) = chosen_other(&form, &mut errors) else {
        return invalid(&state, &ctx, &c, &g, form, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::merge(&tx, c.id, g.id, other).await.map(|_| ());
    let detail = serde_json::json!({ "group": g.id.to_string(), "merged": other.to_string() });
    let to = group_link(&c, g.id);
    finish(&state, &ctx, &c, &g, form, tx, done, detail, to).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub comment: String,
    pub other: String,
}

/// `POST /staff/consultations/{slug}/groups/{id}/move`: a comment of this group goes to the
/// group chosen.
pub async fn move_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<MoveForm>,
) -> Result<Response, Error> {
    let form = GroupForm {
        other: input.other.clone(),
        ..GroupForm::default()
    };
    let (c, g, _) = match prepare(&state, &ctx, &slug, &id, &form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let comment = Uuid::try_parse(input.comment.trim()).ok();
    let other = chosen_other(&form, &mut errors);
    let (Some(comment), Some(other)) = (comment, other) else {
        if comment.is_none() {
            errors.add_message(FieldErrors::FORM, "consult-error-target");
        }
        return invalid(&state, &ctx, &c, &g, form, errors).await;
    };
    // Only a comment of this group is moved from here (the store's write checks it).
    let tx = miasto_store::begin(state.db()).await?;
    let done = store::move_comment(&tx, c.id, comment, g.id, other).await;
    let detail = serde_json::json!({
        "group": g.id.to_string(),
        "moved": comment.to_string(),
        "to": other.to_string(),
    });
    let to = group_link(&c, g.id);
    finish(&state, &ctx, &c, &g, form, tx, done, detail, to).await
}

/// `POST /staff/consultations/{slug}/groups/{id}/answer`: one answer (a draft) for every
/// comment of the group; the report shows it on each.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<GroupForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let g = find_group(&state, &c, &id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = miasto_domain::consultations::may_answer(
        &actor(&ctx),
        ctx.user.as_ref().and_then(|u| u.user.unit_id),
        c.organisation.unit,
        c.phase(miasto_store::now()),
    ) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return group_again(&state, &ctx, &c, &g, form, errors, status).await;
    }
    let (checked, template) = super::answers::typed_answer(
        &state,
        &form.template,
        &form.disposition,
        &form.justification,
        &mut errors,
    )
    .await?;
    let (Some(checked), true) = (checked, errors.is_empty()) else {
        return invalid(&state, &ctx, &c, &g, form, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let ids = store::member_ids(&tx, c.id, g.id).await?;
    let done = miasto_store::consultations::answers::give(&tx, c.id, &ids, &checked, current).await;
    let answer = match done {
        Ok(a) => a,
        Err(e) => {
            tx.rollback().await?;
            let status = comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            return group_again(&state, &ctx, &c, &g, form, errors, status).await;
        }
    };
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationAnswered,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({
            "answer": answer.to_string(),
            "comments": ids.len(),
            "group": g.id.to_string(),
            "template": template.as_ref().map(|t| t.id.to_string()),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &group_link(&c, g.id),
        "flash-groups-answered",
    ))
}
