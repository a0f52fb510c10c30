//! Accounts: who a person is to the platform (an e-mail), how they prove it (a password) and
//! what they may do (a role, and for unit staff the unit they belong to).

use crate::{FieldError, UnitId};
use serde::{Deserialize, Serialize};

/// An e-mail address as the platform stores it: trimmed and lower-cased, so that one address
/// can hold only one account whatever case it was typed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// RFC 5321 limits a forward path to 256 octets including the angle brackets.
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(FieldError::Required);
        }
        if email.len() > Self::MAX_LEN {
            return Err(FieldError::TooLong);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(FieldError::EmailInvalid)?;
        let valid_local = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let valid_domain = domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let printable = email.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | ',' | ';' | '"')
        });
        if valid_local && valid_domain && printable {
            Ok(Self(email))
        } else {
            Err(FieldError::EmailInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the platform's rules (NIST SP 800-63B: length over complexity).
/// It never leaves the process except as an argon2id hash.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    /// Checks a password chosen by a person. `email` is the account's address: a password
    /// equal to it is refused.
    pub fn parse_new(raw: &str, email: Option<&Email>) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::Required);
        }
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS || raw.trim().is_empty() {
            return Err(FieldError::PasswordTooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::PasswordTooLong);
        }
        if email.is_some_and(|e| raw.trim().eq_ignore_ascii_case(e.as_str())) {
            return Err(FieldError::PasswordSameAsEmail);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a person is to the city. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Anyone who registered: reports, votes, comments.
    Resident,
    /// A hotline operator at the contact centre; records reports for callers.
    Operator,
    /// Staff of one city unit; handles the unit's reports.
    UnitStaff,
    /// Runs consultations and the citizens' budget.
    Official,
    /// Hides personal data and abuse in public content.
    Moderator,
    /// Manages users, roles, units, categories; reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Resident,
        Role::Operator,
        Role::UnitStaff,
        Role::Official,
        Role::Moderator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Operator => "operator",
            Self::UnitStaff => "unit_staff",
            Self::Official => "official",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw || r.as_str().replace('_', "-") == raw)
            .ok_or(FieldError::RoleUnknown)
    }

    /// The one rule table of who may do what. Handlers check a permission, never a role.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ManageUsers | ManageReferenceData | ManageApiClients | ReadAuditLog | ReadOutbox => {
                self == Admin
            }
            // Staff areas of the contact centre: everyone but residents sees reports.
            ViewReports => self != Resident,
            ViewAnyReportersContact => matches!(self, Operator | Moderator | Admin),
            // Unit staff handle their own unit's reports; the contact centre (operators) and
            // admins handle any.
            HandleReports => matches!(self, UnitStaff | Operator | Admin),
            HandleAnyUnitsReports | RecordReportsForCallers => matches!(self, Operator | Admin),
            ModerateReports => matches!(self, Moderator | Operator | Admin),
            // The citizens' budget is run by officials.
            ManageBudget => matches!(self, Official | Admin),
            // Voting points are staffed by the contact centre and officials.
            KeyPaperBallots => matches!(self, Operator | Official | Admin),
            AssessBudgetProjects => matches!(self, UnitStaff | Official | Admin),
            // Consultations are run by officials; departments answer, the contact centre
            // types in what came on paper.
            ManageConsultations => matches!(self, Official | Admin),
            HandleConsultations => matches!(self, UnitStaff | Operator | Official | Admin),
            ModerateConsultations => matches!(self, Moderator | Official | Admin),
            // Requests with signatures are decided by officials; the contact centre types in
            // paper lists with them.
            ManageRequests => matches!(self, Official | Admin),
            KeySignatures => matches!(self, Operator | Official | Admin),
            // The mayor's meetings are run by officials; the contact centre routes questions,
            // units answer their own (the rulebook checks the unit).
            ManageDialogue => matches!(self, Official | Admin),
            RouteDialogue => matches!(self, Operator | Official | Admin),
            ManageInitiatives | ManageReferenda => matches!(self, Official | Admin),
        }
    }
}

impl Role {
    /// Where someone lands after logging in (unless they were on their way somewhere): their
    /// work queue for those who have one, "My city" for residents.
    pub fn landing(self) -> &'static str {
        match self {
            Role::Resident => "/my",
            Role::Official => "/staff/budget",
            Role::Admin => "/admin",
            Role::Operator | Role::UnitStaff | Role::Moderator => "/staff/queue",
        }
    }
}

