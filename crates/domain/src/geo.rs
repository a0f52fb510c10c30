//! Geography: points on the map and the districts that contain them.
//!
//! District boundaries are data (GeoJSON), not code: Kraków's 18 ship with the project and are
//! loaded into the database on first start; another city brings its own file. The exact
//! point-in-polygon test runs here in Rust so it works the same on every database engine.

use crate::FieldError;
use geo::{BoundingRect, Contains, MultiPolygon, Rect};
use serde::{Deserialize, Serialize};

/// A WGS84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    lat: f64,
    lon: f64,
}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Result<Self, FieldError> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(Self { lat, lon })
        } else {
            Err(FieldError::NumberInvalid)
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres (haversine; ample for city distances).
    pub fn distance_m(self, other: Point) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }

    /// A box around the point that contains everything within `radius_m` metres, for an
    /// index range scan before the exact distance test.
    pub fn bbox(self, radius_m: f64) -> (Point, Point) {
        let dlat = radius_m / 111_320.0;
        let dlon = radius_m / (111_320.0 * self.lat.to_radians().cos().max(0.01));
        let clamp = |lat: f64, lon: f64| Point {
            lat: lat.clamp(-90.0, 90.0),
            lon: lon.clamp(-180.0, 180.0),
        };
        (
            clamp(self.lat - dlat, self.lon - dlon),
            clamp(self.lat + dlat, self.lon + dlon),
        )
    }

    /// The point snapped to a grid of about 100 m (0.001° of latitude, 0.0015° of longitude at
    /// Kraków's latitude): what public pages and open data show instead of the exact spot.
    pub fn coarse(self) -> Point {
        let snap = |v: f64, step: f64| ((v / step).round() * step * 1e6).round() / 1e6;
        Point {
            lat: snap(self.lat, 0.001),
            lon: snap(self.lon, 0.0015),
        }
    }
}

/// Why a boundary file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("not valid GeoJSON: {0}")]
    Json(String),
    #[error("expected a FeatureCollection")]
    NotACollection,
    #[error("feature {0} has no integer property `{1}`")]
    MissingNumber(usize, String),
    #[error("feature {0} is not a Polygon or MultiPolygon")]
    NotAnArea(usize),
    #[error("district number {0} appears twice")]
    Duplicate(u16),
}

/// How much a district's drawing may leave out, in degrees (about 30 m): the map of
/// consultations' areas stays small on a phone.
pub const DRAWING_EPSILON: f64 = 0.0003;

/// One district's area, with its bounding box for a cheap first test.
#[derive(Debug, Clone)]
pub struct DistrictShape {
    pub number: u16,
    area: MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
}

impl DistrictShape {
    /// Builds a shape from a GeoJSON geometry object (`Polygon` or `MultiPolygon`).
    pub fn from_geometry_json(number: u16, geometry: &str) -> Result<Self, GeoError> {
        let geometry: geojson::Geometry = geometry
            .parse()
            .map_err(|e: geojson::Error| GeoError::Json(e.to_string()))?;
        Self::from_geometry(number, geometry, 0)
    }

    fn from_geometry(
        number: u16,
        geometry: geojson::Geometry,
        index: usize,
    ) -> Result<Self, GeoError> {
        let area = match geo::Geometry::<f64>::try_from(geometry) {
            Ok(geo::Geometry::MultiPolygon(m)) => m,
            Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            _ => return Err(GeoError::NotAnArea(index)),
        };
        let bbox = area.bounding_rect();
        Ok(Self { number, area, bbox })
    }

    /// The area for drawing on a map: simplified (Ramer–Douglas–Peucker, `epsilon` in
    /// degrees) and rounded to five decimals (about a metre), as a GeoJSON geometry's JSON.
    pub fn drawing(&self, epsilon: f64) -> String {
        use geo::{MapCoords, Simplify};
        let simple = self.area.simplify(epsilon).map_coords(|c| geo::Coord {
            x: (c.x * 1e5).round() / 1e5,
            y: (c.y * 1e5).round() / 1e5,
        });
        geojson::GeoJson::Geometry(geojson::Geometry::from(&simple)).to_string()
    }

    pub fn contains(&self, point: Point) -> bool {
        let p = geo::Point::new(point.lon, point.lat);
        let in_bbox = self.bbox.is_some_and(|b| {
            (b.min().x..=b.max().x).contains(&p.x()) && (b.min().y..=b.max().y).contains(&p.y())
        });
        in_bbox && self.area.contains(&p)
    }
}

/// A district read from a boundary file, ready to be stored.
#[derive(Debug, Clone)]
pub struct DistrictFeature {
    pub number: u16,
    /// The feature's own name property, if any (may be misspelt in third-party files).
    pub source_name: Option<String>,
    /// The geometry as a GeoJSON string.
    pub geometry_json: String,
    pub shape: DistrictShape,
}

