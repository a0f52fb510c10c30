//! "My city": a resident's own activity across the platform — their reports and ideas, the
//! reports they support — with plain empty states where there is nothing yet. Consultations
//! and the citizens' budget add their sections as they arrive.

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::reports::{Lookup, ReportView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use miasto_store::reports::{self, ListFilter, Sort};

/// A comment of the resident's in a consultation, with the answer once published and why a
/// moderator hid it, if one did.
struct MyComment {
    title: String,
    link: String,
    day: String,
    body: String,
    hidden: Option<String>,
    /// Waiting for a moderator.
    pending: bool,
    answer: Option<crate::consultations::comments::AnswerView>,
}

#[derive(Template)]
#[template(path = "accounts/my_city.html")]
struct MyCityPage {
    page: Page,
    email: String,
    confirmed: bool,
    reports: Vec<ReportView>,
    more_reports: bool,
    supported: Vec<ReportView>,
    /// Budget editions voted in: (name, link, the day in words).
    voted: Vec<(String, String, String)>,
    /// Budget votes open now that the resident has not cast: (name, link to the ballot).
    open_votes: Vec<(String, String)>,
    comments: Vec<MyComment>,
    /// Coming meetings and duty-hour times: (what, consultation, when, link, waiting).
    sign_ups: Vec<(String, String, String, String, bool)>,
    /// Subscriptions to consultations: (id, in words).
    subscriptions: Vec<(String, String)>,
    /// Requests with signatures the resident submitted or signed.
    requests: Vec<crate::requests::RequestView>,
    /// Questions to the mayor's meetings the resident asked or follows: (meeting, question,
    /// link, where it stands).
    questions: Vec<(String, String, String, String)>,
    /// District referenda voted in: (title, link, the day in words).
    referenda_voted: Vec<(String, String, String)>,
    /// Referenda voting now not voted in: (title, district, link to the ballot).
    referenda_open: Vec<(String, String, String)>,
}

pub async fn show_my_city(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, Error> {
    let current = ctx.require_user()?;
    let lookup = Lookup::load(&state).await?;
    let filter = ListFilter {
        reporter: Some(current.user.id),
        sort: Sort::Newest,
        ..Default::default()
    };
    let mine = reports::list(state.db(), &filter, miasto_store::Page::new(None, Some(20))).await?;
    let supported = reports::supported_by(state.db(), current.user.id, 20).await?;
    let view = |r: &reports::Report| ReportView::new(r, &lookup, ctx.locale, None);
    let votes = miasto_store::budget::votes_of(state.db(), current.user.id).await?;
    let mut voted = Vec::new();
    let mut open_votes = Vec::new();
    for edition in miasto_store::budget::editions(state.db()).await? {
        let path = format!("/budget/{}", edition.slug);
        match votes.iter().find(|(id, _)| *id == edition.id) {
            Some((_, day)) => voted.push((
                edition.name(ctx.locale).to_owned(),
                path,
                day.map(|d| crate::budget::date(ctx.locale, d))
                    .unwrap_or_default(),
            )),
            None if edition.phase(miasto_store::now()) == miasto_domain::budget::Phase::Voting => {
                open_votes.push((edition.name(ctx.locale).to_owned(), format!("{path}/vote")));
            }
            None => {}
        }
    }
    let (referenda_voted, referenda_open) = my_referenda(&state, &ctx, &lookup).await?;
    let mine_comments =
        miasto_store::consultations::comments_of(state.db(), current.user.id, 20).await?;
    // Answers only once the report has published them.
    let answer_ids: Vec<uuid::Uuid> = mine_comments
        .iter()
        .filter_map(|(k, ..)| k.answer)
        .collect();
    let answers =
        miasto_store::consultations::answers::get_many(state.db(), &answer_ids, true).await?;
    let page = Page::titled(&ctx, "my-title");
    let comments = mine_comments
        .into_iter()
        .map(|(k, slug, title)| MyComment {
            answer: k
                .answer
                .and_then(|a| answers.get(&a))
                .map(|a| crate::consultations::comments::AnswerView::new(a, &page)),
            title,
            link: format!("/consultations/{slug}#comments"),
            day: crate::consultations::day(k.created_at, ctx.locale),
            body: k.body,
            pending: k.pending,
            hidden: k.hidden_reason,
        })
        .collect();
    let sign_ups = miasto_store::consultations::meetings::sign_ups_of(state.db(), current.user.id)
        .await?
        .into_iter()
        .map(|s| {
            let when = crate::consultations::day(s.starts, ctx.locale)
                + &s.starts
                    .with_timezone(&chrono_tz::Europe::Warsaw)
                    .format(", %H:%M")
                    .to_string();
            (s.what, s.consultation, when, s.path, s.waiting)
        })
        .collect();
    let subscriptions =
        crate::consultations::subscriptions::of_user(&state, current.user.id, &page).await?;
    let mut own = miasto_store::requests::list(
        state.db(),
        &miasto_store::requests::Filter {
            author: Some(current.user.id),
            ..Default::default()
        },
        miasto_store::Page::new(None, Some(20)),
    )
    .await?
    .items;
    for r in miasto_store::requests::signed_requests(state.db(), current.user.id, 20).await? {
        if !own.iter().any(|o| o.id == r.id) {
            own.push(r);
        }
    }
    let requests = crate::requests::views(&state, &own, &lookup, &page).await?;
    let questions = miasto_store::dialogue::followed_by(state.db(), current.user.id, 20)
        .await?
        .into_iter()
        .map(|(q, m)| {
            let published = m.published_at.is_some();
            let state = if published {
                page.t("dialogue-phase-published")
            } else {
                page.t(&format!("dialogue-status-{}", q.status.as_str()))
            };
            (
                m.plan.title,
                q.body,
                format!("/dialogue/{}#q-{}", m.number, q.number),
                state,
            )
        })
        .collect();
    render(&MyCityPage {
        questions,
        referenda_voted,
        referenda_open,
        requests,
        subscriptions,
        sign_ups,
        comments,
        page,
        email: current.user.email.to_string(),
        confirmed: current.user.is_confirmed(),
        more_reports: mine.has_next(),
        reports: mine.items.iter().map(view).collect(),
        supported: supported.iter().map(view).collect(),
        voted,
        open_votes,
    })
}

type Lines = Vec<(String, String, String)>;

/// The referenda the account voted in (never how), and those voting now it has not.
async fn my_referenda(
    state: &AppState,
    ctx: &Ctx,
    lookup: &Lookup,
) -> Result<(Lines, Lines), Error> {
    let me = ctx.require_user()?.user.id;
    let votes = miasto_store::ballot_box::votes_of(state.db(), me).await?;
    let (mut voted, mut open) = (Vec::new(), Vec::new());
    for r in miasto_store::referenda::list(state.db(), false).await? {
        let path = format!("/referenda/{}", r.number);
        match votes.iter().find(|(id, _)| *id == r.id) {
            Some((_, day)) => voted.push((
                r.title,
                path,
                day.map(|d| crate::budget::date(ctx.locale, d))
                    .unwrap_or_default(),
            )),
            None if r.phase(miasto_store::now()) == miasto_domain::referenda::Phase::Voting => {
                let district = lookup
                    .district(r.district)
                    .map(|d| d.label())
                    .unwrap_or_default();
                open.push((r.title, district, format!("{path}/vote")));
            }
            None => {}
        }
    }
    Ok((voted, open))
}
