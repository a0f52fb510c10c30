//! What every HTML page needs from the request: language, title, the logged-in user, the
//! form token and any flash message. Templates translate through [`Page::t`].

use crate::Error;
use crate::context::Ctx;
use askama::Template;
use axum::response::Html;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::{Locale, Permission};

/// The logged-in user as the page header shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub admin: bool,
    /// Sees the contact centre's staff pages.
    pub staff: bool,
    /// Records reports for callers.
    pub intake: bool,
    /// Types in paper ballots or runs citizens' budget editions.
    pub budget: bool,
    /// Handles reports (and keeps reply templates).
    pub handles: bool,
    /// Plans public consultations or types in and answers their comments.
    pub consults: bool,
    /// Plans consultations: their plan, documents and report.
    pub plans: bool,
    /// Moderates consultations' comments.
    pub moderates: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Locale,
    pub title: String,
    pub user: Option<UserView>,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub map_tiles: String,
    pub map_center: (f64, f64),
}

impl Page {
    pub fn new(ctx: &Ctx, title: String) -> Self {
        Self {
            lang: ctx.locale,
            title,
            user: ctx.user.as_ref().map(|u| UserView {
                admin: u.user.role.can(Permission::ManageUsers),
                staff: u.user.role.can(Permission::ViewReports),
                intake: u.user.role.can(Permission::RecordReportsForCallers),
                budget: u.user.role.can(Permission::KeyPaperBallots)
                    || u.user.role.can(Permission::ManageBudget),
                handles: u.user.role.can(Permission::HandleReports),
                consults: u.user.role.can(Permission::HandleConsultations),
                plans: u.user.role.can(Permission::ManageConsultations),
                moderates: u.user.role.can(Permission::ModerateConsultations),
            }),
            csrf: ctx.csrf.clone(),
            flash: ctx
                .flash
                .as_deref()
                .map(|id| crate::i18n::t(ctx.locale, id)),
            path: ctx.path.clone(),
            map_tiles: ctx.map_tiles.clone(),
            map_center: ctx.map_center,
        }
    }

    /// A page with no visitor context (errors raised before the context exists).
    pub fn bare(lang: Locale, title: String) -> Self {
        Self {
            lang,
            title,
            user: None,
            csrf: String::new(),
            flash: None,
            path: "/".into(),
            map_tiles: String::new(),
            map_center: (0.0, 0.0),
        }
    }

    /// A page titled by the message `title_id`.
    pub fn titled(ctx: &Ctx, title_id: &str) -> Self {
        Self::new(ctx, crate::i18n::t(ctx.locale, title_id))
    }

