//! Reply templates: the wording a unit uses again and again when it tells a resident what
//! happened ("the defect was repaired on …", "this road belongs to the voivodeship …"), kept
//! per unit — or for every unit — and filled in with the report's own facts before a clerk
//! edits and sends it. The rules, once: who may keep which templates, what a template may
//! say, and how its placeholders are filled.

use crate::accounts::{Permission, Role};
use crate::reports::Status;
use crate::{FieldError, UnitId};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 120;
/// The longest text, in characters: what a public status message may hold.
pub const BODY_MAX: usize = 2000;

/// The placeholders a template may use, each replaced by the report's own fact.
pub const PLACEHOLDERS: [&str; 5] = ["number", "category", "address", "unit", "date"];

/// A template's checked content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub title: String,
    pub body: String,
    /// The status it is written for, suggested with it; `None` fits any.
    pub status: Option<Status>,
}

/// Why a template's content was refused, per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub title: Option<FieldError>,
    pub body: Option<FieldError>,
    pub status: Option<FieldError>,
}

/// Checks a template's fields: a title, a text whose `{placeholders}` are all known, and a
/// status that exists (or none).
pub fn check(title: &str, body: &str, status: &str) -> Result<Content, Problems> {
    let title = crate::required_text(title, TITLE_MAX);
    let body = crate::required_text(body, BODY_MAX).and_then(|b| match unknown_placeholder(&b) {
        Some(_) => Err(FieldError::PlaceholderUnknown),
        None => Ok(b),
    });
    let status = match status.trim() {
        "" => Ok(None),
        raw => Status::parse(raw).map(Some),
    };
    match (title, body, status) {
        (Ok(title), Ok(body), Ok(status)) => Ok(Content {
            title,
            body,
            status,
        }),
        (title, body, status) => Err(Problems {
            title: title.err(),
            body: body.err(),
            status: status.err(),
        }),
    }
}

/// The first `{name}` in `body` that is not a placeholder (for the clerk to correct).
pub fn unknown_placeholder(body: &str) -> Option<&str> {
    placeholders(body).find(|name| !PLACEHOLDERS.contains(name))
}

fn placeholders(body: &str) -> impl Iterator<Item = &str> {
    body.split('{').skip(1).filter_map(|rest| {
        let end = rest.find('}')?;
        let name = &rest[..end];
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .then_some(name)
    })
}

/// The report's facts a template is filled with.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub number: &'a str,
    pub category: &'a str,
    /// The address as given; empty when the report has only a point.
    pub address: &'a str,
    pub unit: &'a str,
    /// The day the report was made, as the reader's language writes it.
    pub date: &'a str,
}

/// The template's text with each known placeholder replaced by its fact; anything else in
/// braces is left as written.
pub fn fill(body: &str, facts: &Facts) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let value = match &after[..end] {
                "number" => facts.number,
                "category" => facts.category,
                "address" => facts.address,
                "unit" => facts.unit,
                "date" => facts.date,
                _ => return None,
            };
            Some((value, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whose templates an actor keeps: every unit's (and the shared ones) for the contact centre
/// and admins, their own unit's for its staff, none for anyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Any,
    Unit(UnitId),
    None,
}

impl Scope {
    pub fn of(role: Role, unit: Option<UnitId>) -> Self {
        if !role.can(Permission::HandleReports) {
            Self::None
        } else if role.can(Permission::HandleAnyUnitsReports) {
            Self::Any
        } else {
            unit.map_or(Self::None, Self::Unit)
        }
    }

    /// May this actor create, change or delete a template of `unit` (`None`: shared by all
    /// units)? Unit staff keep their own unit's only; shared ones are the contact centre's.
    pub fn may_keep(self, unit: Option<UnitId>) -> bool {
        match self {
            Self::Any => true,
            Self::Unit(own) => unit == Some(own),
            Self::None => false,
        }
    }

    /// The templates offered on a report of `report_unit`: its unit's and the shared ones.
    pub fn offers(report_unit: UnitId, template_unit: Option<UnitId>) -> bool {
        template_unit.is_none_or(|u| u == report_unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts<'static> {
        Facts {
            number: "2026/00042",
            category: "Dziura w jezdni",
            address: "ul. Karmelicka 20",
            unit: "ZDMK",
            date: "3.12.2026",
        }
    }

    #[test]
    fn fill_replaces_known_placeholders_and_keeps_everything_else() {
        assert_eq!(
            fill(
                "Zgłoszenie {number} ({category}, {address}) z {date}: {unit}.",
                &facts()
            ),
            "Zgłoszenie 2026/00042 (Dziura w jezdni, ul. Karmelicka 20) z 3.12.2026: ZDMK."
        );
        assert_eq!(fill("{nope} {number", &facts()), "{nope} {number");
        assert_eq!(fill("{{number}}", &facts()), "{2026/00042}");
        assert_eq!(fill("żółć {unit}", &facts()), "żółć ZDMK");
        assert_eq!(fill("", &facts()), "");
    }

    #[test]
    fn check_names_each_problem_field() {
        let ok = check(" Naprawiono ", "Naprawiono {address}.", "solved").unwrap();
        assert_eq!(ok.title, "Naprawiono");
        assert_eq!(ok.status, Some(Status::Solved));
        assert_eq!(check("T", "B", "").unwrap().status, None);
        let bad = check("", "Dzień dobry {imie}", "later").unwrap_err();
        assert_eq!(bad.title, Some(FieldError::Required));
        assert_eq!(bad.body, Some(FieldError::PlaceholderUnknown));
        assert_eq!(bad.status, Some(FieldError::StatusUnknown));
        let long = "x".repeat(BODY_MAX + 1);
        assert_eq!(
            check("T", &long, "").unwrap_err().body,
            Some(FieldError::TooLong)
        );
        assert_eq!(unknown_placeholder("{number} {x} {y}"), Some("x"));
        assert_eq!(unknown_placeholder("a {b c} {} {NUMBER"), None);
    }

    #[test]
    fn scopes_follow_the_roles() {
        let own = UnitId::new();
        let other = UnitId::new();
        assert_eq!(Scope::of(Role::Admin, None), Scope::Any);
        assert_eq!(Scope::of(Role::Operator, None), Scope::Any);
        assert_eq!(Scope::of(Role::UnitStaff, Some(own)), Scope::Unit(own));
        for role in [Role::Resident, Role::Official, Role::Moderator] {
            assert_eq!(Scope::of(role, None), Scope::None, "{role:?}");
        }
        let staff = Scope::Unit(own);
        assert!(staff.may_keep(Some(own)));
        assert!(!staff.may_keep(Some(other)));
        assert!(!staff.may_keep(None));
        assert!(Scope::Any.may_keep(None));
        assert!(!Scope::None.may_keep(Some(own)));
        assert!(Scope::offers(own, None));
        assert!(Scope::offers(own, Some(own)));
        assert!(!Scope::offers(own, Some(other)));
    }
}
