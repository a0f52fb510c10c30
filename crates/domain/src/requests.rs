//! Requests that residents sign (issue 18): one mechanism, three uses — asking for a Small
//! Consultation, for a standard consultation, or for a district referendum. The numbers of
//! signatures needed are the city's configuration ([`Thresholds`]; Kraków's draft resolution
//! gives the defaults).
//!
//! The life of a request: a resident **submits** it; an official **checks** its form and
//! opens it for signatures until a deadline (or refuses it with a reason); residents **sign**
//! with their account, their PESEL (kept only as a keyed hash within the request: one
//! signature per person) and a declaration that they live in the district; organisations sign
//! through an account linked to their KRS number once staff have verified the link; paper
//! lists are typed in by staff. When enough have signed, an official **accepts** it (a Small
//! Consultation or a consultation draft is created) or **refuses** it with a published reason.
//!
//! [`may`] is the one answer to "may this actor do this now?"; the store repeats the state
//! part of it in its conditional writes.

use crate::accounts::{Permission, Role};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 5000;
/// The longest reason for a refusal, in characters.
pub const REASON_MAX: usize = 2000;
/// The largest electorate an official may enter (Kraków has about 600,000 voters).
pub const ELECTORATE_MAX: u32 = 5_000_000;

/// What the signatures ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// A Small Consultation for the people of one district.
    SmallConsultation,
    /// A standard consultation (city-wide or for a district).
    Consultation,
    /// A referendum in one district.
    Referendum,
}

impl Purpose {
    pub const ALL: [Self; 3] = [
        Self::SmallConsultation,
        Self::Consultation,
        Self::Referendum,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SmallConsultation => "small_consultation",
            Self::Consultation => "consultation",
            Self::Referendum => "referendum",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }

    /// A Small Consultation and a referendum concern one district; a consultation may be
    /// city-wide.
    pub fn needs_district(self) -> bool {
        !matches!(self, Self::Consultation)
    }

    /// Organisations may sign requests for consultations, not for referenda (only residents
    /// entitled to vote count there).
    pub fn organisations_sign(self) -> bool {
        !matches!(self, Self::Referendum)
    }
}

/// The numbers a city sets (`[city.requests]`); the defaults are Kraków's draft resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Residents of the district for a Small Consultation (Kraków: 20)…
    pub small_residents: u32,
    /// …or organisations (Kraków: 4).
    pub small_organisations: u32,
    /// Residents for a standard consultation (Kraków: 300)…
    pub consultation_residents: u32,
    /// …or organisations (Kraków: 8).
    pub consultation_organisations: u32,
    /// Per cent of the district's electorate for a referendum (Kraków: 10).
    pub referendum_percent: u32,
    /// How long signatures are collected once the request is opened, in days.
    pub collection_days: i64,
    /// The youngest who may sign a consultation request (the draft resolution says residents;
    /// the city sets the age).
    pub consultation_min_age: u32,
    /// The youngest who may sign a referendum request (those entitled to vote).
    pub referendum_min_age: u32,
    /// How many referenda one district may hold in a calendar year (by the day voting opens).
    pub referenda_per_year: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            small_residents: 20,
            small_organisations: 4,
            consultation_residents: 300,
            consultation_organisations: 8,
            referendum_percent: 10,
            collection_days: 60,
            consultation_min_age: 16,
            referendum_min_age: 18,
            referenda_per_year: 1,
        }
    }
}

/// How many signatures a request needs: it succeeds when either number is reached. `None`
/// residents: a referendum request whose electorate nobody has entered yet (it cannot be
/// accepted until an official does); `None` organisations: organisations do not sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needed {
    pub residents: Option<u32>,
    pub organisations: Option<u32>,
}

impl Thresholds {
    /// The numbers for a request of `purpose`; `electorate` is the district's number of
    /// residents entitled to vote, entered by an official (referenda only).
    pub fn needed(&self, purpose: Purpose, electorate: Option<u32>) -> Needed {
        match purpose {
            Purpose::SmallConsultation => Needed {
                residents: Some(self.small_residents),
                organisations: Some(self.small_organisations),
            },
            Purpose::Consultation => Needed {
                residents: Some(self.consultation_residents),
                organisations: Some(self.consultation_organisations),
            },
            Purpose::Referendum => Needed {
                residents: electorate.map(|e| percent_up(e, self.referendum_percent)),
                organisations: None,
            },
        }
    }

    /// The youngest who may sign a request of `purpose`.
    pub fn min_age(&self, purpose: Purpose) -> u32 {
        match purpose {
            Purpose::Referendum => self.referendum_min_age,
            _ => self.consultation_min_age,
        }
    }

