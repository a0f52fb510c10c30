//! Comments in a consultation: the one check of a comment whatever the channel — the web
//! page, the app (JSON API), a paper or e-mail letter typed in by staff, what was said at a
//! duty hour or a meeting — and the channel it came by.

use crate::FieldError;

/// The shortest comment taken, in characters.
pub const MIN_CHARS: usize = 3;
/// The longest comment taken, in characters.
pub const MAX_CHARS: usize = 10_000;
/// The longest name given with a comment typed in by staff.
pub const NAME_MAX: usize = 200;

/// How a comment reached the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Web,
    App,
    Paper,
    Email,
    Letter,
    DutyHour,
    Meeting,
}

impl Channel {
    pub const ALL: [Self; 7] = [
        Self::Web,
        Self::App,
        Self::Paper,
        Self::Email,
        Self::Letter,
        Self::DutyHour,
        Self::Meeting,
    ];

    /// The channels staff type comments in from.
    pub const RECORDED: [Self; 5] = [
        Self::Paper,
        Self::Email,
        Self::Letter,
        Self::DutyHour,
        Self::Meeting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::App => "app",
            Self::Paper => "paper",
            Self::Email => "email",
            Self::Letter => "letter",
            Self::DutyHour => "duty_hour",
            Self::Meeting => "meeting",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }

    /// Typed in by staff (they may come in after the consultation closed, posted in time).
    pub fn is_recorded(self) -> bool {
        Self::RECORDED.contains(&self)
    }
}

/// Whether a comment that came by `channel` waits for a moderator before anyone sees it: a
/// resident's own comment in a consultation moderated beforehand. What staff type in is the
/// city's record of what it received and is shown at once.
pub fn held(channel: Channel, premoderated: bool) -> bool {
    premoderated && !channel.is_recorded()
}

/// A comment's text: trimmed, 3 to 10,000 characters.
pub fn check_text(raw: &str) -> Result<String, FieldError> {
    let text = crate::required_text(raw, MAX_CHARS)?;
    if text.chars().count() < MIN_CHARS {
        return Err(FieldError::TooShort);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_checked_once_for_every_channel() {
        assert_eq!(
            check_text("  Więcej zieleni.  ").unwrap(),
            "Więcej zieleni."
        );
        assert_eq!(check_text(" "), Err(FieldError::Required));
        assert_eq!(check_text("ok"), Err(FieldError::TooShort));
        assert_eq!(
            check_text(&"ż".repeat(MAX_CHARS + 1)),
            Err(FieldError::TooLong)
        );
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert!(Channel::Paper.is_recorded() && !Channel::Web.is_recorded());
        assert!(held(Channel::Web, true) && held(Channel::App, true));
        assert!(!held(Channel::Letter, true) && !held(Channel::Web, false));
        assert_eq!(Channel::parse("fax"), None);
    }
}
