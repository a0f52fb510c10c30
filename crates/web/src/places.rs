//! Places on the forms: address search for the maps (JSON for `map.js`), and the same help
//! without JavaScript — a typed address puts the pin on the map, a pin names its street, and
//! an address far from its pin is pointed out before anything is sent.

use crate::accounts::client_key;
use crate::security::ClientKey;
use crate::{AppState, Error};
use axum::extract::{Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use miasto_domain::geo::Point;
use miasto_domain::places::{Found, Place, Precision, disagreement_m};
use miasto_store::rate_limit::{self, Decision};
use serde::Deserialize;

/// At most this many answers to a search.
const RESULTS: usize = 5;

/// A pin names the address nearest it when one is this close.
const NAMING_RADIUS_M: f64 = 75.0;

fn place_json(state: &AppState, place: &Place, precision: Option<Precision>) -> serde_json::Value {
    serde_json::json!({
        "label": place.label(),
        "street": place.street,
        "number": place.number,
        "postcode": place.postcode,
        "lat": place.point.lat(),
        "lon": place.point.lon(),
        "precision": precision.map(Precision::as_str),
        "in_city": state.districts().locate(place.point).is_some(),
    })
}

fn json(body: &serde_json::Value) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "private, max-age=300"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn within_limit(state: &AppState, client: &ClientKey) -> Result<(), Error> {
    match rate_limit::hit(
        state.db(),
        &client_key("places", client),
        state.config().limits.places_per_ip,
    )
    .await?
    {
        Decision::Limited { retry_after_secs } => Err(Error::TooManyRequests { retry_after_secs }),
        Decision::Allowed => Ok(()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
}

/// `GET /places/search?q=…`: `{"results": [{label, street, number, postcode, lat, lon,
/// precision, in_city}]}`, best first; empty when nothing is found or the platform has no
/// geocoder.
pub async fn search_places(
    State(state): State<AppState>,
    client: ClientKey,
    Query(query): Query<SearchQuery>,
) -> Result<Response, Error> {
    if query.q.chars().count() > miasto_domain::reports::intake::ADDRESS_MAX {
        return Err(Error::BadRequest("form_malformed"));
    }
    within_limit(&state, &client).await?;
    let found = search(&state, &query.q, RESULTS).await;
    let results: Vec<serde_json::Value> = found
        .iter()
        .map(|f| place_json(&state, &f.place, Some(f.precision)))
        .collect();
    Ok(json(&serde_json::json!({ "results": results })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NearestQuery {
    pub lat: String,
    pub lon: String,
}

/// `GET /places/nearest?lat=…&lon=…`: `{"place": {…} | null}`, the address nearest the point
/// if one is within 75 m.
pub async fn nearest_place(
    State(state): State<AppState>,
    client: ClientKey,
    Query(query): Query<NearestQuery>,
) -> Result<Response, Error> {
    let point = parse_point(&query.lat, &query.lon).ok_or(Error::BadRequest("form_malformed"))?;
    within_limit(&state, &client).await?;
    let place = nearest(&state, point).await;
    let body = place.map(|p| place_json(&state, &p, None));
    Ok(json(&serde_json::json!({ "place": body })))
}

fn parse_point(lat: &str, lon: &str) -> Option<Point> {
    Point::new(lat.trim().parse().ok()?, lon.trim().parse().ok()?).ok()
}

/// Searches, treating an unavailable service as "nothing found" (logged without the query).
async fn search(state: &AppState, typed: &str, limit: usize) -> Vec<Found> {
    match state.geocoder().search(typed, limit).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "address search failed");
            Vec::new()
        }
    }
}

async fn nearest(state: &AppState, point: Point) -> Option<Place> {
    nearest_within(state, point, NAMING_RADIUS_M).await
}

async fn nearest_within(state: &AppState, point: Point, within_m: f64) -> Option<Place> {
    match state.geocoder().nearest(point, within_m).await {
        Ok(place) => place,
        Err(e) => {
            tracing::warn!(error = %e, "naming the place at a pin failed");
            None
        }
    }
}

/// What the geocoder made of a form's place fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Completed {
    /// The pin was put at the typed address (found exactly, inside the city).
    pub pinned: Option<String>,
    /// The empty address field was filled with the address nearest the pin.
    pub named: Option<String>,
    /// The typed address was found this many metres (rounded to 10) from the pin.
    pub far: Option<(String, u32)>,
}

/// Fills what the resident left out, from what they gave: an address without a pin gets the
/// pin of that exact address; a pin without an address gets the nearest address's name; an
/// address and a pin far apart are reported. Nothing typed is ever replaced.
pub async fn complete(
    state: &AppState,
    address: &mut String,
    lat: &mut String,
    lon: &mut String,
) -> Completed {
    let mut done = Completed::default();
    if !state.geocoder().is_on() {
        return done;
    }
    let typed = address.trim().to_owned();
    let pin = parse_point(lat, lon);
    match (typed.is_empty(), pin) {
        (false, None) if lat.trim().is_empty() && lon.trim().is_empty() => {
            let found = search(state, &typed, 1).await;
            if let Some(f) = found.first()
                && f.precision == Precision::Address
                && state.districts().locate(f.place.point).is_some()
            {
                *lat = format!("{:.6}", f.place.point.lat());
                *lon = format!("{:.6}", f.place.point.lon());
                done.pinned = Some(f.place.label());
            }
        }
        (true, Some(point)) => {
            if let Some(place) = nearest(state, point).await {
                *address = place.label();
                done.named = Some(place.label());
            }
        }
        (false, Some(point)) => {
            let found = search(state, &typed, 1).await;
            if let Some(f) = found.first()
                && let Some(metres) = disagreement_m(f, point)
            {
                // Rounded to 10 m: a distance, not a measurement.
                let rounded = ((metres / 10.0).round() as u32) * 10;
                done.far = Some((f.place.label(), rounded));
            }
        }
        _ => {}
    }
    done
}

/// A place shown on a page: a small map with the pin (drawn by `map.js`) and, for everyone
/// and without JavaScript, the street in words and a link to a full map.
#[derive(Debug, Clone)]
pub struct MapView {
    pub lat: String,
    pub lon: String,
    /// Public pages show a ~100 m circle around the rounded position, never a pin.
    pub approximate: bool,
    /// "ul. Karmelicka" (public: the street only) or "ul. Karmelicka 20" (exact places).
    pub near: Option<String>,
    /// The position in figures, for when no street is known.
    pub figures: String,
    /// The place on openstreetmap.org.
    pub link: String,
}

/// The street near a public (rounded) point, for lists: never waits on a remote service.
pub fn street_near(state: &AppState, point: Point) -> Option<String> {
    state
        .geocoder()
        .nearest_known(point, 150.0)
        .map(|place| place.street)
}

/// The map of `point`; `approximate` for public pages (the point is already rounded there).
pub async fn map_view(state: &AppState, point: Point, approximate: bool) -> MapView {
    let radius = if approximate { 150.0 } else { NAMING_RADIUS_M };
    let near = nearest_within(state, point, radius).await.map(|place| {
        if approximate {
            place.street
        } else {
            Place {
                postcode: None,
                ..place
            }
            .label()
        }
    });
    let digits = if approximate { 3 } else { 5 };
    MapView {
        lat: format!("{:.6}", point.lat()),
        lon: format!("{:.6}", point.lon()),
        approximate,
        near,
        figures: format!("{:.digits$}, {:.digits$}", point.lat(), point.lon()),
        link: format!(
            "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}",
            lat = point.lat(),
            lon = point.lon()
        ),
    }
}

/// The map of a place described in words (a budget project's location), when the geocoder
/// finds it in the city; nothing otherwise (the words stay as written).
pub async fn map_of_text(state: &AppState, text: &str) -> Option<MapView> {
    let (point, label) = point_of_text(state, text).await?;
    let mut view = map_view(state, point, false).await;
    view.near = Some(label);
    Some(view)
}

/// The point and name of the best match for an address typed in words, when it lies in the
/// city; `None` without a geocoder or a match.
pub async fn point_of_text(state: &AppState, text: &str) -> Option<(Point, String)> {
    if text.trim().is_empty() || text.chars().count() > miasto_domain::reports::intake::ADDRESS_MAX
    {
        return None;
    }
    let found = search(state, text, 1).await.into_iter().next()?;
    state.districts().locate(found.place.point)?;
    let label = Place {
        postcode: None,
        ..found.place
    }
    .label();
    Some((found.place.point, label))
}

/// A point sent as two numbers, if it lies in the city.
pub fn point_in_city(state: &AppState, lat: &str, lon: &str) -> Option<Point> {
    parse_point(lat, lon).filter(|p| state.districts().locate(*p).is_some())
}

/// A distance for people: "80 m", "350 m", "1.2 km" ("1,2 km" in Polish).
pub fn distance_label(metres: f64, locale: miasto_domain::Locale) -> String {
    if metres < 1000.0 {
        format!("{} m", ((metres / 10.0).round() * 10.0) as i64)
    } else {
        let km = format!("{:.1}", metres / 1000.0);
        match locale {
            miasto_domain::Locale::Pl => format!("{} km", km.replace('.', ",")),
            miasto_domain::Locale::En => format!("{km} km"),
        }
    }
}
