//! Officials' work on district referenda: drafts (by hand, or from an accepted request with
//! signatures), the announcement that fixes the questions, window, electorate and rule of
//! validity and makes the ballot key for the commission, the commission's shares (each member
//! collects theirs once), paper sheets typed twice at the voting points, and the opening of
//! the envelopes with the shares. Every step is audited.

use super::{ReferendumView, actor, find, read_answers};
use crate::budget::ballot::{Route, Typed, VoterFields, read_identity};
use crate::budget::staff::editions::{MemberOption, member_options};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use miasto_domain::referenda::{self as rules, Action, Phase, Refusal, Validity, Window};
use miasto_domain::vote::Identity;
use miasto_domain::{DistrictId, FieldError, Permission, UserId};
use miasto_store::audit;
use miasto_store::budget::Keying;
use miasto_store::referenda::{self as store, Draft, Referendum, ReferendumError};

/// The draft's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct DraftFields {
    pub district: String,
    pub title: String,
    pub description: String,
    pub questions: String,
    pub opens: String,
    pub closes: String,
    pub electorate: String,
    pub min_turnout: String,
}

impl DraftFields {
    fn from_typed(t: &Typed<'_>) -> Self {
        Self {
            district: t.get("district").to_owned(),
            title: t.get("title").to_owned(),
            description: t.get("description").to_owned(),
            questions: t.get("questions").to_owned(),
            opens: t.get("opens").to_owned(),
            closes: t.get("closes").to_owned(),
            electorate: t.get("electorate").to_owned(),
            min_turnout: t.get("min_turnout").to_owned(),
        }
    }

    fn of(r: &Referendum) -> Self {
        let local = |at: chrono::DateTime<chrono::Utc>| {
            at.with_timezone(&chrono_tz::Europe::Warsaw)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        Self {
            district: r.district.to_string(),
            title: r.title.clone(),
            description: r.description.clone(),
            questions: rules::questions_text(&r.questions),
            opens: local(r.window.opens),
            closes: local(r.window.closes),
            electorate: r.electorate.map(|e| e.to_string()).unwrap_or_default(),
            min_turnout: r
                .validity
                .percent()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        }
    }

    /// The draft, or the fields' errors in `errors`.
    fn read(&self, lookup: &Lookup, min_age: u32, errors: &mut FieldErrors) -> Option<Draft> {
        let district = DistrictId::parse(&self.district).filter(|d| lookup.district(*d).is_some());
        if district.is_none() {
            errors.add("district", FieldError::DistrictUnknown);
        }
        let title = errors.check(
            "title",
            miasto_domain::required_text(&self.title, rules::TITLE_MAX),
        );
        let description = errors.check(
            "description",
            miasto_domain::required_text(&self.description, rules::DESCRIPTION_MAX),
        );
        let questions = errors.check("questions", rules::parse_questions(&self.questions));
        let at = |field: &'static str, raw: &str, errors: &mut FieldErrors| {
            let parsed = crate::consultations::meetings::parse_local(raw);
            if parsed.is_none() {
                errors.add(
                    field,
                    if raw.trim().is_empty() {
                        FieldError::Required
                    } else {
                        FieldError::DateInvalid
                    },
                );
            }
            parsed
        };
        let opens = at("opens", &self.opens, errors);
        let closes = at("closes", &self.closes, errors);
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            errors.add("closes", FieldError::DateOrder);
        }
        let number = |field: &'static str, raw: &str, max: u32, errors: &mut FieldErrors| {
            let raw = raw.trim().replace([' ', '\u{a0}'], "");
            if raw.is_empty() {
                return Some(None);
            }
            match raw.parse::<u32>() {
                Ok(n) if n >= 1 && n <= max => Some(Some(n)),
                _ => {
                    errors.add(field, FieldError::NumberInvalid);
                    None
                }
            }
        };
        let electorate = number(
            "electorate",
            &self.electorate,
            rules::ELECTORATE_MAX,
            errors,
        );
        let turnout = number("min_turnout", &self.min_turnout, 100, errors);
        Some(Draft {
            district: district?,
            title: title?,
            description: description?,
            questions: questions?,
            window: Window {
                opens: opens?,
                closes: closes?,
            },
            min_age,
            electorate: electorate?,
            validity: Validity::from_parts(turnout?),
        })
    }
}

