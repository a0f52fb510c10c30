//! The geocoder port: finding what a resident types on the map and naming the address nearest
//! a pin. Two implementations: the city's gazetteer, searched in memory
//! ([`miasto_domain::places::Gazetteer`]), or a Nominatim- or Photon-compatible HTTP service set
//! by configuration. Without either the address stays free text.
//!
//! A service that is slow, down or answers nonsense is an [`Unavailable`] error, which callers
//! treat as "nothing found": a report is never refused because a geocoder failed. What was
//! typed is never logged (it may be a home address).

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::Request;
use hyper::header::{ACCEPT, ACCEPT_LANGUAGE, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;
use miasto_domain::geo::Point;
use miasto_domain::places::{Found, Gazetteer, Place, Precision, Query};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use url::Url;

/// The geocoder failed; treat as "nothing found".
#[derive(Debug, thiserror::Error)]
#[error("the geocoding service is unavailable: {0}")]
pub struct Unavailable(String);

/// Which kind of service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// `GET /search?q=…&format=jsonv2`, `GET /reverse?lat=…&lon=…&format=jsonv2`.
    #[default]
    Nominatim,
    /// `GET /api?q=…`, `GET /reverse?lat=…&lon=…` (GeoJSON).
    Photon,
}

/// A Nominatim- or Photon-compatible service.
#[derive(Debug, Clone)]
pub struct Service {
    base: Url,
    api: Api,
    user_agent: String,
    /// The city's box: results are kept inside it.
    bounds: Option<(Point, Point)>,
    timeout: Duration,
    /// Recent answers (public pages name the street at a pin on every view).
    cache: Arc<std::sync::Mutex<Cache>>,
}

/// Answers kept for an hour, forgotten all at once when there are too many.
#[derive(Debug, Default)]
struct Cache {
    searches: HashMap<String, (Instant, Vec<Found>)>,
    nearest: HashMap<(i64, i64), (Instant, Option<Place>)>,
}

const CACHE_FOR: Duration = Duration::from_secs(3600);
const CACHE_ENTRIES: usize = 5000;

fn cached<K: std::hash::Hash + Eq, V: Clone>(map: &HashMap<K, (Instant, V)>, key: &K) -> Option<V> {
    map.get(key)
        .filter(|(at, _)| at.elapsed() < CACHE_FOR)
        .map(|(_, v)| v.clone())
}

fn keep<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, (Instant, V)>, key: K, value: V) {
    if map.len() >= CACHE_ENTRIES {
        map.clear();
    }
    map.insert(key, (Instant::now(), value));
}

/// At most this much of a service's answer is read.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

