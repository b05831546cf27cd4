//! Malformed requests to every endpoint. Each field is sent missing, null, of the wrong type,
//! empty or oversized, and bodies, encodings, headers, path ids and methods are broken too.
//! Every request gets a 4xx envelope that names the problem, and the database stays unchanged.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use followups::storage::NewTaskType;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;
use crate::snapshot::DealerSnapshot;

const FOLLOW_UPS: [&str; 2] = ["malformed-1", "malformed-2"];
const TASK_TYPE: &str = "malformed-task-type";

/// The endpoints that take a JSON body, each with a valid base body to break.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Update,
    Create,
    Fetch,
    TaskType,
    Template,
}

impl Endpoint {
    const ALL: [Endpoint; 5] = [
        Endpoint::Update,
        Endpoint::Create,
        Endpoint::Fetch,
        Endpoint::TaskType,
        Endpoint::Template,
    ];

    fn method(self) -> Method {
        match self {
            Endpoint::Update => Method::PUT,
            _ => Method::POST,
        }
    }

    fn path(self) -> String {
        let f = &FIXTURE;
        match self {
            Endpoint::Update => format!("/leads/followup/department/{}/user/{}/list", f.dept_a1, f.user),
            Endpoint::Create => format!("/leads/followup/department/{}/user/{}", f.dept_a1, f.user),
            Endpoint::Fetch => format!("/leads/followup/dealer/{}/list", f.dealer_a),
            Endpoint::TaskType => format!("/leads/followup/dealer/{}/tasktype", f.dealer_a),
            Endpoint::Template => format!("/leads/followup/dealer/{}/template", f.dealer_a),
        }
    }

    /// Returns a body that the endpoint accepts. The update and the creates would change the
    /// database.
    fn base_body(self) -> Value {
        match self {
            Endpoint::Update => assign_body(&FOLLOW_UPS, "agent-7"),
            Endpoint::Create => json!({
                "followUps": [{
                    "uuid": "malformed-new",
                    "customerUUID": "customer-1",
                    "taskTypeUUID": TASK_TYPE,
                    "title": "Call about declined brake work",
                    "notes": "Quoted front pads",
                    "dueDate": "2030-04-30",
                    "status": "NOT_STARTED",
                    "assignee": {"uuid": "agent-7", "fname": "Jane", "lname": "Smith"}
                }]
            }),
            Endpoint::Fetch => json!({
                "dealerDepartmentUUID": FIXTURE.dept_a1,
                "entriesToBeSkipped": 0,
                "entriesLimitToBeFetched": 10,
                "filterData": {"statuses": ["NOT_STARTED"], "includeArchived": false}
            }),
            Endpoint::TaskType => json!({
                "uuid": "malformed-new-task-type",
                "name": "Declined service",
                "description": "Work the customer declined"
            }),
            Endpoint::Template => json!({
                "uuid": "malformed-template",
                "dealerUUID": FIXTURE.dealer_a,
                "taskTypeUUID": TASK_TYPE,
                "type": "EMAIL",
                "isDefault": true,
                "multi": false,
                "title": "Follow-up for Declined Service",
                "message": "Dear ${customerName}, we noticed you declined some service.",
                "locale": "en-us",
                "isFreemarkerTemplate": true
            }),
        }
    }
}

/// One malformed request and the response it must get.
struct Case {
    name: String,
    method: Method,
    /// Path and query, starting with `/`.
    path: String,
    /// Request headers; `None` sends valid credentials and `Content-Type: application/json`.
    headers: Option<Vec<(&'static str, HeaderValue)>>,
    body: Vec<u8>,
    expected: StatusCode,
    code: &'static str,
    /// Text the error description must contain: the field, parameter or header at fault.
    mentions: Option<String>,
}

fn basic(credentials: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(credentials))).unwrap()
}

fn valid_authorization() -> HeaderValue {
    basic(format!("{USERNAME}:{PASSWORD}").as_bytes())
}

fn json_content_type() -> HeaderValue {
    HeaderValue::from_static("application/json")
}

/// Builds a case that sends `body` with the default headers.
fn body_case(
    endpoint: Endpoint,
    name: &str,
    body: impl Into<Vec<u8>>,
    expected: StatusCode,
    code: &'static str,
    mentions: Option<&str>,
) -> Case {
    Case {
        name: format!("{endpoint:?}: {name}"),
        method: endpoint.method(),
        path: endpoint.path(),
        headers: None,
        body: body.into(),
        expected,
        code,
        mentions: mentions.map(str::to_owned),
    }
}

