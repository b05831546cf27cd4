//! `followups import` run as a process against a temporary SQLite file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use followups::domain::{FollowUpStatus, OpaqueId};
use followups::storage::{self, FollowUp, StoreOptions};
use tempfile::TempDir;

const DEALER: &str = "dealer-1";
const DEPARTMENT: &str = "department-1";
const TASK_TYPE: &str = "declined-service";

/// A database file with one dealer and department, and a folder for import files.
struct Workspace {
    dir: TempDir,
    database_url: String,
}

impl Workspace {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite:{}", dir.path().join("followups.db").display());
        let workspace = Self { dir, database_url };
        let setup: [&[&str]; 2] = [
            &[
                "dealer",
                "add",
                "--name",
                "Sunrise",
                "--time-zone",
                "America/Los_Angeles",
                "--uuid",
                DEALER,
            ],
            &[
                "department",
                "add",
                "--dealer",
                DEALER,
                "--name",
                "Service",
                "--uuid",
                DEPARTMENT,
            ],
        ];
        for args in setup {
            let output = workspace.run(args);
            assert!(output.status.success(), "{}", stderr(&output));
        }
        let store = workspace.store().await;
        let task_type = storage::NewTaskType {
            uuid: OpaqueId::parse(TASK_TYPE).unwrap(),
            dealer_uuid: OpaqueId::parse(DEALER).unwrap(),
            name: "Declined service".into(),
            description: String::new(),
        };
        store.create_task_type(task_type).await.unwrap();
        workspace
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_followups"))
            .arg("--database-url")
            .arg(&self.database_url)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn import(&self, file: &Path, extra: &[&str]) -> Output {
        let file = file.to_str().unwrap();
        let mut args = vec!["import", file, "--department", DEPARTMENT];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    async fn store(&self) -> std::sync::Arc<dyn storage::Store> {
        storage::open(&self.database_url, &StoreOptions::default())
            .await
            .unwrap()
    }

    async fn find(&self, uuid: &str) -> Option<FollowUp> {
        let department = OpaqueId::parse(DEPARTMENT).unwrap();
        let uuid = OpaqueId::parse(uuid).unwrap();
        self.store()
            .await
            .find_follow_up(&department, &uuid)
            .await
            .unwrap()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const VALID_CSV: &str = "\
uuid,customerUUID,taskTypeUUID,title,notes,dueDate,status,assigneeUUID,assigneeFname,assigneeLname
fu-1,customer-1,declined-service,Call about brakes,\"Asked for a quote,
twice\",2026-05-01,SCHEDULED,user-7,Jane,Smith
fu-2,customer-2,,Check satisfaction,,,,,,
";

#[tokio::test]
async fn valid_csv_is_imported() {
    let workspace = Workspace::new().await;
    let file = workspace.write("follow-ups.csv", VALID_CSV);

    let output = workspace.import(&file, &[]);

    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(message.contains("imported 2 follow-up(s)"), "{message}");
    let first = workspace.find("fu-1").await.unwrap();
    assert_eq!(first.notes, "Asked for a quote,\ntwice");
    assert_eq!(first.due_date.to_string(), "2026-05-01");
    assert_eq!(first.state.status, FollowUpStatus::Scheduled);
    assert_eq!(first.task_type_uuid.unwrap().as_str(), TASK_TYPE);
    assert_eq!(first.state.assignee.unwrap().lname.as_str(), "Smith");
    let second = workspace.find("fu-2").await.unwrap();
    assert_eq!(second.state.status, FollowUpStatus::NotStarted);
    assert_eq!(second.state.version, 1);
}

#[tokio::test]
async fn repeated_import_changes_nothing() {
    let workspace = Workspace::new().await;
    let file = workspace.write("follow-ups.csv", VALID_CSV);
    assert!(workspace.import(&file, &[]).status.success());

    let output = workspace.import(&file, &[]);

    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(message.contains("imported 0 follow-up(s)"), "{message}");
    assert!(message.contains("2 were already present"), "{message}");
}

#[tokio::test]
async fn json_lines_are_imported_with_format_flag() {
    let workspace = Workspace::new().await;
    let contents = "{\"uuid\":\"fu-1\",\"customerUUID\":\"c1\",\"title\":\"Call\",\"assignee\":{\"uuid\":\"u1\"}}\n\
                    \n\
                    {\"uuid\":\"fu-2\",\"customerUuid\":\"c2\",\"title\":\"Visit\",\"status\":\"COMPLETE\"}\n";
    let file = workspace.write("follow-ups.txt", contents);

    let output = workspace.import(&file, &["--format", "jsonl"]);

    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        workspace
            .find("fu-1")
            .await
            .unwrap()
            .state
            .assignee
            .unwrap()
            .uuid
            .as_str(),
        "u1"
    );
    let second = workspace.find("fu-2").await.unwrap();
    assert_eq!(second.customer_uuid.as_deref(), Some("c2"));
    assert_eq!(second.state.status, FollowUpStatus::Complete);
}

#[tokio::test]
async fn unknown_extension_needs_format() {
    let workspace = Workspace::new().await;
    let file = workspace.write("follow-ups.txt", VALID_CSV);

    let output = workspace.import(&file, &[]);

    assert!(!output.status.success());
    assert!(stderr(&output).contains("--format"), "{}", stderr(&output));
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_imported() {
    let workspace = Workspace::new().await;
    let contents = "\
uuid,customerUUID,taskTypeUUID,title,dueDate,status
fu-1,customer-1,,Valid row,2026-05-01,
fu-2,customer-2,,Bad date,2026-02-30,
fu-8,customer-8,,Year 0,0000-01-01,
fu-3,,,Missing customer,,
fu-4,customer-4,no-such-type,Unknown task type,,
fu-5,customer-5,,Bad status,,DONE
fu-1,customer-6,,Repeated id,,
";
    let file = workspace.write("follow-ups.csv", contents);

    let output = workspace.import(&file, &[]);

    let message = stderr(&output);
    assert!(!output.status.success(), "{message}");
    assert!(message.contains("line 3: dueDate:"), "{message}");
    assert!(
        message.contains("line 4: dueDate: is not a calendar date from 0001-01-01 to 9999-12-31"),
        "{message}"
    );
    assert!(message.contains("line 5: customerUUID:"), "{message}");
    assert!(message.contains("line 6: taskTypeUUID:"), "{message}");
    assert!(message.contains("line 7: status:"), "{message}");
    assert!(
        message.contains("line 8: uuid: repeats the id of line 2"),
        "{message}"
    );
    assert!(message.contains("6 line(s) are invalid"), "{message}");
    assert!(workspace.find("fu-1").await.is_none());
}

#[tokio::test]
async fn store_problems_are_reported_by_line() {
    let workspace = Workspace::new().await;
    let contents = "\
uuid,customerUUID,taskTypeUUID,title
fu-1,customer-1,,Valid row
fu-2,customer-2,no-such-type,Unknown task type
fu-1,customer-3,,Repeated id
";
    let file = workspace.write("follow-ups.csv", contents);

    let output = workspace.import(&file, &[]);

    let message = stderr(&output);
    assert!(!output.status.success(), "{message}");
    assert!(message.contains("line 3: taskTypeUUID:"), "{message}");
    assert!(
        message.contains("line 4: uuid: repeats the id of line 2"),
        "{message}"
    );
    assert!(workspace.find("fu-1").await.is_none());
}

#[tokio::test]
async fn import_of_100000_rows() {
    let workspace = Workspace::new().await;
    let mut contents = String::from("uuid,customerUUID,taskTypeUUID,title,notes,dueDate,status\n");
    for i in 0..100_000 {
        let task_type = if i % 2 == 0 { TASK_TYPE } else { "" };
        writeln!(
            contents,
            "fu-{i},customer-{i},{task_type},Call customer {i},Row {i},2026-06-01,NOT_STARTED"
        )
        .unwrap();
    }
    let file = workspace.write("large.csv", &contents);

    let output = workspace.import(&file, &[]);

    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(message.contains("imported 100000 follow-up(s)"), "{message}");
    let last = workspace.find("fu-99999").await.unwrap();
    assert_eq!(last.title, "Call customer 99999");
    let again = workspace.import(&file, &[]);
    assert!(
        stderr(&again).contains("100000 were already present"),
        "{}",
        stderr(&again)
    );
}