    /// Checks the city's numbers make sense (each at least one, a percentage at most 100).
    pub fn check(&self) -> Result<(), &'static str> {
        let counts = [
            ("small_residents", self.small_residents),
            ("small_organisations", self.small_organisations),
            ("consultation_residents", self.consultation_residents),
            (
                "consultation_organisations",
                self.consultation_organisations,
            ),
            ("referendum_percent", self.referendum_percent),
        ];
        if let Some((name, _)) = counts.iter().find(|(_, n)| *n == 0) {
            return Err(name);
        }
        if self.referendum_percent > 100 {
            return Err("referendum_percent");
        }
        if !(1..=366).contains(&self.collection_days) {
            return Err("collection_days");
        }
        Ok(())
    }
}

/// `percent` per cent of `n`, rounded up (10% of 12,345 is 1,235: 1,234 would fall short).
pub fn percent_up(n: u32, percent: u32) -> u32 {
    let product = u64::from(n) * u64::from(percent);
    u32::try_from(product.div_ceil(100)).unwrap_or(u32::MAX)
}

/// Signatures gathered so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub residents: u32,
    /// Organisations whose link to the signing account staff verified.
    pub organisations: u32,
}

impl Needed {
    /// Enough residents or enough organisations.
    pub fn met(&self, progress: Progress) -> bool {
        self.residents.is_some_and(|n| progress.residents >= n)
            || self
                .organisations
                .is_some_and(|n| progress.organisations >= n)
    }
}

/// Where a request stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Submitted by a resident, waiting for an official to check its form.
    Submitted,
    /// Open for signatures (until its deadline).
    Collecting,
    /// Accepted: the consultation was created (or the referendum is to be scheduled).
    Accepted,
    /// Refused with a published reason (at the check or at the end).
    Refused,
}

impl Status {
    pub const ALL: [Self; 4] = [
        Self::Submitted,
        Self::Collecting,
        Self::Accepted,
        Self::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Collecting => "collecting",
            Self::Accepted => "accepted",
            Self::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// Where a request stands at a moment: its status with the deadline applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Submitted,
    /// Signatures are collected.
    Open,
    /// The deadline passed: waiting for an official's decision.
    Closed,
    Accepted,
    Refused,
}

impl Phase {
    pub fn at(status: Status, deadline: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Self {
        match status {
            Status::Submitted => Self::Submitted,
            Status::Collecting if deadline.is_some_and(|d| at >= d) => Self::Closed,
            Status::Collecting => Self::Open,
            Status::Accepted => Self::Accepted,
            Status::Refused => Self::Refused,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Accepted => "accepted",
            Self::Refused => "refused",
        }
    }

    /// Shown to the public (a submitted request is seen only by its author and staff).
    pub fn public(self) -> bool {
        self != Self::Submitted
    }
}

/// What someone wants to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sign as a resident, online.
    Sign,
    /// Sign for an organisation.
    SignForOrganisation,
    /// Type in a paper signature list.
    KeyPaper,
    /// Check the form and open the request for signatures.
    Open,
    /// Enter the district's electorate (referenda).
    SetElectorate,
    Accept,
    Refuse,
}

/// Why an action is refused: a stable code the pages translate (`error-request-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    SignIn,
    Forbidden,
    /// Not open for signatures (not checked yet).
    NotOpen,
    /// The deadline passed.
    Closed,
    /// Already accepted or refused.
    Decided,
    /// Not checked yet, or already open.
    NotSubmitted,
    /// Too few signatures to accept.
    NotMet,
    /// A referendum request without the district's electorate.
    NoElectorate,
    /// Organisations do not sign this kind of request.
    NoOrganisations,
    /// Only referendum requests have an electorate.
    NotReferendum,
    /// This person (or organisation) already signed.
    AlreadySigned,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "request_sign_in",
            Self::Forbidden => "request_forbidden",
            Self::NotOpen => "request_not_open",
            Self::Closed => "request_closed",
            Self::Decided => "request_decided",
            Self::NotSubmitted => "request_not_submitted",
            Self::NotMet => "request_not_met",
            Self::NoElectorate => "request_no_electorate",
            Self::NoOrganisations => "request_no_organisations",
            Self::NotReferendum => "request_not_referendum",
            Self::AlreadySigned => "request_already_signed",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::SignIn => 401,
            Self::Forbidden => 403,
            Self::NoOrganisations | Self::NotReferendum => 422,
            _ => 409,
        }
    }
}

/// Who acts: an account's id and role, or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserId>,
    pub role: Option<Role>,
}

