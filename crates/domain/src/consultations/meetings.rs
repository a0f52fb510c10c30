//! Meetings (in person, online, hybrid; registration with a capacity and a waiting list;
//! minutes published afterwards) and expert duty hours (slots in person or by phone, booked
//! one per resident per duty hour). The checks of what officials type in, and the timing
//! rules that [`super::may`] leaves to the thing itself: a meeting or slot that has begun
//! takes no registration, minutes come after the meeting.

use super::{Action, Actor, Method, Phase, Refusal, may};
use crate::{FieldError, UnitId};
use chrono::{DateTime, Duration, Utc};

/// The longest title, place, expert's name or link, in characters.
pub const LINE_MAX: usize = 300;
/// The longest agenda, in characters.
pub const AGENDA_MAX: usize = 10_000;
/// The longest minutes, in characters.
pub const MINUTES_MAX: usize = 100_000;
/// The longest topic a resident gives when booking, in characters.
pub const TOPIC_MAX: usize = 1_000;
/// The largest capacity of a meeting.
pub const CAPACITY_MAX: u32 = 100_000;
/// The longest meeting or duty hour.
pub const LENGTH_MAX_HOURS: i64 = 24;
/// The shortest and longest duty-hour slot, in minutes.
pub const SLOT_MINUTES: std::ops::RangeInclusive<i64> = 5..=240;
/// The reminder goes this long before a meeting or slot.
pub const REMINDER_BEFORE_HOURS: i64 = 24;

/// How a meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    InPerson,
    Online,
    Hybrid,
}

impl Format {
    pub const ALL: [Self; 3] = [Self::InPerson, Self::Online, Self::Hybrid];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Online => "online",
            Self::Hybrid => "hybrid",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw.trim())
    }

    /// Held in a place (so it needs one).
    pub fn has_place(self) -> bool {
        self != Self::Online
    }

    /// Held online (so it needs a link).
    pub fn has_link(self) -> bool {
        self != Self::InPerson
    }
}

/// How an expert's duty hour is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    InPerson,
    Phone,
}

impl Mode {
    pub const ALL: [Self; 2] = [Self::InPerson, Self::Phone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Phone => "phone",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw.trim())
    }
}

/// A meeting's fields as typed (times already read from the form: `None` when unreadable).
#[derive(Debug, Clone, Default)]
pub struct RawMeeting<'a> {
    pub title: &'a str,
    pub format: &'a str,
    pub starts: Option<DateTime<Utc>>,
    pub ends: Option<DateTime<Utc>>,
    pub place: &'a str,
    pub point: Option<(f64, f64)>,
    pub link: &'a str,
    pub agenda: &'a str,
    pub capacity: &'a str,
}

/// A checked meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingPlan {
    pub title: String,
    pub format: Format,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub place: Option<String>,
    pub point: Option<(f64, f64)>,
    pub link: Option<String>,
    pub agenda: String,
    /// `None`: as many as come.
    pub capacity: Option<u32>,
}

type Problems = Vec<(&'static str, FieldError)>;

fn keep<T>(problems: &mut Problems, field: &'static str, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| problems.push((field, e))).ok()
}

/// The start and end: both given, in order, not in the past, at most a day long.
fn check_times(
    problems: &mut Problems,
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let starts = keep(problems, "starts", starts.ok_or(FieldError::DateInvalid));
    let ends = keep(problems, "ends", ends.ok_or(FieldError::DateInvalid));
    let (starts, ends) = (starts?, ends?);
    if starts < now {
        problems.push(("starts", FieldError::DatePast));
        return None;
    }
    if ends <= starts || ends - starts > Duration::hours(LENGTH_MAX_HOURS) {
        problems.push(("ends", FieldError::DateOrder));
        return None;
    }
    Some((starts, ends))
}

/// An address for the online part: http(s) only, so no `javascript:` ends up in a link.
fn check_link(raw: &str) -> Result<String, FieldError> {
    let link = crate::required_text(raw, LINE_MAX)?;
    let lower = link.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || link.chars().any(char::is_whitespace)
    {
        return Err(FieldError::LinkInvalid);
    }
    Ok(link)
}

/// Checks a meeting typed in at `now`; every problem as (field, error).
pub fn check_meeting(raw: &RawMeeting, now: DateTime<Utc>) -> Result<MeetingPlan, Problems> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let title = keep(p, "title", crate::required_text(raw.title, LINE_MAX));
    let format = keep(
        p,
        "format",
        Format::parse(raw.format).ok_or(FieldError::KindUnknown),
    );
    let times = check_times(p, raw.starts, raw.ends, now);
    let place = match format {
        Some(f) if f.has_place() => {
            keep(p, "place", crate::required_text(raw.place, LINE_MAX)).map(Some)
        }
        _ => Some(None),
    };
    let link = match format {
        Some(f) if f.has_link() => keep(p, "link", check_link(raw.link)).map(Some),
        _ => Some(None),
    };
    let agenda = keep(p, "agenda", crate::required_text(raw.agenda, AGENDA_MAX));
    let capacity = keep(
        p,
        "capacity",
        match raw.capacity.trim() {
            "" => Ok(None),
            n => n
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=CAPACITY_MAX).contains(n))
                .map(Some)
                .ok_or(FieldError::NumberInvalid),
        },
    );
    match (title, format, times, place, link, agenda, capacity) {
        (
            Some(title),
            Some(format),
            Some((starts, ends)),
            Some(place),
            Some(link),
            Some(agenda),
            Some(capacity),
        ) if problems.is_empty() => Ok(MeetingPlan {
            title,
            format,
            starts,
            ends,
            place,
            point: if format.has_place() { raw.point } else { None },
            link,
            agenda,
            capacity,
        }),
        _ => Err(problems),
    }
}

