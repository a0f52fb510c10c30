//! Places: the address a resident types found on the map, and the address nearest a pin.
//!
//! A city may load a **gazetteer** — its address points (street, number, postcode, latitude,
//! longitude), exported from the national address register — and search it here, in-process.
//! Matching forgives what people type: case and Polish letters ("lobzowska" finds
//! "Łobzowska"), street-type words ("ul.", "al.", "os."…), abbreviations and missing first
//! names ("al. Mickiewicza" and "św. Wawrzyńca" find "aleja Adama Mickiewicza" and
//! "Świętego Wawrzyńca"), a postcode or the city's name typed along, a flat number after a
//! slash. The other implementation of the same port (a Nominatim/Photon-compatible service)
//! lives in the store; both answer with [`Found`].

use crate::geo::Point;
use crate::text::words;
use std::collections::HashMap;

/// A place with an address.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The street (or square, estate…) as the city writes it: "ul. Karmelicka".
    pub street: String,
    pub number: Option<String>,
    pub postcode: Option<String>,
    pub point: Point,
}

impl Place {
    /// "ul. Karmelicka 20, 31-128" — the text an address field takes.
    pub fn label(&self) -> String {
        let mut label = self.street.clone();
        if let Some(number) = &self.number {
            label.push(' ');
            label.push_str(number);
        }
        if let Some(postcode) = &self.postcode {
            label.push_str(", ");
            label.push_str(postcode);
        }
        label
    }
}

/// How closely a found place answers what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// The very address.
    Address,
    /// The street has no such number; this is its nearest number.
    NearestNumber,
    /// No number was typed: a point in the middle of the street.
    Street,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::NearestNumber => "nearest_number",
            Self::Street => "street",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub place: Place,
    pub precision: Precision,
}

/// How far apart a typed address and a placed pin may be before the resident is asked which
/// one is right: a house is small, a street is long.
pub fn disagreement_m(found: &Found, pin: Point) -> Option<f64> {
    let allowed = match found.precision {
        Precision::Address | Precision::NearestNumber => 300.0,
        Precision::Street => 1_500.0,
    };
    let distance = found.place.point.distance_m(pin);
    (distance > allowed).then_some(distance)
}

/// Words that name a kind of street rather than the street. Dropped on both sides.
const STREET_TYPES: &[&str] = &[
    "ul", "ulica", "al", "aleja", "aleje", "pl", "plac", "os", "osiedle", "rondo", "skwer", "bulw",
    "bulwar",
];

/// Words that follow a house number and introduce a flat.
const FLAT_WORDS: &[&str] = &["m", "lok", "lokal", "mieszkanie"];

