//! Tests of `input`.

use super::*;

#[test]
fn the_text_prefix_round_trips() {
    for cell in ["=SUM(A1)", "+1", "-5", "@me", "'=x", "''", "'plain", "plain", "", "'"] {
        let written = if needs_text_prefix(cell) { format!("'{cell}") } else { cell.to_string() };
        assert_eq!(strip_text_prefix(&written), cell, "{cell:?} written as {written:?}");
    }
    assert_eq!(strip_text_prefix("'hello"), "'hello");
    assert!(needs_text_prefix("=1+1"));
    assert!(!needs_text_prefix("Acme"));
}

const COLUMNS: Columns = Columns { names: &["account_id", "name", "csm"], required: 2 };

fn open(text: &[u8]) -> Result<Vec<Result<Vec<String>, String>>, Vec<String>> {
    let mut warnings = Vec::new();
    let mut input = CsvInput::open("t.csv", text, &COLUMNS, &mut warnings)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let mut rows = Vec::new();
    loop {
        match input.next_row(COLUMNS.names) {
            Ok(None) => break,
            Ok(Some(row)) => rows.push(
                (0..3)
                    .map(|c| row.cell(c).map(|t| t.unwrap_or("-").to_string()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string()),
            ),
            Err(e) => rows.push(Err(e.to_string())),
        }
    }
    Ok(rows)
}

#[test]
fn reads_bom_crlf_quotes_in_any_column_order() {
    let rows =
        open(b"\xEF\xBB\xBFname,Account_ID\r\n\"Acme, \"\"Inc\"\"\nline 2\",A1\r\n").expect("ok");
    assert_eq!(rows, vec![Ok(vec!["A1".into(), "Acme, \"Inc\"\nline 2".into(), "-".into()])]);
}

#[test]
fn reports_short_rows_and_open_quotes_by_line() {
    let rows = open(b"account_id,name\nA1\nA2,\"Beta\n").expect("ok");
    assert!(rows[0].as_ref().expect_err("short").starts_with("t.csv:2: the row has 1 cell but"));
    assert!(rows[1].is_ok());
    assert!(rows[2].as_ref().expect_err("open").contains("never closed"));
}

#[test]
fn refuses_what_the_parser_would_change_silently_on_its_row() {
    let rows = open(b"account_id,name,csm\nA1,\"q\"x,ana\nA2,ok,ana\nA3,b\rc,ana\n").expect("ok");
    let errors: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Ok(cells) => cells.join("|"),
            Err(e) => e.clone(),
        })
        .collect();
    assert!(errors[0].starts_with("t.csv:2:2: name: text after the closing quote"), "{errors:#?}");
    assert_eq!(errors[1], "A2|ok|ana");
    assert!(
        errors[2].starts_with("t.csv:4:2: name: a carriage return without a line feed"),
        "{errors:#?}"
    );
    // Past the first bytes, where a zero byte says the file is binary.
    let mut text = b"account_id,name,csm\n".to_vec();
    text.extend(b"A1,padding,ana\n".repeat(1000));
    text.extend(b"A2,\"d\x00\",ana\n");
    let rows = open(&text).expect("ok");
    let error = rows[1000].as_ref().expect_err("nul");
    assert!(error.starts_with("t.csv:1002:2: name: the cell holds a zero byte"), "{error}");
    let e = open(b"account_id,\"name\"x\nA1,B\n").expect_err("header");
    assert!(e[0].starts_with("t.csv:1:2: text after the closing quote"), "{e:?}");
    // Old Mac line endings (CR alone) are refused at the header, once.
    let e = open(b"account_id,name\rA1,B\r").expect_err("CR only");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("t.csv:1:2: a carriage return without a line feed"), "{e:?}");
}

#[test]
fn refuses_bad_headers_and_files() {
    let e = open(b"account_id,account_id,name\n").expect_err("dup");
    assert_eq!(
        e,
        vec!["t.csv:1:2: account_id: the column appears twice in the header (also column 1)"]
    );
    let e = open(b"account_id\nA1\n").expect_err("missing");
    assert!(e[0].starts_with("t.csv:1: missing required column name"));
    assert!(open(b"").expect_err("empty")[0].contains("empty"));
    assert!(open(b"\x00\x01PK").expect_err("binary")[0].contains("binary"));
}
