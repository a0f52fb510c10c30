//! Weighting a survey's responses to the population: an official enters the population's
//! margins (people per district, per age band, per sex — any of the three), and raking
//! (iterative proportional fitting) finds one weight per demographic cell so that the
//! weighted responses match every margin entered. Weighted figures are shown beside the
//! unweighted ones, never instead of them, with how many responses could be weighted and
//! the effective sample size (Kish) so that a reader sees what the weighting costs.
//!
//! Responses that leave out a weighted question (no age band given, say) cannot be placed
//! and are left out of the weighted figures; categories with people but no responses are
//! named, and the other categories share their part.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A demographic question that can be weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    District,
    Age,
    Sex,
}

impl Dimension {
    pub const ALL: [Self; 3] = [Self::District, Self::Age, Self::Sex];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Age => "age",
            Self::Sex => "sex",
        }
    }

    /// The margins form's fieldset for it, which its errors name.
    pub fn field(self) -> &'static str {
        match self {
            Self::District => "margins-district",
            Self::Age => "margins-age",
            Self::Sex => "margins-sex",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::District => 0,
            Self::Age => 1,
            Self::Sex => 2,
        }
    }
}

/// The population per category of each dimension entered (an empty map: not weighted by it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Margins {
    #[serde(default)]
    pub district: BTreeMap<String, f64>,
    #[serde(default)]
    pub age: BTreeMap<String, f64>,
    #[serde(default)]
    pub sex: BTreeMap<String, f64>,
}

impl Margins {
    pub fn of(&self, d: Dimension) -> &BTreeMap<String, f64> {
        match d {
            Dimension::District => &self.district,
            Dimension::Age => &self.age,
            Dimension::Sex => &self.sex,
        }
    }

    fn of_mut(&mut self, d: Dimension) -> &mut BTreeMap<String, f64> {
        match d {
            Dimension::District => &mut self.district,
            Dimension::Age => &mut self.age,
            Dimension::Sex => &mut self.sex,
        }
    }

    /// The dimensions weighted by.
    pub fn dimensions(&self) -> Vec<Dimension> {
        Dimension::ALL
            .into_iter()
            .filter(|d| !self.of(*d).is_empty())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.dimensions().is_empty()
    }
}

/// The most people a category may hold (more than any country).
pub const POPULATION_MAX: f64 = 1e10;

/// Reads a population as typed: digits with optional spaces between thousands and a
/// decimal comma or point.
fn population(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=POPULATION_MAX).contains(v))
}

/// Checks the margins as typed: for each dimension the categories' raw values. A dimension
/// with every field blank is not weighted by; once one of its fields is filled, every one of
/// them must hold a number of people (0 allowed) and they must not all be 0. Errors name the
/// dimension's fieldset (`margins-district` …).
pub fn check_margins(
    typed: &[(Dimension, Vec<(String, String)>)],
) -> Result<Margins, Vec<(&'static str, FieldError)>> {
    let mut margins = Margins::default();
    let mut errors = Vec::new();
    for (dimension, fields) in typed {
        let field = dimension.field();
        if fields.iter().all(|(_, v)| v.trim().is_empty()) {
            continue;
        }
        let mut values = BTreeMap::new();
        let mut error = None;
        for (category, raw) in fields {
            if raw.trim().is_empty() {
                error.get_or_insert(FieldError::Required);
                continue;
            }
            match population(raw) {
                Some(v) => {
                    values.insert(category.clone(), v);
                }
                None => {
                    error = Some(FieldError::NumberInvalid);
                }
            }
        }
        if error.is_none() && values.values().all(|v| *v == 0.0) {
            error = Some(FieldError::NumberInvalid);
        }
        match error {
            Some(e) => errors.push((field, e)),
            None => *margins.of_mut(*dimension) = values,
        }
    }
    if errors.is_empty() {
        Ok(margins)
    } else {
        Err(errors)
    }
}