/// A duty hour's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct RawDutyHour<'a> {
    pub expert: &'a str,
    pub mode: &'a str,
    pub starts: Option<DateTime<Utc>>,
    pub ends: Option<DateTime<Utc>>,
    pub place: &'a str,
    pub phone: &'a str,
    pub slot_minutes: &'a str,
}

/// A checked duty hour.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyHourPlan {
    pub expert: String,
    pub mode: Mode,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// The room, for one in person.
    pub place: Option<String>,
    /// The number residents call, for one by phone.
    pub phone: Option<crate::reports::Phone>,
    pub slot_minutes: i64,
}

impl DutyHourPlan {
    /// Its slots, back to back from the start; a remainder too short for a slot is left out.
    pub fn slots(&self) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let step = Duration::minutes(self.slot_minutes);
        let mut out = Vec::new();
        let mut at = self.starts;
        while at + step <= self.ends {
            out.push((at, at + step));
            at += step;
        }
        out
    }
}

/// Checks a duty hour typed in at `now` (the seed's example: 14 November, 08:00–15:00,
/// room 13, or a phone number); every problem as (field, error).
pub fn check_duty_hour(raw: &RawDutyHour, now: DateTime<Utc>) -> Result<DutyHourPlan, Problems> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let expert = keep(p, "expert", crate::required_text(raw.expert, LINE_MAX));
    let mode = keep(
        p,
        "mode",
        Mode::parse(raw.mode).ok_or(FieldError::KindUnknown),
    );
    let times = check_times(p, raw.starts, raw.ends, now);
    let place = match mode {
        Some(Mode::InPerson) => {
            keep(p, "place", crate::required_text(raw.place, LINE_MAX)).map(Some)
        }
        _ => Some(None),
    };
    let phone = match mode {
        Some(Mode::Phone) => keep(p, "phone", crate::reports::Phone::parse(raw.phone)).map(Some),
        _ => Some(None),
    };
    let slot_minutes = keep(
        p,
        "slot_minutes",
        raw.slot_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| SLOT_MINUTES.contains(m))
            .ok_or(FieldError::NumberInvalid),
    );
    if let (Some((starts, ends)), Some(minutes)) = (times, slot_minutes)
        && ends - starts < Duration::minutes(minutes)
    {
        problems.push(("slot_minutes", FieldError::TooLong));
    }
    match (expert, mode, times, place, phone, slot_minutes) {
        (Some(expert), Some(mode), Some((starts, ends)), Some(place), Some(phone), Some(slot))
            if problems.is_empty() =>
        {
            Ok(DutyHourPlan {
                expert,
                mode,
                starts,
                ends,
                place,
                phone,
                slot_minutes: slot,
            })
        }
        _ => Err(problems),
    }
}

/// What a booking says: who, how to reach them, what about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub name: String,
    /// An e-mail address or a phone number.
    pub contact: String,
    pub topic: String,
}

/// Checks a booking's fields; the contact is an e-mail address or a phone number.
pub fn check_booking(name: &str, contact: &str, topic: &str) -> Result<Booking, Problems> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let name = keep(
        p,
        "name",
        crate::required_text(name, crate::reports::intake::NAME_MAX),
    );
    let contact = keep(
        p,
        "contact",
        match contact.trim() {
            "" => Err(FieldError::Required),
            c if c.contains('@') => crate::Email::parse(c).map(|e| e.to_string()),
            c => crate::reports::Phone::parse(c).map(|p| p.as_str().to_owned()),
        },
    );
    let topic = keep(p, "topic", crate::required_text(topic, TOPIC_MAX));
    match (name, contact, topic) {
        (Some(name), Some(contact), Some(topic)) => Ok(Booking {
            name,
            contact,
            topic,
        }),
        _ => Err(problems),
    }
}

