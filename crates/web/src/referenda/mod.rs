//! District referenda (issue 18): the public list and page of each referendum (its information
//! campaign, questions, voting window, rule of validity and, once the commission has opened the
//! envelopes, the results per question with turnout and validity), online voting for the
//! district's residents, and the anonymised ballots as CSV so that anyone can recount.

pub mod staff;

use crate::budget::ballot::{IdentityRules, Route, Typed, VoterFields, read_identity};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::referenda::{self as rules, Action, Actor, Phase, Question, Refusal};
use miasto_domain::vote::Identity;
use miasto_store::referenda::{self as store, Referendum, ReferendumError, Results};

pub(crate) fn actor(ctx: &Ctx) -> Actor {
    Actor {
        user: ctx.user.as_ref().map(|u| u.user.id),
        role: ctx.user.as_ref().map(|u| u.user.role),
    }
}

/// A referendum's identity rules: a PESEL always, the referendum's minimum age.
struct Entitled(u32);

impl IdentityRules for Entitled {
    fn allow_without_pesel(&self) -> bool {
        false
    }

    fn min_age(&self) -> Option<u32> {
        Some(self.0)
    }
}

/// One answer's line in the results.
pub struct AnswerResult {
    pub label: String,
    pub votes: u64,
    /// Of the answers given to the question, "54.2%".
    pub share: String,
    pub winner: bool,
}

pub struct QuestionView {
    pub field: String,
    pub text: String,
    /// (value, label) of each answer.
    pub answers: Vec<(String, String)>,
    /// What was ticked (forms).
    pub chosen: String,
    pub results: Vec<AnswerResult>,
    pub blank: u64,
}

pub(crate) fn answer_labels(page: &Page, q: &Question) -> Vec<String> {
    if q.is_yes_no() {
        vec![page.t("referenda-yes"), page.t("referenda-no")]
    } else {
        q.options.clone()
    }
}

/// A referendum as pages show it.
pub struct ReferendumView {
    pub number: i32,
    pub title: String,
    pub description: String,
    pub district: String,
    pub phase: &'static str,
    pub phase_label: String,
    pub window: String,
    pub validity: String,
    pub electorate: Option<String>,
    pub questions: Vec<QuestionView>,
    /// Once counted: "1 234 ballots (1 000 online, 234 on paper)".
    pub ballots: Option<String>,
    pub turnout: Option<String>,
    /// Once counted: whether it is valid, in words.
    pub outcome: Option<String>,
}