/// A demographic cell: district, age band, sex as answered (`None`: not given).
pub type Cell = [Option<String>; 3];

/// The raking's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighting {
    /// The weight of one response in each cell that could be weighted (mean 1 over them).
    pub weights: HashMap<Cell, f64>,
    /// Responses weighted.
    pub used: u64,
    /// Responses left out: a weighted question not answered, or a category not in the margins.
    pub left_out: u64,
    /// Categories with people but no responses: their part goes to the other categories.
    pub empty: Vec<(Dimension, String)>,
    /// Whether every margin was met (to one part in a million).
    pub converged: bool,
    pub iterations: u32,
    /// Kish's effective sample size: (Σw)² / Σw².
    pub effective: f64,
    /// The largest weight of one response.
    pub largest: f64,
}

/// The weight in each category of dimension `d`.
fn sums_by<'a>(counts: &[(&'a Cell, f64)], w: &[f64], d: Dimension) -> HashMap<&'a str, f64> {
    let mut sums: HashMap<&str, f64> = HashMap::new();
    for ((cell, _), wi) in counts.iter().zip(w) {
        if let Some(v) = cell[d.index()].as_deref() {
            *sums.entry(v).or_default() += wi;
        }
    }
    sums
}

/// Most sweeps over the dimensions before giving up.
pub const SWEEPS_MAX: u32 = 1_000;
/// Margins met when every weighted category is within this share of its target.
pub const TOLERANCE: f64 = 1e-9;

