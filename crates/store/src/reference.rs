//! Reference data: districts, city units, report categories. A city's set is read from files
//! (Kraków's is compiled in) and loaded once into an empty database; after that admins edit
//! units and categories in the admin area.

use crate::entities::{categories, districts, units};
use crate::{Result, StoreError, now};
use miasto_domain::geo::{DistrictMap, DistrictShape, parse_district_collection};
use miasto_domain::questions::Question;
pub use miasto_domain::reference::{Category, District};
use miasto_domain::reference::{Code, Names, ReportKind};
use miasto_domain::{CategoryId, DistrictId, Email, UnitId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("city.toml: {0}")]
    Toml(String),
    #[error("district boundaries: {0}")]
    Geo(#[from] miasto_domain::geo::GeoError),
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct CityInfo {
    pub name: String,
    pub jurisdiction_id: String,
    pub districts_file: String,
    pub district_number_property: String,
    /// The unit that gets reports no routing rule covers.
    pub default_unit: String,
    /// The city's address points (a CSV file beside `city.toml`, see docs/geocoding.md).
    #[serde(default)]
    pub addresses_file: Option<String>,
    /// The addresses file is a generated demo, not the register (refused in production).
    #[serde(default)]
    pub addresses_demo: bool,
    /// The city's minimum durations of consultations (`[city.consultations]`).
    #[serde(default)]
    pub consultations: ConsultationDays,
    /// The signatures requests need (`[city.requests]`).
    #[serde(default)]
    pub requests: RequestNumbers,
}

/// `[city.requests]`; each defaults to Kraków's draft resolution.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct RequestNumbers {
    pub small_residents: u32,
    pub small_organisations: u32,
    pub consultation_residents: u32,
    pub consultation_organisations: u32,
    pub referendum_percent: u32,
    pub collection_days: i64,
    pub consultation_min_age: u32,
    pub referendum_min_age: u32,
    pub referenda_per_year: u32,
}

impl Default for RequestNumbers {
    fn default() -> Self {
        let t = miasto_domain::requests::Thresholds::default();
        Self {
            small_residents: t.small_residents,
            small_organisations: t.small_organisations,
            consultation_residents: t.consultation_residents,
            consultation_organisations: t.consultation_organisations,
            referendum_percent: t.referendum_percent,
            collection_days: t.collection_days,
            consultation_min_age: t.consultation_min_age,
            referendum_min_age: t.referendum_min_age,
            referenda_per_year: t.referenda_per_year,
        }
    }
}

impl RequestNumbers {
    pub fn thresholds(self) -> miasto_domain::requests::Thresholds {
        miasto_domain::requests::Thresholds {
            small_residents: self.small_residents,
            small_organisations: self.small_organisations,
            consultation_residents: self.consultation_residents,
            consultation_organisations: self.consultation_organisations,
            referendum_percent: self.referendum_percent,
            collection_days: self.collection_days,
            consultation_min_age: self.consultation_min_age,
            referendum_min_age: self.referendum_min_age,
            referenda_per_year: self.referenda_per_year,
        }
    }
}

/// `[city.consultations]` in days; each defaults to Kraków's rule.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct ConsultationDays {
    pub information_days: i64,
    pub consultation_days: i64,
    pub small_min_days: i64,
    pub small_max_days: i64,
    pub small_report_days: i64,
}

impl Default for ConsultationDays {
    fn default() -> Self {
        let m = miasto_domain::consultations::Minimums::default();
        Self {
            information_days: m.information_days,
            consultation_days: m.consultation_days,
            small_min_days: m.small_min_days,
            small_max_days: m.small_max_days,
            small_report_days: m.small_report_days,
        }
    }
}

