//! The bundled demo book. (Being built.)