impl Actor {
    pub const ANONYMOUS: Self = Self {
        user: None,
        role: None,
    };

    fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|r| r.can(permission))
    }
}

/// The one rule: may `actor` do `action` on a request of `purpose` in `phase`? Threshold
/// checks need the counts and are [`may_accept`]'s.
pub fn may(actor: &Actor, action: Action, purpose: Purpose, phase: Phase) -> Result<(), Refusal> {
    let staff = |permission| {
        if actor.user.is_none() {
            Err(Refusal::SignIn)
        } else if !actor.can(permission) {
            Err(Refusal::Forbidden)
        } else {
            Ok(())
        }
    };
    let decided = matches!(phase, Phase::Accepted | Phase::Refused);
    match action {
        Action::Sign | Action::SignForOrganisation => {
            if action == Action::SignForOrganisation && !purpose.organisations_sign() {
                return Err(Refusal::NoOrganisations);
            }
            match phase {
                Phase::Open => {}
                Phase::Submitted => return Err(Refusal::NotOpen),
                Phase::Closed => return Err(Refusal::Closed),
                Phase::Accepted | Phase::Refused => return Err(Refusal::Decided),
            }
            if actor.user.is_none() {
                return Err(Refusal::SignIn);
            }
            Ok(())
        }
        Action::KeyPaper => {
            staff(Permission::KeySignatures)?;
            match phase {
                // Lists handed in by the deadline are typed in after it too.
                Phase::Open | Phase::Closed => Ok(()),
                Phase::Submitted => Err(Refusal::NotOpen),
                Phase::Accepted | Phase::Refused => Err(Refusal::Decided),
            }
        }
        Action::Open => {
            staff(Permission::ManageRequests)?;
            if phase == Phase::Submitted {
                Ok(())
            } else if decided {
                Err(Refusal::Decided)
            } else {
                Err(Refusal::NotSubmitted)
            }
        }
        Action::SetElectorate => {
            staff(Permission::ManageRequests)?;
            if purpose != Purpose::Referendum {
                return Err(Refusal::NotReferendum);
            }
            if decided {
                return Err(Refusal::Decided);
            }
            Ok(())
        }
        Action::Accept => {
            staff(Permission::ManageRequests)?;
            match phase {
                Phase::Open | Phase::Closed => Ok(()),
                Phase::Submitted => Err(Refusal::NotOpen),
                Phase::Accepted | Phase::Refused => Err(Refusal::Decided),
            }
        }
        Action::Refuse => {
            staff(Permission::ManageRequests)?;
            if decided {
                Err(Refusal::Decided)
            } else {
                Ok(())
            }
        }
    }
}

/// [`may`] for accepting, with the counts: enough residents or organisations signed (and, for
/// a referendum, the electorate is known).
pub fn may_accept(
    actor: &Actor,
    purpose: Purpose,
    phase: Phase,
    needed: Needed,
    progress: Progress,
) -> Result<(), Refusal> {
    may(actor, Action::Accept, purpose, phase)?;
    if purpose == Purpose::Referendum && needed.residents.is_none() {
        return Err(Refusal::NoElectorate);
    }
    if !needed.met(progress) {
        return Err(Refusal::NotMet);
    }
    Ok(())
}

/// A title as typed.
pub fn check_title(raw: &str) -> Result<String, FieldError> {
    let text = crate::required_text(raw, TITLE_MAX)?;
    if text.chars().count() < 5 {
        return Err(FieldError::TooShort);
    }
    Ok(text)
}

/// A description as typed: what the residents ask for and why.
pub fn check_description(raw: &str) -> Result<String, FieldError> {
    let text = crate::required_text(raw, DESCRIPTION_MAX)?;
    if text.chars().count() < 20 {
        return Err(FieldError::TooShort);
    }
    Ok(text)
}

/// A refusal's reason as typed (published).
pub fn check_reason(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, REASON_MAX)
}

/// The district's electorate as an official types it ("12 345" and "12345" alike).
pub fn check_electorate(raw: &str) -> Result<u32, FieldError> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if digits.is_empty() {
        return Err(FieldError::Required);
    }
    match digits.parse::<u32>() {
        Ok(n) if (1..=ELECTORATE_MAX).contains(&n) => Ok(n),
        _ => Err(FieldError::NumberInvalid),
    }
}

/// A number in the National Court Register (KRS): ten digits, leading zeros included
/// ("0000012345"); the register has no check digit, so each character is checked to be a
/// digit and the number not all zeros. Spaces people type are ignored, and a shorter number
/// is padded with the zeros the register prints.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Krs(String);