/// Checks minutes.
pub fn check_minutes(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, MINUTES_MAX)
}

/// May `actor` sign up for a meeting (or book a duty-hour slot, `method` telling which) that
/// begins at `starts`, in a consultation now in `phase` whose plan offers `methods`? Only
/// while the information campaign or the consultation runs, before it begins.
pub fn may_sign_up(
    actor: &Actor,
    phase: Phase,
    methods: &[Method],
    method: Method,
    starts: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    may(actor, Action::SignUp, phase)?;
    if !methods.contains(&method) {
        return Err(Refusal::NoMethod);
    }
    if starts <= now {
        return Err(Refusal::Begun);
    }
    Ok(())
}

/// May staff book a duty-hour slot for a resident who telephoned or came in (the same rules
/// as residents', with the staff's permission)?
pub fn may_book_for(
    actor: &Actor,
    phase: Phase,
    methods: &[Method],
    starts: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    may(actor, Action::RecordComment, phase).or_else(|r| {
        // Staff book while residents may: during the information campaign too.
        if r == Refusal::Phase && phase == Phase::Information {
            may(actor, Action::RecordComment, Phase::Open)
        } else {
            Err(r)
        }
    })?;
    if !methods.contains(&Method::DutyHours) {
        return Err(Refusal::NoMethod);
    }
    if starts <= now {
        return Err(Refusal::Begun);
    }
    Ok(())
}

/// May `actor` publish the minutes of a meeting that ended at `ends`?
pub fn may_publish_minutes(
    actor: &Actor,
    unit: Option<UnitId>,
    owner: UnitId,
    phase: Phase,
    ends: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    may(actor, Action::PublishMinutes, phase)?;
    super::own_unit(actor, unit, owner)?;
    if ends > now {
        return Err(Refusal::NotYet);
    }
    Ok(())
}

