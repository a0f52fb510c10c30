//! The contact centre for residents: reporting a problem or an idea (two steps: what and
//! where, then the details, with similar reports nearby in between), the public list and
//! report pages, the private tracking page, supports, photos and the "was it solved?"
//! questionnaire; and in `staff`, the pages of the city's staff.

pub mod check;
pub mod create;
pub mod feedback;
pub mod intake;
pub mod list;
pub mod new;
pub mod notify;
pub mod photo;
pub mod show;
pub mod staff;
pub mod support;

use crate::form::FieldErrors;
use crate::{AppState, Error};
use chrono::{DateTime, Utc};
use miasto_domain::geo::Point;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::reports::intake as intake_check;
use miasto_domain::{CategoryId, DistrictId, Locale, UnitId};
use miasto_store::reference::{Category, District, Unit};
use miasto_store::reports::{Location, Report};
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Names of categories, units and districts (small tables every report page reads).
pub struct Lookup {
    pub categories: Vec<Category>,
    pub units: Vec<Unit>,
    pub districts: Vec<District>,
}

/// How long reference data is served from memory. Edits made through this process are seen at
/// once ([`LookupCache::forget`]); on the other nodes of a cluster within this time.
const LOOKUP_TTL: Duration = Duration::from_secs(10);

/// The last [`Lookup`] read, shared by all requests.
#[derive(Default)]
pub struct LookupCache(Mutex<CacheSlot>);

#[derive(Default)]
struct CacheSlot {
    /// Bumped by every `forget`, so a read that began before an edit is not kept after it.
    generation: u64,
    value: Option<(Instant, Arc<Lookup>)>,
}

impl LookupCache {
    fn slot(&self) -> std::sync::MutexGuard<'_, CacheSlot> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Drops the cached data: call after committing a change to categories or units.
    pub fn forget(&self) {
        let mut slot = self.slot();
        slot.generation += 1;
        slot.value = None;
    }
}

impl Lookup {
    pub async fn load(state: &AppState) -> Result<Arc<Self>, Error> {
        let cache = state.lookup_cache();
        let generation = {
            let slot = cache.slot();
            if let Some((at, lookup)) = &slot.value
                && at.elapsed() < LOOKUP_TTL
            {
                return Ok(lookup.clone());
            }
            slot.generation
        };
        let db = state.db();
        let fresh = Arc::new(Self {
            categories: miasto_store::reference::list_categories(db).await?,
            units: miasto_store::reference::list_units(db).await?,
            districts: miasto_store::reference::list_districts(db).await?,
        });
        let mut slot = cache.slot();
        if slot.generation == generation {
            slot.value = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    pub fn category(&self, id: CategoryId) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn district(&self, id: DistrictId) -> Option<&District> {
        self.districts.iter().find(|d| d.id == id)
    }

    pub fn district_by_number(&self, number: u16) -> Option<&District> {
        self.districts.iter().find(|d| d.number == number)
    }
}

/// A report's answers to its category's questions as (question, answer) in the questions'
/// order; choices by their names, several joined; answers to questions since removed by their
/// codes. Staff only: free-text answers are not moderated.
pub fn answer_rows(
    category: Option<&Category>,
    answers: &miasto_domain::questions::Answers,
    locale: Locale,
) -> Vec<(String, String)> {
    let questions = category.map(|c| c.questions.as_slice()).unwrap_or_default();
    let mut rows: Vec<(String, String)> = questions
        .iter()
        .filter_map(|q| {
            let values = answers.get(q.code.as_str())?;
            let shown: Vec<&str> = values
                .iter()
                .map(|v| {
                    q.choices
                        .iter()
                        .find(|c| c.key.as_str() == v)
                        .map_or(v.as_str(), |c| c.name.get(locale))
                })
                .collect();
            Some((q.text.get(locale).to_owned(), shown.join(", ")))
        })
        .collect();
    rows.extend(
        answers
            .iter()
            .filter(|(code, _)| !questions.iter().any(|q| q.code.as_str() == code.as_str()))
            .map(|(code, values)| (code.clone(), values.join(", "))),
    );
    rows
}

/// A status's wording, which differs between problems and ideas.
pub fn status_label(locale: Locale, kind: ReportKind, status: Status) -> String {
    crate::i18n::t(
        locale,
        &format!("status-{}-{}", kind.as_str(), status.as_str()),
    )
}

/// A report ready for a template. Holds nothing personal: contact details are read from the
/// [`Report`] by the few templates allowed to show them.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub number: String,
    pub path: String,
    pub kind_label: String,
    pub category: String,
    pub status_label: String,
    pub open: bool,
    pub district: Option<String>,
    pub unit: String,
    pub created_at: DateTime<Utc>,
    pub days_open: i64,
    pub support_count: i32,
    pub merged_into: Option<(String, String)>,
    pub description: String,
    /// About 100 m off the exact spot.
    pub coarse: Option<Point>,
    pub channel_label: String,
    /// Whole days since it was received.
    pub age_days: i64,
    /// Its first public photo's thumbnail (lists fill it in).
    pub thumb: Option<String>,
    /// The street near its place (lists fill it in when a geocoder knows it).
    pub near: Option<String>,
    /// How far it is from the point a list is sorted by ("350 m", "1.2 km").
    pub distance: Option<String>,
}

impl ReportView {
    pub fn new(
        report: &Report,
        lookup: &Lookup,
        locale: Locale,
        merged_into: Option<&Report>,
    ) -> Self {
        Self {
            number: report.number.to_string(),
            path: report.number.path(),
            kind_label: crate::i18n::t(locale, &format!("kind-{}", report.kind.as_str())),
            category: lookup
                .category(report.category)
                .map(|c| c.names.get(locale).to_owned())
                .unwrap_or_default(),
            status_label: status_label(locale, report.kind, report.status),
            open: !report.status.is_closed(),
            district: report
                .district
                .and_then(|d| lookup.district(d))
                .map(District::label),
            unit: lookup
                .unit(report.unit)
                .map(|u| format!("{} – {}", u.code.as_str(), u.names.get(locale)))
                .unwrap_or_default(),
            created_at: report.created_at,
            days_open: report.days_open(miasto_store::now()),
            support_count: report.support_count,
            merged_into: merged_into.map(|m| (m.number.to_string(), m.number.path())),
            description: report.public_description().to_owned(),
            coarse: report.point.map(Point::coarse),
            age_days: (miasto_store::now() - report.created_at).num_days().max(0),
            thumb: None,
            near: None,
            distance: None,
            channel_label: crate::i18n::t(locale, &format!("channel-{}", report.channel.as_str())),
        }
    }
}

/// What and where: the first step of the report form, carried as hidden fields afterwards.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WhereInput {
    pub kind: String,
    pub category: String,
    pub address: String,
    pub district: String,
    pub lat: String,
    pub lon: String,
}