impl Krs {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(FieldError::Required);
        }
        if !compact.chars().all(|c| c.is_ascii_digit()) || compact.len() > 10 {
            return Err(FieldError::KrsFormat);
        }
        if compact.chars().all(|c| c == '0') {
            return Err(FieldError::KrsFormat);
        }
        Ok(Self(format!("{compact:0>10}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resident's signature as stored: a keyed hash (under the server secret) of the PESEL
/// within `request`, so one person signs a request once and the same person's signatures on
/// two requests cannot be matched by anyone without the secret.
pub fn resident_key(secret: &[u8], request: uuid::Uuid, pesel: &crate::budget::Pesel) -> String {
    crate::vote::keyed_hex(
        secret,
        &[
            b"signature",
            request.as_bytes(),
            b"pesel",
            pesel.as_digits().as_bytes(),
        ],
    )
}

/// An organisation's signature as stored: its KRS number keyed within `request`.
pub fn organisation_key(secret: &[u8], request: uuid::Uuid, krs: &Krs) -> String {
    crate::vote::keyed_hex(
        secret,
        &[
            b"signature",
            request.as_bytes(),
            b"krs",
            krs.as_str().as_bytes(),
        ],
    )
}

/// Why a resident may not sign although the request is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerError {
    /// Younger than the city's minimum age for this kind of request.
    TooYoung { min: u32 },
    /// The residency declaration was not ticked.
    NoDeclaration,
}

impl SignerError {
    pub fn code(self) -> &'static str {
        match self {
            Self::TooYoung { .. } => "request_too_young",
            Self::NoDeclaration => "request_no_declaration",
        }
    }
}

/// Checks a resident may sign: old enough on `today` and declaring residence.
pub fn check_signer(
    pesel: &crate::budget::Pesel,
    declared: bool,
    today: chrono::NaiveDate,
    min_age: u32,
) -> Result<(), SignerError> {
    if crate::budget::age(pesel.birth_date(), today) < min_age {
        return Err(SignerError::TooYoung { min: min_age });
    }
    if !declared {
        return Err(SignerError::NoDeclaration);
    }
    Ok(())
}

/// Where an organisation's link to an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganisationStatus {
    /// Claimed by the account; staff have not checked it against the register yet.
    Pending,
    /// Staff checked the register and the account's authority: its signatures count.
    Verified,
    /// Staff refused the link (with a reason the account sees).
    Refused,
}

