//! The synthetic book generator. (Being built.)