    pub fn t(&self, id: &str) -> String {
        crate::i18n::t(self.lang, id)
    }

    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        crate::i18n::t_args(self.lang, id, &[(name, &value.to_string())])
    }

    pub fn t2(
        &self,
        id: &str,
        name1: &str,
        value1: impl std::fmt::Display,
        name2: &str,
        value2: impl std::fmt::Display,
    ) -> String {
        crate::i18n::t_args(
            self.lang,
            id,
            &[(name1, &value1.to_string()), (name2, &value2.to_string())],
        )
    }

    /// At most `max` characters of `text`, cut at a word and marked with an ellipsis.
    pub fn excerpt(&self, text: &str, max: usize) -> String {
        if text.chars().count() <= max {
            return text.to_owned();
        }
        let cut: String = text.chars().take(max).collect();
        let cut = cut
            .rsplit_once(char::is_whitespace)
            .map_or(cut.as_str(), |(a, _)| a);
        format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
    }

    /// "today", "yesterday", "5 days ago".
    pub fn age(&self, days: &i64) -> String {
        match *days {
            0 => self.t("age-today"),
            1 => self.t("age-yesterday"),
            n => self.t1("age-days", "count", n),
        }
    }

    /// A whole number with the language's thousands separator ("86 998", "86,998").
    pub fn n(&self, value: impl std::fmt::Display) -> String {
        group_digits(&value.to_string(), self.lang)
    }

    /// A number with one decimal place in the page's language ("12,5", "12.5"; thousands
    /// grouped).
    pub fn decimal(&self, value: f64) -> String {
        let fixed = format!("{:.1}", value);
        let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, "0"));
        let mark = match self.lang {
            miasto_domain::Locale::Pl => ',',
            miasto_domain::Locale::En => '.',
        };
        format!("{}{mark}{fraction}", group_digits(whole, self.lang))
    }

    /// A name in the page's language.
    pub fn name<'a>(&self, names: &'a miasto_domain::reference::Names) -> &'a str {
        names.get(self.lang)
    }

    /// The viewer records reports for callers (hotline pages in the staff menu).
    pub fn can_intake(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.intake)
    }

    /// The viewer handles reports (reply templates in the staff menu).
    pub fn can_handle(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.handles)
    }

    /// The viewer plans consultations (their pages in the staff menu).
    pub fn can_consult(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.consults)
    }

    /// The viewer works on the citizens' budget (its pages in the staff menu).
    pub fn can_budget(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.budget)
    }

    /// The language the switcher offers.
    pub fn other_lang(&self) -> Locale {
        match self.lang {
            Locale::Pl => Locale::En,
            Locale::En => Locale::Pl,
        }
    }

    /// The label of the language switch, in the language it switches to.
    pub fn switch_label(&self) -> String {
        crate::i18n::t(self.other_lang(), "language-switch")
    }

    /// A fresh idempotency key for a create form (see `miasto_store::form_keys`).
    pub fn new_form_key(&self) -> String {
        miasto_store::form_keys::new_key()
    }

    /// Appended to asset URLs so that a new build is never served a stale stylesheet.
    pub fn asset_version(&self) -> &'static str {
        crate::assets::version()
    }

    /// Date and time in Kraków, in the page's language.
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        let local = at.with_timezone(&Warsaw);
        match self.lang {
            Locale::Pl => local.format("%d.%m.%Y, %H:%M").to_string(),
            Locale::En => local.format("%-d %b %Y, %H:%M").to_string(),
        }
    }

    pub fn opt_datetime(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref()
            .map_or_else(|| "—".to_owned(), |at| self.datetime(at))
    }

    /// Machine-readable timestamp for `<time datetime>`.
    pub fn iso(&self, at: &DateTime<Utc>) -> String {
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// One `<option>` of a `<select>`.
#[derive(Debug, Clone)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options from `(value, label)` pairs, with `selected` marked.
pub fn options<V: AsRef<str>>(
    items: impl IntoIterator<Item = (V, String)>,
    selected: &str,
) -> Vec<SelectOption> {
    items
        .into_iter()
        .map(|(value, label)| SelectOption {
            selected: value.as_ref() == selected,
            value: value.as_ref().to_owned(),
            label,
        })
        .collect()
}

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> Result<Html<String>, Error> {
    Ok(Html(template.render()?))
}

/// Links for a paged list: keeps the other query parameters.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// More than `total` matched; the pages shown are the first ones.
    pub capped: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page numbers to offer: the first, the last and two either side of this one, with
    /// `None` where pages are left out ("…"). Each is (number, link).
    pub numbers: Vec<Option<(u64, String)>>,
}

/// The page numbers a pager shows around `page` of `pages`; `None` marks a gap.
pub fn page_window(page: u64, pages: u64) -> Vec<Option<u64>> {
    let mut out: Vec<Option<u64>> = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(page) <= 2 {
            if n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

impl Pager {
    pub fn new<T>(paged: &miasto_store::Paged<T>, base: &str, params: &[(&str, &str)]) -> Self {
        let link = |page: u64| {
            let mut query: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            query.push(("page", page.to_string()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&query).unwrap_or_default()
            )
        };
        Self {
            page: paged.page,
            pages: paged.pages(),
            total: paged.total,
            capped: paged.capped,
            prev: paged.has_prev().then(|| link(paged.page - 1)),
            next: paged.has_next().then(|| link(paged.page + 1)),
            numbers: page_window(paged.page, paged.pages())
                .into_iter()
                .map(|n| n.map(|n| (n, link(n))))
                .collect(),
        }
    }
}

/// Groups the digits of a whole number in threes: a no-break space in Polish, a comma in
/// English. Anything that is not a plain number is returned as it is.
pub fn group_digits(raw: &str, lang: miasto_domain::Locale) -> String {
    let (sign, digits) = raw.strip_prefix('-').map_or(("", raw), |d| ("-", d));
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return raw.to_owned();
    }
    let separator = match lang {
        miasto_domain::Locale::Pl => '\u{a0}',
        miasto_domain::Locale::En => ',',
    };
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod pager_tests {
    use super::page_window;

    #[test]
    fn the_pager_shows_the_ends_and_the_neighbourhood() {
        let shown = |page, pages| {
            page_window(page, pages)
                .into_iter()
                .map(|n| n.map_or("…".to_owned(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 101), "1 2 3 … 101");
        assert_eq!(shown(50, 101), "1 … 48 49 50 51 52 … 101");
        assert_eq!(shown(4, 6), "1 2 3 4 5 6");
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 0), "");
    }
}

#[cfg(test)]
mod grouping_tests {
    use super::group_digits;
    use miasto_domain::Locale;

    #[test]
    fn numbers_are_grouped_by_language() {
        assert_eq!(group_digits("86998", Locale::Pl), "86\u{a0}998");
        assert_eq!(group_digits("1234567", Locale::En), "1,234,567");
        assert_eq!(group_digits("999", Locale::En), "999");
        assert_eq!(group_digits("-1000", Locale::En), "-1,000");
        assert_eq!(group_digits("12a", Locale::En), "12a");
    }
}
