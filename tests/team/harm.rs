//! What must survive: a sync killed with SIGKILL while it pushes or pulls,
//! a server that goes away in the middle of a sync, and a cockpit older
//! than the team's schema (refused before it sends anything).

use super::*;
use chrono::{Duration as Days, TimeZone, Utc};
use cockpit_core::domain::NoteKind;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

/// `count` notes authored by the member of `db` (one event each).
fn author_notes(db: &Path, who: &str, count: u32) {
    let store = open(db);
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).single().expect("time");
    for n in 0..count {
        let account = ["A1", "B2", "C3"][(n % 3) as usize];
        store
            .add_note(
                account,
                NoteKind::Note,
                &format!("{who} note {n}"),
                who,
                start + Days::seconds(i64::from(n)),
            )
            .expect("note");
    }
}

fn kill_after(mut command: std::process::Command, millis: u64) {
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(millis));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_sync_killed_while_it_pushes_or_pulls_loses_nothing_and_repeats_nothing() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann", "bob"]);
    author_notes(&members[0], "ann", 6_000);
    // Killed at several points of the push, then of bob's pull.
    for millis in [30, 120, 300, 600] {
        kill_after(cockpit(&members[0], &["sync"]), millis);
    }
    ok(cockpit(&members[0], &["sync"]));
    assert_eq!(open(&members[0]).outbox_len().expect("outbox"), 0);
    assert_eq!(server_counts(&url), (6_000, 6_000), "every event stored once");
    for millis in [30, 120, 300, 600] {
        kill_after(cockpit(&members[1], &["sync"]), millis);
    }
    ok(cockpit(&members[1], &["sync"]));
    assert_eq!(dump(&members[0]), dump(&members[1]));
    assert_eq!(open(&members[1]).account_notes("A1").expect("notes").len(), 2_000);
}

/// A loopback proxy to `upstream` that cuts every connection once the
/// client has sent `budget` bytes through it: the server "goes away".
fn cutting_proxy(upstream: std::net::SocketAddr, budget: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(upstream) else { continue };
            let (mut c_read, mut s_write) =
                (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut sent = 0;
                let mut buffer = [0u8; 8192];
                while let Ok(n) = c_read.read(&mut buffer) {
                    if n == 0 || sent + n > budget {
                        break;
                    }
                    sent += n;
                    if s_write.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(Shutdown::Both);
                let _ = c_read.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(Shutdown::Both);
            });
        }
    });
    port
}

#[test]
fn the_server_going_away_mid_sync_leaves_the_book_usable_and_the_outbox_intact() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann"]);
    author_notes(&members[0], "ann", 5_000);
    let rest = url.split_once('@').expect("url").1;
    let (host_port, database) = rest.split_once('/').expect("url");
    let upstream: std::net::SocketAddr = host_port.parse().expect("address");
    // Enough for the handshake and the first batch, not for all of it.
    let port = cutting_proxy(upstream, 400_000);
    let through = format!("postgres://postgres@127.0.0.1:{port}/{database}");
    let said = fails(cockpit(&members[0], &["sync", "--url", &through]));
    assert!(said.contains("went away during the sync"), "{said}");
    assert!(said.contains("events wait in the outbox"), "{said}");
    let book = open(&members[0]);
    let waiting = book.outbox_len().expect("outbox");
    let (stored, _) = server_counts(&url);
    assert!(waiting > 0, "the cut came before the end");
    assert_eq!(
        stored + i64::try_from(waiting).expect("n"),
        5_000,
        "every event is on the server or waiting"
    );
    // The book is usable, and the next sync finishes the job.
    book.add_note("A1", NoteKind::Call, "still here", "ann", Utc::now()).expect("write");
    ok(cockpit(&members[0], &["sync"]));
    assert_eq!(server_counts(&url), (5_001, 5_001));
}

#[test]
fn a_cockpit_older_than_the_team_schema_is_refused_before_it_sends_anything() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann"]);
    author_notes(&members[0], "ann", 3);
    let newer = cockpit_team::TEAM_SCHEMA + 1;
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    client
        .execute("UPDATE cockpit.meta SET value = $1 WHERE key = 'schema'", &[&newer.to_string()])
        .expect("a newer schema");
    let said = fails(cockpit(&members[0], &["sync"]));
    assert!(
        said.contains(&format!("uses team schema {newer}, newer than this cockpit knows")),
        "{said}"
    );
    assert!(said.contains("upgrade cockpit"), "{said}");
    assert_eq!(server_counts(&url), (0, 0), "nothing was sent");
    assert_eq!(open(&members[0]).outbox_len().expect("outbox"), 3);
    let said = fails(cockpit(&members[0], &["team", "init", &url]));
    assert!(said.contains("newer than this cockpit knows"), "{said}");
    let fresh = member_book(dir.path(), "late");
    let said = fails(cockpit(&fresh, &["team", "join", &url, "--as", "late"]));
    assert!(said.contains("newer than this cockpit knows"), "{said}");
}