impl ConsultationDays {
    pub fn minimums(self) -> miasto_domain::consultations::Minimums {
        miasto_domain::consultations::Minimums {
            information_days: self.information_days,
            consultation_days: self.consultation_days,
            small_min_days: self.small_min_days,
            small_max_days: self.small_max_days,
            small_report_days: self.small_report_days,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct DistrictEntry {
    number: u16,
    roman: String,
    name: String,
}

#[derive(Debug, Clone, Deserialize)]
struct UnitEntry {
    code: String,
    name_pl: String,
    name_en: String,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct CategoryEntry {
    code: String,
    kind: String,
    name_pl: String,
    name_en: String,
    /// Default routing: the unit's code.
    #[serde(default)]
    unit: Option<String>,
    /// Extra questions residents answer when reporting in this category.
    #[serde(default)]
    questions: Vec<Question>,
}

#[derive(Debug, Clone, Deserialize)]
struct CityFile {
    city: CityInfo,
    districts: Vec<DistrictEntry>,
    units: Vec<UnitEntry>,
    categories: Vec<CategoryEntry>,
}

/// A city's reference data, checked and ready to load.
#[derive(Debug, Clone)]
pub struct CityData {
    pub info: CityInfo,
    districts: Vec<(DistrictEntry, String)>,
    units: Vec<UnitInput>,
    categories: Vec<CategoryInput>,
    /// (category code, unit code) default routing.
    routing: Vec<(String, String)>,
    /// (category code, its questions).
    questions: Vec<(String, Vec<Question>)>,
    /// The addresses file's text, if the city has one.
    pub addresses: Option<String>,
}

const KRAKOW_TOML: &str = include_str!("../../../data/krakow/city.toml");
const KRAKOW_DISTRICTS: &str = include_str!("../../../data/krakow/districts.geojson");
const KRAKOW_ADDRESSES: &str = include_str!("../../../data/krakow/addresses-demo.csv");

impl CityData {
    /// Kraków's data as shipped in `data/krakow/`.
    pub fn krakow() -> Result<Self, ReferenceError> {
        Self::parse(KRAKOW_TOML, |name| {
            Ok(if name.ends_with(".csv") {
                KRAKOW_ADDRESSES
            } else {
                KRAKOW_DISTRICTS
            }
            .to_owned())
        })
    }

    /// A city directory holding `city.toml` and the boundary file it names.
    pub fn from_dir(dir: &Path) -> Result<Self, ReferenceError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| ReferenceError::Read(path.display().to_string(), e))
        };
        Self::parse(&read("city.toml")?, read)
    }

    fn parse(
        toml_text: &str,
        read: impl Fn(&str) -> Result<String, ReferenceError>,
    ) -> Result<Self, ReferenceError> {
        let file: CityFile =
            toml::from_str(toml_text).map_err(|e| ReferenceError::Toml(e.to_string()))?;
        file.city.requests.thresholds().check().map_err(|field| {
            ReferenceError::Invalid(format!("[city.requests] {field} is out of range"))
        })?;
        let geojson = read(&file.city.districts_file)?;
        let features = parse_district_collection(&geojson, &file.city.district_number_property)?;
        let mut districts = Vec::with_capacity(file.districts.len());
        for entry in file.districts {
            let feature = features
                .iter()
                .find(|f| f.number == entry.number)
                .ok_or_else(|| {
                    ReferenceError::Invalid(format!("district {} has no boundary", entry.number))
                })?;
            districts.push((entry, feature.geometry_json.clone()));
        }
        if let Some(extra) = features
            .iter()
            .find(|f| !districts.iter().any(|(d, _)| d.number == f.number))
        {
            return Err(ReferenceError::Invalid(format!(
                "boundary {} has no district entry",
                extra.number
            )));
        }
        let invalid = |what: &str, code: &str, e: miasto_domain::FieldError| {
            ReferenceError::Invalid(format!("{what} {code}: {}", e.code()))
        };
        let units = file
            .units
            .iter()
            .map(|u| {
                Ok(UnitInput {
                    code: Code::parse(&u.code).map_err(|e| invalid("unit", &u.code, e))?,
                    names: Names::parse(&u.name_pl, &u.name_en).map_err(|_| {
                        invalid("unit", &u.code, miasto_domain::FieldError::Required)
                    })?,
                    email: u
                        .email
                        .as_deref()
                        .map(Email::parse)
                        .transpose()
                        .map_err(|e| invalid("unit", &u.code, e))?,
                    active: true,
                })
            })
            .collect::<Result<Vec<_>, ReferenceError>>()?;
        let categories = file
            .categories
            .iter()
            .enumerate()
            .map(|(i, cat)| {
                Ok(CategoryInput {
                    code: Code::parse(&cat.code).map_err(|e| invalid("category", &cat.code, e))?,
                    kind: ReportKind::parse(&cat.kind)
                        .map_err(|e| invalid("category", &cat.code, e))?,
                    names: Names::parse(&cat.name_pl, &cat.name_en).map_err(|_| {
                        invalid("category", &cat.code, miasto_domain::FieldError::Required)
                    })?,
                    position: i32::try_from(i).unwrap_or(i32::MAX),
                    active: true,
                    duplicate_radius_m: CategoryInput::DEFAULT_RADIUS_M,
                })
            })
            .collect::<Result<Vec<_>, ReferenceError>>()?;
        let mut questions = Vec::new();
        for cat in &file.categories {
            check_questions(&cat.questions)
                .map_err(|e| ReferenceError::Invalid(format!("category {}: {e}", cat.code)))?;
            if !cat.questions.is_empty() {
                questions.push((cat.code.clone(), cat.questions.clone()));
            }
        }
        let known_unit = |code: &str| units.iter().any(|u| u.code.as_str() == code);
        if !known_unit(&file.city.default_unit) {
            return Err(ReferenceError::Invalid(format!(
                "default_unit {} is not a unit",
                file.city.default_unit
            )));
        }
        let mut routing = Vec::new();
        for cat in &file.categories {
            let unit = cat
                .unit
                .clone()
                .unwrap_or_else(|| file.city.default_unit.clone());
            if !known_unit(&unit) {
                return Err(ReferenceError::Invalid(format!(
                    "category {}: unit {unit} is not a unit",
                    cat.code
                )));
            }
            routing.push((cat.code.clone(), unit));
        }
        let addresses = file.city.addresses_file.as_deref().map(&read).transpose()?;
        Ok(Self {
            info: file.city,
            districts,
            units,
            categories,
            routing,
            questions,
            addresses,
        })
    }

    /// The city's gazetteer, if it has an addresses file.
    pub fn gazetteer(&self) -> Result<Option<miasto_domain::places::Gazetteer>, ReferenceError> {
        self.addresses
            .as_deref()
            .map(|text| {
                miasto_domain::places::Gazetteer::parse_csv(text).map_err(|e| {
                    ReferenceError::Invalid(format!(
                        "{}: {e}",
                        self.info.addresses_file.as_deref().unwrap_or_default()
                    ))
                })
            })
            .transpose()
    }

    pub fn district_count(&self) -> usize {
        self.districts.len()
    }
}

/// Loads `data` if the database has no districts yet. Returns whether it loaded anything.
/// Runs in one transaction: a half-loaded city never exists.
pub async fn load_if_empty(db: &sea_orm::DatabaseConnection, data: &CityData) -> Result<bool> {
    let tx = crate::begin(db).await?;
    if districts::Entity::find().count(&tx).await? > 0 {
        return Ok(false);
    }
    let at = now();
    for (entry, boundary) in &data.districts {
        districts::ActiveModel {
            id: Set(DistrictId::new().0),
            number: Set(i32::from(entry.number)),
            roman: Set(entry.roman.clone()),
            name: Set(entry.name.clone()),
            boundary: Set(boundary.clone()),
            created_at: Set(at),
        }
        .insert(&tx)
        .await?;
    }
    let mut units = Vec::new();
    for unit in &data.units {
        units.push(
            insert_unit(&tx, unit)
                .await
                .map_err(SaveError::into_store)?,
        );
    }
    let mut categories = Vec::new();
    for category in &data.categories {
        categories.push(
            insert_category(&tx, category)
                .await
                .map_err(SaveError::into_store)?,
        );
    }
    for (code, questions) in &data.questions {
        if let Some(category) = categories.iter().find(|c| c.code.as_str() == code) {
            set_questions(&tx, category.id, questions).await?;
        }
    }
    for (category, unit) in &data.routing {
        let category = categories.iter().find(|c| c.code.as_str() == category);
        let unit = units.iter().find(|u| u.code.as_str() == unit);
        if let (Some(category), Some(unit)) = (category, unit) {
            crate::routing::set_rule(&tx, category.id, None, unit.id).await?;
        }
    }
    crate::audit::record(
        &tx,
        None,
        crate::audit::Action::ReferenceDataLoaded,
        None,
        serde_json::json!({
            "city": data.info.name,
            "districts": data.districts.len(),
            "units": data.units.len(),
            "categories": data.categories.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn list_districts(c: &impl ConnectionTrait) -> Result<Vec<District>> {
    use districts::Column as C;
    // Not the boundaries (180 KB for Kraków, read on every page otherwise): only the
    // district map needs them.
    let rows: Vec<(uuid::Uuid, i32, String, String)> = districts::Entity::find()
        .select_only()
        .columns([C::Id, C::Number, C::Roman, C::Name])
        .order_by_asc(C::Number)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, roman, name)| District {
            id: DistrictId(id),
            number: u16::try_from(number).unwrap_or_default(),
            roman,
            name,
        })
        .collect())
}

/// The stored boundaries as a map for point-in-polygon lookups.
pub async fn district_map(c: &impl ConnectionTrait) -> Result<DistrictMap> {
    let rows = districts::Entity::find().all(c).await?;
    let shapes = rows
        .into_iter()
        .map(|d| {
            let number = u16::try_from(d.number).unwrap_or_default();
            DistrictShape::from_geometry_json(number, &d.boundary).map_err(|e| {
                StoreError::Corrupt {
                    table: "districts",
                    detail: format!("district {number}: {e}"),
                }
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DistrictMap::new(shapes))
}

/// A city unit's editable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub code: Code,
    pub names: Names,
    pub email: Option<Email>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    pub code: Code,
    pub names: Names,
    pub email: Option<String>,
    pub active: bool,
}

impl TryFrom<units::Model> for Unit {
    type Error = StoreError;

    fn try_from(m: units::Model) -> Result<Self> {
        Ok(Self {
            id: UnitId(m.id),
            code: Code::parse(&m.code).map_err(|e| StoreError::Corrupt {
                table: "units",
                detail: format!("{}: code {e}", m.id),
            })?,
            names: Names {
                pl: m.name_pl,
                en: m.name_en,
            },
            email: m.email,
            active: m.active,
        })
    }
}

/// A unit or category code that is already in use.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("this code is already in use")]
    CodeTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SaveError {
    fn into_store(self) -> StoreError {
        match self {
            Self::CodeTaken => StoreError::Corrupt {
                table: "reference data",
                detail: "a code appears twice".into(),
            },
            Self::Store(e) => e,
        }
    }
}

impl From<sea_orm::DbErr> for SaveError {
    fn from(e: sea_orm::DbErr) -> Self {
        if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            Self::CodeTaken
        } else {
            Self::Store(e.into())
        }
    }
}

async fn insert_unit(c: &impl ConnectionTrait, input: &UnitInput) -> Result<Unit, SaveError> {
    let at = now();
    let model = units::ActiveModel {
        id: Set(UnitId::new().0),
        code: Set(input.code.as_str().to_owned()),
        name_pl: Set(input.names.pl.clone()),
        name_en: Set(input.names.en.clone()),
        email: Set(input.email.as_ref().map(|e| e.as_str().to_owned())),
        active: Set(input.active),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(c)
    .await?;
    Ok(Unit::try_from(model)?)
}

/// Adds a unit. Runs in a savepoint, so a taken code leaves the caller's transaction usable
/// (PostgreSQL aborts a transaction on any failed statement).
pub async fn create_unit(c: &impl crate::Savepoints, input: &UnitInput) -> Result<Unit, SaveError> {
    let savepoint = c.begin().await?;
    let result = insert_unit(&savepoint, input).await;
    crate::settle(savepoint, result).await
}

/// Changes a unit; `None` if there is no such unit. Runs in a savepoint like [`create_unit`].
pub async fn update_unit(
    c: &impl crate::Savepoints,
    id: UnitId,
    input: &UnitInput,
) -> Result<Option<Unit>, SaveError> {
    let savepoint = c.begin().await?;
    let result = write_unit(&savepoint, id, input).await;
    crate::settle(savepoint, result).await
}

async fn write_unit(
    c: &impl ConnectionTrait,
    id: UnitId,
    input: &UnitInput,
) -> Result<Option<Unit>, SaveError> {
    if units::Entity::find_by_id(id.0).one(c).await?.is_none() {
        return Ok(None);
    }
    let model = units::ActiveModel {
        id: Set(id.0),
        code: Set(input.code.as_str().to_owned()),
        name_pl: Set(input.names.pl.clone()),
        name_en: Set(input.names.en.clone()),
        email: Set(input.email.as_ref().map(|e| e.as_str().to_owned())),
        active: Set(input.active),
        updated_at: Set(now()),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(Some(Unit::try_from(model)?))
}

pub async fn get_unit(c: &impl ConnectionTrait, id: UnitId) -> Result<Option<Unit>> {
    units::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(Unit::try_from)
        .transpose()
}

pub async fn find_unit_by_code(c: &impl ConnectionTrait, code: &str) -> Result<Option<Unit>> {
    units::Entity::find()
        .filter(units::Column::Code.eq(code.trim()))
        .one(c)
        .await?
        .map(Unit::try_from)
        .transpose()
}

pub async fn list_units(c: &impl ConnectionTrait) -> Result<Vec<Unit>> {
    units::Entity::find()
        .order_by_asc(units::Column::Code)
        .all(c)
        .await?
        .into_iter()
        .map(Unit::try_from)
        .collect()
}

/// A category's editable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInput {
    pub code: Code,
    pub kind: ReportKind,
    pub names: Names,
    pub position: i32,
    pub active: bool,
    /// Open reports of this category within this distance are offered as possible duplicates.
    pub duplicate_radius_m: i32,
}

impl CategoryInput {
    pub const DEFAULT_RADIUS_M: i32 = 100;
    pub const MAX_RADIUS_M: i32 = 5000;
}

impl TryFrom<categories::Model> for Category {
    type Error = StoreError;

    fn try_from(m: categories::Model) -> Result<Self> {
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "categories",
            detail,
        };
        Ok(Self {
            id: CategoryId(m.id),
            code: Code::parse(&m.code).map_err(|e| corrupt(format!("{}: code {e}", m.id)))?,
            kind: ReportKind::parse(&m.kind).map_err(|e| corrupt(format!("{}: kind {e}", m.id)))?,
            names: Names {
                pl: m.name_pl,
                en: m.name_en,
            },
            position: m.position,
            active: m.active,
            duplicate_radius_m: m.duplicate_radius_m,
            questions: match m.questions {
                Some(json) => serde_json::from_value(json)
                    .map_err(|e| corrupt(format!("{}: questions {e}", m.id)))?,
                None => Vec::new(),
            },
        })
    }
}

/// Most questions one category may ask.
pub const QUESTIONS_MAX: usize = 20;

/// Checks questions read from outside the type system (files, JSON): codes well formed and
/// unique, names present, choices exactly for list questions.
pub fn check_questions(questions: &[Question]) -> std::result::Result<(), String> {
    if questions.len() > QUESTIONS_MAX {
        return Err(format!("more than {QUESTIONS_MAX} questions"));
    }
    for (i, q) in questions.iter().enumerate() {
        let code = q.code.as_str();
        Code::parse(code).map_err(|e| format!("question {code:?}: {}", e.code()))?;
        if questions[..i].iter().any(|p| p.code == q.code) {
            return Err(format!("question {code} appears twice"));
        }
        let names = std::iter::once(&q.text).chain(q.hint.as_ref());
        for n in names.chain(q.choices.iter().map(|c| &c.name)) {
            Names::parse(&n.pl, &n.en)
                .map_err(|_| format!("question {code}: a name is missing"))?;
        }
        if q.datatype.has_values() == q.choices.is_empty() {
            return Err(format!(
                "question {code}: choices go with list questions, and only with them"
            ));
        }
        for (j, c) in q.choices.iter().enumerate() {
            Code::parse(c.key.as_str()).map_err(|e| {
                format!("question {code}, choice {:?}: {}", c.key.as_str(), e.code())
            })?;
            if q.choices[..j].iter().any(|d| d.key == c.key) {
                return Err(format!(
                    "question {code}: choice {} appears twice",
                    c.key.as_str()
                ));
            }
        }
    }
    Ok(())
}

/// Replaces a category's questions (checked with [`check_questions`] by the caller).
pub async fn set_questions(
    c: &impl ConnectionTrait,
    id: CategoryId,
    questions: &[Question],
) -> Result<()> {
    categories::ActiveModel {
        id: Set(id.0),
        questions: Set(if questions.is_empty() {
            None
        } else {
            Some(serde_json::json!(questions))
        }),
        updated_at: Set(now()),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

async fn insert_category(
    c: &impl ConnectionTrait,
    input: &CategoryInput,
) -> Result<Category, SaveError> {
    let at = now();
    let model = categories::ActiveModel {
        id: Set(CategoryId::new().0),
        code: Set(input.code.as_str().to_owned()),
        kind: Set(input.kind.as_str().to_owned()),
        name_pl: Set(input.names.pl.clone()),
        name_en: Set(input.names.en.clone()),
        position: Set(input.position),
        active: Set(input.active),
        duplicate_radius_m: Set(input.duplicate_radius_m),
        questions: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(c)
    .await?;
    Ok(Category::try_from(model)?)
}

/// Adds a category, in a savepoint like [`create_unit`].
pub async fn create_category(
    c: &impl crate::Savepoints,
    input: &CategoryInput,
) -> Result<Category, SaveError> {
    let savepoint = c.begin().await?;
    let result = insert_category(&savepoint, input).await;
    crate::settle(savepoint, result).await
}

/// Changes a category; `None` if there is no such category.
pub async fn update_category(
    c: &impl crate::Savepoints,
    id: CategoryId,
    input: &CategoryInput,
) -> Result<Option<Category>, SaveError> {
    let savepoint = c.begin().await?;
    let result = write_category(&savepoint, id, input).await;
    crate::settle(savepoint, result).await
}

async fn write_category(
    c: &impl ConnectionTrait,
    id: CategoryId,
    input: &CategoryInput,
) -> Result<Option<Category>, SaveError> {
    if categories::Entity::find_by_id(id.0).one(c).await?.is_none() {
        return Ok(None);
    }
    let model = categories::ActiveModel {
        id: Set(id.0),
        code: Set(input.code.as_str().to_owned()),
        kind: Set(input.kind.as_str().to_owned()),
        name_pl: Set(input.names.pl.clone()),
        name_en: Set(input.names.en.clone()),
        position: Set(input.position),
        active: Set(input.active),
        duplicate_radius_m: Set(input.duplicate_radius_m),
        updated_at: Set(now()),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(Some(Category::try_from(model)?))
}

pub async fn get_category(c: &impl ConnectionTrait, id: CategoryId) -> Result<Option<Category>> {
    categories::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(Category::try_from)
        .transpose()
}

/// Categories ordered by kind, then position, then code.
pub async fn list_categories(c: &impl ConnectionTrait) -> Result<Vec<Category>> {
    categories::Entity::find()
        .order_by_asc(categories::Column::Kind)
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Code)
        .all(c)
        .await?
        .into_iter()
        .map(Category::try_from)
        .collect()
}
