//! `import all`'s JSON files: an array of objects read as the CSV rows the
//! checks take, each error moved to the line where its object starts.

use super::*;

/// One row of a JSON file.
type Object = serde_json::Map<String, Value>;

/// A JSON file: an array of objects, and the line each object starts on.
pub(super) fn json_objects(path: &Path) -> Result<(Vec<Object>, Vec<u64>), ImportError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|source| ImportError::Io { file: file.clone(), source })?;
    let value: Value = serde_json::from_str(&text).map_err(|error| {
        ImportError::Rejected(vec![RowError {
            file: file.clone(),
            line: error.line() as u64,
            column: Some(error.column()),
            column_name: None,
            message: format!("is not JSON: {error}"),
        }])
    })?;
    let Value::Array(items) = value else {
        return Err(ImportError::Rejected(vec![RowError::file(
            &file,
            "expected an array of objects, one per row".to_string(),
        )]));
    };
    let lines = object_lines(&text);
    let mut objects = Vec::with_capacity(items.len());
    for (at, item) in items.into_iter().enumerate() {
        let line = lines.get(at).copied().unwrap_or(0);
        match item {
            Value::Object(object) => objects.push(object),
            _ => {
                return Err(ImportError::Rejected(vec![RowError::at(
                    &file,
                    line,
                    "expected an object (a row), found another value".to_string(),
                )]));
            }
        }
    }
    Ok((objects, lines))
}

/// The line on which each element of the top-level array starts.
pub(super) fn object_lines(text: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let (mut line, mut depth, mut in_string, mut escaped) = (1u64, 0usize, false, false);
    let mut expecting = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if depth == 1 && expecting && !c.is_whitespace() && c != ',' && c != ']' {
            lines.push(line);
            expecting = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    lines
}

/// A JSON value as the text of a cell; `None` for null.
pub(super) fn json_cell(value: &Value) -> Option<Result<String, &'static str>> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(Ok(text.clone())),
        Value::Number(number) => Some(Ok(number.to_string())),
        Value::Bool(flag) => Some(Ok(flag.to_string())),
        Value::Array(_) | Value::Object(_) => Some(Err("expected text or a number")),
    }
}

/// The rows of a JSON file of `names`.
pub(super) fn json_rows(
    path: &Path,
    names: &[&'static str],
    warnings: &mut Vec<String>,
) -> Result<Vec<RawRow>, ImportError> {
    let file = path.display().to_string();
    let (objects, lines) = json_objects(path)?;
    let positions = std::rc::Rc::new(names.iter().map(|_| None).collect::<Vec<_>>());
    let mut rows = Vec::with_capacity(objects.len());
    let mut problems = Problems::default();
    let mut unknown = std::collections::BTreeSet::new();
    for (at, object) in objects.iter().enumerate() {
        let line = lines.get(at).copied().unwrap_or(0);
        unknown.extend(object.keys().filter(|k| !names.contains(&k.as_str())).cloned());
        let mut cells = Vec::with_capacity(names.len());
        for name in names {
            match object.get(*name) {
                None => {
                    problems.push(RowError {
                        file: file.clone(),
                        line,
                        column: None,
                        column_name: Some(name.to_string()),
                        message: "missing from this row".to_string(),
                    });
                    cells.push(None);
                }
                Some(value) => match json_cell(value) {
                    None => cells.push(None),
                    Some(Ok(text)) => cells.push(Some(text)),
                    Some(Err(message)) => {
                        problems.push(RowError {
                            file: file.clone(),
                            line,
                            column: None,
                            column_name: Some(name.to_string()),
                            message: message.to_string(),
                        });
                        cells.push(None);
                    }
                },
            }
        }
        rows.push(RawRow { line, cells, positions: positions.clone(), names: names.to_vec() });
    }
    for key in unknown {
        warnings.push(format!("{file}: key {key:?} is not one of {}; ignored", names.join(", ")));
    }
    if !problems.is_empty() {
        return Err(ImportError::Rejected(problems.into_errors(&file)));
    }
    Ok(rows)
}

/// A JSON file of one of the book's kinds as the CSV the import reads,
/// with the JSON line of each CSV line a row starts on.
pub(super) fn json_as_csv(
    path: &Path,
    names: &'static [&'static str],
    warnings: &mut Vec<String>,
) -> Result<(Vec<u8>, LineMap), ImportError> {
    let file = path.display().to_string();
    let (objects, lines) = json_objects(path)?;
    let mut unknown = std::collections::BTreeSet::new();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |error: csv::Error| ImportError::Io {
        file: file.clone(),
        source: std::io::Error::other(error.to_string()),
    };
    writer.write_record(names).map_err(csv_error)?;
    let mut map = LineMap::default();
    let mut csv_line = 2u64;
    for (at, object) in objects.iter().enumerate() {
        unknown.extend(object.keys().filter(|k| !names.contains(&k.as_str())).cloned());
        let mut record = Vec::with_capacity(names.len());
        for name in names {
            let cell = match object.get(*name).and_then(json_cell) {
                None => String::new(),
                Some(Ok(text)) if super::super::needs_text_prefix(&text) => format!("'{text}"),
                Some(Ok(text)) => text,
                Some(Err(message)) => {
                    return Err(ImportError::Rejected(vec![RowError {
                        file: file.clone(),
                        line: lines.get(at).copied().unwrap_or(0),
                        column: None,
                        column_name: Some(name.to_string()),
                        message: message.to_string(),
                    }]));
                }
            };
            record.push(cell);
        }
        writer.write_record(&record).map_err(csv_error)?;
        map.0.insert(csv_line, lines.get(at).copied().unwrap_or(0));
        csv_line += 1 + record.iter().map(|cell| cell.matches('\n').count() as u64).sum::<u64>();
    }
    for key in unknown {
        warnings.push(format!("{file}: key {key:?} is not one of {}; ignored", names.join(", ")));
    }
    let bytes = writer.into_inner().map_err(|error| ImportError::Io {
        file: file.clone(),
        source: std::io::Error::other(error.to_string()),
    })?;
    Ok((bytes, map))
}

/// CSV line where a converted row starts → JSON line where its object starts.
#[derive(Default)]
pub(super) struct LineMap(std::collections::HashMap<u64, u64>);

/// An error found in the converted CSV, said of the JSON file: the object's
/// line, the column by name only.
pub(super) fn relocate(error: &mut RowError, lines: &LineMap) {
    if error.line > 1 {
        error.line = lines.0.get(&error.line).copied().unwrap_or(error.line);
    }
    error.column = None;
}

pub(super) fn json_lines(error: ImportError, lines: &LineMap) -> ImportError {
    match error {
        ImportError::Rejected(mut errors) => {
            errors.iter_mut().for_each(|error| relocate(error, lines));
            ImportError::Rejected(errors)
        }
        other => other,
    }
}
