//! Public consultations: the public list and a consultation's page (its plan, schedule and
//! where it stands), and the officials' pages that plan, publish and call them off
//! ([`staff`]). What may happen when is `domain::consultations::may`.

pub mod answers;
pub mod comments;
pub mod documents;
pub mod groups;
pub mod meetings;
pub mod moderation;
pub mod staff;
pub mod statements;
pub mod subscriptions;
pub mod survey;
pub mod templates;

use crate::context::Ctx;
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::DistrictId;
use miasto_domain::consultations::{Area, Method, Phase};
use miasto_store::consultations::{self as store, Consultation, Filter};
use serde::Deserialize;

/// A consultation as pages show it.
pub struct ConsultationView {
    pub slug: String,
    pub title: String,
    pub goal: String,
    pub kind: String,
    pub small: bool,
    pub phase: Phase,
    pub phase_label: String,
    pub area: String,
    /// The area drawn on the map as JSON `[[lat, lon], …]` (empty: none drawn).
    pub outline: String,
    pub unit: String,
    pub methods: Vec<String>,
    /// Statement voting is one of its methods.
    pub has_statements: bool,
    /// What it is about, in words.
    pub topics: Vec<String>,
    pub information: String,
    pub opens: String,
    pub closes: String,
    pub report_due: String,
    pub legal_basis: Option<String>,
    pub target_groups: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub cancel_reason: Option<String>,
    /// Days until the report is due (negative: overdue) when the city should be warned.
    pub report_warning: Option<i64>,
}

/// A Kraków calendar day as people write it.
pub fn day(at: DateTime<Utc>, lang: miasto_domain::Locale) -> String {
    date(at.with_timezone(&Warsaw).date_naive(), lang)
}

/// A calendar date as people write it.
pub fn date(d: chrono::NaiveDate, lang: miasto_domain::Locale) -> String {
    match lang {
        miasto_domain::Locale::Pl => d.format("%d.%m.%Y").to_string(),
        miasto_domain::Locale::En => d.format("%-d %B %Y").to_string(),
    }
}

