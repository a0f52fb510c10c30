//! Statement voting (issue 17), a method of a consultation: residents agree, disagree or pass
//! on short statements (real buttons with their own labels — Pol.is's are divs), one vote per
//! account and statement, changed at will while it is open; they may add statements, which a
//! moderator accepts or refuses with a reason the author sees; officials add the first ones.
//! The opinion groups — found from the votes exactly as Pol.is does (`miasto-analysis`) — are
//! published to residents: who the groups are, what unites each, what divides them, what
//! nearly everyone shares, and the map of participants with a text alternative.

use super::comments::actor;
use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_analysis::opinion::{self, Direction, Tally, Vote, Votes};
use miasto_domain::Permission;
use miasto_domain::consultations::statements::{self as rules, Choice, Status};
use miasto_domain::consultations::{Action, Method, Phase, Refusal, may, may_vote};
use miasto_store::audit;
use miasto_store::consultations::statements::{self as store, Statement};
use miasto_store::consultations::{ChangeError, Consultation};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// A statement as the voting page shows it.
pub struct StatementView {
    pub id: String,
    pub number: i32,
    pub body: String,
    /// The account's vote, if any ("agree", "disagree", "pass").
    pub mine: Option<&'static str>,
}

impl StatementView {
    fn new(s: &Statement, mine: Option<Choice>) -> Self {
        Self {
            id: s.id.to_string(),
            number: s.number,
            body: s.body.clone(),
            mine: mine.map(Choice::as_str),
        }
    }
}

/// An account's own statement and where it stands.
pub struct OwnView {
    pub body: String,
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StatementForm {
    pub body: String,
}

#[derive(Template)]
#[template(path = "consultations/statements.html")]
struct VotingPage {
    page: Page,
    c: ConsultationView,
    /// The first statement the account has not voted on.
    next: Option<StatementView>,
    statements: Vec<StatementView>,
    voted: usize,
    may_vote: bool,
    login: bool,
    refusal: Option<String>,
    own: Vec<OwnView>,
    form: StatementForm,
    /// The statement field's hint (residents' statements are checked first).
    body_hint: &'static str,
    errors: FieldErrors,
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    let c = find_public(state, slug).await?;
    if !c.organisation.methods.contains(&Method::Statements) {
        return Err(Error::NotFound);
    }
    Ok(c)
}

fn rule(ctx: &Ctx, c: &Consultation) -> Result<(), Refusal> {
    may_vote(
        &actor(ctx),
        c.phase(miasto_store::now()),
        &c.organisation.methods,
    )
}

async fn voting_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: StatementForm,
    errors: FieldErrors,
) -> Result<VotingPage, Error> {
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!("{} – {}", page.t("statements-title"), c.plan.title);
    let view = ConsultationView::new(c, &lookup, &page);
    let accepted = store::list(state.db(), c.id, Status::Accepted).await?;
    let user = ctx.user.as_ref().map(|u| u.user.id);
    let mine = match user {
        Some(u) => store::votes_of(state.db(), c.id, u).await?,
        None => HashMap::new(),
    };
    let statements: Vec<StatementView> = accepted
        .iter()
        .map(|s| StatementView::new(s, mine.get(&s.id).copied()))
        .collect();
    let next = accepted
        .iter()
        .find(|s| !mine.contains_key(&s.id))
        .map(|s| StatementView::new(s, None));
    let own = match user {
        Some(u) => store::of_author(state.db(), c.id, u)
            .await?
            .into_iter()
            .filter(|s| s.status != Status::Accepted)
            .map(|s| OwnView {
                body: s.body,
                status: page.t(&format!("statements-status-{}", s.status.as_str())),
                reason: s.reason,
            })
            .collect(),
        None => Vec::new(),
    };
    let rule = rule(ctx, c);
    Ok(VotingPage {
        c: view,
        next,
        voted: mine.len(),
        statements,
        may_vote: rule.is_ok(),
        login: rule == Err(Refusal::SignIn) && c.phase(miasto_store::now()) == Phase::Open,
        refusal: match rule {
            Ok(()) | Err(Refusal::SignIn) | Err(Refusal::Forbidden) => None,
            Err(r) => Some(page.t(&format!("error-{}", r.code()))),
        },
        own,
        form,
        body_hint: "statements-add-hint",
        errors,
        page,
    })
}