/// Reads a FeatureCollection whose features carry the district number in `number_property`.
pub fn parse_district_collection(
    text: &str,
    number_property: &str,
) -> Result<Vec<DistrictFeature>, GeoError> {
    let geojson: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| GeoError::Json(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(collection) = geojson else {
        return Err(GeoError::NotACollection);
    };
    let mut out: Vec<DistrictFeature> = Vec::with_capacity(collection.features.len());
    for (index, feature) in collection.features.into_iter().enumerate() {
        let number = feature
            .property(number_property)
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| GeoError::MissingNumber(index, number_property.to_owned()))?;
        if out.iter().any(|d| d.number == number) {
            return Err(GeoError::Duplicate(number));
        }
        let source_name = feature
            .property("name")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        let geometry = feature.geometry.ok_or(GeoError::NotAnArea(index))?;
        let geometry_json = geometry.to_string();
        let shape = DistrictShape::from_geometry(number, geometry, index)?;
        out.push(DistrictFeature {
            number,
            source_name,
            geometry_json,
            shape,
        });
    }
    Ok(out)
}

/// All districts of a city; answers "which district is this point in?".
#[derive(Debug, Clone, Default)]
pub struct DistrictMap {
    districts: Vec<DistrictShape>,
}

impl DistrictMap {
    pub fn new(districts: Vec<DistrictShape>) -> Self {
        Self { districts }
    }

    /// The number of the district containing `point`, or `None` outside the city.
    pub fn locate(&self, point: Point) -> Option<u16> {
        self.districts
            .iter()
            .find(|d| d.contains(point))
            .map(|d| d.number)
    }

    /// Every district's drawing (see [`DistrictShape::drawing`]), by district number.
    pub fn drawings(&self, epsilon: f64) -> Vec<(u16, String)> {
        self.districts
            .iter()
            .map(|d| (d.number, d.drawing(epsilon)))
            .collect()
    }

    /// The districts an area drawn as `corners` (latitude, longitude) lies in or crosses.
    pub fn touched_by(&self, corners: &[(f64, f64)]) -> Vec<u16> {
        use geo::Intersects;
        let ring: Vec<geo::Coord<f64>> = corners
            .iter()
            .map(|(lat, lon)| geo::Coord { x: *lon, y: *lat })
            .collect();
        let drawn = geo::Polygon::new(geo::LineString::from(ring), Vec::new());
        let mut out: Vec<u16> = self
            .districts
            .iter()
            .filter(|d| d.area.intersects(&drawn))
            .map(|d| d.number)
            .collect();
        out.sort_unstable();
        out
    }

    pub fn len(&self) -> usize {
        self.districts.len()
    }

    /// The city's bounding box: its south-west and north-east corners.
    pub fn bounds(&self) -> Option<(Point, Point)> {
        let boxes: Vec<Rect<f64>> = self.districts.iter().filter_map(|d| d.bbox).collect();
        let first = boxes.first()?;
        let (mut min, mut max) = (first.min(), first.max());
        for b in &boxes {
            min.x = min.x.min(b.min().x);
            min.y = min.y.min(b.min().y);
            max.x = max.x.max(b.max().x);
            max.y = max.y.max(b.max().y);
        }
        Some((
            Point::new(min.y, min.x).ok()?,
            Point::new(max.y, max.x).ok()?,
        ))
    }

