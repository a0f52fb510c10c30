//! `GET /categories` and `GET /districts`: what a report refers to.

use super::*;

/// Categories
///
/// The active categories, in the city's order, with the questions each asks.
#[utoipa::path(get, path = "/categories", tag = "reference",
    responses((status = 200, description = "The categories", body = Data<Vec<CategoryOut>>)))]
pub async fn list_categories(
    State(state): State<AppState>,
    Lang(lang): Lang,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let categories: Vec<CategoryOut> = lookup
        .categories
        .iter()
        .filter(|c| c.active)
        .map(|c| CategoryOut {
            code: c.code.as_str().to_owned(),
            kind: c.kind.as_str().to_owned(),
            name: c.names.get(lang).to_owned(),
            questions: c
                .questions
                .iter()
                .map(|q| QuestionOut {
                    code: q.code.as_str().to_owned(),
                    datatype: q.datatype.as_str().to_owned(),
                    required: q.required,
                    text: q.text.get(lang).to_owned(),
                    hint: q.hint.as_ref().map(|h| h.get(lang).to_owned()),
                    choices: q
                        .choices
                        .iter()
                        .map(|ch| ChoiceOut {
                            key: ch.key.as_str().to_owned(),
                            name: ch.name.get(lang).to_owned(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(reply(StatusCode::OK, categories))
}

/// Districts
///
/// The city's districts, by number.
#[utoipa::path(get, path = "/districts", tag = "reference",
    responses((status = 200, description = "The districts", body = Data<Vec<DistrictOut>>)))]
pub async fn list_districts(State(state): State<AppState>) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let mut districts: Vec<DistrictOut> = lookup
        .districts
        .iter()
        .map(|d| DistrictOut {
            number: d.number,
            roman: d.roman.clone(),
            name: d.name.clone(),
        })
        .collect();
    districts.sort_by_key(|d| d.number);
    Ok(reply(StatusCode::OK, districts))
}