fn district_options(lookup: &Lookup, page: &Page, chosen: &str) -> Vec<SelectOption> {
    let mut items = vec![(String::new(), page.t("referenda-choose-district"))];
    items.extend(
        lookup
            .districts
            .iter()
            .map(|d| (d.id.to_string(), d.label())),
    );
    options(items, chosen)
}

#[derive(Template)]
#[template(path = "referenda/staff_index.html")]
struct IndexPage {
    page: Page,
    referenda: Vec<ReferendumView>,
    form: DraftFields,
    districts: Vec<SelectOption>,
    errors: FieldErrors,
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    form: DraftFields,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenda)?;
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "referenda-staff-title");
    let all = store::list(state.db(), true).await?;
    let none = Typed(&[]);
    let out = IndexPage {
        referenda: all
            .iter()
            .map(|r| ReferendumView::new(r, &lookup, &page, None, &none))
            .collect(),
        districts: district_options(&lookup, &page, &form.district),
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/referenda`: every referendum (drafts too) and the form for a new draft.
pub async fn index(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let form = DraftFields {
        description: String::new(),
        ..DraftFields::default()
    };
    let errors = FieldErrors::new(ctx.locale);
    index_page(&state, &ctx, form, errors, StatusCode::OK).await
}

async fn record(
    tx: &impl miasto_store::ConnectionTrait,
    by: UserId,
    r: &Referendum,
    step: &str,
) -> Result<(), Error> {
    record_with(tx, by, r, step, serde_json::json!({})).await
}

/// [`record`] with further details (never an identity or an answer).
async fn record_with(
    tx: &impl miasto_store::ConnectionTrait,
    by: UserId,
    r: &Referendum,
    step: &str,
    mut details: serde_json::Value,
) -> Result<(), Error> {
    details["number"] = r.number.into();
    details["step"] = step.into();
    audit::record(
        tx,
        Some(by),
        audit::Action::ReferendumStep,
        Some(audit::Target::referendum(r.id)),
        details,
    )
    .await?;
    Ok(())
}

/// `POST /staff/referenda`: a new draft.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let by = ctx.require(Permission::ManageReferenda)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let fields = DraftFields::from_typed(&Typed(&form.pairs));
    let mut errors = FieldErrors::new(ctx.locale);
    let min_age = state.request_thresholds().referendum_min_age;
    let Some(draft) = fields.read(&lookup, min_age, &mut errors) else {
        return index_page(
            &state,
            &ctx,
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let r = store::create(&tx, &draft, None, Some(by)).await?;
    record(&tx, by, &r, "created").await?;
    tx.commit().await?;
    Ok(back(&ctx, &r, "flash-referendum-saved"))
}

fn back(ctx: &Ctx, r: &Referendum, flash: &str) -> Response {
    redirect_with_flash(ctx, &format!("/staff/referenda/{}", r.number), flash)
}

/// A commission member's share slot, as the page shows it.
pub struct SlotView {
    pub number: u8,
    pub member: String,
    pub collected: Option<String>,
}

#[derive(Template)]
#[template(path = "referenda/staff_show.html")]
struct ShowPage {
    page: Page,
    r: ReferendumView,
    form: DraftFields,
    districts: Vec<SelectOption>,
    members: Vec<MemberOption>,
    threshold: String,
    slots: Vec<SlotView>,
    /// The current official's share waits for them.
    my_share: bool,
    /// The share just collected, shown once: (text, fingerprint).
    shown: Option<(String, String)>,
    voter: VoterFields,
    sheet: String,
    point: String,
    open_sheets: Vec<(String, String, u32, bool)>,
    may_edit: bool,
    may_key: bool,
    may_open: bool,
    errors: FieldErrors,
}

/// What a re-rendered page keeps of what was typed.
#[derive(Default)]
struct Kept<'a> {
    typed: Option<&'a Typed<'a>>,
    shown: Option<(String, String)>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    r: &Referendum,
    kept: Kept<'_>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let me = current.user.id;
    let lookup = Lookup::load(state).await?;
    let mut page = Page::titled(ctx, "referenda-staff-title");
    page.title = r.title.clone();
    let empty = Typed(&[]);
    let typed = kept.typed.unwrap_or(&empty);
    let phase = r.phase(miasto_store::now());
    let allowed = |a| rules::may(&actor(ctx), a, phase).is_ok();
    let form = if kept.typed.is_some() && phase == Phase::Draft {
        DraftFields::from_typed(typed)
    } else {
        DraftFields::of(r)
    };
    let chosen: Vec<String> = typed
        .all("member")
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let chosen = if chosen.is_empty() {
        vec![me.to_string()]
    } else {
        chosen
    };
    let slots = miasto_store::ballot_box::share_slots(state.db(), r.id).await?;
    let mut slot_views = Vec::new();
    for s in &slots {
        let member = match s.member {
            Some(m) => miasto_store::accounts::get_user(state.db(), m)
                .await?
                .map(|u| u.email.to_string())
                .unwrap_or_default(),
            None => String::new(),
        };
        slot_views.push(SlotView {
            number: s.number,
            member,
            collected: s.collected_at.map(|at| page.datetime(&at)),
        });
    }
    let open_sheets = if allowed(Action::KeyPaper) {
        miasto_store::ballot_box::open_sheets(state.db(), r.id)
            .await?
            .into_iter()
            .map(|s| (s.number, s.point, s.keyings, s.mismatch))
            .collect()
    } else {
        Vec::new()
    };
    let mut voter = VoterFields::typed(&super::Entitled(r.min_age), typed, true, false);
    let results = miasto_store::referenda::results(state.db(), r).await?;
    let view = ReferendumView::new(r, &lookup, &page, results.as_ref(), typed);
    voter.district = Some(view.district.clone());
    let out = ShowPage {
        districts: district_options(&lookup, &page, &form.district),
        members: member_options(state, Permission::ManageReferenda, &chosen).await?,
        threshold: typed.get("threshold").to_owned(),
        my_share: slots.iter().any(|s| s.member == Some(me) && s.waiting),
        shown: kept.shown,
        slots: slot_views,
        voter,
        sheet: typed.get("sheet").to_owned(),
        point: typed.get("point").to_owned(),
        open_sheets,
        may_edit: allowed(Action::Edit),
        may_key: allowed(Action::KeyPaper),
        may_open: allowed(Action::Open),
        r: view,
        form,
        errors,
        page,
    };
    let mut response = (status, render(&out)?).into_response();
    // A page that may hold a share is never kept by a browser or a proxy.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /staff/referenda/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenda)?;
    let r = find(&state, &ctx, &number).await?;
    let errors = FieldErrors::new(ctx.locale);
    show_page(&state, &ctx, &r, Kept::default(), errors, StatusCode::OK).await
}

/// The page again with a refusal.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    r: &Referendum,
    typed: &Typed<'_>,
    refusal: Refusal,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    let kept = Kept {
        typed: Some(typed),
        shown: None,
    };
    show_page(state, ctx, r, kept, errors, status).await
}

/// Checks the rule for `action`: the page with the refusal otherwise.
async fn check(
    state: &AppState,
    ctx: &Ctx,
    r: &Referendum,
    action: Action,
    typed: &Typed<'_>,
) -> Result<Option<Response>, Error> {
    match rules::may(&actor(ctx), action, r.phase(miasto_store::now())) {
        Ok(()) => Ok(None),
        Err(Refusal::SignIn) => Err(Error::LoginRequired),
        Err(Refusal::Forbidden) => Err(Error::Forbidden),
        Err(refusal) => refused(state, ctx, r, typed, refusal).await.map(Some),
    }
}

/// A store refusal as the page; other errors stay errors.
async fn write_refused(
    state: &AppState,
    ctx: &Ctx,
    r: &Referendum,
    typed: &Typed<'_>,
    e: ReferendumError,
) -> Result<Response, Error> {
    match e {
        ReferendumError::Refused(refusal) => refused(state, ctx, r, typed, refusal).await,
        ReferendumError::Store(e) => Err(e.into()),
    }
}

async fn invalid(
    state: &AppState,
    ctx: &Ctx,
    r: &Referendum,
    typed: &Typed<'_>,
    errors: FieldErrors,
) -> Result<Response, Error> {
    let kept = Kept {
        typed: Some(typed),
        shown: None,
    };
    show_page(
        state,
        ctx,
        r,
        kept,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /staff/referenda/{number}`: changes the draft.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let typed = Typed(&form.pairs);
    if let Some(page) = check(&state, &ctx, &r, Action::Edit, &typed).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageReferenda)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(draft) = DraftFields::from_typed(&typed).read(&lookup, r.min_age, &mut errors) else {
        return invalid(&state, &ctx, &r, &typed, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::update(&tx, r.id, &draft).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &r, &typed, e).await;
    }
    record(&tx, by, &r, "changed").await?;
    tx.commit().await?;
    Ok(back(&ctx, &r, "flash-referendum-saved"))
}

