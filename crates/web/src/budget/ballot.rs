//! The ballot form, shared by online voting and paper keying: the voter's identity, the
//! city-wide part and one district's part, each drawn by its pool's rule (ranked selects,
//! approval or knapsack checkboxes, cumulative points), and read back into checked marks.

use crate::form::FieldErrors;
use crate::page::{Page, SelectOption};
use chrono::NaiveDate;
use miasto_domain::budget::{BallotError, BallotRule, Choice, Pesel, format_amount};
use miasto_domain::vote::{FoldedName, Identity, IdentityError};
use miasto_domain::{FieldError, Locale};
use miasto_store::budget::{Edition, Mark, Pool, Project};

/// One pool's part of the ballot as the form shows it.
pub struct PoolPart {
    /// `city` or `district`: the prefix of the part's fields and its error anchor.
    pub field: &'static str,
    pub name: String,
    pub budget: String,
    pub rule: String,
    /// Ranked ballots: one select per place, first choice first.
    pub ranks: Vec<RankSlot>,
    /// Approval and knapsack ballots: a checkbox per project.
    pub checks: Vec<Check>,
    /// Cumulative ballots: a number per project.
    pub points: Vec<PointsInput>,
}

pub struct RankSlot {
    pub name: String,
    pub label: String,
    pub options: Vec<SelectOption>,
}

pub struct Check {
    pub id: String,
    pub value: u32,
    pub label: String,
    pub checked: bool,
}

pub struct PointsInput {
    pub name: String,
    pub label: String,
    pub value: String,
}

fn project_label(p: &Project) -> String {
    format!(
        "{} – {} ({})",
        p.code,
        p.title,
        format_amount(p.final_cost())
    )
}

/// What was typed into the ballot's fields, by name.
pub struct Typed<'a>(pub &'a [(String, String)]);

impl Typed<'_> {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

impl PoolPart {
    pub fn new(
        page: &Page,
        field: &'static str,
        pool: &Pool,
        projects: &[Project],
        typed: &Typed<'_>,
    ) -> Self {
        let mut part = Self {
            field,
            name: pool.name(page.lang).to_owned(),
            budget: format_amount(pool.budget),
            rule: super::rule_label(page, pool.rule),
            ranks: Vec::new(),
            checks: Vec::new(),
            points: Vec::new(),
        };
        match pool.rule {
            BallotRule::Ranked { picks } => {
                for rank in 1..=picks {
                    let name = format!("{field}-{rank}");
                    let chosen = typed.get(&name).to_owned();
                    let mut options = vec![SelectOption {
                        value: String::new(),
                        label: page.t("budget-choose-project"),
                        selected: chosen.is_empty(),
                    }];
                    options.extend(projects.iter().map(|p| SelectOption {
                        value: p.number.to_string(),
                        label: project_label(p),
                        selected: chosen == p.number.to_string(),
                    }));
                    let points = picks - rank + 1;
                    part.ranks.push(RankSlot {
                        label: crate::i18n::t_args(
                            page.lang,
                            "budget-rank-label",
                            &[("rank", &rank.to_string()), ("points", &points.to_string())],
                        ),
                        name,
                        options,
                    });
                }
            }
            BallotRule::Approval { .. } | BallotRule::Knapsack => {
                let chosen = typed.all(field);
                part.checks = projects
                    .iter()
                    .map(|p| Check {
                        id: format!("{field}-{}", p.number),
                        value: p.number,
                        label: project_label(p),
                        checked: chosen.contains(&p.number.to_string().as_str()),
                    })
                    .collect();
            }
            BallotRule::Cumulative { .. } => {
                part.points = projects
                    .iter()
                    .map(|p| {
                        let name = format!("{field}-{}", p.number);
                        PointsInput {
                            value: typed.get(&name).to_owned(),
                            label: project_label(p),
                            name,
                        }
                    })
                    .collect();
            }
        }
        part
    }
}

/// Reads one pool's part: the marks, checked against the pool's rule, or a message.
pub fn read_part(
    locale: Locale,
    field: &'static str,
    pool: &Pool,
    projects: &[Project],
    typed: &Typed<'_>,
    errors: &mut FieldErrors,
) -> Option<Vec<Mark>> {
    let find = |raw: &str| {
        let number: u32 = raw.trim().parse().ok()?;
        projects.iter().position(|p| p.number == number)
    };
    let mut choices = Vec::new();
    let mut unknown = false;
    let mut push = |index: Option<usize>, points: u16| match index {
        Some(i) => choices.push(Choice {
            project: i,
            cost: projects[i].final_cost(),
            points,
        }),
        None => unknown = true,
    };
    let mut bad_points = false;
    match pool.rule {
        BallotRule::Ranked { picks } => {
            for rank in 1..=picks {
                let raw = typed.get(&format!("{field}-{rank}"));
                if !raw.is_empty() {
                    push(find(raw), 1);
                }
            }
        }
        BallotRule::Approval { .. } | BallotRule::Knapsack => {
            for raw in typed.all(field) {
                push(find(raw), 1);
            }
        }
        BallotRule::Cumulative { .. } => {
            for (i, p) in projects.iter().enumerate() {
                let raw = typed.get(&format!("{field}-{}", p.number)).trim();
                if raw.is_empty() || raw == "0" {
                    continue;
                }
                match raw.parse::<u16>() {
                    Ok(points) => push(Some(i), points),
                    Err(_) => bad_points = true,
                }
            }
        }
    }
    if unknown || bad_points {
        errors.add_message(field, "budget-error-unknown-project");
        return None;
    }
    match pool.rule.check(&choices, pool.budget) {
        Ok(points) => Some(
            choices
                .iter()
                .zip(points)
                .map(|(c, points)| Mark {
                    pool: pool.id,
                    project: projects[c.project].id,
                    points,
                })
                .collect(),
        ),
        Err(e) => {
            let message = match e {
                BallotError::WrongCount { expected } => crate::i18n::t_args(
                    locale,
                    "budget-error-wrong-count",
                    &[("count", &expected.to_string())],
                ),
                BallotError::TooMany { max } => crate::i18n::t_args(
                    locale,
                    "budget-error-too-many",
                    &[("count", &max.to_string())],
                ),
                BallotError::Empty => crate::i18n::t(locale, "budget-error-empty"),
                BallotError::Repeated => crate::i18n::t(locale, "budget-error-repeated"),
                BallotError::TooManyPoints {
                    points,
                    per_project,
                } => crate::i18n::t_args(
                    locale,
                    "budget-error-too-many-points",
                    &[
                        ("points", &points.to_string()),
                        ("per_project", &per_project.to_string()),
                    ],
                ),
                BallotError::OverBudget => crate::i18n::t(locale, "budget-error-over-budget"),
            };
            errors.add_text(field, message);
            None
        }
    }
}

