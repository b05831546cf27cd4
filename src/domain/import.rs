//! Parsing an import file, CSV or JSON Lines, into the items that the create endpoint
//! validates, with a report of every invalid line.

use std::io::{BufRead, Read};
use std::path::Path;

use serde::Deserialize;

use super::create::{validate_item, CreateItem, CreateItemInput};
use super::object::duplicate_field_error;
use super::person::PersonInput;
use super::update::ValidationError;

/// The CSV columns, in the order the documentation lists them.
pub const CSV_COLUMNS: [&str; 10] = [
    "uuid",
    "customerUUID",
    "taskTypeUUID",
    "title",
    "notes",
    "dueDate",
    "status",
    "assigneeUUID",
    "assigneeFname",
    "assigneeLname",
];

/// Columns without which no row can be valid.
const REQUIRED_CSV_COLUMNS: [&str; 2] = ["customerUUID", "title"];

/// An import file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line, shaped like an item of the create request.
    Jsonl,
}

impl FileFormat {
    /// Picks the format from the file extension: `.csv`, or `.jsonl` and `.ndjson`.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

/// One problem of an import file: the 1-based line, the column or field, and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

/// The valid items of a file with the line each starts on, and every invalid line.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub items: Vec<CreateItem>,
    /// `lines[i]` is the line of `items[i]`.
    pub lines: Vec<u64>,
    pub errors: Vec<LineError>,
}

impl ParsedFile {
    fn push(
        &mut self,
        line: u64,
        result: Result<CreateItem, Vec<ValidationError>>,
        rename: fn(&str) -> &str,
    ) {
        match result {
            Ok(item) => {
                self.items.push(item);
                self.lines.push(line);
            }
            Err(errors) => self
                .errors
                .extend(errors.into_iter().map(|error| line_error(line, error, rename))),
        }
    }
}

fn line_error(line: u64, error: ValidationError, rename: fn(&str) -> &str) -> LineError {
    let mut reason = error.problem;
    if let Some(value) = error.value {
        reason = format!("{reason} (received {value:?})");
    }
    LineError {
        line,
        field: rename(&error.field).to_owned(),
        reason,
    }
}

/// A CSV row as decoded; empty cells are `None`.
#[derive(Debug, Deserialize)]
struct CsvRow {
    uuid: Option<String>,
    #[serde(rename = "customerUUID")]
    customer_uuid: Option<String>,
    #[serde(rename = "taskTypeUUID")]
    task_type_uuid: Option<String>,
    title: Option<String>,
    notes: Option<String>,
    #[serde(rename = "dueDate")]
    due_date: Option<String>,
    status: Option<String>,
    #[serde(rename = "assigneeUUID")]
    assignee_uuid: Option<String>,
    #[serde(rename = "assigneeFname")]
    assignee_fname: Option<String>,
    #[serde(rename = "assigneeLname")]
    assignee_lname: Option<String>,
}

impl From<CsvRow> for CreateItemInput {
    fn from(row: CsvRow) -> Self {
        let has_assignee =
            row.assignee_uuid.is_some() || row.assignee_fname.is_some() || row.assignee_lname.is_some();
        let assignee = has_assignee.then_some(PersonInput {
            uuid: row.assignee_uuid,
            fname: row.assignee_fname,
            lname: row.assignee_lname,
        });
        Self {
            uuid: row.uuid,
            customer_uuid: row.customer_uuid,
            task_type_uuid: row.task_type_uuid,
            title: row.title,
            notes: row.notes,
            due_date: row.due_date,
            status: row.status,
            assignee,
        }
    }
}

/// Maps an item field name to the CSV column that contains it.
fn csv_column(field: &str) -> &str {
    match field {
        "assignee.uuid" => "assigneeUUID",
        "assignee.fname" => "assigneeFname",
        "assignee.lname" => "assigneeLname",
        other => other,
    }
}

fn same_name(field: &str) -> &str {
    field
}

/// Parses a CSV file with a header row. Cells may be quoted and span lines.
pub fn parse_csv(reader: impl Read) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers = match csv.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            parsed.errors.push(record_error(1, &error));
            return parsed;
        }
    };
    parsed.errors.extend(check_headers(&headers));
    if !parsed.errors.is_empty() {
        return parsed;
    }
    for result in csv.records() {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                parsed.errors.push(record_error(line, &error));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        match record.deserialize::<CsvRow>(Some(&headers)) {
            Ok(row) => parsed.push(line, validate_item(row.into()), csv_column),
            Err(error) => parsed.errors.push(record_error(line, &error)),
        }
    }
    parsed
}

fn record_error(line: u64, error: &csv::Error) -> LineError {
    LineError {
        line,
        field: "row".into(),
        reason: format!("{error}; every row needs one cell per header column, in UTF-8"),
    }
}