/// `POST /staff/referenda/{number}/announce`: fixes the draft and makes the ballot key for
/// the commission ticked (`threshold` of them open the envelopes).
pub async fn announce(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let typed = Typed(&form.pairs);
    if let Some(page) = check(&state, &ctx, &r, Action::Announce, &typed).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageReferenda)?.user.id;
    let chosen: Vec<String> = typed
        .all("member")
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let members: Vec<Option<UserId>> = member_options(&state, Permission::ManageReferenda, &chosen)
        .await?
        .iter()
        .filter(|m| m.checked)
        .filter_map(|m| UserId::parse(&m.id).map(Some))
        .collect();
    let threshold = typed.get("threshold").trim().parse::<u8>().unwrap_or(0);
    let secret = state.config().secret.expose().as_bytes();
    let tx = miasto_store::begin(state.db()).await?;
    let per_year = state.request_thresholds().referenda_per_year;
    match store::announce(&tx, &r, threshold, &members, per_year, secret).await {
        Ok(shares) => drop(shares),
        Err(e) => {
            tx.rollback().await?;
            return write_refused(&state, &ctx, &r, &typed, e).await;
        }
    }
    let details = serde_json::json!({ "commission": members.len(), "threshold": threshold });
    record_with(&tx, by, &r, "announced", details).await?;
    tx.commit().await?;
    Ok(back(&ctx, &r, "flash-referendum-announced"))
}

