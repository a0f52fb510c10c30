//! Open311 answers are the same tree in JSON and XML: objects of named fields, lists of
//! like-named items. Handlers build a [`Node`]; [`Node::json`] and [`Node::xml`] write it.
//! XML is written here rather than by a serialiser: the shapes are few and fixed, and the
//! rules that matter are kept in one place — every text escaped, characters XML 1.0 cannot
//! carry dropped, lists as repeated elements even with one item.

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    /// JSON `null`; an empty element in XML.
    Null,
    /// A list; in XML each item is an element named `item`.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
    /// Named fields in order.
    Object(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    /// Text, or null when absent.
    pub fn opt(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Null, |v| Self::Text(v.into()))
    }

    pub fn list(item: &'static str, items: Vec<Node>) -> Self {
        Self::List { item, items }
    }

    pub fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Text(s) => Value::String(s.clone()),
            Self::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Self::Int(i) => Value::from(*i),
            Self::Bool(b) => Value::Bool(*b),
            Self::Null => Value::Null,
            Self::List { items, .. } => Value::Array(items.iter().map(Self::json).collect()),
            Self::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.json()))
                    .collect(),
            ),
        }
    }

    /// The whole document, with `root` as the outermost element.
    pub fn xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.write_xml(root, &mut out);
        out.push('\n');
        out
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        match self {
            Self::Null => {
                let _ = write!(out, "<{name}/>");
            }
            Self::Text(s) => {
                let _ = write!(out, "<{name}>");
                escape_into(s, out);
                let _ = write!(out, "</{name}>");
            }
            Self::Number(n) => {
                let _ = write!(out, "<{name}>{n}</{name}>");
            }
            Self::Int(i) => {
                let _ = write!(out, "<{name}>{i}</{name}>");
            }
            Self::Bool(b) => {
                let _ = write!(out, "<{name}>{b}</{name}>");
            }
            Self::List { item, items } => {
                let _ = write!(out, "<{name}>");
                for i in items {
                    i.write_xml(item, out);
                }
                let _ = write!(out, "</{name}>");
            }
            Self::Object(fields) => {
                let _ = write!(out, "<{name}>");
                for (k, v) in fields {
                    v.write_xml(k, out);
                }
                let _ = write!(out, "</{name}>");
            }
        }
    }
}

/// Escapes text for an XML element; drops characters XML 1.0 forbids (most C0 controls,
/// U+FFFE, U+FFFF), which would make the whole document unreadable.
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tree_two_formats() {
        let tree = Node::list(
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::text("2026-000001")),
                (
                    "description",
                    Node::text("Dziura <duża> & \"głęboka\"\u{1}"),
                ),
                ("lat", Node::Number(50.0617)),
                ("media_url", Node::Null),
                ("metadata", Node::Bool(true)),
            ])],
        );
        assert_eq!(
            tree.json().to_string(),
            r#"[{"description":"Dziura <duża> & \"głęboka\"\u0001","lat":50.0617,"media_url":null,"metadata":true,"service_request_id":"2026-000001"}]"#
        );
        assert_eq!(
            tree.xml("service_requests"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>\
             <service_request_id>2026-000001</service_request_id>\
             <description>Dziura &lt;duża&gt; &amp; &quot;głęboka&quot;</description>\
             <lat>50.0617</lat><media_url/><metadata>true</metadata></request></service_requests>\n"
        );
        assert_eq!(
            Node::list("request", vec![]).xml("service_requests"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests></service_requests>\n"
        );
    }
}