/// The voter's part of a ballot form as typed (kept when the form comes back with errors).
pub struct VoterFields {
    pub allow_without_pesel: bool,
    /// Typed by staff at a counter: they confirm a document instead of a declaration.
    pub counter: bool,
    pub full_name: String,
    pub pesel: String,
    pub without_pesel: bool,
    pub born: String,
    pub no_pesel_declaration: bool,
    pub document_checked: bool,
    pub resident: bool,
    /// A vote restricted to one district: its name, for the residency declaration.
    pub district: Option<String>,
}

/// What a vote asks of a voter's identity: whether a date of birth may stand in for a PESEL,
/// and the minimum age.
pub trait IdentityRules {
    fn allow_without_pesel(&self) -> bool;
    fn min_age(&self) -> Option<u32>;
}

impl IdentityRules for Edition {
    fn allow_without_pesel(&self) -> bool {
        self.allow_without_pesel
    }

    fn min_age(&self) -> Option<u32> {
        self.min_age
    }
}

impl VoterFields {
    /// What was typed, or an empty form when `keep` is false.
    pub fn typed(
        edition: &impl IdentityRules,
        typed: &Typed<'_>,
        keep: bool,
        counter: bool,
    ) -> Self {
        let text = |name: &str| {
            if keep {
                typed.get(name).to_owned()
            } else {
                String::new()
            }
        };
        let ticked = |name: &str| keep && typed.checked(name);
        Self {
            allow_without_pesel: edition.allow_without_pesel(),
            district: None,
            counter,
            full_name: text("full_name"),
            pesel: text("pesel"),
            without_pesel: ticked("without_pesel"),
            born: text("born"),
            no_pesel_declaration: ticked("no_pesel_declaration"),
            document_checked: ticked("document_checked"),
            resident: ticked("resident"),
        }
    }
}

/// Where an identity is typed, which decides what vouches for a voter without a PESEL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The voter online, or a paper sheet as the voter filled it in: a declaration.
    Declared,
    /// Staff at a counter, who checked an identity document.
    Counter,
}

/// The voter's identity as typed: the full name, and a PESEL or (where the edition allows it)
/// a date of birth with a declaration of having no PESEL — or, at a counter, staff's word that
/// they checked a document. Also checks the residency declaration, that the birth date is
/// possible, and the minimum age on `today`.
pub fn read_identity(
    edition: &impl IdentityRules,
    typed: &Typed<'_>,
    today: NaiveDate,
    route: Route,
    errors: &mut FieldErrors,
) -> Option<Identity> {
    let name = FoldedName::parse(typed.get("full_name"));
    if name.is_none() {
        errors.add_message("full_name", "budget-error-full-name");
    }
    let without = edition.allow_without_pesel() && typed.checked("without_pesel");
    let identity = if without {
        let born = NaiveDate::parse_from_str(typed.get("born").trim(), "%Y-%m-%d").ok();
        if born.is_none() {
            errors.add_message("born", "budget-error-born");
        }
        if route == Route::Declared && !typed.checked("no_pesel_declaration") {
            errors.add_message("no_pesel_declaration", "budget-error-no-pesel-declaration");
        }
        born.zip(name)
            .map(|(born, name)| Identity::Declared { born, name })
    } else {
        let raw = typed.get("pesel");
        let pesel = if raw.trim().is_empty() {
            errors.add("pesel", FieldError::Required);
            None
        } else {
            errors.check("pesel", Pesel::parse(raw))
        };
        pesel
            .zip(name)
            .map(|(pesel, name)| Identity::Pesel { pesel, name })
    };
    if route == Route::Counter && !typed.checked("document_checked") {
        errors.add_message("document_checked", "budget-error-document-checked");
    }
    if !typed.checked("resident") {
        errors.add_message("resident", "budget-error-resident");
    }
    let identity = identity?;
    if let Err(e) = identity.check(today, edition.min_age()) {
        let field = if matches!(identity, Identity::Pesel { .. }) {
            "pesel"
        } else {
            "born"
        };
        let message = match e {
            IdentityError::TooYoung { min } => crate::i18n::t_args(
                errors.locale(),
                "budget-error-too-young",
                &[("age", &min.to_string())],
            ),
            other => crate::i18n::t(
                errors.locale(),
                &format!("budget-error-{}", other.code().replace('_', "-")),
            ),
        };
        errors.add_text(field, message);
        return None;
    }
    Some(identity)
}