impl OrganisationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
            Self::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Verified, Self::Refused]
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    const RESIDENT: Actor = Actor {
        user: Some(UserId(uuid::Uuid::nil())),
        role: Some(Role::Resident),
    };
    const OFFICIAL: Actor = Actor {
        user: Some(UserId(uuid::Uuid::nil())),
        role: Some(Role::Official),
    };
    const OPERATOR: Actor = Actor {
        user: Some(UserId(uuid::Uuid::nil())),
        role: Some(Role::Operator),
    };

    #[test]
    fn kraków_defaults_are_the_draft_resolutions() {
        let t = Thresholds::default();
        let small = t.needed(Purpose::SmallConsultation, None);
        assert_eq!((small.residents, small.organisations), (Some(20), Some(4)));
        let standard = t.needed(Purpose::Consultation, None);
        assert_eq!(
            (standard.residents, standard.organisations),
            (Some(300), Some(8))
        );
        let referendum = t.needed(Purpose::Referendum, Some(12_345));
        assert_eq!(referendum.residents, Some(1_235));
        assert_eq!(referendum.organisations, None);
        assert_eq!(t.needed(Purpose::Referendum, None).residents, None);
        assert_eq!(t.check(), Ok(()));
    }

    #[test]
    fn thresholds_met_by_residents_or_organisations() {
        let n = Thresholds::default().needed(Purpose::SmallConsultation, None);
        let p = |residents, organisations| Progress {
            residents,
            organisations,
        };
        assert!(!n.met(p(19, 3)));
        assert!(n.met(p(20, 0)));
        assert!(n.met(p(0, 4)));
        let r = Thresholds::default().needed(Purpose::Referendum, Some(100));
        assert!(!r.met(p(9, 1000)));
        assert!(r.met(p(10, 0)));
    }

    #[test]
    fn percent_rounds_up_and_never_overflows() {
        assert_eq!(percent_up(100, 10), 10);
        assert_eq!(percent_up(101, 10), 11);
        assert_eq!(percent_up(0, 10), 0);
        assert_eq!(percent_up(u32::MAX, 100), u32::MAX);
    }

    #[test]
    fn a_city_cannot_configure_nonsense() {
        let t = Thresholds {
            small_residents: 0,
            ..Thresholds::default()
        };
        assert_eq!(t.check(), Err("small_residents"));
        let t = Thresholds {
            referendum_percent: 101,
            ..Thresholds::default()
        };
        assert_eq!(t.check(), Err("referendum_percent"));
    }

    #[test]
    fn the_deadline_closes_signing() {
        let deadline = Some(at("2026-12-01T00:00:00Z"));
        assert_eq!(
            Phase::at(Status::Collecting, deadline, at("2026-11-30T23:59:59Z")),
            Phase::Open
        );
        assert_eq!(
            Phase::at(Status::Collecting, deadline, at("2026-12-01T00:00:00Z")),
            Phase::Closed
        );
        for p in [Phase::Submitted, Phase::Closed, Phase::Accepted] {
            assert!(may(&RESIDENT, Action::Sign, Purpose::Consultation, p).is_err());
        }
        assert_eq!(
            may(&RESIDENT, Action::Sign, Purpose::Consultation, Phase::Open),
            Ok(())
        );
        assert_eq!(
            may(
                &Actor::ANONYMOUS,
                Action::Sign,
                Purpose::Consultation,
                Phase::Open
            ),
            Err(Refusal::SignIn)
        );
    }

    #[test]
    fn organisations_do_not_sign_for_referenda() {
        assert_eq!(
            may(
                &RESIDENT,
                Action::SignForOrganisation,
                Purpose::Referendum,
                Phase::Open
            ),
            Err(Refusal::NoOrganisations)
        );
    }

    #[test]
    fn only_officials_decide_and_only_with_enough_signatures() {
        let n = Thresholds::default().needed(Purpose::SmallConsultation, None);
        let few = Progress {
            residents: 19,
            organisations: 0,
        };
        let enough = Progress {
            residents: 20,
            organisations: 0,
        };
        let small = Purpose::SmallConsultation;
        assert_eq!(
            may_accept(&RESIDENT, small, Phase::Open, n, enough),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            may_accept(&OPERATOR, small, Phase::Open, n, enough),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            may_accept(&OFFICIAL, small, Phase::Open, n, few),
            Err(Refusal::NotMet)
        );
        assert_eq!(
            may_accept(&OFFICIAL, small, Phase::Closed, n, enough),
            Ok(())
        );
        assert_eq!(
            may_accept(&OFFICIAL, small, Phase::Accepted, n, enough),
            Err(Refusal::Decided)
        );
        let r = Thresholds::default().needed(Purpose::Referendum, None);
        assert_eq!(
            may_accept(&OFFICIAL, Purpose::Referendum, Phase::Open, r, enough),
            Err(Refusal::NoElectorate)
        );
        // The contact centre types in paper lists but decides nothing.
        assert_eq!(
            may(&OPERATOR, Action::KeyPaper, small, Phase::Closed),
            Ok(())
        );
        assert_eq!(
            may(&OPERATOR, Action::Refuse, small, Phase::Open),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            may(&OFFICIAL, Action::Open, small, Phase::Open),
            Err(Refusal::NotSubmitted)
        );
        assert_eq!(
            may(&OFFICIAL, Action::SetElectorate, small, Phase::Open),
            Err(Refusal::NotReferendum)
        );
    }

    #[test]
    fn krs_numbers_are_ten_digits() {
        assert_eq!(
            Krs::parse("0000012345").map(|k| k.as_str().to_owned()),
            Ok("0000012345".to_owned())
        );
        assert_eq!(
            Krs::parse("12345").map(|k| k.as_str().to_owned()),
            Ok("0000012345".to_owned())
        );
        assert_eq!(
            Krs::parse("000 001 2345").map(|k| k.as_str().to_owned()),
            Ok("0000012345".to_owned())
        );
        assert_eq!(Krs::parse(""), Err(FieldError::Required));
        assert_eq!(Krs::parse("0000000000"), Err(FieldError::KrsFormat));
        assert_eq!(Krs::parse("00000I2345"), Err(FieldError::KrsFormat));
        assert_eq!(Krs::parse("12345678901"), Err(FieldError::KrsFormat));
    }

    #[test]
    fn electorate_is_a_positive_number() {
        assert_eq!(check_electorate("12 345"), Ok(12_345));
        assert_eq!(check_electorate(""), Err(FieldError::Required));
        assert_eq!(check_electorate("0"), Err(FieldError::NumberInvalid));
        assert_eq!(check_electorate("-5"), Err(FieldError::NumberInvalid));
        assert_eq!(
            check_electorate("99999999999"),
            Err(FieldError::NumberInvalid)
        );
    }
}