/// `GET /consultations/{slug}/statements`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let c = find(&state, &slug).await?;
    let page = voting_page(
        &state,
        &ctx,
        &c,
        StatementForm::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn again(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: StatementForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = voting_page(state, ctx, c, form, errors).await?;
    Ok((status, render(&page)?).into_response())
}

fn refused(errors: &mut FieldErrors, refusal: Refusal) -> StatusCode {
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VoteForm {
    pub vote: String,
}

/// `POST /consultations/{slug}/statements/{id}/vote`: agree, disagree or pass.
pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<VoteForm>,
) -> Result<Response, Error> {
    let c = find(&state, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let form = StatementForm::default();
    if let Err(refusal) = rule(&ctx, &c) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let status = refused(&mut errors, refusal);
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    let user = ctx.require_user()?.user.id;
    let Some(choice) = Choice::parse(&input.vote) else {
        errors.add_message(FieldErrors::FORM, "statements-error-choice");
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
    let statement = Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::vote(&tx, c.id, statement, user, choice).await {
        tx.rollback().await?;
        let status = super::comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}/statements#vote"),
        "flash-statements-voted",
    ))
}

/// `POST /consultations/{slug}/statements`: a resident's statement, for a moderator.
pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<StatementForm>,
) -> Result<Response, Error> {
    let c = find(&state, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = rule(&ctx, &c) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let status = refused(&mut errors, refusal);
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    let user = ctx.require_user()?.user.id;
    let body = match rules::check_statement(&form.body) {
        Ok(b) => b,
        Err(e) => {
            errors.add("body", e);
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
    // A flood of proposals would bury the moderators: the comments' limit applies.
    let email = &ctx.require_user()?.user.email;
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "consultation-statements", email).await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        return again(
            &state,
            &ctx,
            &c,
            form,
            errors,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    if let Err(e) = store::add(&tx, c.id, &body, Some(user), false).await {
        tx.rollback().await?;
        let status = super::comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
        return again(&state, &ctx, &c, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}/statements"),
        "flash-statements-proposed",
    ))
}

/// What the opinion groups are computed from: the statements shown and the votes' marker
/// (how many, the latest time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionKey {
    statements: Vec<Uuid>,
    votes: store::VotesMarker,
}

/// The opinion groups computed from the votes, with how many votes counted and how many
/// people cast them.
pub struct Computed {
    analysis: opinion::Analysis,
    votes: usize,
    participants: usize,
}

/// The opinion groups last computed for each consultation.
#[derive(Default)]
pub struct OpinionCache {
    entries: std::sync::Mutex<HashMap<Uuid, (OpinionKey, Arc<Computed>)>>,
    computing: tokio::sync::Mutex<()>,
}

impl OpinionCache {
    fn get(&self, consultation: Uuid, key: &OpinionKey) -> Option<Arc<Computed>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&consultation)
            .filter(|(k, _)| k == key)
            .map(|(_, a)| a.clone())
    }

    fn put(&self, consultation: Uuid, key: OpinionKey, value: Arc<Computed>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(consultation, (key, value));
    }

    /// One computation at a time (a burst of requests after a new vote computes once).
    async fn turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.computing.lock().await
    }
}

/// Computes the opinion groups from every vote on the `accepted` statements, keeping Pol.is's
/// smoother state between updates; with the number of participants.
async fn compute(
    state: &AppState,
    c: &Consultation,
    accepted: &[Statement],
) -> Result<Computed, Error> {
    let cast = store::all_votes(state.db(), c.id).await?;
    let index: HashMap<Uuid, usize> = accepted
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let mut people: HashMap<Uuid, usize> = HashMap::new();
    let mut votes = Votes::with_size(0, accepted.len());
    for (user, statement, choice) in &cast {
        let Some(&s) = index.get(statement) else {
            continue;
        };
        let next = people.len();
        let p = *people.entry(*user).or_insert(next);
        let vote = match choice {
            Choice::Agree => Vote::Agree,
            Choice::Disagree => Vote::Disagree,
            Choice::Pass => Vote::Pass,
        };
        votes.record(p, s, vote);
    }
    // Pol.is's smoother between updates: an update is new votes since the state was kept;
    // without new votes the number of groups shown stays as it was.
    let kept = store::opinion_state(state.db(), c.id).await?;
    let vote_count = cast.len() as u64;
    let fresh = kept.is_none_or(|k| k.votes != vote_count);
    let defaults = opinion::Options::default();
    let options = opinion::Options {
        previous_k: kept.map(|k| opinion::KSmoother {
            last_k: k.last_k,
            last_k_count: k.last_k_count,
            smoothed_k: k.smoothed_k,
        }),
        k_buffer: if fresh { defaults.k_buffer } else { usize::MAX },
        ..defaults
    };
    let (a, counted) = tokio::task::spawn_blocking(move || {
        let a = opinion::analyse(&votes, &[], &options);
        (a, votes.len())
    })
    .await
    .map_err(|e| Error::Internal(format!("the opinion groups stopped: {e}")))?;
    if fresh && a.k.smoothed_k > 0 {
        store::save_opinion_state(
            state.db(),
            c.id,
            store::OpinionState {
                last_k: a.k.last_k,
                last_k_count: a.k.last_k_count,
                smoothed_k: a.k.smoothed_k,
                votes: vote_count,
            },
        )
        .await?;
    }
    Ok(Computed {
        analysis: a,
        votes: counted,
        participants: people.len(),
    })
}

