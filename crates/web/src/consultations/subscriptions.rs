//! Subscriptions: residents choose a district and a topic (either may be "any") and hear by
//! e-mail when a consultation on it opens and when its report is published; every e-mail ends
//! with a link that ends the subscription without logging in (an HMAC of the subscription
//! under the server secret). Opening e-mails are jobs scheduled for the opening under one key
//! per consultation and account, so a moved date or a cancellation takes them back.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::Form;
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use miasto_domain::consultations::{Interest, Topic};
use miasto_domain::{DistrictId, Email, UserId};
use miasto_store::ConnectionTrait;
use miasto_store::consultations::subscriptions::{self as store, Subscription};
use miasto_store::consultations::{self as consultations, Consultation};
use miasto_store::jobs::{self, Job};
use serde::Deserialize;
use uuid::Uuid;

/// The token in a subscription's unsubscribe link.
fn token(state: &AppState, id: Uuid) -> String {
    miasto_store::rate_limit::key(
        state.config().secret.expose().as_bytes(),
        "unsubscribe",
        &id.to_string(),
    )
    .rsplit(':')
    .next()
    .unwrap_or_default()
    .to_owned()
}

fn unsubscribe_link(state: &AppState, id: Uuid) -> String {
    format!(
        "{}/consultations/subscriptions/{id}/unsubscribe?t={}",
        state.config().base_url.trim_end_matches('/'),
        token(state, id)
    )
}

fn news(
    state: &AppState,
    c: &Consultation,
    to: &store::Subscriber,
    kind: &str,
    path: &str,
) -> Result<Option<Job>, Error> {
    let Ok(email) = Email::parse(&to.email) else {
        return Ok(None);
    };
    let when = format!(
        "{} – {}",
        super::day(c.schedule.opens, to.locale),
        super::day(c.schedule.closes - chrono::Duration::seconds(1), to.locale)
    );
    let link = format!("{}{path}", state.config().base_url.trim_end_matches('/'));
    let message = crate::emails::consultation_news(
        to.locale,
        &email,
        kind,
        &c.plan.title,
        &when,
        &link,
        &unsubscribe_link(state, to.subscription),
    )?;
    Ok(Some(Job::SendEmail(message)))
}

fn opening_key(consultation: Uuid, user: UserId) -> String {
    format!("consult-open:{consultation}:{}", user.0)
}

/// (Re)schedules the e-mails that tell subscribers a consultation opens: call it in the
/// transaction that publishes, changes or calls off a consultation. Before the opening, the
/// queued ones are taken back and written again for the current dates and subscribers;
/// nothing is sent for one called off, reported or already open.
pub async fn schedule_opening(
    state: &AppState,
    tx: &impl ConnectionTrait,
    slug: &str,
) -> Result<(), Error> {
    let Some(c) = consultations::get_by_slug(tx, slug).await? else {
        return Ok(());
    };
    let now = miasto_store::now();
    if c.schedule.opens <= now {
        return Ok(());
    }
    jobs::withdraw_prefix(tx, &format!("consult-open:{}:", c.id)).await?;
    if c.published_at.is_none() || c.cancelled_at.is_some() || c.reported_at.is_some() {
        return Ok(());
    }
    let path = format!("/consultations/{}", c.slug);
    let subscribers = store::subscribers(tx, &c.organisation.area, &c.organisation.topics).await?;
    for s in &subscribers {
        if let Some(job) = news(state, &c, s, "opened", &path)? {
            jobs::enqueue_at(tx, &job, c.schedule.opens, &opening_key(c.id, s.user)).await?;
        }
    }
    Ok(())
}

/// Tells the subscribers not among `told` (the participants, told already) that the report of
/// `c` is published.
pub async fn tell_report(
    state: &AppState,
    tx: &impl ConnectionTrait,
    c: &Consultation,
    told: &std::collections::HashSet<String>,
) -> Result<(), Error> {
    let path = format!("/consultations/{}/report", c.slug);
    let mut queued = Vec::new();
    for s in store::subscribers(tx, &c.organisation.area, &c.organisation.topics).await? {
        if told.contains(&s.email) {
            continue;
        }
        if let Some(job) = news(state, c, &s, "reported", &path)? {
            queued.push(job);
        }
    }
    for chunk in queued.chunks(500) {
        jobs::enqueue_many(tx, chunk).await?;
    }
    Ok(())
}

