//! CSV and JSON export. (Being built.)