/// A statement in the opinion groups' view, with the shares that make it telling.
pub struct Telling {
    pub number: i32,
    pub body: String,
    /// "agree" or "disagree".
    pub direction: &'static str,
    /// The share of the group (or of everyone) voting that way, in per cent.
    pub share: u32,
    /// The same share among the other groups (for a group's statements).
    pub others: Option<u32>,
}

/// A group as residents see it.
pub struct GroupSummary {
    /// A, B, C…
    pub letter: String,
    /// The shape of its marks on the map, in words.
    pub marker: String,
    pub size: usize,
    pub statements: Vec<Telling>,
}

/// A statement that divides the groups: each group's share agreeing.
pub struct Divide {
    pub number: i32,
    pub body: String,
    pub shares: Vec<(String, u32)>,
    gap: f64,
}

/// A participant's place on the map of opinions.
pub struct Point {
    pub x: String,
    pub y: String,
    pub group: usize,
}

#[derive(Template)]
#[template(path = "consultations/opinions.html")]
struct OpinionsPage {
    page: Page,
    c: ConsultationView,
    participants: usize,
    grouped: usize,
    statements: usize,
    votes: usize,
    groups: Vec<GroupSummary>,
    agreed: Vec<Telling>,
    disputed: Vec<Telling>,
    /// Statements that divide the groups: per group, the share agreeing.
    divides: Vec<Divide>,
    points: Vec<Point>,
}

fn percent(n: usize, of: usize) -> u32 {
    if of == 0 {
        0
    } else {
        ((n as f64 / of as f64) * 100.0).round() as u32
    }
}

fn letter(i: usize) -> String {
    char::from(b'A' + (i % 26) as u8).to_string()
}