/// Builds a case that expects 400 `INVALID_REQUEST_DATA` for the base body with the value at
/// `pointer` replaced, or removed when `replacement` is `None`.
fn field_case(
    endpoint: Endpoint,
    pointer: &str,
    label: &str,
    replacement: Option<Value>,
    field: &str,
) -> Case {
    let mut body = endpoint.base_body();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = body
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{endpoint:?}: the base body has {pointer}"));
    match (parent, replacement) {
        (Value::Object(object), None) => {
            object.remove(key);
        }
        (Value::Object(object), Some(value)) => {
            object.insert(key.to_owned(), value);
        }
        (Value::Array(items), Some(value)) => {
            items[key.parse::<usize>().unwrap()] = value;
        }
        (other, _) => panic!("{endpoint:?}: cannot change {pointer} in {other}"),
    }
    body_case(
        endpoint,
        &format!("{field} {label}"),
        body.to_string(),
        StatusCode::BAD_REQUEST,
        "INVALID_REQUEST_DATA",
        Some(field),
    )
}

/// The variants of one field: a label and the replacement (`None` removes the field).
type Variants = Vec<(&'static str, Option<Value>)>;

fn missing_and_null() -> Variants {
    vec![("missing", None), ("null", Some(Value::Null))]
}

/// Invalid forms of an id: wrong type, empty, too long, NUL, a control character, a space.
fn bad_ids() -> Variants {
    vec![
        ("of wrong type", Some(json!(7))),
        ("empty", Some(json!(""))),
        ("oversized", Some(json!("i".repeat(129)))),
        ("with NUL", Some(json!("id\u{0}1"))),
        ("with escape character", Some(json!("id\u{1b}1"))),
        ("with space", Some(json!("id 1"))),
    ]
}

/// Invalid forms of a single-line text of at most `max` characters.
fn bad_line(max: usize) -> Variants {
    vec![
        ("of wrong type", Some(json!(["text"]))),
        ("empty", Some(json!(""))),
        ("blank", Some(json!("   "))),
        ("oversized", Some(json!("t".repeat(max + 1)))),
        ("with control character", Some(json!("line\u{7}bell"))),
    ]
}

fn with(mut base: Variants, more: Variants) -> Variants {
    base.extend(more);
    base
}

fn field_cases() -> Vec<Case> {
    use Endpoint::*;
    let person_name = || -> Variants {
        vec![
            ("of wrong type", Some(json!(7))),
            ("oversized", Some(json!("n".repeat(101)))),
            ("with newline", Some(json!("Jane\nSmith"))),
        ]
    };
    let person = || -> Variants {
        vec![
            ("of wrong type", Some(json!("agent-7"))),
            ("empty", Some(json!({}))),
            ("an array", Some(json!([{"uuid": "agent-7"}]))),
        ]
    };
    let fields: Vec<(Endpoint, &str, &str, Variants)> = vec![
        (
            Update,
            "/followUpUUIDs",
            "followUpUUIDs",
            with(
                missing_and_null(),
                vec![
                    ("of wrong type", Some(json!("malformed-1"))),
                    ("empty", Some(json!([]))),
                    ("an object", Some(json!({"0": "malformed-1"}))),
                    (
                        "oversized",
                        Some(json!((0..1001).map(|i| format!("id-{i}")).collect::<Vec<_>>())),
                    ),
                ],
            ),
        ),
        (Update, "/followUpUUIDs/0", "followUpUUIDs[0]", bad_ids()),
        (
            Update,
            "/followUpActionType",
            "followUpActionType",
            with(
                missing_and_null(),
                vec![
                    ("of wrong type", Some(json!(1))),
                    ("empty", Some(json!(""))),
                    ("in lower case", Some(json!("assign"))),
                    ("oversized", Some(json!("A".repeat(10_000)))),
                ],
            ),
        ),
        (
            Update,
            "/newAssignee",
            "newAssignee",
            with(missing_and_null(), person()),
        ),
        (
            Update,
            "/newAssignee/uuid",
            "newAssignee.uuid",
            with(missing_and_null(), bad_ids()),
        ),
        (Update, "/newAssignee/fname", "newAssignee.fname", person_name()),
        (
            Update,
            "/actionTakenBy",
            "actionTakenBy",
            with(missing_and_null(), person()),
        ),
        (
            Update,
            "/actionTakenBy/uuid",
            "actionTakenBy.uuid",
            with(missing_and_null(), bad_ids()),
        ),
        (
            Update,
            "/actionTakenBy/lname",
            "actionTakenBy.lname",
            person_name(),
        ),
        (
            Create,
            "/followUps",
            "followUps",
            with(
                missing_and_null(),
                vec![
                    ("of wrong type", Some(json!("follow-up"))),
                    ("empty", Some(json!([]))),
                    (
                        "oversized",
                        Some(json!((0..1001)
                            .map(|_| json!({"customerUUID": "c", "title": "t"}))
                            .collect::<Vec<_>>())),
                    ),
                ],
            ),
        ),
        (
            Create,
            "/followUps/0",
            "followUps[0]",
            vec![("null", Some(Value::Null)), ("of wrong type", Some(json!(7)))],
        ),
        (Create, "/followUps/0/uuid", "followUps[0].uuid", bad_ids()),
        (
            Create,
            "/followUps/0/customerUUID",
            "followUps[0].customerUUID",
            with(missing_and_null(), bad_ids()),
        ),
        (
            Create,
            "/followUps/0/taskTypeUUID",
            "followUps[0].taskTypeUUID",
            vec![
                ("of wrong type", Some(json!(7))),
                ("oversized", Some(json!("t".repeat(129)))),
                ("with NUL", Some(json!("tt\u{0}"))),
                ("unknown", Some(json!("no-such-task-type"))),
            ],
        ),
        (
            Create,
            "/followUps/0/title",
            "followUps[0].title",
            with(missing_and_null(), bad_line(200)),
        ),
        (
            Create,
            "/followUps/0/notes",
            "followUps[0].notes",
            vec![
                ("of wrong type", Some(json!(7))),
                ("oversized", Some(json!("n".repeat(2001)))),
                ("with NUL", Some(json!("before\u{0}after"))),
            ],
        ),
        (
            Create,
            "/followUps/0/dueDate",
            "followUps[0].dueDate",
            vec![
                ("of wrong type", Some(json!(20300430))),
                ("empty", Some(json!(""))),
                ("out of range", Some(json!("2030-13-01"))),
                ("not a calendar date", Some(json!("2030-02-30"))),
                ("in another format", Some(json!("30/04/2030"))),
                ("oversized", Some(json!("2".repeat(10_000)))),
            ],
        ),
        (
            Create,
            "/followUps/0/status",
            "followUps[0].status",
            vec![
                ("of wrong type", Some(json!(true))),
                ("empty", Some(json!(""))),
                ("unknown", Some(json!("DONE"))),
            ],
        ),
        (Create, "/followUps/0/assignee", "followUps[0].assignee", person()),
        (
            Create,
            "/followUps/0/assignee/uuid",
            "followUps[0].assignee.uuid",
            vec![
                ("missing", None),
                ("of wrong type", Some(json!(7))),
                ("with NUL", Some(json!("a\u{0}"))),
            ],
        ),
        (
            Create,
            "/followUps/0/assignee/fname",
            "followUps[0].assignee.fname",
            person_name(),
        ),
        (
            Fetch,
            "/dealerDepartmentUUID",
            "dealerDepartmentUUID",
            vec![
                ("of wrong type", Some(json!(7))),
                ("oversized", Some(json!("d".repeat(129)))),
                ("with NUL", Some(json!("department\u{0}a1"))),
                ("with space", Some(json!("department a1"))),
                ("unknown", Some(json!("no-such-department"))),
            ],
        ),
        (
            Fetch,
            "/entriesToBeSkipped",
            "entriesToBeSkipped",
            vec![
                ("negative", Some(json!(-1))),
                ("of wrong type", Some(json!("5"))),
                ("fractional", Some(json!(1.5))),
                ("oversized", Some(json!(1e30))),
            ],
        ),
        (
            Fetch,
            "/entriesLimitToBeFetched",
            "entriesLimitToBeFetched",
            vec![
                ("zero", Some(json!(0))),
                ("negative", Some(json!(-5))),
                ("of wrong type", Some(json!([10]))),
            ],
        ),
        (
            Fetch,
            "/filterData",
            "filterData",
            vec![
                ("of wrong type", Some(json!("NOT_STARTED"))),
                ("an array", Some(json!([]))),
            ],
        ),
        (
            Fetch,
            "/filterData/statuses",
            "filterData.statuses",
            vec![
                ("of wrong type", Some(json!("NOT_STARTED"))),
                ("oversized", Some(json!(vec!["NOT_STARTED"; 101]))),
            ],
        ),
        (
            Fetch,
            "/filterData/statuses/0",
            "filterData.statuses",
            vec![
                ("with a value of wrong type", Some(json!(1))),
                ("with an unknown value", Some(json!("DONE"))),
            ],
        ),
        (
            Fetch,
            "/filterData/taskTypeUUIDs",
            "filterData.taskTypeUUIDs",
            vec![("of wrong type", Some(json!({"uuid": "tt"})))],
        ),
        (
            Fetch,
            "/filterData/customerUUIDs",
            "filterData.customerUUIDs",
            vec![("with an invalid id", Some(json!(["customer\u{0}1"])))],
        ),
        (
            Fetch,
            "/filterData/assigneeUUIDs",
            "filterData.assigneeUUIDs",
            vec![
                ("of wrong type", Some(json!(7))),
                ("oversized", Some(json!(vec!["agent-7"; 101]))),
            ],
        ),
        (
            Fetch,
            "/filterData/unassigned",
            "filterData.unassigned",
            vec![("of wrong type", Some(json!("true")))],
        ),
        (
            Fetch,
            "/filterData/dueDateTo",
            "filterData.dueDateTo",
            vec![("of wrong type", Some(json!([]))), ("empty", Some(json!("")))],
        ),
        (
            Fetch,
            "/filterData/includeArchived",
            "filterData.includeArchived",
            vec![
                ("of wrong type", Some(json!("true"))),
                ("a number", Some(json!(1))),
            ],
        ),
        (
            Fetch,
            "/filterData/overdue",
            "filterData.overdue",
            vec![("of wrong type", Some(json!("yes")))],
        ),
        (
            Fetch,
            "/filterData/dueDateFrom",
            "filterData.dueDateFrom",
            vec![
                ("of wrong type", Some(json!(2030))),
                ("out of range", Some(json!("2030-00-10"))),
            ],
        ),
        (
            Fetch,
            "/pageToken",
            "pageToken",
            vec![
                ("of wrong type", Some(json!(7))),
                ("garbage", Some(json!("%%%not-a-token%%%"))),
                ("oversized", Some(json!("A".repeat(10_000)))),
            ],
        ),
        (
            TaskType,
            "/uuid",
            "uuid",
            vec![
                ("of wrong type", Some(json!(7))),
                ("oversized", Some(json!("u".repeat(129)))),
                ("with NUL", Some(json!("task\u{0}type"))),
            ],
        ),
        (TaskType, "/name", "name", with(missing_and_null(), bad_line(100))),
        (
            TaskType,
            "/description",
            "description",
            vec![
                ("of wrong type", Some(json!(false))),
                ("oversized", Some(json!("d".repeat(1001)))),
                ("with NUL", Some(json!("before\u{0}after"))),
            ],
        ),
        (
            Template,
            "/uuid",
            "uuid",
            vec![
                ("with space", Some(json!("template 1"))),
                ("oversized", Some(json!("u".repeat(129)))),
            ],
        ),
        (
            Template,
            "/dealerUUID",
            "dealerUUID",
            vec![
                ("of wrong type", Some(json!(7))),
                ("of another dealer", Some(json!(FIXTURE.dealer_b))),
                ("with NUL", Some(json!("dealer-a\u{0}"))),
            ],
        ),
        (
            Template,
            "/taskTypeUUID",
            "taskTypeUUID",
            with(
                missing_and_null(),
                vec![
                    ("of wrong type", Some(json!(7))),
                    ("empty", Some(json!(""))),
                    ("unknown", Some(json!("no-such-task-type"))),
                ],
            ),
        ),
        (
            Template,
            "/type",
            "type",
            with(
                missing_and_null(),
                vec![
                    ("of wrong type", Some(json!(1))),
                    ("in lower case", Some(json!("email"))),
                    ("unknown", Some(json!("FAX"))),
                ],
            ),
        ),
        (
            Template,
            "/isDefault",
            "isDefault",
            vec![("a string", Some(json!("true"))), ("a number", Some(json!(1)))],
        ),
        (Template, "/multi", "multi", vec![("a string", Some(json!("no")))]),
        (
            Template,
            "/isFreemarkerTemplate",
            "isFreemarkerTemplate",
            vec![("a number", Some(json!(0)))],
        ),
        (
            Template,
            "/title",
            "title",
            with(missing_and_null(), bad_line(200)),
        ),
        (
            Template,
            "/message",
            "message",
            with(
                missing_and_null(),
                vec![
                    ("empty", Some(json!(""))),
                    ("oversized", Some(json!("m".repeat(10_001)))),
                ],
            ),
        ),
        (
            Template,
            "/locale",
            "locale",
            with(
                missing_and_null(),
                vec![
                    ("in upper case", Some(json!("EN-US"))),
                    ("unknown", Some(json!("de-de"))),
                ],
            ),
        ),
    ];
    let mut cases = Vec::new();
    for (endpoint, pointer, field, variants) in fields {
        for (label, replacement) in variants {
            cases.push(field_case(endpoint, pointer, label, replacement, field));
        }
    }
    cases
}

/// Broken JSON, encodings and sizes, sent to every endpoint with a body.
fn encoding_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for endpoint in Endpoint::ALL {
        let base = endpoint.base_body().to_string();
        let (first_key, _) = base[2..].split_once('"').unwrap();
        let malformed = |name: &str, body: Vec<u8>| {
            body_case(
                endpoint,
                name,
                body,
                StatusCode::BAD_REQUEST,
                "MALFORMED_JSON",
                None,
            )
        };
        cases.push(malformed("empty body", Vec::new()));
        cases.push(malformed("truncated JSON", base[..base.len() / 2].into()));
        cases.push(malformed("trailing garbage", format!("{base} x").into()));
        let mut invalid_utf8 = base.clone().into_bytes();
        let quote = invalid_utf8.iter().rposition(|b| *b == b'"').unwrap();
        invalid_utf8.insert(quote, 0xff);
        cases.push(malformed("invalid UTF-8", invalid_utf8));
        cases.push(malformed("byte order mark", format!("\u{feff}{base}").into()));
        cases.push(malformed(
            "lone surrogate escape",
            format!("{{\"{first_key}\": \"\\ud800\"}}").into(),
        ));
        cases.push(malformed(
            "raw control character in a string",
            format!("{{\"{first_key}\": \"a\u{1}b\"}}").into(),
        ));
        cases.push(body_case(
            endpoint,
            "10,000 nested arrays",
            nested.clone(),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            None,
        ));
        cases.push(body_case(
            endpoint,
            "10,000 nested arrays in a field",
            format!("{{\"{first_key}\": {nested}}}"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            Some(first_key),
        ));
        cases.push(body_case(
            endpoint,
            "JSON null",
            "null",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            Some("JSON object"),
        ));
        cases.push(body_case(
            endpoint,
            "JSON string",
            "\"body\"",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            Some("JSON object"),
        ));
        let zeros = vec!["0"; 200_000].join(",");
        cases.push(body_case(
            endpoint,
            "huge array of the wrong type",
            format!("{{\"{first_key}\": [{zeros}]}}"),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            Some(first_key),
        ));
        cases.push(body_case(
            endpoint,
            "body over 1 MiB",
            format!("{{\"{first_key}\": [{zeros},{zeros},{zeros}]}}"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            None,
        ));
        if let Endpoint::Fetch = endpoint {
            let objects = format!("{}{}", "{\"a\": ".repeat(10_000), "}".repeat(10_000));
            for (label, value) in [("arrays", &nested), ("objects", &objects)] {
                cases.push(body_case(
                    endpoint,
                    &format!("10,000 nested {label} in filterData"),
                    format!("{{\"filterData\": {value}}}"),
                    StatusCode::BAD_REQUEST,
                    "MALFORMED_JSON",
                    Some("recursion limit"),
                ));
            }
        }
        if let Endpoint::Fetch = endpoint {
            let body = json!({"filterData": {"dueDateFrom": "2030-02-01", "dueDateTo": "2030-01-01"}});
            cases.push(body_case(
                endpoint,
                "dueDateTo before dueDateFrom",
                body.to_string(),
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST_DATA",
                Some("dueDate"),
            ));
        }
        let duplicated = format!("{{\"{first_key}\": null, {}", &base[1..]);
        cases.push(body_case(
            endpoint,
            "duplicated key",
            duplicated,
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_DATA",
            Some(first_key),
        ));
    }
    cases
}

/// Wrong, missing and repeated `Content-Type` and `Authorization` headers on valid bodies.
fn header_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let header_case = |endpoint: Endpoint,
                       name: &str,
                       headers: Vec<(&'static str, HeaderValue)>,
                       expected: StatusCode,
                       code: &'static str,
                       mentions: &str| Case {
        name: format!("{endpoint:?}: {name}"),
        method: endpoint.method(),
        path: endpoint.path(),
        headers: Some(headers),
        body: endpoint.base_body().to_string().into_bytes(),
        expected,
        code,
        mentions: Some(mentions.to_owned()),
    };
    let media = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    let unauthorized = StatusCode::UNAUTHORIZED;
    for endpoint in Endpoint::ALL {
        let auth = || ("authorization", valid_authorization());
        let json = || ("content-type", json_content_type());
        let content_types = [
            ("text/plain", "text/plain"),
            ("form", "application/x-www-form-urlencoded"),
            ("empty", ""),
            ("JSON-like", "application/jsonx"),
        ];
        for (label, value) in content_types {
            cases.push(header_case(
                endpoint,
                &format!("Content-Type {label}"),
                vec![auth(), ("content-type", HeaderValue::from_static(value))],
                media,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type",
            ));
        }
        let repeated = [
            ("JSON first", "application/json", "text/plain"),
            ("JSON second", "text/plain", "application/json"),
            ("both JSON", "application/json", "application/json"),
        ];
        for (label, first, second) in repeated {
            cases.push(header_case(
                endpoint,
                &format!("two Content-Type headers, {label}"),
                vec![
                    auth(),
                    ("content-type", HeaderValue::from_static(first)),
                    ("content-type", HeaderValue::from_static(second)),
                ],
                media,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type",
            ));
        }
        cases.push(header_case(
            endpoint,
            "no Content-Type",
            vec![auth()],
            media,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type",
        ));
        cases.push(header_case(
            endpoint,
            "no Authorization",
            vec![json()],
            unauthorized,
            "CREDENTIALS_ARE_NULL",
            "Authorization",
        ));
        cases.push(header_case(
            endpoint,
            "two Authorization headers",
            vec![auth(), auth(), json()],
            unauthorized,
            "WRONG_CREDENTIAL",
            "Authorization",
        ));
    }

    let update = Endpoint::Update;
    let json = || ("content-type", json_content_type());
    let broken_basic: Vec<(&str, HeaderValue, &str)> = vec![
        (
            "Bearer scheme",
            HeaderValue::from_static("Bearer abc"),
            "Authorization",
        ),
        ("scheme only", HeaderValue::from_static("Basic"), "Authorization"),
        (
            "invalid base64",
            HeaderValue::from_static("Basic !!!"),
            "Authorization",
        ),
        (
            "URL-safe base64",
            HeaderValue::from_static("Basic aW50-_2dyYXRvcg"),
            "Authorization",
        ),
        (
            "base64 without padding",
            HeaderValue::from_static("Basic aW50ZWdyYXRvcg"),
            "Authorization",
        ),
        ("no colon", basic(b"integrator"), "Authorization"),
        (
            "decoded bytes not UTF-8",
            basic(b"integrator:\xff\xfe"),
            "Authorization",
        ),
        (
            "header not UTF-8",
            HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
            "Authorization",
        ),
        ("empty credentials", basic(b":"), "password"),
        (
            "username with NUL",
            basic(b"integ\0rator:integrator-password"),
            "password",
        ),
        ("wrong password", basic(b"integrator:wrong-password"), "password"),
    ];
    for (label, value, mentions) in broken_basic {
        cases.push(header_case(
            update,
            &format!("Authorization {label}"),
            vec![("authorization", value), json()],
            unauthorized,
            "WRONG_CREDENTIAL",
            mentions,
        ));
    }
    cases
}

/// Builds a case that expects 400 `INVALID_REQUEST_DATA` naming the path or query parameter
/// `field`.
fn invalid_path_case(
    name: impl Into<String>,
    method: Method,
    path: String,
    body: Option<Value>,
    field: &str,
) -> Case {
    Case {
        name: name.into(),
        method,
        path,
        headers: None,
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        expected: StatusCode::BAD_REQUEST,
        code: "INVALID_REQUEST_DATA",
        mentions: Some(field.to_owned()),
    }
}

/// Path ids with control characters, invalid bytes and bad lengths; bad query parameters;
/// wrong methods.
fn path_cases() -> Vec<Case> {
    let f = &FIXTURE;
    let history = |department: &str, follow_up: &str, query: &str| {
        format!("/leads/followup/department/{department}/followup/{follow_up}/history{query}")
    };
    let update =
        |department: &str, user: &str| format!("/leads/followup/department/{department}/user/{user}/list");
    let create =
        |department: &str, user: &str| format!("/leads/followup/department/{department}/user/{user}");
    let long = "i".repeat(129);
    let mut cases = vec![
        invalid_path_case(
            "update departmentUUID with NUL",
            Method::PUT,
            update("department%00a1", f.user),
            Some(Endpoint::Update.base_body()),
            "departmentUUID",
        ),
        invalid_path_case(
            "update userUUID with newline",
            Method::PUT,
            update(f.dept_a1, "user%0Auuid"),
            Some(Endpoint::Update.base_body()),
            "userUUID",
        ),
        invalid_path_case(
            "update departmentUUID not UTF-8",
            Method::PUT,
            update("department%FFa1", f.user),
            Some(Endpoint::Update.base_body()),
            "departmentUUID",
        ),
        invalid_path_case(
            "update allOrNone empty",
            Method::PUT,
            format!("{}?allOrNone=", update(f.dept_a1, f.user)),
            Some(Endpoint::Update.base_body()),
            "allOrNone",
        ),
        invalid_path_case(
            "create departmentUUID oversized",
            Method::POST,
            create(&long, f.user),
            Some(Endpoint::Create.base_body()),
            "departmentUUID",
        ),
        invalid_path_case(
            "create userUUID with tab",
            Method::POST,
            create(f.dept_a1, "user%09uuid"),
            Some(Endpoint::Create.base_body()),
            "userUUID",
        ),
        invalid_path_case(
            "fetch dealerUUID with escape character",
            Method::POST,
            "/leads/followup/dealer/dealer%1Ba/list".into(),
            Some(Endpoint::Fetch.base_body()),
            "dealerUUID",
        ),
        invalid_path_case(
            "history followUpUUID with NUL",
            Method::GET,
            history(f.dept_a1, "malformed%001", ""),
            None,
            "followUpUUID",
        ),
        invalid_path_case(
            "history followUpUUID oversized",
            Method::GET,
            history(f.dept_a1, &long, ""),
            None,
            "followUpUUID",
        ),
        invalid_path_case(
            "history departmentUUID with space",
            Method::GET,
            history("department%20a1", FOLLOW_UPS[0], ""),
            None,
            "departmentUUID",
        ),
        invalid_path_case(
            "task type list dealerUUID with DEL",
            Method::GET,
            "/leads/followup/dealer/dealer%7Fa/tasktype/list".into(),
            None,
            "dealerUUID",
        ),
        invalid_path_case(
            "template list templateType in lower case",
            Method::GET,
            format!("/leads/followup/dealer/{}/templatetype/email/list", f.dealer_a),
            None,
            "templateType",
        ),
        invalid_path_case(
            "template list templateType with NUL",
            Method::GET,
            format!("/leads/followup/dealer/{}/templatetype/EMAIL%00/list", f.dealer_a),
            None,
            "templateType",
        ),
        invalid_path_case(
            "template list dealerUUID with NUL",
            Method::GET,
            "/leads/followup/dealer/dealer%00a/templatetype/EMAIL/list".into(),
            None,
            "dealerUUID",
        ),
    ];
    let history_queries = [
        ("limit zero", "?limit=0", "limit"),
        ("limit negative", "?limit=-1", "limit"),
        ("limit not a number", "?limit=ten", "limit"),
        ("limit empty", "?limit=", "limit"),
        ("limit oversized", "?limit=99999999999999999999999", "limit"),
        ("pageToken garbage", "?pageToken=%25%25%25", "pageToken"),
        ("pageToken not UTF-8", "?pageToken=%FF%FE", "pageToken"),
    ];
    for (label, query, field) in history_queries {
        cases.push(invalid_path_case(
            format!("history {label}"),
            Method::GET,
            history(f.dept_a1, FOLLOW_UPS[0], query),
            None,
            field,
        ));
    }
    let methods = [
        (Method::GET, update(f.dept_a1, f.user)),
        (Method::POST, update(f.dept_a1, f.user)),
        (Method::DELETE, update(f.dept_a1, f.user)),
        (Method::PATCH, update(f.dept_a1, f.user)),
        (Method::GET, create(f.dept_a1, f.user)),
        (Method::PUT, create(f.dept_a1, f.user)),
        (Method::GET, format!("/leads/followup/dealer/{}/list", f.dealer_a)),
        (Method::PUT, format!("/leads/followup/dealer/{}/list", f.dealer_a)),
        (Method::POST, history(f.dept_a1, FOLLOW_UPS[0], "")),
        (Method::DELETE, history(f.dept_a1, FOLLOW_UPS[0], "")),
        (
            Method::GET,
            format!("/leads/followup/dealer/{}/tasktype", f.dealer_a),
        ),
        (
            Method::POST,
            format!("/leads/followup/dealer/{}/tasktype/list", f.dealer_a),
        ),
        (
            Method::PUT,
            format!("/leads/followup/dealer/{}/template", f.dealer_a),
        ),
        (
            Method::DELETE,
            format!("/leads/followup/dealer/{}/templatetype/EMAIL/list", f.dealer_a),
        ),
    ];
    for (method, path) in methods {
        cases.push(Case {
            name: format!("{method} {path}"),
            mentions: Some(method.to_string()),
            method,
            path,
            headers: None,
            body: b"{}".to_vec(),
            expected: StatusCode::METHOD_NOT_ALLOWED,
            code: "METHOD_NOT_ALLOWED",
        });
    }
    cases
}

fn all_cases() -> Vec<Case> {
    let mut cases = field_cases();
    cases.extend(encoding_cases());
    cases.extend(header_cases());
    cases.extend(path_cases());
    cases
}

async fn send(app: &TestApp, case: &Case) -> (StatusCode, Option<String>, String) {
    let mut request = app
        .client
        .request(case.method.clone(), format!("{}{}", app.base_url, case.path))
        .body(case.body.clone());
    match &case.headers {
        None => {
            request = request
                .header("authorization", valid_authorization())
                .header("content-type", json_content_type());
        }
        Some(headers) => {
            for (name, value) in headers {
                request = request.header(*name, value.clone());
            }
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (status, content_type, response.text().await.unwrap())
}

/// Checks that the response is the error envelope that `case` expects.
fn check(case: &Case, status: StatusCode, content_type: Option<&str>, text: &str) {
    let name = &case.name;
    assert_eq!(status, case.expected, "{name}: status; body: {text}");
    assert_eq!(
        content_type,
        Some("application/json"),
        "{name}: the response is JSON; body: {text}"
    );

    let body: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {text}"));
    assert_eq!(
        body["statusCode"],
        case.expected.as_u16(),
        "{name}: statusCode mirrors the HTTP status: {body}"
    );
    assert_eq!(body["error"]["code"], case.code, "{name}: error code: {body}");
    assert!(
        body["error"]["metadata"].is_object(),
        "{name}: metadata is an object: {body}"
    );

    let warnings = &body["warnings"];
    assert!(
        warnings.is_null() || warnings.is_array(),
        "{name}: warnings is null or an array: {body}"
    );

    let description = body["error"]["description"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: description is a string: {body}"));
    assert!(
        description.len() > 20,
        "{name}: description explains the problem: {body}"
    );
    if let Some(mentions) = &case.mentions {
        assert!(
            description.contains(mentions.as_str()),
            "{name}: description names {mentions:?}: {description}"
        );
    }
}

/// JSON arrays in place of objects, with the values of a valid body in field order.
fn positional_cases() -> Vec<Case> {
    use Endpoint::*;
    let template: Vec<Value> = Template
        .base_body()
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    let mut person_array = Update.base_body();
    person_array["actionTakenBy"] = json!([FIXTURE.user, "John", "Doe"]);
    let mut assignee_array = Update.base_body();
    assignee_array["newAssignee"] = json!(["agent-7", "Jane", "Smith"]);
    let mut item_array = Create.base_body();
    item_array["followUps"][0]["assignee"] = json!(["agent-7", "Jane", "Smith"]);
    let bodies = [
        (
            Update,
            "body",
            json!([
                ["malformed-1"],
                "ASSIGN",
                {"uuid": "agent-7", "fname": "Jane", "lname": "Smith"},
                {"uuid": FIXTURE.user, "fname": "John", "lname": "Doe"}
            ]),
        ),
        (Update, "actionTakenBy", person_array),
        (Update, "newAssignee", assignee_array),
        (Create, "followUps[0].assignee", item_array),
        (
            Create,
            "body",
            json!([[[
                "positional-new",
                "customer-1",
                null,
                "Call back",
                null,
                null,
                null,
                null
            ]]]),
        ),
        (Fetch, "body", json!([FIXTURE.dept_a1, 0, 10, null, null])),
        (
            TaskType,
            "body",
            json!(["positional-task-type", "Positional", ""]),
        ),
        (Template, "body", Value::Array(template)),
    ];
    bodies
        .into_iter()
        .map(|(endpoint, field, body)| {
            body_case(
                endpoint,
                &format!("{field} as a JSON array"),
                body.to_string(),
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST_DATA",
                Some("expected a JSON object"),
            )
        })
        .collect()
}

async fn seed(app: &TestApp) {
    let task_type = NewTaskType {
        uuid: id(TASK_TYPE),
        dealer_uuid: id(FIXTURE.dealer_a),
        name: "Declined service".into(),
        description: String::new(),
    };
    app.store.create_task_type(task_type).await.unwrap();
    app.add_follow_ups(FIXTURE.dept_a1, &FOLLOW_UPS).await;
    app.add_follow_ups(FIXTURE.dept_b1, &["malformed-b"]).await;
}

/// Sends each case, checks its response and checks that neither dealer's data changed.
async fn run_cases(cases: &[Case]) {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let before = [
        DealerSnapshot::take(&app, FIXTURE.dealer_a).await,
        DealerSnapshot::take(&app, FIXTURE.dealer_b).await,
    ];
    assert_eq!(
        before[0].follow_ups.len(),
        FOLLOW_UPS.len(),
        "the seeded follow-ups"
    );
    for case in cases {
        let (status, content_type, text) = send(&app, case).await;
        check(case, status, content_type.as_deref(), &text);
        let after = [
            DealerSnapshot::take(&app, FIXTURE.dealer_a).await,
            DealerSnapshot::take(&app, FIXTURE.dealer_b).await,
        ];
        assert_eq!(after, before, "{}: the database changed", case.name);
    }
}

#[tokio::test]
async fn malformed_requests_get_an_envelope_and_change_nothing() {
    let cases = all_cases();
    assert!(cases.len() >= 100, "only {} malformed requests", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "every case has its own name");
    run_cases(&cases).await;
}

#[tokio::test]
async fn json_arrays_in_place_of_objects_are_rejected() {
    run_cases(&positional_cases()).await;
}
