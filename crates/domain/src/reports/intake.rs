//! The one check of a new report, whatever the channel: the web form, the JSON API for the
//! city's app, Open311 clients, and staff typing in what a caller said. Each channel reads
//! its own transport (form fields, multipart, Open311 parameters) into a [`Raw`] of plain
//! text, and [`check`] answers with the checked report or every problem found, as codes:
//! each channel names the fields its own way and translates the codes when it answers (the
//! web page at render time, the API in its error envelope, Open311 in its error list).
//!
//! The rules, once:
//! - a category that takes reports (by its id or its code), of the kind asked for if any;
//! - a place: a point inside the city (which decides the district), or an address (or an
//!   address-register id); a district, if chosen, must exist; coordinates come in pairs;
//! - a description of 10 to 5,000 characters; answers to the category's questions;
//! - contact details each optional, but giving any needs consent (`consent_required`).

use crate::geo::{DistrictMap, Point};
use crate::questions::{AnswerError, Answers, check_answers};
use crate::reference::{Category, District, ReportKind};
use crate::reports::{Contact, Description, Location, Phone};
use crate::{CategoryId, DistrictId, Email, FieldError};
use std::collections::BTreeMap;

/// The longest address taken, in characters.
pub const ADDRESS_MAX: usize = 300;
/// The longest contact name taken, in characters.
pub const NAME_MAX: usize = 100;
/// The longest address-register id taken.
pub const ADDRESS_ID_MAX: usize = 100;

/// How the category was named: the web pages send its id, the APIs its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryRef<'a> {
    Id(&'a str),
    Code(&'a str),
}

/// What a channel received, as text; empty means not given.
#[derive(Debug, Clone)]
pub struct Raw<'a> {
    pub category: CategoryRef<'a>,
    /// The kind the resident chose first (the web form's two paths); `None` takes either.
    pub kind: Option<ReportKind>,
    pub lat: &'a str,
    pub lon: &'a str,
    pub address: &'a str,
    pub address_id: &'a str,
    /// A chosen district, by its id (for a place given without a point).
    pub district: &'a str,
    pub description: &'a str,
    /// Question code → the values given.
    pub answers: &'a BTreeMap<String, Vec<String>>,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: &'a str,
    pub consent: bool,
}

impl<'a> Raw<'a> {
    /// Nothing given but the category (fill in the rest with struct update syntax).
    pub fn new(category: CategoryRef<'a>, answers: &'a BTreeMap<String, Vec<String>>) -> Self {
        Self {
            category,
            kind: None,
            lat: "",
            lon: "",
            address: "",
            address_id: "",
            district: "",
            description: "",
            answers,
            contact_name: "",
            contact_email: "",
            contact_phone: "",
            consent: false,
        }
    }
}

/// Which part of a report a problem is about; each channel names it in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Category,
    /// The point: `lat` (with `lon`).
    Lat,
    Lon,
    /// The place as a whole (no point, no address).
    Location,
    Address,
    AddressId,
    District,
    Description,
    /// The answer to the question with this code.
    Answer(String),
    ContactName,
    ContactEmail,
    ContactPhone,
    Consent,
}

impl Field {
    /// The field's name in the web form and the JSON API (`answers.<code>` for answers).
    pub fn name(&self) -> String {
        match self {
            Self::Category => "category".into(),
            Self::Lat => "lat".into(),
            Self::Lon => "lon".into(),
            Self::Location => "location".into(),
            Self::Address => "address".into(),
            Self::AddressId => "address_id".into(),
            Self::District => "district".into(),
            Self::Description => "description".into(),
            Self::Answer(code) => format!("answers.{code}"),
            Self::ContactName => "contact_name".into(),
            Self::ContactEmail => "contact_email".into(),
            Self::ContactPhone => "contact_phone".into(),
            Self::Consent => "consent".into(),
        }
    }
}

/// Why a part was refused: a stable code each channel translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    Field(FieldError),
    Answer(AnswerError),
    /// `lat` without `lon` or the other way round.
    CoordinatesPair,
    /// Not a point on Earth.
    CoordinatesInvalid,
}

impl Code {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Field(e) => e.code(),
            Self::Answer(e) => e.code(),
            Self::CoordinatesPair => "coordinates_pair",
            Self::CoordinatesInvalid => "coordinates_invalid",
        }
    }
}

/// A problem: the part and why.
pub type Problem = (Field, Code);

/// A report that passed every check, ready to be routed and stored.
#[derive(Debug, Clone)]
pub struct Checked {
    pub category: CategoryId,
    pub kind: ReportKind,
    pub description: Description,
    pub location: Location,
    pub answers: Answers,
    pub contact: Contact,
}

/// The city's districts: their boundaries and their records.
#[derive(Debug, Clone, Copy)]
pub struct Districts<'a> {
    pub map: &'a DistrictMap,
    pub list: &'a [District],
}

