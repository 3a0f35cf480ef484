//! CSV import: one transaction per file, file:line:column errors. (Being built.)
