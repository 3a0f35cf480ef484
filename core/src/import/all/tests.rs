//! Tests of `all`.

use super::*;

#[test]
fn each_array_element_starts_on_its_line() {
    let text = "[\n{\"a\": \"x,{y}\\\"\"},\n{\"a\": [1,\n2]},\n\n  {}\n]\n";
    assert_eq!(object_lines(text), vec![2, 3, 6]);
    assert_eq!(object_lines("[{}, {}]"), vec![1, 1]);
    assert_eq!(object_lines("[]"), Vec::<u64>::new());
}

#[test]
fn cells_are_checked_by_their_column_kind() {
    use ColumnKind::*;
    assert_eq!(check_cell(Integer, false, Some(" 42 ")), Ok(Field::Integer(42)));
    assert!(check_cell(Integer, false, Some("4.2")).is_err());
    assert_eq!(check_cell(Text, false, None), Ok(Field::Text(String::new())));
    assert_eq!(check_cell(Date, true, None), Ok(Field::Null));
    assert_eq!(check_cell(Date, false, None), Err("is empty; a value is required".to_string()));
    assert!(check_cell(Date, false, Some("2025-02-30")).is_err());
    assert!(check_cell(Time, false, Some("2025-02-03 10:00")).is_err());
    assert_eq!(
        check_cell(Time, false, Some("2025-02-03T10:00:00Z")),
        Ok(Field::Text("2025-02-03T10:00:00Z".to_string()))
    );
    assert_eq!(
        check_cell(Choice(&["a", "b"]), false, Some("c")),
        Err("\"c\" is not one of a, b".to_string())
    );
    assert_eq!(check_cell(Refers("accounts"), false, Some("A1")), Ok(Field::Text("A1".into())));
    assert_eq!(check_cell(Refers("churn_chains"), true, Some("7")), Ok(Field::Integer(7)));
}