/// May a booking of a slot starting at `starts` be cancelled (by the resident or by staff)?
/// Only before the slot begins: afterwards it is the record of who came.
pub fn may_cancel_booking(starts: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Refusal> {
    if starts <= now {
        return Err(Refusal::Begun);
    }
    Ok(())
}

/// When the reminder of something starting at `starts` goes, if that is still ahead of
/// `now` (a sign-up the day before gets none).
pub fn reminder_at(starts: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let at = starts - Duration::hours(REMINDER_BEFORE_HOURS);
    (at > now).then_some(at)
}

/// Whether a place is free: `taken` of `capacity` (none: unlimited).
pub fn has_room(capacity: Option<u32>, taken: u32) -> bool {
    capacity.is_none_or(|c| taken < c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, UserId};
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 14, h, 0, 0).unwrap()
    }

    fn resident() -> Actor {
        Actor {
            user: Some(UserId(uuid::Uuid::nil())),
            role: Some(Role::Resident),
        }
    }

    #[test]
    fn a_meeting_needs_what_its_format_needs() {
        let raw = RawMeeting {
            title: "Spotkanie",
            format: "hybrid",
            starts: Some(at(17)),
            ends: Some(at(19)),
            place: "",
            link: "javascript:alert(1)",
            agenda: "Program",
            capacity: "0",
            ..Default::default()
        };
        let problems = check_meeting(&raw, at(8)).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["place", "link", "capacity"]);
        let online = RawMeeting {
            format: "online",
            link: "https://spotkania.krakow.pl/abc",
            capacity: "",
            ..raw.clone()
        };
        let m = check_meeting(&online, at(8)).unwrap();
        assert_eq!((m.place, m.capacity), (None, None));
        let reversed = RawMeeting {
            ends: Some(at(16)),
            ..online
        };
        assert_eq!(
            check_meeting(&reversed, at(8)).unwrap_err(),
            [("ends", FieldError::DateOrder)]
        );
        assert_eq!(
            check_meeting(&raw, at(18)).unwrap_err()[0],
            ("starts", FieldError::DatePast)
        );
    }

    #[test]
    fn the_seeds_duty_hour_makes_fourteen_half_hour_slots() {
        let raw = RawDutyHour {
            expert: "Wydział Gospodarki Komunalnej",
            mode: "in_person",
            starts: Some(at(7)),
            ends: Some(at(14)),
            place: "pokój 13",
            phone: "",
            slot_minutes: "30",
        };
        let d = check_duty_hour(&raw, at(6)).unwrap();
        let slots = d.slots();
        assert_eq!(slots.len(), 14);
        assert_eq!(slots[13], (at(13) + Duration::minutes(30), at(14)));
        let by_phone = RawDutyHour {
            mode: "phone",
            phone: "12 616 12 34",
            slot_minutes: "45",
            ..raw.clone()
        };
        // 7 hours in 45-minute slots: nine, the last quarter hour left out.
        assert_eq!(check_duty_hour(&by_phone, at(6)).unwrap().slots().len(), 9);
        let no_phone = RawDutyHour {
            phone: "",
            ..by_phone
        };
        assert_eq!(check_duty_hour(&no_phone, at(6)).unwrap_err()[0].0, "phone");
        let too_long_slot = RawDutyHour {
            ends: Some(at(8)),
            slot_minutes: "90",
            ..raw
        };
        assert_eq!(
            check_duty_hour(&too_long_slot, at(6)).unwrap_err(),
            [("slot_minutes", FieldError::TooLong)]
        );
    }

    #[test]
    fn a_booking_takes_an_email_or_a_phone() {
        assert!(check_booking("Anna", "anna@example.pl", "Drzewa").is_ok());
        assert_eq!(
            check_booking("Anna", "12 345 67 89", "Drzewa")
                .unwrap()
                .contact,
            "+48123456789"
        );
        let fields: Vec<_> = check_booking("", "nie wiem", " ")
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["name", "contact", "topic"]);
    }

    #[test]
    fn signing_up_closes_when_it_begins_and_needs_the_method() {
        let methods = [Method::Meetings];
        let ok = may_sign_up(
            &resident(),
            Phase::Information,
            &methods,
            Method::Meetings,
            at(17),
            at(8),
        );
        assert_eq!(ok, Ok(()));
        assert_eq!(
            may_sign_up(
                &resident(),
                Phase::Open,
                &methods,
                Method::Meetings,
                at(17),
                at(17)
            ),
            Err(Refusal::Begun)
        );
        assert_eq!(
            may_sign_up(
                &resident(),
                Phase::Open,
                &methods,
                Method::DutyHours,
                at(17),
                at(8)
            ),
            Err(Refusal::NoMethod)
        );
        assert_eq!(
            may_sign_up(
                &resident(),
                Phase::Analysis,
                &methods,
                Method::Meetings,
                at(17),
                at(8)
            ),
            Err(Refusal::Phase)
        );
        assert_eq!(
            may_sign_up(
                &Actor::ANONYMOUS,
                Phase::Open,
                &methods,
                Method::Meetings,
                at(17),
                at(8)
            ),
            Err(Refusal::SignIn)
        );
        assert_eq!(
            may_book_for(
                &resident(),
                Phase::Open,
                &[Method::DutyHours],
                at(17),
                at(8)
            ),
            Err(Refusal::Forbidden)
        );
        let clerk = Actor {
            role: Some(Role::Operator),
            ..resident()
        };
        for phase in [Phase::Information, Phase::Open] {
            assert_eq!(
                may_book_for(&clerk, phase, &[Method::DutyHours], at(17), at(8)),
                Ok(())
            );
        }
    }

    #[test]
    fn minutes_come_after_the_meeting_and_reminders_only_ahead() {
        let official = Actor {
            user: Some(UserId(uuid::Uuid::nil())),
            role: Some(Role::Official),
        };
        let (mine, theirs) = (
            UnitId(uuid::Uuid::from_u128(1)),
            UnitId(uuid::Uuid::from_u128(2)),
        );
        assert_eq!(
            may_publish_minutes(&official, None, mine, Phase::Open, at(19), at(18)),
            Err(Refusal::NotYet)
        );
        assert_eq!(
            may_publish_minutes(&official, None, mine, Phase::Analysis, at(19), at(20)),
            Ok(())
        );
        // A unit's staff write the minutes of their own unit's meetings only.
        let staff = Actor {
            role: Some(Role::UnitStaff),
            ..official
        };
        assert_eq!(
            may_publish_minutes(&staff, Some(mine), mine, Phase::Analysis, at(19), at(20)),
            Ok(())
        );
        assert_eq!(
            may_publish_minutes(&staff, Some(theirs), mine, Phase::Analysis, at(19), at(20)),
            Err(Refusal::Forbidden)
        );
        assert_eq!(may_cancel_booking(at(9), at(8)), Ok(()));
        assert_eq!(may_cancel_booking(at(9), at(9)), Err(Refusal::Begun));
        assert_eq!(reminder_at(at(20), at(8)), None);
        assert_eq!(
            reminder_at(at(20), at(8) - Duration::days(1)),
            Some(at(20) - Duration::days(1))
        );
        assert!(has_room(None, 1_000_000));
        assert!(has_room(Some(2), 1));
        assert!(!has_room(Some(2), 2));
    }
}