/// Rakes the responses counted per cell to the margins. `None` when there is nothing to
/// weight by or no response can be placed.
pub fn rake(cells: &[(Cell, u64)], margins: &Margins) -> Option<Weighting> {
    let dims = margins.dimensions();
    if dims.is_empty() {
        return None;
    }
    let placed = |cell: &Cell| {
        dims.iter().all(|d| {
            cell[d.index()]
                .as_ref()
                .is_some_and(|v| margins.of(*d).contains_key(v))
        })
    };
    let mut counts: Vec<(&Cell, f64)> = Vec::new();
    let mut left_out = 0;
    for (cell, n) in cells {
        if *n == 0 {
            continue;
        }
        if placed(cell) {
            counts.push((cell, *n as f64));
        } else {
            left_out += n;
        }
    }
    let used: f64 = counts.iter().map(|(_, n)| n).sum();
    if used == 0.0 {
        return None;
    }
    // The targets: each dimension's shares over the categories that have responses.
    let mut empty = Vec::new();
    let mut targets: Vec<(Dimension, HashMap<&str, f64>)> = Vec::new();
    for d in &dims {
        let present: std::collections::HashSet<&str> = counts
            .iter()
            .filter_map(|(cell, _)| cell[d.index()].as_deref())
            .collect();
        let mut total = 0.0;
        for (category, people) in margins.of(*d) {
            if present.contains(category.as_str()) {
                total += people;
            } else if *people > 0.0 {
                empty.push((*d, category.clone()));
            }
        }
        let shares = margins
            .of(*d)
            .iter()
            .filter(|(c, _)| present.contains(c.as_str()))
            .map(|(c, p)| {
                let share = if total > 0.0 { p / total } else { 0.0 };
                (c.as_str(), used * share)
            })
            .collect();
        targets.push((*d, shares));
    }
    let mut w: Vec<f64> = counts.iter().map(|(_, n)| *n).collect();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < SWEEPS_MAX {
        iterations += 1;
        for (d, target) in &targets {
            let sums = sums_by(&counts, &w, *d);
            for ((cell, _), wi) in counts.iter().zip(w.iter_mut()) {
                if let Some(v) = cell[d.index()].as_deref() {
                    let sum = sums.get(v).copied().unwrap_or(0.0);
                    let goal = target.get(v).copied().unwrap_or(0.0);
                    *wi = if sum > 0.0 { *wi * goal / sum } else { 0.0 };
                }
            }
        }
        // After a full sweep the last dimension is met exactly; check them all.
        let off = targets
            .iter()
            .map(|(d, target)| {
                let sums = sums_by(&counts, &w, *d);
                target
                    .iter()
                    .map(|(v, goal)| (sums.get(v).copied().unwrap_or(0.0) - goal).abs() / used)
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if off < TOLERANCE {
            converged = true;
            break;
        }
    }
    let mut weights = HashMap::new();
    let (mut sum, mut squares, mut largest) = (0.0, 0.0, 0.0_f64);
    for ((cell, n), wi) in counts.iter().zip(&w) {
        let each = wi / n;
        sum += wi;
        squares += each * each * n;
        largest = largest.max(each);
        weights.insert((*cell).clone(), each);
    }
    Some(Weighting {
        weights,
        used: used as u64,
        left_out,
        empty,
        converged,
        iterations,
        effective: if squares > 0.0 {
            sum * sum / squares
        } else {
            0.0
        },
        largest,
    })
}

/// The weighted counts: every key's count in every cell times that cell's weight (cells that
/// could not be weighted add nothing).
pub fn weigh<'a>(
    counts: impl IntoIterator<Item = (&'a Cell, &'a str, u64)>,
    weighting: &Weighting,
) -> HashMap<String, f64> {
    let mut out: HashMap<String, f64> = HashMap::new();
    for (cell, key, n) in counts {
        if let Some(w) = weighting.weights.get(cell) {
            *out.entry(key.to_owned()).or_default() += w * n as f64;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(d: &str, a: &str, s: &str) -> Cell {
        let v = |x: &str| (!x.is_empty()).then(|| x.to_owned());
        [v(d), v(a), v(s)]
    }

    fn typed(d: Dimension, pairs: &[(&str, &str)]) -> (Dimension, Vec<(String, String)>) {
        (
            d,
            pairs
                .iter()
                .map(|(c, v)| ((*c).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn one_dimension_is_post_stratification() {
        // 80 women and 20 men answered; the population is half and half: each woman counts
        // 0.625, each man 2.5.
        let margins = check_margins(&[typed(
            Dimension::Sex,
            &[("female", "50 000"), ("male", "50000,0")],
        )])
        .unwrap();
        let w = rake(
            &[(cell("", "", "female"), 80), (cell("", "", "male"), 20)],
            &margins,
        )
        .unwrap();
        assert!((w.weights[&cell("", "", "female")] - 0.625).abs() < 1e-12);
        assert!((w.weights[&cell("", "", "male")] - 2.5).abs() < 1e-12);
        assert_eq!((w.used, w.left_out), (100, 0));
        // Kish: 100² / (80·0.625² + 20·2.5²) = 10000 / 156.25 = 64.
        assert!((w.effective - 64.0).abs() < 1e-9);
        assert!(w.converged);
    }

    #[test]
    fn two_dimensions_meet_both_margins() {
        // A 2×2 raking: sample cells (young,f)=30 (young,m)=10 (old,f)=20 (old,m)=40; the
        // population is 30% young and 60% women.
        let cells = [
            (cell("", "18-24", "female"), 30),
            (cell("", "18-24", "male"), 10),
            (cell("", "60-74", "female"), 20),
            (cell("", "60-74", "male"), 40),
            // No sex given: left out.
            (cell("", "18-24", ""), 7),
        ];
        let margins = Margins {
            age: [("18-24".into(), 300.0), ("60-74".into(), 700.0)].into(),
            sex: [("female".into(), 600.0), ("male".into(), 400.0)].into(),
            ..Margins::default()
        };
        let w = rake(&cells, &margins).unwrap();
        assert!(w.converged);
        assert_eq!((w.used, w.left_out), (100, 7));
        let total = |f: &dyn Fn(&Cell) -> bool| -> f64 {
            cells
                .iter()
                .filter(|(c, _)| f(c))
                .filter_map(|(c, n)| w.weights.get(c).map(|x| x * *n as f64))
                .sum()
        };
        let young = total(&|c| c[1].as_deref() == Some("18-24"));
        let women = total(&|c| c[2].as_deref() == Some("female"));
        assert!((young - 30.0).abs() < 1e-6, "{young}");
        assert!((women - 60.0).abs() < 1e-6, "{women}");
        // Raking keeps the sample's odds ratio (30·40 / (10·20) = 6), so young women x solve
        // x(10 + x) = 6(30 − x)(60 − x): x = (110 − √3460) / 2.
        let young_women = w.weights[&cell("", "18-24", "female")] * 30.0;
        let young_men = w.weights[&cell("", "18-24", "male")] * 10.0;
        let old_women = w.weights[&cell("", "60-74", "female")] * 20.0;
        let old_men = w.weights[&cell("", "60-74", "male")] * 40.0;
        let odds = young_women * old_men / (young_men * old_women);
        assert!(
            (odds - 6.0).abs() < 1e-6,
            "raking keeps the odds ratio: {odds}"
        );
        let expected = (110.0 - 3460.0_f64.sqrt()) / 2.0;
        assert!((young_women - expected).abs() < 1e-6, "{young_women}");
    }

    #[test]
    fn categories_without_responses_are_named_and_shared_out() {
        let margins = Margins {
            age: [
                ("18-24".into(), 100.0),
                ("25-34".into(), 100.0),
                ("75-plus".into(), 200.0),
            ]
            .into(),
            ..Margins::default()
        };
        let w = rake(
            &[(cell("", "18-24", ""), 10), (cell("", "25-34", ""), 30)],
            &margins,
        )
        .unwrap();
        assert_eq!(w.empty, vec![(Dimension::Age, "75-plus".to_owned())]);
        assert!((w.weights[&cell("", "18-24", "")] * 10.0 - 20.0).abs() < 1e-9);
        // Nothing to weight by, or nobody placed: no weighting.
        assert!(rake(&[(cell("", "18-24", ""), 1)], &Margins::default()).is_none());
        assert!(rake(&[(cell("", "", "male"), 5)], &margins).is_none());
    }

    #[test]
    fn weighted_counts_follow_the_cells() {
        let margins = Margins {
            sex: [("female".into(), 1.0), ("male".into(), 1.0)].into(),
            ..Margins::default()
        };
        let f = cell("", "", "female");
        let m = cell("", "", "male");
        let none = cell("", "", "");
        let w = rake(
            &[(f.clone(), 3), (m.clone(), 1), (none.clone(), 5)],
            &margins,
        )
        .unwrap();
        let counts = [(&f, "q1:0", 3), (&m, "q1:1", 1), (&none, "q1:1", 5)];
        let weighted = weigh(counts.iter().map(|(c, k, n)| (*c, *k, *n)), &w);
        assert!((weighted["q1:0"] - 2.0).abs() < 1e-12);
        assert!((weighted["q1:1"] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn margins_as_typed() {
        assert_eq!(
            check_margins(&[typed(Dimension::Age, &[("18-24", ""), ("25-34", "")])]).unwrap(),
            Margins::default(),
            "all blank: not weighted by age"
        );
        assert_eq!(
            check_margins(&[typed(Dimension::Age, &[("18-24", "5"), ("25-34", "")])]),
            Err(vec![("margins-age", FieldError::Required)])
        );
        for bad in ["-3", "abc", "1e3", "0"] {
            assert_eq!(
                check_margins(&[typed(Dimension::Sex, &[("female", bad), ("male", "0")])]),
                Err(vec![("margins-sex", FieldError::NumberInvalid)]),
                "{bad}"
            );
        }
        let ok =
            check_margins(&[typed(Dimension::District, &[("a", "1 234,5"), ("b", "0")])]).unwrap();
        assert_eq!(ok.district["a"], 1234.5);
        assert_eq!(ok.dimensions(), vec![Dimension::District]);
    }
}
