//! Paper ballots typed in at voting points, each sheet twice by different people.

use super::*;

pub struct OpenSheetView {
    pub number: String,
    pub point: String,
    pub keyings: u32,
    pub mismatch: bool,
    pub keyed_at: String,
}

#[derive(Template)]
#[template(path = "staff/budget_paper.html")]
struct PaperPage {
    page: Page,
    edition: EditionView,
    open: bool,
    outcome: Option<(bool, String)>,
    districts: Option<Vec<SelectOption>>,
    district: String,
    district_name: String,
    /// Back to the district choice, keeping the voting point.
    change_link: String,
    parts: Vec<PoolPart>,
    sheet: String,
    point: String,
    voter: VoterFields,
    sheets: Vec<OpenSheetView>,
    counted: u64,
    refused: u64,
    errors: FieldErrors,
}

#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn paper_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    district: &str,
    typed: &Typed<'_>,
    keep_sheet: bool,
    outcome: Option<(bool, String)>,
    errors: FieldErrors,
) -> Result<PaperPage, Error> {
    let page = crate::budget::edition_page(ctx, "budget-paper-title", edition);
    let pools = budget::pools(state.db(), edition.id).await?;
    let (_, district_pool) = split_pools(&pools, district);
    let choose = pools.iter().any(|p| !p.is_city_wide()) && district_pool.is_none();
    let parts = if choose {
        Vec::new()
    } else {
        parts(state, &page, &pools, district, typed).await?
    };
    let sheets = budget::open_sheets(state.db(), edition.id)
        .await?
        .into_iter()
        .map(|s: OpenSheet| OpenSheetView {
            keyed_at: page.datetime(&s.first_keyed_at),
            number: s.number,
            point: s.point,
            keyings: s.keyings,
            mismatch: s.mismatch,
        })
        .collect();
    let (counted, refused) = budget::settled_sheets(state.db(), edition.id).await?;
    Ok(PaperPage {
        edition: EditionView::new(&page, edition),
        // Paper ballots are typed in while voting runs and after it closes, until the count.
        open: rules::allowed(ctx, Rule::KeyPaper, edition, None).is_ok(),
        outcome,
        districts: choose.then(|| district_options(&page, &pools, district)),
        district: district.to_owned(),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        change_link: format!(
            "/staff/budget/{}/paper?{}",
            edition.slug,
            serde_urlencoded::to_string([("point", typed.get("point"))]).unwrap_or_default()
        ),
        parts,
        sheet: if keep_sheet {
            typed.get("sheet").to_owned()
        } else {
            String::new()
        },
        // The voting point stays filled in from one sheet to the next.
        point: typed.get("point").to_owned(),
        voter: VoterFields::typed(edition, typed, keep_sheet, false),
        sheets,
        counted,
        refused,
        errors,
        page,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaperQuery {
    pub district: String,
    pub point: String,
}

pub async fn show_paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<PaperQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::KeyPaperBallots)?;
    let edition = load_edition(&state, &slug).await?;
    let pairs = vec![("point".to_owned(), query.point.clone())];
    let page = paper_page(
        &state,
        &ctx,
        &edition,
        &query.district,
        &Typed(&pairs),
        false,
        None,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaperFields {
    pub district: String,
    pub sheet: String,
    pub point: String,
}

pub async fn key_paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<PaperFields>,
) -> Result<Response, Error> {
    let clerk = ctx.require(Permission::KeyPaperBallots)?.user.id;
    let edition = load_edition(&state, &slug).await?;
    let typed = Typed(&form.pairs);
    let district = form.fields.district.trim();
    if let Err(why) = rules::allowed(&ctx, Rule::KeyPaper, &edition, None) {
        let message = crate::i18n::t(ctx.locale, &format!("error-page-{}", why.code()));
        let page = paper_page(
            &state,
            &ctx,
            &edition,
            district,
            &typed,
            true,
            Some((false, message)),
            FieldErrors::new(ctx.locale),
        )
        .await?;
        let status = StatusCode::from_u16(why.http_status()).unwrap_or(StatusCode::CONFLICT);
        return Ok((status, render(&page)?).into_response());
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let number = form.fields.sheet.trim();
    if number.is_empty() || number.chars().count() > 40 {
        errors.add_message("sheet", "budget-error-sheet");
    }
    let point = form.fields.point.trim();
    if point.is_empty() || point.chars().count() > 200 {
        errors.add_message("point", "budget-error-point");
    }
    let pools = budget::pools(state.db(), edition.id).await?;
    let read = read_ballot(
        &state,
        &edition,
        &pools,
        district,
        &typed,
        Route::Declared,
        &mut errors,
    )
    .await?;
    let Some((identity, marks)) = read.filter(|_| errors.is_empty()) else {
        let page = paper_page(&state, &ctx, &edition, district, &typed, true, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let secret = state.config().secret.expose().as_bytes();
    let sheet = Sheet {
        number: number.to_owned(),
        point: point.to_owned(),
        keys: identity.keys(secret, edition.id.0),
        marks,
    };
    let tx = miasto_store::begin(state.db()).await?;
    let keying = match budget::key_paper(&tx, &edition, &sheet, clerk, secret).await {
        Ok(keying) => keying,
        Err(CastError::Refused(why)) => return Err(why.into()),
        Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
        Err(CastError::Store(e)) => return Err(e.into()),
    };
    tx.commit().await?;
    let message = crate::i18n::t_args(
        ctx.locale,
        &format!("budget-keying-{}", keying.as_str()),
        &[("sheet", number)],
    );
    // A keying to repeat keeps what was typed; a stored one clears the form for the next.
    let (status, keep, good) = match keying {
        Keying::Waiting | Keying::Counted => (StatusCode::OK, false, true),
        Keying::Mismatch | Keying::AlreadyVoted | Keying::Settled => (StatusCode::OK, false, false),
        Keying::SameKeyer => (StatusCode::CONFLICT, true, false),
    };
    let page = paper_page(
        &state,
        &ctx,
        &edition,
        district,
        &typed,
        keep,
        Some((good, message)),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok((status, render(&page)?).into_response())
}
