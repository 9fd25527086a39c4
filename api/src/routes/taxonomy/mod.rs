//! The reference data clients build their forms from.

pub mod get;
