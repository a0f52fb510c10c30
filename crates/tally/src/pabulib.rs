//! The Pabulib `.pb` format (<https://pabulib.org/format>): three sections, `META`
//! (`key;value`), `PROJECTS` and `VOTES`, each a header line and `;`-separated rows with
//! CSV quoting. Files in the wild have CRLF line endings, quoted fields with doubled quotes,
//! a byte-order mark, decimal budgets and string project ids such as `BO.OM.97/24`; all of
//! them read, and [`write`] writes what was read, column for column.

use crate::{Amount, Ballot, Election, Project, VoteType};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Why a file could not be read, with the line it was found on (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// One record: its fields and the line it starts on.
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

fn records(text: &str) -> Result<Vec<Record>, ParseError> {
    delimited(text, ';')
}

/// Splits the text into records: `delimiter` (`;` in Pabulib files, `,` in CSV) between fields, `"` quoting (a doubled `""` inside
/// quotes is one quote), a line break inside quotes belongs to the field, `\r\n` and `\n`
/// both end a record, blank lines are skipped.
pub fn delimited(text: &str, delimiter: char) -> Result<Vec<Record>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut blank = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                blank = false;
            }
            c if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                blank = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if !blank || !field.trim().is_empty() {
                    fields.push(std::mem::take(&mut field));
                    out.push(Record {
                        line: start,
                        fields: std::mem::take(&mut fields),
                    });
                }
                field.clear();
                blank = true;
                line += 1;
                start = line;
            }
            _ => {
                field.push(c);
                if !c.is_whitespace() {
                    blank = false;
                }
            }
        }
    }
    if quoted {
        return Err(error(start, "a quoted field is not closed"));
    }
    if !blank || !field.trim().is_empty() {
        fields.push(field);
        out.push(Record {
            line: start,
            fields,
        });
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Meta,
    Projects,
    Votes,
}

fn section(record: &Record) -> Option<Section> {
    if record.fields.len() != 1 {
        return None;
    }
    match record.fields[0].trim().to_ascii_uppercase().as_str() {
        "META" => Some(Section::Meta),
        "PROJECTS" => Some(Section::Projects),
        "VOTES" => Some(Section::Votes),
        _ => None,
    }
}

/// Reads a `.pb` file's text.
pub fn parse(text: &str) -> Result<Election, ParseError> {
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut project_columns: Vec<String> = Vec::new();
    let mut vote_columns: Vec<String> = Vec::new();
    let mut project_rows: Vec<Record> = Vec::new();
    let mut vote_rows: Vec<Record> = Vec::new();
    let mut current: Option<Section> = None;
    let mut header_pending = false;
    for record in records(text)? {
        if let Some(s) = section(&record) {
            current = Some(s);
            header_pending = true;
            continue;
        }
        let line = record.line;
        let Some(s) = current else {
            return Err(error(line, "the file must begin with META"));
        };
        if header_pending {
            header_pending = false;
            let columns: Vec<String> = record
                .fields
                .iter()
                .map(|f| f.trim().to_ascii_lowercase())
                .collect();
            match s {
                Section::Meta => {}
                Section::Projects => project_columns = columns,
                Section::Votes => vote_columns = columns,
            }
            continue;
        }
        match s {
            Section::Meta => {
                let mut fields = record.fields.into_iter();
                let key = fields.next().unwrap_or_default().trim().to_owned();
                let value = fields.collect::<Vec<_>>().join(";").trim().to_owned();
                meta.push((key, value));
            }
            Section::Projects => project_rows.push(record),
            Section::Votes => vote_rows.push(record),
        }
    }
    let get = |key: &str| {
        meta.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    let budget = get("budget")
        .ok_or_else(|| error(1, "META has no budget"))
        .and_then(|b| Amount::parse(b).map_err(|m| error(1, format!("budget: {m}"))))?;
    let vote_type = match get("vote_type") {
        None => VoteType::Approval,
        Some(v) => VoteType::parse(v).ok_or_else(|| error(1, format!("unknown vote_type {v}")))?,
    };
    let column = |columns: &[String], name: &str, section: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| error(1, format!("{section} has no {name} column")))
    };
    let id_col = column(&project_columns, "project_id", "PROJECTS")?;
    let cost_col = column(&project_columns, "cost", "PROJECTS")?;
    let mut projects = Vec::with_capacity(project_rows.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(project_rows.len());
    for row in project_rows {
        let fields = pad(row.fields, project_columns.len(), row.line)?;
        let id = fields[id_col].trim().to_owned();
        if id.is_empty() {
            return Err(error(row.line, "a project without an id"));
        }
        let cost = Amount::parse(&fields[cost_col])
            .map_err(|m| error(row.line, format!("cost of {id}: {m}")))?;
        if index.insert(id.clone(), projects.len()).is_some() {
            return Err(error(row.line, format!("project {id} appears twice")));
        }
        projects.push(Project { id, cost, fields });
    }
    let voter_col = column(&vote_columns, "voter_id", "VOTES")?;
    let vote_col = column(&vote_columns, "vote", "VOTES")?;
    let points_col = vote_columns.iter().position(|c| c == "points");
    let mut ballots = Vec::with_capacity(vote_rows.len());
    for row in vote_rows {
        let fields = pad(row.fields, vote_columns.len(), row.line)?;
        let mut choices = Vec::new();
        for id in fields[vote_col].split(',').map(str::trim) {
            if id.is_empty() {
                continue;
            }
            let Some(&p) = index.get(id) else {
                return Err(error(row.line, format!("vote for unknown project {id}")));
            };
            if choices.contains(&p) {
                return Err(error(row.line, format!("project {id} twice on one ballot")));
            }
            choices.push(p);
        }
        let points = match points_col {
            Some(col) if !fields[col].trim().is_empty() => {
                let points = fields[col]
                    .split(',')
                    .map(|p| p.trim().parse::<u64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| error(row.line, "points must be whole numbers"))?;
                if points.len() != choices.len() {
                    return Err(error(row.line, "as many points as projects voted for"));
                }
                Some(points)
            }
            _ => None,
        };
        ballots.push(Ballot {
            voter_id: fields[voter_col].trim().to_owned(),
            choices,
            points,
            fields,
        });
    }
    Ok(Election {
        meta,
        budget,
        vote_type,
        project_columns,
        projects,
        vote_columns,
        ballots,
    })
}

