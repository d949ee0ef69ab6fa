//! vanban-input (being written).