impl Service {
    /// `base` is the service's address (`https://nominatim.example.org/`); `user_agent`
    /// identifies the platform, as the public services' usage policies ask.
    pub fn new(
        base: &str,
        api: Api,
        user_agent: String,
        bounds: Option<(Point, Point)>,
    ) -> Result<Self, String> {
        let mut base = Url::parse(base).map_err(|e| format!("geocoder URL: {e}"))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err("geocoder URL: use http:// or https:// with a host".to_owned());
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self {
            base,
            api,
            user_agent,
            bounds,
            timeout: Duration::from_secs(5),
            cache: Arc::default(),
        })
    }

    /// Overrides the time allowed for one answer (5 s by default).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn url(&self, path: &str, params: &[(&str, String)]) -> Result<Url, Unavailable> {
        let mut url = self
            .base
            .join(path)
            .map_err(|e| Unavailable(e.to_string()))?;
        url.query_pairs_mut()
            .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(url)
    }

    fn box_params(&self) -> Vec<(&'static str, String)> {
        let Some((sw, ne)) = self.bounds else {
            return Vec::new();
        };
        match self.api {
            Api::Nominatim => vec![
                (
                    "viewbox",
                    format!("{},{},{},{}", sw.lon(), ne.lat(), ne.lon(), sw.lat()),
                ),
                ("bounded", "1".to_owned()),
            ],
            Api::Photon => vec![(
                "bbox",
                format!("{},{},{},{}", sw.lon(), sw.lat(), ne.lon(), ne.lat()),
            )],
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn search(&self, typed: &str, limit: usize) -> Result<Vec<Found>, Unavailable> {
        let key = format!("{limit}:{typed}");
        if let Some(found) = cached(&self.cache().searches, &key) {
            return Ok(found);
        }
        let found = self.search_now(typed, limit).await?;
        keep(&mut self.cache().searches, key, found.clone());
        Ok(found)
    }

    fn nearest_key(point: Point) -> (i64, i64) {
        // Points a metre apart share an answer.
        (
            (point.lat() * 1e5).round() as i64,
            (point.lon() * 1e5).round() as i64,
        )
    }

    /// An answer already asked for and kept, without asking the service.
    fn nearest_cached(&self, point: Point) -> Option<Place> {
        cached(&self.cache().nearest, &Self::nearest_key(point)).flatten()
    }

    async fn nearest(&self, point: Point) -> Result<Option<Place>, Unavailable> {
        let key = Self::nearest_key(point);
        if let Some(place) = cached(&self.cache().nearest, &key) {
            return Ok(place);
        }
        let place = self.nearest_now(point).await?;
        keep(&mut self.cache().nearest, key, place.clone());
        Ok(place)
    }

    async fn search_now(&self, typed: &str, limit: usize) -> Result<Vec<Found>, Unavailable> {
        let mut params = vec![("q", typed.to_owned()), ("limit", limit.to_string())];
        params.extend(self.box_params());
        let url = match self.api {
            Api::Nominatim => {
                params.push(("format", "jsonv2".to_owned()));
                params.push(("addressdetails", "1".to_owned()));
                self.url("search", &params)?
            }
            Api::Photon => self.url("api", &params)?,
        };
        let body = self.get(&url).await?;
        let places = match self.api {
            Api::Nominatim => serde_json::from_slice::<Vec<NominatimPlace>>(&body)
                .map_err(|e| Unavailable(e.to_string()))?
                .into_iter()
                .filter_map(NominatimPlace::place)
                .collect::<Vec<_>>(),
            Api::Photon => photon_places(&body)?,
        };
        let number = Query::parse(typed, &[]).number;
        Ok(places
            .into_iter()
            .filter(|p| self.inside(p.point))
            .map(|place| {
                let precision = match (&place.number, &number) {
                    (Some(found), Some(typed))
                        if miasto_domain::text::words(found).concat() == *typed =>
                    {
                        Precision::Address
                    }
                    (Some(_), _) => Precision::NearestNumber,
                    (None, _) => Precision::Street,
                };
                Found { place, precision }
            })
            .take(limit)
            .collect())
    }

    async fn nearest_now(&self, point: Point) -> Result<Option<Place>, Unavailable> {
        let mut params = vec![
            ("lat", point.lat().to_string()),
            ("lon", point.lon().to_string()),
        ];
        let url = match self.api {
            Api::Nominatim => {
                params.push(("format", "jsonv2".to_owned()));
                params.push(("addressdetails", "1".to_owned()));
                params.push(("zoom", "18".to_owned()));
                self.url("reverse", &params)?
            }
            Api::Photon => self.url("reverse", &params)?,
        };
        let body = self.get(&url).await?;
        Ok(match self.api {
            // "Unable to geocode" comes as {"error": …} with status 200.
            Api::Nominatim => serde_json::from_slice::<NominatimPlace>(&body)
                .ok()
                .and_then(NominatimPlace::place),
            Api::Photon => photon_places(&body)?.into_iter().next(),
        })
    }

    fn inside(&self, point: Point) -> bool {
        self.bounds.is_none_or(|(sw, ne)| {
            (sw.lat()..=ne.lat()).contains(&point.lat())
                && (sw.lon()..=ne.lon()).contains(&point.lon())
        })
    }

    async fn get(&self, url: &Url) -> Result<Bytes, Unavailable> {
        tokio::time::timeout(self.timeout, self.fetch(url))
            .await
            .map_err(|_| Unavailable("no answer in time".to_owned()))?
    }

    async fn fetch(&self, url: &Url) -> Result<Bytes, Unavailable> {
        let fail = |e: &dyn std::fmt::Display| Unavailable(e.to_string());
        let host = url.host_str().ok_or_else(|| fail(&"no host"))?.to_owned();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| fail(&"no port"))?;
        let path = &url[url::Position::BeforePath..];
        let request = Request::get(path)
            .header(
                HOST,
                url.port().map_or(host.clone(), |p| format!("{host}:{p}")),
            )
            .header(USER_AGENT, &self.user_agent)
            .header(ACCEPT, "application/json")
            .header(ACCEPT_LANGUAGE, "pl")
            .body(Empty::<Bytes>::new())
            .map_err(|e| fail(&e))?;
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| fail(&e))?;
        if url.scheme() == "https" {
            let name = rustls::pki_types::ServerName::try_from(host).map_err(|e| fail(&e))?;
            let tls = tls_connector()
                .connect(name, tcp)
                .await
                .map_err(|e| fail(&e))?;
            send(tls, request).await
        } else {
            send(tcp, request).await
        }
    }
}