fn starts_with_digit(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn without_street_types(words: Vec<String>) -> Vec<String> {
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !STREET_TYPES.contains(&w.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { words } else { kept }
}

/// Removes postcodes ("31-128") from typed text.
fn without_postcodes(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let is_postcode = i + 6 <= chars.len()
            && chars[i..i + 2].iter().all(char::is_ascii_digit)
            && chars[i + 2] == '-'
            && chars[i + 3..i + 6].iter().all(char::is_ascii_digit)
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars.get(i + 6).is_none_or(|c| !c.is_alphanumeric());
        if is_postcode {
            out.push(' ');
            i += 6;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// What a resident typed, read as a street and perhaps a house number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub street: Vec<String>,
    pub number: Option<String>,
}

impl Query {
    /// Reads "ul. Karmelicka 20/3, 31-128 Kraków" as street ["karmelicka"], number "20".
    /// Words naming one of `localities` are dropped. A number followed by a word belongs to the
    /// street's name ("29 Listopada"); the house number is the last run of numbers.
    pub fn parse(raw: &str, localities: &[String]) -> Self {
        let mut all = without_street_types(words(&without_postcodes(raw)));
        if all.len() > 1 {
            let kept: Vec<String> = all
                .iter()
                .filter(|w| !localities.contains(w))
                .cloned()
                .collect();
            if kept.iter().any(|w| !starts_with_digit(w)) {
                all = kept;
            }
        }
        // The trailing run: numbers, a letter after a number ("20 a"), flat words.
        let mut start = all.len();
        while start > 0 {
            let word = &all[start - 1];
            let after_number = start >= 2 && starts_with_digit(&all[start - 2]);
            let joins = after_number
                && (FLAT_WORDS.contains(&word.as_str())
                    || (word.len() == 1 && word.chars().all(|c| c.is_alphabetic())));
            if starts_with_digit(word) || joins {
                start -= 1;
            } else {
                break;
            }
        }
        if start == 0 {
            // Only numbers: a street named by a number alone is not searchable this way.
            return Self {
                street: all,
                number: None,
            };
        }
        let tail = all.split_off(start);
        let number = tail.first().map(|first| match tail.get(1) {
            Some(letter)
                if letter.len() == 1
                    && letter.chars().all(|c| c.is_alphabetic())
                    && !FLAT_WORDS.contains(&letter.as_str()) =>
            {
                format!("{first}{letter}")
            }
            _ => first.clone(),
        });
        Self {
            street: all,
            number,
        }
    }
}

/// How well the typed street words name a street: `None` unless every typed word matches a
/// word of the name (the same word, or one a prefix of the other — an abbreviation).
fn street_score(typed: &[String], name: &[String]) -> Option<i32> {
    if typed.is_empty() {
        return None;
    }
    let mut used = vec![false; name.len()];
    let mut score = 0;
    for word in typed {
        let exact = name
            .iter()
            .enumerate()
            .find(|(i, n)| !used[*i] && *n == word);
        let hit = exact.map(|(i, _)| (i, 20)).or_else(|| {
            name.iter()
                .enumerate()
                .find(|(i, n)| {
                    !used[*i] && (n.starts_with(word.as_str()) || word.starts_with(n.as_str()))
                })
                .map(|(i, _)| (i, 10))
        });
        let (i, points) = hit?;
        used[i] = true;
        score += points;
    }
    let unmatched = used.iter().filter(|u| !**u).count();
    Some(score - i32::try_from(unmatched).unwrap_or(i32::MAX))
}

/// The leading number of a house number ("20a" → 20).
fn numeric_part(number: &str) -> Option<u32> {
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[derive(Debug, Clone)]
struct Address {
    number: String,
    folded: String,
    postcode: Option<String>,
    point: Point,
}

#[derive(Debug, Clone)]
struct Street {
    name: String,
    words: Vec<String>,
    addresses: Vec<Address>,
}

impl Street {
    fn place(&self, address: &Address, with_number: bool) -> Place {
        Place {
            street: self.name.clone(),
            number: with_number.then(|| address.number.clone()),
            postcode: address.postcode.clone(),
            point: address.point,
        }
    }

    fn find(&self, number: Option<&str>) -> Option<Found> {
        let Some(number) = number else {
            // The middle address in number order stands for the street.
            let mut ordered: Vec<&Address> = self.addresses.iter().collect();
            ordered.sort_by_key(|a| (numeric_part(&a.number), a.folded.clone()));
            let middle = ordered.get(ordered.len() / 2)?;
            return Some(Found {
                place: Place {
                    postcode: None,
                    ..self.place(middle, false)
                },
                precision: Precision::Street,
            });
        };
        if let Some(address) = self.addresses.iter().find(|a| a.folded == number) {
            return Some(Found {
                place: self.place(address, true),
                precision: Precision::Address,
            });
        }
        let wanted = numeric_part(number)?;
        let nearest = self
            .addresses
            .iter()
            .filter_map(|a| numeric_part(&a.number).map(|n| (n.abs_diff(wanted), a)))
            .min_by(|(d1, a1), (d2, a2)| d1.cmp(d2).then_with(|| a1.folded.cmp(&a2.folded)))?;
        Some(Found {
            place: self.place(nearest.1, true),
            precision: Precision::NearestNumber,
        })
    }
}

/// Why a gazetteer file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    #[error("the header has no column for {0} (accepted names: {1})")]
    MissingColumn(&'static str, String),
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("the file holds no addresses")]
    Empty,
}

/// Accepted column names (folded), per field.
const COLUMNS: &[(&str, &[&str])] = &[
    ("street", &["street", "ulica", "nazwa_ulicy", "ul"]),
    ("number", &["number", "numer", "numer_porzadkowy", "nr"]),
    (
        "postcode",
        &["postcode", "kod_pocztowy", "kod", "postal_code"],
    ),
    ("lat", &["lat", "latitude", "szerokosc"]),
    ("lon", &["lon", "lng", "longitude", "dlugosc"]),
    ("locality", &["city", "locality", "miejscowosc"]),
];

/// Splits one CSV line, honouring double quotes ("" inside quotes is a quote).
fn split_csv(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    fields.push(current);
    fields.into_iter().map(|f| f.trim().to_owned()).collect()
}

/// Cells of the index for the nearest address: 0.005° (~560 m north–south, ~360 m east–west
/// in Poland).
const CELL_DEG: f64 = 0.005;

fn cell(point: Point) -> (i32, i32) {
    // Latitudes and longitudes are bounded, so the cell numbers fit easily.
    let at = |deg: f64| (deg / CELL_DEG).floor() as i32;
    (at(point.lat()), at(point.lon()))
}

/// A city's addresses, searched in memory.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    streets: Vec<Street>,
    localities: Vec<String>,
    cells: HashMap<(i32, i32), Vec<(usize, usize)>>,
}

impl Gazetteer {
    /// Reads a CSV file (comma or semicolon separated, UTF-8) with a header naming at least the
    /// street, house number, latitude and longitude (WGS84 degrees) columns; a postcode and a
    /// locality column are optional. Column names may be English or Polish (`ulica`, `numer`,
    /// `kod_pocztowy`, `szerokosc`, `dlugosc`, `miejscowosc`). A row with no street is
    /// addressed by its locality, as villages are.
    pub fn parse_csv(text: &str) -> Result<Self, GazetteerError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or(GazetteerError::Empty)?;
        let delimiter = if header.contains(';') { ';' } else { ',' };
        let names: Vec<String> = split_csv(header, delimiter)
            .iter()
            .map(|h| words(h).join("_"))
            .collect();
        let column = |field: &str| {
            let (_, aliases) = COLUMNS.iter().find(|(f, _)| *f == field)?;
            names.iter().position(|n| aliases.contains(&n.as_str()))
        };
        let required = |field: &'static str| {
            column(field).ok_or_else(|| {
                let aliases = COLUMNS
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, a)| a.join(", "))
                    .unwrap_or_default();
                GazetteerError::MissingColumn(field, aliases)
            })
        };
        let (street_col, number_col, lat_col, lon_col) = (
            required("street")?,
            required("number")?,
            required("lat")?,
            required("lon")?,
        );
        let (postcode_col, locality_col) = (column("postcode"), column("locality"));
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut streets: Vec<Street> = Vec::new();
        let mut localities: Vec<String> = Vec::new();
        for (index, line) in lines {
            let line_no = index + 1;
            let fields = split_csv(line, delimiter);
            let get = |col: usize| fields.get(col).map(String::as_str).unwrap_or_default();
            let bad = |reason: &str| GazetteerError::Line {
                line: line_no,
                reason: reason.to_owned(),
            };
            let locality = locality_col.map(get).unwrap_or_default();
            if !locality.is_empty() {
                let folded = words(locality).join(" ");
                if !localities.contains(&folded) {
                    localities.push(folded);
                }
            }
            let street = match get(street_col) {
                "" => locality,
                s => s,
            };
            if street.is_empty() {
                return Err(bad("no street and no locality"));
            }
            let number = get(number_col);
            if number.is_empty() {
                return Err(bad("no house number"));
            }
            let degrees = |col: usize, what: &str| {
                get(col)
                    .replace(',', ".")
                    .parse::<f64>()
                    .map_err(|_| bad(&format!("{what} is not a number")))
            };
            let point = Point::new(
                degrees(lat_col, "latitude")?,
                degrees(lon_col, "longitude")?,
            )
            .map_err(|_| bad("the position is outside the globe"))?;
            let postcode = postcode_col
                .map(get)
                .filter(|p| !p.is_empty())
                .map(str::to_owned);
            let at = *by_name.entry(street.to_owned()).or_insert_with(|| {
                streets.push(Street {
                    name: street.to_owned(),
                    words: without_street_types(words(street)),
                    addresses: Vec::new(),
                });
                streets.len() - 1
            });
            streets[at].addresses.push(Address {
                number: number.to_owned(),
                folded: words(number).concat(),
                postcode,
                point,
            });
        }
        if streets.is_empty() {
            return Err(GazetteerError::Empty);
        }
        let mut cells: HashMap<(i32, i32), Vec<(usize, usize)>> = HashMap::new();
        for (s, street) in streets.iter().enumerate() {
            for (a, address) in street.addresses.iter().enumerate() {
                cells.entry(cell(address.point)).or_default().push((s, a));
            }
        }
        Ok(Self {
            streets,
            localities,
            cells,
        })
    }

    /// How many addresses the gazetteer holds.
    pub fn len(&self) -> usize {
        self.streets.iter().map(|s| s.addresses.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.streets.is_empty()
    }

    /// The places that best answer `typed`, best first, one per street.
    pub fn search(&self, typed: &str, limit: usize) -> Vec<Found> {
        let query = Query::parse(typed, &self.localities);
        let mut scored: Vec<(i32, &Street)> = self
            .streets
            .iter()
            .filter_map(|s| street_score(&query.street, &s.words).map(|score| (score, s)))
            .collect();
        scored.sort_by(|(a, s1), (b, s2)| b.cmp(a).then_with(|| s1.name.cmp(&s2.name)));
        scored
            .into_iter()
            .filter_map(|(_, street)| street.find(query.number.as_deref()))
            .take(limit)
            .collect()
    }

    /// The address nearest `point`, if one is within `within_m` metres.
    pub fn nearest(&self, point: Point, within_m: f64) -> Option<Place> {
        let (row, col) = cell(point);
        // A cell's narrower side (east–west away from the equator); look far enough around.
        let narrowest_m = CELL_DEG * 111_320.0 * point.lat().to_radians().cos().max(0.05);
        let reach = (within_m / narrowest_m).ceil().clamp(1.0, 50.0) as i32;
        let mut best: Option<(f64, usize, usize)> = None;
        for r in row - reach..=row + reach {
            for c in col - reach..=col + reach {
                for &(s, a) in self.cells.get(&(r, c)).into_iter().flatten() {
                    let distance = self.streets[s].addresses[a].point.distance_m(point);
                    if distance <= within_m && best.is_none_or(|(d, _, _)| distance < d) {
                        best = Some((distance, s, a));
                    }
                }
            }
        }
        let (_, s, a) = best?;
        let street = &self.streets[s];
        Some(street.place(&street.addresses[a], true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}ulica;numer;kod_pocztowy;szerokosc;dlugosc;miejscowosc
ul. Karmelicka;20;31-128;50,0658;19,9305;Kraków
ul. Karmelicka;22;31-128;50.0661;19.9300;Kraków
ul. Karmelicka;3a;31-133;50.0645;19.9327;Kraków
al. Adama Mickiewicza;5;31-120;50.0660;19.9240;Kraków
al. Adama Mickiewicza;30;30-059;50.0700;19.9230;Kraków
ul. Łobzowska;10;31-139;50.0690;19.9310;Kraków
ul. Świętego Wawrzyńca;15;31-060;50.0495;19.9490;Kraków
al. 29 Listopada;10;31-425;50.0720;19.9500;Kraków
ul. Nowa Karmelicka;1;;50.0900;19.9000;Kraków
;7;32-020;49.9870;20.0640;Wieliczka
";

    fn sample() -> Gazetteer {
        Gazetteer::parse_csv(SAMPLE).expect("sample parses")
    }

    fn first(typed: &str) -> Found {
        sample().search(typed, 5).into_iter().next().expect(typed)
    }

    #[test]
    fn queries_split_street_and_number() {
        let krakow = vec!["krakow".to_owned()];
        let q = Query::parse("ul. Karmelicka 20/3, 31-128 Kraków", &krakow);
        assert_eq!(q.street, ["karmelicka"]);
        assert_eq!(q.number.as_deref(), Some("20"));
        assert_eq!(
            Query::parse("Karmelicka 20 a", &krakow).number.as_deref(),
            Some("20a")
        );
        assert_eq!(
            Query::parse("Karmelicka 20 m. 4", &krakow)
                .number
                .as_deref(),
            Some("20")
        );
        let q = Query::parse("al. 29 Listopada", &krakow);
        assert_eq!(
            (q.street, q.number),
            (vec!["29".into(), "listopada".into()], None)
        );
        let q = Query::parse("29 Listopada 10", &krakow);
        assert_eq!(q.number.as_deref(), Some("10"));
        assert_eq!(Query::parse("Kraków", &krakow).street, ["krakow"]);
    }

    #[test]
    fn typed_addresses_are_found_forgivingly() {
        for typed in [
            "ul. Karmelicka 20",
            "ul. karmelicka 20",
            "KARMELICKA 20",
            "Karmelicka 20, Kraków",
            "karmelicka 20/4 31-128",
            "ulica Karmelicka 20",
        ] {
            let found = first(typed);
            assert_eq!(found.precision, Precision::Address, "{typed}");
            assert_eq!(found.place.label(), "ul. Karmelicka 20, 31-128", "{typed}");
        }
        assert_eq!(first("Karmelicka 3A").place.number.as_deref(), Some("3a"));
        // Abbreviations and missing first names.
        assert_eq!(
            first("al. Mickiewicza 30").place.street,
            "al. Adama Mickiewicza"
        );
        assert_eq!(first("Mickiewicza").precision, Precision::Street);
        assert_eq!(
            first("św. Wawrzyńca 15").place.street,
            "ul. Świętego Wawrzyńca"
        );
        assert_eq!(
            first("swietego wawrzynca").place.street,
            "ul. Świętego Wawrzyńca"
        );
        assert_eq!(first("lobzowska 10").place.street, "ul. Łobzowska");
        assert_eq!(
            first("29 Listopada 10").place.label(),
            "al. 29 Listopada 10, 31-425"
        );
        // The exact name ranks before a longer one containing it; a prefix finds both.
        let both = sample().search("karmel", 5);
        assert_eq!(both.len(), 2);
        assert_eq!(first("Karmelicka").place.street, "ul. Karmelicka");
        // A locality without streets.
        assert_eq!(first("Wieliczka 7").place.label(), "Wieliczka 7, 32-020");
    }

    #[test]
    fn a_missing_number_gives_the_nearest_one_and_says_so() {
        let found = first("Karmelicka 21");
        assert_eq!(found.precision, Precision::NearestNumber);
        assert_eq!(found.place.number.as_deref(), Some("20"));
        let street = first("Karmelicka");
        assert_eq!((street.place.number, street.place.postcode), (None, None));
    }

    #[test]
    fn nothing_is_found_for_unknown_streets() {
        assert!(sample().search("Marszałkowska 1", 5).is_empty());
        assert!(sample().search("  ", 5).is_empty());
        assert!(sample().search("12", 5).is_empty());
    }

    #[test]
    fn the_nearest_address_to_a_pin() {
        let g = sample();
        let pin = Point::new(50.06585, 19.93045).unwrap();
        assert_eq!(
            g.nearest(pin, 200.0).unwrap().label(),
            "ul. Karmelicka 20, 31-128"
        );
        let far = Point::new(50.2, 19.5).unwrap();
        assert_eq!(g.nearest(far, 200.0), None);
        assert_eq!(g.len(), 10);
    }

    #[test]
    fn pins_far_from_the_typed_address_disagree() {
        let found = first("Karmelicka 20");
        let near = Point::new(50.0660, 19.9303).unwrap();
        assert_eq!(disagreement_m(&found, near), None);
        let elsewhere = Point::new(50.0495, 19.9490).unwrap();
        assert!(disagreement_m(&found, elsewhere).is_some_and(|d| d > 1_500.0));
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let missing = Gazetteer::parse_csv("street,number,lat\nA,1,50\n").unwrap_err();
        assert!(matches!(missing, GazetteerError::MissingColumn("lon", _)));
        let bad = Gazetteer::parse_csv("street,number,lat,lon\nA,1,50,19\nB,2,north,19\n");
        assert_eq!(
            bad.unwrap_err(),
            GazetteerError::Line {
                line: 3,
                reason: "latitude is not a number".into()
            }
        );
        assert_eq!(Gazetteer::parse_csv("").unwrap_err(), GazetteerError::Empty);
        assert_eq!(
            Gazetteer::parse_csv("street,number,lat,lon\n").unwrap_err(),
            GazetteerError::Empty
        );
        let quoted = Gazetteer::parse_csv(
            "street,number,lat,lon\n\"Plac \"\"Na Groblach\"\"\",1,50.05,19.93\n",
        )
        .unwrap();
        assert_eq!(
            quoted.search("na groblach 1", 1)[0].place.street,
            "Plac \"Na Groblach\""
        );
    }
}