/// `POST /staff/referenda/{number}/share`: the member's share, shown once and erased.
pub async fn collect_share(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let none = Typed(&[]);
    if let Some(page) = check(&state, &ctx, &r, Action::CollectShare, &none).await? {
        return Ok(page);
    }
    let me = ctx.require(Permission::ManageReferenda)?.user.id;
    let secret = state.config().secret.expose().as_bytes();
    let tx = miasto_store::begin(state.db()).await?;
    let Some(share) = miasto_store::ballot_box::collect_share(&tx, r.id, me, secret).await? else {
        tx.rollback().await?;
        return Ok(back(&ctx, &r, "flash-referendum-no-share"));
    };
    record(&tx, me, &r, "share collected").await?;
    tx.commit().await?;
    let kept = Kept {
        typed: None,
        shown: Some((share.to_text(), share.fingerprint())),
    };
    let errors = FieldErrors::new(ctx.locale);
    show_page(&state, &ctx, &r, kept, errors, StatusCode::OK).await
}

/// `POST /staff/referenda/{number}/paper`: one keying of a paper sheet (the sheet's number,
/// the voting point, the voter as on the sheet and the answers); the second agreeing keying by
/// someone else casts it.
pub async fn key_paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let typed = Typed(&form.pairs);
    if let Some(page) = check(&state, &ctx, &r, Action::KeyPaper, &typed).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::KeyPaperBallots)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let sheet = typed.get("sheet").trim().to_owned();
    if sheet.is_empty() || sheet.chars().count() > 40 {
        errors.add("sheet", FieldError::Required);
    }
    let point = typed.get("point").trim().to_owned();
    if point.is_empty() || point.chars().count() > 100 {
        errors.add("point", FieldError::Required);
    }
    let identity = read_identity(
        &super::Entitled(r.min_age),
        &typed,
        miasto_store::today(),
        Route::Declared,
        &mut errors,
    );
    let marks = read_answers(&r, &typed, &mut errors);
    let Some(identity) = identity.filter(|_| errors.is_empty()) else {
        return invalid(&state, &ctx, &r, &typed, errors).await;
    };
    let secret = state.config().secret.expose().as_bytes();
    let keys = Identity::keys(&identity, secret, r.id);
    let tx = miasto_store::begin(state.db()).await?;
    let paper = store::sheet(&sheet, &point, keys, &marks);
    let keying = match store::key_paper(&tx, &r, &paper, by, secret).await {
        Ok(k) => k,
        Err(e) => {
            tx.rollback().await?;
            return write_refused(&state, &ctx, &r, &typed, e).await;
        }
    };
    let details = serde_json::json!({ "sheet": sheet, "outcome": keying.as_str() });
    record_with(&tx, by, &r, "paper keyed", details).await?;
    tx.commit().await?;
    let flash = match keying {
        Keying::Counted => "flash-referendum-sheet-counted",
        Keying::Waiting => "flash-referendum-sheet-waiting",
        Keying::Mismatch => "flash-referendum-sheet-mismatch",
        Keying::AlreadyVoted => "flash-referendum-sheet-refused",
        Keying::SameKeyer => "flash-referendum-sheet-same-keyer",
        Keying::Settled => "flash-referendum-sheet-settled",
    };
    Ok(back(&ctx, &r, flash))
}