/// A row with as many fields as the header names (missing trailing fields are empty).
fn pad(mut fields: Vec<String>, columns: usize, line: usize) -> Result<Vec<String>, ParseError> {
    if fields.len() > columns {
        return Err(error(
            line,
            format!("{} fields where the header names {columns}", fields.len()),
        ));
    }
    fields.resize(columns, String::new());
    Ok(fields)
}

/// A field as the format writes it: quoted when it holds `;`, `"` or a line break.
fn field(out: &mut String, value: &str) {
    if value.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn row<'a>(out: &mut String, values: impl IntoIterator<Item = &'a str>) {
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        field(out, v);
    }
    out.push('\n');
}

/// Writes an election in the format: every META entry, every project and ballot column as
/// read, with the ballot's choices and points in the `vote` and `points` columns.
pub fn write(e: &Election) -> String {
    let mut out = String::new();
    out.push_str("META\nkey;value\n");
    for (k, v) in &e.meta {
        row(&mut out, [k.as_str(), v.as_str()]);
    }
    out.push_str("PROJECTS\n");
    row(&mut out, e.project_columns.iter().map(String::as_str));
    for p in &e.projects {
        row(&mut out, p.fields.iter().map(String::as_str));
    }
    out.push_str("VOTES\n");
    row(&mut out, e.vote_columns.iter().map(String::as_str));
    let vote_col = e.vote_columns.iter().position(|c| c == "vote");
    let points_col = e.vote_columns.iter().position(|c| c == "points");
    for b in &e.ballots {
        let mut fields = b.fields.clone();
        if let Some(col) = vote_col {
            fields[col] = b
                .choices
                .iter()
                .map(|&p| e.projects[p].id.as_str())
                .collect::<Vec<_>>()
                .join(",");
        }
        if let (Some(col), Some(points)) = (points_col, &b.points) {
            let mut text = String::new();
            for (i, p) in points.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                let _ = write!(text, "{p}");
            }
            fields[col] = text;
        }
        row(&mut out, fields.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "META\r\nkey;value\r\ndescription;\"Test; with semicolon\"\r\n\
        budget;100.50\r\nvote_type;ordinal\r\nmax_length;3\r\n\
        PROJECTS\r\nproject_id;cost;votes;name;selected\r\n\
        BO.OM.1/24;50;2;\"\"\"Szopka\"\"\";1\r\nBO.OM.2/24;60.25;1;Park;0\r\n\
        VOTES\r\nvoter_id;vote\r\n1;BO.OM.2/24,BO.OM.1/24\r\n2;BO.OM.1/24\r\n";

    #[test]
    fn reads_crlf_quotes_decimal_budgets_and_string_ids() -> Result<(), ParseError> {
        let e = parse(SMALL)?;
        assert_eq!(e.budget, Amount::from_hundredths(10_050));
        assert_eq!(e.vote_type, VoteType::Ordinal);
        assert_eq!(e.meta[0].1, "Test; with semicolon");
        assert_eq!(e.projects[0].id, "BO.OM.1/24");
        assert_eq!(e.projects[0].fields[3], "\"Szopka\"");
        assert_eq!(e.projects[1].cost, Amount::from_hundredths(6_025));
        assert_eq!(e.ballots[0].choices, [1, 0]);
        assert_eq!(e.ballots[1].choices, [0]);
        assert_eq!(e.selected(), Some(vec![0]));
        Ok(())
    }

    #[test]
    fn writes_what_it_read() -> Result<(), ParseError> {
        let e = parse(SMALL)?;
        let again = parse(&write(&e))?;
        assert_eq!(again, e);
        Ok(())
    }

    #[test]
    fn names_the_line_of_a_mistake() {
        let unknown = SMALL.replace("2;BO.OM.1/24", "2;BO.OM.9/24");
        let e = parse(&unknown).unwrap_err();
        assert_eq!(e.line, 14);
        assert!(e.message.contains("BO.OM.9/24"), "{e}");
        let bad_cost = SMALL.replace("60.25", "sixty");
        assert_eq!(parse(&bad_cost).unwrap_err().line, 10);
        assert!(parse("PROJECTS\nproject_id;cost\n").is_err());
        assert!(parse("META\nkey;value\nbudget;\"10\n").is_err());
    }
}