/// Whether a staff member with `role` (of `unit`, for unit staff) may see who reported a report
/// assigned to `report_unit` and how to reach them: the contact centre and moderators always,
/// a unit's staff for their own unit's reports, nobody else (they see only that contact
/// details were given).
pub fn may_see_contact(role: Role, unit: Option<UnitId>, report_unit: UnitId) -> bool {
    role.can(Permission::ViewAnyReportersContact)
        || (role == Role::UnitStaff && unit == Some(report_unit))
}

/// Something only some roles may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Change roles, units and the enabled state of accounts.
    ManageUsers,
    /// Edit city units and report categories.
    ManageReferenceData,
    /// Issue and revoke the API keys of client applications.
    ManageApiClients,
    /// Read the audit log of privileged actions.
    ReadAuditLog,
    /// Read e-mails kept in the development outbox.
    ReadOutbox,
    /// See reports with their internal notes and the unit queues (contact details only as
    /// [`may_see_contact`] allows).
    ViewReports,
    /// See the contact details of any unit's reporters (the contact centre and moderators).
    ViewAnyReportersContact,
    /// Change status, add notes, reassign and merge (own unit's reports for unit staff).
    HandleReports,
    /// Handle reports of every unit, not only one's own.
    HandleAnyUnitsReports,
    /// Record reports for callers on the hotline and look up their earlier reports.
    RecordReportsForCallers,
    /// Hide photos and passages of text that show personal data.
    ModerateReports,
    /// Create citizens' budget editions, assign projects, decide appeals, count and publish.
    ManageBudget,
    /// Type in paper ballots at voting points and settle mismatched keyings.
    KeyPaperBallots,
    /// Record formal and merit assessments of budget projects.
    AssessBudgetProjects,
    /// Plan, publish and close public consultations.
    ManageConsultations,
    /// Type in comments received on paper, by e-mail or at duty hours, and draft answers.
    HandleConsultations,
    /// Hide a consultation comment that breaks the rules (personal data, abuse), with a reason
    /// its author sees.
    ModerateConsultations,
    /// Check requests with signatures, verify organisations' links, accept or refuse.
    ManageRequests,
    /// Type in paper signature lists.
    KeySignatures,
    /// Plan the mayor's "Ławka dialogu" meetings, answer any question, publish the Q&A.
    ManageDialogue,
    /// Type in questions asked at a meeting or by phone, route them to units, turn one into a
    /// report.
    RouteDialogue,
    /// Set the local initiatives' pools, assess and decide applications, record agreements and
    /// realisations.
    ManageInitiatives,
    /// Prepare and announce district referenda, enter the electorate, open the envelopes with
    /// the commission's shares.
    ManageReferenda,
}

/// A role together with the unit it needs: unit staff belong to exactly one unit, nobody else
/// belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleAssignment {
    role: Role,
    unit: Option<UnitId>,
}

impl RoleAssignment {
    pub fn new(role: Role, unit: Option<UnitId>) -> Result<Self, FieldError> {
        match (role, unit) {
            (Role::UnitStaff, None) => Err(FieldError::RoleNeedsUnit),
            (Role::UnitStaff, Some(_)) | (_, None) => Ok(Self { role, unit }),
            (_, Some(_)) => Err(FieldError::RoleTakesNoUnit),
        }
    }

    pub fn resident() -> Self {
        Self {
            role: Role::Resident,
            unit: None,
        }
    }

    pub fn role(self) -> Role {
        self.role
    }

