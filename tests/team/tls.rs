//! TLS by libpq's conventions against the test cluster (`pg.sh` starts it
//! with a throwaway certificate authority): `require` encrypts, `verify-full`
//! with the team's root verifies and syncs, and with another root is refused
//! with a message that says why; `disable` stays plain.

use super::*;
use cockpit_team::Team;

/// The test cluster's root certificate, when it has TLS on.
fn tls_root(url: &str) -> Option<PathBuf> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let on: String = client.query_one("SHOW ssl", &[]).expect("ssl").get(0);
    if on != "on" {
        eprintln!("\n*** TLS TESTS SKIPPED: the test server has no TLS (openssl missing) ***\n");
        return None;
    }
    let cert: String = client.query_one("SHOW ssl_cert_file", &[]).expect("cert").get(0);
    Some(Path::new(&cert).with_file_name("ca.crt"))
}

#[test]
fn require_encrypts_verify_full_checks_the_root_and_a_wrong_root_is_refused() {
    let Some(url) = fresh_team() else { return };
    let Some(root) = tls_root(&url) else { return };
    let dir = tempfile::tempdir().expect("dir");
    let require = format!("{url}?sslmode=require");
    ok(cockpit(&dir.path().join("admin.db"), &["team", "init", &require]));
    assert!(Team::connect(&require).expect("require").encrypted().expect("ssl"));
    let full = format!("{url}?sslmode=verify-full&sslrootcert={}", root.display());
    assert!(Team::connect(&full).expect("verify-full").encrypted().expect("ssl"));
    let verify_ca = format!(
        "host=127.0.0.1 port={} user=postgres dbname={} sslmode=verify-ca sslrootcert={}",
        url.rsplit_once(':').expect("port").1.split('/').next().expect("port"),
        url.rsplit_once('/').expect("db").1,
        root.display()
    );
    assert!(Team::connect(&verify_ca).expect("verify-ca").encrypted().expect("ssl"));
    let db = member_book(dir.path(), "ann");
    ok(cockpit(&db, &["team", "join", &full, "--as", "ann"]));
    let said = ok(cockpit(&db, &["sync"]));
    assert!(said.contains("synced with"), "{said}");

    // Another authority's root: the server's certificate does not chain to it.
    let other = dir.path().join("other-ca.crt");
    let made = std::process::Command::new("openssl")
        .args(["req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=someone else"])
        .arg("-keyout")
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other)
        .output()
        .expect("openssl");
    assert!(made.status.success());
    let wrong = format!("{url}?sslmode=verify-full&sslrootcert={}", other.display());
    let said = fails(cockpit(&db, &["sync", "--url", &wrong]));
    assert!(said.contains("cannot reach the team database"), "{said}");
    assert!(said.contains("certificate"), "{said}");
    let missing = format!("{url}?sslmode=verify-full&sslrootcert=/nonexistent/root.crt");
    let said = fails(cockpit(&db, &["sync", "--url", &missing]));
    assert!(said.contains("needs the server's root certificate"), "{said}");
    assert!(
        !Team::connect(&format!("{url}?sslmode=disable")).expect("plain").encrypted().expect("ssl")
    );
}