fn tls_connector() -> tokio_rustls::TlsConnector {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|b| b.with_root_certificates(roots).with_no_client_auth());
    match config {
        Ok(config) => tokio_rustls::TlsConnector::from(Arc::new(config)),
        // The ring provider supports the safe defaults; this cannot be reached.
        Err(_) => tokio_rustls::TlsConnector::from(Arc::new(
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        )),
    }
}

async fn send<S>(stream: S, request: Request<Empty<Bytes>>) -> Result<Bytes, Unavailable>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let fail = |e: &dyn std::fmt::Display| Unavailable(e.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| fail(&e))?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(|e| fail(&e));
    let body = match response {
        Ok(response) if response.status().is_success() => {
            Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map(http_body_util::Collected::to_bytes)
                .map_err(|e| fail(&e))
        }
        Ok(response) => Err(fail(&format!("status {}", response.status()))),
        Err(e) => Err(e),
    };
    driver.abort();
    body
}

#[derive(Debug, Deserialize)]
struct NominatimPlace {
    lat: String,
    lon: String,
    #[serde(default)]
    address: NominatimAddress,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct NominatimAddress {
    road: Option<String>,
    pedestrian: Option<String>,
    square: Option<String>,
    house_number: Option<String>,
    postcode: Option<String>,
    neighbourhood: Option<String>,
    suburb: Option<String>,
}

impl NominatimPlace {
    fn place(self) -> Option<Place> {
        let point = Point::new(self.lat.parse().ok()?, self.lon.parse().ok()?).ok()?;
        let a = self.address;
        let street = a
            .road
            .or(a.pedestrian)
            .or(a.square)
            .or(self.name.filter(|n| !n.is_empty()))
            .or(a.neighbourhood)
            .or(a.suburb)?;
        Some(Place {
            street,
            number: a.house_number,
            postcode: a.postcode,
            point,
        })
    }
}

#[derive(Debug, Deserialize)]
struct PhotonCollection {
    features: Vec<PhotonFeature>,
}

#[derive(Debug, Deserialize)]
struct PhotonFeature {
    geometry: PhotonGeometry,
    properties: PhotonProperties,
}

#[derive(Debug, Deserialize)]
struct PhotonGeometry {
    coordinates: (f64, f64),
}

#[derive(Debug, Deserialize)]
struct PhotonProperties {
    street: Option<String>,
    name: Option<String>,
    housenumber: Option<String>,
    postcode: Option<String>,
}

fn photon_places(body: &[u8]) -> Result<Vec<Place>, Unavailable> {
    let collection: PhotonCollection =
        serde_json::from_slice(body).map_err(|e| Unavailable(e.to_string()))?;
    Ok(collection
        .features
        .into_iter()
        .filter_map(|f| {
            let (lon, lat) = f.geometry.coordinates;
            let p = f.properties;
            Some(Place {
                street: p.street.or(p.name)?,
                number: p.housenumber,
                postcode: p.postcode,
                point: Point::new(lat, lon).ok()?,
            })
        })
        .collect())
}

/// The platform's geocoder.
#[derive(Debug, Clone, Default)]
pub enum Geocoder {
    /// Addresses stay free text.
    #[default]
    Off,
    Gazetteer(Arc<Gazetteer>),
    Service(Arc<Service>),
}

impl Geocoder {
    pub fn is_on(&self) -> bool {
        !matches!(self, Self::Off)
    }

    /// The places that best answer `typed`, best first.
    pub async fn search(&self, typed: &str, limit: usize) -> Result<Vec<Found>, Unavailable> {
        let typed = typed.trim();
        if typed.chars().count() < 3 {
            return Ok(Vec::new());
        }
        match self {
            Self::Off => Ok(Vec::new()),
            Self::Gazetteer(g) => Ok(g.search(typed, limit)),
            Self::Service(s) => s.search(typed, limit).await,
        }
    }

    /// Like [`Geocoder::nearest`] but never waits on a remote service: the gazetteer answers,
    /// a service only from what it answered before. For lists, where asking a public service
    /// once per row would break its usage policy (Nominatim's: one request a second).
    pub fn nearest_known(&self, point: Point, within_m: f64) -> Option<Place> {
        match self {
            Self::Off => None,
            Self::Gazetteer(g) => g.nearest(point, within_m),
            Self::Service(s) => s
                .nearest_cached(point)
                .filter(|p| p.point.distance_m(point) <= within_m),
        }
    }

    /// The address nearest `point`, if one is within `within_m` metres.
    pub async fn nearest(&self, point: Point, within_m: f64) -> Result<Option<Place>, Unavailable> {
        match self {
            Self::Off => Ok(None),
            Self::Gazetteer(g) => Ok(g.nearest(point, within_m)),
            Self::Service(s) => Ok(s
                .nearest(point)
                .await?
                .filter(|p| p.point.distance_m(point) <= within_m)),
        }
    }
}