impl WhereInput {
    /// The query string that reopens the form with these answers.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("kind", self.kind.as_str()),
            ("category", self.category.as_str()),
            ("address", self.address.as_str()),
            ("district", self.district.as_str()),
            ("lat", self.lat.as_str()),
            ("lon", self.lon.as_str()),
        ])
        .unwrap_or_default()
    }

    pub fn kind(&self) -> ReportKind {
        ReportKind::parse(&self.kind).unwrap_or(ReportKind::Problem)
    }
}

/// The checked answers of the first step.
#[derive(Debug, Clone)]
pub struct Where {
    pub category: Category,
    pub location: Location,
}

impl WhereInput {
    /// The first step's answers for the one intake check (`answers` and the details empty).
    pub fn raw<'a>(
        &'a self,
        answers: &'a std::collections::BTreeMap<String, Vec<String>>,
    ) -> intake_check::Raw<'a> {
        intake_check::Raw {
            kind: ReportKind::parse(&self.kind).ok(),
            lat: &self.lat,
            lon: &self.lon,
            address: &self.address,
            district: &self.district,
            ..intake_check::Raw::new(intake_check::CategoryRef::Id(&self.category), answers)
        }
    }
}

/// Checks category and place, the first step of the form, with the one intake check: a
/// point (map, "use my position") decides the district by the city's boundaries and must lie
/// inside the city; without one, an address (the way for screen readers and browsers without
/// JavaScript), with the district if the resident knows it.
pub fn parse_where(
    input: &WhereInput,
    lookup: &Lookup,
    state: &AppState,
    errors: &mut FieldErrors,
) -> Option<Where> {
    let none = std::collections::BTreeMap::new();
    let raw = input.raw(&none);
    match intake_check::check_where(&raw, &lookup.categories, check::districts(state, lookup)) {
        Ok((category, location)) => Some(Where {
            category: category.clone(),
            location,
        }),
        Err(problems) => {
            let category = intake_check::category(&lookup.categories, &raw);
            check::add_to_form(&problems, category, errors);
            None
        }
    }
}