impl ConsultationView {
    pub fn new(c: &Consultation, lookup: &Lookup, page: &Page) -> Self {
        let phase = c.phase(miasto_store::now());
        let area = match &c.organisation.area {
            Area::CityWide => page.t("consult-city-wide"),
            Area::Districts(ids) => ids
                .iter()
                .filter_map(|d| lookup.district(*d))
                .map(|d| d.label())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let last_day = c.schedule.closes - chrono::Duration::seconds(1);
        Self {
            slug: c.slug.clone(),
            title: c.plan.title.clone(),
            goal: c.plan.goal.clone(),
            kind: page.t(&format!("consult-kind-{}", c.plan.kind.as_str())),
            small: c.plan.kind == miasto_domain::consultations::Kind::Small,
            phase,
            phase_label: page.t(&format!("consult-phase-{}", phase.as_str())),
            area,
            outline: c
                .organisation
                .outline
                .as_ref()
                .map(|o| serde_json::json!(o.degrees()).to_string())
                .unwrap_or_default(),
            unit: lookup
                .unit(c.organisation.unit)
                .map(|u| u.names.get(page.lang).to_owned())
                .unwrap_or_default(),
            methods: c
                .organisation
                .methods
                .iter()
                .map(|m| page.t(&format!("consult-method-{}", m.as_str())))
                .collect(),
            has_statements: c.organisation.methods.contains(&Method::Statements),
            topics: c
                .organisation
                .topics
                .iter()
                .map(|t| page.t(&format!("consult-topic-{}", t.as_str())))
                .collect(),
            information: day(c.schedule.information, page.lang),
            opens: day(c.schedule.opens, page.lang),
            closes: day(last_day, page.lang),
            report_due: day(
                c.schedule.report_due - chrono::Duration::seconds(1),
                page.lang,
            ),
            legal_basis: c.plan.legal_basis.clone(),
            target_groups: c.plan.target_groups.clone(),
            contact_name: c.plan.contact_name.clone(),
            contact_email: c.plan.contact_email.to_string(),
            contact_phone: c.plan.contact_phone.as_ref().map(|p| p.as_str().to_owned()),
            cancel_reason: c.cancel_reason.clone(),
            report_warning: miasto_domain::consultations::report_warning(
                phase,
                c.schedule.report_due,
                miasto_store::now(),
            ),
        }
    }

    /// The tag's colour: open ones stand out, finished ones are calm.
    pub fn tag_class(&self) -> &'static str {
        match self.phase {
            Phase::Open => "tag-open",
            Phase::Reported => "tag-closed",
            Phase::Cancelled => "tag-negative",
            _ => "",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub district: String,
    pub topic: String,
}

#[derive(Template)]
#[template(path = "consultations/index.html")]
struct IndexPage {
    page: Page,
    /// (heading, its consultations), in the order residents care about.
    groups: Vec<(String, Vec<ConsultationView>)>,
    districts: Vec<SelectOption>,
    district: String,
    topics: Vec<SelectOption>,
    topic: String,
    empty: bool,
    /// The filters for the map's data.
    map_query: String,
}

pub async fn list_consultations(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "consult-title");
    let filter = Filter {
        published_only: true,
        district: DistrictId::parse(&q.district).filter(|d| lookup.district(*d).is_some()),
        open_at: None,
        topic: miasto_domain::consultations::Topic::parse(&q.topic),
    };
    let all = store::list(state.db(), filter).await?;
    let mut groups: Vec<(String, Vec<ConsultationView>)> = [
        "consult-group-open",
        "consult-group-coming",
        "consult-group-analysis",
        "consult-group-reported",
        "consult-group-cancelled",
    ]
    .iter()
    .map(|id| (page.t(id), Vec::new()))
    .collect();
    for c in &all {
        let view = ConsultationView::new(c, &lookup, &page);
        let group = match view.phase {
            Phase::Open => 0,
            Phase::Announced | Phase::Information | Phase::Draft => 1,
            Phase::Analysis => 2,
            Phase::Reported => 3,
            Phase::Cancelled => 4,
        };
        groups[group].1.push(view);
    }
    // Coming ones soonest first.
    groups[1].1.reverse();
    let empty = all.is_empty();
    groups.retain(|(_, items)| !items.is_empty());
    Ok(render(&IndexPage {
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        map_query: serde_urlencoded::to_string([
            ("district", q.district.as_str()),
            ("topic", q.topic.as_str()),
        ])
        .unwrap_or_default(),
        district: q.district,
        topics: options(
            miasto_domain::consultations::Topic::ALL
                .iter()
                .map(|t| (t.as_str(), page.t(&format!("consult-topic-{}", t.as_str())))),
            &q.topic,
        ),
        topic: q.topic,
        groups,
        empty,
        page,
    })?
    .into_response())
}

/// `GET /consultations/map.geojson`: every district's area (simplified) with the open and
/// coming consultations that concern it — city-wide ones in every district —, filtered like
/// the list, for the map beside it (the list says the same in words).
pub async fn consultations_geojson(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "consult-title");
    let filter = Filter {
        published_only: true,
        district: DistrictId::parse(&q.district).filter(|d| lookup.district(*d).is_some()),
        open_at: None,
        topic: miasto_domain::consultations::Topic::parse(&q.topic),
    };
    let all = store::list(state.db(), filter).await?;
    // The open and coming ones, each with what a popup shows.
    let current: Vec<(&Consultation, serde_json::Value)> = all
        .iter()
        .filter_map(|c| {
            let v = ConsultationView::new(c, &lookup, &page);
            matches!(v.phase, Phase::Open | Phase::Announced | Phase::Information).then(|| {
                (
                    c,
                    serde_json::json!({
                        "title": v.title,
                        "path": format!("/consultations/{}", v.slug),
                        "phase": v.phase_label,
                        "open": v.phase == Phase::Open,
                        "city_wide": matches!(c.organisation.area, Area::CityWide),
                    }),
                )
            })
        })
        .collect();
    let mut features = Vec::new();
    for (number, geometry) in state.district_drawings() {
        let Some(d) = lookup.districts.iter().find(|d| d.number == *number) else {
            continue;
        };
        let here: Vec<&serde_json::Value> = current
            .iter()
            .filter(|(c, _)| match &c.organisation.area {
                Area::CityWide => true,
                Area::Districts(ids) => ids.contains(&d.id),
            })
            .map(|(_, item)| item)
            .collect();
        let geometry: serde_json::Value = serde_json::from_str(geometry)
            .map_err(|e| Error::internal(format!("district drawing: {e}")))?;
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "district": d.label(),
                "count": here.len(),
                "consultations": here,
            }
        }));
    }
    // Areas drawn on the map, over the districts.
    for (c, item) in &current {
        let Some(outline) = &c.organisation.outline else {
            continue;
        };
        let mut ring: Vec<[f64; 2]> = outline
            .degrees()
            .iter()
            .map(|(lat, lon)| [*lon, *lat])
            .collect();
        ring.extend(ring.first().copied());
        let mut properties = item.clone();
        properties["outline"] = serde_json::Value::Bool(true);
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": [ring] },
            "properties": properties,
        }));
    }
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features });
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/geo+json"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.to_string(),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "consultations/show.html")]
struct ShowPage {
    page: Page,
    c: ConsultationView,
    /// The plan takes comments online.
    takes_comments: bool,
    /// A comment may be written now (the form is shown).
    may_comment: bool,
    /// The viewer may hide comments (a form on each).
    may_moderate: bool,
    comments: Vec<comments::CommentView>,
    pager: crate::page::Pager,
    body: String,
    errors: crate::form::FieldErrors,
    documents: Vec<documents::DocumentLink>,
    /// The plan has a survey.
    survey: bool,
    /// The plan has statement voting.
    statements: bool,
    meetings: Vec<meetings::MeetingView>,
    duty_hours: Vec<meetings::DutyView>,
}