impl Districts<'_> {
    fn by_number(&self, number: u16) -> Option<DistrictId> {
        self.list.iter().find(|d| d.number == number).map(|d| d.id)
    }
}

fn find_category<'c>(catalog: &'c [Category], raw: &Raw<'_>) -> Result<&'c Category, Code> {
    let given = match raw.category {
        CategoryRef::Id(s) | CategoryRef::Code(s) => s.trim(),
    };
    if given.is_empty() {
        return Err(Code::Field(FieldError::Required));
    }
    catalog
        .iter()
        .find(|c| match raw.category {
            CategoryRef::Id(_) => c.id.to_string() == given,
            CategoryRef::Code(_) => c.code.as_str() == given,
        })
        .filter(|c| c.active && raw.kind.is_none_or(|k| k == c.kind))
        .ok_or(Code::Field(FieldError::CategoryUnknown))
}

/// The point, if both coordinates were given.
fn point(raw: &Raw<'_>, problems: &mut Vec<Problem>) -> Option<Point> {
    let coordinate = |v: &str| v.parse::<f64>().ok().filter(|v| v.is_finite());
    match (raw.lat.trim(), raw.lon.trim()) {
        ("", "") => None,
        ("", _) => {
            problems.push((Field::Lat, Code::CoordinatesPair));
            None
        }
        (_, "") => {
            problems.push((Field::Lon, Code::CoordinatesPair));
            None
        }
        (lat, lon) => match (coordinate(lat), coordinate(lon)) {
            (Some(lat), Some(lon)) => Point::new(lat, lon)
                .map_err(|_| problems.push((Field::Lat, Code::CoordinatesInvalid)))
                .ok(),
            _ => {
                problems.push((Field::Lat, Code::CoordinatesInvalid));
                None
            }
        },
    }
}

fn optional(value: &str, max: usize, field: Field, problems: &mut Vec<Problem>) -> Option<String> {
    crate::optional_text(value, max)
        .map_err(|e| problems.push((field, Code::Field(e))))
        .ok()
        .flatten()
}

fn parsed<T>(
    value: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    field: Field,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match value.trim() {
        "" => None,
        v => parse(v)
            .map_err(|e| problems.push((field, Code::Field(e))))
            .ok(),
    }
}

/// The category named, if it takes reports (of the kind asked for).
pub fn category<'c>(catalog: &'c [Category], raw: &Raw<'_>) -> Option<&'c Category> {
    find_category(catalog, raw).ok()
}

/// The first step of the web form, and the start of every check: the category and the place.
pub fn check_where<'c>(
    raw: &Raw<'_>,
    catalog: &'c [Category],
    districts: Districts<'_>,
) -> Result<(&'c Category, Location), Vec<Problem>> {
    let mut problems = Vec::new();
    let (category, location) = where_parts(raw, catalog, districts, &mut problems);
    match (category, problems.is_empty()) {
        (Some(category), true) => Ok((category, location)),
        _ => Err(problems),
    }
}

fn where_parts<'c>(
    raw: &Raw<'_>,
    catalog: &'c [Category],
    districts: Districts<'_>,
    problems: &mut Vec<Problem>,
) -> (Option<&'c Category>, Location) {
    let category = find_category(catalog, raw)
        .map_err(|code| problems.push((Field::Category, code)))
        .ok();
    let point = point(raw, problems);
    let address = optional(raw.address, ADDRESS_MAX, Field::Address, problems);
    let address_id = optional(raw.address_id, ADDRESS_ID_MAX, Field::AddressId, problems);
    let chosen = match raw.district.trim() {
        "" => None,
        id => {
            let found =
                DistrictId::parse(id).filter(|id| districts.list.iter().any(|d| d.id == *id));
            if found.is_none() {
                problems.push((Field::District, Code::Field(FieldError::DistrictUnknown)));
            }
            found
        }
    };
    let district = match point {
        Some(p) => match districts.map.locate(p).and_then(|n| districts.by_number(n)) {
            Some(d) => Some(d),
            None => {
                problems.push((Field::Lat, Code::Field(FieldError::OutsideCity)));
                None
            }
        },
        None => chosen,
    };
    let coordinates_given = !raw.lat.trim().is_empty() || !raw.lon.trim().is_empty();
    if !coordinates_given && raw.address.trim().is_empty() && raw.address_id.trim().is_empty() {
        problems.push((Field::Location, Code::Field(FieldError::LocationMissing)));
    }
    (
        category,
        Location {
            point,
            address,
            address_id,
            district,
        },
    )
}