impl ReferendumView {
    pub fn new(
        r: &Referendum,
        lookup: &Lookup,
        page: &Page,
        results: Option<&Results>,
        typed: &Typed<'_>,
    ) -> Self {
        let phase = r.phase(miasto_store::now());
        let questions = r
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let labels = answer_labels(page, q);
                let result = results.and_then(|res| res.questions.get(i));
                let given: u64 = result.map_or(0, |r| r.votes.iter().sum());
                let winner = result.and_then(|r| r.winner());
                let field = format!("q{i}");
                QuestionView {
                    chosen: typed.get(&field).to_owned(),
                    field,
                    text: q.text.clone(),
                    answers: labels
                        .iter()
                        .enumerate()
                        .map(|(n, l)| (n.to_string(), l.clone()))
                        .collect(),
                    results: result
                        .map(|res| {
                            labels
                                .iter()
                                .zip(&res.votes)
                                .enumerate()
                                .map(|(n, (label, votes))| AnswerResult {
                                    label: label.clone(),
                                    votes: *votes,
                                    share: percent(*votes, given),
                                    winner: winner == Some(n),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    blank: result.map_or(0, |r| r.blank),
                }
            })
            .collect();
        Self {
            number: r.number,
            title: r.title.clone(),
            description: r.description.clone(),
            district: lookup
                .district(r.district)
                .map(|d| d.label())
                .unwrap_or_default(),
            phase: phase.as_str(),
            phase_label: page.t(&format!("referenda-phase-{}", phase.as_str())),
            window: crate::consultations::meetings::span(
                r.window.opens,
                r.window.closes,
                page.lang,
            ),
            validity: match r.validity.percent() {
                None => page.t("referenda-validity-always"),
                Some(p) => page.t1("referenda-validity-turnout", "percent", p),
            },
            electorate: r.electorate.map(|e| e.to_string()),
            questions,
            ballots: results.map(|res| {
                crate::i18n::t_args(
                    page.lang,
                    "referenda-ballots-counted",
                    &[
                        ("ballots", &res.ballots().to_string()),
                        ("online", &res.online.to_string()),
                        ("paper", &res.paper.to_string()),
                    ],
                )
            }),
            turnout: results.and_then(|res| {
                rules::turnout_percent(res.ballots(), r.electorate)
                    .map(|t| page.t1("referenda-turnout", "percent", format!("{t:.1}")))
            }),
            outcome: results.map(|res| {
                page.t(match r.validity.holds(res.ballots(), r.electorate) {
                    Some(true) => "referenda-valid",
                    Some(false) => "referenda-invalid",
                    None => "referenda-validity-unknown",
                })
            }),
        }
    }
}

fn percent(part: u64, of: u64) -> String {
    if of == 0 {
        return "0%".to_owned();
    }
    format!("{:.1}%", part as f64 * 100.0 / of as f64)
}

/// The referendum by its number; drafts only for those who manage referenda.
pub(crate) async fn find(state: &AppState, ctx: &Ctx, number: &str) -> Result<Referendum, Error> {
    let number: i32 = number.trim().parse().map_err(|_| Error::NotFound)?;
    let r = store::by_number(state.db(), number)
        .await?
        .ok_or(Error::NotFound)?;
    if r.status == rules::Status::Draft && !ctx.can(miasto_domain::Permission::ManageReferenda) {
        return Err(Error::NotFound);
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "referenda/index.html")]
struct IndexPage {
    page: Page,
    referenda: Vec<ReferendumView>,
}

/// `GET /referenda`: every announced referendum, the latest first.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "referenda-title");
    let all = store::list(state.db(), false).await?;
    let none = Typed(&[]);
    Ok(render(&IndexPage {
        referenda: all
            .iter()
            .map(|r| ReferendumView::new(r, &lookup, &page, None, &none))
            .collect(),
        page,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "referenda/show.html")]
struct ShowPage {
    page: Page,
    r: ReferendumView,
    may_vote: bool,
    voted: bool,
    /// During voting: people who have voted so far.
    voters: Option<u64>,
    staff: bool,
}

/// `GET /referenda/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let lookup = Lookup::load(&state).await?;
    let mut page = Page::new(&ctx, String::new());
    page.title = r.title.clone();
    let results = store::results(state.db(), &r).await?;
    let phase = r.phase(miasto_store::now());
    let voted = match &ctx.user {
        Some(u) => miasto_store::ballot_box::has_voted(state.db(), r.id, u.user.id).await?,
        None => false,
    };
    let voters = match phase {
        Phase::Voting | Phase::Closed => Some(store::voters(state.db(), &r).await?),
        _ => None,
    };
    Ok(render(&ShowPage {
        r: ReferendumView::new(&r, &lookup, &page, results.as_ref(), &Typed(&[])),
        may_vote: phase == Phase::Voting && !voted,
        voted,
        voters,
        staff: ctx.can(miasto_domain::Permission::ManageReferenda),
        page,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "referenda/vote.html")]
struct VotePage {
    page: Page,
    r: ReferendumView,
    voter: VoterFields,
    address: String,
    errors: FieldErrors,
}

fn vote_page(
    ctx: &Ctx,
    r: &Referendum,
    lookup: &Lookup,
    typed: &Typed<'_>,
    errors: FieldErrors,
) -> VotePage {
    let mut page = Page::titled(ctx, "referenda-vote-title");
    page.title = format!("{} – {}", page.title, r.title);
    let view = ReferendumView::new(r, lookup, &page, None, typed);
    let mut voter = VoterFields::typed(&Entitled(r.min_age), typed, true, false);
    voter.district = Some(view.district.clone());
    VotePage {
        address: typed.get("address").to_owned(),
        r: view,
        voter,
        errors,
        page,
    }
}

/// Refusals before the form: sign in first; outside voting, the referendum's page says why.
fn may_vote(ctx: &Ctx, r: &Referendum) -> Result<Option<Response>, Error> {
    match rules::may(&actor(ctx), Action::Vote, r.phase(miasto_store::now())) {
        Ok(()) => Ok(None),
        Err(Refusal::SignIn) => Err(Error::LoginRequired),
        Err(_) => Ok(Some(redirect_with_flash(
            ctx,
            &format!("/referenda/{}", r.number),
            "flash-referendum-not-voting",
        ))),
    }
}

/// `GET /referenda/{number}/vote`: the ballot, signed in, while voting is open.
pub async fn vote_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if let Some(away) = may_vote(&ctx, &r)? {
        return Ok(away);
    }
    let lookup = Lookup::load(&state).await?;
    let errors = FieldErrors::new(ctx.locale);
    Ok(render(&vote_page(&ctx, &r, &lookup, &Typed(&[]), errors))?.into_response())
}

/// Reads the answers (`q0`, `q1`, … each an answer's number, or nothing for a blank).
pub(crate) fn read_answers(
    r: &Referendum,
    typed: &Typed<'_>,
    errors: &mut FieldErrors,
) -> Vec<(uuid::Uuid, u16)> {
    let answers: Vec<Option<u16>> = (0..r.questions.len())
        .map(|i| {
            let raw = typed.get(&format!("q{i}")).trim();
            if raw.is_empty() {
                None
            } else {
                Some(raw.parse().unwrap_or(u16::MAX))
            }
        })
        .collect();
    match rules::check_answers(&r.questions, &answers) {
        Ok(marks) => marks,
        Err(_) => {
            errors.add_message(FieldErrors::FORM, "referenda-error-answer");
            Vec::new()
        }
    }
}

/// Places the typed address in a district by the district boundaries: Ok(()) when it lies in
/// the referendum's district or the platform has no geocoder (the declaration stands alone).
async fn check_address(
    state: &AppState,
    lookup: &Lookup,
    r: &Referendum,
    typed: &str,
    errors: &mut FieldErrors,
) {
    if typed.trim().is_empty() {
        errors.add("address", miasto_domain::FieldError::Required);
        return;
    }
    if !state.geocoder().is_on() {
        return;
    }
    let found = state
        .geocoder()
        .search(typed, 1)
        .await
        .unwrap_or_default()
        .into_iter()
        .next()
        .filter(|f| f.precision == miasto_domain::places::Precision::Address);
    let Some(found) = found else {
        errors.add_message("address", "referenda-error-address-unknown");
        return;
    };
    let here = state.districts().locate(found.place.point);
    let theirs = lookup.district(r.district).map(|d| d.number);
    if here.is_none() || here != theirs {
        errors.add_message(
            "address",
            &format!("error-{}", Refusal::OutsideDistrict.code()),
        );
    }
}

/// `POST /referenda/{number}/vote`: identity (PESEL and name, of the referendum's age), the
/// address in the district, the residency declaration and the answers; sealed and stored once.
pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if let Some(away) = may_vote(&ctx, &r)? {
        return Ok(away);
    }
    let user = ctx.require_user()?.user.id;
    let lookup = Lookup::load(&state).await?;
    let typed = Typed(&form.pairs);
    let mut errors = FieldErrors::new(ctx.locale);
    let identity = read_identity(
        &Entitled(r.min_age),
        &typed,
        miasto_store::today(),
        Route::Declared,
        &mut errors,
    );
    check_address(&state, &lookup, &r, typed.get("address"), &mut errors).await;
    let marks = read_answers(&r, &typed, &mut errors);
    let again = |errors: FieldErrors, status: StatusCode| -> Result<Response, Error> {
        Ok((
            status,
            render(&vote_page(&ctx, &r, &lookup, &typed, errors))?,
        )
            .into_response())
    };
    let Some(identity) = identity.filter(|_| errors.is_empty()) else {
        return again(errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let secret = state.config().secret.expose().as_bytes();
    let keys = Identity::keys(&identity, secret, r.id);
    let tx = miasto_store::begin(state.db()).await?;
    match store::vote(&tx, &r, &keys, user, &marks, secret).await {
        Ok(()) => {}
        Err(ReferendumError::Refused(refusal)) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
            let status =
                StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
            return again(errors, status);
        }
        Err(ReferendumError::Store(e)) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/referenda/{}", r.number),
        "flash-referendum-voted",
    ))
}

/// `GET /referenda/{number}/ballots.csv`: every opened ballot (a random id, the channel and
/// each question's answer), for anyone to recount; 404 before the count.
pub async fn ballots_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    if r.status != rules::Status::Counted {
        return Err(Error::NotFound);
    }
    let page = Page::new(&ctx, String::new());
    let labels: Vec<Vec<String>> = r
        .questions
        .iter()
        .map(|q| answer_labels(&page, q))
        .collect();
    let mut out = String::from("\u{feff}");
    let mut header = vec!["ballot".to_owned(), "channel".to_owned()];
    header.extend((1..=r.questions.len()).map(|i| format!("question_{i}")));
    crate::opendata::export::csv_line(&mut out, &header);
    for b in store::opened_ballots(state.db(), &r).await? {
        let mut row = vec![b.id.to_string(), b.channel.as_str().to_owned()];
        row.extend(b.answers.iter().zip(&labels).map(|(a, l)| {
            a.and_then(|a| l.get(usize::from(a)).cloned())
                .unwrap_or_default()
        }));
        crate::opendata::export::csv_line(&mut out, &row);
    }
    let name = format!(
        "attachment; filename=\"referendum-{}-ballots.csv\"",
        r.number
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, name),
        ],
        out,
    )
        .into_response())
}