/// `POST /staff/referenda/{number}/open`: the commission's shares (one per line) open the
/// envelopes once voting has closed; the results are public at once.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: FormPairs<serde_json::Value>,
) -> Result<Response, Error> {
    let r = find(&state, &ctx, &number).await?;
    let typed = Typed(&form.pairs);
    if let Some(page) = check(&state, &ctx, &r, Action::Open, &typed).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageReferenda)?.user.id;
    let entries: Vec<&str> = typed
        .get("shares")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let secret = state.config().secret.expose().as_bytes();
    match store::open_and_count(state.db(), &r, &entries, Some(by), secret).await {
        Ok(_) => {}
        Err(store::CountError::Refused(refusal)) => {
            return refused(&state, &ctx, &r, &Typed(&[]), refusal).await;
        }
        Err(store::CountError::Open(miasto_store::ballot_box::OpenError::Shares(e))) => {
            let mut errors = FieldErrors::new(ctx.locale);
            errors.add_message("shares", &format!("budget-share-error-{}", e.code()));
            // The shares are never typed back into the page.
            return invalid(&state, &ctx, &r, &Typed(&[]), errors).await;
        }
        Err(store::CountError::Open(e)) => return Err(Error::internal(e.to_string())),
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/referenda/{}", r.number),
        "flash-referendum-counted",
    ))
}

/// A draft from an accepted referendum request: the district and the request's text, one
/// yes/no question (its title), voting on one day six weeks on (7:00–21:00 in Kraków), the
/// electorate the official entered for the request, no threshold of validity.
pub(crate) fn draft_from_request(
    r: &miasto_store::requests::Request,
    min_age: u32,
) -> Option<Draft> {
    let day = miasto_store::today() + Duration::days(42);
    let at = |h: u32| {
        day.and_hms_opt(h, 0, 0)?
            .and_local_timezone(chrono_tz::Europe::Warsaw)
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    Some(Draft {
        district: r.district?,
        title: r.title.clone(),
        description: r.description.clone(),
        questions: vec![rules::Question {
            id: uuid::Uuid::new_v4(),
            text: r.title.clone(),
            options: Vec::new(),
        }],
        window: Window {
            opens: at(7)?,
            closes: at(21)?,
        },
        min_age,
        electorate: r.electorate,
        validity: Validity::Always,
    })
}
