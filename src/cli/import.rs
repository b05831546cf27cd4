//! `followups import FILE --department UUID`: loads follow-ups from CSV or JSON Lines.
//!
//! The whole file is validated first; only a file without errors is inserted, in one
//! transaction, so a failed import changes nothing.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::ImportArgs;
use crate::domain::create_plan::CreateProblem;
use crate::domain::import::{parse_csv, parse_json_lines, FileFormat, LineError, ParsedFile};
use crate::domain::{CreateOutcome, OpaqueId};
use crate::storage::{CreateBatch, CreateResult, CreatedFollowUp, Store};

/// Runs the import and prints a summary, or every invalid line and an error.
///
/// A file with invalid lines is still checked against the database as a dry run, so that
/// unknown task types and conflicting ids of its valid lines are reported in the same run.
pub async fn import(store: &dyn Store, args: ImportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let format = resolve_format(&args)?;
    let department_uuid = OpaqueId::parse(&args.department)
        .with_context(|| format!("--department {:?} is not a valid id", args.department))?;
    let Some(department) = store.find_department(&department_uuid).await? else {
        bail!("department {department_uuid} not found; check the id, or add the department with `followups department add`");
    };

    let parsed = read_file(&args.file, format)?;
    let mut errors = parsed.errors;
    let lines = parsed.lines;
    let dry_run = !errors.is_empty();
    let spinner = progress_bar(None, if dry_run { "checking" } else { "inserting" });
    let batch = CreateBatch {
        department,
        items: parsed.items,
        author: None,
        now: Utc::now(),
        dry_run,
    };
    let result = store.create_follow_ups(batch).await?;
    spinner.finish_and_clear();

    match result {
        CreateResult::Committed(created) => {
            print_summary(&created, &department_uuid, started.elapsed());
            Ok(())
        }
        CreateResult::Planned(_) => Err(report_invalid(errors)),
        CreateResult::Rejected(problems) => {
            errors.extend(line_errors(&problems, &lines));
            Err(report_invalid(errors))
        }
        CreateResult::UnknownUser => unreachable!("an import has no path user"),
    }
}

fn resolve_format(args: &ImportArgs) -> anyhow::Result<FileFormat> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    FileFormat::from_path(&args.file).with_context(|| {
        format!(
            "cannot tell the format of {} from its extension; name it .csv, .jsonl or .ndjson, \
             or pass --format csv|jsonl",
            args.file.display()
        )
    })
}

/// Parses the file, showing progress by bytes read.
fn read_file(path: &Path, format: FileFormat) -> anyhow::Result<ParsedFile> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).ok();
    let bar = progress_bar(size, "validating");
    let reader = BufReader::with_capacity(1 << 16, bar.wrap_read(file));
    let parsed = match format {
        FileFormat::Csv => parse_csv(reader),
        FileFormat::Jsonl => parse_json_lines(reader),
    };
    bar.finish_and_clear();
    Ok(parsed)
}

/// Creates a bar over `length` bytes, or a spinner without a length. Both stay hidden when standard
/// error is not a terminal, so that logs and pipes get no control sequences.
fn progress_bar(length: Option<u64>, message: &'static str) -> ProgressBar {
    let bar = match length {
        Some(length) => ProgressBar::new(length).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
                .expect("the template is valid")
                .progress_chars("=> "),
        ),
        None => {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        }
    };
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.with_message(message)
}

/// Maps planning problems, which name item positions, to the lines of the file.
fn line_errors(problems: &[CreateProblem], lines: &[u64]) -> Vec<LineError> {
    problems
        .iter()
        .map(|problem| LineError {
            line: lines[problem.index],
            field: problem.field.to_owned(),
            reason: format!("{} (received {:?})", describe(problem, lines), problem.value),
        })
        .collect()
}

/// Explains a problem, naming the first line where the batch refers to an earlier item.
fn describe(problem: &CreateProblem, lines: &[u64]) -> String {
    match problem.kind {
        crate::domain::create_plan::ProblemKind::DuplicateUuid { first_index } => format!(
            "repeats the id of line {}; give each follow-up its own id",
            lines[first_index]
        ),
        _ => problem.reason(),
    }
}

/// Prints every invalid line to standard error, in line order, and returns the error that
/// fails the command.
fn report_invalid(mut errors: Vec<LineError>) -> anyhow::Error {
    errors.sort_by_key(|error| error.line);
    for error in &errors {
        eprintln!("{error}");
    }
    let mut lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    lines.dedup();
    anyhow::anyhow!(
        "no follow-ups were imported: {} line(s) are invalid, as listed above; fix them and run the import again",
        lines.len()
    )
}

fn print_summary(created: &[CreatedFollowUp], department: &OpaqueId, elapsed: Duration) {
    let new = created
        .iter()
        .filter(|c| c.outcome == CreateOutcome::Created)
        .count();
    eprintln!(
        "imported {new} follow-up(s) into department {department} in {:.2} s; {} were already present",
        elapsed.as_secs_f64(),
        created.len() - new
    );
}