/// A published consultation, or 404.
pub(crate) async fn find_public(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    store::get_by_slug(state.db(), slug)
        .await?
        .filter(|c| c.published_at.is_some())
        .ok_or(Error::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    pub page: String,
}

pub(crate) async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    body: String,
    errors: crate::form::FieldErrors,
    number: Option<u64>,
    status: axum::http::StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, c.plan.title.clone());
    let view = ConsultationView::new(c, &lookup, &page);
    let takes = comments::takes_comments(c);
    let (list, pager) = comments::comment_page(
        state,
        &page,
        c,
        number,
        &format!("/consultations/{}", c.slug),
    )
    .await?;
    // Anyone may see the form while it is open (logging in is asked for on sending).
    let may_comment = takes && view.phase == Phase::Open;
    let actor = miasto_domain::consultations::Actor {
        user: ctx.user.as_ref().map(|u| u.user.id),
        role: ctx.user.as_ref().map(|u| u.user.role),
    };
    let may_moderate = miasto_domain::consultations::may(
        &actor,
        miasto_domain::consultations::Action::Moderate,
        view.phase,
    )
    .is_ok();
    let (meetings, duty_hours) = meetings::overview(state, c, &page).await?;
    Ok((
        status,
        render(&ShowPage {
            meetings,
            duty_hours,
            page,
            c: view,
            takes_comments: takes,
            may_comment,
            may_moderate,
            comments: list,
            pager,
            body,
            errors,
            documents: documents::links(state, c).await?,
            survey: c
                .organisation
                .methods
                .contains(&miasto_domain::consultations::Method::Survey),
            statements: c
                .organisation
                .methods
                .contains(&miasto_domain::consultations::Method::Statements),
        })?,
    )
        .into_response())
}

pub async fn show_consultation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let number = crate::admin::page_number(&q.page)?;
    let errors = crate::form::FieldErrors::new(ctx.locale);
    show_page(
        &state,
        &ctx,
        &c,
        String::new(),
        errors,
        number,
        axum::http::StatusCode::OK,
    )
    .await
}