    pub fn unit(self) -> Option<UnitId> {
        self.unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_to_lower_case() {
        let email = Email::parse("  Jan.Kowalski@Example.PL ").unwrap();
        assert_eq!(email.as_str(), "jan.kowalski@example.pl");
    }

    #[test]
    fn email_accepts_international_domains_and_plus_addresses() {
        assert!(Email::parse("anna+bo@kraków.pl").is_ok());
        assert!(Email::parse("a@b.co").is_ok());
    }

    #[test]
    fn email_refuses_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.pl",
            "jan@",
            "jan@localhost",
            "jan kowalski@example.pl",
            "jan..k@example.pl",
            "jan@example..pl",
            ".jan@example.pl",
            "jan@-example.pl",
            "jan@example.pl>",
            "a@b@c.pl",
        ] {
            assert_eq!(Email::parse(bad), Err(FieldError::EmailInvalid), "{bad}");
        }
        assert_eq!(Email::parse("  "), Err(FieldError::Required));
        let long = format!("{}@example.pl", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(FieldError::TooLong));
    }

    #[test]
    fn password_rules_count_characters_not_bytes() {
        assert!(Password::parse_new("żółć-gęślą", None).is_ok());
        assert_eq!(
            Password::parse_new("krótkie", None).err(),
            Some(FieldError::PasswordTooShort)
        );
        assert_eq!(
            Password::parse_new("          ", None).err(),
            Some(FieldError::PasswordTooShort)
        );
        assert_eq!(
            Password::parse_new("", None).err(),
            Some(FieldError::Required)
        );
        assert_eq!(
            Password::parse_new(&"x".repeat(257), None).err(),
            Some(FieldError::PasswordTooLong)
        );
        let email = Email::parse("jan.kowalski@example.pl").unwrap();
        assert_eq!(
            Password::parse_new("Jan.Kowalski@example.pl", Some(&email)).err(),
            Some(FieldError::PasswordSameAsEmail)
        );
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let p = Password::parse_new("tajne-haslo-123", None).unwrap();
        assert!(!format!("{p:?}").contains("tajne"));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse("unit-staff"), Ok(Role::UnitStaff));
        assert_eq!(Role::parse("mayor"), Err(FieldError::RoleUnknown));
    }

    #[test]
    fn only_admins_manage_users_and_reference_data() {
        for role in Role::ALL {
            let admin = role == Role::Admin;
            assert_eq!(role.can(Permission::ManageUsers), admin, "{role:?}");
            assert_eq!(role.can(Permission::ManageReferenceData), admin, "{role:?}");
            assert_eq!(role.can(Permission::ManageApiClients), admin, "{role:?}");
            assert_eq!(role.can(Permission::ReadAuditLog), admin, "{role:?}");
            assert_eq!(role.can(Permission::ReadOutbox), admin, "{role:?}");
        }
    }

    #[test]
    fn the_budget_permissions_follow_the_roles() {
        use Permission::*;
        let table = [
            (Role::Resident, [false, false, false]),
            (Role::Operator, [false, true, false]),
            (Role::UnitStaff, [false, false, true]),
            (Role::Official, [true, true, true]),
            (Role::Moderator, [false, false, false]),
            (Role::Admin, [true, true, true]),
        ];
        for (role, expected) in table {
            let got = [
                role.can(ManageBudget),
                role.can(KeyPaperBallots),
                role.can(AssessBudgetProjects),
            ];
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn the_contact_centre_permissions_follow_the_roles() {
        use Permission::*;
        let table = [
            (Role::Resident, [false, false, false, false, false]),
            (Role::Operator, [true, true, true, true, true]),
            (Role::UnitStaff, [true, true, false, false, false]),
            (Role::Official, [true, false, false, false, false]),
            (Role::Moderator, [true, false, false, false, true]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [
                role.can(ViewReports),
                role.can(HandleReports),
                role.can(HandleAnyUnitsReports),
                role.can(RecordReportsForCallers),
                role.can(ModerateReports),
            ];
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn unit_staff_belong_to_exactly_one_unit_and_nobody_else_does() {
        let unit = UnitId::new();
        assert!(RoleAssignment::new(Role::UnitStaff, Some(unit)).is_ok());
        assert_eq!(
            RoleAssignment::new(Role::UnitStaff, None),
            Err(FieldError::RoleNeedsUnit)
        );
        assert_eq!(
            RoleAssignment::new(Role::Operator, Some(unit)),
            Err(FieldError::RoleTakesNoUnit)
        );
        assert_eq!(
            RoleAssignment::new(Role::Admin, None).map(|a| a.role()),
            Ok(Role::Admin)
        );
    }
}

/// A device named from its browser's User-Agent, for the account page's list of sessions:
/// the browser and the system ("Firefox, Android"), never the whole string (which is close to
/// a fingerprint). `None` when neither is recognised.
pub fn device_of(user_agent: &str) -> Option<String> {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        Some("Edge")
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        Some("Opera")
    } else if ua.contains("SamsungBrowser/") {
        Some("Samsung Internet")
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        Some("Firefox")
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/") {
        Some("Chrome")
    } else if ua.contains("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let system = if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("iPhone") {
        Some("iPhone")
    } else if ua.contains("iPad") {
        Some("iPad")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("CrOS") {
        Some("ChromeOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, system) {
        (Some(b), Some(s)) => Some(format!("{b}, {s}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod device_tests {
    use super::device_of;

    #[test]
    fn devices_are_named_by_browser_and_system_only() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
                Some("Chrome, Android"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                Some("Safari, iPhone"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
                Some("Firefox, Windows"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
                Some("Edge, Windows"),
            ),
            ("curl/8.5", None),
            ("", None),
        ];
        for (ua, expected) in cases {
            assert_eq!(device_of(ua).as_deref(), expected, "{ua}");
        }
    }
}