/// A subscription in words: "Podgórze · Zieleń", "Cały Kraków · Każdy temat".
pub fn describe(interest: &Interest, lookup: &Lookup, page: &Page) -> String {
    let place = interest
        .district
        .and_then(|d| lookup.district(d))
        .map_or_else(|| page.t("subscribe-any-district"), |d| d.label());
    let topic = interest.topic.map_or_else(
        || page.t("subscribe-any-topic"),
        |t| page.t(&format!("consult-topic-{}", t.as_str())),
    );
    format!("{place} · {topic}")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubscribeForm {
    pub district: String,
    pub topic: String,
}

/// `POST /consultations/subscriptions`: subscribes the resident (logging in first) and
/// schedules the opening e-mails of consultations already announced.
pub async fn subscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SubscribeForm>,
) -> Result<Response, Error> {
    let Some(current) = &ctx.user else {
        return Ok(Redirect::to("/login?next=/consultations%23subscribe").into_response());
    };
    let lookup = Lookup::load(&state).await?;
    let district = match form.district.trim() {
        "" => None,
        raw => Some(
            DistrictId::parse(raw)
                .filter(|d| lookup.district(*d).is_some())
                .ok_or(Error::BadRequest("form_malformed"))?,
        ),
    };
    let topic = match form.topic.trim() {
        "" => None,
        raw => Some(Topic::parse(raw).ok_or(Error::BadRequest("form_malformed"))?),
    };
    let interest = Interest { district, topic };
    let tx = miasto_store::begin(state.db()).await?;
    let id = store::subscribe(&tx, current.user.id, interest).await?;
    // Consultations announced but not open yet: this subscriber hears when they open.
    let now = miasto_store::now();
    let coming = consultations::list(
        &tx,
        consultations::Filter {
            published_only: true,
            ..Default::default()
        },
    )
    .await?;
    let me = store::Subscriber {
        subscription: id,
        user: current.user.id,
        email: current.user.email.to_string(),
        locale: current.user.locale,
    };
    for c in coming.iter().filter(|c| {
        c.schedule.opens > now
            && c.cancelled_at.is_none()
            && interest.matches(&c.organisation.area, &c.organisation.topics)
    }) {
        let key = opening_key(c.id, current.user.id);
        jobs::withdraw(&tx, &key).await?;
        if let Some(job) = news(
            &state,
            c,
            &me,
            "opened",
            &format!("/consultations/{}", c.slug),
        )? {
            jobs::enqueue_at(&tx, &job, c.schedule.opens, &key).await?;
        }
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        "/consultations#subscribe",
        "flash-subscribed",
    ))
}

/// `POST /consultations/subscriptions/{id}/delete`: the resident ends one from "My city".
pub async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let id = Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let s = store::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if s.user != current.user.id {
        return Err(Error::NotFound);
    }
    store::unsubscribe(state.db(), id).await?;
    Ok(redirect_with_flash(
        &ctx,
        "/my#subscriptions",
        "flash-unsubscribed",
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub t: String,
}

#[derive(Template)]
#[template(path = "consultations/unsubscribe.html")]
struct UnsubscribePage {
    page: Page,
    /// The subscription in words, while it exists.
    what: Option<String>,
    action: String,
    done: bool,
}

/// The subscription the link names, if its token is right.
async fn by_token(state: &AppState, id: &str, t: &str) -> Result<Option<Subscription>, Error> {
    let id = Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    let expected = token(state, id);
    if !subtle_eq(expected.as_bytes(), t.trim().as_bytes()) {
        return Err(Error::NotFound);
    }
    Ok(store::get(state.db(), id).await?)
}

/// Compares in time that does not depend on where they differ.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn unsubscribe_page(
    state: &AppState,
    ctx: &Ctx,
    s: Option<Subscription>,
    id: &str,
    t: &str,
    done: bool,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "unsubscribe-title");
    let what = s.map(|s| describe(&s.interest, &lookup, &page));
    Ok(render(&UnsubscribePage {
        what,
        action: format!("/consultations/subscriptions/{id}/unsubscribe?t={t}"),
        done,
        page,
    })?
    .into_response())
}

/// `GET /consultations/subscriptions/{id}/unsubscribe?t=…`: what the link ends, and the one
/// button that ends it (a link opened by a mail scanner changes nothing).
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Error> {
    let s = by_token(&state, &id, &q.t).await?;
    unsubscribe_page(&state, &ctx, s, &id, q.t.trim(), false).await
}

/// `POST /consultations/subscriptions/{id}/unsubscribe?t=…`: ends it, without logging in.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    if let Some(s) = by_token(&state, &id, &q.t).await? {
        store::unsubscribe(state.db(), s.id).await?;
    }
    unsubscribe_page(&state, &ctx, None, &id, q.t.trim(), true).await
}

/// An account's subscriptions for "My city": (id, in words).
pub async fn of_user(
    state: &AppState,
    user: UserId,
    page: &Page,
) -> Result<Vec<(String, String)>, Error> {
    let lookup = Lookup::load(state).await?;
    Ok(store::of_user(state.db(), user)
        .await?
        .iter()
        .map(|s| (s.id.to_string(), describe(&s.interest, &lookup, page)))
        .collect())
}
