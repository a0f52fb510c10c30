//! `discovery`, `services` and `services/{code}`: what this endpoint is and which categories
//! (services) it takes, with their extra questions (attributes).

use super::{Call, Failure, Node};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, State};
use axum::response::Response;
use miasto_domain::open311::Format;
use miasto_store::reference::Category;

/// The version of this implementation's service description (`changeset` in discovery).
const CHANGESET: &str = "2026-11-21T00:00:00+01:00";

pub async fn discovery(state: &AppState, call: &Call) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let config = state.config();
    let endpoint = Node::Object(vec![
        (
            "specification",
            Node::text("http://wiki.open311.org/GeoReport_v2"),
        ),
        ("url", Node::text(format!("{}/open311/v2", config.base_url))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::list(
                "format",
                vec![Node::text("text/xml"), Node::text("application/json")],
            ),
        ),
    ]);
    let city = config.city_name.as_str();
    Ok((
        "discovery",
        Node::Object(vec![
            ("changeset", Node::text(CHANGESET)),
            (
                "contact",
                Node::text(crate::i18n::t_args(
                    call.locale,
                    "open311-contact",
                    &[("city", city), ("url", &config.base_url)],
                )),
            ),
            (
                "key_service",
                Node::text(crate::i18n::t_args(
                    call.locale,
                    "open311-key-service",
                    &[("city", city)],
                )),
            ),
            (
                "jurisdiction_id",
                Node::text(config.jurisdiction_id.clone()),
            ),
            ("endpoints", Node::list("endpoint", vec![endpoint])),
        ]),
    ))
}

fn service(category: &Category, call: &Call) -> Node {
    let kind = category.kind.as_str();
    Node::Object(vec![
        ("service_code", Node::text(category.code.as_str())),
        ("service_name", Node::text(category.names.get(call.locale))),
        (
            "description",
            Node::text(crate::i18n::t(call.locale, &format!("open311-kind-{kind}"))),
        ),
        ("metadata", Node::Bool(!category.questions.is_empty())),
        ("type", Node::text("realtime")),
        ("keywords", Node::text(kind)),
        (
            "group",
            Node::text(crate::i18n::t(
                call.locale,
                &format!("open311-group-{kind}"),
            )),
        ),
    ])
}

/// `services`: every category residents may report in.
pub async fn list(state: &AppState, call: &Call) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let lookup = Lookup::load(state).await?;
    let services = lookup
        .categories
        .iter()
        .filter(|c| c.active)
        .map(|c| service(c, call))
        .collect();
    Ok(("services", Node::list("service", services)))
}

/// `services/{code}.{format}`: the questions a category asks. Unlike the lists, the
/// specification makes this one object.
pub async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    call: Call,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return call.fail_as(Format::Json, Failure::NotFound);
    };
    let result = define(&state, &call, code).await;
    call.respond(format, result)
}

async fn define(
    state: &AppState,
    call: &Call,
    code: &str,
) -> Result<(&'static str, Node), Failure> {
    call.check_jurisdiction(state)?;
    let lookup = Lookup::load(state).await?;
    let category = lookup
        .categories
        .iter()
        .find(|c| c.active && c.code.as_str() == code)
        .ok_or(Failure::NotFound)?;
    let locale = call.locale;
    let attributes = category
        .questions
        .iter()
        .zip(1_i64..)
        .map(|(q, order)| {
            let values = q
                .choices
                .iter()
                .map(|c| {
                    Node::Object(vec![
                        ("key", Node::text(c.key.as_str())),
                        ("name", Node::text(c.name.get(locale))),
                    ])
                })
                .collect();
            Node::Object(vec![
                ("variable", Node::Bool(true)),
                ("code", Node::text(q.code.as_str())),
                ("datatype", Node::text(q.datatype.as_str())),
                ("required", Node::Bool(q.required)),
                (
                    "datatype_description",
                    Node::opt(q.hint.as_ref().map(|h| h.get(locale))),
                ),
                ("order", Node::Int(order)),
                ("description", Node::text(q.text.get(locale))),
                ("values", Node::list("value", values)),
            ])
        })
        .collect();
    Ok((
        "service_definition",
        Node::Object(vec![
            ("service_code", Node::text(category.code.as_str())),
            ("attributes", Node::list("attribute", attributes)),
        ]),
    ))
}
