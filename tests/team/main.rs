//! The team's book against a real PostgreSQL: a throwaway cluster started by
//! `tests/team/pg.sh` (or the server `COCKPIT_TEST_PG` names, as `.ci/run`
//! sets it), one fresh database per test. Members are book files driven
//! through the real `cockpit` binary (`team init`, `team join`, `sync`) and
//! the store's own writes, the way a CSM's cockpit writes them.

mod book_data;
mod departures;
mod flows;
mod harm;
mod pieces;
mod tls;

use cockpit_core::store::Store;
use cockpit_core::testkit::Book;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The server's admin URL, started once per test binary; `None` (said
/// loudly) only when PostgreSQL cannot be started at all.
fn server() -> Option<&'static str> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            if let Ok(url) = std::env::var("COCKPIT_TEST_PG")
                && !url.is_empty()
            {
                return Some(url);
            }
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/team/pg.sh");
            let started = Command::new(script)
                .arg("start")
                .arg("")
                .arg(std::process::id().to_string())
                .output();
            match started {
                Ok(out) if out.status.success() => {
                    let text = String::from_utf8_lossy(&out.stdout);
                    text.split_whitespace().next().map(str::to_string)
                }
                Ok(out) => {
                    eprintln!(
                        "\n\n*** TEAM TESTS SKIPPED: PostgreSQL could not be started ***\n{}\n",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    None
                }
                Err(e) => {
                    eprintln!("\n\n*** TEAM TESTS SKIPPED: tests/team/pg.sh: {e} ***\n");
                    None
                }
            }
        })
        .as_deref()
}

/// A fresh, empty database on the server; its URL.
pub fn fresh_team() -> Option<String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = server()?;
    let name = format!("team_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut client = postgres::Client::connect(admin, postgres::NoTls).expect("admin connection");
    client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
    Some(format!("{base}/{name}"))
}

/// The book every member starts from: the same three accounts.
pub fn member_book(dir: &Path, name: &str) -> PathBuf {
    Book::new()
        .accounts(
            "id, name, csm, health, health_since, arr
             A1, Acme, ann, green, 2026-01-01T00:00:00Z, 120000
             B2, Globex, bob, yellow, 2026-01-01T00:00:00Z, 50000
             C3, Initech, cy, green, 2026-01-01T00:00:00Z, 9000",
        )
        .create(&dir.join(format!("{name}.db")))
}

/// `cockpit --db DB ARGS…` with empty settings and no team in the environment.
pub fn cockpit(db: &Path, args: &[&str]) -> Command {
    let settings = db.with_extension("config.toml");
    if !settings.exists() {
        std::fs::write(&settings, "").expect("an empty settings file");
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command
        .arg("--db")
        .arg(db)
        .args(["--width", "0"])
        .args(args)
        .env("COCKPIT_CONFIG", settings)
        .env_remove("COCKPIT_TEAM_URL")
        .env("COCKPIT_TODAY", "2026-04-15")
        .env("COCKPIT_USER", "ann");
    command
}

/// Runs a command that must succeed; its standard output.
pub fn ok(mut command: Command) -> String {
    let out: Output = command.output().expect("run cockpit");
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command that must fail; its standard error.
pub fn fails(mut command: Command) -> String {
    let out: Output = command.output().expect("run cockpit");
    assert!(
        !out.status.success(),
        "{command:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Members `names` of a new team, each a book in `dir` that joined it.
pub fn team_of(dir: &Path, url: &str, names: &[&str]) -> Vec<PathBuf> {
    ok(cockpit(&dir.join("admin.db"), &["team", "init", url]));
    names
        .iter()
        .map(|name| {
            let db = member_book(dir, name);
            ok(cockpit(&db, &["team", "join", url, "--as", name]));
            db
        })
        .collect()
}

pub fn open(db: &Path) -> Store {
    Store::open(db).expect("open the member's book")
}

pub fn dump(db: &Path) -> String {
    open(db).book_dump().expect("dump")
}

/// The team server's events: (total rows, distinct event ids).
pub fn server_counts(url: &str) -> (i64, i64) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let row = client
        .query_one("SELECT count(*), count(DISTINCT event_id) FROM cockpit.events", &[])
        .expect("count");
    (row.get(0), row.get(1))
}