fn check_headers(headers: &csv::StringRecord) -> Vec<LineError> {
    let header_error = |field: &str, reason: String| LineError {
        line: 1,
        field: field.to_owned(),
        reason,
    };
    let unknown = headers
        .iter()
        .filter(|name| !CSV_COLUMNS.contains(name))
        .map(|name| {
            header_error(
                name,
                format!("is not a known column; use {}", CSV_COLUMNS.join(", ")),
            )
        });
    let missing = REQUIRED_CSV_COLUMNS
        .iter()
        .filter(|name| !headers.iter().any(|header| header == **name))
        .map(|name| header_error(name, "column is missing from the header row; add it".into()));
    unknown.chain(missing).collect()
}

/// Parses JSON Lines: one object per line, blank lines skipped.
pub fn parse_json_lines(reader: impl BufRead) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    for (index, line) in reader.lines().enumerate() {
        let number = index as u64 + 1;
        let text = match line {
            Ok(text) => text,
            Err(error) => {
                let reason = format!("cannot be read: {error}; save the file as UTF-8");
                parsed.errors.push(LineError {
                    line: number,
                    field: "line".into(),
                    reason,
                });
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        match serde_path_to_error::deserialize::<_, CreateItemInput>(&mut deserializer) {
            Ok(input) => parsed.push(number, validate_item(input), same_name),
            Err(error) => parsed.errors.push(json_line_error(number, &error)),
        }
    }
    parsed
}

fn json_line_error(line: u64, error: &serde_path_to_error::Error<serde_json::Error>) -> LineError {
    let path = error.path().to_string();
    if let Some(duplicate) = duplicate_field_error(&path, error.inner()) {
        return line_error(line, duplicate, same_name);
    }
    LineError {
        line,
        field: path,
        reason: format!("{}; send one JSON object per line", error.inner()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(FileFormat::from_path(Path::new("a.CSV")), Some(FileFormat::Csv));
        assert_eq!(
            FileFormat::from_path(Path::new("a.ndjson")),
            Some(FileFormat::Jsonl)
        );
        assert_eq!(FileFormat::from_path(Path::new("a.txt")), None);
    }

    #[test]
    fn csv_rows_become_items_with_their_lines() {
        let file = "uuid,customerUUID,title,notes,assigneeUUID,assigneeFname\n\
                    a,c1,Call,\"two\nlines\",u1,Jane\n\
                    ,c2,Visit,,,\n";
        let parsed = parse_csv(file.as_bytes());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.lines, [2, 4]);
        assert_eq!(parsed.items[0].notes, "two\nlines");
        assert_eq!(parsed.items[0].assignee.as_ref().unwrap().fname.as_str(), "Jane");
        assert_eq!(parsed.items[1].assignee, None);
        assert_eq!(parsed.items[1].uuid.as_str().len(), 64);
    }

    #[test]
    fn csv_reports_every_bad_line_by_column() {
        let file = "customerUUID,title,dueDate,assigneeFname\n\
                    c1,Call,2026-13-01,\n\
                    c2,,,\n\
                    c3,Call,,Jane\n\
                    c4,Call\n";
        let parsed = parse_csv(file.as_bytes());
        let found: Vec<(u64, &str)> = parsed.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            found,
            [(2, "dueDate"), (3, "title"), (4, "assigneeUUID"), (5, "row")]
        );
        assert!(parsed.items.is_empty());
    }

    #[test]
    fn csv_header_must_name_known_and_required_columns() {
        let parsed = parse_csv("customer,title\nc1,Call\n".as_bytes());
        let fields: Vec<&str> = parsed.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["customer", "customerUUID"]);
        assert!(parsed.errors.iter().all(|e| e.line == 1));
    }

    #[test]
    fn json_lines_report_the_field_path() {
        let file = "{\"customerUUID\":\"c1\",\"title\":\"Call\"}\n\
                    \n\
                    {\"customerUUID\":\"c2\",\"title\":5}\n\
                    not json\n\
                    {\"customerUUID\":\"c3\",\"title\":\"Call\",\"assignee\":{\"uuid\":\"bad id\"}}\n\
                    {\"customerUUID\":\"c4\",\"customerUuid\":\"c4\",\"title\":\"Call\"}\n";
        let parsed = parse_json_lines(file.as_bytes());
        let found: Vec<(u64, &str)> = parsed.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            found,
            [(3, "title"), (4, "."), (5, "assignee.uuid"), (6, "customerUUID")]
        );
        assert!(
            parsed.errors[3].reason.starts_with("is given more than once"),
            "{:?}",
            parsed.errors[3]
        );
        assert_eq!(parsed.lines, [1]);
    }
}