/// `GET /consultations/{slug}/opinions`: the opinion groups, from the votes so far.
pub async fn opinions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let c = find(&state, &slug).await?;
    let lookup = Lookup::load(&state).await?;
    let mut page = Page::new(&ctx, String::new());
    page.title = format!("{} – {}", page.t("opinions-title"), c.plan.title);
    let view = ConsultationView::new(&c, &lookup, &page);
    let accepted = store::list(state.db(), c.id, Status::Accepted).await?;
    // The groups are computed once per state of the votes (and of the statements shown): a
    // public page must not cost seconds of CPU on every request. One computation at a time;
    // the others wait for it and read its result.
    let key = OpinionKey {
        statements: accepted.iter().map(|s| s.id).collect(),
        votes: store::votes_marker(state.db(), c.id).await?,
    };
    let cached = match state.opinions().get(c.id, &key) {
        Some(hit) => hit,
        None => {
            let _turn = state.opinions().turn().await;
            match state.opinions().get(c.id, &key) {
                Some(hit) => hit,
                None => {
                    let computed = Arc::new(compute(&state, &c, &accepted).await?);
                    state.opinions().put(c.id, key, computed.clone());
                    computed
                }
            }
        }
    };
    let (a, vote_count) = (&cached.analysis, cached.votes);
    let statement = |i: usize| &accepted[i];
    let share = |t: Tally, d: Direction| match d {
        Direction::Agree => percent(t.agree, t.seen),
        Direction::Disagree => percent(t.disagree, t.seen),
    };
    let groups: Vec<GroupSummary> = if a.groups.len() < 2 {
        Vec::new()
    } else {
        a.groups
            .iter()
            .enumerate()
            .map(|(gi, g)| GroupSummary {
                letter: letter(gi),
                marker: page.t(&format!("opinions-marker-{}", gi.min(4))),
                size: g.members.len(),
                statements: g
                    .representative
                    .iter()
                    .map(|r| {
                        let mine = g.votes[r.statement].unwrap_or_default();
                        let mut rest = Tally::default();
                        for (hi, h) in a.groups.iter().enumerate() {
                            if hi != gi {
                                let t = h.votes[r.statement].unwrap_or_default();
                                rest.agree += t.agree;
                                rest.disagree += t.disagree;
                                rest.seen += t.seen;
                            }
                        }
                        Telling {
                            number: statement(r.statement).number,
                            body: statement(r.statement).body.clone(),
                            direction: r.direction.as_str(),
                            share: share(mine, r.direction),
                            others: Some(share(rest, r.direction)),
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let consensus = |list: &[opinion::ConsensusStatement], direction: &'static str| {
        list.iter()
            .map(|k| Telling {
                number: statement(k.statement).number,
                body: statement(k.statement).body.clone(),
                direction,
                share: percent(k.n_success, k.n_trials),
                others: None,
            })
            .collect::<Vec<_>>()
    };
    // What divides: the largest gap between the groups' shares agreeing.
    let mut divides: Vec<Divide> = Vec::new();
    if groups.len() >= 2 {
        for (i, s) in accepted.iter().enumerate() {
            let shares: Vec<Option<u32>> = a
                .groups
                .iter()
                .map(|g| {
                    g.votes[i]
                        .filter(|t| t.seen >= 2)
                        .map(|t| percent(t.agree, t.seen))
                })
                .collect();
            if shares.iter().any(Option::is_none) {
                continue;
            }
            let values: Vec<u32> = shares.into_iter().flatten().collect();
            let gap = f64::from(values.iter().max().copied().unwrap_or(0))
                - f64::from(values.iter().min().copied().unwrap_or(0));
            if gap >= 30.0 {
                let per: Vec<(String, u32)> = values
                    .iter()
                    .enumerate()
                    .map(|(gi, v)| (letter(gi), *v))
                    .collect();
                divides.push(Divide {
                    number: s.number,
                    body: s.body.clone(),
                    shares: per,
                    gap,
                });
            }
        }
    }
    divides.sort_by(|x, y| y.gap.total_cmp(&x.gap).then(x.number.cmp(&y.number)));
    divides.truncate(5);
    // The map: every grouped participant's place, scaled to the plot.
    let assignments = a.assignments();
    let placed: Vec<([f64; 2], usize)> = a
        .projections
        .iter()
        .zip(&assignments)
        .filter_map(|(p, g)| Some(((*p)?, (*g)?)))
        .collect();
    let extent = placed
        .iter()
        .flat_map(|(p, _)| [p[0].abs(), p[1].abs()])
        .fold(1e-9, f64::max);
    let position: HashMap<usize, usize> = a
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i))
        .collect();
    let points = if groups.is_empty() {
        Vec::new()
    } else {
        placed
            .iter()
            .map(|(p, g)| Point {
                x: format!("{:.1}", 100.0 + 90.0 * p[0] / extent),
                y: format!("{:.1}", 100.0 - 90.0 * p[1] / extent),
                group: position.get(g).copied().unwrap_or(0),
            })
            .collect()
    };
    let page = OpinionsPage {
        c: view,
        participants: cached.participants,
        grouped: if groups.is_empty() { 0 } else { placed.len() },
        statements: accepted.len(),
        votes: vote_count,
        agreed: consensus(&a.consensus.agree, "agree"),
        disputed: consensus(&a.consensus.disagree, "disagree"),
        divides,
        groups,
        points,
        page,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "consultations/staff_statements.html")]
struct StaffPage {
    page: Page,
    c: ConsultationView,
    accepted: Vec<StatementView>,
    pending: Vec<(String, i32, String)>,
    may_add: bool,
    may_moderate: bool,
    form: StatementForm,
    /// The statement field's hint (the city's statements are shown at once).
    body_hint: &'static str,
    reason: String,
    errors: FieldErrors,
}

async fn staff_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: StatementForm,
    reason: String,
    errors: FieldErrors,
) -> Result<StaffPage, Error> {
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!("{} – {}", page.t("statements-title"), c.plan.title);
    let view = ConsultationView::new(c, &lookup, &page);
    let phase = c.phase(miasto_store::now());
    let accepted = store::list(state.db(), c.id, Status::Accepted)
        .await?
        .iter()
        .map(|s| StatementView::new(s, None))
        .collect();
    let pending = store::list(state.db(), c.id, Status::Pending)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.number, s.body))
        .collect();
    Ok(StaffPage {
        c: view,
        accepted,
        pending,
        may_add: may(&actor(ctx), Action::EditStatements, phase).is_ok(),
        may_moderate: may(&actor(ctx), Action::Moderate, phase).is_ok(),
        form,
        body_hint: "statements-staff-add-hint",
        reason,
        errors,
        page,
    })
}

