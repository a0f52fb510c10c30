//! Pages for developers of apps: the JSON API's reference, rendered on the server from the
//! same OpenAPI document the API serves (no script, no third-party viewer), and pointers to
//! Open311 and the machine-readable document.

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use serde_json::Value;

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// `required`, `optional` or `none`.
    pub auth: &'static str,
    pub parameters: Vec<Row>,
    /// The body's content type and schema, if it takes one.
    pub body: Option<(String, String)>,
    pub responses: Vec<Row>,
}

impl Operation {
    /// The message saying whether a token is needed.
    pub fn auth_message(&self) -> &'static str {
        match self.auth {
            "required" => "developers-auth-required",
            "optional" => "developers-auth-optional",
            _ => "developers-auth-none",
        }
    }
}

/// A line of a table: name, where or type, and what it means.
pub struct Row {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

impl Row {
    /// The message for its yes/no column.
    pub fn required_message(&self) -> &'static str {
        if self.required {
            "developers-yes"
        } else {
            "developers-no"
        }
    }
}

pub struct Schema {
    pub name: String,
    pub description: String,
    pub fields: Vec<Row>,
}

pub struct Tag {
    pub name: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

#[derive(Template)]
#[template(path = "developers/api.html")]
struct ApiReferencePage {
    page: Page,
    base_url: String,
    api_base: &'static str,
    intro: String,
    tags: Vec<Tag>,
    schemas: Vec<Schema>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A schema's type in words: `string`, `integer or null`, `array of ReportOut`, `Data_Me`.
fn describe(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or_default().to_owned();
    }
    if let Some(parts) = schema["allOf"].as_array().or(schema["oneOf"].as_array()) {
        return parts.iter().map(describe).collect::<Vec<_>>().join(" + ");
    }
    let one = |t: &str| -> String {
        match t {
            "array" => format!("array of {}", describe(&schema["items"])),
            "null" => "null".to_owned(),
            other => match schema["format"].as_str() {
                Some(format) => format!("{other} ({format})"),
                None => other.to_owned(),
            },
        }
    };
    match &schema["type"] {
        Value::String(t) => one(t),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

fn operations(doc: &Value) -> Vec<(String, Operation)> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let security = op["security"].as_array();
            let auth = match security {
                None => "none",
                Some(options)
                    if options
                        .iter()
                        .any(|o| o.as_object().is_some_and(|o| o.is_empty())) =>
                {
                    "optional"
                }
                Some(_) => "required",
            };
            let parameters = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| Row {
                            name: text(&p["name"]),
                            kind: format!("{}, {}", text(&p["in"]), describe(&p["schema"])),
                            required: p["required"].as_bool().unwrap_or(false),
                            description: text(&p["description"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(content_type, media)| (content_type.clone(), describe(&media["schema"])));
            let responses = op["responses"]
                .as_object()
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| Row {
                            name: status.clone(),
                            kind: r["content"]
                                .as_object()
                                .and_then(|c| c.values().next())
                                .map(|m| describe(&m["schema"]))
                                .unwrap_or_default(),
                            required: false,
                            description: text(&r["description"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let tag = op["tags"][0].as_str().unwrap_or_default().to_owned();
            out.push((
                tag,
                Operation {
                    anchor: text(&op["operationId"]),
                    method: method.to_uppercase(),
                    path: format!("{}{path}", crate::api::BASE),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    auth,
                    parameters,
                    body,
                    responses,
                },
            ));
        }
    }
    out
}

fn schemas(doc: &Value) -> Vec<Schema> {
    let Some(all) = doc["components"]["schemas"].as_object() else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, schema)| {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut fields: Vec<Row> = Vec::new();
            let mut parts = vec![schema];
            parts.extend(schema["allOf"].as_array().into_iter().flatten());
            for part in parts {
                if let Some(props) = part["properties"].as_object() {
                    fields.extend(props.iter().map(|(field, s)| {
                        Row {
                            name: field.clone(),
                            kind: describe(s),
                            required: required.contains(&field.as_str())
                                || part["required"]
                                    .as_array()
                                    .is_some_and(|r| r.iter().any(|x| x == field)),
                            description: text(&s["description"]),
                        }
                    }));
                }
                if let Some(reference) = part["$ref"].as_str() {
                    fields.push(Row {
                        name: "…".to_owned(),
                        kind: reference.rsplit('/').next().unwrap_or_default().to_owned(),
                        required: true,
                        description: String::new(),
                    });
                }
            }
            Schema {
                name: name.clone(),
                description: text(&schema["description"]),
                fields,
            }
        })
        .collect()
}

/// `GET /developers/api`: the JSON API's reference.
pub async fn show_api_reference(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, Error> {
    let doc = serde_json::to_value(crate::api::openapi())
        .map_err(|e| Error::internal(format!("openapi document: {e}")))?;
    let mut ops = operations(&doc);
    let mut tags = Vec::new();
    for t in doc["tags"].as_array().into_iter().flatten() {
        let name = text(&t["name"]);
        let (mine, rest): (Vec<_>, Vec<_>) = ops.into_iter().partition(|(tag, _)| *tag == name);
        ops = rest;
        tags.push(Tag {
            description: text(&t["description"]),
            operations: mine.into_iter().map(|(_, op)| op).collect(),
            name,
        });
    }
    render(&ApiReferencePage {
        page: Page::titled(&ctx, "developers-api-title"),
        base_url: state.config().base_url.trim_end_matches('/').to_owned(),
        api_base: crate::api::BASE,
        intro: text(&doc["info"]["description"]),
        tags,
        schemas: schemas(&doc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_are_described_in_words() {
        assert_eq!(describe(&json!({"type": "string"})), "string");
        assert_eq!(
            describe(&json!({"type": ["integer", "null"], "format": "int32"})),
            "integer (int32) or null"
        );
        assert_eq!(
            describe(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/ReportOut"}})
            ),
            "array of ReportOut"
        );
        assert_eq!(describe(&json!({})), "any");
    }

    #[test]
    fn every_operation_of_the_document_is_on_the_page() {
        let doc = serde_json::to_value(crate::api::openapi()).unwrap_or_default();
        let ops = operations(&doc);
        let count: usize = doc["paths"]
            .as_object()
            .map(|p| {
                p.values()
                    .map(|i| i.as_object().map_or(0, serde_json::Map::len))
                    .sum()
            })
            .unwrap_or_default();
        assert_eq!(ops.len(), count);
        assert!(
            ops.iter()
                .all(|(tag, op)| !tag.is_empty() && !op.summary.is_empty())
        );
        let support = ops
            .iter()
            .find(|(_, op)| op.path == "/api/v1/reports/{id}/support");
        assert_eq!(support.map(|(_, op)| op.auth), Some("required"));
        let create = ops
            .iter()
            .find(|(_, op)| op.path == "/api/v1/reports" && op.method == "POST");
        assert_eq!(create.map(|(_, op)| op.auth), Some("optional"));
    }
}