    /// The middle of the city's bounding box, where maps open.
    pub fn center(&self) -> Option<Point> {
        let (sw, ne) = self.bounds()?;
        Point::new((sw.lat + ne.lat) / 2.0, (sw.lon + ne.lon) / 2.0).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.districts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KRAKOW: &str = include_str!("../../../data/krakow/districts.geojson");

    fn krakow() -> DistrictMap {
        let features = parse_district_collection(KRAKOW, "cartodb_id").unwrap();
        DistrictMap::new(features.into_iter().map(|f| f.shape).collect())
    }

    #[test]
    fn krakow_file_has_eighteen_numbered_districts() {
        let features = parse_district_collection(KRAKOW, "cartodb_id").unwrap();
        let mut numbers: Vec<u16> = features.iter().map(|f| f.number).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=18).collect::<Vec<u16>>());
    }

    #[test]
    fn landmarks_fall_in_their_districts() {
        let map = krakow();
        let cases = [
            ((50.0617, 19.9373), 1),  // Rynek Główny
            ((50.0540, 19.9354), 1),  // Wawel
            ((50.0719, 20.0376), 18), // plac Centralny, Nowa Huta
            ((50.0469, 19.9527), 13), // Zabłocie 22 area, Podgórze
            ((50.0552, 19.8930), 7),  // Błonia edge, Zwierzyniec
        ];
        for ((lat, lon), district) in cases {
            assert_eq!(
                map.locate(Point::new(lat, lon).unwrap()),
                Some(district),
                "{lat},{lon}"
            );
        }
    }

    #[test]
    fn the_map_opens_over_krakow() {
        let centre = krakow().center().unwrap();
        assert!((centre.lat() - 50.047).abs() < 0.01, "{centre:?}");
        assert!((centre.lon() - 20.005).abs() < 0.01, "{centre:?}");
    }

    #[test]
    fn points_outside_krakow_have_no_district() {
        let map = krakow();
        assert_eq!(map.locate(Point::new(52.2297, 21.0122).unwrap()), None); // Warsaw
        assert_eq!(map.locate(Point::new(49.9870, 20.0600).unwrap()), None); // Wieliczka
    }

    #[test]
    fn a_drawn_area_touches_the_districts_it_crosses() {
        let map = krakow();
        // A small square around the Main Square: Stare Miasto only.
        let square = [
            (50.0625, 19.9360),
            (50.0625, 19.9390),
            (50.0610, 19.9390),
            (50.0610, 19.9360),
        ];
        assert_eq!(map.touched_by(&square), vec![1]);
        // From the Main Square to plac Centralny: several districts, both ends among them.
        let long = [
            (50.0617, 19.9373),
            (50.0620, 19.9380),
            (50.0719, 20.0376),
            (50.0715, 20.0370),
        ];
        let touched = map.touched_by(&long);
        assert!(
            touched.contains(&1) && touched.contains(&18) && touched.len() > 2,
            "{touched:?}"
        );
        // Warsaw: none.
        assert!(
            map.touched_by(&[(52.23, 21.01), (52.24, 21.01), (52.24, 21.02)])
                .is_empty()
        );
    }

    #[test]
    fn drawings_are_small_and_still_place_landmarks() {
        let features = parse_district_collection(KRAKOW, "cartodb_id").unwrap();
        let mut total = 0;
        let mut drawn = Vec::new();
        for f in &features {
            let json = f.shape.drawing(DRAWING_EPSILON);
            total += json.len();
            drawn.push(DistrictShape::from_geometry_json(f.number, &json).unwrap());
        }
        assert!(
            total < KRAKOW.len() / 5,
            "{total} bytes of {}",
            KRAKOW.len()
        );
        // The simplified areas still put the landmarks in their districts.
        let map = DistrictMap::new(drawn);
        assert_eq!(map.locate(Point::new(50.0617, 19.9373).unwrap()), Some(1));
        assert_eq!(map.locate(Point::new(50.0719, 20.0376).unwrap()), Some(18));
    }

    #[test]
    fn a_single_geometry_round_trips_through_its_json() {
        let features = parse_district_collection(KRAKOW, "cartodb_id").unwrap();
        let first = &features[0];
        let shape = DistrictShape::from_geometry_json(first.number, &first.geometry_json).unwrap();
        let map = DistrictMap::new(vec![shape]);
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(matches!(
            parse_district_collection("{", "id"),
            Err(GeoError::Json(_))
        ));
        assert!(matches!(
            parse_district_collection(r#"{"type":"Point","coordinates":[1,2]}"#, "id"),
            Err(GeoError::NotACollection)
        ));
        assert!(matches!(
            parse_district_collection(KRAKOW, "no_such_property"),
            Err(GeoError::MissingNumber(0, _))
        ));
    }

    #[test]
    fn distances_and_boxes_are_in_metres() {
        let rynek = Point::new(50.0617, 19.9373).unwrap();
        let wawel = Point::new(50.0540, 19.9354).unwrap();
        let d = rynek.distance_m(wawel);
        assert!((d - 867.0).abs() < 15.0, "{d}");
        assert_eq!(rynek.distance_m(rynek), 0.0);
        let (min, max) = rynek.bbox(100.0);
        let east = Point::new(50.0617, max.lon()).unwrap();
        let north = Point::new(max.lat(), 19.9373).unwrap();
        assert!((rynek.distance_m(east) - 100.0).abs() < 1.0);
        assert!((rynek.distance_m(north) - 100.0).abs() < 1.0);
        assert!(min.lat() < rynek.lat() && min.lon() < rynek.lon());
    }

    #[test]
    fn coarse_points_are_within_about_a_hundred_metres_and_shared_by_neighbours() {
        let p = Point::new(50.061_734, 19.937_512).unwrap();
        let c = p.coarse();
        assert!(p.distance_m(c) < 80.0, "{}", p.distance_m(c));
        let neighbour = Point::new(50.061_9, 19.937_8).unwrap();
        assert_eq!(neighbour.coarse(), c, "nearby points fall into one cell");
        assert_eq!(c.lat(), 50.062);
    }

    #[test]
    fn points_must_be_real_coordinates() {
        assert!(Point::new(f64::NAN, 19.9).is_err());
        assert!(Point::new(91.0, 19.9).is_err());
        assert!(Point::new(50.0, -181.0).is_err());
    }
}