/// Checks a new report against the city's categories and districts: the checked report, or
/// every problem found (in the order of the fields above).
pub fn check(
    raw: &Raw<'_>,
    catalog: &[Category],
    districts: Districts<'_>,
) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let (category, location) = where_parts(raw, catalog, districts, &mut problems);

    let description = Description::parse(raw.description)
        .map_err(|e| problems.push((Field::Description, Code::Field(e))))
        .ok();
    let answers = match category {
        Some(c) => check_answers(&c.questions, raw.answers)
            .map_err(|e| problems.push((Field::Answer(e.question().to_owned()), Code::Answer(e))))
            .ok(),
        None => None,
    };

    let name = optional(
        raw.contact_name,
        NAME_MAX,
        Field::ContactName,
        &mut problems,
    );
    let email = parsed(
        raw.contact_email,
        Email::parse,
        Field::ContactEmail,
        &mut problems,
    );
    let phone = parsed(
        raw.contact_phone,
        Phone::parse,
        Field::ContactPhone,
        &mut problems,
    );
    let given = [raw.contact_name, raw.contact_email, raw.contact_phone]
        .iter()
        .any(|v| !v.trim().is_empty());
    if given && !raw.consent {
        problems.push((Field::Consent, Code::Field(FieldError::ConsentRequired)));
    }

    match (category, description, answers) {
        (Some(category), Some(description), Some(answers)) if problems.is_empty() => Ok(Checked {
            category: category.id,
            kind: category.kind,
            description,
            location,
            answers,
            contact: Contact {
                name,
                email,
                phone,
                consent: raw.consent,
            },
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::parse_district_collection;
    use crate::reference::{Code as CategoryCode, Names};

    const KRAKOW: &str = include_str!("../../../../data/krakow/districts.geojson");

    fn city() -> (DistrictMap, Vec<District>) {
        let features = parse_district_collection(KRAKOW, "cartodb_id").unwrap();
        let list = features
            .iter()
            .map(|f| District {
                id: DistrictId(uuid::Uuid::now_v7()),
                number: f.shape.number,
                roman: String::new(),
                name: String::new(),
            })
            .collect();
        (
            DistrictMap::new(features.into_iter().map(|f| f.shape).collect()),
            list,
        )
    }

    fn category(code: &str, kind: ReportKind, active: bool) -> Category {
        Category {
            id: CategoryId(uuid::Uuid::now_v7()),
            code: CategoryCode::parse(code).unwrap(),
            kind,
            names: Names {
                pl: code.into(),
                en: code.into(),
            },
            position: 0,
            active,
            duplicate_radius_m: 100,
            questions: Vec::new(),
        }
    }

    fn codes(result: Result<Checked, Vec<Problem>>) -> Vec<(String, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|(f, c)| (f.name(), c.as_str()))
            .collect()
    }

    #[test]
    fn one_check_decides_category_place_text_and_contact() {
        let (map, list) = city();
        let districts = Districts {
            map: &map,
            list: &list,
        };
        let catalog = [
            category("problem.roads", ReportKind::Problem, true),
            category("problem.old", ReportKind::Problem, false),
            category("idea.parks", ReportKind::Idea, true),
        ];
        let answers = BTreeMap::new();
        let base = Raw {
            address: "ul. Karmelicka 20",
            description: "Dziura w jezdni przy przystanku",
            ..Raw::new(CategoryRef::Code("problem.roads"), &answers)
        };
        let ok = check(&base, &catalog, districts).unwrap();
        assert_eq!(ok.category, catalog[0].id);
        assert_eq!(
            ok.location.district, None,
            "an address alone has no district"
        );
        let at_rynek = check(
            &Raw {
                lat: "50.0617",
                lon: "19.9373",
                ..base.clone()
            },
            &catalog,
            districts,
        )
        .unwrap();
        let first = list.iter().find(|d| d.number == 1).unwrap().id;
        assert_eq!(at_rynek.location.district, Some(first), "the point decides");
        for (raw, expected) in [
            (
                Raw {
                    category: CategoryRef::Code("problem.old"),
                    ..base.clone()
                },
                vec![("category".to_owned(), "category_unknown")],
            ),
            (
                Raw {
                    kind: Some(ReportKind::Idea),
                    ..base.clone()
                },
                vec![("category".to_owned(), "category_unknown")],
            ),
            (
                Raw {
                    category: CategoryRef::Id("not-an-id"),
                    ..base.clone()
                },
                vec![("category".to_owned(), "category_unknown")],
            ),
            (
                Raw {
                    lat: "50.06",
                    address: "",
                    ..base.clone()
                },
                vec![("lon".to_owned(), "coordinates_pair")],
            ),
            (
                Raw {
                    district: "no-such-district",
                    ..base.clone()
                },
                vec![("district".to_owned(), "district_unknown")],
            ),
            (
                Raw {
                    contact_phone: "12 345 67 89",
                    description: "krótko",
                    ..base.clone()
                },
                vec![
                    ("description".to_owned(), "too_short"),
                    ("consent".to_owned(), "consent_required"),
                ],
            ),
        ] {
            assert_eq!(codes(check(&raw, &catalog, districts)), expected, "{raw:?}");
        }
    }
}