async fn find_staff(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    let c = miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)?;
    if !c.organisation.methods.contains(&Method::Statements) {
        return Err(Error::NotFound);
    }
    Ok(c)
}

fn staff_may(ctx: &Ctx) -> Result<(), Error> {
    ctx.require_user()?;
    if ctx.can(Permission::ManageConsultations) || ctx.can(Permission::ModerateConsultations) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// `GET /staff/consultations/{slug}/statements`: officials add statements, moderators decide
/// on residents' ones.
pub async fn staff(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    staff_may(&ctx)?;
    let c = find_staff(&state, &slug).await?;
    let page = staff_page(
        &state,
        &ctx,
        &c,
        StatementForm::default(),
        String::new(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn staff_again(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: StatementForm,
    reason: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = staff_page(state, ctx, c, form, reason, errors).await?;
    Ok((status, render(&page)?).into_response())
}

/// `POST /staff/consultations/{slug}/statements`: an official's statement, shown at once.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<StatementForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_staff(&state, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = may(
        &actor(&ctx),
        Action::EditStatements,
        c.phase(miasto_store::now()),
    ) {
        let status = refused(&mut errors, refusal);
        return staff_again(&state, &ctx, &c, form, String::new(), errors, status).await;
    }
    let body = match rules::check_statement(&form.body) {
        Ok(b) => b,
        Err(e) => {
            errors.add("body", e);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return staff_again(&state, &ctx, &c, form, String::new(), errors, status).await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let added = match store::add(&tx, c.id, &body, Some(current), true).await {
        Ok(s) => s,
        Err(e) => {
            tx.rollback().await?;
            let status = super::comments::refused_write(e, &mut errors, FieldErrors::FORM)?;
            return staff_again(&state, &ctx, &c, form, String::new(), errors, status).await;
        }
    };
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationStatement,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "statement": added.number, "added": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/statements"),
        "flash-statements-added",
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModerateForm {
    pub decision: String,
    pub reason: String,
}

/// `POST /staff/consultations/{slug}/statements/{id}/moderate`: accept, or refuse with a
/// reason the author sees.
pub async fn moderate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<ModerateForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ModerateConsultations)?.user.id;
    let c = find_staff(&state, &slug).await?;
    let id = Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let form = StatementForm::default();
    if let Err(refusal) = may(&actor(&ctx), Action::Moderate, c.phase(miasto_store::now())) {
        let status = refused(&mut errors, refusal);
        return staff_again(&state, &ctx, &c, form, input.reason, errors, status).await;
    }
    let decision = match input.decision.as_str() {
        "accept" => Ok(()),
        "reject" => match rules::check_reason(&input.reason) {
            Ok(r) => Err(r),
            Err(_) => {
                errors.add_message(FieldErrors::FORM, "statements-error-reason");
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return staff_again(&state, &ctx, &c, form, input.reason, errors, status).await;
            }
        },
        _ => return Err(Error::BadRequest("action_unknown")),
    };
    let accepted = decision.is_ok();
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::moderate(&tx, c.id, id, decision, current).await {
        tx.rollback().await?;
        let status = match e {
            ChangeError::Store(e) => return Err(e.into()),
            other => super::comments::refused_write(other, &mut errors, FieldErrors::FORM)?,
        };
        return staff_again(&state, &ctx, &c, form, input.reason, errors, status).await;
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationStatement,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "statement": id.to_string(), "accepted": accepted }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/statements"),
        "flash-statements-moderated",
    ))
}
